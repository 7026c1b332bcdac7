// A 429 whose Retry-After says "no wait" (0, a negative number, an HTTP date in the past) must
// not loop: inside a $batch of reads, of writes, and as a whole answer, it backs off 1, 2, 4 ... s
// (as without Retry-After) within entra.maxRetryWaitSeconds and at most 10 x the attempts of a
// 503 (src/adapters/entra/graph/retry.ts), then ends in Throttled for the affected request or
// object only. The real adapter against the real emulator; $batch POSTs counted in its log.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EntraConfig } from '../../../../src/app/config/model';
import { isSyncError, type SyncError } from '../../../../src/engine/errors';
import type { EntraTarget } from '../../../../src/engine/ports/entra-target';
import { clearTokenCache, createEntraTarget } from '../../../../src/adapters/entra/index';
import { startEmulator, type Emulator } from '../../../graph-emulator/index';
import { syncErrorOfPromise as syncError } from '../../../support/sync-error-of';

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

function target(extra: Partial<EntraConfig> = {}, policy?: Parameters<typeof createEntraTarget>[2]): EntraTarget {
  const t = createEntraTarget({
    tenantId: emu.tenantId, clientId: emu.clientId, authorityHost: emu.authorityHost, graphEndpoint: emu.graphEndpoint, caFile: emu.caFile, ...extra,
  }, emu.clientSecret, policy);
  targets.push(t);
  return t;
}


const batchPosts = () => emu.requestLog().filter((r) => r.method === 'POST' && r.path === '/v1.0/$batch');

// The emulator's fault writes retryAfterSeconds into the header as String(value): a date string
// passes through unchanged (its FaultSpec types the field as a number).
const noWait: { name: string; retryAfter: number | string }[] = [
  { name: 'Retry-After: 0', retryAfter: 0 },
  { name: 'Retry-After: -1', retryAfter: -1 },
  { name: 'Retry-After: an HTTP date in the past', retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT' },
  { name: 'a Retry-After that is not a number or a date', retryAfter: 'soon' },
];
const throttle = (retryAfter: number | string, path: string, count: number, method?: string) =>
  emu.faults({ kind: 'status', status: 429, retryAfterSeconds: retryAfter as number, path, count, ...(method ? { method } : {}) });

// Default budget 60 s: waits of 1 + 2 + 4 + 8 + 16 = 31 s, the next (32 s) would pass it.
const backoffWithin60 = [1000, 2000, 4000, 8000, 16000];

for (const { name, retryAfter } of noWait) {
  describe(`an inner 429 with ${name}`, () => {
    test('a read in a $batch throttled forever ends in Throttled after 6 $batch POSTs, backing off 1, 2, 4, 8, 16 s', async () => {
      const waits: number[] = [];
      const t = target({}, { sleep: async (ms) => void waits.push(ms) });
      throttle(retryAfter, '/v1.0/contacts?', -1);
      const err = await syncError(t.findValueHolders({ userPrincipalName: 'x@contoso.com', smtpAddresses: ['a@contoso.com'] }));
      emu.clearFaults();
      assert.equal(err.code, 'Throttled');
      assert.equal(err.details.status, 429);
      // No usable wait from the service: said so, not "asked to wait 0 s"; the guidance is Entra Connect's 5 minutes.
      assert.equal(err.details.retryAfterSeconds, 'none');
      // Which quota: the x-ms-throttle-information and -scope headers of the 429 (reference section 5).
      assert.match(err.reason, /gave no usable Retry-After \(ResourceUnitLimitExceeded, scope Tenant_Application\/ReadWrite\/[^)]+\); the retries this run allows/);
      assert.match(err.recommendedAction, /^Wait at least 300 seconds .*maxRetryWaitSeconds/);
      assert.deepEqual(waits, backoffWithin60);
      const posts = batchPosts();
      assert.equal(posts.length, 6);
      assert.deepEqual(posts.slice(1).map((p) => p.innerRequests), [1, 1, 1, 1, 1], 'only the throttled request went again');
    });

    test('a read in a $batch answered so 3 times, then 200, succeeds after waits of 1, 2, 4 s', async () => {
      emu.seed({ groups: [{ id: 'g-mail', displayName: 'List', mailEnabled: true, securityEnabled: false, mailNickname: 'list', proxyAddresses: ['SMTP:list@contoso.com'] }] });
      const waits: number[] = [];
      const t = target({}, { sleep: async (ms) => void waits.push(ms) });
      throttle(retryAfter, '/v1.0/groups?', 3);
      const { holders } = await t.findValueHolders({ userPrincipalName: 'x@contoso.com', smtpAddresses: ['list@contoso.com'] });
      assert.deepEqual(holders.map((o) => o.id), ['g-mail']);
      assert.deepEqual(waits, [1000, 2000, 4000]);
      assert.equal(batchPosts().length, 4);
    });

    test('writes in a JSON batch throttled forever end in Throttled for those objects only, in 3 $batch POSTs within 3 s of waiting; the other object is written', async () => {
      emu.seed({ users: [
        { id: 'p1', userPrincipalName: 'p1@contoso.com', displayName: 'P1' },
        { id: 'p2', userPrincipalName: 'p2@contoso.com', displayName: 'P2' },
        { id: 'q1', userPrincipalName: 'q1@contoso.com', displayName: 'Q1' },
      ] });
      // The write batcher waits in real time (no write leaves before the Retry-After): a small budget.
      const t = target({ maxRetryWaitSeconds: 3 });
      throttle(retryAfter, '/v1.0/users/p', -1, 'PATCH');
      const started = Date.now();
      const results = await Promise.allSettled([
        t.update('user', 'p1', { department: 'One' }),
        t.update('user', 'p2', { department: 'Two' }),
        t.update('user', 'q1', { department: 'Three' }),
      ]);
      const elapsed = Date.now() - started;
      emu.clearFaults();
      assert.equal(results[2]!.status, 'fulfilled', 'one object\'s throttling does not stop the others');
      for (const r of results.slice(0, 2)) {
        assert.equal(r.status, 'rejected');
        const err = (r as PromiseRejectedResult).reason as SyncError;
        assert.ok(isSyncError(err));
        assert.equal(err.code, 'Throttled');
        assert.equal(err.details.retryAfterSeconds, 'none', 'no wait asked for is said so, not "0 s"');
        assert.equal(err.details.method, 'PATCH');
        assert.equal(err.details.throttleInformation, 'ResourceUnitLimitExceeded', 'the quota named by the inner answer\'s headers');
      }
      // First send with all three, then p1 and p2 after 1 s and after 2 s more; a 4 s wait passes the 3 s budget.
      assert.deepEqual(batchPosts().map((p) => p.innerRequests), [3, 2, 2]);
      assert.ok(elapsed >= 2900, `waited between sends (${elapsed} ms), did not hammer`);
      assert.equal(emu.writes().filter((w) => w.status === 429).length, 6);
      assert.deepEqual(emu.state().users.map((u) => [u.id, u.department ?? null]), [['p1', null], ['p2', null], ['q1', 'Three']]);
    });

    test('writes in a JSON batch answered so twice each, then 204, succeed in 3 $batch POSTs', async () => {
      emu.seed({ users: [{ id: 'p1', userPrincipalName: 'p1@contoso.com', displayName: 'P1' }, { id: 'p2', userPrincipalName: 'p2@contoso.com', displayName: 'P2' }] });
      const t = target();
      throttle(retryAfter, '/v1.0/users/p', 4, 'PATCH');
      const started = Date.now();
      await Promise.all([t.update('user', 'p1', { department: 'One' }), t.update('user', 'p2', { department: 'Two' })]);
      assert.ok(Date.now() - started >= 2900, 'backed off 1 s, then 2 s, before the sends again');
      assert.deepEqual(batchPosts().map((p) => p.innerRequests), [2, 2, 2]);
      assert.deepEqual(emu.state().users.map((u) => u.department), ['One', 'Two']);
    });

    test('a lone request answered so forever (the transport) backs off the same way and ends in Throttled', async () => {
      const waits: number[] = [];
      const t = target({}, { sleep: async (ms) => void waits.push(ms) });
      await t.connect();
      throttle(retryAfter, '/v1.0/users', -1, 'GET');
      const err = await syncError(t.findByImmutableId('user', 'x'));
      emu.clearFaults();
      assert.equal(err.code, 'Throttled');
      assert.equal(err.details.retryAfterSeconds, 'none', 'no wait asked for is said so, not "0 s"');
      assert.deepEqual(waits, backoffWithin60);
      assert.equal(emu.requestLog().filter((r) => r.path.startsWith('/v1.0/users')).length, 6);
    });
  });
}

describe('the attempt cap', () => {
  test('with a budget too large to bind, a read in a $batch throttled with Retry-After: 0 stops after 10 x maxAttempts sends', async () => {
    const waits: number[] = [];
    const t = target({ maxRetryWaitSeconds: 1_000_000 }, { maxAttempts: 1, sleep: async (ms) => void waits.push(ms) });
    throttle(0, '/v1.0/contacts?', -1);
    const err = await syncError(t.findValueHolders({ smtpAddresses: ['a@contoso.com'] }));
    emu.clearFaults();
    assert.equal(err.code, 'Throttled');
    assert.equal(batchPosts().length, 10);
    assert.equal(waits.length, 9);
  });

  test('an honest Retry-After of 1 s is honoured as given, not backed off', async () => {
    const waits: number[] = [];
    const t = target({}, { sleep: async (ms) => void waits.push(ms) });
    throttle(1, '/v1.0/contacts?', 3);
    await t.findValueHolders({ userPrincipalName: 'x@contoso.com', smtpAddresses: ['a@contoso.com'] });
    assert.deepEqual(waits, [1000, 1000, 1000]);
  });
});
