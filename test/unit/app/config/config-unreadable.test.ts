// A configuration file that is there but cannot be read is not "not found": a folder, a file this
// account may not read, and a file over the 16 MiB limit (or an endless device) each get their own
// code and the action that fits; ConfigurationNotFound ("create single-object-sync.json") only
// when there is no such file. Loaded as the CLI and the extension load it, and the permission
// case through the CLI as another user (root reads any file).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { loadConfiguration } from '../../../../src/app/config';
import { isSyncError, type SyncError } from '../../../../src/engine/errors';

const mainTs = path.resolve(__dirname, '../../../../src/surfaces/cli/main.ts');
const tsx = pathToFileURL(require.resolve('tsx')).href;

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sos-config-unreadable-'));
  await chmod(dir, 0o755); // another user may look in (the permission case)
});
after(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

async function refusal(file: string): Promise<SyncError> {
  try {
    await loadConfiguration(file);
  } catch (err) {
    assert.ok(isSyncError(err), String(err));
    return err;
  }
  assert.fail(`${file} loaded`);
}

describe('a configuration file that cannot be read', () => {
  // RFC 8259: "JSON text exchanged between systems ... MUST be encoded using UTF-8". A file saved
  // again as Windows-1252 would read U+FFFD in place of the umlaut and name another object.
  test('bytes that are not UTF-8 (a bind DN saved as Windows-1252): ConfigurationNotJson at their line and column, save as UTF-8', async () => {
    const file = path.join(dir, 'latin1.json');
    await writeFile(file, Buffer.concat([Buffer.from('{\n  "activeDirectory": [{ "bindDn": "CN=J'), Buffer.from([0xfc]), Buffer.from('rgen,DC=contoso,DC=com" }]\n}\n')]));
    const err = await refusal(file);
    assert.equal(err.code, 'ConfigurationNotJson');
    assert.match(err.reason, /\(line 2, column 40\)/);
    assert.match(err.reason, /not UTF-8 text/);
    assert.match(err.reason, /save the file as UTF-8/);
  });

  test('no such file: ConfigurationNotFound, create it', async () => {
    const err = await refusal(path.join(dir, 'missing.json'));
    assert.equal(err.code, 'ConfigurationNotFound');
    assert.match(err.reason, /missing\.json cannot be read: no such file\.$/);
    assert.match(err.recommendedAction, /^Create single-object-sync\.json/);
  });

  test('a folder: ConfigurationIsFolder, pass the file itself, not "create it"', async () => {
    const folder = path.join(dir, 'adir.json');
    await mkdir(folder);
    const err = await refusal(folder);
    assert.equal(err.code, 'ConfigurationIsFolder');
    assert.match(err.reason, /adir\.json cannot be read: it is a folder, not a file\.$/);
    assert.match(err.recommendedAction, /^Pass the configuration file itself with --config .*not a folder/);
    assert.equal(err.remedy, 'configurationFile');
  });

  test('larger than 16 MiB (a sparse file: nothing written) or an endless device: ConfigurationTooLarge with the limit and the size', async () => {
    const big = path.join(dir, 'big.json');
    await writeFile(big, '');
    await truncate(big, 17_000_000);
    const err = await refusal(big);
    assert.equal(err.code, 'ConfigurationTooLarge');
    assert.match(err.reason, /big\.json is larger than 16 MiB, the most a configuration file may be \(it is 17,000,000 bytes\)/);
    assert.match(err.recommendedAction, /^Check that --config names single-object-sync\.json and not another file/);
    const zero = await refusal('/dev/zero');
    assert.equal(zero.code, 'ConfigurationTooLarge');
    assert.match(zero.reason, /\(it is a device or a stream that does not end\)/);
  });

  test('no read permission, through the CLI as a user who may not read it: ConfigurationUnreadable, make it readable, exit 2', async (t) => {
    const asOther = process.getuid?.() === 0;
    if (!asOther && process.platform === 'win32') return t.skip('POSIX permissions');
    // Root reads any file: the CLI runs as nobody, from a folder nobody may enter (the test run's
    // own temporary folder is its owner's only).
    const other = asOther ? { uid: 65534, gid: 65534 } : {};
    const place = asOther ? await mkdtemp('/tmp/sos-config-noperm-') : dir;
    t.after(() => (asOther ? rm(place, { recursive: true, force: true }) : undefined));
    await chmod(place, 0o755);
    if (asOther) {
      // The checkout itself must be readable by that user (a clone under /root is not): else skipped.
      const probe = path.join(place, 'probe.ts');
      await writeFile(probe, 'const n: number = 1; process.exit(n - 1);');
      await chmod(probe, 0o644);
      const status = await new Promise<number | null>((resolve) => spawn(process.execPath, ['--import', tsx, probe], { cwd: place, env: { PATH: process.env.PATH }, stdio: 'ignore', ...other }).on('close', resolve));
      if (status !== 0) return t.skip('the checkout is not readable by another user (uid 65534)');
    }
    const file = path.join(place, 'noperm.json');
    await writeFile(file, '{}');
    await chmod(file, 0o000);
    const child = spawn(process.execPath, ['--import', tsx, mainTs, '--validate-config', '--config', file], {
      cwd: place, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, killSignal: 'SIGKILL',
      ...other,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 2, stderr);
    assert.match(stderr, /^ConfigurationUnreadable: The configuration file .*noperm\.json exists but cannot be read: permission denied\.$/m);
    assert.match(stderr, /^Recommended action: Make the file readable by the account that runs single-object-sync/m);
    assert.doesNotMatch(stderr, /ConfigurationNotFound|Create single-object-sync\.json/);
  });
});
