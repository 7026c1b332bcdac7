// The tenant for one batch run. The tenant reads of step 2 (token, verified domains, the
// directory synchronization features) happen once for the whole batch. Above a threshold the
// tenant's users, groups and contacts are read once (pages of 999, the properties the lookups
// select), packed (packed-objects.ts: one copy in shared memory for the pass and its worker
// threads) and the lookups of step 8 are answered from it with Graph's own comparison rules
// (onPremisesImmutableId exactly; UPN, mail, proxy addresses and SIDs ignoring case), in the
// order Graph answers them. After the first write the in-memory copy is stale, so every
// lookup goes to Graph again: matching stays correct before it is fast.
import { SyncError } from '../errors/sync-error';
import { entraErrors } from '../errors/catalog/entra';
import type { AttributeValue, Attributes } from '../model/attributes';
import { groupUniqueName, type AdminRoles, type DeletedUserLookup, type EntraObject, type EntraObjectKind, type EntraTarget, type ExportPlan, type GroupMembers, type TenantInfo, type ValueHolders } from '../ports/entra-target';
import type { GraphRequestRecord } from '../summary/types';
import { packObjects, PackedLookup, type PackedObjects } from './packed-objects';

/** Addresses looked up together (in memory the grouping only bounds each lookup's work). */
const ADDRESSES_PER_QUERY = 15;
const CONTACTS_NOTE = 'organizational contacts (the application may not read them: grant OrgContact.Read.All or Directory.Read.All)';

export interface TenantIndex {
  users: EntraObject[];
  groups: EntraObject[];
  /** undefined: the application may not read contacts. */
  contacts: EntraObject[] | undefined;
  /** Soft-deleted users (restored when an object with their anchor is exported); undefined: not read. */
  deletedUsers?: EntraObject[];
  /** Why Graph refused to list them (a 403); otherwise an unread list means each object looks its own up. */
  deletedUsersUnreadable?: string;
}

/** The tenant read kept between batches: per kind, the objects and the delta link after them. */
export interface TenantSnapshot {
  users: { deltaLink: string; objects: EntraObject[] };
  groups: { deltaLink: string; objects: EntraObject[] };
}

export interface TenantRead {
  index: TenantIndex;
  /** What to keep for the next batch (absent when the adapter has no change tracking). */
  snapshot?: TenantSnapshot;
  /** 'delta': only the changes since the kept read were read. */
  how: 'full' | 'delta' | 'list';
  /** Changes applied to the kept read (a delta round), for the batch's notes. */
  changed: number;
  removed: number;
  /** A kept delta link the tenant refused: read in full again. */
  restarted: boolean;
}

/**
 * Reads the tenant's users, groups and contacts once. With change tracking, users and groups
 * are read in full the first time (the adapter takes the delta link, then lists in pages of
 * 999), then, from the kept snapshot, only what changed (deleted objects removed). Contacts are
 * listed in full.
 */
export async function readTenantIndex(entra: EntraTarget, previous?: TenantSnapshot): Promise<TenantRead> {
  if (!entra.listAll) throw new TypeError('this tenant adapter cannot list objects');
  let snapshot: TenantSnapshot | undefined;
  let how: TenantRead['how'] = 'list';
  let changed = 0;
  let removed = 0;
  let restarted = false;
  let users: EntraObject[];
  let groups: EntraObject[];
  if (entra.readChanges) {
    const round = async (kind: 'user' | 'group', kept: { deltaLink: string; objects: EntraObject[] } | undefined) => {
      const r = await entra.readChanges!(kind, kept?.deltaLink);
      restarted ||= r.restarted === true;
      if (r.full || !kept) return { deltaLink: r.deltaLink, objects: r.changed, full: true };
      changed += r.changed.length;
      removed += r.removed.length;
      return { deltaLink: r.deltaLink, objects: applyChanges(kept.objects, r.changed, r.removed), full: false };
    };
    const u = await round('user', previous?.users);
    const g = await round('group', previous?.groups);
    snapshot = { users: { deltaLink: u.deltaLink, objects: u.objects }, groups: { deltaLink: g.deltaLink, objects: g.objects } };
    users = u.objects;
    groups = g.objects;
    how = u.full || g.full ? 'full' : 'delta';
  } else {
    users = await entra.listAll('user');
    groups = await entra.listAll('group');
  }
  let contacts: EntraObject[] | undefined;
  try {
    contacts = await entra.listAll('contact');
  } catch (err) {
    if (!(err instanceof SyncError && err.code === entraErrors.AuthorizationDenied.code)) throw err;
  }
  // Soft-deleted users are few and not change-tracked here: listed each time (one request for up to
  // 999). A list that fails otherwise than by a refusal leaves each object to look its own up.
  let deletedUsers: EntraObject[] | undefined;
  let deletedUsersUnreadable: string | undefined;
  try {
    deletedUsers = entra.listDeletedUsers ? await entra.listDeletedUsers() : undefined;
  } catch (err) {
    if (err instanceof SyncError && err.code === entraErrors.AuthorizationDenied.code) deletedUsersUnreadable = `${err.code}: ${err.reason}`;
  }
  return {
    index: { users, groups, contacts, ...(deletedUsers ? { deletedUsers } : {}), ...(deletedUsersUnreadable ? { deletedUsersUnreadable } : {}) },
    ...(snapshot ? { snapshot } : {}), how, changed, removed, restarted,
  };
}

/**
 * The kept objects with a delta round applied: removed ones dropped, new ones added, changed
 * ones updated. Graph represents an updated instance "by its id with at least the properties
 * that have been updated" (delta-query-overview): a property it leaves out is unchanged, so the
 * changed properties are merged over the kept ones, never put in their place (a lookup would
 * otherwise miss the anchor, UPN or addresses a single run finds).
 */
export function applyChanges(kept: EntraObject[], changed: EntraObject[], removed: string[]): EntraObject[] {
  const byId = new Map(kept.map((o) => [o.id, o]));
  for (const id of removed) byId.delete(id);
  for (const o of changed) {
    const before = byId.get(o.id);
    byId.set(o.id, before ? { ...o, properties: { ...before.properties, ...o.properties } } : o);
  }
  return [...byId.values()];
}

/** The tenant read packed once for a pass and its worker threads (packed-objects.ts). */
export interface PackedTenantIndex {
  users: PackedObjects;
  groups: PackedObjects;
  /** undefined: the application may not read contacts. */
  contacts: PackedObjects | undefined;
  /** undefined: soft-deleted users were not read. */
  deletedUsers?: PackedObjects;
  deletedUsersUnreadable?: string;
}

export function packTenantIndex(index: TenantIndex): PackedTenantIndex {
  return {
    users: packObjects(index.users), groups: packObjects(index.groups), contacts: index.contacts ? packObjects(index.contacts) : undefined,
    ...(index.deletedUsers ? { deletedUsers: packObjects(index.deletedUsers) } : {}),
    ...(index.deletedUsersUnreadable ? { deletedUsersUnreadable: index.deletedUsersUnreadable } : {}),
  };
}

/** How the deleted users are answered: from a list, not at all (refused), or by each object's own lookup. */
type DeletedUsersRead = { lookup: PackedLookup } | { unreadableReason: string } | { perObject: true };

export class BatchTenant implements EntraTarget {
  private connected: Promise<TenantInfo> | undefined;
  private lookups: Record<EntraObjectKind, PackedLookup | undefined> | undefined;
  private contactsReadable = true;
  private deletedUsers: PackedLookup | undefined;
  private deletedUsersUnreadable: string | undefined;
  private deletedRead: Promise<DeletedUsersRead> | undefined;
  private localAnswers = 0;

  constructor(private readonly inner: EntraTarget, index?: TenantIndex | PackedTenantIndex) {
    if (index) {
      const packed = Array.isArray(index.users) ? packTenantIndex(index as TenantIndex) : index as PackedTenantIndex;
      this.lookups = { user: new PackedLookup(packed.users), group: new PackedLookup(packed.groups), contact: packed.contacts ? new PackedLookup(packed.contacts) : undefined };
      this.contactsReadable = packed.contacts !== undefined;
      if (packed.deletedUsers) this.deletedUsers = new PackedLookup(packed.deletedUsers);
      this.deletedUsersUnreadable = packed.deletedUsersUnreadable;
    }
  }

  /** Lookups answered from the tenant read instead of a Graph request. */
  answeredLocally(): number {
    return this.localAnswers;
  }

  get indexed(): boolean {
    return this.lookups !== undefined;
  }

  planExport(kind: EntraObjectKind, attributes: Record<string, AttributeValue[] | null>): ExportPlan {
    return this.inner.planExport(kind, attributes);
  }
  toConnectorSpace(object: EntraObject): Attributes {
    return this.inner.toConnectorSpace(object);
  }
  readableAttributes(kind: EntraObjectKind): string[] {
    return this.inner.readableAttributes(kind);
  }

  connect(): Promise<TenantInfo> {
    if (!this.connected) {
      this.connected = this.inner.connect();
      this.connected.catch(() => { this.connected = undefined; });
    }
    return this.connected;
  }

  async findByImmutableId(kind: EntraObjectKind, immutableId: string): Promise<EntraObject | null> {
    if (!this.lookups) return this.inner.findByImmutableId(kind, immutableId);
    this.localAnswers++;
    // A group this tool created carries its anchor in its uniqueName (see the adapter).
    if (kind === 'group') return this.lookups.group?.first('uniqueName', groupUniqueName(immutableId)) ?? null;
    if (kind !== 'user') return null;
    return this.lookups.user?.first('immutableId', immutableId) ?? null;
  }

  /**
   * From the deleted users the tenant read listed; without a tenant read (an export, a small
   * batch) they are listed once for the whole batch on first use (one request for up to 999,
   * where a lookup per new object would cost one each). The batch restores nobody, so the list
   * stays true while it runs. A list Graph refuses (403) is said once per object; one that fails
   * otherwise (throttled, a faulty answer) is not asked again: each object looks its own up.
   */
  async findDeletedUser(immutableId: string): Promise<DeletedUserLookup> {
    this.deletedRead ??= this.readDeletedUsers();
    const read = await this.deletedRead;
    if ('lookup' in read) {
      this.localAnswers++;
      return { user: read.lookup.first('immutableId', immutableId) };
    }
    if ('unreadableReason' in read) return read;
    return this.inner.findDeletedUser ? this.inner.findDeletedUser(immutableId) : { unreadableReason: 'the Microsoft Entra target cannot read deleted items' };
  }

  private async readDeletedUsers(): Promise<DeletedUsersRead> {
    if (this.deletedUsers) return { lookup: this.deletedUsers };
    if (this.deletedUsersUnreadable) return { unreadableReason: this.deletedUsersUnreadable };
    // A tenant read that did not list them, or a tenant that cannot list (a worker's): per object.
    if (this.lookups || !this.inner.listDeletedUsers) return { perObject: true };
    try {
      return { lookup: new PackedLookup(packObjects(await this.inner.listDeletedUsers())) };
    } catch (err) {
      if (err instanceof SyncError && err.code === entraErrors.AuthorizationDenied.code) return { unreadableReason: `${err.code}: ${err.reason}` };
      return { perObject: true };
    }
  }

  async getById(kind: EntraObjectKind, id: string): Promise<EntraObject | null> {
    const lookup = this.lookups?.[kind];
    if (!lookup) return this.inner.getById(kind, id);
    this.localAnswers++;
    return lookup.first('id', id);
  }

  async findBySecurityIdentifier(kind: 'user' | 'group', sid: string): Promise<EntraObject | null> {
    const lookup = this.lookups?.[kind];
    if (!lookup) return this.inner.findBySecurityIdentifier(kind, sid);
    this.localAnswers++;
    return lookup.first('sid', sid.toLowerCase());
  }

  async findValueHolders(query: { userPrincipalName?: string; smtpAddresses?: string[] }): Promise<ValueHolders> {
    if (!this.lookups) return this.inner.findValueHolders(query);
    this.localAnswers++;
    const found = new Map<string, EntraObject>();
    const unchecked = new Set<string>();
    const keep = (objects: EntraObject[]) => { for (const o of objects) if (!found.has(o.id)) found.set(o.id, o); };
    if (query.userPrincipalName) keep((this.lookups.user?.all('upn', query.userPrincipalName.toLowerCase()) ?? []).map(([, o]) => o));
    const addresses = [...new Set((query.smtpAddresses ?? []).filter(Boolean).map((a) => a.toLowerCase()))];
    for (let i = 0; i < addresses.length; i += ADDRESSES_PER_QUERY) {
      const part = addresses.slice(i, i + ADDRESSES_PER_QUERY);
      for (const kind of ['user', 'group', 'contact'] as const) {
        const lookup = this.lookups[kind];
        if (kind === 'contact' && !this.contactsReadable) unchecked.add(CONTACTS_NOTE);
        else if (lookup) keep(lookup.holding(part));
      }
    }
    return { holders: [...found.values()], unchecked: [...unchecked] };
  }

  /** From memory while the tenant read is current; otherwise one round trip through the adapter. */
  async findByImmutableIdWithValueHolders(kind: EntraObjectKind, immutableId: string, query: { userPrincipalName?: string; smtpAddresses?: string[] }): Promise<{ byAnchor: EntraObject | null; valueHolders: ValueHolders }> {
    if (!this.lookups && this.inner.findByImmutableIdWithValueHolders) return this.inner.findByImmutableIdWithValueHolders(kind, immutableId, query);
    return { byAnchor: await this.findByImmutableId(kind, immutableId), valueHolders: await this.findValueHolders(query) };
  }

  adminRoles(userId: string): Promise<AdminRoles> {
    return this.inner.adminRoles(userId);
  }

  // Writes go to Graph; the in-memory tenant is then stale and no longer used.
  async create(kind: EntraObjectKind, properties: Record<string, unknown>, sourceAnchor?: string): Promise<EntraObject> {
    this.lookups = undefined;
    return this.inner.create(kind, properties, sourceAnchor);
  }
  async update(kind: EntraObjectKind, id: string, properties: Record<string, unknown>): Promise<void> {
    this.lookups = undefined;
    return this.inner.update(kind, id, properties);
  }
  async addMembers(groupId: string, memberIds: string[]): Promise<void> {
    this.lookups = undefined;
    return this.inner.addMembers(groupId, memberIds);
  }
  /** Always from Graph: the tenant read holds no memberships. Absent when the adapter cannot list them. */
  get listMembers(): ((groupId: string, limit: number) => Promise<GroupMembers>) | undefined {
    const inner = this.inner;
    return inner.listMembers ? (groupId, limit) => inner.listMembers!(groupId, limit) : undefined;
  }
  async removeMembers(groupId: string, memberIds: string[]): Promise<void> {
    this.lookups = undefined;
    return this.inner.removeMembers(groupId, memberIds);
  }

  listAll(kind: EntraObjectKind): Promise<EntraObject[]> {
    if (!this.inner.listAll) throw new TypeError('this tenant adapter cannot list objects');
    return this.inner.listAll(kind);
  }

  requests(): GraphRequestRecord[] {
    return this.inner.requests();
  }

  /** The tenant adapter belongs to the session, which closes it. */
  async close(): Promise<void> {
    this.lookups = undefined;
  }
}
