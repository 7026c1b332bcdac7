// Connector-space objects as the AD adapter hands them over (strings, binary as bytes).
import type { Attributes } from '../../../../src/engine/model/attributes';
import type { EvaluationContext } from '../../../../src/engine/rules';

export const objectGuid = Uint8Array.from(Buffer.from('00112233445566778899aabbccddeeff', 'hex'));
export const objectGuidBase64 = Buffer.from(objectGuid).toString('base64');
export const consistencyGuid = Uint8Array.from(Buffer.from('ffeeddccbbaa99887766554433221100', 'hex'));
export const objectSid = Uint8Array.from([1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xe8, 3, 0, 0]);

export const context: EvaluationContext = {
  parameters: { 'Domain.FQDN': 'corp.contoso.com', 'Domain.Netbios': 'CORP', 'Domain.LDAP': 'DC=corp,DC=contoso,DC=com', 'Forest.FQDN': 'corp.contoso.com', 'Forest.Netbios': 'CORP', 'Connector.ID': '{AE4DB4CC-B16B-4EB2-ACF5-837CA84E4D7D}' },
  now: new Date('2025-01-01T00:00:00Z'),
};

export function user(overrides: Attributes = {}, remove: string[] = []): { dn: string; objectType: string; attributes: Attributes } {
  const attributes: Attributes = {
    objectClass: ['top', 'person', 'organizationalPerson', 'user'],
    cn: ['Jane Doe'],
    sAMAccountName: ['jdoe'],
    userPrincipalName: ['jane.doe@contoso.com'],
    userAccountControl: ['512'],
    objectGUID: [objectGuid],
    objectSid: [objectSid],
    givenName: ['Jane'],
    sn: ['Doe'],
    displayName: ['Jane Doe'],
    mail: ['jane.doe@contoso.com'],
    proxyAddresses: ['SMTP:jane.doe@contoso.com', 'smtp:jdoe@contoso.com'],
    pwdLastSet: ['133500000000000000'],
    ...overrides,
  };
  for (const name of remove) delete attributes[name];
  return { dn: 'CN=Jane Doe,OU=Users,OU=Corp,DC=corp,DC=contoso,DC=com', objectType: 'user', attributes };
}

export function group(overrides: Attributes = {}): { dn: string; objectType: string; attributes: Attributes } {
  return {
    dn: 'CN=Sales,OU=Groups,DC=corp,DC=contoso,DC=com',
    objectType: 'group',
    attributes: {
      objectClass: ['top', 'group'],
      cn: ['Sales'],
      sAMAccountName: ['Sales'],
      groupType: ['-2147483646'],
      objectGUID: [objectGuid],
      objectSid: [objectSid],
      member: ['CN=Jane Doe,OU=Users,OU=Corp,DC=corp,DC=contoso,DC=com', 'CN=John Roe,OU=Users,OU=Corp,DC=corp,DC=contoso,DC=com'],
      ...overrides,
    },
  };
}

export function contact(overrides: Attributes = {}): { dn: string; objectType: string; attributes: Attributes } {
  return {
    dn: 'CN=Partner Pat,OU=Contacts,DC=corp,DC=contoso,DC=com',
    objectType: 'contact',
    attributes: { objectClass: ['top', 'person', 'organizationalPerson', 'contact'], cn: ['Partner Pat'], mail: ['pat@partner.example'], objectGUID: [objectGuid], ...overrides },
  };
}

export function computer(overrides: Attributes = {}): { dn: string; objectType: string; attributes: Attributes } {
  return {
    dn: 'CN=WS01,OU=Computers,DC=corp,DC=contoso,DC=com',
    objectType: 'computer',
    attributes: { objectClass: ['top', 'person', 'organizationalPerson', 'user', 'computer'], cn: ['WS01'], sAMAccountName: ['WS01$'], userAccountControl: ['4096'], objectGUID: [objectGuid], objectSid: [objectSid], operatingSystem: ['Windows 11 Enterprise'], operatingSystemVersion: ['10.0 (22631)'], ...overrides },
  };
}

/** Metaverse attributes from an inbound result (values only; deletes dropped). */
export function toMetaverse(flows: Record<string, { values: unknown[] | null }>, extra: Attributes = {}): Attributes {
  const mv: Attributes = {};
  for (const [name, flow] of Object.entries(flows)) if (flow.values && flow.values.length) mv[name] = flow.values as Attributes[string];
  return { ...mv, ...extra };
}
