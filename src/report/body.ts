// The report built once, as data: buildReportModel turns a provisioningObjectSummary into the
// header facts and the four tabs (ViewNode trees, see ./browser/model). The standalone .htm
// file writes that model as HTML (renderReportBody); the VS Code panel receives the model
// itself and renders the same tree. Neither holds <style>/<script> or inline style/event
// attributes. Without the report script the panels show one after another, the tab bar as
// a table of contents.
import type { ProvisioningObjectSummary } from '../engine/summary/types';
import { reportView, type ReportModel, type TabId, type TabModel } from './browser/model';
import { view } from './browser/view';
import { formatDuration, formatTimestamp, humanize } from './format';
import { redactSummary } from './redact';
import { badge } from './tabs/common';
import { renderModifiedTab } from './tabs/modified';
import { renderStepsTab } from './tabs/steps';
import { renderSummaryTab } from './tabs/summary';
import { renderTroubleshootingTab } from './tabs/troubleshooting';
import { clipped } from './values';
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

/** The RDN value of a DN, for a title when the object has no display name ("Alice Wu" of CN=Alice Wu,OU=...). */
function leafName(dn: string | undefined): string | undefined {
  const match = dn ? /^[^=]+=((?:\\.|[^,\\])*)/.exec(dn) : null;
  return match ? match[1]!.replace(/\\(.)/g, '$1') : undefined;
}

export function buildReportModel(summary: ProvisioningObjectSummary, options: ReportOptions): ReportModel {
  return buildPreparedModel(prepareSummary(summary, options), options);
}

/** The model of a result that prepareSummary already validated and redacted. */
export function buildPreparedModel(safe: ProvisioningObjectSummary, options: ReportOptions): ReportModel {
  const generatedAt = options.generatedAt ?? new Date();
  const status = safe.provisioningStatusInfo.status;
  const staging = safe.stagingMode === true || safe.targetSystem?.details?.stagingMode === 'True';
  const failing = status === 'failure' || status === 'warning';
  const dn = safe.sourceIdentity?.details?.distinguishedName;
  // An object that could not be read has its DN as display name: the title shows its RDN value.
  const given = safe.sourceIdentity?.displayName;
  // Clipped for the title and the subject line: the Summary tab shows the whole name, folded.
  const displayName = clipped((given && given !== dn ? given : leafName(dn)) || given || safe.id);
  const mode = staging ? 'Preview' : 'Sync';
  const tabs: TabModel[] = [
    { id: 'steps', title: titles.steps, content: renderStepsTab(safe).nodes },
    { id: 'troubleshooting', title: titles.troubleshooting, ...(failing ? { alert: humanize(status) } : {}), content: renderTroubleshootingTab(safe).nodes },
    { id: 'modified', title: titles.modified, count: (safe.modifiedProperties ?? []).length, content: renderModifiedTab(safe).nodes },
    { id: 'summary', title: titles.summary, content: renderSummaryTab(safe, { toolVersion: options.toolVersion, generatedAt, redacted: options.redactAttributes ?? [] }).nodes },
  ];
  const action = humanize(staging && safe.plannedProvisioningAction ? safe.plannedProvisioningAction : safe.provisioningAction);
  return {
    title: `${displayName} \u00b7 ${mode} \u00b7 ${humanize(status) || 'Unknown'}`,
    displayName,
    ...(dn ? { distinguishedName: clipped(dn) } : {}),
    status,
    mode,
    headline: view`${badge(status)} <span>${action}</span> <span class="sos-muted">&middot; ${formatTimestamp(safe.activityDateTime)} &middot; ${formatDuration(safe.durationInMilliseconds)}</span>${staging ? view` <span class="sos-badge sos-badge-staging">Staging mode: nothing exported</span>` : null}`.nodes,
    // A failed sync opens on Troubleshooting, the tab that says what to do.
    initialTab: failing ? 'troubleshooting' : 'steps',
    tabs,
    footer: view`Single Object Sync ${options.toolVersion} &middot; report generated ${formatTimestamp(generatedAt)}${options.redactAttributes?.length ? view` &middot; values of ${options.redactAttributes.join(', ')} redacted` : null}`.nodes,
  };
}

export function renderReportBody(summary: ProvisioningObjectSummary, options: ReportOptions): string {
  return reportView(buildReportModel(summary, options)).value;
}
