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
  // the 391 expressions of the export + sourceAnchorBinary for user and inetOrgPerson
  assert.match(stdout, /Expressions parsed: 393/);
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
