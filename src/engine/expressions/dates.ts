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

/** Longest first: MMMM before MMM before MM, dddd before ddd before dd. */
const FIELD = /^(yyyy|yy|MMMM|MMM|MM|M|dddd|ddd|dd|d|HH|H|hh|h|mmmm|mmm|mm|m|ss|s|fff|ff|f|tt)/;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

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

/*
 * Month and day names, in English (the invariant culture's): .NET's custom format strings have "MMM" (the
 * abbreviated name of the month), "MMMM" (the full name), "ddd" (the abbreviated name of the day of the
 * week) and "dddd" (the full name); the FORMAT function the reference links to writes the month ones
 * "mmm" ("Displays the month as an abbreviation (for example, Jan)") and "mmmm", and its days "ddd"
 * ("Displays the day as an abbreviation (for example, Sun)") and "dddd". Three or four m are never the
 * minute.
 */
const RENDER: Record<string, (d: Date) => string> = {
  yyyy: (d) => pad(d.getUTCFullYear(), 4),
  yy: (d) => pad(d.getUTCFullYear() % 100, 2),
  MMMM: (d) => MONTHS[d.getUTCMonth()]!,
  MMM: (d) => MONTHS[d.getUTCMonth()]!.slice(0, 3),
  mmmm: (d) => MONTHS[d.getUTCMonth()]!,
  mmm: (d) => MONTHS[d.getUTCMonth()]!.slice(0, 3),
  dddd: (d) => DAYS[d.getUTCDay()]!,
  ddd: (d) => DAYS[d.getUTCDay()]!.slice(0, 3),
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

/** .NET custom format specifiers (UTC): yyyy yy MMMM MMM MM M dddd ddd dd d HH H hh h mm m ss s fff ff f tt, 'quoted'; m as isMinute says. */
export function formatDateTime(date: Date, format: string): string {
  if (Number.isNaN(date.getTime())) throw new EvaluationProblem('invalid date');
  let out = '';
  for (const part of compileFormat(format)) out += typeof part === 'string' ? part : part(date);
  return out;
}

/**
 * Months added as VBA's DateAdd (and .NET's AddMonths) add them: "The DateAdd function won't return an
 * invalid date. The following example adds one month to January 31: DateAdd("m", 1, "31-Jan-95"). In
 * this case, DateAdd returns 28-Feb-95, not 31-Feb-95. If date is 31-Jan-96, it returns 29-Feb-96
 * because 1996 is a leap year." The day is kept when the month has it, else the month's last day is
 * taken; the time of day is kept. A fractional count is truncated.
 */
function addMonths(date: Date, months: number): Date {
  const total = date.getUTCFullYear() * 12 + date.getUTCMonth() + Math.trunc(months);
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const lastDay = month === 1 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month]!;
  const d = new Date(date.getTime());
  d.setUTCFullYear(year, month, Math.min(date.getUTCDate(), lastDay));
  return d;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** VBA DateAdd intervals: yyyy q m y d w ww h n s. */
export function dateAdd(interval: string, amount: number, date: Date): Date {
  switch (interval.toLowerCase()) {
    case 'yyyy':
      return addMonths(date, 12 * Math.trunc(amount));
    case 'q':
      return addMonths(date, 3 * Math.trunc(amount));
    case 'm':
      return addMonths(date, amount);
    case 'y':
    case 'd':
    case 'w':
      return new Date(date.getTime() + amount * 86400000);
    case 'ww':
      return new Date(date.getTime() + amount * 7 * 86400000);
    case 'h':
      return new Date(date.getTime() + amount * 3600000);
    case 'n':
      return new Date(date.getTime() + amount * 60000);
    case 's':
      return new Date(date.getTime() + amount * 1000);
    default:
      throw new EvaluationProblem(`unknown DateAdd interval "${interval}"`);
  }
}
