// Graph answers are untrusted (a compromised proxy, a faulty service): a batch's tenant read
// follows @odata.nextLink, so a link that comes back again would page forever and one naming
// another host must not take the token there. dist/cli.js against the bundled LDIF snapshot;
// the Graph emulator answers the tenant read's pages with the hostile body (fault kind body).
// The read must end in a named error within bounds, the batch go on with per-object lookups,
// and every request stay on the configured Graph endpoint.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startEmulator } from '../graph-emulator';
import { writeSnapshotConfiguration } from './harness';

const cli = path.resolve(__dirname, '../../dist/cli.js');
const contoso = 'OU=Contoso,DC=corp,DC=contoso,DC=com';

describe('hostile page links in the tenant read', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;

  before(async () => {
    emulator = await startEmulator();
  });
  beforeEach(async () => {
    emulator.clearFaults();
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = await mkdtemp(path.join(tmpdir(), 'sos-hostile-pages-'));
    await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET');
  });
  after(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A staging batch that reads the tenant once (threshold 1), bounded by `timeout` so a loop fails the test. */
  function batch(): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn('timeout', ['60', process.execPath, cli, '--search-base', contoso, '--bulk-read-threshold', '1', '--no-html-report'], {
      cwd: dir, env: { PATH: process.env.PATH, SOS_CLIENT_SECRET: emulator.clientSecret }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  }

  function assertEndedAndStayedHome(run: { code: number | null; stdout: string; stderr: string }, loopPath: string): void {
    assert.notEqual(run.code, 124, 'the batch did not end: the page loop ran until the time-out');
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    assert.match(run.stderr, /The tenant could not be read at once \(GraphRequestFailed: .*came back a second time/);
    assert.match(run.stderr, /Staging batch: \d+ object\(s\) done in/, 'every object was still run, looked up on its own');
    const looped = emulator.requestLog().filter((r) => r.path.includes(loopPath));
    assert.ok(looped.length >= 1 && looped.length <= 2, `the repeated link was followed ${looped.length} times`);
    // The link named https://attacker.example: it was followed on the configured endpoint, with the path only.
    assert.ok(looped.every((r) => r.path.startsWith('/v1.0/')), JSON.stringify(looped));
  }

  test('a list page whose @odata.nextLink points back at itself (on another host): a named error, not an endless read', async () => {
    const loop = 'https://attacker.example/v1.0/users?$select=id&$top=999&$skiptoken=loop';
    emulator.faults({ kind: 'body', path: '$top=999', count: -1, body: { value: [], '@odata.nextLink': loop } });
    assertEndedAndStayedHome(await batch(), '$skiptoken=loop');
  });

  test('a delta page whose @odata.nextLink points back at itself: a named error, not an endless read', async () => {
    const loop = 'https://graph.microsoft.com/v1.0/users/delta?$skiptoken=again';
    emulator.faults({ kind: 'body', path: '/users/delta', count: -1, body: { value: [], '@odata.nextLink': loop } });
    assertEndedAndStayedHome(await batch(), '$skiptoken=again');
  });
});
