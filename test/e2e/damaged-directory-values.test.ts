// Directory data is untrusted: a snapshot edited by hand, a damaged export or a directory that
// is not quite Active Directory can hold an objectGUID that is not the 16 bytes AD stores. It
// keys the connector space and anchors the cloud object, so the sync must stop at step 7 with a
// named reason: not an unexpected error, and not a cloud user anchored on whatever text was
// there. dist/cli.js against the bundled LDIF snapshot with Alice Wu's entry damaged; the Graph
// emulator as the tenant.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../graph-emulator';
import { writeSnapshotConfiguration } from './harness';
import { runCli } from './cli-process';

const alice = 'CN=Alice Wu,OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com';

describe('damaged values from the directory', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let snapshot: string;

  before(async () => {
    emulator = await startEmulator();
    dir = await mkdtemp(path.join(tmpdir(), 'sos-damaged-values-'));
    await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET');
    snapshot = await readFile(path.join(dir, 'snapshot.ldif'), 'utf8');
  });
  after(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const cases = [
    { name: 'an objectGUID of 15 bytes', line: `objectGUID:: ${Buffer.alloc(15, 7).toString('base64')}`, problem: /15 bytes, not the 16 of a GUID/ },
    { name: 'an objectGUID given as text', line: 'objectGUID: not-a-guid', problem: /text, not the 16 bytes of a GUID/ },
    // Single-valued in AD's schema: two values would leave the immutable anchor to chance.
    { name: 'two objectGUID values', line: `objectGUID:: Z3wIyXS3sUODmBYs7gq5pA==\nobjectGUID:: ${Buffer.alloc(16, 9).toString('base64')}`, problem: /2 values; the attribute is single-valued/ },
  ];
  for (const c of cases) {
    test(`${c.name}: step 7 fails with MalformedDirectoryValue, nothing is kept or written, exit 1`, async () => {
      const aliceGuid = /^objectGUID:: Z3wIyXS3sUODmBYs7gq5pA==$/m;
      assert.match(snapshot, aliceGuid, 'the fixture still has Alice Wu\'s objectGUID');
      await writeFile(path.join(dir, 'snapshot.ldif'), snapshot.replace(aliceGuid, c.line));
      const state = `state-${cases.indexOf(c)}`;
      const writes = emulator.writes().length;
      const { code, stdout, stderr } = await runCli(['--distinguished-name', alice, '--no-html-report', '--state-dir', state], { cwd: dir, env: { SOS_CLIENT_SECRET: emulator.clientSecret } });
      assert.equal(code, 1, stderr);
      const summary = JSON.parse(stdout) as { provisioningStatusInfo: { errorInformation?: { errorCode: string; reason: string } }; provisioningSteps: { stepNumber: number; status: string }[] };
      assert.equal(summary.provisioningStatusInfo.errorInformation?.errorCode, 'MalformedDirectoryValue', stderr);
      assert.match(summary.provisioningStatusInfo.errorInformation?.reason ?? '', /objectGUID/);
      assert.match(summary.provisioningStatusInfo.errorInformation?.reason ?? '', c.problem);
      assert.equal(summary.provisioningSteps.find((s) => s.stepNumber === 7)?.status, 'failure');
      assert.equal(summary.provisioningSteps.find((s) => s.stepNumber === 10)?.status, 'skipped');
      assert.equal(emulator.writes().length, writes, 'nothing was written to the tenant');
      const kept = (await readdir(path.join(dir, state)).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
      assert.deepEqual(kept, [], 'no connector-space state was kept');
    });
  }
});
