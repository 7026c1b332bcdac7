// The state folder is not a credential: it may sit in a repository (the starter configuration
// puts it in the workspace), so a link it holds between an AD object and a cloud object is
// trusted only when the tenant confirms it. Entra ID joins by the source anchor (a user's
// onPremisesImmutableId; a group this tool created carries it in its uniqueName); a state file
// naming any other cloud object must not make this object's export update that object, add
// members to it or remove its members.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { CONTOSO_DOMAIN as domain, openLdifTenant, type LdifTenant } from '../../support/ldif-tenant';

const fixtures = path.resolve(__dirname, '../../fixtures');
const salesTeam = `CN=Sales Team,OU=Groups,OU=Contoso,${domain}`;
const alice = `CN=Alice Wu,OU=Sales,OU=Contoso,${domain}`;
const victimGroupId = '0f1e2d3c-4b5a-4697-8877-665544332211';
const victimUserId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const victimMemberId = '11111111-2222-4333-8444-555555555555';
const syncedVictimId = '22222222-3333-4444-8555-666666666666';
const syncedVictimAnchor = 'dmljdGltLWFuY2hvci0xMjM0NQ==';

let world: LdifTenant;
const sync = async (dn: string, stagingMode: boolean) => (await world.session.sync(Dn.parse(dn), { stagingMode, noHtmlReport: true })).summary;
const step8 = (summary: ProvisioningObjectSummary) => summary.provisioningSteps.find((s) => s.stepNumber === 8)!;

/** Rewrites the state file of the object named `dn`: its Entra connector space now links to `id`. */
async function forgeLink(dn: string, link: Record<string, unknown>): Promise<void> {
  const stateDir = path.join(world.dir, 'state');
  for (const name of await readdir(stateDir)) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(stateDir, name);
    const state = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown> & { adConnectorSpace?: { dn?: string } };
    if (state.adConnectorSpace?.dn?.toLowerCase() !== dn.toLowerCase()) continue;
    state.entraConnectorSpace = { attributes: {}, importedAt: new Date().toISOString(), ...link };
    await writeFile(file, JSON.stringify(state));
    return;
  }
  assert.fail(`no state file for ${dn}`);
}

before(async () => {
  world = await openLdifTenant(await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8'), {
    users: [
      { id: victimMemberId, displayName: 'Tenant Admin', userPrincipalName: 'tenant.admin@contoso.com', mailNickname: 'tenant.admin', accountEnabled: true },
      { id: victimUserId, displayName: 'Cloud Finance', userPrincipalName: 'cloud.finance@contoso.com', mailNickname: 'cloud.finance', accountEnabled: true, department: 'Finance' },
      { id: syncedVictimId, displayName: 'Synced Victim', userPrincipalName: 'synced.victim@contoso.com', mailNickname: 'synced.victim', accountEnabled: true, department: 'Legal', onPremisesSyncEnabled: true, onPremisesImmutableId: syncedVictimAnchor },
    ],
    groups: [{ id: victimGroupId, displayName: 'Privileged Cloud Group', mailNickname: 'privileged', mailEnabled: false, securityEnabled: true, members: [victimMemberId] }],
  });
});

after(() => world?.close());

test('a forged link to a cloud-only group: the export neither adds to it nor removes its members; the link is named as not used', async () => {
  await sync(salesTeam, true);
  await forgeLink(salesTeam, { kind: 'group', id: victimGroupId, exportedMemberIds: [victimMemberId] });
  const writesBefore = world.emulator.writes().length;
  const summary = await sync(salesTeam, false);
  assert.match(step8(summary).details.StoredLinkNotUsed ?? '', new RegExp(`${victimGroupId}.*does not carry its source anchor`), JSON.stringify(step8(summary).details));
  assert.notEqual(summary.targetIdentity.id, victimGroupId, 'not matched to the cloud-only group');
  assert.deepEqual(world.emulator.state().members[victimGroupId], [victimMemberId], 'the cloud-only group keeps its members, and gains none');
  const touched = world.emulator.writes().slice(writesBefore).filter((w) => JSON.stringify(w).includes(victimGroupId));
  assert.deepEqual(touched, [], 'no write names the cloud-only group');
});

test('a forged link to a cloud-only user: no update of that user; the object is matched as Entra ID would (here: none, so a create)', async () => {
  await sync(alice, true);
  await forgeLink(alice, { kind: 'user', id: victimUserId });
  const summary = await sync(alice, true);
  assert.match(step8(summary).details.StoredLinkNotUsed ?? '', new RegExp(victimUserId));
  assert.notEqual(summary.targetIdentity.id, victimUserId);
  assert.equal(summary.plannedProvisioningAction, 'create', JSON.stringify(summary.provisioningStatusInfo));
  const victim = world.emulator.state().users.find((u) => u.id === victimUserId)!;
  assert.equal(victim.department, 'Finance', 'the cloud-only user is unchanged');
});

test('a forged link that also forges the anchor last imported: it reaches a synced user only, and the anchor guard of "Out to AAD - User Join" stops the sync; nothing is written', async () => {
  await forgeLink(alice, { kind: 'user', id: syncedVictimId, attributes: { sourceAnchor: [syncedVictimAnchor] } });
  const writesBefore = world.emulator.writes().length;
  const summary = await sync(alice, false);
  assert.equal(summary.provisioningStatusInfo.status, 'failure', JSON.stringify(summary.provisioningStatusInfo));
  assert.equal(summary.provisioningStatusInfo.errorInformation?.reason, 'SourceAnchor attribute has changed.');
  assert.equal(world.emulator.writes().length, writesBefore, 'nothing written');
  assert.equal(world.emulator.state().users.find((u) => u.id === syncedVictimId)!.department, 'Legal');
});

test('a forged link in a MEMBER\'s state file (marked exported, to a cloud-only user): the group\'s export does not add that user as a member', async () => {
  const frank = `CN=Frank Moss,OU=Sales,OU=Contoso,${domain}`;
  const team = `CN=Sales Team,OU=Groups,OU=Contoso,${domain}`;
  await sync(frank, true);
  await forgeLink(frank, { kind: 'user', id: victimMemberId, exported: true });
  // The group itself is this tool's to write: exported once, so the member plan is what decides.
  const first = await sync(team, false);
  const groupId = first.targetIdentity.id;
  assert.ok(groupId && groupId !== victimGroupId, JSON.stringify(first.provisioningStatusInfo));
  const summary = await sync(team, false);
  const members = world.emulator.state().members[groupId] ?? [];
  assert.ok(!members.includes(victimMemberId), `the cloud-only user was added to ${team}: ${JSON.stringify(members)}`);
  // Alice's state (the test above) links her to a synced user and forges that user's anchor as
  // the one she was imported with last: a member is confirmed by its own anchor only.
  assert.ok(!members.includes(syncedVictimId), `the synced user Alice's forged state names was added to ${team}: ${JSON.stringify(members)}`);
  const touched = world.emulator.writes().filter((w) => JSON.stringify(w).includes(victimMemberId));
  assert.deepEqual(touched, [], 'no write names the cloud-only user');
  assert.match(JSON.stringify(summary.provisioningSteps), /Frank Moss[^"]*not yet in Microsoft Entra ID/, 'Frank is a member still to be provisioned');
});
