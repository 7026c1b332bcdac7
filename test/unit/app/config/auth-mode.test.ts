// entra.authMode: how the tool signs in (application secret or certificate, or the engineer
// with a device code). The default follows the credential named; a wrong value is an error
// that names the path; device code needs no secret variable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfiguration } from '../../../../src/app/config';
import { entraAuthMode } from '../../../../src/app/config/model';

const config = (entra: Record<string, unknown>) => ({
  activeDirectory: [{ name: 'fabrikam.com', ldifFile: 'snapshot.ldif', partitions: [{ dn: 'DC=fabrikam,DC=com' }] }],
  entra: { tenantId: 'tenant', clientId: 'client', ...entra },
  rules: 'builtin',
});

test('the auth mode defaults to the credential the configuration names', () => {
  const secret = parseConfiguration(config({ clientSecretEnv: 'SOS_CLIENT_SECRET' }), '/etc/sos/single-object-sync.json');
  assert.equal(entraAuthMode(secret.config.entra), 'clientSecret');
  const certificate = parseConfiguration(config({ certificateFile: 'app.pem' }), '/etc/sos/single-object-sync.json');
  assert.equal(entraAuthMode(certificate.config.entra), 'certificate');
});

test('deviceCode needs no secret variable: no "names no credential" warning', () => {
  const { config: loaded, problems } = parseConfiguration(config({ authMode: 'deviceCode' }), '/etc/sos/single-object-sync.json');
  assert.equal(entraAuthMode(loaded.entra), 'deviceCode');
  assert.deepEqual(problems, []);
});

test('an unknown auth mode, or certificate without a file, is an error at $.entra.authMode', () => {
  const unknown = parseConfiguration(config({ authMode: 'password' }), '/etc/sos/single-object-sync.json');
  assert.ok(unknown.problems.some((p) => p.path === '$.entra.authMode' && p.severity === 'error'), JSON.stringify(unknown.problems));
  const noFile = parseConfiguration(config({ authMode: 'certificate' }), '/etc/sos/single-object-sync.json');
  assert.ok(noFile.problems.some((p) => p.path === '$.entra.authMode' && /certificateFile/.test(p.message) && p.severity === 'error'), JSON.stringify(noFile.problems));
});
