// A batch's per-object results equal single runs (uses-samba). The same fixture objects are
// synced in staging mode one by one (each a full single run) and as a batch that shares the
// directory connection, reads the scope in one paged search and the tenant once (the bulk
// tenant read is forced with bulkReadThreshold 1); each in its own empty state folder, against
// the same emulator tenant. Everything but ids, times and the Graph request records must match.
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { openSession, type Session } from '../../../src/app/session';
import { adEnv, openWorld, ou, type World } from '../../e2e/harness';
import { Dn } from '../../../src/engine/model/dn';

/** The parts of a result that depend on the run, not on the object: ids, clocks, request logs. */
function comparable(summary: ProvisioningObjectSummary): unknown {
  const { id: _id, activityDateTime: _a, changeId: _c, cycleId: _y, durationInMilliseconds: _d, provisioningSteps, ...rest } = summary;
  return {
    ...rest,
    provisioningSteps: provisioningSteps.map(({ startDateTime: _s, durationInMilliseconds: _m, graphRequests: _g, ...step }) => step),
  };
}

const fixtures = [
  'CN=Alice Wu,OU=Sales', 'CN=Dup User,OU=Sales', 'CN=Fab Rikam,OU=Sales', 'CN=Mastered User,OU=Sales', 'CN=Smith\\, John,OU=EMEA,OU=Sales',
  'CN=Zoë Ñúñez,OU=Paris,OU=EMEA,OU=Sales', 'CN=Carol Diaz,OU=Engineering', 'CN=Dave Kim,OU=Engineering', 'CN=Soft Match,OU=Engineering',
  'CN=Soft Conflict,OU=Engineering', 'CN=Hostile Values,OU=Engineering', 'CN=Mia Rossi,OU=Engineering', 'CN=Excluded Person,OU=Excluded',
  'CN=Sales Team,OU=Groups', 'CN=Big Group,OU=Groups', 'CN=Ext Partner,OU=Contacts', 'CN=WS001,OU=Computers', 'CN=Nobody Here,OU=Sales',
].map(ou);

describe('batch results equal single runs (uses-samba)', () => {
  let world: World;
  const sessions: Session[] = [];
  const session = async (stateDir: string) => {
    const s = await openSession({
      configPath: path.join(world.dir, 'single-object-sync.json'),
      secrets: { directoryPassword: async () => adEnv().password, entraClientSecret: async () => world.emulator.clientSecret },
      stateDir: path.join(world.dir, stateDir),
    });
    sessions.push(s);
    return s;
  };
  const singleRuns = async (dns: string[], stateDir: string) => {
    const s = await session(stateDir);
    const out = new Map<string, ProvisioningObjectSummary>();
    for (const dn of dns) out.set(dn, (await s.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true })).summary);
    return out;
  };

  before(async () => {
    world = await openWorld();
  });
  after(async () => {
    for (const s of sessions) await s.close();
    await world?.close();
  });

  test('an input file of fixture objects, with the tenant read once', async () => {
    const file = path.join(world.dir, 'fixtures.txt');
    await writeFile(file, fixtures.join('\n'));
    const writes = world.emulator.writes().length;
    const single = await singleRuns(fixtures, 'state-single');
    const batch = await session('state-batch');
    const prepared = await batch.prepareBatch({ kind: 'file', file });
    const pass = await batch.runBatch(prepared, { stagingMode: true, bulkReadThreshold: 1, keepSummaries: true });
    assert.equal(pass.tenantRead, 'bulk');
    assert.ok(pass.lookupsFromTenantRead > 0, 'lookups were answered from the tenant read');
    assert.equal(pass.done, fixtures.length);
    for (const dn of fixtures) assert.deepEqual(comparable(pass.summaries.get(dn)!), comparable(single.get(dn)!), dn);
    // The statuses are varied (the comparison is not of identical empty results).
    assert.ok(new Set([...single.values()].map((s) => s.provisioningStatusInfo.status)).size >= 3);
    assert.equal(world.emulator.writes().length, writes);
  });

  test('an OU read in one paged search, per-object tenant lookups', async () => {
    const batch = await session('state-search');
    const prepared = await batch.prepareBatch({ kind: 'search', base: Dn.parse(ou('OU=Engineering')), scope: 'one' });
    assert.ok(prepared.dns.length >= 15, `${prepared.dns.length} objects`);
    const pass = await batch.runBatch(prepared, { stagingMode: true, bulkReadThreshold: 10_000, keepSummaries: true });
    assert.equal(pass.tenantRead, 'per-object');
    assert.equal(pass.readsFromSearch, prepared.dns.length, 'every base read was answered by the search');
    const single = await singleRuns(prepared.dns.map(String), 'state-search-single');
    for (const dn of prepared.dns.map(String)) assert.deepEqual(comparable(pass.summaries.get(dn)!), comparable(single.get(dn)!), dn);
  });

  test('an OU subtree shared among worker threads equals single runs, delivered in input order; a cancel stops it cleanly', async () => {
    const batch = await session('state-workers');
    const prepared = await batch.prepareBatch({ kind: 'search', base: Dn.parse(ou('OU=Sales')), scope: 'subtree' });
    assert.ok(prepared.dns.length >= 10, `${prepared.dns.length} objects`);
    const delivered: ProvisioningObjectSummary[] = [];
    const order: number[] = [];
    const pass = await batch.runBatch(prepared, {
      stagingMode: true, bulkReadThreshold: 1, workers: 2,
      onResult: (item) => {
        order.push(item.index);
        delivered.push(JSON.parse(item.json()) as ProvisioningObjectSummary);
      },
    });
    assert.equal(pass.workers, 2, 'the pass ran on two worker threads');
    assert.ok(pass.lookupsFromTenantRead >= prepared.dns.length / 2, `the workers' lookups answered from the tenant read are counted (${pass.lookupsFromTenantRead})`);
    assert.equal(pass.done, prepared.dns.length);
    assert.deepEqual(order, prepared.dns.map((_, i) => i + 1), 'results come in input order');
    assert.equal(pass.rows.length, prepared.dns.length);
    assert.equal(pass.tally.objects, prepared.dns.length);
    const single = await singleRuns(prepared.dns.map(String), 'state-workers-single');
    for (const [i, dn] of prepared.dns.map(String).entries()) assert.deepEqual(comparable(delivered[i]!), comparable(single.get(dn)!), `${dn}: ${JSON.stringify(delivered[i]!.provisioningStatusInfo.errorInformation)}`);
    // The workers stored the same objects' states as the single runs, and left no lock or temp file.
    const stateFiles = async (name: string) => (await readdir(path.join(world.dir, name))).filter((f) => !f.startsWith('tenant')).sort();
    const stored = await stateFiles('state-workers');
    assert.ok(stored.length >= 5, `${stored.length} state files`);
    assert.deepEqual(stored, await stateFiles('state-workers-single'));
    assert.ok(stored.every((f) => f.endsWith('.json')), stored.join(', '));

    // Cancelled after the first result: no new object starts; what ran is delivered, the rest is counted as not done.
    const controller = new AbortController();
    const cancelled = await (await session('state-workers-cancel')).runBatch(prepared, {
      stagingMode: true, bulkReadThreshold: 1, workers: 2, signal: controller.signal,
      onResult: () => controller.abort(),
    });
    assert.equal(cancelled.cancelled, true);
    assert.ok(cancelled.done >= 1 && cancelled.done < prepared.dns.length, `${cancelled.done} of ${prepared.dns.length} done`);
    assert.equal(cancelled.rows.length, cancelled.done);

    // A result the caller cannot take (its output closed) ends the pass with that error, as on one thread.
    let taken = 0;
    await assert.rejects((await session('state-workers-closed')).runBatch(prepared, {
      stagingMode: true, bulkReadThreshold: 1, workers: 2,
      onResult: () => {
        if (++taken === 2) throw new Error('stdout closed');
      },
    }), /stdout closed/);
    assert.equal(taken, 2, 'nothing was delivered after the failure');
  });

  test('the Big Group (2,000 members, more than one ranged window) from the search equals its base read', async () => {
    const batch = await session('state-groups');
    const prepared = await batch.prepareBatch({ kind: 'search', base: Dn.parse(ou('OU=Groups')), scope: 'one', ldapFilter: '(cn=Big Group)' });
    assert.deepEqual(prepared.dns.map(String), [ou('CN=Big Group,OU=Groups')]);
    const pass = await batch.runBatch(prepared, { stagingMode: true, keepSummaries: true });
    const single = await singleRuns(prepared.dns.map(String), 'state-groups-single');
    assert.deepEqual(comparable(pass.summaries.get(String(prepared.dns[0]!))!), comparable(single.get(String(prepared.dns[0]!))!));
  });
});
