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
import { AuthoritativeNull, IgnoreThisFlow, isMarker, type Value } from '../expressions';
import type { CompiledFlow, MappingType, SyncRule } from './model';
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

type Outcome = { kind: 'values'; values: AttributeValue[] } | { kind: 'null' } | { kind: 'authoritativeNull' } | { kind: 'ignore' };

function constantValue(text: string): AttributeValue {
  const lower = text.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return text;
}

function outcomeOf(value: Value): Outcome {
  if (value === AuthoritativeNull) return { kind: 'authoritativeNull' };
  if (value === IgnoreThisFlow) return { kind: 'ignore' };
  if (value === null || isMarker(value)) return { kind: 'null' };
  const list = (Array.isArray(value) ? value : [value]).map((v) => (v instanceof Date ? v.toISOString() : v));
  return list.length === 0 ? { kind: 'null' } : { kind: 'values', values: list };
}

/** Source attribute values; "dn" is the object's distinguished name unless the object has a dn attribute. */
export function sourceValues(source: FlowSource, name: string): AttributeValue[] | undefined {
  const values = source.lookup ? source.lookup(name) : getValues(source.attributes, name);
  if (values !== undefined) return values;
  if (name.toLowerCase() === 'dn' || name.toLowerCase() === 'distinguishedname') return [source.dn];
  return undefined;
}

export function runFlow(rule: SyncRule, flow: CompiledFlow, source: FlowSource, context: EvaluationContext): Outcome {
  switch (flow.type) {
    case 'Constant':
      return { kind: 'values', values: [constantValue(flow.value ?? '')] };
    case 'Direct': {
      const values = sourceValues(source, flow.source![0]!);
      return values && values.length ? { kind: 'values', values: [...values] } : { kind: 'null' };
    }
    case 'Expression': {
      try {
        const value = flow.compiled!.evaluate(
          { attribute: (name) => sourceValues(source, name), parameter: (name) => context.parameters[name], now: context.now },
          { syncRule: rule.name, attribute: flow.target },
        );
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

function mergeValues(into: AttributeValue[], more: AttributeValue[], caseInsensitive: boolean): void {
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

/** Resolve every flow of the applied rules (already in precedence order) into target attributes. */
export function computeFlows(rules: SyncRule[], flowSource: FlowSource, context: EvaluationContext): Record<string, FlowedAttribute> {
  const source: FlowSource = flowSource.lookup ? flowSource : { ...flowSource, lookup: indexAttributes(flowSource.attributes) };
  // target attribute (lower case) -> candidate contributions in precedence order
  const byTarget = new Map<string, { name: string; rule: SyncRule; flow: CompiledFlow; outcome: Outcome }[]>();
  for (const rule of rules) {
    for (const flow of rule.flows) {
      if (flow.applyOnce && context.existingTarget) {
        const existing = getValues(context.existingTarget, flow.target);
        if (existing && existing.length) continue;
      }
      const outcome = runFlow(rule, flow, source, context);
      const key = flow.target.toLowerCase();
      const list = byTarget.get(key) ?? [];
      list.push({ name: flow.target, rule, flow, outcome });
      byTarget.set(key, list);
    }
  }

  const result: Record<string, FlowedAttribute> = {};
  const lineageOf = (c: { rule: SyncRule; flow: CompiledFlow }): Lineage => ({
    syncRule: c.rule.name,
    mappingType: c.flow.type,
    dataSource: c.flow.dataSource,
    precedence: c.rule.precedence,
  });
  for (const candidates of byTarget.values()) {
    let firstNull: (typeof candidates)[number] | undefined;
    let decided = false;
    for (const c of candidates) {
      if (c.outcome.kind === 'ignore') continue;
      if (c.outcome.kind === 'null') {
        firstNull ??= c;
        continue;
      }
      if (c.outcome.kind === 'authoritativeNull') {
        result[c.name] = { values: null, lineage: lineageOf(c) };
        decided = true;
        break;
      }
      const mergeType = c.flow.mergeType ?? 'Update';
      const values = [...c.outcome.values];
      if (mergeType !== 'Update') {
        for (const other of candidates) {
          if (other === c || other.outcome.kind !== 'values' || (other.flow.mergeType ?? 'Update') === 'Update') continue;
          mergeValues(values, other.outcome.values, mergeType === 'MergeCaseInsensitive');
        }
      }
      result[c.name] = { values, lineage: lineageOf(c) };
      decided = true;
      break;
    }
    if (!decided && firstNull) result[firstNull.name] = { values: null, lineage: lineageOf(firstNull) };
  }
  return result;
}
