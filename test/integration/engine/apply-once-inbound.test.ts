// "Apply once" inbound flows keep what they set. Microsoft's declarative provisioning page: "The
// Apply once checkbox defines that the attribute should only be set when the object is initially
// created." The sample export's "In from AD - Computer Join" sets cloudCreated = False apply-once,
// and "Out to AAD - Device Join SOAInAD" is in scope only while cloudCreated EQUAL false: on the
// next synchronization of the computer the flow does not run, and the metaverse keeps the value it
// set, so the computer stays in scope. LDIF snapshot plus one computer with a certificate, the
// sample export, the Graph emulator; the state folder kept between the two runs.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSession, type Session } from '../../../src/app/session';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { startEmulator } from '../../graph-emulator';

const fixtures = path.resolve(__dirname, '../../fixtures');
const domain = 'DC=corp,DC=contoso,DC=com';
const computer = `CN=WS300,OU=Computers,OU=Contoso,${domain}`;

describe('an apply-once inbound flow on the next synchronization of an object', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let session: Session;
  const sync = async () => (await session.sync(Dn.parse(computer), { stagingMode: true, noHtmlReport: true })).summary;
  const cloudCreated = (s: ProvisioningObjectSummary) => s.provisioningSteps.find((x) => x.stepNumber === 9)?.attributes?.find((a) => a.name === 'cloudCreated');

  before(async () => {
    emulator = await startEmulator({ seed: {} });
    dir = await mkdtemp(path.join(tmpdir(), 'sos-apply-once-inbound-'));
    const snapshot = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    const entry = [
      `dn: ${computer}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user', 'objectClass: computer',
      'cn: WS300', 'name: WS300', 'sAMAccountName: WS300$', 'userAccountControl: 4096', 'operatingSystem: Windows 11 Enterprise', 'operatingSystemVersion: 10.0 (22631)',
      `userCertificate:: ${Buffer.from('3082010a0282010100c0ffee', 'hex').toString('base64')}`, 'objectSid:: AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkLCwBAA==',
      'objectGUID:: 3q2+7wAAQACAAAAAAAAwAA==', `distinguishedName: ${computer}`, '',
    ].join('\n');
    await writeFile(path.join(dir, 'snapshot.ldif'), `${snapshot.trimEnd()}\n\n${entry}`);
    const configPath = path.join(dir, 'single-object-sync.json');
    await writeFile(configPath, JSON.stringify({
      activeDirectory: [{ name: 'contoso.com', ldifFile: 'snapshot.ldif', partitions: [{ dn: domain, selected: true, inclusions: [domain], exclusions: [] }], objectTypes: ['user', 'inetOrgPerson', 'group', 'contact', 'computer'], groupFilteringGroupDn: null }],
      entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_TEST_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      sourceAnchor: 'objectGUID', rules: { serverConfiguration: path.join(fixtures, 'entra-connect-server-config-contoso') }, stateDir: 'state', reportDir: 'reports',
    }));
    session = await openSession({ configPath, secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret } });
  });
  after(async () => {
    await session?.close();
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the first run sets cloudCreated = false; the second keeps it, and the computer stays in scope of the device export rule', async () => {
    const first = await sync();
    assert.equal(cloudCreated(first)?.operation, 'add', JSON.stringify(cloudCreated(first)));
    assert.deepEqual(cloudCreated(first)?.value, ['false']);
    assert.match(first.provisioningSteps.find((x) => x.stepNumber === 9)?.details.OutboundRulesApplied ?? '', /Out to AAD - Device Join SOAInAD/);

    const second = await sync();
    assert.equal(cloudCreated(second)?.operation, 'none', `kept, not deleted: ${JSON.stringify(cloudCreated(second))}`);
    assert.deepEqual(cloudCreated(second)?.value, ['false']);
    assert.match(second.provisioningSteps.find((x) => x.stepNumber === 9)?.details.OutboundRulesApplied ?? '', /Out to AAD - Device Join SOAInAD/);
    assert.equal(second.plannedProvisioningAction, first.plannedProvisioningAction);
    assert.equal(second.provisioningStatusInfo.errorInformation?.errorCode, first.provisioningStatusInfo.errorInformation?.errorCode);
  });
});
