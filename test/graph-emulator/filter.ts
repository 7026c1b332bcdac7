// The $filter subset Graph supports on directory objects, with its rules on which
// properties and operators need advanced-query parameters (reference section 3).
import { errors } from './graph-errors';

type Literal = string | number | boolean | null;
export type FilterNode =
  | { op: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { op: 'not'; operand: FilterNode }
  | { op: 'eq' | 'ne' | 'ge' | 'le'; property: string; value: Literal }
  | { op: 'in'; property: string; values: Literal[] }
  | { op: 'startsWith' | 'endsWith'; property: string; value: string }
  | { op: 'any'; property: string; inner: { op: 'eq' | 'startsWith' | 'endsWith'; value: string } };

type Token = { kind: 'word' | 'string' | 'punct' | 'number'; text: string; pos: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw errors.badFilter(`Syntax error: unterminated string literal at position ${i} in '${text}'.`);
        if (text[j] === "'") {
          if (text[j + 1] === "'") { value += "'"; j += 2; continue; }
          break;
        }
        value += text[j];
        j++;
      }
      tokens.push({ kind: 'string', text: value, pos: i });
      i = j + 1;
      continue;
    }
    if ('(),:/'.includes(ch)) { tokens.push({ kind: 'punct', text: ch, pos: i }); i++; continue; }
    // A DateTimeOffset literal (createdDateTime ge 2020-01-01T00:00:00Z) is compared as its text.
    const date = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?/.exec(text.slice(i));
    if (date && date[0].length > 4) { tokens.push({ kind: 'string', text: date[0], pos: i }); i += date[0].length; continue; }
    const m = /^[-+]?\d+(\.\d+)?/.exec(text.slice(i));
    if (m && (ch === '-' || /\d/.test(ch))) { tokens.push({ kind: 'number', text: m[0], pos: i }); i += m[0].length; continue; }
    const w = /^[A-Za-z_$@][A-Za-z0-9_.$@-]*/.exec(text.slice(i));
    if (!w) throw errors.badFilter(`Syntax error at position ${i} in '${text}'.`);
    tokens.push({ kind: 'word', text: w[0], pos: i });
    i += w[0].length;
  }
  return tokens;
}

export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const fail = (): never => {
    const t = tokens[at];
    throw errors.badFilter(`Syntax error at position ${t ? t.pos : text.length} in '${text}'.`);
  };
  const expect = (textWanted: string) => {
    const t = tokens[at];
    if (!t || t.text !== textWanted) fail();
    at++;
  };
  const word = (): string => {
    const t = tokens[at];
    if (!t || t.kind !== 'word') return fail();
    at++;
    return t.text;
  };
  const literal = (): Literal => {
    const t = tokens[at];
    if (!t) return fail();
    at++;
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'word' && (t.text === 'true' || t.text === 'false')) return t.text === 'true';
    if (t.kind === 'word' && t.text === 'null') return null;
    return fail();
  };
  /**
   * A property, or a path into a complex property (onPremisesExtensionAttributes/extensionAttribute1);
   * `proxyAddresses/any(...)` is a lambda, not a path.
   */
  const propertyPath = (): string => {
    let name = word();
    while (peek()?.text === '/' && tokens[at + 1]?.kind === 'word' && tokens[at + 2]?.text !== '(') {
      at++;
      name = `${name}/${word()}`;
    }
    return name;
  };
  const stringLiteral = (): string => {
    const v = literal();
    if (typeof v !== 'string') fail();
    return v as string;
  };

  const primary = (): FilterNode => {
    const t = peek();
    if (!t) return fail();
    if (t.text === '(') { at++; const e = orExpr(); expect(')'); return e; }
    if (t.kind === 'word' && t.text === 'not') { at++; return { op: 'not', operand: primary() }; }
    if (t.kind === 'word' && (t.text === 'startsWith' || t.text === 'endsWith') && tokens[at + 1]?.text === '(') {
      at += 2;
      const property = propertyPath();
      expect(',');
      const value = stringLiteral();
      expect(')');
      return { op: t.text, property, value };
    }
    const property = propertyPath();
    if (peek()?.text === '/') {
      at++;
      const fn = word();
      if (fn !== 'any') fail();
      expect('(');
      const variable = word();
      expect(':');
      let inner: { op: 'eq' | 'startsWith' | 'endsWith'; value: string };
      const n = peek();
      if (n && (n.text === 'startsWith' || n.text === 'endsWith')) {
        at++;
        expect('(');
        if (word() !== variable) fail();
        expect(',');
        inner = { op: n.text, value: stringLiteral() };
        expect(')');
      } else {
        if (word() !== variable) fail();
        if (word() !== 'eq') fail();
        inner = { op: 'eq', value: stringLiteral() };
      }
      expect(')');
      return { op: 'any', property, inner };
    }
    const operator = word();
    if (operator === 'in') {
      expect('(');
      const values: Literal[] = [literal()];
      while (peek()?.text === ',') { at++; values.push(literal()); }
      expect(')');
      return { op: 'in', property, values };
    }
    if (operator !== 'eq' && operator !== 'ne' && operator !== 'ge' && operator !== 'le') return fail();
    return { op: operator, property, value: literal() };
  };
  const andExpr = (): FilterNode => {
    let left = primary();
    while (peek()?.kind === 'word' && peek()?.text === 'and') { at++; left = { op: 'and', left, right: primary() }; }
    return left;
  };
  const orExpr = (): FilterNode => {
    let left = andExpr();
    while (peek()?.kind === 'word' && peek()?.text === 'or') { at++; left = { op: 'or', left, right: andExpr() }; }
    return left;
  };
  const tree = orExpr();
  if (at !== tokens.length) fail();
  return tree;
}

export interface FilterRules {
  resource: string;
  declared: Record<string, unknown>;
  filterable: Record<string, 'default' | 'advanced'>;
  endsWith: Set<string>;
  advanced: boolean;
}

/** The clauses one chain of 'or' joins (a or b or c: 3), at this node. */
function orClauses(node: FilterNode): number {
  return node.op === 'or' ? orClauses(node.left) + orClauses(node.right) : 1;
}

/** Graph takes at most 15 clauses joined by 'or' (Microsoft Graph known issues: query parameter limitations). */
function checkOrChains(node: FilterNode, parentIsOr = false): void {
  if (node.op === 'or' && !parentIsOr && orClauses(node) > 15) throw errors.tooManyOrClauses(orClauses(node));
  if (node.op === 'and' || node.op === 'or') {
    checkOrChains(node.left, node.op === 'or');
    checkOrChains(node.right, node.op === 'or');
  } else if (node.op === 'not') checkOrChains(node.operand);
}

/** Reject what Graph rejects: unknown or unindexed properties, advanced operators without AQ, too many 'or' clauses. */
export function checkFilter(node: FilterNode, rules: FilterRules): void {
  checkOrChains(node);
  checkClauses(node, rules);
}

function checkClauses(node: FilterNode, rules: FilterRules): void {
  const needAdvanced = (operator: string) => { if (!rules.advanced) throw errors.advancedQueryRequired(operator); };
  const property = (name: string) => {
    // A path names a declared complex property first (onPremisesExtensionAttributes/extensionAttributeN).
    const head = name.split('/')[0]!;
    if (!(head in rules.declared)) throw errors.unknownQueryProperty(head);
    const support = rules.filterable[name];
    if (!support || (support === 'advanced' && !rules.advanced)) throw errors.unsupportedFilterProperty(name, rules.resource);
  };
  switch (node.op) {
    case 'and': case 'or': checkClauses(node.left, rules); checkClauses(node.right, rules); return;
    case 'not': needAdvanced('not'); checkClauses(node.operand, rules); return;
    case 'ne': needAdvanced('ne'); property(node.property); return;
    case 'endsWith':
      property(node.property);
      if (!rules.endsWith.has(node.property)) throw errors.unsupportedFilterProperty(node.property, rules.resource);
      needAdvanced('endsWith');
      return;
    case 'eq':
      property(node.property);
      if (node.value === null && node.property === 'onPremisesImmutableId') throw errors.unsupportedFilterProperty(node.property, rules.resource);
      return;
    case 'any':
      property(node.property);
      if (node.inner.op === 'endsWith') needAdvanced('endsWith');
      return;
    default: property(node.property);
  }
}

/** The value of a property or of a path into a complex property. */
function valueAt(object: Record<string, unknown>, property: string): unknown {
  if (!property.includes('/')) return object[property];
  let value: unknown = object;
  for (const part of property.split('/')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

// Directory string comparisons ignore case; the source anchor is compared exactly.
const exactProperties = new Set(['onPremisesImmutableId']);
function same(property: string, actual: unknown, wanted: Literal): boolean {
  if (wanted === null) return actual === null || actual === undefined;
  if (typeof actual === 'string' && typeof wanted === 'string') {
    return exactProperties.has(property) ? actual === wanted : actual.toLowerCase() === wanted.toLowerCase();
  }
  return actual === wanted;
}
const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : '');

export function matches(node: FilterNode, object: Record<string, unknown>): boolean {
  switch (node.op) {
    case 'and': return matches(node.left, object) && matches(node.right, object);
    case 'or': return matches(node.left, object) || matches(node.right, object);
    case 'not': return !matches(node.operand, object);
    case 'eq': return same(node.property, valueAt(object, node.property), node.value);
    case 'ne': return !same(node.property, valueAt(object, node.property), node.value);
    case 'ge': return String(valueAt(object, node.property) ?? '') >= String(node.value);
    case 'le': return String(valueAt(object, node.property) ?? '') <= String(node.value);
    case 'in': return node.values.some((v) => same(node.property, valueAt(object, node.property), v));
    case 'startsWith': return lower(valueAt(object, node.property)).startsWith(node.value.toLowerCase());
    case 'endsWith': return lower(valueAt(object, node.property)).endsWith(node.value.toLowerCase());
    case 'any': {
      const values = object[node.property];
      if (!Array.isArray(values)) return false;
      const want = node.inner.value.toLowerCase();
      return values.some((v) => {
        const s = lower(v);
        return node.inner.op === 'eq' ? s === want : node.inner.op === 'startsWith' ? s.startsWith(want) : s.endsWith(want);
      });
    }
  }
}
