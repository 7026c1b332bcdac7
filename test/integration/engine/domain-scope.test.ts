// Step 1 ("Determine if Object's (source) Domain ... in sync scope"), as the troubleshooting
// logic documents it (reference section 2, "Domain"): the object's domain is its own naming
// context, and the check fails when the partition is not selected, when the connector has no
// run profiles, or when any run profile lacks a run step for the partition (fwlink 866237).
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSession, type Session } from '../../../src/app/session';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { startEmulator } from '../../graph-emulator';

const fixtures = path.resolve(__dirname, '../../fixtures');
const parent = 'DC=corp,DC=contoso,DC=com';
const child = `DC=emea,${parent}`;
const bob = `CN=Bob Stone,OU=Sales,OU=Contoso,${parent}`;
const childUser = `CN=childuser,CN=Users,${child}`;
const guid = (n: number) => Buffer.from(`child-domain-${n}`.padEnd(16, '!')).subarray(0, 16).toString('base64');
const entry = (dn: string, lines: string[]) => ['', `dn: ${dn}`, 'changetype: add', 'objectClass: top', ...lines, ''].join('\n');

/** The contoso snapshot, with DC=emea as a naming context of its own (rootDSE namingContexts and a domain crossRef) holding a user. */
async function snapshotWithChildDomain(file: string): Promise<void> {
  const snapshot = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
  const marker = `namingContexts: ${parent}\n`;
  assert.ok(snapshot.includes(marker));
  const withChild = snapshot.replace(marker, `${marker}namingContexts: ${child}\n`);
  const extra = [
    entry(child, ['objectClass: domain', 'objectClass: domainDNS', `objectGUID:: ${guid(1)}`]),
    entry(`CN=Users,${child}`, ['objectClass: container', `objectGUID:: ${guid(2)}`]),
    entry(childUser, ['objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user', 'cn: childuser', 'sAMAccountName: childuser',
      'userPrincipalName: childuser@contoso.com', 'userAccountControl: 512', `objectGUID:: ${guid(3)}`]),
    // systemFlags 3: FLAG_CR_NTDS_NC | FLAG_CR_NTDS_DOMAIN, a domain partition.
    entry(`CN=EMEA,CN=Partitions,CN=Configuration,${parent}`, ['objectClass: crossRef', 'cn: EMEA', `nCName: ${child}`, 'dnsRoot: emea.corp.contoso.com', 'nETBIOSName: EMEA', 'systemFlags: 3']),
  ];
  await writeFile(file, `${withChild.trimEnd()}\n${extra.join('')}`);
}

describe('step 1: the source domain', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  const sessions: Session[] = [];
  let n = 0;
  const sync = async (connector: Record<string, unknown>, rules: unknown, dn: string): Promise<ProvisioningObjectSummary> => {
    const configPath = path.join(dir, `config-${++n}.json`);
    await writeFile(configPath, JSON.stringify({
      activeDirectory: [{ objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'], groupFilteringGroupDn: null, ...connector }],
      entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_TEST_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      sourceAnchor: 'objectGUID', rules, stateDir: `state-${n}`, reportDir: 'reports',
    }));
    const session = await openSession({ configPath, secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret } });
    sessions.push(session);
    return (await session.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true })).summary;
  };
  const step1 = (s: ProvisioningObjectSummary) => s.provisioningSteps.find((p) => p.stepNumber === 1)!;

  before(async () => {
    emulator = await startEmulator();
    dir = await mkdtemp(path.join(tmpdir(), 'sos-domain-scope-'));
    await snapshotWithChildDomain(path.join(dir, 'child.ldif'));
  });
  after(async () => {
    for (const s of sessions) await s.close();
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('the object belongs to its own naming context, not to a configured parent domain', () => {
    const onlyParent = { name: 'corp.contoso.com', ldifFile: 'child.ldif', partitions: [{ dn: parent, selected: true, inclusions: [parent], exclusions: [] }] };

    test('an object of a child domain the connector does not configure is out of scope at step 1, naming its domain', async () => {
      const summary = await sync(onlyParent, 'builtin', childUser);
      const step = step1(summary);
      assert.equal(step.status, 'skipped', JSON.stringify(step));
      assert.equal(summary.provisioningStatusInfo.status, 'skipped');
      const error = summary.provisioningStatusInfo.errorInformation!;
      assert.equal(error.errorCode, 'DomainNotConfigured');
      assert.match(error.reason, /DC=emea,DC=corp,DC=contoso,DC=com/);
      assert.match(error.reason, /emea\.corp\.contoso\.com/);
      assert.match(error.recommendedAction ?? '', /Add the partition 'DC=emea,DC=corp,DC=contoso,DC=com'.*select it/);
      assert.equal(step.details.Partition, child);
      assert.equal(step.details.DomainDnsName, 'emea.corp.contoso.com');
      // The parent's values are never used: nothing is planned, least of all corp's domain names.
      assert.equal(summary.modifiedProperties.some((p) => /corp\.contoso\.com|^CORP$/.test(String(p.newValue ?? ''))), false, JSON.stringify(summary.modifiedProperties));
      for (const later of summary.provisioningSteps.filter((p) => p.stepNumber >= 3)) assert.notEqual(later.status, 'success', `step ${later.stepNumber}`);
    });

    test('an object of the configured parent domain still passes step 1 with its own domain', async () => {
      const step = step1(await sync(onlyParent, 'builtin', bob));
      assert.equal(step.status, 'success', JSON.stringify(step));
      assert.equal(step.details.Partition, parent);
      assert.equal(step.details.DomainDnsName, 'corp.contoso.com');
    });

    test('with the child domain configured and selected, its object passes step 1 with the child\'s names', async () => {
      const both = { ...onlyParent, partitions: [...onlyParent.partitions, { dn: child, selected: true, inclusions: [child], exclusions: [] }] };
      const step = step1(await sync(both, 'builtin', childUser));
      assert.equal(step.status, 'success', JSON.stringify(step));
      assert.equal(step.details.Partition, child);
      assert.equal(step.details.DomainDnsName, 'emea.corp.contoso.com');
      assert.equal(step.details.DomainNetBiosName, 'EMEA');
    });
  });

  describe('run profiles of a server-configuration export', () => {
    const connectorFile = 'Connector_{11111111-2222-3333-4444-555555555555}.xml';
    /** server-config-small, its AD connector's partitions renamed to the snapshot's domain, then edited. */
    const exportCopy = async (name: string, edit: (xml: string) => string = (x) => x): Promise<string> => {
      const folder = path.join(dir, `export-${name}`);
      await cp(path.join(fixtures, 'server-config-small'), folder, { recursive: true });
      const file = path.join(folder, 'Connectors', connectorFile);
      const xml = (await readFile(file, 'utf8')).replaceAll('DC=fabrikam,DC=com', parent);
      const edited = edit(xml);
      await writeFile(file, edited);
      return folder;
    };
    const connector = { name: 'fabrikam.com', ldifFile: path.join(fixtures, 'contoso-snapshot.ldif') };
    const partitionId = (n: number) => `{AAAAAAAA-0000-0000-0000-00000000000${n}}`;

    test('the unmodified export (every run profile has a step for the partition) passes step 1', async () => {
      const step = step1(await sync(connector, { serverConfiguration: await exportCopy('as-is') }, bob));
      assert.equal(step.status, 'success', JSON.stringify(step));
      assert.equal(step.details.Partition, parent);
      assert.match(step.details.RunProfiles ?? '', /Every run profile/);
    });

    test('a run profile without a run step for the partition puts the object out of scope, naming the profile', async () => {
      // The Delta Synchronization profile's only step runs the other partition (DC=emea).
      const folder = await exportCopy('delta-sync-lacks', (xml) => xml.replace(/(<name>Delta Synchronization<\/name>.*?<partition>)[^<]*/, `$1${partitionId(2)}`));
      const summary = await sync(connector, { serverConfiguration: folder }, bob);
      const step = step1(summary);
      assert.equal(step.status, 'skipped', JSON.stringify(step));
      const error = summary.provisioningStatusInfo.errorInformation!;
      assert.equal(error.errorCode, 'PartitionNotInRunProfile');
      assert.match(error.reason, /partition 'DC=corp,DC=contoso,DC=com' is not in the run profile 'Delta Synchronization'/);
      assert.doesNotMatch(error.reason, /Full Import/, 'the profile that has the step is not named');
      assert.equal(error.documentationUrl, 'https://go.microsoft.com/fwlink/?linkid=866237');
    });

    test('a connector with no run profiles fails the check', async () => {
      const folder = await exportCopy('no-run-profiles', (xml) => xml.replace(/<ma-run-data>[\s\S]*<\/ma-run-data>/, '<ma-run-data />'));
      const summary = await sync(connector, { serverConfiguration: folder }, bob);
      assert.equal(step1(summary).status, 'skipped', JSON.stringify(step1(summary)));
      const error = summary.provisioningStatusInfo.errorInformation!;
      assert.equal(error.errorCode, 'NoRunProfiles');
      assert.match(error.reason, /'fabrikam\.com' has no run profiles/);
      assert.equal(error.documentationUrl, 'https://go.microsoft.com/fwlink/?linkid=866237');
    });

    test('with the JSON-only configuration (run profiles unknown) step 1 does not check them', async () => {
      const step = step1(await sync({ ...connector, partitions: [{ dn: parent, selected: true, inclusions: [parent], exclusions: [] }] }, 'builtin', bob));
      assert.equal(step.status, 'success', JSON.stringify(step));
      assert.equal(step.details.RunProfiles, undefined);
    });
  });
});
