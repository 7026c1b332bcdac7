// Three documented behaviours of declarative provisioning, from Microsoft's "Microsoft Entra
// Connect Sync: Understanding Declarative Provisioning" (MicrosoftDocs/entra-docs,
// docs/identity/hybrid/connect/concept-azure-ad-connect-sync-declarative-provisioning.md):
//   - Join: one sync rule with join rules in scope per object (JoinRulesConflict otherwise);
//   - Merging attribute values: one merge type per attribute (MergeTypeConflict otherwise);
//   - Apply once: the attribute is set only when the object is initially created.
// And the out-of-box rule set, for every object kind, meets none of the two errors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertSameMergeTypes, assertSingleJoinRule, BUILTIN_ENTRA_CONNECTOR, builtinRuleDefinitions, builtinRuleSet, createRuleSet, evaluateInbound, evaluateOutbound, hasJoinCriteria,
  targetIsCreated, type EvaluationContext, type RuleDefinition, type RuleSet, type SyncRule,
} from '../../../../src/engine/rules';
import type { Attributes } from '../../../../src/engine/model/attributes';
import { syncErrorOf } from '../../../support/sync-error-of';
import { computer, consistencyGuid, contact, context, group, objectGuid, objectGuidBase64, objectSid, toMetaverse, user } from './objects';

const AD = 'corp.contoso.com';
const ENTRA = 'AAD';

function rule(name: string, precedence: number, extra: Partial<RuleDefinition> = {}): RuleDefinition {
  return { name, direction: 'inbound', connector: '*', connectorKind: 'activeDirectory', sourceObjectType: 'user', targetObjectType: 'person', linkType: 'Join', precedence, scope: [], join: [], flows: [], ...extra };
}
const outboundRule = (name: string, precedence: number, extra: Partial<RuleDefinition> = {}): RuleDefinition =>
  rule(name, precedence, { direction: 'outbound', connectorKind: 'entra', sourceObjectType: 'person', targetObjectType: 'user', ...extra });
const set = (...defs: RuleDefinition[]) => createRuleSet('serverConfiguration', defs, { entraConnector: ENTRA });
const cs = (attributes: Attributes = {}) => ({ dn: 'CN=Jane Doe,OU=Users,DC=corp,DC=contoso,DC=com', objectType: 'user', attributes: { cn: ['Jane Doe'], employeeID: ['1001'], ...attributes } });
const onEmployeeId = [[{ source: 'employeeID', target: 'employeeID' }]];
const onObjectSid = [[{ source: 'objectSid', target: 'objectSid' }], [{ source: 'msExchMasterAccountSid', target: 'objectSid' }]];

describe('"An object should only have one single sync rule with join rules in scope. If there are multiple sync rules where join is defined, an error occurs. Precedence isn\'t used to resolve join conflicts."', () => {
  test('two rules in scope with different join rules: JoinRulesConflict, naming both, whatever their precedence', () => {
    const rs = set(rule('Custom - In from AD - User Join', 1, { linkType: 'Provision', join: onEmployeeId }), rule('In from AD - User Join', 100, { linkType: 'Provision', join: onObjectSid }));
    const error = syncErrorOf(() => evaluateInbound(rs, AD, cs(), context));
    assert.equal(error.code, 'JoinRulesConflict');
    assert.equal(error.category, 'nonServiceFailure');
    assert.match(error.reason, /\(inbound, connector corp\.contoso\.com\)/);
    assert.match(error.reason, /"Custom - In from AD - User Join" \(Provision, precedence 1\) joining on \(employeeID = employeeID\); "In from AD - User Join" \(Provision, precedence 100\) joining on \(objectSid = objectSid\), then \(msExchMasterAccountSid = objectSid\)/);
    assert.match(error.reason, /precedence is not used to resolve a join conflict/);
    assert.match(error.recommendedAction, /Disable one of these rules, or make their scoping filters exclusive/);
    assert.equal(error.documentationUrl, 'https://learn.microsoft.com/entra/identity/hybrid/connect/concept-azure-ad-connect-sync-declarative-provisioning#join');
    assert.equal(error.details.ruleCount, 2);
    // A Join rule (not Provision) with join rules counts as well.
    const joinAndJoin = set(rule('A', 10, { join: onEmployeeId }), rule('B', 20, { join: onObjectSid }));
    assert.equal(syncErrorOf(() => evaluateInbound(joinAndJoin, AD, cs(), context)).code, 'JoinRulesConflict');
  });

  test('a rule without join rules does not count ("In from AD - User AccountEnabled" is a Join rule that only flows attributes)', () => {
    const rs = set(
      rule('In from AD - User Join', 100, { linkType: 'Provision', join: onObjectSid, flows: [{ target: 'cloudFiltered', type: 'Constant', value: 'False' }] }),
      rule('In from AD - User AccountEnabled', 102, { scope: [[{ attribute: 'userAccountControl', operator: 'ISBITNOTSET', value: '2' }]], flows: [{ target: 'accountEnabled', type: 'Constant', value: 'True' }] }),
      rule('Empty join group', 103, { join: [[]] }),
    );
    const result = evaluateInbound(rs, AD, cs({ userAccountControl: ['512'] }), context);
    assert.deepEqual(result.appliedRules.map((r) => r.name), ['In from AD - User Join', 'In from AD - User AccountEnabled', 'Empty join group']);
    assert.deepEqual(result.rules.filter(hasJoinCriteria).map((r) => r.name), ['In from AD - User Join']);
  });

  test('only rules in scope count: out of scope or disabled, a second join rule is no conflict; in scope, it is', () => {
    const scoped = (disabled = false) => set(
      rule('In from AD - User Join', 100, { linkType: 'Provision', join: onObjectSid }),
      rule('Custom - contractors', 1, { linkType: 'Provision', join: onEmployeeId, disabled, scope: [[{ attribute: 'employeeType', operator: 'EQUAL', value: 'Contractor' }]] }),
    );
    assert.doesNotThrow(() => evaluateInbound(scoped(), AD, cs({ employeeType: ['Employee'] }), context));
    assert.doesNotThrow(() => evaluateInbound(scoped(true), AD, cs({ employeeType: ['Contractor'] }), context));
    assert.equal(syncErrorOf(() => evaluateInbound(scoped(), AD, cs({ employeeType: ['Contractor'] }), context)).code, 'JoinRulesConflict');
  });

  test('only rules of the same direction and connector count', () => {
    const rs = set(
      rule('In from AD - User Join', 100, { linkType: 'Provision', join: onObjectSid }),
      rule('In from Fabrikam - User Join', 90, { connector: 'fabrikam.com', linkType: 'Provision', join: onEmployeeId }),
      rule('In from AAD - User Join', 119, { connectorKind: 'entra', join: [[{ source: 'sourceAnchor', target: 'sourceAnchor' }]] }),
      outboundRule('Out to AAD - User Join', 123, { linkType: 'Provision', join: [[{ source: 'sourceAnchor', target: 'sourceAnchor' }]] }),
    );
    assert.doesNotThrow(() => evaluateInbound(rs, AD, cs(), context));
    assert.equal(syncErrorOf(() => evaluateInbound(rs, 'fabrikam.com', cs(), context)).code, 'JoinRulesConflict', 'for fabrikam.com both "*" and its own rule apply');
  });

  test('rules with the same join rules do not conflict (the out-of-box "Out to AAD - Group ..." rules all join sourceAnchor to sourceAnchor)', () => {
    const same = set(
      rule('A', 10, { linkType: 'Provision', join: [[{ source: 'objectSid', target: 'objectSid' }, { source: 'mail', target: 'mail' }]] }),
      rule('B', 20, { join: [[{ source: 'Mail', target: 'MAIL' }, { source: 'objectSid', target: 'objectSid' }]] }),
    );
    assert.doesNotThrow(() => evaluateInbound(same, AD, cs(), context), 'conditions of a group in another order or case are the same join');
    const otherOrder = set(rule('A', 10, { linkType: 'Provision', join: onObjectSid }), rule('B', 20, { join: [...onObjectSid].reverse() }));
    assert.equal(syncErrorOf(() => evaluateInbound(otherOrder, AD, cs(), context)).code, 'JoinRulesConflict', 'groups are tried in order: another order is another join');
    const caseSensitive = set(rule('A', 10, { linkType: 'Provision', join: onEmployeeId }), rule('B', 20, { join: [[{ source: 'employeeID', target: 'employeeID', caseSensitive: true }]] }));
    assert.equal(syncErrorOf(() => evaluateInbound(caseSensitive, AD, cs(), context)).code, 'JoinRulesConflict');
  });

  test('outbound: the rules for the one target object type count; a rule for another type does not', () => {
    const anchor = [[{ source: 'sourceAnchor', target: 'sourceAnchor' }]];
    const mv = { objectType: 'person', attributes: { sourceAnchor: ['abc'], sourceObjectType: ['User'] } };
    const rs = (second: Partial<RuleDefinition>) => set(outboundRule('Out to AAD - User Join', 123, { linkType: 'Provision', join: anchor }), outboundRule('Out to AAD - Custom', 124, second));
    assert.doesNotThrow(() => evaluateOutbound(rs({ join: anchor }), mv, context));
    assert.doesNotThrow(() => evaluateOutbound(rs({ join: [[{ source: 'mail', target: 'mail' }]], targetObjectType: 'contact' }), mv, context));
    const error = syncErrorOf(() => evaluateOutbound(rs({ join: [[{ source: 'mail', target: 'mail' }]] }), mv, context));
    assert.equal(error.code, 'JoinRulesConflict');
    assert.match(error.reason, /\(outbound, connector AAD\)/);
    assert.match(error.reason, /"Out to AAD - User Join" \(Provision, precedence 123\) joining on \(sourceAnchor = sourceAnchor\); "Out to AAD - Custom" \(Join, precedence 124\) joining on \(mail = mail\)/);
  });

  test('a custom Provision rule with join rules beside the out-of-box "In from AD - User Join" (as in dsccommunity/DscConfig.AADConnect\'s AADSyncRules.yml)', () => {
    const custom = rule('01 - ContosoGroup Custom - A01 - In from AD - User Join', 1, {
      linkType: 'Provision',
      scope: [[{ attribute: 'employeeType', operator: 'EQUAL', value: 'P' }]],
      join: [[{ source: 'objectSid', target: 'objectSid' }], [{ source: 'mail', target: 'mail' }]],
    });
    const rs = createRuleSet('serverConfiguration', [...builtinRuleDefinitions(), custom], { entraConnector: BUILTIN_ENTRA_CONNECTOR });
    const error = syncErrorOf(() => evaluateInbound(rs, AD, user({ employeeType: ['P'] }), context));
    assert.equal(error.code, 'JoinRulesConflict');
    assert.match(error.reason, /"01 - ContosoGroup Custom - A01 - In from AD - User Join" \(Provision, precedence 1\)/);
    assert.match(error.reason, /"In from AD - User Join" \(Provision, precedence 100\) joining on \(mS-DS-ConsistencyGuid = sourceAnchorBinary\), then \(objectGUID = sourceAnchorBinary\)/);
    assert.doesNotThrow(() => evaluateInbound(rs, AD, user({ employeeType: ['T'] }), context), 'out of the custom rule\'s scope, only the out-of-box rule joins');
  });
});

const expr = (target: string, expression: string, mergeType: NonNullable<RuleDefinition['flows'][number]['mergeType']>) => ({ target, type: 'Expression' as const, expression, mergeType });

describe('"all sync rules in scope for an object must use the same merge type. You can\'t define Update from one Connector and Merge from another. If you try, you receive an error."', () => {
  test('Update and Merge on one attribute: MergeTypeConflict naming the attribute and the rules (the Update rule\'s values were dropped before)', () => {
    const rs = set(
      rule('In from AD - User ProxyAddresses Merge', 50, { flows: [expr('proxyAddresses', '"smtp:" & [cn] & "@legacy.contoso.com"', 'Merge')] }),
      rule('In from AD - User Common', 106, { linkType: 'Provision', flows: [expr('proxyAddresses', '"SMTP:jane@contoso.com"', 'Update'), expr('displayName', '[cn]', 'Update')] }),
    );
    const error = syncErrorOf(() => evaluateInbound(rs, AD, cs(), context));
    assert.equal(error.code, 'MergeTypeConflict');
    assert.equal(error.details.attribute, 'proxyAddresses');
    assert.equal(error.reason, 'The sync rules in scope for this object (inbound) flow the attribute proxyAddresses with different merge types: "In from AD - User ProxyAddresses Merge" (precedence 50): Merge; "In from AD - User Common" (precedence 106): Update. All sync rules in scope for an object must use the same merge type for an attribute, so the object is not synchronized.');
    assert.match(error.recommendedAction, /Give every flow to proxyAddresses in these rules the same merge type/);
    assert.equal(error.documentationUrl, 'https://learn.microsoft.com/entra/identity/hybrid/connect/concept-azure-ad-connect-sync-declarative-provisioning#merging-attribute-values');
  });

  test('it is the rules in scope that must agree, whatever their flows give (a NULL, an IgnoreThisFlow)', () => {
    const rs = set(rule('M', 10, { linkType: 'Provision', flows: [expr('p', '"a"', 'Merge')] }), rule('U', 20, { flows: [expr('p', 'IgnoreThisFlow', 'Update')] }));
    assert.equal(syncErrorOf(() => evaluateInbound(rs, AD, cs(), context)).code, 'MergeTypeConflict');
    const nullMerge = set(rule('M', 10, { linkType: 'Provision', flows: [expr('p', 'NULL', 'Merge')] }), rule('U', 20, { flows: [expr('p', '"b"', 'Update')] }));
    assert.equal(syncErrorOf(() => evaluateInbound(nullMerge, AD, cs(), context)).code, 'MergeTypeConflict');
  });

  test('Merge beside MergeCaseInsensitive is an error too: two merge types, and "must use the same merge type"', () => {
    const rs = set(rule('A', 10, { linkType: 'Provision', flows: [expr('proxyAddresses', '"SMTP:a@x.com"', 'MergeCaseInsensitive')] }), rule('B', 20, { flows: [expr('proxyAddresses', '"smtp:A@X.COM"', 'Merge')] }));
    const error = syncErrorOf(() => evaluateInbound(rs, AD, cs(), context));
    assert.equal(error.code, 'MergeTypeConflict');
    assert.match(error.reason, /"A" \(precedence 10\): MergeCaseInsensitive; "B" \(precedence 20\): Merge/);
  });

  test('"The option Replace is the same as Update": Replace beside Update is no conflict and precedence decides; Replace beside Merge is', () => {
    const rs = set(rule('R', 10, { linkType: 'Provision', flows: [expr('title', '"from R"', 'Replace')] }), rule('U', 20, { flows: [expr('title', '"from U"', 'Update')] }));
    assert.deepEqual(evaluateInbound(rs, AD, cs(), context).attributes.title?.values, ['from R']);
    const merge = set(rule('R', 10, { linkType: 'Provision', flows: [expr('title', '"from R"', 'Replace')] }), rule('M', 20, { flows: [expr('title', '"from M"', 'Merge')] }));
    assert.match(syncErrorOf(() => evaluateInbound(merge, AD, cs(), context)).reason, /"R" \(precedence 10\): Update; "M" \(precedence 20\): Merge/);
  });

  test('different merge types on different attributes, or on a rule out of scope, are no conflict', () => {
    const rs = set(
      rule('A', 10, { linkType: 'Provision', flows: [expr('proxyAddresses', '"smtp:a@x.com"', 'Merge'), expr('title', '"t"', 'Update')] }),
      rule('B', 20, { flows: [expr('proxyAddresses', '"smtp:b@x.com"', 'Merge'), expr('department', '"d"', 'Update')] }),
      rule('C', 30, { scope: [[{ attribute: 'employeeType', operator: 'EQUAL', value: 'Legacy' }]], flows: [expr('proxyAddresses', '"smtp:c@x.com"', 'Update')] }),
    );
    assert.deepEqual(evaluateInbound(rs, AD, cs(), context).attributes.proxyAddresses?.values, ['smtp:a@x.com', 'smtp:b@x.com']);
    assert.equal(syncErrorOf(() => evaluateInbound(rs, AD, cs({ employeeType: ['Legacy'] }), context)).code, 'MergeTypeConflict');
  });

  test('outbound rules must agree as well', () => {
    const rs = set(outboundRule('Out to AAD - User Join', 123, { linkType: 'Provision', flows: [expr('proxyAddresses', '"SMTP:a@x.com"', 'Update')] }), outboundRule('Out to AAD - Custom', 200, { flows: [expr('proxyAddresses', '"smtp:b@x.com"', 'MergeCaseInsensitive')] }));
    const error = syncErrorOf(() => evaluateOutbound(rs, { objectType: 'person', attributes: {} }, context));
    assert.equal(error.code, 'MergeTypeConflict');
    assert.match(error.reason, /\(outbound\)/);
  });

  test('"from one Connector ... from another": assertSameMergeTypes checks the rules of several connectors flowing into one object', () => {
    const rs = set(rule('In from AD - Custom', 50, { flows: [expr('proxyAddresses', '"smtp:a@x.com"', 'Update')] }), rule('In from AAD - Custom', 60, { connectorKind: 'entra', flows: [expr('proxyAddresses', '"smtp:b@x.com"', 'Merge')] }));
    const fromAd = evaluateInbound(rs, AD, cs(), context).rules;
    const fromEntra = evaluateInbound(rs, ENTRA, cs(), context).rules;
    assert.doesNotThrow(() => assertSameMergeTypes(fromAd));
    assert.doesNotThrow(() => assertSameMergeTypes(fromEntra));
    assert.equal(syncErrorOf(() => assertSameMergeTypes([...fromAd, ...fromEntra])).code, 'MergeTypeConflict');
  });
});

describe('"The Apply once checkbox defines that the attribute should only be set when the object is initially created."', () => {
  const once = (extra: Partial<RuleDefinition> = {}) => rule('A', 10, { linkType: 'Provision', flows: [{ target: 'initialPassword', type: 'Constant', value: 'first', applyOnce: true }, { target: 'title', type: 'Constant', value: 'every time' }], ...extra });

  test('inbound: a metaverse object projected now gets the value; an existing one does not, even without a value for the attribute', () => {
    const rs = set(once());
    const created = evaluateInbound(rs, AD, cs(), context);
    assert.deepEqual(created.attributes.initialPassword?.values, ['first']);
    const existingWithout = evaluateInbound(rs, AD, cs(), { ...context, existingTarget: { title: ['every time'] } });
    assert.equal(existingWithout.attributes.initialPassword, undefined, 'the existing metaverse object lacks the attribute: still not set');
    assert.deepEqual(existingWithout.attributes.title?.values, ['every time'], 'the other flows run');
    assert.equal(evaluateInbound(rs, AD, cs(), { ...context, existingTarget: {} }).attributes.initialPassword, undefined, 'an existing object with no attribute at all');
    assert.equal(evaluateInbound(rs, AD, cs(), { ...context, existingTarget: { initialPassword: ['kept'] } }).attributes.initialPassword, undefined);
  });

  test('outbound: an object provisioned now gets the value; an object connected before does not, even without a value for the attribute', () => {
    const rs = set(once({ direction: 'outbound', connectorKind: 'entra', sourceObjectType: 'person', targetObjectType: 'user' }));
    const mv = { objectType: 'person', attributes: { cn: ['Jane'] } };
    // As the pipeline asks: step 8 projects "as for a new object", step 9 with the imported cloud object.
    assert.deepEqual(evaluateOutbound(rs, mv, { ...context, existingTarget: {}, connectedToTarget: false }).attributes.initialPassword?.values, ['first']);
    assert.deepEqual(evaluateOutbound(rs, mv, context).attributes.initialPassword?.values, ['first']);
    const connected = evaluateOutbound(rs, mv, { ...context, existingTarget: { displayName: ['Jane'] }, connectedToTarget: true });
    assert.equal(connected.attributes.initialPassword, undefined, 'the cloud object lacks the attribute: still not set');
    assert.deepEqual(connected.attributes.title?.values, ['every time']);
    assert.equal(evaluateOutbound(rs, mv, { ...context, existingTarget: { displayName: ['Jane'] } }).attributes.initialPassword, undefined, 'a target with attributes exists');
  });

  test('a caller may say it outright (creatingTarget)', () => {
    const rs = set(once());
    assert.deepEqual(evaluateInbound(rs, AD, cs(), { ...context, existingTarget: {}, creatingTarget: true }).attributes.initialPassword?.values, ['first']);
    assert.equal(evaluateInbound(rs, AD, cs(), { ...context, creatingTarget: false }).attributes.initialPassword, undefined);
  });

  test('skipped on an existing object, an apply-once flow contributes nothing: a lower-precedence rule\'s value flows', () => {
    const rs = set(once(), rule('B', 20, { flows: [{ target: 'initialPassword', type: 'Constant', value: 'from B' }] }));
    assert.deepEqual(evaluateInbound(rs, AD, cs(), context).attributes.initialPassword?.values, ['first']);
    const existing = evaluateInbound(rs, AD, cs(), { ...context, existingTarget: {} }).attributes.initialPassword;
    assert.deepEqual(existing?.values, ['from B']);
    assert.equal(existing?.lineage.syncRule, 'B');
  });

  test('targetIsCreated: inbound by the metaverse object, outbound by the connection and the connector-space object', () => {
    const base: EvaluationContext = { parameters: {} };
    assert.equal(targetIsCreated(base, 'inbound'), true);
    assert.equal(targetIsCreated({ ...base, existingTarget: {} }, 'inbound'), false);
    assert.equal(targetIsCreated(base, 'outbound'), true);
    assert.equal(targetIsCreated({ ...base, existingTarget: {}, connectedToTarget: false }, 'outbound'), true);
    assert.equal(targetIsCreated({ ...base, existingTarget: { department: [] } }, 'outbound'), true, 'an attribute without values is no object');
    assert.equal(targetIsCreated({ ...base, existingTarget: {}, connectedToTarget: true }, 'outbound'), false);
    assert.equal(targetIsCreated({ ...base, existingTarget: { displayName: ['x'] } }, 'outbound'), false);
    assert.equal(targetIsCreated({ ...base, existingTarget: { displayName: ['x'] }, creatingTarget: true }, 'outbound'), true);
  });
});

describe('the out-of-box rule set meets neither error, for any object kind', () => {
  const kinds = ['mS-DS-ConsistencyGuid', 'objectGUID'].map((sourceAnchor) => ({ sourceAnchor, rules: builtinRuleSet({ sourceAnchor }) }));
  const certificate = Uint8Array.from([0x30, 0x82, 0x01]);
  const deviceId = Uint8Array.from(Buffer.from('0123456789abcdef0123456789abcdef', 'hex'));
  const inetOrgPerson = (attributes: Attributes = {}) => ({ ...user(attributes), dn: 'CN=Ina Org,OU=Users,DC=corp,DC=contoso,DC=com', objectType: 'inetOrgPerson' });
  const mailbox = { mailNickname: ['jdoe'], msExchRecipientTypeDetails: ['1'], homeMDB: ['CN=DB01,CN=Databases,DC=corp,DC=contoso,DC=com'], legacyExchangeDN: ['/o=Contoso/ou=Exchange/cn=Recipients/cn=jdoe'] };
  const adObjects: Array<[string, { dn: string; objectType: string; attributes: Attributes }]> = [
    ['an enabled user', user()],
    ['a disabled user', user({ userAccountControl: ['514'] })],
    ['a user with mS-DS-ConsistencyGuid', user({ 'mS-DS-ConsistencyGuid': [consistencyGuid] })],
    ['a user with an Exchange mailbox', user(mailbox)],
    ['a linked mailbox', user({ ...mailbox, msExchRecipientTypeDetails: ['2'], msExchMasterAccountSid: [objectSid] })],
    ['a user with Lync attributes', user({ 'msRTCSIP-PrimaryUserAddress': ['sip:jane.doe@contoso.com'], 'msRTCSIP-UserEnabled': ['TRUE'] })],
    ['a critical system user', user({ isCriticalSystemObject: ['TRUE'] })],
    ['a user written back from the cloud (adminDescription User_)', user({ adminDescription: ['User_abc'] })],
    ['an inetOrgPerson', inetOrgPerson()],
    ['a disabled inetOrgPerson with a mailbox', inetOrgPerson({ userAccountControl: ['514'], ...mailbox })],
    ['a security group', group()],
    ['a mail-enabled distribution group', group({ groupType: ['8'], mail: ['sales@contoso.com'], proxyAddresses: ['SMTP:sales@contoso.com'], mailNickname: ['sales'] })],
    ['a mail-enabled security group', group({ mail: ['sales@contoso.com'], proxyAddresses: ['SMTP:sales@contoso.com', 'X500:/o=Contoso/cn=sales'] })],
    ['a group written back from the cloud (adminDescription Group_)', group({ adminDescription: ['Group_abc'] })],
    ['a contact', contact()],
    ['a mail-enabled contact', contact({ proxyAddresses: ['SMTP:pat@partner.example'], mailNickname: ['pat'], targetAddress: ['SMTP:pat@partner.example'] })],
    ['a contact without mail', contact({ mail: [] })],
    ['a computer', computer()],
    ['a computer with a certificate', computer({ userCertificate: [certificate] })],
    ['a registered device (msDS-Device)', { dn: 'CN=dev1,CN=RegisteredDevices,DC=corp,DC=contoso,DC=com', objectType: 'msDS-Device', attributes: { objectGUID: [objectGuid], 'msDS-DeviceID': [deviceId], 'msDS-CloudAnchor': ['Device_abc'], displayName: ['dev1'] } }],
    ['a foreign security principal', { dn: 'CN=S-1-5-21-1-2-3-1104,CN=ForeignSecurityPrincipals,DC=corp,DC=contoso,DC=com', objectType: 'foreignSecurityPrincipal', attributes: { cn: ['S-1-5-21-1-2-3-1104'], objectSid: [objectSid] } }],
  ];
  const entraObjects: Array<[string, { dn: string; objectType: string; attributes: Attributes }]> = [
    ['a synchronized cloud user', { dn: '', objectType: 'user', attributes: { sourceAnchor: [objectGuidBase64], cloudAnchor: ['User_abc'], cloudMastered: [false], userPrincipalName: ['jane.doe@contoso.com'] } }],
    ['a cloud-mastered user', { dn: '', objectType: 'user', attributes: { cloudAnchor: ['User_def'], cloudMastered: [true] } }],
    ['a synchronized cloud group', { dn: '', objectType: 'group', attributes: { sourceAnchor: [objectGuidBase64], cloudAnchor: ['Group_abc'], cloudMastered: [false] } }],
    ['a synchronized cloud contact', { dn: '', objectType: 'contact', attributes: { sourceAnchor: [objectGuidBase64], cloudAnchor: ['Contact_abc'], cloudMastered: [false] } }],
  ];

  /** The rules applied to the object, inbound and outbound, new and connected; throws what the engine throws. */
  function evaluateAll(rules: RuleSet, connector: string, object: { dn: string; objectType: string; attributes: Attributes }): string[] {
    const applied: string[] = [];
    for (const existingTarget of [undefined, { cn: ['stored'] }]) {
      const inbound = evaluateInbound(rules, connector, object, { ...context, ...(existingTarget ? { existingTarget } : {}) });
      applied.push(...inbound.appliedRules.map((r) => r.name));
      if (!inbound.metaverseObjectType || inbound.metaverseObjectType === '*') continue;
      const mv = toMetaverse(inbound.attributes);
      for (const connected of [false, true]) {
        const outbound = evaluateOutbound(rules, { objectType: inbound.metaverseObjectType, attributes: connected ? { ...mv, cloudAnchor: ['Object_abc'] } : mv }, { ...context, existingTarget: connected ? { displayName: ['x'] } : {}, connectedToTarget: connected });
        applied.push(...outbound.appliedRules.map((r) => r.name));
      }
    }
    return applied;
  }

  for (const { sourceAnchor, rules } of kinds) {
    test(`sourceAnchor ${sourceAnchor}: users, inetOrgPersons, groups, contacts, computers, devices, foreign security principals and the "In from AAD" objects`, () => {
      const applied = new Set<string>();
      for (const [label, object] of adObjects) {
        assert.doesNotThrow(() => evaluateAll(rules, AD, object).forEach((name) => applied.add(name)), label);
      }
      for (const [label, object] of entraObjects) {
        assert.doesNotThrow(() => evaluateAll(rules, BUILTIN_ENTRA_CONNECTOR, object).forEach((name) => applied.add(name)), label);
      }
      // The objects reach the rules with join rules of every kind, the outbound group rules that share theirs included.
      for (const name of ['In from AD - User Join', 'In from AD - InetOrgPerson Join', 'In from AD - Group Join', 'In from AD - Contact Join', 'In from AD - Computer Join', 'In from AD - Device Common',
        'In from AD - ForeignSecurityPrincipal Join User', 'In from AAD - User Join', 'In from AAD - Group Join', 'In from AAD - Contact Join', 'Out to AAD - User Join', 'Out to AAD - Group Join',
        'Out to AAD - Group Identity', 'Out to AAD - Group ExchangeOnline', 'Out to AAD - Contact Join', 'Out to AAD - Device Join SOAInAD']) {
        assert.ok(applied.has(name), `${name} applied to one of the objects`);
      }
    });
  }

  test('a group is in scope of seven outbound rules with join rules, all the same: no conflict', () => {
    const rules = builtinRuleSet();
    const mv = toMetaverse(evaluateInbound(rules, AD, group(), context).attributes);
    const outbound = evaluateOutbound(rules, { objectType: 'group', attributes: mv }, { ...context, existingTarget: {}, connectedToTarget: false });
    assert.deepEqual(outbound.rules.filter(hasJoinCriteria).map((r) => r.name), ['Out to AAD - Group Join', 'Out to AAD - Group Identity', 'Out to AAD - Group ExchangeOnline', 'Out to AAD - Group DynamicsCRM', 'Out to AAD - Group Intune', 'Out to AAD - Group LyncOnline', 'Out to AAD - Group SharePointOnline']);
  });

  /** Could the two rules be in scope for one object together: same direction and connector kind, types that meet? Scopes aside. */
  const meet = (a: string, b: string) => a === '*' || b === '*' || a.toLowerCase() === b.toLowerCase();
  const together = (a: SyncRule, b: SyncRule) => a.direction === b.direction && a.connectorKind === b.connectorKind && meet(a.sourceObjectType, b.sourceObjectType) && meet(a.targetObjectType, b.targetObjectType);

  test('whatever their scopes, no two out-of-box rules that can meet on one object have different join rules (the "Out to AD" rules too)', () => {
    for (const { rules } of kinds) {
      const joining = rules.rules.filter(hasJoinCriteria);
      for (const a of joining) for (const b of joining) {
        if (a !== b && together(a, b)) assert.doesNotThrow(() => assertSingleJoinRule([a, b], a.direction, 'any'), `${a.name} / ${b.name}`);
      }
    }
  });

  test('whatever their scopes, no two out-of-box rules that can meet on one object flow an attribute with different merge types', () => {
    for (const { rules } of kinds) {
      for (const a of rules.rules) for (const b of rules.rules) {
        if (a.precedence < b.precedence && together(a, b)) assert.doesNotThrow(() => assertSameMergeTypes([a, b]), `${a.name} / ${b.name}`);
      }
    }
    // The merging flows there are: proxyAddresses to AD and a device's userCertificate, each alone on its attribute.
    const merging = builtinRuleSet().rules.flatMap((r) => r.flows.filter((f) => f.mergeType === 'Merge' || f.mergeType === 'MergeCaseInsensitive').map((f) => `${r.name}: ${f.target}`));
    assert.deepEqual(merging, ['Out to AD - Contact Exchange Hybrid: proxyAddresses', 'Out to AD - Group Exchange Hybrid: proxyAddresses', 'Out to AD - InetOrgPerson Exchange Hybrid: proxyAddresses', 'Out to AD - User Exchange Hybrid: proxyAddresses', 'Out to AAD - Device Join SOAInAD: userCertificate']);
  });
});
