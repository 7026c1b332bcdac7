// A batch whose objects need no I/O (the scope read by one search, the tenant read once: each
// object then runs in microtasks alone) still lets the event loop turn: a timer fires while it
// runs, so progress can be shown and an abort from outside (the results view's Cancel, SIGINT)
// stops it. Here every object fails at step 1 without any I/O (outside every partition).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBatch } from '../../../../src/engine/batch/run-batch';
import { Dn } from '../../../../src/engine/model/dn';
import type { SyncDependencies } from '../../../../src/engine/pipeline/context';
import { systemClock } from '../../../../src/engine/pipeline/clock';

const deps = {
  config: { activeDirectory: [], entra: { tenantId: '00000000-0000-4000-8000-000000000001' } },
  ruleSet: {},
  directory: () => Promise.reject(new Error('no directory is read')),
  entra: () => Promise.reject(new Error('no tenant is read')),
  stateStore: {},
  clock: systemClock,
  toolVersion: 'test',
} as unknown as SyncDependencies;

test('a batch of objects that need no I/O lets timers run: an abort set by a timer stops it', async () => {
  const total = 200_000;
  function* targets() {
    for (let i = 0; i < total; i++) yield Dn.parse(`CN=u${i},OU=Nowhere,DC=example,DC=org`);
  }
  const abort = new AbortController();
  let timerFiredAfter: number | undefined;
  let results = 0;
  const timer = setTimeout(() => {
    timerFiredAfter = results;
    abort.abort();
  }, 50);
  const result = await runBatch(deps, { targets: targets(), stagingMode: true, concurrency: 8, signal: abort.signal, onResult: () => void results++ });
  clearTimeout(timer);
  assert.ok(timerFiredAfter !== undefined && timerFiredAfter < total, `the timer fired while the batch ran (after ${timerFiredAfter} of ${total} results)`);
  assert.equal(result.cancelled, true, 'the abort stopped the batch');
  assert.ok(result.done < total, `objects after the abort never started (${result.done} done)`);
  assert.equal(result.done, results, 'every object that started finished and was delivered');
});
