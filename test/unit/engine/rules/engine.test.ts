// The rule engine on hand-written rules: precedence and the NULL / AuthoritativeNull /
// IgnoreThisFlow literals, merge types, apply once, every scope operator, disabled rules,
// connector matching, join groups and load-time errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clauseHolds, compileRule, createRuleSet, evaluateInbound, evaluateOutbound, findJoin, type JoinCandidate, type RuleDefinition, type ScopeOperator } from '../../../../src/engine/rules';
import { SyncError } from '../../../../src/engine/errors/sync-error';
import type { EvaluationContext } from '../../../../src/engine/rules';

const ctx: EvaluationContext = { parameters: { 'Connector.ID': '{C1}', 'Domain.FQDN': 'corp.contoso.com' } };

function rule(name: string, precedence: number, flows: RuleDefinition['flows'], extra: Partial<RuleDefinition> = {}): RuleDefinition {
  return { name, direction: 'inbound', connector: '*', connectorKind: 'activeDirectory', sourceObjectType: 'user', targetObjectType: 'person', linkType: 'Join', precedence, scope: [], join: [], flows, ...extra };
}
const expr = (target: string, expression: string, mergeType: 'Update' | 'Merge' | 'MergeCaseInsensitive' = 'Update') => ({ target, type: 'Expression' as const, expression, mergeType });
const set = (...defs: RuleDefinition[]) => createRuleSet('builtin', defs, { entraConnector: 'AAD' });
const cs = (attributes: Record<string, string[]> = {}) => ({ dn: 'CN=A,DC=corp,DC=contoso,DC=com', objectType: 'user', attributes: { cn: ['A'], ...attributes } });

test('the lowest precedence number wins; lineage names the winning rule, mapping type and data source', () => {
  const rs = set(rule('Low', 200, [{ target: 'title', type: 'Constant', value: 'from-200' }]), rule('High', 50, [{ target: 'title', type: 'Direct', source: ['cn'] }], { linkType: 'Provision' }));
  const r = evaluateInbound(rs, 'corp', cs(), ctx);
  assert.deepEqual(r.attributes.title, { values: ['A'], lineage: { syncRule: 'High', mappingType: 'Direct', dataSource: 'cn', precedence: 50 } });
  assert.deepEqual(r.appliedRules, [{ name: 'High', linkType: 'Provision', precedence: 50 }, { name: 'Low', linkType: 'Join', precedence: 200 }]);
  assert.equal(r.linkType, 'provision');
});

test('NULL yields to lower-precedence rules; AuthoritativeNull does not; IgnoreThisFlow contributes nothing', () => {
  const rs = set(
    rule('A', 10, [expr('x', 'NULL'), expr('y', 'AuthoritativeNull'), expr('z', 'IgnoreThisFlow'), expr('w', 'NULL')]),
    rule('B', 20, [expr('x', '"bx"'), expr('y', '"by"'), expr('z', '"bz"')]),
    rule('C', 30, [expr('v', 'IgnoreThisFlow')]),
  );
  const r = evaluateInbound(rs, 'corp', cs(), ctx);
  assert.deepEqual(r.attributes.x?.values, ['bx']);
  assert.equal(r.attributes.x?.lineage.syncRule, 'B');
  assert.equal(r.attributes.y?.values, null);
  assert.equal(r.attributes.y?.lineage.syncRule, 'A');
  assert.deepEqual(r.attributes.z?.values, ['bz']);
  // NULL with nobody else contributing: no value, lineage = the rule that produced NULL.
  assert.deepEqual(r.attributes.w, { values: null, lineage: { syncRule: 'A', mappingType: 'Expression', dataSource: 'NULL', precedence: 10 } });
  assert.equal('v' in r.attributes, false);
});

test('Merge and MergeCaseInsensitive union the values of every merging flow', () => {
  const rs = set(rule('A', 10, [expr('p', 'Split("SMTP:a@x.com,smtp:b@x.com", ",")', 'MergeCaseInsensitive')]), rule('B', 20, [expr('p', 'Split("smtp:A@X.COM,smtp:c@x.com", ",")', 'MergeCaseInsensitive')]));
  assert.deepEqual(evaluateInbound(rs, 'corp', cs(), ctx).attributes.p?.values, ['SMTP:a@x.com', 'smtp:b@x.com', 'smtp:c@x.com']);
  // An Update flow beside them is MergeTypeConflict (declarative-provisioning-conflicts.test.ts).
  const exact = set(rule('A', 10, [expr('p', '"a"', 'Merge')]), rule('B', 20, [expr('p', 'Split("A,a,b", ",")', 'Merge')]), rule('C', 30, [expr('q', '"update-only"')]));
  assert.deepEqual(evaluateInbound(exact, 'corp', cs(), ctx).attributes.p?.values, ['a', 'A', 'b']);
});

test('apply once flows only when the target object is created', () => {
  const rs = set(rule('A', 10, [{ target: 'onceOnly', type: 'Constant', value: 'first', applyOnce: true }]));
  assert.deepEqual(evaluateInbound(rs, 'corp', cs(), ctx).attributes.onceOnly?.values, ['first']);
  assert.equal(evaluateInbound(rs, 'corp', cs(), { ...ctx, existingTarget: { onceOnly: ['kept'] } }).attributes.onceOnly, undefined);
  assert.equal(evaluateInbound(rs, 'corp', cs(), { ...ctx, existingTarget: {} }).attributes.onceOnly, undefined, 'an existing object without the attribute');
});

test('Constant True/False become booleans; dn is the object DN for [dn] and Direct flows', () => {
  const rs = set(rule('A', 10, [{ target: 'flag', type: 'Constant', value: 'True' }, { target: 'where', type: 'Direct', source: ['dn'] }, expr('rdn', 'DNComponent(CRef([dn]),1)')]));
  const r = evaluateInbound(rs, 'corp', cs(), ctx);
  assert.deepEqual(r.attributes.flag?.values, [true]);
  assert.deepEqual(r.attributes.where?.values, ['CN=A,DC=corp,DC=contoso,DC=com']);
  assert.deepEqual(r.attributes.rdn?.values, ['A']);
});

const operatorCases: [ScopeOperator, string, string[] | undefined, boolean][] = [
  ['EQUAL', 'user', ['User'], true],
  ['EQUAL', 'True', ['TRUE'], true],
  ['EQUAL', '2', ['02'], true],
  ['EQUAL', 'x', undefined, false],
  ['NOTEQUAL', 'TRUE', undefined, true],
  ['NOTEQUAL', 'TRUE', ['True'], false],
  ['LESSTHAN', '50000', ['49999'], true],
  ['LESSTHAN', '50000', ['50000'], false],
  ['LESSTHAN', '50000', undefined, false],
  ['LESSTHAN_OR_EQUAL', '5', ['5'], true],
  ['GREATERTHAN', '5', ['6'], true],
  ['GREATERTHAN_OR_EQUAL', '5', ['4'], false],
  // "A string compare" (declarative provisioning, scope operations), case ignored as for EQUAL;
  // two numbers still compare as numbers (9 < 10, where text would put "9" after "10").
  ['LESSTHAN', 'M', ['Accounting'], true],
  ['LESSTHAN', 'm', ['Zeta'], false],
  ['GREATERTHAN_OR_EQUAL', '2024-01-01', ['2025-03-01'], true],
  ['GREATERTHAN', 'sales', ['SALES'], false],
  ['GREATERTHAN_OR_EQUAL', 'sales', ['SALES'], true],
  ['LESSTHAN_OR_EQUAL', 'B', ['a'], true],
  ['LESSTHAN', '10', ['9'], true],
  ['CONTAINS', 'sales', ['OU=Sales,DC=x'], true],
  ['NOTCONTAINS', 'sales', ['OU=Sales,DC=x'], false],
  ['STARTSWITH', 'User_', ['user_123'], true],
  ['NOTSTARTSWITH', 'User_', undefined, true],
  ['NOTSTARTSWITH', 'User_', ['User_1'], false],
  ['ENDSWITH', '.com', ['a@b.COM'], true],
  ['NOTENDSWITH', '.com', ['a@b.org'], true],
  ['ISNULL', '', undefined, true],
  ['ISNULL', '', [''], true],
  ['ISNOTNULL', '', ['x'], true],
  ['ISNOTNULL', '', undefined, false],
  ['ISIN', 'a;b;c', ['B'], true],
  ['ISNOTIN', 'a;b;c', ['d'], true],
  ['ISBITSET', '2', ['514'], true],
  ['ISBITSET', '2', ['512'], false],
  ['ISNOTBITSET', '2', ['512'], true],
  ['ISBITNOTSET', '2', ['514'], false],
  ['ISBITNOTSET', '&H2', ['512'], true],
  ['EQUAL', '%Connector.ID%', ['{c1}'], true],
  // Multi-valued: a clause holds when any value passes it (NOT... when none does); empty values do not count.
  ['CONTAINS', 'sales', ['OU=HR,DC=x', 'OU=Sales,DC=x'], true],
  ['NOTCONTAINS', 'sales', ['OU=HR,DC=x', 'OU=Sales,DC=x'], false],
  ['EQUAL', 'b', ['', 'B'], true],
  ['ISNOTNULL', '', ['', ''], false],
  ['ISIN', 'a; ;b', ['', 'b'], true],
  ['ISIN', 'a;b', [' '], false],
  ['GREATERTHAN', '5', ['x', '7'], true],
  ['ISBITSET', '2', ['x'], false],
];
for (const [operator, value, actual, expected] of operatorCases) {
  test(`scope ${operator} "${value}" on ${JSON.stringify(actual)} is ${expected}`, () => {
    assert.equal(clauseHolds({ attribute: 'a', operator, value }, actual, ctx), expected);
  });
}

test('ISMEMBEROF / ISNOTMEMBEROF ask the context', () => {
  const member = { ...ctx, isMemberOf: (dn: string) => dn.toLowerCase() === 'cn=pilot,dc=corp,dc=contoso,dc=com' };
  assert.equal(clauseHolds({ attribute: 'dn', operator: 'ISMEMBEROF', value: 'CN=Pilot,DC=corp,DC=contoso,DC=com' }, undefined, member), true);
  assert.equal(clauseHolds({ attribute: 'dn', operator: 'ISNOTMEMBEROF', value: 'CN=Pilot,DC=corp,DC=contoso,DC=com' }, undefined, member), false);
  assert.equal(clauseHolds({ attribute: 'dn', operator: 'ISMEMBEROF', value: 'CN=Other,DC=corp' }, undefined, member), false);
});

test('scope groups are OR, clauses AND; an out-of-scope rule lists the failing clause of each group', () => {
  const rs = set(rule('Scoped', 10, [], {
    scope: [
      [{ attribute: 'department', operator: 'EQUAL', value: 'Sales' }, { attribute: 'title', operator: 'ISNOTNULL', value: '' }],
      [{ attribute: 'department', operator: 'EQUAL', value: 'HR' }],
    ],
  }));
  assert.equal(evaluateInbound(rs, 'corp', cs({ department: ['HR'] }), ctx).appliedRules.length, 1);
  assert.equal(evaluateInbound(rs, 'corp', cs({ department: ['Sales'], title: ['Rep'] }), ctx).appliedRules.length, 1);
  const out = evaluateInbound(rs, 'corp', cs({ department: ['Sales'] }), ctx);
  assert.equal(out.linkType, 'none');
  assert.deepEqual(out.outOfScopeRules, [{
    ruleName: 'Scoped', direction: 'inbound', disabled: false,
    failedClauses: [{ attribute: 'title', operator: 'ISNOTNULL', value: '', actual: null }, { attribute: 'department', operator: 'EQUAL', value: 'HR', actual: 'Sales' }],
  }]);
});

test('disabled rules never apply and are reported as disabled', () => {
  const rs = set(rule('Off', 10, [expr('x', '"on"')], { disabled: true }));
  const r = evaluateInbound(rs, 'corp', cs(), ctx);
  assert.deepEqual(r.appliedRules, []);
  assert.deepEqual(r.outOfScopeRules, [{ ruleName: 'Off', direction: 'inbound', disabled: true, failedClauses: [] }]);
  assert.equal('x' in r.attributes, false);
});

test('rules apply to their connector and object type only', () => {
  const rs = set(rule('Corp only', 10, [expr('x', '"corp"')], { connector: 'corp.contoso.com' }), rule('Groups', 20, [expr('x', '"group"')], { sourceObjectType: 'group' }), rule('AAD in', 30, [expr('x', '"aad"')], { connectorKind: 'entra' }));
  assert.deepEqual(evaluateInbound(rs, 'CORP.contoso.com', cs(), ctx).appliedRules.map((r) => r.name), ['Corp only']);
  assert.deepEqual(evaluateInbound(rs, 'fabrikam.com', cs(), ctx).appliedRules, []);
  assert.deepEqual(evaluateInbound(rs, 'AAD', cs(), ctx).appliedRules.map((r) => r.name), ['AAD in']);
});

test('outbound Join rules apply only with a provisioning rule in scope or an existing connection', () => {
  const out = (name: string, precedence: number, linkType: 'Join' | 'Provision', scope: RuleDefinition['scope'] = []): RuleDefinition => ({ ...rule(name, precedence, [expr(`from${precedence}`, `"${name}"`)], { linkType, scope }), direction: 'outbound', connectorKind: 'entra', sourceObjectType: 'person', targetObjectType: 'user' });
  const rs = set(out('Join rule', 20, 'Join'), out('Provision rule', 10, 'Provision', [[{ attribute: 'cloudFiltered', operator: 'NOTEQUAL', value: 'True' }]]));
  const provisioned = evaluateOutbound(rs, { objectType: 'person', attributes: {} }, ctx);
  assert.equal(provisioned.provision, true);
  assert.deepEqual(provisioned.appliedRules.map((r) => r.name), ['Provision rule', 'Join rule']);
  const filtered = evaluateOutbound(rs, { objectType: 'person', attributes: { cloudFiltered: [true] } }, ctx);
  assert.equal(filtered.provision, false);
  assert.deepEqual(filtered.appliedRules, []);
  assert.deepEqual(Object.keys(filtered.attributes), []);
  const connected = evaluateOutbound(rs, { objectType: 'person', attributes: { cloudFiltered: [true] } }, { ...ctx, connectedToTarget: true });
  assert.deepEqual(connected.appliedRules.map((r) => r.name), ['Join rule']);
});

test('join groups: first group with exactly one match wins; "if zero or more than one object is found, processing continues to the next group"', () => {
  const rs = set(rule('J', 10, [], { linkType: 'Provision', join: [[{ source: 'employeeID', target: 'employeeID' }], [{ source: 'mail', target: 'mail' }, { source: 'cn', target: 'cn' }]] }));
  const r = evaluateInbound(rs, 'corp', cs({ employeeID: ['42'], mail: ['A@X.COM'] }), ctx);
  const source = cs({ employeeID: ['42'], mail: ['A@X.COM'] });
  assert.deepEqual(findJoin(r.rules, source, [{ id: '1', attributes: { mail: ['a@x.com'], cn: ['a'] } }]), { status: 'joined', candidateId: '1', syncRule: 'J', group: 1, conditions: [{ source: 'mail', target: 'mail' }, { source: 'cn', target: 'cn' }] });
  assert.equal(findJoin(r.rules, source, [{ id: '1', attributes: { mail: ['a@x.com'] } }]).status, 'noMatch');
  // Two objects share employeeID 42: the first group passes; the second finds exactly one.
  const twins: JoinCandidate[] = [{ id: '1', attributes: { employeeID: ['42'] } }, { id: '2', attributes: { employeeID: ['42'], mail: ['a@x.com'], cn: ['a'] } }];
  assert.deepEqual(findJoin(r.rules, source, twins), { status: 'joined', candidateId: '2', syncRule: 'J', group: 1, conditions: [{ source: 'mail', target: 'mail' }, { source: 'cn', target: 'cn' }] });
  // No group finds exactly one: no join (the link type decides), the passed-over group named.
  assert.deepEqual(findJoin(r.rules, source, [{ id: '1', attributes: { employeeID: ['42'] } }, { id: '2', attributes: { employeeID: ['42'] } }]), { status: 'noMatch', ambiguous: [{ syncRule: 'J', group: 0, count: 2 }] });
  const caseSensitive = set(rule('CS', 10, [], { join: [[{ source: 'sourceAnchor', target: 'sourceAnchor', caseSensitive: true }]] }));
  const rr = evaluateInbound(caseSensitive, 'corp', cs({ sourceAnchor: ['AbC='] }), ctx);
  assert.equal(findJoin(rr.rules, cs({ sourceAnchor: ['AbC='] }), [{ id: '1', attributes: { sourceAnchor: ['abc='] } }]).status, 'noMatch');
});

test('broken expressions and unknown operators fail at load time, naming the rule and place', () => {
  assert.throws(() => compileRule(rule('Bad', 10, [expr('x', 'IIF([a], "b"')])), (err: unknown) => err instanceof SyncError && err.code === 'ExpressionSyntaxError');
  const problems: { rule: string; location: string; column?: number; code: string }[] = [];
  compileRule(rule('Bad', 10, [expr('x', 'Left([a])'), expr('y', 'Trim([a]'), expr('ok', '"fine"')], { scope: [[{ attribute: 'a', operator: 'LIKE' as ScopeOperator, value: 'b' }]] }), (p) => problems.push({ rule: p.rule, location: p.location, code: p.error.code, ...(p.column !== undefined ? { column: p.column } : {}) }));
  assert.deepEqual(problems, [
    { rule: 'Bad', location: 'scope[0][0]', code: 'InvalidSyncRule' },
    { rule: 'Bad', location: 'flows[x].expression', code: 'WrongArgumentCount', column: 1 },
    { rule: 'Bad', location: 'flows[y].expression', code: 'ExpressionSyntaxError', column: 9 },
  ]);
});
