// Element ids inside the report. They are built from step numbers and row indexes only,
// never from attribute names (AD data), so they are always safe in id and href.
import type { ProvisioningObjectSummary } from '../engine/summary/types';

export { panelId, tabId, tabIds, type TabId } from './browser/model';
// By position, not stepNumber: positions are unique even in a hand-edited result.
export const stepAnchor = (index: number) => `sos-step-${index + 1}`;
export const rowAnchor = (index: number, row: number) => `sos-s${index + 1}-a${row}`;

/** The export step (type export; the last one if several). */
export function exportStepIndex(summary: ProvisioningObjectSummary): number {
  for (let i = summary.provisioningSteps.length - 1; i >= 0; i--) {
    if (summary.provisioningSteps[i]!.provisioningStepType === 'export') return i;
  }
  return -1;
}

/** Lower-cased attribute name -> anchor of its row in the export step. */
export function exportRowAnchors(summary: ProvisioningObjectSummary): Map<string, string> {
  const anchors = new Map<string, string>();
  const index = exportStepIndex(summary);
  (summary.provisioningSteps[index]?.attributes ?? []).forEach((row, r) => {
    const key = row.name.toLowerCase();
    if (!anchors.has(key)) anchors.set(key, rowAnchor(index, r));
  });
  return anchors;
}
