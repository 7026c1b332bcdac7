// LDAP search filters (RFC 4515). Every value from outside (a DN, a name typed by a user, an
// AD value) goes through ldapts's filter objects or escapeFilter, never string concatenation.
import { EqualityFilter, Filter, NotFilter, OrFilter, escapeFilter } from 'ldapts';

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
