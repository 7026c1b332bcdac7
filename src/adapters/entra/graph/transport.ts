// The Graph client's middleware chain: the library's AuthenticationHandler (token only to
// the configured Graph host, via customHosts), then retry + recording, then an undici
// transport that trusts the configured CA.
import { randomUUID } from 'node:crypto';
import {
  AuthenticationHandler, Client, type AuthenticationProvider, type Context, type Middleware, type MiddlewareOptions,
} from '@microsoft/microsoft-graph-client';
import { fetch as undiciFetch, type Dispatcher, type Response as UndiciResponse } from 'undici';
import type { GraphRequestRecord } from '../../../engine/summary/types';
import { idempotentMethod, mayRetry, retryWaitSeconds, throttleFacts, type ThrottleFacts } from './retry';
import { withoutSecrets } from '../redact';
import { currentRunStop, waitUnlessStopped } from './run-stop';
import { redirectTarget } from '../redirect-target';
import { readBodyUpTo } from '../bounded-body';

/** Per-call facts the retry middleware leaves for the error mapping. */
export class CallState implements MiddlewareOptions {
  /** Network failure that ended the call (no HTTP answer). */
  networkError?: unknown;
  /** Retry-After (s) of the last throttled/unavailable answer that was not waited for. */
  retryAfterSeconds?: number;
  requestId?: string;
  clientRequestId?: string;
  /** Graph's throttling headers of the last answer (which quota, how close to it), when sent. */
  throttle?: ThrottleFacts;
  /**
   * Whether the request may be sent again after a 503/504 or a lost connection. Default: by
   * method (GET, PATCH, PUT, DELETE). A $batch POST of reads is idempotent; one holding a
   * create is not.
   */
  idempotent?: boolean;
  /**
   * The status and body of the error answer the call ended with, as received: the Graph
   * client's error handler fails on some bodies (e.g. `"innerError": null`) or keeps only a
   * parse error of a non-JSON one; the mapping reads the answer itself (graph-call.ts).
   */
  errorStatus?: number;
  errorBody?: string;
  /** The run was stopped while this call waited to be sent again (run-stop.ts): the answer it waited after. */
  stoppedWaiting?: { status: number; waitSeconds: number };
}

export interface RetryPolicy {
  maxRetryWaitSeconds: number;
  /** Attempts for 429/503/504, the first included. */
  maxAttempts: number;
  /** Network failures retried for idempotent methods. */
  networkRetries: number;
  /** Waits before a retry; `signal` (a stopped run) may end it early. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Time-out of one Graph call (answer and body), in ms; default 30 s (entra.requestTimeoutSeconds). */
  requestTimeoutMs?: number;
}

/** Microsoft Graph gave no complete answer in time; a network failure for the retry and the mapping. */
export class RequestTimedOut extends Error {
  override name = 'RequestTimedOut';
  readonly code = 'RequestTimedOut';
  constructor(readonly method: string, readonly path: string, readonly timeoutMs: number) {
    super(`Microsoft Graph did not answer ${method} ${path} within ${timeoutMs / 1000} s (entra.requestTimeoutSeconds)`);
  }
}

/**
 * The most a Graph answer may hold. The largest the tool asks for (a page of 999 users with the
 * selected properties) is a few MB; an endless or huge body (a faulty service, a proxy in the
 * way) ends here instead of in memory.
 */
export const ANSWER_LIMIT_BYTES = 64 * 1024 * 1024;

export class AnswerTooLarge extends Error {
  override name = 'AnswerTooLarge';
  readonly code = 'AnswerTooLarge';
  constructor(readonly method: string, readonly path: string, readonly status: number, readonly limit: number) {
    super(`the answer is larger than ${limit / 1024 / 1024} MiB, far more than any answer the tool asks for; it was not read further`);
  }
}

/**
 * Graph answered a redirect (3xx). Graph v1.0 answers none to the calls the tool makes; a proxy
 * or a hostile front in the way does. Never followed: fetch would send the request again, its
 * body (the object's values) included and, on the same origin, the bearer token, to wherever
 * Location points, and the next answer would be read as Graph's.
 */
export class RedirectRefused extends Error {
  override name = 'RedirectRefused';
  readonly code = 'RedirectRefused';
  constructor(readonly method: string, readonly path: string, readonly status: number, readonly location: string) {
    super(`the answer is HTTP ${status}, a redirect to ${location}; redirects are not followed, so neither the request nor the token went there`);
  }
}

/** The body, read up to `limit` bytes (AnswerTooLarge past it, with the stream cancelled). */
async function readAnswer(response: UndiciResponse, limit: number, method: string, path: string): Promise<ArrayBuffer> {
  const bytes = await readBodyUpTo(response, limit);
  if (!bytes) throw new AnswerTooLarge(method, path, response.status, limit);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const entry = Object.entries(headers as Record<string, string>).find(([k]) => k.toLowerCase() === name.toLowerCase());
  return entry?.[1];
}

/** Retry-After in seconds: delta-seconds (fractions allowed) or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (Number.isFinite(n)) return Math.max(0, n);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

function displayPath(url: string, graphOrigin: string): string {
  const raw = url.startsWith(graphOrigin) ? url.slice(graphOrigin.length) : url;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

class RetryAndRecord implements Middleware {
  private next?: Middleware;
  constructor(private readonly policy: RetryPolicy, private readonly records: GraphRequestRecord[], private readonly graphOrigin: string) {}
  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const state = context.middlewareControl?.getMiddlewareOptions(CallState) as CallState | undefined;
    const method = (context.options?.method ?? 'GET').toUpperCase();
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const path = displayPath(url, this.graphOrigin);
    const idempotent = state?.idempotent ?? idempotentMethod(method);
    let waited = 0;
    let networkRetries = 0;
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      const clientRequestId = randomUUID();
      const headers = (context.options ??= {}).headers as Record<string, string> | undefined;
      context.options.headers = { ...(headers ?? {}), 'client-request-id': clientRequestId };
      try {
        await this.next!.execute(context);
      } catch (err) {
        this.records.push({ method, path, status: err instanceof RedirectRefused ? err.status : 0, durationInMilliseconds: Math.round(performance.now() - started), clientRequestId });
        // A body past the limit or a redirect comes again the same way: not retried.
        if (!(err instanceof AnswerTooLarge) && !(err instanceof RedirectRefused) && idempotent && networkRetries < this.policy.networkRetries) {
          networkRetries++;
          continue;
        }
        if (state) state.networkError = err;
        throw err;
      }
      const response = context.response!;
      const retryAfter = parseRetryAfter(headerOf(response.headers, 'retry-after'));
      // A header of the answer, shown in the report's Graph requests: no held secret (redact.ts).
      const rawRequestId = headerOf(response.headers, 'request-id');
      const requestId = rawRequestId === undefined ? undefined : withoutSecrets(rawRequestId);
      this.records.push({
        method, path, status: response.status, durationInMilliseconds: Math.round(performance.now() - started),
        ...(requestId ? { requestId } : {}), clientRequestId, ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      });
      if (state) {
        state.requestId = requestId;
        state.clientRequestId = clientRequestId;
        state.throttle = throttleFacts((name) => headerOf(response.headers, name));
      }
      // 429 means the request was not processed: any method may be sent again. A 503/504 may
      // come after a create was committed, so a POST (or a $batch holding one) is never
      // repeated blindly (the adapter looks the object up first).
      const keepError = async () => {
        if (!state || response.status < 400) return;
        state.errorStatus = response.status;
        state.errorBody = await response.clone().text().catch(() => undefined);
      };
      if (![429, 503, 504].includes(response.status) || (!idempotent && response.status !== 429)) return keepError();
      // Retry-After of 1 s or more, else (none, 0, negative, past) backoff 1, 2, 4 ... s; a
      // 503/504 gets maxAttempts, a 429 ten times as many, all within the wait budget (retry.ts,
      // shared with the batches).
      const wait = retryWaitSeconds(retryAfter, attempt);
      // What the service asked for (an error says so), not the backoff chosen without it.
      if (state) state.retryAfterSeconds = retryAfter;
      if (!mayRetry(this.policy, response.status, attempt, waited, wait)) return keepError();
      // A stopped run sends nothing again after a wait (run-stop.ts): the call ends with this answer.
      const stop = currentRunStop();
      const stopped = () => {
        if (state) state.stoppedWaiting = { status: response.status, waitSeconds: wait };
      };
      if (stop?.aborted) {
        stopped();
        return keepError();
      }
      await response.arrayBuffer().catch(() => undefined);
      if (!(await waitUnlessStopped(this.policy.sleep, wait * 1000, stop))) return stopped();
      waited += wait;
    }
  }
}

class UndiciTransport implements Middleware {
  constructor(private readonly agent: Dispatcher, private readonly timeoutMs: number, private readonly graphOrigin: string) {}
  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const options = context.options ?? {};
    const method = (options.method ?? 'GET').toUpperCase();
    // One deadline for the answer and its body: a slow or silent service cannot hold the run.
    const signal = AbortSignal.timeout(this.timeoutMs);
    let response;
    let body: ArrayBuffer;
    try {
      response = await undiciFetch(url, {
        method,
        headers: options.headers as Record<string, string>,
        body: (options.body as string | undefined) ?? null,
        dispatcher: this.agent,
        signal,
        redirect: 'manual',
      });
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        await response.body?.cancel().catch(() => undefined);
        throw new RedirectRefused(method, displayPath(url, this.graphOrigin), response.status, redirectTarget(response.headers.get('location'), url));
      }
      // Buffer the body inside the chain, so a connection dropped mid-body is seen (and
      // retried) here rather than later by the response handler.
      body = await readAnswer(response, ANSWER_LIMIT_BYTES, method, displayPath(url, this.graphOrigin));
    } catch (err) {
      if (err instanceof AnswerTooLarge || err instanceof RedirectRefused) throw err;
      if (signal.aborted) throw new RequestTimedOut(method, displayPath(url, this.graphOrigin), this.timeoutMs);
      throw err;
    }
    const headers = new Headers();
    response.headers.forEach((value, key) => headers.append(key, value));
    const empty = response.status === 204 || response.status === 304 || body.byteLength === 0;
    context.response = new Response(empty ? null : body, { status: response.status, statusText: response.statusText, headers });
  }
}

export function createGraphClient(opts: {
  graphEndpoint: string;
  agent: Dispatcher;
  getToken: () => Promise<string>;
  records: GraphRequestRecord[];
  policy: RetryPolicy;
}): Client {
  const origin = new URL(opts.graphEndpoint).origin;
  const authProvider: AuthenticationProvider = { getAccessToken: opts.getToken };
  return Client.initWithMiddleware({
    baseUrl: origin,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(origin).hostname]),
    middleware: [new AuthenticationHandler(authProvider), new RetryAndRecord(opts.policy, opts.records, origin), new UndiciTransport(opts.agent, opts.policy.requestTimeoutMs ?? 30_000, origin)],
  });
}
