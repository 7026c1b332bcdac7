// LDAP search filters (RFC 4515). Every value from outside (a DN, a name typed by a user, an
// AD value) goes through ldapts's filter objects or escapeFilter, never string concatenation.
import { AndFilter, ApproximateFilter, EqualityFilter, ExtensibleFilter, Filter, FilterParser, GreaterThanEqualsFilter, LessThanEqualsFilter, NotFilter, OrFilter, SubstringFilter, escapeFilter } from 'ldapts';
import { batchErrors } from '../../../engine/errors/catalog/batch';
import { SyncError } from '../../../engine/errors/sync-error';
import { filterMistake } from './filter-mistakes';

export { escapeFilter };

/** RFC 4515 escaping of one assertion value: \ * ( ) NUL and non-ASCII bytes as \XX. */
export function escapeFilterValue(value: string | Uint8Array): string {
  return Filter.escape(typeof value === 'string' ? value : Buffer.from(value));
}

/** (attribute=value) with the value escaped; bytes (objectGUID, objectSid) are matched as bytes. */
export function equalityFilter(attribute: string, value: string | Uint8Array): EqualityFilter {
  return new EqualityFilter({ attribute, value: typeof value === 'string' ? value : Buffer.from(value) });
}

/** (|(objectClass=c1)(objectClass=c2)...) */
export function containerFilter(classes: readonly string[]): Filter {
  return new OrFilter({ filters: classes.map((c) => equalityFilter('objectClass', c)) });
}

/** (!(|(objectClass=c1)...)) */
export function nonContainerFilter(classes: readonly string[]): Filter {
  return new NotFilter({ filter: containerFilter(classes) });
}

/** Longest --ldap-filter accepted (AD's own limit on a filter is far above what a person types). */
export const MAX_USER_FILTER_LENGTH = 8192;

/**
 * The filter of a batch search: (&(|(objectClass=c1)...)(<user filter>)). The user's filter is
 * parsed whole by ldapts (trailing text such as ")(objectClass=*" is refused, never
 * concatenated), so it can only narrow the object classes and the search base.
 */
export function scopeFilter(objectClasses: readonly string[], userFilter?: string): Filter {
  const classes = containerFilter(objectClasses);
  if (userFilter === undefined) return classes;
  const problem = (text: string) => new SyncError(batchErrors.InvalidLdapFilter, { filter: JSON.stringify(userFilter.slice(0, 200)), problem: text });
  if (userFilter.trim() === '') throw problem('it is empty');
  if (userFilter.length > MAX_USER_FILTER_LENGTH) throw problem(`it is longer than ${MAX_USER_FILTER_LENGTH} characters`);
  const unbalanced = unbalancedParenthesis(userFilter);
  if (unbalanced) throw problem(unbalanced);
  let parsed: Filter;
  try {
    parsed = FilterParser.parseString(asciiFilterText(userFilter.trim()));
  } catch (err) {
    // Another tool's way of writing it is said as such, with the filter meant.
    throw problem(filterMistake(userFilter) ?? (err as Error).message);
  }
  decodeAssertionValues(parsed);
  return new AndFilter({ filters: [classes, parsed] });
}

/**
 * Every non-ASCII character as its UTF-8 octets escaped (\XX). ldapts unescapes \XX into one
 * character per octet, so after this every assertion value is a string of octets, whichever way
 * the user wrote it: "Müller" and "M\c3\bcller" (RFC 4515) mean the same.
 */
function asciiFilterText(text: string): string {
  return text.replace(/[^\p{ASCII}]+/gu, (run) => [...Buffer.from(run, 'utf8')].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join(''));
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Octets as text when they are UTF-8 (what the directory compares strings in), else as bytes (objectGUID, objectSid). */
function decodeOctets(octets: string): string | Buffer {
  const bytes = Buffer.from(octets, 'latin1');
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return bytes;
  }
}

/** The parsed filter's octet strings decoded (decodeOctets), so they go on the wire as the octets the user gave. */
function decodeAssertionValues(filter: Filter): void {
  if (filter instanceof AndFilter || filter instanceof OrFilter) {
    for (const f of filter.filters) decodeAssertionValues(f);
  } else if (filter instanceof NotFilter) {
    decodeAssertionValues(filter.filter);
  } else if (filter instanceof EqualityFilter) {
    filter.value = decodeOctets(filter.value as string);
  } else if (filter instanceof SubstringFilter) {
    const text = (octets: string) => { const v = decodeOctets(octets); return typeof v === 'string' ? v : octets; };
    filter.initial = text(filter.initial);
    filter.any = filter.any.map(text);
    filter.final = text(filter.final);
  } else if (filter instanceof ApproximateFilter || filter instanceof GreaterThanEqualsFilter || filter instanceof LessThanEqualsFilter || filter instanceof ExtensibleFilter) {
    const v = decodeOctets(filter.value);
    // Only an equality writes bytes; the others carry text (a value that is not UTF-8 stays octets).
    if (typeof v === 'string') filter.value = v;
  }
}

/**
 * ldapts closes a composite filter left open ("(&(a=b)" parses as "(&(a=b))"); a directory
 * refuses it, and so do we. Parentheses inside values are escaped (\28, \29) in RFC 4515, so
 * every literal one is structure.
 */
function unbalancedParenthesis(text: string): string | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return `a closing parenthesis at character ${i + 1} has no opening one`;
  }
  return depth > 0 ? `${depth} parenthesis(es) opened but never closed` : undefined;
}
