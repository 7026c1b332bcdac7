// The what-if's verdicts checked against Microsoft's documentation, in cases the fixtures lack.
// Each test quotes the line it follows (MicrosoftDocs/entra-docs, docs/identity/hybrid/connect/):
// - FILTERING = how-to-connect-sync-configure-filtering.md
// - DELETES = how-to-connect-sync-feature-prevent-accidental-deletes.md
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareRuns, deletionThresholdOf, deletionVerdict, whatIfTotals, type WhatIfEntry } from '../../../src/engine/batch/what-if';
import type { AttributeRow, ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { outOfScopeCloudFiltered, outOfScopeOu, updateSuccess } from '../../fixtures/summaries/build';

/** A staging result in scope (the Export step skipped for staging mode) with the given exported values. */
function staged(values: Record<string, string> = {}): ProvisioningObjectSummary {
  const copy = structuredClone(updateSuccess());
  const step = copy.provisioningSteps.find((s) => s.stepNumber === 10)!;
  step.status = 'skipped';
  step.details = { SkipReason: 'StagingMode' };
  step.attributes = Object.entries(values).map(([name, v]) => ({ name, isMultiValued: false, type: 'String', value: [v], valueAdd: [], valueDelete: [], operation: 'none' }));
  copy.provisioningStatusInfo = { status: 'success', errorInformation: null };
  return copy;
}

const row = (name: string, value: string): AttributeRow => ({ name, isMultiValued: false, type: 'Boolean', value: [value], valueAdd: [], valueDelete: [], operation: 'none' });

/**
 * What step 8 found, as it reports it: the cloud object hard-matched, with the Microsoft Entra
 * connector space's cloudMastered (True for a cloud-managed object, False for the one this tool
 * exported) and, for an object Entra Connect synchronizes, OnPremisesSyncEnabled True.
 */
function matched(summary: ProvisioningObjectSummary, cloud: 'synchronized' | 'own-export' | 'cloud-managed', kind = 'user'): ProvisioningObjectSummary {
  const copy = structuredClone(summary);
  copy.targetIdentity = { ...copy.targetIdentity, id: 'cloud-1', identityType: kind, details: { ...copy.targetIdentity.details, match: 'hard' } };
  const step = copy.provisioningSteps.find((s) => s.stepNumber === 8)!;
  step.details = { ...step.details, ...(cloud === 'synchronized' ? { OnPremisesSyncEnabled: 'True' } : {}) };
  step.attributes = [row('cloudMastered', cloud === 'cloud-managed' ? 'true' : 'false')];
  return copy;
}

/** Out of scope as the engine reports a scoping step's verdict: skipped, with the step's reason. */
function outOfScope(): ProvisioningObjectSummary {
  const copy = outOfScopeOu();
  copy.provisioningStatusInfo = { ...copy.provisioningStatusInfo, status: 'skipped' };
  return copy;
}

const deletes = (n: number): WhatIfEntry[] => Array.from({ length: n }, (_, i) => compareRuns(`CN=u${i}`, matched(staged(), 'synchronized'), outOfScope()));

// FILTERING: "any objects in Microsoft Entra ID that were previously synchronized but were then
// filtered are deleted in Microsoft Entra ID."
test('an object Entra Connect synchronizes (onPremisesSyncEnabled) that leaves scope is a DELETE, users, groups and contacts alike', () => {
  for (const kind of ['user', 'group', 'contact']) {
    const entry = compareRuns('CN=x', matched(staged(), 'synchronized', kind), outOfScope());
    assert.equal(entry.outcome, 'delete', `${kind}: ${entry.explanation}`);
    assert.equal(entry.cloudObject?.id, 'cloud-1');
  }
  // The object this tool's own export created (its connector space holds it: cloudMastered False).
  assert.equal(compareRuns('CN=x', matched(staged(), 'own-export'), outOfScope()).outcome, 'delete');
});

// FILTERING: "Microsoft Entra Connect only deletes objects that it has once considered to be in
// scope." and "If the system hasn't provisioned the object in Microsoft Entra ID in the past, but it
// gets the Microsoft Entra object during an import step, it correctly assumes that this object was
// created in Microsoft Entra ID by some other system. Microsoft Entra Connect doesn't clean up
// these types of Microsoft Entra objects, even when the metaverse attribute cloudFiltered is set
// to True."
test('a cloud-managed object the object would take over by hard match (not synchronized yet) is not deleted when the object leaves scope, and is not counted', () => {
  const entry = compareRuns('CN=x', matched(staged(), 'cloud-managed'), outOfScope());
  assert.equal(entry.outcome, 'no-longer-created', entry.explanation);
  assert.match(entry.explanation, /not synchronized yet, so nothing is deleted; the cloud object .* it would take over \(hard match on its onPremisesImmutableId; it is cloud-managed\) stays as it is/);
  assert.equal(whatIfTotals([entry]).deletes, 0);
  // Filtered by attribute (cloudFiltered True: no outbound rule in scope) instead: the same.
  const filtered = compareRuns('CN=x', matched(staged(), 'cloud-managed'), outOfScopeCloudFiltered());
  assert.equal(filtered.outcome, 'no-longer-created', filtered.explanation);
  // Newly in scope, the same cloud object is joined (taken over), not a create.
  assert.equal(compareRuns('CN=x', outOfScope(), matched(staged(), 'cloud-managed')).outcome, 'join');
});

// FILTERING (attribute-based, inbound): "If this attribute's value is set to True, then the object
// isn't synchronized." — with "previously synchronized but were then filtered are deleted".
test('a rule change that makes a synchronized object cloudFiltered (no "Out to AAD" rule in scope) is a DELETE', () => {
  const entry = compareRuns('CN=x', matched(staged(), 'synchronized'), outOfScopeCloudFiltered());
  assert.equal(entry.outcome, 'delete', entry.explanation);
  assert.match(entry.explanation, /^Leaves sync scope \(ObjectNotInOutboundScope: .*cloudFiltered is True.*\): Entra Connect DELETES the cloud object/);
});

test('a precedence change that changes the values exported is an attribute change, not a delete nor a create', () => {
  const entry = compareRuns('CN=x', matched(staged({ department: 'Sales', title: 'Engineer' }), 'synchronized'), matched(staged({ department: 'Sales EMEA', title: 'Engineer' }), 'synchronized'));
  assert.equal(entry.outcome, 'attribute-changes');
  assert.deepEqual(entry.changes, [{ attribute: 'department', current: 'Sales', proposed: 'Sales EMEA' }]);
  assert.equal(whatIfTotals([entry]).deletes, 0);
});

// DELETES: "prevent accidental deletes is enabled by default and configured to not allow an export
// with more than 500 deletes." and the alert: "There were more objects to be deleted than the
// configured threshold." (An older email said "This met or exceeded the configured deletion
// threshold value"; the current page and the alert say "more than".)
test('500 deletes are allowed by the default threshold; 501 stop the export', () => {
  const at = whatIfTotals(deletes(500), deletionThresholdOf({}));
  assert.equal(at.threshold, 500);
  assert.equal(at.exceedsThreshold, false);
  assert.equal(at.mayExceedThreshold, false);
  assert.match(deletionVerdict(at), /^Deletion threshold: 500 delete\(s\), within Entra Connect's export deletion threshold of 500 .*the export would not be stopped\. .*objects deleted in Active Directory too: 1 more would stop it\.$/);
  assert.equal(whatIfTotals(deletes(501), deletionThresholdOf({})).exceedsThreshold, true);
});

// DELETES: "The default value of 500 objects can be changed with PowerShell using
// Enable-ADSyncExportDeletionThreshold" (which sets the tenant's accidental deletion prevention).
test("a tenant's own threshold is the one checked: at it, not exceeded; above it, exceeded", () => {
  const tenant = deletionThresholdOf({}, undefined, { mode: 'enabledForCount', alertThreshold: 3 });
  assert.equal(tenant.threshold, 3);
  assert.equal(whatIfTotals(deletes(3), tenant).exceedsThreshold, false);
  assert.equal(whatIfTotals(deletes(4), tenant).exceedsThreshold, true);
});

// DELETES: "To temporarily disable this protection and let all the deletions go through, run the
// PowerShell cmdlet: Disable-ADSyncExportDeletionThreshold".
test('a disabled threshold stops nothing: every delete is exported, and the verdict says to check each', () => {
  const off = deletionThresholdOf({}, undefined, { mode: 'disabled', alertThreshold: 0 });
  const totals = whatIfTotals(deletes(2000), off);
  assert.equal(totals.exceedsThreshold, false);
  assert.equal(totals.mayExceedThreshold, false);
  assert.match(deletionVerdict(totals), /^Deletion threshold: disabled by the tenant's accidental deletion prevention .*export all 2000 delete\(s\) without stopping\. Check every object listed as DELETE\.$/);
});

test('objects never synchronized that leave scope are not deletes, so they never trip the threshold', () => {
  const neverSynced = Array.from({ length: 600 }, (_, i) => compareRuns(`CN=n${i}`, matched(staged(), 'cloud-managed'), outOfScope()));
  const totals = whatIfTotals([...neverSynced, ...deletes(1)]);
  assert.equal(totals.deletes, 1);
  assert.equal(totals.byOutcome['no-longer-created'], 600);
  assert.equal(totals.exceedsThreshold, false);
});

// how-to-connect-sync-recycle-bin: "By default, Microsoft Entra ID keeps the deleted Microsoft Entra
// user object in soft-deleted state for 30 days" and "Microsoft Entra ID restores the corresponding
// soft-deleted Microsoft Entra user object" when an object with its source anchor is synchronized.
test('a user newly in scope whose anchor a soft-deleted user holds is restored (a join to that user), not created; a deleted user leaving scope can come back for 30 days', () => {
  const restore = structuredClone(staged());
  restore.targetIdentity = { ...restore.targetIdentity, id: 'deleted-1', identityType: 'user', details: { ...restore.targetIdentity.details, match: 'restore', userPrincipalName: 'pat@contoso.com' } };
  restore.plannedProvisioningAction = 'create';
  const entry = compareRuns('CN=x', outOfScope(), restore);
  assert.equal(entry.outcome, 'join', entry.explanation);
  assert.equal(entry.cloudObject?.id, 'deleted-1');
  assert.match(entry.explanation, /soft-deleted user \(pat@contoso\.com\) holds its source anchor, so Microsoft Entra ID restores that user/);
  // Leaving scope instead: the deleted user is not restored, and nothing is deleted.
  const leaves = compareRuns('CN=x', restore, outOfScope());
  assert.equal(leaves.outcome, 'no-longer-created', leaves.explanation);
  assert.match(leaves.explanation, /soft-deleted user pat@contoso\.com holding its source anchor is not restored; it stays deleted/);
  // Created anew without one.
  const created = structuredClone(staged());
  created.targetIdentity = { ...created.targetIdentity, id: '', identityType: 'user', details: { ...created.targetIdentity.details, match: 'none' } };
  created.plannedProvisioningAction = 'create';
  assert.equal(compareRuns('CN=x', outOfScope(), created).outcome, 'create');

  const user = compareRuns('CN=x', matched(staged(), 'synchronized', 'user'), outOfScope());
  assert.match(user.explanation, /DELETES .* kept soft-deleted for 30 days/);
  const group = compareRuns('CN=x', matched(staged(), 'synchronized', 'group'), outOfScope());
  assert.equal(group.outcome, 'delete');
  assert.doesNotMatch(group.explanation, /soft-deleted/, 'a security group is deleted for good');
});
