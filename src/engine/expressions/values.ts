// Runtime values of the expression language. An attribute with one value is a scalar, with
// several an array (multi-valued); absent is null. Two literals are markers for the flow:
// AuthoritativeNull (delete, and do not yield to lower-precedence rules) and IgnoreThisFlow.
import type { AttributeValue } from '../model/attributes';

export type Scalar = string | number | boolean | Uint8Array | Date;

export class FlowMarker {
  constructor(readonly name: 'AuthoritativeNull' | 'IgnoreThisFlow') {}
  toString(): string {
    return this.name;
  }
}
export const AuthoritativeNull = new FlowMarker('AuthoritativeNull');
export const IgnoreThisFlow = new FlowMarker('IgnoreThisFlow');

export type Value = Scalar | Scalar[] | null | FlowMarker;

/** A problem evaluating a function (bad input type); the rule evaluator wraps it in a SyncError. */
export class EvaluationProblem extends Error {}

export function fromAttribute(values: AttributeValue[] | undefined | null): Value {
  if (!values || values.length === 0) return null;
  return values.length === 1 ? values[0]! : [...values];
}

export function isMarker(value: Value): value is FlowMarker {
  return value instanceof FlowMarker;
}

/** Values as a list: null -> [], scalar -> [scalar]. */
export function listOf(value: Value): Scalar[] {
  if (value === null || isMarker(value)) return [];
  return Array.isArray(value) ? value : [value];
}

/** The single value of a possibly multi-valued value (its first), or null. */
export function single(value: Value): Scalar | null {
  if (value === null || isMarker(value)) return null;
  if (Array.isArray(value)) return value[0] ?? null;
  return value;
}

export function toText(value: Scalar): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (value instanceof Date) return value.toISOString();
  return Buffer.from(value).toString('base64');
}

export function isNumericText(text: string): boolean {
  return /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text) || /^\s*&[Hh][0-9a-fA-F]+\s*$/.test(text);
}

export function toNumber(value: Scalar): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    if (/^\s*&[Hh][0-9a-fA-F]+\s*$/.test(value)) return parseInt(value.trim().slice(2), 16);
    if (/^\s*0x[0-9a-fA-F]+\s*$/.test(value)) return parseInt(value.trim().slice(2), 16);
    if (isNumericText(value)) return Number(value);
  }
  throw new EvaluationProblem(`"${typeof value === 'string' ? value : toText(value)}" is not a number`);
}

export function toBigInt(value: Scalar): bigint {
  if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return BigInt(value.trim());
  const n = toNumber(value);
  if (!Number.isInteger(n)) throw new EvaluationProblem(`${n} is not an integer`);
  return BigInt(n);
}

export function toBoolean(value: Scalar): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    const t = value.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
    if (isNumericText(t)) return toNumber(t) !== 0;
  }
  throw new EvaluationProblem(`"${toText(value)}" is not a boolean`);
}

/** Truth of a condition: NULL and markers are false. */
export function truthy(value: Value): boolean {
  const v = single(value);
  if (v === null) return false;
  try {
    return toBoolean(v);
  } catch {
    return false;
  }
}

/** Apply f to each value (multi-valued semantics); null stays null. */
export function perValue(value: Value, f: (v: Scalar) => Scalar | null): Value {
  if (value === null || isMarker(value)) return value;
  if (Array.isArray(value)) {
    const out = value.map(f).filter((v): v is Scalar => v !== null);
    return out.length === 0 ? null : out;
  }
  return f(value);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
