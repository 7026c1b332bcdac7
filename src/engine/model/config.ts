// The project's configuration file (single-object-sync.json), as loaded and validated.
// These names are a contract with users' files and with every layer; add fields, never
// change the meaning of these. The JSON schema lives in schemas/single-object-sync.schema.json.

export type ObjectType = 'user' | 'inetOrgPerson' | 'group' | 'contact' | 'computer' | (string & {});

export interface PartitionConfig {
  /** The partition's naming context, e.g. DC=corp,DC=contoso,DC=com. */
  dn: string;
  selected: boolean;
  /** Containers included; the most specific (longest) matching inclusion or exclusion wins. */
  inclusions: string[];
  exclusions: string[];
}

export interface TlsConfig {
  /** PEM file of the CA that issued the domain controller's certificate. */
  caFile?: string | null;
  /** Name to verify in the DC's certificate when the URL uses an IP address. */
  serverName?: string | null;
}

export interface ActiveDirectoryConnectorConfig {
  /** Connector name; by convention the forest's DNS name. */
  name: string;
  /** ldaps://host:636 or ldap://host:389 (with startTls). Absent when ldifFile is used. */
  url?: string | null;
  /** Offline source: an LDIF snapshot (ldifde / ldapsearch export). */
  ldifFile?: string | null;
  bindDn?: string | null;
  /** Name of the environment variable (CLI) holding the bind password. Never the password. */
  passwordEnv?: string | null;
  tls?: TlsConfig;
  /** Upgrade ldap:// with StartTLS before binding. */
  startTls?: boolean;
  /** Allow a simple bind over plain LDAP (refused by default). */
  allowInsecure?: boolean;
  connectTimeoutMs?: number;
  operationTimeoutMs?: number;
  partitions: PartitionConfig[];
  objectTypes: ObjectType[];
  /** Group filtering (pilot) group: only its direct members are in scope. */
  groupFilteringGroupDn?: string | null;
  /** Global parameters of the connector, available to expressions as %Name%. */
  parameters?: Record<string, string>;
  /** The connector's run profiles, known only from a server-configuration export (not a JSON field). */
  runProfiles?: ConnectorRunProfiles;
}

/** A run profile of the connector ("Full Import", "Delta Synchronization", "Export"...): the partitions its run steps name (DNs). */
export interface ConnectorRunProfile {
  name: string;
  partitions: string[];
}

/**
 * The connector's run profiles from a server-configuration export. Run steps name partitions by
 * the export's partition ids, so only the export's partitions (`partitions`, DNs) can be checked
 * against them; a partition only the JSON configures is not checked.
 */
export interface ConnectorRunProfiles {
  partitions: string[];
  profiles: ConnectorRunProfile[];
}

/**
 * How the tool signs in to the tenant: as an application with a client secret or a
 * certificate, or as the engineer (delegated) with the device code flow. Absent: certificate
 * when certificateFile is set, else client secret.
 */
export type EntraAuthMode = 'clientSecret' | 'certificate' | 'deviceCode';

export interface EntraConfig {
  tenantId: string;
  /** The app registration; for deviceCode a public client ("Allow public client flows"). */
  clientId: string;
  authMode?: EntraAuthMode;
  /** Name of the environment variable (CLI) holding the client secret. */
  clientSecretEnv?: string | null;
  /** PEM with the certificate and its private key, for certificate credentials. */
  certificateFile?: string | null;
  /** SHA-1 thumbprint of that certificate (hex); computed from the PEM when absent. */
  certificateThumbprint?: string | null;
  authorityHost: string;
  graphEndpoint: string;
  /** PEM CA to trust for the authority and Graph (the emulator's CA in tests). */
  caFile?: string | null;
  /** Upper bound on the total time spent waiting on Retry-After, in seconds. */
  maxRetryWaitSeconds?: number;
  /** Time-out of each token-endpoint and Graph call, in seconds (default 30). */
  requestTimeoutSeconds?: number;
}

export type RulesConfig = 'builtin' | { serverConfiguration: string };

export interface SingleObjectSyncConfig {
  activeDirectory: ActiveDirectoryConnectorConfig[];
  entra: EntraConfig;
  sourceAnchor: 'mS-DS-ConsistencyGuid' | 'objectGUID' | (string & {});
  rules: RulesConfig;
  stateDir: string;
  reportDir: string;
  /** Attribute names whose values the HTML report masks. */
  redactAttributes?: string[];
}

/** Where secrets come from: env vars (CLI), a prompt, or VS Code SecretStorage. */
export interface SecretsProvider {
  /** The bind password of an AD connector, or undefined when none is available. */
  directoryPassword(connector: ActiveDirectoryConnectorConfig): Promise<string | undefined>;
  /** The client secret of the tenant app (undefined when a certificate is used). */
  entraClientSecret(entra: EntraConfig): Promise<string | undefined>;
  /** Delegated sign-in (authMode deviceCode): where the token cache lives and how the code is shown. */
  delegatedSignIn?(entra: EntraConfig, stateDir: string): DelegatedSignIn;
}

/** What a device code sign-in needs from the surface. */
export interface DelegatedSignIn {
  /** The serialized token cache (msal's JSON), undefined when there is none yet. */
  loadTokenCache(): Promise<string | undefined>;
  /** Keeps the serialized token cache where only this user can read it. */
  saveTokenCache(serialized: string): Promise<void>;
  /** Shows the user the code and the page to enter it on; the sign-in waits for them. */
  showDeviceCode(code: DeviceCodePrompt): void;
}

export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  /** The identity platform's own sentence ("To sign in, use a web browser to open ..."). */
  message: string;
  expiresInSeconds: number;
  /** Called when the sign-in ends: signedIn true, or false when declined, expired or failed (close the notification). */
  onDone(listener: (signedIn: boolean) => void): void;
  /** Stops waiting for the user (Cancel, Ctrl+C): the sign-in ends as not completed, within one polling interval. */
  cancel(): void;
}

/** The auth mode in use: the configured one, else certificate when a certificate file is named, else client secret. */
export function entraAuthMode(entra: EntraConfig): EntraAuthMode {
  return entra.authMode ?? (entra.certificateFile ? 'certificate' : 'clientSecret');
}
