// A group's members are looked up a few at a time (an LDAP read and one or two Graph lookups
// each, a round trip apiece): one after the other, a group of 250 members waited 250 round trips
// (5.4 s for 200 members at 20 ms of latency; measured in the closing note). The answers do not
// depend on the order they come in, and the first failure still fails the step with nothing
// left running behind it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { Dn } from '../../../src/engine/model/dn';
import { CONTOSO_DOMAIN as domain, openLdifTenant, type LdifTenant } from '../../support/ldif-tenant';

const fixtures = path.resolve(__dirname, '../../fixtures');
const ou = `OU=Lookup Lanes,OU=Contoso,${domain}`;
const MEMBERS = 40;
let world: LdifTenant;

function entry(dn: string, classes: string[], lines: string[], rid: number): string {
  const sid = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', 'base64');
  sid.writeUInt32LE(rid, 24);
  return [`dn: ${dn}`, 'changetype: add', ...classes.map((c) => `objectClass: ${c}`), `objectGUID:: ${randomBytes(16).toString('base64')}`, `objectSid:: ${sid.toString('base64')}`, ...lines, ''].join('\n');
}

const memberId = (k: number) => `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`;
const groupDn = (name: string) => `CN=${name},${ou}`;

before(async () => {
  const base = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
  const entries = [`dn: ${ou}\nchangetype: add\nobjectClass: top\nobjectClass: organizationalUnit\nou: Lookup Lanes\n`];
  const users = [];
  for (let k = 0; k < MEMBERS; k++) {
    const guid = randomBytes(16);
    const sid = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', 'base64');
    sid.writeUInt32LE(71000 + k, 24);
    entries.push([`dn: CN=Lane ${k},${ou}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user', `cn: Lane ${k}`, `sAMAccountName: lane${k}`, `userPrincipalName: lane${k}@contoso.com`, 'userAccountControl: 512', `objectGUID:: ${guid.toString('base64')}`, `objectSid:: ${sid.toString('base64')}`, ''].join('\n'));
    // Each member is a user Entra Connect synchronizes: found by its anchor.
    users.push({ id: memberId(k), userPrincipalName: `lane${k}@contoso.com`, displayName: `Lane ${k}`, mailNickname: `lane${k}`, accountEnabled: true, onPremisesSyncEnabled: true, onPremisesImmutableId: guid.toString('base64') });
  }
  const members = Array.from({ length: MEMBERS }, (_, k) => `member: CN=Lane ${k},${ou}`);
  entries.push(entry(groupDn('Lanes'), ['top', 'group'], ['cn: Lanes', 'sAMAccountName: lanes', 'groupType: -2147483646', ...members], 70998));
  entries.push(entry(groupDn('Lanes Refused'), ['top', 'group'], ['cn: Lanes Refused', 'sAMAccountName: lanesrefused', 'groupType: -2147483646', ...members], 70999));
  world = await openLdifTenant(`${base.trimEnd()}\n\n${entries.join('\n')}`, { users });
});
after(() => world?.close());

test('a group of 40 members: looked up several at once, every member found and added, whatever order the answers came in', async () => {
  world.emulator.faults({ kind: 'latency', latencyMs: 40, count: -1, path: '/v1.0/users?$filter=onPremisesImmutableId' });
  world.emulator.takePeakInFlight();
  const { summary } = await world.session.sync(Dn.parse(groupDn('Lanes')), { stagingMode: false, noHtmlReport: true });
  const peak = world.emulator.takePeakInFlight();
  world.emulator.clearFaults();
  assert.notEqual(summary.provisioningStatusInfo.status, 'failure', JSON.stringify(summary.provisioningStatusInfo));
  const groupId = summary.targetIdentity.id!;
  assert.deepEqual([...(world.emulator.state().members[groupId] ?? [])].sort(), Array.from({ length: MEMBERS }, (_, k) => memberId(k)).sort());
  assert.ok(peak > 1 && peak <= 9, `Graph requests under way at once: ${peak}`);
});

test('a member lookup Graph refuses: the group fails with that error, no member is added, and no lookup goes on after the step', async () => {
  const start = world.emulator.requestLog().length;
  world.emulator.faults({ kind: 'body', bodyStatus: 400, count: -1, path: '/v1.0/users?$filter=onPremisesImmutableId', body: { error: { code: 'BadRequest', message: 'Invalid filter clause' } } });
  const { summary } = await world.session.sync(Dn.parse(groupDn('Lanes Refused')), { stagingMode: false, noHtmlReport: true });
  const logged = world.emulator.requestLog().length;
  await sleep(300);
  world.emulator.clearFaults();
  assert.equal(summary.provisioningStatusInfo.status, 'failure', JSON.stringify(summary.provisioningStatusInfo));
  assert.match(JSON.stringify(summary.provisioningStatusInfo.errorInformation), /Invalid filter clause|BadRequest|400/);
  assert.equal(world.emulator.requestLog().length, logged, 'no request after the sync returned');
  const lookups = world.emulator.requestLog().slice(start).filter((r) => r.path.startsWith('/v1.0/users?$filter=onPremisesImmutableId'));
  assert.ok(lookups.length < MEMBERS, `the lookups stopped at the first refusal (${lookups.length} sent)`);
  // The group itself is created before its members are looked up (step 10); none is added.
  const groupId = summary.targetIdentity.id;
  assert.deepEqual(groupId ? world.emulator.state().members[groupId] ?? [] : [], [], 'no member added');
});
