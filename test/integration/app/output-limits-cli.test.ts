// The CLI's output against hostile sizes and places (from source, the bundled LDIF snapshot and the
// Graph emulator):
// - `--output` naming a folder, or a file in a folder that does not exist, is refused before the
//   sync runs (a device such as /dev/null is taken) (exit 2, nothing exported, no state, no report): found only afterwards, an export
//   would already have been made.
// - An AD value of tens of megabytes (hostile or damaged data: Active Directory allows a
//   displayName of 256 characters) makes a result no JSON document can hold: a named error with
//   the attribute, exit 3, and the report, cut to its limits, is still written.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../../graph-emulator';
import { writeSnapshotConfiguration } from '../../e2e/harness';
import { runCliFromSource } from '../../support/cli-from-source';

const carol = 'CN=Carol Diaz,OU=Engineering,OU=Contoso,DC=corp,DC=contoso,DC=com';
const alice = 'CN=Alice Wu,OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com';

describe('the CLI output against hostile sizes and places', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let config: string;

  before(async () => {
    emulator = await startEmulator();
    dir = await mkdtemp(path.join(tmpdir(), 'sos-output-limits-'));
    config = await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET');
  });
  after(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const run = (args: string[], cwd = dir) => runCliFromSource(cwd, ['--config', config, ...args], emulator.clientSecret, 180_000);

  test('--output naming a folder or a missing folder is refused before anything runs: exit 2, nothing exported or written', async () => {
    const fresh = path.join(dir, 'fresh');
    await mkdir(fresh);
    for (const output of [dir, path.join(dir, 'no-such-folder', 'result.json')]) {
      const r = await run(['--distinguished-name', carol, '--output', output, '--state-dir', path.join(fresh, 'state'), '--report-dir', path.join(fresh, 'reports')], fresh);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /OutputPathUnusable/);
      assert.match(r.stderr, /Nothing was synchronized/);
      assert.match(r.stderr, output === dir ? /it is a folder/ : /does not exist/);
      assert.equal(r.stdout, '');
      assert.deepEqual(readdirSync(fresh), [], 'no state folder, no report folder');
    }
    assert.deepEqual(emulator.writes(), [], 'nothing exported');
    // A device takes the result as a file does.
    const devNull = await run(['--distinguished-name', carol, '--staging-mode', '--output', '/dev/null']);
    assert.equal(devNull.code, 0, devNull.stderr);
    assert.doesNotMatch(devNull.stderr, /OutputPathUnusable/);
  });

  test('a displayName of 60 MB: ResultTooLarge naming displayName, exit 3; the report is written, cut', async () => {
    const ldif = path.join(dir, 'snapshot.ldif');
    const text = await readFile(ldif, 'utf8');
    const start = text.indexOf(`dn: ${alice}`);
    const end = text.indexOf('\n\n', start);
    const entry = text.slice(start, end).split('\n').filter((l) => !l.startsWith('displayName')).join('\n');
    await writeFile(ldif, `${text.slice(0, start)}${entry}\ndisplayName: ${'D'.repeat(60 * 1024 * 1024)}${text.slice(end)}`);
    const r = await run(['--distinguished-name', alice, '--staging-mode', '--report-dir', path.join(dir, 'big-reports')]);
    assert.equal(r.code, 3, r.stderr.slice(0, 2000));
    assert.match(r.stderr, /ResultTooLarge/);
    assert.match(r.stderr, /The attribute holding the most is displayName: 1 value\(s\), 62914560 characters in all/);
    assert.match(r.stderr, /Look at displayName on the object/);
    assert.doesNotMatch(r.stderr, /unexpected error/);
    const reports = readdirSync(path.join(dir, 'big-reports'));
    assert.equal(reports.length, 1);
    const report = await readFile(path.join(dir, 'big-reports', reports[0]!), 'utf8');
    assert.ok(report.length < 2_000_000, `the report is ${report.length} characters`);
    assert.ok(existsSync(path.join(dir, 'state')));
  });
});
