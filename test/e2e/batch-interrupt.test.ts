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

  test('an export held by Graph\'s Retry-After stops at once: the waiting writes are not sent, the summary is still written', async () => {
    // Every create of a user is refused with a Retry-After of 50 s (within the default wait
    // budget of 60 s, so it is waited out): the objects in flight wait, far past the 10 s grace
    // period after Ctrl+C, unless the stop ends their waits.
    emulator.reset();
    emulator.faults({ kind: 'status', status: 429, retryAfterSeconds: 50, path: '/v1.0/users', method: 'POST', count: -1 });
    let signalled = false;
    const { code, stdout, stderr } = await runCli(['--search-base', contoso, '--export', '--no-html-report'], {
      cwd: dir, env: { SOS_CLIENT_SECRET: emulator.clientSecret }, timeout: 120_000,
      onStderr: (err, child) => {
        // Once the writes have begun, Graph refuses the creates and the objects in flight wait.
        if (signalled || !err.includes('Exporting ')) return;
        signalled = true;
        setTimeout(() => child.kill('SIGINT'), 1500);
      },
    });
    emulator.clearFaults();
    assert.ok(signalled, `the batch ended before it could be interrupted: ${stderr}`);
    assert.equal(code, 130, stderr);
    assert.doesNotMatch(stderr, /the batch summary and report were not written/, 'stopped within the grace period');
    const summary = /Export batch: (\d+) object\(s\) done/.exec(stderr);
    assert.ok(summary, `the batch summary says what was done and not done:\n${stderr}`);
    const results = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { provisioningStatusInfo: { errorInformation?: { errorCode: string; reason: string } } });
    assert.equal(results.length, Number(summary[1]), 'every object done has its JSON line');
    const stopped = results.filter((r) => r.provisioningStatusInfo.errorInformation?.errorCode === 'StoppedWhileWaiting');
    assert.ok(stopped.length > 0, `the objects waiting to write say so: ${results.map((r) => r.provisioningStatusInfo.errorInformation?.errorCode).join(', ')}`);
    assert.match(stopped[0]!.provisioningStatusInfo.errorInformation!.reason, /POST \/users waited .*: it was not sent/);
    assert.match(stderr, /StoppedWhileWaiting/, 'the summary counts them by error code');
    // Nothing was sent after the stop: no user was created.
    assert.equal(emulator.state().users.filter((u) => String(u.userPrincipalName ?? '').includes('contoso')).length, 0);
  });
});
