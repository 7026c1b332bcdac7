// Exports shaped differently from the sample, each built from a copy of it (test/fixtures, MIT):
// - Two connector files with one connector name (a copy edited by hand, or names differing only in
//   case): the sync engine names each connector once; rules bind by name here, so each one's rules
//   would apply to the other's objects. ServerConfigurationDuplicateConnectorName, at the file.
// - A domain partition on two AD connectors (the export's second connector a copy of the first, or
//   the JSON adding the partition to another connector): Entra Connect connects a forest once, so
//   the object's connector cannot be told; an error, not the first connector in silence.
// - A rule file of a newer Entra Connect build (unknown elements and attributes), without
//   <description>, with CRLF line ends, character references (&#x2028;, &#233;) in an expression
//   and a description: loads without a word, and the expression is evaluated as written (U+2028
//   is white space between tokens, as in .NET's char.IsWhiteSpace).
// (The whole syncs of two forests and of an outbound custom rule are in
// test/integration/app/customer-export-round3.test.ts.)
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inspectConfiguration, loadServerConfiguration } from '../../../../src/app/config';
import { DUPLICATE_CONNECTOR_ID, DUPLICATE_CONNECTOR_NAME } from '../../../../src/app/config/server-configuration';
import type { ConfigProblem } from '../../../../src/app/config/problems';
import { createRuleSet, evaluateInbound } from '../../../../src/engine/rules';
import { context, user } from '../../engine/rules/objects';
import { copyExport, edit } from './export-copies';

const sample = path.resolve(__dirname, '../../../fixtures/entra-connect-server-config-contoso');
const AD = 'ae4db4cc-b16b-4eb2-acf5-837ca84e4d7d';
const AD2 = 'fab00000-0000-4000-8000-00000000fab0';
const adFile = `Connector_{${AD}}.xml`;
const AAD_NAME = 'contoso.onmicrosoft.com - AAD';

const made: string[] = [];
after(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});
async function copySample(): Promise<string> {
  const dir = await copyExport(sample, 'sos-customer-round3-');
  made.push(dir);
  return dir;
}
const errors = (problems: ConfigProblem[]) => problems.filter((p) => p.severity === 'error');

/** A second AD connector file: the sample's with its own id, and `change` applied. */
async function secondConnector(dir: string, change: (xml: string) => string): Promise<string> {
  const xml = await readFile(path.join(dir, 'Connectors', adFile), 'utf8');
  const file = path.join(dir, 'Connectors', `Connector_{${AD2}}.xml`);
  await writeFile(file, change(xml.replace(/AE4DB4CC-B16B-4EB2-ACF5-837CA84E4D7D/gi, AD2.toUpperCase())));
  return file;
}

async function writeConfig(dir: string, activeDirectory: unknown[]): Promise<string> {
  const file = path.join(dir, 'single-object-sync.json');
  await writeFile(file, JSON.stringify({
    activeDirectory,
    entra: { tenantId: 'contoso.onmicrosoft.com', clientId: '3f9a1c7e-52b4-4e0d-8c6a-9d2e7f4b1a30', clientSecretEnv: 'SOS_CLIENT_SECRET' },
    rules: { serverConfiguration: dir },
  }));
  return file;
}

test('two connector files with one connector name (here differing only in case): ServerConfigurationDuplicateConnectorName at the second file, naming both; the configuration does not load', async () => {
  const dir = await copySample();
  const copy = await secondConnector(dir, (xml) => xml.replace('<name>contoso.com</name>', '<name>Contoso.COM</name>').replace(/DC=contoso,DC=com/g, 'DC=fabrikam,DC=com'));
  const exported = await loadServerConfiguration(dir);
  const problem = exported.problems.find((p) => p.code === DUPLICATE_CONNECTOR_NAME);
  assert.ok(problem, JSON.stringify(exported.problems));
  assert.equal(problem.severity, 'error');
  assert.equal(problem.file, copy);
  assert.match(problem.message, /^ServerConfigurationDuplicateConnectorName: 2 connectors are named "contoso\.com"/);
  assert.ok(problem.message.includes(adFile) && problem.message.includes(`${path.basename(copy)} as "Contoso.COM"`), problem.message);
  const loaded = await inspectConfiguration(await writeConfig(dir, [{ name: 'contoso.com', ldifFile: 'snapshot.ldif' }]));
  assert.ok(errors(loaded.problems).some((p) => p.code === DUPLICATE_CONNECTOR_NAME));
});

test('two connector files with one connector id (a copy beside its original, its name and domain edited): ServerConfigurationDuplicateConnectorId naming both files; rules name their connector by id', async () => {
  const dir = await copySample();
  const xml = await readFile(path.join(dir, 'Connectors', adFile), 'utf8');
  const copy = path.join(dir, 'Connectors', 'Connector_copy.xml');
  await writeFile(copy, xml.replace('<name>contoso.com</name>', '<name>fabrikam.com</name>').replace(/DC=contoso,DC=com/g, 'DC=fabrikam,DC=com'));
  const exported = await loadServerConfiguration(dir);
  const problem = exported.problems.find((p) => p.code === DUPLICATE_CONNECTOR_ID);
  assert.ok(problem, JSON.stringify(exported.problems));
  assert.equal(problem.severity, 'error');
  assert.match(problem.message, new RegExp(`connector id ${AD} is in 2 files`, 'i'));
  assert.ok(problem.message.includes(`${adFile} ("contoso.com")`) && problem.message.includes('Connector_copy.xml ("fabrikam.com")'), problem.message);
  assert.ok(!exported.problems.some((p) => p.code === DUPLICATE_CONNECTOR_NAME), 'the names differ');
});

test('two AD connectors of the export with their own names and domains load without a word; each takes its own scope from the export, matched without case', async () => {
  const dir = await copySample();
  await secondConnector(dir, (xml) => xml.replace('<name>contoso.com</name>', '<name>fabrikam.com</name>').replace(/DC=contoso,DC=com/g, 'DC=fabrikam,DC=com')
    .replace(/<object-class>(computer|contact|foreignSecurityPrincipal|group|inetOrgPerson|msDS-Device)<\/object-class>/g, ''));
  const loaded = await inspectConfiguration(await writeConfig(dir, [{ name: 'Contoso.com', ldifFile: 'a.ldif' }, { name: 'FABRIKAM.com', ldifFile: 'b.ldif' }]));
  assert.deepEqual(loaded.problems, []);
  const [contoso, fabrikam] = loaded.config.activeDirectory;
  assert.deepEqual(contoso!.partitions.map((p) => [p.dn, p.inclusions, p.exclusions]), [['DC=contoso,DC=com', ['OU=CORP,DC=contoso,DC=com'], ['DC=contoso,DC=com']]]);
  assert.deepEqual(fabrikam!.partitions.map((p) => [p.dn, p.inclusions, p.exclusions]), [['DC=fabrikam,DC=com', ['OU=CORP,DC=fabrikam,DC=com'], ['DC=fabrikam,DC=com']]]);
  assert.ok(contoso!.objectTypes.includes('group'));
  assert.deepEqual(fabrikam!.objectTypes, ['user', 'container', 'domainDNS', 'organizationalUnit']);
  assert.equal(fabrikam!.parameters?.['Connector.ID'], `{${AD2.toUpperCase()}}`);
});

test('one domain partition on two AD connectors (a second connector copied from the first): an error naming both, never the first connector in silence', async () => {
  const dir = await copySample();
  await secondConnector(dir, (xml) => xml.replace('<name>contoso.com</name>', '<name>contoso.com (copy)</name>'));
  const loaded = await inspectConfiguration(await writeConfig(dir, [{ name: 'contoso.com', ldifFile: 'a.ldif' }, { name: 'contoso.com (copy)', ldifFile: 'b.ldif' }]));
  const shared = errors(loaded.problems).filter((p) => /is a partition of two AD connectors/.test(p.message));
  assert.equal(shared.length, 1, JSON.stringify(loaded.problems));
  assert.equal(shared[0]!.path, '$.activeDirectory[1].partitions');
  assert.match(shared[0]!.message, /the partition DC=contoso,DC=com is a partition of two AD connectors, "contoso\.com" \(\$\.activeDirectory\[0\]\) and "contoso\.com \(copy\)"/);
  assert.equal(shared[0]!.line, 1, 'at the connector in the JSON');

  // The same from the JSON alone (built-in rules), the DN spelt in another case.
  const json = path.join(dir, 'builtin.json');
  await writeFile(json, JSON.stringify({
    activeDirectory: [
      { name: 'corp', ldifFile: 'a.ldif', partitions: [{ dn: 'DC=corp,DC=contoso,DC=com' }] },
      { name: 'corp again', ldifFile: 'b.ldif', partitions: [{ dn: 'dc=CORP, dc=contoso, dc=com' }] },
    ],
    entra: { tenantId: 'contoso.onmicrosoft.com', clientId: '3f9a1c7e-52b4-4e0d-8c6a-9d2e7f4b1a30', clientSecretEnv: 'SOS_CLIENT_SECRET' },
  }));
  const fromJson = await inspectConfiguration(json);
  assert.deepEqual(errors(fromJson.problems).map((p) => p.path), ['$.activeDirectory[1].partitions']);

  // A parent domain on one connector and a child domain on another only nest: the longest decides, nothing is said.
  await writeFile(json, JSON.stringify({
    activeDirectory: [
      { name: 'root', ldifFile: 'a.ldif', partitions: [{ dn: 'DC=contoso,DC=com' }] },
      { name: 'child', ldifFile: 'b.ldif', partitions: [{ dn: 'DC=corp,DC=contoso,DC=com' }] },
    ],
    entra: { tenantId: 'contoso.onmicrosoft.com', clientId: '3f9a1c7e-52b4-4e0d-8c6a-9d2e7f4b1a30', clientSecretEnv: 'SOS_CLIENT_SECRET' },
  }));
  assert.deepEqual(errors((await inspectConfiguration(json)).problems), []);
});

test('a rule file of a newer build (unknown elements and attributes), without <description>, CRLF, &#x2028; and &#233; in its expression: loads without a word and evaluates as written', async () => {
  const dir = await copySample();
  const folder = path.join(dir, 'SynchronizationRules');
  let file = '';
  for (const name of await readdir(folder)) if ((await readFile(path.join(folder, name), 'utf8')).includes('<name>In from AD - User Common</name>')) file = path.join(folder, name);
  await edit(file, (xml) => xml
    .replace('<synchronizationRule>', '<synchronizationRule schemaVersion="2.1" xmlns:v2="urn:example:adsync:v2">')
    .replace('<description />', '')
    .replace('<linkType>', '<v2:scopeHint kind="future"><v2:inner>1</v2:inner></v2:scopeHint>\n  <linkType>')
    .replace('<mapping>', '<mapping v2:origin="wizard">')
    .replace(/(<dest>displayName<\/dest>[\s\S]*?<expression>)[^<]*(<\/expression>)/, '$1[givenName] &amp;&#x2028;" &#233; "&#x2028;&amp; [sn]$2')
    .replace(/\r?\n/g, '\r\n'));
  const exported = await loadServerConfiguration(dir);
  assert.deepEqual(exported.problems, []);
  const rule = exported.rules.find((r) => r.name === 'In from AD - User Common')!;
  assert.equal(rule.description, undefined);
  const ruleSet = createRuleSet('serverConfiguration', exported.rules, { entraConnector: AAD_NAME });
  const result = evaluateInbound(ruleSet, 'contoso.com', user(), context);
  assert.deepEqual(result.attributes.displayName?.values, ['Jane é Doe']);
  assert.equal(result.attributes.displayName?.lineage.syncRule, 'In from AD - User Common');
});
