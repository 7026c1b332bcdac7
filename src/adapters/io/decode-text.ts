// Text files as Windows tools write them: UTF-8 (with or without a byte-order mark), or UTF-16
// with one (ldifde -u, a file saved as "Unicode" by Notepad or Windows PowerShell's Out-File).

/**
 * The file's text: UTF-16 when it starts with a UTF-16 byte-order mark, else UTF-8 (a UTF-8 mark
 * dropped). `fatal`: bytes that do not decode throw a TypeError instead of becoming U+FFFD.
 */
export function decodeText(bytes: Uint8Array, options: { fatal?: boolean } = {}): string {
  const fatal = options.fatal ?? false;
  const utf16 = utf16Mark(bytes);
  if (utf16) return new TextDecoder(utf16, { fatal }).decode(bytes.subarray(2));
  return new TextDecoder('utf-8', { fatal }).decode(bytes);
}

/** The UTF-16 encoding that the bytes' byte-order mark names, if they start with one. */
export function utf16Mark(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}
