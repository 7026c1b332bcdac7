// Conformance: objects built from Microsoft's documented behaviour (none of them in the fixtures),
// run through the ten steps over an LDIF snapshot and the Graph emulator, no Samba. Each case
// names the reference line it follows (/work/shared/reference/...):
// - SOS = entra-connect-single-object-sync.md, GRAPH = graph-and-identity-platform.md.
// - cloudFiltered of "In from AD - User Join" / "InetOrgPerson Join" (SOS 75): IsPresent
//   ([isCriticalSystemObject]) (any value, FALSE included), CAS_ with a } in mailNickname or in
//   sAMAccountName, every bit of &H21C07000 in msExchRecipientTypeDetails.
// - User Join scope (SOS 73): adminDescription NOTSTARTSWITH "User_" (groups use "Group_").
// - Dynamic distribution groups are never synchronized (SOS 52, 97); step 5 object class (SOS 55).
// - UPN (SOS 80, 103-106; GRAPH 10): a verified suffix keeps the UPN; an unverified one, or a
//   character outside A-Z a-z 0-9 ' . - _ ! # ^ ~, gives the MOERA <MailNickName>@<initial
//   domain>, MailNickName = first of mailNickname, primary SMTP prefix, mail prefix, UPN prefix.
// - displayName = cn when empty (SOS 82); disabled users get accountEnabled False (SOS 82, 86).
// - Matching (SOS 131-134, 140-151): hard match on onPremisesImmutableId; soft match on UPN or
//   the primary SMTP address of a cloud-managed object without another anchor; a secondary
//   address is a duplicate, quarantined; a UPN held by a synced user is quarantined to the
//   placeholder <prefix><4 digits>@<initial>; InvalidHardMatch with
//   BlockCloudObjectTakeoverThroughHardMatchEnabled; no soft match with BlockSoftMatchEnabled;
//   ObjectTypeMismatch across types; Existing Admin Role Conflict.
// - SourceAnchor (SOS 101): mS-DS-ConsistencyGuid for users only; groups use objectGUID.
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

interface Entry {
  cn: string;
  classes?: string[];
  sam?: string | null;
  upn?: string | null;
  mailNickname?: string;
  proxy?: string[];
  mail?: string;
  displayName?: string | null;
  uac?: number;
  extra?: string[];
  consistencyGuid?: Buffer;
}

const guids = new Map<string, Buffer>();
const guidOf = (cn: string) => {
  if (!guids.has(cn)) guids.set(cn, randomBytes(16));
  return guids.get(cn)!;
};
/** The out-of-box sourceAnchor of a user: base64 of mS-DS-ConsistencyGuid, else of objectGUID. */
const anchorOf = (e: Entry) => (e.consistencyGuid ?? guidOf(e.cn)).toString('base64');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
let rid = 70000;

function userLdif(e: Entry): string {
  const nick = e.cn.toLowerCase().replace(/\W+/g, '.');
  const sid = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', 'base64');
  sid.writeUInt32LE(rid++, 24);
  const sam = e.sam === undefined ? nick.slice(0, 20) : e.sam;
  const upn = e.upn === undefined ? `${nick}@contoso.com` : e.upn;
  const displayName = e.displayName === undefined ? e.cn : e.displayName;
  return [
    `dn: CN=${e.cn},${ou}`, 'changetype: add',
    ...(e.classes ?? ['top', 'person', 'organizationalPerson', 'user']).map((c) => `objectClass: ${c}`),
    `cn: ${e.cn}`, `name: ${e.cn}`,
    ...(displayName === null ? [] : [`displayName: ${displayName}`]),
    ...(sam === null ? [] : [`sAMAccountName:: ${b64(sam)}`]),
    ...(upn === null ? [] : [`userPrincipalName:: ${b64(upn)}`]),
    `userAccountControl: ${e.uac ?? 512}`,
    `objectGUID:: ${guidOf(e.cn).toString('base64')}`,
    `objectSid:: ${sid.toString('base64')}`,
    ...(e.mailNickname ? [`mailNickname: ${e.mailNickname}`] : []),
    ...(e.proxy ?? []).map((p) => `proxyAddresses: ${p}`),
    ...(e.mail ? [`mail: ${e.mail}`] : []),
    ...(e.consistencyGuid ? [`mS-DS-ConsistencyGuid:: ${e.consistencyGuid.toString('base64')}`] : []),
    ...(e.extra ?? []),
    `distinguishedName: CN=${e.cn},${ou}`,
    '',
  ].join('\n');
}

const contactsOu = `OU=Contacts,OU=Contoso,${domain}`;
function contactLdif(cn: string, lines: string[]): string {
  return [
    `dn: CN=${cn},${contactsOu}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: contact',
    `cn: ${cn}`, `name: ${cn}`, `objectGUID:: ${guidOf(cn).toString('base64')}`, ...lines, `distinguishedName: CN=${cn},${contactsOu}`, '',
  ].join('\n');
}

function groupLdif(cn: string, lines: string[]): string {
  const sid = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', 'base64');
  sid.writeUInt32LE(rid++, 24);
  return [
    `dn: CN=${cn},${groupsOu}`, 'changetype: add', `cn: ${cn}`, `name: ${cn}`, `displayName: ${cn}`,
    `objectGUID:: ${guidOf(cn).toString('base64')}`, `objectSid:: ${sid.toString('base64')}`,
    ...lines, `distinguishedName: CN=${cn},${groupsOu}`, '',
  ].join('\n');
}

// msExchRecipientTypeDetails &H21C07000 = 0x1000 | 0x2000 | 0x4000 | 0x400000 | 0x800000 | 0x1000000 | 0x20000000.
const maskBits = [0x1000, 0x2000, 0x4000, 0x400000, 0x800000, 0x1000000, 0x20000000];

const filtered: Entry[] = [
  { cn: 'Critical False', extra: ['isCriticalSystemObject: FALSE'] },
  { cn: 'Cas Sam Brace', sam: 'CAS_{4f1e2d3c}' },
  { cn: 'Inet Msol', classes: ['top', 'person', 'organizationalPerson', 'user', 'inetOrgPerson'], sam: 'MSOL_0a1b2c3d4e5f' },
  ...maskBits.map((bit) => ({ cn: `Recipient ${bit}`, mailNickname: `recipient${bit}`, extra: [`msExchRecipientTypeDetails: ${bit}`] })),
];

const synced: Entry[] = [
  { cn: 'Cas No Brace', mailNickname: 'CAS_plain' },
  { cn: 'Group Prefix User', extra: ['adminDescription: Group_not.a.user.prefix'] },
  { cn: 'User Mailbox', mailNickname: 'user.mailbox', extra: ['msExchRecipientTypeDetails: 1'] },
  { cn: 'Shared Mailbox', mailNickname: 'shared.mailbox', extra: ['msExchRecipientTypeDetails: 4'] },
  { cn: 'No Display Name', displayName: null },
  { cn: 'Upper Suffix', upn: 'upper.suffix@CONTOSO.COM' },
  { cn: 'Allowed Chars', upn: "o'neil_a-b!c#d^e~f@contoso.com" },
  // SOS 119: "isCriticalSystemObject=True is always filtered (members of Domain Admins are not)".
  { cn: 'Domain Admin Member', extra: ['adminCount: 1', `memberOf: CN=Domain Admins,CN=Users,${domain}`] },
  // SOS 97: users, inetOrgPerson too, sync disabled (accountEnabled from userAccountControl bit 2).
  { cn: 'Disabled Inet', classes: ['top', 'person', 'organizationalPerson', 'user', 'inetOrgPerson'], uac: 514 },
];

// [entry, expected MOERA prefix]: unverified suffix or invalid characters.
const moeras: Array<[Entry, string]> = [
  [{ cn: 'Moera Nick', upn: 'moera.nick@fabrikam.example', mailNickname: 'moera.alias', proxy: ['SMTP:moera.primary1@contoso.com'], mail: 'moera.mail1@contoso.com' }, 'moera.alias'],
  [{ cn: 'Moera Smtp', upn: 'moera.smtp@fabrikam.example', proxy: ['smtp:moera.secondary2@contoso.com', 'SMTP:moera.primary2@contoso.com'], mail: 'moera.mail2@contoso.com' }, 'moera.primary2'],
  [{ cn: 'Moera Mail', upn: 'moera.mail@fabrikam.example', mail: 'moera.mailonly3@contoso.com' }, 'moera.mailonly3'],
  [{ cn: 'Moera Upn', upn: 'moera.upnonly@fabrikam.example' }, 'moera.upnonly'],
  [{ cn: 'Plus Smtp', upn: 'plus+tag@contoso.com', proxy: ['SMTP:plus.smtp@contoso.com'] }, 'plus.smtp'],
  [{ cn: 'Accent Nick', upn: 'andré.nick@contoso.com', mailNickname: 'andre.nick' }, 'andre.nick'],
  [{ cn: 'Plus Upn', upn: 'plus+tag@contoso.com' }, 'plus+tag'],
];

// Matching: [entry, the cloud objects Entra ID holds].
const softUpn: Entry = { cn: 'Soft Upn' };
const softSmtp: Entry = { cn: 'Soft Smtp', proxy: ['SMTP:soft.smtp.mail@contoso.com'], mail: 'soft.smtp.mail@contoso.com' };
const secondaryOnly: Entry = { cn: 'Secondary Only', proxy: ['SMTP:secondary.only@contoso.com'], mail: 'secondary.only@contoso.com' };
const otherAnchor: Entry = { cn: 'Other Anchor' };
const hardMatch: Entry = { cn: 'Hard Match' };
const adminSoft: Entry = { cn: 'Admin Soft' };
const typeClash: Entry = { cn: 'Type Clash', proxy: ['SMTP:type.clash@contoso.com'], mail: 'type.clash@contoso.com' };
const consistencyUser: Entry = { cn: 'Consistency User', consistencyGuid: randomBytes(16) };
// tshoot-connect-sync-errors, ObjectTypeMismatch "Example case": a cloud mail-enabled security
// group holds tax@contoso.com; a new on-premises user gets the proxy address smtp:tax@contoso.com.
const taxJoiner: Entry = { cn: 'Tax Joiner', proxy: ['smtp:tax@contoso.com'] };
const taxJoinerPrimary: Entry = { cn: 'Tax Joiner Primary', proxy: ['SMTP:tax.joiner@contoso.com', 'smtp:tax@contoso.com'], mail: 'tax.joiner@contoso.com' };
const groupConsistencyGuid = randomBytes(16);
const moeraSoft: Entry = { cn: 'Moera Soft', upn: 'moera.soft@fabrikam.example' };
const moeraSoftId = 'e4e4e4e4-1111-4222-8333-444444444444';
const matching = [moeraSoft, softUpn, softSmtp, secondaryOnly, otherAnchor, hardMatch, adminSoft, typeClash, consistencyUser, taxJoiner, taxJoinerPrimary];

const adminId = 'a0a0a0a0-1111-4222-8333-444444444444';
const hardId = 'b1b1b1b1-1111-4222-8333-444444444444';
const softUpnId = 'c2c2c2c2-1111-4222-8333-444444444444';
const softSmtpId = 'd3d3d3d3-1111-4222-8333-444444444444';

const seed = () => ({
  users: [
    { id: softUpnId, displayName: 'Cloud Soft Upn', userPrincipalName: 'soft.upn@contoso.com', mailNickname: 'soft.upn', accountEnabled: true },
    { id: softSmtpId, displayName: 'Cloud Soft Smtp', userPrincipalName: 'cloud.soft.smtp@contoso.com', mailNickname: 'cloud.soft.smtp', accountEnabled: true, mail: 'soft.smtp.mail@contoso.com', proxyAddresses: ['SMTP:soft.smtp.mail@contoso.com'] },
    { displayName: 'Cloud Secondary', userPrincipalName: 'cloud.secondary@contoso.com', mailNickname: 'cloud.secondary', accountEnabled: true, mail: 'cloud.secondary@contoso.com', proxyAddresses: ['SMTP:cloud.secondary@contoso.com', 'smtp:secondary.only@contoso.com'] },
    { displayName: 'Synced Other', userPrincipalName: 'other.anchor@contoso.com', mailNickname: 'other.anchor', accountEnabled: true, onPremisesImmutableId: 'AAAAAAAAAAAAAAAAAAAAAA==', onPremisesSyncEnabled: true },
    { id: hardId, displayName: 'Cloud Hard', userPrincipalName: 'cloud.hard@contoso.com', mailNickname: 'cloud.hard', accountEnabled: true, onPremisesImmutableId: anchorOf(hardMatch) },
    { id: moeraSoftId, displayName: 'Cloud Moera', userPrincipalName: 'moera.soft@contoso.onmicrosoft.com', mailNickname: 'moera.soft', accountEnabled: true },
    { id: adminId, displayName: 'Cloud Admin', userPrincipalName: 'admin.soft@contoso.com', mailNickname: 'admin.soft', accountEnabled: true },
  ],
  groups: [
    { displayName: 'Tax', mailEnabled: true, securityEnabled: true, groupTypes: [], mailNickname: 'tax', mail: 'tax@contoso.com', proxyAddresses: ['SMTP:tax@contoso.com'] },
    { displayName: 'Type Clash Group', mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'], mailNickname: 'type.clash', mail: 'type.clash@contoso.com', proxyAddresses: ['SMTP:type.clash@contoso.com'] },
  ],
  roleAssignments: [{ principalId: adminId, roleName: 'Global Administrator' }],
});

describe('documented behaviour, objects in none of the fixtures', () => {
  let world: LdifTenant;
  let snapshot: string;
  const sync = async (dn: string, stagingMode = true) => (await world.session.sync(Dn.parse(dn), { stagingMode, noHtmlReport: true })).summary;
  const userDn = (e: Entry) => `CN=${e.cn},${ou}`;
  const info = (s: ProvisioningObjectSummary) => JSON.stringify(s.provisioningStatusInfo);
  const code = (s: ProvisioningObjectSummary) => s.provisioningStatusInfo.errorInformation?.errorCode;
  const step = (s: ProvisioningObjectSummary, n: number) => s.provisioningSteps.find((x) => x.stepNumber === n)!;
  const planned = (s: ProvisioningObjectSummary, attribute: string) => s.modifiedProperties.find((p) => p.displayName === attribute)?.newValue;
  const exported = (s: ProvisioningObjectSummary, attribute: string) => step(s, 10).attributes?.find((r) => r.name === attribute);

  before(async () => {
    const base = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    const entries = [...filtered, ...synced, ...moeras.map(([e]) => e), ...matching].map(userLdif);
    entries.push(
      groupLdif('Dynamic List', ['objectClass: top', 'objectClass: msExchDynamicDistributionList', 'mailNickname: dynamic.list', 'mail: dynamic.list@contoso.com', 'proxyAddresses: SMTP:dynamic.list@contoso.com']),
      groupLdif('Consistency Group', ['objectClass: top', 'objectClass: group', 'groupType: -2147483646', 'sAMAccountName: consistency.group', `mS-DS-ConsistencyGuid:: ${groupConsistencyGuid.toString('base64')}`]),
    );
    const security = ['objectClass: top', 'objectClass: group', 'groupType: -2147483646'];
    entries.push(
      groupLdif('Critical False Group', [...security, 'sAMAccountName: critical.false.group', 'isCriticalSystemObject: FALSE']),
      groupLdif('Conflict Group\\0ACNF:0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', [...security, 'sAMAccountName: conflict.group']),
      contactLdif('Msol Hidden Contact', ['displayName: Partner (MSOL)', 'msExchHideFromAddressLists: TRUE', 'mail: msol.hidden@partner.example', 'proxyAddresses: SMTP:msol.hidden@partner.example']),
      contactLdif('Cas Contact', ['displayName: Cas Contact', 'mailNickname: CAS_{77aa}', 'mail: cas.contact@partner.example', 'proxyAddresses: SMTP:cas.contact@partner.example']),
      contactLdif('Msol Shown Contact', ['displayName: Shown (MSOL)', 'mail: msol.shown@partner.example', 'proxyAddresses: SMTP:msol.shown@partner.example']),
      contactLdif('No At Contact', ['displayName: No At Contact', 'mail: not-an-address']),
    );
    snapshot = `${base.trimEnd()}\n\n${entries.join('\n')}`;
    world = await openLdifTenant(snapshot, seed());
  });
  after(() => world?.close());

  test('cloudFiltered (SOS 75): isCriticalSystemObject present with any value, CAS_{…} as sAMAccountName, MSOL_ on an inetOrgPerson, each bit of &H21C07000', async () => {
    for (const e of filtered) {
      const s = await sync(userDn(e));
      assert.equal(code(s), 'CloudFiltered', `${e.cn}: ${info(s)}`);
      assert.equal(s.provisioningStatusInfo.status, 'skipped', e.cn);
      assert.equal(s.plannedProvisioningAction, 'other', e.cn);
      assert.match(s.provisioningStatusInfo.errorInformation?.reason ?? '', /In from AD - (User|InetOrgPerson) Join/, e.cn);
    }
  });

  test('not filtered (SOS 73, 75): CAS_ without }, adminDescription Group_ on a user, recipient types outside the mask, a Domain Admins member, a disabled inetOrgPerson; displayName falls back to cn (SOS 82)', async () => {
    for (const e of synced) {
      const s = await sync(userDn(e));
      assert.notEqual(s.provisioningStatusInfo.status, 'failure', `${e.cn}: ${info(s)}`);
      assert.equal(s.plannedProvisioningAction, 'create', `${e.cn}: ${info(s)}`);
    }
    assert.equal(planned(await sync(userDn({ cn: 'No Display Name' })), 'displayName'), 'No Display Name');
    assert.equal(String(planned(await sync(userDn({ cn: 'Disabled Inet' })), 'accountEnabled')), 'false');
  });

  test('groups and contacts (SOS 75 pattern, "In from AD - Group/Contact Join"): isCriticalSystemObject present, CNF:, (MSOL) hidden from address lists, CAS_{ are cloud filtered', async () => {
    const cases = [
      `CN=Critical False Group,${groupsOu}`, `CN=Conflict Group\\0ACNF:0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f,${groupsOu}`,
      `CN=Msol Hidden Contact,${contactsOu}`, `CN=Cas Contact,${contactsOu}`,
    ];
    for (const dn of cases) {
      const s = await sync(dn);
      assert.equal(code(s), 'CloudFiltered', `${dn}: ${info(s)}`);
      assert.equal(s.plannedProvisioningAction, 'other', dn);
    }
  });

  test('contacts (SOS 97): "(MSOL)" shown in address lists is not filtered; a mail without "@" is not mail-enabled, so no outbound rule provisions it', async () => {
    const shown = await sync(`CN=Msol Shown Contact,${contactsOu}`);
    assert.notEqual(code(shown), 'CloudFiltered', info(shown));
    assert.equal(step(shown, 9).details.OutboundRulesApplied?.startsWith('Out to AAD - Contact Join'), true, JSON.stringify(step(shown, 9).details));
    const noAt = await sync(`CN=No At Contact,${contactsOu}`);
    assert.equal(code(noAt), 'NoOutboundRuleInScope', info(noAt));
    assert.match(noAt.provisioningStatusInfo.errorInformation?.reason ?? '', /mailEnabled EQUAL True \(actual: False\)/);
  });

  test('UPN (SOS 103-106, GRAPH 10): a verified suffix in any case and the allowed special characters are kept', async () => {
    const upper = await sync(userDn({ cn: 'Upper Suffix' }));
    assert.equal(String(planned(upper, 'userPrincipalName')).toLowerCase(), 'upper.suffix@contoso.com', info(upper));
    assert.doesNotMatch(String(planned(upper, 'userPrincipalName')), /onmicrosoft/);
    const chars = await sync(userDn({ cn: 'Allowed Chars' }));
    assert.equal(planned(chars, 'userPrincipalName'), "o'neil_a-b!c#d^e~f@contoso.com", info(chars));
  });

  test('MOERA (SOS 104-106): unverified suffix or invalid character -> <MailNickName>@<initial domain>, MailNickName the first of mailNickname, primary SMTP, mail, UPN prefix', async () => {
    for (const [e, prefix] of moeras) {
      const s = await sync(userDn(e));
      const upn = String(planned(s, 'userPrincipalName'));
      if (prefix === 'plus+tag') {
        // "+" is not an allowed UPN character and the only MailNickName is the UPN prefix, which
        // holds it too: the on-premises UPN is never exported; the MOERA built from it is refused.
        assert.notEqual(upn, 'plus+tag@contoso.com', `${e.cn}: ${info(s)}`);
        assert.equal(code(s), 'IdentityDataValidationFailed', `${e.cn}: ${info(s)}`);
        assert.match(s.provisioningStatusInfo.errorInformation?.reason ?? '', /plus\+tag@contoso\.onmicrosoft\.com/);
        continue;
      }
      assert.equal(s.plannedProvisioningAction, 'create', `${e.cn}: ${info(s)}`);
      assert.equal(upn.toLowerCase(), `${prefix}@contoso.onmicrosoft.com`, e.cn);
      assert.equal(String(planned(s, 'mailNickname') ?? exported(s, 'mailNickname')?.value ?? exported(s, 'alias')?.value), prefix, `${e.cn}: the MailNickName`);
    }
  });

  test('dynamic distribution groups are never synchronized (SOS 52, 97): out of scope at step 5', async () => {
    const s = await sync(`CN=Dynamic List,${groupsOu}`);
    assert.equal(code(s), 'DynamicDistributionGroup', info(s));
    assert.equal(step(s, 5).status, 'skipped');
    assert.equal(s.provisioningStatusInfo.errorInformation?.reason, 'Microsoft Entra Connect does not synchronize on-premises dynamic distribution groups.');
  });

  test('object type (SOS 55): a computer when the connector lists no computer is out of scope at step 5 with the troubleshooter\'s text', async () => {
    const s = await sync(`CN=WS001,OU=Computers,OU=Contoso,${domain}`);
    assert.equal(code(s), 'ObjectTypeNotInScope', info(s));
    assert.match(s.provisioningStatusInfo.errorInformation?.reason ?? '', /^Object is not present in sync scope as it is of object class 'computer' which is not part of the connector's object type inclusion list/);
  });

  test('sourceAnchor (SOS 79, 101): a user takes mS-DS-ConsistencyGuid; a group takes objectGUID even with one', async () => {
    const user = await sync(userDn(consistencyUser));
    assert.equal(planned(user, 'sourceAnchor'), anchorOf(consistencyUser), info(user));
    const group = await sync(`CN=Consistency Group,${groupsOu}`);
    const row = step(group, 9).attributes?.find((r) => r.name === 'sourceAnchor');
    assert.equal(String(row?.value), guidOf('Consistency Group').toString('base64'), JSON.stringify(step(group, 9).attributes?.filter((r) => /anchor/i.test(r.name))));
  });

  test('soft match (SOS 132; GRAPH 141-146): on the UPN, or on the primary SMTP address, of a cloud-managed user without an anchor', async () => {
    const byUpn = await sync(userDn(softUpn));
    assert.equal(byUpn.plannedProvisioningAction, 'update', info(byUpn));
    assert.equal(step(byUpn, 8).details.ObjectId, softUpnId);
    assert.match(step(byUpn, 8).details.Match ?? '', /Soft match on userPrincipalName/);
    assert.equal(planned(byUpn, 'sourceAnchor'), anchorOf(softUpn), 'the export sets onPremisesImmutableId');
    const bySmtp = await sync(userDn(softSmtp));
    assert.equal(bySmtp.plannedProvisioningAction, 'update', info(bySmtp));
    assert.equal(step(bySmtp, 8).details.ObjectId, softSmtpId);
    assert.match(step(bySmtp, 8).details.Match ?? '', /primary SMTP address = SMTP:soft\.smtp\.mail@contoso\.com/);
  });

  test('matching uses the exported UPN (SOS 104, 132): an unverified suffix becomes the MOERA, and the MOERA is what soft-matches', async () => {
    const s = await sync(userDn(moeraSoft));
    assert.equal(s.plannedProvisioningAction, 'update', info(s));
    assert.equal(step(s, 8).details.ObjectId, moeraSoftId, JSON.stringify(step(s, 8).details));
    assert.match(step(s, 8).details.Match ?? '', /Soft match on userPrincipalName = moera\.soft@contoso\.onmicrosoft\.com/);
  });

  test('duplicates (SOS 140-146): a secondary smtp address of a cloud user is no match, it is quarantined; a UPN of a synced user with another anchor gets the placeholder', async () => {
    const secondary = await sync(userDn(secondaryOnly));
    assert.equal(secondary.plannedProvisioningAction, 'create', info(secondary));
    assert.equal(code(secondary), 'DuplicateAttributeQuarantined', info(secondary));
    assert.equal(secondary.provisioningStatusInfo.status, 'warning');
    assert.match(step(secondary, 8).details.DuplicateValues ?? '', /secondary\.only@contoso\.com/);
    const other = await sync(userDn(otherAnchor));
    assert.equal(other.plannedProvisioningAction, 'create', info(other));
    assert.equal(code(other), 'DuplicateAttributeQuarantined', info(other));
    assert.match(String(planned(other, 'userPrincipalName')), /^other\.anchor\d{4}@contoso\.onmicrosoft\.com$/);
  });

  test('hard match (SOS 131): onPremisesImmutableId = sourceAnchor is an update of that object', async () => {
    const s = await sync(userDn(hardMatch));
    assert.equal(s.plannedProvisioningAction, 'update', info(s));
    assert.equal(step(s, 8).details.ObjectId, hardId);
  });

  test('a soft match to a user holding an admin role is refused (SOS 138: Existing Admin Role Conflict); the result names the quarantined object a sync attempt leaves', async () => {
    const s = await sync(userDn(adminSoft));
    assert.equal(code(s), 'ExistingAdminRoleConflict', info(s));
    assert.equal(s.provisioningStatusInfo.status, 'failure');
    assert.notEqual(s.targetIdentity.details.match, 'soft');
    assert.match(s.provisioningStatusInfo.errorInformation?.reason ?? '', /what Microsoft Entra ID keeps of it is a quarantined user beside the admin/);
    assert.match(s.provisioningStatusInfo.errorInformation?.recommendedAction ?? '', /hard-delete it/);
  });

  test('a soft match to another object type is ObjectTypeMismatch (SOS 133)', async () => {
    const s = await sync(userDn(typeClash));
    assert.equal(code(s), 'ObjectTypeMismatch', info(s));
    assert.equal(s.provisioningStatusInfo.status, 'failure');
  });

  test('ObjectTypeMismatch, Microsoft\'s example case (tshoot-connect-sync-errors): a new user whose proxy address smtp:tax@contoso.com a cloud mail-enabled security group holds, primary or not', async () => {
    for (const e of [taxJoiner, taxJoinerPrimary]) {
      const s = await sync(userDn(e));
      assert.equal(code(s), 'ObjectTypeMismatch', `${e.cn}: ${info(s)}`);
      assert.equal(s.provisioningStatusInfo.status, 'failure', e.cn);
      assert.match(s.provisioningStatusInfo.errorInformation?.additionalDetails ?? '', /value=tax@contoso\.com; existingKind=group; kind=user/, e.cn);
    }
  });

  test('the tenant features (SOS 131-132): BlockCloudObjectTakeoverThroughHardMatchEnabled gives InvalidHardMatch; BlockSoftMatchEnabled stops the soft match, the UPN then quarantined', async () => {
    const blocked = await openLdifTenant(snapshot, { ...seed(), syncFeatures: { blockCloudObjectTakeoverThroughHardMatchEnabled: true, blockSoftMatchEnabled: true } });
    try {
      const run = async (e: Entry) => (await blocked.session.sync(Dn.parse(userDn(e)), { stagingMode: true, noHtmlReport: true })).summary;
      const hard = await run(hardMatch);
      assert.equal(code(hard), 'InvalidHardMatch', info(hard));
      assert.equal(hard.provisioningStatusInfo.status, 'failure');
      const soft = await run(softUpn);
      assert.notEqual(step(soft, 8).details.ObjectId, softUpnId, JSON.stringify(step(soft, 8).details));
      assert.equal(soft.plannedProvisioningAction, 'create', info(soft));
      assert.match(String(planned(soft, 'userPrincipalName')), /^soft\.upn\d{4}@contoso\.onmicrosoft\.com$/, 'the UPN is a duplicate, quarantined');
    } finally {
      await blocked.close();
    }
  });

  test('SoftMatchOnUpnEnabled false (SOS 132): a UPN-only candidate is not matched; the primary SMTP address still is', async () => {
    const noUpn = await openLdifTenant(snapshot, { ...seed(), syncFeatures: { softMatchOnUpnEnabled: false } });
    try {
      const run = async (e: Entry) => (await noUpn.session.sync(Dn.parse(userDn(e)), { stagingMode: true, noHtmlReport: true })).summary;
      const byUpn = await run(softUpn);
      assert.equal(byUpn.plannedProvisioningAction, 'create', info(byUpn));
      assert.notEqual(step(byUpn, 8).details.ObjectId, softUpnId);
      const bySmtp = await run(softSmtp);
      assert.equal(bySmtp.plannedProvisioningAction, 'update', info(bySmtp));
      assert.equal(step(bySmtp, 8).details.ObjectId, softSmtpId);
    } finally {
      await noUpn.close();
    }
  });
});
