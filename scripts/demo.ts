// The README's first command (`npm run demo`): the main job on the built-in demo, with
// nothing else installed. Starts the Graph emulator seeded with a small tenant, reads a
// bundled LDIF snapshot of a small Contoso directory as the AD source, syncs a few chosen
// objects (create, update, soft match, conflict, restore, filtered), prints each result and where
// its report is, and stops the emulator.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createDirectorySource } from '../src/adapters/ad';
import type { ActiveDirectoryConnectorConfig } from '../src/app/config/model';
import { computeSourceAnchor } from '../src/engine/pipeline/import-steps';
import { openSession } from '../src/app/session';
import { startEmulator } from '../test/graph-emulator';
import { Dn } from '../src/engine/model/dn';

const root = path.resolve(__dirname, '..');
const work = path.join(root, '.single-object-sync', 'demo');
const base = 'DC=corp,DC=contoso,DC=com';
const ldifFile = path.join(root, 'test', 'fixtures', 'contoso-snapshot.ldif');

const objects: { dn: string; expect: string }[] = [
  { dn: `CN=Alice Wu,OU=Sales,OU=Contoso,${base}`, expect: 'create: a new cloud user' },
  { dn: `CN=Carol Diaz,OU=Engineering,OU=Contoso,${base}`, expect: 'update: hard match on sourceAnchor, department changed' },
  { dn: `CN=Soft Match,OU=Engineering,OU=Contoso,${base}`, expect: 'soft match on userPrincipalName to a cloud-only user' },
  { dn: `CN=Dup User,OU=Sales,OU=Contoso,${base}`, expect: 'duplicate address: quarantined by duplicate attribute resiliency, the user still created' },
  { dn: `CN=Mia Rossi,OU=Engineering,OU=Contoso,${base}`, expect: 'restore: a soft-deleted cloud user holds her source anchor (she came back from the AD Recycle Bin), so Microsoft Entra ID restores it' },
  { dn: `CN=Excluded Person,OU=Excluded,OU=Contoso,${base}`, expect: 'filtered: its OU is excluded' },
  { dn: `CN=Dave Kim,OU=Engineering,OU=Contoso,${base}`, expect: 'filtered: adminDescription starts with User_' },
];

async function main(): Promise<void> {
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const connector: ActiveDirectoryConnectorConfig = {
    name: 'corp.contoso.com',
    ldifFile,
    partitions: [{ dn: base, selected: true, inclusions: [base], exclusions: [`OU=Excluded,OU=Contoso,${base}`] }],
    objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'],
    groupFilteringGroupDn: null,
  };
  // Carol exists in the tenant already, synced earlier with her old department; Mia was synced
  // and deleted (she sits in the tenant's deleted items).
  const snapshot = createDirectorySource(connector, undefined);
  const anchorOf = async (dn: string) => {
    const read = await snapshot.readObject(Dn.parse(dn));
    if (read.status !== 'found') throw new Error(`The demo snapshot lacks ${dn}`);
    return computeSourceAnchor(read.object.attributes, 'mS-DS-ConsistencyGuid');
  };
  const carolAnchor = await anchorOf(objects[1]!.dn);
  const miaAnchor = await anchorOf(objects.find((o) => o.dn.startsWith('CN=Mia Rossi,'))!.dn);
  await snapshot.close();

  const emulator = await startEmulator({
    seed: {
      users: [
        {
          displayName: 'Carol Diaz', userPrincipalName: 'carol.diaz@contoso.com', mailNickname: 'carol.diaz',
          accountEnabled: true, department: 'Old Department', onPremisesImmutableId: carolAnchor,
        },
        { displayName: 'Soft Match (cloud)', userPrincipalName: 'soft.match@contoso.com', mailNickname: 'soft.match', accountEnabled: true },
        {
          displayName: 'Other User', userPrincipalName: 'other.user@contoso.com', mailNickname: 'other.user', accountEnabled: true,
          mail: 'other.user@contoso.com', proxyAddresses: ['SMTP:other.user@contoso.com', 'smtp:dup.user@contoso.com'], onPremisesImmutableId: 'b3RoZXItZm9yZXN0LWFuY2hvcg==',
        },
      ],
      deletedUsers: [
        {
          displayName: 'Mia Rossi', userPrincipalName: 'mia.rossi@contoso.com', mailNickname: 'mia.rossi', accountEnabled: true,
          department: 'Research', onPremisesImmutableId: miaAnchor, onPremisesSyncEnabled: true, deletedDateTime: new Date(Date.now() - 3 * 86_400_000).toISOString(),
        },
      ],
    },
  });
  try {
    const configPath = path.join(work, 'single-object-sync.json');
    await writeFile(configPath, JSON.stringify({
      activeDirectory: [connector],
      entra: {
        tenantId: emulator.tenantId,
        clientId: emulator.clientId,
        clientSecretEnv: 'SOS_DEMO_CLIENT_SECRET',
        authorityHost: emulator.authorityHost,
        graphEndpoint: emulator.graphEndpoint,
        caFile: emulator.caFile,
      },
      sourceAnchor: 'mS-DS-ConsistencyGuid',
      rules: 'builtin',
      stateDir: 'state',
      reportDir: 'reports',
    }, null, 2));
    // The secret stays in this process: never argv, never the config file.
    const session = await openSession({
      configPath,
      secrets: { directoryPassword: async () => undefined, entraClientSecret: async () => emulator.clientSecret },
    });
    console.log(`Single Object Sync demo: AD snapshot ${path.relative(root, ldifFile)}, tenant emulator at ${emulator.graphEndpoint}\n`);
    for (const { dn, expect } of objects) {
      const { summary, reportPath } = await session.sync(Dn.parse(dn), { stagingMode: false });
      const status = summary.provisioningStatusInfo;
      const error = status.errorInformation ? ` ${status.errorInformation.errorCode}: ${status.errorInformation.reason}` : '';
      console.log(`${dn}\n  expected: ${expect}\n  result:   ${status.status} (${summary.provisioningAction})${error}\n  report:   ${reportPath ? path.relative(root, reportPath) : '(none)'}\n`);
    }
    await session.close();
    const writes = emulator.writes();
    console.log(`Graph writes accepted: ${writes.filter((w) => w.status < 400).length}, refused: ${writes.filter((w) => w.status >= 400).length}. State and reports: ${path.relative(root, work)}`);
  } finally {
    await emulator.close();
  }
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
});
