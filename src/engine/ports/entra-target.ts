// The EntraTarget port: how the engine reads and writes Microsoft Entra ID. Implemented by
// src/entra/ (msal-node + the Microsoft Graph client). Objects are plain Graph JSON.
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
}

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

export interface EntraTarget {
  /** Pure: translate AAD-connector attributes (null = delete) to Graph properties for kind. */
  planExport(kind: EntraObjectKind, attributes: Record<string, AttributeValue[] | null>): ExportPlan;
  /** Pure: a Graph object as Entra connector-space attributes (AAD connector names). */
  toConnectorSpace(object: EntraObject): Attributes;
  /** Acquire a token and read the verified domains (step 2). */
  connect(): Promise<TenantInfo>;
  /** Hard match: the object whose onPremisesImmutableId equals the sourceAnchor. */
  findByImmutableId(kind: EntraObjectKind, immutableId: string): Promise<EntraObject | null>;
  /** Read an object by its Graph id (the cloud anchor kept in the Entra connector space); null when gone. */
  getById(kind: EntraObjectKind, id: string): Promise<EntraObject | null>;
  /** Soft-match candidates by userPrincipalName and by proxyAddresses / mail. */
  findSoftMatchCandidates(query: { userPrincipalName?: string; proxyAddresses?: string[]; mail?: string }): Promise<EntraObject[]>;
  create(kind: EntraObjectKind, properties: Record<string, unknown>): Promise<EntraObject>;
  update(kind: EntraObjectKind, id: string, properties: Record<string, unknown>): Promise<void>;
  addMembers(groupId: string, memberIds: string[]): Promise<void>;
  removeMembers(groupId: string, memberIds: string[]): Promise<void>;
  /** Every Graph request made so far, for the report. */
  requests(): GraphRequestRecord[];
  close(): Promise<void>;
}
