// Small building blocks shared by the tabs.
import type { ProvisioningErrorInfo, ProvisioningStep } from '../../engine/summary/types';
import { humanize, statusClass } from '../format';
import { safeHttpUrl } from '../html';
import { view, type View } from '../browser/view';
import { plainValue } from '../values';

export function badge(status: string): View {
  return view`<span class="sos-badge sos-badge-${statusClass(status)}">${humanize(status) || 'Unknown'}</span>`;
}

/**
 * A step that never ran: skipped without an error of its own, because a prerequisite did not
 * succeed ("Not run: ...") or because it comes after the step that decided the result.
 */
export function notRun(step: ProvisioningStep, index: number, decisive: number): boolean {
  if (step.status !== 'skipped' || step.errorInformation) return false;
  return /^Not run\b/.test(step.details?.SkipReason ?? '') || (decisive >= 0 && index > decisive);
}

/** The step that decided the result: the first that failed or put the object out of scope. */
export function decisiveStepIndex(steps: readonly ProvisioningStep[]): number {
  return steps.findIndex((s) => s.status === 'failure' || (s.status === 'skipped' && !!s.errorInformation));
}

/** A step's badge: "Not run" for a step that never ran, else its status. */
export function stepBadge(step: ProvisioningStep, notRunStep: boolean): View {
  return notRunStep ? view`<span class="sos-badge sos-badge-notrun">Not run</span>` : badge(step.status);
}

/** A link only for http(s) URLs; anything else (javascript:, data:, ...) is shown as text. */
export function externalLink(url: string | null | undefined, label?: string): View | null {
  if (!url) return null;
  const href = safeHttpUrl(url);
  if (!href) return view`<span class="sos-v">${url}</span>`;
  return view`<a class="sos-external" href="${href}" target="_blank" rel="noopener noreferrer">${label ?? href}</a>`;
}

/** Key/value list; empty values are left out unless keepEmpty. */
export function definitionList(entries: ReadonlyArray<readonly [string, View | string | null | undefined]>, keepEmpty = false): View | null {
  const shown = entries.filter(([, v]) => keepEmpty || (v !== null && v !== undefined && String(v) !== ''));
  if (shown.length === 0) return null;
  return view`<dl class="sos-kv">${shown.map(([k, v]) => view`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

export function detailsList(details: Record<string, string> | undefined): View | null {
  // A detail may quote a value from AD: cut as in the attribute cells.
  const entries = Object.entries(details ?? {}).map(([k, v]) => [k, plainValue(String(v))] as const);
  return definitionList(entries, true);
}

/** An error, a warning, or (tone skipped) why the object is not synced: not shown as an error. */
export function errorBox(error: ProvisioningErrorInfo, heading: string, tone: 'failure' | 'warning' | 'skipped' = 'failure'): View {
  return view`<div class="sos-error sos-error-${tone}" role="note">
<h4>${heading}: <code class="sos-code">${error.errorCode}</code></h4>
${definitionList([
  ['Reason', error.reason],
  ['Recommended action', error.recommendedAction],
  ['Additional details', error.additionalDetails],
  ['Category', humanize(error.errorCategory)],
  ['Documentation', externalLink(error.documentationUrl)],
])}
</div>`;
}
