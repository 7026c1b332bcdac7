// LDAP search filters (RFC 4515). Every value from outside (a DN, a name typed by a user, an
// AD value) goes through ldapts's filter objects or escapeFilter, never string concatenation.
import { AndFilter, EqualityFilter, Filter, FilterParser, NotFilter, OrFilter, PresenceFilter, escapeFilter } from 'ldapts';
import { batchErrors } from '../../../engine/errors/catalog/batch';
import { SyncError } from '../../../engine/errors/sync-error';

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
    parsed = FilterParser.parseString(userFilter.trim());
  } catch (err) {
    throw problem((err as Error).message);
  }
  return new AndFilter({ filters: [classes, parsed] });
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

/**
 * Does an entry match a filter, with multi-valued attributes as LDAP compares them (a leaf
 * holds when any value does; names ignore case)? For LDIF snapshots, which have no server.
 */
export function entryMatches(filter: Filter, attributes: Record<string, readonly string[]>): boolean {
  if (filter instanceof AndFilter) return filter.filters.every((f) => entryMatches(f, attributes));
  if (filter instanceof OrFilter) return filter.filters.some((f) => entryMatches(f, attributes));
  if (filter instanceof NotFilter) return !entryMatches(filter.filter, attributes);
  const attribute = (filter as unknown as { attribute?: string }).attribute;
  if (!attribute) return false;
  const key = Object.keys(attributes).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const values = key === undefined ? [] : (attributes[key] ?? []);
  if (filter instanceof PresenceFilter) return values.length > 0;
  return values.some((value) => filter.matches({ [attribute]: value }, false));
}
