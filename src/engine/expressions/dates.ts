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

/** .NET custom format specifiers (UTC): yyyy yy MM M dd d HH H hh h mm m ss s fff ff f tt, 'quoted'. */
export function formatDateTime(date: Date, format: string): string {
  if (Number.isNaN(date.getTime())) throw new EvaluationProblem('invalid date');
  const tokens: [RegExp, (d: Date) => string][] = [
    [/^yyyy/, (d) => pad(d.getUTCFullYear(), 4)],
    [/^yy/, (d) => pad(d.getUTCFullYear() % 100, 2)],
    [/^MM/, (d) => pad(d.getUTCMonth() + 1, 2)],
    [/^M/, (d) => String(d.getUTCMonth() + 1)],
    [/^dd/, (d) => pad(d.getUTCDate(), 2)],
    [/^d/, (d) => String(d.getUTCDate())],
    [/^HH/, (d) => pad(d.getUTCHours(), 2)],
    [/^H/, (d) => String(d.getUTCHours())],
    [/^hh/, (d) => pad(d.getUTCHours() % 12 || 12, 2)],
    [/^h/, (d) => String(d.getUTCHours() % 12 || 12)],
    [/^mm/, (d) => pad(d.getUTCMinutes(), 2)],
    [/^m/, (d) => String(d.getUTCMinutes())],
    [/^ss/, (d) => pad(d.getUTCSeconds(), 2)],
    [/^s/, (d) => String(d.getUTCSeconds())],
    [/^fff/, (d) => pad(d.getUTCMilliseconds(), 3)],
    [/^ff/, (d) => pad(Math.floor(d.getUTCMilliseconds() / 10), 2)],
    [/^f/, (d) => String(Math.floor(d.getUTCMilliseconds() / 100))],
    [/^tt/, (d) => (d.getUTCHours() < 12 ? 'AM' : 'PM')],
  ];
  let out = '';
  let rest = format;
  outer: while (rest.length > 0) {
    if (rest[0] === "'" || rest[0] === '"') {
      const end = rest.indexOf(rest[0], 1);
      const literal = end < 0 ? rest.slice(1) : rest.slice(1, end);
      out += literal;
      rest = end < 0 ? '' : rest.slice(end + 1);
      continue;
    }
    if (rest[0] === '\\' && rest.length > 1) {
      out += rest[1];
      rest = rest.slice(2);
      continue;
    }
    for (const [pattern, render] of tokens) {
      const m = pattern.exec(rest);
      if (m) {
        out += render(date);
        rest = rest.slice(m[0].length);
        continue outer;
      }
    }
    out += rest[0];
    rest = rest.slice(1);
  }
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
