// Conformance: the limits Microsoft Entra ID's schema sets on the values an export brings, for
// objects in none of the fixtures, run through the ten steps over an LDIF snapshot and the
// Graph emulator (no Samba). The verdict is predicted in step 9/10, so a staging run shows the
// failure the export meets, and an export writes nothing.
//
// tshoot-connect-sync-errors, "LargeObject or ExceededAllowedLength": "When an attribute
// exceeds the allowed size limit, length limit, or count limit set by Microsoft Entra schema,
// the synchronization operation results in a LargeObject or ExceededAllowedLength sync error."
// The length limits are the user and group resources' (GRAPH 36-42, 63): "jobTitle [128]",
// "department [64]", "displayName [256; cannot be cleared]", "givenName [64]", "mailNickname
// [64]"; for groups "`displayName` [256]".
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { CONTOSO_DOMAIN as domain, openLdifTenant, type LdifTenant } from '../../support/ldif-tenant';

const fixtures = path.resolve(__dirname, '../../fixtures');
const ou = `OU=Engineering,OU=Contoso,${domain}`;
const groupsOu = `OU=Groups,OU=Contoso,${domain}`;
let rid = 81000;

function sid(): string {
  const value = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', 'base64');
  value.writeUInt32LE(rid++, 24);
  return value.toString('base64');
}

function userLdif(cn: string, lines: string[]): string {
  const nick = cn.toLowerCase().replace(/\W+/g, '.');
  return [
    `dn: CN=${cn},${ou}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user',
    `cn: ${cn}`, `name: ${cn}`, `sAMAccountName: ${nick.slice(0, 20)}`, `userPrincipalName: ${nick}@contoso.com`, 'userAccountControl: 512',
    `objectGUID:: ${randomBytes(16).toString('base64')}`, `objectSid:: ${sid()}`, ...lines, `distinguishedName: CN=${cn},${ou}`, '',
  ].join('\n');
}

function groupLdif(cn: string, lines: string[]): string {
  return [
    `dn: CN=${cn},${groupsOu}`, 'changetype: add', 'objectClass: top', 'objectClass: group', 'groupType: -2147483646', `cn: ${cn}`, `name: ${cn}`,
    `sAMAccountName: ${cn.toLowerCase().replace(/\W+/g, '.')}`, `objectGUID:: ${randomBytes(16).toString('base64')}`, `objectSid:: ${sid()}`,
    ...lines, `distinguishedName: CN=${cn},${groupsOu}`, '',
  ].join('\n');
}

const x = (n: number, c = 'x') => c.repeat(n);

describe('values longer than Microsoft Entra ID allows: LargeObject or ExceededAllowedLength (tshoot-connect-sync-errors)', () => {
  let world: LdifTenant;
  const dnOf = (cn: string, group = false) => `CN=${cn},${group ? groupsOu : ou}`;
  const sync = async (dn: string, stagingMode: boolean) => (await world.session.sync(Dn.parse(dn), { stagingMode, noHtmlReport: true })).summary;
  const info = (s: ProvisioningObjectSummary) => s.provisioningStatusInfo;
  const step = (s: ProvisioningObjectSummary, n: number) => s.provisioningSteps.find((p) => p.stepNumber === n)!;

  before(async () => {
    const base = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    const entries = [
      userLdif('Long Title', ['displayName: Long Title', `title: ${x(129, 'T')}`]),
      userLdif('Title At Limit', ['displayName: Title At Limit', `title: ${x(128, 'T')}`]),
      userLdif('Long Department', ['displayName: Long Department', `department: ${x(65, 'D')}`]),
      userLdif('Long Display', [`displayName: ${x(257, 'N')}`]),
      userLdif('Long Given', ['displayName: Long Given', `givenName: ${x(65, 'G')}`]),
      // Outside the Basic Multilingual Plane each character is two UTF-16 units, as .NET and
      // Graph count a string's length: 40 of them are 80 (over 64), 32 are 64.
      userLdif('Emoji Department', ['displayName: Emoji Department', `department:: ${Buffer.from('\u{1F600}'.repeat(40)).toString('base64')}`]),
      userLdif('Emoji At Limit', ['displayName: Emoji At Limit', `department:: ${Buffer.from('\u{1F600}'.repeat(32)).toString('base64')}`]),
      groupLdif('Long Group', [`displayName: ${x(257, 'L')}`]),
      groupLdif('Group At Limit', [`displayName: ${x(256, 'L')}`]),
    ];
    world = await openLdifTenant(`${base.trimEnd()}\n\n${entries.join('\n')}`, {});
  });
  after(() => world?.close());

  test('a jobTitle of 129 characters (limit 128): the staging run already fails with ExceededAllowedLength, naming the attribute and the limit', async () => {
    const s = await sync(dnOf('Long Title'), true);
    assert.equal(info(s).status, 'failure');
    assert.equal(info(s).errorInformation?.errorCode, 'ExceededAllowedLength');
    assert.match(info(s).errorInformation!.reason, /title \(jobTitle in Microsoft Entra ID\) would be 129 characters long; Microsoft Entra ID allows at most 128/);
    const row = step(s, 10).attributes?.find((r) => r.name === 'title');
    assert.ok(row?.syncRule?.startsWith('Out to AAD - User'), JSON.stringify(row));
    assert.ok(String(info(s).errorInformation?.recommendedAction).includes(`(${String(row?.syncRule)})`), 'the rule that flows it is named');
    assert.equal(step(s, 10).status, 'failure');
    assert.equal(step(s, 9).status, 'success', 'the synchronization itself succeeds; Entra ID refuses the export');
  });

  test('the export writes nothing and reports the same error (not a Graph rejection after the fact)', async () => {
    const writes = world.emulator.writes().length;
    const s = await sync(dnOf('Long Title'), false);
    assert.equal(info(s).errorInformation?.errorCode, 'ExceededAllowedLength');
    assert.equal(world.emulator.writes().length, writes, 'no request was sent');
    assert.deepEqual(s.modifiedProperties, []);
    assert.equal(world.emulator.state().users.some((u) => u.userPrincipalName === 'long.title@contoso.com'), false);
  });

  test('exactly 128 characters is within the limit: the user is created with that jobTitle', async () => {
    const s = await sync(dnOf('Title At Limit'), false);
    assert.notEqual(info(s).status, 'failure', JSON.stringify(info(s)));
    const created = world.emulator.state().users.find((u) => u.userPrincipalName === 'title.at.limit@contoso.com');
    assert.equal(created?.jobTitle, x(128, 'T'));
  });

  test('department over 64, displayName over 256, givenName over 64: each is ExceededAllowedLength with its own limit', async () => {
    const cases: Array<[string, RegExp]> = [
      ['Long Department', /department \(department in Microsoft Entra ID\) would be 65 characters long; Microsoft Entra ID allows at most 64/],
      ['Long Display', /displayName \(displayName in Microsoft Entra ID\) would be 257 characters long; Microsoft Entra ID allows at most 256/],
      ['Long Given', /givenName \(givenName in Microsoft Entra ID\) would be 65 characters long; Microsoft Entra ID allows at most 64/],
      ['Emoji Department', /department \(department in Microsoft Entra ID\) would be 80 characters long; Microsoft Entra ID allows at most 64/],
    ];
    for (const [cn, reason] of cases) {
      const s = await sync(dnOf(cn), true);
      assert.equal(info(s).errorInformation?.errorCode, 'ExceededAllowedLength', cn);
      assert.match(info(s).errorInformation!.reason, reason, cn);
    }
  });

  test('32 characters outside the BMP (64 UTF-16 units) are within a limit of 64: created', async () => {
    const s = await sync(dnOf('Emoji At Limit'), true);
    assert.notEqual(info(s).status, 'failure', JSON.stringify(info(s)));
    assert.equal(s.plannedProvisioningAction, 'create');
  });

  test('a group whose displayName is 257 characters fails the same way; 256 is created', async () => {
    const long = await sync(dnOf('Long Group', true), false);
    assert.equal(info(long).errorInformation?.errorCode, 'ExceededAllowedLength');
    assert.match(info(long).errorInformation!.reason, /group's displayName \(displayName in Microsoft Entra ID\) would be 257 characters long; Microsoft Entra ID allows at most 256/);
    const atLimit = await sync(dnOf('Group At Limit', true), false);
    assert.notEqual(info(atLimit).status, 'failure', JSON.stringify(info(atLimit)));
    assert.ok(world.emulator.state().groups.some((g) => g.displayName === x(256, 'L')));
  });
});
