// Tree-walking evaluator. Pure: everything it reads comes through ExpressionContext.
import type { AttributeValue } from '../model/attributes';
import { SyncError } from '../errors/sync-error';
import { rulesErrors } from '../errors/catalog/rules';
import type { BinaryOperator, Expr } from './ast';
import { callFunction, type FunctionArgs, type FunctionEnv } from './functions';
import {
  AuthoritativeNull,
  EvaluationProblem,
  IgnoreThisFlow,
  bytesEqual,
  fromAttribute,
  isMarker,
  isNumericText,
  listOf,
  single,
  toBoolean,
  toNumber,
  toText,
  truthy,
  type Scalar,
  type Value,
} from './values';

export interface ExpressionContext {
  /** Values of a source attribute (case-insensitive name), undefined when absent. */
  attribute(name: string): AttributeValue[] | undefined;
  /** %Name% parameters (Domain.FQDN, Forest.Netbios, connector global parameters...). */
  parameter(name: string): string | undefined;
  now?: Date;
}

/** Where an expression runs, for error messages. */
export interface ExpressionOrigin {
  syncRule?: string;
  attribute?: string;
}

export function evaluate(expr: Expr, context: ExpressionContext, origin: ExpressionOrigin = {}, source = ''): Value {
  const now = context.now ?? new Date();
  const run = (node: Expr, variables: Record<string, Value>): Value => {
    switch (node.kind) {
      case 'string':
      case 'number':
      case 'boolean':
        return node.value;
      case 'null':
        return null;
      case 'authoritativeNull':
        return AuthoritativeNull;
      case 'ignoreThisFlow':
        return IgnoreThisFlow;
      case 'attribute':
        if (Object.prototype.hasOwnProperty.call(variables, node.name)) return variables[node.name]!;
        return fromAttribute(context.attribute(node.name));
      case 'variable':
        if (!Object.prototype.hasOwnProperty.call(variables, node.name)) throw new EvaluationProblem(`the variable $${node.name} is not bound`);
        return variables[node.name]!;
      case 'parameter':
        return context.parameter(node.name) ?? null;
      case 'unary': {
        const v = run(node.operand, variables);
        if (node.operator === '!') return !truthy(v);
        const s = single(v);
        return s === null ? null : -toNumber(s);
      }
      case 'binary':
        return binary(node.operator, node.left, node.right, variables);
      case 'call': {
        const cache = new Map<number, Value>();
        const args: FunctionArgs = {
          length: node.args.length,
          value: (i) => {
            if (!cache.has(i)) cache.set(i, run(node.args[i]!, variables));
            return cache.get(i)!;
          },
          expr: (i) => node.args[i]!,
        };
        const env: FunctionEnv = {
          now,
          evaluate: (e, extra) => run(e, { ...variables, ...extra }),
          attribute: (name) => fromAttribute(context.attribute(name)),
          raise: (message) => {
            throw new SyncError(rulesErrors.ExpressionError, { message, syncRule: origin.syncRule ?? '(none)', attribute: origin.attribute ?? '(none)', expression: source });
          },
        };
        try {
          return callFunction(node.name, args, env);
        } catch (err) {
          if (err instanceof EvaluationProblem && !err.message.startsWith(node.name)) throw new EvaluationProblem(`${node.name} (column ${node.column}): ${err.message}`);
          throw err;
        }
      }
    }
  };

  const binary = (op: BinaryOperator, leftExpr: Expr, rightExpr: Expr, variables: Record<string, Value>): Value => {
    if (op === '&&') return truthy(run(leftExpr, variables)) ? truthy(run(rightExpr, variables)) : false;
    if (op === '||') return truthy(run(leftExpr, variables)) ? true : truthy(run(rightExpr, variables));
    const left = run(leftExpr, variables);
    const right = run(rightExpr, variables);
    switch (op) {
      case '&':
        return concat(left, right);
      case '+':
      case '-':
      case '*':
      case '/':
        return arithmetic(op, left, right);
      default:
        return compare(op, left, right);
    }
  };

  try {
    return run(expr, {});
  } catch (err) {
    if (err instanceof EvaluationProblem) {
      throw new SyncError(rulesErrors.ExpressionEvaluationFailed, { syncRule: origin.syncRule ?? '(none)', attribute: origin.attribute ?? '(none)', problem: err.message, expression: source });
    }
    throw err;
  }
}

function concat(left: Value, right: Value): Value {
  const l = listOf(left);
  const r = listOf(right);
  // Multi-valued on one side: concatenate per value.
  if (l.length > 1 && r.length <= 1) return l.map((v) => toText(v) + (r[0] === undefined ? '' : toText(r[0])));
  if (r.length > 1 && l.length <= 1) return r.map((v) => (l[0] === undefined ? '' : toText(l[0])) + toText(v));
  return (l[0] === undefined ? '' : toText(l[0])) + (r[0] === undefined ? '' : toText(r[0]));
}

function numeric(v: Scalar): boolean {
  return typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && isNumericText(v));
}

function arithmetic(op: '+' | '-' | '*' | '/', left: Value, right: Value): Value {
  const l = single(left);
  const r = single(right);
  if (l === null || r === null) return null;
  if (op === '+' && !(numeric(l) && numeric(r))) return toText(l) + toText(r);
  const a = toNumber(l);
  const b = toNumber(r);
  if (op === '+') return a + b;
  if (op === '-') return a - b;
  if (op === '*') return a * b;
  if (b === 0) throw new EvaluationProblem('division by zero');
  return a / b;
}

/** -1, 0, 1, or undefined when the values cannot be ordered. */
function order(a: Scalar, b: Scalar): number | undefined {
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    try {
      const x = toBoolean(a);
      const y = toBoolean(b);
      return x === y ? 0 : x ? 1 : -1;
    } catch {
      return undefined;
    }
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (a instanceof Uint8Array && b instanceof Uint8Array) return bytesEqual(a, b) ? 0 : undefined;
    return toText(a) === toText(b) ? 0 : undefined;
  }
  if (a instanceof Date || b instanceof Date) {
    const x = a instanceof Date ? a.getTime() : Date.parse(toText(a));
    const y = b instanceof Date ? b.getTime() : Date.parse(toText(b));
    return Math.sign(x - y);
  }
  if ((typeof a === 'number' || typeof b === 'number' || (typeof a === 'string' && typeof b === 'string')) && numeric(a) && numeric(b)) {
    return Math.sign(toNumber(a) - toNumber(b));
  }
  const x = toText(a);
  const y = toText(b);
  return x === y ? 0 : x < y ? -1 : 1;
}

function compare(op: BinaryOperator, left: Value, right: Value): boolean {
  const l = isMarker(left) ? [] : listOf(left);
  const r = isMarker(right) ? [] : listOf(right);
  if (l.length === 0 || r.length === 0) {
    const bothNull = l.length === 0 && r.length === 0;
    if (op === '=') return bothNull;
    if (op === '<>') return !bothNull;
    return false;
  }
  const test = (a: Scalar, b: Scalar): boolean => {
    const o = order(a, b);
    switch (op) {
      case '=':
        return o === 0;
      case '<>':
        return o !== 0;
      case '<':
        return o !== undefined && o < 0;
      case '<=':
        return o !== undefined && o <= 0;
      case '>':
        return o !== undefined && o > 0;
      case '>=':
        return o !== undefined && o >= 0;
      default:
        return false;
    }
  };
  // Multi-valued: "=" holds when any value matches; "<>" when none does.
  if (op === '<>') return !l.some((a) => r.some((b) => test(a, b) === false));
  return l.some((a) => r.some((b) => test(a, b)));
}
