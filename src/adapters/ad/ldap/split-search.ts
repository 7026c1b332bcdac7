// A scope search in two halves at once: the objects created up to a middle update sequence
// number (uSNCreated) and the rest, on two connections. A domain controller answers the
// operations of one connection one after the other, and most of a large search's time is the
// server's (Samba's, 5,000 users over two cores: 1.05 s as one search, 0.66 s as two halves).
// The halves are complements: an attribute the account cannot read counts as absent in a filter
// (MS-ADTS 3.1.1.4.3), so `(!(uSNCreated<=p))` holds for it and no object falls between them.
// Both run on one domain controller (update sequence numbers are each one's own), or not at all.
import { AndFilter, LessThanEqualsFilter, NotFilter, PresenceFilter, type Filter } from 'ldapts';
import { getFirst } from '../../../engine/model/attributes';
import { entryToAttributes } from '../entry-values';
import type { LdapConnection } from './connection';

export interface SearchHalves {
  older: Filter;
  newer: Filter;
}

/** What places the middle, read from the domain controller of each connection. */
export interface SplitFacts {
  /** The search base's own uSNCreated, on the first connection's domain controller. */
  baseCreated: number | undefined;
  highestCommittedUSN: number | undefined;
  /** dsServiceName of the domain controller each connection reached. */
  firstServer: string | undefined;
  secondServer: string | undefined;
}

/**
 * The middle update sequence number, or none: the search then runs whole. Update sequence
 * numbers are each domain controller's own, so both halves must be searched on the same one: a
 * name that resolves to several domain controllers (the domain's own DNS name) may send the
 * second connection elsewhere, and the halves would then miss or repeat objects.
 */
export function splitPoint(facts: SplitFacts): number | undefined {
  const { baseCreated, highestCommittedUSN, firstServer, secondServer } = facts;
  if (!firstServer || firstServer.toLowerCase() !== secondServer?.toLowerCase()) return undefined;
  if (baseCreated === undefined || highestCommittedUSN === undefined || !(highestCommittedUSN - baseCreated >= 2)) return undefined;
  return Math.floor((baseCreated + highestCommittedUSN) / 2);
}

async function readBase(ldap: LdapConnection, dn: string, attributes: string[]): Promise<(name: string) => string | undefined> {
  const { searchEntries } = await ldap.run('read', dn, (c) =>
    c.search(dn, { scope: 'base', filter: new PresenceFilter({ attribute: 'objectClass' }), attributes, timeLimit: ldap.timeLimitSeconds }),
  );
  const read = searchEntries[0] ? entryToAttributes(searchEntries[0]) : {};
  return (name) => {
    const value = getFirst(read, name);
    return typeof value === 'string' ? value : undefined;
  };
}

const usn = (text: string | undefined): number | undefined => (text !== undefined && /^\d{1,15}$/.test(text) ? Number(text) : undefined);

/**
 * The filters of the two halves, split midway between the base's own uSNCreated and the
 * directory's highestCommittedUSN (objects created in a container come after it; one moved in
 * keeps its older number and joins the first half). Any middle keeps the halves complete; this
 * one keeps them about even. The first connection binds before the second opens: a refused
 * password is tried once, as by one search (each refusal counts toward the account's lockout).
 */
export async function usnHalves(first: LdapConnection, second: LdapConnection, base: string): Promise<SearchHalves | undefined> {
  await first.connection(); // its failure is the search's, said once
  let middle: number | undefined;
  try {
    const [dse, own] = await Promise.all([readBase(first, '', ['highestCommittedUSN', 'dsServiceName']), readBase(first, base, ['uSNCreated'])]);
    const facts = { baseCreated: usn(own('uSNCreated')), highestCommittedUSN: usn(dse('highestCommittedUSN')), firstServer: dse('dsServiceName') };
    if (splitPoint({ ...facts, secondServer: facts.firstServer }) === undefined) return undefined; // nothing to split: no second connection
    middle = splitPoint({ ...facts, secondServer: (await readBase(second, '', ['dsServiceName']))('dsServiceName') });
  } catch {
    return undefined; // the search itself meets the same failure and says why
  }
  if (middle === undefined) return undefined;
  const older = new LessThanEqualsFilter({ attribute: 'uSNCreated', value: String(middle) });
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
