// Container matching on distinguished names, compared as AD compares them (RDN by RDN,
// case-insensitively, escapes resolved), never by raw string suffix.
import { isDescendantOf, parseDn } from '../model/dn';

/** Is dn the container itself or below it? */
export function isWithin(dn: string, container: string): boolean {
  return isDescendantOf(dn, container, { orSelf: true });
}

/** Depth of a DN (number of RDNs): the measure of "most specific". */
export function dnDepth(dn: string): number {
  return parseDn(dn).length;
}
