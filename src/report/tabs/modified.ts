// Modified Properties tab: old and new value of each property the export changes (blank where
// there is none, a count for multi-valued ones), and whether Microsoft Graph applies it: a
// change Graph cannot write is listed and marked with the reason, never left out; one kept
// only inside the sync service is marked as information. The name links to the attribute's
// row in the Export step; the report script shows and highlights that row.
import type { ModifiedProperty, ProvisioningObjectSummary } from '../../engine/summary/types';
import { exportRowAnchors, exportStepIndex } from '../anchors';
import { html, type SafeHtml } from '../html';
import { valueCell } from '../values';

const lines = (text: string | null | undefined): string[] => (text === null || text === undefined ? [] : text.split('\n'));

export function renderModifiedTab(summary: ProvisioningObjectSummary): SafeHtml {
  const properties = summary.modifiedProperties ?? [];
  if (properties.length === 0) {
    const staging = summary.targetSystem?.details?.stagingMode === 'True';
    return html`<p class="sos-muted">No property was modified in Microsoft Entra ID${staging ? ' (staging mode: nothing is exported)' : ''}.</p>`;
  }
  const anchors = exportRowAnchors(summary);
  const exportRows = summary.provisioningSteps[exportStepIndex(summary)]?.attributes ?? [];
  const staging = summary.stagingMode === true || summary.targetSystem?.details?.stagingMode === 'True';
  const multiValued = new Set(exportRows.filter((r) => r.isMultiValued).map((r) => r.name.toLowerCase()));
  return html`<table class="sos-table sos-modified-table">
<thead><tr><th scope="col">Property</th><th scope="col">Old value</th><th scope="col">New value</th><th scope="col">Applied through Microsoft Graph</th></tr></thead>
<tbody>${properties.map((p) => {
    const name = String(p.displayName);
    const anchor = anchors.get(name.toLowerCase());
    const oldValues = lines(p.oldValue);
    const newValues = lines(p.newValue);
    const mv = multiValued.has(name.toLowerCase()) || oldValues.length > 1 || newValues.length > 1;
    // For multi-valued properties, mark what the export adds and removes.
    const oldSet = new Set(oldValues);
    const newSet = new Set(newValues);
    const removed = mv && oldValues.length && newValues.length ? new Map(oldValues.filter((v) => !newSet.has(v)).map((v) => [v, 'removed' as const])) : undefined;
    const added = mv && oldValues.length && newValues.length ? new Map(newValues.filter((v) => !oldSet.has(v)).map((v) => [v, 'added' as const])) : undefined;
    return html`<tr>
<th scope="row">${anchor ? html`<a class="sos-rowlink" href="#${anchor}"><span class="sos-v">${name}</span></a>` : html`<span class="sos-v">${name}</span>`}</th>
<td>${valueCell(oldValues, mv, removed)}</td>
<td>${valueCell(newValues, mv, added)}</td>
<td>${appliedCell(p, staging)}</td>
</tr>`;
  })}</tbody>
</table>`;
}

/** Applied, or why not: information for attributes with no Graph property, a warning otherwise. */
function appliedCell(p: ModifiedProperty, staging: boolean): SafeHtml {
  // Results written before the field existed have no `applied`: they listed applied changes only.
  if (p.applied !== false) return html`<span class="sos-applied">${staging ? 'Would be applied (staging mode)' : 'Yes'}</span>`;
  const label = p.notAppliedKind === 'ownedByEntraConnect' ? 'Pending for Entra Connect' : p.informational ? 'Information: not in Microsoft Graph' : 'Not applied';
  return html`<span class="sos-badge ${p.informational ? 'sos-badge-skipped' : 'sos-badge-warning'} sos-not-applied" data-kind="${p.notAppliedKind ?? ''}">${label}</span> <span class="sos-v">${p.notAppliedReason ?? ''}</span>`;
}
