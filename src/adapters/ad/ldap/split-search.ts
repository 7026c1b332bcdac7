// A scope search in two halves at once: the objects created up to a middle update sequence
// number (uSNCreated) and the rest, on two connections. A domain controller answers the
// operations of one connection one after the other, and most of a large search's time is the
// server's (Samba's, 5,000 users over two cores: 1.05 s as one search, 0.66 s as two halves).
// The halves are complements: an attribute the account cannot read counts as absent in a filter
// (MS-ADTS 3.1.1.4.3), so `(!(uSNCreated<=p))` holds for it and no object falls between them.
import { AndFilter, LessThanEqualsFilter, NotFilter, PresenceFilter, type Filter } from 'ldapts';
import { getFirst } from '../../../engine/model/attributes';
import { entryToAttributes } from '../entry-values';
import type { LdapConnection } from './connection';

export interface SearchHalves {
  older: Filter;
  newer: Filter;
}

/**
 * The filters of the two halves, split midway between the base's own uSNCreated and the
 * directory's highestCommittedUSN (objects created in a container come after it; one moved in
 * keeps its older number and joins the first half). Any middle keeps the halves complete; this
 * one keeps them about even. None when the numbers cannot be read: the search runs whole.
 */
export async function usnHalves(ldap: LdapConnection, base: string): Promise<SearchHalves | undefined> {
  const numberOf = async (dn: string, attribute: string): Promise<number> => {
    const { searchEntries } = await ldap.run('read', dn, (c) =>
      c.search(dn, { scope: 'base', filter: new PresenceFilter({ attribute: 'objectClass' }), attributes: [attribute], timeLimit: ldap.timeLimitSeconds }),
    );
    const value = searchEntries[0] ? getFirst(entryToAttributes(searchEntries[0]), attribute) : undefined;
    return typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  };
  let created: number;
  let highest: number;
  try {
    [created, highest] = await Promise.all([numberOf(base, 'uSNCreated'), numberOf('', 'highestCommittedUSN')]);
  } catch {
    return undefined; // the search itself meets the same failure and says why
  }
  if (!(highest - created >= 2)) return undefined;
  const older = new LessThanEqualsFilter({ attribute: 'uSNCreated', value: String(Math.floor((created + highest) / 2)) });
  return { older, newer: new NotFilter({ filter: older }) };
}

/** `filter` and one half. */
export function withHalf(filter: Filter, half: Filter): Filter {
  return new AndFilter({ filters: [filter, half] });
}

/**
 * Every item of `first` as it comes, then those of `second`, which is read meanwhile (its
 * items wait in memory). The order is the same each run: first's, then second's. Stopping
 * early or a failure of either stops both.
 */
export async function* firstThenSecond<T>(first: AsyncIterable<T>, second: AsyncIterable<T>): AsyncGenerator<T> {
  const ahead: Array<T | undefined> = [];
  let stopped = false;
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const reading = (async () => {
    try {
      for await (const item of second) {
        if (stopped) break;
        ahead.push(item);
        wake?.();
      }
    } catch (error) {
      failure = { error };
    } finally {
      ended = true;
      wake?.();
    }
  })();
  try {
    for await (const item of first) {
      if (failure) throw failure.error;
      yield item;
    }
    for (let next = 0; ; ) {
      while (next < ahead.length) {
        const item = ahead[next] as T;
        ahead[next++] = undefined; // handed on: not kept here
        yield item;
      }
      if (failure) throw failure.error;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    stopped = true;
    await reading;
  }
}
