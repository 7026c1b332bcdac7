// Reads over one LDAP connection: the RootDSE, the domain partitions (crossRef objects), base
// reads with binary attributes as bytes and ranged attributes completed, one paged search over
// a scope (batch), and direct-membership checks with ranged retrieval. Names the directory
// returns are parsed here, where they enter.
import { AndFilter, EqualityFilter, PresenceFilter, type Entry, type Filter, type SearchResult } from 'ldapts';
import { directoryErrors } from '../../../engine/errors/catalog/directory';
import { SyncError } from '../../../engine/errors/sync-error';
import { getFirst, type Attributes } from '../../../engine/model/attributes';
import { Dn } from '../../../engine/model/dn';
import type { DirectoryObject } from '../../../engine/model/directory-object';
import type { DirectoryPartition, ReadResult, RootDse, ScopeSearch } from '../../../engine/ports/directory-source';
import { explicitBufferAttributes } from '../binary-attributes';
import { entryToAttributes, parseRangedName } from '../entry-values';
import type { LdapConnection } from './connection';
import { scopeFilter } from './filters';
import { firstThenSecond, usnHalves, withHalf } from './split-search';

/** AD's default MaxValRange: values of a multi-valued attribute returned per request. */
export const RANGE_STEP = 1500;
/** AD's default MaxPageSize. */
export const MAX_PAGE_SIZE = 1000;
/** Attributes a base read always asks for besides '*' (operational or often forgotten); bench:batch asks ldapsearch for them too. */
export const READ_ATTRIBUTES = ['*', 'objectGUID', 'objectSid', 'mS-DS-ConsistencyGuid', 'uSNChanged', 'uSNCreated', 'whenChanged', 'whenCreated', 'isCriticalSystemObject', 'memberOf'];

export class LdapReads {
  private rootDseCache: RootDse | undefined;

  constructor(private readonly ldap: LdapConnection) {}

  async rootDse(): Promise<RootDse> {
    if (this.rootDseCache) return this.rootDseCache;
    const { searchEntries } = await this.ldap.run('read the RootDSE', '', (c) =>
      c.search('', {
        scope: 'base',
        filter: new PresenceFilter({ attribute: 'objectClass' }),
        attributes: ['defaultNamingContext', 'namingContexts', 'configurationNamingContext', 'dnsHostName', 'rootDomainNamingContext', 'schemaNamingContext'],
        timeLimit: this.ldap.timeLimitSeconds,
      }),
    );
    const attrs = searchEntries[0] ? entryToAttributes(searchEntries[0]) : {};
    const text = (name: string): string | undefined => {
      const v = getFirst(attrs, name);
      return typeof v === 'string' ? v : undefined;
    };
    const dse: RootDse = {
      defaultNamingContext: text('defaultNamingContext') ?? '',
      namingContexts: (attrs.namingContexts ?? []).map(String),
      configurationNamingContext: text('configurationNamingContext') ?? '',
      ...(text('dnsHostName') ? { dnsHostName: text('dnsHostName') } : {}),
    };
    this.rootDseCache = dse;
    return dse;
  }

  async partitions(): Promise<DirectoryPartition[]> {
    const { configurationNamingContext } = await this.rootDse();
    const base = `CN=Partitions,${configurationNamingContext}`;
    const { searchEntries } = await this.ldap.run('list the partitions (crossRef)', base, (c) =>
      c.search(base, {
        scope: 'one',
        filter: new AndFilter({ filters: [new EqualityFilter({ attribute: 'objectClass', value: 'crossRef' }), new PresenceFilter({ attribute: 'nCName' })] }),
        attributes: ['nCName', 'dnsRoot', 'nETBIOSName', 'systemFlags'],
        timeLimit: this.ldap.timeLimitSeconds,
      }),
    );
    const partitions: DirectoryPartition[] = [];
    for (const entry of searchEntries) {
      const a = entryToAttributes(entry);
      // FLAG_CR_NTDS_DOMAIN (2): a domain partition, the kind Entra Connect synchronizes.
      if ((Number(getFirst(a, 'systemFlags') ?? 0) & 2) === 0) continue;
      const dn = getFirst(a, 'nCName');
      const dnsRoot = getFirst(a, 'dnsRoot');
      const netbios = getFirst(a, 'nETBIOSName');
      if (typeof dn !== 'string' || typeof dnsRoot !== 'string') continue;
      partitions.push({ dn: Dn.parse(dn), dnsRoot, ...(typeof netbios === 'string' ? { netbiosName: netbios } : {}) });
    }
    return partitions;
  }

  async readObject(dn: Dn): Promise<ReadResult> {
    const base = dn.toString();
    let entries: Entry[];
    try {
      ({ searchEntries: entries } = await this.ldap.run('read', base, (c) =>
        c.search(base, {
          scope: 'base',
          filter: new PresenceFilter({ attribute: 'objectClass' }),
          attributes: READ_ATTRIBUTES,
          explicitBufferAttributes,
          timeLimit: this.ldap.timeLimitSeconds,
        }),
      ));
    } catch (err) {
      if (err instanceof SyncError && err.code === directoryErrors.NoSuchObject.code) return { status: 'notFound' };
      if (err instanceof SyncError && err.code === directoryErrors.InsufficientAccess.code) return { status: 'notReadable', reason: err.reason };
      throw err;
    }
    const entry = entries[0];
    const account = this.ldap.options.bindDn ?? '(anonymous)';
    if (!entry) {
      // A base search of an existing object the account may not see returns success and nothing.
      return { status: 'notReadable', reason: `The object exists but the connector account ${account} cannot read it.` };
    }
    const attributes = entryToAttributes(entry);
    if (getFirst(attributes, 'objectClass') === undefined) {
      // Every readable object has objectClass: the entry is visible but its properties are not.
      return { status: 'notReadable', reason: `The connector account ${account} can see the object but is not allowed to read its attributes.` };
    }
    await this.completeRangedAttributes(entry.dn, attributes);
    return { status: 'found', object: { dn: entry.dn, attributes } };
  }

  /** Replaces `member;range=0-1499` style keys by the full attribute (AD caps values per read). */
  private async completeRangedAttributes(dn: string, attributes: Attributes): Promise<void> {
    for (const key of Object.keys(attributes)) {
      const ranged = parseRangedName(key);
      if (!ranged) continue;
      const values = attributes[key] ?? [];
      delete attributes[key];
      if (ranged.end !== undefined) {
        for await (const chunk of this.rangedValues(dn, ranged.name, ranged.end + 1)) values.push(...chunk);
      }
      attributes[ranged.name] = values;
    }
  }

  /**
   * Reads a multi-valued attribute in windows of RANGE_STEP values (`member;range=0-1499`,
   * `member;range=1500-2999`, ...) until the server answers with `-*`.
   */
  private async *rangedValues(dn: string, attribute: string, start = 0): AsyncGenerator<Attributes[string]> {
    let from = start;
    for (;;) {
      const requested = `${attribute};range=${from}-${from + RANGE_STEP - 1}`;
      const { searchEntries } = await this.ldap.run(`read ${attribute}`, dn, (c) =>
        c.search(dn, { scope: 'base', filter: new PresenceFilter({ attribute: 'objectClass' }), attributes: [requested], timeLimit: this.ldap.timeLimitSeconds }),
      );
      const entry = searchEntries[0];
      if (!entry) return;
      const attrs = entryToAttributes(entry);
      const key = Object.keys(attrs).find((k) => parseRangedName(k)?.name.toLowerCase() === attribute.toLowerCase());
      const plain = Object.keys(attrs).find((k) => k.toLowerCase() === attribute.toLowerCase());
      if (key === undefined) {
        // A server without ranged retrieval returns the attribute whole (or not at all).
        if (plain !== undefined && from === 0) yield attrs[plain] ?? [];
        return;
      }
      yield attrs[key] ?? [];
      const range = parseRangedName(key)!;
      if (range.end === undefined) return;
      from = range.end + 1;
    }
  }

  /**
   * The objects of a scope, each exactly as readObject returns it (same attributes, binary ones
   * as bytes, ranged attributes such as a large group's member completed), from one paged
   * search instead of a base read per object. A whole scope (no page size asked) is searched in
   * two halves at once on two connections (split-search.ts); the order is the same each run.
   */
  async *searchObjects(search: ScopeSearch): AsyncGenerator<DirectoryObject> {
    const filter = scopeFilter(search.objectClasses, search.ldapFilter);
    if (search.pageSize !== undefined) {
      yield* this.pagedSearch(this.ldap, search, filter);
      return;
    }
    const other = this.ldap.fork();
    try {
      const halves = await usnHalves(this.ldap, other, search.base.toString());
      if (!halves) yield* this.pagedSearch(this.ldap, search, filter);
      else yield* firstThenSecond(this.pagedSearch(this.ldap, search, withHalf(filter, halves.older)), this.pagedSearch(other, search, withHalf(filter, halves.newer)));
    } finally {
      await other.close();
    }
  }

  private async *pagedSearch(ldap: LdapConnection, search: ScopeSearch, filter: Filter): AsyncGenerator<DirectoryObject> {
    const base = search.base.toString();
    const client = await ldap.connection();
    const iterator = client.searchPaginated(base, {
      scope: search.scope === 'one' ? 'one' : 'sub',
      filter,
      attributes: READ_ATTRIBUTES,
      explicitBufferAttributes,
      paged: { pageSize: Math.max(1, Math.min(search.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE)) },
      timeLimit: ldap.timeLimitSeconds,
    });
    try {
      for (;;) {
        let next: IteratorResult<SearchResult>;
        ldap.count();
        try {
          next = await iterator.next();
        } catch (err) {
          throw ldap.error(err, 'search', base);
        }
        if (next.done) {
          ldap.count(-1); // the generator ended without a request
          return;
        }
        for (const entry of next.value.searchEntries) {
          const attributes = entryToAttributes(entry);
          if (getFirst(attributes, 'objectClass') === undefined) continue; // visible but not readable: read on its own
          await this.completeRangedAttributes(entry.dn, attributes);
          yield { dn: entry.dn, attributes };
        }
      }
    } finally {
      await iterator.return(undefined).catch(() => undefined);
    }
  }

  /** Is memberDn a value of the group's member attribute (nested membership does not count)? */
  async isDirectMember(groupDn: Dn, memberDn: Dn): Promise<boolean> {
    const group = groupDn.toString();
    let sawGroup = false;
    for await (const chunk of this.rangedValues(group, 'member')) {
      sawGroup = true;
      if (chunk.some((value) => typeof value === 'string' && memberDn.isNamedBy(value))) return true;
    }
    if (!sawGroup) {
      // No `member` at all: make sure the group exists, so a typo is an error and not "no".
      const read = await this.ldap.run('read', group, (c) =>
        c.search(group, { scope: 'base', filter: new PresenceFilter({ attribute: 'objectClass' }), attributes: ['1.1'], timeLimit: this.ldap.timeLimitSeconds }),
      );
      if (read.searchEntries.length === 0) {
        throw new SyncError(directoryErrors.NoSuchObject, { dn: group, matchedDn: '(none)', didYouMean: '' });
      }
    }
    return false;
  }
}
