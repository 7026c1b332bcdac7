// Standard output that goes away, as it does in a shell: `single-object-sync ... | head -3`
// closes the pipe after three lines (the next write fails with EPIPE), and `> file` on a full
// disk fails every write (ENOSPC, here /dev/full). dist/cli.js against the bundled LDIF
// snapshot and the Graph emulator. A batch then stops as after Ctrl+C: the objects in flight
// finish, the summary and the HTML batch report still say what was done, no state lock stays
// behind, and the exit code says why (141 = 128 + SIGPIPE, as a shell reports a pipe's writer
// that stopped; 3 = output not written). Never Node's "Unhandled 'error' event" stack.
import assert from 'node:assert/strict';
import { spawn, type StdioOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startEmulator } from '../graph-emulator';
import { writeSnapshotConfiguration } from './harness';

const cli = path.resolve(__dirname, '../../dist/cli.js');
const contoso = 'OU=Contoso,DC=corp,DC=contoso,DC=com';
const alice = `CN=Alice Wu,OU=Sales,${contoso}`;

describe('standard output closed or failing', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;

  before(async () => {
    emulator = await startEmulator();
  });
  beforeEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = await mkdtemp(path.join(tmpdir(), 'sos-stdout-closed-'));
    await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET');
  });
  after(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function start(args: string[], stdio: StdioOptions = ['ignore', 'pipe', 'pipe']) {
    return spawn(process.execPath, [cli, ...args], { cwd: dir, env: { PATH: process.env.PATH, SOS_CLIENT_SECRET: emulator.clientSecret }, stdio });
  }
  const exited = (child: ReturnType<typeof start>) => new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));

  async function assertNoCrashAndNoLock(stderr: string): Promise<void> {
    assert.doesNotMatch(stderr, /Unhandled 'error' event|unexpected error|\n\s+at /, `a plain message, no stack:\n${stderr}`);
    const locks = (await readdir(path.join(dir, 'state')).catch(() => [] as string[])).filter((n) => n.endsWith('.lock'));
    assert.deepEqual(locks, [], 'no state lock left behind');
  }

  async function batchReportObjects(): Promise<number> {
    const reports = path.join(dir, 'reports');
    const [folder] = (await readdir(reports)).filter((n) => n.startsWith('ADSyncBatchSyncResult-'));
    assert.ok(folder, 'a batch report folder was written');
    await readFile(path.join(reports, folder, 'index.htm'), 'utf8');
    return (await readdir(path.join(reports, folder, 'objects'))).length;
  }

  test('a batch piped into a reader that leaves after three lines stops after the objects in flight, says so and exits 141', async () => {
    // Each user lookup answers after 150 ms: objects are in flight when the reader leaves.
    emulator.faults({ kind: 'latency', latencyMs: 150, path: '/users', count: -1 });
    const child = start(['--search-base', contoso, '--bulk-read-threshold', '100000']);
    let stdout = '';
    let stderr = '';
    let closed = false;
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.on('data', (d) => {
      stdout += d;
      if (!closed && stdout.split('\n').length > 3) {
        closed = true;
        child.stdout!.destroy(); // what `head -3` does after its third line
      }
    });
    const code = await exited(child);
    emulator.clearFaults();
    assert.ok(closed, `the batch ended before its reader left: ${stderr}`);
    assert.equal(code, 141, stderr);
    await assertNoCrashAndNoLock(stderr);

    const total = Number(/Batch: (\d+) object\(s\)/.exec(stderr)?.[1]);
    const summary = /Staging batch: (\d+) object\(s\) done, (\d+) NOT done \(cancelled\)/.exec(stderr);
    assert.ok(summary, `the batch summary says what was done and not done:\n${stderr}`);
    const [done, notDone] = [Number(summary[1]), Number(summary[2])];
    assert.equal(done + notDone, total);
    assert.ok(notDone > 0 && done >= 3, `done ${done}, not done ${notDone}`);
    assert.match(stderr, /standard output was closed by its reader \(EPIPE\)/);
    assert.match(stderr, new RegExp(`${done} object\\(s\\) done, ${notDone} not done`));
    assert.equal(await batchReportObjects(), done, 'the batch report holds every object done, printed or not');
  });

  test('a batch whose output file is on a full disk stops with a named reason and exits 3', async () => {
    const full = openSync('/dev/full', 'w');
    let stderr = '';
    try {
      const child = start(['--search-base', contoso], ['ignore', full, 'pipe']);
      child.stderr!.on('data', (d) => (stderr += d));
      const code = await exited(child);
      assert.equal(code, 3, stderr);
    } finally {
      closeSync(full);
    }
    await assertNoCrashAndNoLock(stderr);
    assert.match(stderr, /standard output could not be written \(ENOSPC/);
    assert.match(stderr, /Staging batch: \d+ object\(s\) done/, 'the summary is still written');
    assert.ok(await batchReportObjects() >= 1, 'the batch report holds what was done');
  });

  test('one object whose reader has already left: the sync completes, no stack, the exit code is the sync result', async () => {
    const child = start(['--distinguished-name', alice, '--staging-mode']);
    child.stdout!.destroy(); // the reader is gone before the result is written
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const code = await exited(child);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /^Result: success/m);
    await assertNoCrashAndNoLock(stderr);
  });

  test('one object written to a full disk: the lost result is named, with what to do, and the exit code is 3', async () => {
    const full = openSync('/dev/full', 'w');
    let stderr = '';
    try {
      const child = start(['--distinguished-name', alice, '--staging-mode'], ['ignore', full, 'pipe']);
      child.stderr!.on('data', (d) => (stderr += d));
      assert.equal(await exited(child), 3, stderr);
    } finally {
      closeSync(full);
    }
    await assertNoCrashAndNoLock(stderr);
    assert.match(stderr, /^Result: success/m);
    assert.match(stderr, /result could not be written to standard output \(ENOSPC: no space left on device\)\. Run it again with --output FILE/);
  });
});
