// Sync rules: model, scope, join, attribute flows with precedence and lineage, the built-in
// out-of-box rule set. Pure. See README.md in this folder for the API.
import { BUILTIN_ENTRA_CONNECTOR, createRuleSet, type RuleSet } from './rule-set';
import { builtinRuleDefinitions, type BuiltinOptions } from './builtin';

export * from './model';
export { compileRule, type RuleProblem } from './compile';
export { createRuleSet, countRules, selectedAttributesOf, BUILTIN_ENTRA_CONNECTOR, type RuleSet } from './rule-set';
export { targetIsCreated, type EvaluationContext } from './context';
export { evaluateScope, clauseHolds, substituteParameters, type ScopeResult } from './scope';
export { assertSameMergeTypes, computeFlows, sourceValues, type FlowedAttribute, type Lineage, type FlowSource } from './flows';
export { assertSingleJoinRule, findJoin, hasJoinCriteria, type JoinCandidate, type JoinResult } from './join';
export { evaluateInbound, evaluateOutbound, ruleMatchesConnector, type AppliedRule, type InboundResult, type OutboundResult } from './evaluate';
export { builtinRuleDefinitions, userSourceAnchorExpression, type BuiltinOptions } from './builtin';
export { cloudMailNickname, moeraUserPrincipalName } from './derivations';

const cache = new Map<string, RuleSet>();

/** The out-of-box rules of a current Entra Connect express install (compiled once per anchor). */
export function builtinRuleSet(options: BuiltinOptions = {}): RuleSet {
  const key = options.sourceAnchor ?? '';
  let ruleSet = cache.get(key);
  if (!ruleSet) {
    ruleSet = createRuleSet('builtin', builtinRuleDefinitions(options), { entraConnector: BUILTIN_ENTRA_CONNECTOR });
    cache.set(key, ruleSet);
  }
  return ruleSet;
}
