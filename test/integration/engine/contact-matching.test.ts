// Contacts as Entra ID matches them. An organizational contact carries no anchor in Graph v1.0
// (orgContact has no onPremisesImmutableId), and "In from AD - Contact Join" joins on mail: the
// contact Entra Connect synchronized from an AD contact is the synced contact holding its
// primary SMTP address (Entra ID keeps SMTP addresses unique). For such a contact the tool shows
// what Entra Connect would do (compare, nothing written), not a failure to write a contact;
// duplicate attribute resiliency covers a contact's SMTP addresses as it covers a user's.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { CONTOSO_DOMAIN as domain, openLdifTenant, type LdifTenant } from '../../support/ldif-tenant';

const fixtures = path.resolve(__dirname, '../../fixtures');
const contactsOu = `OU=Contacts,OU=Contoso,${domain}`;
const syncedContactId = '3c3c3c3c-1111-4222-8333-444444444444';

let world: LdifTenant;
const sync = async (cn: string, stagingMode = true) => (await world.session.sync(Dn.parse(`CN=${cn},${contactsOu}`), { stagingMode, noHtmlReport: true })).summary;
const step = (summary: ProvisioningObjectSummary, n: number) => summary.provisioningSteps.find((s) => s.stepNumber === n)!;
const info = (summary: ProvisioningObjectSummary) => JSON.stringify(summary.provisioningStatusInfo);

before(async () => {
  const base = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
  const start = base.indexOf(`dn: CN=Ext Partner,${contactsOu}`);
  const extPartner = base.slice(start, base.indexOf('\n\n', start) + 1);
  // Two more contacts like Ext Partner: one whose address a cloud user holds, one whose address nobody holds.
  const like = (cn: string, address: string) => extPartner.split('CN=Ext Partner,').join(`CN=${cn},`).replace(/^cn: .*$/m, `cn: ${cn}`).replace(/^name: .*$/m, `name: ${cn}`)
    .replace(/^displayName: .*$/m, `displayName: ${cn}`).split('ext.partner@partner.example').join(address)
    .replace(/^objectGUID:: .*$/m, `objectGUID:: ${Buffer.from(cn.padEnd(16, '#').slice(0, 16)).toString('base64')}`);
  world = await openLdifTenant(`${base.trimEnd()}\n\n${like('Taken Contact', 'taken@partner.example')}\n${like('New Contact', 'new.contact@partner.example')}`, {
    users: [{ displayName: 'Cloud Taker', userPrincipalName: 'cloud.taker@contoso.com', mailNickname: 'cloud.taker', accountEnabled: true, mail: 'taken@partner.example', proxyAddresses: ['SMTP:taken@partner.example'] }],
    contacts: [{ id: syncedContactId, displayName: 'Ext Partner (old name)', mail: 'ext.partner@partner.example', proxyAddresses: ['SMTP:ext.partner@partner.example'], onPremisesSyncEnabled: true, companyName: 'Partner Ltd' }],
  });
});

after(() => world?.close());

test('a contact Entra Connect synchronized is found by its primary SMTP address and compared (Entra Connect\'s object: nothing written), not refused as unwritable', async () => {
  const writes = world.emulator.writes().length;
  for (const stagingMode of [true, false]) {
    const summary = await sync('Ext Partner', stagingMode);
    assert.match(step(summary, 8).details.Match ?? '', /primary SMTP address SMTP:ext\.partner@partner\.example .*contact Entra Connect synchronized/, JSON.stringify(step(summary, 8).details));
    assert.equal(step(summary, 8).details.ObjectId, syncedContactId);
    assert.notEqual(summary.provisioningStatusInfo.errorInformation?.errorCode, 'ObjectNotExportableThroughGraph', info(summary));
    assert.notEqual(summary.provisioningStatusInfo.status, 'failure', info(summary));
    assert.equal(summary.targetIdentity.id, syncedContactId);
    // The pending update Entra Connect would export: the name changed on-premises.
    assert.equal(summary.provisioningStatusInfo.errorInformation?.errorCode, 'EntraConnectExportPending', info(summary));
    assert.match(summary.provisioningStatusInfo.errorInformation?.reason ?? '', /displayName: 'Ext Partner \(old name\)' -> 'Ext Partner'/);
  }
  assert.equal(world.emulator.writes().length, writes, 'nothing written to the synced contact');
});

test('a contact whose primary SMTP address a cloud user holds: the soft match across object types is ObjectTypeMismatch, as Entra ID reports it', async () => {
  const summary = await sync('Taken Contact');
  assert.equal(summary.provisioningStatusInfo.errorInformation?.errorCode, 'ObjectTypeMismatch', info(summary));
  assert.match(step(summary, 8).details.Candidate ?? '', /^user .*cloud\.taker@contoso\.com/);
});

test('a new contact: nothing holds its address, no match; it stays unwritable through Graph and says so', async () => {
  const summary = await sync('New Contact');
  assert.equal(step(summary, 8).details.ValueHolders, '0');
  assert.equal(step(summary, 8).details.ObjectId, undefined);
  assert.equal(summary.provisioningStatusInfo.errorInformation?.errorCode, 'ObjectNotExportableThroughGraph', info(summary));
  assert.equal(summary.provisioningStatusInfo.errorInformation?.documentationUrl, 'https://learn.microsoft.com/graph/api/resources/orgcontact');
});
