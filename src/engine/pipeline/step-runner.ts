// Runs the steps in order: times each, emits start and finish events, turns thrown errors
// into a failed step, and reports a step whose prerequisites did not succeed as skipped
// with the reason (ARCHITECTURE section 3).
import { isSyncError, SyncError, syncErrors } from '../errors';
import { ATTRIBUTE_DETAIL_PREFIX, type AttributeRow, type ConflictingObject, type ProvisioningErrorInfo, type ProvisioningStep, type SyncEvent } from '../summary/types';
import type { Clock } from './clock';
import { STEPS, stepDefinition } from './steps';

export type StepOutcome = Omit<
  ProvisioningStep,
  'name' | 'description' | 'provisioningStepType' | 'stepNumber' | 'startDateTime' | 'durationInMilliseconds' | 'details'
> & { details?: Record<string, string>; error?: SyncError; outOfScope?: boolean; conflicts?: ConflictingObject[] };

export function errorInfo(error: SyncError): ProvisioningErrorInfo {
  const info = error.toInfo();
  return {
    errorCode: info.errorCode,
    reason: info.reason,
    additionalDetails: info.additionalDetails,
    errorCategory: info.errorCategory,
    recommendedAction: info.recommendedAction,
    ...(info.documentationUrl ? { documentationUrl: info.documentationUrl } : {}),
  };
}

/** The conflicting object Microsoft Graph named in a uniqueness error (ConflictingObjects: User_<id>), as data. */
function conflictFromDetails(error: SyncError): ConflictingObject[] {
  const { conflictingKind: kind, conflictingId: id, attribute, value } = error.details as Record<string, unknown>;
  if ((kind !== 'user' && kind !== 'group' && kind !== 'contact') || typeof id !== 'string' || !id) return [];
  return [{ kind, id, attribute: typeof attribute === 'string' ? attribute : '', ...(typeof value === 'string' && value ? { value } : {}) }];
}

export function asSyncError(err: unknown): SyncError {
  if (isSyncError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SyncError(syncErrors.UnexpectedError, { message }, { cause: err });
}

const MAX_VALUES_IN_DETAILS = 10;

function listText(values: string[]): string {
  if (values.length <= MAX_VALUES_IN_DETAILS) return values.join('; '); // no copy: nearly every row
  return `${values.slice(0, MAX_VALUES_IN_DETAILS).join('; ')}; ... (${values.length} values)`;
}

/**
 * A step's start time as ISO text, made again only when the millisecond changed: the ten steps
 * of an object mostly start within one, and toISOString cost 1% of a batch.
 */
let lastTime = NaN;
let lastIso = '';
function isoTime(date: Date): string {
  const time = date.getTime();
  if (time !== lastTime) {
    lastTime = time;
    lastIso = date.toISOString();
  }
  return lastIso;
}

/**
 * "Attribute:<name>", one string per name: a key built afresh for each row had to be hashed and
 * looked up in V8's string table on every store (2% of a batch). Bounded, as names come from data.
 */
const detailKeys = new Map<string, string>();
function detailKey(name: string): string {
  let key = detailKeys.get(name);
  if (key === undefined) {
    key = `${ATTRIBUTE_DETAIL_PREFIX}${name}`;
    if (detailKeys.size < 10_000) detailKeys.set(name, key);
  }
  return key;
}

/** The attribute info rows as details entries, for consumers of the plain Graph shape. */
function addAttributeDetails(out: Record<string, string>, rows: AttributeRow[]): void {
  for (const row of rows) {
    // Appended, not a list of parts joined: one list and one join less per row.
    let text = `operation=${row.operation} | value=${listText(row.value)}`;
    if (row.valueAdd.length) text += ` | add=${listText(row.valueAdd)}`;
    if (row.valueDelete.length) text += ` | delete=${listText(row.valueDelete)}`;
    if (row.syncRule) text += ` | syncRule=${row.syncRule} | mappingType=${row.mappingType ?? ''} | dataSource=${row.dataSource ?? ''}`;
    if (row.exportable === false) text += ' | exportable=false';
    out[detailKey(row.name)] = text;
  }
}

export class StepRunner {
  readonly steps: ProvisioningStep[] = [];
  /** The first step that put the object out of scope or failed, and its error. */
  decisive?: { step: ProvisioningStep; error: SyncError; outOfScope: boolean };

  constructor(
    private readonly clock: Clock,
    private readonly onEvent: ((event: SyncEvent) => void) | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {}

  private emit(event: SyncEvent): void {
    try {
      this.onEvent?.(event);
    } catch {
      // A listener's bug must not break the sync.
    }
  }

  statusOf(number: number): ProvisioningStep['status'] | undefined {
    return this.steps.find((s) => s.stepNumber === number)?.status;
  }

  /**
   * Runs step `number` unless a prerequisite did not succeed; returns whether it succeeded.
   * onFailure adds what a step that threw still reports (the Graph requests it made, ...).
   */
  async run(number: number, body: () => Promise<StepOutcome>, onFailure?: () => Partial<StepOutcome>): Promise<boolean> {
    const definition = stepDefinition(number);
    const startDateTime = isoTime(this.clock.now());
    const t0 = this.clock.monotonic();
    this.emit({ type: 'stepStarted', stepNumber: number, name: definition.name, startDateTime });
    const blocker = definition.dependsOn.find((n) => !['success', 'warning'].includes(this.statusOf(n) ?? ''));
    let outcome: StepOutcome;
    if (blocker !== undefined) {
      const blocked = stepDefinition(blocker);
      outcome = {
        status: 'skipped',
        details: { SkipReason: `Not run: step ${blocked.number} (${blocked.name}) ended ${this.statusOf(blocker) ?? 'not run'}.` },
      };
    } else if (this.signal?.aborted) {
      outcome = { status: 'failure', error: new SyncError(syncErrors.Cancelled) };
    } else {
      try {
        outcome = await body();
      } catch (err) {
        outcome = { status: 'failure', error: asSyncError(err), ...(onFailure?.() ?? {}) };
      }
    }
    const { error, outOfScope, details, conflicts, ...rest } = outcome;
    const step: ProvisioningStep = {
      name: definition.name,
      description: definition.description,
      details: { ...(details ?? {}) },
      provisioningStepType: definition.type,
      stepNumber: number,
      startDateTime,
      durationInMilliseconds: Math.round((this.clock.monotonic() - t0) * 100) / 100,
      ...rest,
    };
    if (step.attributes?.length) addAttributeDetails(step.details, step.attributes);
    if (error) {
      const holders = conflicts?.length ? conflicts : conflictFromDetails(error);
      step.errorInformation = { ...errorInfo(error), ...(holders.length ? { conflictingObjects: holders } : {}) };
      step.details.ErrorCode = error.code;
      step.details.Reason = error.reason;
      if (!this.decisive && (step.status === 'failure' || outOfScope)) this.decisive = { step, error, outOfScope: !!outOfScope };
    }
    this.steps.push(step);
    this.emit({ type: 'stepFinished', step });
    return step.status === 'success' || step.status === 'warning';
  }

  /** Steps never reached (e.g. after a usage error) are listed as skipped so the report shows all ten. */
  fillMissing(reason: string): void {
    for (const definition of STEPS) {
      if (this.steps.some((s) => s.stepNumber === definition.number)) continue;
      const step: ProvisioningStep = {
        name: definition.name,
        description: definition.description,
        details: { SkipReason: reason },
        provisioningStepType: definition.type,
        status: 'skipped',
        stepNumber: definition.number,
        startDateTime: this.clock.now().toISOString(),
        durationInMilliseconds: 0,
      };
      this.steps.push(step);
      // Listeners see all ten steps finish, in order, whatever stopped the run.
      this.emit({ type: 'stepStarted', stepNumber: step.stepNumber, name: step.name, startDateTime: step.startDateTime });
      this.emit({ type: 'stepFinished', step });
    }
    this.steps.sort((a, b) => a.stepNumber - b.stepNumber);
  }
}
