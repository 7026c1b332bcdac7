// What-if classification from two staging results, and the deletion threshold.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareRuns, deletionThresholdOf, deletionVerdict, scopeState, whatIfTotals } from '../../../src/engine/batch/what-if';
import { plannedWrite, planWrites } from '../../../src/engine/batch/tally';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { createSuccess, outOfScopeOu, updateSuccess } from '../../fixtures/summaries/build';

/** A staging copy: the Export step skipped for staging mode, with the given exported values. */
function staged(summary: ProvisioningObjectSummary, values: Record<string, string> = {}): ProvisioningObjectSummary {
  const copy = structuredClone(summary);
  const step = copy.provisioningSteps.find((s) => s.stepNumber === 10)!;
  step.status = 'skipped';
  step.details = { SkipReason: 'StagingMode' };
  step.attributes = Object.entries(values).map(([name, v]) => ({ name, isMultiValued: false, type: 'String', value: [v], valueAdd: [], valueDelete: [], operation: 'none' }));
  copy.provisioningStatusInfo = { status: 'success', errorInformation: null };
  return copy;
}

/** Out of scope as the engine reports it: status skipped with the scoping step's reason (the Export step not run). */
function outOfScope(): ProvisioningObjectSummary {
  const copy = outOfScopeOu();
  copy.provisioningStatusInfo = { ...copy.provisioningStatusInfo, status: 'skipped' };
  return copy;
}

test('leaving scope with a cloud object is a delete; without one it is not', () => {
  const inScope = staged(updateSuccess());
  const out = outOfScope();
  assert.equal(scopeState(inScope), 'in');
  assert.equal(scopeState(out), 'out');
  const del = compareRuns('CN=x', inScope, out);
  assert.equal(del.outcome, 'delete');
  assert.match(del.explanation, /DELETES the cloud object/);
  assert.equal(compareRuns('CN=x', staged(createSuccess()), out).outcome, 'no-longer-created');
  assert.equal(compareRuns('CN=x', out, staged(createSuccess())).outcome, 'create');
  assert.equal(compareRuns('CN=x', out, staged(updateSuccess())).outcome, 'join');
  assert.equal(compareRuns('CN=x', out, out).outcome, 'unchanged');
});

/** What step 8 found: the cloud object's match ('hard' joined, 'soft' a candidate), or no id at all. */
function found(summary: ProvisioningObjectSummary, match: 'hard' | 'soft' | undefined, kind = 'user'): ProvisioningObjectSummary {
  const copy = structuredClone(summary);
  copy.targetIdentity = { ...copy.targetIdentity, identityType: kind, ...(match ? {} : { id: '' }), details: { ...copy.targetIdentity.details, ...(match ? { match } : {}) } };
  return copy;
}

test('a synchronized object with nothing to export (Entra Connect keeps it up to date) is still deleted when it leaves scope', () => {
  // The steady state: joined by anchor, no pending change, so the planned action is "other".
  const upToDate = found(staged(updateSuccess()), 'hard');
  upToDate.plannedProvisioningAction = 'other';
  const entry = compareRuns('CN=x', upToDate, outOfScope());
  assert.equal(entry.outcome, 'delete', entry.explanation);
  assert.equal(entry.cloudObject?.id, upToDate.targetIdentity.id);
  assert.equal(whatIfTotals([entry]).deletes, 1);
  // Newly in scope and already matching its cloud object: a join, not a create.
  assert.equal(compareRuns('CN=x', outOfScope(), upToDate).outcome, 'join');
});

test('a cloud-managed object the object would only soft-match is not deleted when the object leaves scope: the soft match never happens', () => {
  const candidate = found(staged(updateSuccess()), 'soft');
  const entry = compareRuns('CN=x', candidate, outOfScope());
  assert.equal(entry.outcome, 'no-longer-created', entry.explanation);
  assert.match(entry.explanation, /not synchronized yet, so nothing is deleted; the cloud object .* it would soft-match stays as it is/);
  assert.equal(whatIfTotals([entry]).deletes, 0);
});

test('a contact is found by its primary SMTP address as step 8 finds it (Contact Join joins on mail): none found, nothing to delete; the synced one found, a delete; a cloud-managed one, a candidate', () => {
  assert.equal(compareRuns('CN=x', found(staged(createSuccess()), undefined, 'contact'), outOfScope()).outcome, 'no-longer-created');
  assert.equal(compareRuns('CN=x', found(staged(updateSuccess()), 'hard', 'contact'), outOfScope()).outcome, 'delete');
  assert.equal(compareRuns('CN=x', found(staged(updateSuccess()), 'soft', 'contact'), outOfScope()).outcome, 'no-longer-created');
});

test('a device (Graph gives devices no anchor to find by) leaving scope is undetermined, a possible delete, and the threshold verdict says the count is a lower bound', () => {
  const device = found(staged(createSuccess()), undefined, 'device');
  const entry = compareRuns('CN=x', device, outOfScope());
  assert.equal(entry.outcome, 'undetermined');
  assert.match(entry.explanation, /DELETES its cloud device; .*whether one exists is not known/);
  const del = compareRuns('CN=y', found(staged(updateSuccess()), 'hard'), outOfScope());
  const totals = whatIfTotals([del, entry, entry], { threshold: 2 });
  assert.equal(totals.exceedsThreshold, false, 'one known delete');
  assert.equal(totals.mayExceedThreshold, true, 'three if both undetermined ones are deletes');
  assert.match(deletionVerdict(totals), /1 delete\(s\) known, and 2 object\(s\) undetermined, each a possible delete: up to 3 deletes, which would exceed .* threshold of 2/);
  const within = whatIfTotals([del, entry], { threshold: 5 });
  assert.equal(within.mayExceedThreshold, false);
  assert.match(deletionVerdict(within), /within .* threshold of 5 .*even if every one were a delete/);
  assert.match(deletionVerdict(whatIfTotals([del], { threshold: 5 })), /^Deletion threshold: 1 delete\(s\), within .*; the export would not be stopped\. Entra Connect counts every delete of one export run, .*: 5 more would stop it\.$/);
  // A user that was never created is not a possible delete.
  assert.equal(compareRuns('CN=z', found(staged(createSuccess()), undefined), outOfScope()).outcome, 'no-longer-created');
});

test('attribute changes list the exported values that differ', () => {
  const a = staged(updateSuccess(), { displayName: 'A', title: 'T' });
  const b = staged(updateSuccess(), { displayName: 'B', title: 'T', department: 'D' });
  const entry = compareRuns('CN=x', a, b);
  assert.equal(entry.outcome, 'attribute-changes');
  assert.deepEqual(entry.changes, [{ attribute: 'department', current: null, proposed: 'D' }, { attribute: 'displayName', current: 'A', proposed: 'B' }]);
  assert.equal(compareRuns('CN=x', a, a).outcome, 'unchanged');
});

test('the threshold trips only above it (Entra Connect default 500)', () => {
  const del = compareRuns('CN=x', staged(updateSuccess()), outOfScope());
  assert.equal(whatIfTotals(Array(500).fill(del)).exceedsThreshold, false);
  assert.equal(whatIfTotals(Array(501).fill(del)).exceedsThreshold, true);
  assert.equal(whatIfTotals([del, del], { threshold: 1 }).exceedsThreshold, true);
});

test('planned writes: creates and changed updates; nothing for out-of-scope', () => {
  assert.equal(plannedWrite(staged(createSuccess())), 'create');
  assert.equal(plannedWrite(outOfScope()), 'none');
});

test('the export plan does not count as its own writes the changes only Entra Connect exports: an object it synchronizes, a soft-deleted user its export restores', () => {
  const synced = staged(updateSuccess());
  synced.provisioningSteps.find((s) => s.stepNumber === 10)!.details.SyncedByEntraConnect = 'True';
  const restored = staged(createSuccess());
  restored.provisioningSteps.find((s) => s.stepNumber === 10)!.details.RestoresDeletedUser = 'deleted-1';
  assert.ok(synced.modifiedProperties.length > 0);
  assert.deepEqual(planWrites([staged(createSuccess()), staged(updateSuccess()), synced, restored, outOfScope()]), { creates: 1, updates: 1, unchanged: 1, forEntraConnect: 2 });
});

test('the threshold checked is --deletion-threshold, else the server\'s own from its configuration export (Enable/Disable-ADSyncExportDeletionThreshold), else 500', () => {
  const sample = { 'Microsoft.OptionalFeature.ExportDeletionThreshold': 'True', 'Microsoft.OptionalFeature.ExportDeletionThresholdValue': '500' };
  assert.deepEqual(deletionThresholdOf({}), { threshold: 500, source: "Entra Connect's default" });
  assert.equal(deletionThresholdOf(sample).threshold, 500);
  assert.equal(deletionThresholdOf({ ...sample, 'Microsoft.OptionalFeature.ExportDeletionThresholdValue': '50' }).threshold, 50);
  assert.equal(deletionThresholdOf({ ...sample, 'Microsoft.OptionalFeature.ExportDeletionThresholdValue': '50' }, 7).threshold, 7, 'the flag wins');
  assert.equal(deletionThresholdOf({ ...sample, 'Microsoft.OptionalFeature.ExportDeletionThresholdValue': 'many' }).threshold, 500, 'not a number: the default');
  const off = deletionThresholdOf({ ...sample, 'Microsoft.OptionalFeature.ExportDeletionThreshold': 'False' });
  assert.equal(off.disabled, true);
  // Disabled on the server: nothing stops the export, and the verdict says every delete goes out.
  const del = compareRuns('CN=x', staged(updateSuccess()), outOfScope());
  const totals = whatIfTotals(Array(600).fill(del), { threshold: off.threshold, disabled: true });
  assert.equal(totals.exceedsThreshold, false);
  assert.equal(totals.mayExceedThreshold, false);
  assert.match(deletionVerdict(totals), /disabled on the server .*Entra Connect would export all 600 delete\(s\) without stopping/);
  assert.equal(whatIfTotals(Array(600).fill(del), { threshold: 500 }).exceedsThreshold, true, 'enabled: 600 exceed 500');
});

// Enable-/Disable-ADSyncExportDeletionThreshold sign in to the tenant and set its accidental
// deletion prevention (Graph onPremisesAccidentalDeletionPrevention); a server-configuration
// export carries the server's own copy. Where both are known and disagree, the stricter is checked.
test("the tenant's accidental deletion prevention: used when read; the stricter when the server's export disagrees; a percentage named, not counted", () => {
  const server = (value: string, enabled = 'True') => ({ 'Microsoft.OptionalFeature.ExportDeletionThreshold': enabled, 'Microsoft.OptionalFeature.ExportDeletionThresholdValue': value });
  const count = (n: number) => ({ mode: 'enabledForCount' as const, alertThreshold: n });
  // The tenant alone (the built-in rules carry no server settings).
  const tenant = deletionThresholdOf({}, undefined, count(200));
  assert.equal(tenant.threshold, 200);
  assert.match(tenant.source, /^the tenant's accidental deletion prevention \(GET \/directory\/onPremisesSynchronization: enabledForCount\)$/);
  assert.equal(tenant.note, undefined);
  const off = deletionThresholdOf({}, undefined, { mode: 'disabled', alertThreshold: 0 });
  assert.equal(off.disabled, true);
  // Both, agreeing: no note.
  assert.equal(deletionThresholdOf(server('200'), undefined, count(200)).note, undefined);
  // Both, disagreeing: the lower count, and both named.
  const lower = deletionThresholdOf(server('50'), undefined, count(200));
  assert.equal(lower.threshold, 50);
  assert.match(lower.source, /^the server configuration/);
  assert.match(lower.note!, /200 objects .* 50 objects: they disagree, so the stricter, 50 objects, is checked\. Get-ADSyncExportDeletionThreshold/);
  assert.equal(deletionThresholdOf(server('900'), undefined, count(200)).threshold, 200);
  // Enabled beats disabled, whichever side disables it.
  const enabledTenant = deletionThresholdOf(server('500', 'False'), undefined, count(300));
  assert.equal(enabledTenant.disabled, undefined);
  assert.equal(enabledTenant.threshold, 300);
  const enabledServer = deletionThresholdOf(server('40'), undefined, { mode: 'disabled', alertThreshold: 0 });
  assert.equal(enabledServer.disabled, undefined);
  assert.equal(enabledServer.threshold, 40);
  assert.match(enabledServer.note!, /says disabled and .* says 40 objects/);
  // A percentage cannot be counted by a what-if: the server's (or the default) is checked, and the note says so.
  const percent = deletionThresholdOf({}, undefined, { mode: 'enabledForPercentage', alertThreshold: 10 });
  assert.equal(percent.threshold, 500);
  assert.equal(percent.source, "Entra Connect's default");
  assert.match(percent.note!, /10 percent of the synchronized objects \(enabledForPercentage\)/);
  assert.equal(deletionThresholdOf(server('70'), undefined, { mode: 'enabledForPercentage', alertThreshold: 10 }).threshold, 70);
  // The flag wins over everything, silently.
  assert.deepEqual(deletionThresholdOf(server('50'), 9, count(200)), { threshold: 9, source: '--deletion-threshold' });
  // The verdict names where a disabled threshold comes from.
  const del = compareRuns('CN=x', staged(updateSuccess()), outOfScope());
  assert.match(deletionVerdict(whatIfTotals([del], off)), /^Deletion threshold: disabled by the tenant's accidental deletion prevention \(GET \/directory\/onPremisesSynchronization: disabled\), so Entra Connect would export all 1 delete\(s\)/);
  const totals = whatIfTotals([del, del], lower);
  assert.equal(totals.thresholdSource, lower.source);
  assert.equal(totals.thresholdNote, lower.note);
});
