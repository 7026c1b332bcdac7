// LDIF (RFC 2849) reading and writing for snapshots: `ldifde -f` and `ldapsearch -LLL`
// exports. Reads comments, folded lines, `::` base64 values, `changetype: add` and plain
// content records; binary attributes become bytes, other base64 values UTF-8 text.
import type { AttributeValue, Attributes } from '../../../engine/model/attributes';
import type { DirectoryObject } from '../../../engine/model/directory-object';
import type { RootDse } from '../../../engine/ports/directory-source';
import { isBinaryAttribute } from '../binary-attributes';
import { parseRangedName } from '../entry-values';

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

interface PhysicalLine {
  text: string;
  /** 1-based line number in the file where this logical line starts. */
  line: number;
}

/** Unfolds continuation lines (a line starting with one space continues the previous one). */
function logicalLines(text: string): PhysicalLine[] {
  const out: PhysicalLine[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    if (raw.startsWith(' ') && out.length > 0 && out[out.length - 1]!.text !== '') {
      const last = out[out.length - 1]!;
      if (!last.text.startsWith('#')) last.text += raw.slice(1);
      return;
    }
    out.push({ text: raw, line: index + 1 });
  });
  return out;
}

function decodeBase64(value: string, line: number): Uint8Array {
  const clean = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) throw new LdifSyntaxError(line, 'the base64 value is malformed');
  return new Uint8Array(Buffer.from(clean, 'base64'));
}

/** Parses an LDIF text into objects. Throws LdifSyntaxError with the line number. */
/** A record of the file, with the line its "dn:" is on (to name it when the DN is refused later). */
export interface LdifRecord extends DirectoryObject {
  readonly line: number;
}

export function parseLdif(text: string): LdifRecord[] {
  const objects: LdifRecord[] = [];
  let current: { dn: string; attributes: Attributes; line: number } | undefined;
  const finish = (): void => {
    // The line is not enumerable: it never travels on with the object (state, JSON, comparisons).
    if (current) objects.push(Object.defineProperty({ dn: current.dn, attributes: mergeRanged(current.attributes) }, 'line', { value: current.line, enumerable: false }) as LdifRecord);
    current = undefined;
  };

  for (const { text: l, line } of logicalLines(text)) {
    if (l === '') {
      finish();
      continue;
    }
    if (l.startsWith('#')) continue;
    // ':<' before '::?': otherwise "name:< file:///x" reads as the text "< file:///x".
    const m = /^([A-Za-z0-9][A-Za-z0-9.-]*(?:;[A-Za-z0-9=*.-]+)*)(:<|::?)(.*)$/.exec(l);
    if (!m) throw new LdifSyntaxError(line, `expected "attribute: value", found "${l.slice(0, 40)}"`);
    const [, rawName, separator, rest] = m as unknown as [string, string, string, string];
    const name = rawName.replace(/;binary$/i, '');
    const valueText = rest.replace(/^ +/, '');
    if (separator === ':<') throw new LdifSyntaxError(line, `the value of "${name}" is a URL (":<"); snapshots must carry their values inline, the tool never reads URLs`);
    const bytes = separator === '::' ? decodeBase64(valueText, line) : undefined;

    if (!current) {
      if (name.toLowerCase() === 'version') continue;
      if (name.toLowerCase() !== 'dn') throw new LdifSyntaxError(line, `a record must start with "dn:", found "${name}:"`);
      let dn: string;
      try {
        dn = bytes ? utf8.decode(bytes) : valueText;
      } catch {
        throw new LdifSyntaxError(line, 'the base64 dn is not UTF-8');
      }
      current = { dn, attributes: {}, line };
      continue;
    }
    const lower = name.toLowerCase();
    if (lower === 'changetype') {
      if (valueText.trim().toLowerCase() !== 'add') throw new LdifSyntaxError(line, `only "changetype: add" records can be read, found "${valueText.trim()}"`);
      continue;
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
    const key = Object.keys(current.attributes).find((k) => k.toLowerCase() === lower) ?? name;
    (current.attributes[key] ??= []).push(value);
  }
  finish();
  return objects;
}

/** `member;range=0-1499` + `member;range=1500-*` -> `member`. */
function mergeRanged(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [key, values] of Object.entries(attributes)) {
    const name = parseRangedName(key)?.name ?? key;
    const existing = Object.keys(out).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
    (out[existing] ??= []).push(...values);
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
    for (const [name, values] of Object.entries(object.attributes)) for (const v of values) lines.push(attributeLine(name, v));
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
