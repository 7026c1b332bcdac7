// single-object-sync --validate-config: counts of rules per direction and object type, problems
// with file and position, exit 0 or 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runValidateConfig } from '../../../../src/surfaces/cli/validate-config';

const fixture = path.resolve(__dirname, '../../../fixtures/server-config-small');

async function run(config: unknown, text?: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-validate-'));
  const file = path.join(dir, 'single-object-sync.json');
  await writeFile(file, text ?? JSON.stringify(config, null, 2));
  let stdout = '';
  let stderr = '';
  const code = await runValidateConfig({ config: file }, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr, file };
}

const valid = {
  activeDirectory: [{ name: 'fabrikam.com', ldifFile: 'corp.ldif' }],
  entra: { tenantId: 't', clientId: 'c', clientSecretEnv: 'SOS_CLIENT_SECRET' },
  rules: { serverConfiguration: fixture },
};

test('a valid configuration with a server export: exit 0 and rule counts per direction and object type', async () => {
  const { code, stdout, stderr } = await run(valid);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /Sync rules: 7 \(1 disabled\)/);
  assert.match(stdout, /inbound: 5 \(group 2, user 3\)/);
  assert.match(stdout, /outbound: 2 \(person 2\)/);
  assert.match(stdout, /connector fabrikam\.com \(activeDirectory\): 2 partition\(s\)/);
  assert.match(stdout, /group filtering: CN=Sync Pilot,OU=Groups,DC=fabrikam,DC=com/);
  assert.match(stdout, /Configuration is valid\./);
  assert.equal(stderr, '');
});

test('the builtin rules: exit 0, 62 rules counted', async () => {
  const { code, stdout } = await run({ ...valid, activeDirectory: [{ name: 'corp', ldifFile: 'x.ldif', partitions: [{ dn: 'DC=corp,DC=com' }] }], rules: 'builtin' });
  assert.equal(code, 0);
  assert.match(stdout, /Sync rules: 62/);
  assert.match(stdout, /inbound: 28 \(computer 1, contact 5, foreignSecurityPrincipal 1, group 5, inetOrgPerson 6, msDS-Device 1, user 9\)/);
  // the 391 expressions of the export + sourceAnchorBinary for user and inetOrgPerson + the four
  // certificate flows capped at 15 values (userCertificate, userSMIMECertificate of users and contacts)
  // + an inetOrgPerson's proxyAddresses
  assert.match(stdout, /Expressions parsed: 398/);
});

test('problems are printed with file, line, column and JSON path; exit 2', async () => {
  const { code, stderr, file, stdout } = await run(null, '{\n  "activeDirectory": [{ "name": "corp", "ldifFile": "x.ldif", "partitions": [], "colour": "blue" }],\n  "entra": { "tenantId": "t", "clientId": "c", "clientSecretEnv": "S" }\n}\n');
  assert.equal(code, 2);
  assert.ok(stderr.includes(`${file}:2:`), stderr);
  assert.match(stderr, /\$\.activeDirectory\[0\]\.colour: error: unknown property "colour"/);
  assert.match(stdout, /does not load: 1 error/);
});

test('a file that is not JSON: exit 2 with the error code', async () => {
  const { code, stderr } = await run(null, '{ "activeDirectory": [ ');
  assert.equal(code, 2);
  assert.match(stderr, /^ConfigurationNotJson: /m);
});

test('fields of the wrong type are listed as problems (exit 2), never an unexpected error while summarizing the file', async () => {
  const ad = { name: 'corp', ldifFile: 'x.ldif', partitions: [{ dn: 'DC=corp,DC=com' }] };
  const cases: [string, unknown, RegExp][] = [
    ['partitions as a text', { ...valid, activeDirectory: [{ ...ad, partitions: 'DC=corp,DC=com' }], rules: 'builtin' }, /\$\.activeDirectory\[0\]\.partitions: error: must be of type array/],
    ['objectTypes as a text', { ...valid, activeDirectory: [{ ...ad, objectTypes: 'user' }], rules: 'builtin' }, /\$\.activeDirectory\[0\]\.objectTypes: error: must be of type array/],
    ['a partition that is a number', { ...valid, activeDirectory: [{ ...ad, partitions: [5] }], rules: 'builtin' }, /\$\.activeDirectory\[0\]\.partitions\[0\]: error: must be of type object/],
    ['inclusions as a text', { ...valid, activeDirectory: [{ ...ad, partitions: [{ dn: 'DC=corp,DC=com', inclusions: 'OU=A,DC=corp,DC=com' }] }], rules: 'builtin' }, /inclusions: error: must be of type array/],
    ['a connector that is a number', { ...valid, activeDirectory: [5], rules: 'builtin' }, /\$\.activeDirectory\[0\]: error: must be of type object/],
  ];
  for (const [label, config, problem] of cases) {
    const { code, stdout, stderr } = await run(config);
    assert.equal(code, 2, `${label}: ${stdout}${stderr}`);
    assert.match(stderr, problem, label);
    assert.match(stdout, /Configuration does not load/, label);
  }
});

test('the tenant and client ids and the source anchor must have their shape: they go into the sign-in URL and the LDAP search', async () => {
  const ad = { name: 'corp', ldifFile: 'x.ldif', partitions: [{ dn: 'DC=corp,DC=com' }] };
  const cases: [string, unknown, RegExp][] = [
    ['a tenant id that climbs the authority path', { ...valid, activeDirectory: [ad], rules: 'builtin', entra: { ...valid.entra, tenantId: '../../evil' } }, /\$\.entra\.tenantId: error: must be the tenant ID \(a GUID\) or a verified domain name/],
    ['a tenant id with a query', { ...valid, activeDirectory: [ad], rules: 'builtin', entra: { ...valid.entra, tenantId: 'contoso.com?x=1' } }, /\$\.entra\.tenantId: error/],
    ['a client id with a slash', { ...valid, activeDirectory: [ad], rules: 'builtin', entra: { ...valid.entra, clientId: 'a/b' } }, /\$\.entra\.clientId: error: must be the application \(client\) ID/],
    ['a source anchor with a NUL', { ...valid, activeDirectory: [ad], rules: 'builtin', sourceAnchor: 'objectGUID\u0000' }, /\$\.sourceAnchor: error: must be the LDAP name of an attribute/],
    ['a source anchor that is a filter', { ...valid, activeDirectory: [ad], rules: 'builtin', sourceAnchor: 'objectGUID)(cn=*' }, /\$\.sourceAnchor: error/],
  ];
  for (const [label, config, problem] of cases) {
    const { code, stderr } = await run(config);
    assert.equal(code, 2, label);
    assert.match(stderr, problem, label);
  }
  // What real configurations hold stays valid: a GUID, a verified domain name, the usual anchors.
  for (const [tenantId, sourceAnchor] of [['72f988bf-86f1-41af-91ab-2d7cd011db47', 'mS-DS-ConsistencyGuid'], ['contoso.onmicrosoft.com', 'objectGUID'], ['contoso.com', 'employeeID']]) {
    const { code, stderr } = await run({ ...valid, activeDirectory: [ad], rules: 'builtin', sourceAnchor, entra: { ...valid.entra, tenantId, clientId: '3f9a1c7e-52b4-4e0d-8c6a-9d2e7f4b1a30' } });
    assert.equal(code, 0, `${tenantId} ${sourceAnchor}: ${stderr}`);
  }
});

test('names from the file reach the terminal as text: control characters are shown escaped, never interpreted', async () => {
  const { code, stdout, stderr } = await run({ ...valid, activeDirectory: [{ name: 'corp\u001b[2J\u001b]0;pwned\u0007', ldifFile: 'x\u001b[31m.ldif', partitions: [{ dn: 'DC=corp,DC=com' }], colour: 'blue' }], rules: 'builtin' });
  assert.equal(code, 2);
  // eslint-disable-next-line no-control-regex
  assert.ok(!/[\u0000-\u0009\u000b-\u001f]/.test(stdout + stderr), JSON.stringify(stdout + stderr));
  assert.match(stdout, /AD connector corp\\u001b\[2J\\u001b\]0;pwned\\u0007: \S*x\\u001b\[31m\.ldif;/);
});
