// What a person typed into Find Object, read once for both sources: a DN, an objectGUID, an
// objectSid, or text (ambiguous name resolution plus exact UPN / mail / sAMAccountName).
import { guidStringToBytes, sidStringToBytes } from './ad-codecs';
import { Dn } from './dn';

export type FindQuery =
  | { kind: 'dn'; dn: Dn }
  | { kind: 'guid'; guid: string; bytes: Uint8Array }
  | { kind: 'sid'; sid: string; bytes: Uint8Array }
  | { kind: 'text'; text: string };

const guidPattern = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;
const sidPattern = /^S-1-\d+(-\d+)+$/i;

export function readFindQuery(input: string): FindQuery | undefined {
  const text = input.trim();
  if (text === '') return undefined;
  const guid = guidPattern.exec(text)?.[1];
  if (guid) return { kind: 'guid', guid: guid.toLowerCase(), bytes: guidStringToBytes(guid) };
  if (sidPattern.test(text)) {
    try {
      return { kind: 'sid', sid: text.toUpperCase(), bytes: sidStringToBytes(text.toUpperCase()) };
    } catch {
      // not a SID after all: search it as text
    }
  }
  if (/^[a-z][\w-]*=/i.test(text) && text.includes(',')) {
    const parsed = Dn.tryParse(text);
    if (parsed.ok) return { kind: 'dn', dn: parsed.dn };
  }
  return { kind: 'text', text };
}

