// What a customer's Get-ADSyncServerConfiguration export may hold that the small export does not,
// loaded as a user loads it: a configuration file naming the export folder, read by
// --validate-config (runValidateConfig) or by a session (loadConfiguration). Bad input is a
// named error with what to do, and the configuration does not load; what loads but is not
// modelled as Entra Connect runs it is a named warning. The added files are in
// test/fixtures/server-config-additions (see its README), copied over a copy of an export.
//   - a file saved again as Windows-1252 (Windows PowerShell 5.1's Set-Content): refused at its
//     byte offset, unless its XML declaration names that encoding;
//   - the folder an archive was unzipped into, named in place of the export below it;
//   - a connector that is neither AD nor Entra (Generic SQL): its rules left out, and said;
//   - such a connector whose list name holds the letters "entra" ("Centralized HR"): still not
//     the Microsoft Entra connector, which is told by its connector type;
//   - a StickyJoin rule: evaluated as a Join, and said;
//   - a Join rule for any metaverse object type ("*"), inbound with join criteria only: applies
//     to the objects of its source type; an outbound "*" rule or a "*" rule with attribute flows
//     is refused, as the ADSync object model refuses them;
//   - the out-of-box group rule's mailEnabled expression: as documented, unless customized;
//   - the value merge type Replace: Update, as documented; an unknown one is said;
//   - a rule with thousands of mappings: its positions cost a scan of the file, not one per mapping.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfiguration } from '../../../../src/app/config';
import { runValidateConfig } from '../../../../src/surfaces/cli/validate-config';
import { isSyncError } from '../../../../src/engine/errors/sync-error';
import { evaluateInbound, evaluateOutbound } from '../../../../src/engine/rules';
import { GROUP_MAIL_ENABLED_EXPRESSION, OUT_OF_BOX_GROUP_MAIL_ENABLED_EXPRESSION } from '../../../../src/engine/rules/builtin';
import { copyExport, edit } from './export-copies';
import { context, group, toMetaverse, user } from '../../engine/rules/objects';
import { ANY_TYPE_FLOWS, OUTBOUND_ANY_TYPE, PROVISION_ANY_TYPE, parseConnector, parseSyncRule } from '../../../../src/app/config/server-configuration';
import type { ConfigProblem } from '../../../../src/app/config/problems';
import { inboundFilterRule } from '../../../support/sync-rule-xml';

const fixtures = path.resolve(__dirname, '../../../fixtures');
const small = path.join(fixtures, 'server-config-small');
const sample = path.join(fixtures, 'entra-connect-server-config-contoso');
const additions = path.join(fixtures, 'server-config-additions');
const umlautRule = path.join('SynchronizationRules', 'SynchronizationRule_{60000000-0000-0000-0000-000000000001}.xml');

/** A copy of `source` with the files of the named cases of server-config-additions over it. */
async function exportWith(source: string, ...cases: string[]): Promise<string> {
  const dir = await copyExport(source, 'sos-export-findings-');
  for (const name of cases) await cp(path.join(additions, name), dir, { recursive: true });
  return dir;
}

/** A configuration file, in a folder of its own, naming `exportDir` and one AD connector. */
async function configFor(exportDir: string, adConnector: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'sos-export-findings-config-')), 'single-object-sync.json');
  await writeFile(file, JSON.stringify({
    activeDirectory: [{ name: adConnector, ldifFile: 'corp.ldif' }],
    entra: { tenantId: 'contoso.onmicrosoft.com', clientId: '3f9a1c7e-52b4-4e0d-8c6a-9d2e7f4b1a30', clientSecretEnv: 'SOS_CLIENT_SECRET' },
    rules: { serverConfiguration: exportDir },
  }, null, 2));
  return file;
}

/** single-object-sync --validate-config on a configuration naming `exportDir`. */
async function validate(exportDir: string, adConnector = 'fabrikam.com') {
  const configFile = await configFor(exportDir, adConnector);
  let stdout = '';
  let stderr = '';
  const code = await runValidateConfig({ config: configFile }, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr, lines: stderr.split('\n').filter(Boolean), configFile };
}

/** 1-based line and column of the character at byte `offset` of single-byte text. */
function positionAt(bytes: Buffer, offset: number): string {
  const before = bytes.subarray(0, offset).toString('latin1').split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

test('a rule file saved again as Windows-1252 (no XML declaration) is ServerConfigurationFileNotUnicode at its byte offset, named from the export folder; the configuration does not load', async () => {
  const dir = await exportWith(small, 'windows-1252-rule');
  const file = path.join(dir, umlautRule);
  const bytes = await readFile(file);
  const offset = bytes.findIndex((b) => b >= 0x80);
  assert.equal(bytes[offset], 0xfc, 'the first byte that is not ASCII is the ü of Müller');

  const { code, stdout, lines, configFile } = await validate(dir);
  assert.equal(code, 2);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.ok(lines[0]!.startsWith(`${file}:${positionAt(bytes, offset)}: error: ServerConfigurationFileNotUnicode: ${umlautRule} cannot be read as text: the byte 0xFC at byte offset ${offset} `), lines[0]);
  assert.match(lines[0]!, /does not decode as UTF-8, and its XML declaration names no other encoding\. The rule in this file is not used, and the configuration does not load/);
  assert.match(lines[0]!, /Windows PowerShell 5\.1 \(Set-Content/);
  assert.match(lines[0]!, /Export the configuration again with Get-ADSyncServerConfiguration and copy the whole folder, or save the file as UTF-8 or UTF-16/);
  assert.match(stdout, /Configuration does not load: 1 error\(s\)/);
  // A session refuses it: no rule with "M\uFFFDller" in it is evaluated.
  await assert.rejects(loadConfiguration(configFile), (err: unknown) => isSyncError(err) && err.code === 'ConfigurationInvalid' && String(err.details.summary).includes('ServerConfigurationFileNotUnicode'));
});

test('a connector file saved again as Windows-1252 is refused the same way, its connector not used', async () => {
  const dir = await exportWith(small);
  const relative = path.join('Connectors', 'Connector_{b891884f-051e-4a83-95af-2544101c9083}.xml');
  const text = await readFile(path.join(dir, relative), 'utf8');
  const changed = text.replace('<description />', '<description>Zürich</description>');
  assert.notEqual(changed, text);
  await writeFile(path.join(dir, relative), Buffer.from(changed, 'latin1'));
  const { code, lines } = await validate(dir);
  assert.equal(code, 2);
  const problem = lines.find((l) => l.includes('ServerConfigurationFileNotUnicode'));
  assert.ok(problem?.includes(`${relative} cannot be read as text: the byte 0xFC at byte offset ${Buffer.from(changed, 'latin1').indexOf(0xfc)} `), lines.join('\n'));
  assert.match(problem!, /The connector \(and its scope, attributes and rules\) is not used/);
});

test('a Windows-1252 rule file whose XML declaration names its encoding (windows-1252, ISO-8859-1) loads with its text as written', async () => {
  for (const declaration of ['<?xml version="1.0" encoding="windows-1252"?>', "<?xml version='1.0' encoding='ISO-8859-1'?>"]) {
    const dir = await exportWith(small, 'windows-1252-rule');
    const file = path.join(dir, umlautRule);
    await writeFile(file, Buffer.concat([Buffer.from(`${declaration}\r\n`, 'latin1'), await readFile(file)]));
    const { code, stderr, configFile } = await validate(dir);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '', declaration);
    const { ruleSet } = await loadConfiguration(configFile);
    const rule = ruleSet.rules.find((r) => r.name === 'In from AD - User Müller');
    assert.ok(rule, declaration);
    assert.deepEqual(rule.scope, [[{ attribute: 'company', operator: 'EQUAL', value: 'Müller AG' }]]);
    assert.equal(rule.description, 'Für Müller AG');
    assert.equal(rule.flows.find((f) => f.target === 'company')?.value, 'Müller AG');
    assert.equal(rule.flows.find((f) => f.target === 'mailNickname')?.expression, 'ReplaceChars([sn],"ä:ae,ö:oe,ü:ue")');
  }
});

test('the folder an export archive was unzipped into: ServerConfigurationNotFound names the export\'s sub-folder to give, and nothing else is said', async () => {
  const parent = await mkdtemp(path.join(tmpdir(), 'sos-export-findings-unzipped-'));
  await cp(small, path.join(parent, 'SERVER01'), { recursive: true });
  const { code, lines, configFile } = await validate(parent);
  assert.equal(code, 2);
  assert.deepEqual(lines.map((l) => l.replace(/^.*?: error: /, '')), [
    `The Entra Connect server configuration folder ${parent} cannot be read: it is not an export, but the export is in its sub-folder SERVER01 (${path.join(parent, 'SERVER01')}); name that folder, the whole export.`,
  ]);
  assert.ok(lines[0]!.startsWith(`${configFile}:`) && lines[0]!.includes(' $.rules.serverConfiguration: error: '), lines[0]);
  assert.equal((await validate(path.join(parent, 'SERVER01'))).code, 0, 'the sub-folder it names loads');

  await cp(small, path.join(parent, 'SERVER02'), { recursive: true });
  const two = await validate(parent);
  assert.equal(two.code, 2);
  assert.equal(two.lines.length, 1, two.lines.join('\n'));
  assert.match(two.lines[0]!, /it is not an export, but holds 2 exports in its sub-folders \(SERVER01, SERVER02\); name the sub-folder of the server whose rules to replay/);
});

test('a Generic SQL connector: its rules are left out (not applied to AD objects) and a warning names the connector, how many rules and why', async () => {
  const dir = await exportWith(small, 'generic-sql-connector');
  const { code, stdout, lines, configFile } = await validate(dir);
  assert.equal(code, 0, lines.join('\n'));
  assert.match(stdout, /Configuration is valid \(1 warning\(s\)\)/);
  assert.match(stdout, /Sync rules: 7 \(1 disabled\)/, 'the seven rules of the small export, not the HR rule');
  assert.equal(lines.length, 1, lines.join('\n'));
  const connectorFile = path.join(dir, 'Connectors', 'Connector_{33333333-0000-0000-0000-000000000001}.xml');
  assert.ok(lines[0]!.startsWith(`${connectorFile} ma-data: warning: ServerConfigurationConnectorNotSupported: connector "HR Database" (Generic SQL (Microsoft), Extensible2) is neither an Active Directory nor a Microsoft Entra connector, and this tool reads only Active Directory and Entra ID: its 1 sync rule(s) ("In from HR - Person Join") are left out`), lines[0]);
  assert.match(lines[0]!, /what they flow into the metaverse \(department, employeeID\) is not in the results/);

  const loaded = await loadConfiguration(configFile);
  assert.equal(loaded.ruleSet.rules.find((r) => r.name === 'In from HR - Person Join'), undefined);
  assert.equal(loaded.serverConfiguration?.rules.find((r) => r.name === 'In from HR - Person Join'), undefined);
  assert.deepEqual(loaded.serverConfiguration?.connectors.map((c) => [c.name, c.kind]), [['fabrikam.com', 'activeDirectory'], ['HR Database', 'other'], ['fabrikam.onmicrosoft.com - AAD', 'entra']]);
});

const entraConnectorFile = path.join('Connectors', 'Connector_{b891884f-051e-4a83-95af-2544101c9083}.xml');

test('a connector whose list name holds the letters "entra" (a Generic SQL connector listed as "Centralized HR (Contoso)") is not the Microsoft Entra connector: the real one\'s rules are used, and the other\'s left out', async () => {
  // The sample export writes the Entra connector as its type: "<category>Extensible2</category>"
  // and "<subtype>Windows Azure Active Directory (Microsoft)</subtype>". The HR connector's file
  // sorts first: taken for an Entra connector, its (no) outbound rules would be used in place of
  // "Out to AAD - ...".
  const dir = await exportWith(sample, 'hr-connector-entra-in-list-name');
  const { code, lines, configFile } = await validate(dir, 'contoso.com');
  assert.equal(code, 0, lines.join('\n'));
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.ok(lines[0]!.startsWith(`${path.join(dir, 'Connectors', 'Connector_{0c000000-0000-0000-0000-000000000001}.xml')} ma-data: warning: ServerConfigurationConnectorNotSupported: connector "Contoso HR System" (Generic SQL (Microsoft), Extensible2) is neither an Active Directory nor a Microsoft Entra connector`), lines[0]);
  assert.doesNotMatch(lines.join('\n'), /Microsoft Entra connectors/, 'no second Entra connector is said');

  const loaded = await loadConfiguration(configFile);
  assert.deepEqual(loaded.serverConfiguration?.connectors.map((c) => [c.name, c.kind]), [['Contoso HR System', 'other'], ['contoso.com', 'activeDirectory'], ['contoso.onmicrosoft.com - AAD', 'entra']]);
  assert.equal(loaded.ruleSet.entraConnector, 'contoso.onmicrosoft.com - AAD');
  const person = toMetaverse(evaluateInbound(loaded.ruleSet, 'contoso.com', user(), context).attributes);
  const out = evaluateOutbound(loaded.ruleSet, { objectType: 'person', attributes: person }, context);
  assert.equal(out.provision, true);
  assert.equal(out.targetObjectType, 'user');
  assert.ok(out.appliedRules.some((r) => r.name === 'Out to AAD - User Join'), JSON.stringify(out.appliedRules));
});

test('the Microsoft Entra connector is told by its connector type (category Extensible2 and the Entra connector\'s extension, or without an extension its subtype), never by letters in its list name', async () => {
  // As the sample export writes it: <category>Extensible2</category>, <subtype>Windows Azure
  // Active Directory (Microsoft)</subtype>, <extension-config><filename>Microsoft.Azure.ActiveDirectory.Connector.dll</filename>.
  const real = await readFile(path.join(sample, entraConnectorFile), 'utf8');
  const kind = (change: (xml: string) => string) => {
    const xml = change(real);
    return parseConnector(xml, 'Connector.xml').kind;
  };
  const subtype = '<subtype>Windows Azure Active Directory (Microsoft)</subtype>';
  const listName = '<ma-listname>Windows Azure Active Directory (Microsoft)</ma-listname>';
  const entraDll = '<filename>Microsoft.Azure.ActiveDirectory.Connector.dll</filename>';
  const sqlDll = '<filename>Microsoft.IAM.Connector.GenericSql.dll</filename>';
  const cases: Array<[string, (xml: string) => string, string]> = [
    ['as exported', (xml) => xml, 'entra'],
    ['another list name', (xml) => xml.replace(listName, '<ma-listname>Centralized HR (Contoso)</ma-listname>'), 'entra'],
    ['the subtype named after Microsoft Entra ID', (xml) => xml.replace(subtype, '<subtype>Microsoft Entra ID (Microsoft)</subtype>'), 'entra'],
    ['no subtype: its extension', (xml) => xml.replace(subtype, '<subtype />'), 'entra'],
    ['another subtype text, the Entra connector\'s extension', (xml) => xml.replace(subtype, '<subtype>Azure AD (Microsoft)</subtype>'), 'entra'],
    ['no subtype, another extension', (xml) => xml.replace(subtype, '<subtype />').replace(entraDll, '<filename>Contoso.Hr.Connector.dll</filename>'), 'other'],
    ['an Entra-sounding subtype on another extension', (xml) => xml.replace(subtype, '<subtype>Azure Active Directory Connector for Contoso HR</subtype>').replace(entraDll, '<filename>Contoso.Hr.Connector.dll</filename>'), 'other'],
    ['no extension: the subtype', (xml) => xml.replace(entraDll, '<filename />'), 'entra'],
    ['Generic SQL listed as "Centralized HR (Contoso)"', (xml) => xml.replace(subtype, '<subtype>Generic SQL (Microsoft)</subtype>').replace(entraDll, sqlDll).replace(listName, '<ma-listname>Centralized HR (Contoso)</ma-listname>'), 'other'],
    ['Generic SQL whose list name says Microsoft Entra ID', (xml) => xml.replace(subtype, '<subtype>Generic SQL (Microsoft)</subtype>').replace(entraDll, sqlDll).replace(listName, '<ma-listname>Microsoft Entra ID</ma-listname>'), 'other'],
    ['no extension, a subtype with the letters "entra" in a word', (xml) => xml.replace(subtype, '<subtype>Central Entrance Control (Contoso)</subtype>').replace(entraDll, '<filename />'), 'other'],
    ['the SQL Server management agent (category MSSQL)', (xml) => xml.replace('<category>Extensible2</category>', '<category>MSSQL</category>').replace(subtype, '<subtype />').replace(listName, '<ma-listname>Centralized HR (Contoso)</ma-listname>'), 'other'],
    ['category AD', (xml) => xml.replace('<category>Extensible2</category>', '<category>AD</category>'), 'activeDirectory'],
  ];
  for (const [what, change, expected] of cases) assert.equal(kind(change), expected, what);
});

test('a StickyJoin rule is evaluated as a Join, marked, and said as a warning at its <linkType>; a disabled one is not said', async () => {
  const dir = await exportWith(small);
  const rules = path.join(dir, 'SynchronizationRules');
  const sticky = path.join(rules, 'SynchronizationRule_{10000000-0000-0000-0000-000000000102}.xml');
  const text = await edit(sticky, (xml) => xml.replace('<linkType>Join</linkType>', '<linkType>StickyJoin</linkType>'));
  await edit(path.join(rules, 'SynchronizationRule_{10000000-0000-0000-0000-000000000113}.xml'), (xml) => xml.replace('<linkType>Join</linkType>', '<linkType>StickyJoin</linkType>'));
  const { code, lines, configFile } = await validate(dir);
  assert.equal(code, 0, lines.join('\n'));
  assert.equal(lines.length, 1, lines.join('\n'));
  const line = text.slice(0, text.indexOf('<linkType>')).split('\n').length;
  assert.ok(lines[0]!.startsWith(`${sticky}:${line}:3 linkType: warning: ServerConfigurationStickyJoin: rule "In from AD - User AccountEnabled" has the link type StickyJoin, which is evaluated here as a Join. Entra Connect keeps a StickyJoin's join after the object leaves the rule's scope`), lines[0]);

  const { ruleSet } = await loadConfiguration(configFile);
  const rule = ruleSet.rules.find((r) => r.name === 'In from AD - User AccountEnabled');
  assert.equal(rule?.linkType, 'Join');
  assert.equal(rule?.stickyJoin, true);
  const result = evaluateInbound(ruleSet, 'fabrikam.com', user(), context);
  assert.deepEqual(result.appliedRules.find((r) => r.name === 'In from AD - User AccountEnabled'), { name: 'In from AD - User AccountEnabled', linkType: 'Join', precedence: 102 });
});

/**
 * The ADSync object model's rules for metaverse object type "*" (any type), as its messages say
 * them (Microsoft.IdentityManagement.PowerShell.ObjectModel.dll, which Entra Connect's
 * Synchronization Rules Editor and New-ADSyncRule save rules through).
 */
const ANY_TYPE_RULES = {
  joinOnly: 'Only Join or StickyJoin rules can use MV object type *.',
  notOutbound: 'MV object type * cannot be used for outbound rules.',
  noFlows: 'Rules using MV object type * must not contain attribute flows.',
};
const anyTypeRule = path.join('SynchronizationRules', 'SynchronizationRule_{20000000-0000-0000-0000-000000000002}.xml');

test('a Join rule for metaverse object type "*" (inbound, join criteria only, no attribute flows) loads and applies to the objects of its source type in its scope, deciding neither their type nor an attribute', async () => {
  // What the object model allows: a Join ("Only Join or StickyJoin rules can use MV object type *."),
  // inbound ("MV object type * cannot be used for outbound rules."), without flows ("Rules using MV
  // object type * must not contain attribute flows."): a rule that only joins, as the out-of-box
  // "In from AD - ForeignSecurityPrincipal Join User" does.
  const dir = await exportWith(sample, 'any-object-type-rule');
  const { ruleSet, problems } = await loadConfiguration(await configFor(dir, 'contoso.com'));
  assert.deepEqual(problems, []);
  const rule = ruleSet.rules.find((r) => r.name === 'In from AD - User Join Any Type');
  assert.ok(rule);
  assert.deepEqual([rule.direction, rule.linkType, rule.sourceObjectType, rule.targetObjectType, rule.flows], ['inbound', 'Join', 'user', '*', []]);
  assert.deepEqual(rule.join, [[{ source: 'employeeID', target: 'employeeID' }]]);
  assert.deepEqual(rule.scope, [[{ attribute: 'adminDescription', operator: 'STARTSWITH', value: 'User_' }]]);

  // A user the provisioning rule "In from AD - User Join" leaves out (adminDescription User_...,
  // the documented filter) joins by this rule alone, and is never projected.
  const filtered = user({ adminDescription: ['User_HR'], employeeID: ['E1001'] });
  const inbound = evaluateInbound(ruleSet, 'contoso.com', filtered, context);
  assert.deepEqual(inbound.appliedRules.find((r) => r.name === rule.name), { name: rule.name, linkType: 'Join', precedence: 50 });
  assert.ok(!inbound.appliedRules.some((r) => r.name === 'In from AD - User Join'));
  assert.equal(inbound.linkType, 'join');
  // It decides neither the metaverse object's type nor an attribute: the same as without it.
  const { ruleSet: without } = await loadConfiguration(await configFor(await exportWith(sample), 'contoso.com'));
  const baseline = evaluateInbound(without, 'contoso.com', filtered, context);
  assert.equal(inbound.metaverseObjectType, baseline.metaverseObjectType);
  assert.deepEqual(inbound.attributes, baseline.attributes);
  // Out of its scope, a user is provisioned by its own rule; a group is not of its source type.
  const provisioned = evaluateInbound(ruleSet, 'contoso.com', user({ employeeID: ['E1001'] }), context);
  assert.equal(provisioned.linkType, 'provision');
  assert.ok(!provisioned.appliedRules.some((r) => r.name === rule.name));
  assert.ok(!evaluateInbound(ruleSet, 'contoso.com', group(), context).appliedRules.some((r) => r.name === rule.name));
});

test('rules that use metaverse object type "*" other than to join are refused, as the ADSync object model refuses them: outbound (ServerConfigurationOutboundAnyObjectType), with attribute flows (ServerConfigurationAnyObjectTypeFlows)', async () => {
  const dir = await exportWith(sample, 'any-object-type-refused');
  const outbound = path.join(dir, 'SynchronizationRules', 'SynchronizationRule_{20000000-0000-0000-0000-000000000003}.xml');
  const withFlow = path.join(dir, 'SynchronizationRules', 'SynchronizationRule_{20000000-0000-0000-0000-000000000004}.xml');
  const { code, stdout, lines, configFile } = await validate(dir, 'contoso.com');
  assert.equal(code, 2);
  assert.equal(lines.length, 2, lines.join('\n'));
  // "MV object type * cannot be used for outbound rules.": at the outbound rule's metaverse side, its <sourceObjectType>.
  assert.ok(lines[0]!.startsWith(`${outbound}:11:3 sourceObjectType: error: ${OUTBOUND_ANY_TYPE}: rule "Out to AAD - Any Join" is an outbound rule with metaverse object type "*"; Entra Connect refuses it ("${ANY_TYPE_RULES.notOutbound}")`), lines[0]);
  assert.match(lines[0]!, /Name the metaverse object type \(person, group, contact, device\), or export the configuration again$/);
  // "Rules using MV object type * must not contain attribute flows.": at its <attribute-mappings>, naming the flows.
  assert.ok(lines[1]!.startsWith(`${withFlow}:19:3 attribute-mappings: error: ${ANY_TYPE_FLOWS}: rule "In from AD - User Join Any Type With Flow" has metaverse object type "*" and 1 attribute flow(s) (extensionAttribute5); Entra Connect refuses it ("${ANY_TYPE_RULES.noFlows}")`), lines[1]);
  assert.match(lines[1]!, /Move the flows to a rule for one metaverse object type, or export the configuration again$/);
  assert.match(stdout, /Configuration does not load: 2 error\(s\)/);
  // A session refuses it: no "*" rule flows a value or decides an outbound object.
  await assert.rejects(loadConfiguration(configFile), (err: unknown) => isSyncError(err) && err.code === 'ConfigurationInvalid' && String(err.details.summary).includes(ANY_TYPE_FLOWS));
});

test('an outbound Provision rule for metaverse object type "*" with flows breaks each of the three rules, and each is said', () => {
  const xml = inboundFilterRule('5a5a5a5a-0000-4000-8000-000000000003', 'Out to AAD - Any Provision', 53, [], [['extensionAttribute5', 'ANY']])
    .replace('<direction>Inbound</direction>', '<direction>Outbound</direction>')
    .replace('<sourceObjectType>user</sourceObjectType>', '<sourceObjectType>*</sourceObjectType>')
    .replace('<targetObjectType>person</targetObjectType>', '<targetObjectType>user</targetObjectType>')
    .replace('<linkType>Join</linkType>', '<linkType>Provision</linkType>');
  const problems: ConfigProblem[] = [];
  parseSyncRule(xml, 'SynchronizationRule_any.xml', problems);
  assert.deepEqual(problems.map((p) => [p.code, p.severity, p.path]), [[PROVISION_ANY_TYPE, 'error', 'sourceObjectType'], [OUTBOUND_ANY_TYPE, 'error', 'sourceObjectType'], [ANY_TYPE_FLOWS, 'error', 'attribute-mappings']]);
  // A rule for one metaverse type ("person") uses none of them.
  const plain: ConfigProblem[] = [];
  parseSyncRule(xml.replace('<sourceObjectType>*</sourceObjectType>', '<sourceObjectType>person</sourceObjectType>'), 'x.xml', plain);
  assert.deepEqual(plain, []);
});

test('a Provision rule for metaverse object type "*" is refused (Entra Connect allows "*" on Join rules only)', async () => {
  // "Only Join or StickyJoin rules can use MV object type *."
  const dir = await exportWith(sample, 'any-object-type-rule');
  const file = path.join(dir, anyTypeRule);
  await edit(file, (xml) => xml.replace('<linkType>Join</linkType>', '<linkType>Provision</linkType>'));
  const { code, lines } = await validate(dir, 'contoso.com');
  assert.equal(code, 2);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.ok(lines[0]!.startsWith(`${file}:12:3 targetObjectType: error: ${PROVISION_ANY_TYPE}: rule "In from AD - User Join Any Type" is a Provision rule with metaverse object type "*"; Entra Connect allows "*" on Join and StickyJoin rules only ("${ANY_TYPE_RULES.joinOnly}"`), lines[0]);
});

const groupFile = path.join('SynchronizationRules', 'SynchronizationRule_{794ef0a3-0556-410e-96ff-b2ec8495ef39}.xml');
/** Groups' proxyAddresses from Microsoft's page on groups: an X500 address and a secondary (lower-case) SMTP address, no mail. */
const lowerCaseSmtpGroup = () => group({ groupType: ['2'], proxyAddresses: ['X500:/o=Contoso/ou=Exchange Administrative Group/cn=Recipients/cn=johndoe', 'smtp:johndoe@contoso.com'] });

test('the sample export\'s out-of-box "In from AD - Group Join": a group with {X500:..., smtp:...} and no mail is mail-enabled, as documented, also with the expression re-indented', async () => {
  for (const reindent of [false, true]) {
    const dir = await exportWith(sample);
    const xml = await readFile(path.join(dir, groupFile), 'utf8');
    assert.match(xml, /<immutable-tag>Microsoft\.InfromADGroupJoin\.003<\/immutable-tag>/);
    if (reindent) await edit(path.join(dir, groupFile), (text) => text.replace(/\) &amp;&amp; \(/g, ')\r\n        &amp;&amp; ('));
    const { ruleSet, problems } = await loadConfiguration(await configFor(dir, 'contoso.com'));
    assert.deepEqual(problems, []);
    const rule = ruleSet.rules.find((r) => r.name === 'In from AD - Group Join');
    assert.equal(rule?.flows.find((f) => f.target === 'mailEnabled')?.expression, GROUP_MAIL_ENABLED_EXPRESSION);
    const inbound = evaluateInbound(ruleSet, 'contoso.com', lowerCaseSmtpGroup(), context);
    assert.deepEqual(inbound.attributes.mailEnabled?.values, [true], `re-indented: ${reindent}`);
    // Mail-enabled, the distribution group is provisioned to Entra ID.
    const out = evaluateOutbound(ruleSet, { objectType: 'group', attributes: toMetaverse(inbound.attributes) }, context);
    assert.equal(out.provision, true);
  }
});

test('a customized mailEnabled expression of "In from AD - Group Join" stays as the customer wrote it', async () => {
  const dir = await exportWith(sample);
  await edit(path.join(dir, groupFile), (text) => text.replace('(InStr([mail], "@") &gt; 0)', '(InStr([mail], "@contoso.com") &gt; 0)'));
  const customized = OUT_OF_BOX_GROUP_MAIL_ENABLED_EXPRESSION.replace('(InStr([mail], "@") > 0)', '(InStr([mail], "@contoso.com") > 0)');
  assert.notEqual(customized, OUT_OF_BOX_GROUP_MAIL_ENABLED_EXPRESSION);
  const { ruleSet } = await loadConfiguration(await configFor(dir, 'contoso.com'));
  const rule = ruleSet.rules.find((r) => r.name === 'In from AD - Group Join');
  assert.equal(rule?.flows.find((f) => f.target === 'mailEnabled')?.expression, customized);
  // Its Contains finds "SMTP:" as written (case-sensitive): the lower-case address is not found.
  assert.deepEqual(evaluateInbound(ruleSet, 'contoso.com', lowerCaseSmtpGroup(), context).attributes.mailEnabled?.values, [false]);
});

test('a flow whose value merge type this tool does not model is evaluated as Update and said as a warning at its own element, never silently', () => {
  const xml = inboundFilterRule('5a5a5a5a-0000-4000-8000-000000000001', 'Merge Probe', 50, [], [['extensionAttribute1', 'x'], ['extensionAttribute2', 'y']]);
  const second = xml.lastIndexOf('<valueMergeType>Update</valueMergeType>');
  const probe = `${xml.slice(0, second)}<valueMergeType>Overwrite</valueMergeType>${xml.slice(second + '<valueMergeType>Update</valueMergeType>'.length)}`;
  const problems: ConfigProblem[] = [];
  const parsed = parseSyncRule(probe, 'SynchronizationRule_probe.xml', problems);
  assert.deepEqual(parsed?.rule.flows.map((f) => f.mergeType), ['Update', 'Update']);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.equal(problems[0]!.severity, 'warning');
  assert.match(problems[0]!.message, /Merge Probe.*extensionAttribute2.*"Overwrite".*evaluated as Update/);
  // At the second mapping's <valueMergeType>, not the rule's first one.
  assert.deepEqual([problems[0]!.line, problems[0]!.column], [probe.slice(0, second).split('\n').length, 7]);
  const plain: ConfigProblem[] = [];
  for (const mergeType of ['Update', 'Replace', 'Merge', 'MergeCaseInsensitive']) {
    parseSyncRule(inboundFilterRule('5a5a5a5a-0000-4000-8000-000000000002', 'Update Probe', 51, [], [['extensionAttribute1', 'x']]).replace('<valueMergeType>Update</valueMergeType>', `<valueMergeType>${mergeType}</valueMergeType>`), 'x.xml', plain);
  }
  assert.deepEqual(plain, [], 'Update, Replace, Merge and MergeCaseInsensitive are modelled: nothing said');
});

test('the value merge type Replace is Update, as documented, and nothing is said of it', async () => {
  // Microsoft Entra Connect Sync: Understanding Declarative Provisioning (Merging attribute
  // values): "The option Replace is the same as Update, but it is not used."
  const problems: ConfigProblem[] = [];
  const parsed = parseSyncRule(inboundFilterRule('5a5a5a5a-0000-4000-8000-000000000004', 'Replace Probe', 54, [], [['extensionAttribute1', 'x']]).replace('<valueMergeType>Update</valueMergeType>', '<valueMergeType>Replace</valueMergeType>'), 'SynchronizationRule_replace.xml', problems);
  assert.deepEqual(problems, []);
  assert.equal(parsed?.rule.flows[0]?.mergeType, 'Update');

  // A rule of the sample export with its flows written as Replace loads without a word and
  // flows what it flows as Update.
  const dir = await exportWith(sample);
  const accountEnabled = path.join(dir, 'SynchronizationRules', 'SynchronizationRule_{0a1f95e3-265a-44fc-ad7c-80e267b05c06}.xml');
  await edit(accountEnabled, (xml) => xml.replaceAll('<valueMergeType>Update</valueMergeType>', '<valueMergeType>Replace</valueMergeType>'));
  const { code, stderr, configFile } = await validate(dir, 'contoso.com');
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
  const { ruleSet } = await loadConfiguration(configFile);
  const rule = ruleSet.rules.find((r) => r.name === 'In from AD - User AccountEnabled');
  assert.ok(rule && rule.flows.length > 0 && rule.flows.every((f) => f.mergeType === 'Update'));
  const { ruleSet: asUpdate } = await loadConfiguration(await configFor(await exportWith(sample), 'contoso.com'));
  assert.deepEqual(evaluateInbound(ruleSet, 'contoso.com', user(), context).attributes, evaluateInbound(asUpdate, 'contoso.com', user(), context).attributes);
});

/** A rule with `mappings` expression flows and `clauses` scope clauses, as the Synchronization Rules Editor writes them. */
function largeRule(mappings: number, clauses: number): string {
  const flow = (i: number) => `    <mapping>\r\n      <dest>extensionAttribute${i}</dest>\r\n      <src>\r\n        <attr>department</attr>\r\n      </src>\r\n      <expression>IIF(IsPresent([department]),Trim([department]) &amp; &quot;-${i}&quot;,NULL)</expression>\r\n      <valueMergeType>Update</valueMergeType>\r\n    </mapping>`;
  const clause = (i: number) => `      <scope>\r\n        <csAttribute>extensionAttribute${i % 15 + 1}</csAttribute>\r\n        <csOperator>NOTEQUAL</csOperator>\r\n        <csValue>x${i}</csValue>\r\n      </scope>`;
  return inboundFilterRule('5a5a5a5a-0000-4000-8000-000000000005', 'In from AD - User Large', 55, [['department', 'ISNOTNULL', '']], [])
    .replace(/<attribute-mappings>\n\n\s*<\/attribute-mappings>/, `<attribute-mappings>\r\n${Array.from({ length: mappings }, (_, i) => flow(i)).join('\r\n')}\r\n  </attribute-mappings>`)
    .replace(/<conditions>\n[\s\S]*?<\/conditions>/, `<conditions>\r\n${Array.from({ length: clauses }, (_, i) => clause(i)).join('\r\n')}\r\n    </conditions>`);
}

test('a rule with thousands of mappings loads with every expression and operator at its line and column', async () => {
  const mappings = 3000;
  const clauses = 1000;
  const xml = largeRule(mappings, clauses);
  const problems: ConfigProblem[] = [];
  const parsed = parseSyncRule(xml, 'SynchronizationRule_large.xml', problems);
  assert.deepEqual(problems, []);
  assert.equal(parsed?.rule.flows.length, mappings);
  assert.equal(parsed.positions.expressions.size, mappings);
  assert.equal(parsed.positions.operators[0]?.length, clauses);
  // Each position is where an editor shows it (1-based, counted in characters).
  const at = (offset: number) => {
    const before = xml.slice(0, offset).split('\n');
    return { line: before.length, column: before.at(-1)!.length + 1 };
  };
  assert.deepEqual(parsed.positions.expressions.get(`extensionAttribute${mappings - 1}`), at(xml.lastIndexOf('<expression>') + '<expression>'.length));
  assert.deepEqual(parsed.positions.expressions.get('extensionAttribute0'), at(xml.indexOf('<expression>') + '<expression>'.length));
  assert.deepEqual(parsed.positions.operators[0]?.[clauses - 1], at(xml.lastIndexOf('<csOperator>')));
  // And through the loader: the rule loads from an export, its flows and positions with it.
  const dir = await exportWith(sample);
  await writeFile(path.join(dir, 'SynchronizationRules', 'SynchronizationRule_{5a5a5a5a-0000-4000-8000-000000000005}.xml'), xml);
  const { ruleSet, problems: loadProblems } = await loadConfiguration(await configFor(dir, 'contoso.com'));
  assert.deepEqual(loadProblems, []);
  assert.equal(ruleSet.rules.find((r) => r.name === 'In from AD - User Large')?.flows.length, mappings);
});
