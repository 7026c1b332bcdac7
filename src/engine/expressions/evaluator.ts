// The evaluator: each node compiled once to a closure, so evaluating allocates only what a
// value needs (a batch runs ~250 flows per object). Pure: everything it reads comes through
// ExpressionContext.
import type { AttributeValue } from '../model/attributes';
import { SyncError } from '../errors/sync-error';
import { rulesErrors } from '../errors/catalog/rules';
import type { BinaryOperator, Expr } from './ast';
import { callFunction, ReplacePatternProblem, takesWholeValue, type FunctionArgs, type FunctionEnv } from './functions';
import {
  AuthoritativeNull,
  EvaluationProblem,
  type FlowMarker,
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

/** An expression compiled to a closure: the tree is walked once, at compile time. */
export type CompiledNode = (scope: Scope) => Value;

/**
 * One evaluation's state, and the function library's environment (FunctionEnv): made once per
 * evaluation (and per lambda body Select/Where/With run), not per call node.
 */
class Scope implements FunctionEnv {
  constructor(
    readonly context: ExpressionContext,
    readonly variables: Record<string, Value>,
    readonly now: Date,
    private readonly origin: ExpressionOrigin,
    private readonly source: string,
  ) {}

  evaluate(expr: Expr, extra?: Record<string, Value>): Value {
    return compileNode(expr)(new Scope(this.context, { ...this.variables, ...extra }, this.now, this.origin, this.source));
  }

  attribute(name: string): Value {
    return fromAttribute(this.context.attribute(name));
  }

  raise(message: string): never {
    throw new SyncError(rulesErrors.ExpressionError, { message, syncRule: this.origin.syncRule ?? '(none)', attribute: this.origin.attribute ?? '(none)', expression: this.source });
  }
}

const UNSET: unique symbol = Symbol('unset');

/** A call's arguments, each evaluated on first use (IIF and Switch take one branch) and once. */
class LazyArgs implements FunctionArgs {
  private readonly values: (Value | typeof UNSET)[];
  constructor(
    private readonly exprs: Expr[],
    private readonly nodes: CompiledNode[],
    private readonly scope: Scope,
  ) {
    this.values = new Array<Value | typeof UNSET>(nodes.length).fill(UNSET);
  }

  get length(): number {
    return this.nodes.length;
  }

  value(index: number): Value {
    const known = this.values[index];
    if (known !== UNSET && known !== undefined) return known;
    const value = this.nodes[index]!(this.scope);
    this.values[index] = value;
    return value;
  }

  expr(index: number): Expr {
    return this.exprs[index]!;
  }
}

const compiledNodes = new WeakMap<Expr, CompiledNode>();

/**
 * The closure of a region's root, compiled once per node (with its arguments, lambda bodies included:
 * Scope.evaluate finds them here).
 */
export function compileNode(node: Expr): CompiledNode {
  let compiled = compiledNodes.get(node);
  if (!compiled) {
    compiled = compileRegion(node);
    compiledNodes.set(node, compiled);
  }
  return compiled;
}

/*
 * Multi-valued attributes. The expressions documentation: "For multi-valued attributes, the function
 * operates over every value and applies the same function to every value", for example
 * IIF(InStr([proxyAddresses],"SIP:")=1,NULL,[proxyAddresses]): "Look for the SIP-address and remove it
 * from the values". So an expression is applied per value, not only its innermost function: a region
 * is an expression's root, or an argument a function reads whole (Count, Contains, Item, Join,
 * IsPresent..., the lambdas of Select/Where/With: FunctionDef.whole), with everything below it down to
 * the next such argument. A region whose evaluation reads one [attribute] with several values (outside
 * the arguments read whole) is evaluated again once per value, that attribute standing for the value;
 * the results are the values (NULL ones dropped). Reading two multi-valued attributes keeps the whole
 * evaluation (the operators' and functions' own multi-valued rules). A single-valued evaluation costs
 * a check per read and a write per region, no allocation: the per-value pass happens only after a
 * multi-valued read (the whole evaluation is then done again, per value: its result is not used).
 */

/** An [attribute] of a region read per value: one per region and (case-insensitive) name. */
class PerValueRead {
  constructor(readonly name: string) {}
}
/** A region's evaluation read more than one multi-valued attribute. */
const SEVERAL: unique symbol = Symbol('several');

/**
 * A region: its per-value reads, and the state of its evaluation. A region is never evaluated inside
 * itself (a tree does not hold itself, evaluation is synchronous), so the state needs no stack.
 */
class Region {
  readonly reads = new Map<string, PerValueRead>();
  /** The multi-valued attribute this evaluation read; SEVERAL for more than one. */
  seen: PerValueRead | typeof SEVERAL | undefined = undefined;
  /** The read being applied per value, and the value it stands for now. */
  lifted: PerValueRead | undefined = undefined;
  liftedValue: Scalar = '';

  read(name: string): PerValueRead {
    const key = name.toLowerCase();
    let read = this.reads.get(key);
    if (!read) {
      read = new PerValueRead(name);
      this.reads.set(key, read);
    }
    return read;
  }
}

function compileRegion(root: Expr): CompiledNode {
  const region = new Region();
  const whole = compileIn(root, region, true);
  // A call at the root does the region's work in its own closure (compileIn).
  return region.reads.size === 0 || root.kind === 'call' ? whole : perValueRegion(region, whole);
}

/** A region's evaluation, per value when it reads one multi-valued attribute. */
function perValueRegion(region: Region, whole: CompiledNode): CompiledNode {
  return (s) => {
    region.seen = undefined;
    let result: Value;
    try {
      result = whole(s);
    } catch (err) {
      if (region.seen === undefined || region.seen === SEVERAL) throw err;
      return eachValue(s, region, whole, err);
    }
    if (region.seen === undefined || region.seen === SEVERAL) return result;
    return eachValue(s, region, whole, NO_ERROR, result);
  };
}

const NO_ERROR: unique symbol = Symbol('no error');

/**
 * The region read one multi-valued attribute: it is evaluated again per value, and that decides (the
 * whole evaluation's result, or what it threw, stands only when the per-value one reads a second
 * multi-valued attribute).
 */
function eachValue(s: Scope, region: Region, whole: CompiledNode, error: unknown, result: Value = null): Value {
  const read = region.seen as PerValueRead;
  const out: Scalar[] = [];
  let marker: FlowMarker | undefined;
  let several = false;
  try {
    for (const value of listOf(readAttribute(s, read.name))) {
      region.lifted = read;
      region.liftedValue = value;
      region.seen = undefined;
      const one = whole(s);
      if (region.seen !== undefined) {
        several = true;
        break;
      }
      if (one === null) continue;
      if (isMarker(one)) marker ??= one;
      else if (Array.isArray(one)) for (const v of one) out.push(v);
      else out.push(one);
    }
  } finally {
    region.lifted = undefined;
    region.seen = undefined;
  }
  if (several) {
    if (error !== NO_ERROR) throw error;
    return result;
  }
  // A marker only when no value came: IgnoreThisFlow or AuthoritativeNull for every value.
  if (out.length === 0) return marker ?? null;
  return out.length === 1 ? out[0]! : out;
}

/**
 * A whole argument's region never sees the enclosing region's per-value substitution, so within one
 * evaluation (one Scope) its value is the same in every per-value pass: computed once there. Without
 * it, nested regions are evaluated (values + 1) times per level: exponential in the nesting depth.
 */
function memoWhileLifted(node: CompiledNode, outer: Region): CompiledNode {
  const memo = new WeakMap<Scope, Value>();
  return (s) => {
    if (outer.lifted === undefined) return node(s);
    if (memo.has(s)) return memo.get(s)!;
    const value = node(s);
    memo.set(s, value);
    return value;
  };
}

function readAttribute(s: Scope, name: string): Value {
  return Object.prototype.hasOwnProperty.call(s.variables, name) ? s.variables[name]! : fromAttribute(s.context.attribute(name));
}

function compileIn(node: Expr, region: Region, isRoot = false): CompiledNode {
  switch (node.kind) {
    case 'string':
    case 'number':
    case 'boolean': {
      const value = node.value;
      return () => value;
    }
    case 'null':
      return () => null;
    case 'authoritativeNull':
      return () => AuthoritativeNull;
    case 'ignoreThisFlow':
      return () => IgnoreThisFlow;
    case 'attribute': {
      const name = node.name;
      // A region that is one attribute is its values.
      if (isRoot) return (s) => readAttribute(s, name);
      const self = region.read(name);
      return (s) => {
        if (region.lifted === self) return region.liftedValue;
        const value = readAttribute(s, name);
        if (Array.isArray(value) && value.length > 1) region.seen = region.seen === undefined || region.seen === self ? self : SEVERAL;
        return value;
      };
    }
    case 'variable': {
      const name = node.name;
      return (s) => {
        if (!Object.prototype.hasOwnProperty.call(s.variables, name)) throw new EvaluationProblem(`the variable $${name} is not bound`);
        return s.variables[name]!;
      };
    }
    case 'parameter': {
      const name = node.name;
      return (s) => s.context.parameter(name) ?? null;
    }
    case 'unary': {
      const operand = compileIn(node.operand, region);
      if (node.operator === '!') return (s) => !truthy(operand(s));
      return (s) => {
        const v = single(operand(s));
        return v === null ? null : -toNumber(v);
      };
    }
    case 'binary':
      return compileBinary(node.operator, compileIn(node.left, region), compileIn(node.right, region));
    case 'call': {
      const { name, args: exprs, column } = node;
      // An argument read whole starts a region of its own.
      const nodes = exprs.map((arg, i) => (takesWholeValue(name, i) ? memoWhileLifted(compileNode(arg), region) : compileIn(arg, region)));
      const named = (err: unknown): unknown =>
        err instanceof EvaluationProblem && !(err instanceof ReplacePatternProblem) && !err.message.startsWith(name) ? new EvaluationProblem(`${name} (column ${column}): ${err.message}`) : err;
      const call: CompiledNode = (s) => {
        try {
          return callFunction(name, new LazyArgs(exprs, nodes, s), s);
        } catch (err) {
          throw named(err);
        }
      };
      if (!isRoot || region.reads.size === 0) return call;
      // The root of a region that reads attributes per value: perValueRegion, in the call's own closure.
      return (s) => {
        region.seen = undefined;
        let result: Value;
        try {
          result = callFunction(name, new LazyArgs(exprs, nodes, s), s);
        } catch (err) {
          if (region.seen === undefined || region.seen === SEVERAL) throw named(err);
          return eachValue(s, region, call, named(err));
        }
        if (region.seen === undefined || region.seen === SEVERAL) return result;
        return eachValue(s, region, call, NO_ERROR, result);
      };
    }
  }
}

function compileBinary(op: BinaryOperator, left: CompiledNode, right: CompiledNode): CompiledNode {
  switch (op) {
    case '&&':
      return (s) => (truthy(left(s)) ? truthy(right(s)) : false);
    case '||':
      return (s) => (truthy(left(s)) ? true : truthy(right(s)));
    case '&':
      return (s) => concat(left(s), right(s));
    case '+':
    case '-':
    case '*':
    case '/':
      return (s) => arithmetic(op, left(s), right(s));
    default:
      return (s) => compare(op, left(s), right(s));
  }
}

/** Runs a compiled expression; a problem in it becomes ExpressionEvaluationFailed naming the rule and attribute. */
export function run(compiled: CompiledNode, context: ExpressionContext, origin: ExpressionOrigin = {}, source = ''): Value {
  try {
    return compiled(new Scope(context, {}, context.now ?? new Date(), origin, source));
  } catch (err) {
    if (err instanceof ReplacePatternProblem) {
      throw new SyncError(rulesErrors.ReplaceCharsPatternInvalid, { pattern: err.pattern, problem: err.problem, syncRule: origin.syncRule ?? '(none)', attribute: origin.attribute ?? '(none)', expression: source });
    }
    if (err instanceof EvaluationProblem) {
      throw new SyncError(rulesErrors.ExpressionEvaluationFailed, { syncRule: origin.syncRule ?? '(none)', attribute: origin.attribute ?? '(none)', problem: err.message, expression: source });
    }
    throw err;
  }
}

export function evaluate(expr: Expr, context: ExpressionContext, origin: ExpressionOrigin = {}, source = ''): Value {
  return run(compileNode(expr), context, origin, source);
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
