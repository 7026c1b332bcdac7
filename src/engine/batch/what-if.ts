// What a configuration change would do, object by object: the same scope staged under the
// current and under the proposed configuration, then compared. An object that leaves the sync
// scope is DELETED from Microsoft Entra ID by Entra Connect (its connector space object is
// disconnected and the deletion exported), which is why the deletes are counted against the
// export deletion threshold (500 by default).
import { plannedAction } from './tally';
import type { ProvisioningObjectSummary } from '../summary/types';
import type { DeletionPrevention } from '../ports/entra-target';

/** Entra Connect's default export deletion threshold (Enable-ADSyncExportDeletionThreshold). */
export const DEFAULT_DELETION_THRESHOLD = 500;

/** The threshold a what-if checks, and where it comes from. */
export interface DeletionThreshold {
  threshold: number;
  /** The export is not stopped for deletes (Disable-ADSyncExportDeletionThreshold). */
  disabled?: true;
  source: string;
  /** What else was found and not used (a disagreeing setting, a percentage), in a sentence. */
  note?: string;
}

const SERVER = 'the server configuration';
const TENANT = "the tenant's accidental deletion prevention";

/** The threshold a server-configuration export carries in its global settings, if any. */
function serverThreshold(settings: Readonly<Record<string, string>>): DeletionThreshold | undefined {
  const enabled = settings['Microsoft.OptionalFeature.ExportDeletionThreshold']?.trim().toLowerCase();
  if (enabled === 'false') return { threshold: DEFAULT_DELETION_THRESHOLD, disabled: true, source: `${SERVER} (Microsoft.OptionalFeature.ExportDeletionThreshold is False)` };
  const value = settings['Microsoft.OptionalFeature.ExportDeletionThresholdValue']?.trim() ?? '';
  if (/^\d+$/.test(value)) return { threshold: Number(value), source: `${SERVER} (Microsoft.OptionalFeature.ExportDeletionThresholdValue)` };
  return undefined;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function describe(t: DeletionThreshold): string {
  return t.disabled ? 'disabled' : `${t.threshold} objects`;
}

/** Is a the stricter of two thresholds (enabled before disabled, then the lower count)? */
function stricter(a: DeletionThreshold, b: DeletionThreshold): boolean {
  if (a.disabled !== b.disabled) return !a.disabled;
  return a.threshold <= b.threshold;
}

/**
 * The deletion threshold to check: --deletion-threshold when given; else the tenant's accidental
 * deletion prevention, which Enable/Disable-ADSyncExportDeletionThreshold set (they sign in to the
 * tenant), and the server's own, which a server-configuration export carries in its global
 * settings (Microsoft.OptionalFeature.ExportDeletionThreshold and ...ThresholdValue): the one
 * known, or the stricter when both are and they disagree (said in the note); else Entra
 * Connect's default of 500. A percentage (enabledForPercentage) is not a count a what-if can
 * check: it is named in the note and the server's threshold, or the default, is checked.
 */
export function deletionThresholdOf(settings: Readonly<Record<string, string>> = {}, explicit?: number, tenant?: DeletionPrevention): DeletionThreshold {
  if (explicit !== undefined) return { threshold: explicit, source: '--deletion-threshold' };
  const server = serverThreshold(settings);
  const fallback = server ?? { threshold: DEFAULT_DELETION_THRESHOLD, source: "Entra Connect's default" };
  if (!tenant) return fallback;
  if (tenant.mode === 'enabledForPercentage') {
    return {
      ...fallback,
      note: `${capitalized(TENANT)} is ${tenant.alertThreshold} percent of the synchronized objects (enabledForPercentage), which a what-if cannot turn into a number of objects: ${fallback.source}, ${describe(fallback)}, is checked instead. Compare the deletes with ${tenant.alertThreshold}% of the objects Entra Connect synchronizes.`,
    };
  }
  const fromTenant: DeletionThreshold = tenant.mode === 'disabled'
    ? { threshold: DEFAULT_DELETION_THRESHOLD, disabled: true, source: `${TENANT} (GET /directory/onPremisesSynchronization: disabled)` }
    : { threshold: tenant.alertThreshold, source: `${TENANT} (GET /directory/onPremisesSynchronization: enabledForCount)` };
  if (!server || (server.disabled === fromTenant.disabled && (server.disabled || server.threshold === fromTenant.threshold))) return fromTenant;
  const [checked, other] = stricter(fromTenant, server) ? [fromTenant, server] : [server, fromTenant];
  return {
    ...checked,
    note: `${capitalized(TENANT)} says ${describe(fromTenant)} and ${server.source} says ${describe(server)}: they disagree, so the stricter, ${describe(checked)}, is checked. Get-ADSyncExportDeletionThreshold on the Entra Connect server shows the one it enforces; with ${describe(other)} the verdict may differ.`,
  };
}

export type ScopeState = 'in' | 'out' | 'error';

export type WhatIfOutcome =
  | 'create' // newly in scope, no cloud object: Entra Connect creates one
  | 'join' // newly in scope, matches an existing cloud object: joined and then updated
  | 'delete' // leaves scope and its cloud object exists: Entra Connect deletes it
  | 'no-longer-created' // leaves scope, no cloud object yet: it would simply not be created
  | 'attribute-changes' // in scope under both: different values exported
  | 'unchanged'
  | 'undetermined'; // one of the runs failed before it could decide

export interface AttributeDifference {
  attribute: string;
  current: string | null;
  proposed: string | null;
  /**
   * The proposed Microsoft Entra connector does not select the attribute: Entra Connect stops
   * exporting it and leaves the cloud value as it is (proposed is then null, and not a removal).
   */
  noLongerSynchronized?: true;
}

export interface WhatIfEntry {
  dn: string;
  displayName: string;
  outcome: WhatIfOutcome;
  current: { scope: ScopeState; status: string; action: string; errorCode?: string; reason?: string };
  proposed: { scope: ScopeState; status: string; action: string; errorCode?: string; reason?: string };
  /** The cloud object concerned (deletes, joins), when known. */
  cloudObject?: { id: string; userPrincipalName?: string };
  changes: AttributeDifference[];
  /** One sentence for people. */
  explanation: string;
}

/** In scope: every scoping step passed and the Export step was reached (skipped only for staging mode). */
export function scopeState(summary: ProvisioningObjectSummary): ScopeState {
  const exportStep = summary.provisioningSteps.find((s) => s.stepNumber === 10);
  if (exportStep?.details.SkipReason === 'StagingMode') return 'in';
  if (summary.provisioningStatusInfo.status === 'failure') return 'error';
  return 'out';
}

function side(summary: ProvisioningObjectSummary): WhatIfEntry['current'] {
  const info = summary.provisioningStatusInfo.errorInformation;
  return {
    scope: scopeState(summary),
    status: summary.provisioningStatusInfo.status,
    action: plannedAction(summary),
    ...(info ? { errorCode: info.errorCode, reason: info.reason } : {}),
  };
}

/** The values exported (Export step rows), one text per attribute. */
/** The attributes step 9 names as flowed but not selected by the Microsoft Entra connector (NotSelectedInEntraConnector). */
function notSelectedInEntraConnector(summary: ProvisioningObjectSummary): Set<string> {
  const text = summary.provisioningSteps.find((s) => s.stepNumber === 9)?.details?.NotSelectedInEntraConnector ?? '';
  return new Set([...text.matchAll(/(?:^|; )([^\s;(]+) \(from "/g)].map((m) => m[1]!));
}

function exportedValues(summary: ProvisioningObjectSummary): Map<string, string> {
  const rows = summary.provisioningSteps.find((s) => s.stepNumber === 10)?.attributes ?? [];
  return new Map(rows.map((r) => [r.name, r.value.join('\n')]));
}

/**
 * Object kinds whose cloud object this tool can look up in Microsoft Graph: users and groups by
 * anchor, SID or its own export; contacts by their primary SMTP address, which "In from AD -
 * Contact Join" joins on and the contact Entra Connect created carries.
 */
const FINDABLE_KINDS = new Set(['user', 'group', 'contact']);

/**
 * What step 8 of a run found in Microsoft Entra ID for the object:
 * - joined: the object Entra Connect synchronizes (onPremisesSyncEnabled), or the one this tool's
 *   own earlier export joined (its Microsoft Entra connector space says cloudMastered False).
 *   Filtered, Entra Connect deletes it.
 * - candidate: a cloud-managed object it would soft-match, or take over by hard match (its
 *   onPremisesImmutableId is the object's anchor, and nothing synchronizes it yet): filtering it
 *   deletes nothing, the match just never happens. Microsoft, "Configure filtering": "Microsoft
 *   Entra Connect only deletes objects that it has once considered to be in scope", and "If the
 *   system hasn't provisioned the object in Microsoft Entra ID in the past, but it gets the
 *   Microsoft Entra object during an import step, it correctly assumes that this object was
 *   created in Microsoft Entra ID by some other system. Microsoft Entra Connect doesn't clean up
 *   these types of Microsoft Entra objects".
 * - none: nothing found, for a kind that can be looked up.
 * - unknown: a kind Microsoft Graph gives no anchor to find by (devices), nothing found.
 */
function cloudStateOf(summary: ProvisioningObjectSummary): 'joined' | 'candidate' | 'none' | 'unknown' {
  // A planned create matched nothing (the id of an exported one is the object it created).
  if (summary.targetIdentity.id && plannedAction(summary) !== 'create') {
    if (summary.targetIdentity.details.match === 'soft') return 'candidate';
    return synchronizedOnPremises(summary) ? 'joined' : 'candidate';
  }
  return FINDABLE_KINDS.has(summary.targetIdentity.identityType) ? 'none' : 'unknown';
}

/**
 * Is the cloud object step 8 joined mastered on premises? Synchronized by Entra Connect (step 8
 * says OnPremisesSyncEnabled True), or not cloud-managed in the Microsoft Entra connector space
 * step 8 imported (cloudMastered False: this tool's own earlier export). A hard match on
 * onPremisesImmutableId to a cloud-managed object (cloudMastered True) is a takeover that has
 * not happened: not synchronized.
 */
function synchronizedOnPremises(summary: ProvisioningObjectSummary): boolean {
  const step = summary.provisioningSteps.find((s) => s.stepNumber === 8);
  if (step?.details.OnPremisesSyncEnabled === 'True') return true;
  const cloudMastered = step?.attributes?.find((r) => r.name === 'cloudMastered')?.value[0];
  return String(cloudMastered ?? '').toLowerCase() !== 'true';
}

function cloudObjectOf(summary: ProvisioningObjectSummary): WhatIfEntry['cloudObject'] | undefined {
  const id = summary.targetIdentity.id;
  if (!id) return undefined;
  const upn = summary.targetIdentity.details.userPrincipalName;
  return { id, ...(upn ? { userPrincipalName: upn } : {}) };
}

export function compareRuns(dn: string, current: ProvisioningObjectSummary, proposed: ProvisioningObjectSummary): WhatIfEntry {
  const a = side(current);
  const b = side(proposed);
  const displayName = proposed.sourceIdentity.displayName || current.sourceIdentity.displayName || dn;
  const base = { dn, displayName, current: a, proposed: b, changes: [] as AttributeDifference[] };
  const why = (s: WhatIfEntry['current']) => (s.errorCode ? `${s.errorCode}: ${s.reason ?? ''}` : s.status);
  if (a.scope === 'error' || b.scope === 'error') {
    return { ...base, outcome: 'undetermined', explanation: `Could not be evaluated: ${a.scope === 'error' ? `current configuration ${why(a)}` : `proposed configuration ${why(b)}`}.` };
  }
  if (a.scope === 'out' && b.scope === 'in' && proposed.targetIdentity.details.match === 'restore') {
    // how-to-connect-sync-recycle-bin: the soft-deleted user holding the anchor is restored.
    const cloud = cloudObjectOf(proposed);
    return {
      ...base, outcome: 'join', ...(cloud ? { cloudObject: cloud } : {}),
      explanation: `Newly in sync scope: a soft-deleted user (${cloud?.userPrincipalName || cloud?.id || ''}) holds its source anchor, so Microsoft Entra ID restores that user (the same object id) instead of creating one, and updates it.`,
    };
  }
  if (a.scope === 'out' && b.scope === 'in') {
    // A cloud object found: joined (hard or soft match), whatever the export would change.
    const existing = cloudStateOf(proposed) === 'joined' || cloudStateOf(proposed) === 'candidate';
    const cloud = existing ? cloudObjectOf(proposed) : undefined;
    return {
      ...base,
      outcome: existing ? 'join' : 'create',
      ...(cloud ? { cloudObject: cloud } : {}),
      explanation: existing
        ? `Newly in sync scope: joins the existing cloud object ${cloud?.userPrincipalName || cloud?.id || ''} and updates it.`
        : 'Newly in sync scope: Entra Connect creates it in Microsoft Entra ID.',
    };
  }
  if (a.scope === 'in' && b.scope === 'out' && current.targetIdentity.details.match === 'restore') {
    const cloud = cloudObjectOf(current);
    return {
      ...base, outcome: 'no-longer-created', ...(cloud ? { cloudObject: cloud } : {}),
      explanation: `Leaves sync scope (${why(b)}): the soft-deleted user ${cloud?.userPrincipalName || cloud?.id || ''} holding its source anchor is not restored; it stays deleted, and Microsoft Entra ID deletes it for good 30 days after its deletion.`,
    };
  }
  if (a.scope === 'in' && b.scope === 'out') {
    const state = cloudStateOf(current);
    const cloud = state === 'joined' || state === 'candidate' ? cloudObjectOf(current) : undefined;
    const named = cloud?.userPrincipalName || cloud?.id || '';
    const outcome: WhatIfOutcome = state === 'joined' ? 'delete' : state === 'unknown' ? 'undetermined' : 'no-longer-created';
    const explanation = {
      joined: `Leaves sync scope (${why(b)}): Entra Connect DELETES the cloud object ${named} from Microsoft Entra ID.${current.targetIdentity.identityType === 'user' ? ` A user is kept soft-deleted for 30 days: brought back into scope within them, it is restored.` : ''}`,
      candidate: `Leaves sync scope (${why(b)}): it is not synchronized yet, so nothing is deleted; the cloud object ${named} it would ${current.targetIdentity.details.match === 'soft' ? 'soft-match' : 'take over (hard match on its onPremisesImmutableId; it is cloud-managed)'} stays as it is.`,
      none: `Leaves sync scope (${why(b)}): it has no cloud object yet, so it is simply no longer created.`,
      unknown: `Leaves sync scope (${why(b)}): if Entra Connect synchronizes it, it DELETES its cloud ${current.targetIdentity.identityType || 'object'}; Microsoft Graph gives this kind no anchor to find it by, so whether one exists is not known. Count it as a possible delete.`,
    }[state];
    return { ...base, outcome, ...(cloud ? { cloudObject: cloud } : {}), explanation };
  }
  if (a.scope === 'out' && b.scope === 'out') return { ...base, outcome: 'unchanged', explanation: 'Out of sync scope under both configurations.' };
  const before = exportedValues(current);
  const after = exportedValues(proposed);
  const names = [...new Set([...before.keys(), ...after.keys()])].sort((x, y) => x.localeCompare(y));
  const deselected = notSelectedInEntraConnector(proposed);
  const changes: AttributeDifference[] = names
    .filter((n) => (before.get(n) ?? null) !== (after.get(n) ?? null))
    .map((n) => ({ attribute: n, current: before.get(n) ?? null, proposed: after.get(n) ?? null, ...(!after.has(n) && deselected.has(n) ? { noLongerSynchronized: true as const } : {}) }));
  if (changes.length === 0) return { ...base, outcome: 'unchanged', explanation: 'In sync scope under both configurations; the same values are exported.' };
  const released = changes.filter((c) => c.noLongerSynchronized).map((c) => c.attribute);
  const explanation = `In sync scope under both; ${changes.length} exported attribute(s) change: ${changes.map((c) => c.attribute).join(', ')}.`
    + (released.length ? ` No longer synchronized (the proposed Microsoft Entra connector does not select them; Entra Connect leaves their cloud values as they are): ${released.join(', ')}.` : '');
  return { ...base, changes, outcome: 'attribute-changes', explanation };
}

export interface WhatIfTotals {
  objects: number;
  byOutcome: Record<WhatIfOutcome, number>;
  deletes: number;
  threshold: number;
  /** More deletes than the threshold: Entra Connect stops the export. */
  exceedsThreshold: boolean;
  /**
   * Not exceeded by the deletes known, but it would be if the undetermined objects (each a
   * possible delete) were deletes: the count is a lower bound, and the verdict says so.
   */
  mayExceedThreshold: boolean;
  /** The server does not stop an export for deletes: nothing is exceeded, every delete is exported. */
  thresholdDisabled?: true;
  /** Where the threshold comes from (deletionThresholdOf), and what else was found. */
  thresholdSource?: string;
  thresholdNote?: string;
}

/** The outcomes counted, and the deletes against the threshold checked (deletionThresholdOf's, or a bare count). */
export function whatIfTotals(entries: readonly WhatIfEntry[], checked: Pick<DeletionThreshold, 'threshold' | 'disabled'> & Partial<Pick<DeletionThreshold, 'source' | 'note'>> = { threshold: DEFAULT_DELETION_THRESHOLD }): WhatIfTotals {
  const { threshold } = checked;
  const disabled = checked.disabled === true;
  const byOutcome: Record<WhatIfOutcome, number> = { create: 0, join: 0, delete: 0, 'no-longer-created': 0, 'attribute-changes': 0, unchanged: 0, undetermined: 0 };
  for (const e of entries) byOutcome[e.outcome]++;
  // The documented behaviour: the export stops when the deletions in one run exceed the threshold.
  const exceedsThreshold = !disabled && byOutcome.delete > threshold;
  return {
    objects: entries.length, byOutcome, deletes: byOutcome.delete, threshold, exceedsThreshold,
    mayExceedThreshold: !disabled && !exceedsThreshold && byOutcome.delete + byOutcome.undetermined > threshold,
    ...(disabled ? { thresholdDisabled: true as const } : {}),
    ...(checked.source ? { thresholdSource: checked.source } : {}),
    ...(checked.note ? { thresholdNote: checked.note } : {}),
  };
}

/**
 * The deletion threshold's verdict in words, when not exceeded: objects that could not be
 * evaluated may each be a delete, so with any of them the count is a lower bound.
 */
export function deletionVerdict(t: WhatIfTotals): string {
  if (t.thresholdDisabled) {
    const where = t.thresholdSource ? `by ${t.thresholdSource}` : 'on the server (Microsoft.OptionalFeature.ExportDeletionThreshold is False)';
    return `Deletion threshold: disabled ${where}, so Entra Connect would export all ${t.deletes} delete(s) without stopping${t.byOutcome.undetermined ? `, and up to ${t.byOutcome.undetermined} more among the undetermined objects` : ''}. Check every object listed as DELETE.`;
  }
  const within = `Entra Connect's export deletion threshold of ${t.threshold} (Enable-ADSyncExportDeletionThreshold)`;
  const undetermined = t.byOutcome.undetermined;
  // The threshold counts the deletes of one export run, not of this scope: "the number of deletes seen within 30 minutes".
  const margin = ` Entra Connect counts every delete of one export run, objects outside this scope and objects deleted in Active Directory too: ${Math.max(1, t.threshold - t.deletes - undetermined + 1)} more would stop it.`;
  if (undetermined === 0) return `Deletion threshold: ${t.deletes} delete(s), within ${within}; the export would not be stopped.${margin}`;
  const known = `Deletion threshold: ${t.deletes} delete(s) known, and ${undetermined} object(s) undetermined, each a possible delete`;
  return t.mayExceedThreshold
    ? `${known}: up to ${t.deletes + undetermined} deletes, which would exceed ${within} and stop the export. Resolve the undetermined objects (listed with their reasons) before you rely on this verdict.`
    : `${known}: within ${within} even if every one were a delete; the export would not be stopped.${margin}`;
}
