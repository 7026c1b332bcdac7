// Graph answers are untrusted (a compromised proxy, a faulty service). dist/cli.js against the
// bundled LDIF snapshot; the Graph emulator answers chosen requests with a hostile body (fault
// kind body, also inside a $batch).
// - A batch's tenant read follows @odata.nextLink: a link that comes back again would page
//   forever, and one naming another host must not take the token there. The read must end in a
//   named error within bounds, the batch go on with per-object lookups, and every request stay
//   on the configured Graph endpoint.
// - An answer of the wrong shape (a `value` that is no list, an object without an id, no JSON
//   object, a $batch without its responses) must not read as "no such object" (a staging run
//   would plan a create, an export would write a duplicate): GraphRequestFailed, naming it.
// - An answer larger than any the tool asks for (64 MiB) is not read into memory: the read
//   stops there, once, by name.
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

describe('hostile Graph answers', () => {
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

  /** The CLI bounded by `timeout`, so a loop fails the test instead of stalling it. */
  function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn('timeout', ['60', process.execPath, cli, ...args, '--no-html-report'], {
      cwd: dir, env: { PATH: process.env.PATH, SOS_CLIENT_SECRET: emulator.clientSecret }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  }
  /** A staging batch that reads the tenant once (threshold 1). */
  const batch = () => runCli(['--search-base', contoso, '--bulk-read-threshold', '1']);
  /** One object, staging: the user lookups of step 8 meet the hostile answers. */
  const syncAlice = () => runCli(['--distinguished-name', `CN=Alice Wu,OU=Sales,${contoso}`, '--staging-mode']);

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

  const shapes: { name: string; path: string; body: unknown; step: number; what: RegExp }[] = [
    { name: 'user lookups whose "value" is text', path: '/users?', body: { value: 'no list' }, step: 8, what: /"value" is not a list/ },
    { name: 'user lookups answering an object without a string id', path: '/users?', body: { value: [{ id: 5, userPrincipalName: 'alice.wu@contoso.com' }] }, step: 8, what: /has no string id/ },
    { name: 'user lookups answering null', path: '/users?', body: null, step: 8, what: /not a JSON object/ },
    { name: 'a $batch without its responses', path: '/v1.0/$batch', body: { responses: [] }, step: 8, what: /no response for request/ },
    { name: 'the tenant\'s domains as text', path: '/v1.0/domains', body: { value: 'contoso.com' }, step: 2, what: /"value" is not a list/ },
  ];
  for (const shape of shapes) {
    test(`${shape.name}: step ${shape.step} fails with GraphRequestFailed, never "not found" and a planned create`, async () => {
      emulator.faults({ kind: 'body', path: shape.path, count: -1, body: shape.body });
      const run = await syncAlice();
      assert.equal(run.code, 1, run.stderr);
      const summary = JSON.parse(run.stdout) as {
        provisioningStatusInfo: { status: string; errorInformation?: { errorCode: string; reason: string } };
        plannedProvisioningAction?: string;
        provisioningSteps: { stepNumber: number; status: string }[];
      };
      assert.equal(summary.provisioningStatusInfo.status, 'failure');
      assert.equal(summary.provisioningStatusInfo.errorInformation?.errorCode, 'GraphRequestFailed', run.stderr);
      assert.match(summary.provisioningStatusInfo.errorInformation?.reason ?? '', /not what Microsoft Graph documents/);
      assert.match(summary.provisioningStatusInfo.errorInformation?.reason ?? '', shape.what);
      assert.equal(summary.provisioningSteps.find((s) => s.stepNumber === shape.step)?.status, 'failure');
      assert.notEqual(summary.plannedProvisioningAction, 'create', 'nothing is planned from a malformed answer');
    });
  }

  test('an answer of 70 MB is read no further than 64 MiB and not asked again: step 2 fails with GraphRequestFailed naming the limit', async () => {
    emulator.faults({ kind: 'body', path: '/v1.0/domains', count: -1, body: { value: [], padding: 'x'.repeat(70 * 1024 * 1024) } });
    const domainReads = () => emulator.requestLog().filter((r) => r.path.startsWith('/v1.0/domains')).length;
    const before = domainReads();
    const run = await syncAlice();
    assert.equal(run.code, 1, run.stderr);
    const summary = JSON.parse(run.stdout) as { provisioningStatusInfo: { errorInformation?: { errorCode: string; reason: string } }; provisioningSteps: { stepNumber: number; status: string }[] };
    assert.equal(summary.provisioningStatusInfo.errorInformation?.errorCode, 'GraphRequestFailed', run.stderr);
    assert.match(summary.provisioningStatusInfo.errorInformation?.reason ?? '', /larger than 64 MiB/);
    assert.equal(summary.provisioningSteps.find((s) => s.stepNumber === 2)?.status, 'failure');
    assert.equal(domainReads() - before, 1, 'asked once: a body past the limit is not retried');
  });
});
