// The DirectorySource port over LDAP: one connection per source (connection.ts: opened on
// first use, reused for the whole sync, LDAPS or StartTLS, simple bind), the reads
// (reads.ts) and the tree's paged listings (listing.ts) over it.
import type { Dn } from '../../../engine/model/dn';
import type { DirectoryObject } from '../../../engine/model/directory-object';
import type { ChildPage, DirectoryPartition, DirectorySource, FoundObject, ReadResult, RootDse, ScopeSearch } from '../../../engine/ports/directory-source';
import { SearchAnswerChecks } from './answer-checks';
import { countChildren, findObjects } from './find';
import { LdapConnection, type LdapSourceOptions } from './connection';
import { ChildListings } from './listing';
import { LdapReads } from './reads';

export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_OPERATION_TIMEOUT_MS, type LdapSourceOptions } from './connection';
export { RANGE_STEP } from './reads';

export class LdapDirectorySource implements DirectorySource {
  readonly kind = 'ldap' as const;
  private readonly ldap: LdapConnection;
  private readonly reads: LdapReads;
  private readonly listings: ChildListings;

  constructor(options: LdapSourceOptions) {
    this.ldap = new LdapConnection(options);
    this.reads = new LdapReads(this.ldap);
    this.listings = new ChildListings(this.ldap);
  }

  operationCount(): number {
    return this.ldap.operationCount();
  }

  /** Connects and binds now (a "test connection" action); operations do this on first use. */
  async connect(): Promise<void> {
    await this.ldap.connection();
  }

  rootDse(): Promise<RootDse> {
    return this.reads.rootDse();
  }

  partitions(): Promise<DirectoryPartition[]> {
    return this.reads.partitions();
  }

  readObject(dn: Dn): Promise<ReadResult> {
    return this.reads.readObject(dn);
  }

  searchObjects(search: ScopeSearch): AsyncGenerator<DirectoryObject> {
    return this.reads.searchObjects(search);
  }

  /** Find Object (find.ts). */
  findObjects(text: string, options: { base: Dn; limit: number }): Promise<FoundObject[]> {
    return this.ldap.run('search', options.base, (client) => findObjects(client, text, {
      base: options.base.toString(), limit: options.limit, timeLimitSeconds: this.ldap.timeLimitSeconds,
      checks: (base, scope) => new SearchAnswerChecks(this.ldap, 'find objects under', base, scope),
    }));
  }

  countChildren(dn: Dn): Promise<number> {
    return this.ldap.run('count the children of', dn, (client) => countChildren(client, dn.toString(), this.ldap.timeLimitSeconds, new SearchAnswerChecks(this.ldap, 'count the children of', dn, 'one')));
  }

  isDirectMember(groupDn: Dn, memberDn: Dn): Promise<boolean> {
    return this.reads.isDirectMember(groupDn, memberDn);
  }

  listChildren(dn: Dn, options: { pageSize: number; continuation?: string }): Promise<ChildPage> {
    return this.listings.listChildren(dn, options);
  }

  async close(): Promise<void> {
    await this.listings.close();
    await this.ldap.close();
  }
}
