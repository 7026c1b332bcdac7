// Scope clauses on Int64 attributes: accountExpires is 9223372036854775807 ("never expires")
// or 0, and real exports filter on it. Beyond 2^53 a JS Number cannot tell neighbours apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clauseHolds, type EvaluationContext, type ScopeOperator } from '../../../../src/engine/rules';

const ctx: EvaluationContext = { parameters: {} };
const holds = (operator: ScopeOperator, value: string, actual: string[]) => clauseHolds({ attribute: 'accountExpires', operator, value }, actual, ctx);
const never = '9223372036854775807';

test('ordering operators compare Int64 values exactly', () => {
  assert.equal(holds('GREATERTHAN', '9223372036854775806', [never]), true);
  assert.equal(holds('GREATERTHAN_OR_EQUAL', never, ['9223372036854775806']), false);
  assert.equal(holds('LESSTHAN', never, ['9223372036854775806']), true);
  assert.equal(holds('LESSTHAN_OR_EQUAL', '9223372036854775806', [never]), false);
  assert.equal(holds('LESSTHAN_OR_EQUAL', never, [never]), true);
  assert.equal(holds('GREATERTHAN', '0', [never]), true);
  assert.equal(holds('GREATERTHAN', '0', ['0']), false);
  assert.equal(holds('LESSTHAN', never, ['0']), true);
  assert.equal(holds('GREATERTHAN', '-1', ['0']), true);
});

test('EQUAL and NOTEQUAL tell never-expires from its neighbour', () => {
  assert.equal(holds('EQUAL', never, [never]), true);
  assert.equal(holds('EQUAL', '9223372036854775806', [never]), false);
  assert.equal(holds('NOTEQUAL', '9223372036854775806', [never]), true);
  assert.equal(holds('NOTEQUAL', never, [never]), false);
  assert.equal(holds('EQUAL', '0', ['0']), true);
  assert.equal(holds('NOTEQUAL', '0', [never]), true);
});

test('non-integer values keep the existing comparisons', () => {
  assert.equal(holds('GREATERTHAN', '1.5', ['2']), true);
  assert.equal(holds('EQUAL', '1.0', ['1']), true);
  assert.equal(holds('EQUAL', 'Never', ['never']), true);
  assert.equal(holds('GREATERTHAN', 'abc', ['1']), false);
});

test('ISBITSET tests the bits of an Int64 exactly', () => {
  assert.equal(holds('ISBITSET', '1', [never]), true);
  assert.equal(holds('ISBITSET', '1', ['9223372036854775806']), false);
});
