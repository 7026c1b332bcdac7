// Find Object over an LDIF snapshot, in memory, answering as the DC would: text is a
// case-insensitive prefix of any ANR attribute (or of "given sn" / "sn given" for two words),
// or exactly a userPrincipalName, mail or sAMAccountName; a GUID, SID or DN matches exactly.
import { getValues } from '../../../engine/model/attributes';
import { guidBytesToString, sidBytesToString } from '../../../engine/model/ad-codecs';
import type { DirectoryObject } from '../../../engine/model/directory-object';
import type { Dn } from '../../../engine/model/dn';
import type { FoundObject } from '../../../engine/ports/directory-source';
import { ANR_ATTRIBUTES, FINDABLE_CLASSES, readFindQuery, type FindQuery } from '../find-query';
import { toFoundObject } from '../ldap/find';

const findable = new Set(FINDABLE_CLASSES.map((c) => c.toLowerCase()));

export function findInSnapshot(objects: Iterable<{ object: DirectoryObject; dn: Dn }>, text: string, options: { base: Dn; limit: number }): FoundObject[] {
  const query = readFindQuery(text);
  if (!query) return [];
  const found: FoundObject[] = [];
  for (const { object, dn } of objects) {
    if (found.length >= options.limit) break;
    const classes = (getValues(object.attributes, 'objectClass') ?? []).map((c) => String(c).toLowerCase());
    if (!classes.some((c) => findable.has(c))) continue;
    // The comparison before the scope: an object's DN is parsed only when it matches.
    if (matches(object, dn, query) && dn.isWithin(options.base)) found.push(toFoundObject(object.dn, object.attributes));
  }
  return found;
}

function texts(object: DirectoryObject, attribute: string): string[] {
  return (getValues(object.attributes, attribute) ?? []).filter((v): v is string => typeof v === 'string').map((v) => v.toLowerCase());
}

function bytes(object: DirectoryObject, attribute: string): Uint8Array | undefined {
  const v = getValues(object.attributes, attribute)?.[0];
  return v instanceof Uint8Array ? v : undefined;
}

function matches(object: DirectoryObject, dn: Dn, query: FindQuery): boolean {
  switch (query.kind) {
    case 'dn':
      return dn.equals(query.dn);
    case 'guid': {
      const b = bytes(object, 'objectGUID');
      return b !== undefined && b.length === 16 && guidBytesToString(b).toLowerCase() === query.guid;
    }
    case 'sid': {
      const b = bytes(object, 'objectSid');
      return b !== undefined && sidBytesToString(b).toUpperCase() === query.sid;
    }
    case 'text': {
      const t = query.text.toLowerCase();
      for (const attribute of ['userPrincipalName', 'mail', 'sAMAccountName']) if (texts(object, attribute).includes(t)) return true;
      // proxyAddresses hold "smtp:address": ANR compares the address part.
      const prefixOf = (values: string[]) => values.some((v) => v.startsWith(t) || v.replace(/^[a-z]+:/, '').startsWith(t));
      if (ANR_ATTRIBUTES.some((a) => prefixOf(texts(object, a)))) return true;
      const words = t.split(/\s+/);
      if (words.length === 2) {
        const given = texts(object, 'givenName');
        const sn = texts(object, 'sn');
        const [a, b] = words as [string, string];
        return (given.some((g) => g.startsWith(a)) && sn.some((s) => s.startsWith(b))) || (sn.some((s) => s.startsWith(a)) && given.some((g) => g.startsWith(b)));
      }
      return false;
    }
  }
}
