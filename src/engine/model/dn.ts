// Distinguished names per RFC 4514, as Active Directory reads them. A DN is parsed once, where
// it enters (CLI argument, input box, LDAP/LDIF entry, configuration, input file), into a Dn
// value: its RDNs, a normalized comparison key (attribute types and values case-insensitive,
// escapes resolved), parent, depth and containment, and a spelling that parses back to the
// same name. This is the only DN parser (it reports the position of a problem) and
// escapeDnValue the only escape. Pure: no LDAP library, no I/O.
import { directoryErrors } from '../errors/catalog/directory';
import { SyncError } from '../errors/sync-error';

/** One attribute type and value of an RDN. `value` is unescaped (hex-string values stay "#..."). */
export interface AttributeTypeAndValue {
  type: string;
  value: string;
  /** True when the value was written as #hex (a BER encoding, RFC 4514 section 2.4). */
  isHex?: boolean;
}

/** A relative distinguished name: one or more AVAs joined by `+`. */
export interface Rdn {
  avas: AttributeTypeAndValue[];
  /** The RDN's text as written (trimmed), to rebuild DNs in the user's spelling. */
  source: string;
}

/** Characters RFC 4514 requires to be escaped anywhere in a value, plus '=' which AD escapes too. */
const ALWAYS_ESCAPED = new Set(['"', '+', ',', ';', '<', '>', '\\', '=']);
/** Characters that may follow a backslash as themselves. */
const ESCAPABLE = new Set([' ', '"', '#', '+', ',', ';', '<', '=', '>', '\\']);

/** Well-known OIDs to the short names AD uses, so 2.5.4.3=x equals CN=x. */
const OID_NAMES: Record<string, string> = {
  '2.5.4.3': 'cn',
  '2.5.4.6': 'c',
  '2.5.4.7': 'l',
  '2.5.4.8': 'st',
  '2.5.4.9': 'street',
  '2.5.4.10': 'o',
  '2.5.4.11': 'ou',
  '0.9.2342.19200300.100.1.1': 'uid',
  '0.9.2342.19200300.100.1.25': 'dc',
};

function malformed(dn: string, index: number, problem: string): SyncError {
  return new SyncError(directoryErrors.MalformedDistinguishedName, { position: index + 1, problem, dn });
}

const isHexDigit = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);
const isSpace = (c: string | undefined): boolean => c === ' ';

/** Parses a DN into RDNs (most specific first). Throws MalformedDistinguishedName. "" is the root. */
function parseRdns(dn: string): Rdn[] {
  const rdns: Rdn[] = [];
  let i = 0;
  const n = dn.length;
  const skipSpaces = (): void => {
    while (isSpace(dn[i])) i++;
  };
  skipSpaces();
  if (i === n) return rdns;

  while (i < n) {
    const rdnStart = i;
    const avas: AttributeTypeAndValue[] = [];
    for (;;) {
      avas.push(parseAva());
      if (dn[i] === '+') {
        i++;
        skipSpaces();
        continue;
      }
      break;
    }
    rdns.push({ avas, source: trimUnescapedTrailingSpaces(dn.slice(rdnStart, i)) });
    if (i === n) break;
    if (dn[i] === ',' || dn[i] === ';') {
      i++;
      skipSpaces();
      if (i === n) throw malformed(dn, i - 1, 'a separator must be followed by another attribute=value');
      continue;
    }
    throw malformed(dn, i, `unexpected character '${dn[i]}'`);
  }
  return rdns;

  function parseAva(): AttributeTypeAndValue {
    const typeStart = i;
    let type: string;
    if (/[A-Za-z]/.test(dn[i] ?? '')) {
      while (/[A-Za-z0-9-]/.test(dn[i] ?? '')) i++;
      type = dn.slice(typeStart, i);
      // LDAPv2 "OID.2.5.4.3" prefix: accept, as AD does.
      if (/^oid$/i.test(type) && dn[i] === '.') {
        i++;
        return parseAvaRest(parseOid(i));
      }
    } else if (/[0-9]/.test(dn[i] ?? '')) {
      type = parseOid(i);
    } else if (dn[i] === undefined) {
      throw malformed(dn, i, 'an attribute type is missing at the end');
    } else {
      throw malformed(dn, i, `an attribute type must start with a letter or digit, found '${dn[i]}'`);
    }
    return parseAvaRest(type);
  }

  function parseOid(start: number): string {
    i = start;
    for (;;) {
      const numStart = i;
      while (/[0-9]/.test(dn[i] ?? '')) i++;
      if (i === numStart) throw malformed(dn, i, 'a numeric OID needs digits between the dots');
      if (dn[i] === '.') {
        i++;
        continue;
      }
      break;
    }
    return dn.slice(start, i);
  }

  function parseAvaRest(type: string): AttributeTypeAndValue {
    skipSpaces();
    if (dn[i] !== '=') {
      throw malformed(dn, i, dn[i] === undefined ? `'=' is missing after '${type}'` : `expected '=' after '${type}', found '${dn[i]}'`);
    }
    i++;
    skipSpaces();
    if (dn[i] === '#') return { type, ...parseHexValue() };
    if (dn[i] === '"') return { type, value: parseQuotedValue() };
    return { type, value: parseStringValue() };
  }

  function parseHexValue(): { value: string; isHex: true } {
    const start = i;
    i++;
    while (isHexDigit(dn[i])) i++;
    const digits = i - start - 1;
    if (digits === 0 || digits % 2 !== 0) throw malformed(dn, i, 'a #hex value needs an even, non-zero number of hex digits (escape a leading # as \\#)');
    const value = dn.slice(start, i).toLowerCase();
    skipSpaces();
    if (i < n && dn[i] !== ',' && dn[i] !== '+' && dn[i] !== ';') throw malformed(dn, i, `unexpected '${dn[i]}' after a #hex value`);
    return { value, isHex: true };
  }

  function parseQuotedValue(): string {
    const open = i;
    i++;
    let out = '';
    while (i < n && dn[i] !== '"') {
      if (dn[i] === '\\') out += readEscape();
      else out += dn[i++];
    }
    if (i >= n) throw malformed(dn, open, 'the quoted value is not closed');
    i++;
    skipSpaces();
    if (i < n && dn[i] !== ',' && dn[i] !== '+' && dn[i] !== ';') throw malformed(dn, i, `unexpected '${dn[i]}' after a quoted value`);
    if (out === '') throw malformed(dn, open, 'the value is empty');
    return out;
  }

  function parseStringValue(): string {
    const start = i;
    let out = '';
    // Length of `out` up to the last character that was escaped (escaped spaces stay).
    let keep = 0;
    while (i < n) {
      const c = dn[i] as string;
      if (c === ',' || c === '+' || c === ';') break;
      if (c === '\\') {
        out += readEscape();
        keep = out.length;
        continue;
      }
      if (c === '"' || c === '<' || c === '>' || c === '\u0000') {
        throw malformed(dn, i, `the character '${c === '\u0000' ? 'NUL' : c}' must be escaped with a backslash`);
      }
      out += c;
      i++;
      if (c !== ' ') keep = out.length;
    }
    // Unescaped trailing spaces are not part of the value (RFC 4514 requires escaping them).
    out = out.slice(0, keep);
    if (out === '') throw malformed(dn, start, 'the value is empty');
    return out;
  }

  /** Reads one escape at dn[i] === '\\'. Hex pairs may form a multi-byte UTF-8 sequence. */
  function readEscape(): string {
    const at = i;
    const next = dn[i + 1];
    if (next === undefined) throw malformed(dn, at, 'a backslash at the end escapes nothing');
    if (isHexDigit(next)) {
      const bytes: number[] = [];
      while (dn[i] === '\\' && isHexDigit(dn[i + 1])) {
        if (!isHexDigit(dn[i + 2])) throw malformed(dn, i, 'a hex escape needs two hex digits (\\2C)');
        bytes.push(parseInt(dn.slice(i + 1, i + 3), 16));
        i += 3;
      }
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
      } catch {
        throw malformed(dn, at, 'the hex escapes are not valid UTF-8');
      }
    }
    if (ESCAPABLE.has(next)) {
      i += 2;
      return next;
    }
    throw malformed(dn, at, `'\\${next}' is not a valid escape (escape only , + " \\ < > ; = # space, or two hex digits)`);
  }
}

/** Drops trailing spaces that are not escaped (an odd run of backslashes escapes the first one). */
function trimUnescapedTrailingSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === ' ') end--;
  if (end === text.length) return text;
  let backslashes = 0;
  while (end - 1 - backslashes >= 0 && text[end - 1 - backslashes] === '\\') backslashes++;
  return text.slice(0, backslashes % 2 === 1 ? end + 1 : end);
}

/**
 * Escapes a value for use in a DN (RFC 4514 section 2.4), the way AD writes it: the RFC's
 * specials, NUL as \00 (the RFC's answer: NUL may only be escaped as a hex pair), and also
 * '=', CR and LF as AD does.
 */
export function escapeDnValue(value: string): string {
  let out = '';
  for (let k = 0; k < value.length; k++) {
    const c = value[k] as string;
    if (ALWAYS_ESCAPED.has(c)) out += '\\' + c;
    else if (c === '\u0000') out += '\\00';
    else if (c === '\n') out += '\\0A';
    else if (c === '\r') out += '\\0D';
    else if ((k === 0 && (c === ' ' || c === '#')) || (k === value.length - 1 && c === ' ')) out += '\\' + c;
    else out += c;
  }
  return out;
}

function formatAva(ava: AttributeTypeAndValue, type = ava.type, value = ava.value): string {
  return `${type}=${ava.isHex ? value : escapeDnValue(value)}`;
}

function normalizeType(type: string): string {
  const lower = type.toLowerCase().replace(/^oid\./, '');
  return OID_NAMES[lower] ?? lower;
}

/** Unicode case folding close to AD's case-insensitive DN comparison. */
function foldValue(value: string): string {
  return value.normalize('NFC').toLowerCase();
}

/**
 * The canonical form of an RDN for comparison: lower-case types (OIDs mapped to names), values
 * unescaped, case-folded and escaped again minimally, multi-valued RDNs sorted.
 */
function normalizeRdn(rdn: Rdn): string {
  return rdn.avas
    .map((ava) => formatAva(ava, normalizeType(ava.type), ava.isHex ? ava.value.toLowerCase() : foldValue(ava.value)))
    .sort()
    .join('+');
}

/**
 * Ancestor RDNs parsed before, by their text, shared (frozen) between DNs: the 50,000 DNs of one
 * OU hold its ancestors once, not 50,000 times (a DN of six RDNs: 2.7 KB -> 0.7 KB). An RDN's
 * parse depends only on its text. Bounded: emptied when full; long RDNs are not kept.
 */
const sharedRdns = new Map<string, { rdn: Rdn; key: string }>();
const SHARED_RDNS_MAX = 4096;
const SHARED_RDN_LONGEST = 256;

function sharedAncestorRdn(rdn: Rdn): { rdn: Rdn; key: string } | undefined {
  if (rdn.source.length > SHARED_RDN_LONGEST) return undefined;
  let shared = sharedRdns.get(rdn.source);
  if (!shared) {
    if (sharedRdns.size >= SHARED_RDNS_MAX) sharedRdns.clear();
    for (const ava of rdn.avas) Object.freeze(ava);
    Object.freeze(rdn.avas);
    shared = { rdn: Object.freeze(rdn), key: normalizeRdn(rdn) };
    sharedRdns.set(rdn.source, shared);
  }
  return shared;
}

/** A parsed distinguished name. Immutable; compare with equals/isWithin, never as text. */
/**
 * The most characters an RDN's value holds in Active Directory ([MS-ADTS] 3.1.1.5.1.2 Naming
 * Constraints): no object has a longer name, so none is looked for or compared with.
 */
export const MAX_RDN_VALUE_LENGTH = 255;

export class Dn {
  private constructor(
    /** The RDNs, most specific first. */
    readonly rdns: readonly Rdn[],
    /** The normalized RDNs, most specific first: the comparison key, computed once. */
    private readonly keys: readonly string[],
  ) {
    this.key = keys.join(',');
  }

  /** Parses a DN. Throws MalformedDistinguishedName (with the position of the problem). "" is the root. */
  static parse(text: string): Dn {
    const rdns = parseRdns(text);
    const keys = new Array<string>(rdns.length);
    for (let k = 0; k < rdns.length; k++) {
      const rdn = rdns[k]!;
      const shared = k > 0 ? sharedAncestorRdn(rdn) : undefined;
      if (shared) rdns[k] = shared.rdn;
      keys[k] = shared ? shared.key : normalizeRdn(rdn);
    }
    return new Dn(rdns, keys);
  }

  /** Like parse but returns the error instead of throwing (for input validation). */
  static tryParse(text: string): { ok: true; dn: Dn } | { ok: false; error: SyncError } {
    try {
      return { ok: true, dn: Dn.parse(text) };
    } catch (error) {
      if (error instanceof SyncError) return { ok: false, error };
      throw error;
    }
  }

  /** Number of RDNs: the measure of "most specific". */
  get depth(): number {
    return this.rdns.length;
  }

  get isRoot(): boolean {
    return this.rdns.length === 0;
  }

  /**
   * The canonical form for comparison and for map keys: lower-case types (OIDs mapped to
   * names), values unescaped, case-folded and escaped again minimally, no spaces around
   * separators, multi-valued RDNs sorted.
   */
  readonly key: string;

  /** The ancestor (or this DN) that has `depth` RDNs, without parsing again. */
  ancestorAtDepth(depth: number): Dn {
    if (depth < 0 || depth > this.depth) throw new RangeError(`no ancestor of depth ${depth} in a DN of ${this.depth} RDNs`);
    const skip = this.depth - depth;
    return skip === 0 ? this : new Dn(this.rdns.slice(skip), this.keys.slice(skip));
  }

  /** The parent, or undefined for a single-RDN DN or the root. */
  parent(): Dn | undefined {
    if (this.rdns.length <= 1) return undefined;
    return new Dn(this.rdns.slice(1), this.keys.slice(1));
  }

  /** True when both name the same object as AD compares DNs. */
  equals(other: Dn): boolean {
    return this.keys.length === other.keys.length && this.keys.every((rdn, k) => other.keys[k] === rdn);
  }

  /** The key a DN-valued text compares by (as AD compares DNs); text that is no DN compares as itself, without case. */
  static keyOf(text: string): string {
    const parsed = Dn.tryParse(text);
    return parsed.ok ? parsed.dn.key : text.trim().toLowerCase();
  }

  /** Does a DN-valued attribute value (member, manager...) name this DN? A malformed value names nothing. */
  isNamedBy(text: string): boolean {
    const parsed = Dn.tryParse(text);
    return parsed.ok && this.equals(parsed.dn);
  }

  /** Is this DN the container itself or below it? */
  isWithin(container: Dn): boolean {
    const offset = this.keys.length - container.keys.length;
    return offset >= 0 && container.keys.every((rdn, k) => this.keys[offset + k] === rdn);
  }

  /** The unescaped value of the first AVA of the first RDN ("Smith, John" for CN=Smith\, John,...). */
  get rdnValue(): string {
    const first = this.rdns[0]?.avas[0];
    if (!first) throw malformed('', 0, 'the distinguished name is empty');
    return first.isHex ? decodeBerString(first.value) ?? first.value : first.value;
  }

  /**
   * The DN as text: types and values keep their case, values are escaped by escapeDnValue
   * and no spaces surround the separators. Dn.parse(dn.toString()) equals dn.
   */
  toString(): string {
    return this.rdns.map((rdn) => rdn.avas.map((ava) => formatAva(ava)).join('+')).join(',');
  }

  toJSON(): string {
    return this.toString();
  }
}

/** Decodes a #hex BER value when it is a simple string type (UTF8String, PrintableString, IA5, OCTET STRING). */
function decodeBerString(hexValue: string): string | undefined {
  const hex = hexValue.replace(/^#/, '');
  const bytes = new Uint8Array(hex.length / 2);
  for (let k = 0; k < bytes.length; k++) bytes[k] = parseInt(hex.slice(k * 2, k * 2 + 2), 16);
  const tag = bytes[0];
  const length = bytes[1];
  if (tag === undefined || length === undefined || length > 127 || bytes.length !== length + 2) return undefined;
  if (![0x04, 0x0c, 0x13, 0x16].includes(tag)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(2));
  } catch {
    return undefined;
  }
}
