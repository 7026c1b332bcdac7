// A batch export of a few hundred new users goes to Graph as JSON batches ($batch, at most 20
// requests each: the reference's section 6) and meets the write budget (identity and access
// limits, 3,000 writes per 150 s per app and tenant, scaled here to 30 per 1.5 s). Graph throttles
// each request inside a $batch on its own, so the 429s arrive as inner answers with their own
// Retry-After: each is waited out and sent again, no object fails for throttling, and after a
// SIGKILL halfway a re-run completes the rest without a second user for any anchor.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../graph-emulator';
import { jsonLines, runCli, type Run } from './cli-process';

const contoso = 'OU=Contoso,DC=corp,DC=contoso,DC=com';
const count = 300;

type Summary = { provisioningStatusInfo: { status: string; errorInformation: { errorCode: string } | null }; provisioningAction: string; exported: boolean };

function newUsers(n: number): string {
  const parts = [`dn: OU=Export,${contoso}\nchangetype: add\nobjectClass: top\nobjectClass: organizationalUnit\nou: Export\nobjectGUID:: ${randomBytes(16).toString('base64')}\n`];
  for (let i = 1; i <= n; i++) {
    const id = String(i).padStart(4, '0');
    parts.push([
      `dn: CN=json${id},OU=Export,${contoso}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user',
      `cn: json${id}`, `displayName: Json Batch ${id}`, `sAMAccountName: json${id}`, `userPrincipalName: json${id}@contoso.com`, 'userAccountControl: 512',
      `objectGUID:: ${randomBytes(16).toString('base64')}`, '',
    ].join('\n'));
  }
  return parts.join('\n');
}

describe('batch export through JSON batching', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;

  before(async () => {
    emulator = await startEmulator({ throttleScale: 0.01, throttleTimeScale: 0.01 });
    dir = await mkdtemp(path.join(tmpdir(), 'sos-json-batch-'));
    const snapshot = await readFile(path.join(__dirname, '../fixtures/contoso-snapshot.ldif'), 'utf8');
    await writeFile(path.join(dir, 'snapshot.ldif'), `${snapshot}\n${newUsers(count)}`);
    await writeFile(path.join(dir, 'single-object-sync.json'), JSON.stringify({
      activeDirectory: [{
        name: 'corp.contoso.com', ldifFile: 'snapshot.ldif',
        partitions: [{ dn: 'DC=corp,DC=contoso,DC=com', selected: true, inclusions: ['DC=corp,DC=contoso,DC=com'], exclusions: [] }],
        objectTypes: ['user'], groupFilteringGroupDn: null,
      }],
      entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_CLIENT_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      sourceAnchor: 'objectGUID', rules: 'builtin', stateDir: 'state', reportDir: 'reports',
    }));
  });
  after(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Exports the OU; with `killAfterResults`, SIGKILLs the CLI once that many results are out. */
  const exportBatch = (killAfterResults?: number) => runCli(['--search-base', `OU=Export,${contoso}`, '--scope', 'one', '--export', '--no-html-report'], {
    cwd: dir, env: { SOS_CLIENT_SECRET: emulator.clientSecret },
    onStdout: (stdout, child) => {
      if (killAfterResults !== undefined && stdout.split('\n').length > killAfterResults) child.kill('SIGKILL');
    },
  });
  // Complete lines only: a SIGKILL can cut the last line of a pipe write short.
  const results = (run: Run) => jsonLines<Summary>(run.stdout);
  const throttledFailures = (run: Run) => results(run).filter((r) => ['Throttled', 'ServiceUnavailable'].includes(r.provisioningStatusInfo.errorInformation?.errorCode ?? ''));

  test('writes go as $batch of at most 20, inner 429s are waited out, and a killed run converges', async () => {
    const first = await exportBatch(count / 2);
    assert.ok(results(first).length >= count / 2, first.stderr);
    const second = await exportBatch();
    assert.equal(second.code, 0, second.stderr);

    // The creates went inside $batch requests, each carrying at most 20 requests (the
    // emulator refuses more with 400, and refused none).
    const batches = emulator.requestLog().filter((r) => r.method === 'POST' && r.path === '/v1.0/$batch');
    assert.ok(batches.length > 0, 'writes were sent as $batch');
    assert.ok(batches.every((b) => b.status === 200 && (b.innerRequests ?? 0) >= 1 && (b.innerRequests ?? 0) <= 20), JSON.stringify(batches.filter((b) => b.status !== 200 || (b.innerRequests ?? 0) > 20)));
    const userCreates = emulator.writes().filter((w) => w.method === 'POST' && w.path === '/v1.0/users');
    const batchedCreates = userCreates.filter((w) => w.inBatch);
    assert.ok(batchedCreates.length >= userCreates.length * 0.9, `most creates went in a $batch (${batchedCreates.length} of ${userCreates.length})`);
    assert.ok(batches.some((b) => (b.innerRequests ?? 0) >= 10), 'writes of objects in flight were coalesced, not sent one per $batch');

    // Real 429s as inner answers of a $batch: the write budget was met inside the batches.
    const innerThrottled = batchedCreates.filter((w) => w.status === 429);
    assert.ok(innerThrottled.length > 0, 'inner requests met the write budget (429)');
    // Graph counts refused requests against the budget too ("usage keeps accruing while the
    // client is throttled"; the emulator charges them): once throttled, the batches keep a pace
    // learned from what Graph accepts instead of sending a full batch whenever Retry-After
    // ends, so refusals stay a small part of the writes (measured: 28 refused to 299 accepted with
    // the pace, 153 to 299 without it).
    assert.ok(innerThrottled.length * 3 < batchedCreates.length - innerThrottled.length, `refused creates ${innerThrottled.length}, accepted ${batchedCreates.length - innerThrottled.length}: the export spent the budget on refusals`);
    assert.deepEqual(throttledFailures(first), [], 'no object failed for throttling (first run)');
    assert.deepEqual(throttledFailures(second), [], `no object failed for throttling (re-run):\n${second.stderr}`);

    // The re-run converged: every user exists exactly once, by its source anchor.
    const exported = emulator.state().users.filter((u) => /^json\d{4}@contoso\.com$/.test(String(u.userPrincipalName)));
    assert.equal(exported.length, count, 'every user of the OU exists in the tenant');
    const anchors = exported.map((u) => u.onPremisesImmutableId);
    assert.equal(new Set(anchors).size, count, 'one user per source anchor: no duplicates after the kill and re-run');
    const created = userCreates.filter((w) => w.status === 201).length;
    assert.equal(created, count, 'each user was created once');
  });
});
