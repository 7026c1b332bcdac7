// Recursive-descent parser. Evaluation order (Entra Connect's): operators of one level are
// evaluated left to right with equal priority; parentheses change the order. Three levels
// keep the out-of-box rules meaning what they say:
//   logical  && ||                    (lowest, left to right, equal priority)
//   compare  = <> < <= > >=
//   operand  & + - * /                (left to right, equal priority: 2*5+3 = 13)
// Unknown functions and wrong argument counts are errors here, at load time.
import type { BinaryOperator, Expr } from './ast';
import { syntaxError, tokenize, type Token } from './lexer';
import { SyncError } from '../errors/sync-error';
import { rulesErrors } from '../errors/catalog/rules';
import { functionNamedIgnoringCase, functionSignature, parseReplacePattern, ReplacePatternProblem } from './functions';

/**
 * The enumerations the functions reference writes without quotes: ConvertFromBase64(s, UTF8),
 * InStr(s, t, 1, vbTextCompare), Contains([proxyAddresses], "smtp:", CaseInsensitive). Each is
 * its name as text (VB names are case-insensitive); the functions read them so.
 */
const ENUM_CONSTANTS = new Map(['UTF8', 'Unicode', 'ASCII', 'vbTextCompare', 'vbBinaryCompare', 'CaseInsensitive', 'CaseSensitive'].map((name) => [name.toLowerCase(), name]));

const logical = new Set(['&&', '||']);
const comparison = new Set(['=', '<>', '<', '<=', '>', '>=']);
const operand = new Set(['&', '+', '-', '*', '/']);

/** Nesting (parentheses, calls, unary operators, operator chains) beyond this is refused: evaluation recurses. */
export const MAX_EXPRESSION_DEPTH = 200;

export function parseExpression(source: string): Expr {
  const tokens = tokenize(source);
  let pos = 0;
  let depth = 0;
  const enter = (column: number, extra = 0): void => {
    if (depth + 1 + extra > MAX_EXPRESSION_DEPTH) throw syntaxError(source, column, `the expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels`);
    depth++;
  };
  const peek = (): Token => tokens[pos]!;
  const next = (): Token => tokens[pos++]!;

  const expect = (kind: Token['kind'], what: string): Token => {
    const token = peek();
    if (token.kind !== kind) throw syntaxError(source, token.column, `expected ${what} but found ${describe(token)}`);
    return next();
  };

  const binaryLevel = (operators: Set<string>, lower: () => Expr) => (): Expr => {
    let left = lower();
    // Each operator of a chain adds a level to the (left-deep) tree.
    let chain = 0;
    while (peek().kind === 'operator' && operators.has(peek().text)) {
      const op = next();
      enter(op.column, chain);
      depth--;
      chain++;
      depth += chain;
      const right = lower();
      depth -= chain;
      left = { kind: 'binary', operator: op.text as BinaryOperator, left, right, column: op.column };
    }
    return left;
  };

  const parseUnary = (): Expr => {
    const token = peek();
    if (token.kind === 'operator' && (token.text === '!' || token.text === '-')) {
      next();
      enter(token.column);
      const operand = parseUnary();
      depth--;
      if (token.text === '-' && operand.kind === 'number') return { ...operand, value: -operand.value, column: token.column };
      return { kind: 'unary', operator: token.text, operand, column: token.column };
    }
    return parsePrimary();
  };

  const parsePrimary = (): Expr => {
    const token = next();
    switch (token.kind) {
      case 'string':
        if (token.monikerValue !== undefined) return { kind: 'string', value: token.value as string, monikerValue: token.monikerValue, column: token.column };
        return { kind: 'string', value: token.value as string, column: token.column };
      case 'number':
        return { kind: 'number', value: token.value as number, column: token.column };
      case 'attribute':
        return { kind: 'attribute', name: token.value as string, column: token.column };
      case 'parameter':
        return { kind: 'parameter', name: token.value as string, column: token.column };
      case 'variable':
        return { kind: 'variable', name: token.text.slice(1), column: token.column };
      case '(': {
        enter(token.column);
        const inner = parseLogical();
        depth--;
        expect(')', '")"');
        return inner;
      }
      case 'identifier': {
        if (peek().kind === '(') return parseCall(token);
        const word = token.text.toLowerCase();
        if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true', column: token.column };
        if (token.text === 'NULL' || token.text === 'Null' || token.text === 'null') return { kind: 'null', column: token.column };
        if (token.text === 'AuthoritativeNull') return { kind: 'authoritativeNull', column: token.column };
        if (token.text === 'IgnoreThisFlow') return { kind: 'ignoreThisFlow', column: token.column };
        // "Built-in constants and literals are expressed with only their name: NULL, CRLF, IgnoreThisFlow".
        if (token.text === 'CRLF') return { kind: 'string', value: '\r\n', column: token.column };
        const constant = ENUM_CONSTANTS.get(word);
        if (constant !== undefined) return { kind: 'string', value: constant, column: token.column };
        throw syntaxError(source, token.column, `unknown word "${token.text}" (attributes are written [name], parameters %name%, strings "text")`);
      }
      default:
        throw syntaxError(source, token.column, `unexpected ${describe(token)}`);
    }
  };

  const parseCall = (name: Token): Expr => {
    next(); // (
    enter(name.column);
    const args: Expr[] = [];
    if (peek().kind !== ')') {
      for (;;) {
        args.push(parseLogical());
        if (peek().kind === ',') {
          next();
          continue;
        }
        break;
      }
    }
    expect(')', '"," or ")"');
    depth--;
    const signature = functionSignature(name.text);
    if (!signature) {
      const known = functionNamedIgnoringCase(name.text);
      throw new SyncError(rulesErrors.UnknownFunction, { name: name.text, column: name.column, suggestion: known ? ` (did you mean ${known}?)` : '', expression: source });
    }
    if (args.length < signature.min || args.length > signature.max || (signature.even && args.length % 2 !== 0)) {
      const expected = signature.min === signature.max ? String(signature.min) : signature.max === Infinity ? `${signature.min} or more${signature.even ? ' (an even number)' : ''}` : `${signature.min} to ${signature.max}`;
      throw new SyncError(rulesErrors.WrongArgumentCount, { name: name.text, column: name.column, expected, actual: args.length, expression: source });
    }
    // A literal ReplacePattern is parsed now: its "parsing error" is a load-time error, as a syntax error is.
    if (name.text === 'ReplaceChars' && args[1]?.kind === 'string') {
      try {
        parseReplacePattern(args[1].value);
      } catch (err) {
        if (err instanceof ReplacePatternProblem) throw new SyncError(rulesErrors.ReplaceCharsPatternInvalid, { pattern: err.pattern, problem: err.problem, column: args[1].column, expression: source });
        throw err;
      }
    }
    return { kind: 'call', name: name.text, args, column: name.column };
  };

  const parseOperand = binaryLevel(operand, parseUnary);
  const parseComparison = binaryLevel(comparison, parseOperand);
  const parseLogical = binaryLevel(logical, parseComparison);

  if (peek().kind === 'end') throw syntaxError(source, 1, 'the expression is empty');
  const tree = parseLogical();
  const rest = peek();
  if (rest.kind !== 'end') throw syntaxError(source, rest.column, `unexpected ${describe(rest)} after a complete expression`);
  checkBindings(tree, source);
  return tree;
}

/**
 * The functions that bind a $variable: Select(var item, mvattr attribute, func function),
 * Where(var item, mvattr attribute, exp condition), With(var variable, exp subExpression, exp
 * complexExpression). The variable, their first argument, is bound in their last argument only.
 */
const BINDERS = new Set(['Select', 'Where', 'With']);

/**
 * The comparison and option enumerations a function documents, by function and argument index
 * (compared without case; the comparison ones as caseInsensitive in functions.ts reads them): a
 * literal outside them is a load-time error, never read silently as another option (Contains with
 * "CaseInsensitve" comparing with case, DNComponentRev with "OU" ignoring nothing). The functions
 * that refuse an unknown option themselves (ConvertFromBase64's Encoding, CertNameInfo's
 * X509NameType) say so when evaluated.
 */
const COMPARE = ['CaseInsensitive', 'CaseSensitive', 'vbTextCompare', 'vbBinaryCompare', '0', '1'];
const ENUM_ARGUMENTS: Record<string, { index: number; names: readonly string[] }> = {
  Contains: { index: 2, names: COMPARE },
  InStr: { index: 3, names: COMPARE },
  InStrRev: { index: 3, names: COMPARE },
  DNComponentRev: { index: 2, names: ['DC'] },
};

/**
 * What the parse alone cannot see, checked at load time as a syntax error is, so that a rule that
 * would fail every object fails its load instead, naming the place: a $variable used where no
 * Select, Where or With binds it (misspelt, or outside them), a binder whose first argument is not
 * a $variable, and a literal enumeration argument the reference does not document.
 */
function checkBindings(expr: Expr, source: string, bound: ReadonlySet<string> = new Set()): void {
  switch (expr.kind) {
    case 'variable':
      if (!bound.has(expr.name)) {
        const inScope = [...bound].map((name) => `$${name}`).join(', ');
        throw syntaxError(source, expr.column, `the variable $${expr.name} is not bound: a $variable is the first argument of Select, Where or With and is used in its last argument${inScope ? ` (bound here: ${inScope})` : ''}`);
      }
      return;
    case 'call': {
      const enumeration = ENUM_ARGUMENTS[expr.name];
      const option = enumeration ? expr.args[enumeration.index] : undefined;
      if (enumeration && option?.kind === 'string' && !enumeration.names.some((name) => name.toLowerCase() === option.value.trim().toLowerCase())) {
        throw syntaxError(source, option.column, `${expr.name} does not know the option "${option.value}" (the functions reference documents ${enumeration.names.filter((n) => !/^\d$/.test(n)).join(', ')})`);
      }
      if (!BINDERS.has(expr.name)) {
        for (const arg of expr.args) checkBindings(arg, source, bound);
        return;
      }
      const [variable, input, body] = expr.args as [Expr, Expr, Expr];
      if (variable.kind !== 'variable' && variable.kind !== 'attribute') {
        throw syntaxError(source, variable.column, `${expr.name} takes a $variable as its first argument (${expr.name}($item, ...))`);
      }
      checkBindings(input, source, bound);
      checkBindings(body, source, new Set([...bound, variable.name]));
      return;
    }
    case 'unary':
      checkBindings(expr.operand, source, bound);
      return;
    case 'binary':
      checkBindings(expr.left, source, bound);
      checkBindings(expr.right, source, bound);
      return;
    default:
      return;
  }
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end of the expression' : `"${token.text}"`;
}

/** Attribute names an expression reads ([attr] and ImportedValue("attr") / ValueCount("attr")). */
export function referencedAttributes(expr: Expr, into: Set<string> = new Set()): Set<string> {
  switch (expr.kind) {
    case 'attribute':
      into.add(expr.name);
      break;
    case 'call':
      if ((expr.name === 'ImportedValue' || expr.name === 'ValueCount') && expr.args[0]?.kind === 'string') into.add(expr.args[0].value);
      for (const arg of expr.args) referencedAttributes(arg, into);
      break;
    case 'unary':
      referencedAttributes(expr.operand, into);
      break;
    case 'binary':
      referencedAttributes(expr.left, into);
      referencedAttributes(expr.right, into);
      break;
    default:
      break;
  }
  return into;
}
