// A small JSON reader that remembers where each value starts, so configuration problems can
// name a line and column next to their JSON path. Also reports syntax errors with a position.

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

/** Objects and arrays nested deeper than this are refused (the configuration needs 6 levels; recursion must not exhaust the stack). */
export const MAX_JSON_DEPTH = 64;

export function parseJsonWithPositions(text: string): PositionedJson {
  const values = new Map<string, Position>();
  const keys = new Map<string, Position>();
  let i = 0;
  let line = 1;
  let lineStart = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  const here = (): Position => ({ line, column: i - lineStart + 1 });
  const fail = (message: string): never => {
    throw new JsonSyntaxError(message, here());
  };
  const skip = () => {
    while (i < text.length) {
      const c = text[i];
      if (c === '\n') {
        line++;
        i++;
        lineStart = i;
      } else if (c === ' ' || c === '\t' || c === '\r') i++;
      else break;
    }
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      if (text[i] === '\n') fail('line break inside a string');
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      i = start;
      return fail('invalid escape in string');
    }
  };
  const readValue = (pointer: string, depth = 0): unknown => {
    skip();
    values.set(pointer, here());
    const c = text[i];
    if ((c === '{' || c === '[') && depth >= MAX_JSON_DEPTH) fail(`objects and arrays are nested deeper than ${MAX_JSON_DEPTH} levels`);
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      skip();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        skip();
        if (text[i] !== '"') fail('expected a property name in double quotes');
        const keyPos = here();
        const key = readString();
        const child = `${pointer}/${escapePointer(key)}`;
        keys.set(child, keyPos);
        skip();
        if (text[i] !== ':') fail(`expected ":" after "${key}"`);
        i++;
        obj[key] = readValue(child, depth + 1);
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      skip();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(readValue(`${pointer}/${arr.length}`, depth + 1));
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return readString();
    const literal = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (!literal) return fail(i >= text.length ? 'unexpected end of file' : `unexpected character "${c}"`);
    i += literal[0].length;
    return JSON.parse(literal[0]);
  };
  const value = readValue('');
  skip();
  if (i < text.length) fail('unexpected text after the end of the JSON value');
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
