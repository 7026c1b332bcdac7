// JSON batching (the reference's section 6): up to 20 requests in one POST /$batch. Graph
// answers each request inside on its own: items answered 429, and items answered 503/504 whose
// request is idempotent (a GET, or the caller says so), are sent again after the longest wait
// among them (Retry-After, below 1 s: backoff 1, 2, 4 ... s), within the attempts and the wait
// budget (entra.maxRetryWaitSeconds) a lone request gets (retry.ts, shared with write-batch.ts).
// Items answered 401 (the token expired while the batch ran) are sent once more with a new
// token; a second 401 stays, and maps to AccessTokenRejected. The $batch POST itself, when
// Graph answers it 429, 503 or 504 as a whole, is sent again per Retry-After (or backoff 1, 2,
// 4 ... s) a bounded number of times (transport.ts) when it is safe: for a batch of reads, and
// for one whose writes are idempotent (the caller says so).
import { batchResponses, malformed } from './answers';
import { parseRetryAfter } from './transport';
import { idempotentMethod, innerRetryWait, throttleFacts, type InnerAttempts, type ThrottleFacts } from './retry';
import type { GraphCaller } from './graph-call';
import { currentRunStop, stoppedWhileWaiting, waitUnlessStopped } from './run-stop';

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

/** A header of an inner answer, by name in any case (header names inside a batch keep their case). */
function innerHeader(answer: BatchAnswer, name: string): string | undefined {
  const headers = answer.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

/** The Retry-After of an inner answer. */
export function innerRetryAfter(answer: BatchAnswer): number | undefined {
  return parseRetryAfter(innerHeader(answer, 'retry-after'));
}

/** What parseGraphError takes from an inner answer's headers: Retry-After and the throttling headers. */
export function innerErrorHeaders(answer: BatchAnswer): { retryAfterSeconds?: number } & ThrottleFacts {
  const retryAfter = innerRetryAfter(answer);
  return { ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}), ...throttleFacts((name) => innerHeader(answer, name)) };
}

/**
 * Graph answers each request of a $batch once. The answers of the requests asked, by id, where
 * there is exactly one; the ids answered more than once (a 201 and a 429, say: nothing sure
 * about the request). An answer for an id not asked for is no answer to anything.
 */
export function answeredOnce<T extends { id: unknown }>(answers: readonly T[], asked: ReadonlySet<string>): { once: Map<string, T>; twice: Set<string> } {
  const count = new Map<string, number>();
  for (const a of answers) if (asked.has(String(a.id))) count.set(String(a.id), (count.get(String(a.id)) ?? 0) + 1);
  const once = new Map<string, T>();
  for (const a of answers) if (count.get(String(a.id)) === 1) once.set(String(a.id), a);
  return { once, twice: new Set([...count].filter(([, n]) => n > 1).map(([id]) => id)) };
}

/**
 * POST /$batch, sending again the items answered 429 (any item) or 503/504 (an idempotent
 * item: a GET, or every item when the caller says `idempotent`) after the longest wait among
 * them, within the retry limits of retry.ts (SDKs do not retry batched answers themselves),
 * and items answered 401 once with a new token. `idempotent`: the whole POST may be repeated
 * after a 503/504 or a lost connection (default: only when every item is a GET).
 */
export async function sendBatch(caller: GraphCaller, items: BatchItem[], options: { idempotent?: boolean } = {}): Promise<BatchAnswer[]> {
  const settled = new Map<string, BatchAnswer>();
  const attempts = new Map<string, InnerAttempts>(items.map((i) => [i.id, { throttled: 0, unavailable: 0 }]));
  // The items of a send wait together: the budget counts the time actually waited.
  let waited = 0;
  let pending = items;
  let renewed = false;
  /** Requests answered more than once in one answer: nothing is decided from either answer. */
  const doubled = new Set<string>();
  for (;;) {
    const idempotent = options.idempotent ?? pending.every((i) => i.method.toUpperCase() === 'GET');
    const responses = batchResponses<BatchAnswer>(await caller.call('POST', '/$batch', { body: { requests: pending }, idempotent }));
    const again = new Set<string>();
    let wait = 0;
    let answeredBeforeWait = 0;
    let expired = false;
    const { once, twice } = answeredOnce(responses, new Set(pending.map((i) => i.id)));
    for (const id of twice) doubled.add(id);
    for (const answer of once.values()) {
      const item = pending.find((i) => i.id === answer.id)!;
      if (answer.status === 401 && !renewed) {
        expired = true;
        again.add(answer.id);
        continue;
      }
      // A 503/504 may follow a processed request: only an idempotent one goes again.
      const itemIdempotent = options.idempotent === true || idempotentMethod(item.method);
      const seconds = innerRetryWait(caller.retryLimits, attempts.get(item.id)!, answer.status, innerRetryAfter(answer), itemIdempotent, waited);
      if (seconds === undefined) {
        settled.set(answer.id, answer);
        continue;
      }
      again.add(answer.id);
      if (seconds >= wait) answeredBeforeWait = answer.status;
      wait = Math.max(wait, seconds);
    }
    if (expired) {
      renewed = true;
      caller.renewToken();
    }
    if (again.size === 0) break;
    if (wait > 0) {
      // A stopped run sends nothing again after a wait (run-stop.ts).
      if (!(await waitUnlessStopped(caller.sleep, wait * 1000, currentRunStop()))) throw stoppedWhileWaiting('POST', '/$batch', answeredBeforeWait, wait);
      waited += wait;
    }
    pending = pending.filter((i) => again.has(i.id));
  }
  // A request Graph did not answer is not "nothing found": say which, decide nothing from it.
  if (doubled.size) throw malformed('POST', '/$batch', `more than one response for request ${[...doubled].join(', ')}`);
  const unanswered = items.filter((i) => !settled.has(i.id)).map((i) => i.id);
  if (unanswered.length) throw malformed('POST', '/$batch', `no response for request ${unanswered.join(', ')}`);
  return items.map((i) => settled.get(i.id)!);
}
