// What the report needs to know about an attribute: its syntax and whether it is
// multi-valued. AD's schema says so; the engine keeps the commonly synced attributes here
// rather than reading the schema partition on every sync (one LDAP call saved).
import { lowerCaseName, type AttributeValue } from '../model/attributes';

const MULTI_VALUED = new Set(
  [
    'objectClass', 'proxyAddresses', 'member', 'memberOf', 'otherTelephone', 'otherMobile', 'otherHomePhone',
    'otherFacsimileTelephoneNumber', 'otherIpPhone', 'otherPager', 'url', 'userCertificate', 'userSMIMECertificate',
    'servicePrincipalName', 'description', 'postOfficeBox', 'msExchPoliciesExcluded', 'msExchPoliciesIncluded',
    'showInAddressBook', 'msRTCSIP-ApplicationOptions', 'dSCorePropagationData', 'objectSidHistory', 'sIDHistory',
    'alternativeSecurityId', 'shadowProxyAddresses', 'otherMailbox', 'seeAlso', 'cloudSipProxyAddress',
    'msDS-KeyCredentialLink', 'userCertificateV2',
  ].map((n) => n.toLowerCase()),
);

const REFERENCE = new Set(
  ['member', 'memberOf', 'manager', 'directReports', 'managedBy', 'seeAlso', 'owner', 'secretary', 'assistant', 'msExchCoManagedByLink']
    .map((n) => n.toLowerCase()),
);

const DATE_TIME = new Set(['whenChanged', 'whenCreated', 'accountExpires', 'pwdLastSet', 'lastLogonTimestamp', 'lastPasswordChangeTimestamp'].map((n) => n.toLowerCase()));

export function isMultiValued(name: string, values: readonly AttributeValue[] | null | undefined): boolean {
  // lowerCaseName: remembered, not a new string for each of an object's hundred rows.
  return MULTI_VALUED.has(lowerCaseName(name)) || (values?.length ?? 0) > 1;
}

/** Active Directory's reference (DN-syntax) attributes among the commonly synced ones. */
export function isReferenceAttribute(name: string): boolean {
  return REFERENCE.has(lowerCaseName(name));
}

export function attributeType(name: string, values: readonly AttributeValue[] | null | undefined): string {
  const lower = lowerCaseName(name);
  if (REFERENCE.has(lower)) return 'Reference';
  if (DATE_TIME.has(lower)) return 'DateTime';
  const first = values?.[0];
  if (first instanceof Uint8Array) return 'Binary';
  if (typeof first === 'boolean') return 'Boolean';
  if (typeof first === 'number') return 'Integer';
  return 'String';
}
