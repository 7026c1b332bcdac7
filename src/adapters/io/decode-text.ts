// Text files as Windows tools write them: UTF-8 (with or without a byte-order mark), or UTF-16
// with one (ldifde -u, a file saved as "Unicode" by Notepad or Windows PowerShell's Out-File)
// or without one.

/**
 * The file's text: UTF-16 when it starts with a UTF-16 byte-order mark, else UTF-8 (a UTF-8 mark
 * dropped). `fatal`: bytes that do not decode throw a TypeError instead of becoming U+FFFD.
 */
export function decodeText(bytes: Uint8Array, options: { fatal?: boolean } = {}): string {
  const fatal = options.fatal ?? false;
  const utf16 = utf16Mark(bytes);
  if (utf16) return new TextDecoder(utf16, { fatal }).decode(bytes.subarray(2));
  const unmarked = utf16WithoutMark(bytes);
  if (unmarked) return new TextDecoder(unmarked, { fatal }).decode(bytes);
  return new TextDecoder('utf-8', { fatal }).decode(bytes);
}

/**
 * UTF-16 written without a byte-order mark (some tools and .NET writers do): text of these
 * formats (XML, LDIF, JSON) is mostly ASCII, so every other byte is NUL, which UTF-8 text of
 * them never holds. Judged on the first 4 KiB: NUL in at least 40% of one half, almost none in
 * the other.
 */
export function utf16WithoutMark(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const half = n / 2;
  if (oddNul >= 0.4 * half && evenNul <= 0.05 * half) return 'utf-16le';
  if (evenNul >= 0.4 * half && oddNul <= 0.05 * half) return 'utf-16be';
  return undefined;
}

/** The UTF-16 encoding that the bytes' byte-order mark names, if they start with one. */
export function utf16Mark(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * Where decodeText(bytes, { fatal: true }) fails: the line (1-based) and the character in it
 * (1-based, counted in characters, as an editor shows it) of the first byte sequence that is not
 * text in the encoding decodeText reads; undefined when every byte decodes. For an error that
 * names its line (a Latin-1 value in a UTF-8 file), found only once the fast decode has failed.
 */
export function undecodableAt(bytes: Uint8Array): { line: number; column: number; encoding: 'utf-8' | 'utf-16le' | 'utf-16be' } | undefined {
  const marked = utf16Mark(bytes);
  const utf16 = marked ?? utf16WithoutMark(bytes);
  if (utf16) {
    const at = undecodableUtf16(bytes.subarray(marked ? 2 : 0), utf16 === 'utf-16le');
    return at && { ...at, encoding: utf16 };
  }
  const at = invalidUtf8At(bytes);
  if (at === undefined) return undefined;
  let line = 1;
  let lineStart = 0;
  for (let k = bytes.indexOf(0x0a); k >= 0 && k < at; k = bytes.indexOf(0x0a, k + 1)) {
    line++;
    lineStart = k + 1;
  }
  const before = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, at));
  return { line, column: [...before].length + 1, encoding: 'utf-8' };
}

/** The offset of the first byte sequence that is not UTF-8 (as the WHATWG decoder judges it). */
function invalidUtf8At(bytes: Uint8Array): number | undefined {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lower = 0xa0; // overlong
      if (b === 0xed) upper = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lower = 0x90; // overlong
      if (b === 0xf4) upper = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < lower || c > upper) return i;
      lower = 0x80;
      upper = 0xbf;
    }
    i += need + 1;
  }
  return undefined;
}

/** The first unpaired surrogate (or a last odd byte) of UTF-16 text, with its line and character. */
function undecodableUtf16(bytes: Uint8Array, littleEndian: boolean): { line: number; column: number } | undefined {
  let line = 1;
  let column = 1;
  const units = bytes.length >> 1;
  for (let u = 0; u < units; u++) {
    const unit = littleEndian ? bytes[2 * u]! | (bytes[2 * u + 1]! << 8) : (bytes[2 * u]! << 8) | bytes[2 * u + 1]!;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = u + 1 < units ? (littleEndian ? bytes[2 * u + 2]! | (bytes[2 * u + 3]! << 8) : (bytes[2 * u + 2]! << 8) | bytes[2 * u + 3]!) : -1;
      if (next < 0xdc00 || next > 0xdfff) return { line, column };
      u++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return { line, column };
    if (unit === 0x0a) {
      line++;
      column = 1;
    } else column++;
  }
  return bytes.length % 2 === 1 ? { line, column } : undefined;
}
