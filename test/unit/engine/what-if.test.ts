// What-if classification from two staging results, and the deletion threshold.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareRuns, scopeState, whatIfTotals } from '../../../src/engine/batch/what-if';
import { plannedWrite } from '../../../src/engine/batch/tally';
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
  assert.equal(whatIfTotals([del, del], 1).exceedsThreshold, true);
});

test('planned writes: creates and changed updates; nothing for out-of-scope', () => {
  assert.equal(plannedWrite(staged(createSuccess())), 'create');
  assert.equal(plannedWrite(outOfScope()), 'none');
});
