// The EntraTarget port: how the engine reads and writes Microsoft Entra ID. Implemented by
// src/adapters/entra/ (msal-node + the Microsoft Graph client). Objects are plain Graph JSON.
import type { AttributeValue, Attributes } from '../model/attributes';
import type { GraphRequestRecord } from '../summary/types';

export type EntraObjectKind = 'user' | 'group' | 'contact';

export interface EntraObject {
  kind: EntraObjectKind;
  id: string;
  /** Graph properties as returned (only the selected ones). */
  properties: Record<string, unknown>;
}

export interface TenantInfo {
  tenantId: string;
  /** Verified domain names; the initial (*.onmicrosoft.com) one is flagged. */
  domains: { name: string; isVerified: boolean; isInitial: boolean; authenticationType: 'Managed' | 'Federated' }[];
  /** The tenant's directory synchronization features that decide matching. */
  syncFeatures: SyncFeatures;
}

/**
 * Graph v1.0 onPremisesDirectorySynchronization features that change how Microsoft Entra ID
 * matches an incoming object. `source: 'defaults'` when the app could not read them.
 */
export interface SyncFeatures {
  blockSoftMatchEnabled: boolean;
  blockCloudObjectTakeoverThroughHardMatchEnabled: boolean;
  softMatchOnUpnEnabled: boolean;
  /** Whether the sync service applies UPN changes of licensed users in managed domains. */
  synchronizeUpnForManagedUsersEnabled: boolean;
  source: 'tenant' | 'defaults';
  /** Why the tenant's own values could not be read (permission, error). */
  unreadableReason?: string;
  /** The tenant's accidental deletion prevention, when it was read and is well formed. */
  deletionPrevention?: DeletionPrevention;
}

/**
 * Graph v1.0 onPremisesAccidentalDeletionPrevention: the tenant's protection against mass
 * deletes, which Enable-/Disable-ADSyncExportDeletionThreshold set (they sign in to the tenant).
 * alertThreshold is a number of objects (enabledForCount) or a percentage (enabledForPercentage).
 */
export interface DeletionPrevention {
  mode: 'disabled' | 'enabledForCount' | 'enabledForPercentage';
  alertThreshold: number;
}

/**
 * The alternate key (uniqueName) of a group this tool creates: its sourceAnchor (objectGUID,
 * base64) in base64url, so the same AD group always names the same cloud group.
 */
export function groupUniqueName(sourceAnchor: string): string {
  return `sos-${sourceAnchor.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

/**
 * Does the cloud object carry this AD object's source anchor: a user its onPremisesImmutableId,
 * a group the uniqueName this tool gives the groups it creates? (Contacts carry none in Graph.)
 * What confirms a link the state folder holds: the folder may be a repository's.
 */
export function carriesSourceAnchor(object: EntraObject, sourceAnchor: string): boolean {
  if (object.kind === 'user') return object.properties.onPremisesImmutableId === sourceAnchor;
  if (object.kind === 'group') return object.properties.uniqueName === groupUniqueName(sourceAnchor);
  return false;
}

/** Documented defaults: hard and soft match allowed, soft match on UPN on. */
export const defaultSyncFeatures: Omit<SyncFeatures, 'source' | 'unreadableReason' | 'deletionPrevention'> = {
  blockSoftMatchEnabled: false,
  blockCloudObjectTakeoverThroughHardMatchEnabled: false,
  softMatchOnUpnEnabled: true,
  // "on by default for newly created Microsoft Entra directories" (how-to-connect-syncservice-features)
  synchronizeUpnForManagedUsersEnabled: true,
};

/** Objects holding a value; `unchecked` names what the app may not read (e.g. contacts without OrgContact.Read.All). */
export interface ValueHolders {
  holders: EntraObject[];
  unchecked: string[];
}

/** The soft-deleted user holding a source anchor (null: none), or why deleted users could not be read. */
export type DeletedUserLookup = { user: EntraObject | null } | { unreadableReason: string };

/** Directory roles of a user, or why they could not be read. */
export type AdminRoles = { roles: string[] } | { unreadableReason: string };

/** How connector-space attributes (Entra Connect's AAD connector names) become Graph properties. */
export interface ExportPlan {
  /** Graph property name -> value (null clears the property). */
  properties: Record<string, unknown>;
  /** Connector attributes that Microsoft Graph v1.0 cannot write, and why. Never dropped silently. */
  notExportable: {
    attribute: string;
    reason: string;
    kind?: 'readOnlyInGraph' | 'noGraphProperty' | 'notExportedByTool' | 'notClearable' | 'invalidValue' | 'readOnlyObject';
  }[];
}

/** A group's direct members as Graph lists them (any object type), in Graph's order. */
export interface GroupMembers {
  members: { id: string; displayName?: string }[];
  /** More members than the limit asked for: only the first ones were read. */
  truncated: boolean;
}

/** One round of change tracking for a kind. */
export interface TenantChanges {
  /** Objects added or changed (all of them on an initial read), with the selected properties. */
  changed: EntraObject[];
  /** Ids of objects deleted since the link was issued (Graph's @removed). */
  removed: string[];
  /** Where the next round starts. */
  deltaLink: string;
  /** Graph requests this round took. */
  requests: number;
  /** True when the delta link was refused and everything was read again. */
  restarted?: boolean;
  /** True when this was a full read (no link, or restarted): `changed` is the whole collection. */
  full: boolean;
}

export interface EntraTarget {
  /** Pure: translate AAD-connector attributes (null = delete) to Graph properties for kind. */
  planExport(kind: EntraObjectKind, attributes: Record<string, AttributeValue[] | null>): ExportPlan;
  /** Pure: a Graph object as Entra connector-space attributes (AAD connector names). */
  toConnectorSpace(object: EntraObject): Attributes;
  /** Pure: the connector attributes toConnectorSpace can read back for a kind (comparable with an export). */
  readableAttributes(kind: EntraObjectKind): string[];
  /** Acquire a token and read the verified domains (step 2). */
  connect(): Promise<TenantInfo>;
  /**
   * Hard match by the sourceAnchor: users by onPremisesImmutableId; groups (which have no
   * anchor in Graph v1.0) by the uniqueName this tool gives them on create.
   */
  findByImmutableId(kind: EntraObjectKind, immutableId: string): Promise<EntraObject | null>;
  /**
   * Optional: the soft-deleted user (deleted items, restorable for 30 days) whose
   * onPremisesImmutableId is this anchor, with its deletedDateTime. Microsoft Entra ID restores
   * it when Entra Connect exports an object with that anchor (how-to-connect-sync-recycle-bin).
   * Without it, soft-deleted users are not checked and the sync says so.
   */
  findDeletedUser?(immutableId: string): Promise<DeletedUserLookup>;
  /** Optional: every soft-deleted user, in pages (a batch's tenant read). */
  listDeletedUsers?(): Promise<EntraObject[]>;
  /** Read an object by its Graph id (the cloud anchor kept in the Entra connector space); null when gone. */
  getById(kind: EntraObjectKind, id: string): Promise<EntraObject | null>;
  /** The synced user or group whose onPremisesSecurityIdentifier is this SID. */
  findBySecurityIdentifier(kind: 'user' | 'group', sid: string): Promise<EntraObject | null>;
  /**
   * Every object holding one of these values: users by userPrincipalName; users, groups and
   * contacts by an SMTP proxy address (primary or secondary, case-insensitive) or mail.
   */
  findValueHolders(query: { userPrincipalName?: string; smtpAddresses?: string[] }): Promise<ValueHolders>;
  /**
   * Optional: findByImmutableId and findValueHolders in one round trip (one $batch), with the
   * answers each would give alone. Step 8 uses it so an update costs one lookup request.
   */
  findByImmutableIdWithValueHolders?(
    kind: EntraObjectKind, immutableId: string, query: { userPrincipalName?: string; smtpAddresses?: string[] },
  ): Promise<{ byAnchor: EntraObject | null; valueHolders: ValueHolders }>;
  /** The directory roles assigned to a user (admin roles block soft match). */
  adminRoles(userId: string): Promise<AdminRoles>;
  /**
   * Create, idempotently: never repeated blindly after an answer that may have been lost.
   * `sourceAnchor` names the object so a retry or a later run finds it again.
   */
  create(kind: EntraObjectKind, properties: Record<string, unknown>, sourceAnchor?: string): Promise<EntraObject>;
  update(kind: EntraObjectKind, id: string, properties: Record<string, unknown>): Promise<void>;
  addMembers(groupId: string, memberIds: string[]): Promise<void>;
  /**
   * Optional: the direct members of a group (GET /groups/{id}/members, ids and display names,
   * pages of 999), at most `limit` of them; `truncated` when the group holds more. Step 10
   * compares them for a group Entra Connect synchronizes. Without it, that membership is not
   * compared and the result says so.
   */
  listMembers?(groupId: string, limit: number): Promise<GroupMembers>;
  removeMembers(groupId: string, memberIds: string[]): Promise<void>;
  /**
   * Every object of a kind, read in pages (of 999) with the same properties the lookups select.
   * Optional: for batch runs that match locally instead of one lookup per object.
   */
  listAll?(kind: EntraObjectKind): Promise<EntraObject[]>;
  /**
   * Optional: Graph's change tracking (/users/delta, /groups/delta). Without a delta link,
   * every object (the initial full read); with one, only what changed since it was issued.
   * Either way the answer ends with the next delta link. A link Graph no longer accepts (410)
   * is followed by a full read, marked `restarted`.
   */
  readChanges?(kind: 'user' | 'group', deltaLink?: string): Promise<TenantChanges>;
  /** Every Graph request made so far, for the report. */
  requests(): GraphRequestRecord[];
  close(): Promise<void>;
}
