// What the tree shows for a child entry, shared by the LDAP and LDIF sources.
import { guidBytesToString, hasUacFlag } from '../../../engine/model/ad-codecs';
import { getFirst, getValues, type Attributes } from '../../../engine/model/attributes';
import { Dn } from '../../../engine/model/dn';
import type { DirectoryChild } from '../../../engine/ports/directory-source';

/** Object classes that hold other objects in the tree (containers first in listings). */
export const CONTAINER_CLASSES = [
  'organizationalUnit',
  'container',
  'builtinDomain',
  'domainDNS',
  'lostAndFound',
  'msDS-QuotaContainer',
  'msTPM-InformationObjectsContainer',
  'msDS-PasswordSettingsContainer',
  'rpcContainer',
  'configuration',
  'crossRefContainer',
  'sitesContainer',
];
const containerSet = new Set(CONTAINER_CLASSES.map((c) => c.toLowerCase()));

/** Attributes a listing asks for. */
export const CHILD_ATTRIBUTES = ['objectClass', 'sAMAccountName', 'userPrincipalName', 'objectGUID', 'userAccountControl'];

export function isContainerClass(objectClass: readonly string[]): boolean {
  return objectClass.some((c) => containerSet.has(c.toLowerCase()));
}

/** A listed entry as the tree shows it; its DN is parsed here, where it enters. */
export function toDirectoryChild(entryDn: string, attributes: Attributes): DirectoryChild {
  const dn = Dn.parse(entryDn);
  const objectClass = (getValues(attributes, 'objectClass') ?? []).map(String);
  const sam = getFirst(attributes, 'sAMAccountName');
  const upn = getFirst(attributes, 'userPrincipalName');
  const guid = getFirst(attributes, 'objectGUID');
  const uac = getFirst(attributes, 'userAccountControl');
  const name = dn.isRoot ? entryDn : dn.rdnValue;
  return {
    dn,
    name,
    objectClass,
    isContainer: isContainerClass(objectClass),
    ...(typeof sam === 'string' ? { sAMAccountName: sam } : {}),
    ...(typeof upn === 'string' ? { userPrincipalName: upn } : {}),
    ...(guid instanceof Uint8Array && guid.length === 16 ? { objectGuid: guidBytesToString(guid) } : {}),
    ...(typeof uac === 'string' || typeof uac === 'number' ? disabledOf(uac) : {}),
  };
}

/** { disabled } from userAccountControl's ACCOUNTDISABLE bit; nothing for a value that is no number. */
function disabledOf(uac: string | number): { disabled?: boolean } {
  try {
    return { disabled: hasUacFlag(uac, 'ACCOUNTDISABLE') };
  } catch {
    return {};
  }
}
