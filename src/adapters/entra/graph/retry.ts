// When a Graph request answered 429, 503 or 504 goes again, and after how long: one rule for
// the whole POST (transport.ts), the items of a batch of reads (json-batch.ts) and the writes
// of a JSON batch (write-batch.ts), so an inner answer is bounded exactly as a lone one is.

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

/**
 * Entra Connect's guidance when import from or export to Microsoft Entra ID is throttled: "Please
 * retry after 5 minutes" (Single Object Sync's page). Said when the service gave no usable wait.
 */
export const THROTTLED_GUIDANCE_SECONDS = 300;

/** The Throttled error's wait details: what the service asked for, or that it asked for nothing usable. */
export function throttledWait(retryAfter: number | undefined): { retryAfterSeconds: number | string; asked: string; waitSeconds: number } {
  return retryAfter !== undefined && retryAfter >= minRetryAfterSeconds
    ? { retryAfterSeconds: retryAfter, asked: `asked to wait ${retryAfter} s`, waitSeconds: retryAfter }
    : { retryAfterSeconds: 'none', asked: 'gave no usable Retry-After', waitSeconds: THROTTLED_GUIDANCE_SECONDS };
}
