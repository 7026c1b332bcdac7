// End-to-end harness: the live Samba AD (started by scripts/test.mjs for `uses-samba`
// files), the Graph emulator in-process, a config file in a temp folder, and a session.
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'ldapts';
import { createDirectorySource } from '../../src/adapters/ad';
import type { ActiveDirectoryConnectorConfig, SingleObjectSyncConfig } from '../../src/app/config/model';
import { sidBytesToString } from '../../src/engine/model/ad-codecs';
import { computeSourceAnchor } from '../../src/engine/pipeline/import-steps';
import { openSession, type Session } from '../../src/app/session';
import { startEmulator, type SeedDocument } from '../graph-emulator';
import { assertValidSummary } from '../support/summary-schema';
import { Dn } from '../../src/engine/model/dn';

export const base = 'DC=corp,DC=contoso,DC=com';
export const ou = (path: string) => `${path},OU=Contoso,${base}`;

export function adEnv() {
  const need = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run through npm test (the file is marked uses-samba)`);
    return value;
  };
  return {
    url: need('SOS_AD_URL'),
    caFile: need('SOS_AD_CA_FILE'),
    serverName: need('SOS_AD_SERVER_NAME'),
    bindDn: need('SOS_AD_BIND_DN'),
    password: need('SOS_AD_PASSWORD'),
  };
}

export function connectorConfig(overrides: Partial<ActiveDirectoryConnectorConfig> = {}): ActiveDirectoryConnectorConfig {
  const ad = adEnv();
  return {
    name: 'corp.contoso.com',
    url: ad.url,
    bindDn: ad.bindDn,
    passwordEnv: 'SOS_AD_PASSWORD',
    tls: { caFile: ad.caFile, serverName: ad.serverName },
    partitions: [{ dn: base, selected: true, inclusions: [base], exclusions: [ou('OU=Excluded')] }],
    objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'],
    groupFilteringGroupDn: null,
    ...overrides,
  };
}

/** The sourceAnchor of a live AD object, as the engine computes it (users: the configured attribute; others: objectGUID). */
export async function anchorOf(dn: string): Promise<string> {
  const { anchor } = await identityOf(dn);
  return anchor;
}

/** The sourceAnchor and objectSid (S-1-5-…) of a live AD object. */
export async function identityOf(dn: string): Promise<{ anchor: string; sid: string }> {
  const source = createDirectorySource(connectorConfig(), adEnv().password);
  try {
    const read = await source.readObject(Dn.parse(dn));
    if (read.status !== 'found') throw new Error(`fixture ${dn} not found`);
    const classes = (read.object.attributes.objectClass ?? []).map((c) => String(c).toLowerCase());
    const kind = classes.includes('group') ? 'group' : classes.includes('contact') ? 'contact' : 'user';
    const sid = read.object.attributes.objectSid?.[0];
    return {
      anchor: computeSourceAnchor(read.object.attributes, 'mS-DS-ConsistencyGuid', kind)!,
      sid: sid instanceof Uint8Array ? sidBytesToString(sid) : '',
    };
  } finally {
    await source.close();
  }
}

/** Changes one attribute in the live AD as the administrator (for update tests). */
export async function modifyAd(dn: string, attribute: string, values: string[]): Promise<void> {
  const ad = adEnv();
  const { readFileSync } = await import('node:fs');
  const client = new Client({ url: ad.url, tlsOptions: { ca: [readFileSync(ad.caFile)], servername: ad.serverName } });
  try {
    await client.bind(ad.bindDn, ad.password);
    const { Change, Attribute } = await import('ldapts');
    await client.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type: attribute, values }) }));
  } finally {
    await client.unbind();
  }
}

export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

export interface World {
  emulator: Emulator;
  session: Session;
  dir: string;
  close(): Promise<void>;
}

/** A tenant seeded for the fixture cases, and a session over the live AD. */
export async function openWorld(
  options: {
    config?: Partial<SingleObjectSyncConfig>;
    connector?: Partial<ActiveDirectoryConnectorConfig>;
    entra?: Partial<SingleObjectSyncConfig['entra']>;
    seed?: SeedDocument;
  } = {},
): Promise<World> {
  const [softConflictAnchor, masteredAnchor] = ['c29tZS1vdGhlci1hbmNob3I=', await anchorOf(ou('CN=Mastered User,OU=Sales'))];
  const emulator = await startEmulator({
    seed: {
      users: [
        { displayName: 'Soft Match (cloud)', userPrincipalName: 'soft.match@contoso.com', mailNickname: 'soft.match', accountEnabled: true },
        {
          displayName: 'Soft Conflict (synced elsewhere)', userPrincipalName: 'soft.conflict@contoso.com', mailNickname: 'soft.conflict',
          accountEnabled: true, onPremisesImmutableId: softConflictAnchor,
        },
        {
          displayName: 'Mastered User', userPrincipalName: 'mastered.user@contoso.com', mailNickname: 'mastered.user', accountEnabled: true,
          onPremisesImmutableId: masteredAnchor, onPremisesSyncEnabled: true,
        },
        {
          displayName: 'Other User', userPrincipalName: 'other.user@contoso.com', mailNickname: 'other.user', accountEnabled: true,
          mail: 'other.user@contoso.com', proxyAddresses: ['SMTP:other.user@contoso.com', 'smtp:dup.user@contoso.com'],
          onPremisesImmutableId: 'b3RoZXItZm9yZXN0LWFuY2hvcg==',
        },
      ],
    },
  });
  // Each case's own tenant objects, features and role assignments, on top of the fixtures' ones.
  if (options.seed) await emulator.seed(options.seed);
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-e2e-'));
  const config = {
    activeDirectory: [connectorConfig(options.connector)],
    entra: {
      tenantId: emulator.tenantId,
      clientId: emulator.clientId,
      clientSecretEnv: 'SOS_E2E_CLIENT_SECRET',
      authorityHost: emulator.authorityHost,
      graphEndpoint: emulator.graphEndpoint,
      caFile: emulator.caFile,
      maxRetryWaitSeconds: 2,
      ...options.entra,
    },
    sourceAnchor: 'mS-DS-ConsistencyGuid',
    rules: 'builtin',
    stateDir: 'state',
    reportDir: 'reports',
    ...options.config,
  };
  const configPath = path.join(dir, 'single-object-sync.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const opened = await openSession({
    configPath,
    secrets: {
      directoryPassword: async () => adEnv().password,
      entraClientSecret: async () => emulator.clientSecret,
    },
  });
  // Every result a test obtains is checked against the published schema of the output.
  const session: Session = {
    ...opened,
    async sync(dn, runOptions) {
      const result = await opened.sync(dn, runOptions);
      assertValidSummary(result.summary, `the result of syncing ${dn}${runOptions.stagingMode ? ' (staging)' : ''}`);
      return result;
    },
  };
  return {
    emulator,
    session,
    dir,
    async close() {
      await session.close();
      await emulator.close();
    },
  };
}

/**
 * The configuration the CLI tests over the live AD start from (the Samba connector, the emulator
 * as Microsoft Entra ID, state and reports beside the file), written by each as it needs it.
 */
export function liveConfiguration(emulator: Emulator): Record<string, any> {
  return {
    activeDirectory: [connectorConfig()],
    entra: {
      tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_CLIENT_SECRET',
      authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile, maxRetryWaitSeconds: 2,
    },
    sourceAnchor: 'mS-DS-ConsistencyGuid',
    rules: 'builtin',
    stateDir: 'state',
    reportDir: 'reports',
  };
}

/**
 * Writes a configuration over a copy of the bundled LDIF snapshot (no live directory) and the
 * emulator's tenant into `dir`; returns its path. `secretEnv` names the client secret variable.
 */
export async function writeSnapshotConfiguration(dir: string, emulator: Emulator, secretEnv: string, exclusions: string[] = []): Promise<string> {
  await copyFile(path.join(__dirname, '../fixtures/contoso-snapshot.ldif'), path.join(dir, 'snapshot.ldif'));
  const file = path.join(dir, 'single-object-sync.json');
  await writeFile(file, JSON.stringify({
    activeDirectory: [{
      name: 'corp.contoso.com', ldifFile: 'snapshot.ldif',
      partitions: [{ dn: base, selected: true, inclusions: [base], exclusions }],
      objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'], groupFilteringGroupDn: null,
    }],
    entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: secretEnv, authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
    sourceAnchor: 'objectGUID', rules: 'builtin', stateDir: 'state', reportDir: 'reports',
  }));
  return file;
}

