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
//   - a StickyJoin rule: evaluated as a Join, and said;
//   - a Join rule for any metaverse object type ("*"): applies to every type;
//   - the out-of-box group rule's mailEnabled expression: as documented, unless customized.
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
import { parseSyncRule } from '../../../../src/app/config/server-configuration';
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

test('an outbound Join rule for metaverse object type "*" applies to a user and to any other type, and does not decide what a connected group is', async () => {
  const dir = await exportWith(sample, 'any-object-type-rule');
  const configFile = await configFor(dir, 'contoso.com');
  const { ruleSet, problems } = await loadConfiguration(configFile);
  assert.deepEqual(problems, []);
  const person = toMetaverse(evaluateInbound(ruleSet, 'contoso.com', user(), context).attributes);
  const out = evaluateOutbound(ruleSet, { objectType: 'person', attributes: person }, context);
  assert.equal(out.targetObjectType, 'user');
  assert.ok(out.appliedRules.some((r) => r.name === 'Out to AAD - Any Join'), JSON.stringify(out.appliedRules));
  assert.deepEqual(out.attributes.extensionAttribute5?.values, ['ANY-JOIN']);

  // A distribution group that is not mail-enabled, connected before: no Provision rule is in
  // scope, and the "*" rule (precedence 50, to a user) comes first. The group's own Join rules
  // decide the type, and the rule for users does not flow to the group.
  const distribution = toMetaverse(evaluateInbound(ruleSet, 'contoso.com', group({ groupType: ['2'] }), context).attributes);
  const connected = evaluateOutbound(ruleSet, { objectType: 'group', attributes: distribution }, { ...context, connectedToTarget: true });
  assert.equal(connected.provision, false);
  assert.equal(connected.targetObjectType, 'group');
  assert.ok(connected.appliedRules.some((r) => r.name === 'Out to AAD - Group Identity'), JSON.stringify(connected.appliedRules));
  assert.ok(!connected.appliedRules.some((r) => r.name === 'Out to AAD - Any Join'));
  assert.notDeepEqual(connected.attributes.extensionAttribute5?.values, ['ANY-JOIN']);
});

test('a Provision rule for metaverse object type "*" is refused (Entra Connect allows "*" on Join rules only)', async () => {
  const dir = await exportWith(sample, 'any-object-type-rule');
  const file = path.join(dir, 'SynchronizationRules', 'SynchronizationRule_{20000000-0000-0000-0000-000000000002}.xml');
  await edit(file, (xml) => xml.replace('<linkType>Join</linkType>', '<linkType>Provision</linkType>'));
  const { code, lines } = await validate(dir, 'contoso.com');
  assert.equal(code, 2);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.ok(lines[0]!.startsWith(`${file}:11:3 sourceObjectType: error: ServerConfigurationProvisionAnyObjectType: rule "Out to AAD - Any Join" is a Provision rule with metaverse object type "*"`), lines[0]);
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

test('a flow whose value merge type this tool does not model is evaluated as Update and said as a warning at its element, never silently', () => {
  const xml = inboundFilterRule('5a5a5a5a-0000-4000-8000-000000000001', 'Merge Probe', 50, [], [['extensionAttribute1', 'x']]).replace('<valueMergeType>Update</valueMergeType>', '<valueMergeType>Replace</valueMergeType>');
  const problems: ConfigProblem[] = [];
  const parsed = parseSyncRule(xml, 'SynchronizationRule_probe.xml', problems);
  assert.equal(parsed?.rule.flows[0]?.mergeType, 'Update');
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.equal(problems[0]!.severity, 'warning');
  assert.match(problems[0]!.message, /Merge Probe.*extensionAttribute1.*"Replace".*evaluated as Update/);
  assert.ok(problems[0]!.line, 'points at the element');
  const plain: ConfigProblem[] = [];
  parseSyncRule(inboundFilterRule('5a5a5a5a-0000-4000-8000-000000000002', 'Update Probe', 51, [], [['extensionAttribute1', 'x']]), 'x.xml', plain);
  assert.deepEqual(plain, [], 'Update, Merge and MergeCaseInsensitive are modelled: nothing said');
});
