// A huge Retry-After (red-team findings 4 and 10): 3,000,000 s with entra.maxRetryWaitSeconds
// raised to 1e12 overflowed Node's timer (TimeoutOverflowWarning, the retry sent after 1 ms, 49
// times), then claimed the retries were used up; 99999999999 s was advised as a wait of 3,170
// years. Now: the wait budget has a documented maximum (3600 s, schema and adapter), every sleep
// is clamped to what a timer takes, and a Retry-After beyond a day is "no usable Retry-After"
// (Entra Connect's 300 s guidance). The real adapter against the emulator, with real sleeps
// where the test says so.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EntraConfig } from '../../../../src/app/config/model';
import { parseConfiguration } from '../../../../src/app/config';
import type { EntraTarget } from '../../../../src/engine/ports/entra-target';
import { clearTokenCache, createEntraTarget } from '../../../../src/adapters/entra/index';
import {
  MAX_RETRY_WAIT_SECONDS, MAX_TIMER_MS, MAX_USABLE_RETRY_AFTER_SECONDS, retryBudgetSeconds, sleepMs, throttledWait, timerMs,
} from '../../../../src/adapters/entra/graph/retry';
import { startEmulator, type Emulator } from '../../../graph-emulator/index';
import { syncErrorOfPromise as syncError } from '../../../support/sync-error-of';

let emu: Emulator;
const targets: EntraTarget[] = [];
const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);

before(async () => {
  emu = await startEmulator();
  process.on('warning', onWarning);
});
after(async () => {
  process.off('warning', onWarning);
  for (const t of targets) await t.close();
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  clearTokenCache();
  warnings.length = 0;
});
afterEach(() => emu.clearFaults());

function target(extra: Partial<EntraConfig> = {}, policy?: Parameters<typeof createEntraTarget>[2]): EntraTarget {
  const t = createEntraTarget({
    tenantId: emu.tenantId, clientId: emu.clientId, authorityHost: emu.authorityHost, graphEndpoint: emu.graphEndpoint, caFile: emu.caFile, ...extra,
  }, emu.clientSecret, policy);
  targets.push(t);
  return t;
}


const usersGets = () => emu.requestLog().filter((r) => r.method === 'GET' && r.path.startsWith('/v1.0/users'));
const overflow = () => warnings.filter((w) => w.name === 'TimeoutOverflowWarning');

describe('Graph answers 429 with a Retry-After no timer can hold', () => {
  test('Retry-After: 3000000 with maxRetryWaitSeconds 1e12 (an unchecked configuration): Throttled at once, one request, no timer overflow, no false wait', async () => {
    emu.faults({ kind: 'body', bodyStatus: 429, path: '/v1.0/users', count: -1, headers: { 'Retry-After': '3000000' }, body: { error: { code: 'TooManyRequests', message: 'slow' } } });
    const started = Date.now();
    const err = await syncError(target({ maxRetryWaitSeconds: 1e12 }).findByImmutableId('user', 'x'));
    assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
    assert.equal(err.code, 'Throttled');
    assert.equal(usersGets().length, 1, 'not sent again: the wait is beyond the budget (clamped to 3600 s)');
    assert.deepEqual(overflow(), []);
    assert.equal(err.details.maxRetryWaitSeconds, MAX_RETRY_WAIT_SECONDS);
    assert.equal(err.details.retryAfterSeconds, 'none');
    assert.equal(err.details.retryAfterGiven, 3000000);
    assert.match(err.reason, /^Microsoft Graph throttled GET \/users and gave no usable Retry-After \(it asked for 3000000 s, more than a day: beyond any plausible wait, so not waited for\)/);
    assert.match(err.recommendedAction, /^Wait at least 300 seconds/);
  });

  test('Retry-After: 99999999999 on an item of a $batch: not waited for, and the advice is 300 s, not 3,170 years', async () => {
    const waits: number[] = [];
    emu.faults({ kind: 'status', status: 429, retryAfterSeconds: 99999999999, path: '/v1.0/contacts?', count: -1 });
    const err = await syncError(target({}, { sleep: async (ms) => void waits.push(ms) }).findValueHolders({ smtpAddresses: ['a@contoso.com'] }));
    assert.equal(err.code, 'Throttled');
    assert.deepEqual(waits, []);
    assert.match(err.reason, /gave no usable Retry-After \(it asked for 99999999999 s, more than a day: beyond any plausible wait, so not waited for; ResourceUnitLimitExceeded, scope [^)]+\)/);
    assert.match(err.recommendedAction, /^Wait at least 300 seconds/);
    assert.doesNotMatch(err.recommendedAction, /99999999999/);
  });

  test('a plausible Retry-After past the budget (7200 s) is not waited for and is advised as given', async () => {
    const waits: number[] = [];
    emu.faults({ kind: 'status', status: 429, retryAfterSeconds: 7200, path: '/v1.0/users', count: -1 });
    const err = await syncError(target({ maxRetryWaitSeconds: 3600 }, { sleep: async (ms) => void waits.push(ms) }).findByImmutableId('user', 'x'));
    assert.equal(err.code, 'Throttled');
    assert.deepEqual(waits, []);
    assert.match(err.reason, /asked to wait 7200 s/);
    assert.match(err.recommendedAction, /^Wait at least 7200 seconds/);
  });

  test('the token endpoint answering 429 with Retry-After: 3000000: Throttled at once, one token request, no timer overflow', async () => {
    emu.faults({ kind: 'status', status: 429, retryAfterSeconds: 3000000, path: '/oauth2/v2.0/token', count: -1 });
    const started = Date.now();
    const err = await syncError(target({ maxRetryWaitSeconds: 1e12 }).connect());
    assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
    assert.equal(err.code, 'Throttled');
    assert.match(err.reason, /^The Microsoft identity platform throttled POST .* and gave no usable Retry-After \(it asked for 3000000 s/);
    assert.equal(err.details.maxRetryWaitSeconds, MAX_RETRY_WAIT_SECONDS);
    assert.equal(emu.requestLog().filter((r) => /oauth2\/v2\.0\/token/.test(r.path)).length, 1);
    assert.deepEqual(overflow(), []);
  });
});

describe('the bounds themselves', () => {
  test('the budget is clamped to 0 .. 3600 s (default 60); a timer delay to 0 .. 2^31-1 ms', () => {
    assert.equal(retryBudgetSeconds(undefined), 60);
    assert.equal(retryBudgetSeconds(1e12), 3600);
    assert.equal(retryBudgetSeconds(-1), 0);
    assert.equal(retryBudgetSeconds(Number.NaN), 60);
    assert.equal(retryBudgetSeconds(30), 30);
    assert.equal(timerMs(3_000_000_000), MAX_TIMER_MS);
    assert.equal(timerMs(Number.POSITIVE_INFINITY), MAX_TIMER_MS);
    assert.equal(timerMs(-5), 0);
    assert.equal(timerMs(Number.NaN), 0);
    assert.equal(timerMs(1500), 1500);
  });

  test('sleepMs hands a timer at most 2^31-1 ms: no TimeoutOverflowWarning and no immediate wake-up', () => {
    const delays: unknown[] = [];
    const real = globalThis.setTimeout;
    globalThis.setTimeout = ((_fn: () => void, ms?: number) => {
      delays.push(ms);
      return real(() => undefined, 0);
    }) as typeof setTimeout;
    try {
      void sleepMs(3_000_000 * 1000);
      void sleepMs(99999999999 * 1000);
    } finally {
      globalThis.setTimeout = real;
    }
    assert.deepEqual(delays, [MAX_TIMER_MS, MAX_TIMER_MS]);
  });

  test('throttledWait: a day is taken at its word, more is no usable Retry-After', () => {
    assert.equal(throttledWait(MAX_USABLE_RETRY_AFTER_SECONDS).waitSeconds, MAX_USABLE_RETRY_AFTER_SECONDS);
    const absurd = throttledWait(MAX_USABLE_RETRY_AFTER_SECONDS + 1);
    assert.equal(absurd.waitSeconds, 300);
    assert.equal(absurd.retryAfterSeconds, 'none');
    assert.match(absurd.asked, /^gave no usable Retry-After/);
  });

  test('the configuration refuses entra.maxRetryWaitSeconds above 3600 (the schema\'s maximum) and takes 3600', () => {
    const raw = (seconds: number) => ({
      activeDirectory: [{ name: 'corp.contoso.com', ldifFile: 'x.ldif', partitions: [{ dn: 'DC=corp,DC=contoso,DC=com' }] }],
      entra: { tenantId: 'contoso.onmicrosoft.com', clientId: '3f9a1c7e-52b4-4e0d-8c6a-9d2e7f4b1a30', clientSecretEnv: 'SOS_CLIENT_SECRET', maxRetryWaitSeconds: seconds },
      rules: 'builtin',
    });
    const problems = (seconds: number) => parseConfiguration(raw(seconds), '/tmp/single-object-sync.json').problems.filter((p) => p.path === '$.entra.maxRetryWaitSeconds');
    assert.deepEqual(problems(1e12).map((p) => p.message), ['must be <= 3600']);
    assert.deepEqual(problems(3600), []);
  });
});
