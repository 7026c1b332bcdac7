// Modified Properties tab: old and new value of each property the export changes (blank where
// there is none, a count for multi-valued ones), and whether Microsoft Graph applies it: a
// change Graph cannot write is listed and marked with the reason, never left out; one kept
// only inside the sync service is marked as information. The name links to the attribute's
// row in the Export step; the report script shows and highlights that row.
import type { ModifiedProperty, ProvisioningObjectSummary } from '../../engine/summary/types';
import { exportRowAnchors, exportStepIndex } from '../anchors';
import { view, type View } from '../browser/view';
import { codeText, valueCell } from '../values';

const lines = (text: string | null | undefined): string[] => (text === null || text === undefined ? [] : text.split('\n'));

export function renderModifiedTab(summary: ProvisioningObjectSummary): View {
  const properties = summary.modifiedProperties ?? [];
  if (properties.length === 0) {
    const staging = summary.targetSystem?.details?.stagingMode === 'True';
    return view`<p class="sos-muted">No property was modified in Microsoft Entra ID${staging ? ' (staging mode: nothing is exported)' : ''}.</p>`;
  }
  const anchors = exportRowAnchors(summary);
  const exportRows = summary.provisioningSteps[exportStepIndex(summary)]?.attributes ?? [];
  const staging = summary.stagingMode === true || summary.targetSystem?.details?.stagingMode === 'True';
  const multiValued = new Set(exportRows.filter((r) => r.isMultiValued).map((r) => r.name.toLowerCase()));
  const exportRow = new Map(exportRows.map((r) => [r.name.toLowerCase(), r] as const).reverse());
  return view`<div class="sos-attrs sos-modified">
<div class="sos-tools" hidden><label>Filter properties <input type="search" class="sos-filter" autocomplete="off" spellcheck="false"></label> <span class="sos-filter-count sos-muted" aria-live="polite"></span></div>
<table class="sos-table sos-modified-table">
<caption>${properties.length === 1 ? '1 property' : `${properties.length} properties`}; a name links to its row in the Export step</caption>
<thead><tr>${['Property', 'Old value', 'New value', 'Source (data source)', 'Sync rule', 'Applied through Microsoft Graph'].map((c) => view`<th scope="col"><button type="button" class="sos-sort">${c}</button></th>`)}</tr></thead>
<tbody>${properties.map((p) => {
    const name = String(p.displayName);
    const anchor = anchors.get(name.toLowerCase());
    const row = exportRow.get(name.toLowerCase());
    const oldValues = lines(p.oldValue);
    const newValues = lines(p.newValue);
    const mv = multiValued.has(name.toLowerCase()) || oldValues.length > 1 || newValues.length > 1;
    // For multi-valued properties, mark what the export adds and removes.
    const oldSet = new Set(oldValues);
    const newSet = new Set(newValues);
    const removed = mv && oldValues.length && newValues.length ? new Map(oldValues.filter((v) => !newSet.has(v)).map((v) => [v, 'removed' as const])) : undefined;
    const added = mv && oldValues.length && newValues.length ? new Map(newValues.filter((v) => !oldSet.has(v)).map((v) => [v, 'added' as const])) : undefined;
    return view`<tr>
<th scope="row">${anchor ? view`<a class="sos-rowlink" href="#${anchor}"><span class="sos-v">${name}</span></a>` : view`<span class="sos-v">${name}</span>`}</th>
<td>${valueCell(oldValues, mv, removed)}</td>
<td>${valueCell(newValues, mv, added)}</td>
<td>${row?.dataSource ? codeText(row.dataSource) : null}${row?.mappingType ? view` <span class="sos-muted">(${row.mappingType})</span>` : null}</td>
<td>${row?.syncRule ? view`<span class="sos-v">${row.syncRule}</span>` : null}</td>
<td>${appliedCell(p, staging)}</td>
</tr>`;
  })}</tbody>
</table>
</div>`;
}

/** Applied, or why not: information for attributes with no Graph property, a warning otherwise. */
function appliedCell(p: ModifiedProperty, staging: boolean): View {
  // Results written before the field existed have no `applied`: they listed applied changes only.
  if (p.applied !== false) return view`<span class="sos-applied">${staging ? 'Would be applied (staging mode)' : 'Yes'}</span>`;
  const label = p.notAppliedKind === 'ownedByEntraConnect' ? 'Pending for Entra Connect' : p.informational ? 'Information: not in Microsoft Graph' : 'Not applied';
  return view`<span class="sos-badge ${p.informational ? 'sos-badge-skipped' : 'sos-badge-warning'} sos-not-applied" data-kind="${p.notAppliedKind ?? ''}">${label}</span> <span class="sos-v">${p.notAppliedReason ?? ''}</span>`;
}
