// Every sync result a test obtains is checked against the published JSON Schema of the output
// (schemas/provisioning-object-summary.schema.json): the harness's session.sync and the CLI
// tests' stdout go through here, so a field that drifts from the contract fails the test that
// produced it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import type { ProvisioningObjectSummary } from '../../src/engine/summary/types';

const schemaPath = path.resolve(__dirname, '../../schemas/provisioning-object-summary.schema.json');
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);

/** Throws an assertion naming each schema violation (path and message) when the result breaks the contract. */
export function assertValidSummary(summary: unknown, where = 'sync result'): asserts summary is ProvisioningObjectSummary {
  // Checked as the JSON a script reads: undefined fields vanish, as on stdout.
  const json: unknown = JSON.parse(JSON.stringify(summary));
  if (validate(json)) return;
  const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  assert.fail(`${where} does not match ${path.basename(schemaPath)}:\n  ${problems.slice(0, 20).join('\n  ')}`);
}

/** JSON.parse of a CLI's stdout, validated against the schema. */
export function parseSummary(stdout: string, where = 'CLI stdout'): ProvisioningObjectSummary {
  const parsed: unknown = JSON.parse(stdout);
  assertValidSummary(parsed, where);
  return parsed;
}
