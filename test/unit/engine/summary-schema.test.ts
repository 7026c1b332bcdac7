// The published schema of the output (schemas/provisioning-object-summary.schema.json) holds
// the contract the README documents, and can fail: each well-formed fixture passes, each
// breach of the documented rules is named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { createSuccess, failureNotUnique, outOfScopeCloudFiltered, outOfScopeOu, updateSuccess } from '../../fixtures/summaries/build';
import { assertValidSummary } from '../../support/summary-schema';

test('the hand-made results of every kind match the schema', () => {
  for (const make of [createSuccess, updateSuccess, failureNotUnique, outOfScopeCloudFiltered, outOfScopeOu]) assertValidSummary(make(), make.name);
});

const breaks: [string, (s: ProvisioningObjectSummary) => unknown, RegExp][] = [
  ['errorInformation omitted on success (Graph has null)', (s) => { delete (s.provisioningStatusInfo as Partial<typeof s.provisioningStatusInfo>).errorInformation; }, /must have required property 'errorInformation'/],
  ['errorInformation set on success', (s) => { s.provisioningStatusInfo.errorInformation = failureNotUnique().provisioningStatusInfo.errorInformation; }, /errorInformation must be null/],
  ['a failure without errorInformation', (s) => { s.provisioningStatusInfo.status = 'failure'; }, /errorInformation must be object/],
  ['a staging run that reads as a create', (s) => { s.stagingMode = true; s.exported = false; }, /provisioningAction must be equal to constant/],
  ['a staging run that says it exported', (s) => { s.stagingMode = true; s.provisioningAction = 'other'; }, /exported must be equal to constant/],
  ['a step type Graph does not define', (s) => { (s.provisioningSteps[7] as { provisioningStepType: string }).provisioningStepType = 'lookup'; }, /provisioningStepType must be equal to one of the allowed values/],
  ['a modified property not applied without its reason', (s) => { s.modifiedProperties[0]!.applied = false; }, /must have required property 'notAppliedReason'/],
  ['a modified property without applied', (s) => { delete (s.modifiedProperties[0] as Partial<ProvisioningObjectSummary['modifiedProperties'][0]>).applied; }, /must have required property 'applied'/],
  ['a field nobody documented', (s) => { (s as unknown as Record<string, unknown>).exportedAt = 'now'; }, /must NOT have additional properties.*exportedAt/],
  ['details that are not a string map', (s) => { (s.provisioningSteps[0]!.details as Record<string, unknown>).Count = 3; }, /details\/Count must be string/],
];
for (const [name, breakIt, expected] of breaks) {
  test(`the schema refuses ${name}`, () => {
    const summary = createSuccess();
    breakIt(summary);
    assert.throws(() => assertValidSummary(summary), (err: Error) => expected.test(err.message.replace(/\n/g, ' ')) || assert.fail(err.message));
  });
}
