// Steps tab: the ten steps with status, duration and details; attribute tables for the
// Import, Sync and Export steps (filterable, sortable by the report script).
import type { AttributeRow, GraphRequestRecord, OutOfScopeRule, ProvisioningObjectSummary, ProvisioningStep } from '../../engine/summary/types';
import { rowAnchor, stepAnchor } from '../anchors';
import { formatDuration, formatTimestamp, humanize, plural } from '../format';
import { view, type View, type ViewElement } from '../browser/view';
import { codeText, sortKey, valueCell } from '../values';
import { decisiveStepIndex, detailsList, errorBox, notRun, stepBadge } from './common';
import { ATTRIBUTE_DETAIL_PREFIX } from '../../engine/summary/types';

export function renderStepsTab(summary: ProvisioningObjectSummary): View {
  const steps = summary.provisioningSteps;
  const decisive = decisiveStepIndex(steps);
  const never = steps.map((step, i) => notRun(step, i, decisive));
  return view`<ol class="sos-overview">${steps.map((step, i) => view`<li class="sos-overview-item sos-status-${statusOf(step, never[i]!)}${i === decisive ? ' sos-decisive' : ''}">
<a class="sos-steplink" href="#${stepAnchor(i)}"><span class="sos-step-no">${step.stepNumber ?? i + 1}</span> <span class="sos-step-name">${step.name}</span></a> ${stepBadge(step, never[i]!)}${i === decisive ? decidedMark(step) : null}${decisive >= 0 && i > decisive && !never[i] ? afterMark : null} <span class="sos-muted sos-dur">${never[i] ? '' : formatDuration(step.durationInMilliseconds)}</span>
</li>`)}</ol>
${steps.map((step, i) => renderStep(step, i, i === decisive, never[i]!))}`;
}

const statusOf = (step: ProvisioningStep, never: boolean) => (never ? 'notrun' : ['success', 'warning', 'failure', 'skipped'].includes(step.status) ? step.status : 'unknown');

// A check that still ran after the deciding step (the scoping checks all run): its result is
// information, not a verdict, so it must not read like the object passed.
const afterMark = view` <span class="sos-muted sos-after">(checked after the decision; does not change the result)</span>`;

function decidedMark(step: ProvisioningStep): View {
  return view` <span class="sos-decided">${step.status === 'failure' ? '\u25B6 Failed here' : '\u25B6 Decided here: not in sync scope'}</span>`;
}

function renderStep(step: ProvisioningStep, index: number, decisive: boolean, never: boolean): View {
  // Attribute info rows are also flattened into details for the plain Graph shape; the
  // attribute table shows them here, so the list does not repeat them.
  const plainDetails = step.attributes?.length
    ? Object.fromEntries(Object.entries(step.details ?? {}).filter(([key]) => !key.startsWith(ATTRIBUTE_DETAIL_PREFIX)))
    : (step.details ?? {});
  const block = view`<details class="sos-step sos-status-${statusOf(step, never)}${decisive ? ' sos-decisive' : ''}" id="${stepAnchor(index)}" open>
<summary><span class="sos-step-no">${step.stepNumber ?? index + 1}</span> <span class="sos-step-name">${step.name}</span> ${stepBadge(step, never)}${decisive ? decidedMark(step) : null} <span class="sos-muted sos-dur">${never ? '' : formatDuration(step.durationInMilliseconds)}</span></summary>
<div class="sos-step-body">
${step.description ? view`<p class="sos-desc">${step.description}</p>` : null}
<p class="sos-muted sos-step-meta">Type: ${humanize(step.provisioningStepType)} &middot; started ${formatTimestamp(step.startDateTime)} &middot; took ${formatDuration(step.durationInMilliseconds)}</p>
${Object.keys(plainDetails).length ? view`<h4>Details</h4>${detailsList(plainDetails)}` : null}
${step.errorInformation ? stepErrorBox(step) : null}
${step.outOfScopeRules?.length ? view`<h4>Rules not in scope</h4>${outOfScopeRulesTable(step.outOfScopeRules)}` : null}
${step.graphRequests?.length ? view`<h4>Microsoft Graph requests</h4>${graphRequestsTable(step.graphRequests)}` : null}
${step.attributes ? attributeTable(step, index) : null}
</div>
</details>`;
  // A step that never ran has nothing to show: it stays folded.
  if (never) delete (block.nodes[0] as ViewElement).attrs.open;
  return block;
}

function yesNo(value: boolean | undefined): string {
  return value === undefined ? '' : value ? 'Yes' : 'No';
}

function attributeTable(step: ProvisioningStep, index: number): View {
  const rows = step.attributes ?? [];
  const isExport = step.provisioningStepType === 'export';
  const hasNotes = rows.some((r) => r.note);
  const columns = ['Name', 'Multi-valued', 'Type', 'Value', 'Value add', 'Value delete', 'Operation', 'Sync rule', 'Mapping type', 'Data source',
    ...(isExport ? ['Exportable'] : []), ...(hasNotes ? ['Note'] : [])];
  const changed = rows.filter((r) => r.operation && r.operation !== 'none').length;
  return view`<div class="sos-attrs">
<div class="sos-tools" hidden><label>Filter attributes <input type="search" class="sos-filter" autocomplete="off" spellcheck="false" aria-label="Filter the attributes of step ${index + 1}"></label> <label><input type="checkbox" class="sos-changed-only"> Changed only</label> <span class="sos-filter-count sos-muted" aria-live="polite"></span></div>
<table class="sos-table sos-attr-table">
<caption>Attribute info: ${plural(rows.length, 'attribute')}, ${changed} changed</caption>
<thead><tr>${columns.map((c) => view`<th scope="col"><button type="button" class="sos-sort">${c}</button></th>`)}</tr></thead>
<tbody>${rows.map((row, r) => attributeRow(row, rowAnchor(index, r), isExport, hasNotes))}</tbody>
</table>
</div>`;
}

function attributeRow(row: AttributeRow, id: string, isExport: boolean, hasNotes: boolean): View {
  const classes = ['sos-op-' + (['add', 'update', 'delete', 'none'].includes(row.operation) ? row.operation : 'unknown')];
  if (row.exportable === false) classes.push('sos-not-exportable');
  const mv = row.isMultiValued === true;
  return view`<tr id="${id}" class="${classes.join(' ')}">
<th scope="row" class="sos-attr-name"><span class="sos-v">${row.name}</span></th>
<td>${yesNo(row.isMultiValued)}</td>
<td>${row.type}</td>
<td data-sort="${sortKey(row.value)}">${valueCell(row.value, mv)}</td>
<td data-sort="${sortKey(row.valueAdd)}">${valueCell(row.valueAdd, mv)}</td>
<td data-sort="${sortKey(row.valueDelete)}">${valueCell(row.valueDelete, mv)}</td>
<td>${humanize(row.operation)}</td>
<td>${row.syncRule}</td>
<td>${row.mappingType}</td>
<td data-sort="${row.dataSource ?? ''}">${row.dataSource ? codeText(row.dataSource) : null}</td>
${isExport ? view`<td>${row.exportable === false ? view`<span class="sos-badge ${row.notExportableKind === 'noGraphProperty' ? 'sos-badge-skipped' : 'sos-badge-warning'}">No${row.notExportableKind ? view` (${humanize(row.notExportableKind)})` : null}</span>` : yesNo(row.exportable)}</td>` : null}
${hasNotes ? view`<td>${row.note}</td>` : null}
</tr>`;
}

export function outOfScopeRulesTable(rules: readonly OutOfScopeRule[]): View {
  return view`<table class="sos-table sos-rules-table">
<thead><tr><th scope="col">Sync rule</th><th scope="col">Direction</th><th scope="col">Why not in scope</th></tr></thead>
<tbody>${rules.map((rule) => view`<tr>
<th scope="row"><span class="sos-v">${rule.ruleName}</span></th>
<td>${humanize(rule.direction)}</td>
<td>${rule.disabled ? view`<p>The rule is disabled.</p>` : null}${rule.failedClauses?.length ? view`<p>These scoping conditions were not satisfied:</p><ul class="sos-clauses">${rule.failedClauses.map((c) => view`<li><code class="sos-v">${c.attribute} ${c.operator}${c.value === '' ? '' : ' '}${c.value}</code> <span class="sos-muted">(actual: ${c.actual === null ? view`<em>not present</em>` : view`<code class="sos-v">${c.actual}</code>`})</span></li>`)}</ul>` : null}</td>
</tr>`)}</tbody>
</table>`;
}

export function graphRequestsTable(requests: readonly GraphRequestRecord[]): View {
  return view`<table class="sos-table sos-graph-table">
<thead><tr><th scope="col">Request</th><th scope="col">Status</th><th scope="col">Duration</th><th scope="col">request-id</th><th scope="col">client-request-id</th><th scope="col">Retry-After</th></tr></thead>
<tbody>${requests.map((g) => view`<tr class="${g.status >= 400 ? 'sos-http-error' : ''}">
<td><code class="sos-v">${g.method} ${g.path}</code></td>
<td>${g.status >= 400 ? view`<span class="sos-badge sos-badge-failure">${g.status}</span>` : String(g.status)}</td>
<td>${formatDuration(g.durationInMilliseconds)}</td>
<td><code class="sos-v">${g.requestId}</code></td>
<td><code class="sos-v">${g.clientRequestId}</code></td>
<td>${typeof g.retryAfterSeconds === 'number' ? `${g.retryAfterSeconds} s` : ''}</td>
</tr>`)}</tbody>
</table>`;
}

/** A step's error: a warning, an error, or for a skipped step why the object is not synced. */
export function stepErrorBox(step: ProvisioningStep): View {
  const error = step.errorInformation!;
  if (step.status === 'warning') return errorBox(error, 'Warning', 'warning');
  if (step.status === 'skipped') return errorBox(error, 'Not synced', 'skipped');
  return errorBox(error, 'Error');
}
