// Attribute flows with precedence. For each target attribute the flows of the applied rules
// are tried in precedence order (lowest number first):
//   values            -> wins (Merge/MergeCaseInsensitive: values of every merging flow are unioned)
//   AuthoritativeNull -> wins with "no value" (delete), lower rules may not contribute
//   NULL              -> yields to lower-precedence rules; if no rule contributes, the attribute
//                        has no value (null) and the lineage names the first rule that gave NULL
//   IgnoreThisFlow    -> no contribution at all
import type { AttributeValue, Attributes } from '../model/attributes';
import { getValues } from '../model/attributes';
import { SyncError, isSyncError } from '../errors/sync-error';
import { rulesErrors } from '../errors/catalog/rules';
import { AuthoritativeNull, IgnoreThisFlow, isMarker, type ExpressionContext, type ExpressionOrigin, type Value } from '../expressions';
import type { CompiledFlow, MappingType, MergeType, SyncRule } from './model';
import type { EvaluationContext } from './context';
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
  mergeType: MergeType;
  /** Where an expression error is said to come from. */
  origin: ExpressionOrigin;
}

/** The flows of a list of applied rules in evaluation order, grouped by target attribute (lower case). */
interface FlowPlan {
  flows: PlannedFlow[];
  /** Per target attribute, in first-seen order: its flows' indexes in `flows`, in precedence order. */
  targets: number[][];
}

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
        rule, flow, target, targetName: flow.target, applyOnce: flow.applyOnce === true, mergeType: flow.mergeType ?? 'Update', origin: { syncRule: rule.name, attribute: flow.target },
        lineage, noValue: Object.freeze({ values: null, lineage }),
      });
    }
  }
  byKey?.set(key, plan);
  return plan;
}

/** Resolve every flow of the applied rules (already in precedence order) into target attributes. */
export function computeFlows(rules: SyncRule[], flowSource: FlowSource, context: EvaluationContext): Record<string, FlowedAttribute> {
  const source: FlowSource = flowSource.lookup ? flowSource : { ...flowSource, lookup: indexAttributes(flowSource.attributes) };
  const plan = planFor(rules);
  // Every flow is run, in rule then flow order (an expression error of any applied flow fails
  // the step, as before); a flow skipped by applyOnce contributes nothing (undefined).
  const outcomes: (Outcome | undefined)[] = new Array(plan.flows.length);
  // Targets in the order their first contributing flow ran (the order of the result's keys).
  const order: number[] = [];
  const seen = new Uint8Array(plan.targets.length);
  const expressions = expressionContext(source, context);
  for (let i = 0; i < plan.flows.length; i++) {
    const { rule, flow, target, applyOnce, origin } = plan.flows[i]!;
    if (applyOnce && context.existingTarget) {
      const existing = getValues(context.existingTarget, flow.target);
      if (existing && existing.length) continue;
    }
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
      if (mergeType !== 'Update') {
        for (const j of candidates) {
          const other = outcomes[j];
          if (j === i || other === undefined || typeof other === 'number' || plan.flows[j]!.mergeType === 'Update') continue;
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
