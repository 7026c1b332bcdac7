// What Find Object reads and compares in a directory (LDAP and LDIF sources).
export { readFindQuery, type FindQuery } from '../../engine/model/find-query';

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
