// The parts of an X.509 certificate's DER the Cert* functions read and node:crypto does not
// expose: the version, the signature and public key algorithm OIDs and parameters, the
// extensions (OID, critical) and the subject and issuer alternative names (RFC 5280 4.1).
// A reader of the few DER forms a certificate uses, nothing more.

interface Node {
  tag: number;
  at: number; // the tag byte
  start: number; // first content byte
  end: number; // one past the last content byte
}

function read(bytes: Uint8Array, at: number, limit = bytes.length): Node & { next: number } {
  if (at + 2 > limit) throw new Error('truncated DER');
  const tag = bytes[at]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('multi-byte DER tags are not used in certificates');
  let length = bytes[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || start + count > limit) throw new Error('bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i]!;
    start += count;
  }
  const end = start + length;
  if (end > limit) throw new Error('truncated DER');
  return { tag, at, start, end, next: end };
}

function childrenOf(bytes: Uint8Array, node: Node): Node[] {
  const out: Node[] = [];
  for (let at = node.start; at < node.end;) {
    const child = read(bytes, at, node.end);
    out.push(child);
    at = child.next;
  }
  return out;
}

function oid(bytes: Uint8Array, node: Node): string {
  if (node.tag !== 0x06) throw new Error('expected an OBJECT IDENTIFIER');
  const parts: number[] = [];
  let value = 0;
  for (let i = node.start; i < node.end; i++) {
    value = value * 128 + (bytes[i]! & 0x7f);
    if (!(bytes[i]! & 0x80)) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

const hex = (bytes: Uint8Array, node: { start: number; end: number }) => Buffer.from(bytes.subarray(node.start, node.end)).toString('hex').toUpperCase();
const text = (bytes: Uint8Array, node: Node) => Buffer.from(bytes.subarray(node.start, node.end)).toString(node.tag === 0x1e ? 'utf16le' : 'utf8');

export interface AlternativeNames {
  dns: string[];
  email: string[];
  uri: string[];
  upn: string[];
}

export interface CertificateParts {
  version: number;
  signatureAlgorithmOid: string;
  publicKeyOid: string;
  /** The DER of the public key algorithm's parameters, hex ("0500": NULL, as RSA has). */
  publicKeyParameters: string;
  /** The parameters' own OID when they are one (an EC curve). */
  publicKeyParametersOid?: string;
  extensions: { oid: string; critical: boolean }[];
  subjectAlternativeNames: AlternativeNames;
  issuerAlternativeNames: AlternativeNames;
}

const UPN_OID = '1.3.6.1.4.1.311.20.2.3';

function generalNames(bytes: Uint8Array, extnValue: Node): AlternativeNames {
  const names: AlternativeNames = { dns: [], email: [], uri: [], upn: [] };
  const sequence = read(bytes, extnValue.start, extnValue.end);
  for (const name of childrenOf(bytes, sequence)) {
    const choice = name.tag & 0x1f;
    const value = Buffer.from(bytes.subarray(name.start, name.end)).toString('utf8');
    if (choice === 1) names.email.push(value);
    else if (choice === 2) names.dns.push(value);
    else if (choice === 6) names.uri.push(value);
    else if (choice === 0) {
      // otherName: type-id OID, [0] EXPLICIT value (the UPN is a UTF8String)
      const [type, wrapped] = childrenOf(bytes, name);
      if (type && wrapped && oid(bytes, type) === UPN_OID) {
        const inner = read(bytes, wrapped.start, wrapped.end);
        names.upn.push(text(bytes, inner));
      }
    }
  }
  return names;
}

/** The certificate's parts; throws on DER that is not a certificate. */
export function certificateParts(der: Uint8Array): CertificateParts {
  const certificate = read(der, 0);
  const [tbs, signatureAlgorithm] = childrenOf(der, certificate);
  if (!tbs || !signatureAlgorithm) throw new Error('not a certificate');
  const fields = childrenOf(der, tbs);
  let i = 0;
  let version = 1;
  if (fields[0]?.tag === 0xa0) {
    const integer = read(der, fields[0].start, fields[0].end);
    version = der[integer.end - 1]! + 1;
    i = 1;
  }
  // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
  const spki = fields[i + 5];
  if (!spki) throw new Error('not a certificate');
  const [algorithm] = childrenOf(der, spki);
  const [keyOid, parameters] = childrenOf(der, algorithm!);
  const extensions: CertificateParts['extensions'] = [];
  const empty = (): AlternativeNames => ({ dns: [], email: [], uri: [], upn: [] });
  let subjectAlternativeNames = empty();
  let issuerAlternativeNames = empty();
  const wrapped = fields.slice(i + 6).find((f) => f.tag === 0xa3);
  if (wrapped) {
    for (const extension of childrenOf(der, read(der, wrapped.start, wrapped.end))) {
      const parts = childrenOf(der, extension);
      const id = oid(der, parts[0]!);
      const critical = parts[1]?.tag === 0x01 && der[parts[1].start] !== 0;
      const value = parts[parts.length - 1]!;
      extensions.push({ oid: id, critical });
      if (id === '2.5.29.17') subjectAlternativeNames = generalNames(der, value);
      if (id === '2.5.29.18') issuerAlternativeNames = generalNames(der, value);
    }
  }
  return {
    version,
    signatureAlgorithmOid: oid(der, childrenOf(der, signatureAlgorithm)[0]!),
    publicKeyOid: oid(der, keyOid!),
    publicKeyParameters: parameters ? hex(der, { start: parameters.at, end: parameters.end }) : '',
    ...(parameters?.tag === 0x06 ? { publicKeyParametersOid: oid(der, parameters) } : {}),
    extensions,
    subjectAlternativeNames,
    issuerAlternativeNames,
  };
}
