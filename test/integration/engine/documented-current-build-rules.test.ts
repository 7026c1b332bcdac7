// The built-in rules as the current Entra Connect build has them, where Microsoft documents a change
// since the build the out-of-box export came from. Objects none of the fixtures hold, through the
// LDIF snapshot and the Graph emulator (staging mode):
// - Version history 1.1.524.0: "AD attributes employeeID and msExchBypassModerationLink are now
//   included in the default sync rule set. AD attribute photo has been removed from default sync
//   rule set." 2.2.1.0: "Default sync rule 'In from AD – User Common' was updated to flow the
//   employeeType attribute." reference-connect-sync-attributes-synchronized: "In the lists above,
//   the object type User also applies to the object type iNetOrgPerson": an inetOrgPerson's
//   employeeID flows; employeeType, in no list, stays with "In from AD – User Common".
// - reference-connect-sync-attributes-synchronized: usageLocation "mechanical property. The user's
//   country/region. Used for license assignment."; Exchange Online: msExchExtensionCustomAttribute1-5,
//   msExchLitigationHoldDate; altRecipient ("Requires Microsoft Entra Connect build 1.1.552.0 or
//   after"); a group's msExchBypassModerationLink ("Available in ... 1.1.524.0"); a contact's
//   msRTCSIP-PrimaryUserAddress (Teams and Skype for Business Online). The later build's "In from
//   AD - User Exchange" (.004) flows usageLocation from msExchUsageLocation and those Exchange
//   attributes Direct.
// - reference-connect-device-disappearance: "Microsoft Entra Connect should never synchronize
//   down-level Windows devices."
// - how-to-connect-sync-configure-filtering: "Microsoft Entra Cloud Sync and Microsoft Entra Connect
//   Sync filter out any Active Directory objects where the isCriticalSystemObject attribute is set
//   to True."
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { CONTOSO_DOMAIN as domain, openLdifTenant, type LdifTenant } from '../../support/ldif-tenant';

const usersOu = `OU=Engineering,OU=Contoso,${domain}`;
const computersOu = `OU=Computers,OU=Contoso,${domain}`;
const certificate = `userCertificate:: ${Buffer.from('3082010a0282010100c0ffee', 'hex').toString('base64')}`;

function entry(dn: string, lines: string[]): string {
  return [`dn: ${dn}`, 'changetype: add', ...lines, `objectGUID:: ${randomBytes(16).toString('base64')}`, `distinguishedName: ${dn}`, ''].join('\n');
}
const user = (cn: string, lines: string[]) => entry(`CN=${cn},${usersOu}`, [
  'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user', `cn: ${cn}`,
  `sAMAccountName: ${cn.toLowerCase().replace(/\W/g, '')}`, `userPrincipalName: ${cn.toLowerCase().replace(/\W/g, '.')}@contoso.com`, 'userAccountControl: 512', ...lines,
]);
const inetOrgPerson = (cn: string, lines: string[]) => entry(`CN=${cn},${usersOu}`, [
  'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user', 'objectClass: inetOrgPerson', `cn: ${cn}`,
  `sAMAccountName: ${cn.toLowerCase().replace(/\W/g, '')}`, `userPrincipalName: ${cn.toLowerCase().replace(/\W/g, '.')}@contoso.com`, 'userAccountControl: 512', ...lines,
]);
const computer = (cn: string, lines: string[]) => entry(`CN=${cn},${computersOu}`, [
  'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user', 'objectClass: computer', `cn: ${cn}`, `name: ${cn}`,
  `sAMAccountName: ${cn}$`, 'objectSid:: AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkkSIAAA==', ...lines,
]);

describe('the built-in rules as the current build has them', () => {
  let world: LdifTenant;
  const sync = async (dn: string) => (await world.session.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true })).summary;
  const info = (s: ProvisioningObjectSummary) => JSON.stringify(s.provisioningStatusInfo);
  const planned = (s: ProvisioningObjectSummary, name: string) => s.modifiedProperties.find((p) => p.displayName === name);
  const metaverseRow = (s: ProvisioningObjectSummary, name: string) => s.provisioningSteps.find((x) => x.stepNumber === 9)!.attributes?.find((a) => a.name === name);
  const step = (s: ProvisioningObjectSummary, n: number) => s.provisioningSteps.find((x) => x.stepNumber === n)!;
  const errorCode = (s: ProvisioningObjectSummary) => s.provisioningStatusInfo.errorInformation?.errorCode;

  before(async () => {
    const base = await readFile(path.resolve(__dirname, '../../fixtures/contoso-snapshot.ldif'), 'utf8');
    const entries = [
      user('Emp Typed', ['employeeID: E12345', 'employeeType: Contractor', `photo:: ${Buffer.from('jpeg').toString('base64')}`]),
      user('Emp Mailbox', ['employeeID: E777', 'mailNickname: emp.mailbox', 'mail: emp.mailbox@contoso.com', 'proxyAddresses: SMTP:emp.mailbox@contoso.com']),
      user('Mailbox Located', ['mailNickname: mailbox.located', 'mail: mailbox.located@contoso.com', 'proxyAddresses: SMTP:mailbox.located@contoso.com',
        'msExchRecipientTypeDetails: 1', 'msExchUsageLocation: DE', 'msExchExtensionCustomAttribute1: Tier1', 'msExchLitigationHoldDate: 20260101000000.0Z',
        `altRecipient: CN=Emp Mailbox,${usersOu}`]),
      entry(`CN=Moderated List,${usersOu}`, ['objectClass: top', 'objectClass: group', 'cn: Moderated List', 'sAMAccountName: moderatedlist', 'groupType: 8',
        'mailNickname: moderated.list', 'mail: moderated.list@contoso.com', 'proxyAddresses: SMTP:moderated.list@contoso.com', 'msExchEnableModeration: TRUE',
        `msExchBypassModerationLink: CN=Emp Mailbox,${usersOu}`, 'objectSid:: AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkXxsAAA==']),
      entry(`CN=Sip Contact,${usersOu}`, ['objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: contact', 'cn: Sip Contact',
        'displayName: Sip Contact', 'mailNickname: sip.contact', 'mail: sip.contact@fabrikam.com', 'proxyAddresses: SMTP:sip.contact@fabrikam.com',
        'targetAddress: SMTP:sip.contact@fabrikam.com', 'msRTCSIP-PrimaryUserAddress: sip:sip.contact@fabrikam.com']),
      inetOrgPerson('Emp InetOrg', ['employeeID: E555', 'employeeType: Vendor', 'department: Research']),
      inetOrgPerson('Inet Addresses', ['mail: inet.addresses@contoso.com', 'proxyAddresses: SMTP:inet.addresses@contoso.com', 'proxyAddresses: smtp:inet.alias@contoso.com']),
      computer('WIN7PC', ['operatingSystem: Windows 7 Enterprise', 'operatingSystemVersion: 6.1 (7601)', 'userAccountControl: 4096', certificate]),
      computer('WIN81PC', ['operatingSystem: Windows 8.1 Pro', 'operatingSystemVersion: 6.3 (9600)', 'userAccountControl: 4096', certificate]),
      computer('DC02', ['operatingSystem: Windows Server 2022 Datacenter', 'operatingSystemVersion: 10.0 (20348)', 'isCriticalSystemObject: TRUE', 'userAccountControl: 532480', certificate]),
      computer('WIN10PC', ['operatingSystem: Windows 10 Enterprise', 'operatingSystemVersion: 10.0 (19045)', 'isCriticalSystemObject: FALSE', 'userAccountControl: 4096', certificate]),
      computer('MACPC', ['operatingSystem: Mac OS X', 'operatingSystemVersion: 6.0', 'userAccountControl: 4096', certificate]),
    ];
    world = await openLdifTenant(`${base.trimEnd()}\n\n${entries.join('\n')}`, {}, {
      activeDirectory: [{ name: 'corp.contoso.com', ldifFile: 'snapshot.ldif', partitions: [{ dn: domain, selected: true, inclusions: [domain], exclusions: [] }], objectTypes: ['user', 'inetOrgPerson', 'group', 'contact', 'computer'], groupFilteringGroupDn: null }],
    });
  });
  after(() => world?.close());

  test('employeeID and employeeType flow to the user\'s employeeId and employeeType; photo does not reach the metaverse', async () => {
    const s = await sync(`CN=Emp Typed,${usersOu}`);
    assert.equal(s.plannedProvisioningAction, 'create', info(s));
    assert.equal(planned(s, 'employeeId')?.newValue, 'E12345', info(s));
    assert.equal(planned(s, 'employeeId')?.applied, true);
    assert.equal(planned(s, 'employeeType')?.newValue, 'Contractor');
    assert.equal(metaverseRow(s, 'photo'), undefined);
    // A mailbox user takes "In from AD - User Common from Exchange", which flows employeeID too.
    const mailbox = await sync(`CN=Emp Mailbox,${usersOu}`);
    assert.equal(planned(mailbox, 'employeeId')?.newValue, 'E777', info(mailbox));
  });

  test('a mailbox user: usageLocation from msExchUsageLocation is exported; its Exchange Online attributes reach the metaverse and the Entra connector, and the result says Graph cannot write them', async () => {
    const s = await sync(`CN=Mailbox Located,${usersOu}`);
    assert.equal(s.plannedProvisioningAction, 'create', info(s));
    assert.equal(planned(s, 'usageLocation')?.newValue, 'DE', info(s));
    assert.equal(planned(s, 'usageLocation')?.applied, true);
    assert.deepEqual(metaverseRow(s, 'msExchExtensionCustomAttribute1')?.value, ['Tier1']);
    assert.equal(metaverseRow(s, 'msExchExtensionCustomAttribute1')?.syncRule, 'In from AD - User Exchange');
    const custom = planned(s, 'msExchExtensionCustomAttribute1');
    assert.ok(custom, 'the Entra connector holds it');
    assert.equal(custom.applied, false, JSON.stringify(custom));
    assert.equal(custom.notAppliedKind, 'noGraphProperty');
    const details = s.provisioningSteps.find((x) => x.stepNumber === 10)!.details;
    assert.match(details.NoMicrosoftGraphProperty ?? '', /\baltRecipient\b.*\bmsExchExtensionCustomAttribute1\b.*\bmsExchLitigationHoldDate\b/, 'the export step names them');
    assert.equal(planned(s, 'altRecipient')?.notAppliedKind, 'noGraphProperty', JSON.stringify(planned(s, 'altRecipient')));
    // Exported: Microsoft Entra ID holds the usage location, the rest is left out by name.
    const exported = (await world.session.sync(Dn.parse(`CN=Mailbox Located,${usersOu}`), { stagingMode: false, noHtmlReport: true })).summary;
    assert.notEqual(exported.provisioningStatusInfo.status, 'failure', info(exported));
    const cloud = world.emulator.state().users.find((u) => u.userPrincipalName === 'mailbox.located@contoso.com');
    assert.equal(cloud?.usageLocation, 'DE', JSON.stringify(cloud));
  });

  test('a moderated group\'s msExchBypassModerationLink and a contact\'s msRTCSIP-PrimaryUserAddress reach the Entra connector, and the result says they are not written', async () => {
    const group = await sync(`CN=Moderated List,${usersOu}`);
    assert.equal(group.plannedProvisioningAction, 'create', info(group));
    const bypass = step(group, 10).attributes?.find((a) => a.name === 'msExchBypassModerationLink');
    assert.equal(bypass?.syncRule, 'Out to AAD - Group ExchangeOnline', JSON.stringify(step(group, 10).attributes?.map((a) => a.name)));
    // A distribution group is no object Graph writes (readOnlyObject); the row says it is not applied either way.
    assert.equal(planned(group, 'msExchBypassModerationLink')?.applied, false);
    const contact = await sync(`CN=Sip Contact,${usersOu}`);
    // Contacts are read-only in Microsoft Graph v1.0: the computed export is shown, not written.
    assert.equal(errorCode(contact), 'ObjectNotExportableThroughGraph', info(contact));
    const sip = step(contact, 10).attributes?.find((a) => a.name === 'msRtcSipPrimaryUserAddress');
    assert.deepEqual(sip?.value, ['sip:sip.contact@fabrikam.com'], JSON.stringify(step(contact, 10).attributes?.map((a) => a.name)));
    assert.equal(sip?.syncRule, 'Out to AAD - Contact LyncOnline');
  });

  test('an inetOrgPerson is created by its own rules with its employeeId; employeeType stays with "In from AD – User Common"', async () => {
    const s = await sync(`CN=Emp InetOrg,${usersOu}`);
    assert.equal(s.plannedProvisioningAction, 'create', info(s));
    assert.equal(planned(s, 'department')?.newValue, 'Research', 'its other attributes flow');
    assert.equal(planned(s, 'employeeId')?.newValue, 'E555', JSON.stringify(planned(s, 'employeeId')));
    assert.equal(metaverseRow(s, 'employeeID')?.syncRule, 'In from AD - InetOrgPerson Common');
    assert.equal(planned(s, 'employeeType'), undefined);
    assert.equal(metaverseRow(s, 'employeeType'), undefined);
  });

  test('an inetOrgPerson without a mailbox keeps its proxyAddresses, as a user does ("User also applies to the object type iNetOrgPerson"; InetOrgPerson Common .007 flows them)', async () => {
    const s = await sync(`CN=Inet Addresses,${usersOu}`);
    assert.equal(s.plannedProvisioningAction, 'create', info(s));
    const row = metaverseRow(s, 'proxyAddresses');
    assert.equal(row?.syncRule, 'In from AD - InetOrgPerson Common', JSON.stringify(row));
    assert.deepEqual(step(s, 10).attributes?.find((a) => a.name === 'proxyAddresses')?.value, ['SMTP:inet.addresses@contoso.com', 'smtp:inet.alias@contoso.com']);
  });

  test('down-level Windows computers (6.x) and domain controllers (isCriticalSystemObject TRUE) are filtered, not exported', async () => {
    for (const cn of ['WIN7PC', 'WIN81PC', 'DC02']) {
      const s = await sync(`CN=${cn},${computersOu}`);
      assert.equal(s.provisioningStatusInfo.status, 'skipped', `${cn}: ${info(s)}`);
      assert.equal(errorCode(s), 'CloudFiltered', cn);
      assert.equal(s.plannedProvisioningAction, 'other', cn);
    }
  });

  test('a Windows 10 computer (isCriticalSystemObject FALSE) and a non-Windows 6.0 still go to export', async () => {
    for (const cn of ['WIN10PC', 'MACPC']) {
      const s = await sync(`CN=${cn},${computersOu}`);
      assert.notEqual(errorCode(s), 'CloudFiltered', `${cn}: ${info(s)}`);
      assert.equal(s.plannedProvisioningAction, 'create', `${cn}: ${info(s)}`);
    }
  });
});
