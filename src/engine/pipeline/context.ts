// What one sync needs (its dependencies, given by the composition root in src/app/session.ts)
// and what its steps learn along the way.
import type { ActiveDirectoryConnectorConfig, PartitionConfig, SingleObjectSyncConfig } from '../model/config';
import type { Attributes, AttributeValue } from '../model/attributes';
import type { Dn } from '../model/dn';
import type { DirectoryPartition, DirectorySource } from '../ports/directory-source';
import type { EntraObject, EntraTarget, TenantInfo } from '../ports/entra-target';
import type { RuleSet } from '../rules';
import type { ObjectState, StateLock, StateStore } from '../spaces/state-store';
import type { SyncError } from '../errors';
import type { ModifiedProperty, SyncEvent, TenantProvisioningError } from '../summary/types';
import type { ExportIdentity, Quarantine } from './matching';
import type { Clock } from './clock';

export interface SyncDependencies {
  config: SingleObjectSyncConfig;
  ruleSet: RuleSet;
  /** Opens (once per session) the directory of a connector. May throw SyncError (secret, TLS, bind). */
  directory(connector: ActiveDirectoryConnectorConfig): Promise<DirectorySource>;
  /** Opens (once per session) the tenant. May throw SyncError (secret, certificate). */
  entra(): Promise<EntraTarget>;
  stateStore: StateStore;
  clock: Clock;
  toolVersion: string;
  /** Who runs the sync, for initiatedBy. */
  initiator?: { id: string; displayName: string };
}

export interface SyncRequest {
  /** Parsed where it entered (CLI argument, input box, tree entry, input file). */
  distinguishedName: Dn;
  stagingMode: boolean;
  onEvent?: (event: SyncEvent) => void;
  signal?: AbortSignal;
}

export type EntraKind = 'user' | 'group' | 'contact' | 'device';

/** How the target object was found in step 8. */
/** restore: a soft-deleted user holds the source anchor; Microsoft Entra ID restores it. */
export type MatchKind = 'hard' | 'soft' | 'restore' | 'none';

/** Facts gathered by the steps, read by later steps and by the summary. */
export interface SyncFacts {
  dn: Dn;
  connector?: ActiveDirectoryConnectorConfig;
  partition?: PartitionConfig;
  directoryPartition?: DirectoryPartition;
  directory?: DirectorySource;
  entra?: EntraTarget;
  tenant?: TenantInfo;
  adAttributes?: Attributes;
  objectClass?: string;
  objectGuid?: string;
  kind?: EntraKind;
  sourceAnchor?: string;
  lock?: StateLock;
  stored?: ObjectState;
  next?: ObjectState;
  target?: EntraObject;
  match?: MatchKind;
  /** The soft-deleted user Microsoft Entra ID restores on export (facts.target is that user). */
  restoring?: { id: string; deletedDateTime?: string };
  /** The UPN and SMTP addresses the rules export (what Entra ID matches on). */
  exportIdentity?: ExportIdentity;
  /** The tenant object is synchronized by Entra Connect (onPremisesSyncEnabled): never written here. */
  alreadySynced?: boolean;
  /** A conflict Microsoft Entra ID would report at export (step 10 reports it; nothing is written). */
  predictedExportError?: SyncError;
  /** Values another object holds, quarantined by duplicate attribute resiliency. */
  quarantine?: Quarantine[];
  /** The tenant's own record of provisioning errors on the matched object. */
  tenantProvisioningErrors?: TenantProvisioningError[];
  /** The Entra connector space as imported (AAD connector attribute names). */
  entraImported?: Attributes;
  /** The pending export: attribute -> new values (null = delete). */
  pendingExport?: Record<string, AttributeValue[] | null>;
  /** The full desired Entra connector space object (for creates). */
  desired?: Record<string, AttributeValue[] | null>;
  /** Per-attribute explanations for the export rows (UPN suffix replaced, ...). */
  exportNotes?: Record<string, string>;
  /** Outbound lineage per AAD connector attribute. */
  outboundLineage?: Record<string, { syncRule?: string; mappingType?: 'Direct' | 'Constant' | 'Expression'; dataSource?: string }>;
  /** Member DNs to add/remove and the Entra ids they resolve to (groups). */
  membership?: { add: string[]; remove: string[]; desiredIds: string[]; unresolved: string[] };
  provisioningAction?: 'create' | 'update' | 'other';
  /** Step 10 wrote the object itself (create or update) before anything else could fail. */
  objectWritten?: boolean;
  /** Step 10 wrote anything to Microsoft Entra ID (the object or its membership). */
  exported?: boolean;
  /** Step 10 computed this action but did not perform it (staging mode, an object Entra Connect owns). */
  notPerformed?: boolean;
  modified?: ModifiedProperty[];
  targetDisplayName?: string;
  /** Why the object did not reach export although every step succeeded (cloudFiltered, ...). */
  notProvisionedReason?: string;
}
