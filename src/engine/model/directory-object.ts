import type { Attributes } from './attributes';

/** An object read from Active Directory (LDAP or an LDIF snapshot). */
export interface DirectoryObject {
  /** The distinguished name as the directory returned it. */
  dn: string;
  /** Every attribute read, binary ones as bytes; absent attributes have no key. */
  attributes: Attributes;
}
