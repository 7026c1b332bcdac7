// How Microsoft Entra ID matches an object Entra Connect exports, decided from the tenant's objects
// (src/engine/pipeline/matching.ts), case by case as Microsoft documents it (reference:
// entra-connect-single-object-sync.md §4, "Export error codes" and "Duplicate attribute
// resiliency"; entra-docs how-to-connect-install-existing-tenant, tshoot-connect-sync-errors,
// how-to-connect-syncservice-duplicate-attribute-resiliency).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideMatch, duplicateValues, type ExportIdentity, type MatchInput } from '../../../../src/engine/pipeline/matching';
import type { EntraObject, SyncFeatures } from '../../../../src/engine/ports/entra-target';

const defaults: SyncFeatures = { blockSoftMatchEnabled: false, blockCloudObjectTakeoverThroughHardMatchEnabled: false, softMatchOnUpnEnabled: true, synchronizeUpnForManagedUsersEnabled: false, source: 'defaults' };
const anchor = 'q83vEjRWeJCrze8SNFZ4kA==';
const identity: ExportIdentity = { userPrincipalName: 'pat.lee@contoso.com', primarySmtp: 'pat.lee@contoso.com', smtpAddresses: ['pat.lee@contoso.com'], mail: 'pat.lee@contoso.com' };
const noRoles = async () => [];

const cloudUser = (id: string, properties: Record<string, unknown>): EntraObject => ({ kind: 'user', id, properties: { accountEnabled: true, ...properties } });
const input = (over: Partial<MatchInput>): MatchInput => ({ kind: 'user', sourceAnchor: anchor, identity, features: defaults, holders: [], ...over });

test('InvalidHardMatch needs a takeover: "sourceAnchor matches an existing object but BlockCloudObjectTakeoverThroughHardMatchEnabled is set" refuses a cloud-managed object, never one Entra Connect already synchronizes', async () => {
  const features = { ...defaults, blockCloudObjectTakeoverThroughHardMatchEnabled: true };
  const cloudManaged = cloudUser('c1', { userPrincipalName: 'pat.lee@contoso.com', onPremisesImmutableId: anchor });
  const refused = await decideMatch(input({ features, hardMatched: { object: cloudManaged, via: 'onPremisesImmutableId' } }), noRoles);
  assert.equal(refused.kind, 'conflict');
  assert.equal(refused.kind === 'conflict' && refused.error.code, 'InvalidHardMatch');

  // The same anchor on an object Entra Connect synchronizes: the ordinary join of every sync cycle.
  const syncedUser = cloudUser('s1', { userPrincipalName: 'pat.lee@contoso.com', onPremisesImmutableId: anchor, onPremisesSyncEnabled: true });
  const joined = await decideMatch(input({ features, hardMatched: { object: syncedUser, via: 'onPremisesImmutableId' } }), noRoles);
  assert.deepEqual([joined.kind, joined.kind === 'hard' && joined.target.id], ['hard', 's1']);

  // Without the feature the cloud-managed object is taken over ("hard match").
  const takenOver = await decideMatch(input({ hardMatched: { object: cloudManaged, via: 'onPremisesImmutableId' } }), noRoles);
  assert.deepEqual([takenOver.kind, takenOver.kind === 'hard' && takenOver.target.id], ['hard', 'c1']);
});

test('InvalidSoftMatch "Suppressed when duplicate-attribute resiliency is on": a UPN and primary SMTP held by a cloud-managed user with another immutableId is no match; both values are quarantined and the user is still created', async () => {
  // A cloud-managed user that keeps an onPremisesImmutableId (its source of authority moved to the cloud).
  const other = cloudUser('o1', { userPrincipalName: 'pat.lee@contoso.com', mail: 'pat.lee@contoso.com', proxyAddresses: ['SMTP:pat.lee@contoso.com'], onPremisesImmutableId: 'AAAAAAAAAAAAAAAAAAAAAA==' });
  const decision = await decideMatch(input({ holders: [other] }), noRoles);
  assert.equal(decision.kind, 'none', 'no soft match: the immutableId differs');

  const { quarantined, error } = duplicateValues({ kind: 'user', identity, holders: [other], initialDomain: 'contoso.onmicrosoft.com', sourceAnchor: anchor });
  assert.equal(error, undefined, 'not InvalidSoftMatch nor AttributeValueMustBeUnique: resiliency quarantines instead');
  assert.deepEqual(quarantined.map((q) => [q.attribute, q.value, q.holder.id]), [['userPrincipalName', 'pat.lee@contoso.com', 'o1'], ['proxyAddresses', 'pat.lee@contoso.com', 'o1']]);
  // "UPN placeholder <prefix><4 digits>@<initial>.onmicrosoft.com"
  assert.match(quarantined[0]!.placeholder ?? '', /^pat\.lee\d{4}@contoso\.onmicrosoft\.com$/);
});

test('"Soft match" on the primary SMTP address only: a secondary smtp address a cloud-managed user holds is a duplicate (quarantined), not a match', async () => {
  const holder = cloudUser('h1', { userPrincipalName: 'robin@contoso.com', proxyAddresses: ['SMTP:robin@contoso.com', 'smtp:pat.lee@contoso.com'] });
  const only = { userPrincipalName: 'pat.lee@fabrikam.example', primarySmtp: 'pat.lee@contoso.com', smtpAddresses: ['pat.lee@contoso.com'] };
  assert.equal((await decideMatch(input({ identity: only, holders: [holder] }), noRoles)).kind, 'none');
  const { quarantined, error } = duplicateValues({ kind: 'user', identity: only, holders: [holder], sourceAnchor: anchor });
  assert.equal(error, undefined);
  assert.deepEqual(quarantined.map((q) => [q.attribute, q.value]), [['proxyAddresses', 'pat.lee@contoso.com']]);
});

test('soft match takes a cloud-managed user without an anchor (UPN or primary SMTP), unless BlockSoftMatchEnabled; SoftMatchOnUpnEnabled off leaves the UPN out', async () => {
  const byUpn = cloudUser('u1', { userPrincipalName: 'pat.lee@contoso.com' });
  const byMail = cloudUser('m1', { userPrincipalName: 'p.lee@contoso.com', proxyAddresses: ['SMTP:pat.lee@contoso.com'] });
  const upn = await decideMatch(input({ holders: [byUpn] }), noRoles);
  assert.deepEqual([upn.kind, upn.kind === 'soft' && upn.via], ['soft', 'userPrincipalName']);
  const mail = await decideMatch(input({ holders: [byMail] }), noRoles);
  assert.deepEqual([mail.kind, mail.kind === 'soft' && mail.via], ['soft', 'proxyAddresses']);
  assert.equal((await decideMatch(input({ holders: [byUpn], features: { ...defaults, softMatchOnUpnEnabled: false } }), noRoles)).kind, 'none');
  assert.equal((await decideMatch(input({ holders: [byUpn, byMail], features: { ...defaults, blockSoftMatchEnabled: true } }), noRoles)).kind, 'none');
});

test('"Existing Admin Role Conflict": soft match is blocked for a user holding an admin role (its shared UPN is what a sync attempt quarantines: "hard delete the Quarantined object"); hard match to it is not blocked', async () => {
  const admin = cloudUser('a1', { userPrincipalName: 'pat.lee@contoso.com' });
  const roles = async (o: EntraObject) => (o.id === 'a1' ? ['Global Administrator'] : []);
  const soft = await decideMatch(input({ holders: [admin] }), roles);
  assert.equal(soft.kind, 'none');
  assert.deepEqual(soft.kind === 'none' && soft.adminRoleConflict && [soft.adminRoleConflict.candidate.id, soft.adminRoleConflict.attribute, soft.adminRoleConflict.roles], ['a1', 'userPrincipalName', ['Global Administrator']]);
  const { quarantined } = duplicateValues({ kind: 'user', identity, holders: [admin], initialDomain: 'contoso.onmicrosoft.com', sourceAnchor: anchor });
  assert.deepEqual(quarantined.map((q) => [q.attribute, q.holder.id]), [['userPrincipalName', 'a1']], 'the UPN the admin holds is the quarantined value');

  const hard = await decideMatch(input({ hardMatched: { object: { ...admin, properties: { ...admin.properties, onPremisesImmutableId: anchor } }, via: 'onPremisesImmutableId' } }), roles);
  assert.equal(hard.kind, 'hard');
});

test('"ObjectTypeMismatch: soft match to a different object type": a group holding the primary SMTP address of a new user, and a user holding a new group\'s', async () => {
  const group: EntraObject = { kind: 'group', id: 'g1', properties: { displayName: 'Pat Lee team', mailEnabled: true, securityEnabled: false, proxyAddresses: ['SMTP:pat.lee@contoso.com'], mail: 'pat.lee@contoso.com' } };
  const forUser = await decideMatch(input({ holders: [group] }), noRoles);
  assert.equal(forUser.kind === 'conflict' && forUser.error.code, 'ObjectTypeMismatch');
  const user = cloudUser('u2', { userPrincipalName: 'pat.lee@contoso.com', proxyAddresses: ['SMTP:pat.lee@contoso.com'] });
  const forGroup = await decideMatch(input({ kind: 'group', identity: { primarySmtp: 'pat.lee@contoso.com', smtpAddresses: ['pat.lee@contoso.com'] }, holders: [user] }), noRoles);
  assert.equal(forGroup.kind === 'conflict' && forGroup.error.code, 'ObjectTypeMismatch');
});
