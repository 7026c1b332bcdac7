// The support bundle: unzipped with the system's unzip (not the library that wrote it), it
// holds the JSON, the HTML report and the configuration, and no secret byte.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { bundleName, redactConfiguration, supportBundle } from '../../../../src/surfaces/vscode/results/support-bundle';
import type { ProvisioningObjectSummary } from '../../../../src/engine/summary/types';
import { loadFixture } from '../../../report/summaries';

describe('Save Support Bundle', () => {
  it('zips the JSON, the report and the configuration, redacted, with no secret in any file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sos-bundle-'));
    const secret = 'Sup3r-Secret-Value!';
    const phone = '+1 425 555 0100';
    const config = {
      activeDirectory: [{ name: 'corp', url: 'ldaps://dc1', bindDn: 'CN=svc', passwordEnv: 'AD_PASSWORD', password: secret }],
      entra: { tenantId: 't', clientId: 'c', clientSecretEnv: 'ENTRA_SECRET', clientSecret: secret, privateKeyPassphrase: secret },
      telephoneNumber: phone,
    };
    const configPath = path.join(dir, 'single-object-sync.json');
    writeFileSync(configPath, JSON.stringify(config));
    const summary: ProvisioningObjectSummary = structuredClone(loadFixture('create-success'));
    summary.modifiedProperties.push({ displayName: 'telephoneNumber', oldValue: null, newValue: phone, applied: true });
    const bytes = await supportBundle(summary, { configPath, redactAttributes: ['telephoneNumber'], toolVersion: '0.0.0' });
    const zip = path.join(dir, bundleName(summary));
    writeFileSync(zip, bytes);
    assert.match(path.basename(zip), /^ADSyncSingleObjectSyncResult-\d{8}-\d{6}\.zip$/, 'named like the report');
    const out = path.join(dir, 'out');
    execFileSync('unzip', ['-q', zip, '-d', out]);
    const files = readdirSync(out).sort();
    const stem = path.basename(zip, '.zip');
    assert.deepEqual(files, [`${stem}.htm`, `${stem}.json`, 'single-object-sync.redacted.json'].sort());
    for (const file of files) {
      const text = readFileSync(path.join(out, file), 'utf8');
      assert.ok(!text.includes(secret), `${file} holds no secret`);
      assert.ok(!text.includes(phone), `${file} applies the redaction setting`);
    }
    const json = JSON.parse(readFileSync(path.join(out, `${stem}.json`), 'utf8')) as ProvisioningObjectSummary;
    assert.equal(json.id, summary.id);
    const redactedConfig = JSON.parse(readFileSync(path.join(out, 'single-object-sync.redacted.json'), 'utf8')) as typeof config;
    assert.equal(redactedConfig.activeDirectory[0]!.passwordEnv, 'AD_PASSWORD', 'the variable names stay: they are no secrets');
    assert.equal(redactedConfig.entra.clientSecret, '[removed]');
    assert.ok(readFileSync(path.join(out, `${stem}.htm`), 'utf8').includes('Troubleshooting &amp; Recommendation'), 'the standalone report');
  });

  it('reads the configuration as the tool does: with a UTF-8 byte-order mark, or UTF-16 as Windows PowerShell saves it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sos-bundle-'));
    const config = { entra: { tenantId: 't', clientId: 'c', clientSecret: 'x' }, note: 'Zoë' };
    const text = JSON.stringify(config, null, 2).replace(/\n/g, '\r\n');
    const summary: ProvisioningObjectSummary = structuredClone(loadFixture('create-success'));
    for (const [label, bytes] of [
      ['UTF-8 with a mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])],
      ['UTF-16LE with a mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ] as const) {
      const configPath = path.join(dir, 'single-object-sync.json');
      writeFileSync(configPath, bytes);
      const zip = path.join(dir, `${label.replace(/\W/g, '')}.zip`);
      writeFileSync(zip, await supportBundle(summary, { configPath, redactAttributes: [], toolVersion: '0.0.0' }));
      const out = path.join(dir, `out-${label.replace(/\W/g, '')}`);
      execFileSync('unzip', ['-q', zip, '-d', out]);
      const redacted = JSON.parse(readFileSync(path.join(out, 'single-object-sync.redacted.json'), 'utf8')) as typeof config;
      assert.deepEqual(redacted, { ...config, entra: { ...config.entra, clientSecret: '[removed]' } }, label);
    }
  });

  it('removes secret-named values at any depth but keeps booleans and env names', () => {
    assert.deepEqual(redactConfiguration({ a: { b: [{ token: 'x', tokenEnv: 'T', secretFlag: true }] } }, []), { a: { b: [{ token: '[removed]', tokenEnv: 'T', secretFlag: true }] } });
  });
  it('a configuration path that now names a device or a file over 16 MiB gives a bundle with a note, read at most 16 MiB', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sos-bundle-device-'));
    const summary: ProvisioningObjectSummary = structuredClone(loadFixture('create-success'));
    const big = path.join(dir, 'big.json');
    writeFileSync(big, `{"pad":"${'x'.repeat(17 * 1024 * 1024)}"}`);
    for (const configPath of ['/dev/zero', big]) {
      const before = process.memoryUsage().rss;
      const zip = path.join(dir, `${path.basename(configPath)}.zip`);
      writeFileSync(zip, await supportBundle(summary, { configPath, redactAttributes: [], toolVersion: '0.0.0' }));
      assert.ok(process.memoryUsage().rss - before < 256 * 1024 * 1024, `${configPath}: not read without end`);
      const out = path.join(dir, `out-${path.basename(configPath)}`);
      execFileSync('unzip', ['-q', zip, '-d', out]);
      const note = JSON.parse(readFileSync(path.join(out, 'single-object-sync.redacted.json'), 'utf8')) as { note?: string };
      assert.match(note.note ?? '', /could not be read: .*(larger|too large|16 MiB)/i, `${configPath}: ${JSON.stringify(note)}`);
    }
  });
});
