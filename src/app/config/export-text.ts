// The text of one file of a Get-ADSyncServerConfiguration export. Entra Connect writes UTF-8 or
// UTF-16; a file saved again on Windows may be in another encoding: Windows PowerShell 5.1's
// Set-Content (and Out-File -Encoding Default) writes the system's ANSI code page, Windows-1252
// in Western Europe, where "Müller" is the byte 0xFC. Decoded as UTF-8 that byte would become
// U+FFFD, and a scope value, a constant or an expression would silently hold another text. So:
// a byte-order mark decides (UTF-16 or UTF-8); without one, an encoding the XML declaration
// names is honoured (<?xml version="1.0" encoding="windows-1252"?>, XML 1.0 section 4.3.3);
// else the file must be UTF-8. Bytes that do not decode are refused, at their offset.
import { utf16Mark, utf16WithoutMark } from '../../adapters/io/decode-text';

/** The problem code of an export file whose bytes are not text in its encoding (ConfigProblem.code). */
export const NOT_UNICODE = 'ServerConfigurationFileNotUnicode';

/** An export file whose bytes do not decode: where (byte offset from the file's start, 1-based line and column) and why. */
export class ExportFileNotText extends Error {
  readonly code = NOT_UNICODE;
  constructor(readonly reason: string, readonly offset?: number, readonly line?: number, readonly column?: number) {
    super(reason);
  }
}

/** The encoding an XML declaration names at the start of ASCII-compatible bytes (after a UTF-8 byte-order mark), as written. */
export function declaredEncoding(bytes: Uint8Array, start = 0): string | undefined {
  const head = Buffer.from(bytes.subarray(start, start + 256)).toString('latin1');
  return /^<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._:-]*)\1/.exec(head)?.[2];
}

/** The offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array, start = 0): number {
  for (let i = start; i < bytes.length;) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    // The second byte's range excludes overlong forms, surrogates and code points above U+10FFFF.
    const second = bytes[i + 1]!;
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return -1;
}

/** The offset of the first UTF-16 code unit that is an unpaired surrogate, or -1. */
function firstInvalidUtf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be', start: number): number {
  const unit = (i: number) => (encoding === 'utf-16le' ? bytes[i]! | (bytes[i + 1]! << 8) : (bytes[i]! << 8) | bytes[i + 1]!);
  let i = start;
  for (; i + 1 < bytes.length; i += 2) {
    const u = unit(i);
    if (u >= 0xd800 && u <= 0xdbff) {
      if (i + 3 >= bytes.length) return i;
      const next = unit(i + 2);
      if (next < 0xdc00 || next > 0xdfff) return i;
      i += 2;
    } else if (u >= 0xdc00 && u <= 0xdfff) return i;
  }
  return i < bytes.length ? i : -1; // an odd byte at the end: half a code unit
}

/** The offset of the first byte a decoder of `encoding` refuses (fed one byte at a time), or -1. */
function firstUndecodable(bytes: Uint8Array, encoding: string, start: number): number {
  const decoder = new TextDecoder(encoding, { fatal: true });
  let pending = start;
  for (let i = start; i < bytes.length; i++) {
    try {
      // Output from a byte means what was pending is a character: the next sequence starts after it.
      if (decoder.decode(bytes.subarray(i, i + 1), { stream: true }) !== '') pending = i + 1;
    } catch {
      return pending;
    }
  }
  try {
    decoder.decode();
  } catch {
    return pending;
  }
  return -1;
}

/** 1-based line and column of the character after `text`. */
function endOf(text: string): { line: number; column: number } {
  // Counted, not split: a large file must not become a list of its lines.
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: text.length - start + 1 };
}

const hex = (n: number, digits: number) => `0x${n.toString(16).toUpperCase().padStart(digits, '0')}`;
const byteText = (bytes: Uint8Array, offset: number, encoding: string) =>
  encoding.startsWith('utf-16') && offset + 1 < bytes.length
    ? `the unpaired surrogate ${hex(encoding === 'utf-16le' ? bytes[offset]! | (bytes[offset + 1]! << 8) : (bytes[offset]! << 8) | bytes[offset + 1]!, 4)}`
    : `the byte ${hex(bytes[offset] ?? 0, 2)}`;

/**
 * The text of an export file, or ExportFileNotText when its bytes are not text in its encoding:
 * a UTF-16 or UTF-8 byte-order mark, else UTF-16 told by its NUL bytes, else the encoding its
 * XML declaration names, else UTF-8.
 */
export function decodeExportFile(bytes: Uint8Array): string {
  const mark = utf16Mark(bytes);
  const utf8Mark = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const start = mark ? 2 : utf8Mark ? 3 : 0;
  let encoding: string = mark ?? utf16WithoutMark(bytes) ?? 'utf-8';
  let declared: string | undefined;
  if (!mark && encoding === 'utf-8' && !utf8Mark) {
    declared = declaredEncoding(bytes);
    if (declared !== undefined) {
      let canonical: string;
      try {
        canonical = new TextDecoder(declared).encoding;
      } catch {
        throw new ExportFileNotText(`its XML declaration names the encoding "${declared}", which is not one this tool can read (UTF-8, UTF-16, or a code page such as windows-1252)`);
      }
      // UTF-16 named, but the bytes are ASCII-compatible (the declaration was kept when the file
      // was saved again as UTF-8 or ANSI): read as UTF-8, and refused below if it is not.
      if (!canonical.startsWith('utf-')) encoding = canonical;
    }
  }
  const decoder = new TextDecoder(encoding, { fatal: true });
  try {
    return decoder.decode(bytes.subarray(start));
  } catch {
    // Found again, with where: which byte, and the line and column of the text before it.
    const offset = encoding === 'utf-8' ? firstInvalidUtf8(bytes, start) : encoding.startsWith('utf-16') ? firstInvalidUtf16(bytes, encoding as 'utf-16le' | 'utf-16be', start) : firstUndecodable(bytes, encoding, start);
    const at = offset < 0 ? bytes.length : offset;
    const before = new TextDecoder(encoding).decode(bytes.subarray(start, at));
    const { line, column } = endOf(before);
    const name = encoding === 'utf-8' ? 'UTF-8' : encoding.startsWith('utf-16') ? `UTF-16 (${mark ? 'its byte-order mark' : 'told by its NUL bytes'})` : `${encoding} (its XML declaration)`;
    const why = encoding !== 'utf-8' ? ''
      : utf8Mark ? ', as its UTF-8 byte-order mark says it is'
        : declared === undefined ? ', and its XML declaration names no other encoding'
          : `; its XML declaration names "${declared}", but the bytes are not that either (the declaration was kept when the file was saved again in another encoding)`;
    throw new ExportFileNotText(`${byteText(bytes, at, encoding)} at byte offset ${at} (line ${line}, column ${column}) does not decode as ${name}${why}`, at, line, column);
  }
}
