// The renderer accepts results read back from JSON files too, so it checks the shape it
// relies on before rendering and names the first problem instead of failing half-way.
import { SyncError } from '../engine/errors';
import type { ProvisioningObjectSummary } from '../engine/summary/types';
import { reportErrors } from '../engine/errors/catalog/report';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');

function findProblem(summary: unknown): string | null {
  if (!isObject(summary)) return 'the result is not an object';
  if (!Array.isArray(summary.provisioningSteps)) return 'provisioningSteps is not an array';
  if (!isObject(summary.provisioningStatusInfo) || typeof summary.provisioningStatusInfo.status !== 'string') {
    return 'provisioningStatusInfo.status is missing';
  }
  if (summary.modifiedProperties !== undefined && !Array.isArray(summary.modifiedProperties)) return 'modifiedProperties is not an array';
  for (const [i, step] of summary.provisioningSteps.entries()) {
    if (!isObject(step)) return `provisioningSteps[${i}] is not an object`;
    if (typeof step.name !== 'string' || typeof step.status !== 'string') return `provisioningSteps[${i}] has no name or status`;
    if (step.details !== undefined && !isObject(step.details)) return `provisioningSteps[${i}].details is not a string map`;
    if (step.attributes !== undefined) {
      if (!Array.isArray(step.attributes)) return `provisioningSteps[${i}].attributes is not an array`;
      for (const [j, row] of step.attributes.entries()) {
        if (!isObject(row) || typeof row.name !== 'string') return `provisioningSteps[${i}].attributes[${j}] has no name`;
        for (const key of ['value', 'valueAdd', 'valueDelete'] as const) {
          if (!isStringArray(row[key])) return `provisioningSteps[${i}].attributes[${j}].${key} is not an array of strings`;
        }
      }
    }
  }
  return null;
}

export function assertRenderableSummary(summary: unknown): asserts summary is ProvisioningObjectSummary {
  const problem = findProblem(summary);
  if (problem) throw new SyncError(reportErrors.InvalidReportInput, { problem });
}

export function assertRedactionList(names: unknown): asserts names is string[] {
  if (!Array.isArray(names)) throw new SyncError(reportErrors.InvalidRedactionList, { problem: 'it is not a list' });
  const bad = names.findIndex((n) => typeof n !== 'string' || n.trim() === '');
  if (bad >= 0) throw new SyncError(reportErrors.InvalidRedactionList, { problem: `entry ${bad + 1} is not an attribute name` });
}
