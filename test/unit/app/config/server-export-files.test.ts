// The files of a Get-ADSyncServerConfiguration export as XML: a file that is not well-formed is
// refused by name at its line and column (XML 1.0 section 2.1: a document that is not
// well-formed is not XML, and Entra Connect's own import refuses it), character references
// decode as XML defines them (section 4.1), and with two AD connectors (a multi-forest server
// has the out-of-box rules once per forest, same names) a rule's problem names its own file.
// Each test edits a copy of the project's small export in a temporary folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspectConfiguration, loadConfiguration, loadServerConfiguration } from '../../../../src/app/config';
import { NOT_WELL_FORMED, NO_GLOBAL_SETTINGS } from '../../../../src/app/config/server-configuration';
import { copyExport as copyFolder, edit } from './export-copies';
import { SyncError } from '../../../../src/engine/errors/sync-error';

const fixture = path.resolve(__dirname, '../../../fixtures/server-config-small');
const userJoinFile = 'SynchronizationRule_{10000000-0000-0000-0000-000000000100}.xml';
const adConnectorFile = 'Connector_{11111111-2222-3333-4444-555555555555}.xml';

const copyExport = (): Promise<string> => copyFolder(fixture, 'sos-export-files-');

async function writeConfig(dir: string, extra: Record<string, unknown> = {}): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'sos-export-files-config-')), 'single-object-sync.json');
  await writeFile(file, JSON.stringify({
    activeDirectory: [{ name: 'fabrikam.com', url: 'ldaps://dc1.fabrikam.com:636' }],
    entra: { tenantId: 'tenant', clientId: 'client', clientSecretEnv: 'SOS_CLIENT_SECRET' },
    rules: { serverConfiguration: dir },
    ...extra,
  }, null, 2));
  return file;
}

/** 1-based line and column of an offset, as an editor counts them. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

async function refused(configFile: string): Promise<SyncError> {
  try {
    await loadConfiguration(configFile);
  } catch (err) {
    assert.ok(err instanceof SyncError, String(err));
    return err;
  }
  assert.fail('the configuration loaded');
}

test('a rule file cut short is refused by name at the end of the file, and its rule is not loaded as a smaller rule', async () => {
  const dir = await copyExport();
  const ruleFile = path.join(dir, 'SynchronizationRules', userJoinFile);
  // Cut inside the first <expression>: parsed leniently it was a rule with no scope and no join,
  // and that mapping a Direct flow.
  const text = await edit(ruleFile, (xml) => xml.slice(0, xml.indexOf('<expression>') + 60));
  const exported = await loadServerConfiguration(dir);
  assert.equal(exported.rules.find((r) => r.name === 'In from AD - User Join'), undefined, 'the damaged rule is not used');
  const [problem, ...others] = exported.problems;
  assert.deepEqual(others, []);
  assert.equal(problem?.code, NOT_WELL_FORMED);
  assert.equal(problem?.severity, 'error');
  assert.equal(problem?.file, ruleFile);
  assert.deepEqual({ line: problem?.line, column: problem?.column }, positionOf(text, text.trimEnd().length));
  assert.match(problem!.message, /^ServerConfigurationFileNotWellFormed: /);
  assert.match(problem!.message, /<\/expression>, <\/mapping>, <\/attribute-mappings>, <\/synchronizationRule>/);
  assert.match(problem!.message, /export the configuration again with Get-ADSyncServerConfiguration/);
  const err = await refused(await writeConfig(dir));
  assert.equal(err.code, 'ConfigurationInvalid');
  assert.ok(String(err.details.summary).includes(`${ruleFile}:${problem!.line}:${problem!.column}`), String(err.details.summary));
});

test('an element left open, a tag with a stray "<" and an empty file are each refused at their file, line and column', async () => {
  const dir = await copyExport();
  const rules = path.join(dir, 'SynchronizationRules');
  const unclosed = path.join(rules, userJoinFile);
  const unclosedText = await edit(unclosed, (xml) => xml.replace('</synchronizationCriteria>', '</synchronizationCriteria><foo>'));
  const stray = path.join(rules, 'SynchronizationRule_{10000000-0000-0000-0000-000000000106}.xml');
  const strayText = await edit(stray, (xml) => xml.replace('<linkType>', '<<linkType>'));
  const empty = path.join(rules, 'SynchronizationRule_{10000000-0000-0000-0000-000000000112}.xml');
  await writeFile(empty, '');
  const exported = await loadServerConfiguration(dir);
  const byFile = new Map(exported.problems.map((p) => [p.file, p]));
  assert.equal(exported.problems.length, 3, JSON.stringify(exported.problems, null, 1));
  assert.ok(exported.problems.every((p) => p.code === NOT_WELL_FORMED && p.severity === 'error'));
  assert.equal(exported.rules.length, 4, 'the three damaged rules are not used');

  // <foo> is never closed: the error is where </synchronizationRule> closes the wrong element.
  const foo = byFile.get(unclosed)!;
  assert.deepEqual({ line: foo.line, column: foo.column }, positionOf(unclosedText, unclosedText.lastIndexOf('</synchronizationRule>')));
  assert.match(foo.message, /'foo'/);
  const linkType = byFile.get(stray)!;
  assert.equal(linkType.line, positionOf(strayText, strayText.indexOf('<<linkType>')).line);
  assert.match(linkType.message, /<linkType/);
  assert.match(byFile.get(empty)!.message, /no XML element/);
});

test('a damaged connector file is refused, and its rules are not also reported as naming a missing connector', async () => {
  const dir = await copyExport();
  const connectorFile = path.join(dir, 'Connectors', adConnectorFile);
  const text = await edit(connectorFile, (xml) => xml.replace('<selected>1</selected>', '<selected>1</selectd>'));
  const exported = await loadServerConfiguration(dir);
  assert.deepEqual(exported.connectors.map((c) => c.name), ['fabrikam.onmicrosoft.com - AAD']);
  assert.deepEqual(exported.problems.map((p) => [p.file, p.code, p.severity, p.line]), [[connectorFile, NOT_WELL_FORMED, 'error', positionOf(text, text.indexOf('</selectd>')).line]]);
  assert.match(exported.problems[0]!.message, /The connector \(and its scope, attributes and rules\) is not used/);
  assert.equal((await refused(await writeConfig(dir))).code, 'ConfigurationInvalid');
});

test('a damaged GlobalSettings/MV.xml is an error (a missing one stays a warning)', async () => {
  const dir = await copyExport();
  const mv = path.join(dir, 'GlobalSettings', 'MV.xml');
  await edit(mv, (xml) => xml.replace('</parameter-values>', ''));
  const damaged = await loadServerConfiguration(dir);
  assert.deepEqual(damaged.problems.map((p) => [p.file, p.code, p.severity]), [[mv, NOT_WELL_FORMED, 'error']]);
  assert.deepEqual(damaged.globalSettings, {});
  await rm(mv);
  const missing = await loadServerConfiguration(dir);
  assert.deepEqual(missing.problems.map((p) => [p.file, p.severity]), [[mv, 'warning']]);
});

test('a GlobalSettings/MV.xml without a Microsoft.* global setting is a warning as a missing one is: it names the file and the defaults assumed', async () => {
  // This module's README: "A missing `MV.xml` stays a warning." One that is there and holds
  // none of the settings (a file of another tool, or cut down) leaves them to the same defaults,
  // and is said the same way, never silently.
  const dir = await copyExport();
  const mv = path.join(dir, 'GlobalSettings', 'MV.xml');
  const warned = (problems: { file: string; severity: string; message: string }[]) => problems.filter((p) => p.file === mv && p.severity === 'warning');
  const defaults = [
    /the anchor attribute \(Microsoft\.SynchronizationOption\.AnchorAttribute\) is the configuration's "sourceAnchor", else mS-DS-ConsistencyGuid/,
    /group filtering \(Microsoft\.OptionalFeature\.GroupFiltering\) applies wherever a connector names a filtering group \(Connector\.GroupFilteringGroupDn\)/,
    /the deletion threshold \(Microsoft\.OptionalFeature\.ExportDeletionThreshold\) is Entra Connect's default of 500 objects/,
  ];
  for (const [what, change] of [
    ['no <parameter-values>', (xml: string) => xml.replace(/<parameter-values>[\s\S]*<\/parameter-values>/, '')],
    ['an empty <parameter-values>', (xml: string) => xml.replace(/(<parameter-values>)[\s\S]*(<\/parameter-values>)/, '$1$2')],
    ['only parameters of another tool', (xml: string) => xml.replace(/(<parameter-values>)[\s\S]*(<\/parameter-values>)/, '$1<parameter name="Contoso.Setting" type="string" use="global" dataType="String">1</parameter>$2')],
  ] as const) {
    await writeFile(mv, change(await readFile(path.join(fixture, 'GlobalSettings', 'MV.xml'), 'utf8')));
    const exported = await loadServerConfiguration(dir);
    assert.deepEqual(exported.problems.map((p) => [p.file, p.code, p.severity]), [[mv, NO_GLOBAL_SETTINGS, 'warning']], what);
    const message = exported.problems[0]!.message;
    assert.ok(message.startsWith(`${NO_GLOBAL_SETTINGS}: ${path.join('GlobalSettings', 'MV.xml')} holds no Microsoft.* global setting`), message);
    for (const assumed of defaults) assert.match(message, assumed, what);
    // It loads, with the defaults: the JSON's connector keeps the export's filtering group.
    const loaded = await inspectConfiguration(await writeConfig(dir));
    assert.deepEqual(loaded.problems.filter((p) => p.severity === 'error'), [], what);
    assert.equal(loaded.config?.activeDirectory[0]?.groupFilteringGroupDn, 'CN=Sync Pilot,OU=Groups,DC=fabrikam,DC=com', what);
    assert.equal(loaded.config?.sourceAnchor, 'mS-DS-ConsistencyGuid', what);
  }

  // The missing file says the same defaults.
  await rm(mv);
  const missing = warned((await loadServerConfiguration(dir)).problems);
  assert.equal(missing.length, 1);
  for (const assumed of defaults) assert.match(missing[0]!.message, assumed);
  // The small export's own MV.xml has them: nothing said.
  assert.deepEqual((await loadServerConfiguration(await copyExport())).problems, []);
});

test('character references decode as XML defines them; HTML-only entity names are not XML and are refused', async () => {
  const dir = await copyExport();
  const ruleFile = path.join(dir, 'SynchronizationRules', userJoinFile);
  await edit(ruleFile, (xml) => xml
    .replace('<name>In from AD - User Join</name>', '<name>In from AD &#x2013; User Join &amp;#233;</name>')
    .replace('<description />', '<description><![CDATA[&#233;]]></description>')
    .replace('<csValue>User_</csValue>', '<csValue>Us&#233;r_&#xD;&#xA;</csValue>')
    .replace('<expression>IIF(IsPresent([mS-DS-ConsistencyGuid])', '<expression>IIF(&#73;sPresent([mS-DS-ConsistencyGuid])'));
  const exported = await loadServerConfiguration(dir);
  assert.deepEqual(exported.problems, []);
  const rule = exported.rules.find((r) => r.id === '10000000-0000-0000-0000-000000000100')!;
  // &#x2013; is an en dash; &amp;#233; is the text "&#233;" (one level of decoding), as is CDATA.
  assert.equal(rule.name, 'In from AD \u2013 User Join &#233;');
  assert.equal(rule.description, '&#233;');
  assert.equal(rule.scope[0]![1]!.value, 'Us\u00e9r_\r\n');
  assert.match(rule.flows.find((f) => f.target === 'sourceAnchorBinary')!.expression!, /^IIF\(IsPresent\(\[mS-DS-ConsistencyGuid\]\)/);

  for (const [reference, why] of [['&nbsp;', /&nbsp; is not an XML entity/], ['&copy;', /&copy; is not an XML entity/], ['&#0;', /&#0; refers to a character XML does not allow/]] as const) {
    const text = await edit(ruleFile, (xml) => xml.replace(/<description>[\s\S]*?<\/description>/, `<description>a${reference}b</description>`));
    const { problems, rules } = await loadServerConfiguration(dir);
    assert.deepEqual(problems.map((p) => [p.code, p.line, p.column]), [[NOT_WELL_FORMED, ...Object.values(positionOf(text, text.indexOf(reference)))]], reference);
    assert.match(problems[0]!.message, why);
    assert.equal(rules.length, 6, `${reference}: the rule is not used`);
  }
});

test('with two AD connectors and the same rule names, a rule\'s problem names its own file, line and column', async () => {
  // A second forest as Entra Connect writes it: its own connector, and the out-of-box rules again
  // with the same names, other identifiers and precedences.
  const dir = await copyExport();
  const secondId = '22222222-2222-3333-4444-555555555555';
  const firstConnector = await readFile(path.join(dir, 'Connectors', adConnectorFile), 'utf8');
  await writeFile(path.join(dir, 'Connectors', `Connector_{${secondId}}.xml`), firstConnector
    .replace('{11111111-2222-3333-4444-555555555555}', `{${secondId}}`)
    .replace('<name>fabrikam.com</name>', '<name>contoso.com</name>')
    // Its own forest: one domain on two connectors is an error of its own.
    .replace(/DC=fabrikam,DC=com/gi, 'DC=contoso,DC=com'));
  const rules = path.join(dir, 'SynchronizationRules');
  for (const file of await readdir(rules)) {
    const xml = await readFile(path.join(rules, file), 'utf8');
    if (!xml.includes('<connector>{11111111-2222-3333-4444-555555555555}</connector>')) continue;
    const id = /<id>\{([^}]+)\}<\/id>/.exec(xml)![1]!;
    const copyId = `2${id.slice(1)}`;
    await writeFile(path.join(rules, `SynchronizationRule_{${copyId}}.xml`), xml
      .replaceAll(id, copyId)
      .replace('<connector>{11111111-2222-3333-4444-555555555555}</connector>', `<connector>{${secondId}}</connector>`)
      .replace(/<precedence>(\d+)<\/precedence>/, (_, n: string) => `<precedence>${Number(n) + 200}</precedence>`));
  }
  // The first forest's rule is broken in its expression, the second forest's in its scope: the
  // first forest's file sorts first, so a lookup by name would name the second's.
  const first = path.join(rules, userJoinFile);
  const second = path.join(rules, 'SynchronizationRule_{20000000-0000-0000-0000-000000000100}.xml');
  const firstText = await edit(first, (xml) => xml.replace('IIF(IsPresent([isCriticalSystemObject])', 'IIF(IsPresent([isCriticalSystemObject]'));
  const secondText = await edit(second, (xml) => xml.replace('<csOperator>NOTSTARTSWITH</csOperator>', '<csOperator>like</csOperator>'));
  const { problems } = await inspectConfiguration(await writeConfig(dir, {
    activeDirectory: [{ name: 'fabrikam.com', url: 'ldaps://dc1.fabrikam.com:636' }, { name: 'contoso.com', url: 'ldaps://dc1.contoso.com:636' }],
  }));
  const errors = problems.filter((p) => p.severity === 'error');
  assert.equal(errors.length, 2, JSON.stringify(problems, null, 1));
  const expression = errors.find((p) => p.path === 'In from AD - User Join: mapping[cloudFiltered]/expression');
  const scope = errors.find((p) => p.path === 'In from AD - User Join: synchronizationCriteria/conditions[1]/scope[2]/csOperator');
  assert.equal(expression?.file, first);
  assert.equal(expression.line, positionOf(firstText, firstText.indexOf('<expression>IIF(IsPresent([isCriticalSystemObject]')).line);
  assert.equal(scope?.file, second);
  assert.deepEqual({ line: scope.line, column: scope.column }, positionOf(secondText, secondText.indexOf('<csOperator>like</csOperator>')));
});
