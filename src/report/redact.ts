// --redact: mask chosen attributes' values before a report is shared. Masking happens on a
// copy of the result, before rendering, so no tab can leak what it never receives.
//
// 1. Fields that carry a redacted attribute are masked value by value (counts stay):
//    attribute rows in every step, modified properties, identity and step details keys,
//    and the data source of a Constant flow (that text is the value).
// 2. The values found in (1) are then scrubbed from every other string of the result
//    (DNs, display names, error reasons, Graph request paths, scope clauses, ...), matching
//    case-insensitively. Values shorter than four characters ("1", "TRUE") are too
//    common to scrub as substrings; they are masked only where a whole field equals them.
import type { ProvisioningObjectSummary } from '../engine/summary/types';

export const redactedMark = '[redacted]';
const minimumScrubLength = 4;
// Enum and timestamp fields drive the layout and carry no directory data: never scrubbed.
const structuralKeys = new Set([
  'status', 'provisioningStepType', 'provisioningAction', 'operation', 'mappingType', 'errorCategory',
  'direction', 'initiatorType', 'type', 'method', 'startDateTime', 'activityDateTime',
]);

export function redactSummary(summary: ProvisioningObjectSummary, attributeNames: readonly string[]): ProvisioningObjectSummary {
  const names = new Set(attributeNames.map((n) => n.trim().toLowerCase()).filter(Boolean));
  if (names.size === 0) return summary;
  const isRedacted = (name: string) => names.has(name.toLowerCase());
  const secrets = new Set<string>();
  const mask = (value: string) => {
    if (value !== '' && value !== redactedMark) secrets.add(value);
    return redactedMark;
  };
  const maskLines = (text: string | null) => (text === null ? null : text.split('\n').map(mask).join('\n'));
  const maskDetails = (details: Record<string, string> | undefined) => {
    for (const key of Object.keys(details ?? {})) if (isRedacted(key)) details![key] = mask(details![key]!);
  };

  const copy = structuredClone(summary);
  for (const step of copy.provisioningSteps) {
    maskDetails(step.details);
    for (const row of step.attributes ?? []) {
      if (!isRedacted(row.name)) continue;
      row.value = row.value.map(mask);
      row.valueAdd = row.valueAdd.map(mask);
      row.valueDelete = row.valueDelete.map(mask);
      if (row.mappingType === 'Constant' && row.dataSource) row.dataSource = mask(row.dataSource);
    }
  }
  for (const property of copy.modifiedProperties ?? []) {
    if (!isRedacted(property.displayName)) continue;
    property.oldValue = maskLines(property.oldValue);
    property.newValue = maskLines(property.newValue);
  }
  for (const part of [copy.sourceIdentity, copy.targetIdentity, copy.sourceSystem, copy.targetSystem]) maskDetails(part?.details);

  return scrubStrings(copy, [...secrets]);
}

/**
 * The forms a value takes in the result's strings: as is, OData-quoted ('' for ', as in Graph
 * request paths), HTML-escaped, URL-encoded (each of those too). Searched case-insensitively.
 */
export function encodedForms(value: string): string[] {
  const odata = value.replace(/'/g, "''");
  const html = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const forms = new Set<string>();
  for (const base of [value, odata]) {
    forms.add(base);
    forms.add(html(base));
    forms.add(html(base).replace(/'/g, '&#39;'));
    forms.add(html(base).replace(/'/g, '&#x27;'));
    for (const encode of [encodeURIComponent, encodeURI]) {
      try {
        const encoded = encode(base);
        forms.add(encoded);
        forms.add(encoded.replace(/%20/g, '+'));
      } catch {
        // a lone surrogate has no URL form
      }
    }
  }
  return [...forms].filter((f) => f.length > 0);
}

/** Lower case, one UTF-16 unit for one, so positions in the folded text are positions in the text. */
function fold(text: string): string {
  let out = '';
  for (let k = 0; k < text.length; k++) {
    const c = text[k]!;
    const lower = c.toLowerCase();
    out += lower.length === 1 ? lower : c;
  }
  return out;
}

/**
 * Replaces every occurrence of any needle (case-insensitively) with the mark. Plain substring
 * search, longest needle first at each position: linear in the text for each needle, whatever
 * the needles' sizes (a regular expression built from a 60 KB value is "too large").
 */
export function scrubText(text: string, needles: readonly string[]): string {
  if (needles.length === 0 || text.length === 0) return text;
  const folded = fold(text);
  // Occurrences of each needle, as [start, end) ranges; overlapping ones merge.
  const ranges: [number, number][] = [];
  for (const needle of needles) {
    const n = fold(needle);
    if (n.length === 0 || n.length > folded.length) continue;
    for (let at = folded.indexOf(n); at !== -1; at = folded.indexOf(n, at + 1)) ranges.push([at, at + n.length]);
  }
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let out = '';
  let cursor = 0;
  for (const [start, end] of ranges) {
    if (end <= cursor) continue;
    if (start >= cursor) {
      out += text.slice(cursor, start) + redactedMark;
    }
    cursor = Math.max(cursor, end);
  }
  return out + text.slice(cursor);
}

/** Replaces every occurrence of the secrets inside every string value (not keys) of the result. */
function scrubStrings<T>(value: T, secrets: string[]): T {
  const long = [...new Set(secrets.filter((s) => s.length >= minimumScrubLength).flatMap(encodedForms))];
  const short = new Set(secrets.filter((s) => s.length < minimumScrubLength).map((s) => s.toLowerCase()));
  const scrub = (text: string) => {
    if (short.has(text.toLowerCase())) return redactedMark;
    return scrubText(text, long);
  };
  // Inside a details map every key is free text, so the structural exemption does not apply.
  const walk = (node: unknown, freeMap = false): unknown => {
    if (typeof node === 'string') return scrub(node);
    if (Array.isArray(node)) return node.map((item) => walk(item));
    if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      for (const [k, v] of Object.entries(record)) {
        if (!freeMap && structuralKeys.has(k)) continue;
        record[k] = walk(v, !freeMap && k === 'details');
      }
      return node;
    }
    return node;
  };
  return walk(value) as T;
}
