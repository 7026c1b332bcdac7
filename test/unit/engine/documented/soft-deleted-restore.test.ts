// A user whose source anchor a soft-deleted Microsoft Entra user holds, over an LDIF snapshot and
// the Graph emulator (no Samba). how-to-connect-sync-recycle-bin: "When the recovered on-premises
// AD user object is synchronized to Microsoft Entra ID, Microsoft Entra ID restores the
// corresponding soft-deleted Microsoft Entra user object"; "By default, Microsoft Entra ID keeps
// the deleted Microsoft Entra user object in soft-deleted state for 30 days"; without the same
// source anchor "Microsoft Entra ID creates a new Microsoft Entra user object instead of restoring
// the soft-deleted Microsoft Entra user object". directory-deleteditems-list: deleted users are
// listed under /directory/deletedItems/microsoft.graph.user, "The OData cast type is a required
// part of the URI", and "Deleted security groups are deleted permanently".
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Dn } from '../../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../../src/engine/summary/types';
import { raw, tokenFor } from '../../../graph-emulator/helpers';
import { CONTOSO_DOMAIN as domain, openLdifTenant, type LdifTenant } from '../../../support/ldif-tenant';

const fixtures = path.resolve(__dirname, '../../../fixtures');
const ou = `OU=Engineering,OU=Contoso,${domain}`;
let rid = 87000;
const anchors = new Map<string, string>();

function userLdif(cn: string, extra: string[] = []): string {
  const nick = cn.toLowerCase().replace(/\W+/g, '.');
  const sid = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', 'base64');
  sid.writeUInt32LE(rid++, 24);
  const guid = randomBytes(16);
  // The source anchor of a user without mS-DS-ConsistencyGuid: its objectGUID in base64.
  anchors.set(cn, guid.toString('base64'));
  return [
    `dn: CN=${cn},${ou}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user',
    `cn: ${cn}`, `name: ${cn}`, `displayName: ${cn}`, `sAMAccountName: ${nick.slice(0, 20)}`, `userPrincipalName: ${nick}@contoso.com`,
    'userAccountControl: 512', `objectGUID:: ${guid.toString('base64')}`, `objectSid:: ${sid.toString('base64')}`,
    ...extra, `distinguishedName: CN=${cn},${ou}`, '',
  ].join('\n');
}

const deletedAt = '2026-11-20T08:15:00Z';
const names = ['Rita Restored', 'Sam Synced Deleted', 'Tia Takeover', 'Uma Upn Holder', 'Vic Other Anchor', 'Wes Batch', 'Xia Deleted Here'];

describe('a soft-deleted user holding the source anchor is restored, not created anew', () => {
  let world: LdifTenant;
  const sync = async (cn: string, stagingMode: boolean) => (await world.session.sync(Dn.parse(`CN=${cn},${ou}`), { stagingMode, noHtmlReport: true })).summary;
  const step = (s: ProvisioningObjectSummary, n: number) => s.provisioningSteps.find((x) => x.stepNumber === n)!;
  const code = (s: ProvisioningObjectSummary) => s.provisioningStatusInfo.errorInformation?.errorCode;
  const userWrites = () => world.emulator.writes().filter((w) => /^\/v1\.0\/(users|directory)/.test(w.path) && w.method !== 'GET');

  before(async () => {
    const base = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    const entries = names.map((n) => userLdif(n, n === 'Rita Restored' ? ['title: Engineer', 'department: Platform'] : []));
    world = await openLdifTenant(`${base.trimEnd()}\n\n${entries.join('\n')}`, {
      users: [
        // A cloud-managed user holding Uma's UPN, without an anchor: a soft-match candidate.
        { id: 'live-uma', userPrincipalName: 'uma.upn.holder@contoso.com', displayName: 'Uma (cloud)', mailNickname: 'uma.cloud', accountEnabled: true },
      ],
      deletedUsers: [
        {
          id: 'deleted-rita', userPrincipalName: 'rita.restored@contoso.com', displayName: 'Rita Restored', mailNickname: 'rita.restored', accountEnabled: true,
          onPremisesImmutableId: anchors.get('Rita Restored'), onPremisesSyncEnabled: false, jobTitle: 'Intern', deletedDateTime: deletedAt,
        },
        {
          id: 'deleted-sam', userPrincipalName: 'sam.synced.deleted@contoso.com', displayName: 'Sam Synced Deleted', mailNickname: 'sam.synced.deleted', accountEnabled: true,
          onPremisesImmutableId: anchors.get('Sam Synced Deleted'), onPremisesSyncEnabled: true, deletedDateTime: deletedAt,
        },
        {
          id: 'deleted-tia', userPrincipalName: 'tia.takeover@contoso.com', displayName: 'Tia (cloud)', mailNickname: 'tia.takeover', accountEnabled: true,
          onPremisesImmutableId: anchors.get('Tia Takeover'), deletedDateTime: deletedAt,
        },
        {
          id: 'deleted-uma', userPrincipalName: 'uma.old@contoso.com', displayName: 'Uma Upn Holder', mailNickname: 'uma.old', accountEnabled: true,
          onPremisesImmutableId: anchors.get('Uma Upn Holder'), onPremisesSyncEnabled: true, deletedDateTime: deletedAt,
        },
        {
          // Another object's anchor: Vic's own object is new.
          id: 'deleted-vic', userPrincipalName: 'vic.other.anchor@contoso.com', displayName: 'Vic (old)', mailNickname: 'vic.old', accountEnabled: true,
          onPremisesImmutableId: randomBytes(16).toString('base64'), onPremisesSyncEnabled: true, deletedDateTime: deletedAt,
        },
        {
          id: 'deleted-wes', userPrincipalName: 'wes.batch@contoso.com', displayName: 'Wes Batch', mailNickname: 'wes.batch', accountEnabled: true,
          onPremisesImmutableId: anchors.get('Wes Batch'), onPremisesSyncEnabled: true, deletedDateTime: deletedAt,
        },
      ],
    });
  });
  after(() => world?.close());

  test('staging: the verdict is the restore of the deleted user (same object id), its changes shown against the deleted user; nothing is created', async () => {
    const before = userWrites().length;
    const s = await sync('Rita Restored', true);
    assert.equal(s.provisioningStatusInfo.status, 'warning', JSON.stringify(s.provisioningStatusInfo));
    assert.equal(code(s), 'SoftDeletedUserRestored');
    assert.equal(s.targetIdentity.id, 'deleted-rita', 'the target is the deleted user, not a new one');
    assert.equal(s.targetIdentity.details.match, 'restore');
    assert.equal(s.plannedProvisioningAction, 'create', "Entra Connect's export is an add (its connector space object went with the delete)");
    assert.match(step(s, 8).details.Match ?? '', /^Restore: .*soft-deleted user deleted-rita \(deleted 2026-11-20T08:15:00Z\)/);
    assert.equal(step(s, 8).details.DeletedDateTime, deletedAt);
    assert.match(step(s, 9).details.PendingExport ?? '', /to add \(Microsoft Entra ID restores the soft-deleted user\)$/);
    const reason = s.provisioningStatusInfo.errorInformation?.reason ?? '';
    assert.match(reason, /restores that user \(the same object id\) instead of creating a new one/);
    assert.match(s.provisioningStatusInfo.errorInformation?.recommendedAction ?? '', /30 days \(this one until about 2026-12-20\)/);
    // The deleted user's jobTitle differs from AD's title: a change applied after the restore.
    const title = s.modifiedProperties.find((p) => p.displayName === 'title');
    assert.deepEqual([title?.oldValue, title?.newValue, title?.applied], ['Intern', 'Engineer', false]);
    assert.match(reason, /title: 'Intern' -> 'Engineer'/);
    assert.equal(s.modifiedProperties.some((p) => p.displayName === 'userPrincipalName'), false, 'the UPN it had is the UPN it keeps');
    assert.equal(userWrites().length, before, 'nothing written');
  });

  test('export: not written through Microsoft Graph either (the restore is what the sync service does), and no second user appears', async () => {
    const s = await sync('Rita Restored', false);
    assert.equal(code(s), 'SoftDeletedUserRestored');
    assert.equal(s.exported, false);
    assert.equal(step(s, 10).status, 'warning');
    assert.match(step(s, 10).details.PowerShell ?? '', /^Invoke-ADSyncSingleObjectSync -DistinguishedName "CN=Rita Restored,/);
    assert.equal(userWrites().length, 0, 'no POST /users, no restore, no PATCH');
    assert.equal(world.emulator.state().users.some((u) => u.onPremisesImmutableId === anchors.get('Rita Restored')), false);
  });

  test('a deleted user Entra Connect synchronized is restored as well; the restore comes before a soft match on the UPN a cloud user holds now (that UPN is then a duplicate)', async () => {
    const synced = await sync('Sam Synced Deleted', true);
    assert.deepEqual([code(synced), synced.targetIdentity.id], ['SoftDeletedUserRestored', 'deleted-sam']);

    const uma = await sync('Uma Upn Holder', true);
    assert.deepEqual([code(uma), uma.targetIdentity.id, uma.targetIdentity.details.match], ['SoftDeletedUserRestored', 'deleted-uma', 'restore'], 'not a soft match to live-uma');
    assert.match(step(uma, 8).details.DuplicateValues ?? '', /uma\.upn\.holder@contoso\.com/);
  });

  test('BlockCloudObjectTakeoverThroughHardMatchEnabled: a deleted cloud-managed user is not taken over (InvalidHardMatch); a deleted synced one still is restored', async () => {
    // The tenant's features are read when a session starts: a tenant of its own, with the feature on.
    const base = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    const blocked = await openLdifTenant(`${base.trimEnd()}\n\n${userLdif('Tia Takeover')}\n${userLdif('Sam Synced Deleted')}`, {
      syncFeatures: { blockCloudObjectTakeoverThroughHardMatchEnabled: true },
      deletedUsers: [
        { id: 'deleted-tia', userPrincipalName: 'tia.takeover@contoso.com', displayName: 'Tia (cloud)', mailNickname: 'tia.takeover', accountEnabled: true, onPremisesImmutableId: anchors.get('Tia Takeover'), deletedDateTime: deletedAt },
        { id: 'deleted-sam', userPrincipalName: 'sam.synced.deleted@contoso.com', displayName: 'Sam', mailNickname: 'sam', accountEnabled: true, onPremisesImmutableId: anchors.get('Sam Synced Deleted'), onPremisesSyncEnabled: true, deletedDateTime: deletedAt },
      ],
    });
    try {
      const run = async (cn: string) => (await blocked.session.sync(Dn.parse(`CN=${cn},${ou}`), { stagingMode: true, noHtmlReport: true })).summary;
      const tia = await run('Tia Takeover');
      assert.equal(code(tia), 'InvalidHardMatch', JSON.stringify(tia.provisioningStatusInfo));
      const sam = await run('Sam Synced Deleted');
      assert.equal(code(sam), 'SoftDeletedUserRestored');
    } finally {
      await blocked.close();
    }
  });

  test('a deleted user with another source anchor is not restored: the object is created ("creates a new Microsoft Entra user object instead")', async () => {
    const s = await sync('Vic Other Anchor', true);
    assert.notEqual(code(s), 'SoftDeletedUserRestored');
    assert.equal(s.plannedProvisioningAction, 'create');
    assert.equal(s.targetIdentity.id, '');
    assert.equal(s.targetIdentity.details.match, 'none');
  });

  test('a user this tool created, then deleted in Microsoft Entra ID: the next run finds it in deleted items (its stored link is gone)', async () => {
    const created = await sync('Xia Deleted Here', false);
    assert.equal(created.exported, true, JSON.stringify(created.provisioningStatusInfo));
    const id = created.targetIdentity.id;
    const token = await tokenFor(world.emulator);
    assert.equal((await raw(world.emulator, 'DELETE', `/v1.0/users/${id}`, { token })).status, 204);
    const listed = await raw(world.emulator, 'GET', `/v1.0/directory/deletedItems/microsoft.graph.user?$filter=${encodeURIComponent(`onPremisesImmutableId eq '${anchors.get('Xia Deleted Here')}'`)}&$select=id,deletedDateTime`, { token });
    assert.equal(listed.status, 200);
    assert.deepEqual((listed.body as { value: { id: string }[] }).value.map((u) => u.id), [id]);
    const again = await sync('Xia Deleted Here', true);
    assert.deepEqual([code(again), again.targetIdentity.id], ['SoftDeletedUserRestored', id]);
  });

  test('deleted items Graph refuses to read: the object is matched as before and the step says deleted users were not checked (no silent gap)', async () => {
    world.emulator.faults({ kind: 'body', path: '/directory/deletedItems/', bodyStatus: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } });
    try {
      const s = await sync('Rita Restored', true);
      assert.notEqual(code(s), 'SoftDeletedUserRestored');
      assert.equal(s.plannedProvisioningAction, 'create');
      assert.match(step(s, 8).details.DeletedUsersNotChecked ?? '', /^Soft-deleted users were not read \(AuthorizationDenied: .*would restore instead of creating a new user, is not looked for/);
    } finally {
      world.emulator.clearFaults();
    }
  });

  test('a hostile answer naming a deleted user with another anchor is refused, never restored to', async () => {
    world.emulator.faults({ kind: 'body', path: '/directory/deletedItems/', body: { value: [{ id: 'deleted-vic', userPrincipalName: 'vic.other.anchor@contoso.com', onPremisesImmutableId: 'bm90IHJpdGEncw==', deletedDateTime: deletedAt }] } });
    try {
      const s = await sync('Rita Restored', true);
      assert.equal(s.provisioningStatusInfo.status, 'failure');
      assert.notEqual(s.targetIdentity.id, 'deleted-vic');
      assert.match(s.provisioningStatusInfo.errorInformation?.reason ?? '', /deleted-vic/);
    } finally {
      world.emulator.clearFaults();
    }
  });

  test('a deletedDateTime no date can hold (a hostile answer) gives no purge date and no crash', async () => {
    world.emulator.seed({ deletedUsers: [{ id: 'deleted-rita', userPrincipalName: 'rita.restored@contoso.com', displayName: 'Rita', mailNickname: 'rita.restored', accountEnabled: true, onPremisesImmutableId: anchors.get('Rita Restored'), deletedDateTime: '+275760-09-13T00:00:00.000Z' }] });
    try {
      const s = await sync('Rita Restored', true);
      assert.equal(code(s), 'SoftDeletedUserRestored', JSON.stringify(s.provisioningStatusInfo));
      assert.match(s.provisioningStatusInfo.errorInformation?.recommendedAction ?? '', /keeps deleted users for 30 days; after that/);
    } finally {
      world.emulator.seed({ deletedUsers: [{ id: 'deleted-rita', userPrincipalName: 'rita.restored@contoso.com', displayName: 'Rita Restored', mailNickname: 'rita.restored', accountEnabled: true, onPremisesImmutableId: anchors.get('Rita Restored'), onPremisesSyncEnabled: false, jobTitle: 'Intern', deletedDateTime: deletedAt }] });
    }
  });

  test('a batch with the tenant read once reaches the same verdicts; the deleted users are one more request of that read', async () => {
    const dns = ['Wes Batch', 'Vic Other Anchor', 'Rita Restored'].map((n) => `CN=${n},${ou}`);
    const prepared = await world.session.prepareBatch({ kind: 'search', base: Dn.parse(ou), scope: 'one', ldapFilter: '(|(cn=Wes Batch)(cn=Vic Other Anchor)(cn=Rita Restored))' });
    const before = world.emulator.requestLog().length;
    const pass = await world.session.runBatch(prepared, { stagingMode: true, bulkReadThreshold: 1, keepSummaries: true, workers: 1 });
    const deletedReads = world.emulator.requestLog().slice(before).filter((r) => r.path.includes('/directory/deletedItems/'));
    assert.equal(deletedReads.length, 1, 'one list of deleted users for the whole batch');
    assert.equal(pass.tenantRead, 'bulk');
    for (const dn of dns) {
      const batched = pass.summaries.get(dn)!;
      const single = (await world.session.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true })).summary;
      assert.deepEqual([code(batched), batched.targetIdentity.id], [code(single), single.targetIdentity.id], dn);
    }
    assert.equal(code(pass.summaries.get(dns[0]!)!), 'SoftDeletedUserRestored');

    // Below the bulk-read threshold (each object looked up on its own), the deleted users are
    // still listed once for the batch, not looked up once per new object.
    const from = world.emulator.requestLog().length;
    const perObject = await world.session.runBatch(prepared, { stagingMode: true, bulkReadThreshold: 10_000, keepSummaries: true, workers: 1 });
    assert.equal(perObject.tenantRead, 'per-object');
    assert.equal(world.emulator.requestLog().slice(from).filter((r) => r.path.includes('/directory/deletedItems/')).length, 1);
    for (const dn of dns) assert.equal(code(perObject.summaries.get(dn)!), code(pass.summaries.get(dn)!), dn);

    // A list of deleted users that fails otherwise than by a refusal (here an answer Graph would
    // not give) is not asked again for every object: each object looks its own up instead.
    world.emulator.faults({ kind: 'body', path: 'deletedDateTime&$top=999', count: -1, body: { value: 'not a list' } });
    try {
      const mark = world.emulator.requestLog().length;
      const fallback = await world.session.runBatch(prepared, { stagingMode: true, bulkReadThreshold: 10_000, keepSummaries: true, workers: 1 });
      const asked = world.emulator.requestLog().slice(mark).filter((r) => r.path.includes('/directory/deletedItems/'));
      assert.equal(asked.filter((r) => r.path.includes('$top=999')).length, 1, 'the list was asked once');
      assert.ok(asked.some((r) => r.path.includes('$filter=')), 'then each object looked its own up');
      for (const dn of dns) assert.equal(code(fallback.summaries.get(dn)!), code(pass.summaries.get(dn)!), dn);
    } finally {
      world.emulator.clearFaults();
    }

    // On worker threads, which answer from the packed tenant read (the deleted users with it).
    const onWorkers: ProvisioningObjectSummary[] = [];
    const parallel = await world.session.runBatch(prepared, {
      stagingMode: true, bulkReadThreshold: 1, workers: 2,
      onResult: (item) => { onWorkers.push(JSON.parse(item.json()) as ProvisioningObjectSummary); },
    });
    assert.equal(parallel.workers, 2);
    assert.deepEqual(onWorkers.map((s) => code(s)).sort(), dns.map((dn) => code(pass.summaries.get(dn)!)).sort());
    assert.ok(onWorkers.some((s) => s.targetIdentity.id === 'deleted-wes' && s.targetIdentity.details.match === 'restore'));
  });
});

describe('the Graph emulator keeps deleted users as Graph does', () => {
  test('DELETE /users/{id} moves a user to deleted items; the OData cast is required; deleted security groups are gone for good', async () => {
    const world = await openLdifTenant('', { users: [{ id: 'u1', userPrincipalName: 'a@contoso.com', displayName: 'A', mailNickname: 'a', accountEnabled: true, onPremisesImmutableId: 'AAAA' }], groups: [{ id: 'g1', displayName: 'G', mailEnabled: false, securityEnabled: true, mailNickname: 'g' }] });
    try {
      const emu = world.emulator;
      const token = await tokenFor(emu);
      assert.equal((await raw(emu, 'DELETE', '/v1.0/users/u1', { token })).status, 204);
      assert.equal((await raw(emu, 'GET', '/v1.0/users/u1', { token })).status, 404);
      const list = await raw(emu, 'GET', '/v1.0/directory/deletedItems/microsoft.graph.user?$select=id,deletedDateTime', { token });
      const [deleted] = (list.body as { value: Record<string, unknown>[] }).value;
      assert.equal(deleted?.id, 'u1');
      assert.match(String(deleted?.deletedDateTime), /^\d{4}-\d\d-\d\dT/);
      const one = await raw(emu, 'GET', '/v1.0/directory/deletedItems/u1', { token });
      assert.equal((one.body as Record<string, unknown>)['@odata.type'], '#microsoft.graph.user');
      assert.equal((await raw(emu, 'GET', '/v1.0/directory/deletedItems', { token })).status, 400, 'no cast');
      assert.equal((await raw(emu, 'DELETE', '/v1.0/groups/g1', { token })).status, 204);
      const groups = await raw(emu, 'GET', '/v1.0/directory/deletedItems/microsoft.graph.group', { token });
      assert.deepEqual((groups.body as { value: unknown[] }).value, []);
      const none = await raw(emu, 'GET', "/v1.0/directory/deletedItems/microsoft.graph.user?$filter=onPremisesImmutableId eq 'BBBB'", { token });
      assert.deepEqual((none.body as { value: unknown[] }).value, []);
    } finally {
      await world.close();
    }
  });
});
