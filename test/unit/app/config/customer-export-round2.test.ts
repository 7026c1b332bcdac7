// A customer's Get-ADSyncServerConfiguration export, as customers change it from the default, each
// variant built from a copy of the sample (test/fixtures, MIT) with a few lines edited here, and
// checked for the verdict Entra Connect documents, or a named error at the file that causes it:
// - A rule cloned from an out-of-box one (the Synchronization Rules Editor's "Edit" on an
//   out-of-box rule offers to disable it and edit a clone) at a precedence below 100: the clone
//   wins the attributes it flows ("Lowest precedence number wins"); the disabled original does not
//   apply and is said to be disabled; an enabled original still flows what the clone does not.
// - Attribute-based filtering ("inbound sets MV cloudFiltered = True"): the object is out of the
//   scope of "Out to AAD - User Join" on its cloudFiltered clause, and not provisioned.
// - A cloned "In from AD - User Join" with its own join rule (employeeID), the original disabled.
// - Directory extension attributes: extension_<application id>_<name> flows through both rules.
// - A custom rule whose expression the sync engine would refuse (wrong argument count, unknown
//   function, an unbound $variable, a binder without its variable, a misspelt comparison option):
//   a named error (the expression error's code) naming the rule, its file, line and column, with
//   the recommended action; the configuration does not load. Disabled, the same rule is a warning.
// - A rule without a part every rule has (object types, a mapping's <dest>, a clause's or join
//   condition's attribute): ServerConfigurationRuleIncomplete at its file, never a rule that
//   silently never applies.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inspectConfiguration, loadServerConfiguration } from '../../../../src/app/config';
import { RULE_INCOMPLETE } from '../../../../src/app/config/server-configuration';
import type { ConfigProblem } from '../../../../src/app/config/problems';
import { createRuleSet, evaluateInbound, evaluateOutbound, findJoin } from '../../../../src/engine/rules';
import { context, objectGuidBase64, toMetaverse, user } from '../../engine/rules/objects';
import { copyExport, edit, writeConfig } from './export-copies';
import { syncRuleXml as ruleXml } from '../../../support/sync-rule-xml';

const sample = path.resolve(__dirname, '../../../fixtures/entra-connect-server-config-contoso');
const AD = 'ae4db4cc-b16b-4eb2-acf5-837ca84e4d7d';
const AAD = 'b891884f-051e-4a83-95af-2544101c9083';
const AAD_NAME = 'contoso.onmicrosoft.com - AAD';

const made: string[] = [];
after(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});
async function copySample(): Promise<string> {
  const dir = await copyExport(sample, 'sos-customer-round2-');
  made.push(dir);
  return dir;
}

async function ruleFileOf(dir: string, name: string): Promise<string> {
  const folder = path.join(dir, 'SynchronizationRules');
  for (const file of (await readdir(folder)).sort()) {
    if ((await readFile(path.join(folder, file), 'utf8')).includes(`<name>${name}</name>`)) return path.join(folder, file);
  }
  throw new Error(`no rule ${name}`);
}

/** What the Synchronization Rules Editor writes for a clone: a new id, its own name and precedence, no immutable tag. */
async function cloneRule(dir: string, original: string, name: string, id: string, precedence: number, change: (xml: string) => string = (xml) => xml): Promise<string> {
  const xml = await readFile(await ruleFileOf(dir, original), 'utf8');
  const file = path.join(dir, 'SynchronizationRules', `SynchronizationRule_{${id}}.xml`);
  await writeFile(file, change(xml
    .replace(/<id>\{[^}]+\}<\/id>/, `<id>{${id}}</id>`)
    .replace(/<internal-id>\{[^}]+\}<\/internal-id>/, `<internal-id>{${id}}</internal-id>`)
    .replace(`<name>${original}</name>`, `<name>${name}</name>`)
    .replace(/<precedence>\d+<\/precedence>/, `<precedence>${precedence}</precedence>`)
    .replace(/<immutable-tag>[^<]*<\/immutable-tag>/, '<immutable-tag />')));
  return file;
}

async function disable(dir: string, name: string): Promise<void> {
  await edit(await ruleFileOf(dir, name), (xml) => xml.replace('<disabled>False</disabled>', '<disabled>True</disabled>'));
}

const errors = (problems: ConfigProblem[]) => problems.filter((p) => p.severity === 'error');

test('a clone of "In from AD - User Common" at precedence 50, the original disabled: the clone\'s flows win, the original does not apply and is said to be disabled', async () => {
  const dir = await copySample();
  await cloneRule(dir, 'In from AD - User Common', 'Custom - In from AD - User Common', 'c2000000-0000-4000-8000-000000000001', 50,
    (xml) => xml.replace(/(<dest>displayName<\/dest>[\s\S]*?<expression>)[^<]*(<\/expression>)/, '$1[givenName] &amp; " " &amp; UCase([sn])$2'));
  await disable(dir, 'In from AD - User Common');
  const exported = await loadServerConfiguration(dir);
  assert.deepEqual(exported.problems, []);
  assert.deepEqual(errors((await inspectConfiguration(await writeConfig(dir))).problems), []);

  const ruleSet = createRuleSet('serverConfiguration', exported.rules, { entraConnector: AAD_NAME });
  const result = evaluateInbound(ruleSet, 'contoso.com', user(), context);
  assert.deepEqual(result.appliedRules.map((r) => `${r.precedence} ${r.name}`), [
    '50 Custom - In from AD - User Common', '100 In from AD - User Join', '102 In from AD - User AccountEnabled', '110 In from AD - User Lync',
  ]);
  assert.deepEqual(result.attributes.displayName?.values, ['Jane DOE']);
  assert.equal(result.attributes.displayName?.lineage.syncRule, 'Custom - In from AD - User Common');
  assert.equal(result.attributes.displayName?.lineage.precedence, 50);
  // The clone's other flows are the original's, now from the clone.
  assert.deepEqual(result.attributes.accountName?.values, ['jdoe']);
  assert.equal(result.attributes.accountName?.lineage.syncRule, 'Custom - In from AD - User Common');
  const original = result.outOfScopeRules.find((r) => r.ruleName === 'In from AD - User Common');
  assert.deepEqual(original && { disabled: original.disabled, clauses: original.failedClauses }, { disabled: true, clauses: [] });
  assert.ok(!Object.values(result.attributes).some((a) => a.lineage.syncRule === 'In from AD - User Common'), 'nothing flows from the disabled rule');
});

test('a custom rule at precedence 50 flowing one attribute beside the enabled out-of-box rule: it wins that attribute, the out-of-box rule the rest', async () => {
  const dir = await copySample();
  await writeFile(path.join(dir, 'SynchronizationRules', 'SynchronizationRule_{c2000000-0000-4000-8000-000000000002}.xml'), ruleXml({
    id: 'c2000000-0000-4000-8000-000000000002', name: 'Custom - department from extensionAttribute1', direction: 'Inbound', connector: AD, source: 'user', target: 'person', precedence: 50,
    mappings: '    <mapping>\n      <dest>department</dest>\n      <src>\n        <attr>extensionAttribute1</attr>\n      </src>\n      <expression>IIF(IsPresent([extensionAttribute1]),Trim([extensionAttribute1]),NULL)</expression>\n      <valueMergeType>Update</valueMergeType>\n    </mapping>',
  }));
  const exported = await loadServerConfiguration(dir);
  assert.deepEqual(exported.problems, []);
  const ruleSet = createRuleSet('serverConfiguration', exported.rules, { entraConnector: AAD_NAME });
  const withValue = evaluateInbound(ruleSet, 'contoso.com', user({ department: ['Sales'], extensionAttribute1: [' Finance '] }), context);
  assert.deepEqual(withValue.attributes.department?.values, ['Finance']);
  assert.equal(withValue.attributes.department?.lineage.syncRule, 'Custom - department from extensionAttribute1');
  assert.equal(withValue.attributes.displayName?.lineage.syncRule, 'In from AD - User Common');
  // NULL yields to the lower-precedence rule: the out-of-box department flows.
  const withoutValue = evaluateInbound(ruleSet, 'contoso.com', user({ department: ['Sales'] }), context);
  assert.deepEqual(withoutValue.attributes.department?.values, ['Sales']);
  assert.equal(withoutValue.attributes.department?.lineage.syncRule, 'In from AD - User Common');
});

test('attribute-based filtering: a rule setting cloudFiltered = True takes the object out of "Out to AAD - User Join"; others are provisioned', async () => {
  const dir = await copySample();
  await writeFile(path.join(dir, 'SynchronizationRules', 'SynchronizationRule_{c2000000-0000-4000-8000-000000000003}.xml'), ruleXml({
    id: 'c2000000-0000-4000-8000-000000000003', name: 'In from AD - User DoNotSyncFilter', direction: 'Inbound', connector: AD, source: 'user', target: 'person', precedence: 50,
    mappings: '    <mapping>\n      <dest>cloudFiltered</dest>\n      <src>True</src>\n      <valueMergeType>Update</valueMergeType>\n    </mapping>',
    scope: '<synchronizationCriteria>\n    <conditions>\n      <scope>\n        <csAttribute>extensionAttribute15</csAttribute>\n        <csOperator>EQUAL</csOperator>\n        <csValue>NoSync</csValue>\n      </scope>\n    </conditions>\n  </synchronizationCriteria>',
  }));
  const exported = await loadServerConfiguration(dir);
  assert.deepEqual(exported.problems, []);
  const ruleSet = createRuleSet('serverConfiguration', exported.rules, { entraConnector: AAD_NAME });
  const outbound = (subject: ReturnType<typeof user>) => {
    const inbound = evaluateInbound(ruleSet, 'contoso.com', subject, context);
    return { inbound, outbound: evaluateOutbound(ruleSet, { objectType: 'person', attributes: toMetaverse(inbound.attributes) }, context) };
  };

  const filtered = outbound(user({ extensionAttribute15: ['nosync'] }));
  assert.deepEqual(filtered.inbound.attributes.cloudFiltered?.values, [true]);
  assert.equal(filtered.inbound.attributes.cloudFiltered?.lineage.syncRule, 'In from AD - User DoNotSyncFilter');
  assert.equal(filtered.outbound.provision, false);
  assert.deepEqual(filtered.outbound.appliedRules, []);
  const userJoin = filtered.outbound.outOfScopeRules.find((r) => r.ruleName === 'Out to AAD - User Join');
  assert.deepEqual(userJoin?.failedClauses.map((c) => [c.attribute, c.operator, c.value]), [['cloudFiltered', 'NOTEQUAL', 'True']]);

  const kept = outbound(user({ extensionAttribute15: ['Sync'] }));
  assert.equal(kept.inbound.attributes.cloudFiltered?.values ?? null, null);
  assert.equal(kept.outbound.provision, true);
  assert.equal(kept.outbound.targetObjectType, 'user');
  assert.ok(kept.outbound.appliedRules.some((r) => r.name === 'Out to AAD - User Join'));
});

test('a disabled out-of-box rule does not apply: "In from AD - User AccountEnabled" disabled, the sourceAnchor and accountEnabled come from the rules left', async () => {
  const dir = await copySample();
  await disable(dir, 'In from AD - User AccountEnabled');
  const exported = await loadServerConfiguration(dir);
  assert.deepEqual(exported.problems, []);
  const ruleSet = createRuleSet('serverConfiguration', exported.rules, { entraConnector: AAD_NAME });
  const result = evaluateInbound(ruleSet, 'contoso.com', user(), context);
  assert.ok(!result.appliedRules.some((r) => r.name === 'In from AD - User AccountEnabled'));
  assert.equal(result.outOfScopeRules.find((r) => r.ruleName === 'In from AD - User AccountEnabled')?.disabled, true);
  assert.deepEqual(result.attributes.accountEnabled?.values, [true]);
  assert.equal(result.attributes.accountEnabled?.lineage.syncRule, 'In from AD - User Common');
  assert.deepEqual(result.attributes.sourceAnchor?.values, [objectGuidBase64]);
  assert.equal(result.attributes.sourceAnchor?.lineage.syncRule, 'In from AD - User Common');
  assert.ok(!Object.values(result.attributes).some((a) => a.lineage.syncRule === 'In from AD - User AccountEnabled'));
});

test('a clone of "In from AD - User Join" joining on employeeID, the original disabled: the object joins the metaverse object with its employeeID', async () => {
  const dir = await copySample();
  await cloneRule(dir, 'In from AD - User Join', 'Custom - In from AD - User Join', 'c2000000-0000-4000-8000-000000000004', 40,
    (xml) => xml.replace(/<relationshipCriteria>[\s\S]*?<\/relationshipCriteria>/, '<relationshipCriteria>\n    <conditions>\n      <condition>\n        <csAttribute>employeeID</csAttribute>\n        <ilmAttribute>employeeID</ilmAttribute>\n        <caseSensitive>false</caseSensitive>\n      </condition>\n    </conditions>\n  </relationshipCriteria>'));
  await disable(dir, 'In from AD - User Join');
  const exported = await loadServerConfiguration(dir);
  assert.deepEqual(exported.problems, []);
  const clone = exported.rules.find((r) => r.name === 'Custom - In from AD - User Join')!;
  assert.deepEqual(clone.join, [[{ source: 'employeeID', target: 'employeeID', caseSensitive: false }]]);
  const ruleSet = createRuleSet('serverConfiguration', exported.rules, { entraConnector: AAD_NAME });
  const subject = user({ employeeID: ['E1001'] });
  const result = evaluateInbound(ruleSet, 'contoso.com', subject, context);
  assert.equal(result.linkType, 'provision');
  const joined = findJoin(result.rules, subject, [
    { id: 'mv-other', attributes: { employeeID: ['E1002'] } },
    { id: 'mv-hr', attributes: { employeeID: ['e1001'] } },
  ]);
  assert.equal(joined.status, 'joined');
  assert.deepEqual(joined.status === 'joined' && [joined.candidateId, joined.syncRule], ['mv-hr', 'Custom - In from AD - User Join']);
  // The out-of-box join (objectSid in this build) is not used: its rule is disabled.
  assert.equal(findJoin(result.rules, subject, [{ id: 'mv-sid', attributes: { objectSid: [subject.attributes.objectSid![0]!] } }]).status, 'noMatch');
});

test('directory extension attributes: In from AD and Out to AAD DirectoryExtension rules flow extension_<application id>_<name>', async () => {
  const dir = await copySample();
  const name = 'extension_3f9a1c7e52b44e0d8c6a9d2e7f4b1a30_division';
  await writeFile(path.join(dir, 'SynchronizationRules', 'SynchronizationRule_{c2000000-0000-4000-8000-000000000005}.xml'), ruleXml({
    id: 'c2000000-0000-4000-8000-000000000005', name: 'In from AD - User DirectoryExtension', direction: 'Inbound', connector: AD, source: 'user', target: 'person', precedence: 170,
    mappings: `    <mapping>\n      <dest>${name}</dest>\n      <src>\n        <attr>division</attr>\n      </src>\n      <valueMergeType>Update</valueMergeType>\n    </mapping>`,
  }));
  await writeFile(path.join(dir, 'SynchronizationRules', 'SynchronizationRule_{c2000000-0000-4000-8000-000000000006}.xml'), ruleXml({
    id: 'c2000000-0000-4000-8000-000000000006', name: 'Out to AAD - User DirectoryExtension', direction: 'Outbound', connector: AAD, source: 'person', target: 'user', precedence: 171,
    mappings: `    <mapping>\n      <dest>${name}</dest>\n      <src>\n        <attr>${name}</attr>\n      </src>\n      <valueMergeType>Update</valueMergeType>\n    </mapping>`,
    scope: '<synchronizationCriteria>\n    <conditions>\n      <scope>\n        <csAttribute>sourceObjectType</csAttribute>\n        <csOperator>EQUAL</csOperator>\n        <csValue>User</csValue>\n      </scope>\n    </conditions>\n  </synchronizationCriteria>',
  }));
  const exported = await loadServerConfiguration(dir);
  assert.deepEqual(exported.problems, []);
  const ruleSet = createRuleSet('serverConfiguration', exported.rules, { entraConnector: AAD_NAME });
  const inbound = evaluateInbound(ruleSet, 'contoso.com', user({ division: ['Research'] }), context);
  assert.deepEqual(inbound.attributes[name]?.values, ['Research']);
  const outbound = evaluateOutbound(ruleSet, { objectType: 'person', attributes: toMetaverse(inbound.attributes) }, context);
  assert.equal(outbound.provision, true);
  assert.deepEqual(outbound.attributes[name]?.values, ['Research']);
  assert.equal(outbound.attributes[name]?.lineage.syncRule, 'Out to AAD - User DirectoryExtension');
});

test('a custom rule whose expression Entra Connect would refuse: a named error (the expression error\'s code) naming the rule, file, line and column, with what to do; disabled, a warning', async () => {
  const cases: Array<[string, string, RegExp]> = [
    ['Left([displayName])', 'WrongArgumentCount', /function Left at column 1 takes 2 argument\(s\) but is given 1/],
    ['IsNumber([employeeNumber])', 'UnknownFunction', /unknown function IsNumber/],
    ['iif(IsPresent([cn]),[cn],NULL)', 'UnknownFunction', /unknown function iif at column 1 \(did you mean IIF\?\)/],
    ['Join(Select($item,[otherMobile],Replace($itme,"-","")),";")', 'ExpressionSyntaxError', /the variable \$itme is not bound.*\(bound here: \$item\)/],
    ['UCase($item)', 'ExpressionSyntaxError', /the variable \$item is not bound/],
    ['Where("x",[proxyAddresses],Left($item,5)="smtp:")', 'ExpressionSyntaxError', /Where takes a \$variable as its first argument/],
    ['IIF(Contains([proxyAddresses],"SMTP:","CaseInsensitve")>0,"y","n")', 'ExpressionSyntaxError', /Contains does not know the option "CaseInsensitve"/],
    ['DNComponentRev(CRef([dn]),1,"OU")', 'ExpressionSyntaxError', /DNComponentRev does not know the option "OU"/],
  ];
  for (const [expression, code, reason] of cases) {
    const dir = await copySample();
    const id = 'c2000000-0000-4000-8000-000000000007';
    const file = path.join(dir, 'SynchronizationRules', `SynchronizationRule_{${id}}.xml`);
    const escaped = expression.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    await writeFile(file, ruleXml({
      id, name: 'Custom - In from AD - User Info', direction: 'Inbound', connector: AD, source: 'user', target: 'person', precedence: 60,
      mappings: `    <mapping>\n      <dest>info</dest>\n      <src>\n        <attr>cn</attr>\n      </src>\n      <expression>${escaped}</expression>\n      <valueMergeType>Update</valueMergeType>\n    </mapping>`,
    }));
    const loaded = await inspectConfiguration(await writeConfig(dir));
    const [problem, ...others] = errors(loaded.problems);
    assert.deepEqual(others, [], expression);
    assert.equal(problem?.code, code, `${expression}: ${JSON.stringify(loaded.problems)}`);
    assert.equal(problem!.file, file);
    assert.equal(problem!.path, 'Custom - In from AD - User Info: mapping[info]/expression');
    assert.ok(problem!.message.startsWith(`${code}: rule "Custom - In from AD - User Info": `), problem!.message);
    assert.match(problem!.message, reason, expression);
    // What to do, from the error's catalog entry.
    assert.match(problem!.message, /(Correct the expression|Use a function from the Entra Connect functions reference|Call the function with the arguments)/, expression);
    // At the expression's text: the line holds it, the column is inside it.
    const line = (await readFile(file, 'utf8')).split('\n')[problem!.line! - 1]!;
    assert.ok(line.includes(`<expression>${escaped}</expression>`), expression);
    assert.ok(problem!.column! > line.indexOf('<expression>') + '<expression>'.length, expression);

    // The same rule disabled is never evaluated: a warning, and the configuration loads.
    await edit(file, (xml) => xml.replace('<disabled>False</disabled>', '<disabled>True</disabled>'));
    const disabled = await inspectConfiguration(await writeConfig(dir));
    assert.deepEqual(errors(disabled.problems), [], expression);
    const warning = disabled.problems.find((p) => p.file === file);
    assert.equal(warning?.severity, 'warning', expression);
    assert.equal(warning?.code, code);
    assert.match(warning!.message, /the rule is disabled, so it is not evaluated/);
  }
});

test('a rule without an object type, a mapping without <dest>, a clause or join condition without its attribute: ServerConfigurationRuleIncomplete at its element, never a rule that silently never applies', async () => {
  const cases: Array<[string, (xml: string) => string, string, RegExp]> = [
    ['sourceObjectType', (xml) => xml.replace('<sourceObjectType>user</sourceObjectType>', '<sourceObjectType />'), 'sourceObjectType', /no sourceObjectType/],
    ['targetObjectType', (xml) => xml.replace('<targetObjectType>person</targetObjectType>', '<targetObjectType></targetObjectType>'), 'targetObjectType', /no targetObjectType/],
    ['dest', (xml) => xml.replace('<dest>cloudFiltered</dest>', '<dest />'), 'attribute-mappings/mapping[1]/dest', /a mapping \(the 1st\) without a target attribute/],
    ['csAttribute', (xml) => xml.replace('<csAttribute>adminDescription</csAttribute>', '<csAttribute />'), 'synchronizationCriteria/conditions[1]/scope[2]/csAttribute', /a scoping clause \(group 1, clause 2, operator NOTSTARTSWITH\) without an attribute/],
    ['ilmAttribute', (xml) => xml.replace('<ilmAttribute>objectSid</ilmAttribute>', '<ilmAttribute />'), 'relationshipCriteria/conditions[1]/condition[1]/ilmAttribute', /a join condition \(group 1, condition 1\) without its metaverse attribute/],
  ];
  for (const [what, change, elementPath, reason] of cases) {
    const dir = await copySample();
    const file = await ruleFileOf(dir, 'In from AD - User Join');
    await edit(file, change);
    const exported = await loadServerConfiguration(dir);
    const incomplete = exported.problems.filter((p) => p.code === RULE_INCOMPLETE);
    assert.equal(incomplete.length, 1, `${what}: ${JSON.stringify(exported.problems)}`);
    assert.equal(incomplete[0]!.severity, 'error');
    assert.equal(incomplete[0]!.file, file);
    assert.equal(incomplete[0]!.path, elementPath);
    assert.ok(incomplete[0]!.line! > 1, what);
    assert.match(incomplete[0]!.message, new RegExp(`^${RULE_INCOMPLETE}: rule "In from AD - User Join" has `));
    assert.match(incomplete[0]!.message, reason, what);
    assert.match(incomplete[0]!.message, /export the configuration again/);
    const loaded = await inspectConfiguration(await writeConfig(dir));
    assert.ok(errors(loaded.problems).some((p) => p.code === RULE_INCOMPLETE), `${what}: the configuration does not load`);
  }
  // The same gap in a disabled rule (never evaluated, as in Entra Connect) is said and stops nothing.
  const dir = await copySample();
  const file = await ruleFileOf(dir, 'In from AD - User Join');
  await edit(file, (xml) => xml.replace('<dest>cloudFiltered</dest>', '<dest />').replace(/<disabled>[^<]*<\/disabled>/, '<disabled>true</disabled>'));
  const exported = await loadServerConfiguration(dir);
  const said = exported.problems.filter((p) => p.code === RULE_INCOMPLETE);
  assert.deepEqual(said.map((p) => p.severity), ['warning'], JSON.stringify(exported.problems));
  assert.match(said[0]!.message, /the rule is disabled, so it is not evaluated/);
  const loaded = await inspectConfiguration(await writeConfig(dir));
  assert.ok(!errors(loaded.problems).some((p) => p.code === RULE_INCOMPLETE), 'a disabled rule\'s gap does not stop the configuration');
});
