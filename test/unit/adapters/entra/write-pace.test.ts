// The pace of batched writes after Graph throttles one (src/adapters/entra/graph/write-pace.ts).
// Graph's write quota is a token bucket that also counts refused requests ("usage keeps
// accruing while the client is throttled", reference section 5), so after a 429 the batches
// must not all leave when Retry-After ends. Driven here against a model of that bucket: the
// pace must settle near the bucket's rate and keep refusals a small part of the writes, also
// from the worst start (the bucket already empty when the first batch arrives).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WritePace } from '../../../../src/adapters/entra/graph/write-pace';

/** A token bucket as the reference describes it: refills `rate` per second, every request charged, refused or not. */
class ChargingBucket {
  private tokens: number;
  private at = 0;
  constructor(private readonly rate: number, private readonly capacity: number, start = capacity) {
    this.tokens = start;
  }
  /** `count` writes arrive at `ms`: how many Graph takes (in order, each needing a whole token). */
  take(ms: number, count: number): number {
    this.tokens = Math.min(this.capacity, this.tokens + ((ms - this.at) / 1000) * this.rate);
    this.at = ms;
    let taken = 0;
    for (let i = 0; i < count; i++) {
      if (this.tokens >= 1) taken++;
      this.tokens = Math.max(-this.capacity, this.tokens - 1);
    }
    return taken;
  }
  /** Seconds until one token is there (Graph's Retry-After, whole seconds, at least 1). */
  retryAfter(): number {
    return Math.max(1, Math.ceil((1 - this.tokens) / this.rate));
  }
}

/** Sends `total` writes through the pace against `bucket` (answers after `rttMs`): writes taken per second once throttled, and refusals. */
function run(bucket: ChargingBucket, total: number, rttMs = 60): { seconds: number; refused: number; firstThrottleMs: number } {
  const pace = new WritePace(20);
  let now = 0;
  let notBefore = 0;
  let done = 0;
  let refused = 0;
  let firstThrottleMs = -1;
  while (done < total) {
    now = Math.max(now, notBefore, pace.nextAt);
    const size = Math.min(pace.batchSize(), total - done);
    pace.sent(now, size);
    const taken = bucket.take(now, size);
    now += rttMs;
    done += taken;
    refused += size - taken;
    const retryAfter = bucket.retryAfter();
    pace.answered(now, taken, taken < size, false, size - taken, retryAfter);
    if (taken < size) {
      if (firstThrottleMs < 0) firstThrottleMs = now;
      notBefore = now + retryAfter * 1000;
    }
  }
  return { seconds: (now - firstThrottleMs) / 1000, refused, firstThrottleMs };
}

test('once throttled, the writes keep near the budget and refusals stay few (a budget of 20 writes/s, a full bucket of 300 at the start)', () => {
  const bucket = new ChargingBucket(20, 300);
  const { seconds, refused, firstThrottleMs } = run(bucket, 2000);
  assert.ok(firstThrottleMs >= 0, 'the budget was met');
  // After the first 429, the bucket has to pay every write taken: 2000 - 300 in `seconds`.
  const sustained = (2000 - 300) / seconds;
  assert.ok(sustained >= 0.85 * 20, `sustained ${sustained.toFixed(1)} writes/s of 20`);
  assert.ok(refused < 2000 / 10, `refused ${refused} of 2000`);
});

test('from an empty bucket (another run spent it), the pace starts small and climbs to the budget rather than sending full batches into refusals', () => {
  const bucket = new ChargingBucket(20, 300, 0);
  const { seconds, refused } = run(bucket, 1500);
  const sustained = 1500 / seconds;
  assert.ok(sustained >= 0.75 * 20, `sustained ${sustained.toFixed(1)} writes/s of 20`);
  assert.ok(refused < 1500 / 10, `refused ${refused} of 1500`);
});

test('a first batch refused whole (another run spent the bucket) starts the pace at the refused writes over the wait asked for, not at one a second', () => {
  const pace = new WritePace(20);
  pace.answered(100, 0, true, false, 20, 2);
  assert.equal(pace.writesPerSecond, 10);
  assert.equal(pace.batchSize(), 10);
});

test('not yet throttled: full batches, no pace; after a 429 a batch carries about one second of the pace', () => {
  const pace = new WritePace(20);
  assert.equal(pace.batchSize(), 20);
  assert.equal(pace.writesPerSecond, undefined);
  pace.sent(0, 20);
  assert.equal(pace.nextAt, 0, 'no pace before a 429');
  pace.answered(100, 0, true, false, 1, 1);
  assert.equal(pace.writesPerSecond, 1, 'nothing accepted lately, one refused with a wait of 1 s: one write a second');
  assert.equal(pace.batchSize(), 1);
  pace.sent(1000, 1);
  assert.equal(pace.nextAt, 2000, 'one write at one a second: the next batch a second later');
  // Batches Graph takes whole, one a second, each as large as the pace allows: the pace climbs.
  let at = 2000;
  for (let i = 0; i < 10; i++, at += 1000) pace.answered(at, pace.batchSize(), false);
  assert.ok(pace.writesPerSecond! > 3, `climbed to ${pace.writesPerSecond}`);
  assert.equal(pace.batchSize(), Math.ceil(pace.writesPerSecond!));
});

test('a 5xx batch or a lull with few writes does not raise the pace; a 429 lowers it by a sixth at most once a second', () => {
  const pace = new WritePace(20);
  pace.answered(0, 50, false);
  pace.answered(100, 0, true);
  assert.equal(pace.writesPerSecond, 10, 'what Graph took in the last 5 s');
  pace.answered(200, 0, false, true);
  assert.equal(pace.writesPerSecond, 10, 'a batch of 503s says nothing about the budget');
  // Five minutes of one write a second, each taken: the pace is no limit then, and must not grow.
  for (let at = 6000; at < 306_000; at += 1000) pace.answered(at, 1, false);
  assert.equal(pace.writesPerSecond, 10);
  pace.answered(306_100, 0, true);
  pace.answered(306_200, 0, true);
  assert.ok(Math.abs(pace.writesPerSecond! - 10 * (5 / 6)) < 1e-9, `one decrease for one event (${pace.writesPerSecond})`);
});
