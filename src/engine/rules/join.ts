// Join: the join groups of the applied rules, in precedence order and in group order. A group
// matches a candidate when every condition shares a value (binary values byte-equal; strings
// case-insensitive unless the condition is case-sensitive). The first group with exactly one
// matching candidate wins; "if zero or more than one object is found, processing continues to
// the next group" (declarative provisioning, Join), and with no group left the link type decides.
import type { AttributeValue, Attributes } from '../model/attributes';
import { getValues } from '../model/attributes';
import type { JoinCondition, RuleDirection, SyncRule } from './model';
import { sourceValues, type FlowSource } from './flows';
import { valueText } from './values';
import { SyncError } from '../errors/sync-error';
import { rulesErrors } from '../errors/catalog/rules';

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

/** Does the rule define join rules (a join group with at least one condition)? */
export const hasJoinCriteria = (rule: SyncRule): boolean => rule.join.some((group) => group.length > 0);

/**
 * A rule's join rules as text that is equal for equal join rules: groups in order (they are
 * tried in order), conditions of a group in any order (they are ANDed), attribute names in any case.
 */
const joinKeys = new WeakMap<SyncRule, string>();
function joinKeyOf(rule: SyncRule): string {
  let key = joinKeys.get(rule);
  if (key === undefined) {
    key = rule.join
      .filter((group) => group.length > 0)
      .map((group) => group.map((c) => `${c.source.toLowerCase()}=${c.target.toLowerCase()}${c.caseSensitive === true ? ':cs' : ''}`).sort().join('&'))
      .join('|');
    joinKeys.set(rule, key);
  }
  return key;
}

/**
 * "An object should only have one single sync rule with join rules in scope. If there are
 * multiple sync rules where join is defined, an error occurs. Precedence isn't used to resolve
 * join conflicts." (declarative provisioning, Join). `rules` are the rules of one direction and
 * connector in scope for the object (outbound: those for the one target object type). A rule
 * with no join rules (a Join rule that only flows attributes, "In from AD - User AccountEnabled")
 * does not count.
 *
 * Rules whose join rules are the same do not conflict: there is nothing for precedence to
 * resolve, whichever is used finds the same object. Microsoft's own out-of-box rules rely on it:
 * "Out to AAD - Group Join" and the six "Out to AAD - Group Identity/ExchangeOnline/..." rules
 * are all in scope for a group, each joining sourceAnchor to sourceAnchor, and Entra Connect
 * synchronizes groups with them. The sync engine's error, as users report it, says so too: "The
 * Inbound sync rules in scope have different join criteria." (idm4real.com, 2016-08-29).
 */
export function assertSingleJoinRule(rules: readonly SyncRule[], direction: RuleDirection, connector: string): void {
  let first: SyncRule | undefined;
  let conflict = false;
  for (const rule of rules) {
    if (!hasJoinCriteria(rule)) continue;
    if (!first) first = rule;
    else if (joinKeyOf(rule) !== joinKeyOf(first)) conflict = true;
  }
  if (!conflict) return;
  const joining = rules.filter(hasJoinCriteria);
  throw new SyncError(rulesErrors.JoinRulesConflict, {
    direction: String(direction),
    connector: String(connector),
    syncRules: joining.map((r) => `"${r.name}" (${r.linkType}, precedence ${String(r.precedence)}) joining on ${describeJoin(r)}`).join('; '),
    ruleCount: joining.length,
  });
}

/** A rule's join rules for a message, groups in the order they are tried: "(a = b), then (c = d and e = f)". */
function describeJoin(rule: SyncRule): string {
  return rule.join
    .filter((group) => group.length > 0)
    .map((group) => `(${group.map((c) => `${c.source} = ${c.target}`).join(' and ')})`)
    .join(', then ');
}
