// The EntraTarget port over Microsoft Graph v1.0: the directory operations (reads, lookups,
// idempotent creates, updates, membership). One call: graph-call.ts; $batch: json-batch.ts;
// change tracking: delta.ts; the HTTP pipeline: transport.ts.
import { randomBytes } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { EntraConfig } from '../../../engine/model/config';
import { SyncError, entraErrors } from '../../../engine/errors';
import type { AttributeValue, Attributes } from '../../../engine/model/attributes';
import { defaultSyncFeatures, groupUniqueName, type AdminRoles, type DeletedUserLookup, type DeletionPrevention, type EntraObject, type EntraObjectKind, type EntraTarget, type ExportPlan, type GroupMembers, type SyncFeatures, type TenantChanges, type TenantInfo, type ValueHolders } from '../../../engine/ports/entra-target';
import type { GraphRequestRecord } from '../../../engine/summary/types';
import { directoryExtensionPattern, planExport, readableAttributes, selectFor, toConnectorSpace } from './attribute-map';
import { mapGraphError, parseGraphError, conflictOf, missingResource } from './errors';
import type { RetryPolicy } from './transport';
import { GraphCaller, type CallOptions } from './graph-call';
import { innerErrorHeaders, sendBatch, type BatchAnswer, type BatchItem } from './json-batch';
import { collectionAnswer, directoryObjectAnswer, entityAnswer, malformed, pageAnswer } from './answers';
import { nextPagePath, readChanges } from './delta';
import { WriteBatcher } from './write-batch';
import type { TokenSource } from '../token-source';

const collection: Record<EntraObjectKind, string> = { user: '/users', group: '/groups', contact: '/contacts' };
const batchLimit = 20;
/** Soft-deleted users: the OData cast is a required part of the URI (directory-deleteditems-list). */
const DELETED_USERS = '/directory/deletedItems/microsoft.graph.user';
/**
 * Addresses per value-holder filter: Graph takes at most 15 expressions in one filter by default
 * (Microsoft Graph known issues, query parameter limitations), and each address costs two
 * (proxyAddresses/any and mail eq).
 */
const addressesPerFilter = 7;
/**
 * The most SMTP addresses of one object whose holders are looked up: the most proxy addresses
 * Microsoft Entra ID lets an object hold (332 with only the mandatory attributes and mail:
 * tshoot-connect-sync-errors, LargeObject; the engine predicts LargeObject past it in
 * entra-data-rules.ts). An object holding more fails to export whatever the lookups find, and
 * looking each up costs 3 Graph requests per 7 addresses (20,000 addresses: 8,571 requests in
 * 429 $batch POSTs, throttled by the tenant's resource units). The addresses past it are named
 * as not looked up (ValueHolders.unchecked), never dropped in silence.
 */
export const MAX_LOOKED_UP_ADDRESSES = 332;

export const odataString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

const groupByUniqueName = (sourceAnchor: string): string => `/groups(uniqueName=${encodeURIComponent(odataString(groupUniqueName(sourceAnchor)))})`;

/**
 * Failures after which a write may or may not have been committed: no answer, a 5xx, or a 2xx
 * whose body cannot be read (a $batch answer that is no JSON or lacks responses, a 201 without
 * the new object's id: answers.ts), for which the object may well exist.
 */
function isAmbiguous(err: unknown): boolean {
  if (!(err instanceof SyncError)) return false;
  if (err.code === 'TenantUnreachable' || err.code === 'GraphRequestTimedOut') return true;
  const status = Number(err.details.status);
  return err.code === 'ServiceUnavailable' || (err.code === 'GraphRequestFailed' && ([500, 502, 504].includes(status) || (status >= 200 && status < 300)));
}


function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A password nobody learns: Graph requires one on create; synced users sign in another way. */
export function unusablePassword(): string {
  return `${randomBytes(24).toString('base64url')}aA1!`;
}

export class GraphEntraTarget implements EntraTarget {
  private syncFeatures?: { value: SyncFeatures; at: number };
  private readonly caller: GraphCaller;
  private readonly maxRetryWaitSeconds: number;
  /** Creates and updates of objects in flight, coalesced into $batch requests of up to 20. */
  private readonly writes: WriteBatcher;
  /**
   * Directory extensions Graph accepted in a write of this session, and those a read has
   * selected since. The rule set is not known here, so the first read of a session cannot name
   * them: that run writes the value again (Graph keeps it as is); later reads compare it. Only
   * accepted names: $select of an unregistered extension would make every later read fail.
   */
  private readonly extensions: Record<EntraObjectKind, Set<string>> = { user: new Set(), group: new Set(), contact: new Set() };
  private readonly selectedExtensions: Record<EntraObjectKind, Set<string>> = { user: new Set(), group: new Set(), contact: new Set() };

  constructor(
    private readonly entra: EntraConfig,
    tokens: TokenSource,
    private readonly agent: Dispatcher,
    policy: Partial<RetryPolicy> = {},
  ) {
    this.caller = new GraphCaller(entra, tokens, agent, policy);
    this.maxRetryWaitSeconds = this.caller.maxRetryWaitSeconds;
    this.writes = new WriteBatcher(this.caller);
  }

  private write<T>(method: 'POST' | 'PATCH', path: string, options: CallOptions = {}): Promise<T> {
    return this.writes.write<T>({ method, path, body: options.body, headers: options.headers, facts: options.facts });
  }

  private call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, options: CallOptions = {}): Promise<T> {
    return this.caller.call<T>(method, path, options);
  }

  private batch(items: BatchItem[], options: { idempotent?: boolean } = {}): Promise<BatchAnswer[]> {
    return sendBatch(this.caller, items, options);
  }

  planExport(kind: EntraObjectKind, attributes: Record<string, AttributeValue[] | null>): ExportPlan {
    return planExport(kind, attributes);
  }

  /** After Graph accepted a write: its directory extensions exist in the tenant, so reads may select them. */
  private learnExtensions(kind: EntraObjectKind, properties: Record<string, unknown>): void {
    for (const name of Object.keys(properties)) if (directoryExtensionPattern.test(name)) this.extensions[kind].add(name);
  }

  /** The $select of a read: the kind's properties and the directory extensions learned so far. */
  private select(kind: EntraObjectKind): string {
    for (const name of this.extensions[kind]) this.selectedExtensions[kind].add(name);
    return [...selectFor[kind], ...this.extensions[kind]].join(',');
  }

  toConnectorSpace(object: EntraObject): Attributes {
    return toConnectorSpace(object);
  }

  readableAttributes(kind: EntraObjectKind): string[] {
    return [...readableAttributes(kind), ...this.selectedExtensions[kind]];
  }

  requests(): GraphRequestRecord[] {
    return this.caller.requests();
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  async connect(): Promise<TenantInfo> {
    const domains = collectionAnswer(await this.call('GET', '/domains'), 'GET', '/domains');
    return {
      tenantId: this.entra.tenantId,
      domains: domains.map((d) => ({
        name: d.id as string, isVerified: d.isVerified === true, isInitial: d.isInitial === true,
        authenticationType: d.authenticationType === 'Federated' ? 'Federated' : 'Managed',
      })),
      syncFeatures: await this.readSyncFeatures(),
    };
  }

  /**
   * GET /directory/onPremisesSynchronization. Reading it needs
   * OnPremDirectorySynchronization.Read.All; without it matching assumes the documented
   * defaults and says so, rather than failing the sync.
   */
  private async readSyncFeatures(): Promise<SyncFeatures> {
    // A tenant setting that rarely changes: read once per five minutes, not on every sync.
    if (this.syncFeatures && Date.now() - this.syncFeatures.at < 5 * 60_000) return this.syncFeatures.value;
    const value = await this.fetchSyncFeatures();
    this.syncFeatures = { value, at: Date.now() };
    return value;
  }

  private async fetchSyncFeatures(): Promise<SyncFeatures> {
    try {
      const path = '/directory/onPremisesSynchronization';
      const [setting] = collectionAnswer(await this.call('GET', path), 'GET', path, false);
      const features = (typeof setting?.features === 'object' && setting.features !== null ? setting.features : {}) as Record<string, unknown>;
      const flag = (name: keyof typeof defaultSyncFeatures) => (typeof features[name] === 'boolean' ? (features[name] as boolean) : defaultSyncFeatures[name]);
      return {
        blockSoftMatchEnabled: flag('blockSoftMatchEnabled'),
        blockCloudObjectTakeoverThroughHardMatchEnabled: flag('blockCloudObjectTakeoverThroughHardMatchEnabled'),
        softMatchOnUpnEnabled: flag('softMatchOnUpnEnabled'),
        synchronizeUpnForManagedUsersEnabled: flag('synchronizeUpnForManagedUsersEnabled'),
        source: 'tenant',
        ...deletionPreventionOf(setting?.configuration),
      };
    } catch (err) {
      if (!(err instanceof SyncError) || (err.code !== 'AuthorizationDenied' && err.code !== 'ObjectNotFound' && err.code !== 'GraphRequestFailed')) throw err;
      return { ...defaultSyncFeatures, source: 'defaults', unreadableReason: `${err.code}: ${err.reason}` };
    }
  }

  /**
   * An object of Graph's answer as the engine takes it. Read from `read` (a list, a delta page, a
   * lookup): its id and selected properties checked against their documented types first
   * (answers.ts), so none reads as "not set" or as another value. A write's answer is the adapter's
   * own values and the id Graph gave.
   */
  private toObject(kind: EntraObjectKind, raw: Record<string, unknown>, read?: { method: string; path: string }): EntraObject {
    if (read) directoryObjectAnswer(kind, raw, read.method, read.path);
    const { '@odata.context': _c, '@odata.type': _t, ...properties } = raw;
    return { kind, id: String(raw.id), properties };
  }

  /**
   * The object a lookup by a key answered, refused when it does not hold that key: Graph answers
   * only objects its $filter or alternate key matched, so another one (a faulty service, a
   * hostile front) would join this object to a cloud object it has nothing to do with.
   */
  private holding(object: EntraObject, property: string, expected: string, path: string): EntraObject {
    const held = object.properties[property];
    if (property === 'id' ? object.id.toLowerCase() === expected.toLowerCase() : typeof held === 'string' && held.toLowerCase() === expected.toLowerCase()) return object;
    const shown = property === 'id' ? object.id : held === undefined || held === null ? 'none' : JSON.stringify(held).slice(0, 100);
    throw malformed('GET', path, `the ${object.kind} ${object.id} it holds has ${property} ${shown}, not ${JSON.stringify(expected)} asked for`);
  }

  /** The request that finds a user or group by its anchor (contacts carry none: undefined). */
  private anchorLookup(kind: EntraObjectKind, immutableId: string): { path: string; query: Record<string, string> } | undefined {
    // Only users carry onPremisesImmutableId in Graph v1.0; a group this tool created carries
    // the anchor in its uniqueName (an alternate key); contacts have none.
    if (kind === 'group') return { path: groupByUniqueName(immutableId), query: { $select: this.select('group') } };
    if (kind !== 'user') return undefined;
    return { path: '/users', query: { $filter: `onPremisesImmutableId eq ${odataString(immutableId)}`, $select: this.select('user') } };
  }

  /** The object an anchor lookup answered: a list's first object (users), or the object read by key (groups). */
  private anchorAnswer(kind: EntraObjectKind, immutableId: string, status: number, body: unknown, path: string, headers?: Parameters<typeof parseGraphError>[2]): EntraObject | null {
    if (status === 404 && kind === 'group') return null;
    if (status >= 400) {
      throw mapGraphError(parseGraphError(status, body, headers), { method: 'GET', path, kind, clientId: this.entra.clientId, maxRetryWaitSeconds: this.maxRetryWaitSeconds });
    }
    const read = { method: 'GET', path };
    if (kind === 'group') return this.holding(this.toObject('group', entityAnswer(body, 'GET', path), read), 'uniqueName', groupUniqueName(immutableId), path);
    const [first, second] = collectionAnswer(body, 'GET', path);
    // Entra ID keeps onPremisesImmutableId unique in the tenant: two holders is no answer to go on.
    if (second) throw malformed('GET', path, `two users (${String(first!.id)}, ${String(second.id)}) answered for one onPremisesImmutableId, which Microsoft Entra ID keeps unique`);
    return first ? this.holding(this.toObject('user', first, read), 'onPremisesImmutableId', immutableId, path) : null;
  }

  async findByImmutableId(kind: EntraObjectKind, immutableId: string): Promise<EntraObject | null> {
    const lookup = this.anchorLookup(kind, immutableId);
    if (!lookup) return null;
    try {
      return this.anchorAnswer(kind, immutableId, 200, await this.call('GET', lookup.path, { query: lookup.query, facts: { kind } }), lookup.path);
    } catch (err) {
      if (kind === 'group' && err instanceof SyncError && err.code === 'ObjectNotFound') return null;
      throw err;
    }
  }

  /**
   * The soft-deleted user holding this onPremisesImmutableId (GET /directory/deletedItems/
   * microsoft.graph.user with the cast's $filter, directory-deleteditems-list), with its
   * deletedDateTime. Read needs User.Read.All, as /users does: a refusal (403, or a 400 for a
   * query this cloud does not support) is returned as the reason, so the sync says the deleted
   * users were not checked. An answer that is not what Graph documents fails the lookup.
   */
  async findDeletedUser(immutableId: string): Promise<DeletedUserLookup> {
    const path = DELETED_USERS;
    try {
      const answer = await this.call('GET', path, { query: { $filter: `onPremisesImmutableId eq ${odataString(immutableId)}`, $select: this.deletedSelect() }, facts: { kind: 'user' } });
      const [first, second] = collectionAnswer(answer, 'GET', path);
      if (second) throw malformed('GET', path, `two deleted users (${String(first!.id)}, ${String(second.id)}) answered for one onPremisesImmutableId`);
      return { user: first ? this.holding(this.toObject('user', first, { method: 'GET', path }), 'onPremisesImmutableId', immutableId, path) : null };
    } catch (err) {
      const refused = err instanceof SyncError && (err.code === 'AuthorizationDenied' || (err.code === 'GraphRequestFailed' && Number(err.details.status) >= 400));
      if (!refused) throw err;
      return { unreadableReason: `${err.code}: ${err.reason}` };
    }
  }

  /** Every soft-deleted user, in pages of 999 (a batch's tenant read): usually one request. */
  async listDeletedUsers(): Promise<EntraObject[]> {
    return (await this.pagesOf('user', DELETED_USERS, this.deletedSelect())).objects;
  }

  private deletedSelect(): string {
    return `${this.select('user')},deletedDateTime`;
  }

  /**
   * Read an object by its Graph id (the cloudAnchor kept in the Entra connector space).
   * Not yet on the EntraTarget port: groups have no source anchor in Graph v1.0, so after
   * the first export this is how a group is found again.
   */
  async getById(kind: EntraObjectKind, id: string): Promise<EntraObject | null> {
    try {
      const path = `${collection[kind]}/${encodeURIComponent(id)}`;
      const raw = await this.call('GET', path, { query: { $select: this.select(kind) }, facts: { kind, id } });
      return this.holding(this.toObject(kind, entityAnswer(raw, 'GET', path), { method: 'GET', path }), 'id', id, path);
    } catch (err) {
      if (err instanceof SyncError && err.code === 'ObjectNotFound') return null;
      throw err;
    }
  }

  async findBySecurityIdentifier(kind: 'user' | 'group', sid: string): Promise<EntraObject | null> {
    const answer = await this.call('GET', collection[kind], {
      query: { $filter: `onPremisesSecurityIdentifier eq ${odataString(sid)}`, $select: this.select(kind) },
    });
    const [first] = collectionAnswer(answer, 'GET', collection[kind]);
    return first ? this.holding(this.toObject(kind, first, { method: 'GET', path: collection[kind] }), 'onPremisesSecurityIdentifier', sid, collection[kind]) : null;
  }

  /**
   * The lookups findValueHolders makes: the UPN among users, each 7 addresses among users, groups
   * and contacts; at most MAX_LOOKED_UP_ADDRESSES addresses (the UPN's first, as it is most often
   * the primary one), `notLookedUp` saying how many more were not.
   */
  private valueHolderRequests(query: { userPrincipalName?: string; smtpAddresses?: string[] }): { requests: { kind: EntraObjectKind; url: string }[]; notLookedUp?: string } {
    const requests: { kind: EntraObjectKind; url: string }[] = [];
    const add = (kind: EntraObjectKind, filter: string) =>
      requests.push({ kind, url: `${collection[kind]}?$filter=${encodeURIComponent(filter)}&$select=${this.select(kind)}` });
    if (query.userPrincipalName) add('user', `userPrincipalName eq ${odataString(query.userPrincipalName)}`);
    // Graph compares proxyAddresses case-insensitively: 'smtp:' finds primary and secondary addresses.
    const addresses = [...new Set((query.smtpAddresses ?? []).filter(Boolean).map((a) => a.toLowerCase()))];
    const upn = query.userPrincipalName?.toLowerCase();
    const upnAt = upn === undefined ? -1 : addresses.indexOf(upn);
    if (upnAt > 0) addresses.unshift(...addresses.splice(upnAt, 1));
    const looked = addresses.slice(0, MAX_LOOKED_UP_ADDRESSES);
    for (const part of chunks(looked, addressesPerFilter)) {
      const anyOf = part.map((a) => `proxyAddresses/any(p:p eq ${odataString(`smtp:${a}`)})`).join(' or ');
      const mailOf = part.map((a) => `mail eq ${odataString(a)}`).join(' or ');
      for (const kind of ['user', 'group', 'contact'] as const) add(kind, `${anyOf} or ${mailOf}`);
    }
    const skipped = addresses.length - looked.length;
    if (skipped === 0) return { requests };
    const count = (n: number) => n.toLocaleString('en-US');
    return {
      requests,
      notLookedUp: `the holders of ${count(skipped)} of the object's ${count(addresses.length)} SMTP addresses (only the first ${MAX_LOOKED_UP_ADDRESSES} were looked up: `
        + `Microsoft Entra ID lets one object hold at most ${MAX_LOOKED_UP_ADDRESSES} proxy addresses, so its export fails with LargeObject whoever holds the others)`,
    };
  }

  async findValueHolders(query: { userPrincipalName?: string; smtpAddresses?: string[] }): Promise<ValueHolders> {
    return (await this.lookUp(undefined, query)).valueHolders;
  }

  /** The anchor lookup and the value-holder lookups in one $batch (more than 20 requests: several). */
  async findByImmutableIdWithValueHolders(
    kind: EntraObjectKind, immutableId: string, query: { userPrincipalName?: string; smtpAddresses?: string[] },
  ): Promise<{ byAnchor: EntraObject | null; valueHolders: ValueHolders }> {
    return this.lookUp({ kind, immutableId }, query);
  }

  private async lookUp(
    anchor: { kind: EntraObjectKind; immutableId: string } | undefined,
    query: { userPrincipalName?: string; smtpAddresses?: string[] },
  ): Promise<{ byAnchor: EntraObject | null; valueHolders: ValueHolders }> {
    const byKey = anchor ? this.anchorLookup(anchor.kind, anchor.immutableId) : undefined;
    const anchorUrl = byKey && `${byKey.path}?${Object.entries(byKey.query).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
    const valueHolders = this.valueHolderRequests(query);
    const requests: { kind: EntraObjectKind; url: string; anchor?: true }[] = [
      ...(anchor && anchorUrl ? [{ kind: anchor.kind, url: anchorUrl, anchor: true as const }] : []),
      ...valueHolders.requests,
    ];
    const found = new Map<string, EntraObject>();
    const unchecked = new Set<string>(valueHolders.notLookedUp ? [valueHolders.notLookedUp] : []);
    let byAnchor: EntraObject | null = null;
    const keep = (kind: EntraObjectKind, value: unknown, url: string) => {
      for (const raw of collectionAnswer(value, 'GET', url)) found.set(raw.id as string, this.toObject(kind, raw, { method: 'GET', path: url }));
    };
    // Contacts need OrgContact.Read.All (or Directory.Read.All): without it, say so and go on.
    const deniedContacts = (kind: EntraObjectKind, status: number) => kind === 'contact' && status === 403;
    const contactsNote = 'organizational contacts (the application may not read them: grant OrgContact.Read.All or Directory.Read.All)';
    for (const part of chunks(requests, batchLimit)) {
      if (part.length === 1) {
        const only = part[0]!;
        if (only.anchor) {
          byAnchor = await this.findByImmutableId(only.kind, anchor!.immutableId);
          continue;
        }
        try {
          keep(only.kind, await this.call('GET', only.url), only.url);
        } catch (err) {
          if (!(err instanceof SyncError && deniedContacts(only.kind, Number(err.details.status)))) throw err;
          unchecked.add(contactsNote);
        }
        continue;
      }
      const answers = await this.batch(part.map((r, i) => ({ id: String(i + 1), method: 'GET', url: r.url })));
      for (const a of answers) {
        const request = part[Number(a.id) - 1]!;
        const kind = request.kind;
        const headers = innerErrorHeaders(a);
        if (request.anchor) byAnchor = this.anchorAnswer(kind, anchor!.immutableId, a.status, a.body, byKey!.path, headers);
        else if (a.status === 200) keep(kind, a.body, request.url);
        else if (deniedContacts(kind, a.status)) unchecked.add(contactsNote);
        else throw mapGraphError(parseGraphError(a.status, a.body, headers), {
          method: 'GET', path: request.url, clientId: this.entra.clientId, maxRetryWaitSeconds: this.maxRetryWaitSeconds,
        });
      }
    }
    return { byAnchor, valueHolders: { holders: [...found.values()], unchecked: [...unchecked] } };
  }

  /**
   * Every object of a kind in pages of 999 (Graph's largest $top) with the properties the
   * lookups select, following @odata.nextLink: one request per 999 objects.
   */
  async listAll(kind: EntraObjectKind): Promise<EntraObject[]> {
    return (await this.listPages(kind)).objects;
  }

  private listPages(kind: EntraObjectKind): Promise<{ objects: EntraObject[]; requests: number }> {
    return this.pagesOf(kind, collection[kind], this.select(kind));
  }

  /** A collection of a kind from `first`, pages of 999 with this $select, following @odata.nextLink. */
  private async pagesOf(kind: EntraObjectKind, first: string, select: string): Promise<{ objects: EntraObject[]; requests: number }> {
    const objects: EntraObject[] = [];
    let path = first;
    let page = pageAnswer(await this.call('GET', path, { query: { $select: select, $top: '999' } }), 'GET', path);
    const followed = new Set<string>();
    for (let requests = 1; ; requests++) {
      for (const raw of page.items) objects.push(this.toObject(kind, raw, { method: 'GET', path }));
      if (!page.nextLink) return { objects, requests };
      path = nextPagePath(page.nextLink, followed);
      page = pageAnswer(await this.call('GET', path), 'GET', path);
    }
  }

  /** Change tracking for the batch's tenant read (see delta.ts). */
  async readChanges(kind: 'user' | 'group', deltaLink?: string): Promise<TenantChanges> {
    return readChanges((path, headers) => this.call('GET', path, headers ? { headers } : {}), () => this.listPages(kind), kind, selectFor[kind], (raw, path) => this.toObject(kind, raw, { method: 'GET', path }), deltaLink);
  }

  /** Active directory role assignments of a user (needs RoleManagement.Read.Directory or Directory.Read.All). */
  async adminRoles(userId: string): Promise<AdminRoles> {
    try {
      const path = '/roleManagement/directory/roleAssignments';
      const answer = await this.call('GET', path, { query: { $filter: `principalId eq ${odataString(userId)}`, $expand: 'roleDefinition' } });
      const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
      return {
        roles: collectionAnswer(answer, 'GET', path, false).map((a) =>
          text((a.roleDefinition as Record<string, unknown> | null | undefined)?.displayName) ?? text(a.roleDefinitionId) ?? 'directory role'),
      };
    } catch (err) {
      if (!(err instanceof SyncError) || (err.code !== 'AuthorizationDenied' && err.code !== 'GraphRequestFailed')) throw err;
      return { unreadableReason: `${err.code}: ${err.reason}` };
    }
  }

  private refuseContact(operation: string): never {
    throw new SyncError(entraErrors.NotWritableThroughGraph, {
      what: `${operation} of an organizational contact`,
      detail: 'orgContact is read-only in Microsoft Graph; only Entra Connect or Exchange Online can write contacts.',
    });
  }

  async create(kind: EntraObjectKind, properties: Record<string, unknown>, sourceAnchor?: string): Promise<EntraObject> {
    if (kind === 'contact') this.refuseContact('Creation');
    const body: Record<string, unknown> = { ...properties };
    if (kind === 'user') {
      body.accountEnabled ??= true;
      if (!body.mailNickname && typeof body.userPrincipalName === 'string') body.mailNickname = body.userPrincipalName.split('@')[0];
      body.passwordProfile ??= { password: unusablePassword(), forceChangePasswordNextSignIn: false };
    } else {
      body.mailEnabled ??= false;
      body.securityEnabled ??= true;
      if (!body.mailNickname) body.mailNickname = String(body.displayName ?? 'group').replace(/[^A-Za-z0-9\-_]/g, '').slice(0, 64) || 'group';
    }
    const facts = { kind, userPrincipalName: typeof body.userPrincipalName === 'string' ? body.userPrincipalName : undefined };
    const { passwordProfile: _p, ...sent } = body;
    try {
      if (kind === 'group' && sourceAnchor) return await this.upsertGroup(sourceAnchor, body, sent);
      const created = await this.write('POST', collection[kind], { body, facts });
      this.learnExtensions(kind, body);
      return this.toObject(kind, { ...sent, ...entityAnswer(created, 'POST', collection[kind]) });
    } catch (err) {
      // The answer may be lost after Graph committed the create: look before anything else.
      const anchor = kind === 'user' ? (typeof body.onPremisesImmutableId === 'string' ? body.onPremisesImmutableId : undefined) : undefined;
      if (anchor && isAmbiguous(err)) {
        const found = await this.findByImmutableId('user', anchor);
        if (found) return found;
        const created = await this.write('POST', collection[kind], { body, facts });
        return this.toObject(kind, { ...sent, ...entityAnswer(created, 'POST', collection[kind]) });
      }
      throw await this.explainConflict(err, kind, body);
    }
  }

  /**
   * PATCH /groups(uniqueName='…') with `Prefer: create-if-missing` (documented upsert): 201
   * creates the group, 204 means it exists already (an earlier attempt reached Graph), so a
   * repeat after a lost answer, a kill or from another state folder never makes a second group.
   */
  private async upsertGroup(sourceAnchor: string, body: Record<string, unknown>, sent: Record<string, unknown>): Promise<EntraObject> {
    const path = groupByUniqueName(sourceAnchor);
    const upsert = () => this.write<Record<string, unknown> | undefined>('PATCH', path, { body, headers: { Prefer: 'create-if-missing' }, facts: { kind: 'group' } });
    let created: Record<string, unknown> | undefined;
    try {
      created = await upsert();
    } catch (err) {
      if (!isAmbiguous(err)) throw err;
      created = await upsert(); // idempotent: a second upsert updates what the first created
    }
    this.learnExtensions('group', body);
    if (created && typeof created.id === 'string') return this.toObject('group', { ...sent, ...created });
    const existing = await this.findByImmutableId('group', sourceAnchor);
    if (!existing) throw new SyncError(entraErrors.ObjectNotFound, { id: path, graphMessage: 'the upsert answered 204 but the group cannot be read back' });
    return existing;
  }

  /**
   * Entra Connect's names for a uniqueness conflict on create: the value belongs to an object
   * of another type (ObjectTypeMismatch), to an object that already has a different source
   * anchor (InvalidSoftMatch), or simply to another object (AttributeValueMustBeUnique).
   */
  private async explainConflict(err: unknown, kind: EntraObjectKind, body: Record<string, unknown>): Promise<unknown> {
    if (!(err instanceof SyncError) || err.code !== 'AttributeValueMustBeUnique') return err;
    const attribute = String(err.details.attribute ?? '');
    const holderKind = err.details.conflictingKind as EntraObjectKind | undefined;
    if (holderKind && holderKind !== kind) {
      return new SyncError(entraErrors.ObjectTypeMismatch, { ...err.details, attribute, existingKind: holderKind, kind });
    }
    if (kind !== 'user' || (attribute !== 'userPrincipalName' && attribute !== 'proxyAddresses')) return err;
    try {
      const filter = attribute === 'userPrincipalName'
        ? `userPrincipalName eq ${odataString(String(body.userPrincipalName))}`
        : `mail eq ${odataString(String(body.mail ?? ''))}`;
      const answer = await this.call<{ value: Record<string, unknown>[] }>('GET', '/users', { query: { $filter: filter, $select: 'id,onPremisesImmutableId' } });
      const existing = answer.value[0];
      const existingAnchor = existing?.onPremisesImmutableId;
      if (typeof existingAnchor === 'string' && existingAnchor !== body.onPremisesImmutableId) {
        return new SyncError(entraErrors.InvalidSoftMatch, { ...err.details, attribute, existingImmutableId: existingAnchor, existingId: existing?.id });
      }
    } catch {
      // The lookup only refines the message; keep the original error.
    }
    return err;
  }

  async update(kind: EntraObjectKind, id: string, properties: Record<string, unknown>): Promise<void> {
    if (kind === 'contact') this.refuseContact('An update');
    if (Object.keys(properties).length === 0) return;
    await this.write('PATCH', `${collection[kind]}/${encodeURIComponent(id)}`, {
      body: properties,
      facts: { kind, id, userPrincipalName: typeof properties.userPrincipalName === 'string' ? properties.userPrincipalName : undefined },
    });
    this.learnExtensions(kind, properties);
  }

  private bindUrl(id: string): string {
    return `${new URL(this.entra.graphEndpoint).origin}/v1.0/directoryObjects/${encodeURIComponent(id)}`;
  }

  async addMembers(groupId: string, memberIds: string[]): Promise<void> {
    const path = `/groups/${encodeURIComponent(groupId)}`;
    for (const part of chunks([...new Set(memberIds)], batchLimit)) {
      try {
        // A 404 is about the object Graph names (a member that does not exist, reference
        // section 2); when it names none, it may be the group or any member of this request.
        const notFound = `${groupId} (the group) or one of the members ${part.join(', ')}`;
        await this.call('PATCH', path, { body: { 'members@odata.bind': part.map((id) => this.bindUrl(id)) }, facts: { kind: 'group', id: groupId, notFound } });
      } catch (err) {
        // All-or-nothing: when some are members already, add the rest one by one in a batch.
        if (!(err instanceof SyncError) || !/already exist/i.test(String(err.details.graphMessage ?? ''))) throw err;
        await this.memberBatch(groupId, part.map((id, i) => ({
          id: String(i + 1), method: 'POST', url: `${path}/members/$ref`,
          headers: { 'Content-Type': 'application/json' }, body: { '@odata.id': this.bindUrl(id) },
        })), part, /already exist/i);
      }
    }
  }

  /**
   * The group's direct members, GET /groups/{id}/members?$select=id,displayName&$top=999 and
   * its @odata.nextLink pages: one request per 999 members (Graph counts 2 resource units each),
   * stopping once `limit` are read.
   */
  async listMembers(groupId: string, limit: number): Promise<GroupMembers> {
    const members: GroupMembers['members'] = [];
    let path = `/groups/${encodeURIComponent(groupId)}/members`;
    let page = pageAnswer(await this.call('GET', path, { query: { $select: 'id,displayName', $top: '999' }, facts: { kind: 'group', id: groupId } }), 'GET', path);
    const followed = new Set<string>();
    for (;;) {
      for (const raw of page.items) {
        if (members.length >= limit) return { members, truncated: true };
        members.push({ id: String(raw.id), ...(typeof raw.displayName === 'string' ? { displayName: raw.displayName } : {}) });
      }
      if (!page.nextLink) return { members, truncated: false };
      if (members.length >= limit) return { members, truncated: true };
      path = nextPagePath(page.nextLink, followed);
      page = pageAnswer(await this.call('GET', path, { facts: { kind: 'group', id: groupId } }), 'GET', path);
    }
  }

  async removeMembers(groupId: string, memberIds: string[]): Promise<void> {
    const path = `/groups/${encodeURIComponent(groupId)}`;
    for (const part of chunks([...new Set(memberIds)], batchLimit)) {
      await this.memberBatch(groupId, part.map((id, i) => ({ id: String(i + 1), method: 'DELETE', url: `${path}/members/${encodeURIComponent(id)}/$ref` })), part, /do not exist/i);
    }
  }

  /**
   * Run membership changes as one batch (item i+1 is about `memberIds[i]`); a 400 matching
   * `alreadyDone` counts as success. A 404 on a removal means "not a member" (reference section
   * 2: "or sometimes 404") only when it is not the group that is missing: the group Graph names,
   * or, when it names nothing, a group one GET cannot find, fails the removal.
   */
  private async memberBatch(groupId: string, items: BatchItem[], memberIds: string[], alreadyDone: RegExp): Promise<void> {
    // Safe to repeat as a whole: a member added or removed twice answers `alreadyDone`.
    const answers = await this.batch(items, { idempotent: true });
    let groupExists: boolean | undefined;
    for (const a of answers) {
      if (a.status >= 200 && a.status < 300) continue;
      const item = items.find((i) => i.id === a.id)!;
      const memberId = memberIds[Number(a.id) - 1] ?? 'unknown';
      const facts = parseGraphError(a.status, a.body, innerErrorHeaders(a));
      if (a.status === 400 && alreadyDone.test(facts.message)) continue;
      const named = missingResource(facts.message)?.toLowerCase();
      if (a.status === 404 && item.method === 'DELETE' && named !== groupId.toLowerCase()) {
        if (named === memberId.toLowerCase()) continue;
        groupExists ??= (await this.getById('group', groupId)) !== null;
        if (groupExists) continue;
        throw new SyncError(entraErrors.ObjectNotFound, {
          ...(facts.requestId ? { requestId: facts.requestId } : {}),
          service: 'Microsoft Graph', method: item.method, path: item.url, status: a.status, graphCode: facts.code,
          id: groupId, graphMessage: `the group cannot be read (GET answered 404) after ${item.method} ${item.url} answered 404: ${facts.message}`,
        });
      }
      throw mapGraphError(facts, {
        method: item.method, path: item.url, kind: 'group', id: groupId, notFound: `${groupId} (the group) or the member ${memberId}`,
        clientId: this.entra.clientId, maxRetryWaitSeconds: this.maxRetryWaitSeconds,
      });
    }
  }
}

export { conflictOf };

/**
 * configuration.accidentalDeletionPrevention of the tenant's onPremisesSynchronization, when it
 * is one of the documented modes with a whole, non-negative threshold; anything else (absent,
 * unknownFutureValue, a malformed answer) gives nothing, and the caller falls back.
 */
function deletionPreventionOf(configuration: unknown): { deletionPrevention?: DeletionPrevention } {
  const prevention = typeof configuration === 'object' && configuration !== null ? (configuration as Record<string, unknown>).accidentalDeletionPrevention : undefined;
  if (typeof prevention !== 'object' || prevention === null) return {};
  const { synchronizationPreventionType: mode, alertThreshold } = prevention as Record<string, unknown>;
  if (mode !== 'disabled' && mode !== 'enabledForCount' && mode !== 'enabledForPercentage') return {};
  if (mode === 'disabled') return { deletionPrevention: { mode, alertThreshold: 0 } }; // no threshold applies
  if (typeof alertThreshold !== 'number' || !Number.isSafeInteger(alertThreshold) || alertThreshold < 0 || (mode === 'enabledForPercentage' && alertThreshold > 100)) return {};
  return { deletionPrevention: { mode, alertThreshold } };
}
