// The DirectorySource port: how the engine reads Active Directory. Implemented by
// src/adapters/ad/ (LDAP with ldapts, and LDIF snapshots). The engine never sees LDAP types.
// Names go in and come out parsed (Dn): the adapter parses what the directory returns.
import type { DirectoryObject } from '../model/directory-object';
import type { Dn } from '../model/dn';

export interface RootDse {
  defaultNamingContext: string;
  namingContexts: string[];
  configurationNamingContext: string;
  dnsHostName?: string;
}

/** A domain partition, from the crossRef objects under CN=Partitions. */
export interface DirectoryPartition {
  dn: Dn;
  dnsRoot: string;
  netbiosName?: string;
}

/** A child entry in a one-level listing (for the tree). */
export interface DirectoryChild {
  dn: Dn;
  /** The RDN value, unescaped, for display. */
  name: string;
  objectClass: string[];
  /** True for containers (OU, container, builtinDomain, domainDNS...). */
  isContainer: boolean;
  sAMAccountName?: string;
  userPrincipalName?: string;
  objectGuid?: string;
  /** userAccountControl's ACCOUNTDISABLE bit, for users and computers; absent when not read. */
  disabled?: boolean;
}

/** An object Find Object found: what the pick list shows, and enough to reveal it in the tree. */
export interface FoundObject extends DirectoryChild {
  displayName?: string;
  mail?: string;
}

export interface ChildPage {
  children: DirectoryChild[];
  /** Opaque continuation for the next page; absent on the last page. */
  continuation?: string;
}

/** What a base read found. "notReadable" is used where the directory lets us tell. */
export type ReadResult =
  | { status: 'found'; object: DirectoryObject }
  | { status: 'notFound'; matchedDn?: string }
  | { status: 'notReadable'; reason: string };

/** A search over a scope for batch runs: the objects of these classes under base, optionally narrowed by an LDAP filter. */
export interface ScopeSearch {
  base: Dn;
  scope: 'one' | 'subtree';
  /** Structural classes to return (the connector's object types); the search never returns others. */
  objectClasses: string[];
  /**
   * An RFC 4515 filter from the user. It can only narrow the search: the adapter parses it
   * whole (a filter that does not parse is InvalidLdapFilter) and ANDs it with the classes.
   */
  ldapFilter?: string;
  pageSize?: number;
}

export interface DirectorySource {
  readonly kind: 'ldap' | 'ldif';
  rootDse(): Promise<RootDse>;
  partitions(): Promise<DirectoryPartition[]>;
  /** Base read of one object with all its attributes (binary ones as bytes). */
  readObject(dn: Dn): Promise<ReadResult>;
  /** One level below dn, containers first; pageSize entries at most. */
  listChildren(dn: Dn, options: { pageSize: number; continuation?: string }): Promise<ChildPage>;
  /**
   * Every object of a scope with all its attributes, exactly as readObject returns them (ranged
   * attributes completed), in one paged search. Optional: a source without it is read object by object.
   */
  searchObjects?(search: ScopeSearch): AsyncIterable<DirectoryObject>;
  /**
   * Objects matching what a person typed: ambiguous name resolution (a prefix of the name,
   * given name, surname, account name, mail...) or exactly a userPrincipalName, mail,
   * sAMAccountName, objectGUID, objectSid or DN. At most `limit` results, below `base`.
   */
  /** How many entries are one level below dn (the tree's "200 of 5,000"); optional. */
  countChildren?(dn: Dn): Promise<number>;
  findObjects?(text: string, options: { base: Dn; limit: number }): Promise<FoundObject[]>;
  /** Is memberDn a direct member of groupDn (nested membership does not count)? */
  isDirectMember(groupDn: Dn, memberDn: Dn): Promise<boolean>;
  /**
   * Optional: the Dn keys of a group's direct members, read once and kept (a batch's directory);
   * undefined when the group cannot be read. Without it, a caller reads the group (readObject).
   */
  directMembers?(groupDn: Dn): Promise<ReadonlySet<string> | undefined>;
  /** Operations sent to the server so far (after bind), for benchmarks and the report. */
  operationCount(): number;
  close(): Promise<void>;
}
