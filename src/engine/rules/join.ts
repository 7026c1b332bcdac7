// Join: the join groups of the applied rules, in precedence order and in group order. A group
// matches a candidate when every condition shares a value (binary values byte-equal; strings
// case-insensitive unless the condition is case-sensitive). The first group with exactly one
// matching candidate wins; "if zero or more than one object is found, processing continues to
// the next group" (declarative provisioning, Join), and with no group left the link type decides.
import type { AttributeValue, Attributes } from '../model/attributes';
import { getValues } from '../model/attributes';
import type { JoinCondition, SyncRule } from './model';
import { sourceValues, type FlowSource } from './flows';
import { valueText } from './values';

export interface JoinCandidate {
  id: string;
  attributes: Attributes;
}

export type JoinResult =
  | { status: 'joined'; candidateId: string; syncRule: string; group: number; conditions: JoinCondition[] }
  /** `ambiguous`: the groups that found more than one object, passed over as documented. */
  | { status: 'noMatch'; ambiguous: { syncRule: string; group: number; count: number }[] };

function sameValue(a: AttributeValue, b: AttributeValue, caseSensitive: boolean): boolean {
  if (a instanceof Uint8Array || b instanceof Uint8Array) return valueText(a) === valueText(b);
  const x = valueText(a);
  const y = valueText(b);
  return caseSensitive ? x === y : x.toLowerCase() === y.toLowerCase();
}

export function conditionHolds(condition: JoinCondition, source: FlowSource, candidate: Attributes): boolean {
  const left = sourceValues(source, condition.source) ?? [];
  const right = getValues(candidate, condition.target) ?? [];
  return left.some((a) => right.some((b) => sameValue(a, b, condition.caseSensitive === true)));
}

export function findJoin(appliedRules: SyncRule[], source: FlowSource, candidates: JoinCandidate[]): JoinResult {
  const ambiguous: { syncRule: string; group: number; count: number }[] = [];
  for (const rule of appliedRules) {
    for (let g = 0; g < rule.join.length; g++) {
      const group = rule.join[g]!;
      if (group.length === 0) continue;
      const matches = candidates.filter((c) => group.every((condition) => conditionHolds(condition, source, c.attributes)));
      if (matches.length === 1) return { status: 'joined', candidateId: matches[0]!.id, syncRule: rule.name, group: g, conditions: group };
      if (matches.length > 1) ambiguous.push({ syncRule: rule.name, group: g, count: matches.length });
    }
  }
  return { status: 'noMatch', ambiguous };
}
