// Text files as Windows tools write them: UTF-8 (with or without a byte-order mark), or UTF-16
// with one (ldifde -u, a file saved as "Unicode" by Notepad or Windows PowerShell's Out-File).

/**
 * The file's text: UTF-16 when it starts with a UTF-16 byte-order mark, else UTF-8 (a UTF-8 mark
 * dropped). `fatal`: bytes that do not decode throw a TypeError instead of becoming U+FFFD.
 */
export function decodeText(bytes: Uint8Array, options: { fatal?: boolean } = {}): string {
  const fatal = options.fatal ?? false;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le', { fatal }).decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be', { fatal }).decode(bytes.subarray(2));
  return new TextDecoder('utf-8', { fatal }).decode(bytes);
}
