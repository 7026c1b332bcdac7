// The tenant's state: domains, app registrations, users, groups (with members) and
// org contacts, plus the log of every write Graph accepted or refused.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface SeedDomain {
  name: string;
  isVerified: boolean;
  isInitial?: boolean;
  isDefault?: boolean;
  authenticationType?: 'Managed' | 'Federated';
}

export interface SeedApp {
  clientId: string;
  displayName?: string;
  secrets?: string[];
  /** PEM certificates registered as credentials (client assertions). */
  certificates?: string[];
  /** Application roles granted (consented), e.g. User.ReadWrite.All. */
  roles: string[];
  /** "Allow public client flows": the device code flow is open to this app (identity.ts). */
  publicClient?: boolean;
  /** Delegated permissions consented for the app (the scp of a signed-in user's token). */
  delegatedPermissions?: string[];
}

/** Graph JSON of a directory object; id is generated when absent. */
export type SeedObject = Record<string, unknown> & { id?: string };
export type SeedGroup = SeedObject & { members?: string[] };

/** Graph onPremisesAccidentalDeletionPrevention: alertThreshold is a count or a percentage, by the type. */
export interface AccidentalDeletionPrevention {
  synchronizationPreventionType: 'disabled' | 'enabledForCount' | 'enabledForPercentage' | 'unknownFutureValue';
  alertThreshold: number;
}

/** The tenant's directory synchronization features (Graph onPremisesDirectorySynchronizationFeature). */
export interface SyncFeatures {
  blockCloudObjectTakeoverThroughHardMatchEnabled: boolean;
  blockSoftMatchEnabled: boolean;
  softMatchOnUpnEnabled: boolean;
  synchronizeUpnForManagedUsersEnabled: boolean;
  quarantineUponProxyAddressesConflictEnabled: boolean;
  quarantineUponUpnConflictEnabled: boolean;
  passwordSyncEnabled: boolean;
}

/** Documented defaults: matching allowed, soft match on UPN on, UPN updates of managed users on (new directories), duplicate attribute resiliency on. */
export const defaultSyncFeatures: SyncFeatures = {
  blockCloudObjectTakeoverThroughHardMatchEnabled: false,
  blockSoftMatchEnabled: false,
  softMatchOnUpnEnabled: true,
  synchronizeUpnForManagedUsersEnabled: true,
  quarantineUponProxyAddressesConflictEnabled: true,
  quarantineUponUpnConflictEnabled: true,
  passwordSyncEnabled: false,
};

/** An active directory role assignment (roleManagement/directory/roleAssignments). */
export interface SeedRoleAssignment {
  principalId: string;
  /** A built-in role's display name, e.g. "Global Administrator". */
  roleName: string;
}

/**
 * A directory extension an app registered (Graph extensionProperty): users and groups then
 * take it as a top-level property of this name in POST, PATCH and $select.
 */
export interface SeedExtensionProperty {
  /** extension_<appId without dashes>_<attribute name> */
  name: string;
  targetObjectTypes: ('User' | 'Group')[];
  dataType?: 'String' | 'Integer' | 'Boolean' | 'Binary' | 'DateTime' | 'LargeInteger';
  isMultiValued?: boolean;
}

/** What POST /_emulator/seed accepts (and startEmulator({ seed })). Objects are stored as given (no validation). */
export interface SeedDocument {
  tenantId?: string;
  tenantDisplayName?: string;
  domains?: SeedDomain[];
  apps?: SeedApp[];
  users?: SeedObject[];
  groups?: SeedGroup[];
  contacts?: SeedObject[];
  /**
   * Soft-deleted users (deleted items, restorable for 30 days), each with its deletedDateTime:
   * GET /directory/deletedItems/microsoft.graph.user lists them, /users does not.
   */
  deletedUsers?: SeedObject[];
  /** Remove existing users, groups and contacts before adding these. */
  replaceObjects?: boolean;
  /** Changes to the tenant's sync features (GET /directory/onPremisesSynchronization). */
  syncFeatures?: Partial<SyncFeatures>;
  /** The tenant's accidentalDeletionPrevention (onPremisesSynchronization's configuration); Graph's default is enabledForCount, 500. */
  accidentalDeletionPrevention?: AccidentalDeletionPrevention;
  /** Directory role assignments (admin roles block soft match to a user). */
  roleAssignments?: SeedRoleAssignment[];
  /** Directory extensions registered in the tenant (replaces one of the same name). */
  extensionProperties?: SeedExtensionProperty[];
}

export interface WriteRecord {
  sequence: number;
  time: string;
  method: string;
  path: string;
  status: number;
  appId: string | null;
  /** Error code when Graph refused the write. */
  errorCode?: string;
  errorMessage?: string;
  body?: unknown;
  inBatch?: boolean;
}

export type DirectoryObject = Record<string, unknown> & { id: string };

export interface TenantState {
  tenantId: string;
  tenantDisplayName: string;
  domains: SeedDomain[];
  apps: SeedApp[];
  users: DirectoryObject[];
  groups: DirectoryObject[];
  contacts: DirectoryObject[];
  /** Soft-deleted users: DELETE /users/{id} moves a user here. Security groups are deleted permanently. */
  deletedUsers?: DirectoryObject[];
  /** groupId -> member object ids. */
  members: Record<string, string[]>;
  syncFeatures?: SyncFeatures;
  accidentalDeletionPrevention?: AccidentalDeletionPrevention;
  roleAssignments?: SeedRoleAssignment[];
  extensionProperties?: SeedExtensionProperty[];
}

export class Store {
  state: TenantState;
  writes: WriteRecord[] = [];

  constructor(private readonly initial: () => TenantState, private readonly stateFile?: string) {
    this.state = stateFile && existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as TenantState) : initial();
  }

  reset(): void {
    this.state = this.initial();
    this.writes = [];
    this.persist();
  }

  persist(): void {
    if (!this.stateFile) return;
    const tmp = `${this.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state, null, 2));
    renameSync(tmp, this.stateFile);
  }

  seed(doc: SeedDocument): void {
    const s = this.state;
    if (doc.tenantId) s.tenantId = doc.tenantId;
    if (doc.tenantDisplayName) s.tenantDisplayName = doc.tenantDisplayName;
    for (const d of doc.domains ?? []) {
      s.domains = s.domains.filter((x) => x.name.toLowerCase() !== d.name.toLowerCase());
      s.domains.push({ isInitial: false, isDefault: false, authenticationType: 'Managed', ...d });
    }
    for (const a of doc.apps ?? []) {
      s.apps = s.apps.filter((x) => x.clientId !== a.clientId);
      s.apps.push({ secrets: [], certificates: [], ...a });
    }
    if (doc.syncFeatures) s.syncFeatures = { ...defaultSyncFeatures, ...s.syncFeatures, ...doc.syncFeatures };
    if (doc.accidentalDeletionPrevention) s.accidentalDeletionPrevention = { ...doc.accidentalDeletionPrevention };
    if (doc.roleAssignments) s.roleAssignments = [...(s.roleAssignments ?? []), ...doc.roleAssignments];
    for (const e of doc.extensionProperties ?? []) {
      s.extensionProperties = [...(s.extensionProperties ?? []).filter((x) => x.name.toLowerCase() !== e.name.toLowerCase()), e];
    }
    if (doc.replaceObjects) {
      s.users = [];
      s.groups = [];
      s.contacts = [];
      s.deletedUsers = [];
      s.members = {};
    }
    // Positions by id, per list: a seed of 50,000 users is one pass, not a scan per user.
    const positions = new Map<DirectoryObject[], Map<string, number>>();
    const upsert = (list: DirectoryObject[], o: SeedObject): DirectoryObject => {
      const obj = { ...o, id: o.id ?? randomUUID() } as DirectoryObject;
      let at = positions.get(list);
      if (!at) positions.set(list, (at = new Map(list.map((x, i) => [x.id, i]))));
      const i = at.get(obj.id);
      if (i !== undefined) list[i] = obj;
      else at.set(obj.id, list.push(obj) - 1);
      return obj;
    };
    for (const u of doc.users ?? []) upsert(s.users, { createdDateTime: new Date().toISOString(), ...u });
    for (const c of doc.contacts ?? []) upsert(s.contacts, c);
    if (doc.deletedUsers?.length) s.deletedUsers ??= [];
    for (const u of doc.deletedUsers ?? []) upsert(s.deletedUsers!, { deletedDateTime: new Date().toISOString(), ...u });
    for (const g of doc.groups ?? []) {
      const { members, ...rest } = g;
      const obj = upsert(s.groups, { groupTypes: [], proxyAddresses: [], createdDateTime: new Date().toISOString(), ...rest });
      s.members[obj.id] = [...(members ?? [])];
    }
    this.persist();
  }

  findObject(id: string): { kind: 'user' | 'group' | 'contact'; object: DirectoryObject } | undefined {
    const lowerId = id.toLowerCase();
    const u = this.state.users.find((x) => x.id.toLowerCase() === lowerId);
    if (u) return { kind: 'user', object: u };
    const g = this.state.groups.find((x) => x.id.toLowerCase() === lowerId);
    if (g) return { kind: 'group', object: g };
    const c = this.state.contacts.find((x) => x.id.toLowerCase() === lowerId);
    if (c) return { kind: 'contact', object: c };
    return undefined;
  }

  /** The directory extension of this name registered for users or groups, if any. */
  extension(name: string, resource: string): SeedExtensionProperty | undefined {
    const lower = name.toLowerCase();
    return this.state.extensionProperties?.find((e) => e.name.toLowerCase() === lower && (e.targetObjectTypes as string[]).includes(resource));
  }

  domain(name: string): SeedDomain | undefined {
    return this.state.domains.find((d) => d.name.toLowerCase() === name.toLowerCase());
  }

  recordWrite(w: Omit<WriteRecord, 'sequence' | 'time'>): void {
    this.writes.push({ sequence: this.writes.length + 1, time: new Date().toISOString(), ...w, body: redactPassword(w.body) });
  }
}

export const randomSecret = (): string => randomBytes(24).toString('base64url');

/** Write log entries never carry a password, even a generated one. */
function redactPassword(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const profile = (body as Record<string, unknown>).passwordProfile;
  if (!profile || typeof profile !== 'object') return body;
  return { ...body, passwordProfile: { ...(profile as object), password: '(redacted)' } };
}
