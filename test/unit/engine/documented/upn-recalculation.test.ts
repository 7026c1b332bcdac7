// The UPN and MailNickName Microsoft Entra ID gives a synchronized user, scenario by scenario as
// Microsoft documents them (entra-docs, hybrid/connect/plan-connect-userprincipalname.md, "UPN
// scenarios"; reference: entra-connect-single-object-sync.md §3 "UPN and mailNickname":
// "Unverified suffix → UPN = <MailNickName>@<initial domain> (the MOERA)", "UPN is recalculated
// only when on-prem UPN changes"). The export the rules build goes through the same rules step 9
// applies, in the same order: the MailNickName rule, then the UPN suffix rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dn } from '../../../../src/engine/model/dn';
import type { SyncFacts } from '../../../../src/engine/pipeline/context';
import { applyMailNicknameRule, applyUpnSuffixRule, type DesiredExport } from '../../../../src/engine/pipeline/entra-data-rules';
import type { EntraObject, TenantInfo } from '../../../../src/engine/ports/entra-target';

const tenant: TenantInfo = {
  tenantId: '11111111-2222-4333-8444-555555555555',
  domains: [
    { name: 'contoso.onmicrosoft.com', isVerified: true, isInitial: true, authenticationType: 'Managed' },
    { name: 'verified.contoso.com', isVerified: true, isInitial: false, authenticationType: 'Managed' },
  ],
  syncFeatures: { blockSoftMatchEnabled: false, blockCloudObjectTakeoverThroughHardMatchEnabled: false, softMatchOnUpnEnabled: true, synchronizeUpnForManagedUsersEnabled: true, source: 'defaults' },
};
/** contoso.com verified later ("a verified domain change operation"). */
const tenantWithContoso: TenantInfo = { ...tenant, domains: [...tenant.domains, { name: 'contoso.com', isVerified: true, isInitial: false, authenticationType: 'Managed' }] };

/** The cloud user Entra Connect synchronized, as step 8 imports it (AAD connector names). */
function synced(cloud: { alias: string; userPrincipalName: string; onPremisesUserPrincipalName: string }): Pick<SyncFacts, 'target' | 'entraImported' | 'alreadySynced'> {
  const target: EntraObject = { kind: 'user', id: 'aaaaaaaa-1111-4222-8333-444444444444', properties: { userPrincipalName: cloud.userPrincipalName, mailNickname: cloud.alias, onPremisesSyncEnabled: true, onPremisesUserPrincipalName: cloud.onPremisesUserPrincipalName } };
  return { target, alreadySynced: true, entraImported: { alias: [cloud.alias], userPrincipalName: [cloud.userPrincipalName], onPremisesUserPrincipalName: [cloud.onPremisesUserPrincipalName] } };
}

/** What Entra ID ends with for this export: [MailNickName, UserPrincipalName]. */
function cloudUser(desired: DesiredExport, existing: Pick<SyncFacts, 'target' | 'entraImported' | 'alreadySynced'> = {}, tenantInfo = tenant): [string | undefined, string | undefined] {
  const facts: SyncFacts = { dn: Dn.parse('CN=User,OU=Sales,DC=contoso,DC=com'), kind: 'user', tenant: tenantInfo, ...existing };
  const notes: Record<string, string> = {};
  applyMailNicknameRule(facts, desired, notes);
  applyUpnSuffixRule(facts, desired, notes);
  const nickname = desired.alias?.[0] ?? undefined;
  return [nickname === undefined ? undefined : String(nickname), desired.userPrincipalName?.[0] === undefined ? undefined : String(desired.userPrincipalName[0])];
}

test('Scenario 1, nonverified UPN suffix, initial synchronization: "Set MOERA to <MailNickName>@<initial domain>", MailNickName the primary SMTP prefix', () => {
  // "mailNickName: <not set>; proxyAddresses: {SMTP:user1@contoso.com}; mail: user2@contoso.com;
  // userPrincipalName: user3@contoso.com" -> "UserPrincipalName: user1@contoso.onmicrosoft.com".
  const [, upn] = cloudUser({ proxyAddresses: ['SMTP:user1@contoso.com'], mail: ['user2@contoso.com'], userPrincipalName: ['user3@contoso.com'] });
  assert.equal(upn, 'user1@contoso.onmicrosoft.com');
});

test('Scenario 2, mailNickName set on-premises: "Because there\'s no update to the on-premises userPrincipalName attribute, there\'s no change to the Microsoft Entra UserPrincipalName attribute"', () => {
  const before = synced({ alias: 'user1', userPrincipalName: 'user1@contoso.onmicrosoft.com', onPremisesUserPrincipalName: 'user3@contoso.com' });
  const [nickname, upn] = cloudUser({ alias: ['user4'], proxyAddresses: ['SMTP:user1@contoso.com'], mail: ['user2@contoso.com'], userPrincipalName: ['user3@contoso.com'] }, before);
  assert.equal(nickname, 'user4', '"Update Microsoft Entra MailNickName attribute with on-premises mailNickName attribute."');
  assert.equal(upn, 'user1@contoso.onmicrosoft.com', 'not user4@contoso.onmicrosoft.com: the UPN is not recalculated');
});

test('Scenario 3, on-premises userPrincipalName updated: "triggers recalculation of MOERA and Microsoft Entra UserPrincipalName attribute"', () => {
  const before = synced({ alias: 'user4', userPrincipalName: 'user1@contoso.onmicrosoft.com', onPremisesUserPrincipalName: 'user3@contoso.com' });
  const [, upn] = cloudUser({ alias: ['user4'], proxyAddresses: ['SMTP:user1@contoso.com'], mail: ['user2@contoso.com'], userPrincipalName: ['user5@contoso.com'] }, before);
  assert.equal(upn, 'user4@contoso.onmicrosoft.com');
});

test('Scenario 4, primary SMTP and mail updated: "won\'t affect the Microsoft Entra MailNickName or the UserPrincipalName attribute"', () => {
  const before = synced({ alias: 'user4', userPrincipalName: 'user4@contoso.onmicrosoft.com', onPremisesUserPrincipalName: 'user5@contoso.com' });
  const [nickname, upn] = cloudUser({ alias: ['user4'], proxyAddresses: ['SMTP:user6@contoso.com'], mail: ['user7@contoso.com'], userPrincipalName: ['user5@contoso.com'] }, before);
  assert.deepEqual([nickname, upn], ['user4', 'user4@contoso.onmicrosoft.com']);
  // Without an on-premises mailNickname the MailNickName set at first sync stays too ("After the
  // initial synchronization ... updates to the on-premises mail attribute and the primary SMTP
  // address won't affect the Microsoft Entra MailNickName"), so a later UPN change builds the MOERA
  // from it (Scenario 3's rule), not from the new primary SMTP address.
  const firstSynced = synced({ alias: 'user1', userPrincipalName: 'user1@contoso.onmicrosoft.com', onPremisesUserPrincipalName: 'user3@contoso.com' });
  assert.deepEqual(cloudUser({ proxyAddresses: ['SMTP:user6@contoso.com'], mail: ['user7@contoso.com'], userPrincipalName: ['user3@contoso.com'] }, firstSynced), ['user1', 'user1@contoso.onmicrosoft.com']);
  assert.deepEqual(cloudUser({ proxyAddresses: ['SMTP:user6@contoso.com'], mail: ['user7@contoso.com'], userPrincipalName: ['user5@contoso.com'] }, firstSynced), ['user1', 'user1@contoso.onmicrosoft.com']);
});

test('Scenario 5, verified UPN suffix: "Set Microsoft Entra UserPrincipalName attribute to on-premises userPrincipalName attribute as the UPN suffix is verified"', () => {
  const before = synced({ alias: 'user4', userPrincipalName: 'user4@contoso.onmicrosoft.com', onPremisesUserPrincipalName: 'user5@contoso.com' });
  const [, upn] = cloudUser({ alias: ['user4'], proxyAddresses: ['SMTP:user6@contoso.com'], mail: ['user7@contoso.com'], userPrincipalName: ['user5@verified.contoso.com'] }, before);
  assert.equal(upn, 'user5@verified.contoso.com');
});

test('"In case of a verified domain change operation (for example, adding a new verified domain ...), Microsoft Entra ID also recalculates the UserPrincipalName attribute for all the users"', () => {
  // Scenario 2's user, after contoso.com is verified: its on-premises UPN is now usable as it is.
  const before = synced({ alias: 'user4', userPrincipalName: 'user1@contoso.onmicrosoft.com', onPremisesUserPrincipalName: 'user3@contoso.com' });
  const [, upn] = cloudUser({ alias: ['user4'], proxyAddresses: ['SMTP:user1@contoso.com'], userPrincipalName: ['user3@contoso.com'] }, before, tenantWithContoso);
  assert.equal(upn, 'user3@contoso.com');
});
