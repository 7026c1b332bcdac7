// A group Entra Connect already synchronizes, as Microsoft documents it and as the reference
// (entra-connect-single-object-sync.md §4) asks a tool that models it to show it: for an object
// Entra Connect already syncs, "a tool that models it must show the pending update, not a
// failure". Membership is the group's main export (the AAD connector's `member`), so the cloud
// group's direct members (GET /groups/{id}/members, graph-and-identity-platform.md) are compared
// with the members Entra Connect would export:
// - an AD member whose cloud object is not in the cloud group is pending to add;
// - a cloud member no AD member maps to is pending to remove (decided only when every AD member
//   was accounted for);
// - an AD member with no object in Microsoft Entra ID is named as not resolved;
// - the same membership keeps the "already matches" verdict.
// Users are found by their anchor (onPremisesImmutableId); a member group Entra Connect
// synchronized by its onPremisesSecurityIdentifier, as step 8 finds the group itself; a member
// contact (orgContact has no anchor in Graph) by its primary SMTP address, as step 8 finds a
// contact ("In from AD - Contact Join" joins on mail). Nothing is
// written: Entra Connect owns these objects.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sidBytesToString } from '../../../src/engine/model/ad-codecs';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import type { SeedDocument } from '../../graph-emulator';
import { CONTOSO_DOMAIN as domain, openLdifTenant, type LdifTenant } from '../../support/ldif-tenant';

const fixtures = path.resolve(__dirname, '../../fixtures');
const ou = 'OU=Sales,OU=Contoso';
const groupsOu = 'OU=Groups,OU=Contoso';

function entryOf(ldif: string, dn: string): string {
  const start = ldif.indexOf(`dn: ${dn},`);
  return ldif.slice(start, ldif.indexOf('\n\n', start) + 1);
}

function sidWithRid(base64: string, rid: number): { bytes: Buffer; text: string } {
  const bytes = Buffer.from(base64, 'base64');
  bytes.writeUInt32LE(rid, 24);
  return { bytes, text: sidBytesToString(bytes) };
}

/** Alice Wu's entry as another user, with a new objectGUID (its anchor) and SID and no groups. */
function userLike(alice: string, cn: string, nick: string, rid: number): { entry: string; anchor: string } {
  const guid = randomBytes(16);
  const sid = sidWithRid('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', rid);
  const entry = alice.split(`CN=Alice Wu,${ou}`).join(`CN=${cn},${ou}`)
    .replace(/^cn: .*$/m, `cn: ${cn}`).replace(/^name: .*$/m, `name: ${cn}`)
    .split('alice.wu').join(nick)
    .replace(/^objectGUID:: .*$/m, `objectGUID:: ${guid.toString('base64')}`)
    .replace(/^objectSid:: .*$/m, `objectSid:: ${sid.bytes.toString('base64')}`)
    .replace(/^mS-DS-ConsistencyGuid:: .*\n/m, '')
    .replace(/^memberOf: .*\n/gm, '');
  return { entry, anchor: guid.toString('base64') };
}

/** The Sales Team security group as another group, with a new objectGUID and SID and these members. */
function groupLike(salesTeam: string, cn: string, sam: string, rid: number, memberDns: string[]): { entry: string; sid: string } {
  const sid = sidWithRid('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkjSEAAA==', rid);
  const members = memberDns.map((dn) => `member: ${dn}\n`).join('');
  const entry = salesTeam.replace(/^member: .*\n/gm, '')
    .split('CN=Sales Team,').join(`CN=${cn},`)
    .replace(/^cn: .*$/m, `cn: ${cn}`).replace(/^description: (.*)\n/m, `description: $1\n${members}`)
    .replace(/^name: .*$/m, `name: ${cn}`).replace(/^sAMAccountName: .*$/m, `sAMAccountName: ${sam}`)
    .replace(/^objectGUID:: .*$/m, `objectGUID:: ${randomBytes(16).toString('base64')}`)
    .replace(/^objectSid:: .*$/m, `objectSid:: ${sid.bytes.toString('base64')}`);
  return { entry, sid: sid.text };
}

const step = (summary: ProvisioningObjectSummary, n: number) => summary.provisioningSteps.find((s) => s.stepNumber === n)!;
const info = (summary: ProvisioningObjectSummary) => JSON.stringify(summary.provisioningStatusInfo);
const userDn = (cn: string) => `CN=${cn},${ou},${domain}`;
const groupDn = (cn: string) => `CN=${cn},${groupsOu},${domain}`;
/** A contact of the snapshot (SMTP:ext.partner@partner.example), which Entra Connect synchronized as an orgContact. */
const contactDn = `CN=Ext Partner,OU=Contacts,OU=Contoso,${domain}`;

describe('a group Entra Connect already synchronizes: its membership is compared and the difference shown as pending for Entra Connect', () => {
  let world: LdifTenant;

  const sync = async (dn: string, stagingMode = false) => (await world.session.sync(Dn.parse(dn), { stagingMode, noHtmlReport: true })).summary;

  before(async () => {
    const base = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    const alice = entryOf(base, `CN=Alice Wu,${ou}`);
    const salesTeam = entryOf(base, `CN=Sales Team,${groupsOu}`);
    const users = (['Member One', 'Member Two', 'Member Three', 'Member Four', 'Not Synced'] as const)
      .map((cn, i) => ({ cn, ...userLike(alice, cn, cn.toLowerCase().replace(' ', '.'), 72001 + i) }));
    const anchor = new Map<string, string>(users.map((u) => [u.cn, u.anchor]));
    const memberGroup = groupLike(salesTeam, 'Synced Member Group', 'SyncedMemberGroup', 72101, []);
    const groups = {
      add: groupLike(salesTeam, 'EC Add', 'ECAdd', 72111, [userDn('Member One'), userDn('Member Two'), userDn('Member Three'), groupDn('Synced Member Group')]),
      remove: groupLike(salesTeam, 'EC Remove', 'ECRemove', 72112, [userDn('Member One'), userDn('Member Two')]),
      same: groupLike(salesTeam, 'EC Same', 'ECSame', 72113, [userDn('Member One'), userDn('Member Two'), groupDn('Synced Member Group')]),
      unresolved: groupLike(salesTeam, 'EC Unresolved', 'ECUnresolved', 72114, [userDn('Member One'), userDn('Not Synced')]),
      contactSame: groupLike(salesTeam, 'EC Contact Same', 'ECContactSame', 72115, [userDn('Member One'), contactDn]),
      contactAdd: groupLike(salesTeam, 'EC Contact Add', 'ECContactAdd', 72116, [userDn('Member One'), contactDn]),
    };
    const ldif = `${base.trimEnd()}\n\n${[...users.map((u) => u.entry), memberGroup.entry, ...Object.values(groups).map((g) => g.entry)].join('\n')}`;

    // The tenant as Entra Connect left it: users by anchor, groups by SID, all onPremisesSyncEnabled.
    const cloudUser = (id: string, cn: string, nick: string) => ({
      id, displayName: cn, userPrincipalName: `${nick}@contoso.com`, onPremisesUserPrincipalName: `${nick}@contoso.com`, mailNickname: nick,
      accountEnabled: true, onPremisesSyncEnabled: true, onPremisesImmutableId: anchor.get(cn)!,
    });
    const cloudGroup = (id: string, cn: string, sam: string, sid: string, members: string[]) => ({
      id, displayName: cn, description: 'Global security group', mailEnabled: false, securityEnabled: true, mailNickname: sam,
      onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: sid, members,
    });
    const seed: SeedDocument = {
      users: [
        cloudUser('u-one', 'Member One', 'member.one'), cloudUser('u-two', 'Member Two', 'member.two'),
        cloudUser('u-three', 'Member Three', 'member.three'), cloudUser('u-four', 'Member Four', 'member.four'),
      ],
      groups: [
        cloudGroup('g-member', 'Synced Member Group', 'SyncedMemberGroup', memberGroup.sid, []),
        cloudGroup('g-add', 'EC Add', 'ECAdd', groups.add.sid, ['u-one']),
        cloudGroup('g-remove', 'EC Remove', 'ECRemove', groups.remove.sid, ['u-one', 'u-two', 'u-four']),
        cloudGroup('g-same', 'EC Same', 'ECSame', groups.same.sid, ['u-two', 'g-member', 'u-one']),
        cloudGroup('g-unresolved', 'EC Unresolved', 'ECUnresolved', groups.unresolved.sid, ['u-one']),
        cloudGroup('g-contact-same', 'EC Contact Same', 'ECContactSame', groups.contactSame.sid, ['c-ext', 'u-one']),
        cloudGroup('g-contact-add', 'EC Contact Add', 'ECContactAdd', groups.contactAdd.sid, ['u-one']),
      ],
      contacts: [
        // A cloud-managed contact holding the same address in another letter case comes second: the synced one is the member.
        { id: 'c-cloud', displayName: 'Ext Partner (cloud)', mail: 'other@partner.example', proxyAddresses: ['SMTP:other@partner.example'], onPremisesSyncEnabled: null },
        { id: 'c-ext', displayName: 'Ext Partner', mail: 'ext.partner@partner.example', proxyAddresses: ['SMTP:Ext.Partner@partner.example'], onPremisesSyncEnabled: true },
      ],
    };
    world = await openLdifTenant(ldif, seed);
  });
  after(() => world?.close());

  const members = (id: string) => [...(world.emulator.state().members[id] ?? [])];

  test('AD members missing from the cloud group are pending to add (a member group found by its SID among them); nothing is written', async () => {
    const writes = world.emulator.writes().length;
    const before = members('g-add');
    const summary = await sync(groupDn('EC Add'));
    assert.equal(summary.provisioningStatusInfo.status, 'warning', info(summary));
    assert.equal(summary.provisioningStatusInfo.errorInformation?.errorCode, 'EntraConnectExportPending', info(summary));
    const reason = summary.provisioningStatusInfo.errorInformation!.reason;
    assert.match(reason, /member: 3 to add \(/);
    for (const cn of ['Member Two', 'Member Three']) assert.ok(reason.includes(userDn(cn)), `${cn} named: ${reason}`);
    assert.ok(reason.includes(groupDn('Synced Member Group')), `the member group Entra Connect synced is found by its SID: ${reason}`);
    assert.doesNotMatch(reason, /to remove/);
    const export10 = step(summary, 10);
    assert.equal(export10.details.SyncedByEntraConnect, 'True');
    assert.equal(export10.details.MembersToAdd, '3');
    assert.equal(export10.details.MembersToRemove, '0');
    assert.equal(export10.details.CloudMembers, '1');
    const member = summary.modifiedProperties.find((m) => m.displayName === 'member');
    assert.ok(member, JSON.stringify(summary.modifiedProperties));
    assert.equal(member.applied, false);
    assert.equal(member.notAppliedKind, 'ownedByEntraConnect');
    assert.deepEqual(member.newValue?.split('\n').sort(), [userDn('Member Two'), userDn('Member Three'), groupDn('Synced Member Group')].sort());
    assert.equal(member.oldValue, null);
    const row = export10.attributes?.find((r) => r.name === 'member');
    assert.ok(row && row.operation === 'update' && row.valueAdd.length === 3, JSON.stringify(row));
    assert.doesNotMatch(row.note ?? '', /not compared/);
    // Entra Connect owns the group: not one write, and the cloud membership is as it was.
    assert.equal(world.emulator.writes().length, writes);
    assert.deepEqual(members('g-add'), before);
    // The membership read is one GET /groups/{id}/members (one page), beside one lookup per member.
    const requests = export10.graphRequests ?? [];
    assert.equal(requests.filter((r) => /\/groups\/g-add\/members/.test(r.path)).length, 1, JSON.stringify(requests));
    assert.ok(requests.every((r) => r.method === 'GET'), JSON.stringify(requests));
  });

  test('a cloud member that is not a member in AD is pending to remove, named', async () => {
    const writes = world.emulator.writes().length;
    const summary = await sync(groupDn('EC Remove'));
    assert.equal(summary.provisioningStatusInfo.errorInformation?.errorCode, 'EntraConnectExportPending', info(summary));
    const reason = summary.provisioningStatusInfo.errorInformation!.reason;
    assert.match(reason, /member: 1 to remove \(u-four \(Member Four\)\)/);
    assert.doesNotMatch(reason, /to add/);
    const export10 = step(summary, 10);
    assert.equal(export10.details.MembersToRemove, '1');
    assert.equal(export10.details.MembersToRemoveList, 'u-four (Member Four)');
    const member = summary.modifiedProperties.find((m) => m.displayName === 'member');
    assert.equal(member?.oldValue, 'u-four (Member Four)');
    assert.equal(member?.newValue, null);
    assert.equal(world.emulator.writes().length, writes);
  });

  test('the same membership (in another order, with a member group) keeps "already matches": success, nothing to write', async () => {
    const writes = world.emulator.writes().length;
    const summary = await sync(groupDn('EC Same'));
    assert.equal(summary.provisioningStatusInfo.status, 'success', info(summary));
    const export10 = step(summary, 10);
    assert.match(export10.details.Result!, /already matches what Entra Connect would export; nothing to write/);
    assert.equal(export10.details.MembersToAdd, '0');
    assert.equal(export10.details.MembersToRemove, '0');
    assert.equal(export10.details.CloudMembers, '3');
    assert.deepEqual(summary.modifiedProperties, []);
    const row = export10.attributes?.find((r) => r.name === 'member');
    assert.equal(row?.operation, 'none', JSON.stringify(row));
    assert.equal(world.emulator.writes().length, writes);
    // The README's figure: domains, the two step 8 lookups, one members page, and the lookups
    // of two users (1 each) and of the member group (its uniqueName, then its SID).
    const requests = summary.provisioningSteps.flatMap((s) => s.graphRequests ?? []);
    assert.equal(requests.length, 8, JSON.stringify(requests.map((r) => r.path)));
  });

  test('an AD member that is not in Microsoft Entra ID is named as not resolved, not passed over as matching', async () => {
    const writes = world.emulator.writes().length;
    const summary = await sync(groupDn('EC Unresolved'));
    assert.equal(summary.provisioningStatusInfo.status, 'warning', info(summary));
    assert.equal(summary.provisioningStatusInfo.errorInformation?.errorCode, 'EntraConnectMembershipNotCompared', info(summary));
    const reason = summary.provisioningStatusInfo.errorInformation!.reason;
    assert.ok(reason.includes(`${userDn('Not Synced')} (not in Microsoft Entra ID)`), reason);
    const export10 = step(summary, 10);
    assert.equal(export10.details.MembersNotResolved, `${userDn('Not Synced')} (not in Microsoft Entra ID)`);
    assert.equal(export10.details.MembersToAdd, '0');
    assert.equal(export10.details.MembersToRemove, '0');
    assert.doesNotMatch(export10.details.Result!, /already matches/);
    assert.equal(world.emulator.writes().length, writes);
  });

  test('a member contact Entra Connect synchronized is found by its primary SMTP address: the same membership keeps "already matches"', async () => {
    const writes = world.emulator.writes().length;
    const summary = await sync(groupDn('EC Contact Same'));
    assert.equal(summary.provisioningStatusInfo.status, 'success', info(summary));
    const export10 = step(summary, 10);
    assert.match(export10.details.Result!, /already matches what Entra Connect would export; nothing to write/);
    assert.equal(export10.details.MembersToRemove, '0', 'the cloud contact member is the AD contact, not one to remove');
    assert.equal(export10.details.MembersNotResolved, undefined);
    assert.deepEqual(summary.modifiedProperties, []);
    assert.equal(world.emulator.writes().length, writes);
  });

  test('a member contact missing from the cloud group is pending to add, named by its DN', async () => {
    const summary = await sync(groupDn('EC Contact Add'), true);
    assert.equal(summary.provisioningStatusInfo.errorInformation?.errorCode, 'EntraConnectExportPending', info(summary));
    const reason = summary.provisioningStatusInfo.errorInformation!.reason;
    assert.ok(reason.includes(`member: 1 to add (${contactDn})`), reason);
    assert.equal(step(summary, 10).details.MembersNotResolved, undefined);
  });

  test('staging mode compares the same way and writes nothing', async () => {
    const writes = world.emulator.writes().length;
    const summary = await sync(groupDn('EC Add'), true);
    assert.equal(summary.provisioningStatusInfo.errorInformation?.errorCode, 'EntraConnectExportPending', info(summary));
    assert.equal(step(summary, 10).details.MembersToAdd, '3');
    assert.equal(world.emulator.writes().length, writes);
  });
});
