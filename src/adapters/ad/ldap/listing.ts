// The tree's paged one-level listing over LDAP: containers first (phase 0), then the other
// objects (phase 1), pageSize entries a page. A listing left open keeps its paged search so the
// next page continues it on the same connection; a continuation that arrives on another
// connection (or after the listing was dropped) searches again and skips what was shown.
import type { Client, Entry, Filter, SearchResult } from 'ldapts';
import { directoryErrors } from '../../../engine/errors/catalog/directory';
import { SyncError } from '../../../engine/errors/sync-error';
import { Dn } from '../../../engine/model/dn';
import type { ChildPage, DirectoryChild } from '../../../engine/ports/directory-source';
import { entryToAttributes } from '../entry-values';
import { CHILD_ATTRIBUTES, CONTAINER_CLASSES, toDirectoryChild } from './children';
import { SearchAnswerChecks } from './answer-checks';
import type { LdapConnection } from './connection';
import { decodeContinuation, encodeContinuation } from './continuation';
import { containerFilter, nonContainerFilter } from './filters';
import { MAX_PAGE_SIZE } from './reads';

const MAX_OPEN_LISTINGS = 32;

interface Listing {
  /** The connection whose paged-search cookie the iterator holds. */
  client: Client | undefined;
  dn: Dn;
  phase: 0 | 1;
  /** Entries returned so far in this phase (to resume on another connection). */
  returned: number;
  iterator: AsyncGenerator<SearchResult> | undefined;
  buffer: Entry[];
  exhausted: boolean;
  /** Every entry of the listing is a child of dn, once; its pages advance (answer-checks.ts). */
  checks: SearchAnswerChecks;
}

export class ChildListings {
  private readonly listings = new Map<string, Listing>();
  private listingCounter = 0;

  constructor(private readonly ldap: LdapConnection) {}

  async listChildren(dn: Dn, options: { pageSize: number; continuation?: string }): Promise<ChildPage> {
    const pageSize = Math.max(1, Math.min(options.pageSize, MAX_PAGE_SIZE));
    let key: string;
    let listing: Listing;
    if (options.continuation) {
      const token = decodeContinuation(options.continuation, dn.toString());
      const tokenDn = Dn.tryParse(token.dn);
      if (!tokenDn.ok || !tokenDn.dn.equals(dn)) throw new SyncError(directoryErrors.ContinuationExpired, { dn: dn.toString() });
      const live = this.listings.get(token.key);
      const sameConnection = live?.client !== undefined && live.client === this.ldap.current && live.client.isConnected;
      if (live && sameConnection && live.dn.equals(dn) && live.phase === token.phase && live.returned === token.returned) {
        key = token.key;
        listing = live;
      } else {
        // Another connection (or an expired listing): search again and skip what was shown.
        key = this.newListingKey();
        listing = { client: undefined, dn, phase: token.phase, returned: 0, iterator: undefined, buffer: [], exhausted: false, checks: this.checks(dn) };
        await this.skip(listing, token.returned);
      }
    } else {
      key = this.newListingKey();
      listing = { client: undefined, dn, phase: 0, returned: 0, iterator: undefined, buffer: [], exhausted: false, checks: this.checks(dn) };
    }
    this.listings.delete(key);

    const children: DirectoryChild[] = [];
    while (children.length < pageSize) {
      const entry = await this.nextEntry(listing, pageSize);
      if (!entry) break;
      children.push(toDirectoryChild(entry.dn, entryToAttributes(entry)));
    }
    // Look ahead so the last page carries no continuation.
    const more = (await this.peek(listing, pageSize)) !== undefined;
    if (!more) return { children };
    this.listings.set(key, listing);
    while (this.listings.size > MAX_OPEN_LISTINGS) {
      const oldest = this.listings.keys().next().value as string;
      void this.listings.get(oldest)?.iterator?.return(undefined).catch(() => undefined);
      this.listings.delete(oldest);
    }
    return { children, continuation: encodeContinuation({ key, phase: listing.phase, returned: listing.returned, dn: dn.toString() }) };
  }

  /** Ends every open paged search (before the connection closes). */
  async close(): Promise<void> {
    for (const listing of this.listings.values()) await listing.iterator?.return(undefined).catch(() => undefined);
    this.listings.clear();
  }

  private checks(dn: Dn): SearchAnswerChecks {
    return new SearchAnswerChecks(this.ldap, 'list the children of', dn, 'one');
  }

  private newListingKey(): string {
    this.listingCounter++;
    return `${Date.now().toString(36)}.${this.listingCounter}`;
  }

  private filterFor(phase: 0 | 1): Filter {
    return phase === 0 ? containerFilter(CONTAINER_CLASSES) : nonContainerFilter(CONTAINER_CLASSES);
  }

  private async fill(listing: Listing, pageSize: number): Promise<void> {
    while (listing.buffer.length === 0) {
      if (!listing.iterator && !listing.exhausted) {
        const client = await this.ldap.connection();
        listing.client = client;
        listing.iterator = client.searchPaginated(listing.dn.toString(), {
          scope: 'one',
          filter: this.filterFor(listing.phase),
          attributes: CHILD_ATTRIBUTES,
          explicitBufferAttributes: ['objectGUID'],
          paged: { pageSize },
          timeLimit: this.ldap.timeLimitSeconds,
        });
      }
      if (listing.exhausted || !listing.iterator) {
        if (listing.phase === 1) return;
        listing.phase = 1;
        listing.returned = 0;
        listing.exhausted = false;
        listing.iterator = undefined;
        continue;
      }
      let next: IteratorResult<SearchResult>;
      try {
        this.ldap.count();
        next = await listing.iterator.next();
      } catch (err) {
        listing.exhausted = true;
        throw this.ldap.error(err, 'list the children of', listing.dn);
      }
      if (next.done) {
        listing.exhausted = true;
        listing.iterator = undefined;
        this.ldap.count(-1); // the generator ended without a request
        continue;
      }
      try {
        listing.checks.page(next.value.searchEntries.length);
        for (const entry of next.value.searchEntries) listing.checks.entry(entry.dn);
      } catch (err) {
        listing.exhausted = true;
        await listing.iterator?.return(undefined).catch(() => undefined);
        throw err;
      }
      listing.buffer.push(...next.value.searchEntries);
    }
  }

  private async nextEntry(listing: Listing, pageSize: number): Promise<Entry | undefined> {
    await this.fill(listing, pageSize);
    const entry = listing.buffer.shift();
    if (entry) listing.returned++;
    return entry;
  }

  private async peek(listing: Listing, pageSize: number): Promise<Entry | undefined> {
    await this.fill(listing, pageSize);
    return listing.buffer[0];
  }

  private async skip(listing: Listing, count: number): Promise<void> {
    for (let k = 0; k < count; k++) {
      if (!(await this.nextEntry(listing, MAX_PAGE_SIZE))) break;
    }
  }
}
