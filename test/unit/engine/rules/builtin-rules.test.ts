// The built-in out-of-box rules on fixture objects: scope, provisioning, the flows that
// matter (sourceAnchor, cloudFiltered, UPN, accountEnabled) and their lineage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinRuleSet, evaluateInbound, evaluateOutbound, findJoin, BUILTIN_ENTRA_CONNECTOR } from '../../../../src/engine/rules';
import { SyncError } from '../../../../src/engine/errors/sync-error';
import { compileExpression } from '../../../../src/engine/expressions';
import { outOfBoxRules } from '../../../../src/engine/rules/builtin/out-of-box-rules';
import { context, consistencyGuid, contact, computer, group, objectGuid, objectGuidBase64, toMetaverse, user } from './objects';

const rules = builtinRuleSet();
const inbound = (cs: ReturnType<typeof user>) => evaluateInbound(rules, 'corp.contoso.com', cs, context);
const values = (result: { attributes: Record<string, { values: unknown[] | null }> }, name: string) => result.attributes[name]?.values;

test('the built-in set has the out-of-box rules with their names and precedences', () => {
  assert.equal(rules.source, 'builtin');
  assert.equal(rules.rules.length, 62);
  const byName = new Map(rules.rules.map((r) => [r.name, r]));
  assert.equal(byName.get('In from AD - User Join')?.precedence, 100);
  assert.equal(byName.get('In from AD - User Join')?.linkType, 'Provision');
  assert.equal(byName.get('In from AD - User AccountEnabled')?.precedence, 102);
  assert.equal(byName.get('In from AD - User Common')?.precedence, 106);
  assert.equal(byName.get('Out to AAD - User Join')?.precedence, 123);
  assert.equal(byName.get('Out to AAD - Group Join')?.precedence, 139);
  assert.equal(byName.get('In from AD - Computer Join')?.sourceObjectType, 'computer');
  for (const expected of ['In from AD - InetOrgPerson Join', 'In from AD - Group Join', 'In from AD - Contact Join', 'Out to AAD - Contact Join', 'Out to AAD - Device Join SOAInAD']) assert.ok(byName.has(expected), expected);
  // sorted by precedence
  assert.deepEqual(rules.rules.map((r) => r.precedence), [...rules.rules.map((r) => r.precedence)].sort((a, b) => a - b));
});

test('every expression of the generated out-of-box rules compiles', () => {
  let count = 0;
  for (const rule of outOfBoxRules) for (const flow of rule.flows) if (flow.type === 'Expression') {
    compileExpression(flow.expression!);
    count++;
  }
  assert.equal(count, 391);
});

test('a normal user: provisioned by In from AD - User Join, not cloud filtered, sourceAnchor = base64(objectGUID)', () => {
  const result = inbound(user());
  assert.equal(result.linkType, 'provision');
  assert.equal(result.metaverseObjectType, 'person');
  assert.deepEqual(result.appliedRules.map((r) => r.name).slice(0, 3), ['In from AD - User Join', 'In from AD - User AccountEnabled', 'In from AD - User Common']);
  assert.equal(values(result, 'cloudFiltered'), null);
  assert.deepEqual(values(result, 'sourceAnchor'), [objectGuidBase64]);
  assert.deepEqual(result.attributes.sourceAnchor!.lineage, { syncRule: 'In from AD - User AccountEnabled', mappingType: 'Expression', dataSource: result.attributes.sourceAnchor!.lineage.dataSource, precedence: 102 });
  assert.match(result.attributes.sourceAnchor!.lineage.dataSource, /mS-DS-ConsistencyGuid/);
  assert.deepEqual(values(result, 'sourceAnchorBinary'), [objectGuid]);
  assert.deepEqual(values(result, 'userPrincipalName'), ['jane.doe@contoso.com']);
  assert.deepEqual(values(result, 'accountEnabled'), [true]);
  assert.equal(result.attributes.accountEnabled!.lineage.mappingType, 'Constant');
  assert.deepEqual(values(result, 'domainFQDN'), ['corp.contoso.com']);
  assert.deepEqual(values(result, 'objectSidString'), ['S-1-5-21-1-2-3-1000']);
  assert.deepEqual(values(result, 'pwdLastSet'), ['20240117212000.0Z']);
  assert.deepEqual(values(result, 'sourceObjectType'), ['User']);
  assert.deepEqual(values(result, 'displayName'), ['Jane Doe']);
  // Exchange rules are out of scope for a user without Exchange attributes, and say why.
  const exchange = result.outOfScopeRules.find((r) => r.ruleName === 'In from AD - User Exchange');
  assert.ok(exchange);
  assert.equal(exchange.disabled, false);
  assert.ok(exchange.failedClauses.length >= 1);
});

test('sourceAnchor prefers mS-DS-ConsistencyGuid when present; objectGUID mode ignores it', () => {
  const withGuid = user({ 'mS-DS-ConsistencyGuid': [consistencyGuid] });
  assert.deepEqual(values(inbound(withGuid), 'sourceAnchor'), [Buffer.from(consistencyGuid).toString('base64')]);
  assert.deepEqual(values(inbound(withGuid), 'sourceAnchorBinary'), [consistencyGuid]);
  const guidRules = builtinRuleSet({ sourceAnchor: 'objectGUID' });
  const r = evaluateInbound(guidRules, 'corp.contoso.com', withGuid, context);
  assert.deepEqual(r.attributes.sourceAnchor!.values, [objectGuidBase64]);
});

test('a linked mailbox (msExchRecipientTypeDetails = 2) gets no sourceAnchor and no sourceObjectType', () => {
  const result = inbound(user({ msExchRecipientTypeDetails: ['2'] }));
  assert.equal(values(result, 'sourceAnchor'), null);
  assert.equal(values(result, 'sourceObjectType'), null);
});

test('UPN falls back to sAMAccountName@%Domain.FQDN%; without both it is ExpressionError "AccountName is not present"', () => {
  assert.deepEqual(values(inbound(user({}, ['userPrincipalName'])), 'userPrincipalName'), ['jdoe@corp.contoso.com']);
  assert.throws(
    () => inbound(user({}, ['userPrincipalName', 'sAMAccountName'])),
    (err: unknown) => err instanceof SyncError && err.code === 'ExpressionError' && err.reason === 'AccountName is not present' && err.details.syncRule === 'In from AD - User AccountEnabled' && err.details.attribute === 'userPrincipalName',
  );
});

test('a disabled user: AccountEnabled rule out of scope on its clause, accountEnabled False from User Common', () => {
  const result = inbound(user({ userAccountControl: ['514'] }));
  const out = result.outOfScopeRules.find((r) => r.ruleName === 'In from AD - User AccountEnabled');
  assert.deepEqual(out?.failedClauses, [{ attribute: 'userAccountControl', operator: 'ISBITNOTSET', value: '2', actual: '514' }]);
  assert.deepEqual(values(result, 'accountEnabled'), [false]);
  assert.equal(result.attributes.accountEnabled!.lineage.syncRule, 'In from AD - User Common');
  // The anchor still flows (from User Common), so a disabled user still reaches Entra ID.
  assert.deepEqual(values(result, 'sourceAnchor'), [objectGuidBase64]);
});

for (const [label, overrides] of [
  ['SUPPORT_388945a0', { sAMAccountName: ['SUPPORT_388945a0'] }],
  ['MSOL_ service account', { sAMAccountName: ['MSOL_0123456789ab'] }],
  ['AAD_ service account', { sAMAccountName: ['AAD_0123456789ab'] }],
  ['SystemMailbox', { mailNickname: ['SystemMailbox{1f05a927-1234}'] }],
  ['CAS_ mailbox', { sAMAccountName: ['CAS_{abcdef}'] }],
  ['a conflict (CNF) object', {}],
] as const) {
  test(`cloudFiltered is True for ${label}, and Out to AAD - User Join is out of scope`, () => {
    const cs = user(overrides as Record<string, string[]>);
    if (label.startsWith('a conflict')) cs.dn = 'CN=Jane Doe\\0ACNF:5b0c1234-aaaa-bbbb-cccc-1234567890ab,OU=Users,DC=corp,DC=contoso,DC=com';
    const result = inbound(cs);
    assert.deepEqual(values(result, 'cloudFiltered'), [true]);
    assert.equal(result.attributes.cloudFiltered!.lineage.syncRule, 'In from AD - User Join');
    const out = evaluateOutbound(rules, { objectType: 'person', attributes: toMetaverse(result.attributes) }, context);
    assert.equal(out.provision, false);
    const join = out.outOfScopeRules.find((r) => r.ruleName === 'Out to AAD - User Join');
    assert.deepEqual(join?.failedClauses, [{ attribute: 'cloudFiltered', operator: 'NOTEQUAL', value: 'True', actual: 'True' }]);
  });
}

test('isCriticalSystemObject and adminDescription User_ take the user out of the inbound Join rules', () => {
  const critical = inbound(user({ isCriticalSystemObject: ['TRUE'] }));
  // Only the scope-less Join rules remain: nothing projects the object into the metaverse.
  assert.equal(critical.linkType, 'join');
  assert.ok(!critical.appliedRules.some((r) => r.linkType === 'Provision'));
  assert.deepEqual(critical.outOfScopeRules.find((r) => r.ruleName === 'In from AD - User Join')?.failedClauses, [{ attribute: 'isCriticalSystemObject', operator: 'NOTEQUAL', value: 'TRUE', actual: 'TRUE' }]);
  // krbtgt and other built-in accounts are critical system objects: never provisioned.
  const krbtgt = inbound(user({ sAMAccountName: ['krbtgt'], isCriticalSystemObject: ['TRUE'], userAccountControl: ['514'] }));
  assert.ok(!krbtgt.appliedRules.some((r) => r.linkType === 'Provision'));
  assert.deepEqual(values(krbtgt, 'cloudFiltered'), undefined);
  const described = inbound(user({ adminDescription: ['User_abc'] }));
  assert.equal(described.appliedRules.some((r) => r.name === 'In from AD - User Join'), false);
  assert.equal(described.outOfScopeRules.find((r) => r.ruleName === 'In from AD - User Join')?.failedClauses[0]?.operator, 'NOTSTARTSWITH');
});

test('outbound for a user: Out to AAD - User Join provisions a user with the AAD connector attribute names', () => {
  const mv = toMetaverse(inbound(user()).attributes);
  const out = evaluateOutbound(rules, { objectType: 'person', attributes: mv }, context);
  assert.equal(out.provision, true);
  assert.equal(out.targetObjectType, 'user');
  assert.equal(out.appliedRules[0]?.name, 'Out to AAD - User Join');
  assert.ok(out.appliedRules.some((r) => r.name === 'Out to AAD - User Identity'));
  assert.ok(!out.appliedRules.some((r) => r.name.includes('Contact')));
  assert.deepEqual(out.attributes.sourceAnchor?.values, [objectGuidBase64]);
  assert.deepEqual(out.attributes.userPrincipalName?.values, ['jane.doe@contoso.com']);
  assert.deepEqual(out.attributes.accountEnabled?.values, [true]);
  assert.deepEqual(out.attributes.displayName?.values, ['Jane Doe']);
  assert.deepEqual(out.attributes.givenName?.values, ['Jane']);
  assert.deepEqual(out.attributes.surname?.values, ['Doe']);
  assert.deepEqual(out.attributes.onPremisesSamAccountName?.values, ['jdoe']);
  assert.deepEqual(out.attributes.proxyAddresses?.values, ['SMTP:jane.doe@contoso.com', 'smtp:jdoe@contoso.com']);
  assert.deepEqual(out.attributes.dn?.values, [`CN={${Buffer.from(objectGuidBase64, 'utf8').toString('hex').toUpperCase()}}`]);
  assert.equal(out.attributes.userPrincipalName?.lineage.mappingType, 'Direct');
});

test('outbound sourceAnchor guard: a changed cloud anchor is ExpressionError "SourceAnchor attribute has changed."', () => {
  const mv = toMetaverse(inbound(user()).attributes, { cloudSourceAnchor: ['c29tZXRoaW5nIGVsc2U='], cloudAnchor: ['User_abc'] });
  assert.throws(() => evaluateOutbound(rules, { objectType: 'person', attributes: mv }, context), (err: unknown) => err instanceof SyncError && err.code === 'ExpressionError' && err.reason === 'SourceAnchor attribute has changed.');
});

test('a security group provisions through Out to AAD - Group Join; a critical group does not', () => {
  const result = inbound(group());
  assert.equal(result.linkType, 'provision');
  assert.equal(result.metaverseObjectType, 'group');
  assert.deepEqual(values(result, 'securityEnabled'), [true]);
  assert.deepEqual(values(result, 'mailEnabled'), [false]);
  assert.deepEqual(values(result, 'memberCount'), [2]);
  assert.deepEqual(values(result, 'sourceAnchor'), [objectGuidBase64]);
  const out = evaluateOutbound(rules, { objectType: 'group', attributes: toMetaverse(result.attributes) }, context);
  assert.equal(out.provision, true);
  assert.equal(out.targetObjectType, 'group');
  assert.deepEqual(out.attributes.member?.values, group().attributes.member);
  const critical = inbound(group({ isCriticalSystemObject: ['TRUE'] }));
  assert.notEqual(critical.linkType, 'provision');
  const richCoex = inbound(group({ sAMAccountName: ['MSOL_AD_Sync_RichCoexistence'] }));
  assert.deepEqual(values(richCoex, 'cloudFiltered'), [true]);
});

test('a distribution group without mail is not provisioned (neither security- nor mail-enabled)', () => {
  const result = inbound(group({ groupType: ['2'] }));
  const out = evaluateOutbound(rules, { objectType: 'group', attributes: toMetaverse(result.attributes) }, context);
  assert.equal(out.provision, false);
  const failed = out.outOfScopeRules.find((r) => r.ruleName === 'Out to AAD - Group Join');
  assert.equal(failed?.failedClauses.length, 4);
});

test('a mail-enabled contact provisions as an Entra contact', () => {
  const result = inbound(contact());
  assert.equal(result.linkType, 'provision');
  assert.deepEqual(values(result, 'mailEnabled'), [true]);
  assert.deepEqual(values(result, 'sourceObjectType'), ['Contact']);
  const out = evaluateOutbound(rules, { objectType: 'person', attributes: toMetaverse(result.attributes) }, context);
  assert.equal(out.provision, true);
  assert.equal(out.targetObjectType, 'contact');
  assert.ok(!out.appliedRules.some((r) => r.name.startsWith('Out to AAD - User')));
  const noMail = evaluateOutbound(rules, { objectType: 'person', attributes: toMetaverse(inbound(contact({ mail: ['not-an-address'] })).attributes) }, context);
  assert.equal(noMail.provision, false);
});

test('a computer without userCertificate is cloud filtered; with one it becomes a device', () => {
  const bare = inbound(computer());
  assert.deepEqual(values(bare, 'cloudFiltered'), [true]);
  assert.equal(evaluateOutbound(rules, { objectType: 'device', attributes: toMetaverse(bare.attributes) }, context).provision, false);
  const withCert = inbound(computer({ userCertificate: [Uint8Array.from([0x30, 0x82, 0x01])] }));
  assert.equal(values(withCert, 'cloudFiltered'), null);
  assert.deepEqual(values(withCert, 'deviceTrustType'), ['ServerAd']);
  const out = evaluateOutbound(rules, { objectType: 'device', attributes: toMetaverse(withCert.attributes) }, context);
  assert.equal(out.provision, true);
  assert.equal(out.targetObjectType, 'device');
});

test('In from AAD rules run for the Entra connector and bring cloudSourceAnchor', () => {
  const result = evaluateInbound(rules, BUILTIN_ENTRA_CONNECTOR, { dn: 'CN={abc}', objectType: 'user', attributes: { sourceAnchor: [objectGuidBase64], cloudMastered: ['False'], cloudAnchor: ['User_123'] } }, context);
  assert.ok(result.appliedRules.some((r) => r.name === 'In from AAD - User Join'));
  assert.ok(!result.appliedRules.some((r) => r.name.startsWith('In from AD')));
  assert.deepEqual(result.attributes.cloudSourceAnchor?.values, [objectGuidBase64]);
});

test('join: the user joins a metaverse object on sourceAnchorBinary (ConsistencyGuid group first)', () => {
  const cs = user({ 'mS-DS-ConsistencyGuid': [consistencyGuid] });
  const result = inbound(cs);
  const joined = findJoin(result.rules, cs, [
    { id: 'mv-1', attributes: { sourceAnchorBinary: [objectGuid] } },
    { id: 'mv-2', attributes: { sourceAnchorBinary: [consistencyGuid] } },
  ]);
  assert.deepEqual(joined.status === 'joined' && [joined.candidateId, joined.syncRule, joined.group], ['mv-2', 'In from AD - User Join', 0]);
  const fallback = findJoin(result.rules, user(), [{ id: 'mv-1', attributes: { sourceAnchorBinary: [objectGuid] } }]);
  assert.equal(fallback.status === 'joined' && fallback.group, 1);
  assert.equal(findJoin(result.rules, user(), [{ id: 'x', attributes: { sourceAnchorBinary: [consistencyGuid] } }]).status, 'noMatch');
});

test('groups sync up to 250,000 members ("Groups need fewer than 250k members"), not the exported build\'s 50,000', () => {
  const mvOf = (memberCount: number, extra: Record<string, unknown[]> = {}) => ({ ...toMetaverse(inbound(group()).attributes), memberCount: [memberCount], ...extra });
  const outbound = (mv: ReturnType<typeof mvOf>, connectedToTarget = false) => evaluateOutbound(rules, { objectType: 'group', attributes: mv as never }, { ...context, connectedToTarget });
  assert.equal(outbound(mvOf(60_000)).provision, true, 'a new group of 60,000 members is created');
  assert.equal(outbound(mvOf(249_999)).provision, true);
  const tooLarge = outbound(mvOf(250_000));
  assert.equal(tooLarge.provision, false, 'a new group of 250,000 is not');
  assert.match(JSON.stringify(tooLarge.outOfScopeRules.find((r) => r.ruleName === 'Out to AAD - Group Join')), /"memberCount","operator":"LESSTHAN","value":"250000"/);
  // Connected (cloudAnchor from the cloud object): in scope, and the member flow refuses above the limit.
  const connected = { cloudAnchor: ['Group_abc'] };
  assert.equal(outbound(mvOf(250_000, connected), true).provision, true);
  assert.throws(() => outbound(mvOf(250_001, connected), true), (err: unknown) => err instanceof SyncError && err.reason === 'Maximum Group member count exceeded');
  assert.doesNotThrow(() => outbound(mvOf(60_000, connected), true));
});

test('no empty strings flow: a user without info gets no info (Left(Trim([info]),448) is "" for NULL, as the functions reference says); a blank department none either', () => {
  const result = inbound(user({ department: ['   '] }, ['info']));
  assert.ok(!result.attributes.info?.values?.length, 'no info value');
  assert.ok(!result.attributes.department?.values?.length, 'no department value');
  const withInfo = inbound(user({ info: [' note '] }));
  assert.deepEqual(values(withInfo, 'info'), ['note']);
});
