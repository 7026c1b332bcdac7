// Attribute flows with precedence. For each target attribute the flows of the applied rules
// are tried in precedence order (lowest number first):
//   values            -> wins (Merge/MergeCaseInsensitive: values of every merging flow are unioned)
//   AuthoritativeNull -> wins with "no value" (delete), lower rules may not contribute
//   NULL              -> yields to lower-precedence rules; if no rule contributes, the attribute
//                        has no value (null) and the lineage names the first rule that gave NULL
//   IgnoreThisFlow    -> no contribution at all
// Every flow to one attribute must have the same merge type (MergeTypeConflict otherwise), and
// an "apply once" flow runs only while the target object is being created.
import type { AttributeValue, Attributes } from '../model/attributes';
import { getValues } from '../model/attributes';
import { SyncError, isSyncError } from '../errors/sync-error';
import { rulesErrors } from '../errors/catalog/rules';
import { AuthoritativeNull, IgnoreThisFlow, isMarker, type ExpressionContext, type ExpressionOrigin, type Value } from '../expressions';
import { mergeKindOf, type CompiledFlow, type MappingType, type SyncRule } from './model';
import { targetIsCreated, type EvaluationContext } from './context';
import { indexAttributes, valueText } from './values';

export interface Lineage {
  syncRule: string;
  mappingType: MappingType;
  dataSource: string;
  precedence: number;
}

export interface FlowedAttribute {
  /** null = no value (AuthoritativeNull, or NULL with no lower rule contributing): delete. */
  values: AttributeValue[] | null;
  lineage: Lineage;
}

export interface FlowSource {
  dn: string;
  attributes: Attributes;
  /** Optional prebuilt case-insensitive lookup of attributes (see indexAttributes). */
  lookup?: (name: string) => AttributeValue[] | undefined;
}

/**
 * A flow's outcome: its values (read only), or a marker for what it gave instead. The values
 * themselves, not an object wrapping them: a user's ~130 flows run three times per object.
 */
const NULL = 0;
const AUTHORITATIVE_NULL = 1;
const IGNORE = 2;
type Outcome = readonly AttributeValue[] | typeof NULL | typeof AUTHORITATIVE_NULL | typeof IGNORE;

function constantValue(text: string): AttributeValue {
  const lower = text.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return text;
}

function outcomeOf(value: Value): Outcome {
  if (value === AuthoritativeNull) return AUTHORITATIVE_NULL;
  if (value === IgnoreThisFlow) return IGNORE;
  if (value === null || isMarker(value)) return NULL;
  // The sync engine keeps no empty string: "" flows as no value (Left(NULL, n) is "" by the
  // functions reference, and a user without info gets no info).
  if (value === '') return NULL;
  if (!Array.isArray(value)) return [value instanceof Date ? value.toISOString() : value as AttributeValue];
  if (value.length === 0) return NULL;
  if (value.includes('')) {
    const kept = value.filter((v) => v !== '');
    return kept.length === 0 ? NULL : outcomeOf(kept);
  }
  // Read only (computeFlows copies what it keeps): a list without dates is used as it is.
  return value.some((v) => v instanceof Date) ? value.map((v) => (v instanceof Date ? v.toISOString() : v)) : value as AttributeValue[];
}

/** Source attribute values; "dn" is the object's distinguished name unless the object has a dn attribute. */
export function sourceValues(source: FlowSource, name: string): AttributeValue[] | undefined {
  const values = source.lookup ? source.lookup(name) : getValues(source.attributes, name);
  if (values !== undefined) return values;
  if (name.toLowerCase() === 'dn' || name.toLowerCase() === 'distinguishedname') return [source.dn];
  return undefined;
}

/** What a flow's expression reads: the source's attributes, the rule parameters, the clock (one per evaluation). */
function expressionContext(source: FlowSource, context: EvaluationContext): ExpressionContext {
  return { attribute: (name) => sourceValues(source, name), parameter: (name) => context.parameters[name], now: context.now };
}

/** A flow's outcome; its values are read only (the source's own arrays for a Direct flow). */
export function runFlow(rule: SyncRule, flow: CompiledFlow, source: FlowSource, context: EvaluationContext, expressions?: ExpressionContext, origin?: ExpressionOrigin): Outcome {
  switch (flow.type) {
    case 'Constant':
      return [constantValue(flow.value ?? '')];
    case 'Direct': {
      const values = sourceValues(source, flow.source![0]!);
      return values && values.length ? values : NULL;
    }
    case 'Expression': {
      try {
        const value = flow.compiled!.evaluate(expressions ?? expressionContext(source, context), origin ?? { syncRule: rule.name, attribute: flow.target });
        return outcomeOf(value);
      } catch (err) {
        if (isSyncError(err) && err.code === rulesErrors.ExpressionError.code) {
          // Name the rule and attribute in the recommended action; keep Error()'s text as the reason.
          throw new SyncError(rulesErrors.ExpressionError, { ...err.details, message: err.reason, syncRule: rule.name, attribute: flow.target });
        }
        throw err;
      }
    }
  }
}

function mergeValues(into: AttributeValue[], more: readonly AttributeValue[], caseInsensitive: boolean): void {
  const key = (v: AttributeValue) => (caseInsensitive && typeof v === 'string' ? `s:${v.toLowerCase()}` : `${typeof v}:${valueText(v)}`);
  const seen = new Set(into.map(key));
  for (const v of more) {
    const k = key(v);
    if (!seen.has(k)) {
      seen.add(k);
      into.push(v);
    }
  }
}

/** One flow of an applied rule, with its lineage (the same for every object). */
interface PlannedFlow {
  rule: SyncRule;
  flow: CompiledFlow;
  lineage: Lineage;
  /** The flow's result when it decides "no value": the same for every object, read only. */
  noValue: FlowedAttribute;
  /** Index of the flow's target attribute in FlowPlan.targets. */
  target: number;
  // The flow's fields read per object, copied here: flows of different types have different
  // shapes, and reading an absent applyOnce from each cost more than running a Direct flow.
  targetName: string;
  applyOnce: boolean;
  /** The flow's merge type, Replace (and none) read as Update. */
  mergeType: 'Update' | 'Merge' | 'MergeCaseInsensitive';
  /** Where an expression error is said to come from. */
  origin: ExpressionOrigin;
}

/** The flows of a list of applied rules in evaluation order, grouped by target attribute (lower case). */
interface FlowPlan {
  flows: PlannedFlow[];
  /** Per target attribute, in first-seen order: its flows' indexes in `flows`, in precedence order. */
  targets: number[][];
  /** The rules flow an attribute with different merge types: evaluating them is an error. */
  mergeConflict?: MergeConflict;
}

/** The facts of a MergeTypeConflict (placeholders of its catalog entry and the attributes concerned). */
interface MergeConflict {
  direction: string;
  /** The first attribute flowed with different merge types. */
  attribute: string;
  /** Its flows: "rule" (precedence n): merge type; ... */
  syncRules: string;
  /** Every attribute flowed with different merge types, comma-separated. */
  attributes: string;
}

/**
 * "When you use this option [Merge, MergeCaseInsensitive], all sync rules in scope for an object
 * must use the same merge type. You can't define Update from one Connector and Merge from
 * another. If you try, you receive an error." (declarative provisioning, Merging attribute
 * values). Checked per target attribute over the flows of the rules in scope, whatever values
 * they give. Replace is Update ("The option Replace is the same as Update"), so Update and Replace
 * mix freely. Merge and MergeCaseInsensitive do not: they are two merge types ("must use the same
 * merge type"), and a union that drops duplicates both exactly and regardless of case has no
 * documented meaning, so mixing them is the same error as mixing Update and Merge.
 */
function mergeConflictOf(plan: FlowPlan): MergeConflict | undefined {
  const conflicts = plan.targets.filter((indexes) => new Set(indexes.map((i) => plan.flows[i]!.mergeType)).size > 1);
  if (!conflicts.length) return undefined;
  const first = conflicts[0]!.map((i) => plan.flows[i]!);
  const attribute = first[0]!.targetName;
  const syncRules = first.map((f) => `"${f.rule.name}" (precedence ${String(f.rule.precedence)}): ${f.mergeType}`).join('; ');
  return {
    direction: String(first[0]!.rule.direction),
    attribute: String(attribute),
    syncRules,
    attributes: conflicts.map((indexes) => plan.flows[indexes[0]!]!.targetName).join(', '),
  };
}

/** A fresh error per evaluation: the plan, and its conflict, serve every object of a batch. */
const mergeConflictError = (conflict: MergeConflict): SyncError => new SyncError(rulesErrors.MergeTypeConflict, { ...conflict });

/**
 * Plans per list of applied rules: a batch evaluates thousands of objects against the same few
 * combinations of rules, so the grouping and the lineage are built once per combination.
 * Keyed by the rules array of the rule set (never changed) and the applied rules' positions.
 */
const plans = new WeakMap<SyncRule, Map<string, FlowPlan>>();
const ruleIds = new WeakMap<SyncRule, number>();
let nextRuleId = 0;

function planFor(rules: SyncRule[]): FlowPlan {
  let key = '';
  for (const rule of rules) {
    let id = ruleIds.get(rule);
    if (id === undefined) ruleIds.set(rule, (id = nextRuleId++));
    key += `${id},`;
  }
  const anchor = rules[0];
  let byKey = anchor ? plans.get(anchor) : undefined;
  if (anchor && !byKey) plans.set(anchor, (byKey = new Map()));
  const known = byKey?.get(key);
  if (known) return known;
  const plan: FlowPlan = { flows: [], targets: [] };
  const targetIndex = new Map<string, number>();
  for (const rule of rules) {
    for (const flow of rule.flows) {
      const lower = flow.target.toLowerCase();
      let target = targetIndex.get(lower);
      if (target === undefined) {
        target = plan.targets.length;
        targetIndex.set(lower, target);
        plan.targets.push([]);
      }
      plan.targets[target]!.push(plan.flows.length);
      const lineage: Lineage = Object.freeze({ syncRule: rule.name, mappingType: flow.type, dataSource: flow.dataSource, precedence: rule.precedence });
      plan.flows.push({
        rule, flow, target, targetName: flow.target, applyOnce: flow.applyOnce === true, mergeType: mergeKindOf(flow.mergeType), origin: { syncRule: rule.name, attribute: flow.target },
        lineage, noValue: Object.freeze({ values: null, lineage }),
      });
    }
  }
  const mergeConflict = mergeConflictOf(plan);
  if (mergeConflict) plan.mergeConflict = mergeConflict;
  byKey?.set(key, plan);
  return plan;
}

/**
 * Throws MergeTypeConflict when the rules (in precedence order) flow one attribute with different
 * merge types. computeFlows checks the rules of one evaluation; a caller that combines the flows
 * of several connectors into one object (the "In from AD" and "In from AAD" rules into the
 * metaverse) can check their union with this.
 */
export function assertSameMergeTypes(rules: SyncRule[]): void {
  const conflict = planFor(rules).mergeConflict;
  if (conflict) throw mergeConflictError(conflict);
}

/**
 * Resolve every flow of the applied rules (already in precedence order, all of one direction)
 * into target attributes. Throws MergeTypeConflict when they flow an attribute with different
 * merge types.
 */
export function computeFlows(rules: SyncRule[], flowSource: FlowSource, context: EvaluationContext): Record<string, FlowedAttribute> {
  const plan = planFor(rules);
  if (plan.mergeConflict) throw mergeConflictError(plan.mergeConflict);
  const source: FlowSource = flowSource.lookup ? flowSource : { ...flowSource, lookup: indexAttributes(flowSource.attributes) };
  // "The Apply once checkbox defines that the attribute should only be set when the object is
  // initially created" (declarative provisioning, Transformations): not when the object exists,
  // even if the attribute has no value there.
  const creating = rules.length > 0 && targetIsCreated(context, rules[0]!.direction);
  // Every flow is run, in rule then flow order (an expression error of any applied flow fails
  // the step, as before); an apply-once flow on an existing object is not run and contributes
  // nothing (undefined).
  const outcomes: (Outcome | undefined)[] = new Array(plan.flows.length);
  // Targets in the order their first contributing flow ran (the order of the result's keys).
  const order: number[] = [];
  const seen = new Uint8Array(plan.targets.length);
  const expressions = expressionContext(source, context);
  for (let i = 0; i < plan.flows.length; i++) {
    const { rule, flow, target, applyOnce, origin } = plan.flows[i]!;
    if (applyOnce && !creating) continue;
    outcomes[i] = runFlow(rule, flow, source, context, expressions, origin);
    if (!seen[target]) {
      seen[target] = 1;
      order.push(target);
    }
  }

  const result: Record<string, FlowedAttribute> = {};
  for (const t of order) {
    const candidates = plan.targets[t]!;
    let firstNull: PlannedFlow | undefined;
    let decided = false;
    for (const i of candidates) {
      const outcome = outcomes[i];
      if (outcome === undefined || outcome === IGNORE) continue;
      const c = plan.flows[i]!;
      if (outcome === NULL) {
        firstNull ??= c;
        continue;
      }
      if (outcome === AUTHORITATIVE_NULL) {
        result[c.targetName] = c.noValue;
        decided = true;
        break;
      }
      const mergeType = c.mergeType;
      const values = [...outcome];
      // Every flow to the attribute has this merge type (mergeConflict is thrown above otherwise).
      if (mergeType !== 'Update') {
        for (const j of candidates) {
          const other = outcomes[j];
          if (j === i || other === undefined || typeof other === 'number') continue;
          mergeValues(values, other, mergeType === 'MergeCaseInsensitive');
        }
      }
      result[c.targetName] = { values, lineage: c.lineage };
      decided = true;
      break;
    }
    if (!decided && firstNull) result[firstNull.targetName] = firstNull.noValue;
  }
  return result;
}
