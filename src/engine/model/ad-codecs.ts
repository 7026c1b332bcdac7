// Active Directory value codecs: objectGUID / mS-DS-ConsistencyGuid bytes <-> GUID string <->
// base64 immutableId, objectSid -> S-1-5-..., userAccountControl flags, FILETIME and
// generalized time -> ISO 8601. Pure (no Buffer), so it runs anywhere the engine runs.

// ---------- base64 ----------

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Strict base64 decode; throws on malformed input. */
export function base64ToBytes(text: string): Uint8Array {
  const clean = text.trim();
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(clean)) {
    throw new Error('not valid base64');
  }
  const binary = atob(clean);
  const out = new Uint8Array(binary.length);
  for (let k = 0; k < binary.length; k++) out[k] = binary.charCodeAt(k);
  return out;
}

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');
/** The 256 two-digit hex texts: a GUID is read as text several times per object of a batch. */
const HEX2 = Array.from({ length: 256 }, (_, b) => hex2(b));

// ---------- GUID ----------

/**
 * objectGUID bytes -> "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lower case). AD stores a GUID as
 * .NET's Guid.ToByteArray(): the first three fields little-endian, the last eight as is.
 */
export function guidBytesToString(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new Error(`a GUID has 16 bytes, not ${bytes.length}`);
  const h = (k: number): string => HEX2[bytes[k]!]!;
  return `${h(3)}${h(2)}${h(1)}${h(0)}-${h(5)}${h(4)}-${h(7)}${h(6)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}

/** GUID string (with or without braces/dashes) -> bytes in AD's order. */
export function guidStringToBytes(guid: string): Uint8Array {
  const hex = guid.trim().replace(/^\{|\}$/g, '').replace(/-/g, '');
  if (!/^[0-9A-Fa-f]{32}$/.test(hex)) throw new Error(`'${guid}' is not a GUID`);
  const raw = Array.from({ length: 16 }, (_, k) => parseInt(hex.slice(k * 2, k * 2 + 2), 16));
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  return new Uint8Array(order.map((k) => raw[k]!));
}

/** objectGUID (or mS-DS-ConsistencyGuid) bytes -> Entra immutableId (base64 of the bytes). */
export function guidBytesToImmutableId(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new Error(`a GUID has 16 bytes, not ${bytes.length}`);
  return bytesToBase64(bytes);
}

export function guidStringToImmutableId(guid: string): string {
  return bytesToBase64(guidStringToBytes(guid));
}

/** immutableId -> GUID string, or undefined when it does not decode to 16 bytes. */
export function immutableIdToGuidString(immutableId: string): string | undefined {
  try {
    const bytes = base64ToBytes(immutableId);
    return bytes.length === 16 ? guidBytesToString(bytes) : undefined;
  } catch {
    return undefined;
  }
}

// ---------- SID ----------

/** objectSid bytes -> "S-1-5-21-...". Layout: revision, sub-authority count, 48-bit BE authority, 32-bit LE sub-authorities. */
export function sidBytesToString(bytes: Uint8Array): string {
  if (bytes.length < 8) throw new Error('a SID has at least 8 bytes');
  const revision = bytes[0]!;
  const count = bytes[1]!;
  if (bytes.length !== 8 + count * 4) throw new Error(`a SID with ${count} sub-authorities has ${8 + count * 4} bytes, not ${bytes.length}`);
  let authority = 0;
  for (let k = 2; k < 8; k++) authority = authority * 256 + bytes[k]!;
  // Appended, no list or DataView: a SID is read as text several times per object of a batch.
  let text = `S-${revision}-${authority}`;
  for (let k = 8; k < bytes.length; k += 4) text += `-${(bytes[k]! | (bytes[k + 1]! << 8) | (bytes[k + 2]! << 16) | (bytes[k + 3]! << 24)) >>> 0}`;
  return text;
}

/** "S-1-5-21-..." -> bytes. */
export function sidStringToBytes(sid: string): Uint8Array {
  const m = /^S-(\d+)-(\d+)((?:-\d+)*)$/i.exec(sid.trim());
  if (!m) throw new Error(`'${sid}' is not a SID`);
  const subs = m[3] ? m[3].slice(1).split('-').map(Number) : [];
  const out = new Uint8Array(8 + subs.length * 4);
  const view = new DataView(out.buffer);
  out[0] = Number(m[1]);
  out[1] = subs.length;
  let authority = Number(m[2]);
  for (let k = 7; k >= 2; k--) {
    out[k] = authority % 256;
    authority = Math.floor(authority / 256);
  }
  subs.forEach((v, k) => view.setUint32(8 + k * 4, v, true));
  return out;
}

// ---------- userAccountControl ----------

/** userAccountControl bits (MS-ADTS 2.2.16). */
export const UserAccountControl = {
  SCRIPT: 0x0001,
  ACCOUNTDISABLE: 0x0002,
  HOMEDIR_REQUIRED: 0x0008,
  LOCKOUT: 0x0010,
  PASSWD_NOTREQD: 0x0020,
  PASSWD_CANT_CHANGE: 0x0040,
  ENCRYPTED_TEXT_PWD_ALLOWED: 0x0080,
  TEMP_DUPLICATE_ACCOUNT: 0x0100,
  NORMAL_ACCOUNT: 0x0200,
  INTERDOMAIN_TRUST_ACCOUNT: 0x0800,
  WORKSTATION_TRUST_ACCOUNT: 0x1000,
  SERVER_TRUST_ACCOUNT: 0x2000,
  DONT_EXPIRE_PASSWORD: 0x10000,
  MNS_LOGON_ACCOUNT: 0x20000,
  SMARTCARD_REQUIRED: 0x40000,
  TRUSTED_FOR_DELEGATION: 0x80000,
  NOT_DELEGATED: 0x100000,
  USE_DES_KEY_ONLY: 0x200000,
  DONT_REQ_PREAUTH: 0x400000,
  PASSWORD_EXPIRED: 0x800000,
  TRUSTED_TO_AUTH_FOR_DELEGATION: 0x1000000,
  PARTIAL_SECRETS_ACCOUNT: 0x4000000,
} as const;

export type UserAccountControlFlag = keyof typeof UserAccountControl;

function toUacNumber(value: number | string): number {
  // AD writes an INTEGER as decimal text (RFC 4517 3.3.16): '0x2', '1e1' or ' 2 ' is no value of it.
  const n = typeof value === 'number' ? value : /^-?\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 32) throw new Error(`'${value}' is not a userAccountControl value`);
  return n >>> 0; // AD may return it as a signed 32-bit integer
}

/** The names of the flags set in a userAccountControl value. */
export function decodeUserAccountControl(value: number | string): UserAccountControlFlag[] {
  const n = toUacNumber(value);
  return (Object.keys(UserAccountControl) as UserAccountControlFlag[]).filter((flag) => (n & UserAccountControl[flag]) !== 0);
}

export function hasUacFlag(value: number | string, flag: UserAccountControlFlag): boolean {
  return (toUacNumber(value) & UserAccountControl[flag]) !== 0;
}

/** accountEnabled as Entra Connect computes it: not ACCOUNTDISABLE. */
export function isAccountEnabled(value: number | string): boolean {
  return !hasUacFlag(value, 'ACCOUNTDISABLE');
}

// ---------- time ----------

export const FILETIME_EPOCH_OFFSET_MS = 11_644_473_600_000n; // 1601-01-01 -> 1970-01-01
export const FILETIME_NEVER = 0x7fffffffffffffffn;

/**
 * FILETIME (100 ns ticks since 1601-01-01 UTC; accountExpires, pwdLastSet, lastLogonTimestamp)
 * -> ISO 8601, or undefined for 0 and 0x7FFFFFFFFFFFFFFF ("never").
 */
export function fileTimeToIso(value: string | number | bigint): string | undefined {
  const text = String(value).trim();
  if (!/^-?\d+$/.test(text)) throw new Error(`'${text}' is not a FILETIME`);
  const ticks = BigInt(text);
  if (ticks <= 0n || ticks >= FILETIME_NEVER) return undefined;
  const ms = ticks / 10_000n - FILETIME_EPOCH_OFFSET_MS;
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime())) return undefined;
  return date.toISOString();
}

export function isoToFileTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`'${iso}' is not a date`);
  return ((BigInt(ms) + FILETIME_EPOCH_OFFSET_MS) * 10_000n).toString();
}

/**
 * Generalized time (whenChanged, whenCreated: "20240131120000.0Z", also with offsets or
 * fractions) -> ISO 8601 UTC.
 */
export function generalizedTimeToIso(value: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{2}(?:\d{2})?)?$/.exec(value.trim());
  if (!m) throw new Error(`'${value}' is not a generalized time`);
  const [, y, mo, d, h, mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const ms = Math.round(Number(`0.${frac || '0'}`) * 1000);
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const zh = Number(zone.slice(1, 3));
    const zm = zone.length > 3 ? Number(zone.slice(3, 5)) : 0;
    t -= sign * (zh * 60 + zm) * 60_000;
  }
  const date = new Date(t);
  if (Number.isNaN(date.getTime())) throw new Error(`'${value}' is not a valid generalized time`);
  return date.toISOString();
}
