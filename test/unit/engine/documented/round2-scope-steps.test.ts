// Steps 1, 3, 5 and 6 (the scope of the connector: domain, OU, object type, group filtering) on
// objects in none of the fixtures, run whole over an LDIF snapshot and the Graph emulator (no
// Samba), each run an export run so that "nothing is written" is checked too. The verdicts:
// - the troubleshooting task (reference: entra-connect-single-object-sync.md §2): "Fails if
//   Partition.Selected is false ("...belongs to domain X which is filtered from synchronization")";
//   OU: "It finds the most specific (longest) container in each list that the DN contains. The
//   object is out of scope if (a) both lists match and the exclusion match is longer, or (b) only
//   the exclusion list matches. Message: "It belongs to a container X that is excluded from syncing."";
//   object type: "Object is not present in sync scope as it is of object class 'X' which is not
//   part of the connector's object type inclusion list.";
// - entra-docs how-to-connect-install-custom.md, group filtering: "All objects that you want to
//   synchronize must be direct members of the group. Users, groups, contacts, and computers or
//   devices must all be direct members. Nested group membership isn't resolved. When you add a
//   group as a member, only the group itself is added. Its members aren't added."
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Dn } from '../../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../../src/engine/summary/types';
import { CONTOSO_DOMAIN as domain, openLdifTenant, type LdifTenant } from '../../../support/ldif-tenant';

const fixtures = path.resolve(__dirname, '../../../fixtures');
const scopeOu = `OU=Round Two Scope,OU=Contoso,${domain}`;
const quarantine = `OU=Quarantine,${scopeOu}`;
const kept = `OU=Kept,${quarantine}`;
const usersContainer = `CN=Users,${domain}`;
let rid = 96000;

function entry(dn: string, classes: string[], lines: string[]): string {
  const sid = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', 'base64');
  sid.writeUInt32LE(rid++, 24);
  return [`dn: ${dn}`, 'changetype: add', ...classes.map((c) => `objectClass: ${c}`), `objectGUID:: ${randomBytes(16).toString('base64')}`, `objectSid:: ${sid.toString('base64')}`, ...lines, ''].join('\n');
}
const userDn = (cn: string, parent = scopeOu) => `CN=${cn},${parent}`;
function user(cn: string, parent = scopeOu): string {
  const nick = cn.toLowerCase().replace(/\W+/g, '.');
  return entry(userDn(cn, parent), ['top', 'person', 'organizationalPerson', 'user'], [`cn: ${cn}`, `sAMAccountName: ${nick}`, `userPrincipalName: ${nick}@contoso.com`, 'userAccountControl: 512']);
}
const group = (cn: string, members: string[]) =>
  entry(userDn(cn), ['top', 'group'], [`cn: ${cn}`, `sAMAccountName: ${cn.replace(/\W+/g, '')}`, 'groupType: -2147483646', ...members.map((m) => `member: ${m}`)]);

const ldif = (async () => {
  const base = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
  const entries = [
    entry(scopeOu, ['top', 'organizationalUnit'], ['ou: Round Two Scope']),
    entry(quarantine, ['top', 'organizationalUnit'], ['ou: Quarantine']),
    entry(kept, ['top', 'organizationalUnit'], ['ou: Kept']),
    user('Quentin Quarantined', quarantine),
    user('Kim Kept', kept),
    user('Uma Users', usersContainer),
    user('Dora Direct'),
    user('Nils Nested'),
    group('Pilot Inner', [userDn('Nils Nested')]),
    group('Pilot Filter', [userDn('Dora Direct'), userDn('Pilot Inner')]),
    entry(userDn('Carla Contact'), ['top', 'person', 'organizationalPerson', 'contact'], ['cn: Carla Contact', 'mail: carla@partner.example', 'proxyAddresses: SMTP:carla@partner.example']),
  ];
  return `${base.trimEnd()}\n\n${entries.join('\n')}`;
})();

const step = (s: ProvisioningObjectSummary, n: number) => s.provisioningSteps.find((x) => x.stepNumber === n)!;
const code = (s: ProvisioningObjectSummary) => s.provisioningStatusInfo.errorInformation?.errorCode;
const reason = (s: ProvisioningObjectSummary) => s.provisioningStatusInfo.errorInformation?.reason ?? '';

/** The connector of corp.contoso.com with `over` in place of its defaults. */
const connector = (over: Record<string, unknown>) => ({
  activeDirectory: [{
    name: 'corp.contoso.com', ldifFile: 'snapshot.ldif',
    partitions: [{ dn: domain, selected: true, inclusions: [domain], exclusions: [] }],
    objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'], groupFilteringGroupDn: null,
    ...over,
  }],
});

/** Out of scope at `decidingStep`: skipped with `expectedCode`, no import, sync or export, no write. */
function outOfScopeAt(world: LdifTenant, s: ProvisioningObjectSummary, decidingStep: number, expectedCode: string, writesBefore = 0): void {
  for (let n = 1; n < decidingStep; n++) if (n !== 2) assert.notEqual(step(s, n).status, 'failure', `step ${n}`);
  assert.equal(step(s, decidingStep).status, 'skipped', `step ${decidingStep}: ${reason(s)}`);
  assert.equal(step(s, decidingStep).errorInformation?.errorCode ?? code(s), expectedCode);
  assert.equal(s.provisioningStatusInfo.status, 'skipped');
  assert.equal(code(s), expectedCode, reason(s));
  for (const n of [7, 8, 9, 10]) assert.equal(step(s, n).status, 'skipped', `step ${n} does not run`);
  assert.equal(s.plannedProvisioningAction, 'other');
  assert.equal(s.exported, false);
  assert.equal(world.emulator.writes().length, writesBefore, 'Microsoft Graph received no write');
}

describe('step 3 (OU) and step 5 (object type)', () => {
  let world: LdifTenant;
  const sync = async (dn: string) => (await world.session.sync(Dn.parse(dn), { stagingMode: false, noHtmlReport: true })).summary;

  before(async () => {
    world = await openLdifTenant(await ldif, { users: [] }, connector({
      // OU=Contoso and OU=Kept included, OU=Quarantine (holding OU=Kept) excluded; CN=Users not included.
      partitions: [{ dn: domain, selected: true, inclusions: [`OU=Contoso,${domain}`, kept], exclusions: [quarantine] }],
      objectTypes: ['user', 'group'],
    }));
  });
  after(() => world?.close());

  test('an object in an excluded OU: step 3 says "belongs to a container X that is excluded from syncing"', async () => {
    const writes = world.emulator.writes().length;
    const s = await sync(userDn('Quentin Quarantined', quarantine));
    outOfScopeAt(world, s, 3, 'ContainerExcluded', writes);
    assert.match(reason(s), new RegExp(`belongs to a container '${quarantine}' that is excluded from syncing`));
    assert.equal(step(s, 3).details.DecidingContainer, quarantine);
  });

  test('"the most specific (longest) container": an included OU inside an excluded one keeps its objects in scope', async () => {
    const s = await sync(userDn('Kim Kept', kept));
    assert.equal(step(s, 3).status, 'success');
    assert.equal(step(s, 3).details.DecidingContainer, kept);
    assert.equal(s.plannedProvisioningAction, 'create', reason(s));
  });

  test('under no included container (CN=Users when only OUs are selected): out of scope at step 3', async () => {
    const writes = world.emulator.writes().length;
    const s = await sync(userDn('Uma Users', usersContainer));
    outOfScopeAt(world, s, 3, 'ContainerNotIncluded', writes);
  });

  test('a contact when the connector\'s object types are user and group: "Object is not present in sync scope as it is of object class \'contact\' ..."', async () => {
    const writes = world.emulator.writes().length;
    const s = await sync(userDn('Carla Contact'));
    outOfScopeAt(world, s, 5, 'ObjectTypeNotInScope', writes);
    assert.match(reason(s), /Object is not present in sync scope as it is of object class 'contact' which is not part of the connector's object type inclusion list/);
  });
});

describe('step 1: a domain that is not selected', () => {
  let world: LdifTenant;
  before(async () => {
    world = await openLdifTenant(await ldif, { users: [] }, connector({ partitions: [{ dn: domain, selected: false, inclusions: [domain], exclusions: [] }] }));
  });
  after(() => world?.close());

  test('"...belongs to domain X which is filtered from synchronization": out of scope at step 1, every step that depends on the domain skipped', async () => {
    const s = (await world.session.sync(Dn.parse(userDn('Dora Direct')), { stagingMode: false, noHtmlReport: true })).summary;
    outOfScopeAt(world, s, 1, 'PartitionNotSelected');
    assert.match(reason(s), new RegExp(`belongs to domain '${domain}', which is filtered from synchronization`));
    for (const n of [3, 4, 5, 6]) assert.equal(step(s, n).status, 'skipped', `step ${n}`);
  });
});

describe('step 6: group-based filtering', () => {
  let world: LdifTenant;
  const sync = async (dn: string) => (await world.session.sync(Dn.parse(dn), { stagingMode: false, noHtmlReport: true })).summary;
  before(async () => {
    world = await openLdifTenant(await ldif, { users: [] }, connector({ groupFilteringGroupDn: userDn('Pilot Filter') }));
  });
  after(() => world?.close());

  test('"Nested group membership isn\'t resolved": a member of a group that is a member of the filtering group is out of scope at step 6', async () => {
    const writes = world.emulator.writes().length;
    const s = await sync(userDn('Nils Nested'));
    outOfScopeAt(world, s, 6, 'NotMemberOfFilteringGroup', writes);
    assert.match(reason(s), /not a direct member of filtering group 'CN=Pilot Filter,/);
    assert.equal(step(s, 6).details.DirectMember, 'false');
  });

  test('"must be direct members": a direct member user, and the member group itself ("only the group itself is added"), pass step 6', async () => {
    for (const dn of [userDn('Dora Direct'), userDn('Pilot Inner')]) {
      const s = await sync(dn);
      assert.equal(step(s, 6).status, 'success', `${dn}: ${reason(s)}`);
      assert.equal(step(s, 6).details.DirectMember, 'true');
      assert.equal(s.plannedProvisioningAction, 'create', `${dn}: ${reason(s)}`);
    }
  });
});
