// The sync result: Graph's provisioningObjectSummary (ARCHITECTURE section 4), with the
// richer per-step data (attribute rows, Graph calls, out-of-scope rules) that the HTML
// report and the VS Code panel render. Enum values use Graph's lower camel case.

export type ProvisioningResult = 'success' | 'warning' | 'failure' | 'skipped';
export type ProvisioningStepType = 'import' | 'scoping' | 'matching' | 'processing' | 'referenceResolution' | 'export';
export type ProvisioningAction = 'create' | 'update' | 'delete' | 'stagedDelete' | 'disable' | 'other';
export type ErrorCategory = 'failure' | 'nonServiceFailure' | 'success';

export interface ProvisioningErrorInfo {
  errorCode: string;
  reason: string;
  additionalDetails: string | null;
  errorCategory: ErrorCategory;
  recommendedAction: string | null;
  /** Extension: documentation link for the error code. */
  documentationUrl?: string;
  /** Extension: the Microsoft Entra objects that already hold a value this object needs (uniqueness conflicts). */
  conflictingObjects?: ConflictingObject[];
}

/** An object in Microsoft Entra ID holding a value that must be unique (userPrincipalName, proxyAddresses). */
export interface ConflictingObject {
  kind: 'user' | 'group' | 'contact';
  /** Its Microsoft Entra object id. */
  id: string;
  displayName?: string;
  userPrincipalName?: string;
  /** Its on-premises distinguished name, when Entra Connect synced it (onPremisesDistinguishedName). */
  onPremisesDistinguishedName?: string;
  /** The attribute whose value clashes, and the value. */
  attribute: string;
  value?: string;
}

export interface ProvisioningStatusInfo {
  status: ProvisioningResult;
  /**
   * null on success, as in Graph. Set for a warning or a failure, and for skipped (why the
   * object is out of sync scope).
   */
  errorInformation: ProvisioningErrorInfo | null;
}

/** Operation on one attribute in a step (import: against the stored connector space object). */
export type AttributeOperation = 'add' | 'update' | 'delete' | 'none';
export type MappingType = 'Direct' | 'Constant' | 'Expression';

/** Prefix of a step's details keys that repeat its attribute info rows ("Attribute:displayName"),
 * so consumers of the plain Graph shape (details is string to string) see them too. */
export const ATTRIBUTE_DETAIL_PREFIX = 'Attribute:';

/** One row of a step's Attribute Info table (Import, Sync, Export steps). */
export interface AttributeRow {
  name: string;
  isMultiValued: boolean;
  /** Attribute syntax: String, Binary, Boolean, Integer, Reference, DateTime. */
  type: string;
  /** Values after the step, rendered as text (binary as base64). */
  value: string[];
  valueAdd: string[];
  valueDelete: string[];
  operation: AttributeOperation;
  /** Sync and Export steps: the rule whose flow won by precedence. */
  syncRule?: string;
  mappingType?: MappingType;
  /** Source attribute(s) of a Direct flow, or the expression text. */
  dataSource?: string;
  /** Export step: false when Microsoft Graph cannot write this attribute. */
  exportable?: boolean;
  /** Export step, when exportable is false: why (noGraphProperty: kept inside the sync service only). */
  notExportableKind?: NotExportableKind;
  /** Why a value is as it is (for example: not exportable through Microsoft Graph; MOERA used). */
  note?: string;
}

/** A Graph request made during the sync, for the report's troubleshooting tab. */
export interface GraphRequestRecord {
  method: string;
  path: string;
  status: number;
  durationInMilliseconds: number;
  requestId?: string;
  clientRequestId?: string;
  retryAfterSeconds?: number;
  /** An inner request of a JSON batch ($batch): Graph counted and throttled it on its own. */
  inBatch?: boolean;
}

/** One scope clause of a rule that did not hold. */
export interface FailedScopeClause {
  attribute: string;
  operator: string;
  value: string;
  /** The value the object actually had (text), or null when absent. */
  actual: string | null;
}

/** A rule that did not apply, and why (disabled, or the clause that failed in each scope group). */
export interface OutOfScopeRule {
  ruleName: string;
  direction: 'inbound' | 'outbound';
  disabled: boolean;
  failedClauses: FailedScopeClause[];
}

export interface ProvisioningStep {
  /** The step's name as ARCHITECTURE section 3 gives it, verbatim. */
  name: string;
  description: string;
  /** String-to-string map, as Graph's detailsInfo. */
  details: Record<string, string>;
  provisioningStepType: ProvisioningStepType;
  status: ProvisioningResult;
  /** Extensions used by the report and panel. */
  stepNumber: number;
  startDateTime: string;
  durationInMilliseconds: number;
  attributes?: AttributeRow[];
  graphRequests?: GraphRequestRecord[];
  outOfScopeRules?: OutOfScopeRule[];
  errorInformation?: ProvisioningErrorInfo;
}

/** Why Microsoft Graph cannot write a connector attribute (the EntraTarget port's kinds). */
export type NotExportableKind = 'readOnlyInGraph' | 'noGraphProperty' | 'notExportedByTool' | 'notClearable' | 'invalidValue' | 'readOnlyObject';
/** Why a change is not applied: a Graph limit, or the object belongs to Entra Connect. */
export type NotAppliedKind = NotExportableKind | 'ownedByEntraConnect';

export interface ModifiedProperty {
  displayName: string;
  /** Text of the old value; null where there was none. Multi-valued: the values joined by newlines. */
  oldValue: string | null;
  newValue: string | null;
  /**
   * Extension: true when the export applies this change through Microsoft Graph (in staging
   * mode: would apply it; see the summary's `exported`). False: listed, not applied.
   */
  applied: boolean;
  /** Extension, when applied is false: why not, as a kind and as text. */
  notAppliedKind?: NotAppliedKind;
  notAppliedReason?: string;
  /**
   * Extension, when applied is false: true for attributes that exist only inside the sync
   * service (no Microsoft Graph property): information, not a reason for a warning.
   */
  informational?: boolean;
}

export interface ProvisionedIdentity {
  id: string;
  displayName: string;
  identityType: string;
  details: Record<string, string>;
}

export interface ProvisioningSystem {
  id: string;
  displayName: string;
  details: Record<string, string>;
}

export interface ProvisioningObjectSummary {
  id: string;
  activityDateTime: string;
  changeId: string;
  cycleId: string;
  durationInMilliseconds: number;
  initiatedBy: { id: string; displayName: string; initiatorType: 'user' | 'application' | 'system' };
  jobId: string;
  modifiedProperties: ModifiedProperty[];
  provisioningAction: ProvisioningAction;
  provisioningStatusInfo: ProvisioningStatusInfo;
  provisioningSteps: ProvisioningStep[];
  servicePrincipal: { id: string; displayName: string };
  /** details: distinguishedName, objectGUID, sourceAnchor, connector, partition. */
  sourceIdentity: ProvisionedIdentity;
  sourceSystem: ProvisioningSystem;
  /** details: userPrincipalName, onPremisesImmutableId. */
  targetIdentity: ProvisionedIdentity;
  /** details: tenantId, stagingMode ("True"/"False"), graphEndpoint. */
  targetSystem: ProvisioningSystem;
  tenantId: string;
  /**
   * Extension: true when the run was a preview (-StagingMode): nothing is exported, and
   * provisioningAction is then `other`; plannedProvisioningAction says what the export would do.
   */
  stagingMode: boolean;
  /** Extension: true when this run wrote to Microsoft Entra ID (the object or its membership). */
  exported: boolean;
  /**
   * Extension: the action the export computed (create, update), whether or not this run
   * performed it (staging mode, an object Entra Connect owns); `other` when there is nothing to do.
   */
  plannedProvisioningAction: ProvisioningAction;
  /**
   * Our extension: the provisioning errors Microsoft Entra ID itself recorded on the matched
   * object (Graph onPremisesProvisioningErrors and serviceProvisioningErrors); empty when none.
   */
  tenantProvisioningErrors: TenantProvisioningError[];
}

/** One entry of the tenant's own record of provisioning problems on an object. */
export interface TenantProvisioningError {
  /** onPremisesProvisioningErrors (directory sync, e.g. PropertyConflict) or serviceProvisioningErrors (a workload such as Exchange). */
  source: 'onPremisesProvisioningErrors' | 'serviceProvisioningErrors';
  /** category (PropertyConflict, ...) or the service instance. */
  category: string;
  propertyCausingError?: string;
  value?: string;
  occurredDateTime?: string;
  isResolved?: boolean;
}

/** Pipeline events, for progress bars and live panels. */
export type SyncEvent =
  | { type: 'stepStarted'; stepNumber: number; name: string; startDateTime: string }
  | { type: 'stepFinished'; step: ProvisioningStep }
  | { type: 'finished'; summary: ProvisioningObjectSummary };
