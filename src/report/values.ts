// How attribute values appear in cells: blank when there are none, a count that expands for
// long multi-valued lists, and long single values (certificates, blobs) folded behind their
// first characters. <details> works without script, so nothing is hidden for good.
import { view, type View } from './browser/view';
import { plural } from './format';

/** Lists longer than this collapse to "N values". */
export const collapseAbove = 5;
/** Single values longer than this fold behind their first characters. */
const foldAbove = 160;
const foldPreview = 64;
/**
 * Characters of one value shown at most: a value from AD can be megabytes (a blob, or hostile),
 * and a report shows it in several cells. The JSON result keeps the whole value.
 */
export const showAtMost = 65_536;
/** Characters of a value a column sorts by: enough to order any two real values. */
const sortKeyLength = 256;

/** The first `n` characters, not ending in half of a surrogate pair. */
function head(text: string, n: number): string {
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

/**
 * A name for a title or a heading: at most `max` characters, then an ellipsis and the length (a
 * display name or DN from AD may be megabytes; the cells below show the value, folded).
 */
export function clipped(text: string, max = 1024): string {
  // A partial result (an older or hand-edited JSON file) may lack the name: shown as it is.
  if (typeof text !== 'string' || text.length <= max) return text;
  return `${head(text, max)}\u2026 (${text.length} characters)`;
}

/** A value shown in full up to showAtMost characters (a DN, a detail), then how much is left out. */
export function plainValue(value: string): View {
  if (value.length <= showAtMost) return view`<span class="sos-v">${value}</span>`;
  return view`<span class="sos-v">${head(value, showAtMost)}</span><span class="sos-muted"> &hellip; ${value.length - head(value, showAtMost).length} more characters, not shown: the JSON result holds the whole value</span>`;
}

export function valueText(value: string, mark?: 'added' | 'removed'): View {
  const cls = mark ? `sos-v sos-${mark}` : 'sos-v';
  const sign = mark === 'added' ? view`<span class="sos-sign" title="added">+</span>` : mark === 'removed' ? view`<span class="sos-sign" title="removed">&minus;</span>` : null;
  if (value === '') return view`<span class="${cls} sos-empty">(empty string)</span>`;
  if (value.length <= foldAbove) return view`<span class="${cls}">${sign}${value}</span>`;
  const shown = value.length > showAtMost ? head(value, showAtMost) : value;
  const rest = value.length - shown.length;
  const more = rest ? view`<span class="sos-muted"> &hellip; ${rest} more characters, not shown: the JSON result holds the whole value</span>` : null;
  return view`<details class="sos-long"><summary><span class="${cls}">${sign}${head(value, foldPreview)}&hellip;</span> <span class="sos-muted">(${value.length} characters)</span></summary><span class="${cls}">${shown}</span>${more}</details>`;
}

/** An expression or other code-like text; long ones fold like long values. */
export function codeText(text: string): View {
  if (text.length <= foldAbove / 2) return view`<code class="sos-v">${text}</code>`;
  return view`<details class="sos-long"><summary><code class="sos-v">${text.slice(0, foldPreview / 2)}&hellip;</code></summary><code class="sos-v">${text}</code></details>`;
}

function list(values: readonly string[], marks?: ReadonlyMap<string, 'added' | 'removed'>): View {
  return view`<ul class="sos-values">${values.map((v) => view`<li>${valueText(v, marks?.get(v))}</li>`)}</ul>`;
}

/** The values of one cell. Multi-valued attributes always show their count. */
export function valueCell(values: readonly string[], multiValued: boolean, marks?: ReadonlyMap<string, 'added' | 'removed'>): View | null {
  if (values.length === 0) return null;
  if (values.length === 1 && !multiValued) return valueText(values[0]!, marks?.get(values[0]!));
  if (values.length <= collapseAbove && !marks) {
    return multiValued ? view`<span class="sos-count-label">${plural(values.length, 'value')}</span>${list(values)}` : list(values);
  }
  const changed = marks ? values.filter((v) => marks.has(v)).length : 0;
  const change = changed ? ` (${changed} ${marks!.get(values.find((v) => marks!.has(v))!)})` : '';
  return view`<details class="sos-many"><summary>${plural(values.length, 'value')}${change}</summary>${list(values, marks)}</details>`;
}

/** A key that sorts a value cell sensibly: its first value. */
export function sortKey(values: readonly string[]): string {
  const first = values[0] ?? '';
  return first.length > sortKeyLength ? head(first, sortKeyLength) : first;
}
