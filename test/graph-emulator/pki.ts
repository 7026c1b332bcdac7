// Key material for the emulator: its own CA, a server certificate for 127.0.0.1 and
// localhost signed by that CA, and self-signed application certificates for client
// assertions. Keys come from node:crypto (fast, native); node-forge builds the X.509.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

export interface KeyPairPem {
  certPem: string;
  keyPem: string;
}

function newKeyPair(): { privatePem: string; forgeKeys: { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgePrivate = forge.pki.privateKeyFromPem(privatePem) as forge.pki.rsa.PrivateKey;
  const forgePublic = forge.pki.setRsaPublicKey(forgePrivate.n, forgePrivate.e);
  return { privatePem, forgeKeys: { privateKey: forgePrivate, publicKey: forgePublic } };
}

function serial(): string {
  // Positive serial number: clear the top bit.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, years: number): void {
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + years * 365 * 24 * 3600_000);
}

export function createCa(commonName = 'Graph Emulator Test CA'): KeyPairPem {
  const { privatePem, forgeKeys } = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forgeKeys.publicKey;
  cert.serialNumber = serial();
  validity(cert, 10);
  const attrs = [{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'Single Object Sync tests' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forgeKeys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: privatePem };
}

export function createServerCertificate(ca: KeyPairPem, hosts: { dns: string[]; ips: string[] }): KeyPairPem {
  const { privatePem, forgeKeys } = newKeyPair();
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forgeKeys.publicKey;
  cert.serialNumber = serial();
  validity(cert, 2);
  cert.setSubject([{ name: 'commonName', value: hosts.dns[0] ?? hosts.ips[0] ?? 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...hosts.dns.map((value) => ({ type: 2, value })), ...hosts.ips.map((ip) => ({ type: 7, ip }))] },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: privatePem };
}

/** A self-signed certificate an app registration can hold as a credential (client assertion). */
export function createAppCertificate(commonName: string): KeyPairPem & { thumbprint: string; thumbprintSha256: string } {
  const { privatePem, forgeKeys } = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forgeKeys.publicKey;
  cert.serialNumber = serial();
  validity(cert, 2);
  const attrs = [{ name: 'commonName', value: commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(forgeKeys.privateKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return { certPem, keyPem: privatePem, ...thumbprints(certPem) };
}

/** SHA-1 and SHA-256 thumbprints (upper-case hex) of a PEM certificate's DER bytes. */
export function thumbprints(certPem: string): { thumbprint: string; thumbprintSha256: string } {
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(certPem))).getBytes(), 'binary');
  return {
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    thumbprintSha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
  };
}

export interface EmulatorPki {
  caFile: string;
  caPem: string;
  server: KeyPairPem;
}

/**
 * The CA and server certificate, kept in stateDir/pki so restarts keep the same trust
 * anchor. Written to a temporary folder and renamed into place, so emulators starting
 * at the same moment in several processes all end up with one consistent CA.
 */
export function loadOrCreatePki(stateDir: string): EmulatorPki {
  const dir = path.join(stateDir, 'pki');
  const files = (base: string) => ({
    caCert: path.join(base, 'ca.pem'),
    caKey: path.join(base, 'ca-key.pem'),
    cert: path.join(base, 'server.pem'),
    key: path.join(base, 'server-key.pem'),
  });
  const load = (): EmulatorPki | undefined => {
    const f = files(dir);
    if (!Object.values(f).every((x) => existsSync(x))) return undefined;
    const server = { certPem: readFileSync(f.cert, 'utf8'), keyPem: readFileSync(f.key, 'utf8') };
    const notAfter = forge.pki.certificateFromPem(server.certPem).validity.notAfter;
    if (notAfter.getTime() < Date.now() + 24 * 3600_000) return undefined;
    return { caFile: f.caCert, caPem: readFileSync(f.caCert, 'utf8'), server };
  };
  const existing = load();
  if (existing) return existing;
  mkdirSync(stateDir, { recursive: true });
  const tmp = mkdtempSync(path.join(stateDir, '.pki-'));
  const ca = createCa();
  const server = createServerCertificate(ca, { dns: ['localhost'], ips: ['127.0.0.1'] });
  const f = files(tmp);
  writeFileSync(f.caKey, ca.keyPem, { mode: 0o600 });
  writeFileSync(f.key, server.keyPem, { mode: 0o600 });
  writeFileSync(f.cert, server.certPem);
  writeFileSync(f.caCert, ca.certPem);
  if (existsSync(dir) && !load()) rmSync(dir, { recursive: true, force: true }); // expired or incomplete
  try {
    renameSync(tmp, dir);
  } catch {
    // Another process won the race: use its CA.
    rmSync(tmp, { recursive: true, force: true });
    const theirs = load();
    if (theirs) return theirs;
    throw new Error(`could not set up the emulator CA in ${dir}`);
  }
  return load()!;
}
