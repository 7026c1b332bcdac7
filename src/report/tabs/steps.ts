// Steps tab: the ten steps with status, duration and details; attribute tables for the
// Import, Sync and Export steps (filterable, sortable by the report script).
import type { AttributeRow, GraphRequestRecord, OutOfScopeRule, ProvisioningObjectSummary, ProvisioningStep } from '../../engine/summary/types';
import { rowAnchor, stepAnchor } from '../anchors';
import { formatDuration, formatTimestamp, humanize, plural } from '../format';
import { html, type SafeHtml } from '../html';
import { codeText, sortKey, valueCell } from '../values';
import { badge, detailsList, errorBox } from './common';
import { ATTRIBUTE_DETAIL_PREFIX } from '../../engine/summary/types';

export function renderStepsTab(summary: ProvisioningObjectSummary): SafeHtml {
  const steps = summary.provisioningSteps;
  return html`<ol class="sos-overview">${steps.map((step, i) => html`<li class="sos-overview-item sos-status-${statusOf(step)}">
<a class="sos-steplink" href="#${stepAnchor(i)}"><span class="sos-step-no">${step.stepNumber ?? i + 1}</span> <span class="sos-step-name">${step.name}</span></a> ${badge(step.status)} <span class="sos-muted sos-dur">${formatDuration(step.durationInMilliseconds)}</span>
</li>`)}</ol>
${steps.map((step, i) => renderStep(step, i))}`;
}

const statusOf = (step: ProvisioningStep) => (['success', 'warning', 'failure', 'skipped'].includes(step.status) ? step.status : 'unknown');

function renderStep(step: ProvisioningStep, index: number): SafeHtml {
  // Attribute info rows are also flattened into details for the plain Graph shape; the
  // attribute table shows them here, so the list does not repeat them.
  const plainDetails = step.attributes?.length
    ? Object.fromEntries(Object.entries(step.details ?? {}).filter(([key]) => !key.startsWith(ATTRIBUTE_DETAIL_PREFIX)))
    : (step.details ?? {});
  return html`<details class="sos-step sos-status-${statusOf(step)}" id="${stepAnchor(index)}" open>
<summary><span class="sos-step-no">${step.stepNumber ?? index + 1}</span> <span class="sos-step-name">${step.name}</span> ${badge(step.status)} <span class="sos-muted sos-dur">${formatDuration(step.durationInMilliseconds)}</span></summary>
<div class="sos-step-body">
${step.description ? html`<p class="sos-desc">${step.description}</p>` : null}
<p class="sos-muted sos-step-meta">Type: ${humanize(step.provisioningStepType)} &middot; started ${formatTimestamp(step.startDateTime)} &middot; took ${formatDuration(step.durationInMilliseconds)}</p>
${Object.keys(plainDetails).length ? html`<h4>Details</h4>${detailsList(plainDetails)}` : null}
${step.errorInformation ? errorBox(step.errorInformation, step.status === 'warning' ? 'Warning' : 'Error', step.status === 'warning' ? 'warning' : 'failure') : null}
${step.outOfScopeRules?.length ? html`<h4>Rules not in scope</h4>${outOfScopeRulesTable(step.outOfScopeRules)}` : null}
${step.graphRequests?.length ? html`<h4>Microsoft Graph requests</h4>${graphRequestsTable(step.graphRequests)}` : null}
${step.attributes ? attributeTable(step, index) : null}
</div>
</details>`;
}

function yesNo(value: boolean | undefined): string {
  return value === undefined ? '' : value ? 'Yes' : 'No';
}

function attributeTable(step: ProvisioningStep, index: number): SafeHtml {
  const rows = step.attributes ?? [];
  const isExport = step.provisioningStepType === 'export';
  const hasNotes = rows.some((r) => r.note);
  const columns = ['Name', 'Multi-valued', 'Type', 'Value', 'Value add', 'Value delete', 'Operation', 'Sync rule', 'Mapping type', 'Data source',
    ...(isExport ? ['Exportable'] : []), ...(hasNotes ? ['Note'] : [])];
  const changed = rows.filter((r) => r.operation && r.operation !== 'none').length;
  return html`<div class="sos-attrs">
<div class="sos-tools" hidden><label>Filter attributes <input type="search" class="sos-filter" autocomplete="off" spellcheck="false" aria-label="Filter the attributes of step ${index + 1}"></label> <label><input type="checkbox" class="sos-changed-only"> Changed only</label> <span class="sos-filter-count sos-muted" aria-live="polite"></span></div>
<table class="sos-table sos-attr-table">
<caption>Attribute info: ${plural(rows.length, 'attribute')}, ${changed} changed</caption>
<thead><tr>${columns.map((c) => html`<th scope="col"><button type="button" class="sos-sort">${c}</button></th>`)}</tr></thead>
<tbody>${rows.map((row, r) => attributeRow(row, rowAnchor(index, r), isExport, hasNotes))}</tbody>
</table>
</div>`;
}

function attributeRow(row: AttributeRow, id: string, isExport: boolean, hasNotes: boolean): SafeHtml {
  const classes = ['sos-op-' + (['add', 'update', 'delete', 'none'].includes(row.operation) ? row.operation : 'unknown')];
  if (row.exportable === false) classes.push('sos-not-exportable');
  const mv = row.isMultiValued === true;
  return html`<tr id="${id}" class="${classes.join(' ')}">
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
${isExport ? html`<td>${row.exportable === false ? html`<span class="sos-badge ${row.notExportableKind === 'noGraphProperty' ? 'sos-badge-skipped' : 'sos-badge-warning'}">No${row.notExportableKind ? html` (${humanize(row.notExportableKind)})` : null}</span>` : yesNo(row.exportable)}</td>` : null}
${hasNotes ? html`<td>${row.note}</td>` : null}
</tr>`;
}

export function outOfScopeRulesTable(rules: readonly OutOfScopeRule[]): SafeHtml {
  return html`<table class="sos-table sos-rules-table">
<thead><tr><th scope="col">Sync rule</th><th scope="col">Direction</th><th scope="col">Why not in scope</th></tr></thead>
<tbody>${rules.map((rule) => html`<tr>
<th scope="row"><span class="sos-v">${rule.ruleName}</span></th>
<td>${humanize(rule.direction)}</td>
<td>${rule.disabled ? html`<p>The rule is disabled.</p>` : null}${rule.failedClauses?.length ? html`<p>These scoping conditions were not satisfied:</p><ul class="sos-clauses">${rule.failedClauses.map((c) => html`<li><code class="sos-v">${c.attribute} ${c.operator}${c.value === '' ? '' : ' '}${c.value}</code> <span class="sos-muted">(actual: ${c.actual === null ? html`<em>not present</em>` : html`<code class="sos-v">${c.actual}</code>`})</span></li>`)}</ul>` : null}</td>
</tr>`)}</tbody>
</table>`;
}

export function graphRequestsTable(requests: readonly GraphRequestRecord[]): SafeHtml {
  return html`<table class="sos-table sos-graph-table">
<thead><tr><th scope="col">Request</th><th scope="col">Status</th><th scope="col">Duration</th><th scope="col">request-id</th><th scope="col">client-request-id</th><th scope="col">Retry-After</th></tr></thead>
<tbody>${requests.map((g) => html`<tr class="${g.status >= 400 ? 'sos-http-error' : ''}">
<td><code class="sos-v">${g.method} ${g.path}</code></td>
<td>${g.status >= 400 ? html`<span class="sos-badge sos-badge-failure">${g.status}</span>` : String(g.status)}</td>
<td>${formatDuration(g.durationInMilliseconds)}</td>
<td><code class="sos-v">${g.requestId}</code></td>
<td><code class="sos-v">${g.clientRequestId}</code></td>
<td>${typeof g.retryAfterSeconds === 'number' ? `${g.retryAfterSeconds} s` : ''}</td>
</tr>`)}</tbody>
</table>`;
}
