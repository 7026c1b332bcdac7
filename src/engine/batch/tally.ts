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

export function addToTally(tally: BatchTally, summary: ProvisioningObjectSummary): void {
  tally.objects++;
  const status = summary.provisioningStatusInfo.status;
  tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1;
  // A preview performs nothing (provisioningAction other): count what the export would do.
  const action = plannedAction(summary);
  tally.byAction[action] = (tally.byAction[action] ?? 0) + 1;
  const code = summary.provisioningStatusInfo.errorInformation?.errorCode;
  if (code) tally.byErrorCode[code] = (tally.byErrorCode[code] ?? 0) + 1;
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
}

export function planWrites(summaries: Iterable<ProvisioningObjectSummary>): WritePlan {
  const plan: WritePlan = { creates: 0, updates: 0, unchanged: 0 };
  for (const s of summaries) {
    const write = plannedWrite(s);
    if (write === 'create') plan.creates++;
    else if (write === 'update') plan.updates++;
    else plan.unchanged++;
  }
  return plan;
}
