// A staging run imports the cloud object it would match and links it in the state, but Entra
// Connect's join of a cloud-managed object happens on export: "Soft match ... when Entra Connect
// exports a new object, the service matches it" and "Microsoft Entra Connect only deletes
// objects that it has once considered to be in scope" (reference: entra-connect-single-object-sync.md,
// matching; "Configure filtering"). So a staging run must not change what the next staging run
// says: the cloud object stays cloud-managed (cloudMastered True), the object is still to be
// provisioned (its apply-once flows run again), until a run exports to it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Dn } from '../../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../../src/engine/summary/types';
import { CONTOSO_DOMAIN as domain, openLdifTenant, type LdifTenant } from '../../../support/ldif-tenant';

const fixtures = path.resolve(__dirname, '../../../fixtures');
const dn = `CN=Morgan Cloud,OU=Engineering,OU=Contoso,${domain}`;

describe('a soft-matched cloud-managed user across staging runs and an export', () => {
  let world: LdifTenant;
  const sync = async (stagingMode: boolean) => (await world.session.sync(Dn.parse(dn), { stagingMode, noHtmlReport: true })).summary;
  const step = (s: ProvisioningObjectSummary, n: number) => s.provisioningSteps.find((x) => x.stepNumber === n)!;
  const cloudMastered = (s: ProvisioningObjectSummary) => step(s, 8).attributes?.find((r) => r.name === 'cloudMastered')?.value.map(String);

  before(async () => {
    const base = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    const sid = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', 'base64');
    sid.writeUInt32LE(84111, 24);
    const entry = [
      `dn: ${dn}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user',
      'cn: Morgan Cloud', 'name: Morgan Cloud', 'displayName: Morgan Cloud', 'sAMAccountName: morgan.cloud', 'userPrincipalName: morgan.cloud@contoso.com',
      'userAccountControl: 512', `objectGUID:: ${randomBytes(16).toString('base64')}`, `objectSid:: ${sid.toString('base64')}`, `distinguishedName: ${dn}`, '',
    ].join('\n');
    // The cloud-managed user the AD user soft-matches by its UPN.
    world = await openLdifTenant(`${base.trimEnd()}\n\n${entry}`, {
      users: [{ id: 'u-morgan', userPrincipalName: 'morgan.cloud@contoso.com', displayName: 'Morgan (cloud)', mailNickname: 'morgan.cloud', accountEnabled: true }],
    });
  });
  after(() => world?.close());

  test('two staging runs say the same; the export takes the object over; the next run sees it synchronized', async () => {
    const first = await sync(true);
    const second = await sync(true);
    for (const [run, s] of [['first', first], ['second', second]] as const) {
      assert.equal(s.targetIdentity.id, 'u-morgan', `${run} staging run: matched`);
      assert.equal(s.targetIdentity.details.match, 'soft', `${run} staging run: a soft match`);
      assert.deepEqual(cloudMastered(s), ['true'], `${run} staging run: still cloud-managed`);
    }
    assert.equal(second.plannedProvisioningAction, first.plannedProvisioningAction, 'a staging run changes nothing the next one says');
    assert.deepEqual(second.modifiedProperties.map((p) => p.displayName).sort(), first.modifiedProperties.map((p) => p.displayName).sort());

    const exported = await sync(false);
    assert.equal(exported.exported, true, exported.provisioningStatusInfo.errorInformation?.reason);
    const after = await sync(true);
    assert.deepEqual(cloudMastered(after), ['false'], 'after the export the object is this sync\'s');
  });
});
