// "Apply once" outbound flows (execute-once="true" mappings in an Entra Connect server
// configuration). Microsoft's declarative provisioning page: "The Apply once checkbox defines that
// the attribute should only be set when the object is initially created." Step 8 projects the
// export identity from the outbound rules as for a new object, and step 9 may reuse that
// evaluation; it must not for a cloud object that exists, or step 9 would plan values Entra
// Connect never sets on it: neither over a value the cloud object holds, nor where it has none.
import assert from 'node:assert/strict';
import { copyFile, cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSession, type Session } from '../../../src/app/session';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { startEmulator } from '../../graph-emulator';

const fixtures = path.resolve(__dirname, '../../fixtures');
const domain = 'DC=corp,DC=contoso,DC=com';
const eva = `CN=Eva Green,OU=Sales,OU=Contoso,${domain}`;
/** Eva's objectGUID in the snapshot, base64: her sourceAnchor. */
const evaAnchor = 'TXjxy/+4x0Sfu+dY2ZsCyg==';

/** The sample export, with every outbound mapping to these attributes marked execute-once. */
async function exportWithApplyOnce(dir: string, attributes: string[]): Promise<string> {
  const folder = path.join(dir, `export-${attributes.join('-') || 'as-is'}`);
  await cp(path.join(fixtures, 'entra-connect-server-config-contoso'), folder, { recursive: true });
  const rules = path.join(folder, 'SynchronizationRules');
  let marked = 0;
  for (const file of await readdir(rules)) {
    const xml = await readFile(path.join(rules, file), 'utf8');
    if (!xml.includes('<direction>Outbound</direction>')) continue;
    let changed = xml;
    for (const attribute of attributes) {
      changed = changed.replace(new RegExp(`<mapping>(\\s*<dest>${attribute}</dest>)`, 'g'), (_all, rest: string) => {
        marked++;
        return `<mapping execute-once="true">${rest}`;
      });
    }
    if (changed !== xml) await writeFile(path.join(rules, file), changed);
  }
  assert.ok(marked >= attributes.length, `${marked} mappings marked`);
  return folder;
}

describe('an apply-once outbound flow against a cloud object that already holds the attribute', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  const sessions: Session[] = [];
  /** A session over the LDIF snapshot with rules from the export; the sample's AD connector is "contoso.com". */
  const stage = async (applyOnce: string[], dn = eva): Promise<ProvisioningObjectSummary> => {
    const serverConfiguration = await exportWithApplyOnce(dir, applyOnce);
    const configPath = path.join(dir, `config-${applyOnce.join('-') || 'as-is'}.json`);
    await writeFile(configPath, JSON.stringify({
      activeDirectory: [{ name: 'contoso.com', ldifFile: 'snapshot.ldif', partitions: [{ dn: domain, selected: true, inclusions: [domain], exclusions: [] }], objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'], groupFilteringGroupDn: null }],
      entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_TEST_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      sourceAnchor: 'objectGUID', rules: { serverConfiguration }, stateDir: `state-${applyOnce.join('-')}`, reportDir: 'reports',
    }));
    const session = await openSession({ configPath, secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret } });
    sessions.push(session);
    return (await session.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true })).summary;
  };
  const planned = (summary: ProvisioningObjectSummary) => new Map(summary.modifiedProperties.map((p) => [p.displayName, p]));

  before(async () => {
    // The cloud user Entra Connect created for Eva; her department was changed in the cloud since.
    emulator = await startEmulator({
      seed: { users: [
        // A cloud-managed user Carol soft-matches on her UPN.
        { displayName: 'Carol Cloud', userPrincipalName: 'carol.diaz@contoso.com', mailNickname: 'carol.diaz', accountEnabled: true },
        { displayName: 'Eva Green', userPrincipalName: 'eva.green@contoso.com', mailNickname: 'eva.green', accountEnabled: true, onPremisesImmutableId: evaAnchor, onPremisesSyncEnabled: true, department: 'Cloud Sales' }] },
    });
    dir = await mkdtemp(path.join(tmpdir(), 'sos-apply-once-'));
    await copyFile(path.join(fixtures, 'contoso-snapshot.ldif'), path.join(dir, 'snapshot.ldif'));
  });
  after(async () => {
    for (const s of sessions) await s.close();
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('on an existing cloud object an apply-once flow sets nothing: the held value is kept, an attribute it lacks stays unset; without apply once both are planned', async () => {
    const plain = await stage([]);
    assert.match(plain.provisioningSteps[7]?.details.Match ?? '', /^Hard match/, JSON.stringify(plain.provisioningSteps[7]?.details));
    assert.equal(planned(plain).get('department')?.newValue, 'Sales', 'without apply once, AD\'s department replaces the cloud\'s');
    assert.equal(planned(plain).get('company')?.newValue, 'Contoso', 'without apply once, company is set');

    const once = await stage(['department', 'company']);
    assert.notEqual(once.provisioningStatusInfo.status, 'failure', JSON.stringify(once.provisioningStatusInfo));
    assert.match(once.provisioningSteps[7]?.details.Match ?? '', /^Hard match/);
    const changes = planned(once);
    assert.equal(changes.has('department'), false, `department, held by the cloud object, is not planned: ${JSON.stringify(changes.get('department'))}`);
    assert.equal(changes.has('company'), false, `company, which the cloud object lacks, is not set either (the object is not being created): ${JSON.stringify(changes.get('company'))}`);
    assert.deepEqual(emulator.writes(), [], 'staging wrote nothing');
  });

  // "the sync engine" provisions a new object and the service matches it on export
  // (how-to-connect-install-existing-tenant): a soft match is an object being created in the
  // Microsoft Entra connector space, so its apply-once flows run.
  test('on a soft-matched cloud object (created in the connector space now) an apply-once flow sets its attribute', async () => {
    const carol = `CN=Carol Diaz,OU=Engineering,OU=Contoso,${domain}`;
    const s = await stage(['company'], carol);
    assert.match(s.provisioningSteps[7]?.details.Match ?? '', /^Soft match/, JSON.stringify(s.provisioningSteps[7]?.details));
    assert.equal(planned(s).get('company')?.newValue, 'Contoso', `company is planned: ${JSON.stringify([...planned(s).keys()])}`);
  });
});
