// LDIF (RFC 2849) reading and writing for snapshots: `ldifde -f` and `ldapsearch -LLL`
// exports. Reads comments, folded lines, `::` base64 values, `changetype: add` and plain
// content records; binary attributes become bytes, other base64 values UTF-8 text.
import type { AttributeValue, Attributes } from '../../../engine/model/attributes';
import type { DirectoryObject } from '../../../engine/model/directory-object';
import type { RootDse } from '../../../engine/ports/directory-source';
import { isBinaryAttribute } from '../binary-attributes';
import { parseRangedName } from '../entry-values';
import { entriesOf } from '../../../engine/model/records';

export class LdifSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
    this.name = 'LdifSyntaxError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeBase64(value: string, line: number): Uint8Array {
  const clean = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) throw new LdifSyntaxError(line, 'the base64 value is malformed');
  return new Uint8Array(Buffer.from(clean, 'base64'));
}

/** A record of the file, with the line its "dn:" is on (to name it when the DN is refused later). */
export interface LdifRecord extends DirectoryObject {
  readonly line: number;
}

/**
 * Where a record is in an LDIF text: a run of non-empty lines from `start` to `end` (offsets in
 * the text; records are separated by empty lines) whose first line is line number `line`.
 * A span holds one record, or only comments and a "version:" line.
 */
export interface LdifSpan {
  start: number;
  end: number;
  line: number;
}

/**
 * The spans of an LDIF text, found with indexOf alone (no parsing, nothing kept): a snapshot
 * can be indexed by where its records are and each record parsed when it is needed.
 */
export function* ldifSpans(text: string): Generator<LdifSpan> {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let start = -1;
  let startLine = 0;
  for (;;) {
    const nl = text.indexOf('\n', pos);
    let end = nl < 0 ? text.length : nl;
    // "\r\n" ends a line as "\n" does; a "\r" of the last, unterminated line stays in it.
    if (nl >= 0 && end > pos && text.charCodeAt(end - 1) === 13) end--;
    if (end === pos) {
      if (start >= 0) yield { start, end: pos, line: startLine };
      start = -1;
    } else if (start < 0) {
      start = pos;
      startLine = line;
    }
    if (nl < 0) break;
    pos = nl + 1;
    line++;
  }
  if (start >= 0) yield { start, end: text.length, line: startLine };
}

/** Parses an LDIF text into objects. Throws LdifSyntaxError with the line number. */
export function parseLdif(text: string): LdifRecord[] {
  const objects: LdifRecord[] = [];
  for (const span of ldifSpans(text)) {
    const record = parseLdifSpan(text, span);
    // The line is not enumerable: it never travels on with the object (state, JSON, comparisons).
    if (record) objects.push(Object.defineProperty(record.object, 'line', { value: record.line, enumerable: false }) as LdifRecord);
  }
  return objects;
}

/**
 * The record of one span (undefined when the span holds only comments and "version:"), with
 * the line its "dn:" is on. Throws LdifSyntaxError with the line number. Each call builds a
 * new object: the caller owns it.
 */
export function parseLdifSpan(text: string, span: LdifSpan): { object: DirectoryObject; line: number } | undefined {
  let current: { dn: string; attributes: Attributes; line: number } | undefined;
  /** Lower-case name -> the spelling first seen in this record. */
  const keys = new Map<string, string>();
  let ranged = false;

  const take = (l: string, line: number): void => {
    if (l.startsWith('#')) return;
    // ':<' before '::?': otherwise "name:< file:///x" reads as the text "< file:///x".
    const m = /^([A-Za-z0-9][A-Za-z0-9.-]*(?:;[A-Za-z0-9=*.-]+)*)(:<|::?)(.*)$/.exec(l);
    if (!m) throw new LdifSyntaxError(line, `expected "attribute: value", found "${l.slice(0, 40)}"`);
    const [, rawName, separator, rest] = m as unknown as [string, string, string, string];
    const name = rawName.replace(/;binary$/i, '');
    const valueText = rest.replace(/^ +/, '');
    if (separator === ':<') throw new LdifSyntaxError(line, `the value of "${name}" is a URL (":<"); snapshots must carry their values inline, the tool never reads URLs`);
    const bytes = separator === '::' ? decodeBase64(valueText, line) : undefined;

    if (!current) {
      if (name.toLowerCase() === 'version') return;
      if (name.toLowerCase() !== 'dn') throw new LdifSyntaxError(line, `a record must start with "dn:", found "${name}:"`);
      let dn: string;
      try {
        dn = bytes ? utf8.decode(bytes) : valueText;
      } catch {
        throw new LdifSyntaxError(line, 'the base64 dn is not UTF-8');
      }
      current = { dn, attributes: {}, line };
      return;
    }
    const lower = name.toLowerCase();
    if (lower === 'changetype') {
      if (valueText.trim().toLowerCase() !== 'add') throw new LdifSyntaxError(line, `only "changetype: add" records can be read, found "${valueText.trim()}"`);
      return;
    }
    if (lower === 'dn') throw new LdifSyntaxError(line, 'a second "dn:" without an empty line before it');
    let value: AttributeValue;
    if (bytes && isBinaryAttribute(name)) value = bytes;
    else if (bytes) {
      try {
        value = utf8.decode(bytes);
      } catch {
        value = bytes; // not text: keep the bytes
      }
    } else value = valueText;
    const key = keys.get(lower);
    // A one-value array literal, not [] + push: push gives an empty array room for 16 values.
    if (key === undefined) {
      keys.set(lower, name);
      current.attributes[name] = [value];
      if (lower.includes(';range=')) ranged = true;
    } else current.attributes[key]!.push(value);
  };

  // Logical lines: a line starting with one space continues the previous one (dropped when
  // that one is a comment).
  let logical: string | undefined;
  let logicalLine = 0;
  let line = span.line;
  for (let pos = span.start; pos < span.end; line++) {
    const nl = text.indexOf('\n', pos);
    const terminated = nl >= 0 && nl < span.end;
    let end = terminated ? nl : span.end;
    if (terminated && end > pos && text.charCodeAt(end - 1) === 13) end--;
    if (text.charCodeAt(pos) === 32 && logical !== undefined) {
      if (!logical.startsWith('#')) logical += text.slice(pos + 1, end);
    } else {
      if (logical !== undefined) take(logical, logicalLine);
      logical = text.slice(pos, end);
      logicalLine = line;
    }
    pos = terminated ? nl + 1 : span.end;
  }
  if (logical !== undefined) take(logical, logicalLine);
  if (!current) return undefined;
  const attributes = ranged ? mergeRanged(current.attributes) : current.attributes;
  // Arrays that grew past one value by push have room for 16 more: keep only what they hold.
  for (const name of Object.keys(attributes)) if (attributes[name]!.length > 1) attributes[name] = attributes[name]!.slice();
  return { object: { dn: current.dn, attributes }, line: current.line };
}

/** `member;range=0-1499` + `member;range=1500-*` -> `member`. */
function mergeRanged(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [key, values] of entriesOf(attributes)) {
    const name = parseRangedName(key)?.name ?? key;
    const existing = Object.keys(out).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
    const held = out[existing];
    out[existing] = held ? [...held, ...values] : values;
  }
  return out;
}

// ---------- writing ----------

function isSafeString(value: string): boolean {
  // RFC 2849 SAFE-STRING: ASCII without NUL, LF, CR; not starting with space, ':' or '<'.
  // Also no trailing space (some readers trim it).
  if (value === '') return true;
  if (value.startsWith(' ') || value.startsWith(':') || value.startsWith('<') || value.endsWith(' ')) return false;
  for (let k = 0; k < value.length; k++) {
    const code = value.charCodeAt(k);
    if (code === 0 || code === 10 || code === 13 || code > 127) return false;
  }
  return true;
}

function fold(line: string): string {
  if (line.length <= 76) return line;
  const parts = [line.slice(0, 76)];
  for (let k = 76; k < line.length; k += 75) parts.push(' ' + line.slice(k, k + 75));
  return parts.join('\n');
}

function attributeLine(name: string, value: AttributeValue): string {
  if (value instanceof Uint8Array) return fold(`${name}:: ${Buffer.from(value).toString('base64')}`);
  const text = String(value);
  return fold(isSafeString(text) ? `${name}: ${text}` : `${name}:: ${Buffer.from(text, 'utf8').toString('base64')}`);
}

/** Writes objects as LDIF content records (`changetype: add`), binary values as `::` base64. */
export function toLdif(objects: DirectoryObject[], header: string[] = []): string {
  const blocks = objects.map((object) => {
    const lines = [attributeLine('dn', object.dn), 'changetype: add'];
    for (const [name, values] of entriesOf(object.attributes)) for (const v of values) lines.push(attributeLine(name, v));
    return lines.join('\n');
  });
  return [...header.map((h) => `# ${h}`), 'version: 1', '', blocks.join('\n\n'), ''].join('\n');
}

/** The RootDSE as the entry with the empty DN that an LDIF snapshot carries (read back by the LDIF source). */
export function rootDseEntry(dse: RootDse): DirectoryObject {
  return {
    dn: '',
    attributes: {
      defaultNamingContext: [dse.defaultNamingContext],
      namingContexts: dse.namingContexts,
      configurationNamingContext: [dse.configurationNamingContext],
      ...(dse.dnsHostName ? { dnsHostName: [dse.dnsHostName] } : {}),
    },
  };
}
