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

/** Integer text (decimal or hex) as an exact BigInt: Int64 values such as accountExpires exceed 2^53. */
function asBigInt(text: string): bigint | undefined {
  const t = text.trim();
  if (/^[-+]?\d+$/.test(t)) return BigInt(t);
  if (/^0x[0-9a-f]+$/i.test(t) || /^&h[0-9a-f]+$/i.test(t)) return BigInt(`0x${t.slice(2)}`);
  const n = asNumber(t);
  return n === undefined || !Number.isInteger(n) ? undefined : BigInt(n);
}

/**
 * Numeric order of two texts (-1, 0, 1), or undefined when either is not a number. Two
 * integers compare as BigInt: as Numbers 9223372036854775807 and 9223372036854775806 are equal.
 */
/** Ordinal order of two texts. */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function compareNumbers(actual: string, expected: string): number | undefined {
  const integer = /^\s*[-+]?\d+\s*$/;
  if (integer.test(actual) && integer.test(expected)) {
    const a = BigInt(actual.trim());
    const b = BigInt(expected.trim());
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const a = asNumber(actual);
  const b = asNumber(expected);
  return a === undefined || b === undefined ? undefined : a < b ? -1 : a > b ? 1 : a === b ? 0 : undefined;
}

function equalsLoose(actual: string, expected: string): boolean {
  const order = compareNumbers(actual, expected);
  if (order !== undefined) return order === 0;
  return actual.toLowerCase() === expected.toLowerCase();
}

/** Does any non-empty value, as text, pass the test? (No array of texts: most clauses test one value or none.) */
function anyText(values: AttributeValue[] | undefined, test: (actual: string) => boolean): boolean {
  if (!values) return false;
  for (const value of values) {
    const text = valueText(value);
    if (text !== '' && test(text)) return true;
  }
  return false;
}

export function clauseHolds(clause: ScopeClause, values: AttributeValue[] | undefined, context: EvaluationContext): boolean {
  const expected = clause.value.includes('%') ? substituteParameters(clause.value, context.parameters) : clause.value;
  // "A string compare" (declarative provisioning, the scope operations); two numbers compare as
  // numbers (an integer attribute such as employeeNumber against 100). Case is ignored, as for EQUAL.
  const expectedLower = expected.toLowerCase();
  const ordered = (test: (order: number) => boolean) => anyText(values, (t) => {
    const order = compareNumbers(t, expected) ?? compareText(t.toLowerCase(), expectedLower);
    return test(order);
  });
  const bits = () => {
    const mask = asBigInt(expected);
    return mask !== undefined && anyText(values, (t) => {
      const v = asBigInt(t);
      return v !== undefined && (v & mask) === mask;
    });
  };
  const inList = (t: string) => expected.split(';').some((s) => {
    const item = s.trim();
    return item !== '' && equalsLoose(t, item);
  });
  switch (clause.operator) {
    case 'EQUAL':
      return anyText(values, (t) => equalsLoose(t, expected));
    case 'NOTEQUAL':
      return !anyText(values, (t) => equalsLoose(t, expected));
    case 'LESSTHAN':
      return ordered((o) => o < 0);
    case 'LESSTHAN_OR_EQUAL':
      return ordered((o) => o <= 0);
    case 'GREATERTHAN':
      return ordered((o) => o > 0);
    case 'GREATERTHAN_OR_EQUAL':
      return ordered((o) => o >= 0);
    case 'CONTAINS':
      return anyText(values, (t) => t.toLowerCase().includes(expected.toLowerCase()));
    case 'NOTCONTAINS':
      return !anyText(values, (t) => t.toLowerCase().includes(expected.toLowerCase()));
    case 'STARTSWITH':
      return anyText(values, (t) => t.toLowerCase().startsWith(expected.toLowerCase()));
    case 'NOTSTARTSWITH':
      return !anyText(values, (t) => t.toLowerCase().startsWith(expected.toLowerCase()));
    case 'ENDSWITH':
      return anyText(values, (t) => t.toLowerCase().endsWith(expected.toLowerCase()));
    case 'NOTENDSWITH':
      return !anyText(values, (t) => t.toLowerCase().endsWith(expected.toLowerCase()));
    case 'ISNULL':
      return !anyText(values, () => true);
    case 'ISNOTNULL':
      return anyText(values, () => true);
    case 'ISIN':
      return anyText(values, inList);
    case 'ISNOTIN':
      return !anyText(values, inList);
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

/** In scope: one shared result (read only), as most rules are for most objects. */
const IN_SCOPE: ScopeResult = Object.freeze({ inScope: true, failedClauses: Object.freeze([]) as unknown as FailedScopeClause[] });

export function evaluateScope(rule: SyncRule, attributes: Attributes, context: EvaluationContext, lookup?: (name: string) => AttributeValue[] | undefined): ScopeResult {
  if (rule.scope.length === 0) return IN_SCOPE;
  const valuesOf = lookup ?? ((name: string) => getValues(attributes, name));
  const failedClauses: FailedScopeClause[] = [];
  for (const group of rule.scope) {
    const failed = group.find((clause) => !clauseHolds(clause, valuesOf(clause.attribute), context));
    if (!failed) return IN_SCOPE;
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
