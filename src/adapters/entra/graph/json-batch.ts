// JSON batching (the reference's section 6): up to 20 requests in one POST /$batch. Graph
// throttles each request inside on its own: items answered 429 are sent again after the
// longest Retry-After among them (below 1 s: backoff 1, 2, 4 ... s), within the attempts and
// the wait budget (entra.maxRetryWaitSeconds) a lone request gets (retry.ts).
// Items answered 401 (the token expired while the batch ran) are sent once more with a new
// token; a second 401 stays, and maps to AuthenticationFailed. The $batch POST itself, when
// Graph answers it 429, 503 or 504 as a whole, is sent again per Retry-After (or backoff 1, 2,
// 4 ... s) a bounded number of times (transport.ts) when it is safe: for a batch of reads, and
// for one whose writes are idempotent (the caller says so).
import { batchResponses, malformed } from './answers';
import { parseRetryAfter } from './transport';
import { mayRetry, retryWaitSeconds } from './retry';
import type { GraphCaller } from './graph-call';

export interface BatchItem {
  id: string;
  method: string;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface BatchAnswer {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** The Retry-After of an inner answer (header names inside a batch keep their case). */
export function innerRetryAfter(answer: BatchAnswer): number | undefined {
  const headers = answer.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'retry-after');
  return parseRetryAfter(key ? headers[key] : undefined);
}

/**
 * POST /$batch, retrying items answered 429 after the longest Retry-After among them, within
 * the retry limits of retry.ts (SDKs do not retry batched 429s themselves), and items answered
 * 401 once with a new token. `idempotent`: the whole POST may be repeated after a 503/504 or a lost
 * connection (default: only when every item is a GET).
 */
export async function sendBatch(caller: GraphCaller, items: BatchItem[], options: { idempotent?: boolean } = {}): Promise<BatchAnswer[]> {
  const settled = new Map<string, BatchAnswer>();
  let pending = items;
  let waited = 0;
  /** Sends in which some item met a 429 (the attempt count for the retry limits). */
  let throttledRounds = 0;
  let renewed = false;
  for (;;) {
    const idempotent = options.idempotent ?? pending.every((i) => i.method.toUpperCase() === 'GET');
    const responses = batchResponses<BatchAnswer>(await caller.call('POST', '/$batch', { body: { requests: pending }, idempotent }));
    let throttled: BatchAnswer[] = [];
    const expired: BatchAnswer[] = [];
    for (const answer of responses) {
      if (answer.status === 429) throttled.push(answer);
      else if (answer.status === 401 && !renewed) expired.push(answer);
      else settled.set(answer.id, answer);
    }
    if (expired.length > 0) {
      renewed = true;
      caller.renewToken();
    }
    if (throttled.length > 0) {
      throttledRounds++;
      // Bounded as a lone request's 429 is (retry.ts): a Retry-After of 0 or a past date must
      // not send the batch again at once, endlessly.
      const wait = Math.max(...throttled.map((a) => retryWaitSeconds(innerRetryAfter(a), throttledRounds)));
      if (!mayRetry(caller.retryLimits, 429, throttledRounds, waited, wait)) {
        for (const a of throttled) settled.set(a.id, a);
        throttled = [];
      } else {
        await caller.sleep(wait * 1000);
        waited += wait;
      }
    }
    const retry = new Set([...throttled, ...expired].map((a) => a.id));
    if (retry.size === 0) break;
    pending = pending.filter((i) => retry.has(i.id));
  }
  // A request Graph did not answer is not "nothing found": say which, decide nothing from it.
  const unanswered = items.filter((i) => !settled.has(i.id)).map((i) => i.id);
  if (unanswered.length) throw malformed('POST', '/$batch', `no response for request ${unanswered.join(', ')}`);
  return items.map((i) => settled.get(i.id)!);
}
