// Reading the configuration's JSON with the position of every value and key, so a problem can
// name a line and column beside its JSON path. jsonc-parser (the parser of VS Code's own JSON
// language service) finds the syntax errors and the offsets, in strict JSON mode: no comments,
// no trailing commas. The value itself is JSON.parse's, so it is exactly what JSON means.
import { createScanner, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

// jsonc-parser's SyntaxKind is a const enum, which isolated modules cannot read: its values.
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const EOF = 17;

export interface Position {
  line: number;
  column: number;
}

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly position: Position) {
    super(message);
  }
}

export interface PositionedJson {
  value: unknown;
  /** JSON pointer ("" for the root, "/activeDirectory/0/url") -> position of the value. */
  values: Map<string, Position>;
  /** JSON pointer of a property -> position of its key. */
  keys: Map<string, Position>;
}

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** Objects and arrays nested deeper than this are refused (the configuration needs 6 levels; parsing must not exhaust the stack). */
export const MAX_JSON_DEPTH = 64;

const messages: Partial<Record<ReturnType<typeof printParseErrorCode>, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":" after the property name',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "," or "}"',
  CloseBracketExpected: 'expected "," or "]"',
  EndOfFileExpected: 'unexpected text after the end of the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'invalid number',
  InvalidUnicode: 'invalid \\u escape in string',
  InvalidEscapeCharacter: 'invalid escape in string',
  InvalidCharacter: 'a line break or control character inside a string must be escaped',
};

/** Line starts of a text, to turn offsets into 1-based lines and columns (UTF-16 units). */
function positionsOf(text: string): (offset: number) => Position {
  const starts = [0];
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) starts.push(k + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  };
}

export function parseJsonWithPositions(text: string): PositionedJson {
  // A byte-order mark is not JSON; positions still count it, as an editor shows the file.
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const body = text.slice(bom);
  const toPosition = positionsOf(text);
  const at = (offset: number) => toPosition(offset + bom);

  // The depth first, with the scanner (iterative): the tree parser recurses per level.
  const scanner = createScanner(body, true);
  let depth = 0;
  for (let token = scanner.scan(); token !== EOF; token = scanner.scan()) {
    if (token === OPEN_BRACE || token === OPEN_BRACKET) {
      if (++depth > MAX_JSON_DEPTH) throw new JsonSyntaxError(`objects and arrays are nested deeper than ${MAX_JSON_DEPTH} levels`, at(scanner.getTokenOffset()));
    } else if (token === CLOSE_BRACE || token === CLOSE_BRACKET) depth--;
  }

  const errors: ParseError[] = [];
  const root = parseTree(body, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first || !root) {
    const offset = first?.offset ?? 0;
    const message = offset >= body.length ? 'unexpected end of file' : (first && messages[printParseErrorCode(first.error)]) ?? 'not JSON';
    throw new JsonSyntaxError(message, at(offset));
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    // What the tree parser accepts, JSON.parse accepts too; this names the rare difference.
    throw new JsonSyntaxError((err as Error).message, at(0));
  }

  const values = new Map<string, Position>();
  const keys = new Map<string, Position>();
  const pending: Array<{ node: Node; pointer: string }> = [{ node: root, pointer: '' }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { node, pointer } = item;
    values.set(pointer, at(node.offset));
    // Children are pushed last first, so they are visited in document order (a repeated key's
    // position is its last, whose value JSON.parse keeps).
    const children: Array<{ node: Node; pointer: string }> = [];
    if (node.type === 'object') {
      for (const property of node.children ?? []) {
        const [key, child] = property.children ?? [];
        if (!key || !child) continue;
        const childPointer = `${pointer}/${escapePointer(String(key.value))}`;
        keys.set(childPointer, at(key.offset));
        children.push({ node: child, pointer: childPointer });
      }
    } else if (node.type === 'array') {
      (node.children ?? []).forEach((child, index) => children.push({ node: child, pointer: `${pointer}/${index}` }));
    }
    // One push per child: spreading 300,000 of them as arguments overflows the stack.
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
  }
  return { value, values, keys };
}

/** "/activeDirectory/0/url" -> "$.activeDirectory[0].url" */
export function pointerToPath(pointer: string): string {
  let out = '$';
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(segment) ? `[${segment}]` : /^[A-Za-z_$][\w$]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  }
  return out;
}
