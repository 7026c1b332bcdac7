// The DNs a configuration holds (partitions, their inclusions and exclusions, the group-filtering
// group) are parsed when it loads: one the schema's "=" lets through (an ADsPath, a stray comma)
// loaded before and failed every sync at its scope step as "MalformedDistinguishedName ...
// 'LDAP'", with nothing pointing at the configuration. Now each is one error at its JSON path and
// position, another name of an object said as what it is, and the configuration does not load.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { inspectConfiguration, loadConfiguration } from '../../../../src/app/config';
import { isSyncError } from '../../../../src/engine/errors/sync-error';

const domain = 'DC=corp,DC=contoso,DC=com';
let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sos-config-dns-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, connector: Record<string, unknown>): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify({
    activeDirectory: [{ name: 'corp.contoso.com', ldifFile: 'snapshot.ldif', ...connector }],
    entra: { tenantId: 'contoso.onmicrosoft.com', clientId: '3f9a1c7e-52b4-4e0d-8c6a-9d2e7f4b1a30', clientSecretEnv: 'SOS_CLIENT_SECRET' },
  }, null, 2));
  return file;
}

test('an ADsPath, a canonical name, DOMAIN\\name and a stray comma: one error each at its path and line, said as what it is; the configuration does not load', async () => {
  const file = await write('bad-dns.json', {
    partitions: [{ dn: domain, inclusions: ['corp.contoso.com/Contoso', `OU=Sales,,${domain}`], exclusions: [`LDAP://dc01/OU=Excluded,${domain}`] }],
    groupFilteringGroupDn: 'CORP\\Pilot Group',
  });
  const { problems } = await inspectConfiguration(file);
  const errors = problems.filter((p) => p.severity === 'error');
  const at = (jsonPath: string) => errors.filter((p) => p.path === jsonPath);
  const cases: [string, RegExp][] = [
    ['$.activeDirectory[0].partitions[0].inclusions[0]', /is not a distinguished name: .*it is a canonical name .* for example CN=Contoso,DC=corp,DC=contoso,DC=com/],
    ['$.activeDirectory[0].partitions[0].inclusions[1]', /is not a distinguished name: The distinguished name is malformed at character \d+: /],
    ['$.activeDirectory[0].partitions[0].exclusions[0]', /is not a distinguished name: .*it is an ADsPath; give the distinguished name OU=Excluded,DC=corp,DC=contoso,DC=com without "LDAP:\/\/dc01\/"/],
    ['$.activeDirectory[0].groupFilteringGroupDn', /is not a distinguished name: .*it is a logon name \(DOMAIN\\sAMAccountName\)/],
  ];
  for (const [jsonPath, message] of cases) {
    const found = at(jsonPath);
    assert.equal(found.length, 1, `${jsonPath}: one problem, not the schema's as well: ${JSON.stringify(found)}`);
    assert.match(found[0]!.message, message, jsonPath);
    assert.ok((found[0] as { line?: number }).line! > 1, `${jsonPath}: a line in the file`);
  }
  assert.equal(errors.length, cases.length, JSON.stringify(errors));
  await assert.rejects(loadConfiguration(file), (err: unknown) => isSyncError(err) && err.code === 'ConfigurationInvalid');
});

test('well-formed DNs, escapes included, load without a problem', async () => {
  const file = await write('good-dns.json', {
    partitions: [{ dn: domain, inclusions: [`OU=R\\2CD,${domain}`, `OU=Smith\\, John,${domain}`], exclusions: [`OU=Excluded,${domain}`] }],
    groupFilteringGroupDn: `CN=Pilot Group,OU=Groups,${domain}`,
  });
  const { problems } = await inspectConfiguration(file);
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
});

test('what loads but can never match is a warning at its path: an OU given as the partition, containers outside their partition, an object type no AD connector selects', async () => {
  const file = await write('never-matches.json', {
    objectTypes: ['users', 'Group', 'inetOrgPerson', 'person'],
    partitions: [
      { dn: `OU=Contoso,${domain}`, inclusions: ['OU=Sales,DC=fabrikam,DC=com'], exclusions: [`OU=Excluded,OU=Contoso,${domain}`] },
      { dn: `CN=Configuration,${domain}`, selected: false },
    ],
  });
  const { problems } = await inspectConfiguration(file);
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), [], 'warnings only: the configuration still loads');
  const warnings = new Map(problems.filter((p) => p.severity === 'warning').map((p) => [p.path, p.message]));
  assert.match(warnings.get('$.activeDirectory[0].objectTypes[0]') ?? '', /"users" is not an object class .*; did you mean "user"\?/);
  assert.match(warnings.get('$.activeDirectory[0].objectTypes[3]') ?? '', /"person" is not an object class/);
  assert.ok(!warnings.has('$.activeDirectory[0].objectTypes[1]'), 'a known class in another case is the class (step 5 compares without case)');
  assert.match(warnings.get('$.activeDirectory[0].partitions[0].dn') ?? '', /is not a domain's naming context .* give the partition DC=corp,DC=contoso,DC=com and put OU=Contoso,DC=corp,DC=contoso,DC=com in its "inclusions"/);
  assert.match(warnings.get('$.activeDirectory[0].partitions[0].inclusions[0]') ?? '', /OU=Sales,DC=fabrikam,DC=com is not inside the partition OU=Contoso,DC=corp,DC=contoso,DC=com: it never applies/);
  assert.ok(!warnings.has('$.activeDirectory[0].partitions[0].exclusions[0]'), 'an exclusion inside its partition is fine');
  assert.ok(!warnings.has('$.activeDirectory[0].partitions[1].dn'), 'an unselected configuration partition, as an export lists it, is not a mistake');
  assert.equal(warnings.size, 4, JSON.stringify([...warnings]));
  // It loads (warnings do not stop it).
  const loaded = await loadConfiguration(file);
  assert.equal(loaded.config.activeDirectory[0]!.objectTypes?.length, 4);
});

test('a national cloud\'s Graph with the global sign-in (the default authorityHost), or the other way round: a warning naming the authority to set', async () => {
  const write2 = async (name: string, entra: Record<string, unknown>) => {
    const file = path.join(dir, name);
    await writeFile(file, JSON.stringify({
      activeDirectory: [{ name: 'corp.contoso.com', ldifFile: 'snapshot.ldif' }],
      entra: { tenantId: 'contoso.onmicrosoft.us', clientId: '3f9a1c7e-52b4-4e0d-8c6a-9d2e7f4b1a30', clientSecretEnv: 'SOS_CLIENT_SECRET', ...entra },
    }));
    return (await inspectConfiguration(file)).problems.filter((p) => p.path === '$.entra.graphEndpoint');
  };
  const [gov] = await write2('gov.json', { graphEndpoint: 'https://graph.microsoft.us' });
  assert.match(gov?.message ?? '', /is Microsoft Graph for US Government, but "authorityHost" \(login\.microsoftonline\.com, the default\) signs in to the global service.*set "authorityHost": "https:\/\/login\.microsoftonline\.us"/);
  assert.equal(gov?.severity, 'warning');
  const [china] = await write2('china.json', { authorityHost: 'https://login.microsoftonline.us', graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn' });
  assert.match(china?.message ?? '', /21Vianet in China.*"https:\/\/login\.chinacloudapi\.cn"/);
  for (const [name, entra] of [
    ['dod.json', { authorityHost: 'https://login.microsoftonline.us', graphEndpoint: 'https://dod-graph.microsoft.us' }],
    ['global.json', {}],
    ['emulator.json', { authorityHost: 'https://127.0.0.1:8443', graphEndpoint: 'https://127.0.0.1:8443' }],
  ] as const) assert.deepEqual(await write2(name, entra), [], `${name}: a matching pair, or hosts that are no Microsoft cloud`);
});
