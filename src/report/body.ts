// The report's markup: header, the four tabs and their panels. Shared by the standalone
// .htm file and the VS Code panel, so it holds no <style>/<script> and no inline style
// or event attributes (the panel's CSP forbids them). Without the report script the
// panels simply show one after another, with the tab bar as a table of contents.
import type { ProvisioningObjectSummary } from '../engine/summary/types';
import { panelId, tabId, type TabId } from './anchors';
import { formatDuration, formatTimestamp, humanize } from './format';
import { html, type SafeHtml } from './html';
import { redactSummary } from './redact';
import { badge } from './tabs/common';
import { renderModifiedTab } from './tabs/modified';
import { renderStepsTab } from './tabs/steps';
import { renderSummaryTab } from './tabs/summary';
import { renderTroubleshootingTab } from './tabs/troubleshooting';
import { assertRedactionList, assertRenderableSummary } from './validate';

export interface ReportOptions {
  /** Attribute names whose values are masked before rendering (CLI --redact, config redactAttributes). */
  redactAttributes?: string[];
  toolVersion: string;
  /** When the report is produced; defaults to now. */
  generatedAt?: Date;
}

const titles: Record<TabId, string> = {
  steps: 'Steps',
  troubleshooting: 'Troubleshooting & Recommendation',
  modified: 'Modified Properties',
  summary: 'Summary',
};

/** Validates and redacts the result: what every renderer works from. */
export function prepareSummary(summary: unknown, options: ReportOptions): ProvisioningObjectSummary {
  assertRenderableSummary(summary);
  const redact = options.redactAttributes ?? [];
  assertRedactionList(redact);
  return redactSummary(summary, redact);
}

export function renderReportBody(summary: ProvisioningObjectSummary, options: ReportOptions): string {
  return renderPreparedBody(prepareSummary(summary, options), options);
}

/** The body of a result that prepareSummary already validated and redacted. */
export function renderPreparedBody(safe: ProvisioningObjectSummary, options: ReportOptions): string {
  const generatedAt = options.generatedAt ?? new Date();
  const status = safe.provisioningStatusInfo.status;
  const staging = safe.targetSystem?.details?.stagingMode === 'True';
  const failing = status === 'failure' || status === 'warning';
  const dn = safe.sourceIdentity?.details?.distinguishedName;
  const counts: Partial<Record<TabId, SafeHtml>> = {
    modified: html` <span class="sos-tab-count">${(safe.modifiedProperties ?? []).length}</span>`,
    troubleshooting: failing ? html` <span class="sos-tab-alert" title="${humanize(status)}">!</span>` : undefined,
  };
  const panels: Record<TabId, SafeHtml> = {
    steps: renderStepsTab(safe),
    troubleshooting: renderTroubleshootingTab(safe),
    modified: renderModifiedTab(safe),
    summary: renderSummaryTab(safe, { toolVersion: options.toolVersion, generatedAt, redacted: options.redactAttributes ?? [] }),
  };
  const order: TabId[] = ['steps', 'troubleshooting', 'modified', 'summary'];
  // A failed sync opens on Troubleshooting, the tab that says what to do.
  const initial: TabId = failing ? 'troubleshooting' : 'steps';

  return html`<div class="sos-report" data-initial-tab="${initial}">
<header class="sos-header">
<h1>Single Object Sync result</h1>
<p class="sos-subject"><span class="sos-v sos-subject-name">${safe.sourceIdentity?.displayName || dn || safe.id}</span>${dn ? html` <span class="sos-muted sos-v">${dn}</span>` : null}</p>
<p class="sos-headline">${badge(status)} <span>${humanize(staging && safe.plannedProvisioningAction ? safe.plannedProvisioningAction : safe.provisioningAction)}</span> <span class="sos-muted">&middot; ${formatTimestamp(safe.activityDateTime)} &middot; ${formatDuration(safe.durationInMilliseconds)}</span>${staging ? html` <span class="sos-badge sos-badge-staging">Staging mode: nothing exported</span>` : null}</p>
</header>
<nav class="sos-tabs" aria-label="Report sections">${order.map((t) => html`<a class="sos-tab" id="${tabId(t)}" href="#${panelId(t)}" data-tab="${t}">${titles[t]}${counts[t]}</a>`)}</nav>
${order.map((t) => html`<section class="sos-panel" id="${panelId(t)}" aria-labelledby="${tabId(t)}" data-tab="${t}">
<h2 class="sos-panel-title">${titles[t]}</h2>
${panels[t]}
</section>`)}
<footer class="sos-footer sos-muted">Single Object Sync ${options.toolVersion} &middot; report generated ${formatTimestamp(generatedAt)}${options.redactAttributes?.length ? html` &middot; values of ${options.redactAttributes.join(', ')} redacted` : null}</footer>
</div>`.value;
}
