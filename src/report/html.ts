// Safe-by-default HTML building. Every interpolated value is escaped unless it is already a
// SafeHtml fragment built by this module, so AD data, DNs, error messages and Graph
// responses (all untrusted) can never become markup, close a <style>, or add an attribute.

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

import { escapeHtml, showInvisible } from './browser/view';

export { escapeHtml, INVISIBLE, showInvisible } from './browser/view';

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function interpolate(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(interpolate).join('');
  return escapeHtml(showInvisible(String(value)));
}

/** Tagged template: literal parts are trusted markup, interpolations are escaped text. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += interpolate(values[i]!) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Marks constant markup (never data) as trusted. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

export function join(fragments: readonly SafeHtml[], separator = ''): SafeHtml {
  return new SafeHtml(fragments.map((f) => f.value).join(separator));
}

/**
 * The URL when it is an absolute http(s) URL, else null. Only such links become hrefs:
 * javascript:, data:, vbscript:, file: and relative or protocol-relative URLs stay text.
 */
export function safeHttpUrl(candidate: string | null | undefined): string | null {
  if (!candidate) return null;
  let parsed: URL;
  try {
    parsed = new URL(candidate.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  return parsed.href;
}
