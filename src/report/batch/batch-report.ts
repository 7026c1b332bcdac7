// The batch report: one self-contained .htm for a whole batch. The counts, then one row per
// object (sortable, filterable) linking to that object's own four-tab report, and for
// --what-if-config the per-object comparison and the deletion threshold verdict. Every value
// goes through the escaping html`` template (AD data is untrusted); the Content-Security-
// Policy allows only this page's own style and script, by hash.
import type { BatchTally } from '../../engine/batch/tally';
import { deletionVerdict, type WhatIfEntry, type WhatIfTotals } from '../../engine/batch/what-if';
import { html, join, type SafeHtml } from '../html';
import { batchReportScript } from './batch-script';
import { batchReportStyles } from './batch-styles';
import { hashPolicy, standaloneDocument } from '../standalone';

export interface BatchReportRow {
  index: number;
  dn: string;
  displayName: string;
  objectClass: string;
  status: string;
  action: string;
  errorCode?: string;
  reason?: string;
  modified: number;
  durationInMilliseconds: number;
  /** Relative link to the object's own report, when one was written. */
  reportHref?: string;
}

export interface BatchReportData {
  toolVersion: string;
  generatedAt: Date;
  mode: 'staging' | 'export' | 'what-if';
  /** What the batch ran over, in words (search base and filter, or input file). */
  scope: string;
  tally: BatchTally;
  done: number;
  notDone: number;
  cancelled: boolean;
  durationInMilliseconds: number;
  graphRequests: number;
  rows: BatchReportRow[];
  notes?: string[];
  /** `applying`: what to run on the Entra Connect server for the change to take effect (howToApply). */
  whatIf?: { proposedConfiguration: string; entries: WhatIfEntry[]; totals: WhatIfTotals; applying?: string[] };
}

const contentSecurityPolicy = hashPolicy(batchReportStyles, batchReportScript);

/** Only links this tool wrote: a relative path of the objects/ folder, nothing from data. */
const safeRelativeHref = (href: string | undefined) => (href && /^objects\/[A-Za-z0-9._-]+\.htm$/.test(href) ? href : undefined);

function countTable(title: string, counts: Record<string, number>): SafeHtml {
  const entries = Object.entries(counts).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return html`<table><caption>${title}</caption><tbody>${entries.length ? entries.map(([k, n]) => html`<tr><th scope="row">${k}</th><td data-sort="${n}">${n}</td></tr>`) : html`<tr><td>none</td></tr>`}</tbody></table>`;
}

function objectsTable(rows: readonly BatchReportRow[]): SafeHtml {
  const columns: [string, 'number' | 'text'][] = [['#', 'number'], ['Object', 'text'], ['Distinguished name', 'text'], ['Type', 'text'], ['Status', 'text'], ['Action', 'text'], ['Error code', 'text'], ['Reason', 'text'], ['Changes', 'number'], ['ms', 'number']];
  const head = join(columns.map(([name, type], col) => html`<th scope="col"><button type="button" data-col="${col}" data-type="${type}">${name}</button></th>`));
  const body = join(rows.map((r) => {
    const href = safeRelativeHref(r.reportHref);
    const name = href ? html`<a href="${href}">${r.displayName || r.dn}</a>` : html`${r.displayName || r.dn}`;
    return html`<tr data-index="${r.index}" data-status="${r.status}"><td data-sort="${r.index}">${r.index}</td><td>${name}</td><td class="sos-dn">${r.dn}</td><td>${r.objectClass}</td><td class="sos-status-${r.status}">${r.status}</td><td>${r.action}</td><td>${r.errorCode ?? ''}</td><td>${r.reason ?? ''}</td><td data-sort="${r.modified}">${r.modified}</td><td data-sort="${Math.round(r.durationInMilliseconds)}">${Math.round(r.durationInMilliseconds)}</td></tr>`;
  }));
  const statuses = ['success', 'warning', 'failure', 'skipped'];
  return html`<div class="sos-tools"><label>Filter <input id="sos-batch-filter" type="search" placeholder="name, DN, error code..." autocomplete="off"></label>
<label>Status <select id="sos-batch-status"><option value="">all</option>${statuses.map((s) => html`<option value="${s}">${s}</option>`)}</select></label>
<span id="sos-batch-shown" class="sos-muted" aria-live="polite">${rows.length} of ${rows.length} shown</span></div>
<table id="sos-batch-table" class="sos-batch"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function whatIfSection(whatIf: NonNullable<BatchReportData['whatIf']>): SafeHtml {
  const t = whatIf.totals;
  const verdict = t.exceedsThreshold
    ? html`<div class="sos-alert" id="sos-whatif-threshold"><strong>${t.deletes} deletes exceed Entra Connect's export deletion threshold of ${t.threshold}.</strong> Entra Connect would stop the export before deleting any object, and export nothing else either, until an administrator acts. If the deletes are intended, on the Entra Connect server note the threshold (Get-ADSyncExportDeletionThreshold), run Disable-ADSyncExportDeletionThreshold, run Export on the Microsoft Entra ID connector, then Enable-ADSyncExportDeletionThreshold -DeletionThreshold ${t.threshold} (or the value noted); if not, fix the proposed filtering first.</div>`
    : t.byOutcome.undetermined > 0 || t.thresholdDisabled
      ? html`<div class="${t.mayExceedThreshold ? 'sos-alert' : 'sos-warn'}" id="sos-whatif-threshold">${deletionVerdict(t)}</div>`
      : html`<div class="sos-ok" id="sos-whatif-threshold">${t.deletes} delete(s): within Entra Connect's export deletion threshold of ${t.threshold} (the export would not be stopped). Entra Connect counts every delete of one export run, objects outside this scope and objects deleted in Active Directory too: ${Math.max(1, t.threshold - t.deletes + 1)} more would stop it. Deletes are still deletes: check every object listed below.</div>`;
  const source = t.thresholdSource ? html`<p class="sos-muted" id="sos-whatif-threshold-source">Deletion threshold checked: ${t.thresholdDisabled ? 'disabled' : String(t.threshold)}, from ${t.thresholdSource}.${t.thresholdNote ? ` ${t.thresholdNote}` : ''}</p>` : '';
  const changed = whatIf.entries.filter((e) => e.outcome !== 'unchanged');
  const rows = join(changed.map((e) => html`<tr data-outcome="${e.outcome}"><td${e.outcome === 'delete' ? html` class="sos-delete"` : ''}>${e.outcome === 'delete' ? 'DELETE' : e.outcome}</td><td>${e.displayName}</td><td class="sos-dn">${e.dn}</td><td>${e.explanation}</td><td>${e.changes.length ? html`<pre>${e.changes.map((c) => `${c.attribute}: ${c.current ?? '(none)'} -> ${c.noLongerSynchronized ? '(no longer synchronized; the cloud value stays)' : c.proposed ?? '(none)'}`).join('\n')}</pre>` : ''}</td></tr>`));
  return html`<section id="sos-whatif"><h2>What the proposed configuration would do</h2>
<p class="sos-muted">Proposed: <span class="sos-dn">${whatIf.proposedConfiguration}</span>. Both configurations were run in staging mode over the same objects; nothing was written.</p>
${verdict}
${source}
${whatIf.applying?.length ? html`<div id="sos-whatif-applying"><h3>Applying it on the Entra Connect server</h3><ul>${whatIf.applying.map((l) => html`<li>${l}</li>`)}</ul></div>` : ''}
<div class="sos-counts">${countTable('Outcomes', t.byOutcome)}</div>
<table class="sos-batch" id="sos-whatif-table"><thead><tr><th>Outcome</th><th>Object</th><th>Distinguished name</th><th>Explanation</th><th>Attribute changes</th></tr></thead><tbody>${changed.length ? rows : html`<tr><td colspan="5">No object changes.</td></tr>`}</tbody></table></section>`;
}

export function renderBatchReport(data: BatchReportData): string {
  const t = data.tally;
  const title = `Single Object Sync batch - ${data.scope} - ${t.objects} object(s), ${t.byStatus.failure} failed`;
  const seconds = data.durationInMilliseconds / 1000;
  const mode = data.mode === 'export' ? 'export (writes to Microsoft Entra ID)' : data.mode === 'what-if' ? 'what-if (staging mode, current and proposed configuration)' : 'staging mode (nothing exported)';
  const body = html`<h1>Single Object Sync: batch</h1>
<p><strong>Scope:</strong> <span class="sos-dn">${data.scope}</span><br><strong>Mode:</strong> ${mode}<br>
<strong>Objects:</strong> ${data.done} done${data.notDone ? html`, <strong>${data.notDone} not done</strong>` : ''}${data.cancelled ? ' (cancelled)' : ''} in ${seconds.toFixed(1)} s (${seconds > 0 ? (data.done / seconds).toFixed(1) : '-'} objects/s); Graph requests: ${data.graphRequests}<br>
<span class="sos-muted">Generated ${data.generatedAt.toISOString()} by Single Object Sync ${data.toolVersion}</span></p>
${data.notes?.length ? html`<ul>${data.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
${data.whatIf ? whatIfSection(data.whatIf) : ''}
<h2>Counts</h2>
<div class="sos-counts">${countTable('By status', t.byStatus)}${countTable('By action (planned)', t.byAction)}${countTable('By error code', t.byErrorCode)}</div>
<h2>Objects</h2>
${objectsTable(data.rows)}`;
  return standaloneDocument({ title, toolVersion: data.toolVersion, styles: batchReportStyles, script: batchReportScript, policy: contentSecurityPolicy, body });
}
