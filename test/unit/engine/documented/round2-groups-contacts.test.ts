// Groups and contacts the default configuration synchronizes or not, run whole over an LDIF
// snapshot and the Graph emulator (no Samba). The verdicts are the documentation's:
// - entra-docs hybrid/connect/concept-azure-ad-connect-sync-default-configuration.md ("Understanding
//   the default configuration"), "Group out-of-box rules", "Contact out-of-box rules",
//   "ForeignSecurityPrincipal out-of-box rules";
// - concept-azure-ad-connect-sync-user-and-contacts.md ("Understanding Users, Groups, and Contacts");
// - the rule text of "Out to AAD - Group Join" (reference: entra-connect-single-object-sync.md §3),
//   whose member flow is IIF(([memberCount]> <limit>),Error("Maximum Group member count exceeded"),IgnoreThisFlow).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sidBytesToString } from '../../../../src/engine/model/ad-codecs';
import { Dn } from '../../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../../src/engine/summary/types';
import { CONTOSO_DOMAIN as domain, openLdifTenant, type LdifTenant } from '../../../support/ldif-tenant';

const fixtures = path.resolve(__dirname, '../../../fixtures');
const ou = `OU=Round Two Groups,OU=Contoso,${domain}`;
const contactClasses = ['top', 'person', 'organizationalPerson', 'contact'];
let rid = 95000;

function entry(dn: string, classes: string[], lines: string[]): { text: string; sid: string } {
  const sid = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', 'base64');
  sid.writeUInt32LE(rid++, 24);
  const text = [`dn: ${dn}`, 'changetype: add', ...classes.map((c) => `objectClass: ${c}`), `objectGUID:: ${randomBytes(16).toString('base64')}`, `objectSid:: ${sid.toString('base64')}`, ...lines, ''].join('\n');
  return { text, sid: sidBytesToString(sid) };
}
const dnOf = (cn: string) => `CN=${cn},${ou}`;
/** groupType: 2 global, 4 domain local, 8 universal; + 0x80000000 (-2147483648) for a security group. */
const group = (cn: string, groupType: number, lines: string[] = []) =>
  entry(dnOf(cn), ['top', 'group'], [`cn: ${cn}`, `sAMAccountName: ${cn.replace(/\W+/g, '')}`, `groupType: ${groupType}`, ...lines]);
const fspDn = `CN=S-1-5-21-1004336348-1177238915-682003330-3107,CN=ForeignSecurityPrincipals,${domain}`;

const step = (s: ProvisioningObjectSummary, n: number) => s.provisioningSteps.find((x) => x.stepNumber === n)!;
const code = (s: ProvisioningObjectSummary) => s.provisioningStatusInfo.errorInformation?.errorCode;
const reason = (s: ProvisioningObjectSummary) => s.provisioningStatusInfo.errorInformation?.reason ?? '';
const planned = (s: ProvisioningObjectSummary, name: string) => s.modifiedProperties.find((p) => p.displayName === name)?.newValue;

describe('groups and contacts', () => {
  let world: LdifTenant;
  const run = async (dn: string, stagingMode: boolean) => (await world.session.sync(Dn.parse(dn), { stagingMode, noHtmlReport: true })).summary;

  before(async () => {
    const base = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    const entries = [
      entry(ou, ['top', 'organizationalUnit'], ['ou: Round Two Groups']),
      entry(dnOf('Nia Nested'), ['top', 'person', 'organizationalPerson', 'user'], ['cn: Nia Nested', 'sAMAccountName: nia.nested', 'userPrincipalName: nia.nested@contoso.com', 'userAccountControl: 512']),
      group('Local Distribution', 4),
      group('Mail Security', -2147483640, ['mail: mail.security@contoso.com', 'mailNickname: mail.security']),
      group('Empty Security', -2147483646),
      group('Inner Security', -2147483646, [`member: ${dnOf('Nia Nested')}`]),
      group('Outer Security', -2147483646, [`member: ${dnOf('Inner Security')}`, `member: ${fspDn}`]),
      entry(fspDn, ['top', 'foreignSecurityPrincipal'], ['cn: S-1-5-21-1004336348-1177238915-682003330-3107']),
      entry(dnOf('Proxy Only Contact'), contactClasses, ['cn: Proxy Only Contact', 'proxyAddresses: SMTP:proxy.only@partner.example', 'mailNickname: proxy.only']),
      entry(dnOf('Bare Contact'), contactClasses, ['cn: Bare Contact', 'displayName: Bare Contact']),
      entry(dnOf('Mailed Partner'), contactClasses, ['cn: Mailed Partner', 'displayName: Mailed Partner', 'mail: mailed.partner@partner.example', 'proxyAddresses: SMTP:mailed.partner@partner.example', 'targetAddress: SMTP:mailed.partner@partner.example']),
    ].map((e) => e.text);
    world = await openLdifTenant(`${base.trimEnd()}\n\n${entries.join('\n')}`, { users: [] }, {
      activeDirectory: [{
        name: 'corp.contoso.com', ldifFile: 'snapshot.ldif',
        partitions: [{ dn: domain, selected: true, inclusions: [domain], exclusions: [] }],
        objectTypes: ['user', 'inetOrgPerson', 'group', 'contact', 'foreignSecurityPrincipal'], groupFilteringGroupDn: null,
      }],
    });
  });
  after(() => world?.close());

  test('"If the group is a Distribution Group, then it must also be mail enabled": a domain-local distribution group without mail or proxyAddresses is not provisioned', async () => {
    const s = await run(dnOf('Local Distribution'), true);
    assert.equal(step(s, 9).status, 'success');
    assert.equal(s.provisioningStatusInfo.status, 'skipped');
    assert.equal(code(s), 'NoOutboundRuleInScope');
    assert.equal(s.plannedProvisioningAction, 'other');
    assert.match(reason(s), /Out to AAD - Group Join: .*securityEnabled EQUAL True \(actual: False\).*mailEnabled EQUAL True \(actual: False\)/);
  });

  test('"If the group\'s proxyAddress attribute is empty, its mail attribute must have a value": a universal security group with mail is created mail-enabled and security-enabled', async () => {
    const s = await run(dnOf('Mail Security'), true);
    assert.equal(s.plannedProvisioningAction, 'create', reason(s));
    assert.equal(step(s, 9).status, 'success');
    // The metaverse attributes "Out to AAD - Group Join" scopes on ("securityEnabled EQUAL True" | "mailEnabled EQUAL True").
    const metaverse = (name: string) => step(s, 9).attributes?.find((r) => r.name === name)?.value.join();
    assert.equal(metaverse('securityEnabled'), 'true');
    assert.equal(metaverse('mailEnabled'), 'true');
    assert.equal(planned(s, 'securityEnabled'), 'true');
    assert.equal(planned(s, 'mail'), 'mail.security@contoso.com');
    // ARCHITECTURE §1: Graph v1.0 cannot write a mail-enabled security group; reported, never dropped.
    assert.equal(code(s), 'ObjectNotExportableThroughGraph');
  });

  test('"Must have less than 250,000 members": a security group without members is created, with no member', async () => {
    const s = await run(dnOf('Empty Security'), false);
    assert.equal(s.plannedProvisioningAction, 'create', reason(s));
    assert.equal(s.exported, true, reason(s));
    const created = world.emulator.state().groups.find((g) => g.displayName === 'Empty Security');
    assert.ok(created, 'the group is in Microsoft Entra ID');
    assert.equal(created.securityEnabled, true);
    assert.deepEqual([...(world.emulator.state().members[created.id] ?? [])], []);
  });

  test('nested groups: the member flow is Direct ("member" of "In from AD - Group Common"); "When you add a group as a member, only the group itself is added. Its members aren\'t added."', async () => {
    const user = await run(dnOf('Nia Nested'), false);
    const inner = await run(dnOf('Inner Security'), false);
    const outer = await run(dnOf('Outer Security'), false);
    for (const s of [user, inner]) assert.equal(s.exported, true, reason(s));
    const state = world.emulator.state();
    const id = (name: string) => state.groups.find((g) => g.displayName === name)?.id ?? state.users.find((u) => u.displayName === name)?.id;
    const innerId = id('Inner Security')!;
    const outerId = id('Outer Security')!;
    assert.ok(outerId, `${code(outer)}: ${reason(outer)}`);
    assert.deepEqual([...(state.members[innerId] ?? [])], [id('Nia Nested')]);
    assert.deepEqual([...(state.members[outerId] ?? [])], [innerId], 'the outer group holds the inner group, not its member');
    // The FSP member (a user of another forest) has no metaverse object here ("FSPs are joined to
    // "any" (*) object in the metaverse"): it is not a member in Microsoft Entra ID, and it is named.
    assert.match(step(outer, 10).details.MembersNotResolved ?? '', new RegExp(fspDn.replace(/[-\\^$*+?.()|[\]{}]/g, '\\$&')));
  });

  test('contacts: "Must have mail attribute value": a contact with an SMTP proxy address and no mail, or with neither, is not projected', async () => {
    for (const cn of ['Proxy Only Contact', 'Bare Contact']) {
      const s = await run(dnOf(cn), true);
      assert.equal(step(s, 9).status, 'skipped', cn);
      assert.equal(code(s), 'NotProjectedToMetaverse', cn);
      assert.match(reason(s), /In from AD - Contact Join: in scope, but none of its join attributes has a value \(mail\)/, cn);
      assert.equal(s.plannedProvisioningAction, 'other', cn);
    }
  });

  test('contacts: "the outbound rule Out to Microsoft Entra ID – Contact Join will create a contact object if the metaverse attribute sourceObjectType is set to Contact": a mail-enabled contact is created as a contact', async () => {
    const s = await run(dnOf('Mailed Partner'), true);
    assert.equal(s.plannedProvisioningAction, 'create', reason(s));
    assert.equal(step(s, 9).status, 'success');
    assert.match(step(s, 9).details.OutboundRulesApplied ?? '', /^Out to AAD - Contact Join/);
    assert.equal(step(s, 9).attributes?.find((r) => r.name === 'sourceObjectType')?.value.join(), 'Contact');
    assert.equal(planned(s, 'mail'), 'mailed.partner@partner.example');
  });
});

describe('the group member limit, at its documented boundary', () => {
  // Members are DNs of objects the snapshot does not hold: the rules count values ("memberCount" =
  // ValueCount("member")), they do not read the members.
  const members = (n: number) => Array.from({ length: n }, (_, i) => `member: CN=Member ${i},OU=Elsewhere,${domain}`);
  let world: LdifTenant;
  const run = async (cn: string) => (await world.session.sync(Dn.parse(dnOf(cn)), { stagingMode: true, noHtmlReport: true })).summary;

  before(async () => {
    const base = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    const synced = group('Synced Huge', -2147483646, members(250_001));
    const entries = [
      entry(ou, ['top', 'organizationalUnit'], ['ou: Round Two Groups']).text,
      group('Just Under', -2147483646, members(249_999)).text,
      group('At The Limit', -2147483646, members(250_000)).text,
      synced.text,
    ];
    // "Synced Huge" is a group Entra Connect synchronized when it was smaller: found by its SID.
    world = await openLdifTenant(`${base.trimEnd()}\n\n${entries.join('\n')}`, {
      groups: [{ id: 'g-synced-huge', displayName: 'Synced Huge', mailEnabled: false, securityEnabled: true, mailNickname: 'SyncedHuge', onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: synced.sid, members: [] }],
    });
  });
  after(() => world?.close());

  test('"Must have less than 250,000 members ... If it has more members before synchronization starts the first time, the group is not synchronized": 249,999 is created, 250,000 is not', async () => {
    const under = await run('Just Under');
    assert.equal(under.plannedProvisioningAction, 'create', reason(under));
    const at = await run('At The Limit');
    assert.equal(at.plannedProvisioningAction, 'other');
    assert.equal(code(at), 'NoOutboundRuleInScope');
    assert.match(reason(at), /memberCount LESSTHAN 250000 \(actual: 250000\)/);
  });

  test('"when it reaches 250,000 members it stops synchronizing": a synchronized group grown past the limit fails step 9 with "Maximum Group member count exceeded"', async () => {
    const s = await run('Synced Huge');
    assert.equal(s.targetIdentity.id, 'g-synced-huge', 'joined to the group Entra Connect synchronized');
    assert.equal(step(s, 9).status, 'failure');
    assert.equal(s.provisioningStatusInfo.status, 'failure');
    assert.equal(reason(s), 'Maximum Group member count exceeded');
    assert.equal(step(s, 10).status, 'skipped');
    assert.equal(world.emulator.writes().length, 0);
  });
});
