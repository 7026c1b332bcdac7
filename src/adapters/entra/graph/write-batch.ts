// Writes of objects in flight coalesced into JSON batches (the reference's section 6): each
// write waits a short window (or until 20 are queued), then the queue goes as one POST /$batch
// of at most 20 requests and every inner answer goes back to its own write. Graph throttles
// each inner request on its own: an inner 429 is sent again after its Retry-After (and no write
// goes out before it), without failing the object, within the attempts and wait budget of a
// lone request (retry.ts; a Retry-After below 1 s backs off 1, 2, 4 ... s); past them that
// object alone is Throttled. Other inner errors map exactly as the same request alone would
// (errors.ts). An inner 401 (the token
// expired while the batch ran) sends that write once more with a new token; a second 401 is
// AccessTokenRejected. When Graph answers the $batch POST itself 429, 503 or 504, the whole
// POST is sent again per Retry-After a bounded number of times (transport.ts) if every write
// in it is idempotent (PATCH, DELETE); in a batch holding a create, a 503/504 sends the
// idempotent writes again in a later batch and fails each create as ambiguous, so the adapter
// looks the object up by its anchor before it sends the create again. A 200 $batch answer that
// cannot be read (no JSON, no responses) and a request answered twice or not at all are taken
// the same way: committed or not, unknown. Once Graph has throttled
// a write, batches leave at a pace learned from what Graph accepts (write-pace.ts). Until then a
// lone write goes as a plain request, so a single-object sync looks as before.
import { mapGraphError, parseGraphError, type CallFacts } from './errors';
import type { GraphCaller } from './graph-call';
import { answeredOnce, innerErrorHeaders, innerRetryAfter, type BatchAnswer } from './json-batch';
import { SyncError } from '../../../engine/errors';
import { batchResponses } from './answers';
import { innerRetryWait, mayRetry, retryWaitSeconds, timerMs, type InnerAttempts } from './retry';
import { WritePace } from './write-pace';
import { currentRunStop, stoppedWhileWaiting, whenStopped } from './run-stop';

/** Graph's limit of requests in one JSON batch. */
export const writeBatchLimit = 20;

export interface WriteRequest {
  method: 'POST' | 'PATCH' | 'DELETE';
  /** Path under /v1.0, as for GraphCaller.call (query already in it). */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  facts?: Partial<CallFacts>;
}

interface Queued extends InnerAttempts {
  request: WriteRequest;
  /** Seconds this write has waited for Retry-After so far. */
  waited: number;
  /** Sent again with a new token after an inner 401. */
  renewed: boolean;
  /** The stop of the run that asked for this write (run-stop.ts). */
  stop?: AbortSignal;
  /** The last attempt's status and the wait it asked for, when it was sent before (429, 503, 504). */
  answered?: { status: number; waitSeconds: number };
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** A failure of the whole $batch after which its writes may or may not have been committed. */
function ambiguousStatus(err: unknown): boolean {
  if (!(err instanceof SyncError)) return false;
  if (err.code === 'TenantUnreachable' || err.code === 'GraphRequestTimedOut' || unreadableSuccess(err)) return true;
  return [500, 502, 503, 504].includes(Number(err.details.status));
}

/**
 * Graph answered the $batch 2xx but the answer cannot be read (no JSON, no list of responses, a
 * response without an id or a status): each write inside may have been committed or not. The
 * transport never repeats it (it is no 429/503/504), so the idempotent writes go again here.
 */
function unreadableSuccess(err: SyncError): boolean {
  const status = Number(err.details.status);
  return err.code === 'GraphRequestFailed' && status >= 200 && status < 300;
}

export class WriteBatcher {
  private queue: Queued[] = [];
  private timer?: ReturnType<typeof setTimeout>;
  /** No write leaves before this time (ms, Date.now()): the latest Retry-After Graph gave. */
  private notBefore = 0;
  private readonly pace = new WritePace(writeBatchLimit);
  private sequence = 0;
  /** The run stops this batcher listens to (one listener each). */
  private readonly watched = new WeakSet<AbortSignal>();

  constructor(private readonly caller: GraphCaller, private readonly windowMs = 5) {}

  /** One write; resolves with Graph's answer body, rejects with a catalog SyncError. */
  write<T>(request: WriteRequest): Promise<T> {
    const stop = currentRunStop();
    return new Promise<T>((resolve, reject) => {
      const item: Queued = { request, waited: 0, unavailable: 0, throttled: 0, renewed: false, resolve: resolve as (v: unknown) => void, reject, ...(stop ? { stop } : {}) };
      // Once stopped, the writes still held for Retry-After or the pace are not sent (run-stop.ts).
      if (stop && !stop.aborted && !this.watched.has(stop)) {
        this.watched.add(stop);
        whenStopped(stop, () => this.dropStopped());
      }
      this.enqueue(item);
    });
  }

  private enqueue(item: Queued): void {
    this.queue.push(item);
    this.dropStopped();
    this.schedule();
  }

  /**
   * A write of a stopped run that would have to wait (Retry-After, the pace) fails as
   * StoppedWhileWaiting instead; one that may leave now still goes, as an object in flight does.
   */
  private dropStopped(): void {
    if (Date.now() >= this.opensAt()) return;
    const kept = this.queue.filter((q) => !q.stop?.aborted);
    if (kept.length === this.queue.length) return;
    for (const q of this.queue) {
      if (!q.stop?.aborted) continue;
      q.reject(stoppedWhileWaiting(q.request.method, q.request.path, q.answered?.status, q.answered?.waitSeconds));
    }
    this.queue = kept;
    if (this.queue.length === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** No batch leaves before this time: Retry-After, and the pace once Graph has throttled. */
  private opensAt(): number {
    return Math.max(this.notBefore, this.pace.nextAt);
  }

  private schedule(): void {
    if (this.timer) {
      if (this.queue.length < this.pace.batchSize() || Date.now() < this.opensAt()) return;
      clearTimeout(this.timer);
    }
    const wait = Math.max(this.queue.length >= this.pace.batchSize() ? 0 : this.windowMs, this.opensAt() - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, timerMs(wait));
  }

  private async flush(): Promise<void> {
    if (Date.now() < this.opensAt()) {
      this.dropStopped();
      if (this.queue.length === 0) return;
      this.schedule();
      return;
    }
    const part = this.queue.splice(0, this.pace.batchSize());
    this.pace.sent(Date.now(), part.length);
    if (this.queue.length > 0) this.schedule();
    if (part.length === 0) return;
    // Once paced, a lone write goes in a $batch too: its inner answer tells the pace what Graph took.
    if (part.length === 1 && this.pace.writesPerSecond === undefined) return this.sendAlone(part[0]!);
    await this.sendBatch(part);
  }

  private async sendAlone(item: Queued): Promise<void> {
    const { method, path, body, headers, facts } = item.request;
    try {
      item.resolve(await this.caller.call(method, path, { body, headers, facts }));
    } catch (err) {
      item.reject(err);
    }
  }

  private async sendBatch(part: Queued[]): Promise<void> {
    const ids = part.map(() => String(++this.sequence));
    const requests = part.map((q, i) => ({
      id: ids[i]!, method: q.request.method, url: q.request.path,
      headers: { ...(q.request.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(q.request.headers ?? {}) },
      ...(q.request.body !== undefined ? { body: q.request.body } : {}),
    }));
    const started = performance.now();
    let answers: BatchAnswer[];
    // Without a create inside, the whole POST may be repeated after a 503/504 (transport.ts).
    const idempotent = part.every((q) => q.request.method !== 'POST');
    try {
      answers = batchResponses<BatchAnswer>(await this.caller.call('POST', '/$batch', { body: { requests }, idempotent }));
    } catch (err) {
      // The batch as a whole failed (network, time-out, 5xx): whether an inner write was
      // committed is unknown. A create gets the error its own request would have got (it then
      // looks before it sends again; graph-target.ts); the idempotent writes of a batch that
      // held a create go again in a later batch, with backoff, a bounded number of times.
      // An unreadable 2xx answer was not repeated by the transport, so even a batch of
      // idempotent writes goes again here.
      const repeat = err instanceof SyncError && (unreadableSuccess(err) || (!idempotent && ambiguousStatus(err)));
      const retryAfter = err instanceof SyncError ? Number(err.details.retryAfterSeconds ?? NaN) : NaN;
      for (const q of part) {
        const seconds = retryWaitSeconds(Number.isFinite(retryAfter) ? retryAfter : undefined, q.unavailable + 1);
        const status = repeat ? Number(err.details.status) : 503;
        if (repeat && q.request.method !== 'POST' && this.again(q, seconds, [500, 502, 503, 504].includes(status) ? status : 503)) continue;
        q.reject(err);
      }
      return;
    }
    const duration = Math.round(performance.now() - started);
    // An id answered more than once is taken as unanswered, as one left out is (a create looks
    // before it sends again).
    const { once: byId, twice } = answeredOnce(answers, new Set(ids));
    const taken = [...byId.values()];
    const refused = taken.filter((a) => a.status === 429);
    const longestWait = Math.max(1, ...refused.map((a) => innerRetryAfter(a) ?? 1));
    this.pace.answered(Date.now(), taken.filter((a) => a.status < 400).length, refused.length > 0, taken.some((a) => a.status >= 500), refused.length, longestWait);
    part.forEach((q, i) => {
      const answer = byId.get(ids[i]!);
      const { method, path } = q.request;
      if (!answer) {
        // Committed or not, unknown: an idempotent write goes again (within the limits of a
        // 503); a create fails as ambiguous and looks before it sends again (graph-target.ts).
        if (method !== 'POST' && this.again(q, retryWaitSeconds(undefined, q.unavailable + 1))) return;
        const message = twice.has(ids[i]!) ? 'The $batch answer has more than one response for this request.' : 'The $batch answer has no response for this request.';
        q.reject(mapGraphError(parseGraphError(500, { error: { code: 'generalException', message } }), this.facts(q)));
        return;
      }
      const retryAfter = innerRetryAfter(answer);
      this.caller.recordInner({ method, path, status: answer.status, durationInMilliseconds: duration, inBatch: true, ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}) });
      if (answer.status < 400) {
        q.resolve(answer.body);
        return;
      }
      // 401: Graph refused the token (it expired while the batch ran); the write was not
      // processed: once more with a new token.
      if (answer.status === 401 && !q.renewed) {
        q.renewed = true;
        this.caller.renewToken();
        this.enqueue(q);
        return;
      }
      // 429: not processed, any method may go again. 503/504: only an idempotent write (a
      // POST may have been committed: the caller looks it up first). Both within the attempts
      // and wait budget of a lone request (retry.ts), so a Retry-After of 0 cannot loop.
      const wait = innerRetryWait(this.caller.retryLimits, q, answer.status, retryAfter, method !== 'POST', q.waited);
      if (wait !== undefined) {
        q.waited += wait;
        q.answered = { status: answer.status, waitSeconds: wait };
        this.notBefore = Math.max(this.notBefore, Date.now() + wait * 1000);
        this.enqueue(q);
        return;
      }
      q.reject(mapGraphError(parseGraphError(answer.status, answer.body, innerErrorHeaders(answer)), this.facts(q)));
    });
  }

  /**
   * Queue an idempotent write again after `seconds` when its attempts and wait budget for a 503
   * allow (retry.ts); false when they do not. `status`: the answer it waits after, as a stopped
   * run says it.
   */
  private again(q: Queued, seconds: number, status = 503): boolean {
    if (!mayRetry(this.caller.retryLimits, 503, q.unavailable + 1, q.waited, seconds)) return false;
    q.unavailable++;
    q.waited += seconds;
    q.answered = { status, waitSeconds: seconds };
    this.notBefore = Math.max(this.notBefore, Date.now() + seconds * 1000);
    this.enqueue(q);
    return true;
  }

  private facts(q: Queued): CallFacts {
    return { method: q.request.method, path: q.request.path, clientId: this.caller.clientId, maxRetryWaitSeconds: this.caller.maxRetryWaitSeconds, ...q.request.facts };
  }
}
