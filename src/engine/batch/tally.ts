// The batch summary: counts by status, by provisioningAction and by error code, and what a
// staging batch would write if it were exported.
import type { ProvisioningObjectSummary, ProvisioningResult } from '../summary/types';

export interface BatchTally {
  objects: number;
  byStatus: Record<ProvisioningResult, number>;
  byAction: Record<string, number>;
  byErrorCode: Record<string, number>;
}

export function emptyTally(): BatchTally {
  return { objects: 0, byStatus: { success: 0, warning: 0, failure: 0, skipped: 0 }, byAction: {}, byErrorCode: {} };
}

/** What the tally counts of one result (small enough to cross a thread boundary). */
export interface TallyFacts {
  status: ProvisioningResult;
  action: string;
  errorCode?: string;
}

export function tallyFacts(summary: ProvisioningObjectSummary): TallyFacts {
  const code = summary.provisioningStatusInfo.errorInformation?.errorCode;
  // A preview performs nothing (provisioningAction other): count what the export would do.
  return { status: summary.provisioningStatusInfo.status, action: plannedAction(summary), ...(code ? { errorCode: code } : {}) };
}

export function addToTally(tally: BatchTally, summary: ProvisioningObjectSummary | TallyFacts): void {
  const facts = 'provisioningStatusInfo' in summary ? tallyFacts(summary) : summary;
  tally.objects++;
  tally.byStatus[facts.status] = (tally.byStatus[facts.status] ?? 0) + 1;
  tally.byAction[facts.action] = (tally.byAction[facts.action] ?? 0) + 1;
  if (facts.errorCode) tally.byErrorCode[facts.errorCode] = (tally.byErrorCode[facts.errorCode] ?? 0) + 1;
}

/** What the export does or would do: plannedProvisioningAction (a preview's provisioningAction is other). */
export function plannedAction(summary: ProvisioningObjectSummary): ProvisioningObjectSummary['provisioningAction'] {
  return summary.plannedProvisioningAction ?? summary.provisioningAction;
}

/** What exporting a staged object would write: one create or update, and none when nothing differs. */
export type PlannedWrite = 'create' | 'update' | 'none';

/**
 * From a staging result: the Export step skipped only because of staging mode (not a refusal,
 * a conflict or an object Graph cannot write) and something to write.
 */
export function plannedWrite(summary: ProvisioningObjectSummary): PlannedWrite {
  const exportStep = summary.provisioningSteps.find((s) => s.stepNumber === 10);
  if (!exportStep || exportStep.details.SkipReason !== 'StagingMode' || exportStep.status === 'failure') return 'none';
  const action = plannedAction(summary);
  if (action === 'create') return 'create';
  if (action === 'update' && summary.modifiedProperties.length > 0) return 'update';
  return 'none';
}

export interface WritePlan {
  creates: number;
  updates: number;
  unchanged: number;
  /** Changes only Entra Connect exports (an object it synchronizes, a soft-deleted user it restores): not written by this tool. */
  forEntraConnect: number;
}

/** The Export step says the object is Entra Connect's to write: synchronized by it, or a deleted user its export restores. */
function ownedByEntraConnect(summary: ProvisioningObjectSummary): boolean {
  const details = summary.provisioningSteps.find((s) => s.stepNumber === 10)?.details ?? {};
  return details.SyncedByEntraConnect === 'True' || details.RestoresDeletedUser !== undefined;
}

export function planWrites(summaries: Iterable<ProvisioningObjectSummary>): WritePlan {
  const plan: WritePlan = { creates: 0, updates: 0, unchanged: 0, forEntraConnect: 0 };
  for (const s of summaries) {
    const write = plannedWrite(s);
    if (write !== 'none' && ownedByEntraConnect(s)) plan.forEntraConnect++;
    else if (write === 'create') plan.creates++;
    else if (write === 'update') plan.updates++;
    else plan.unchanged++;
  }
  return plan;
}
