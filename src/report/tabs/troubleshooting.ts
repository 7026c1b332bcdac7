// Troubleshooting & Recommendation tab: what failed and what to do, the rule clauses that
// kept the object out of scope, Graph request ids and Retry-After; or, plainly, that
// nothing failed.
import type { ConflictingObject, GraphRequestRecord, OutOfScopeRule, ProvisioningObjectSummary, ProvisioningStep } from '../../engine/summary/types';
import { rowAnchor, stepAnchor } from '../anchors';
import { plural } from '../format';
import { view, type View } from '../browser/view';
import { errorBox } from './common';
import { graphRequestsTable, outOfScopeRulesTable, stepErrorBox } from './steps';

/** A Retry-After beyond a day is no wait anyone should make (the Graph adapter does not wait for it either). */
const USABLE_RETRY_AFTER_SECONDS = 86_400;

interface Located<T> { step: ProvisioningStep; index: number; item: T }

export function renderTroubleshootingTab(summary: ProvisioningObjectSummary): View {
  const status = summary.provisioningStatusInfo.status;
  const error = summary.provisioningStatusInfo.errorInformation;
  const steps = summary.provisioningSteps;
  const problemSteps = steps.map((step, index) => ({ step, index })).filter(({ step }) => step.status === 'failure' || step.status === 'warning');
  const requests: Located<GraphRequestRecord>[] = steps.flatMap((step, index) => (step.graphRequests ?? []).map((item) => ({ step, index, item })));
  const retries = requests.filter((r) => typeof r.item.retryAfterSeconds === 'number');
  const failedRequests = requests.filter((r) => r.item.status >= 400);
  const rules: Located<OutOfScopeRule>[] = steps.flatMap((step, index) => (step.outOfScopeRules ?? []).map((item) => ({ step, index, item })));
  const notExportable = steps.flatMap((step, index) =>
    step.provisioningStepType === 'export' ? (step.attributes ?? []).map((row, r) => ({ row, anchor: rowAnchor(index, r) })).filter(({ row }) => row.exportable === false) : []);
  const tenantErrors = summary.tenantProvisioningErrors ?? [];
  const conflicts = conflictingObjects(summary);
  const nothingFailed = (status === 'success' || status === 'skipped') && !error && problemSteps.length === 0 && failedRequests.length === 0 && tenantErrors.length === 0;
  const failedStepIndexes = new Set(problemSteps.map((p) => p.index));
  // Rules matter most when they explain a failing step; otherwise they are background.
  const relevantRules = rules.filter((r) => failedStepIndexes.has(r.index));
  const backgroundRules = rules.filter((r) => !failedStepIndexes.has(r.index));

  return view`${nothingFailed
    ? view`<p class="sos-ok" role="status">Nothing failed. All ${plural(steps.length, 'step')} finished without an error${steps.some((s) => s.status === 'skipped') ? ' (skipped steps did not apply)' : ''}; there is nothing to fix.</p>`
    : null}
${error ? (status === 'warning' ? errorBox(error, 'Warning', 'warning') : status === 'skipped' ? errorBox(error, 'Not synced (out of sync scope)', 'skipped') : errorBox(error, 'Error')) : null}
${!nothingFailed && !error && problemSteps.length === 0 ? view`<p class="sos-warn">The sync did not succeed (${status}), but no error information was recorded.</p>` : null}
${problemSteps.length ? view`<h3>Steps that did not succeed</h3><ul class="sos-problem-steps">${problemSteps.map(({ step, index }) => view`<li>
<a href="#${stepAnchor(index)}">Step ${step.stepNumber ?? index + 1}: ${step.name}</a> &mdash; ${step.status}${step.description ? view`<p>${step.description}</p>` : null}
${step.errorInformation && !sameError(step, error) ? stepErrorBox(step) : null}
</li>`)}</ul>` : null}
${conflicts.length ? conflictsTable(conflicts) : null}
${tenantErrors.length ? view`<h3>Recorded by Microsoft Entra ID on this object</h3><p>The tenant's own record of provisioning problems on the matched object (onPremisesProvisioningErrors, serviceProvisioningErrors): quote these when you open a support case.</p>
<table class="sos-table sos-tenant-errors"><thead><tr><th scope="col">Source</th><th scope="col">Category</th><th scope="col">Property</th><th scope="col">Value</th><th scope="col">Since</th></tr></thead>
<tbody>${tenantErrors.map((e) => view`<tr><td>${e.source}</td><td>${e.category}${e.isResolved === true ? ' (resolved)' : ''}</td><td class="sos-v">${e.propertyCausingError ?? ''}</td><td class="sos-v">${e.value ?? ''}</td><td>${e.occurredDateTime ?? ''}</td></tr>`)}</tbody></table>` : null}
${relevantRules.length ? view`<h3>Rule clauses that put the object out of scope</h3>${outOfScopeRulesTable(relevantRules.map((r) => r.item))}` : null}
${retries.length ? view`<h3>Throttling</h3><p class="sos-warn">Microsoft Graph asked to wait before retrying (Retry-After): ${retries.map((r, i) => view`${i ? ', ' : ''}<strong>${r.item.retryAfterSeconds} s</strong>${Number(r.item.retryAfterSeconds) > USABLE_RETRY_AFTER_SECONDS ? ' (more than a day: no usable wait)' : ''} on <code class="sos-v">${r.item.method} ${r.item.path}</code>`)}. Import from and export to Microsoft Entra ID are throttled; wait at least that long, up to a day (Entra Connect's guidance: 5 minutes), before running the sync again.</p>` : null}
${failedRequests.length ? view`<h3>Failed Microsoft Graph requests</h3><p>Quote the request-id and client-request-id when you open a support case.</p>${graphRequestsTable(failedRequests.map((r) => r.item))}` : null}
${notExportable.length ? view`<h3>Not exportable through Microsoft Graph</h3><p>${plural(notExportable.length, 'attribute')} in the export could not be written through Microsoft Graph and ${notExportable.length === 1 ? 'was' : 'were'} reported, not sent:</p>
<ul>${notExportable.map(({ row, anchor }) => view`<li><a class="sos-rowlink" href="#${anchor}"><span class="sos-v">${row.name}</span></a>${row.note ? view` &mdash; ${row.note}` : null}</li>`)}</ul>` : null}
${requests.length > failedRequests.length ? view`<details class="sos-more"><summary>All Microsoft Graph requests (${requests.length})</summary>${graphRequestsTable(requests.map((r) => r.item))}</details>` : null}
${backgroundRules.length ? view`<details class="sos-more"><summary>Sync rules that did not apply (${backgroundRules.length})</summary>${outOfScopeRulesTable(backgroundRules.map((r) => r.item))}</details>` : null}`;
}

function sameError(step: ProvisioningStep, error: ProvisioningObjectSummary['provisioningStatusInfo']['errorInformation']): boolean {
  return !!error && step.errorInformation?.errorCode === error.errorCode && step.errorInformation.reason === error.reason;
}

/** Every conflicting object named by the result's or a step's error, once each (by id, attribute and value). */
export function conflictingObjects(summary: ProvisioningObjectSummary): ConflictingObject[] {
  const all = [summary.provisioningStatusInfo.errorInformation, ...summary.provisioningSteps.map((s) => s.errorInformation)].flatMap((e) => e?.conflictingObjects ?? []);
  const seen = new Set<string>();
  return all.filter((c) => {
    const key = `${c.id}\n${c.attribute}\n${c.value ?? ''}`.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const objectId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The object's page in the Microsoft Entra admin center (users and groups; ids that are not GUIDs get no link). */
export function entraAdminCenterUrl(conflict: ConflictingObject): string | undefined {
  if (!objectId.test(conflict.id)) return undefined;
  if (conflict.kind === 'user') return `https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/${conflict.id}`;
  if (conflict.kind === 'group') return `https://entra.microsoft.com/#view/Microsoft_AAD_IAM/GroupDetailsMenuBlade/~/Overview/groupId/${conflict.id}`;
  return undefined;
}

function conflictsTable(conflicts: readonly ConflictingObject[]): View {
  return view`<h3>Conflicting objects in Microsoft Entra ID</h3>
<p>${conflicts.length === 1 ? 'This object already holds' : 'These objects already hold'} a value that must be unique in the tenant. Decide which object keeps the value and remove it from the other at its source.</p>
<table class="sos-table sos-conflicts">
<thead><tr><th scope="col">Object</th><th scope="col">User principal name</th><th scope="col">Clashing value</th><th scope="col">Object id</th><th scope="col">Open</th></tr></thead>
<tbody>${conflicts.map((c) => {
    const url = entraAdminCenterUrl(c);
    const label = c.displayName || c.userPrincipalName || c.id;
    return view`<tr>
<th scope="row"><span class="sos-v">${label}</span> <span class="sos-muted">(${c.kind})</span>${c.onPremisesDistinguishedName ? view`<br><span class="sos-muted sos-v">${c.onPremisesDistinguishedName}</span>` : null}</th>
<td><span class="sos-v">${c.userPrincipalName ?? ''}</span></td>
<td><span class="sos-muted">${c.attribute}:</span> <code class="sos-v">${c.value ?? ''}</code></td>
<td><code class="sos-v">${c.id}</code></td>
<td class="sos-conflict-actions">${url ? view`<a class="sos-external" href="${url}" target="_blank" rel="noopener noreferrer" aria-label="Open ${label} in the Microsoft Entra admin center">Microsoft Entra admin center</a>` : null}${c.onPremisesDistinguishedName ? view` <button type="button" class="sos-preview-object" data-dn="${c.onPremisesDistinguishedName}" aria-label="Preview ${label} (staging mode)">Preview this object</button>` : null}</td>
</tr>`;
  })}</tbody>
</table>`;
}
