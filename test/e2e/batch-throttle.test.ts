// A batch export that meets Graph's write budget (identity and access limits: 3,000 writes per
// 150 s per app and tenant, 429 with Retry-After beyond it). The emulator enforces the budget,
// scaled down (15 writes and 17.5 resource units per 1.5 s) so a few dozen objects meet real 429s. The export adapts
// its concurrency, waits out every Retry-After, fails no object for throttling, and a re-run
// writes nothing twice. The AD side is the bundled LDIF snapshot.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../graph-emulator';
import { writeSnapshotConfiguration } from './harness';
import { runCli } from './cli-process';

const contoso = 'OU=Contoso,DC=corp,DC=contoso,DC=com';

describe('batch export inside the write budget', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;

  before(async () => {
    emulator = await startEmulator({ throttleScale: 0.005, throttleTimeScale: 0.01 });
    dir = await mkdtemp(path.join(tmpdir(), 'sos-batch-throttle-'));
    await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET', [`OU=Excluded,${contoso}`]);
  });
  after(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const exportBatch = () => runCli(['--search-base', contoso, '--export', '--no-html-report'], { cwd: dir, env: { SOS_CLIENT_SECRET: emulator.clientSecret } });

  test('429s are met and waited out, no object fails for throttling, a re-run duplicates nothing', async () => {
    const first = await exportBatch();
    const results = first.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { provisioningStatusInfo: { errorInformation: { errorCode: string } | null }; exported: boolean });
    assert.ok(results.length > 20, first.stderr);
    // Real 429s: from the write budget, or from the resource units the lookups spend (which
    // one depends on how fast this machine runs the export).
    const throttled = emulator.requestLog().filter((r) => r.status === 429);
    assert.ok(throttled.length > 0, 'the export met the budget (real 429s)');
    const throttledFailures = results.filter((r) => ['Throttled', 'ServiceUnavailable'].includes(r.provisioningStatusInfo.errorInformation?.errorCode ?? ''));
    assert.equal(throttledFailures.length, 0, `objects failed by throttling: ${JSON.stringify(throttledFailures.map((r) => r.provisioningStatusInfo.errorInformation))}\n${first.stderr}`);
    assert.match(first.stderr, /Exporting \d+ object\(s\)\. Export plan \(from a staging pass\): \d+ create\(s\) and \d+ update\(s\)/, 'the export says how many writes it will make first');
    assert.match(first.stderr, /Export concurrency \(adaptive\): up to \d+ object\(s\) in flight, \d+ at the end; [1-9]\d* object\(s\) met a 429/);
    assert.ok(results.some((r) => r.exported), 'objects were exported');

    // No duplicates: one user per source anchor, one group per uniqueName.
    const state = emulator.state();
    const anchors = state.users.map((u) => u.onPremisesImmutableId).filter(Boolean);
    assert.equal(new Set(anchors).size, anchors.length, 'one user per anchor');
    const uniqueNames = state.groups.map((g) => g.uniqueName).filter(Boolean);
    assert.equal(new Set(uniqueNames).size, uniqueNames.length, 'one group per uniqueName');

    // A re-run converges: no create is sent again.
    const creates = (w: { method: string; path: string; status: number }) => (w.method === 'POST' && /^\/v1\.0\/users$/.test(w.path)) || (w.method === 'PATCH' && /groups\(uniqueName=/.test(w.path) && w.status === 201);
    const createdBefore = emulator.writes().filter((w) => creates(w) && w.status < 300).length;
    const second = await exportBatch();
    assert.notEqual(second.code, null);
    const createdAfter = emulator.writes().filter((w) => creates(w) && w.status < 300).length;
    assert.equal(createdAfter, createdBefore, `the re-run created nothing:\n${second.stderr}`);
    const again = emulator.state();
    assert.equal(again.users.length, state.users.length);
    assert.equal(again.groups.length, state.groups.length);
  });
});
