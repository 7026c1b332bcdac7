// Small building blocks shared by the tabs.
import type { ProvisioningErrorInfo } from '../../engine/summary/types';
import { humanize, statusClass } from '../format';
import { html, safeHttpUrl, type SafeHtml } from '../html';

export function badge(status: string): SafeHtml {
  return html`<span class="sos-badge sos-badge-${statusClass(status)}">${humanize(status) || 'Unknown'}</span>`;
}

/** A link only for http(s) URLs; anything else (javascript:, data:, ...) is shown as text. */
export function externalLink(url: string | null | undefined, label?: string): SafeHtml | null {
  if (!url) return null;
  const href = safeHttpUrl(url);
  if (!href) return html`<span class="sos-v">${url}</span>`;
  return html`<a class="sos-external" href="${href}" target="_blank" rel="noopener noreferrer">${label ?? href}</a>`;
}

/** Key/value list; empty values are left out unless keepEmpty. */
export function definitionList(entries: ReadonlyArray<readonly [string, SafeHtml | string | null | undefined]>, keepEmpty = false): SafeHtml | null {
  const shown = entries.filter(([, v]) => keepEmpty || (v !== null && v !== undefined && String(v) !== ''));
  if (shown.length === 0) return null;
  return html`<dl class="sos-kv">${shown.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

export function detailsList(details: Record<string, string> | undefined): SafeHtml | null {
  const entries = Object.entries(details ?? {}).map(([k, v]) => [k, html`<span class="sos-v">${String(v)}</span>`] as const);
  return definitionList(entries, true);
}

export function errorBox(error: ProvisioningErrorInfo, heading: string, tone: 'failure' | 'warning' = 'failure'): SafeHtml {
  return html`<div class="sos-error sos-error-${tone}" role="note">
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
