// What a person typed into Find Object, read once for both sources: a DN, an objectGUID, an
// objectSid, or text (ambiguous name resolution plus exact UPN / mail / sAMAccountName).
import { guidStringToBytes, sidStringToBytes } from '../../engine/model/ad-codecs';
import { tryParseDn } from '../../engine/model/dn';

export type FindQuery =
  | { kind: 'dn'; dn: string }
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
  if (/^[a-z][\w-]*=/i.test(text) && text.includes(',') && tryParseDn(text).ok) return { kind: 'dn', dn: text };
  return { kind: 'text', text };
}

/** The classes Find Object returns: the objects a sync takes, not containers or system objects. */
export const FINDABLE_CLASSES = ['user', 'inetOrgPerson', 'group', 'contact', 'computer'];

/** Attributes a found object is shown with. */
export const FOUND_ATTRIBUTES = ['objectClass', 'sAMAccountName', 'userPrincipalName', 'objectGUID', 'displayName', 'mail', 'userAccountControl'];

/**
 * The attributes ambiguous name resolution compares by prefix in AD's default schema (the
 * "ANR set": displayName, givenName, sn, sAMAccountName, mail's owner attributes...); the
 * snapshot search uses them to answer like a DC would.
 */
export const ANR_ATTRIBUTES = ['displayName', 'givenName', 'sn', 'sAMAccountName', 'name', 'cn', 'mail', 'proxyAddresses', 'physicalDeliveryOfficeName', 'legacyExchangeDN', 'mailNickname'];
