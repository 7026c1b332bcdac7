// When a Graph request answered 429, 503 or 504 goes again, and after how long: one rule for
// the whole POST (transport.ts), the items of a batch of reads (json-batch.ts) and the writes
// of a JSON batch (write-batch.ts), so an inner answer is bounded exactly as a lone one is.
import { whenStopped } from './run-stop';

export interface RetryLimits {
  /** Attempts for a 503/504, the first included; a 429 gets throttledAttemptsFactor times as many. */
  maxAttempts: number;
  /** Seconds of waiting in all (entra.maxRetryWaitSeconds). */
  maxRetryWaitSeconds: number;
}

/**
 * A 429 is waited out while the wait budget allows (many objects in flight can meet more than a
 * handful in a row); this cap only stops a service that keeps answering 429 without a wait.
 */
export const throttledAttemptsFactor = 10;

/**
 * The least Retry-After honoured as given. Graph's are whole seconds; 0, a negative value or a
 * date in the past (parseRetryAfter makes both 0) would send the request again at once, again
 * and again, and the wait budget would never grow: such an answer backs off as one without
 * Retry-After.
 */
export const minRetryAfterSeconds = 1;

/**
 * The most entra.maxRetryWaitSeconds may be (schemas/single-object-sync.schema.json says the
 * same): one request waits at most an hour in all. A larger budget would let a hostile
 * Retry-After hold the run for days; the adapter clamps any value it is given to this.
 */
export const MAX_RETRY_WAIT_SECONDS = 3600;

/** entra.maxRetryWaitSeconds as the adapter applies it: default 60 s, within 0 .. MAX_RETRY_WAIT_SECONDS. */
export function retryBudgetSeconds(configured: number | undefined): number {
  if (configured === undefined || Number.isNaN(configured)) return 60;
  return Math.min(Math.max(0, configured), MAX_RETRY_WAIT_SECONDS);
}

/**
 * The longest Retry-After taken at its word: a day. Graph and the identity platform ask for
 * seconds to minutes; a longer one (99999999999 s is 3,170 years) is no usable answer, and
 * Throttled says so and gives Entra Connect's guidance instead of repeating it.
 */
export const MAX_USABLE_RETRY_AFTER_SECONDS = 86_400;

/** The longest delay a Node timer takes (2^31 - 1 ms); a longer one fires at once, with a warning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A wait in ms as a timer can take it: 0 .. MAX_TIMER_MS (NaN: 0). */
export function timerMs(ms: number): number {
  return Number.isNaN(ms) ? 0 : Math.min(Math.max(0, ms), MAX_TIMER_MS);
}

/**
 * Sleep `ms`, clamped for the timer (timerMs): never a TimeoutOverflowWarning and an immediate
 * retry. A stopped run (`signal`) clears the timer, so no wait of minutes keeps the process.
 */
export function sleepMs(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const forget = signal && whenStopped(signal, () => {
      clearTimeout(timer);
      resolve();
    });
    const timer = setTimeout(() => {
      forget?.();
      resolve();
    }, timerMs(ms));
  });
}

/** Seconds to wait after `attempt` (1 = the first send): Retry-After, else backoff 1, 2, 4 ... s. */
export function retryWaitSeconds(retryAfter: number | undefined, attempt: number): number {
  return retryAfter !== undefined && retryAfter >= minRetryAfterSeconds ? retryAfter : 2 ** (attempt - 1);
}

/**
 * Whether another attempt may go after `attempt` met `status` and `waited` seconds were already
 * waited: within the attempts for that status and, with `wait` added, within the budget.
 */
export function mayRetry(limits: RetryLimits, status: number, attempt: number, waited: number, wait: number): boolean {
  const attempts = status === 429 ? limits.maxAttempts * throttledAttemptsFactor : limits.maxAttempts;
  return attempt < attempts && waited + wait <= limits.maxRetryWaitSeconds;
}

/** Whether a method may be sent again after a 503/504: it may have been processed (GET, PUT, PATCH, DELETE). */
export function idempotentMethod(method: string): boolean {
  return ['GET', 'PUT', 'PATCH', 'DELETE'].includes(method.toUpperCase());
}

/** What one request inside a JSON batch has met so far (its own attempt counts). */
export interface InnerAttempts {
  /** Sends answered 429. */
  throttled: number;
  /** Sends answered 503/504. */
  unavailable: number;
}

/**
 * Whether an inner answer of a $batch goes again, and after how many seconds (undefined: it
 * stays as answered). Graph answers each item on its own, so an item is bounded exactly as a
 * lone request: a 429 was not processed (any method goes again); a 503/504 goes again only
 * when `idempotent` (a create may have been committed). Counts the attempt when it goes again.
 */
export function innerRetryWait(
  limits: RetryLimits, attempts: InnerAttempts, status: number, retryAfter: number | undefined, idempotent: boolean, waited: number,
): number | undefined {
  const throttled = status === 429;
  if (!throttled && !((status === 503 || status === 504) && idempotent)) return undefined;
  const attempt = (throttled ? attempts.throttled : attempts.unavailable) + 1;
  const wait = retryWaitSeconds(retryAfter, attempt);
  if (!mayRetry(limits, status, attempt, waited, wait)) return undefined;
  if (throttled) attempts.throttled = attempt;
  else attempts.unavailable = attempt;
  return wait;
}

/** Graph's throttling headers on a 429 (reference section 5): which quota was hit, and where. */
export interface ThrottleFacts {
  /** x-ms-throttle-scope, e.g. Tenant_Application/ReadWrite/{appId}/{tenantId}. */
  throttleScope?: string;
  /** x-ms-throttle-information, e.g. ResourceUnitLimitExceeded, WriteLimitExceeded. */
  throttleInformation?: string;
  /** x-ms-throttle-limit-percentage (0.8-1.8), sent above 80% of the limit. */
  throttleLimitPercentage?: number;
}

/** The throttling headers of an answer, those present only (`get` reads one header by name). */
export function throttleFacts(get: (name: string) => string | null | undefined): ThrottleFacts {
  const scope = get('x-ms-throttle-scope');
  const information = get('x-ms-throttle-information');
  const percentage = Number(get('x-ms-throttle-limit-percentage') ?? NaN);
  return {
    ...(scope ? { throttleScope: scope } : {}),
    ...(information ? { throttleInformation: information } : {}),
    ...(Number.isFinite(percentage) ? { throttleLimitPercentage: percentage } : {}),
  };
}

/**
 * Entra Connect's guidance when import from or export to Microsoft Entra ID is throttled: "Please
 * retry after 5 minutes" (Single Object Sync's page). Said when the service gave no usable wait.
 */
export const THROTTLED_GUIDANCE_SECONDS = 300;

/**
 * The Throttled error's wait details: what the service asked for, or that it asked for nothing
 * usable; with Graph's throttling headers, which quota was hit (so a user can tell a write
 * quota from the resource units, and this app from the whole tenant).
 */
export function throttledWait(
  retryAfter: number | undefined, quota: ThrottleFacts = {},
): { retryAfterSeconds: number | string; retryAfterGiven?: number; asked: string; waitSeconds: number } & ThrottleFacts {
  const { throttleScope, throttleInformation, throttleLimitPercentage } = quota;
  const named = [throttleInformation, throttleScope && `scope ${throttleScope}`].filter(Boolean).join(', ');
  const which = named ? ` (${named})` : '';
  const facts: ThrottleFacts = {
    ...(throttleScope ? { throttleScope } : {}),
    ...(throttleInformation ? { throttleInformation } : {}),
    ...(throttleLimitPercentage !== undefined ? { throttleLimitPercentage } : {}),
  };
  if (retryAfter !== undefined && retryAfter > MAX_USABLE_RETRY_AFTER_SECONDS) {
    // Beyond any plausible wait: advice to wait that long would be absurd, and the budget never covers it.
    const why = `it asked for ${retryAfter} s, more than a day: beyond any plausible wait, so not waited for`;
    return {
      retryAfterSeconds: 'none', retryAfterGiven: retryAfter, asked: `gave no usable Retry-After (${why}${named ? `; ${named}` : ''})`,
      waitSeconds: THROTTLED_GUIDANCE_SECONDS, ...facts,
    };
  }
  return retryAfter !== undefined && retryAfter >= minRetryAfterSeconds
    ? { retryAfterSeconds: retryAfter, asked: `asked to wait ${retryAfter} s${which}`, waitSeconds: retryAfter, ...facts }
    : { retryAfterSeconds: 'none', asked: `gave no usable Retry-After${which}`, waitSeconds: THROTTLED_GUIDANCE_SECONDS, ...facts };
}
