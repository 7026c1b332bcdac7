// Scope filters: clauses inside a group are AND, groups are OR, no group means every object.
// Comparisons are case-insensitive, as in the Synchronization Rules Editor; values may use
// %Parameters%. A failed rule records the first failing clause of each group.
import type { AttributeValue, Attributes } from '../model/attributes';
import { getValues } from '../model/attributes';
import type { FailedScopeClause } from '../summary/types';
import type { ScopeClause, SyncRule } from './model';
import type { EvaluationContext } from './context';
import { valueText } from './values';

export interface ScopeResult {
  inScope: boolean;
  failedClauses: FailedScopeClause[];
}

export function substituteParameters(text: string, parameters: Record<string, string>): string {
  return text.replace(/%([^%]+)%/g, (whole, name: string) => parameters[name] ?? whole);
}

function asNumber(text: string): number | undefined {
  const t = text.trim();
  if (/^[-+]?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (/^0x[0-9a-f]+$/i.test(t) || /^&h[0-9a-f]+$/i.test(t)) return parseInt(t.slice(2), 16);
  return undefined;
}

function asBigInt(text: string): bigint | undefined {
  const n = asNumber(text);
  return n === undefined || !Number.isInteger(n) ? undefined : BigInt(n);
}

function equalsLoose(actual: string, expected: string): boolean {
  const a = asNumber(actual);
  const b = asNumber(expected);
  if (a !== undefined && b !== undefined) return a === b;
  return actual.toLowerCase() === expected.toLowerCase();
}

export function clauseHolds(clause: ScopeClause, values: AttributeValue[] | undefined, context: EvaluationContext): boolean {
  const expected = substituteParameters(clause.value, context.parameters);
  const texts = (values ?? []).map(valueText).filter((t) => t !== '');
  const present = texts.length > 0;
  const any = (test: (actual: string) => boolean) => texts.some(test);
  const lower = expected.toLowerCase();
  const numeric = (test: (a: number, b: number) => boolean) => {
    const b = asNumber(expected);
    return b !== undefined && any((t) => {
      const a = asNumber(t);
      return a !== undefined && test(a, b);
    });
  };
  const bits = () => {
    const mask = asBigInt(expected);
    return mask !== undefined && any((t) => {
      const v = asBigInt(t);
      return v !== undefined && (v & mask) === mask;
    });
  };
  const list = () => expected.split(';').map((s) => s.trim()).filter(Boolean);
  switch (clause.operator) {
    case 'EQUAL':
      return any((t) => equalsLoose(t, expected));
    case 'NOTEQUAL':
      return !any((t) => equalsLoose(t, expected));
    case 'LESSTHAN':
      return numeric((a, b) => a < b);
    case 'LESSTHAN_OR_EQUAL':
      return numeric((a, b) => a <= b);
    case 'GREATERTHAN':
      return numeric((a, b) => a > b);
    case 'GREATERTHAN_OR_EQUAL':
      return numeric((a, b) => a >= b);
    case 'CONTAINS':
      return any((t) => t.toLowerCase().includes(lower));
    case 'NOTCONTAINS':
      return !any((t) => t.toLowerCase().includes(lower));
    case 'STARTSWITH':
      return any((t) => t.toLowerCase().startsWith(lower));
    case 'NOTSTARTSWITH':
      return !any((t) => t.toLowerCase().startsWith(lower));
    case 'ENDSWITH':
      return any((t) => t.toLowerCase().endsWith(lower));
    case 'NOTENDSWITH':
      return !any((t) => t.toLowerCase().endsWith(lower));
    case 'ISNULL':
      return !present;
    case 'ISNOTNULL':
      return present;
    case 'ISIN':
      return any((t) => list().some((v) => equalsLoose(t, v)));
    case 'ISNOTIN':
      return !any((t) => list().some((v) => equalsLoose(t, v)));
    case 'ISBITSET':
      return bits();
    case 'ISNOTBITSET':
    case 'ISBITNOTSET':
      return !bits();
    case 'ISMEMBEROF':
      return context.isMemberOf?.(expected) ?? false;
    case 'ISNOTMEMBEROF':
      return !(context.isMemberOf?.(expected) ?? false);
  }
}

export function evaluateScope(rule: SyncRule, attributes: Attributes, context: EvaluationContext, lookup?: (name: string) => AttributeValue[] | undefined): ScopeResult {
  if (rule.scope.length === 0) return { inScope: true, failedClauses: [] };
  const valuesOf = lookup ?? ((name: string) => getValues(attributes, name));
  const failedClauses: FailedScopeClause[] = [];
  for (const group of rule.scope) {
    const failed = group.find((clause) => !clauseHolds(clause, valuesOf(clause.attribute), context));
    if (!failed) return { inScope: true, failedClauses: [] };
    const actual = valuesOf(failed.attribute);
    failedClauses.push({
      attribute: failed.attribute,
      operator: failed.operator,
      value: failed.value,
      actual: actual && actual.length ? actual.map(valueText).join('; ') : null,
    });
  }
  return { inScope: false, failedClauses };
}
