// Objects the default configuration never synchronizes, and their near misses, run whole over an
// LDIF snapshot and the Graph emulator (no Samba). Each verdict is the documentation's:
// - entra-docs hybrid/connect/concept-azure-ad-connect-sync-default-configuration.md ("Understanding
//   the default configuration"), "User out-of-box rules" and "Computer out-of-box rules";
// - how-to-connect-sync-configure-filtering.md ("Configure filtering"), the isCriticalSystemObject note;
// - KB 3066176 ("User object is missing or filtered from the AAD connector"), the recipient types;
// - how-to-connect-single-object-sync.md: "It does not support synchronizing an Object Modification Delete."
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Dn } from '../../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../../src/engine/summary/types';
import { CONTOSO_DOMAIN as domain, openLdifTenant, type LdifTenant } from '../../../support/ldif-tenant';

const fixtures = path.resolve(__dirname, '../../../fixtures');
const ou = `OU=Round Two,OU=Contoso,${domain}`;
const userClasses = ['top', 'person', 'organizationalPerson', 'user'];
let rid = 94000;

function entry(dn: string, classes: string[], lines: string[]): string {
  const sid = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', 'base64');
  sid.writeUInt32LE(rid++, 24);
  return [`dn: ${dn}`, 'changetype: add', ...classes.map((c) => `objectClass: ${c}`), `objectGUID:: ${randomBytes(16).toString('base64')}`, `objectSid:: ${sid.toString('base64')}`, ...lines, ''].join('\n');
}
/** An enabled user in the OU; `sam` is its sAMAccountName (none when null). */
function user(cn: string, lines: string[] = [], sam: string | null = cn.toLowerCase().replace(/\W+/g, '.'), classes = userClasses, parent = ou): string {
  const nick = cn.toLowerCase().replace(/\W+/g, '.');
  return entry(`CN=${cn},${parent}`, classes, [`cn: ${cn}`, `displayName: ${cn}`, ...(sam === null ? [] : [`sAMAccountName: ${sam}`]), `userPrincipalName: ${nick}@contoso.com`, ...(lines.some((l) => l.startsWith('userAccountControl:')) ? [] : ['userAccountControl: 512']), ...lines]);
}

describe('objects the default configuration never synchronizes', () => {
  let world: LdifTenant;
  const step = (s: ProvisioningObjectSummary, n: number) => s.provisioningSteps.find((x) => x.stepNumber === n)!;
  const code = (s: ProvisioningObjectSummary) => s.provisioningStatusInfo.errorInformation?.errorCode;
  const reason = (s: ProvisioningObjectSummary) => s.provisioningStatusInfo.errorInformation?.reason ?? '';
  const run = async (dn: string, stagingMode = true) => (await world.session.sync(Dn.parse(dn), { stagingMode, noHtmlReport: true })).summary;
  const stage = (cn: string) => run(`CN=${cn},${ou}`);

  /** In scope of steps 1-8, then not provisioned by the rules: step 9 says why, nothing is exported. */
  function notProvisioned(s: ProvisioningObjectSummary, expectedCode: string, label: string): void {
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) assert.equal(step(s, n).status, 'success', `${label}: step ${n}`);
    assert.equal(s.provisioningStatusInfo.status, 'skipped', `${label}: ${reason(s)}`);
    assert.equal(code(s), expectedCode, `${label}: ${reason(s)}`);
    assert.equal(s.plannedProvisioningAction, 'other', `${label}: nothing to create`);
    assert.equal(step(s, 10).status, 'skipped', label);
  }
  function provisioned(s: ProvisioningObjectSummary, label: string): void {
    assert.equal(s.plannedProvisioningAction, 'create', `${label}: ${code(s)} ${reason(s)}`);
    assert.equal(step(s, 9).status, 'success', label);
  }

  before(async () => {
    const base = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    const entries = [
      entry(ou, ['top', 'organizationalUnit'], ['ou: Round Two']),
      entry(`OU=Admins,${ou}`, ['top', 'organizationalUnit'], ['ou: Admins']),
      user('Critical Person', ['isCriticalSystemObject: TRUE']),
      // krbtgt and Guest as dcpromo creates them: critical system objects, disabled.
      user('krbtgt', ['isCriticalSystemObject: TRUE', 'userAccountControl: 514', 'description: Key Distribution Center Service Account'], 'krbtgt'),
      user('Guest', ['isCriticalSystemObject: TRUE', 'userAccountControl: 66082', 'description: Built-in account for guest access to the computer/domain'], 'Guest'),
      // A member of a critical group (Domain Admins) is not critical itself.
      user('Admin Member', ['adminCount: 1', `memberOf: CN=Domain Admins Two,OU=Admins,${ou}`]),
      entry(`CN=Domain Admins Two,OU=Admins,${ou}`, ['top', 'group'], ['cn: Domain Admins Two', 'sAMAccountName: Domain Admins Two', 'groupType: -2147483646', 'isCriticalSystemObject: TRUE', `member: CN=Admin Member,${ou}`]),
      // The names and prefixes of "In from AD - User Join"'s cloudFiltered, and near misses.
      user('Support Account', [], 'SUPPORT_388945a0'),
      user('Msol Account', [], 'MSOL_7c1e9b3d4f8a'),
      user('Aad Account', [], 'AAD_7c1e9b3d4f8a'),
      user('Cas Account', [], 'CAS_{7c1e9b3d}'),
      user('System Mailbox', ['mailNickname: SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}']),
      user('Cas Mailbox', ['mailNickname: CAS_{7c1e9b3d4f8a}']),
      user('No Account Name', [], null),
      user('Msol Lookalike', [], 'MSOLadmin'),
      user('Aad Lookalike', [], 'aad.reader'),
      user('Cas Lookalike', [], 'CAS_frontdesk'),
      user('Support Lookalike', [], 'SUPPORT_388945a1'),
      // Recipient types: each bit KB 3066176 lists, the linked mailbox, and two that sync.
      ...['4096', '8192', '16384', '4194304', '8388608', '16777216', '536870912'].map((v) => user(`Recipient ${v}`, [`msExchRecipientTypeDetails: ${v}`, `mailNickname: recipient${v}`])),
      user('Linked Mailbox', ['msExchRecipientTypeDetails: 2', 'userAccountControl: 514', 'mailNickname: linked.mailbox']),
      user('Shared Mailbox', ['msExchRecipientTypeDetails: 4', 'userAccountControl: 514', 'mailNickname: shared.mailbox', 'mail: shared.mailbox@contoso.com']),
      user('Conference Room', ['msExchRecipientTypeDetails: 16', 'userAccountControl: 514', 'mailNickname: conference.room', 'mail: conference.room@contoso.com']),
      // A replication conflict: the RDN carries "\0ACNF:<objectGUID>".
      user('Twin\\0ACNF:6f1f3c52-2d1b-4e0a-9a51-0c2a7b9d8e11', [], 'twin.conflict'),
      // inetOrgPerson: "These rules also apply to the iNetOrgPerson object type."
      user('Ivy Inet', ['givenName: Ivy', 'sn: Inet'], 'ivy.inet', [...userClasses, 'inetOrgPerson']),
      user('Critical Inet', ['isCriticalSystemObject: TRUE'], 'critical.inet', [...userClasses, 'inetOrgPerson']),
      // Computers: "userCertificate ISNOTNULL".
      entry(`CN=KIOSK01,${ou}`, [...userClasses, 'computer'], ['cn: KIOSK01', 'sAMAccountName: KIOSK01$', 'userAccountControl: 4096', 'operatingSystem: Windows 11 Enterprise', 'operatingSystemVersion: 10.0 (22631)']),
      entry(`CN=KIOSK02,${ou}`, [...userClasses, 'computer'], ['cn: KIOSK02', 'sAMAccountName: KIOSK02$', 'userAccountControl: 4096', 'operatingSystem: Windows 11 Enterprise', 'operatingSystemVersion: 10.0 (22631)', `userCertificate:: ${randomBytes(64).toString('base64')}`]),
      // A deleted user (a tombstone in Deleted Objects), as an LDIF export with deleted objects holds it.
      user('Gone User\\0ADEL:2b0c8e7a-55d4-4c63-9d0e-3f7a1b2c4d5e', ['isDeleted: TRUE'], 'gone.user', userClasses, `CN=Deleted Objects,${domain}`),
      // A foreign security principal: a user of another forest, by its SID.
      entry(`CN=S-1-5-21-1004336348-1177238915-682003330-2105,CN=ForeignSecurityPrincipals,${domain}`, ['top', 'foreignSecurityPrincipal'], ['cn: S-1-5-21-1004336348-1177238915-682003330-2105']),
    ];
    world = await openLdifTenant(`${base.trimEnd()}\n\n${entries.join('\n')}`, { users: [] }, {
      activeDirectory: [{
        name: 'corp.contoso.com', ldifFile: 'snapshot.ldif',
        partitions: [{ dn: domain, selected: true, inclusions: [domain], exclusions: [] }],
        objectTypes: ['user', 'inetOrgPerson', 'group', 'contact', 'computer', 'foreignSecurityPrincipal'], groupFilteringGroupDn: null,
      }],
    });
  });
  after(() => world?.close());

  test('"Entra Connect Sync filter out any Active Directory objects where the isCriticalSystemObject attribute is set to True": a critical user, krbtgt and Guest as AD creates them, a critical inetOrgPerson', async () => {
    for (const cn of ['Critical Person', 'krbtgt', 'Guest', 'Critical Inet']) {
      const s = await stage(cn);
      // The provisioning rule's scope ("isCriticalSystemObject NOTEQUAL TRUE") keeps it out of the metaverse.
      notProvisioned(s, 'NotProjectedToMetaverse', cn);
      assert.equal(step(s, 9).status, 'skipped', cn);
      assert.match(reason(s), /In from AD - (User|InetOrgPerson) Join: isCriticalSystemObject NOTEQUAL TRUE \(actual: TRUE\)/, cn);
    }
    const group = await run(`CN=Domain Admins Two,OU=Admins,${ou}`);
    notProvisioned(group, 'NoInboundRuleInScope', 'a critical group');
  });

  test('"other objects that are added to these high privilege group (DomainAdmins, EnterpriseAdmins) are not filtered out from syncing to cloud"', async () => {
    provisioned(await stage('Admin Member'), 'a member of a critical group');
  });

  test('service accounts and Exchange system accounts ("AAD_", "MSOL_", "SUPPORT_388945a0", "SystemMailbox{", "CAS_" with "}"), and no sAMAccountName, are cloud filtered by "In from AD - User Join"', async () => {
    for (const cn of ['Support Account', 'Msol Account', 'Aad Account', 'Cas Account', 'System Mailbox', 'Cas Mailbox', 'No Account Name']) {
      const s = await stage(cn);
      notProvisioned(s, 'CloudFiltered', cn);
      assert.match(reason(s), /'In from AD - User Join'/, cn);
    }
  });

  test('the filter is the documented prefix or name only ("Left([sAMAccountName], 5) = "MSOL_"", "Left(..., 4) = "AAD_"", "CAS_" only "&& InStr(..., "}") > 0"): look-alikes are synchronized', async () => {
    for (const cn of ['Msol Lookalike', 'Aad Lookalike', 'Cas Lookalike', 'Support Lookalike']) provisioned(await stage(cn), cn);
  });

  test('"msExchRecipientTypeDetails == (0x1000 OR 0x2000 OR 0x4000 OR 0x400000 OR 0x800000 OR 0x1000000 OR 0x20000000)" (KB 3066176; &H21C07000): each one is cloud filtered', async () => {
    for (const value of ['4096', '8192', '16384', '4194304', '8388608', '16777216', '536870912']) {
      const s = await stage(`Recipient ${value}`);
      notProvisioned(s, 'CloudFiltered', value);
    }
  });

  test('"users with a linked mailbox ... will never provision an account"; "Disabled accounts are common to represent resources in Exchange, for example conference rooms": a room and a shared mailbox are synchronized, disabled', async () => {
    const linked = await stage('Linked Mailbox');
    notProvisioned(linked, 'LinkedMailbox', 'linked mailbox');
    for (const cn of ['Conference Room', 'Shared Mailbox']) {
      const s = await stage(cn);
      provisioned(s, cn);
      assert.equal(s.modifiedProperties.find((p) => p.displayName === 'accountEnabled')?.newValue, 'false', cn);
    }
  });

  test('"CBool(InStr(DNComponent(CRef([dn]),1),"\\\\0ACNF:")>0). Do not synchronize any replication victim objects."', async () => {
    const s = await stage('Twin\\0ACNF:6f1f3c52-2d1b-4e0a-9a51-0c2a7b9d8e11');
    notProvisioned(s, 'CloudFiltered', 'conflict object');
    assert.match(reason(s), /'In from AD - User Join'/);
  });

  test('"User out-of-box rules ... also apply to the iNetOrgPerson object type": an enabled inetOrgPerson is created as a user', async () => {
    const s = await stage('Ivy Inet');
    provisioned(s, 'inetOrgPerson');
    assert.equal(step(s, 5).details.ObjectClass, 'inetOrgPerson');
    assert.equal(s.targetIdentity.identityType, 'user');
    assert.match(step(s, 9).details.OutboundRulesApplied ?? '', /^Out to AAD - User Join/);
  });

  test('computers: "userCertificate ISNOTNULL ... All computer objects with a value in this attribute are synchronized"', async () => {
    const without = await stage('KIOSK01');
    notProvisioned(without, 'CloudFiltered', 'a computer without userCertificate');
    assert.match(reason(without), /'In from AD - Computer Join'/);
    const withCertificate = await stage('KIOSK02');
    assert.equal(withCertificate.plannedProvisioningAction, 'create', reason(withCertificate));
    assert.equal(step(withCertificate, 9).status, 'success');
    assert.match(step(withCertificate, 9).details.OutboundRulesApplied ?? '', /Out to AAD - Device Join SOAInAD/);
  });

  test('"It does not support synchronizing an Object Modification Delete": a deleted object (isDeleted TRUE, in Deleted Objects) fails step 4, nothing is created', async () => {
    const s = await run(`CN=Gone User\\0ADEL:2b0c8e7a-55d4-4c63-9d0e-3f7a1b2c4d5e,CN=Deleted Objects,${domain}`, false);
    assert.equal(step(s, 4).status, 'failure');
    assert.equal(code(s), 'ObjectDeleted');
    assert.match(reason(s), /deleted in Active Directory/);
    for (const n of [5, 6, 7, 8, 9, 10]) assert.equal(step(s, n).status, 'skipped', `step ${n}`);
    assert.notEqual(s.plannedProvisioningAction, 'create');
    assert.equal(s.exported, false);
    assert.equal(world.emulator.writes().length, 0, 'Microsoft Graph received no write');
  });

  test('"FSPs are joined to "any" (*) object in the metaverse": never provisioned, an FSP without a metaverse object to join stays a disconnector', async () => {
    const s = await run(`CN=S-1-5-21-1004336348-1177238915-682003330-2105,CN=ForeignSecurityPrincipals,${domain}`);
    notProvisioned(s, 'NotProjectedToMetaverse', 'FSP');
    assert.equal(step(s, 9).status, 'skipped');
    assert.match(step(s, 9).details.InboundRulesApplied ?? '', /In from AD - ForeignSecurityPrincipal Join User/);
    assert.doesNotMatch(reason(s), /no rule for this object type/, 'a Join rule is in scope: it has no metaverse object to join');
  });
});
