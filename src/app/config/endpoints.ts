// Where a configuration sends credentials, and whether a second configuration sends them
// anywhere else. A bind password goes to an LDAP URL over a transport as a bind DN, checked
// against a CA; the client secret or certificate to an authority host for a tenant and app, the
// token to a Graph endpoint. VS Code binds stored secrets to these endpoints and to the
// certificate authority that vouches for them (a CA file replaces the system's roots, so
// whoever holds that CA's key can stand in for the server); a what-if's proposed
// configuration may change filtering and rules, never any of them.
import { createHash } from 'node:crypto';
import { describeReadError, readPemFileSync } from '../../adapters/io/read-bounded';
import { configErrors } from '../../engine/errors/catalog/config';
import { SyncError } from '../../engine/errors/sync-error';
import { Dn } from '../../engine/model/dn';
import { entraAuthMode, type ActiveDirectoryConnectorConfig, type EntraConfig, type SingleObjectSyncConfig } from './model';

export type DirectoryEndpoint = Pick<ActiveDirectoryConnectorConfig, 'url' | 'bindDn' | 'startTls' | 'allowInsecure' | 'tls'>;
export type EntraEndpoint = Pick<EntraConfig, 'authorityHost' | 'tenantId' | 'clientId' | 'graphEndpoint' | 'caFile'>;

const text = (value: string | null | undefined): string => (value ?? '').trim();
const lower = (value: string | null | undefined): string => text(value).toLowerCase();

const LDAP_PORTS = { ldap: '389', ldaps: '636' };
const HTTPS_PORTS = { https: '443' };

/** scheme://host:port with the default port written out, or the text as given when it does not parse. */
export function endpointOrigin(url: string | null | undefined, defaults: Record<string, string>): string {
  const text = (url ?? '').trim();
  try {
    const parsed = new URL(text);
    const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
    return `${scheme}://${parsed.hostname.toLowerCase()}:${parsed.port || defaults[scheme] || ''}`;
  } catch {
    return text.toLowerCase();
  }
}

export const ldapOrigin = (url: string | null | undefined): string => endpointOrigin(url, LDAP_PORTS);
export const httpsOrigin = (url: string | null | undefined): string => endpointOrigin(url, HTTPS_PORTS);

/** How the password crosses the network: ldaps, StartTLS, or in clear (allowInsecure). */
export function directoryTransport(connector: DirectoryEndpoint): string {
  if (/^ldaps:/i.test(connector.url ?? '')) return 'tls';
  return connector.startTls ? 'starttls' : connector.allowInsecure ? 'plaintext' : 'none';
}

/**
 * Which certificate authority a connection trusts, by content: "system" (the machine's roots)
 * or the SHA-256 of the CA file. By content, not path: a repository can change the file a
 * configuration names without changing the configuration. Read as the connection reads its CA:
 * a regular file (a link to one is fine: /etc/ssl/certs is links) of at most 1 MiB, never
 * waiting on a pipe; /dev/zero or a named pipe there would fill or freeze the process (in VS
 * Code, the extension host of every extension in the window). Anything else is
 * ConfiguredFileUnreadable, before any secret is looked up or asked for.
 */
export async function trustAnchorKey(caFile: string | null | undefined, setting: string): Promise<string> {
  const file = text(caFile);
  return file ? `sha256:${createHash('sha256').update(readConfiguredPem(file, setting)).digest('hex')}` : 'system';
}

/** A PEM file a setting names, read as the connections read it; ConfiguredFileUnreadable naming the setting otherwise. */
export function readConfiguredPem(file: string, setting: string): Buffer {
  try {
    return readPemFileSync(file);
  } catch (error) {
    throw new SyncError(configErrors.ConfiguredFileUnreadable, { file, setting, cause: describeReadError(error) }, { cause: error });
  }
}

/** The trust as the user reads it in a prompt: the CA file by path, or the system's roots. */
function trustText(caFile: string | null | undefined, serverName?: string | null): string {
  const ca = text(caFile) ? `CA file ${text(caFile)}` : 'system CAs';
  return text(serverName) ? `${ca}, server name ${text(serverName)}` : ca;
}

/** The bind DN as AD compares it (the Dn key); a DN that does not parse keys by its trimmed, lower-cased text. */
export function bindDnKey(bindDn: string): string {
  const parsed = Dn.tryParse(bindDn.trim());
  return parsed.ok ? parsed.dn.key : bindDn.trim().toLowerCase();
}

/** What a bind password is bound to; shown to the user when it is asked for. */
export function directoryEndpoint(connector: DirectoryEndpoint): string {
  return `${directoryServer(connector)} as ${connector.bindDn ?? ''}`;
}

/** The server a bind password goes to: origin, transport and, over TLS, the CA it is checked against. */
export function directoryServer(connector: DirectoryEndpoint): string {
  const transport = directoryTransport(connector);
  const trust = transport === 'tls' || transport === 'starttls' ? `, ${trustText(connector.tls?.caFile, connector.tls?.serverName)}` : '';
  return `${ldapOrigin(connector.url)} (${transport}${trust})`;
}

export function entraEndpoint(entra: EntraEndpoint): string {
  return `${httpsOrigin(entra.authorityHost)}/${entra.tenantId.trim().toLowerCase()} app ${entra.clientId.trim().toLowerCase()} for ${httpsOrigin(entra.graphEndpoint)} (${trustText(entra.caFile)})`;
}

type Setting = [name: string, current: string, proposed: string];


function entraSettings(a: EntraConfig, b: EntraConfig): Setting[] {
  return [
    ['entra.tenantId', lower(a.tenantId), lower(b.tenantId)],
    ['entra.clientId', lower(a.clientId), lower(b.clientId)],
    ['entra.authorityHost', httpsOrigin(a.authorityHost), httpsOrigin(b.authorityHost)],
    ['entra.graphEndpoint', httpsOrigin(a.graphEndpoint), httpsOrigin(b.graphEndpoint)],
    ['entra.authMode', entraAuthMode(a), entraAuthMode(b)],
    ['entra.clientSecretEnv', text(a.clientSecretEnv), text(b.clientSecretEnv)],
    ['entra.certificateFile', text(a.certificateFile), text(b.certificateFile)],
    ['entra.certificateThumbprint', lower(a.certificateThumbprint), lower(b.certificateThumbprint)],
    ['entra.caFile', text(a.caFile), text(b.caFile)],
  ];
}

function directorySettings(at: string, a: ActiveDirectoryConnectorConfig, b: ActiveDirectoryConnectorConfig): Setting[] {
  return [
    [`${at}.url`, ldapOrigin(a.url), ldapOrigin(b.url)],
    [`${at} transport (ldaps, startTls, allowInsecure)`, directoryTransport(a), directoryTransport(b)],
    [`${at}.bindDn`, bindDnKey(a.bindDn ?? ''), bindDnKey(b.bindDn ?? '')],
    [`${at}.passwordEnv`, text(a.passwordEnv), text(b.passwordEnv)],
    [`${at}.tls.caFile`, text(a.tls?.caFile), text(b.tls?.caFile)],
    [`${at}.tls.serverName`, lower(a.tls?.serverName), lower(b.tls?.serverName)],
  ];
}

/**
 * Every way the proposed configuration would send a credential somewhere the current one does
 * not, or take it from somewhere else: the tenant's sign-in and Graph settings, and each LDAP
 * connector's (matched by name). An LDIF connector holds no credential and may change.
 * Empty when the two connect alike.
 */
export function connectionChanges(current: SingleObjectSyncConfig, proposed: SingleObjectSyncConfig): string[] {
  const settings = entraSettings(current.entra, proposed.entra);
  const changes: string[] = [];
  for (const connector of proposed.activeDirectory) {
    if (connector.ldifFile && !connector.url) continue;
    const at = `activeDirectory "${connector.name}"`;
    const same = current.activeDirectory.find((c) => lower(c.name) === lower(connector.name));
    if (!same) changes.push(`${at} connects to ${directoryEndpoint(connector)}, a connector the current configuration does not have`);
    else settings.push(...directorySettings(at, same, connector));
  }
  for (const [name, a, b] of settings) {
    if (a !== b) changes.push(`${name} is ${b ? `"${b}"` : 'not set'}, the current configuration's ${a ? `"${a}"` : 'not set'}`);
  }
  return changes;
}

/** Hosts of Microsoft's sign-in pages, public and national clouds (microsoft.com/devicelogin, login.microsoftonline.us, ...). */
const MICROSOFT_SIGN_IN_HOSTS = /(^|\.)(microsoft\.com|microsoftonline\.com|microsoftonline\.us|microsoftonline\.cn|chinacloudapi\.cn)$/i;

/**
 * Where a device code sign-in sends the user, as the authority answered it. The authority is
 * named by the configuration, which a repository may supply, so the page is opened only over
 * https and only on a Microsoft sign-in host or the configured authority's own host (named
 * then, so the user sees whose page it is). Anything else is refused, never opened.
 */
export function deviceCodePage(verificationUri: string, authorityHost: string | null | undefined): { ok: true; url: string; host: string; microsoft: boolean } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(verificationUri);
  } catch {
    return { ok: false, reason: `the sign-in page it named is not an address (${verificationUri.slice(0, 200)})` };
  }
  if (url.protocol !== 'https:' || url.username || url.password) return { ok: false, reason: `the sign-in page it named is not a plain https address (${url.protocol}//${url.host})` };
  const host = url.hostname.toLowerCase();
  if (MICROSOFT_SIGN_IN_HOSTS.test(host)) return { ok: true, url: url.href, host, microsoft: true };
  let authority = '';
  try {
    authority = new URL(text(authorityHost)).hostname.toLowerCase();
  } catch {
    // No authority host configured: Microsoft's, matched above.
  }
  if (authority && host === authority) return { ok: true, url: url.href, host, microsoft: false };
  return { ok: false, reason: `the sign-in page it named (${host}) is neither a Microsoft sign-in host nor the configured authority host${authority ? ` (${authority})` : ''}` };
}
