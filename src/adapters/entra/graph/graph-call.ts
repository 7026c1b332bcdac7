// One Microsoft Graph call for the tenant adapter: the token (a fresh one once after Graph
// rejects the cached one with 401), the Graph client's middleware (retry, Retry-After, records:
// transport.ts) and every failure mapped to a catalog SyncError (errors.ts).
import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import type { Dispatcher } from 'undici';
import type { EntraConfig } from '../../../engine/model/config';
import { SyncError, entraErrors } from '../../../engine/errors';
import type { GraphRequestRecord } from '../../../engine/summary/types';
import { mapGraphError, parseGraphError, type CallFacts } from './errors';
import { AnswerTooLarge, CallState, createGraphClient, parseRetryAfter, RedirectRefused, RequestTimedOut, type RetryPolicy } from './transport';
import { describeNetworkError } from '../tls';
import { retryBudgetSeconds, sleepMs, throttleFacts, timerMs, type RetryLimits } from './retry';
import type { TokenSource } from '../token-source';
import { stoppedWhileWaiting } from './run-stop';

export interface CallOptions {
  body?: unknown;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  facts?: Partial<CallFacts>;
  /** Safe to send again after a 503/504 or a lost connection (default: by method; see CallState). */
  idempotent?: boolean;
}

export class GraphCaller {
  private readonly records: GraphRequestRecord[] = [];
  private readonly client: Client;
  private tokenFailure?: unknown;
  /** Set after Graph rejected the cached token: the next call asks for a new one. */
  private refreshToken = false;
  readonly maxRetryWaitSeconds: number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly retryLimits: RetryLimits;

  constructor(
    private readonly entra: EntraConfig,
    private readonly tokens: TokenSource,
    agent: Dispatcher,
    policy: Partial<RetryPolicy> = {},
  ) {
    // Clamped to the documented maximum (an hour) whatever the configuration says, and every
    // sleep to what a timer takes: a huge Retry-After is never a retry sent at once.
    this.maxRetryWaitSeconds = retryBudgetSeconds(policy.maxRetryWaitSeconds ?? entra.maxRetryWaitSeconds);
    const sleep = policy.sleep ?? sleepMs;
    this.sleep = (ms, signal) => sleep(timerMs(ms), signal);
    // The batches retry their inner answers within the same limits as the transport.
    this.retryLimits = { maxAttempts: policy.maxAttempts ?? 5, maxRetryWaitSeconds: this.maxRetryWaitSeconds };
    this.client = createGraphClient({
      graphEndpoint: entra.graphEndpoint,
      agent,
      records: this.records,
      getToken: async () => {
        try {
          const skipCache = this.refreshToken;
          this.refreshToken = false;
          return await this.tokens.token({ skipCache });
        } catch (err) {
          this.tokenFailure = err;
          throw err;
        }
      },
      policy: {
        networkRetries: 1,
        ...policy,
        ...this.retryLimits,
        sleep: this.sleep,
      },
    });
  }

  /** Every Graph request made so far (copies). */
  requests(): GraphRequestRecord[] {
    return this.records.map((r) => ({ ...r }));
  }

  get clientId(): string {
    return this.entra.clientId;
  }

  /**
   * Graph refused the token inside a $batch (an inner 401: it expired while the batch ran):
   * the next call asks the identity platform for a new one instead of the cached one.
   */
  renewToken(): void {
    this.refreshToken = true;
  }

  /** Record one inner answer of a JSON batch (its $batch POST is recorded by the transport). */
  recordInner(record: GraphRequestRecord): void {
    this.records.push(record);
  }

  /** One Graph call; every failure comes back as a catalog SyncError. */
  async call<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    options: CallOptions = {},
  ): Promise<T> {
    try {
      return await this.callOnce<T>(method, path, options);
    } catch (err) {
      // A token the tenant no longer accepts (revoked, signing key rolled): one retry with a fresh token.
      if (!(err instanceof SyncError) || err.code !== 'AccessTokenRejected' || err.details.status !== 401) throw err;
      this.refreshToken = true;
      return this.callOnce<T>(method, path, options);
    }
  }

  private async callOnce<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    options: CallOptions,
  ): Promise<T> {
    const state = new CallState();
    if (options.idempotent !== undefined) state.idempotent = options.idempotent;
    this.tokenFailure = undefined;
    const query = Object.entries(options.query ?? {}).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    let request = this.client.api(query ? `${path}?${query}` : path).middlewareOptions([state]);
    for (const [name, value] of Object.entries(options.headers ?? {})) request = request.header(name, value);
    try {
      switch (method) {
        case 'GET': return (await request.get()) as T;
        case 'POST': return (await request.post(options.body ?? {})) as T;
        case 'PATCH': return (await request.patch(options.body ?? {})) as T;
        case 'DELETE': return (await request.delete()) as T;
      }
    } catch (err) {
      throw this.toSyncError(err, state, { method, path, clientId: this.entra.clientId, maxRetryWaitSeconds: this.maxRetryWaitSeconds, ...options.facts });
    }
  }

  private toSyncError(err: unknown, state: CallState, facts: CallFacts): SyncError {
    if (this.tokenFailure instanceof SyncError) return this.tokenFailure;
    if (err instanceof SyncError) return err;
    if (state.stoppedWaiting) return stoppedWhileWaiting(facts.method, facts.path, state.stoppedWaiting.status, state.stoppedWaiting.waitSeconds);
    if (state.networkError instanceof AnswerTooLarge || state.networkError instanceof RedirectRefused) {
      const t = state.networkError;
      return new SyncError(entraErrors.GraphRequestFailed, { status: t.status, graphCode: '', method: t.method, path: t.path, graphMessage: t.message }, { cause: err });
    }
    if (state.networkError instanceof RequestTimedOut) {
      const t = state.networkError;
      return new SyncError(entraErrors.GraphRequestTimedOut, { method: t.method, path: t.path, timeoutSeconds: t.timeoutMs / 1000 }, { cause: err });
    }
    if (state.networkError !== undefined) {
      return new SyncError(entraErrors.TenantUnreachable, { endpoint: this.entra.graphEndpoint, detail: describeNetworkError(state.networkError, this.entra.graphEndpoint), method: facts.method, path: facts.path }, { cause: err });
    }
    if (err instanceof GraphError && err.statusCode > 0) {
      const retryAfter = parseRetryAfter(err.headers?.get('retry-after')) ?? state.retryAfterSeconds;
      const quota = err.headers ? throttleFacts((name) => err.headers?.get(name)) : state.throttle;
      // The answer as received when kept (a non-JSON body reads as its text, not as the client's parse error).
      const body = state.errorStatus === err.statusCode && state.errorBody !== undefined ? state.errorBody : err.body;
      const graphFacts = parseGraphError(err.statusCode, body, { requestId: err.headers?.get('request-id') ?? state.requestId, retryAfterSeconds: retryAfter, ...quota });
      return mapGraphError(graphFacts, facts);
    }
    // Graph answered with an error the client could not make a GraphError of (its handler threw
    // on the body's shape): the answer is mapped as any error answer, not as "could not reach".
    if (state.errorStatus !== undefined) {
      const graphFacts = parseGraphError(state.errorStatus, state.errorBody ?? '', { requestId: state.requestId, retryAfterSeconds: state.retryAfterSeconds, ...state.throttle });
      return mapGraphError(graphFacts, facts);
    }
    return new SyncError(entraErrors.TenantUnreachable, { endpoint: this.entra.graphEndpoint, detail: describeNetworkError(err, this.entra.graphEndpoint) }, { cause: err });
  }
}
