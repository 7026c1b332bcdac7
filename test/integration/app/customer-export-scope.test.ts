// A customer's connector scope, read from the export (the JSON names the connector and no
// scope), decides the verdict of a sync over the LDIF snapshot (staging mode, Graph emulator):
// the sample export's AD connector moved to the snapshot's domain, then edited as customers do.
// Expected verdicts follow the troubleshooting task (reference section 2): an unselected
// partition is "filtered from synchronization"; the most specific container of the inclusion
// and exclusion lists decides; the object class must be in the connector's object types; group
// filtering needs direct membership; an attribute the Entra connector does not select is not
// exported and is said so. A connector file without run profiles data is not a connector
// without run profiles.
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
const domain = 'DC=corp,DC=contoso,DC=com';
const alice = `CN=Alice Wu,OU=Sales,OU=Contoso,${domain}`; // member of Sales Team
const mia = `CN=Mia Rossi,OU=Engineering,OU=Contoso,${domain}`; // not a member of Sales Team
const excludedPerson = `CN=Excluded Person,OU=Excluded,OU=Contoso,${domain}`;
const AD = 'Connector_{ae4db4cc-b16b-4eb2-acf5-837ca84e4d7d}.xml';
const AAD = 'Connector_{b891884f-051e-4a83-95af-2544101c9083}.xml';

describe('a customer\'s connector scope from the server-configuration export decides the verdict', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  const sessions: Session[] = [];
  let n = 0;

  const stage = async (edit: (folder: string) => Promise<void>, dns: string[]): Promise<Map<string, ProvisioningObjectSummary>> => {
    const folder = path.join(dir, `export-${++n}`);
    await cp(path.join(fixtures, 'entra-connect-server-config-contoso'), folder, { recursive: true });
    // The sample's forest is contoso.com with OU=CORP included; the snapshot's is corp.contoso.com.
    await change(path.join(folder, 'Connectors', AD), (xml) => xml.replace(/OU=CORP,DC=contoso,DC=com/g, `OU=Contoso,${domain}`).replace(/>DC=contoso,DC=com</g, `>${domain}<`));
    await edit(folder);
    const configPath = path.join(dir, `config-${n}.json`);
    await writeFile(configPath, JSON.stringify({
      activeDirectory: [{ name: 'contoso.com', ldifFile: path.join(fixtures, 'contoso-snapshot.ldif') }],
      entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_TEST_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      rules: { serverConfiguration: folder }, stateDir: `state-${n}`, reportDir: 'reports',
    }));
    const session = await openSession({ configPath, secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret } });
    sessions.push(session);
    const out = new Map<string, ProvisioningObjectSummary>();
    for (const dn of dns) out.set(dn, (await session.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true })).summary);
    return out;
  };
  const change = async (file: string, edit: (text: string) => string) => {
    const before = await readFile(file, 'utf8');
    const after = edit(before);
    assert.notEqual(after, before, `the edit changed ${path.basename(file)}`);
    await writeFile(file, after);
  };
  const code = (s: ProvisioningObjectSummary | undefined) => s!.provisioningStatusInfo.errorInformation?.errorCode ?? s!.provisioningStatusInfo.status;
  const step = (s: ProvisioningObjectSummary | undefined, k: number) => s!.provisioningSteps[k - 1]!;

  before(async () => {
    emulator = await startEmulator({ seed: { users: [] } });
    dir = await mkdtemp(path.join(tmpdir(), 'sos-customer-scope-'));
  });
  after(async () => {
    for (const s of sessions) await s.close();
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('as exported: an object under the included OU is created; one under the excluded domain root only is ContainerExcluded', async () => {
    const runs = await stage(async () => {}, [alice, `CN=Administrator,CN=Users,${domain}`]);
    assert.equal(code(runs.get(alice)), 'success', JSON.stringify(runs.get(alice)!.provisioningStatusInfo));
    assert.equal(runs.get(alice)!.plannedProvisioningAction, 'create');
    assert.equal(code(runs.get(`CN=Administrator,CN=Users,${domain}`)), 'ContainerExcluded');
  });

  test('an OU excluded inside the included OU: the more specific exclusion wins for its objects only', async () => {
    const runs = await stage((folder) => change(path.join(folder, 'Connectors', AD), (xml) => xml.replace(`<exclusion>${domain}</exclusion>`, `<exclusion>${domain}</exclusion><exclusion>ou=excluded, ou=contoso, dc=corp, dc=contoso, dc=com</exclusion>`)), [alice, excludedPerson]);
    assert.equal(code(runs.get(alice)), 'success');
    assert.equal(code(runs.get(excludedPerson)), 'ContainerExcluded');
    assert.match(runs.get(excludedPerson)!.provisioningStatusInfo.errorInformation?.reason ?? '', /ou=excluded, ou=contoso/i);
  });

  test('the domain partition not selected: PartitionNotSelected', async () => {
    const runs = await stage((folder) => change(path.join(folder, 'Connectors', AD), (xml) => xml.replace('<selected>1</selected>', '<selected>0</selected>')), [alice]);
    assert.equal(code(runs.get(alice)), 'PartitionNotSelected');
  });

  test('user not in the object-class filter: ObjectTypeNotInScope', async () => {
    const runs = await stage((folder) => change(path.join(folder, 'Connectors', AD), (xml) => xml.replace('<object-class>user</object-class>', '')), [alice]);
    assert.equal(code(runs.get(alice)), 'ObjectTypeNotInScope');
  });

  test('group filtering on in the export: only direct members of the filtering group sync', async () => {
    const runs = await stage(async (folder) => {
      await change(path.join(folder, 'Connectors', AD), (xml) => xml.replace('<parameter name="Connector.GroupFilteringGroupDn" type="string" use="global" dataType="String" />', `<parameter name="Connector.GroupFilteringGroupDn" type="string" use="global" dataType="String">CN=Sales Team,OU=Groups,OU=Contoso,${domain}</parameter>`));
      await change(path.join(folder, 'GlobalSettings', 'MV.xml'), (xml) => xml.replace(/(Microsoft\.OptionalFeature\.GroupFiltering"[^>]*>)False/, '$1True'));
    }, [alice, mia]);
    assert.equal(code(runs.get(alice)), 'success');
    assert.equal(code(runs.get(mia)), 'NotMemberOfFilteringGroup');
  });

  test('an attribute the Entra connector does not select (app and attribute filtering) is not exported, and the report says so', async () => {
    const runs = await stage((folder) => change(path.join(folder, 'Connectors', AAD), (xml) => xml.replace('<attribute>department</attribute>', '')), [alice]);
    const summary = runs.get(alice);
    assert.equal(code(summary), 'success');
    assert.equal(step(summary, 10).attributes?.find((r) => r.name === 'department'), undefined, 'department is not exported');
    assert.match(step(summary, 9).details.NotSelectedInEntraConnector ?? '', /department/);
  });

  test('a connector file without <ma-run-data>: the run profiles are not checked, and the object syncs', async () => {
    const runs = await stage((folder) => change(path.join(folder, 'Connectors', AD), (xml) => xml.replace(/<ma-run-data>[\s\S]*?<\/ma-run-data>/, '')), [alice]);
    assert.equal(code(runs.get(alice)), 'success', JSON.stringify(runs.get(alice)!.provisioningStatusInfo));
  });
});
