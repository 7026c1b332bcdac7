// Tokens of the expression language. Columns are 1-based so errors match what an editor shows.
import { SyncError } from '../errors/sync-error';
import { rulesErrors } from '../errors/catalog/rules';

export type TokenKind = 'string' | 'number' | 'attribute' | 'parameter' | 'variable' | 'identifier' | 'operator' | '(' | ')' | ',' | 'end';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Decoded value for string and number tokens. */
  value?: string | number;
  /**
   * A string literal as Replace reads it, set only when it differs from value: the reference
   * gives Replace (and no other function) the monikers \n, \r and \t.
   */
  monikerValue?: string;
  column: number;
}

const twoCharOperators = ['&&', '||', '<>', '<=', '>='];
const oneCharOperators = ['&', '=', '<', '>', '+', '-', '*', '/', '!'];
/** Replace's "special monikers" (functions reference, Replace remarks). */
const replaceMonikers = new Map([['n', '\n'], ['r', '\r'], ['t', '\t']]);

export function syntaxError(expression: string, column: number, problem: string): SyncError {
  return new SyncError(rulesErrors.ExpressionSyntaxError, { column, problem, expression });
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    const column = i + 1;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '"') {
      // Backslash escapes \" and \\ (the out-of-box rules search for "\\0ACNF:"). Other functions
      // see \n, \r and \t as written; monikers decodes them for Replace, after \\ so "\\n" stays \ + n.
      let value = '';
      let monikers = '';
      let j = i + 1;
      for (;;) {
        if (j >= source.length) throw syntaxError(source, column, 'unterminated string literal');
        const c = source[j]!;
        const escaped = source[j + 1];
        if (c === '\\' && (escaped === '"' || escaped === '\\')) {
          value += escaped;
          monikers += escaped;
          j += 2;
        } else if (c === '\\' && escaped !== undefined && replaceMonikers.has(escaped)) {
          value += c + escaped;
          monikers += replaceMonikers.get(escaped)!;
          j += 2;
        } else if (c === '"') {
          j++;
          break;
        } else {
          value += c;
          monikers += c;
          j++;
        }
      }
      const token: Token = { kind: 'string', text: source.slice(i, j), value, column };
      if (monikers !== value) token.monikerValue = monikers;
      tokens.push(token);
      i = j;
      continue;
    }
    if (ch === '[') {
      const end = source.indexOf(']', i);
      if (end < 0) throw syntaxError(source, column, 'attribute reference "[" is not closed with "]"');
      const name = source.slice(i + 1, end).trim();
      if (!name) throw syntaxError(source, column, 'empty attribute name "[]"');
      tokens.push({ kind: 'attribute', text: source.slice(i, end + 1), value: name, column });
      i = end + 1;
      continue;
    }
    if (ch === '%') {
      const end = source.indexOf('%', i + 1);
      if (end < 0) throw syntaxError(source, column, 'parameter reference "%" is not closed with "%"');
      const name = source.slice(i + 1, end).trim();
      if (!name) throw syntaxError(source, column, 'empty parameter name "%%"');
      tokens.push({ kind: 'parameter', text: source.slice(i, end + 1), value: name, column });
      i = end + 1;
      continue;
    }
    if (ch === '&' && (source[i + 1] === 'H' || source[i + 1] === 'h') && /[0-9a-fA-F]/.test(source[i + 2] ?? '')) {
      const match = /^&[Hh]([0-9a-fA-F]+)/.exec(source.slice(i))!;
      tokens.push({ kind: 'number', text: match[0], value: parseInt(match[1]!, 16), column });
      i += match[0].length;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const match = /^[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?|^[0-9]+/.exec(source.slice(i))!;
      tokens.push({ kind: 'number', text: match[0], value: Number(match[0]), column });
      i += match[0].length;
      continue;
    }
    if (ch === '$' || /[A-Za-z_]/.test(ch)) {
      const match = /^\$?[A-Za-z_][A-Za-z0-9_.]*/.exec(source.slice(i));
      if (!match) throw syntaxError(source, column, `unexpected character "${ch}"`);
      const text = match[0];
      tokens.push({ kind: text.startsWith('$') ? 'variable' : 'identifier', text, column });
      i += text.length;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch, text: ch, column });
      i++;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (twoCharOperators.includes(two)) {
      tokens.push({ kind: 'operator', text: two, column });
      i += 2;
      continue;
    }
    if (oneCharOperators.includes(ch)) {
      tokens.push({ kind: 'operator', text: ch, column });
      i++;
      continue;
    }
    throw syntaxError(source, column, `unexpected character "${ch}"`);
  }
  tokens.push({ kind: 'end', text: '', column: source.length + 1 });
  return tokens;
}
