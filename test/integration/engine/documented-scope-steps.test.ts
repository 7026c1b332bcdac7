// Steps 1, 3, 4 and 6 through the whole pipeline (LDIF snapshot + Graph emulator, no Samba), as
// the troubleshooting task documents them (/work/shared/reference/entra-connect-single-object-sync.md,
// "SOS" below):
// - SOS 53: a partition whose Selected is false: "...belongs to domain X which is filtered from
//   synchronization".
// - SOS 54: OU filtering by the most specific container; "It belongs to a container X that is
//   excluded from syncing"; an object under no inclusion is out of scope.
// - SOS 51 / ARCHITECTURE step 4: an object that is not there is a failure of step 4, not a scope verdict.
// - SOS 57, 126: group filtering needs direct membership; "Nested group membership isn't
//   resolved. When you add a group as a member, only the group itself is added."
// An out-of-scope verdict stops the steps that depend on it (ARCHITECTURE §3: reported skipped);
// independent checks (step 2, the tenant; step 4 after step 3) may still run. Import, sync and
// export never run for an object out of scope.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSession, type Session } from '../../../src/app/session';
import { Dn } from '../../../src/engine/model/dn';
import { STEPS } from '../../../src/engine/pipeline/steps';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { startEmulator } from '../../graph-emulator';

const fixtures = path.resolve(__dirname, '../../fixtures');
const domain = 'DC=corp,DC=contoso,DC=com';
const contoso = `OU=Contoso,${domain}`;
const groupsOu = `OU=Groups,${contoso}`;
const pilotGroup = `CN=Pilot Group,${groupsOu}`;
const alice = `CN=Alice Wu,OU=Sales,${contoso}`;
const mia = `CN=Mia Rossi,OU=Engineering,${contoso}`;

const step = (s: ProvisioningObjectSummary, n: number) => s.provisioningSteps.find((x) => x.stepNumber === n)!;
const info = (s: ProvisioningObjectSummary) => JSON.stringify(s.provisioningStatusInfo);
const code = (s: ProvisioningObjectSummary) => s.provisioningStatusInfo.errorInformation?.errorCode;

interface Scope { selected?: boolean; inclusions?: string[]; exclusions?: string[]; groupFilteringGroupDn?: string | null }

describe('the scoping steps, run whole, as the troubleshooting task documents them', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let root: string;
  const sessions: Session[] = [];
  let n = 0;

  const withScope = async (scope: Scope): Promise<Session> => {
    const dir = path.join(root, `scope-${n++}`);
    await mkdir(dir, { recursive: true });
    await copyFile(path.join(fixtures, 'contoso-snapshot.ldif'), path.join(dir, 'snapshot.ldif'));
    const configPath = path.join(dir, 'single-object-sync.json');
    await writeFile(configPath, JSON.stringify({
      activeDirectory: [{
        name: 'corp.contoso.com', ldifFile: 'snapshot.ldif',
        partitions: [{ dn: domain, selected: scope.selected ?? true, inclusions: scope.inclusions ?? [domain], exclusions: scope.exclusions ?? [] }],
        objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'], groupFilteringGroupDn: scope.groupFilteringGroupDn ?? null,
      }],
      entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_TEST_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      sourceAnchor: 'mS-DS-ConsistencyGuid', rules: 'builtin', stateDir: 'state', reportDir: 'reports',
    }));
    const session = await openSession({ configPath, secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret } });
    sessions.push(session);
    return session;
  };
  const stage = async (session: Session, dn: string) => (await session.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true })).summary;
  /** The steps that depend on step `from` (directly or not), and import, sync and export, did not run. */
  const laterSkipped = (s: ProvisioningObjectSummary, from: number) => {
    const dependsOnFrom = (n: number): boolean => n > from && (STEPS[n - 1]!.dependsOn.includes(from) || STEPS[n - 1]!.dependsOn.some(dependsOnFrom));
    for (const later of s.provisioningSteps.filter((x) => x.stepNumber >= 7 || dependsOnFrom(x.stepNumber))) {
      assert.equal(later.status, 'skipped', `step ${later.stepNumber}: ${later.status}`);
    }
    assert.equal(s.exported, false);
  };

  before(async () => {
    emulator = await startEmulator({ seed: { users: [] } });
    root = await mkdtemp(path.join(tmpdir(), 'sos-scope-steps-'));
  });
  after(async () => {
    for (const session of sessions) await session.close();
    await emulator?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('step 1 (SOS 53): an unselected domain is filtered from synchronization, and no step that depends on it runs', async () => {
    const s = await stage(await withScope({ selected: false }), alice);
    assert.equal(code(s), 'PartitionNotSelected', info(s));
    assert.equal(step(s, 1).status, 'skipped');
    assert.match(s.provisioningStatusInfo.errorInformation?.reason ?? '', /belongs to domain 'DC=corp,DC=contoso,DC=com', which is filtered from synchronization/);
    assert.equal(s.plannedProvisioningAction, 'other');
    laterSkipped(s, 1);
  });

  test('step 3 (SOS 54): under no included container, and under an excluded one, the object is out of scope; the most specific container decides', async () => {
    const onlySales = await withScope({ inclusions: [`OU=Sales,${contoso}`] });
    const outside = await stage(onlySales, mia);
    assert.equal(code(outside), 'ContainerNotIncluded', info(outside));
    assert.equal(step(outside, 3).status, 'skipped');
    laterSkipped(outside, 3);
    assert.equal((await stage(onlySales, alice)).plannedProvisioningAction, 'create');

    const excluded = await withScope({ inclusions: [domain], exclusions: [`OU=Engineering,${contoso}`] });
    const inExcluded = await stage(excluded, mia);
    assert.equal(code(inExcluded), 'ContainerExcluded', info(inExcluded));
    assert.equal(inExcluded.provisioningStatusInfo.errorInformation?.reason, `The object belongs to a container 'OU=Engineering,${contoso}' that is excluded from syncing.`);
    laterSkipped(inExcluded, 3);

    // An exclusion of the parent and an inclusion of the child: the longer (more specific) wins.
    const nested = await withScope({ inclusions: [domain, `OU=Sales,${contoso}`], exclusions: [contoso] });
    assert.equal((await stage(nested, alice)).plannedProvisioningAction, 'create');
    assert.equal(code(await stage(nested, mia)), 'ContainerExcluded');
  });

  test('step 4: an object that does not exist fails step 4 (not a scope verdict), naming the DN', async () => {
    const s = await stage(await withScope({}), `CN=Nobody Here,OU=Sales,${contoso}`);
    assert.equal(code(s), 'NoSuchObject', info(s));
    assert.equal(step(s, 4).status, 'failure');
    assert.equal(s.provisioningStatusInfo.status, 'failure');
    assert.match(s.provisioningStatusInfo.errorInformation?.reason ?? '', /CN=Nobody Here,OU=Sales/);
    laterSkipped(s, 4);
  });

  test('step 6 (SOS 57, 126): a direct member passes, a member through a nested group does not, and a group that is a member is itself in scope', async () => {
    const session = await withScope({ groupFilteringGroupDn: pilotGroup });
    const direct = await stage(session, `CN=Pilot Direct,OU=Engineering,${contoso}`);
    assert.equal(step(direct, 6).status, 'success', info(direct));
    assert.equal(direct.plannedProvisioningAction, 'create');

    const nestedMember = await stage(session, `CN=Pilot Nested,OU=Engineering,${contoso}`);
    assert.equal(code(nestedMember), 'NotMemberOfFilteringGroup', info(nestedMember));
    assert.equal(step(nestedMember, 6).status, 'skipped');
    assert.match(nestedMember.provisioningStatusInfo.errorInformation?.reason ?? '', /not a direct member of filtering group 'CN=Pilot Group,OU=Groups,OU=Contoso,DC=corp,DC=contoso,DC=com'/);
    laterSkipped(nestedMember, 6);

    const memberGroup = await stage(session, `CN=Nested Group,${groupsOu}`);
    assert.equal(step(memberGroup, 6).status, 'success', info(memberGroup));
    assert.equal(memberGroup.plannedProvisioningAction, 'create', info(memberGroup));

    const outsider = await stage(session, alice);
    assert.equal(code(outsider), 'NotMemberOfFilteringGroup', info(outsider));
  });
});
