// An LDIF snapshot as the Active Directory and the Graph emulator as the tenant, opened as a
// session the way the CLI opens one (a configuration file, secrets from a provider): the
// engine's documented behaviour, tested end to end without Samba.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSession, type Session } from '../../src/app/session';
import { startEmulator, type SeedDocument } from '../graph-emulator';

export const CONTOSO_DOMAIN = 'DC=corp,DC=contoso,DC=com';

export interface LdifTenant {
  dir: string;
  emulator: Awaited<ReturnType<typeof startEmulator>>;
  session: Session;
  close(): Promise<void>;
}

/**
 * Writes `ldif` as the snapshot of corp.contoso.com (every container in scope), seeds the tenant,
 * opens the session. `config` replaces top-level fields of the configuration (sourceAnchor, say).
 */
export async function openLdifTenant(ldif: string, seed: SeedDocument, config: Record<string, unknown> = {}): Promise<LdifTenant> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-ldif-tenant-'));
  const emulator = await startEmulator({ seed });
  try {
    await writeFile(path.join(dir, 'snapshot.ldif'), ldif);
    await writeFile(path.join(dir, 'single-object-sync.json'), JSON.stringify({
      activeDirectory: [{
        name: 'corp.contoso.com', ldifFile: 'snapshot.ldif',
        partitions: [{ dn: CONTOSO_DOMAIN, selected: true, inclusions: [CONTOSO_DOMAIN], exclusions: [] }],
        objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'], groupFilteringGroupDn: null,
      }],
      entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_TEST_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      sourceAnchor: 'mS-DS-ConsistencyGuid', rules: 'builtin', stateDir: 'state', reportDir: 'reports',
      ...config,
    }));
    const session = await openSession({ configPath: path.join(dir, 'single-object-sync.json'), secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret } });
    return {
      dir, emulator, session,
      async close() {
        await session.close();
        await emulator.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
