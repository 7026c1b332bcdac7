// Structural variants seen in other real configuration files of the same sync engine, each
// reproduced on a copy of the sample (test/fixtures, MIT) with a few lines written here; no file
// of those repositories is copied.
// - A connector file inside <saved-ma-configuration server=... export-date=...>: what the
//   Synchronization Service Manager's "Export Connector" and MIM's svrexport write around the
//   <ma-data> that Get-ADSyncServerConfiguration writes alone. Seen in microsoft/MIMConfigDocumenter,
//   src/SolutionOutput/Data/Contoso/Pilot/SyncConfig/MA-{A888E33C-C78A-4A39-B24F-C4599C9C2FE7}.XML
//   (an AD management agent, FIM 2010 R2).
// - The same AD connector's partitions: the configuration and DNS zone partitions listed and not
//   selected, each partition with <filter-hints> (object classes nested with their hierarchy and
//   <included>), CRLF line ends. Only the selected partitions' <filter> object classes are the
//   connector's object types. Same file.
// - File and folder names spelled in another case: the same engine writes MV.XML (the file above's
//   SyncConfig/MV.XML; microsoft/MIMConfigDocumenter's data sets hold both MV.xml and MV.XML), and
//   Windows, where the export is made and copied, does not tell them apart. Read on Linux, MV.xml
//   as written would not be found and the global settings (anchor, group filtering) silently lost.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inspectConfiguration, loadServerConfiguration } from '../../../../src/app/config';
import { copyExport, edit, writeConfig } from './export-copies';

const sample = path.resolve(__dirname, '../../../fixtures/entra-connect-server-config-contoso');
const AD = 'ae4db4cc-b16b-4eb2-acf5-837ca84e4d7d';
const adFile = `Connector_{${AD}}.xml`;

const made: string[] = [];
after(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

async function copySample(): Promise<string> {
  const dir = await copyExport(sample, 'sos-real-export-');
  made.push(dir);
  return dir;
}

const errors = (problems: { severity: string; message: string }[]) => problems.filter((p) => p.severity === 'error').map((p) => p.message);

test('a connector file exported alone (<ma-data> inside <saved-ma-configuration>) is the same connector', async () => {
  const dir = await copySample();
  const file = path.join(dir, 'Connectors', adFile);
  await edit(file, (xml) => `<saved-ma-configuration server='SYNC01' export-date='2024-03-31 12:24:48.304'>\r\n<!--WARNING: exported by the Synchronization Service Manager-->\r\n${xml}\r\n</saved-ma-configuration>\r\n`);
  const exported = await loadServerConfiguration(dir);
  assert.deepEqual(errors(exported.problems), []);
  const ad = exported.connectors.find((c) => c.id === AD);
  assert.ok(ad, 'the wrapped connector is read');
  assert.equal(ad.name, 'contoso.com');
  assert.equal(ad.kind, 'activeDirectory');
  assert.deepEqual(ad.partitions.map((p) => [p.dn, p.selected]), [['DC=contoso,DC=com', true]]);
  assert.equal(ad.runProfiles.length, 5);
  // Its rules bind to it, as with the unwrapped file.
  assert.ok(exported.rules.filter((r) => r.connector === 'contoso.com').length > 20);

  // A wrapper without <ma-data> is still a connector that cannot be read, said at its file.
  await writeFile(file, '<saved-ma-configuration server="SYNC01"><mv-data /></saved-ma-configuration>');
  const broken = await loadServerConfiguration(dir);
  const problem = broken.problems.find((p) => p.file === file);
  assert.equal(problem?.severity, 'error');
  assert.match(problem!.message, /no <ma-data> element/);
});

test('an AD connector listing the configuration and DNS zone partitions unselected, with <filter-hints> and CRLF: only the selected partitions\' filter gives the object types', async () => {
  const dir = await copySample();
  const hints = (classes: Array<[string, 0 | 1]>) => `<filter-hints><object-classes>${classes.map(([name, included]) => `<object-class><name>${name}</name><hierarchy><object-class>top</object-class><object-class>${name}</object-class></hierarchy><included>${included}</included></object-class>`).join('')}</object-classes></filter-hints>`;
  const partition = (id: string, dn: string) => `<partition>\r\n  <id>{${id}}</id>\r\n  <name>${dn}</name>\r\n  <selected>0</selected>\r\n  <filter><object-classes><object-class>container</object-class><object-class>msExchContainer</object-class></object-classes><containers><exclusions/><inclusions><inclusion>${dn}</inclusion></inclusions></containers></filter>\r\n  <custom-data><adma-partition-data><dn>${dn}</dn><name>contoso.com</name><is-domain>0</is-domain></adma-partition-data></custom-data>\r\n  ${hints([['container', 1], ['msExchContainer', 0]])}\r\n</partition>`;
  await edit(path.join(dir, 'Connectors', adFile), (xml) => xml
    .replace('<ma-partition-data>', `<ma-partition-data>${partition('95ABD2BF-69DD-4DAE-8987-A76DD2E8EB9D', 'CN=Configuration,DC=contoso,DC=com')}\r\n${partition('5C0E8B4E-16B1-4B4A-9E0C-1D5F5F2B7A11', 'DC=DomainDnsZones,DC=contoso,DC=com')}`)
    // The selected domain partition gets hints too, naming classes its filter does not include.
    .replace('</filter><custom-data><adma-partition-data><dn>DC=contoso,DC=com</dn>', `</filter>${hints([['user', 1], ['printQueue', 0], ['msExchDynamicDistributionList', 0]])}<custom-data><adma-partition-data><dn>DC=contoso,DC=com</dn>`)
    .replace(/\n/g, '\r\n'));
  const exported = await loadServerConfiguration(dir);
  assert.deepEqual(errors(exported.problems), []);
  const ad = exported.connectors.find((c) => c.id === AD)!;
  assert.deepEqual(ad.partitions.map((p) => [p.dn, p.selected, p.isDomain]), [
    ['CN=Configuration,DC=contoso,DC=com', false, false],
    ['DC=DomainDnsZones,DC=contoso,DC=com', false, false],
    ['DC=contoso,DC=com', true, true],
  ]);
  assert.deepEqual([...ad.objectTypes].sort(), ['computer', 'contact', 'container', 'domainDNS', 'foreignSecurityPrincipal', 'group', 'inetOrgPerson', 'msDS-Device', 'organizationalUnit', 'user']);
  assert.ok(!ad.objectTypes.includes('printQueue') && !ad.objectTypes.includes('msExchContainer'));
  // The run profiles still name the domain partition by its id.
  assert.ok(ad.runProfiles.every((p) => p.steps.every((s) => s.partitionId === 'dc4c27db-d13d-460a-9a82-c48aba1ee815')));
});

test('GlobalSettings/MV.XML and folders spelled in another case are the export\'s: the global settings are read, not lost', async () => {
  const dir = await copySample();
  await rename(path.join(dir, 'GlobalSettings', 'MV.xml'), path.join(dir, 'GlobalSettings', 'MV.XML'));
  await rename(path.join(dir, 'SynchronizationRules'), path.join(dir, 'synchronizationrules'));
  await rename(path.join(dir, 'GlobalSettings'), path.join(dir, 'globalsettings'));
  const exported = await loadServerConfiguration(dir);
  assert.deepEqual(exported.problems, []);
  assert.equal(exported.rules.length, 62);
  assert.equal(exported.globalSettings['Microsoft.SynchronizationOption.AnchorAttribute'], 'objectGUID');
  assert.equal(exported.globalSettingsFile, path.join(dir, 'globalsettings', 'MV.XML'));
  // The anchor comes from it (the configuration does not set one; the default would be mS-DS-ConsistencyGuid).
  const loaded = await inspectConfiguration(await writeConfig(dir));
  assert.deepEqual(errors(loaded.problems), []);
  assert.equal(loaded.config.sourceAnchor, 'objectGUID');

  // With both spellings present (a copy made on a case-sensitive system), the exact one is read.
  const other = await copySample();
  await edit(path.join(other, 'GlobalSettings', 'MV.xml'), (xml) => xml.replace('>objectGUID<', '>mS-DS-ConsistencyGuid<'));
  await writeFile(path.join(other, 'GlobalSettings', 'mv.xml'), '<mv-data><parameter-values><parameter name="Microsoft.SynchronizationOption.AnchorAttribute">objectGUID</parameter></parameter-values></mv-data>');
  const both = await loadServerConfiguration(other);
  assert.equal(both.globalSettings['Microsoft.SynchronizationOption.AnchorAttribute'], 'mS-DS-ConsistencyGuid');
});
