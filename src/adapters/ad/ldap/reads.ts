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
import { quote, SearchAnswerChecks } from './answer-checks';
import type { LdapConnection } from './connection';
import { scopeFilter } from './filters';
import { firstThenSecond, usnHalves, withHalf } from './split-search';

/** AD's default MaxValRange: values of a multi-valued attribute returned per request. */
export const RANGE_STEP = 1500;
/** AD's default MaxPageSize. */
export const MAX_PAGE_SIZE = 1000;
/** Attributes a base read always asks for besides '*' (operational or often forgotten); bench:batch asks ldapsearch for them too. */
/** Values of one attribute, all ranges together, at most (AD's largest groups hold a few million members). */
export const MAX_ATTRIBUTE_VALUES = 5_000_000;
/** Naming contexts a RootDSE may list (a forest has a few per domain, plus application partitions). */
export const MAX_NAMING_CONTEXTS = 1_000;
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
    if (searchEntries.length > 1) throw this.ldap.invalidAnswer('read the RootDSE', '', `${searchEntries.length} entries for the one RootDSE`);
    const attrs = searchEntries[0] ? entryToAttributes(searchEntries[0]) : {};
    const text = (name: string): string | undefined => {
      const v = getFirst(attrs, name);
      return typeof v === 'string' ? v : undefined;
    };
    const dse: RootDse = {
      defaultNamingContext: this.rootDseDn(text('defaultNamingContext'), 'defaultNamingContext'),
      namingContexts: this.namingContexts(attrs.namingContexts ?? []),
      configurationNamingContext: this.rootDseDn(text('configurationNamingContext'), 'configurationNamingContext'),
      ...(text('dnsHostName') ? { dnsHostName: this.hostName(text('dnsHostName')!) } : {}),
    };
    this.rootDseCache = dse;
    return dse;
  }

  /** A naming context of the RootDSE: a DN (or absent, ''), never other text. */
  private rootDseDn(value: string | undefined, name: string): string {
    if (value === undefined || value === '') return '';
    const parsed = Dn.tryParse(value);
    if (!parsed.ok) throw this.ldap.invalidAnswer('read the RootDSE', '', `a ${name} of ${quote(value)}, which is not a distinguished name (${parsed.error.reason})`);
    return value;
  }

  private namingContexts(values: Attributes[string]): string[] {
    if (values.length > MAX_NAMING_CONTEXTS) throw this.ldap.invalidAnswer('read the RootDSE', '', `${values.length} namingContexts (a forest has a few per domain; ${MAX_NAMING_CONTEXTS} are accepted)`);
    return values.map((value) => this.rootDseDn(typeof value === 'string' ? value : String(value), 'namingContexts value'));
  }

  /** The domain controller's DNS name, as shown in the status bar: a host name, never other text. */
  private hostName(value: string): string {
    if (value.length <= 253 && /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/.test(value)) return value;
    throw this.ldap.invalidAnswer('read the RootDSE', '', `a dnsHostName of ${quote(value)}, which is not a DNS host name`);
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
      const parsed = Dn.tryParse(dn);
      if (!parsed.ok) throw this.ldap.invalidAnswer('list the partitions (crossRef)', base, `the crossRef ${quote(entry.dn)} with an nCName of ${quote(dn)}, which is not a distinguished name`);
      partitions.push({ dn: parsed.dn, dnsRoot, ...(typeof netbios === 'string' ? { netbiosName: netbios } : {}) });
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
    if (entries.length > 1) throw this.ldap.invalidAnswer('read', base, `${entries.length} entries for a read of one object`);
    const entry = entries[0];
    const account = this.ldap.options.bindDn ?? '(anonymous)';
    if (!entry) {
      // A base search of an existing object the account may not see returns success and nothing.
      return { status: 'notReadable', reason: `The object exists but the connector account ${account} cannot read it.` };
    }
    new SearchAnswerChecks(this.ldap, 'read', dn, 'base').entry(entry.dn);
    const attributes = entryToAttributes(entry);
    if (getFirst(attributes, 'objectClass') === undefined) {
      // Every readable object has objectClass: the entry is visible but its properties are not.
      return { status: 'notReadable', reason: `The connector account ${account} can see the object but is not allowed to read its attributes.` };
    }
    await this.completeRangedAttributes(entry.dn, dn, attributes);
    return { status: 'found', object: { dn: entry.dn, attributes } };
  }

  /** Replaces `member;range=0-1499` style keys by the full attribute (AD caps values per read). */
  private async completeRangedAttributes(dn: string, parsed: Dn, attributes: Attributes): Promise<void> {
    const names = new Set<string>();
    for (const key of Object.keys(attributes)) {
      const ranged = parseRangedName(key);
      if (!ranged) continue;
      const name = ranged.name.toLowerCase();
      const values = attributes[key] ?? [];
      // The first window of an attribute: from value 0, as many values as it names, and the
      // attribute once (not whole and ranged, nor in two windows).
      const others = Object.keys(attributes).filter((k) => k !== key && (k.toLowerCase() === name || parseRangedName(k)?.name.toLowerCase() === name));
      if (names.has(name) || others.length > 0) throw this.ldap.invalidAnswer('read', dn, `${ranged.name} more than once in one entry (${[key, ...others].map(quote).join(', ')})`);
      names.add(name);
      this.checkWindow(dn, key, ranged, 0, values.length);
      delete attributes[key];
      if (ranged.end !== undefined) {
        for await (const chunk of this.rangedValues(dn, parsed, ranged.name, ranged.end + 1)) values.push(...chunk);
      }
      attributes[ranged.name] = values;
    }
  }

  /** A window of ranged values as asked: starting at `from`, holding the values it names. */
  private checkWindow(dn: string, key: string, range: { start: number; end: number | undefined }, from: number, count: number): void {
    const operation = `read ${key.replace(/;.*$/, '')}`;
    if (range.start !== from) throw this.ldap.invalidAnswer(operation, dn, `${quote(key)} when values from ${from} on were asked for (a range that does not start where asked; following it would loop or lose values)`);
    if (range.end !== undefined && range.end < range.start) throw this.ldap.invalidAnswer(operation, dn, `${quote(key)}, a range that ends before it starts`);
    if (range.end !== undefined && count !== range.end - range.start + 1) {
      throw this.ldap.invalidAnswer(operation, dn, `${quote(key)} with ${count} values, not the ${range.end - range.start + 1} it names (values would be lost)`);
    }
    if (range.start + count > MAX_ATTRIBUTE_VALUES) throw this.ldap.invalidAnswer(operation, dn, `more than ${MAX_ATTRIBUTE_VALUES} values of ${key.replace(/;.*$/, '')}`);
  }

  /**
   * Reads a multi-valued attribute in windows of RANGE_STEP values (`member;range=0-1499`,
   * `member;range=1500-2999`, ...) until the server answers with `-*`.
   */
  private async *rangedValues(dn: string, parsed: Dn, attribute: string, start = 0): AsyncGenerator<Attributes[string]> {
    let from = start;
    const operation = `read ${attribute}`;
    for (;;) {
      const requested = `${attribute};range=${from}-${from + RANGE_STEP - 1}`;
      const { searchEntries } = await this.ldap.run(operation, dn, (c) =>
        c.search(dn, { scope: 'base', filter: new PresenceFilter({ attribute: 'objectClass' }), attributes: [requested], timeLimit: this.ldap.timeLimitSeconds }),
      );
      if (searchEntries.length > 1) throw this.ldap.invalidAnswer(operation, dn, `${searchEntries.length} entries for a read of one object`);
      const entry = searchEntries[0];
      if (!entry) {
        if (from === 0) return;
        throw this.ldap.invalidAnswer(operation, dn, `no entry when values from ${from} on were asked for, after ${from} had come (the values after ${from} would be lost)`);
      }
      new SearchAnswerChecks(this.ldap, operation, parsed, 'base').entry(entry.dn);
      // ldapts lists a requested attribute the server did not send as []: that is no answer.
      const sent = Object.keys(entry).filter((k) => k !== 'dn' && !(k === requested && (entry[k] as unknown[]).length === 0));
      const name = attribute.toLowerCase();
      const keys = sent.filter((k) => parseRangedName(k)?.name.toLowerCase() === name);
      const plain = sent.find((k) => k.toLowerCase() === name);
      if (keys.length > 1 || (keys.length === 1 && plain !== undefined)) throw this.ldap.invalidAnswer(operation, dn, `${attribute} more than once in one entry (${[...keys, ...(plain ? [plain] : [])].map(quote).join(', ')})`);
      const attrs = entryToAttributes(entry);
      const key = keys[0];
      if (key === undefined) {
        // A server without ranged retrieval returns the attribute whole (or not at all).
        if (from === 0) {
          if (plain !== undefined) yield attrs[plain] ?? [];
          return;
        }
        throw this.ldap.invalidAnswer(operation, dn, `no ${attribute};range=${from}-... when values from ${from} on were asked for (the values after ${from} would be lost)`);
      }
      const range = parseRangedName(key)!;
      const values = attrs[key] ?? [];
      this.checkWindow(dn, key, range, from, values.length);
      yield values;
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
    // One set of checks for the whole search: an entry twice, even one in each half, is refused.
    const checks = new SearchAnswerChecks(this.ldap, 'search', search.base, search.scope === 'one' ? 'one' : 'subtree');
    if (search.pageSize !== undefined) {
      yield* this.pagedSearch(this.ldap, search, filter, checks);
      return;
    }
    const other = this.ldap.fork();
    try {
      const halves = await usnHalves(this.ldap, other, search.base.toString());
      if (!halves) yield* this.pagedSearch(this.ldap, search, filter, checks);
      else yield* firstThenSecond(this.pagedSearch(this.ldap, search, withHalf(filter, halves.older), checks), this.pagedSearch(other, search, withHalf(filter, halves.newer), checks));
    } finally {
      await other.close();
    }
  }

  private async *pagedSearch(ldap: LdapConnection, search: ScopeSearch, filter: Filter, checks: SearchAnswerChecks): AsyncGenerator<DirectoryObject> {
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
        checks.page(next.value.searchEntries.length);
        for (const entry of next.value.searchEntries) {
          const parsed = checks.entry(entry.dn);
          const attributes = entryToAttributes(entry);
          if (getFirst(attributes, 'objectClass') === undefined) continue; // visible but not readable: read on its own
          await this.completeRangedAttributes(entry.dn, parsed, attributes);
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
    for await (const chunk of this.rangedValues(group, groupDn, 'member')) {
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
