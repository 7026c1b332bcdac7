// Distinguished names per RFC 4514, as Active Directory reads them: parse with precise error
// positions, normalize for comparison (attribute types and values case-insensitive), escape,
// parent, descendant test, RDN value. Pure: no LDAP library, no I/O.
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
export function parseDn(dn: string): Rdn[] {
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

/** Like parseDn but returns the error instead of throwing (for input validation). */
export function tryParseDn(dn: string): { ok: true; rdns: Rdn[] } | { ok: false; error: SyncError } {
  try {
    return { ok: true, rdns: parseDn(dn) };
  } catch (error) {
    if (error instanceof SyncError) return { ok: false, error };
    throw error;
  }
}

/** A message for an input box (VS Code validateInput): undefined when the DN is valid. */
export function validateDnInput(dn: string): string | undefined {
  if (dn.trim() === '') return 'Enter a distinguished name, e.g. CN=Alice Wu,OU=Sales,DC=contoso,DC=com';
  const parsed = tryParseDn(dn);
  return parsed.ok ? undefined : parsed.error.reason;
}

/** Escapes a value for use in a DN (RFC 4514 section 2.4), the way AD writes it (also '=', CR, LF). */
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

/** Builds a DN string from RDNs, escaping values (types and values keep their case). */
export function formatDn(rdns: Rdn[]): string {
  return rdns.map((rdn) => rdn.avas.map((ava) => formatAva(ava)).join('+')).join(',');
}

function normalizeType(type: string): string {
  const lower = type.toLowerCase().replace(/^oid\./, '');
  return OID_NAMES[lower] ?? lower;
}

/** Unicode case folding close to AD's case-insensitive DN comparison. */
function foldValue(value: string): string {
  return value.normalize('NFC').toLowerCase();
}

function normalizeRdn(rdn: Rdn): string {
  return rdn.avas
    .map((ava) => formatAva(ava, normalizeType(ava.type), ava.isHex ? ava.value.toLowerCase() : foldValue(ava.value)))
    .sort()
    .join('+');
}

/**
 * The canonical form for comparison: lower-case types (OIDs mapped to names), values
 * unescaped, case-folded and escaped again minimally, no spaces around separators,
 * multi-valued RDNs sorted. Throws MalformedDistinguishedName.
 */
export function normalizeDn(dn: string): string {
  return parseDn(dn).map(normalizeRdn).join(',');
}

/** True when both name the same object as AD compares DNs. Malformed input is never equal. */
export function dnEquals(a: string, b: string): boolean {
  const pa = tryParseDn(a);
  const pb = tryParseDn(b);
  if (!pa.ok || !pb.ok || pa.rdns.length !== pb.rdns.length) return false;
  return pa.rdns.every((rdn, k) => normalizeRdn(rdn) === normalizeRdn(pb.rdns[k] as Rdn));
}

/**
 * The normalized RDNs of a DN, most specific first, from one parse: ancestor k is
 * rdns.slice(k).join(','). Walking ancestors with parentDn() re-parses the DN at every level
 * (quadratic in the number of RDNs); this does not.
 */
export function normalizedRdns(dn: string): string[] {
  return parseDn(dn).map(normalizeRdn);
}

/** The parent DN in the caller's spelling, or undefined for a single-RDN DN or the root. */
export function parentDn(dn: string): string | undefined {
  const rdns = parseDn(dn);
  if (rdns.length <= 1) return undefined;
  return rdns.slice(1).map((rdn) => rdn.source).join(',');
}

/** True when dn lies below ancestor (or is it, with orSelf). Case-insensitive. */
export function isDescendantOf(dn: string, ancestor: string, options: { orSelf?: boolean } = {}): boolean {
  const d = parseDn(dn).map(normalizeRdn);
  const a = parseDn(ancestor).map(normalizeRdn);
  if (d.length < a.length || (d.length === a.length && !options.orSelf)) return false;
  const offset = d.length - a.length;
  return a.every((rdn, k) => d[offset + k] === rdn);
}

/** The unescaped value of the first AVA of the first RDN ("Smith, John" for CN=Smith\, John,...). */
export function rdnValue(dn: string): string {
  const first = parseDn(dn)[0]?.avas[0];
  if (!first) throw malformed(dn, 0, 'the distinguished name is empty');
  return first.isHex ? decodeBerString(first.value) ?? first.value : first.value;
}

/** The attribute type of the first RDN ("CN", "OU", ...), as written. */
export function rdnType(dn: string): string {
  const first = parseDn(dn)[0]?.avas[0];
  if (!first) throw malformed(dn, 0, 'the distinguished name is empty');
  return first.type;
}

/** Builds "type=escaped(value),parent". */
export function childDn(type: string, value: string, parent: string): string {
  return parent === '' ? `${type}=${escapeDnValue(value)}` : `${type}=${escapeDnValue(value)},${parent}`;
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
