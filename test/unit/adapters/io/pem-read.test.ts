// A CA or certificate file named by a configuration (which a repository may supply) is read as
// a PEM file: a regular file, or a link to one (/etc/ssl/certs is links), of at most 1 MiB. The
// adapters build TLS options synchronously; in VS Code that runs on the extension host's thread,
// so a read that waited on a named pipe or never ended on a device would freeze every extension
// in the window. Each is refused unread, by the adapters' own errors, naming what the path is.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readPemFileSync } from '../../../../src/adapters/io/read-bounded';
import { readCa } from '../../../../src/adapters/entra/tls';

const dir = mkdtempSync(path.join(tmpdir(), 'sos-pem-read-'));
const pem = '-----BEGIN CERTIFICATE-----\nMIIBcontoso\n-----END CERTIFICATE-----\n';
const root = path.resolve(__dirname, '../../../..');

test('a regular PEM file and a link to one are read', () => {
  const file = path.join(dir, 'ca.pem');
  writeFileSync(file, pem);
  const link = path.join(dir, 'link.pem');
  symlinkSync(file, link);
  assert.equal(readPemFileSync(file).toString('utf8'), pem);
  assert.equal(readPemFileSync(link).toString('utf8'), pem);
});

test('a device, a link to one, a folder and a file over 1 MiB are refused unread, naming what they are', () => {
  const big = path.join(dir, 'big.pem');
  writeFileSync(big, pem + 'A'.repeat(2 * 1024 * 1024));
  const zeroLink = path.join(dir, 'zero.pem');
  symlinkSync('/dev/zero', zeroLink);
  for (const [file, why] of [['/dev/zero', /a device, not a PEM file/], [zeroLink, /a device, not a PEM file/], [dir, /a folder, not a PEM file/], [big, /larger than 1 MiB/]] as const) {
    assert.throws(() => readPemFileSync(file), why, file);
  }
  // The Microsoft Entra adapter's own error, as a run shows it.
  assert.throws(() => readCa('/dev/zero', 'https://login.microsoftonline.com'), (error: { code?: string; message?: string }) => {
    assert.equal(error.code, 'TenantUnreachable');
    assert.match(error.message ?? '', /\/dev\/zero could not be read \(it is a device, not a PEM file\)/);
    return true;
  });
});

test('a named pipe with no writer is refused at once, not waited on (the Entra CA, the certificate file, the LDAP CA)', () => {
  const fifo = path.join(dir, 'ca-fifo.pem');
  execFileSync('mkfifo', [fifo]);
  // In a child: a read that waited for the pipe's writer would block this thread too.
  const probe = `
    const out = {};
    const tryIt = (name, run) => { try { run(); out[name] = 'read'; } catch (e) { out[name] = (e.code ?? '') + ': ' + e.message; } };
    tryIt('entraCa', () => require('./src/adapters/entra/tls.ts').readCa(process.argv[1], 'https://login.microsoftonline.com'));
    tryIt('certificate', () => require('./src/adapters/entra/token-source.ts').loadCredential({ tenantId: 't', clientId: 'c', authMode: 'certificate', certificateFile: process.argv[1] }, undefined));
    tryIt('pem', () => require('./src/adapters/io/read-bounded.ts').readPemFileSync(process.argv[1]));
    const { LdapConnection } = require('./src/adapters/ad/ldap/connection.ts');
    new LdapConnection({ url: 'ldaps://127.0.0.1:1', caFile: process.argv[1] }).connection().then(
      () => { out.ldapCa = 'connected'; console.log(JSON.stringify(out)); },
      (e) => { out.ldapCa = (e.code ?? '') + ': ' + e.message; console.log(JSON.stringify(out)); });`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', probe, fifo], { encoding: 'utf8', timeout: 15_000, cwd: root });
  assert.equal(child.signal, null, `still waiting on the named pipe after 15 s: ${child.stderr}`);
  const out = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, string>;
  assert.match(out.entraCa ?? '', /^TenantUnreachable: .*a named pipe \(FIFO\), not a PEM file/, JSON.stringify(out));
  assert.match(out.certificate ?? '', /^EntraCertificateUnreadable: .*a named pipe \(FIFO\), not a PEM file/, JSON.stringify(out));
  assert.match(out.pem ?? '', /a named pipe \(FIFO\), not a PEM file/, JSON.stringify(out));
  assert.match(out.ldapCa ?? '', /the CA file .* cannot be read \(it is a named pipe \(FIFO\), not a PEM file\)/, JSON.stringify(out));
});
