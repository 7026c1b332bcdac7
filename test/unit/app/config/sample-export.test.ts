// Conformance: the real Get-ADSyncServerConfiguration export (vendored in test/fixtures; original in ../shared/samples) loads
// completely (62 rules, both connectors, partition and container filters, every expression
// parses). Skipped only where no copy of it is found (set SOS_SAMPLE_SERVER_CONFIG to point at one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadServerConfiguration } from '../../../../src/app/config';
import { createRuleSet, countRules, evaluateInbound, evaluateOutbound } from '../../../../src/engine/rules';
import { compileExpression } from '../../../../src/engine/expressions';
import { context, toMetaverse, user } from '../../engine/rules/objects';

// The repository vendors the sample (test/fixtures, MIT); ../shared holds the original.
const sample = process.env.SOS_SAMPLE_SERVER_CONFIG ?? [path.resolve(__dirname, '../../../fixtures/entra-connect-server-config-contoso'), path.resolve(__dirname, '../../../../../shared/samples/entra-connect-server-config-contoso')].find((p) => existsSync(p)) ?? 'test/fixtures/entra-connect-server-config-contoso';
const skip = existsSync(sample) ? false : `sample export not found at ${sample}`;

test('the sample export loads: 62 rules, both connectors, partitions, filters, run profiles, global settings', { skip }, async () => {
  const exported = await loadServerConfiguration(sample);
  assert.deepEqual(exported.problems, []);
  assert.equal(exported.rules.length, 62);
  const [ad, aad] = exported.connectors;
  assert.equal(ad?.name, 'contoso.com');
  assert.equal(ad?.kind, 'activeDirectory');
  assert.equal(aad?.name, 'contoso.onmicrosoft.com - AAD');
  assert.equal(aad?.kind, 'entra');
  assert.deepEqual(ad?.partitions.map(({ dn, selected, inclusions, exclusions }) => ({ dn, selected, inclusions, exclusions })), [
    { dn: 'DC=contoso,DC=com', selected: true, inclusions: ['OU=CORP,DC=contoso,DC=com'], exclusions: ['DC=contoso,DC=com'] },
  ]);
  assert.deepEqual(ad?.partitions[0]?.parameters, { 'Domain.FQDN': 'contoso.com', 'Domain.LDAP': 'DC=contoso,DC=com', 'Domain.Netbios': 'CONTOSO' });
  for (const type of ['user', 'inetOrgPerson', 'group', 'contact', 'computer', 'foreignSecurityPrincipal']) assert.ok(ad?.objectTypes.includes(type), type);
  assert.equal(ad?.groupFilteringGroupDn, null);
  assert.equal(ad?.parameters['Forest.FQDN'], 'contoso.com');
  assert.deepEqual(ad?.runProfiles.map((p) => p.name), ['Full Import', 'Full Synchronization', 'Delta Import', 'Delta Synchronization', 'Export']);
  assert.equal(exported.globalSettings['Microsoft.OptionalFeature.GroupFiltering'], 'False');
  assert.equal(exported.globalSettings['Microsoft.SynchronizationOption.AnchorAttribute'], 'objectGUID');
  // every rule is attached to one of the two connectors
  assert.ok(exported.rules.every((r) => r.connector === 'contoso.com' || r.connector === 'contoso.onmicrosoft.com - AAD'));
  const rs = createRuleSet('serverConfiguration', exported.rules, { entraConnector: aad!.name });
  const counts = countRules(rs);
  assert.equal(Object.values(counts.inbound).reduce((a, b) => a + b, 0), 28);
  assert.equal(Object.values(counts.outbound).reduce((a, b) => a + b, 0), 34);
});

test('every expression in the sample export parses, and matches the XML text', { skip }, async () => {
  const folder = path.join(sample, 'SynchronizationRules');
  let count = 0;
  for (const name of await readdir(folder)) {
    const xml = await readFile(path.join(folder, name), 'utf8');
    for (const m of xml.matchAll(/<expression>([\s\S]*?)<\/expression>/g)) {
      const text = m[1]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
      compileExpression(text);
      count++;
    }
  }
  assert.equal(count, 391);
  const exported = await loadServerConfiguration(sample);
  const rs = createRuleSet('serverConfiguration', exported.rules, { entraConnector: 'contoso.onmicrosoft.com - AAD' });
  assert.equal(rs.rules.reduce((n, r) => n + r.flows.filter((f) => f.compiled).length, 0), 391);
});

test('execute-once mappings load as apply-once flows, and only those', { skip }, async () => {
  // <mapping execute-once="true"> in "In from AD - Computer Join": cloudCreated and
  // registeredOwnerReference are set when the metaverse object is first joined, never after.
  const exported = await loadServerConfiguration(sample);
  const applyOnce = exported.rules.flatMap((r) => r.flows.filter((f) => f.applyOnce).map((f) => `${r.name}: ${f.target}`)).sort();
  assert.deepEqual(applyOnce, ['In from AD - Computer Join: cloudCreated', 'In from AD - Computer Join: registeredOwnerReference']);
});

test('a user through the sample rules: provisioned to Entra with the objectGUID anchor', { skip }, async () => {
  const exported = await loadServerConfiguration(sample);
  const rs = createRuleSet('serverConfiguration', exported.rules, { entraConnector: 'contoso.onmicrosoft.com - AAD' });
  const inbound = evaluateInbound(rs, 'contoso.com', user(), context);
  assert.equal(inbound.linkType, 'provision');
  const outbound = evaluateOutbound(rs, { objectType: 'person', attributes: toMetaverse(inbound.attributes) }, context);
  assert.equal(outbound.provision, true);
  assert.deepEqual(outbound.attributes.userPrincipalName?.values, ['jane.doe@contoso.com']);
  assert.equal(outbound.attributes.sourceAnchor?.lineage.syncRule, 'Out to AAD - User Join');
});

test('the export loads the same when its files were saved again as UTF-16 or UTF-8 with a byte-order mark and CRLF', { skip }, async () => {
  // Notepad's "Unicode" and Windows PowerShell's Out-File write UTF-16LE with a byte-order mark.
  const copy = await mkdtemp(path.join(tmpdir(), 'sos-export-encodings-'));
  await cp(sample, copy, { recursive: true });
  const files = [
    ...(await readdir(path.join(copy, 'SynchronizationRules'))).map((f) => path.join(copy, 'SynchronizationRules', f)),
    ...(await readdir(path.join(copy, 'Connectors'))).map((f) => path.join(copy, 'Connectors', f)),
    path.join(copy, 'GlobalSettings', 'MV.xml'),
  ];
  for (const [i, file] of files.entries()) {
    const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '').replace(/\r?\n/g, '\r\n');
    const bytes = i % 3 === 0 ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
      : i % 3 === 1 ? Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])
        : Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    await writeFile(file, bytes);
  }
  const original = await loadServerConfiguration(sample);
  const saved = await loadServerConfiguration(copy);
  assert.deepEqual(saved.problems, []);
  const comparable = (c: typeof original) => ({
    rules: c.rules.map((r) => JSON.stringify(r)).sort(),
    connectors: c.connectors.map(({ file: _file, ...rest }) => JSON.stringify(rest)).sort(),
    globalSettings: c.globalSettings,
  });
  assert.deepEqual(comparable(saved), comparable(original));
});

test('a rule with the StickyJoin link type (the Synchronization Rules Editor offers it) loads and joins as Join does, marked and said as a warning', { skip }, async () => {
  const copy = await mkdtemp(path.join(tmpdir(), 'sos-export-sticky-'));
  await cp(sample, copy, { recursive: true });
  const folder = path.join(copy, 'SynchronizationRules');
  let edited = '';
  for (const file of await readdir(folder)) {
    const xml = await readFile(path.join(folder, file), 'utf8');
    if (!xml.includes('<name>In from AD - User Join</name>')) continue;
    await writeFile(path.join(folder, file), xml.replace('<linkType>Provision</linkType>', '<linkType>StickyJoin</linkType>').replace('<linkType>Join</linkType>', '<linkType>StickyJoin</linkType>'));
    edited = file;
  }
  assert.ok(edited, 'the sample has "In from AD - User Join"');
  const exported = await loadServerConfiguration(copy);
  // Evaluated as a Join, and said so (ServerConfigurationStickyJoin: the server keeps the join
  // after the object leaves the rule's scope; one object's current state cannot show that).
  assert.deepEqual(exported.problems.map((p) => [p.code, p.severity, path.basename(p.file)]), [['ServerConfigurationStickyJoin', 'warning', edited]]);
  const rule = exported.rules.find((r) => r.name === 'In from AD - User Join');
  assert.equal(rule?.linkType, 'Join');
  assert.equal(rule?.stickyJoin, true);
});
