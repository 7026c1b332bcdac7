// Issue 14, item 5: "cancelling (Ctrl+C) stops cleanly after the objects in flight and still
// writes the summary of what was done". A request already sent finishes; one that would have to
// wait first (a Retry-After, the write pace) is not sent and fails as StoppedWhileWaiting, at
// once, instead of holding the stopped run for minutes past the CLI's grace period. The real
// adapter (msal-node, HTTPS) against the real emulator, with the real timers: a wait that the
// stop did not end would run into the test's time-out (Retry-After 600 s).
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EntraConfig } from '../../../../src/app/config/model';
import { isSyncError, type SyncError } from '../../../../src/engine/errors';
import type { EntraTarget } from '../../../../src/engine/ports/entra-target';
import { clearTokenCache, createEntraTarget, stoppingWaitsOn } from '../../../../src/adapters/entra/index';
import { startEmulator, type Emulator } from '../../../graph-emulator/index';

let emu: Emulator;
const targets: EntraTarget[] = [];

before(async () => {
  emu = await startEmulator();
});
after(async () => {
  for (const t of targets) await t.close();
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  clearTokenCache();
});

function target(extra: Partial<EntraConfig> = {}): EntraTarget {
  const t = createEntraTarget({
    tenantId: emu.tenantId, clientId: emu.clientId, authorityHost: emu.authorityHost, graphEndpoint: emu.graphEndpoint, caFile: emu.caFile,
    maxRetryWaitSeconds: 3600, ...extra,
  }, emu.clientSecret);
  targets.push(t);
  return t;
}

/** Resolves when the emulator has answered a request matching `match`. */
async function answered(match: (r: { method: string; path: string; status: number }) => boolean): Promise<void> {
  while (!emu.requestLog().some(match)) await new Promise((r) => setTimeout(r, 10));
}

async function outcome<T>(promise: Promise<T>): Promise<T | SyncError> {
  try {
    return await promise;
  } catch (err) {
    if (isSyncError(err)) return err;
    throw err;
  }
}

const user = (n: number) => ({
  displayName: `Stop ${n}`, userPrincipalName: `stop${n}@contoso.com`, mailNickname: `stop${n}`, onPremisesImmutableId: `c3RvcC0${n}AAAAAAAAAAAAAA==`,
});

describe('a stopped run sends nothing that would have to wait', { timeout: 20_000 }, () => {
  test('a read waiting out a Retry-After of 600 s ends at once as StoppedWhileWaiting and is not sent again', async () => {
    const t = target();
    await t.connect();
    emu.faults({ kind: 'status', status: 429, retryAfterSeconds: 600, path: '/v1.0/users/', method: 'GET', count: -1 });
    const stop = new AbortController();
    const read = outcome(stoppingWaitsOn(stop.signal, () => t.getById('user', '00000000-0000-0000-0000-00000000abcd')));
    await answered((r) => r.method === 'GET' && r.path.startsWith('/v1.0/users/') && r.status === 429);
    // Past the answer's arrival: the adapter is asleep on the Retry-After when the stop comes.
    await new Promise((r) => setTimeout(r, 300));
    stop.abort();
    const error = await read;
    assert.ok(isSyncError(error), 'the read fails');
    assert.equal(error.code, 'StoppedWhileWaiting');
    assert.match(error.reason, /GET \/users\/.* waited 600 s for the Retry-After of a 429 answer: it was not sent again/);
    assert.equal(emu.requestLog().filter((r) => r.method === 'GET' && r.path.startsWith('/v1.0/users/')).length, 1, 'sent once, never again');
  });

  test('without a stop the same read is sent again after the Retry-After (the wait is real)', async () => {
    const t = target();
    await t.connect();
    emu.faults({ kind: 'status', status: 429, retryAfterSeconds: 1, path: '/v1.0/users/', method: 'GET', count: 1 });
    const stop = new AbortController();
    const found = await outcome(stoppingWaitsOn(stop.signal, () => t.getById('user', '00000000-0000-0000-0000-00000000abcd')));
    assert.equal(found, null, 'answered (no such user) after one wait');
    assert.equal(emu.requestLog().filter((r) => r.method === 'GET' && r.path.startsWith('/v1.0/users/')).length, 2);
  });

  test('writes: the one refused 429 and those held behind it fail as StoppedWhileWaiting; the accepted ones are created; nothing is sent after the stop', async () => {
    const t = target();
    await t.connect();
    // The first create inside the $batch is refused with a long Retry-After; the others are taken.
    emu.faults({ kind: 'status', status: 429, retryAfterSeconds: 600, path: '/v1.0/users', method: 'POST', count: 1 });
    const stop = new AbortController();
    const creates = stoppingWaitsOn(stop.signal, () => Promise.all([1, 2, 3, 4, 5].map((n) => outcome(t.create('user', user(n))))));
    await answered((r) => r.method === 'POST' && r.path === '/v1.0/$batch');
    // A write of the same run asked for while Graph's Retry-After holds the writes: never sent.
    await new Promise((r) => setTimeout(r, 50));
    const late = stoppingWaitsOn(stop.signal, () => outcome(t.create('user', user(6))));
    await new Promise((r) => setTimeout(r, 50));
    stop.abort();
    const results = [...(await creates), await late];
    const stopped = results.filter((r): r is SyncError => isSyncError(r));
    const created = results.filter((r) => !isSyncError(r));
    assert.equal(created.length, 4, 'the four writes Graph took');
    assert.deepEqual(stopped.map((e) => e.code), ['StoppedWhileWaiting', 'StoppedWhileWaiting']);
    const refused = stopped.find((e) => e.details.status === 429);
    assert.ok(refused, 'the refused write names its 429');
    assert.match(refused.reason, /POST \/users waited 600 s for the Retry-After of a 429 answer: it was not sent again, and Graph does not process a request it answers 429\./);
    const held = stopped.find((e) => e.details.status === 0);
    assert.ok(held, 'the write held behind the Retry-After');
    assert.match(held.reason, /POST \/users waited for the pace Graph's throttling set for this run's writes: it was not sent, so nothing of it reached Microsoft Entra ID\./);
    assert.equal(emu.requestLog().filter((r) => r.path === '/v1.0/$batch' || r.path === '/v1.0/users').length, 1, 'one $batch, nothing after it');
    const inTenant = emu.state().users.map((u) => String(u.userPrincipalName)).filter((upn) => upn.startsWith('stop')).sort();
    assert.equal(inTenant.length, 4, 'exactly the writes Graph took are in the tenant');
    assert.ok(!inTenant.includes('stop6@contoso.com'), 'the held write reached nothing');
  });

  test('another run on the same session keeps its waits: only the stopped run is cut short', async () => {
    const t = target();
    await t.connect();
    emu.faults({ kind: 'status', status: 429, retryAfterSeconds: 1, path: '/v1.0/users/', method: 'GET', count: 2 });
    const stopped = new AbortController();
    const other = new AbortController();
    const first = outcome(stoppingWaitsOn(stopped.signal, () => t.getById('user', '00000000-0000-0000-0000-0000000000a1')));
    const second = outcome(stoppingWaitsOn(other.signal, () => t.getById('user', '00000000-0000-0000-0000-0000000000a2')));
    await answered(() => emu.requestLog().filter((r) => r.status === 429).length === 2);
    stopped.abort();
    const [a, b] = await Promise.all([first, second]);
    assert.ok(isSyncError(a) && a.code === 'StoppedWhileWaiting', 'the stopped run ends');
    assert.equal(b, null, 'the other run waited and was answered');
  });
});
