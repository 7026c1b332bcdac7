// Dates: Windows FILETIME (100 ns ticks since 1601-01-01 UTC) and .NET-style format strings.
import { FILETIME_EPOCH_OFFSET_MS, FILETIME_NEVER, generalizedTimeToIso } from '../model/ad-codecs';
import { EvaluationProblem } from './values';

const EPOCH_DIFF_TICKS = FILETIME_EPOCH_OFFSET_MS * 10_000n; // 1601-01-01 -> 1970-01-01 in 100 ns ticks

export function fromFileTime(ticks: bigint): Date {
  // "Never" (0x7FFFFFFFFFFFFFFF, the same constant the AD codecs use) has no Date: a function
  // must still return one, so it is the largest Date; the report shows "never" (fileTimeToIso).
  if (ticks >= FILETIME_NEVER) return new Date(8.64e15);
  return new Date(Number((ticks - EPOCH_DIFF_TICKS) / 10000n));
}

export function toFileTime(date: Date): bigint {
  return BigInt(date.getTime()) * 10000n + EPOCH_DIFF_TICKS;
}

/** ISO 8601, LDAP generalized time (fractions and offsets, as the AD codecs read it) or anything Date.parse accepts. */
export function parseDate(text: string): Date {
  const t = text.trim();
  if (/^\d{10}/.test(t) && !/[-:T ]/.test(t.slice(0, 10))) {
    try {
      return new Date(generalizedTimeToIso(t));
    } catch {
      // not a generalized time after all: fall through
    }
  }
  const ms = Date.parse(t);
  if (t === '' || Number.isNaN(ms)) throw new EvaluationProblem(`"${text}" is not a date`);
  return new Date(ms);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

type DateToken = { kind: 'field'; text: string } | { kind: 'literal'; text: string };

const FIELD = /^(yyyy|yy|MM|M|dd|d|HH|H|hh|h|mm|m|ss|s|fff|ff|f|tt)/;

function tokenizeFormat(format: string): DateToken[] {
  const out: DateToken[] = [];
  let rest = format;
  while (rest.length > 0) {
    if (rest[0] === "'" || rest[0] === '"') {
      const end = rest.indexOf(rest[0], 1);
      out.push({ kind: 'literal', text: end < 0 ? rest.slice(1) : rest.slice(1, end) });
      rest = end < 0 ? '' : rest.slice(end + 1);
    } else if (rest[0] === '\\' && rest.length > 1) {
      out.push({ kind: 'literal', text: rest[1]! });
      rest = rest.slice(2);
    } else {
      const m = FIELD.exec(rest);
      out.push(m ? { kind: 'field', text: m[0] } : { kind: 'literal', text: rest[0]! });
      rest = rest.slice(m ? m[0].length : 1);
    }
  }
  return out;
}

/**
 * Is a lowercase m/mm the minute? The functions reference documents both
 * FormatDateTime(CDate("12/25/2007"),"yyyy-mm-dd") = "2007-12-25" and
 * "yyyyMMddHHmmss.0Z" = "20140905081453.0Z": m is the minute after an hour or before a second
 * (the rule of the Format function it links to), and the month otherwise.
 */
function isMinute(tokens: DateToken[], at: number): boolean {
  const fieldNear = (step: number): string | undefined => {
    for (let i = at + step; i >= 0 && i < tokens.length; i += step) if (tokens[i]!.kind === 'field') return tokens[i]!.text;
    return undefined;
  };
  const before = fieldNear(-1);
  const after = fieldNear(1);
  return (before !== undefined && /^[Hh]{1,2}$/.test(before)) || (after !== undefined && /^s{1,2}$/.test(after));
}

const RENDER: Record<string, (d: Date) => string> = {
  yyyy: (d) => pad(d.getUTCFullYear(), 4),
  yy: (d) => pad(d.getUTCFullYear() % 100, 2),
  MM: (d) => pad(d.getUTCMonth() + 1, 2),
  M: (d) => String(d.getUTCMonth() + 1),
  dd: (d) => pad(d.getUTCDate(), 2),
  d: (d) => String(d.getUTCDate()),
  HH: (d) => pad(d.getUTCHours(), 2),
  H: (d) => String(d.getUTCHours()),
  hh: (d) => pad(d.getUTCHours() % 12 || 12, 2),
  h: (d) => String(d.getUTCHours() % 12 || 12),
  mm: (d) => pad(d.getUTCMinutes(), 2),
  m: (d) => String(d.getUTCMinutes()),
  ss: (d) => pad(d.getUTCSeconds(), 2),
  s: (d) => String(d.getUTCSeconds()),
  fff: (d) => pad(d.getUTCMilliseconds(), 3),
  ff: (d) => pad(Math.floor(d.getUTCMilliseconds() / 10), 2),
  f: (d) => String(Math.floor(d.getUTCMilliseconds() / 100)),
  tt: (d) => (d.getUTCHours() < 12 ? 'AM' : 'PM'),
};

/** A format as literal texts and renderers, m resolved: made once per format text (rules use a few, per object). */
const compiledFormats = new Map<string, (string | ((d: Date) => string))[]>();
function compileFormat(format: string): (string | ((d: Date) => string))[] {
  let parts = compiledFormats.get(format);
  if (!parts) {
    const tokens = tokenizeFormat(format);
    parts = tokens.map((t, i) => (t.kind === 'literal' ? t.text : RENDER[(t.text === 'mm' || t.text === 'm') && !isMinute(tokens, i) ? t.text.toUpperCase() : t.text]!));
    if (compiledFormats.size < 1000) compiledFormats.set(format, parts);
  }
  return parts;
}

/** .NET custom format specifiers (UTC): yyyy yy MM M dd d HH H hh h mm m ss s fff ff f tt, 'quoted'; m as isMinute says. */
export function formatDateTime(date: Date, format: string): string {
  if (Number.isNaN(date.getTime())) throw new EvaluationProblem('invalid date');
  let out = '';
  for (const part of compileFormat(format)) out += typeof part === 'string' ? part : part(date);
  return out;
}

/** VBA DateAdd intervals: yyyy q m y d w ww h n s. */
export function dateAdd(interval: string, amount: number, date: Date): Date {
  const d = new Date(date.getTime());
  switch (interval.toLowerCase()) {
    case 'yyyy':
      d.setUTCFullYear(d.getUTCFullYear() + amount);
      return d;
    case 'q':
      d.setUTCMonth(d.getUTCMonth() + 3 * amount);
      return d;
    case 'm':
      d.setUTCMonth(d.getUTCMonth() + amount);
      return d;
    case 'y':
    case 'd':
    case 'w':
      return new Date(d.getTime() + amount * 86400000);
    case 'ww':
      return new Date(d.getTime() + amount * 7 * 86400000);
    case 'h':
      return new Date(d.getTime() + amount * 3600000);
    case 'n':
      return new Date(d.getTime() + amount * 60000);
    case 's':
      return new Date(d.getTime() + amount * 1000);
    default:
      throw new EvaluationProblem(`unknown DateAdd interval "${interval}"`);
  }
}
