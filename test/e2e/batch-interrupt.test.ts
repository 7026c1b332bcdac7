// Ctrl+C during a batch, as a user sends it: SIGINT to a running `single-object-sync` batch
// (dist/cli.js, the bundled LDIF snapshot as AD, the Graph emulator answering slowly so
// objects are in flight). The batch stops after the objects in flight, still prints their
// JSON lines, the summary on stderr and the HTML batch report of what was done, and exits 130.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../graph-emulator';
import { writeSnapshotConfiguration } from './harness';
import { runCli } from './cli-process';

const contoso = 'OU=Contoso,DC=corp,DC=contoso,DC=com';

describe('batch cancelled by SIGINT', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;

  before(async () => {
    emulator = await startEmulator();
    dir = await mkdtemp(path.join(tmpdir(), 'sos-batch-sigint-'));
    await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET');
  });
  after(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('stops after the objects in flight, prints what was done, writes the summary and the HTML report, exits 130', async () => {
    // Every user lookup answers after 150 ms: each object takes a while, several are in flight.
    emulator.faults({ kind: 'latency', latencyMs: 150, path: '/users', count: -1 });
    let signalled = false;
    const { code, stdout, stderr } = await runCli(['--search-base', contoso, '--bulk-read-threshold', '100000'], {
      cwd: dir, env: { SOS_CLIENT_SECRET: emulator.clientSecret },
      onStdout: (out, child) => {
        // Interrupt once the first results are out: the batch is running, most objects are not done.
        if (!signalled && out.split('\n').filter(Boolean).length >= 3) {
          signalled = true;
          child.kill('SIGINT');
        }
      },
    });
    emulator.clearFaults();
    assert.ok(signalled, `the batch ended before it could be interrupted: ${stderr}`);
    assert.equal(code, 130, stderr);

    const total = Number(/Batch: (\d+) object\(s\)/.exec(stderr)?.[1]);
    const results = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { sourceIdentity: { details: { distinguishedName: string } } });
    const summary = /Staging batch: (\d+) object\(s\) done, (\d+) NOT done \(cancelled\)/.exec(stderr);
    assert.ok(summary, `the batch summary says what was done and not done:\n${stderr}`);
    const [done, notDone] = [Number(summary[1]), Number(summary[2])];
    assert.equal(done, results.length, 'every object done has its JSON line, whole');
    assert.equal(done + notDone, total);
    assert.ok(notDone > 0 && done >= 3, `done ${done}, not done ${notDone}`);
    assert.match(stderr, new RegExp(`interrupted by SIGINT: ${done} object\\(s\\) done, ${notDone} not done`));

    // The HTML batch report lists exactly the objects done.
    const reports = path.join(dir, 'reports');
    const [folder] = (await readdir(reports)).filter((n) => n.startsWith('ADSyncBatchSyncResult-'));
    assert.ok(folder, 'a batch report folder was written');
    const html = await readFile(path.join(reports, folder, 'index.htm'), 'utf8');
    const objectReports = await readdir(path.join(reports, folder, 'objects'));
    assert.equal(objectReports.length, done, 'one object report per object done');
    for (const r of results.slice(0, 3)) {
      const dn = r.sourceIdentity.details.distinguishedName;
      const cn = /^CN=([^,\\]+)/.exec(dn)?.[1];
      if (cn) assert.ok(html.includes(cn), `the report lists ${dn}`);
    }
    // The state lock is released: a rerun of the same scope is not refused.
    const lockFiles = (await readdir(path.join(dir, 'state')).catch(() => [] as string[])).filter((n) => n.endsWith('.lock'));
    assert.deepEqual(lockFiles, [], 'no state lock left behind');
  });
});
