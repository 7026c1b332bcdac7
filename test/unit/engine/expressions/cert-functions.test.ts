// Cert* functions on a real X.509 certificate (generated with node-forge), as device rules use
// them on userCertificate values (DER bytes, or base64 text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { compileExpression, functionNames } from '../../../../src/engine/expressions';
import { SyncError } from '../../../../src/engine/errors/sync-error';

interface CertificateSpec {
  serial: string;
  from: string;
  to: string;
  subject: forge.pki.CertificateField[];
  issuer: forge.pki.CertificateField[];
  extensions?: unknown[];
}

function makeCertificate(spec: CertificateSpec = { serial: '0a1b2c', from: '2024-01-01T00:00:00Z', to: '2030-06-30T12:00:00Z', subject: [{ name: 'commonName', value: 'WS01' }, { name: 'organizationName', value: 'Contoso' }], issuer: [{ name: 'commonName', value: 'Contoso Device CA' }] }): Uint8Array {
  const keys = forge.pki.rsa.generateKeyPair(512);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = spec.serial;
  cert.validity.notBefore = new Date(spec.from);
  cert.validity.notAfter = new Date(spec.to);
  cert.setSubject(spec.subject);
  cert.setIssuer(spec.issuer);
  if (spec.extensions) cert.setExtensions(spec.extensions);
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

/** A device certificate as an enterprise CA issues them: v3, SHA-256/RSA, critical basic constraints and key usage, names in the SAN. */
function makeDeviceCertificate(): Uint8Array {
  // otherName UPN (1.3.6.1.4.1.311.20.2.3): type-id, then [0] EXPLICIT UTF8String.
  const upn = forge.asn1.toDer(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.OID, false, forge.asn1.oidToDer('1.3.6.1.4.1.311.20.2.3').getBytes())).getBytes()
    + forge.asn1.toDer(forge.asn1.create(forge.asn1.Class.CONTEXT_SPECIFIC, 0, true, [forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.UTF8, false, forge.util.encodeUtf8('ws01$@contoso.com'))])).getBytes();
  return makeCertificate({
    serial: '01', from: '2024-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z',
    subject: [{ name: 'organizationName', value: 'Contoso' }, { name: 'organizationalUnitName', value: 'Devices' }],
    issuer: [{ name: 'commonName', value: 'Contoso Issuing CA' }, { name: 'emailAddress', value: 'pki@contoso.com' }],
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'ws01.corp.contoso.com' }, { type: 1, value: 'ws01@contoso.com' }, { type: 6, value: 'https://devices.contoso.com/ws01' }, { type: 0, value: upn }] },
    ],
  });
}

test('the certificate functions of the reference that read the DER: version, algorithm OIDs, parameters, critical extensions', () => {
  const device = makeDeviceCertificate();
  const on = (text: string) => compileExpression(text).evaluate({ attribute: (n) => (n === 'userCertificate' ? [device] : n === 'junk' ? [Uint8Array.from([0x30, 0x03, 1, 2, 3])] : undefined), parameter: () => undefined, now: new Date('2025-01-01T00:00:00Z') });
  assert.equal(on('CertVersion([userCertificate])'), 3);
  assert.equal(on('CertSignatureAlgorithmOid([userCertificate])'), '1.2.840.113549.1.1.11', 'sha256WithRSAEncryption');
  assert.equal(on('CertPublicKeyOid([userCertificate])'), '1.2.840.113549.1.1.1', 'rsaEncryption');
  assert.equal(on('CertKeyAlgorithmParams([userCertificate])'), '0500', 'RSA parameters are NULL');
  assert.equal(on('CertPublicKeyParametersOid([userCertificate])'), '1.2.840.113549.1.1.1');
  assert.deepEqual(on('CertExtensionOids([userCertificate])'), ['2.5.29.19', '2.5.29.15'], 'only the critical extensions, in order');
  assert.equal(on('IsCert([userCertificate])'), true);
  assert.equal(on('IsCert([junk])'), false);
  assert.equal(on('IsCert([missing])'), false);
  for (const unnamed of ['CertFriendlyName', 'CertIssuerOid', 'CertSubjectNameOid']) assert.equal(on(`${unnamed}([userCertificate])`), null, unnamed);
});

test('CertNameInfo reads the subject or the issuer by X509NameType', () => {
  const device = makeDeviceCertificate();
  const on = (type: string, issuer = 'false') => compileExpression(`CertNameInfo([userCertificate], "${type}", ${issuer})`).evaluate({ attribute: () => [device], parameter: () => undefined, now: new Date() });
  assert.equal(on('SimpleName'), 'Devices', 'no CN: the OU');
  assert.equal(on('SimpleName', 'true'), 'Contoso Issuing CA');
  assert.equal(on('EmailName'), 'ws01@contoso.com', 'no E in the subject: the rfc822 alternative name');
  assert.equal(on('EmailName', 'true'), 'pki@contoso.com');
  assert.equal(on('UpnName'), 'ws01$@contoso.com');
  assert.equal(on('DnsName'), 'ws01.corp.contoso.com');
  assert.equal(on('DnsFromAlternativeName'), 'ws01.corp.contoso.com');
  assert.equal(on('UrlName'), 'https://devices.contoso.com/ws01');
  assert.equal(on('UpnName', 'true'), null, 'the issuer has no alternative names');
  assert.throws(() => on('Nickname'), (err: unknown) => err instanceof SyncError && /X509NameType/.test(err.reason));
});

test('the library has exactly the certificate functions of the reference', () => {
  const reference = ['CertExtensionOids', 'CertFormat', 'CertFriendlyName', 'CertHashString', 'CertIssuer', 'CertIssuerDN', 'CertIssuerOid', 'CertKeyAlgorithm', 'CertKeyAlgorithmParams', 'CertNameInfo', 'CertNotAfter', 'CertNotBefore', 'CertPublicKeyOid', 'CertPublicKeyParametersOid', 'CertSerialNumber', 'CertSignatureAlgorithmOid', 'CertSubject', 'CertSubjectNameDN', 'CertSubjectNameOid', 'CertThumbprint', 'CertVersion', 'IsCert'];
  assert.deepEqual(functionNames.filter((n) => n.startsWith('Cert') || n === 'IsCert').sort(), reference.sort());
});
