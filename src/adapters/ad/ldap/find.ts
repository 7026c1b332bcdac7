// Find Object over LDAP: one search of at most `limit` entries. Text goes to ambiguous name
// resolution (anr=, which the DC expands to prefix matches over its ANR attribute set) OR'd
// with exact userPrincipalName, mail and sAMAccountName; a GUID or SID is matched as bytes;
// a DN is a base read. Every value goes through ldapts's filter objects (RFC 4515 escaping).
import { AndFilter, OrFilter, type Client, type Filter, type SearchResult } from 'ldapts';
import { Dn } from '../../../engine/model/dn';
import { getFirst } from '../../../engine/model/attributes';
import { hasUacFlag } from '../../../engine/model/ad-codecs';
import type { FoundObject } from '../../../engine/ports/directory-source';
import { explicitBufferAttributes } from '../binary-attributes';
import { entryToAttributes } from '../entry-values';
import { FINDABLE_CLASSES, FOUND_ATTRIBUTES, readFindQuery, type FindQuery } from '../find-query';
import type { SearchAnswerChecks } from './answer-checks';
import { toDirectoryChild } from './children';
import { equalityFilter } from './filters';

/** The filter for a query, below the findable classes. Exported for the unit test of escaping. */
export function findFilter(query: FindQuery): Filter {
  const classes = new OrFilter({ filters: FINDABLE_CLASSES.map((c) => equalityFilter('objectClass', c)) });
  let match: Filter;
  switch (query.kind) {
    case 'guid':
      match = equalityFilter('objectGUID', query.bytes);
      break;
    case 'sid':
      match = equalityFilter('objectSid', query.bytes);
      break;
    case 'dn':
      match = equalityFilter('distinguishedName', query.dn.toString());
      break;
    case 'text':
      match = new OrFilter({
        filters: ['anr', 'userPrincipalName', 'mail', 'sAMAccountName'].map((attribute) => equalityFilter(attribute, query.text)),
      });
      break;
  }
  return new AndFilter({ filters: [classes, match] });
}

/**
 * Objects matching `text` (Find Object). Each entry must be the object named (a DN query) or
 * under the base, once (answer-checks.ts): a server's other answer is refused, not shown.
 */
export async function findObjects(
  client: Client, text: string,
  options: { base: string; limit: number; timeLimitSeconds: number; checks(base: Dn, scope: 'base' | 'subtree'): SearchAnswerChecks },
): Promise<FoundObject[]> {
  const query = readFindQuery(text);
  if (!query) return [];
  const limit = Math.max(1, Math.min(options.limit, 1000));
  const iterator = client.searchPaginated(query.kind === 'dn' ? query.dn.toString() : options.base, {
    scope: query.kind === 'dn' ? 'base' : 'sub',
    filter: findFilter(query),
    attributes: FOUND_ATTRIBUTES,
    explicitBufferAttributes,
    paged: { pageSize: limit },
    timeLimit: options.timeLimitSeconds,
  });
  const found: FoundObject[] = [];
  const checks = query.kind === 'dn' ? options.checks(query.dn, 'base') : options.checks(Dn.parse(options.base), 'subtree');
  try {
    // The first page is the answer: a person refines the text rather than paging.
    const first: IteratorResult<SearchResult> = await iterator.next();
    if (!first.done) {
      for (const entry of first.value.searchEntries.slice(0, limit)) {
        checks.entry(entry.dn);
        found.push(toFoundObject(entry.dn, entryToAttributes(entry)));
      }
    }
  } finally {
    await iterator.return(undefined).catch(() => undefined);
  }
  return found;
}

export function toFoundObject(dn: string, attributes: Parameters<typeof toDirectoryChild>[1]): FoundObject {
  const child = toDirectoryChild(dn, attributes);
  const displayName = getFirst(attributes, 'displayName');
  const mail = getFirst(attributes, 'mail');
  const uac = getFirst(attributes, 'userAccountControl');
  return {
    ...child,
    ...(typeof displayName === 'string' ? { displayName } : {}),
    ...(typeof mail === 'string' ? { mail } : {}),
    ...(child.disabled === undefined && (typeof uac === 'string' || typeof uac === 'number') ? { disabled: safeDisabled(uac) } : {}),
  };
}

function safeDisabled(uac: string | number): boolean | undefined {
  try {
    return hasUacFlag(uac, 'ACCOUNTDISABLE');
  } catch {
    return undefined;
  }
}

/**
 * Entries one level below dn, counted with a paged search that returns no attributes ("1.1");
 * each a child of dn, once, and the pages advancing (answer-checks.ts), or the count would never end.
 */
export async function countChildren(client: Client, dn: string, timeLimitSeconds: number, checks: SearchAnswerChecks): Promise<number> {
  let count = 0;
  for await (const page of client.searchPaginated(dn, { scope: 'one', filter: '(objectClass=*)', attributes: ['1.1'], paged: { pageSize: 1000 }, timeLimit: timeLimitSeconds })) {
    checks.page(page.searchEntries.length);
    for (const entry of page.searchEntries) checks.entry(entry.dn);
    count += page.searchEntries.length;
  }
  return count;
}
