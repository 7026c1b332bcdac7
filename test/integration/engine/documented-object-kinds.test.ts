// The kinds of user Microsoft documents as filtered or changed by the out-of-box rules, each
// built from an ordinary user of the LDIF snapshot with the one attribute that makes it that
// kind, and the verdict the documentation gives:
// - concept-azure-ad-connect-sync-default-configuration: not synchronized are
//   IsPresent([isCriticalSystemObject]), no sAMAccountName, AAD_ and MSOL_ service accounts,
//   SUPPORT_388945a0, SystemMailbox{ and CAS_{ mailboxes, msExchRecipientTypeDetails in
//   &H21C07000, replication conflicts (\0ACNF: in the RDN), adminDescription User_.
// - concept-azure-ad-connect-sync-user-and-contacts: disabled accounts are synchronized; "users
//   with a linked mailbox ... will never provision an account to Microsoft Entra ID".
// - plan-connect-userprincipalname: an unverified or invalid UPN becomes the MOERA
//   (<mailNickname>@<initial domain>); a missing one is built from sAMAccountName.
// - Groups (the same pages): built-in (critical) groups and adminDescription Group_ are not
//   synchronized, nor MSOL_AD_Sync_RichCoexistence or role groups (&H40000000); a distribution
//   group must be mail-enabled: an SMTP proxy address in either case ({X500, smtp:…} is
//   mail-enabled, {X500} is not) or a mail value; a security group needs no mail.
// - Microsoft Graph v1.0 (group-post-groups, resources/group): only Microsoft 365 groups and
//   security groups (mailEnabled false, securityEnabled true) can be created; mail-enabled
//   security groups and distribution lists cannot. Those are Entra Connect's or Exchange
//   Online's to write, so the Export step refuses them before any request.
// - Computers need userCertificate (Out to AAD - Device Join); Graph v1.0 has no write path
//   for a synchronized device, so every attribute of its export is refused, none applied.
// - Contacts: "Must have mail attribute value": In from AD - Contact Join joins on mail, and a
//   Provision rule projects "if at least one attribute in the join criteria is present".
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSession, type Session } from '../../../src/app/session';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { startEmulator } from '../../graph-emulator';

const fixtures = path.resolve(__dirname, '../../fixtures');
const domain = 'DC=corp,DC=contoso,DC=com';
const ou = 'OU=Sales,OU=Contoso';

/** Alice Wu's entry as another user: name, mail and sAMAccountName from `nick`, a new objectGUID and SID, no group. */
function userLike(alice: string, cn: string, nick: string, rid: number, edit: (entry: string) => string): string {
  const sid = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', 'base64');
  sid.writeUInt32LE(rid, 24);
  const entry = alice.split(`CN=Alice Wu,${ou}`).join(`CN=${cn},${ou}`)
    .replace(/^cn: .*$/m, `cn: ${cn}`).replace(/^name: .*$/m, `name: ${cn}`)
    .split('alice.wu').join(nick)
    .replace(/^objectGUID:: .*$/m, `objectGUID:: ${randomBytes(16).toString('base64')}`)
    .replace(/^objectSid:: .*$/m, `objectSid:: ${sid.toString('base64')}`)
    .replace(/^memberOf: .*\n/gm, '');
  const edited = edit(entry);
  assert.notEqual(edited, entry, `${cn} is changed`);
  return edited;
}

/** The All Staff distribution group as another group: name, mail and sAMAccountName from `nick`, new ids, no members. */
function groupLike(allStaff: string, cn: string, nick: string, rid: number, edit: (entry: string) => string): string {
  const sid = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkjiEAAA==', 'base64');
  sid.writeUInt32LE(rid, 24);
  const entry = allStaff.split('CN=All Staff,').join(`CN=${cn},`)
    .replace(/^cn: .*$/m, `cn: ${cn}`).replace(/^name: .*$/m, `name: ${cn}`)
    .split('all.staff').join(nick).replace(/^sAMAccountName: .*$/m, `sAMAccountName: ${nick}`)
    .replace(/^objectGUID:: .*$/m, `objectGUID:: ${randomBytes(16).toString('base64')}`)
    .replace(/^objectSid:: .*$/m, `objectSid:: ${sid.toString('base64')}`)
    .replace(/^member:: ?.*\n( .*\n)*/gm, '').replace(/^member: .*\n/gm, '');
  return edit(entry);
}
const securityGroup = (entry: string) => entry.replace(/^groupType: .*$/m, 'groupType: -2147483646');
const withoutMail = (entry: string) => entry.replace(/^mail: .*\n/m, '').replace(/^proxyAddresses: .*\n/gm, '');

const withAttribute = (line: string) => (entry: string) => entry.replace(/^mail: /m, `${line}\nmail: `);
const replacing = (attribute: string, line: string) => (entry: string) => entry.replace(new RegExp(`^${attribute}: .*\\n`, 'm'), line ? `${line}\n` : '');

// [label, cn, nick, edit]
const kinds: Array<[string, string, string, (entry: string) => string]> = [
  ['an MSOL_ service account', 'Msol Account', 'msol.account', replacing('sAMAccountName', 'sAMAccountName: MSOL_4f8c2a1e9b3d')],
  ['an AAD_ service account', 'Aad Account', 'aad.account', replacing('sAMAccountName', 'sAMAccountName: AAD_4f8c2a1e9b3d')],
  ['SUPPORT_388945a0', 'Support Account', 'support.account', replacing('sAMAccountName', 'sAMAccountName: SUPPORT_388945a0')],
  ['a SystemMailbox{', 'System Mailbox', 'system.mailbox', withAttribute('mailNickname: SystemMailbox{1f05a927-3be2-4fb9-aa03-b59fe3b56f4c}')],
  ['a CAS_{ mailbox', 'Cas Mailbox', 'cas.mailbox', withAttribute('mailNickname: CAS_{9a2f7c1e}')],
  ['a replication conflict (CNF:)', 'Conflict\\0ACNF:5d3b1e2a-8c4f-4b6e-9a7d-2f1c3e5b7a90', 'conflict.user', (e) => e.replace(/^displayName: .*$/m, 'displayName: Conflict')],
  ['a discovery mailbox (msExchRecipientTypeDetails in &H21C07000)', 'Discovery Mailbox', 'discovery.mailbox', withAttribute('msExchRecipientTypeDetails: 536870912')],
  ['a user without sAMAccountName', 'No Account Name', 'no.account.name', replacing('sAMAccountName', '')],
];

const groupsOu = 'OU=Groups,OU=Contoso';
const contactsOu = 'OU=Contacts,OU=Contoso';
// [label, cn, nick, edit, expected: error code or 'create', what the reason names]
const groups: Array<[string, string, string, (entry: string) => string, string, RegExp?]> = [
  ['a built-in (critical) group', 'Builtin Like', 'builtin.like', (e) => withoutMail(securityGroup(e)).replace(/^groupType: .*$/m, '$&\nisCriticalSystemObject: TRUE'), 'NoInboundRuleInScope', /In from AD - Group Join: isCriticalSystemObject NOTEQUAL True \(actual: TRUE\)/i],
  ['adminDescription Group_', 'Migrated Group', 'migrated.group', (e) => securityGroup(e).replace(/^groupType: .*$/m, '$&\nadminDescription: Group_migrated'), 'NoInboundRuleInScope', /adminDescription NOTSTARTSWITH Group_ \(actual: Group_migrated\)/],
  ['MSOL_AD_Sync_RichCoexistence', 'MSOL_AD_Sync_RichCoexistence', 'MSOL_AD_Sync_RichCoexistence', (e) => withoutMail(securityGroup(e)), 'CloudFiltered', /'In from AD - Group Join'/],
  ['a role group (&H40000000)', 'Role Group', 'role.group', (e) => securityGroup(e).replace(/^mail: /m, 'msExchRecipientTypeDetails: 1073741824\nmail: '), 'CloudFiltered', /'In from AD - Group Join'/],
  // The rule's four scope groups are alternatives (OR); each failed clause is named once.
  ['a distribution group that is not mail-enabled', 'Unmailed Distribution', 'unmailed.distribution', withoutMail, 'NoOutboundRuleInScope', /Out to AAD - Group Join: securityEnabled EQUAL True \(actual: False\) or mailEnabled EQUAL True \(actual: False\)(;|\.|$)/],
  ['a distribution group with an smtp: (lower-case) and an X500 address', 'Lower Smtp Distribution', 'lower.smtp.distribution', (e) => e.replace(/^mail: .*\n/m, '').replace(/^proxyAddresses: SMTP:(.*)$/m, 'proxyAddresses: X500:/o=Contoso/ou=Exchange/cn=Recipients/cn=lsd\nproxyAddresses: smtp:$1'), 'create'],
  ['a security group without mail', 'Plain Security', 'plain.security', (e) => withoutMail(securityGroup(e)), 'create'],
  // {X500:…} alone is not mail-enabled; a mail value with an @ is (the rule's second clause).
  ['a distribution group with only an X500 address', 'X500 Distribution', 'x500.distribution', (e) => e.replace(/^mail: .*\n/m, '').replace(/^proxyAddresses: .*$/m, 'proxyAddresses: X500:/o=Contoso/ou=Exchange/cn=Recipients/cn=x500d'), 'NoOutboundRuleInScope', /mailEnabled EQUAL True \(actual: False\)/],
  ['a distribution group with an X500 address and mail', 'X500 Mail Distribution', 'x500.mail.distribution', (e) => e.replace(/^proxyAddresses: .*$/m, 'proxyAddresses: X500:/o=Contoso/ou=Exchange/cn=Recipients/cn=x500md'), 'create'],
  ['a distribution group with mail and no proxyAddresses', 'Mail Only Distribution', 'mail.only.distribution', (e) => e.replace(/^proxyAddresses: .*\n/gm, ''), 'create'],
  // In scope of the rules (Entra Connect creates them), though Graph cannot: see the export test below.
  ['a mail-enabled security group (alias with a dot)', 'Mail Security', 'mail.security', (e) => securityGroup(e).replace(/^mail: /m, 'mailNickname: mail.security\nmail: '), 'create'],
  ['a mail-enabled security group (plain alias)', 'Mail Security Plain', 'mailsecurityplain', (e) => securityGroup(e).replace(/^mail: /m, 'mailNickname: mailsecurityplain\nmail: '), 'create'],
];
const computersOu = 'OU=Computers,OU=Contoso';

describe('the kinds of user, group and contact the out-of-box rules filter or change, as Microsoft documents them', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let session: Session;
  const runs = new Map<string, ProvisioningObjectSummary>();
  const dnOf = (cn: string) => `CN=${cn},${ou},${domain}`;
  const stage = async (cn: string) => {
    const summary = (await session.sync(Dn.parse(dnOf(cn)), { stagingMode: true, noHtmlReport: true })).summary;
    runs.set(cn, summary);
    return summary;
  };
  const planned = (summary: ProvisioningObjectSummary, attribute: string) => summary.modifiedProperties.find((p) => p.displayName === attribute)?.newValue;

  before(async () => {
    emulator = await startEmulator({ seed: { users: [] } });
    dir = await mkdtemp(path.join(tmpdir(), 'sos-object-kinds-'));
    const ldif = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    const start = ldif.indexOf(`dn: CN=Alice Wu,${ou},`);
    const alice = ldif.slice(start, ldif.indexOf('\n\n', start) + 1);
    const extra: Array<[string, string, (entry: string) => string]> = [
      ...kinds.map(([, cn, nick, edit]) => [cn, nick, edit] as [string, string, (entry: string) => string]),
      ['Critical Object', 'critical.object', withAttribute('isCriticalSystemObject: TRUE')],
      ['Migrated User', 'migrated.user', withAttribute('adminDescription: User_migrated')],
      ['Linked Mailbox', 'linked.mailbox', withAttribute('msExchRecipientTypeDetails: 2')],
      ['Room Mailbox', 'room.mailbox', withAttribute('msExchRecipientTypeDetails: 16')],
      ['Disabled User', 'disabled.user', replacing('userAccountControl', 'userAccountControl: 514')],
      ['Spaced Upn', 'spaced.upn', replacing('userPrincipalName', 'userPrincipalName: spaced upn@contoso.com')],
      ['Unverified Upn', 'unverified.upn', replacing('userPrincipalName', 'userPrincipalName: unverified.upn@fabrikam.example')],
      ['No Upn', 'no.upn', replacing('userPrincipalName', '')],
    ];
    const entries = extra.map(([cn, nick, edit], i) => userLike(alice, cn, nick, 60001 + i, edit));
    const groupStart = ldif.indexOf(`dn: CN=All Staff,${groupsOu},`);
    const allStaff = ldif.slice(groupStart, ldif.indexOf('\n\n', groupStart) + 1);
    entries.push(...groups.map(([, cn, nick, edit], i) => groupLike(allStaff, cn, nick, 61001 + i, edit)));
    const contactStart = ldif.indexOf(`dn: CN=Ext Partner,${contactsOu},`);
    const extPartner = ldif.slice(contactStart, ldif.indexOf('\n\n', contactStart) + 1);
    const contact = (cn: string, edit: (entry: string) => string) => edit(extPartner.split('CN=Ext Partner,').join(`CN=${cn},`)
      .replace(/^cn: .*$/m, `cn: ${cn}`).replace(/^name: .*$/m, `name: ${cn}`).split('ext.partner').join(cn.toLowerCase().replace(/ /g, '.'))
      .replace(/^objectGUID:: .*$/m, `objectGUID:: ${randomBytes(16).toString('base64')}`));
    entries.push(contact('Mailless Contact', (e) => e.replace(/^mail: .*\n/m, '')), contact('Mailed Contact', (e) => e));
    const ws001Start = ldif.indexOf(`dn: CN=WS001,${computersOu},`);
    const ws001 = ldif.slice(ws001Start, ldif.indexOf('\n\n', ws001Start) + 1);
    // Any value makes the device in scope (userCertificate ISNOTNULL); this one is not a real certificate.
    entries.push(ws001.split('CN=WS001,').join('CN=WS200,').replace(/^cn: .*$/m, 'cn: WS200').replace(/^name: .*$/m, 'name: WS200')
      .replace(/^sAMAccountName: .*$/m, 'sAMAccountName: WS200$').replace(/^objectGUID:: .*$/m, `objectGUID:: ${randomBytes(16).toString('base64')}`)
      .replace(/^operatingSystem: .*$/m, `$&\noperatingSystemVersion: 10.0 (22631)\nuserCertificate:: ${Buffer.from('3082010a0282010100c0ffee', 'hex').toString('base64')}`));
    await writeFile(path.join(dir, 'snapshot.ldif'), `${ldif.trimEnd()}\n\n${entries.join('\n')}`);
    const configPath = path.join(dir, 'single-object-sync.json');
    await writeFile(configPath, JSON.stringify({
      activeDirectory: [{ name: 'corp.contoso.com', ldifFile: 'snapshot.ldif', partitions: [{ dn: domain, selected: true, inclusions: [domain], exclusions: [] }], objectTypes: ['user', 'inetOrgPerson', 'group', 'contact', 'computer'], groupFilteringGroupDn: null }],
      entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_TEST_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      sourceAnchor: 'mS-DS-ConsistencyGuid', rules: 'builtin', stateDir: 'state', reportDir: 'reports',
    }));
    session = await openSession({ configPath, secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret } });
  });
  after(async () => {
    await session?.close();
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('filtered by In from AD - User Join (cloudFiltered): service accounts, system and CAS mailboxes, conflicts, recipient types of the mask, no sAMAccountName', async () => {
    for (const [label, cn] of kinds) {
      const summary = await stage(cn);
      const info = summary.provisioningStatusInfo;
      assert.equal(info.errorInformation?.errorCode, 'CloudFiltered', `${label}: ${JSON.stringify(info)}`);
      assert.equal(info.status, 'skipped', label);
      assert.match(info.errorInformation?.reason ?? '', /'In from AD - User Join'/, label);
      assert.equal(summary.plannedProvisioningAction, 'other', `${label}: nothing would be created`);
    }
  });

  test('critical system objects and adminDescription User_ are out of the provisioning rule\'s scope, the failing clause named', async () => {
    for (const [cn, clause] of [['Critical Object', /isCriticalSystemObject NOTEQUAL TRUE \(actual: TRUE\)/i], ['Migrated User', /adminDescription NOTSTARTSWITH User_ \(actual: User_migrated\)/]] as const) {
      const info = (await stage(cn)).provisioningStatusInfo;
      assert.equal(info.errorInformation?.errorCode, 'NotProjectedToMetaverse', `${cn}: ${JSON.stringify(info)}`);
      assert.match(info.errorInformation?.reason ?? '', clause, cn);
    }
  });

  test('a linked mailbox never provisions by itself, and the verdict says so; a room mailbox (outside the mask) syncs', async () => {
    const linked = (await stage('Linked Mailbox')).provisioningStatusInfo;
    assert.equal(linked.status, 'skipped');
    assert.equal(linked.errorInformation?.errorCode, 'LinkedMailbox', JSON.stringify(linked));
    assert.match(linked.errorInformation?.reason ?? '', /linked mailbox \(msExchRecipientTypeDetails = 2\)/);
    assert.match(linked.errorInformation?.recommendedAction ?? '', /account forest/);
    const room = await stage('Room Mailbox');
    assert.equal(room.provisioningStatusInfo.status, 'success', JSON.stringify(room.provisioningStatusInfo));
    assert.equal(room.plannedProvisioningAction, 'create');
  });

  test('a disabled account is synchronized, disabled', async () => {
    const summary = await stage('Disabled User');
    assert.equal(summary.plannedProvisioningAction, 'create', JSON.stringify(summary.provisioningStatusInfo));
    assert.equal(String(planned(summary, 'accountEnabled')), 'false');
  });

  test('an invalid, unverified or missing UPN: the cloud UPN is the MOERA, mailNickname @ the initial domain', async () => {
    const moeras: Array<[string, string]> = [['Spaced Upn', 'spaced.upn@contoso.onmicrosoft.com'], ['Unverified Upn', 'unverified.upn@contoso.onmicrosoft.com'], ['No Upn', 'no.upn@contoso.onmicrosoft.com']];
    for (const [cn, moera] of moeras) {
      const summary = await stage(cn);
      assert.equal(summary.plannedProvisioningAction, 'create', `${cn}: ${JSON.stringify(summary.provisioningStatusInfo)}`);
      assert.equal(String(planned(summary, 'userPrincipalName')).toLowerCase(), moera, cn);
    }
  });

  test('a contact without mail is not projected (its Provision rule joins on mail, which has no value); with mail it is', async () => {
    const mailless = (await session.sync(Dn.parse(`CN=Mailless Contact,${contactsOu},${domain}`), { stagingMode: true, noHtmlReport: true })).summary;
    assert.equal(mailless.provisioningStatusInfo.errorInformation?.errorCode, 'NotProjectedToMetaverse', JSON.stringify(mailless.provisioningStatusInfo));
    assert.match(mailless.provisioningStatusInfo.errorInformation?.reason ?? '', /In from AD - Contact Join: in scope, but none of its join attributes has a value \(mail\)/);
    const mailed = (await session.sync(Dn.parse(`CN=Mailed Contact,${contactsOu},${domain}`), { stagingMode: true, noHtmlReport: true })).summary;
    assert.equal(mailed.provisioningSteps[8]?.details.Link, 'provision', JSON.stringify(mailed.provisioningSteps[8]?.details));
    assert.equal(mailed.provisioningSteps[8]?.details.OutboundRulesApplied?.startsWith('Out to AAD - Contact Join'), true);
  });

  test('groups: built-in, Group_, RichCoexistence and role groups are kept out, a distribution group must be mail-enabled, a security group need not be', async () => {
    for (const [label, cn, , , expected, named] of groups) {
      const summary = (await session.sync(Dn.parse(`CN=${cn},${groupsOu},${domain}`), { stagingMode: true, noHtmlReport: true })).summary;
      const info = summary.provisioningStatusInfo;
      if (expected === 'create') {
        assert.equal(summary.plannedProvisioningAction, 'create', `${label}: ${JSON.stringify(info)}`);
        continue;
      }
      assert.equal(info.errorInformation?.errorCode, expected, `${label}: ${JSON.stringify(info)}`);
      assert.equal(summary.plannedProvisioningAction, 'other', label);
      if (named) assert.match(info.errorInformation?.reason ?? '', named, label);
    }
  });

  test('a distribution group and a mail-enabled security group: Graph v1.0 creates neither, so step 10 refuses them before any request, in staging and in export', async () => {
    for (const cn of ['Mail Only Distribution', 'Mail Security', 'Mail Security Plain']) {
      const dn = Dn.parse(`CN=${cn},${groupsOu},${domain}`);
      const writes = emulator.writes().length;
      for (const stagingMode of [true, false]) {
        const summary = (await session.sync(dn, { stagingMode, noHtmlReport: true })).summary;
        const label = `${cn} (${stagingMode ? 'staging' : 'export'})`;
        const info = summary.provisioningStatusInfo;
        assert.equal(info.status, 'failure', `${label}: ${JSON.stringify(info)}`);
        assert.equal(info.errorInformation?.errorCode, 'ObjectNotExportableThroughGraph', label);
        assert.match(info.errorInformation?.reason ?? '', cn.startsWith('Mail Security') ? /mail-enabled security group/ : /distribution group/, label);
        assert.match(info.errorInformation?.recommendedAction ?? '', /Entra Connect/, label);
        // The page that says which groups Graph creates, not the orgContact page.
        assert.equal(info.errorInformation?.documentationUrl, 'https://learn.microsoft.com/graph/api/group-post-groups', label);
        // Entra Connect would create it; this run performs nothing.
        assert.equal(summary.plannedProvisioningAction, 'create', label);
        assert.equal(summary.provisioningAction, 'other', label);
        assert.equal(summary.exported, false, label);
        const rows = summary.provisioningSteps[9]?.attributes ?? [];
        assert.ok(rows.some((r) => r.name === 'mail'), `${label}: the pending export is shown`);
        for (const row of rows.filter((r) => r.operation !== 'none')) {
          assert.equal(row.exportable, false, `${label}: ${row.name}`);
          assert.equal(row.notExportableKind, 'readOnlyObject', `${label}: ${row.name}`);
        }
        assert.ok(summary.modifiedProperties.length > 0, label);
        for (const property of summary.modifiedProperties) assert.equal(property.applied, false, `${label}: ${property.displayName}`);
      }
      assert.equal(emulator.writes().length, writes, `${cn}: Microsoft Graph received no write`);
      assert.equal(emulator.state().groups.some((g) => g.displayName === cn), false, cn);
    }
  });

  test('a security group without mail is still created through Graph', async () => {
    const summary = (await session.sync(Dn.parse(`CN=Plain Security,${groupsOu},${domain}`), { stagingMode: false, noHtmlReport: true })).summary;
    assert.notEqual(summary.provisioningStatusInfo.status, 'failure', JSON.stringify(summary.provisioningStatusInfo));
    assert.equal(summary.provisioningAction, 'create');
    const created = emulator.state().groups.find((g) => g.displayName === 'Plain Security');
    assert.equal(created?.securityEnabled, true);
    assert.equal(created?.mailEnabled, false);
  });

  test('a device: no Graph write path, so every export row is not exportable and no modified property is applied', async () => {
    const writes = emulator.writes().length;
    const summary = (await session.sync(Dn.parse(`CN=WS200,${computersOu},${domain}`), { stagingMode: false, noHtmlReport: true })).summary;
    assert.equal(summary.provisioningStatusInfo.errorInformation?.errorCode, 'ObjectNotExportableThroughGraph', JSON.stringify(summary.provisioningStatusInfo));
    assert.equal(summary.provisioningStatusInfo.errorInformation?.documentationUrl, 'https://learn.microsoft.com/graph/api/resources/device');
    const rows = summary.provisioningSteps[9]?.attributes ?? [];
    assert.ok(rows.some((r) => r.name === 'userCertificate'), 'the certificate is in the export');
    for (const row of rows) {
      assert.equal(row.exportable, false, row.name);
      assert.equal(row.notExportableKind, 'readOnlyObject', row.name);
      assert.match(row.note ?? '', /Not exportable through Microsoft Graph: .*computer/, row.name);
    }
    assert.ok(summary.modifiedProperties.length > 0);
    for (const property of summary.modifiedProperties) {
      assert.equal(property.applied, false, property.displayName);
      assert.equal(property.notAppliedKind, 'readOnlyObject', property.displayName);
    }
    assert.equal(emulator.writes().length, writes, 'Microsoft Graph received no write');
  });
});
