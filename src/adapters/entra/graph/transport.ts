// The Graph client's middleware chain: the library's AuthenticationHandler (token only to
// the configured Graph host, via customHosts), then retry + recording, then an undici
// transport that trusts the configured CA.
import { randomUUID } from 'node:crypto';
import {
  AuthenticationHandler, Client, type AuthenticationProvider, type Context, type Middleware, type MiddlewareOptions,
} from '@microsoft/microsoft-graph-client';
import { fetch as undiciFetch, type Agent } from 'undici';
import type { GraphRequestRecord } from '../../../engine/summary/types';

/** Per-call facts the retry middleware leaves for the error mapping. */
export class CallState implements MiddlewareOptions {
  /** Network failure that ended the call (no HTTP answer). */
  networkError?: unknown;
  /** Retry-After (s) of the last throttled/unavailable answer that was not waited for. */
  retryAfterSeconds?: number;
  requestId?: string;
  clientRequestId?: string;
  /**
   * Whether the request may be sent again after a 503/504 or a lost connection. Default: by
   * method (GET, PATCH, PUT, DELETE). A $batch POST of reads is idempotent; one holding a
   * create is not.
   */
  idempotent?: boolean;
}

export interface RetryPolicy {
  maxRetryWaitSeconds: number;
  /** Attempts for 429/503/504, the first included. */
  maxAttempts: number;
  /** Network failures retried for idempotent methods. */
  networkRetries: number;
  sleep: (ms: number) => Promise<void>;
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
    const idempotent = state?.idempotent ?? (method === 'GET' || method === 'PATCH' || method === 'DELETE' || method === 'PUT');
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
        this.records.push({ method, path, status: 0, durationInMilliseconds: Math.round(performance.now() - started), clientRequestId });
        if (idempotent && networkRetries < this.policy.networkRetries) {
          networkRetries++;
          continue;
        }
        if (state) state.networkError = err;
        throw err;
      }
      const response = context.response!;
      const retryAfter = parseRetryAfter(headerOf(response.headers, 'retry-after'));
      const requestId = headerOf(response.headers, 'request-id');
      this.records.push({
        method, path, status: response.status, durationInMilliseconds: Math.round(performance.now() - started),
        ...(requestId ? { requestId } : {}), clientRequestId, ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      });
      if (state) {
        state.requestId = requestId;
        state.clientRequestId = clientRequestId;
      }
      // 429 means the request was not processed: any method may be sent again. A 503/504 may
      // come after a create was committed, so a POST (or a $batch holding one) is never
      // repeated blindly (the adapter looks the object up first).
      if (![429, 503, 504].includes(response.status) || (!idempotent && response.status !== 429)) return;
      // Without Retry-After: exponential backoff 1, 2, 4 ... s.
      const wait = retryAfter ?? 2 ** (attempt - 1);
      if (state) state.retryAfterSeconds = wait;
      // A 429 is waited out as long as the wait budget allows (many objects in flight can meet
      // more than a handful in a row); a 503/504 gets maxAttempts. The 10x cap only stops a
      // service that keeps answering Retry-After: 0.
      const attempts = response.status === 429 ? this.policy.maxAttempts * 10 : this.policy.maxAttempts;
      if (attempt >= attempts || waited + wait > this.policy.maxRetryWaitSeconds) return;
      await response.arrayBuffer().catch(() => undefined);
      await this.policy.sleep(wait * 1000);
      waited += wait;
    }
  }
}

class UndiciTransport implements Middleware {
  constructor(private readonly agent: Agent, private readonly timeoutMs: number, private readonly graphOrigin: string) {}
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
      });
      // Buffer the body inside the chain, so a connection dropped mid-body is seen (and
      // retried) here rather than later by the response handler.
      body = await response.arrayBuffer();
    } catch (err) {
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
  agent: Agent;
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
