// The function library (Entra Connect functions reference). Names are case-sensitive.
// Arguments are evaluated lazily so IIF/Switch only evaluate the branch they take and
// Error() only raises when reached. Text functions apply per value on multi-valued input;
// the arguments a function reads whole (FunctionDef.whole) are the evaluator's boundary for
// per-value application of a multi-valued attribute (evaluator.ts, perValueRegion).
import { X509Certificate, createHash, randomInt, randomUUID } from 'node:crypto';
import type { Expr } from './ast';
import {
  EvaluationProblem,
  isMarker,
  isNumericText,
  listOf,
  perValue,
  single,
  toBigInt,
  toBoolean,
  toNumber,
  toText,
  truthy,
  type Scalar,
  type Value,
} from './values';
import { guidBytesToString, guidStringToBytes, sidBytesToString } from '../model/ad-codecs';
import { formatDateTime, fromFileTime, parseDate, toFileTime, dateAdd } from './dates';
import { escapeDnValue } from '../model/dn';
import { dnComponents } from './dn';
import { certificateParts } from './certificate-der';
import { isReferenceAttribute } from '../spaces/attribute-syntax';

export interface FunctionArgs {
  readonly length: number;
  value(index: number): Value;
  expr(index: number): Expr;
}

export interface FunctionEnv {
  now: Date;
  /** Evaluate a sub-expression with extra $variables bound (Select, Where, With). */
  evaluate(expr: Expr, variables?: Record<string, Value>): Value;
  /** Values of a source attribute by name (ImportedValue, ValueCount). */
  attribute(name: string): Value;
  /** Error("text") raises this; the rule evaluator turns it into a SyncError. */
  raise(message: string): never;
}

interface FunctionDef {
  min: number;
  max: number;
  /** Switch: the argument count must be even. */
  even?: boolean;
  /**
   * The arguments read whole, every value of a multi-valued attribute at once: the reference's
   * mvstr/mvref/mvattr parameters ("can only work on multi-valued attributes") and the var tests
   * (IsPresent, IsNull...). Every other argument is a per-value one: "Functions with bin, str, and
   * ref work on both single-valued and multi-valued attributes".
   */
  whole?: readonly number[];
  impl(args: FunctionArgs, env: FunctionEnv): Value;
}

const text = (v: Value): string | null => {
  const s = single(v);
  return s === null ? null : toText(s);
};
const num = (v: Value, what: string): number => {
  const s = single(v);
  if (s === null) throw new EvaluationProblem(`${what} is NULL`);
  return toNumber(s);
};
const bytesOf = (v: Scalar): Uint8Array => {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return Buffer.from(v, 'utf16le');
  return Buffer.from(toText(v), 'utf16le');
};
/** Contains' CaseInsensitive, or InStr's vbTextCompare (1); CaseSensitive and vbBinaryCompare (0) compare exactly. */
const caseInsensitive = (v: Value): boolean => {
  const s = text(v)?.trim().toLowerCase();
  if (s === 'caseinsensitive' || s === 'vbtextcompare' || s === '1') return true;
  if (s === undefined || s === 'casesensitive' || s === 'vbbinarycompare' || s === '0') return false;
  // Never another comparison than the one written (a literal is refused at load: parser.ts, ENUM_ARGUMENTS).
  throw new EvaluationProblem(`"${text(v)}" is not a comparison (CaseInsensitive or vbTextCompare, CaseSensitive or vbBinaryCompare)`);
};
/** A per-value text function of one argument. */
const textFn = (f: (s: string) => Scalar | null): FunctionDef => ({
  min: 1,
  max: 1,
  impl: (a) => perValue(a.value(0), (v) => f(toText(v))),
});
/** A per-value text function whose other arguments are single values. */
const textFnN = (min: number, max: number, f: (s: string, rest: Value[]) => Scalar | null): FunctionDef => ({
  min,
  max,
  impl: (a) => {
    const rest: Value[] = [];
    for (let i = 1; i < a.length; i++) rest.push(a.value(i));
    return perValue(a.value(0), (v) => f(toText(v), rest));
  },
});

/**
 * textFnN for the functions whose remarks say "If string is null, return empty string" (Left, Right,
 * Mid, Word) or "If string is null, the function returns an empty string" (PadLeft, PadRight).
 */
const textFnOrEmpty = (min: number, max: number, f: (s: string, rest: Value[]) => Scalar | null): FunctionDef => {
  const def = textFnN(min, max, f);
  return { min, max, impl: (a, env) => (a.value(0) === null ? '' : def.impl(a, env)) };
};

/** ConvertFromBase64's "enum Encoding: Unicode, ASCII, UTF8" (Unicode, UTF-16LE, when absent). */
type TextEncoding = 'unicode' | 'ascii' | 'utf8';
function encodingOf(a: FunctionArgs, index: number): TextEncoding {
  const name = text(a.length > index ? a.value(index) : null) ?? 'Unicode';
  const encoding = name.trim().toLowerCase();
  if (encoding === 'unicode' || encoding === 'ascii' || encoding === 'utf8') return encoding;
  throw new EvaluationProblem(`"${name}" is not an Encoding (Unicode, ASCII or UTF8)`);
}
/**
 * Text from bytes as .NET's Encoding.Unicode, Encoding.UTF8 and Encoding.ASCII read them. ASCII is
 * 7-bit: "any element in bytes greater than hexadecimal 0x7F is converted to the Unicode question
 * mark ('?')" (ASCIIEncoding.GetString).
 */
function decodeText(bytes: Buffer, encoding: TextEncoding): string {
  if (encoding === 'utf8') return bytes.toString('utf8');
  if (encoding === 'unicode') return bytes.toString('utf16le');
  let out = '';
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : '?';
  return out;
}
/** Bytes of text; ASCII writes a character outside U+0000-U+007F as "?" (63), as Encoding.ASCII.GetBytes does. */
function encodeText(s: string, encoding: TextEncoding): Buffer {
  if (encoding === 'utf8') return Buffer.from(s, 'utf8');
  if (encoding === 'unicode') return Buffer.from(s, 'utf16le');
  const out: number[] = [];
  for (const c of s) {
    const code = c.codePointAt(0)!;
    out.push(code < 0x80 ? code : 0x3f);
  }
  return Buffer.from(out);
}

/**
 * ReplaceChars' ReplacePattern could not be parsed. Its remarks: "The source cannot be empty or longer
 * than one character (parsing error)"; the evaluator raises it as ReplaceCharsPatternInvalid, and the
 * parser does so at load time when the pattern is a literal.
 */
export class ReplacePatternProblem extends EvaluationProblem {
  constructor(
    readonly pattern: string,
    readonly problem: string,
  ) {
    super(`ReplaceChars: the ReplacePattern "${pattern}" cannot be parsed: ${problem}`);
  }
}

const replacePatterns = new Map<string, Map<string, string>>();
/**
 * A ReplacePattern as source -> target. The reference: "The format is {source1}:{target1},{source2}:{target2}",
 * "The source must be exactly one (Unicode) character", "The source cannot be empty or longer than one
 * character (parsing error)", "The target can be empty", "Spaces and other white characters in the
 * ReplacePattern string are ignored". An entry without a colon names no source and is skipped, as
 * before (the reference's own example pattern ends "ö,o"). Parsed once per pattern text.
 */
export function parseReplacePattern(pattern: string): Map<string, string> {
  let map = replacePatterns.get(pattern);
  if (map) return map;
  map = new Map<string, string>();
  for (const entry of pattern.replace(/\s+/gu, '').split(',')) {
    const at = entry.indexOf(':');
    if (at < 0) continue;
    const source = entry.slice(0, at);
    if (source === '') throw new ReplacePatternProblem(pattern, `the entry "${entry}" has an empty source`);
    if ([...source].length !== 1) throw new ReplacePatternProblem(pattern, `the source "${source}" is longer than one character`);
    map.set(source, entry.slice(at + 1));
  }
  if (replacePatterns.size < 1000) replacePatterns.set(pattern, map);
  return map;
}

/**
 * Replace's OldValue or NewValue. "The function recognizes the following special monikers: \n, \r, \t"
 * (functions reference): a literal written as the argument reads them; a computed value (attribute,
 * parameter, concatenation) is data and is taken as it is.
 */
function replaceArgument(a: FunctionArgs, index: number): string | null {
  const expr = a.expr(index);
  if (expr.kind === 'string' && expr.monikerValue !== undefined) return expr.monikerValue;
  return text(a.value(index));
}

/** An RDN's attribute type: a descriptor or a numeric OID (RFC 4514 section 3), spaces around tolerated. */
const attributeType = /^\s*(?:[A-Za-z][A-Za-z0-9-]*|(?:oid\.)?[0-9]+(?:\.[0-9]+)*)\s*$/i;
/**
 * "Takes one component of a DN and escapes it so it can be represented in LDAP"; the reference's example is
 * EscapeDNComponent("cn=" & [displayName]), so the type before the first "=" stays and only the value after
 * it is escaped (RFC 4514). Text that does not start with a type is all value.
 */
function escapeDnComponent(s: string): string {
  const at = s.indexOf('=');
  if (at > 0 && attributeType.test(s.slice(0, at))) return s.slice(0, at + 1) + escapeDnValue(s.slice(at + 1));
  return escapeDnValue(s);
}

/** The model's codecs (one GUID and SID layout for the whole engine), failing as the language does. */
function asEvaluation<T>(convert: () => T): T {
  try {
    return convert();
  } catch (err) {
    throw new EvaluationProblem(err instanceof Error ? err.message : String(err));
  }
}
const guidBytesFromString = (s: string): Uint8Array => asEvaluation(() => guidStringToBytes(s));
const guidString = (bytes: Uint8Array): string => asEvaluation(() => guidBytesToString(bytes));
const sidString = (bytes: Uint8Array): string => asEvaluation(() => sidBytesToString(bytes));

const isGuidText = (s: string) => /^\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\}?$/.test(s);

function indexOf(haystack: string, needle: string, start: number, insensitive: boolean, reverse: boolean): number {
  const h = insensitive ? haystack.toLowerCase() : haystack;
  const n = insensitive ? needle.toLowerCase() : needle;
  const found = reverse ? h.lastIndexOf(n, start - 1) : h.indexOf(n, start - 1);
  return found + 1;
}

/** A certificate from DER bytes or base64 text (userCertificate values). */
function certificate(v: Scalar): X509Certificate {
  const der = v instanceof Uint8Array ? v : typeof v === 'string' ? Buffer.from(v, 'base64') : undefined;
  if (!der) throw new EvaluationProblem('a certificate must be binary (DER) or base64 text');
  try {
    return new X509Certificate(der);
  } catch {
    throw new EvaluationProblem('the value is not an X.509 certificate');
  }
}
/** "CN=a\nO=b" (Node's multi-line form) as "CN=a, O=b". */
const certName = (text: string) => text.split('\n').filter(Boolean).join(', ');
const keyAlgorithmOids: Record<string, string> = { rsa: '1.2.840.113549.1.1.1', ec: '1.2.840.10045.2.1', dsa: '1.2.840.10040.4.1', ed25519: '1.3.101.112', 'rsa-pss': '1.2.840.113549.1.1.10' };
const certFn = (f: (c: X509Certificate) => Scalar | null): FunctionDef => ({ min: 1, max: 1, impl: (a) => perValue(a.value(0), (v) => f(certificate(v))) });
const thumbprint = (c: X509Certificate) => c.fingerprint.replace(/:/g, '').toUpperCase();
const partsOf = (c: X509Certificate) => asEvaluation(() => certificateParts(new Uint8Array(c.raw)));

/** "CN=a\nO=b" (Node's form of a name) as attribute -> first value. */
function nameFields(name: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of name.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0 && !out.has(line.slice(0, at).toUpperCase())) out.set(line.slice(0, at).toUpperCase(), line.slice(at + 1));
  }
  return out;
}

/**
 * CertNameInfo: X509Certificate2.GetNameInfo, for the subject or (includesIssuerName) the issuer:
 * SimpleName (CN, else OU, O, E, else the first DNS name), EmailName (E, else the first rfc822
 * alternative name), UpnName (the UPN alternative name), DnsName (the first DNS alternative name,
 * else CN), DnsFromAlternativeName, UrlName. Null when the certificate has none.
 */
function certNameInfo(c: X509Certificate, type: string, issuer: boolean): string | null {
  const fields = nameFields(issuer ? c.issuer : c.subject);
  const parts = partsOf(c);
  const alt = issuer ? parts.issuerAlternativeNames : parts.subjectAlternativeNames;
  const first = (...candidates: (string | undefined)[]) => candidates.find((v) => v !== undefined && v !== '') ?? null;
  switch (type.toLowerCase()) {
    case 'simplename': return first(fields.get('CN'), fields.get('OU'), fields.get('O'), fields.get('EMAILADDRESS'), fields.get('E'), alt.email[0], alt.dns[0]);
    case 'emailname': return first(fields.get('EMAILADDRESS'), fields.get('E'), alt.email[0]);
    case 'upnname': return first(alt.upn[0]);
    case 'dnsname': return first(alt.dns[0], fields.get('CN'));
    case 'dnsfromalternativename': return first(alt.dns[0]);
    case 'urlname': return first(alt.uri[0]);
    default: throw new EvaluationProblem(`CertNameInfo: "${type}" is not an X509NameType (SimpleName, EmailName, UpnName, DnsName, DnsFromAlternativeName, UrlName)`);
  }
}

const library: Record<string, FunctionDef> = {
  // Certificates (userCertificate of devices)
  CertThumbprint: certFn(thumbprint),
  CertHashString: certFn(thumbprint),
  CertNotAfter: certFn((c) => new Date(c.validTo)),
  CertNotBefore: certFn((c) => new Date(c.validFrom)),
  CertSubject: certFn((c) => certName(c.subject)),
  CertSubjectNameDN: certFn((c) => certName(c.subject)),
  CertIssuer: certFn((c) => certName(c.issuer)),
  CertIssuerDN: certFn((c) => certName(c.issuer)),
  CertSerialNumber: certFn((c) => c.serialNumber.toUpperCase()),
  CertKeyAlgorithm: certFn((c) => keyAlgorithmOids[c.publicKey.asymmetricKeyType ?? ''] ?? String(c.publicKey.asymmetricKeyType)),
  CertFormat: certFn(() => 'X509'),
  CertVersion: certFn((c) => partsOf(c).version),
  CertSignatureAlgorithmOid: certFn((c) => partsOf(c).signatureAlgorithmOid),
  CertPublicKeyOid: certFn((c) => partsOf(c).publicKeyOid),
  // [inferred] the parameters' own OID where they are one (an EC curve), else the key algorithm's, as .NET's EncodedParameters.Oid.
  CertPublicKeyParametersOid: certFn((c) => partsOf(c).publicKeyParametersOid ?? partsOf(c).publicKeyOid),
  CertKeyAlgorithmParams: certFn((c) => partsOf(c).publicKeyParameters || null),
  // [inferred] .NET gives no friendly name, and no OID for a distinguished name, to a certificate read from its bytes.
  CertFriendlyName: certFn(() => null),
  CertIssuerOid: certFn(() => null),
  CertSubjectNameOid: certFn(() => null),
  CertExtensionOids: {
    min: 1,
    max: 1,
    impl: (a) => {
      const v = single(a.value(0));
      if (v === null) return null;
      const critical = partsOf(certificate(v)).extensions.filter((e) => e.critical).map((e) => e.oid);
      return critical.length ? critical : null;
    },
  },
  CertNameInfo: {
    min: 3,
    max: 3,
    impl: (a) => {
      const type = text(a.value(1)) ?? '';
      const issuer = truthy(a.value(2));
      return perValue(a.value(0), (v) => certNameInfo(certificate(v), type, issuer));
    },
  },
  IsCert: {
    min: 1,
    max: 1,
    impl: (a) => {
      const v = single(a.value(0));
      if (v === null || !(v instanceof Uint8Array || typeof v === 'string')) return false;
      try {
        partsOf(certificate(v));
        return true;
      } catch {
        return false;
      }
    },
  },

  // Conversion
  CBool: { min: 1, max: 1, impl: (a) => perValue(a.value(0), (v) => toBoolean(v)) },
  CDate: { min: 1, max: 1, impl: (a) => perValue(a.value(0), (v) => (v instanceof Date ? v : parseDate(toText(v)))) },
  CGuid: { min: 1, max: 1, impl: (a) => perValue(a.value(0), (v) => (v instanceof Uint8Array ? v : guidBytesFromString(toText(v)))) },
  ConvertFromBase64: {
    min: 1,
    max: 2,
    impl: (a) => {
      const encoding = encodingOf(a, 1);
      return perValue(a.value(0), (v) => decodeText(Buffer.from(toText(v), 'base64'), encoding));
    },
  },
  // The reference documents ConvertToBase64(str source) ("converts a string to a Unicode base64 string");
  // the optional Encoding is ConvertFromBase64's, read the same way.
  ConvertToBase64: {
    min: 1,
    max: 2,
    impl: (a) => {
      const encoding = encodingOf(a, 1);
      return perValue(a.value(0), (v) => Buffer.from(v instanceof Uint8Array ? v : encodeText(toText(v), encoding)).toString('base64'));
    },
  },
  ConvertFromUTF8Hex: textFn((s) => {
    if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new EvaluationProblem(`"${s}" is not UTF-8 hex`);
    return Buffer.from(s, 'hex').toString('utf8');
  }),
  ConvertToUTF8Hex: { min: 1, max: 1, impl: (a) => perValue(a.value(0), (v) => Buffer.from(v instanceof Uint8Array ? v : Buffer.from(toText(v), 'utf8')).toString('hex').toUpperCase()) },
  CNum: { min: 1, max: 1, impl: (a) => perValue(a.value(0), (v) => toNumber(v)) },
  CRef: { min: 1, max: 1, impl: (a) => perValue(a.value(0), (v) => toText(v)) },
  CStr: { min: 1, max: 1, impl: (a) => perValue(a.value(0), (v) => toText(v)) },
  CBin: {
    min: 1,
    max: 2,
    impl: (a) => {
      const width = a.length > 1 ? num(a.value(1), 'CBin length') : 0;
      return perValue(a.value(0), (v) => {
        if (v instanceof Uint8Array) return v;
        if (typeof v === 'string' && !isNumericText(v)) return Buffer.from(v, 'base64');
        // A number as little-endian bytes of the given width.
        let n = toBigInt(v);
        const size = width > 0 ? width : 8;
        const out = new Uint8Array(size);
        for (let i = 0; i < size; i++) {
          out[i] = Number(n & 0xffn);
          n >>= 8n;
        }
        return out;
      });
    },
  },
  Thumbprint: { min: 1, max: 1, impl: (a) => perValue(a.value(0), (v) => new Uint8Array(createHash('sha1').update(bytesOf(v)).digest())) },
  StringFromGuid: { min: 1, max: 1, impl: (a) => perValue(a.value(0), (v) => (v instanceof Uint8Array ? guidString(v) : toText(v))) },
  StringFromSid: { min: 1, max: 1, impl: (a) => perValue(a.value(0), (v) => (v instanceof Uint8Array ? sidString(v) : toText(v))) },
  // "str Guid()" is the reference's syntax; its function list spells it GUID: both names are taken.
  Guid: { min: 0, max: 0, impl: () => randomUUID() },
  GUID: { min: 0, max: 0, impl: () => randomUUID() },

  // Date / time
  DateAdd: {
    min: 3,
    max: 3,
    impl: (a) => {
      const interval = text(a.value(0));
      if (interval === null) throw new EvaluationProblem('DateAdd interval is NULL');
      const amount = num(a.value(1), 'DateAdd number');
      return perValue(a.value(2), (v) => dateAdd(interval, amount, v instanceof Date ? v : parseDate(toText(v))));
    },
  },
  DateFromNum: { min: 1, max: 1, impl: (a) => perValue(a.value(0), (v) => fromFileTime(toBigInt(v))) },
  FormatDateTime: {
    min: 2,
    max: 2,
    impl: (a) => {
      const format = text(a.value(1)) ?? '';
      return perValue(a.value(0), (v) => formatDateTime(v instanceof Date ? v : parseDate(toText(v)), format));
    },
  },
  Now: { min: 0, max: 0, impl: (_a, env) => new Date(env.now.getTime()) },
  NumFromDate: { min: 1, max: 1, impl: (a) => perValue(a.value(0), (v) => Number(toFileTime(v instanceof Date ? v : parseDate(toText(v))))) },

  // Directory
  DNComponent: {
    min: 2,
    max: 2,
    impl: (a) => {
      const n = num(a.value(1), 'DNComponent component number');
      return perValue(a.value(0), (v) => dnComponents(toText(v))?.[n - 1]?.value ?? null);
    },
  },
  DNComponentRev: {
    min: 2,
    max: 3,
    impl: (a) => {
      const n = num(a.value(1), 'DNComponentRev component number');
      const option = (text(a.length > 2 ? a.value(2) : null) ?? '').trim();
      // "Options: DC – Ignore all components with dc", the one option there is; another is refused, not ignored.
      if (option !== '' && option.toUpperCase() !== 'DC') throw new EvaluationProblem(`"${option}" is not an option of DNComponentRev (DC: ignore all components with dc)`);
      const ignoreDc = option !== '';
      return perValue(a.value(0), (v) => {
        let parts = dnComponents(toText(v)) ?? [];
        if (ignoreDc) parts = parts.filter((p) => p.type.toUpperCase() !== 'DC');
        return parts[parts.length - n]?.value ?? null;
      });
    },
  },
  EscapeDNComponent: textFn(escapeDnComponent),

  // Evaluation
  IsBitSet: {
    min: 2,
    max: 2,
    impl: (a) => {
      const v = single(a.value(0));
      const flag = single(a.value(1));
      if (v === null || flag === null) return false;
      const mask = toBigInt(flag);
      return (toBigInt(v) & mask) === mask;
    },
  },
  IsDate: {
    min: 1,
    max: 1,
    whole: [0],
    impl: (a) => {
      const v = single(a.value(0));
      if (v === null) return false;
      if (v instanceof Date) return true;
      try {
        parseDate(toText(v));
        return true;
      } catch {
        return false;
      }
    },
  },
  IsEmpty: {
    min: 1,
    max: 1,
    whole: [0],
    impl: (a) => {
      const v = a.value(0);
      if (v === null || isMarker(v)) return false;
      return Array.isArray(v) ? v.length === 0 : v === '';
    },
  },
  IsGuid: { min: 1, max: 1, whole: [0], impl: (a) => { const v = single(a.value(0)); return v !== null && (v instanceof Uint8Array ? v.length === 16 : isGuidText(toText(v))); } },
  IsNull: { min: 1, max: 1, whole: [0], impl: (a) => { const v = a.value(0); return v === null || isMarker(v); } },
  IsNullOrEmpty: { min: 1, max: 1, whole: [0], impl: (a) => { const v = a.value(0); return v === null || isMarker(v) || v === '' || (Array.isArray(v) && v.length === 0); } },
  IsNumeric: { min: 1, max: 1, whole: [0], impl: (a) => { const v = single(a.value(0)); return v !== null && (typeof v === 'number' || (typeof v === 'string' && isNumericText(v))); } },
  IsPresent: { min: 1, max: 1, whole: [0], impl: (a) => { const v = a.value(0); return !(v === null || isMarker(v) || v === '' || (Array.isArray(v) && v.length === 0)); } },
  IsString: { min: 1, max: 1, whole: [0], impl: (a) => typeof single(a.value(0)) === 'string' },

  // Math
  BitAnd: { min: 2, max: 2, impl: (a) => bitOp(a, (x, y) => x & y) },
  BitOr: { min: 2, max: 2, impl: (a) => bitOp(a, (x, y) => x | y) },
  RandomNum: { min: 2, max: 2, impl: (a) => randomInt(num(a.value(0), 'RandomNum start'), num(a.value(1), 'RandomNum end') + 1) },

  // Multi-valued
  Contains: {
    min: 2,
    max: 3,
    whole: [0],
    impl: (a) => {
      const needle = text(a.value(1));
      if (needle === null) return 0;
      const insensitive = a.length > 2 && caseInsensitive(a.value(2));
      const values = listOf(a.value(0)).map(toText);
      // Reference: "For reference attributes, the searched string must exactly match the value".
      const attribute = a.expr(0);
      const whole = attribute.kind === 'attribute' && isReferenceAttribute(attribute.name);
      const wanted = insensitive ? needle.toLowerCase() : needle;
      const index = values.findIndex((v) => {
        const value = insensitive ? v.toLowerCase() : v;
        return whole ? value === wanted : value.includes(wanted);
      });
      return index + 1;
    },
  },
  Count: { min: 1, max: 1, whole: [0], impl: (a) => listOf(a.value(0)).length },
  Item: {
    min: 2,
    max: 2,
    whole: [0],
    impl: (a) => {
      const values = listOf(a.value(0));
      const index = num(a.value(1), 'Item index');
      const item = values[index - 1];
      if (item === undefined) throw new EvaluationProblem(`Item index ${index} is outside the ${values.length} value(s)`);
      return item;
    },
  },
  ItemOrNull: {
    min: 2,
    max: 2,
    whole: [0],
    impl: (a) => {
      const index = single(a.value(1));
      return index === null ? null : (listOf(a.value(0))[toNumber(index) - 1] ?? null);
    },
  },
  Join: {
    min: 1,
    max: 2,
    whole: [0],
    impl: (a) => {
      const values = listOf(a.value(0));
      if (values.length === 0) return null;
      return values.map(toText).join(a.length > 1 ? (text(a.value(1)) ?? '') : ' ');
    },
  },
  RemoveDuplicates: {
    min: 1,
    max: 1,
    whole: [0],
    impl: (a) => {
      const v = a.value(0);
      if (!Array.isArray(v)) return v;
      const seen = new Set<string>();
      return v.filter((x) => {
        const key = x instanceof Uint8Array ? `b:${toText(x)}` : `s:${toText(x)}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    },
  },
  Split: {
    min: 2,
    max: 3,
    impl: (a) => {
      const s = text(a.value(0));
      if (s === null) return null;
      const delimiter = text(a.value(1)) ?? ',';
      let parts = s.split(delimiter);
      if (a.length > 2) {
        const limit = num(a.value(2), 'Split limit');
        if (limit > 0 && parts.length > limit) parts = [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(delimiter)];
      }
      return parts;
    },
  },
  ValueCount: { min: 1, max: 1, impl: (a, env) => { const name = text(a.value(0)); return name === null ? 0 : listOf(env.attribute(name)).length; } },
  ImportedValue: { min: 1, max: 1, impl: (a, env) => { const name = text(a.value(0)); return name === null ? null : env.attribute(name); } },

  // Program flow
  Error: { min: 1, max: 1, impl: (a, env) => env.raise(text(a.value(0)) ?? 'Error') },
  IIF: { min: 3, max: 3, impl: (a) => (truthy(a.value(0)) ? a.value(1) : a.value(2)) },
  Switch: {
    min: 2,
    max: Infinity,
    even: true,
    impl: (a) => {
      for (let i = 0; i + 1 < a.length; i += 2) if (truthy(a.value(i))) return a.value(i + 1);
      return null;
    },
  },
  Select: {
    min: 3,
    max: 3,
    whole: [0, 1, 2],
    impl: (a, env) => {
      const name = variableName(a.expr(0), 'Select');
      const out = listOf(a.value(1)).flatMap((item) => listOf(env.evaluate(a.expr(2), { [name]: item })));
      return out.length ? out : null;
    },
  },
  Where: {
    min: 3,
    max: 3,
    whole: [0, 1, 2],
    impl: (a, env) => {
      const name = variableName(a.expr(0), 'Where');
      // The condition may itself read a multi-valued attribute (applied per value): any true value keeps the item.
      const out = listOf(a.value(1)).filter((item) => listOf(env.evaluate(a.expr(2), { [name]: item })).some(truthy));
      return out.length ? out : null;
    },
  },
  With: {
    min: 3,
    max: 3,
    whole: [0, 1, 2],
    impl: (a, env) => {
      const name = variableName(a.expr(0), 'With');
      return env.evaluate(a.expr(2), { [name]: a.value(1) });
    },
  },

  // Text
  InStr: {
    min: 2,
    max: 4,
    impl: (a) => {
      const needle = text(a.value(1));
      const start = a.length > 2 ? num(a.value(2), 'InStr start') : 1;
      const insensitive = a.length > 3 && caseInsensitive(a.value(3));
      return perValue(a.value(0), (v) => (needle === null ? 0 : indexOf(toText(v), needle, start, insensitive, false))) ?? 0;
    },
  },
  InStrRev: {
    min: 2,
    max: 4,
    impl: (a) => {
      const needle = text(a.value(1));
      const insensitive = a.length > 3 && caseInsensitive(a.value(3));
      return (
        perValue(a.value(0), (v) => {
          const s = toText(v);
          const start = a.length > 2 ? num(a.value(2), 'InStrRev start') : s.length + 1;
          return needle === null ? 0 : indexOf(s, needle, start, insensitive, true);
        }) ?? 0
      );
    },
  },
  LCase: textFn((s) => s.toLowerCase()),
  UCase: textFn((s) => s.toUpperCase()),
  // The reference's remarks: numChars < 0 returns the input string; for Mid, so does a start
  // below 1 or past the end; "If string is null, return empty string" (textFnOrEmpty).
  Left: textFnOrEmpty(2, 2, (s, [n]) => { const k = num(n ?? null, 'Left length'); return k < 0 ? s : s.slice(0, k); }),
  Right: textFnOrEmpty(2, 2, (s, [n]) => { const k = num(n ?? null, 'Right length'); return k < 0 ? s : k === 0 ? '' : s.slice(-k); }),
  // Mid(string, start) without a length (the reference's own example for the primary SMTP address) returns the rest.
  Mid: textFnOrEmpty(2, 3, (s, [start, len]) => {
    const st = num(start ?? null, 'Mid start');
    const k = len === undefined ? s.length : num(len, 'Mid length');
    return k < 0 || st <= 0 || st > s.length ? s : s.substr(st - 1, k);
  }),
  Len: { min: 1, max: 1, impl: (a) => perValue(a.value(0), (v) => (v instanceof Uint8Array ? v.length : toText(v).length)) ?? 0 },
  LTrim: textFn((s) => s.replace(/^\s+/, '')),
  RTrim: textFn((s) => s.replace(/\s+$/, '')),
  Trim: textFn((s) => s.trim()),
  PadLeft: textFnOrEmpty(2, 3, (s, [len, pad]) => s.padStart(num(len ?? null, 'PadLeft length'), (pad && text(pad)) || ' ')),
  PadRight: textFnOrEmpty(2, 3, (s, [len, pad]) => s.padEnd(num(len ?? null, 'PadRight length'), (pad && text(pad)) || ' ')),
  PCase: textFnN(1, 2, pcase),
  Replace: {
    min: 3,
    max: 3,
    impl: (a) => {
      const oldValue = replaceArgument(a, 1);
      const newValue = replaceArgument(a, 2) ?? '';
      return perValue(a.value(0), (v) => {
        const s = toText(v);
        return oldValue ? s.split(oldValue).join(newValue) : s;
      });
    },
  },
  ReplaceChars: textFnN(2, 2, (s, [pattern]) => {
    const map = parseReplacePattern(text(pattern ?? null) ?? '');
    if (map.size === 0) return s;
    let out = '';
    for (const c of s) out += map.get(c) ?? c;
    return out;
  }),
  Word: textFnOrEmpty(3, 3, (s, [n, delimiters]) => {
    const index = num(n ?? null, 'Word number');
    const delims = text(delimiters ?? null) ?? ' ';
    const words = s.split(new RegExp(`[${delims.replace(/[\\\]^-]/g, '\\$&')}]`)).filter((w) => w !== '');
    return index < 1 ? '' : (words[index - 1] ?? '');
  }),
};

/**
 * PCase: "converts the first character of each space delimited word in a string to upper case, and all
 * other characters are converted to lower case", with the remark "This function does not currently
 * provide proper casing to convert a word that is entirely uppercase, such as an acronym" (the remark of
 * .NET's TextInfo.ToTitleCase, which converts "except for words that are entirely in uppercase, which
 * are considered to be acronyms"; hence the reference's PCase(LCase("TEST")) = "Test"). So a word is
 * what white space delimits ("WORLD-wide" is one word), and a word with no lower-case letter is kept
 * as it is.
 */
function pcase(s: string): string {
  return s.replace(/\S+/gu, (word) => {
    if (!/\p{Ll}/u.test(word)) return word;
    const head = String.fromCodePoint(word.codePointAt(0)!);
    return head.toUpperCase() + word.slice(head.length).toLowerCase();
  });
}

function bitOp(a: FunctionArgs, op: (x: bigint, y: bigint) => bigint): Value {
  const x = single(a.value(0));
  const y = single(a.value(1));
  if (x === null || y === null) return null;
  return Number(BigInt.asIntN(64, op(toBigInt(x), toBigInt(y))));
}

function variableName(expr: Expr, fn: string): string {
  if (expr.kind !== 'variable' && expr.kind !== 'attribute') throw new EvaluationProblem(`${fn} needs a $variable as its first argument`);
  return expr.name;
}

export function functionSignature(name: string): { min: number; max: number; even?: boolean } | undefined {
  return Object.prototype.hasOwnProperty.call(library, name) ? library[name] : undefined;
}

/** Does the function read this argument whole (every value at once) rather than per value? */
export function takesWholeValue(name: string, index: number): boolean {
  return library[name]?.whole?.includes(index) ?? false;
}

let namesByLowerCase: Map<string, string> | undefined;
/** The library's function whose name differs from this one only in case ("did you mean"), if any. */
export function functionNamedIgnoringCase(name: string): string | undefined {
  if (!namesByLowerCase) {
    namesByLowerCase = new Map();
    for (const known of Object.keys(library)) if (!namesByLowerCase.has(known.toLowerCase())) namesByLowerCase.set(known.toLowerCase(), known);
  }
  return namesByLowerCase.get(name.toLowerCase());
}

export function callFunction(name: string, args: FunctionArgs, env: FunctionEnv): Value {
  const def = library[name];
  if (!def) throw new EvaluationProblem(`unknown function ${name}`);
  return def.impl(args, env);
}

export const functionNames: readonly string[] = Object.keys(library);
