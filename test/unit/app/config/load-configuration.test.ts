// Loading single-object-sync.json: schema errors with JSON path and position, defaults,
// relative paths, builtin rules, and a server configuration export (the project's small fixture).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspectConfiguration, loadConfiguration, loadServerConfiguration, parseConfiguration } from '../../../../src/app/config';
import { SyncError } from '../../../../src/engine/errors/sync-error';
import { ruleMatchesConnector } from '../../../../src/engine/rules';

const fixture = path.resolve(__dirname, '../../../fixtures/server-config-small');

const base = () => ({
  activeDirectory: [{ name: 'fabrikam.com', url: 'ldaps://dc1.fabrikam.com:636', bindDn: 'CN=svc,DC=fabrikam,DC=com', passwordEnv: 'SOS_AD_PASSWORD', tls: { caFile: 'certs/ca.pem', serverName: null }, partitions: [{ dn: 'DC=fabrikam,DC=com' }] }],
  entra: { tenantId: 'tenant', clientId: 'client', clientSecretEnv: 'SOS_CLIENT_SECRET' },
  rules: 'builtin' as unknown,
});

async function writeConfig(config: unknown, text?: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-config-'));
  const file = path.join(dir, 'single-object-sync.json');
  await writeFile(file, text ?? JSON.stringify(config, null, 2));
  return file;
}

async function rejection(promise: Promise<unknown>): Promise<SyncError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof SyncError, String(err));
    return err;
  }
  assert.fail('expected the load to fail');
}

test('a minimal builtin configuration loads with defaults and paths resolved against its folder', async () => {
  const file = await writeConfig(base());
  const loaded = await loadConfiguration(file);
  const dir = path.dirname(file);
  assert.equal(loaded.configPath, file);
  assert.equal(loaded.ruleSet.source, 'builtin');
  assert.equal(loaded.ruleSet.rules.length, 62);
  assert.equal(loaded.config.sourceAnchor, 'mS-DS-ConsistencyGuid');
  assert.equal(loaded.config.rules, 'builtin');
  assert.equal(loaded.config.stateDir, path.join(dir, '.single-object-sync/state'));
  assert.equal(loaded.config.reportDir, path.join(dir, '.single-object-sync/reports'));
  assert.equal(loaded.config.entra.authorityHost, 'https://login.microsoftonline.com');
  assert.equal(loaded.config.entra.graphEndpoint, 'https://graph.microsoft.com');
  const ad = loaded.config.activeDirectory[0]!;
  assert.equal(ad.tls?.caFile, path.join(dir, 'certs/ca.pem'));
  assert.deepEqual(ad.partitions, [{ dn: 'DC=fabrikam,DC=com', selected: true, inclusions: [], exclusions: [] }]);
  assert.deepEqual(ad.objectTypes, ['user', 'inetOrgPerson', 'group', 'contact', 'computer']);
  assert.equal(ad.groupFilteringGroupDn, null);
  assert.deepEqual(loaded.problems, []);
});

test('ldifFile is resolved against the configuration folder; sourceAnchor objectGUID selects the objectGUID rules', async () => {
  const config = base();
  (config.activeDirectory[0] as Record<string, unknown>).url = undefined;
  (config.activeDirectory[0] as Record<string, unknown>).ldifFile = 'snapshots/corp.ldif';
  const file = await writeConfig({ ...config, sourceAnchor: 'objectGUID' });
  const loaded = await loadConfiguration(file);
  assert.equal(loaded.config.activeDirectory[0]!.ldifFile, path.join(path.dirname(file), 'snapshots/corp.ldif'));
  const flow = loaded.ruleSet.rules.find((r) => r.name === 'In from AD - User AccountEnabled')!.flows.find((f) => f.target === 'sourceAnchor')!;
  assert.doesNotMatch(flow.dataSource, /ConsistencyGuid/);
});

test('unknown fields and wrong types are errors that name the JSON path and position', async () => {
  const config = base() as Record<string, any>;
  config.activeDirectory[0].port = 636;
  config.activeDirectory[0].allowInsecure = 'yes';
  config.entra.clientSecret = 'do-not-put-secrets-here';
  config.stateDir = 5;
  const file = await writeConfig(config);
  const err = await rejection(loadConfiguration(file));
  assert.equal(err.code, 'ConfigurationInvalid');
  const { problems } = await inspectConfiguration(file);
  const byPath = new Map(problems.map((p) => [p.path, p]));
  assert.match(byPath.get('$.activeDirectory[0].port')?.message ?? '', /unknown property "port"/);
  assert.match(byPath.get('$.activeDirectory[0].allowInsecure')?.message ?? '', /boolean/);
  assert.match(byPath.get('$.entra.clientSecret')?.message ?? '', /unknown property/);
  assert.match(byPath.get('$.stateDir')?.message ?? '', /string/);
  const text = await readFile(file, 'utf8');
  const lines = text.split('\n');
  const port = byPath.get('$.activeDirectory[0].port')!;
  assert.equal(lines[port.line! - 1]!.slice(port.column! - 1).startsWith('"port"'), true);
  assert.ok(problems.every((p) => p.file === file && p.severity === 'error'));
});

test('rules must be "builtin" or { serverConfiguration }; a connector needs url or ldifFile; secrets are env var names', async () => {
  const config = base() as Record<string, any>;
  config.rules = 'custom';
  delete config.activeDirectory[0].url;
  config.activeDirectory[0].passwordEnv = 'P@ssw0rd!';
  const { problems } = await inspectConfiguration(await writeConfig(config));
  const messages = problems.map((p) => `${p.path} ${p.message}`);
  assert.ok(messages.includes('$.rules must be "builtin" or { "serverConfiguration": "<folder of a Get-ADSyncServerConfiguration export>" }'), messages.join('\n'));
  assert.ok(messages.some((m) => m.startsWith('$.activeDirectory[0] needs "url"')));
  assert.ok(messages.some((m) => m.startsWith('$.activeDirectory[0].passwordEnv must be the NAME of an environment variable')));
});

test('a user name or password written into a URL is refused, and never repeated in the problem', async () => {
  const config = base() as Record<string, any>;
  config.activeDirectory[0].url = 'ldaps://svc-sync:LdapS3cret@dc1.fabrikam.com:636';
  config.entra.graphEndpoint = 'https://graph-user:GraphS3cret@graph.microsoft.com';
  config.entra.authorityHost = 'https://auth-user:AuthS3cret@login.microsoftonline.com/';
  const file = await writeConfig(config);
  const { problems } = await inspectConfiguration(file);
  const text = JSON.stringify(problems);
  for (const secret of ['LdapS3cret', 'GraphS3cret', 'AuthS3cret', 'svc-sync', 'graph-user']) assert.ok(!text.includes(secret), `${secret} is not repeated: ${text}`);
  const byPath = new Map(problems.map((p) => [p.path, p]));
  assert.match(byPath.get('$.activeDirectory[0].url')?.message ?? '', /no user name or password in it .*passwordEnv/);
  assert.match(byPath.get('$.entra.graphEndpoint')?.message ?? '', /no user name or password in it/);
  assert.match(byPath.get('$.entra.authorityHost')?.message ?? '', /no user name or password in it/);
  assert.equal(byPath.get('$.entra.graphEndpoint')?.severity, 'error');
  const failure = await rejection(loadConfiguration(file));
  assert.equal(failure.code, 'ConfigurationInvalid');
  assert.ok(!JSON.stringify({ reason: failure.reason, action: failure.recommendedAction, details: failure.details }).includes('S3cret'));
  // Ports, paths and an @ after the host stay allowed.
  const fine = base() as Record<string, any>;
  fine.activeDirectory[0].url = 'ldap://dc1.fabrikam.com:389';
  fine.entra.graphEndpoint = 'https://graph.microsoft.us/';
  fine.entra.authorityHost = 'https://login.microsoftonline.us/path@segment';
  const ok = await inspectConfiguration(await writeConfig(fine));
  assert.deepEqual(ok.problems.filter((p) => /url|graphEndpoint|authorityHost/.test(p.path ?? '')), []);
});

test('invalid JSON is ConfigurationNotJson with line and column; a missing file is ConfigurationNotFound', async () => {
  const err = await rejection(loadConfiguration(await writeConfig(null, '{\n  "activeDirectory": [\n    { "name": "x", }\n  ]\n}')));
  assert.equal(err.code, 'ConfigurationNotJson');
  assert.equal(err.details.line, 3);
  assert.equal(err.details.column, 20);
  const missing = await rejection(loadConfiguration(path.join(tmpdir(), 'no-such-dir', 'single-object-sync.json')));
  assert.equal(missing.code, 'ConfigurationNotFound');
});

test('a configuration saved by Windows PowerShell (UTF-16LE or BE with a byte-order mark, CRLF) loads as the UTF-8 one does; a syntax error keeps its line and column', async () => {
  const config = base();
  config.activeDirectory[0]!.partitions = [{ dn: 'DC=fabrikam,DC=com', exclusions: ['OU=Zoë Ñúñez,DC=fabrikam,DC=com'] } as never];
  const json = JSON.stringify(config, null, 2).replace(/\n/g, '\r\n');
  const file = await writeConfig(null, json);
  const utf8 = await loadConfiguration(file);
  for (const encoding of ['utf16le', 'utf16be'] as const) {
    const le = Buffer.from(json, 'utf16le');
    await writeFile(file, Buffer.concat([Buffer.from(encoding === 'utf16le' ? [0xff, 0xfe] : [0xfe, 0xff]), encoding === 'utf16le' ? le : le.swap16()]));
    const loaded = await loadConfiguration(file);
    assert.deepEqual(loaded.config, utf8.config, encoding);
    assert.ok(JSON.stringify(loaded.config).includes('OU=Zoë Ñúñez'), 'accented text intact');
  }
  const broken = await writeConfig(null);
  await writeFile(broken, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{\r\n  "activeDirectory": [\r\n    { "name": "x", }\r\n  ]\r\n}', 'utf16le')]));
  const err = await rejection(loadConfiguration(broken));
  assert.equal(err.code, 'ConfigurationNotJson');
  assert.equal(err.details.line, 3);
  assert.equal(err.details.column, 20);
});

test('parseConfiguration validates an object without reading files', () => {
  const { config, problems } = parseConfiguration({ ...base(), extra: true }, '/etc/sos/single-object-sync.json');
  assert.equal(config.stateDir, '/etc/sos/.single-object-sync/state');
  assert.deepEqual(problems.map((p) => [p.path, p.message]), [['$.extra', 'unknown property "extra"']]);
});

test('a server configuration export: rules, connectors, partitions, container filters and group filtering', async () => {
  const file = await writeConfig({ ...base(), activeDirectory: [{ name: 'fabrikam.com', url: 'ldaps://dc1.fabrikam.com:636' }], rules: { serverConfiguration: fixture } });
  const loaded = await loadConfiguration(file);
  assert.deepEqual(loaded.problems, []);
  assert.equal(loaded.ruleSet.source, 'serverConfiguration');
  assert.equal(loaded.ruleSet.rules.length, 7);
  assert.equal(loaded.ruleSet.entraConnector, 'fabrikam.onmicrosoft.com - AAD');
  assert.equal(loaded.ruleSet.globalSettings['Microsoft.OptionalFeature.GroupFiltering'], 'True');
  const ad = loaded.config.activeDirectory[0]!;
  assert.deepEqual(ad.partitions, [
    { dn: 'DC=fabrikam,DC=com', selected: true, inclusions: ['OU=Corp,DC=fabrikam,DC=com'], exclusions: ['OU=Disabled,OU=Corp,DC=fabrikam,DC=com', 'DC=fabrikam,DC=com'] },
    { dn: 'DC=emea,DC=fabrikam,DC=com', selected: false, inclusions: ['DC=emea,DC=fabrikam,DC=com'], exclusions: [] },
  ]);
  assert.deepEqual(ad.objectTypes, ['contact', 'group', 'inetOrgPerson', 'user', 'organizationalUnit']);
  assert.equal(ad.groupFilteringGroupDn, 'CN=Sync Pilot,OU=Groups,DC=fabrikam,DC=com');
  assert.equal(ad.parameters?.['Forest.Netbios'], 'FABRIKAM');
  assert.equal(ad.parameters?.['Connector.ID'], '{11111111-2222-3333-4444-555555555555}');
  const exported = loaded.serverConfiguration!;
  assert.deepEqual(exported.connectors.map((c) => [c.name, c.kind]), [['fabrikam.com', 'activeDirectory'], ['fabrikam.onmicrosoft.com - AAD', 'entra']]);
  assert.deepEqual(exported.connectors[0]!.partitions[0]!.parameters, { 'Domain.FQDN': 'fabrikam.com', 'Domain.LDAP': 'DC=fabrikam,DC=com', 'Domain.Netbios': 'FABRIKAM' });
  assert.deepEqual(exported.connectors[0]!.runProfiles.map((p) => p.name), ['Full Import', 'Delta Synchronization']);
  assert.equal(exported.connectors[0]!.runProfiles[0]!.steps[0]!.partitionId, 'aaaaaaaa-0000-0000-0000-000000000001');
  const userJoin = loaded.ruleSet.rules.find((r) => r.name === 'In from AD - User Join')!;
  assert.equal(userJoin.connector, 'fabrikam.com');
  assert.equal(userJoin.connectorKind, 'activeDirectory');
  assert.deepEqual(userJoin.join, [[{ source: 'mS-DS-ConsistencyGuid', target: 'sourceAnchorBinary' }], [{ source: 'objectGUID', target: 'sourceAnchorBinary' }]]);
  assert.match(userJoin.flows[0]!.dataSource, /\(Left\(\[mailNickname\], 4\) = "CAS_" && \(InStr/);
  const outJoin = loaded.ruleSet.rules.find((r) => r.name === 'Out to AAD - User Join')!;
  assert.equal(outJoin.connectorKind, 'entra');
  assert.deepEqual(outJoin.join, [[{ source: 'sourceAnchor', target: 'sourceAnchor', caseSensitive: true }]]);
  assert.equal(loaded.ruleSet.rules.find((r) => r.name === 'In from AD - Group Legacy (disabled)')!.disabled, true);
  const identity = loaded.ruleSet.rules.find((r) => r.name === 'Out to AAD - User Identity')!;
  assert.equal(identity.flows.find((f) => f.target === 'proxyAddresses')!.mergeType, 'MergeCaseInsensitive');
  const enabled = loaded.ruleSet.rules.find((r) => r.name === 'In from AD - User AccountEnabled')!;
  assert.deepEqual(enabled.flows[0], { target: 'accountEnabled', type: 'Constant', value: 'True', mergeType: 'Update', dataSource: 'True' });
  assert.deepEqual(enabled.scope, [[{ attribute: 'userAccountControl', operator: 'ISBITNOTSET', value: '2' }]]);
});

test('with a server configuration, values set in the JSON win over the export', async () => {
  const file = await writeConfig({
    ...base(),
    activeDirectory: [{ name: 'FABRIKAM.COM', url: 'ldaps://dc1:636', partitions: [{ dn: 'DC=fabrikam,DC=com', inclusions: ['OU=Pilot,DC=fabrikam,DC=com'] }], groupFilteringGroupDn: null, parameters: { 'Forest.Netbios': 'OVERRIDE' } }],
    rules: { serverConfiguration: path.relative(path.join(tmpdir(), 'x'), fixture) },
  });
  // The relative path above is relative to a sibling folder of the temp config; rewrite it relative to the config itself.
  const text = JSON.parse(await readFile(file, 'utf8'));
  text.rules.serverConfiguration = path.relative(path.dirname(file), fixture);
  await writeFile(file, JSON.stringify(text));
  const loaded = await loadConfiguration(file);
  const ad = loaded.config.activeDirectory[0]!;
  assert.deepEqual(ad.partitions, [{ dn: 'DC=fabrikam,DC=com', selected: true, inclusions: ['OU=Pilot,DC=fabrikam,DC=com'], exclusions: [] }]);
  assert.equal(ad.groupFilteringGroupDn, null);
  assert.deepEqual(ad.objectTypes, ['contact', 'group', 'inetOrgPerson', 'user', 'organizationalUnit']);
  assert.equal(ad.parameters?.['Forest.Netbios'], 'OVERRIDE');
  assert.equal(ad.parameters?.['Forest.FQDN'], 'fabrikam.com');
});

test('a broken expression in an export is a problem with the rule file, element, line and column', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-export-'));
  await cp(fixture, dir, { recursive: true });
  const ruleFile = path.join(dir, 'SynchronizationRules', 'SynchronizationRule_{10000000-0000-0000-0000-000000000106}.xml');
  const xml = await readFile(ruleFile, 'utf8');
  await writeFile(ruleFile, xml.replace('IIF(IsNullOrEmpty([displayName]),[cn],[displayName])', 'IIF(IsNullOrEmpty([displayName]),[cn],[displayName]').replace('RemoveDuplicates(Trim(', 'removeDuplicates(Trim('));
  const file = await writeConfig({ ...base(), activeDirectory: [{ name: 'fabrikam.com', url: 'ldaps://dc1:636' }], rules: { serverConfiguration: dir } });
  const err = await rejection(loadConfiguration(file));
  assert.equal(err.code, 'ConfigurationInvalid');
  const { problems } = await inspectConfiguration(file);
  assert.equal(problems.length, 2);
  const [syntax, unknown] = problems;
  assert.equal(syntax!.file, ruleFile);
  assert.equal(syntax!.path, 'In from AD - User Common: mapping[displayName]/expression');
  assert.match(syntax!.message, /column 52/);
  const lines = (await readFile(ruleFile, 'utf8')).split('\n');
  assert.match(lines[syntax!.line! - 1]!, /<expression>IIF\(IsNullOrEmpty\(\[displayName\]\)/);
  assert.equal(lines[syntax!.line! - 1]!.indexOf('<expression>') + '<expression>'.length + 52, syntax!.column);
  assert.match(unknown!.message, /unknown function removeDuplicates/);
  assert.equal(unknown!.path, 'In from AD - User Common: mapping[proxyAddresses]/expression');
});

test('a missing export folder is a problem at $.rules.serverConfiguration; an unknown connector name is a warning', async () => {
  const { problems } = await inspectConfiguration(await writeConfig({ ...base(), rules: { serverConfiguration: 'does-not-exist' } }));
  assert.equal(problems[0]?.path, '$.rules.serverConfiguration');
  assert.match(problems[0]!.message, /cannot be read/);
  const other = await inspectConfiguration(await writeConfig({ ...base(), activeDirectory: [{ name: 'contoso.com', url: 'ldaps://dc1:636', partitions: [{ dn: 'DC=contoso,DC=com' }] }], rules: { serverConfiguration: fixture } }));
  assert.deepEqual(other.problems.map((p) => [p.path, p.severity]), [['$.activeDirectory[0].name', 'warning']]);
});

test('an unknown scope operator in an export names the rule file, element and line', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-export-'));
  await cp(fixture, dir, { recursive: true });
  const ruleFile = path.join(dir, 'SynchronizationRules', 'SynchronizationRule_{10000000-0000-0000-0000-000000000100}.xml');
  await writeFile(ruleFile, (await readFile(ruleFile, 'utf8')).replace('<csOperator>NOTSTARTSWITH</csOperator>', '<csOperator>like</csOperator>'));
  const { problems } = await inspectConfiguration(await writeConfig({ ...base(), activeDirectory: [{ name: 'fabrikam.com', url: 'ldaps://dc1:636' }], rules: { serverConfiguration: dir } }));
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.file, ruleFile);
  assert.equal(problems[0]!.path, 'In from AD - User Join: synchronizationCriteria/conditions[1]/scope[2]/csOperator');
  assert.match(problems[0]!.message, /unknown scope operator "LIKE" on adminDescription/);
  const lines = (await readFile(ruleFile, 'utf8')).split('\n');
  assert.match(lines[problems[0]!.line! - 1]!, /<csOperator>like<\/csOperator>/);
});

test('the export connector lists its attribute inclusion list', async () => {
  const exported = await loadServerConfiguration(fixture);
  assert.deepEqual(exported.connectors[0]!.attributeInclusion, ['sAMAccountName', 'userPrincipalName']);
});

test('the contract example of the issue is a valid configuration', () => {
  const example = {
    activeDirectory: [{
      name: 'corp.contoso.com', url: 'ldaps://dc1.corp.contoso.com:636', bindDn: 'CN=svc,DC=corp,DC=contoso,DC=com', passwordEnv: 'SOS_AD_PASSWORD',
      tls: { caFile: 'ca.pem', serverName: 'dc1.corp.contoso.com' }, allowInsecure: false,
      partitions: [{ dn: 'DC=corp,DC=contoso,DC=com', selected: true, inclusions: ['DC=corp,DC=contoso,DC=com'], exclusions: [] }],
      objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'], groupFilteringGroupDn: null,
    }],
    entra: { tenantId: '00000000-0000-0000-0000-000000000000', clientId: '00000000-0000-0000-0000-000000000001', clientSecretEnv: 'SOS_CLIENT_SECRET', certificateFile: null, authorityHost: 'https://login.microsoftonline.com', graphEndpoint: 'https://graph.microsoft.com', caFile: null },
    sourceAnchor: 'mS-DS-ConsistencyGuid',
    rules: 'builtin',
    stateDir: '.single-object-sync/state',
    reportDir: '.single-object-sync/reports',
    $schema: './node_modules/single-object-sync/schemas/single-object-sync.schema.json',
  };
  const { config, problems } = parseConfiguration(example, '/work/single-object-sync.json');
  assert.deepEqual(problems, []);
  assert.equal(config.activeDirectory[0]!.tls?.caFile, '/work/ca.pem');
  assert.equal('$schema' in config, false);
});

test('the export\'s only AD connector binds to the only configured one when their names differ: its rules, scope and attributes apply, with a warning', async () => {
  const file = await writeConfig({ ...base(), activeDirectory: [{ name: 'corp.fabrikam.com', url: 'ldaps://dc1.fabrikam.com:636' }], rules: { serverConfiguration: fixture } });
  const loaded = await loadConfiguration(file);
  assert.deepEqual(loaded.problems.map((p) => [p.path, p.severity]), [['$.activeDirectory[0].name', 'warning']]);
  assert.match(loaded.problems[0]!.message, /only AD connector is "fabrikam\.com": its rules, scope and attribute list apply to "corp\.fabrikam\.com"/);
  const inbound = loaded.ruleSet.rules.filter((r) => r.direction === 'inbound' && r.connectorKind === 'activeDirectory');
  assert.ok(inbound.length > 0);
  assert.ok(inbound.every((r) => ruleMatchesConnector(loaded.ruleSet, r, 'corp.fabrikam.com')), 'the export\'s AD rules apply to the configured connector');
  assert.equal(loaded.config.activeDirectory[0]!.partitions[0]!.dn, 'DC=fabrikam,DC=com', 'its scope comes from the export');
  assert.equal(loaded.config.activeDirectory[0]!.groupFilteringGroupDn, 'CN=Sync Pilot,OU=Groups,DC=fabrikam,DC=com');
});

test('with two configured AD connectors, one the export does not name is told that none of the export\'s rules apply to it', async () => {
  const file = await writeConfig({
    ...base(),
    activeDirectory: [{ name: 'fabrikam.com', url: 'ldaps://dc1.fabrikam.com:636' }, { name: 'contoso.com', url: 'ldaps://dc1.contoso.com:636', partitions: [{ dn: 'DC=contoso,DC=com' }] }],
    rules: { serverConfiguration: fixture },
  });
  const loaded = await loadConfiguration(file);
  assert.deepEqual(loaded.problems.map((p) => p.path), ['$.activeDirectory[1].name']);
  assert.match(loaded.problems[0]!.message, /no AD connector named "contoso\.com" .*none of its rules apply to this connector/);
  assert.ok(!loaded.ruleSet.rules.some((r) => r.direction === 'inbound' && ruleMatchesConnector(loaded.ruleSet, r, 'contoso.com')));
});

test('a disabled rule is never evaluated (as in Entra Connect): a broken expression in it is a warning, and the configuration loads', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-export-'));
  await cp(fixture, dir, { recursive: true });
  const ruleFile = path.join(dir, 'SynchronizationRules', 'SynchronizationRule_{10000000-0000-0000-0000-000000000106}.xml');
  const xml = await readFile(ruleFile, 'utf8');
  await writeFile(ruleFile, xml.replace('<disabled>False</disabled>', '<disabled>True</disabled>').replace('RemoveDuplicates(Trim(', 'RegexReplace(Trim('));
  const file = await writeConfig({ ...base(), activeDirectory: [{ name: 'fabrikam.com', url: 'ldaps://dc1:636' }], rules: { serverConfiguration: dir } });
  const loaded = await loadConfiguration(file);
  const [problem] = loaded.problems;
  assert.equal(loaded.problems.length, 1);
  assert.equal(problem!.severity, 'warning');
  assert.match(problem!.message, /unknown function RegexReplace.*the rule is disabled/);
  // Enabled again, the same rule stops the load.
  await writeFile(ruleFile, (await readFile(ruleFile, 'utf8')).replace('<disabled>True</disabled>', '<disabled>False</disabled>'));
  assert.equal((await rejection(loadConfiguration(file))).code, 'ConfigurationInvalid');
});

test('a multi-forest export with no AD connector named as the configuration\'s is an error that names both lists (not every object out of scope later)', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-export-'));
  await cp(fixture, dir, { recursive: true });
  const connector = await readFile(path.join(dir, 'Connectors', 'Connector_{11111111-2222-3333-4444-555555555555}.xml'), 'utf8');
  await writeFile(path.join(dir, 'Connectors', 'Connector_{22222222-2222-3333-4444-555555555555}.xml'),
    connector.split('11111111-2222-3333-4444-555555555555').join('22222222-2222-3333-4444-555555555555').split('fabrikam.com').join('contoso.com').split('DC=fabrikam,DC=com').join('DC=contoso,DC=com'));
  const { problems } = await inspectConfiguration(await writeConfig({ ...base(), activeDirectory: [{ name: 'corp', url: 'ldaps://dc1:636' }], rules: { serverConfiguration: dir } }));
  const error = problems.find((p) => p.severity === 'error');
  assert.ok(error, JSON.stringify(problems));
  assert.equal(error.path, '$.activeDirectory[0].name');
  assert.match(error.message, /it has: (fabrikam\.com, contoso\.com|contoso\.com, fabrikam\.com); here: corp/);
});

test('two enabled rules sharing a precedence (an export edited by hand) are named in a warning', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-export-'));
  await cp(fixture, dir, { recursive: true });
  const ruleFile = path.join(dir, 'SynchronizationRules', 'SynchronizationRule_{10000000-0000-0000-0000-000000000102}.xml');
  await writeFile(ruleFile, (await readFile(ruleFile, 'utf8')).replace('<precedence>102</precedence>', '<precedence>100</precedence>'));
  const loaded = await loadConfiguration(await writeConfig({ ...base(), activeDirectory: [{ name: 'fabrikam.com', url: 'ldaps://dc1:636' }], rules: { serverConfiguration: dir } }));
  const warning = loaded.problems.find((p) => p.path === 'precedence');
  assert.ok(warning, JSON.stringify(loaded.problems));
  assert.equal(warning.severity, 'warning');
  assert.match(warning.message, /share precedence 100/);
});

test('an export holding a second Microsoft Entra connector (another tenant): a warning names both, and only the first one\'s outbound rules apply', async () => {
  const { evaluateOutbound } = await import('../../../../src/engine/rules');
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-export-'));
  await cp(fixture, dir, { recursive: true });
  const entra = await readFile(path.join(dir, 'Connectors', 'Connector_{b891884f-051e-4a83-95af-2544101c9083}.xml'), 'utf8');
  await writeFile(path.join(dir, 'Connectors', 'Connector_{c0000000-051e-4a83-95af-2544101c9083}.xml'),
    entra.split('B891884F-051E-4A83-95AF-2544101C9083').join('C0000000-051E-4A83-95AF-2544101C9083').split('fabrikam.onmicrosoft.com - AAD').join('othertenant.onmicrosoft.com - AAD'));
  const identity = await readFile(path.join(dir, 'SynchronizationRules', 'SynchronizationRule_{10000000-0000-0000-0000-000000000124}.xml'), 'utf8');
  await writeFile(path.join(dir, 'SynchronizationRules', 'SynchronizationRule_{10000000-0000-0000-0000-000000000999}.xml'),
    identity.split('10000000-0000-0000-0000-000000000124').join('10000000-0000-0000-0000-000000000999').replace('<name>Out to AAD - User Identity</name>', '<name>Out to AAD - Other Tenant Identity</name>')
      .replace('{b891884f-051e-4a83-95af-2544101c9083}', '{c0000000-051e-4a83-95af-2544101c9083}').replace('<precedence>124</precedence>', '<precedence>50</precedence>'));
  const loaded = await loadConfiguration(await writeConfig({ ...base(), activeDirectory: [{ name: 'fabrikam.com', url: 'ldaps://dc1:636' }], rules: { serverConfiguration: dir } }));
  const warning = loaded.problems.find((p) => /2 Microsoft Entra connectors/.test(p.message));
  assert.ok(warning, JSON.stringify(loaded.problems));
  assert.match(warning.message, /only the rules of "fabrikam\.onmicrosoft\.com - AAD" are used/);
  const outbound = evaluateOutbound(loaded.ruleSet, { objectType: 'person', attributes: { sourceObjectType: ['User'], sourceAnchor: ['AAAA'], accountEnabled: [true], cloudFiltered: [] } }, { parameters: {} });
  assert.ok(outbound.appliedRules.some((r) => r.name === 'Out to AAD - User Identity'), JSON.stringify(outbound.appliedRules));
  assert.ok(!outbound.appliedRules.some((r) => r.name === 'Out to AAD - Other Tenant Identity'), 'the other tenant\'s rule does not apply');
});
