// Many objects in one run: the ten steps for each object, one after another (or a few at a
// time), over the same dependencies (one directory connection, one token, one tenant read).
// One object's failure never stops the batch; cancelling stops taking new objects and lets
// the objects in flight finish.
import { isSyncError } from '../errors';
import type { Dn } from '../model/dn';
import type { SyncDependencies } from '../pipeline/context';
import { runSync } from '../pipeline/run-sync';
import type { ProvisioningObjectSummary } from '../summary/types';

export interface BatchItem {
  /** 1-based position in the batch. */
  index: number;
  /** The DN as text (Dn.toString()). */
  dn: string;
  summary: ProvisioningObjectSummary;
}

export interface BatchRunRequest {
  targets: Iterable<Dn> | AsyncIterable<Dn>;
  stagingMode: boolean;
  /** Objects in flight at once (default 1); with `adaptive`, the most allowed. */
  concurrency?: number;
  /**
   * Additive increase, multiplicative decrease: start with `start` objects in flight, allow one
   * more after every `limit` objects Graph did not throttle, halve on an object that met a 429
   * (Retry-After). Keeps an export inside the tenant's write budget without a fixed guess.
   */
  adaptive?: {
    start: number;
    /** The limit never falls below this (default 1): e.g. one full JSON batch of writes. */
    floor?: number;
    throttled(summary: ProvisioningObjectSummary): boolean;
  };
  /** Aborted: no new object starts; those in flight finish. */
  signal?: AbortSignal;
  onStart?(dn: string, index: number): void;
  /**
   * Called in input order (results finished early wait for those before them); awaited before
   * the lane that delivered it starts another object.
   */
  onResult?(item: BatchItem): Promise<void> | void;
}

export interface BatchRunResult {
  done: number;
  /** True when the signal stopped the batch before every target ran. */
  cancelled: boolean;
  durationInMilliseconds: number;
  /** With adaptive concurrency: the highest and the last in-flight limit, and objects that met a 429. */
  concurrency?: { peak: number; final: number; throttledObjects: number };
}

/** How long a batch may keep the event loop to itself before it lets timers and messages run. */
const EVENT_LOOP_TURN_EVERY_MS = 50;

export async function runBatch(deps: SyncDependencies, request: BatchRunRequest): Promise<BatchRunResult> {
  const t0 = deps.clock.monotonic();
  const lanes = Math.max(1, Math.floor(request.concurrency ?? 1));
  const source = toAsyncIterator(request.targets);
  let next = 0;
  let done = 0;
  let cancelled = false;
  // The in-flight limit (AIMD when adaptive; otherwise fixed at the lane count).
  let limit = request.adaptive ? Math.min(lanes, Math.max(1, request.adaptive.start, request.adaptive.floor ?? 1)) : lanes;
  let active = 0;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    while (active >= Math.floor(limit)) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
  };
  const release = () => {
    active--;
    if (waiting.length && active < Math.floor(limit)) waiting.shift()!();
  };
  const floor = Math.min(lanes, Math.max(1, Math.floor(request.adaptive?.floor ?? 1)));
  // One decrease per throttling event: objects already in flight when the limit was halved
  // met the same 429s (their writes share a $batch), so they do not halve it again.
  let startedAtDecrease = 0;
  const adapt = (summary: ProvisioningObjectSummary, startedAs: number) => {
    if (!request.adaptive) return;
    if (request.adaptive.throttled(summary)) {
      throttledObjects++;
      if (startedAs > startedAtDecrease) {
        limit = Math.max(floor, limit / 2);
        startedAtDecrease = next;
      }
    } else {
      limit = Math.min(lanes, limit + 1 / Math.max(1, Math.floor(limit)));
    }
    peak = Math.max(peak, Math.floor(limit));
  };
  let peak = Math.floor(limit);
  let throttledObjects = 0;
  // One iterator shared by the lanes: each takes the next DN when it is free.
  let pulling: Promise<unknown> = Promise.resolve();
  const take = async (): Promise<{ dn: Dn; index: number } | undefined> => {
    const turn = pulling.then(async () => {
      if (request.signal?.aborted) {
        cancelled = true;
        return undefined;
      }
      const item = await source.next();
      if (item.done) return undefined;
      return { dn: item.value, index: ++next };
    });
    pulling = turn.catch(() => undefined);
    return turn;
  };
  // Results go out in input order: an object that finished early waits for those before it.
  const finished = new Map<number, BatchItem>();
  let nextOut = 1;
  let delivering: Promise<void> = Promise.resolve();
  const deliver = (item: BatchItem): Promise<void> => {
    finished.set(item.index, item);
    delivering = delivering.then(async () => {
      for (let out = finished.get(nextOut); out; out = finished.get(nextOut)) {
        finished.delete(nextOut);
        nextOut++;
        await request.onResult?.(out);
      }
    });
    return delivering;
  };
  // Objects served from memory (the scope read by one search, the tenant read once) finish in
  // microtasks alone: without a turn of the event loop now and then, no timer, message or abort
  // from outside runs until the whole batch is done (no progress shown, Cancel never seen). One
  // turn shared by the lanes (each lane yielding on its own would keep the loop lanes x as long);
  // setImmediate, not a 0 ms timer, which can run in the same timers phase, before any I/O.
  let lastTurn = t0;
  let pendingTurn: Promise<void> | undefined;
  const turn = (): Promise<void> | undefined => {
    if (pendingTurn || deps.clock.monotonic() - lastTurn < EVENT_LOOP_TURN_EVERY_MS) return pendingTurn;
    pendingTurn = new Promise<void>((resolve) => {
      const resume = () => {
        lastTurn = deps.clock.monotonic();
        pendingTurn = undefined;
        resolve();
      };
      if (typeof setImmediate === 'function') setImmediate(resume);
      else setTimeout(resume, 0);
    });
    return pendingTurn;
  };
  const lane = async () => {
    for (;;) {
      await acquire();
      await turn();
      const target = await take();
      if (!target) {
        release();
        break;
      }
      const dn = target.dn.toString();
      request.onStart?.(dn, target.index);
      let summary: ProvisioningObjectSummary;
      try {
        // The signal is not passed on: an object in flight finishes all its steps.
        summary = await runSync(deps, { distinguishedName: target.dn, stagingMode: request.stagingMode });
        const refused = request.stagingMode ? undefined : conflictAtWrite(summary);
        if (refused) summary = withFirstAttempt(await runSync(deps, { distinguishedName: target.dn, stagingMode: false }), refused);
      } catch (err) {
        summary = failedSummary(deps, dn, err, request.stagingMode);
      }
      adapt(summary, target.index);
      release();
      done++;
      await deliver({ index: target.index, dn, summary });
    }
  };
  try {
    await Promise.all(Array.from({ length: lanes }, lane));
  } finally {
    await source.return?.();
  }
  return { done, cancelled, durationInMilliseconds: deps.clock.monotonic() - t0, ...(request.adaptive ? { concurrency: { peak, final: Math.floor(limit), throttledObjects } } : {}) };
}

function toAsyncIterator(targets: Iterable<Dn> | AsyncIterable<Dn>): AsyncIterator<Dn> {
  if (Symbol.asyncIterator in targets) return targets[Symbol.asyncIterator]();
  const it = targets[Symbol.iterator]();
  return { next: async () => it.next(), return: async () => it.return?.() ?? { done: true, value: undefined } };
}

/** The uniqueness conflicts Graph reports on a create that resiliency would have absorbed. */
const CONFLICTS_AT_WRITE = new Set(['AttributeValueMustBeUnique', 'InvalidSoftMatch']);

/**
 * A create Graph refused for a userPrincipalName or SMTP address that another object took after
 * this object's step 8 looked it up: two objects of one batch exported at once, say two users
 * with one UPN. Entra Connect's export would meet duplicate attribute resiliency, which
 * quarantines the value and provisions the object; Graph writes are not covered by it (they
 * answer 400), so the object is run once more: its lookup now finds the holder, and the steps
 * quarantine the value as they do for any holder. The refusal's code, or undefined.
 */
function conflictAtWrite(summary: ProvisioningObjectSummary): string | undefined {
  const info = summary.provisioningStatusInfo;
  const code = info.errorInformation?.errorCode;
  if (info.status !== 'failure' || !code || !CONFLICTS_AT_WRITE.has(code) || summary.exported) return undefined;
  const exportStep = summary.provisioningSteps.find((step) => step.stepNumber === 10);
  const refusedWrite = (exportStep?.graphRequests ?? []).some((r) => r.status === 400 && (r.method === 'POST' || r.method === 'PATCH'));
  return refusedWrite ? code : undefined;
}

/** The second run's result, saying in its Export step why it ran twice. */
function withFirstAttempt(summary: ProvisioningObjectSummary, code: string): ProvisioningObjectSummary {
  const exportStep = summary.provisioningSteps.find((step) => step.stepNumber === 10);
  if (exportStep) {
    exportStep.details.FirstAttempt = `Microsoft Graph refused the first create with ${code}: another object (of this batch, or written elsewhere meanwhile) took the value after this object was looked up. Looked up and exported again, as Entra Connect's duplicate attribute resiliency would provision it.`;
  }
  return summary;
}

/** Did Graph throttle any request of this object (a 429, waited out or not)? */
export function metThrottling(summary: ProvisioningObjectSummary): boolean {
  return summary.provisioningSteps.some((step) => (step.graphRequests ?? []).some((r) => r.status === 429));
}

/**
 * A sync that threw instead of producing a result (for example the state folder became
 * unwritable): still one line of the batch, a failure that names the error.
 */
export function failedSummary(deps: SyncDependencies, dn: string, err: unknown, stagingMode: boolean): ProvisioningObjectSummary {
  const now = deps.clock.now().toISOString();
  const info = isSyncError(err)
    ? { errorCode: err.code, reason: err.reason, additionalDetails: null, errorCategory: err.category, recommendedAction: err.recommendedAction, ...(err.documentationUrl ? { documentationUrl: err.documentationUrl } : {}) }
    : { errorCode: 'UnexpectedError', reason: err instanceof Error ? err.message : String(err), additionalDetails: null, errorCategory: 'failure' as const, recommendedAction: 'Run the single-object sync of this object to see the step that failed.' };
  const entra = deps.config.entra;
  return {
    id: crypto.randomUUID(),
    activityDateTime: now,
    changeId: crypto.randomUUID(),
    cycleId: crypto.randomUUID(),
    durationInMilliseconds: 0,
    initiatedBy: { id: deps.initiator?.id ?? '', displayName: deps.initiator?.displayName ?? 'Single Object Sync', initiatorType: 'user' },
    jobId: 'SingleObjectSync',
    modifiedProperties: [],
    provisioningAction: 'other',
    provisioningStatusInfo: { status: 'failure', errorInformation: info },
    provisioningSteps: [],
    servicePrincipal: { id: entra.clientId, displayName: 'Single Object Sync' },
    sourceIdentity: { id: '', displayName: dn, identityType: '', details: { distinguishedName: dn } },
    sourceSystem: { id: '', displayName: 'Active Directory', details: {} },
    targetIdentity: { id: '', displayName: '', identityType: '', details: {} },
    targetSystem: { id: entra.tenantId, displayName: 'Microsoft Entra ID', details: { tenantId: entra.tenantId, stagingMode: stagingMode ? 'True' : 'False' } },
    tenantId: entra.tenantId,
    stagingMode,
    exported: false,
    plannedProvisioningAction: 'other',
    tenantProvisioningErrors: [],
  };
}
