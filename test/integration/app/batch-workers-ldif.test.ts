// A staging batch over an LDIF snapshot on worker threads equals the same batch on one thread.
// The scope search keeps no parsed object of a snapshot (the snapshot holds its text), so the
// pass parses each object again as its chunk is handed out; the workers match against the one
// packed tenant read they share. Results, order and the counts of reads must not change.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSession, type Session } from '../../../src/app/session';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { startEmulator } from '../../graph-emulator';
import { writeSnapshotConfiguration } from '../../e2e/harness';

const contoso = 'OU=Contoso,DC=corp,DC=contoso,DC=com';

/** What depends on the run, not on the object, left out: ids, clocks, Graph request records. */
function comparable(summary: ProvisioningObjectSummary): unknown {
  const { id: _id, activityDateTime: _a, changeId: _c, cycleId: _y, durationInMilliseconds: _d, provisioningSteps, ...rest } = summary;
  return { ...rest, provisioningSteps: provisioningSteps.map(({ startDateTime: _s, durationInMilliseconds: _m, graphRequests: _g, ...step }) => step) };
}

describe('a staging batch over an LDIF snapshot on worker threads', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let configPath: string;
  const sessions: Session[] = [];
  const session = async (stateDir: string) => {
    const s = await openSession({ configPath, stateDir: path.join(dir, stateDir), secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret } });
    sessions.push(s);
    return s;
  };
  const run = async (stateDir: string, workers: number) => {
    const s = await session(stateDir);
    const prepared = await s.prepareBatch({ kind: 'search', base: Dn.parse(contoso), scope: 'subtree' });
    const results: ProvisioningObjectSummary[] = [];
    const order: number[] = [];
    const pass = await s.runBatch(prepared, {
      stagingMode: true, bulkReadThreshold: 1, workers, releaseScope: true,
      onResult: (item) => {
        order.push(item.index);
        results.push(JSON.parse(item.json()) as ProvisioningObjectSummary);
      },
    });
    return { prepared, pass, results, order };
  };

  before(async () => {
    emulator = await startEmulator();
    dir = await mkdtemp(path.join(tmpdir(), 'sos-workers-ldif-'));
    configPath = await writeSnapshotConfiguration(dir, emulator, 'SOS_TEST_SECRET');
  });
  after(async () => {
    for (const s of sessions) await s.close();
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('two worker threads give the results of one thread, in input order, each object read once from the snapshot', async () => {
    const one = await run('state-one', 1);
    const two = await run('state-two', 2);
    assert.equal(one.pass.workers, 1);
    assert.equal(two.pass.workers, 2, 'the pass ran on two worker threads');
    const count = two.prepared.dns.length;
    assert.ok(count >= 30, `${count} objects`);
    assert.deepEqual(two.order, two.prepared.dns.map((_, i) => i + 1), 'results come in input order');
    assert.equal(two.results.length, count);
    assert.deepEqual(two.results.map((r) => r.sourceIdentity.id), one.results.map((r) => r.sourceIdentity.id));
    for (const [i, result] of two.results.entries()) assert.deepEqual(comparable(result), comparable(one.results[i]!), one.prepared.dns[i]!.toString());
    // Varied outcomes, so the comparison is not of identical results.
    assert.ok(new Set(one.results.map((r) => r.provisioningStatusInfo.status)).size >= 3);
    // Each object parsed from the snapshot for its sync, counted as served by the scope search,
    // not as a directory operation per object.
    assert.equal(two.pass.readsFromSearch, count);
    assert.equal(one.pass.readsFromSearch, count);
    assert.ok(two.pass.ldapOperations <= one.pass.ldapOperations + 2, `${two.pass.ldapOperations} operations on workers, ${one.pass.ldapOperations} on one thread`);
    assert.ok(two.pass.lookupsFromTenantRead >= count, `${two.pass.lookupsFromTenantRead} lookups from the tenant read`);
    // The workers save the states behind them (each on its writer thread): the same files as one
    // thread wrote, each whole, and no lock, temp or holder file left behind.
    const files = async (name: string) => (await readdir(path.join(dir, name))).filter((f) => !f.startsWith('tenant')).sort();
    const written = await files('state-two');
    assert.deepEqual(written, await files('state-one'));
    assert.ok(written.length >= count / 2, `${written.length} state files for ${count} objects`);
    assert.deepEqual(written.filter((f) => !/^[0-9a-f-]{36}\.json$/.test(f)), [], 'only object state files');
    for (const f of written) {
      const state = JSON.parse(await readFile(path.join(dir, 'state-two', f), 'utf8')) as { key: string; adConnectorSpace?: { dn: string } };
      assert.equal(`${state.key}.json`, f);
      assert.ok(state.adConnectorSpace?.dn, f);
    }
  });
});
