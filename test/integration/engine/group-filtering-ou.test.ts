// Group filtering and OU filtering together, as Microsoft documents them (Entra Connect,
// how-to-connect-sync-configure-filtering, "Domain-based / OU-based filtering"): "OU filtering
// is evaluated before group filtering, so the group's OU must be included"; and for group-based
// filtering, "all objects ... must be direct members". A filtering group that OU filtering
// excludes is not in the connector space: no object passes step 6, members included. The same
// group in an included OU lets its direct members through.
// Snapshot: CN=Pilot Group,OU=Groups,OU=Contoso has CN=Pilot Direct,OU=Engineering as a member.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSession, type Session } from '../../../src/app/session';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { startEmulator } from '../../graph-emulator';

const fixtures = path.resolve(__dirname, '../../fixtures');
const domain = 'DC=corp,DC=contoso,DC=com';
const contoso = `OU=Contoso,${domain}`;
const groupsOu = `OU=Groups,${contoso}`;
const pilotGroup = `CN=Pilot Group,${groupsOu}`;
const pilotDirect = `CN=Pilot Direct,OU=Engineering,${contoso}`;

const step = (summary: ProvisioningObjectSummary, n: number) => summary.provisioningSteps.find((s) => s.stepNumber === n)!;
const info = (summary: ProvisioningObjectSummary) => JSON.stringify(summary.provisioningStatusInfo);

describe('group filtering after OU filtering: the filtering group\'s OU must be in scope', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let root: string;
  const sessions: Session[] = [];

  /** A session whose one partition has these inclusions and exclusions, with Pilot Group as the filtering group. */
  const withScope = async (name: string, inclusions: string[], exclusions: string[]): Promise<Session> => {
    const dir = path.join(root, name);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await copyFile(path.join(fixtures, 'contoso-snapshot.ldif'), path.join(dir, 'snapshot.ldif'));
    const configPath = path.join(dir, 'single-object-sync.json');
    await writeFile(configPath, JSON.stringify({
      activeDirectory: [{ name: 'corp.contoso.com', ldifFile: 'snapshot.ldif', partitions: [{ dn: domain, selected: true, inclusions, exclusions }], objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'], groupFilteringGroupDn: pilotGroup }],
      entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_TEST_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      sourceAnchor: 'mS-DS-ConsistencyGuid', rules: 'builtin', stateDir: 'state', reportDir: 'reports',
    }));
    const session = await openSession({ configPath, secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret } });
    sessions.push(session);
    return session;
  };
  const stage = async (session: Session, dn: string) => (await session.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true })).summary;

  before(async () => {
    emulator = await startEmulator({ seed: { users: [] } });
    root = await mkdtemp(path.join(tmpdir(), 'sos-group-filtering-ou-'));
  });
  after(async () => {
    for (const session of sessions) await session.close();
    await emulator?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('the filtering group in an excluded OU: a direct member is skipped at step 6, naming the group, the excluding container and what to do', async () => {
    const session = await withScope('excluded', [domain], [groupsOu]);
    const summary = await stage(session, pilotDirect);
    assert.equal(step(summary, 3).status, 'success', 'the member itself is in OU scope');
    assert.equal(step(summary, 6).status, 'skipped', info(summary));
    assert.equal(summary.provisioningStatusInfo.status, 'skipped');
    const error = summary.provisioningStatusInfo.errorInformation;
    assert.equal(error?.errorCode, 'FilteringGroupOutOfScope', info(summary));
    assert.ok(error!.reason.includes(pilotGroup), error!.reason);
    assert.ok(error!.reason.includes(`container '${groupsOu}'`), error!.reason);
    assert.match(error!.reason, /excluded/);
    const action = error!.recommendedAction ?? '';
    assert.match(action, /Include the group's OU .*OU filtering.*or move the filtering group/);
    assert.ok(action.includes(groupsOu), action);
    assert.equal(step(summary, 6).details.FilteringGroupDecidingContainer, groupsOu);
    assert.equal(step(summary, 7).status, 'skipped', 'nothing runs after an out-of-scope verdict');
  });

  test('the filtering group itself, in the excluded OU, is already out of scope at step 3', async () => {
    const session = await withScope('excluded-self', [domain], [groupsOu]);
    const summary = await stage(session, pilotGroup);
    assert.equal(step(summary, 3).status, 'skipped', info(summary));
    assert.equal(summary.provisioningStatusInfo.errorInformation?.errorCode, 'ContainerExcluded');
  });

  test('the filtering group under no included container: a direct member is skipped at step 6, naming the partition', async () => {
    const session = await withScope('not-included', [`OU=Engineering,${contoso}`], []);
    const summary = await stage(session, pilotDirect);
    assert.equal(step(summary, 3).status, 'success', 'the member itself is included');
    assert.equal(step(summary, 6).status, 'skipped', info(summary));
    const error = summary.provisioningStatusInfo.errorInformation;
    assert.equal(error?.errorCode, 'FilteringGroupOutOfScope', info(summary));
    assert.ok(error!.reason.includes(pilotGroup), error!.reason);
    assert.match(error!.reason, new RegExp(`not under any included container of partition '${domain}'`));
  });

  test('the same group in an included OU: the direct member passes step 6; a non-member still does not', async () => {
    const session = await withScope('included', [domain], []);
    const member = await stage(session, pilotDirect);
    assert.equal(step(member, 6).status, 'success', info(member));
    assert.equal(step(member, 6).details.DirectMember, 'true');
    const other = await stage(session, `CN=Alice Wu,OU=Sales,${contoso}`);
    assert.equal(other.provisioningStatusInfo.errorInformation?.errorCode, 'NotMemberOfFilteringGroup', info(other));
  });

  test('"When you add a group as a member, only the group itself is added": the group\'s own member outside the filtering group is not exported, single run and batch alike', async () => {
    const nestedGroup = `CN=Nested Group,${groupsOu}`;
    const pilotNested = `CN=Pilot Nested,OU=Engineering,${contoso}`;
    const session = await withScope('nested-members', [domain], []);
    const single = await stage(session, nestedGroup);
    assert.equal(step(single, 6).details.DirectMember, 'true', 'the group itself is a direct member of the filtering group');
    assert.equal(single.plannedProvisioningAction, 'create', info(single));
    const member = single.modifiedProperties.find((p) => p.displayName.toLowerCase() === 'member');
    assert.ok(!String(member?.newValue ?? '').includes('Pilot Nested'), JSON.stringify(member));
    const row = step(single, 10).attributes?.find((a) => a.name.toLowerCase() === 'member');
    assert.ok(row, JSON.stringify(step(single, 10).attributes?.map((a) => a.name)));
    assert.ok(JSON.stringify(row).includes(`${pilotNested} (not a direct member of the filtering group ${pilotGroup} (group-based filtering))`), JSON.stringify(row));
    // The member itself is out of scope at step 6, which is why its reference is not exported.
    assert.equal((await stage(session, pilotNested)).provisioningStatusInfo.errorInformation?.errorCode, 'NotMemberOfFilteringGroup');

    // A batch over the groups' OU (the filtering group's members read once for the batch) agrees.
    const batchSession = await withScope('nested-members-batch', [domain], []);
    const prepared = await batchSession.prepareBatch({ kind: 'search', base: Dn.parse(groupsOu), scope: 'one' }, { bulkReadThreshold: 1 });
    const pass = await batchSession.runBatch(prepared, { stagingMode: true, keepSummaries: true });
    const batched = pass.summaries.get(nestedGroup)!;
    assert.deepEqual(batched.modifiedProperties.find((p) => p.displayName.toLowerCase() === 'member'), member);
    assert.deepEqual(step(batched, 10).attributes?.find((a) => a.name.toLowerCase() === 'member'), row);
  });

  test('the most specific container decides for the group as for objects: an included OU inside an excluded one keeps it in scope', async () => {
    const session = await withScope('nested-inclusion', [domain, groupsOu, `OU=Engineering,${contoso}`], [contoso]);
    const member = await stage(session, pilotDirect);
    assert.equal(step(member, 6).status, 'success', info(member));
    assert.equal(step(member, 6).details.DirectMember, 'true');
  });
});
