// Cert* functions on a real X.509 certificate (generated with node-forge), as device rules use
// them on userCertificate values (DER bytes, or base64 text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { compileExpression, functionNames } from '../../../../src/engine/expressions';
import { SyncError } from '../../../../src/engine/errors/sync-error';

function makeCertificate(): Uint8Array {
  const keys = forge.pki.rsa.generateKeyPair(512);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '0a1b2c';
  cert.validity.notBefore = new Date('2024-01-01T00:00:00Z');
  cert.validity.notAfter = new Date('2030-06-30T12:00:00Z');
  cert.setSubject([{ name: 'commonName', value: 'WS01' }, { name: 'organizationName', value: 'Contoso' }]);
  cert.setIssuer([{ name: 'commonName', value: 'Contoso Device CA' }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return Uint8Array.from(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary'));
}

const der = makeCertificate();
const attributes: Record<string, (Uint8Array | string)[]> = { userCertificate: [der], base64Certificate: [Buffer.from(der).toString('base64')], notACertificate: [Uint8Array.from([1, 2, 3])] };
const run = (text: string) => compileExpression(text).evaluate({ attribute: (n) => attributes[n], parameter: () => undefined, now: new Date('2025-01-01T00:00:00Z') });

test('certificate fields', () => {
  const sha1 = createHash('sha1').update(der).digest('hex').toUpperCase();
  assert.equal(run('CertThumbprint([userCertificate])'), sha1);
  assert.equal(run('CertHashString([base64Certificate])'), sha1);
  assert.deepEqual(run('CertNotAfter([userCertificate])'), new Date('2030-06-30T12:00:00Z'));
  assert.deepEqual(run('CertNotBefore([userCertificate])'), new Date('2024-01-01T00:00:00Z'));
  assert.equal(run('CertSubject([userCertificate])'), 'CN=WS01, O=Contoso');
  assert.equal(run('CertSubjectNameDN([userCertificate])'), 'CN=WS01, O=Contoso');
  assert.equal(run('CertIssuer([userCertificate])'), 'CN=Contoso Device CA');
  assert.equal(run('CertIssuerDN([userCertificate])'), 'CN=Contoso Device CA');
  assert.equal(run('CertSerialNumber([userCertificate])'), '0A1B2C');
  assert.equal(run('CertKeyAlgorithm([userCertificate])'), '1.2.840.113549.1.1.1');
  assert.equal(run('CertFormat([userCertificate])'), 'X509');
});

test('Where with CertNotAfter keeps the certificates still valid (the device rule pattern)', () => {
  assert.deepEqual(run('Where($c, [userCertificate], CertNotAfter($c) > Now())'), [der]);
  assert.equal(run('Where($c, [userCertificate], CertNotAfter($c) < Now())'), null);
});

test('a value that is not a certificate is an evaluation error', () => {
  assert.throws(() => run('CertThumbprint([notACertificate])'), (err: unknown) => err instanceof SyncError && err.code === 'ExpressionEvaluationFailed' && /certificate/.test(err.reason));
});

test('every Cert* function of the library is exercised here', () => {
  const text = [...'CertThumbprint CertHashString CertNotAfter CertNotBefore CertSubject CertSubjectNameDN CertIssuer CertIssuerDN CertSerialNumber CertKeyAlgorithm CertFormat'.split(' ')];
  assert.deepEqual(functionNames.filter((n) => n.startsWith('Cert')).sort(), text.sort());
});
