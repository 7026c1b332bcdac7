// The DirectorySource port over LDAP with ldapts: one connection per source (opened on first
// use, reused for the whole sync), LDAPS or StartTLS with certificate verification, simple
// bind, RootDSE, crossRef partitions, base reads with binary attributes as bytes, paged
// one-level listings (containers first) and direct-membership checks with ranged retrieval.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { AndFilter, Client, EqualityFilter, PresenceFilter, type Entry, type Filter, type SearchResult } from 'ldapts';
import { directoryErrors } from '../../../engine/errors/catalog/directory';
import { SyncError } from '../../../engine/errors/sync-error';
import { getFirst, type Attributes } from '../../../engine/model/attributes';
import { dnEquals, parseDn } from '../../../engine/model/dn';
import type { DirectoryObject } from '../../../engine/model/directory-object';
import type { ChildPage, DirectoryChild, DirectoryPartition, DirectorySource, FoundObject, ReadResult, RootDse, ScopeSearch } from '../../../engine/ports/directory-source';
import { countChildren, findObjects } from './find';
import { explicitBufferAttributes } from '../binary-attributes';
import { CHILD_ATTRIBUTES, CONTAINER_CLASSES, toDirectoryChild } from './children';
import { entryToAttributes, parseRangedName } from '../entry-values';
import { decodeContinuation, encodeContinuation } from './continuation';
import { toSyncError } from './errors';
import { containerFilter, nonContainerFilter, scopeFilter } from './filters';

export interface LdapSourceOptions {
  /** ldaps://host:636 or ldap://host:389. */
  url: string;
  /** Connector name, for messages. */
  connectorName?: string;
  bindDn?: string;
  password?: string;
  /** PEM file of the CA that issued the DC certificate (added to Node's trusted roots). */
  caFile?: string;
  /** Name expected in the DC certificate (when the URL uses an IP address or an alias). */
  serverName?: string;
  startTls?: boolean;
  allowInsecure?: boolean;
  connectTimeoutMs?: number;
  operationTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_OPERATION_TIMEOUT_MS = 30_000;
/** AD's default MaxValRange: values of a multi-valued attribute returned per request. */
export const RANGE_STEP = 1500;
/** AD's default MaxPageSize. */
const MAX_PAGE_SIZE = 1000;
/** Attributes a base read always asks for besides '*' (operational or often forgotten). */
const READ_ATTRIBUTES = ['*', 'objectGUID', 'objectSid', 'mS-DS-ConsistencyGuid', 'uSNChanged', 'uSNCreated', 'whenChanged', 'whenCreated', 'isCriticalSystemObject', 'memberOf'];
const MAX_OPEN_LISTINGS = 32;

interface Listing {
  /** The connection whose paged-search cookie the iterator holds. */
  client: Client | undefined;
  dn: string;
  phase: 0 | 1;
  /** Entries returned so far in this phase (to resume on another connection). */
  returned: number;
  iterator: AsyncGenerator<SearchResult> | undefined;
  buffer: Entry[];
  exhausted: boolean;
}

export class LdapDirectorySource implements DirectorySource {
  readonly kind = 'ldap' as const;
  private readonly url: URL;
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private operations = 0;
  private rootDseCache: RootDse | undefined;
  private readonly listings = new Map<string, Listing>();
  private listingCounter = 0;
  private readonly connectTimeoutMs: number;
  private readonly operationTimeoutMs: number;

  constructor(private readonly options: LdapSourceOptions) {
    try {
      this.url = new URL(options.url);
    } catch {
      throw this.configError(`"${options.url}" is not a URL (expected ldaps://host:636 or ldap://host:389)`);
    }
    if (this.url.protocol !== 'ldaps:' && this.url.protocol !== 'ldap:') {
      throw this.configError(`the URL scheme "${this.url.protocol}" is not ldap: or ldaps:`);
    }
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.operationTimeoutMs = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  }

  operationCount(): number {
    return this.operations;
  }

  /** Connects and binds now (a "test connection" action); operations do this on first use. */
  async connect(): Promise<void> {
    await this.connection();
  }

  // ---------- connection ----------

  private configError(problem: string): SyncError {
    return new SyncError(directoryErrors.InvalidDirectoryConfiguration, { connector: this.options.connectorName ?? this.options.url, problem });
  }

  private get host(): string {
    return this.url.hostname.replace(/^\[|\]$/g, '');
  }

  private errorContext(operation: string, dn?: string) {
    return {
      url: this.options.url,
      server: this.options.serverName ?? this.host,
      bindDn: this.options.bindDn,
      operation,
      dn,
      timeoutMs: this.operationTimeoutMs,
      connectTimeoutMs: this.connectTimeoutMs,
    };
  }

  private tlsOptions(): ConnectionOptions {
    const serverName = this.options.serverName ?? (isIP(this.host) ? undefined : this.host);
    let ca: Buffer | undefined;
    if (this.options.caFile) {
      try {
        ca = readFileSync(this.options.caFile);
      } catch (err) {
        throw this.configError(`the CA file ${this.options.caFile} cannot be read (${(err as Error).message})`);
      }
    }
    return {
      // Verification is always on. A CA file PINS: Node's `ca` replaces the default roots, so
      // only that CA's certificates are accepted for this domain controller.
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(ca ? { ca: [ca] } : {}),
      ...(serverName ? { servername: serverName } : {}),
    };
  }

  private connection(): Promise<Client> {
    if (this.client?.isConnected) return Promise.resolve(this.client);
    // The DC closed the connection (idle time-out, restart): open a new one with TLS and bind
    // again, rather than let ldapts reconnect silently without StartTLS or bind.
    if (this.client) {
      const stale = this.client;
      this.client = undefined;
      void stale.unbind().catch(() => undefined);
    }
    this.connecting ??= this.openConnection().then(
      (client) => {
        this.client = client;
        this.connecting = undefined;
        return client;
      },
      (err: unknown) => {
        this.connecting = undefined;
        throw err;
      },
    );
    return this.connecting;
  }

  private async openConnection(): Promise<Client> {
    const secure = this.url.protocol === 'ldaps:';
    const { bindDn, password, startTls, allowInsecure } = this.options;
    if (!secure && !startTls && bindDn && !allowInsecure) {
      throw new SyncError(directoryErrors.InsecureBindRefused, { url: this.options.url, bindDn });
    }
    if (bindDn && !password) {
      throw new SyncError(directoryErrors.MissingBindPassword, { bindDn, connector: this.options.connectorName ?? this.options.url });
    }
    const tlsOptions = secure || startTls ? this.tlsOptions() : undefined;
    const client = new Client({
      url: this.options.url,
      connectTimeout: this.connectTimeoutMs,
      timeout: this.operationTimeoutMs,
      strictDN: false, // DNs are validated by the engine's RFC 4514 parser before any call
      ...(secure ? { tlsOptions } : {}),
    });
    try {
      if (startTls && !secure) {
        await client.startTLS({ ...tlsOptions, servername: tlsOptions?.servername ?? this.host });
      }
      if (bindDn) await client.bind(bindDn, password);
      return client;
    } catch (err) {
      await client.unbind().catch(() => undefined);
      throw toSyncError(err, this.errorContext(startTls && !secure ? 'StartTLS or bind' : 'bind'));
    }
  }

  private async run<T>(operation: string, dn: string | undefined, action: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.connection();
    try {
      this.operations++;
      return await action(client);
    } catch (err) {
      throw toSyncError(err, this.errorContext(operation, dn));
    }
  }

  private get timeLimitSeconds(): number {
    return Math.max(1, Math.ceil(this.operationTimeoutMs / 1000));
  }

  async close(): Promise<void> {
    for (const listing of this.listings.values()) await listing.iterator?.return(undefined).catch(() => undefined);
    this.listings.clear();
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    if (client) await client.unbind().catch(() => undefined);
  }

  // ---------- RootDSE and partitions ----------

  async rootDse(): Promise<RootDse> {
    if (this.rootDseCache) return this.rootDseCache;
    const { searchEntries } = await this.run('read the RootDSE', '', (c) =>
      c.search('', {
        scope: 'base',
        filter: new PresenceFilter({ attribute: 'objectClass' }),
        attributes: ['defaultNamingContext', 'namingContexts', 'configurationNamingContext', 'dnsHostName', 'rootDomainNamingContext', 'schemaNamingContext'],
        timeLimit: this.timeLimitSeconds,
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
    const { searchEntries } = await this.run('list the partitions (crossRef)', base, (c) =>
      c.search(base, {
        scope: 'one',
        filter: new AndFilter({ filters: [new EqualityFilter({ attribute: 'objectClass', value: 'crossRef' }), new PresenceFilter({ attribute: 'nCName' })] }),
        attributes: ['nCName', 'dnsRoot', 'nETBIOSName', 'systemFlags'],
        timeLimit: this.timeLimitSeconds,
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
      partitions.push({ dn, dnsRoot, ...(typeof netbios === 'string' ? { netbiosName: netbios } : {}) });
    }
    return partitions;
  }

  // ---------- base read ----------

  async readObject(dn: string): Promise<ReadResult> {
    parseDn(dn); // MalformedDistinguishedName before any LDAP call
    let entries: Entry[];
    try {
      ({ searchEntries: entries } = await this.run('read', dn, (c) =>
        c.search(dn, {
          scope: 'base',
          filter: new PresenceFilter({ attribute: 'objectClass' }),
          attributes: READ_ATTRIBUTES,
          explicitBufferAttributes,
          timeLimit: this.timeLimitSeconds,
        }),
      ));
    } catch (err) {
      if (err instanceof SyncError && err.code === 'NoSuchObject') return { status: 'notFound' };
      if (err instanceof SyncError && err.code === 'InsufficientAccess') return { status: 'notReadable', reason: err.reason };
      throw err;
    }
    const entry = entries[0];
    if (!entry) {
      // A base search of an existing object the account may not see returns success and nothing.
      return { status: 'notReadable', reason: `The object exists but the connector account ${this.options.bindDn ?? '(anonymous)'} cannot read it.` };
    }
    const attributes = entryToAttributes(entry);
    if (getFirst(attributes, 'objectClass') === undefined) {
      // Every readable object has objectClass: the entry is visible but its properties are not.
      return { status: 'notReadable', reason: `The connector account ${this.options.bindDn ?? '(anonymous)'} can see the object but is not allowed to read its attributes.` };
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
      const { searchEntries } = await this.run(`read ${attribute}`, dn, (c) =>
        c.search(dn, { scope: 'base', filter: new PresenceFilter({ attribute: 'objectClass' }), attributes: [requested], timeLimit: this.timeLimitSeconds }),
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

  // ---------- batch: one paged search over a scope ----------

  /**
   * The objects of a scope, each exactly as readObject returns it (same attributes, binary ones
   * as bytes, ranged attributes such as a large group's member completed), from one paged
   * search instead of a base read per object.
   */
  async *searchObjects(search: ScopeSearch): AsyncGenerator<DirectoryObject> {
    parseDn(search.base);
    const filter = scopeFilter(search.objectClasses, search.ldapFilter);
    const client = await this.connection();
    const iterator = client.searchPaginated(search.base, {
      scope: search.scope === 'one' ? 'one' : 'sub',
      filter,
      attributes: READ_ATTRIBUTES,
      explicitBufferAttributes,
      paged: { pageSize: Math.max(1, Math.min(search.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE)) },
      timeLimit: this.timeLimitSeconds,
    });
    try {
      for (;;) {
        let next: IteratorResult<SearchResult>;
        this.operations++;
        try {
          next = await iterator.next();
        } catch (err) {
          throw toSyncError(err, this.errorContext('search', search.base));
        }
        if (next.done) {
          this.operations--; // the generator ended without a request
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

  /** Find Object (find.ts). */
  async findObjects(text: string, options: { base: string; limit: number }): Promise<FoundObject[]> {
    return this.run('search', options.base, (client) => findObjects(client, text, { ...options, timeLimitSeconds: this.timeLimitSeconds }));
  }

  async countChildren(dn: string): Promise<number> {
    parseDn(dn);
    return this.run('search', dn, (client) => countChildren(client, dn, this.timeLimitSeconds));
  }

  // ---------- membership ----------

  async isDirectMember(groupDn: string, memberDn: string): Promise<boolean> {
    parseDn(groupDn);
    parseDn(memberDn);
    let sawGroup = false;
    for await (const chunk of this.rangedValues(groupDn, 'member')) {
      sawGroup = true;
      if (chunk.some((value) => typeof value === 'string' && dnEquals(value, memberDn))) return true;
    }
    if (!sawGroup) {
      // No `member` at all: make sure the group exists, so a typo is an error and not "no".
      const read = await this.run('read', groupDn, (c) =>
        c.search(groupDn, { scope: 'base', filter: new PresenceFilter({ attribute: 'objectClass' }), attributes: ['1.1'], timeLimit: this.timeLimitSeconds }),
      );
      if (read.searchEntries.length === 0) {
        throw new SyncError(directoryErrors.NoSuchObject, { dn: groupDn, matchedDn: '(none)' });
      }
    }
    return false;
  }

  // ---------- paged one-level listing ----------

  async listChildren(dn: string, options: { pageSize: number; continuation?: string }): Promise<ChildPage> {
    parseDn(dn);
    const pageSize = Math.max(1, Math.min(options.pageSize, MAX_PAGE_SIZE));
    let key: string;
    let listing: Listing;
    if (options.continuation) {
      const token = decodeContinuation(options.continuation, dn);
      if (!dnEquals(token.dn, dn)) throw new SyncError(directoryErrors.ContinuationExpired, { dn });
      const live = this.listings.get(token.key);
      const sameConnection = live?.client !== undefined && live.client === this.client && live.client.isConnected;
      if (live && sameConnection && dnEquals(live.dn, dn) && live.phase === token.phase && live.returned === token.returned) {
        key = token.key;
        listing = live;
      } else {
        // Another connection (or an expired listing): search again and skip what was shown.
        key = this.newListingKey();
        listing = { client: undefined, dn, phase: token.phase, returned: 0, iterator: undefined, buffer: [], exhausted: false };
        await this.skip(listing, token.returned);
      }
    } else {
      key = this.newListingKey();
      listing = { client: undefined, dn, phase: 0, returned: 0, iterator: undefined, buffer: [], exhausted: false };
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
    return { children, continuation: encodeContinuation({ key, phase: listing.phase, returned: listing.returned, dn }) };
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
        const client = await this.connection();
        listing.client = client;
        listing.iterator = client.searchPaginated(listing.dn, {
          scope: 'one',
          filter: this.filterFor(listing.phase),
          attributes: CHILD_ATTRIBUTES,
          explicitBufferAttributes: ['objectGUID'],
          paged: { pageSize },
          timeLimit: this.timeLimitSeconds,
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
        this.operations++;
        next = await listing.iterator.next();
      } catch (err) {
        listing.exhausted = true;
        throw toSyncError(err, this.errorContext('list the children of', listing.dn));
      }
      if (next.done) {
        listing.exhausted = true;
        listing.iterator = undefined;
        this.operations--; // the generator ended without a request
        continue;
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
