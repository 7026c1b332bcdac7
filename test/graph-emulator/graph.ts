// Microsoft Graph v1.0 directory endpoints: users, groups (and members), org contacts
// (read-only), domains, organization. One call in, one result out; the server adds the
// envelope headers, throttling, faults and the write log around it.
import { randomUUID } from 'node:crypto';
import { checkFilter, matches, parseFilter } from './filter';
import { errors, GraphHttpError } from './graph-errors';
import { DeltaTracker, LATEST } from './delta';
import {
  endsWithProperties, groupDefaultSelect, groupFilterable, groupProperties, orgContactDefaultSelect, orgContactFilterable,
  orgContactProperties, userDefaultSelect, userFilterable, userProperties, userPropertyPermissions,
} from './schema';
import { defaultSyncFeatures, type DirectoryObject, type Store } from './store';
import { validateGroupCreate, validateGroupUpdate, validateUserCreate, validateUserUpdate } from './validation';

export interface GraphCall {
  method: string;
  /** Path after /v1.0, e.g. /users/{id}. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: unknown;
  roles: string[];
}

export interface GraphResult {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

/**
 * The @odata.context prefix: Graph's service root as the reference quotes it (GRAPH 11, 128:
 * "https://graph.microsoft.com/v1.0/$metadata#users"), whatever host the emulator serves on.
 * Links a client follows (@odata.nextLink, @odata.deltaLink) stay on the emulator's origin.
 */
const metadata = 'https://graph.microsoft.com/v1.0/$metadata#';

const read = (...extra: string[]) => ['Directory.Read.All', 'Directory.ReadWrite.All', ...extra];
const write = (...extra: string[]) => ['Directory.ReadWrite.All', ...extra];
const permissions = {
  readUsers: read('User.Read.All', 'User.ReadWrite.All'),
  writeUsers: write('User.ReadWrite.All'),
  readGroups: read('Group.Read.All', 'Group.ReadWrite.All', 'GroupMember.Read.All', 'GroupMember.ReadWrite.All'),
  createGroups: write('Group.ReadWrite.All', 'Group.Create'),
  writeGroups: write('Group.ReadWrite.All'),
  writeMembers: write('Group.ReadWrite.All', 'GroupMember.ReadWrite.All'),
  readContacts: read('OrgContact.Read.All'),
  readDomains: read('Domain.Read.All', 'Domain.ReadWrite.All'),
  readOrganization: read('Organization.Read.All', 'Organization.ReadWrite.All'),
  // Documented: only the OnPremDirectorySynchronization permissions read these features.
  readSyncFeatures: ['OnPremDirectorySynchronization.Read.All', 'OnPremDirectorySynchronization.ReadWrite.All'],
  readRoles: read('RoleManagement.Read.Directory', 'RoleManagement.Read.All', 'RoleManagement.ReadWrite.Directory'),
};

/** Built-in role template ids (roleDefinitionId of unifiedRoleAssignment). */
const roleTemplates: Record<string, string> = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'Hybrid Identity Administrator': '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2',
  'Exchange Administrator': '29232cdf-9323-42fd-ade2-1d097af3e4de',
  'Helpdesk Administrator': '729827e3-9c14-49f7-bb1b-9608f156bbb8',
};

function need(call: GraphCall, allowed: string[]): void {
  if (!call.roles.some((r) => allowed.includes(r))) throw errors.denied();
}

type Entity = { set: 'users' | 'groups' | 'contacts'; resource: string; odataType: string; declared: Record<string, unknown>; defaults: string[]; filterable: Record<string, 'default' | 'advanced'> };
const entities: Record<'user' | 'group' | 'contact', Entity> = {
  user: { set: 'users', resource: 'User', odataType: '#microsoft.graph.user', declared: userProperties, defaults: userDefaultSelect, filterable: userFilterable },
  group: { set: 'groups', resource: 'Group', odataType: '#microsoft.graph.group', declared: groupProperties, defaults: groupDefaultSelect, filterable: groupFilterable },
  contact: { set: 'contacts', resource: 'OrgContact', odataType: '#microsoft.graph.orgContact', declared: orgContactProperties, defaults: orgContactDefaultSelect, filterable: orgContactFilterable },
};

function project(entity: Entity, object: DirectoryObject, select: string[] | undefined): Record<string, unknown> {
  const names = select ?? entity.defaults;
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const kind = (entity.declared as Record<string, string>)[name];
    out[name] = object[name] ?? (kind?.endsWith('[]') ? [] : null);
  }
  return out;
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw errors.badJson();
  return body as Record<string, unknown>;
}

/** The SMTP addresses an object answers to (proxyAddresses and mail), lower case. */
function smtpAddresses(o: Record<string, unknown>): string[] {
  const out = new Set<string>();
  for (const p of (o.proxyAddresses as string[] | undefined) ?? []) {
    if (/^smtp:/i.test(p)) out.add(p.slice(5).toLowerCase());
  }
  if (typeof o.mail === 'string') out.add(o.mail.toLowerCase());
  return [...out];
}

export class GraphService {
  /** State tokens of /users/delta and /groups/delta. */
  readonly delta = new DeltaTracker();

  constructor(private readonly store: Store, private readonly origin: () => string) {}

  private get s() {
    return this.store.state;
  }

  handle(call: GraphCall): GraphResult {
    const segments = call.path.split('/').filter(Boolean).map(decodeURIComponent);
    const [root, key, sub, subKey, ref] = segments;
    const m = call.method;
    // Alternate key: /groups(uniqueName='…') (upsert with Prefer: create-if-missing, and GET).
    const byUniqueName = /^groups\(uniqueName='((?:[^']|'')*)'\)$/.exec(root ?? '');
    if (byUniqueName && key === undefined) return this.groupByUniqueName(call, byUniqueName[1]!.replace(/''/g, "'"));
    switch (root) {
      case 'users':
        if (key === undefined) return m === 'GET' ? this.list(call, 'user') : m === 'POST' ? this.createUser(call) : this.notAllowed();
        if (key === '$count' && m === 'GET') return this.count(call, 'user');
        if ((key === 'delta' || key === 'microsoft.graph.delta') && sub === undefined) return m === 'GET' ? this.deltaRound(call, 'user') : this.notAllowed();
        if (sub === undefined) {
          if (m === 'GET') return this.get(call, 'user', key);
          if (m === 'PATCH') return this.updateUser(call, key);
          if (m === 'DELETE') return this.remove(call, 'user', key);
        }
        return this.notAllowed();
      case 'groups':
        if (key === undefined) return m === 'GET' ? this.list(call, 'group') : m === 'POST' ? this.createGroup(call) : this.notAllowed();
        if (key === '$count' && m === 'GET') return this.count(call, 'group');
        if ((key === 'delta' || key === 'microsoft.graph.delta') && sub === undefined) return m === 'GET' ? this.deltaRound(call, 'group') : this.notAllowed();
        if (sub === undefined) {
          if (m === 'GET') return this.get(call, 'group', key);
          if (m === 'PATCH') return this.updateGroup(call, key);
          if (m === 'DELETE') return this.remove(call, 'group', key);
          return this.notAllowed();
        }
        if (sub === 'members') {
          if (subKey === undefined && m === 'GET') return this.listMembers(call, key);
          if (subKey === '$ref' && m === 'POST') return this.addMemberRef(call, key);
          if (subKey === '$ref' && m === 'GET') return this.listMembers(call, key, true);
          if (subKey !== undefined && ref === '$ref' && m === 'DELETE') return this.removeMemberRef(call, key, subKey);
          return this.notAllowed();
        }
        throw errors.noRoute(sub);
      case 'contacts':
        if (m !== 'GET') return this.notAllowed();
        need(call, permissions.readContacts);
        if (key === undefined) return this.list(call, 'contact');
        if (key === '$count') return this.count(call, 'contact');
        // Reference section 1.3: orgContact's methods are "List, Get, delta, …".
        if ((key === 'delta' || key === 'microsoft.graph.delta') && sub === undefined) return this.deltaRound(call, 'contact');
        return this.get(call, 'contact', key);
      case 'domains': {
        if (m !== 'GET') return this.notAllowed();
        need(call, permissions.readDomains);
        const domains = this.s.domains.map((d) => this.domainJson(d));
        if (key === undefined) return { status: 200, body: { '@odata.context': `${metadata}domains`, value: domains } };
        const found = domains.find((d) => String(d.id).toLowerCase() === key.toLowerCase());
        if (!found) throw errors.notFound(key);
        return { status: 200, body: { '@odata.context': `${metadata}domains/$entity`, ...found } };
      }
      case 'organization':
        if (m !== 'GET') return this.notAllowed();
        need(call, permissions.readOrganization);
        return { status: 200, body: { '@odata.context': `${metadata}organization`, value: [this.organizationJson()] } };
      case 'directory':
        if (key === 'onPremisesSynchronization' && m === 'GET') return this.syncFeatures(call, sub);
        if (key === 'deletedItems' && m === 'GET') return this.deletedItems(call, sub);
        throw errors.noRoute(key ?? 'directory');
      case 'roleManagement':
        if (key === 'directory' && sub === 'roleAssignments' && subKey === undefined && m === 'GET') return this.roleAssignments(call);
        throw errors.noRoute(sub ?? key ?? 'roleManagement');
      case 'directoryObjects': {
        if (m !== 'GET' || key === undefined) return this.notAllowed();
        need(call, read());
        const found = this.store.findObject(key);
        if (!found) throw errors.notFound(key);
        const entity = entities[found.kind];
        return { status: 200, body: { '@odata.type': entity.odataType, ...project(entity, found.object, undefined) } };
      }
      default:
        throw errors.noRoute(root ?? '');
    }
  }

  /** GET /directory/onPremisesSynchronization[/{id}]: one object per tenant, id = tenant id. */
  private syncFeatures(call: GraphCall, id: string | undefined): GraphResult {
    need(call, permissions.readSyncFeatures);
    const body = {
      id: this.s.tenantId,
      configuration: { accidentalDeletionPrevention: this.s.accidentalDeletionPrevention ?? { synchronizationPreventionType: 'enabledForCount', alertThreshold: 500 }, synchronizationInterval: 'PT30M' },
      features: { ...defaultSyncFeatures, ...this.s.syncFeatures },
    };
    if (id !== undefined) {
      if (id.toLowerCase() !== this.s.tenantId.toLowerCase()) throw errors.notFound(id);
      return { status: 200, body: { '@odata.context': `${metadata}directory/onPremisesSynchronization/$entity`, ...body } };
    }
    return { status: 200, body: { '@odata.context': `${metadata}directory/onPremisesSynchronization`, value: [body] } };
  }

  /** GET /roleManagement/directory/roleAssignments?$filter=principalId eq '…'[&$expand=roleDefinition]. */
  private roleAssignments(call: GraphCall): GraphResult {
    need(call, permissions.readRoles);
    const filter = call.query.get('$filter') ?? '';
    const m = /^principalId eq '([^']*)'$/i.exec(filter.trim());
    if (filter && !m) throw new GraphHttpError(400, 'Request_UnsupportedQuery', 'Unsupported or invalid query filter clause specified for property \'principalId\' of resource \'UnifiedRoleAssignment\'.');
    const expand = (call.query.get('$expand') ?? '').toLowerCase().startsWith('roledefinition');
    const items = (this.s.roleAssignments ?? [])
      .filter((a) => !m || a.principalId.toLowerCase() === m[1]!.toLowerCase())
      .map((a) => {
        const roleDefinitionId = roleTemplates[a.roleName] ?? '00000000-0000-0000-0000-000000000000';
        return {
          id: `${roleDefinitionId}-${a.principalId}`, principalId: a.principalId, roleDefinitionId, directoryScopeId: '/',
          ...(expand ? { roleDefinition: { id: roleDefinitionId, displayName: a.roleName, isBuiltIn: true } } : {}),
        };
      });
    return { status: 200, body: { '@odata.context': `${metadata}roleManagement/directory/roleAssignments`, value: items } };
  }

  private notAllowed(): never {
    throw errors.methodNotAllowed();
  }

  private domainJson(d: (typeof this.s.domains)[number]): Record<string, unknown> {
    return {
      authenticationType: d.authenticationType ?? 'Managed', availabilityStatus: null, id: d.name, isAdminManaged: true,
      isDefault: d.isDefault ?? false, isInitial: d.isInitial ?? false, isRoot: true, isVerified: d.isVerified,
      manufacturer: null, model: null, passwordNotificationWindowInDays: 14, passwordValidityPeriodInDays: 2147483647,
      supportedServices: d.isVerified ? ['Email', 'OfficeCommunicationsOnline'] : [], state: null,
    };
  }

  private organizationJson(): Record<string, unknown> {
    return {
      id: this.s.tenantId, displayName: this.s.tenantDisplayName, tenantType: 'AAD', onPremisesSyncEnabled: null,
      onPremisesLastSyncDateTime: null, countryLetterCode: 'US', preferredLanguage: 'en',
      verifiedDomains: this.s.domains.filter((d) => d.isVerified).map((d) => ({
        capabilities: 'Email, OfficeCommunicationsOnline', isDefault: d.isDefault ?? false, isInitial: d.isInitial ?? false,
        name: d.name, type: d.authenticationType ?? 'Managed',
      })),
    };
  }

  private collection(kind: 'user' | 'group' | 'contact'): DirectoryObject[] {
    return kind === 'user' ? this.s.users : kind === 'group' ? this.s.groups : this.s.contacts;
  }

  private find(kind: 'user' | 'group' | 'contact', key: string): DirectoryObject {
    const lower = key.toLowerCase();
    const found = this.collection(kind).find(
      (o) => o.id.toLowerCase() === lower || (kind === 'user' && typeof o.userPrincipalName === 'string' && o.userPrincipalName.toLowerCase() === lower),
    );
    if (!found) throw errors.notFound(key);
    return found;
  }

  /** The `ConsistencyLevel: eventual` header: alone it unlocks $search and the /$count segment. */
  private eventual(call: GraphCall): boolean {
    return call.headers.consistencylevel?.toLowerCase() === 'eventual';
  }

  /**
   * Advanced queries on a list ($filter operators and properties marked 'advanced', $filter
   * with $orderby, @odata.count) need both the header and `$count=true` (reference section 3:
   * "Try adding $count=true query parameter and ConsistencyLevel:eventual header").
   */
  private advanced(call: GraphCall): boolean {
    return this.eventual(call) && call.query.get('$count') === 'true';
  }

  private parseSelect(call: GraphCall, entity: Entity): string[] | undefined {
    const raw = call.query.get('$select');
    if (raw === null) return undefined;
    const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
    // A registered directory extension is selectable by name (it is never returned by default).
    for (const n of names) if (!(n in entity.declared) && !this.store.extension(n, entity.resource)) throw errors.unknownQueryProperty(n);
    return names;
  }

  private readPermission(kind: 'user' | 'group' | 'contact'): string[] {
    return kind === 'user' ? permissions.readUsers : kind === 'group' ? permissions.readGroups : permissions.readContacts;
  }

  /** `counting`: the /$count segment, where the header alone makes the query advanced. */
  private filtered(call: GraphCall, kind: 'user' | 'group' | 'contact', items: DirectoryObject[], counting = false): DirectoryObject[] {
    const entity = entities[kind];
    const advanced = counting ? this.eventual(call) : this.advanced(call);
    if (call.query.has('$search') && !this.eventual(call)) throw errors.searchNeedsHeader();
    if (call.query.has('$orderby') && call.query.has('$filter') && !advanced) throw errors.advancedQueryRequired('orderby');
    const raw = call.query.get('$filter');
    if (raw === null) return items;
    const tree = parseFilter(raw);
    checkFilter(tree, { resource: entity.resource, declared: entity.declared, filterable: entity.filterable, endsWith: endsWithProperties, advanced });
    return items.filter((o) => matches(tree, o));
  }

  /** One page of a list; `shape` projects only that page's objects (a page of 999 from 50,000 costs 999 projections, not 50,000). */
  private page<T>(call: GraphCall, path: string, items: T[], context: string, shape: (item: T) => Record<string, unknown>): GraphResult {
    const topRaw = call.query.get('$top');
    const top = topRaw === null ? 100 : Number(topRaw);
    if (!Number.isInteger(top) || top < 1 || top > 999) throw errors.badPageSize(topRaw ?? '');
    if (call.query.has('$skip')) throw new GraphHttpError(400, 'Request_BadRequest', "'$skip' is not supported by the service.");
    let offset = 0;
    const token = call.query.get('$skiptoken');
    if (token !== null) {
      try {
        offset = Number((JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset: number }).offset);
      } catch {
        throw errors.badSkipToken();
      }
      if (!Number.isInteger(offset) || offset < 0) throw errors.badSkipToken();
    }
    const slice = items.slice(offset, offset + top).map(shape);
    const body: Record<string, unknown> = { '@odata.context': context };
    if (this.advanced(call)) body['@odata.count'] = items.length;
    if (offset + top < items.length) {
      const next = new URLSearchParams(call.query);
      next.set('$skiptoken', Buffer.from(JSON.stringify({ offset: offset + top })).toString('base64url'));
      const query = [...next.entries()].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
      body['@odata.nextLink'] = `${this.origin()}/v1.0${path}?${query}`;
    }
    body.value = slice;
    return { status: 200, body };
  }

  private list(call: GraphCall, kind: 'user' | 'group' | 'contact'): GraphResult {
    need(call, this.readPermission(kind));
    const entity = entities[kind];
    const select = this.parseSelect(call, entity);
    // Reference section 3: "$expand isn't supported together with advanced queries" [inferred: the message].
    if (call.query.has('$expand') && this.advanced(call)) {
      throw new GraphHttpError(400, 'Request_UnsupportedQuery', 'The $expand query option is not supported with advanced queries (ConsistencyLevel: eventual and $count=true).');
    }
    const items = this.filtered(call, kind, this.collection(kind));
    const context = `${metadata}${entity.set}${select ? `(${select.join(',')})` : ''}`;
    return this.page(call, `/${entity.set}`, items, context, (o) => project(entity, o, select));
  }

  /**
   * GET /directory/deletedItems/microsoft.graph.user|group (directory-deleteditems-list): "The
   * OData cast type is a required part of the URI"; the cast's own query parameters; "Deleted
   * security groups are deleted permanently" (and this tenant holds no other kind), so the group
   * cast lists none. GET /directory/deletedItems/{id}: one deleted user.
   */
  private deletedItems(call: GraphCall, cast: string | undefined): GraphResult {
    if (cast === undefined) throw new GraphHttpError(400, 'Request_BadRequest', 'Resource not found for the segment \'deletedItems\'. Add an OData cast such as microsoft.graph.user.'); // [inferred] message
    const deleted = this.s.deletedUsers ?? [];
    const entity = entities.user;
    if (cast === 'microsoft.graph.user' || cast === 'microsoft.graph.group') {
      const kind = cast === 'microsoft.graph.user' ? 'user' : 'group';
      need(call, this.readPermission(kind));
      const select = this.parseSelect(call, entities[kind]);
      const items = kind === 'user' ? this.filtered(call, 'user', deleted) : [];
      const context = `${metadata}${entities[kind].set}${select ? `(${select.join(',')})` : ''}`;
      return this.page(call, `/directory/deletedItems/${cast}`, items, context, (o) => project(entities[kind], o, select));
    }
    need(call, permissions.readUsers);
    const object = deleted.find((o) => o.id.toLowerCase() === cast.toLowerCase());
    if (!object) throw errors.notFound(cast);
    const select = this.parseSelect(call, entity);
    return { status: 200, body: { '@odata.context': `${metadata}directory/deletedItems/$entity`, '@odata.type': entity.odataType, ...project(entity, object, select) } };
  }

  /** GET /users/delta, /groups/delta: see delta.ts. */
  private deltaRound(call: GraphCall, kind: 'user' | 'group' | 'contact'): GraphResult {
    need(call, this.readPermission(kind));
    const entity = entities[kind];
    if (call.query.has('$top')) throw new GraphHttpError(400, 'Request_BadRequest', "The '$top' query parameter is not supported with delta queries."); // [inferred] message
    const skipToken = call.query.get('$skiptoken');
    const deltaToken = call.query.get('$deltatoken');
    // The initial request, or a `$deltatoken=latest` one, carries the query options the links keep.
    const select = skipToken === null && (deltaToken === null || deltaToken === LATEST) ? this.parseSelect(call, entity) : undefined;
    const prefer = /odata\.maxpagesize=(\d+)/i.exec(call.headers.prefer ?? '');
    const page = this.delta.handle({
      kind, select, skipToken, deltaToken,
      maxPageSize: prefer ? Number(prefer[1]) : undefined,
      objects: this.collection(kind),
      project: (object, names) => project(entity, object, names),
    });
    const base = `${this.origin()}/v1.0/${entity.set}/delta`;
    const body: Record<string, unknown> = { '@odata.context': `${metadata}${entity.set}${select ? `(${select.join(',')})` : ''}`, value: page.value };
    if (page.nextToken) body['@odata.nextLink'] = `${base}?$skiptoken=${page.nextToken}`;
    if (page.deltaToken) body['@odata.deltaLink'] = `${base}?$deltatoken=${page.deltaToken}`;
    return { status: 200, body };
  }

  private count(call: GraphCall, kind: 'user' | 'group' | 'contact'): GraphResult {
    need(call, this.readPermission(kind));
    if (!this.eventual(call)) throw errors.countNotSupported();
    return { status: 200, text: String(this.filtered(call, kind, this.collection(kind), true).length), headers: { 'Content-Type': 'text/plain' } };
  }

  private get(call: GraphCall, kind: 'user' | 'group' | 'contact', key: string): GraphResult {
    need(call, this.readPermission(kind));
    const entity = entities[kind];
    const select = this.parseSelect(call, entity);
    const object = this.find(kind, key);
    const context = `${metadata}${entity.set}${select ? `(${select.join(',')})` : ''}/$entity`;
    return { status: 200, body: { '@odata.context': context, ...project(entity, object, select) } };
  }

  private assertNotMastered(object: DirectoryObject): void {
    if (object.onPremisesSyncEnabled === true) throw errors.onPremisesMastered();
  }

  /** Uniqueness of UPN, source anchor and SMTP addresses across the tenant. */
  private assertUnique(candidate: Record<string, unknown>, selfId: string | undefined, changed: Set<string>): void {
    const others = (list: DirectoryObject[]) => list.filter((o) => o.id !== selfId);
    const users = others(this.s.users);
    if (changed.has('userPrincipalName') && typeof candidate.userPrincipalName === 'string') {
      const upn = candidate.userPrincipalName.toLowerCase();
      const hit = users.find((u) => String(u.userPrincipalName ?? '').toLowerCase() === upn);
      if (hit) throw errors.conflict('userPrincipalName');
    }
    if (changed.has('onPremisesImmutableId') && typeof candidate.onPremisesImmutableId === 'string') {
      const anchor = candidate.onPremisesImmutableId.toLowerCase();
      const hit = users.find((u) => typeof u.onPremisesImmutableId === 'string' && u.onPremisesImmutableId.toLowerCase() === anchor);
      if (hit) throw errors.conflict('onPremisesImmutableId', `User_${hit.id}`);
    }
    if (changed.has('mail') || changed.has('proxyAddresses')) {
      const mine = new Set(smtpAddresses(candidate));
      for (const [prefix, list] of [['User', users], ['Group', others(this.s.groups)], ['Contact', others(this.s.contacts)]] as const) {
        const hit = list.find((o) => smtpAddresses(o).some((a) => mine.has(a)));
        if (hit) throw errors.conflict('proxyAddresses', `${prefix}_${hit.id}`);
      }
    }
  }

  /** Writing mail makes it the primary SMTP proxy address, as the service does. */
  private applyMail(object: DirectoryObject, mail: unknown): void {
    const proxies = ((object.proxyAddresses as string[] | undefined) ?? []).map((p) => (p.startsWith('SMTP:') ? `smtp:${p.slice(5)}` : p));
    if (typeof mail === 'string') {
      const rest = proxies.filter((p) => p.toLowerCase() !== `smtp:${mail.toLowerCase()}`);
      object.proxyAddresses = [`SMTP:${mail}`, ...rest];
    } else {
      object.proxyAddresses = proxies;
    }
  }

  /** identities and employeeLeaveDateTime need their own permission besides User.ReadWrite.All (reference section 1.1). */
  private needPropertyPermissions(call: GraphCall, body: Record<string, unknown>): void {
    for (const [name, permission] of Object.entries(userPropertyPermissions)) if (name in body) need(call, [permission]);
  }

  private createUser(call: GraphCall): GraphResult {
    need(call, permissions.writeUsers);
    const body = bodyObject(call.body);
    this.needPropertyPermissions(call, body);
    validateUserCreate(body, this.store);
    this.assertUnique(body, undefined, new Set(Object.keys(body)));
    const { passwordProfile: _password, ...rest } = body;
    const user: DirectoryObject = {
      ...rest, id: randomUUID(), createdDateTime: new Date().toISOString(), creationType: null, userType: body.userType ?? 'Member',
      onPremisesSyncEnabled: null, proxyAddresses: [], businessPhones: body.businessPhones ?? [],
    };
    if (typeof body.mail === 'string') this.applyMail(user, body.mail);
    this.s.users.push(user);
    this.store.persist();
    return { status: 201, body: { '@odata.context': `${metadata}users/$entity`, ...project(entities.user, user, undefined) } };
  }

  private updateUser(call: GraphCall, key: string): GraphResult {
    need(call, permissions.writeUsers);
    const user = this.find('user', key);
    const body = bodyObject(call.body);
    this.needPropertyPermissions(call, body);
    this.assertNotMastered(user);
    validateUserUpdate(body, user, this.store);
    const merged = { ...user, ...body };
    if ('mail' in body) {
      const probe = { ...merged } as DirectoryObject;
      this.applyMail(probe, body.mail);
      merged.proxyAddresses = probe.proxyAddresses;
    }
    this.assertUnique(merged, user.id, new Set(Object.keys(body)));
    const { passwordProfile: _password, ...rest } = body;
    Object.assign(user, rest, { proxyAddresses: merged.proxyAddresses });
    if (rest.onPremisesExtensionAttributes && typeof rest.onPremisesExtensionAttributes === 'object') {
      user.onPremisesExtensionAttributes = { ...((user.onPremisesExtensionAttributes as object) ?? {}), ...(rest.onPremisesExtensionAttributes as object) };
    }
    this.store.persist();
    return { status: 204 };
  }

  private remove(call: GraphCall, kind: 'user' | 'group', key: string): GraphResult {
    need(call, kind === 'user' ? permissions.writeUsers : permissions.writeGroups);
    const object = this.find(kind, key);
    this.assertNotMastered(object);
    const list = this.collection(kind);
    list.splice(list.indexOf(object), 1);
    // A user goes to deleted items, restorable for 30 days; a security group is deleted permanently.
    if (kind === 'user') (this.s.deletedUsers ??= []).push({ ...object, deletedDateTime: new Date().toISOString() });
    for (const members of Object.values(this.s.members)) {
      const at = members.indexOf(object.id);
      if (at >= 0) members.splice(at, 1);
    }
    if (kind === 'group') delete this.s.members[object.id];
    this.store.persist();
    return { status: 204 };
  }

  /** Object ids from `members@odata.bind` / `owners@odata.bind` URLs. */
  private bindIds(value: unknown): string[] {
    if (!Array.isArray(value)) throw errors.invalidValue('members@odata.bind', 'Group');
    return value.map((url) => {
      const m = typeof url === 'string' ? /\/(?:directoryObjects|users|groups|contacts)\/([^/?]+)\/?$/.exec(url) : null;
      if (!m?.[1]) throw new GraphHttpError(400, 'Request_BadRequest', `Invalid object identifier '${String(url)}'.`);
      const found = this.store.findObject(m[1]);
      if (!found) throw errors.notFound(m[1]);
      return found.object.id;
    });
  }

  private createGroup(call: GraphCall): GraphResult {
    need(call, permissions.createGroups);
    const body = bodyObject(call.body);
    validateGroupCreate(body, this.store);
    const members = body['members@odata.bind'] === undefined ? [] : this.bindIds(body['members@odata.bind']);
    const owners = body['owners@odata.bind'] === undefined ? [] : this.bindIds(body['owners@odata.bind']);
    if (members.length + owners.length > 20) throw errors.tooManyReferences();
    if (new Set(members).size !== members.length) throw errors.duplicateReference();
    const props = Object.fromEntries(Object.entries(body).filter(([k]) => !k.includes('@odata')));
    const unified = ((body.groupTypes as string[] | undefined) ?? []).includes('Unified');
    const initial = this.s.domains.find((d) => d.isInitial)?.name ?? 'contoso.onmicrosoft.com';
    const group: DirectoryObject = {
      groupTypes: [], visibility: unified ? 'Public' : null, ...props, id: randomUUID(), createdDateTime: new Date().toISOString(),
      mail: unified ? `${String(body.mailNickname)}@${initial}` : null, proxyAddresses: unified ? [`SMTP:${String(body.mailNickname)}@${initial}`] : [],
      onPremisesSyncEnabled: null, securityIdentifier: `S-1-12-1-${Math.floor(Math.random() * 2 ** 31)}`,
    };
    if (unified) this.assertUnique(group, undefined, new Set(['proxyAddresses']));
    this.s.groups.push(group);
    this.s.members[group.id] = members;
    this.store.persist();
    return { status: 201, body: { '@odata.context': `${metadata}groups/$entity`, ...project(entities.group, group, undefined) } };
  }

  /**
   * GET or PATCH /groups(uniqueName='…'). PATCH with `Prefer: create-if-missing` creates the
   * group (201 with the group) when no group has that uniqueName, else updates it (204): the
   * documented idempotent create. Without the header a missing group is 404.
   */
  private groupByUniqueName(call: GraphCall, uniqueName: string): GraphResult {
    const existing = this.s.groups.find((g) => g.uniqueName === uniqueName);
    if (call.method === 'GET') {
      need(call, permissions.readGroups);
      if (!existing) throw errors.notFound(`uniqueName='${uniqueName}'`);
      const select = this.parseSelect(call, entities.group);
      return { status: 200, body: { '@odata.context': `${metadata}groups/$entity`, ...project(entities.group, existing, select) } };
    }
    if (call.method !== 'PATCH') return this.notAllowed();
    if (existing) {
      this.updateGroup({ ...call, path: `/groups/${existing.id}` }, existing.id);
      return { status: 204 };
    }
    const createIfMissing = (call.headers.prefer ?? '').split(',').some((p) => p.trim().toLowerCase() === 'create-if-missing');
    if (!createIfMissing) throw errors.notFound(`uniqueName='${uniqueName}'`);
    const created = this.createGroup({ ...call, method: 'POST', path: '/groups' });
    const group = this.s.groups.find((g) => g.id === (created.body as { id: string }).id)!;
    group.uniqueName = uniqueName;
    this.store.persist();
    return { ...created, body: { ...(created.body as object), uniqueName } };
  }

  private updateGroup(call: GraphCall, key: string): GraphResult {
    const body = bodyObject(call.body);
    const binding = body['members@odata.bind'];
    need(call, binding !== undefined && Object.keys(body).length === 1 ? permissions.writeMembers : permissions.writeGroups);
    const group = this.find('group', key);
    this.assertNotMastered(group);
    const props = Object.fromEntries(Object.entries(body).filter(([k]) => !k.includes('@odata')));
    validateGroupUpdate(props, group, this.store);
    let add: string[] = [];
    if (binding !== undefined) {
      if (Array.isArray(binding) && binding.length > 20) throw errors.tooManyReferences();
      add = this.bindIds(binding);
      if (new Set(add).size !== add.length) throw errors.duplicateReference();
      const current = this.s.members[group.id] ?? [];
      if (add.some((id) => current.includes(id))) throw errors.memberExists();
    }
    Object.assign(group, props);
    this.s.members[group.id] = [...(this.s.members[group.id] ?? []), ...add];
    this.store.persist();
    return { status: 204 };
  }

  private listMembers(call: GraphCall, key: string, refsOnly = false): GraphResult {
    need(call, permissions.readGroups);
    const group = this.find('group', key);
    const select = call.query.get('$select')?.split(',').map((s) => s.trim());
    const items = (this.s.members[group.id] ?? []).flatMap((id): Record<string, unknown>[] => {
      const found = this.store.findObject(id);
      if (!found) return [];
      const entity = entities[found.kind];
      if (refsOnly) return [{ '@odata.id': `${this.origin()}/v1.0/directoryObjects/${id}/${entity.odataType.slice(1)}` }];
      const names = select?.filter((n) => n in entity.declared || n === 'id');
      return [{ '@odata.type': entity.odataType, ...project(entity, found.object, names ?? ['id', 'displayName']) }];
    });
    return this.page(call, `/groups/${group.id}/members`, items, `${metadata}directoryObjects`, (item) => item);
  }

  private addMemberRef(call: GraphCall, key: string): GraphResult {
    need(call, permissions.writeMembers);
    const body = bodyObject(call.body);
    if ('members@odata.bind' in body) throw new GraphHttpError(400, 'Request_BadRequest', "Property 'members@odata.bind' is not supported on this request. Use PATCH on the group.");
    const group = this.find('group', key);
    this.assertNotMastered(group);
    const [id] = this.bindIds([body['@odata.id']]);
    const members = (this.s.members[group.id] ??= []);
    if (members.includes(id!)) throw errors.memberExists();
    members.push(id!);
    this.store.persist();
    return { status: 204 };
  }

  private removeMemberRef(call: GraphCall, key: string, memberId: string): GraphResult {
    need(call, permissions.writeMembers);
    const group = this.find('group', key);
    this.assertNotMastered(group);
    const members = this.s.members[group.id] ?? [];
    const at = members.findIndex((m) => m.toLowerCase() === memberId.toLowerCase());
    if (at < 0) throw errors.memberMissing();
    members.splice(at, 1);
    this.store.persist();
    return { status: 204 };
  }
}
