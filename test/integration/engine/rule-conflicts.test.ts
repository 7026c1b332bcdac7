// Configurations Entra Connect refuses to synchronize an object with, from Microsoft's declarative
// provisioning page (concept-azure-ad-connect-sync-declarative-provisioning):
// - Join: "An object should only have one single sync rule with join rules in scope. If there are
//   multiple sync rules where join is defined, an error occurs. Precedence isn't used to resolve
//   join conflicts."
// - Merging attribute values: "all sync rules in scope for an object must use the same merge type.
//   You can't define Update from one Connector and Merge from another. If you try, you receive an
//   error."
// A customer's export (the sample) with one custom rule added, through a session as the CLI and
// the extension run it: the object's run fails in the Sync step with the named error, steps 1-8
// succeed, and nothing is exported.
import assert from 'node:assert/strict';
import { copyFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
const userJoinFile = 'SynchronizationRule_{0b088913-b613-4d9d-9563-9988b7719ed6}.xml';

/** The sample export plus one rule made from "In from AD - User Join" by `change`. */
async function exportWith(dir: string, name: string, change: (xml: string) => string): Promise<string> {
  const folder = path.join(dir, `export-${name}`);
  await cp(path.join(fixtures, 'entra-connect-server-config-contoso'), folder, { recursive: true });
  const rules = path.join(folder, 'SynchronizationRules');
  const base = await readFile(path.join(rules, userJoinFile), 'utf8');
  const id = '{7e57c0de-0000-4000-8000-000000000001}';
  const custom = change(base
    .replace(/<id>[^<]*<\/id>/, `<id>${id}</id>`).replace(/<internal-id>[^<]*<\/internal-id>/, `<internal-id>${id}</internal-id>`)
    .replace('<name>In from AD - User Join</name>', '<name>Custom - In from AD - User</name>')
    .replace(/<immutable-tag>[^<]*<\/immutable-tag>/, '<immutable-tag />')
    .replace('<precedence>100</precedence>', '<precedence>50</precedence>'));
  await writeFile(path.join(rules, `SynchronizationRule_${id}.xml`), custom);
  return folder;
}

describe('sync rules Entra Connect refuses to evaluate together', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  const sessions: Session[] = [];
  const stage = async (name: string, change: (xml: string) => string): Promise<ProvisioningObjectSummary> => {
    const serverConfiguration = await exportWith(dir, name, change);
    const configPath = path.join(dir, `config-${name}.json`);
    await writeFile(configPath, JSON.stringify({
      activeDirectory: [{ name: 'contoso.com', ldifFile: 'snapshot.ldif', partitions: [{ dn: domain, selected: true, inclusions: [domain], exclusions: [] }], objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'], groupFilteringGroupDn: null }],
      entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_TEST_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      sourceAnchor: 'objectGUID', rules: { serverConfiguration }, stateDir: `state-${name}`, reportDir: 'reports',
    }));
    const session = await openSession({ configPath, secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret } });
    sessions.push(session);
    return (await session.sync(Dn.parse(eva), { stagingMode: true, noHtmlReport: true })).summary;
  };
  const failedIn = (s: ProvisioningObjectSummary) => s.provisioningSteps.filter((x) => x.status === 'failure').map((x) => x.stepNumber);

  before(async () => {
    emulator = await startEmulator({ seed: {} });
    dir = await mkdtemp(path.join(tmpdir(), 'sos-rule-conflicts-'));
    await copyFile(path.join(fixtures, 'contoso-snapshot.ldif'), path.join(dir, 'snapshot.ldif'));
  });
  after(async () => {
    for (const s of sessions) await s.close();
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('a second rule with other join rules in scope: JoinRulesConflict in the Sync step, naming both rules', async () => {
    const s = await stage('join', (xml) => xml.replace(/<relationshipCriteria>[\s\S]*<\/relationshipCriteria>/,
      '<relationshipCriteria><conditions><condition><csAttribute>employeeID</csAttribute><ilmAttribute>employeeID</ilmAttribute></condition></conditions></relationshipCriteria>'));
    assert.equal(s.provisioningStatusInfo.status, 'failure', JSON.stringify(s.provisioningStatusInfo));
    const error = s.provisioningStatusInfo.errorInformation!;
    assert.equal(error.errorCode, 'JoinRulesConflict');
    assert.match(error.reason, /"Custom - In from AD - User"/);
    assert.match(error.reason, /"In from AD - User Join"/);
    assert.deepEqual(failedIn(s), [9]);
    assert.equal(s.exported, false);
  });

  test('the same join rules in a second rule are no conflict: the object synchronizes', async () => {
    const s = await stage('same-join', (xml) => xml);
    assert.notEqual(s.provisioningStatusInfo.status, 'failure', JSON.stringify(s.provisioningStatusInfo));
    assert.notEqual(s.provisioningStatusInfo.errorInformation?.errorCode, 'JoinRulesConflict');
  });

  test('a Join rule that flows department with Merge beside the out-of-box Update flow: MergeTypeConflict naming the attribute', async () => {
    const s = await stage('merge', (xml) => xml
      .replace('<linkType>Provision</linkType>', '<linkType>Join</linkType>')
      .replace(/<relationshipCriteria>[\s\S]*<\/relationshipCriteria>/, '<relationshipCriteria />')
      .replace(/<attribute-mappings>[\s\S]*<\/attribute-mappings>/, '<attribute-mappings><mapping><dest>department</dest><src><attr>department</attr></src><valueMergeType>Merge</valueMergeType></mapping></attribute-mappings>'));
    assert.equal(s.provisioningStatusInfo.status, 'failure', JSON.stringify(s.provisioningStatusInfo));
    const error = s.provisioningStatusInfo.errorInformation!;
    assert.equal(error.errorCode, 'MergeTypeConflict');
    assert.match(error.reason, /department/);
    assert.match(error.reason, /Custom - In from AD - User/);
    assert.deepEqual(failedIn(s), [9]);
  });
});
