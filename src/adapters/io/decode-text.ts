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
