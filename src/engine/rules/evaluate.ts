// Inbound (connector space -> metaverse) and outbound (metaverse -> Entra connector space)
// evaluation: which rules apply (scope), which do not and why, and the attribute flows.
import type { AttributeValue, Attributes } from '../model/attributes';
import { indexAttributes } from './values';
import type { OutOfScopeRule } from '../summary/types';
import type { LinkType, SyncRule } from './model';
import type { EvaluationContext } from './context';
import type { RuleSet } from './rule-set';
import { evaluateScope } from './scope';
import { computeFlows, type FlowedAttribute } from './flows';
import { assertSingleJoinRule } from './join';

export interface AppliedRule {
  name: string;
  linkType: LinkType;
  precedence: number;
}

export interface InboundResult {
  /** Rules whose scope held, in precedence order. */
  appliedRules: AppliedRule[];
  outOfScopeRules: OutOfScopeRule[];
  /** 'provision' if a Provision rule applied, 'join' if only Join rules, 'none' if none. */
  linkType: 'provision' | 'join' | 'none';
  metaverseObjectType: string | null;
  /** Metaverse attribute name -> winning flow. */
  attributes: Record<string, FlowedAttribute>;
  /** The applied rules themselves (for join evaluation with findJoin). */
  rules: SyncRule[];
  /** Provision rules in scope that cannot project: none of their join attributes has a value. */
  unprojectable: Array<{ ruleName: string; joinAttributes: string[] }>;
}

export interface OutboundResult {
  appliedRules: AppliedRule[];
  outOfScopeRules: OutOfScopeRule[];
  /** true when a Provision rule to the Entra connector is in scope (e.g. cloudFiltered not true). */
  provision: boolean;
  /** Entra connector object type: 'user', 'group', 'contact', 'device'. */
  targetObjectType: string | null;
  /** Entra connector attribute name -> winning flow. */
  attributes: Record<string, FlowedAttribute>;
  rules: SyncRule[];
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
/**
 * Does a rule's source object type take an object of `objectType`? "*" takes every type: a Join
 * rule may read any metaverse object type ("Only Join or StickyJoin rules can use MV object type *").
 */
const readsType = (rule: SyncRule, objectType: string) => rule.sourceObjectType === '*' || same(rule.sourceObjectType, objectType);

/** Is the rule's connector the one named (a "*" rule matches every connector of its kind)? */
export function ruleMatchesConnector(ruleSet: RuleSet, rule: SyncRule, connector: string): boolean {
  const kind = same(connector, ruleSet.entraConnector) ? 'entra' : 'activeDirectory';
  if (rule.connectorKind !== kind) return false;
  return rule.connector === '*' || same(rule.connector, connector);
}

function partition(rules: SyncRule[], attributes: Attributes, direction: 'inbound' | 'outbound', context: EvaluationContext, lookup: (name: string) => AttributeValue[] | undefined) {
  const inScope: SyncRule[] = [];
  const outOfScopeRules: OutOfScopeRule[] = [];
  for (const rule of rules) {
    if (rule.disabled) {
      outOfScopeRules.push({ ruleName: rule.name, direction, disabled: true, failedClauses: [] });
      continue;
    }
    const scope = evaluateScope(rule, attributes, context, lookup);
    if (scope.inScope) inScope.push(rule);
    else outOfScopeRules.push({ ruleName: rule.name, direction, disabled: false, failedClauses: scope.failedClauses });
  }
  return { inScope, outOfScopeRules };
}

const byPrecedence = (a: SyncRule, b: SyncRule) => a.precedence - b.precedence;

/**
 * The candidate rules of one direction, connector and source object type, in precedence order:
 * the same for every object of that type, so chosen once per rule set (a batch evaluates
 * thousands of objects against it). Keyed by the rules array, which a rule set never changes.
 */
const candidateCache = new WeakMap<SyncRule[], Map<string, SyncRule[]>>();
function candidatesOf(rules: SyncRule[], key: string, choose: (r: SyncRule) => boolean): SyncRule[] {
  let byKey = candidateCache.get(rules);
  if (!byKey) candidateCache.set(rules, (byKey = new Map()));
  let chosen = byKey.get(key);
  if (!chosen) byKey.set(key, (chosen = rules.filter(choose).sort(byPrecedence)));
  return chosen;
}
const applied = (r: SyncRule): AppliedRule => ({ name: r.name, linkType: r.linkType, precedence: r.precedence });

export function evaluateInbound(
  ruleSet: RuleSet,
  connector: string,
  cs: { dn: string; objectType: string; attributes: Attributes },
  context: EvaluationContext,
): InboundResult {
  const candidates = candidatesOf(ruleSet.rules, `inbound\u0000${ruleSet.entraConnector.toLowerCase()}\u0000${connector.toLowerCase()}\u0000${cs.objectType.toLowerCase()}`, (r) =>
    r.direction === 'inbound' && readsType(r, cs.objectType) && ruleMatchesConnector(ruleSet, r, connector));
  const lookup = indexAttributes(cs.attributes);
  const { inScope, outOfScopeRules } = partition(candidates, cs.attributes, 'inbound', context, lookup);
  // One rule with join rules in scope, or JoinRulesConflict (join.ts).
  assertSingleJoinRule(inScope, 'inbound', connector);
  const unprojectable = inScope.filter((r) => r.linkType === 'Provision' && !canProject(r, lookup));
  const provision = inScope.some((r) => r.linkType === 'Provision' && !unprojectable.includes(r));
  return {
    appliedRules: inScope.map(applied),
    outOfScopeRules,
    linkType: provision ? 'provision' : inScope.length ? 'join' : 'none',
    metaverseObjectType: inScope.find((r) => r.targetObjectType !== '*')?.targetObjectType ?? null,
    attributes: computeFlows(inScope, { dn: cs.dn, attributes: cs.attributes, lookup }, context),
    rules: inScope,
    unprojectable: unprojectable.map((r) => ({ ruleName: r.name, joinAttributes: [...new Set(r.join.flat().map((c) => c.source))] })),
  };
}

/**
 * A Provision rule projects a new metaverse object "if at least one attribute in the join
 * criteria is present (has a value)" (Understanding the default configuration, Join rules): a
 * contact without mail is not projected by "In from AD - Contact Join". No join criteria: it projects.
 */
function canProject(rule: SyncRule, lookup: (name: string) => AttributeValue[] | undefined): boolean {
  if (!rule.join.length) return true;
  return rule.join.some((group) => group.some((condition) => (lookup(condition.source)?.length ?? 0) > 0));
}

export function evaluateOutbound(ruleSet: RuleSet, mv: { objectType: string; attributes: Attributes; dn?: string }, context: EvaluationContext): OutboundResult {
  // Only the rules of the Entra connector in use (an export may hold another tenant's connector).
  const candidates = candidatesOf(ruleSet.rules, `outbound\u0000${ruleSet.entraConnector.toLowerCase()}\u0000${mv.objectType.toLowerCase()}`, (r) =>
    r.direction === 'outbound' && ruleMatchesConnector(ruleSet, r, ruleSet.entraConnector) && readsType(r, mv.objectType));
  const lookup = indexAttributes(mv.attributes);
  const { inScope, outOfScopeRules } = partition(candidates, mv.attributes, 'outbound', context, lookup);
  const provision = inScope.some((r) => r.linkType === 'Provision');
  // Join rules only flow to an object that exists (provisioned now or connected before), and
  // only rules for the target object type of the provisioning rule (user, contact, group...).
  // Connected before, the type is that of a rule for this object type: a "*" rule (any
  // metaverse type) of higher precedence says nothing of what this object is connected to.
  const connectedRule = context.connectedToTarget ? inScope.find((r) => r.sourceObjectType !== '*') ?? inScope[0] : undefined;
  const targetObjectType = (inScope.find((r) => r.linkType === 'Provision') ?? connectedRule)?.targetObjectType ?? null;
  const effective = targetObjectType === null ? [] : inScope.filter((r) => same(r.targetObjectType, targetObjectType));
  // The rules that apply to the one connector-space object (of targetObjectType): one with join
  // rules, or JoinRulesConflict. Rules for another object type do not join this object.
  assertSingleJoinRule(effective, 'outbound', ruleSet.entraConnector);
  return {
    appliedRules: effective.map(applied),
    outOfScopeRules,
    provision,
    targetObjectType,
    attributes: computeFlows(effective, { dn: mv.dn ?? '', attributes: mv.attributes, lookup }, context),
    rules: effective,
  };
}
