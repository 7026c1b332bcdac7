// Variants of a customer's Get-ADSyncServerConfiguration export that the sample does not show,
// each built from a copy of the sample (test/fixtures, MIT) edited the way it happens in the
// field. What each must give: the documented verdict, or a named error at the file that causes
// it, never a crash, a silently different rule set, or a file's content read from elsewhere.
// - Hostile files: Get-ADSyncServerConfiguration writes no DTD; a file with one (XXE, nested
//   entities) is refused before parsing (ServerConfigurationFileHasDtd), nothing of it is read.
// - Hand-edited folders: a rule file copied beside its original (same rule id: Entra Connect
//   holds one rule per id), a rule without a precedence (not precedence 0), a partition or
//   container filter entry that is not a DN (the OU filter compares DNs).
// - Older or cut-down connector files: no <ma-run-data> (run profiles unknown, not none), no
//   GlobalSettings/MV.xml (a warning; the settings keep their defaults).
// - Multi-forest, account-resource: two AD connectors, each with its copy of the out-of-box
//   rules (same names, own precedences); each connector's objects get its own rules only; a
//   linked mailbox (msExchRecipientTypeDetails = 2) in the resource forest has no sourceAnchor
//   and no sourceObjectType, and joins the account forest's user by msExchMasterAccountSid.
// - Custom scoping filters as the Synchronization Rules Editor writes them, every operator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inspectConfiguration, loadServerConfiguration } from '../../../../src/app/config';
import { CONTAINER_NOT_DN, DUPLICATE_RULE_ID, HAS_DTD } from '../../../../src/app/config/server-configuration';
import { createRuleSet, evaluateInbound, findJoin } from '../../../../src/engine/rules';
import { context, objectSid, user } from '../../engine/rules/objects';
import { copyExport, edit, writeConfig } from './export-copies';

const sample = path.resolve(__dirname, '../../../fixtures/entra-connect-server-config-contoso');
const AD = 'ae4db4cc-b16b-4eb2-acf5-837ca84e4d7d';
const adFile = `Connector_{${AD}}.xml`;
const AAD_NAME = 'contoso.onmicrosoft.com - AAD';

const copySample = (): Promise<string> => copyExport(sample, 'sos-customer-export-');

async function ruleFileOf(dir: string, name: string): Promise<string> {
  const folder = path.join(dir, 'SynchronizationRules');
  for (const file of (await readdir(folder)).sort()) {
    if ((await readFile(path.join(folder, file), 'utf8')).includes(`<name>${name}</name>`)) return path.join(folder, file);
  }
  throw new Error(`no rule ${name}`);
}

const errors = (problems: { severity: string }[]) => problems.filter((p) => p.severity === 'error');

test('a DTD in a rule, connector or global settings file (XXE, nested entities) is refused by name before parsing, and no entity is read or expanded', async () => {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => 'root:x:0:0');
  const firstLine = passwd.split('\n')[0]!;
  const dtds: Record<string, string> = {
    externalFile: '<!DOCTYPE synchronizationRule [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    externalUrl: '<!DOCTYPE synchronizationRule [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/x">]>',
    parameterEntity: '<!DOCTYPE synchronizationRule [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
    // "billion laughs": 10^8 characters if expanded.
    nested: `<!DOCTYPE synchronizationRule [<!ENTITY l0 "lol">${Array.from({ length: 8 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('')}<!ENTITY xxe "&l8;">]>`,
    internal: '<!DOCTYPE synchronizationRule [<!ENTITY xxe "%Domain.FQDN%">]>',
  };
  for (const [kind, dtd] of Object.entries(dtds)) {
    const dir = await copySample();
    const ruleFile = await ruleFileOf(dir, 'In from AD - User AccountEnabled');
    await edit(ruleFile, (xml) => `<?xml version="1.0" encoding="utf-8"?>\n${dtd}\n${xml.replace('<expression>%Domain.FQDN%</expression>', '<expression>&xxe;</expression>')}`);
    const exported = await loadServerConfiguration(dir);
    assert.equal(exported.rules.find((r) => r.name === 'In from AD - User AccountEnabled'), undefined, `${kind}: the rule is not used`);
    const [problem, ...others] = exported.problems;
    assert.deepEqual(others, [], kind);
    assert.equal(problem?.code, HAS_DTD, kind);
    assert.equal(problem?.severity, 'error');
    assert.equal(problem?.file, ruleFile);
    assert.deepEqual({ line: problem?.line, column: problem?.column }, { line: 2, column: 1 }, kind);
    assert.match(problem!.message, /^ServerConfigurationFileHasDtd: .*DTD/);
    assert.ok(!JSON.stringify(exported).includes(firstLine), `${kind}: nothing of /etc/passwd is read`);
    await rm(dir, { recursive: true, force: true });
  }

  // The same in a connector file and in MV.xml.
  const dir = await copySample();
  await edit(path.join(dir, 'Connectors', adFile), (xml) => `${dtds.externalFile}\n${xml.replace('<name>contoso.com</name>', '<name>&xxe;</name>')}`);
  await edit(path.join(dir, 'GlobalSettings', 'MV.xml'), (xml) => `${dtds.externalFile}\n${xml}`);
  const exported = await loadServerConfiguration(dir);
  assert.deepEqual(exported.connectors.map((c) => c.name), [AAD_NAME], 'the AD connector is not used');
  assert.deepEqual(exported.globalSettings, {});
  assert.deepEqual(exported.problems.filter((p) => p.code === HAS_DTD).map((p) => path.basename(p.file)).sort(), [adFile, 'MV.xml']);
  assert.ok(!JSON.stringify(exported).includes(firstLine));
  const loaded = await inspectConfiguration(await writeConfig(dir));
  assert.ok(errors(loaded.problems).some((p) => (p as { code?: string }).code === HAS_DTD), 'the configuration does not load');
});

test('a rule file copied beside its original (same rule id) is a named error naming both files', async () => {
  const dir = await copySample();
  const original = await ruleFileOf(dir, 'In from AD - User Common');
  const copy = original.replace(/\.xml$/, ' - Copy.xml');
  // The copy edited (as an admin would try a change), its id and precedence left as they were.
  await writeFile(copy, (await readFile(original, 'utf8')).replace(/(<dest>displayName<\/dest>[\s\S]*?<expression>)[^<]*(<\/expression>)/, '$1UCase([displayName])$2'));
  const exported = await loadServerConfiguration(dir);
  const duplicate = exported.problems.filter((p) => p.code === DUPLICATE_RULE_ID);
  assert.equal(duplicate.length, 1, JSON.stringify(exported.problems));
  assert.equal(duplicate[0]!.severity, 'error');
  for (const file of [original, copy]) assert.ok(duplicate[0]!.message.includes(`"${path.basename(file)}"`), file);
  assert.match(duplicate[0]!.message, /In from AD - User Common/);
  const loaded = await inspectConfiguration(await writeConfig(dir));
  assert.ok(errors(loaded.problems).some((p) => (p as { code?: string }).code === DUPLICATE_RULE_ID));
  // A copy given its own id (what the Synchronization Rules Editor does) is no such problem.
  await edit(copy, (xml) => xml.replace(/<id>\{[^}]+\}<\/id>/, '<id>{5e1f0000-0000-4000-8000-0000000000d0}</id>').replace('<disabled>False</disabled>', '<disabled>True</disabled>'));
  assert.deepEqual((await loadServerConfiguration(dir)).problems, []);
});

test('a rule without a precedence is an error, not precedence 0 (which would win every flow)', async () => {
  const dir = await copySample();
  const file = await ruleFileOf(dir, 'In from AD - User Common');
  await edit(file, (xml) => xml.replace(/<precedence>\d+<\/precedence>/, '<precedence />'));
  const exported = await loadServerConfiguration(dir);
  const problem = exported.problems.find((p) => p.path === 'precedence');
  assert.equal(problem?.severity, 'error', JSON.stringify(exported.problems));
  assert.equal(problem?.file, file);
  assert.match(problem!.message, /In from AD - User Common.*precedence "" is not a number/);
  const loaded = await inspectConfiguration(await writeConfig(dir));
  assert.ok(errors(loaded.problems).length > 0, 'the configuration does not load');
});

test('a partition or OU filter entry that is not a distinguished name is a named error at the connector file (not a failure of every object)', async () => {
  for (const [what, change] of [
    ['inclusion', (xml: string) => xml.replace('<inclusion>OU=CORP,DC=contoso,DC=com</inclusion>', '<inclusion>{4A1B6C2D-0000-4000-8000-000000000001}</inclusion>')],
    ['exclusion', (xml: string) => xml.replace('<exclusion>DC=contoso,DC=com</exclusion>', '<exclusion>contoso.com/Disabled Users</exclusion>')],
  ] as const) {
    const dir = await copySample();
    await edit(path.join(dir, 'Connectors', adFile), change);
    const exported = await loadServerConfiguration(dir);
    const [problem, ...others] = exported.problems;
    assert.deepEqual(others, [], what);
    assert.equal(problem?.code, CONTAINER_NOT_DN, what);
    assert.equal(problem?.severity, 'error');
    assert.equal(path.basename(problem!.file), adFile);
    assert.match(problem!.message, new RegExp(`connector "contoso.com": the ${what} ".+" is not a distinguished name`));
    const loaded = await inspectConfiguration(await writeConfig(dir));
    assert.ok(errors(loaded.problems).some((p) => (p as { code?: string }).code === CONTAINER_NOT_DN), what);
  }
  // DNs spelled in another case or spacing are DNs.
  const dir = await copySample();
  await edit(path.join(dir, 'Connectors', adFile), (xml) => xml.replace('<inclusion>OU=CORP,DC=contoso,DC=com</inclusion>', '<inclusion>ou=Corp, dc=CONTOSO, dc=com</inclusion>'));
  assert.deepEqual((await loadServerConfiguration(dir)).problems, []);
});

test('a connector file without <ma-run-data> leaves the run profiles unknown (not checked, a warning); an empty one is a connector without run profiles', async () => {
  const dir = await copySample();
  await edit(path.join(dir, 'Connectors', adFile), (xml) => xml.replace(/<ma-run-data>[\s\S]*?<\/ma-run-data>/, ''));
  const loaded = await inspectConfiguration(await writeConfig(dir));
  assert.deepEqual(errors(loaded.problems), []);
  const warning = loaded.problems.find((p) => p.path === 'ma-run-data');
  assert.equal(warning?.severity, 'warning', JSON.stringify(loaded.problems));
  assert.equal(path.basename(warning!.file), adFile);
  assert.equal(loaded.config.activeDirectory[0]!.runProfiles, undefined, 'not checked');
  assert.deepEqual(loaded.config.activeDirectory[0]!.partitions?.map((p) => p.dn), ['DC=contoso,DC=com'], 'the rest of the connector is used');

  await edit(path.join(dir, 'Connectors', adFile), (xml) => xml.replace('<component_mappings', '<ma-run-data /><component_mappings'));
  const empty = await inspectConfiguration(await writeConfig(dir));
  assert.equal(empty.problems.find((p) => p.path === 'ma-run-data'), undefined);
  // The troubleshooting task fails an object whose connector has no run profiles.
  assert.deepEqual(empty.config.activeDirectory[0]!.runProfiles?.profiles, []);
});

test('an export without GlobalSettings (older servers) loads with a warning; group filtering stays off and the anchor is the configuration\'s', async () => {
  const dir = await copySample();
  await rm(path.join(dir, 'GlobalSettings'), { recursive: true });
  const loaded = await inspectConfiguration(await writeConfig(dir));
  assert.deepEqual(errors(loaded.problems), []);
  assert.equal(loaded.problems.length, 1);
  assert.match(loaded.problems[0]!.file, /MV\.xml$/);
  assert.equal(loaded.config.sourceAnchor, 'mS-DS-ConsistencyGuid');
  assert.equal(loaded.config.activeDirectory[0]!.groupFilteringGroupDn, null);
  assert.equal(loaded.ruleSet.rules.length, 62);
});

test('account-resource forests: each AD connector\'s objects get its own copy of the out-of-box rules; a linked mailbox has no anchor and joins the account by msExchMasterAccountSid', async () => {
  const dir = await copySample();
  const AD2 = 'fa000000-0000-4000-8000-00000000f00d';
  const connector = await readFile(path.join(dir, 'Connectors', adFile), 'utf8');
  await writeFile(path.join(dir, 'Connectors', `Connector_{${AD2}}.xml`), connector
    .replace(/AE4DB4CC-B16B-4EB2-ACF5-837CA84E4D7D/g, AD2.toUpperCase())
    .replace('<name>contoso.com</name>', '<name>resource.contoso.net</name>')
    .replace(/DC=contoso,DC=com/g, 'DC=resource,DC=contoso,DC=net')
    .replace(/>contoso\.com</g, '>resource.contoso.net<')
    .replace(/>CONTOSO</g, '>RESOURCE<'));
  // The wizard adds the second forest's rules with their own ids and precedences (after the first's).
  const rulesDir = path.join(dir, 'SynchronizationRules');
  let n = 0;
  for (const file of (await readdir(rulesDir)).sort()) {
    const xml = await readFile(path.join(rulesDir, file), 'utf8');
    if (!xml.includes(`<connector>{${AD}}</connector>`) || !xml.includes('<direction>Inbound</direction>')) continue;
    const id = /<id>\{([^}]+)\}<\/id>/.exec(xml)![1]!;
    const copyId = `f${String(++n).padStart(7, '0')}-0000-4000-8000-000000000000`;
    await writeFile(path.join(rulesDir, `SynchronizationRule_{${copyId}}.xml`), xml.split(id).join(copyId).replace(`{${AD}}`, `{${AD2}}`)
      .replace(/<precedence>(\d+)<\/precedence>/, (_, p: string) => `<precedence>${Number(p) + 1000}</precedence>`));
  }
  const exported = await loadServerConfiguration(dir);
  assert.deepEqual(exported.problems, []);
  const resource = exported.connectors.find((c) => c.name === 'resource.contoso.net')!;
  assert.equal(resource.kind, 'activeDirectory');
  assert.equal(resource.parameters['Connector.ID'], `{${AD2.toUpperCase()}}`);
  assert.equal(resource.parameters['Forest.FQDN'], 'resource.contoso.net');
  assert.deepEqual(resource.partitions.map((p) => p.dn), ['DC=resource,DC=contoso,DC=net']);

  const ruleSet = createRuleSet('serverConfiguration', exported.rules, { entraConnector: AAD_NAME });
  const account = evaluateInbound(ruleSet, 'contoso.com', user(), context);
  const resourceUser = evaluateInbound(ruleSet, 'resource.contoso.net', user(), context);
  assert.deepEqual(account.appliedRules.map((r) => r.precedence), [100, 102, 106, 110]);
  assert.deepEqual(resourceUser.appliedRules.map((r) => r.precedence), [1100, 1102, 1106, 1110], 'only the resource forest\'s copies');
  assert.deepEqual(resourceUser.appliedRules.map((r) => r.name), account.appliedRules.map((r) => r.name));
  assert.equal(evaluateInbound(ruleSet, 'RESOURCE.contoso.net', user(), context).appliedRules.length, 4, 'connector names compare without case');

  // The linked mailbox: a disabled user in the resource forest whose msExchMasterAccountSid is the account's objectSid.
  const resourceSid = Uint8Array.from([1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 9, 9, 9, 9, 2, 0, 0, 0, 3, 0, 0, 0, 0xe9, 3, 0, 0]);
  const mailbox = user({ msExchRecipientTypeDetails: ['2'], msExchMasterAccountSid: [objectSid], objectSid: [resourceSid], userAccountControl: ['514'] });
  const linked = evaluateInbound(ruleSet, 'resource.contoso.net', mailbox, context);
  assert.equal(linked.attributes.sourceAnchor?.values, null, 'a linked mailbox has no sourceAnchor');
  assert.equal(linked.attributes.sourceObjectType?.values, null);
  assert.ok(!linked.appliedRules.some((r) => r.name === 'In from AD - User AccountEnabled'), 'disabled: AccountEnabled is out of scope');
  const joined = findJoin(linked.rules, mailbox, [
    { id: 'mv-other', attributes: { objectSid: [Uint8Array.from([1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 7])] } },
    { id: 'mv-account', attributes: { objectSid: [objectSid], sourceAnchor: ['account-anchor'] } },
  ]);
  assert.equal(joined.status, 'joined');
  assert.deepEqual(joined.status === 'joined' && { id: joined.candidateId, rule: joined.syncRule, conditions: joined.conditions }, {
    id: 'mv-account', rule: 'In from AD - User Join', conditions: [{ source: 'msExchMasterAccountSid', target: 'objectSid' }],
  });
});

test('custom scoping filters as the Synchronization Rules Editor writes them: every operator, case-insensitive, multi-valued, %parameters%', async () => {
  const cases: Array<[string, string, string, Record<string, string[]>, boolean]> = [
    ['extensionAttribute15', 'EQUAL', 'nosync', { extensionAttribute15: ['NoSync'] }, true],
    ['extensionAttribute15', 'EQUAL', 'NoSync', {}, false],
    ['extensionAttribute15', 'NOTEQUAL', 'NoSync', {}, true],
    ['department', 'NOTEQUAL', 'Sales', { department: ['Sales'] }, false],
    ['department', 'STARTSWITH', 'sal', { department: ['Sales EMEA'] }, true],
    ['department', 'NOTSTARTSWITH', 'Sal', { department: ['Sales EMEA'] }, false],
    ['department', 'ENDSWITH', 'emea', { department: ['Sales EMEA'] }, true],
    ['department', 'NOTENDSWITH', 'EMEA', {}, true],
    ['department', 'CONTAINS', 'les E', { department: ['Sales EMEA'] }, true],
    ['department', 'NOTCONTAINS', 'EMEA', { department: ['Sales EMEA'] }, false],
    ['department', 'ISNULL', '', {}, true],
    ['department', 'ISNULL', '', { department: ['x'] }, false],
    ['department', 'ISNOTNULL', '', { department: ['x'] }, true],
    ['department', 'ISIN', 'Sales;HR', { department: ['hr'] }, true],
    ['department', 'ISNOTIN', 'Sales;HR', { department: ['IT'] }, true],
    ['userAccountControl', 'ISBITSET', '2', { userAccountControl: ['514'] }, true],
    ['userAccountControl', 'ISNOTBITSET', '2', { userAccountControl: ['514'] }, false],
    ['userAccountControl', 'ISBITSET', '0x10000', { userAccountControl: ['66048'] }, true],
    ['employeeNumber', 'GREATERTHAN', '5', { employeeNumber: ['10'] }, true],
    ['employeeNumber', 'GREATERTHAN', '5', { employeeNumber: ['3'] }, false],
    ['employeeNumber', 'GREATERTHAN_OR_EQUAL', '10', { employeeNumber: ['10'] }, true],
    ['employeeNumber', 'LESSTHAN', '5', { employeeNumber: ['10'] }, false],
    ['employeeNumber', 'LESSTHAN_OR_EQUAL', '5', { employeeNumber: ['5'] }, true],
    ['accountExpires', 'LESSTHAN', '9223372036854775807', { accountExpires: ['9223372036854775806'] }, true],
    ['proxyAddresses', 'STARTSWITH', 'SMTP:jane', { proxyAddresses: ['smtp:x@contoso.com', 'SMTP:jane@contoso.com'] }, true],
    ['userPrincipalName', 'ENDSWITH', '@%Domain.FQDN%', { userPrincipalName: ['jane@corp.contoso.com'] }, true],
  ];
  const dir = await copySample();
  for (const [i, [attribute, operator, value]] of cases.entries()) {
    const id = `c0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    await writeFile(path.join(dir, 'SynchronizationRules', `SynchronizationRule_{${id}}.xml`), `<synchronizationRule>
  <id>{${id}}</id>
  <internal-id>{${id}}</internal-id>
  <version>1</version>
  <name>Custom ${i}</name>
  <description />
  <immutable-tag />
  <direction>Inbound</direction>
  <disabled>False</disabled>
  <connector>{${AD}}</connector>
  <sourceObjectType>user</sourceObjectType>
  <targetObjectType>person</targetObjectType>
  <linkType>Join</linkType>
  <precedence>${20 + i}</precedence>
  <precedence-after>{00000000-0000-0000-0000-000000000000}</precedence-after>
  <precedence-before>{00000000-0000-0000-0000-000000000000}</precedence-before>
  <softDeleteExpiryInterval>00:00:00</softDeleteExpiryInterval>
  <EnablePasswordSync>false</EnablePasswordSync>
  <attribute-mappings>
    <mapping>
      <dest>extensionAttribute${(i % 15) + 1}</dest>
      <src>Custom ${i}</src>
      <valueMergeType>Update</valueMergeType>
    </mapping>
  </attribute-mappings>
  <relationshipCriteria />
  <synchronizationCriteria>
    <conditions>
      <scope>
        <csAttribute>${attribute}</csAttribute>
        <csOperator>${operator}</csOperator>
        <csValue>${value}</csValue>
      </scope>
    </conditions>
  </synchronizationCriteria>
</synchronizationRule>
`);
  }
  const exported = await loadServerConfiguration(dir);
  assert.deepEqual(exported.problems, []);
  const ruleSet = createRuleSet('serverConfiguration', exported.rules, { entraConnector: AAD_NAME });
  for (const [i, [attribute, operator, value, attributes, expected]] of cases.entries()) {
    const subject = user(attributes, attribute in attributes ? [] : [attribute]);
    const result = evaluateInbound(ruleSet, 'contoso.com', subject, context);
    assert.equal(result.appliedRules.some((r) => r.name === `Custom ${i}`), expected, `${attribute} ${operator} "${value}" with ${JSON.stringify(attributes)}`);
    if (!expected) {
      const out = result.outOfScopeRules.find((r) => r.ruleName === `Custom ${i}`);
      assert.deepEqual(out?.failedClauses.map((c) => [c.attribute, c.operator, c.value]), [[attribute, operator, value]], 'the failing clause is reported');
    }
  }
});
