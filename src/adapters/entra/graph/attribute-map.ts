// Entra Connect's AAD connector attribute names (as the "Out to AAD - ..." rules write
// them) and the Microsoft Graph v1.0 properties they become; plus what Graph v1.0 cannot
// write. Pure: used by planExport / toConnectorSpace and by tests.
import { lowerCaseName, type AttributeValue, type Attributes } from '../../../engine/model/attributes';
import type { EntraObject, EntraObjectKind, ExportPlan } from '../../../engine/ports/entra-target';
import { entriesOf } from '../../../engine/model/records';

type Shape = 'string' | 'boolean' | 'stringList' | 'firstOfList' | 'anchor' | 'extension' | 'directoryExtension';

/**
 * A directory extension (extensionProperty of an app in the tenant, e.g. Entra Connect's Tenant
 * Schema Extension App): Graph v1.0 reads and writes it on users and groups as a top-level
 * property of the same name; $select must name it to read it.
 */
export const directoryExtensionPattern = /^extension_[0-9a-f]{32}_[A-Za-z0-9_]+$/i;

interface Mapping {
  /** Graph property (for 'extension': the key under onPremisesExtensionAttributes). */
  graph: string;
  shape: Shape;
  /** Graph refuses null (the property cannot be cleared). */
  notClearable?: boolean;
}

const extensionAttributes: Record<string, Mapping> = Object.fromEntries(
  Array.from({ length: 15 }, (_, i) => [`extensionAttribute${i + 1}`, { graph: `extensionAttribute${i + 1}`, shape: 'extension' as const }]),
);

/** AAD connector attribute -> writable Graph user property. */
export const userAttributeMap: Record<string, Mapping> = {
  accountEnabled: { graph: 'accountEnabled', shape: 'boolean', notClearable: true },
  alias: { graph: 'mailNickname', shape: 'string', notClearable: true },
  city: { graph: 'city', shape: 'string' },
  company: { graph: 'companyName', shape: 'string' },
  country: { graph: 'country', shape: 'string' },
  department: { graph: 'department', shape: 'string' },
  displayName: { graph: 'displayName', shape: 'string', notClearable: true },
  employeeId: { graph: 'employeeId', shape: 'string' },
  employeeType: { graph: 'employeeType', shape: 'string' },
  facsimileTelephoneNumber: { graph: 'faxNumber', shape: 'string' },
  givenName: { graph: 'givenName', shape: 'string' },
  mail: { graph: 'mail', shape: 'string' },
  mobile: { graph: 'mobilePhone', shape: 'string' },
  otherMails: { graph: 'otherMails', shape: 'stringList' },
  physicalDeliveryOfficeName: { graph: 'officeLocation', shape: 'string' },
  postalCode: { graph: 'postalCode', shape: 'string' },
  preferredLanguage: { graph: 'preferredLanguage', shape: 'string' },
  sourceAnchor: { graph: 'onPremisesImmutableId', shape: 'anchor' },
  state: { graph: 'state', shape: 'string' },
  streetAddress: { graph: 'streetAddress', shape: 'string' },
  surname: { graph: 'surname', shape: 'string' },
  telephoneNumber: { graph: 'businessPhones', shape: 'firstOfList' },
  title: { graph: 'jobTitle', shape: 'string' },
  usageLocation: { graph: 'usageLocation', shape: 'string' },
  userPrincipalName: { graph: 'userPrincipalName', shape: 'string', notClearable: true },
  ...extensionAttributes,
};

/** AAD connector attribute -> writable Graph group property. */
export const groupAttributeMap: Record<string, Mapping> = {
  alias: { graph: 'mailNickname', shape: 'string', notClearable: true },
  description: { graph: 'description', shape: 'string' },
  displayName: { graph: 'displayName', shape: 'string', notClearable: true },
  securityEnabled: { graph: 'securityEnabled', shape: 'boolean', notClearable: true },
};

/** Attributes the engine keeps for itself; never exported. */
export const engineOnlyAttributes = new Set(['cloudFiltered', 'cloudAnchor', 'sourceObjectType', 'cloudMastered']);

/** Group membership is exported through addMembers/removeMembers, not as a property. */
export const membershipAttributes = new Set(['member']);

/** Attributes that have a Graph v1.0 property Graph will not let a client write, and why. */
const readOnlyInGraph: Record<EntraObjectKind, Record<string, string>> = {
  user: {
    proxyAddresses: "proxyAddresses is read-only in Microsoft Graph (only the Entra Connect sync API writes it; writing 'mail' sets the primary SMTP address).",
    onPremiseSecurityIdentifier: 'onPremisesSecurityIdentifier is read-only in Microsoft Graph v1.0.',
    onPremisesUserPrincipalName: 'onPremisesUserPrincipalName is read-only in Microsoft Graph v1.0.',
    onPremisesSamAccountName: 'onPremisesSamAccountName is read-only in Microsoft Graph v1.0.',
    dnsDomainName: 'onPremisesDomainName is read-only in Microsoft Graph v1.0.',
    netBiosName: 'Microsoft Graph v1.0 has no writable property for the NetBIOS domain name of a user.',
    dn: 'onPremisesDistinguishedName is read-only in Microsoft Graph v1.0.',
    lastPasswordChangeTimestamp: 'lastPasswordChangeDateTime is read-only in Microsoft Graph.',
    manager: 'The manager is a reference (PUT /users/{id}/manager/$ref), which this tool does not export.',
    thumbnailPhoto: 'The photo is written through /users/{id}/photo, which this tool does not export.',
    userCertificate: 'userCertificate is not exposed by Microsoft Graph v1.0.',
    userSMIMECertificate: 'userSMIMECertificate is not exposed by Microsoft Graph v1.0.',
  },
  group: {
    proxyAddresses: 'proxyAddresses of a group is read-only in Microsoft Graph.',
    mail: 'mail of a group is read-only in Microsoft Graph; mail-enabled security groups and distribution lists cannot be written through Graph.',
    onPremiseSecurityIdentifier: 'onPremisesSecurityIdentifier is read-only in Microsoft Graph v1.0.',
    sourceAnchor: 'Microsoft Graph v1.0 groups have no writable source anchor (onPremisesImmutableId exists for users only).',
    dn: 'Microsoft Graph v1.0 groups have no writable distinguished name.',
    commonName: 'Microsoft Graph v1.0 has no property for the common name of a group.',
    managedBy: 'Owners are references (owners/$ref), which this tool does not export.',
  },
  contact: {},
};

/**
 * Why an attribute is not exported (a field beyond the port's {attribute, reason}, so the
 * engine can tell real losses from attributes that have no Graph counterpart at all):
 * - readOnlyInGraph: Graph v1.0 has the property but refuses client writes (proxyAddresses, onPremises*);
 * - noGraphProperty: Graph v1.0 has no such property (commonName, countryCode, msExch*...);
 * - notExportedByTool: Graph could write it through another call this tool does not make (manager, photo, owners);
 * - notClearable: the rules clear a property Graph does not let anyone clear;
 * - invalidValue: the value cannot be converted (e.g. a non-boolean for accountEnabled);
 * - readOnlyObject: the whole object type is read-only in Graph (orgContact).
 */
export type NotExportableKind = 'readOnlyInGraph' | 'noGraphProperty' | 'notExportedByTool' | 'notClearable' | 'invalidValue' | 'readOnlyObject';
export interface NotExportable {
  attribute: string;
  reason: string;
  kind: NotExportableKind;
}

const notExportedByTool = new Set(['manager', 'thumbnailPhoto', 'managedBy']);
/** Listed in readOnlyInGraph for their explanation, but Graph v1.0 has no such property at all. */
const noCounterpart: Record<EntraObjectKind, Set<string>> = {
  user: new Set(['netBiosName', 'userCertificate', 'userSMIMECertificate']),
  group: new Set(['sourceAnchor', 'dn', 'commonName']),
  contact: new Set(),
};

const contactReason = 'Organizational contacts (orgContact) are read-only in Microsoft Graph; only Entra Connect or Exchange Online can write them.';

function notExportable(kind: EntraObjectKind, attribute: string): NotExportable {
  if (kind === 'contact') return { attribute, reason: contactReason, kind: 'readOnlyObject' };
  const known = readOnlyInGraph[kind][attribute];
  if (known) {
    const why: NotExportableKind = notExportedByTool.has(attribute) ? 'notExportedByTool' : noCounterpart[kind].has(attribute) ? 'noGraphProperty' : 'readOnlyInGraph';
    return { attribute, reason: known, kind: why };
  }
  if (/^msExch|^msRtc|^msDS-|^msDs/i.test(attribute)) {
    return { attribute, reason: `${attribute} is an Exchange/Skype/AD attribute that Microsoft Graph v1.0 does not expose.`, kind: 'noGraphProperty' };
  }
  return { attribute, reason: `Microsoft Graph v1.0 has no writable ${kind} property for the connector attribute ${attribute}.`, kind: 'noGraphProperty' };
}

// Graph v1.0 writes security groups and Microsoft 365 groups only (mailEnabled false, securityEnabled true for the first).
const distributionGroupReason = 'Microsoft Graph v1.0 cannot set securityEnabled to false: it writes only security groups and Microsoft 365 groups, so a distribution group is written by Entra Connect or Exchange Online.';

/**
 * POST/PATCH /groups refuse a mailNickname outside these rules (400): predicted, so the rest of
 * the object is still written. (Over 64 characters the sync step has already failed the object
 * with ExceededAllowedLength; the check stays for a caller that plans an export without it.)
 */
function invalidGroupMailNickname(value: string): string | undefined {
  if (value.length > 64) return `The group mailNickname '${value}' is longer than the 64 characters Microsoft Graph accepts.`;
  // eslint-disable-next-line no-control-regex -- ASCII 0-127 is the documented range
  const bad = [...new Set(value.match(/[@()\\[\]";:.<>,\s]|[^\x00-\x7f]/g) ?? [])];
  return bad.length ? `The group mailNickname '${value}' contains ${bad.map((c) => `'${c}'`).join(', ')}, which Microsoft Graph does not accept in a group mailNickname.` : undefined;
}

function mapFor(kind: EntraObjectKind): Record<string, Mapping> {
  return kind === 'user' ? userAttributeMap : kind === 'group' ? groupAttributeMap : {};
}

/**
 * Per attribute map (constant), lower-cased name -> the first key with that name: an export plans
 * ~100 attributes per object, and lower-casing every key of the map for each cost 1-2% of a batch.
 */
const keysByLowerName = new WeakMap<Record<string, Mapping>, Map<string, string>>();
function keyOf(map: Record<string, Mapping>, attribute: string): string | undefined {
  let keys = keysByLowerName.get(map);
  if (!keys) {
    keys = new Map();
    for (const key of Object.keys(map)) if (!keys.has(key.toLowerCase())) keys.set(key.toLowerCase(), key);
    keysByLowerName.set(map, keys);
  }
  return keys.get(lowerCaseName(attribute));
}

function findMapping(map: Record<string, Mapping>, attribute: string): [string, Mapping] | undefined {
  const key = keyOf(map, attribute);
  if (key !== undefined) return [key, map[key]!];
  // Users and groups only: Graph v1.0 cannot write any property of an orgContact.
  if ((map === userAttributeMap || map === groupAttributeMap) && directoryExtensionPattern.test(attribute)) {
    return [attribute, { graph: attribute, shape: 'directoryExtension' }];
  }
  return undefined;
}

/**
 * A directory extension value as Graph takes it: the rules do not say whether the extension is
 * multi-valued, so several values are a list and one value is a single value (numbers and
 * booleans as JSON numbers and booleans, binary as base64); cleared is null.
 */
function extensionValue(values: AttributeValue[] | null): unknown {
  if (values === null || values.length === 0) return null;
  const one = (v: AttributeValue) => (typeof v === 'number' || typeof v === 'boolean' ? v : text(v));
  return values.length === 1 ? one(values[0]!) : values.map(one);
}

function text(value: AttributeValue): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return String(value);
}

function toBoolean(value: AttributeValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  const t = text(value).trim().toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  return undefined;
}

/** An ExportPlan (assignable to the port's type) whose refusals carry their kind. */
export interface DetailedExportPlan extends ExportPlan {
  notExportable: NotExportable[];
}

export function planExport(kind: EntraObjectKind, attributes: Record<string, AttributeValue[] | null>): DetailedExportPlan {
  const properties: Record<string, unknown> = {};
  const refused: NotExportable[] = [];
  const map = mapFor(kind);
  for (const attribute of Object.keys(attributes)) {
    if (engineOnlyAttributes.has(attribute)) continue;
    const values = attributes[attribute] as AttributeValue[] | null;
    if (kind === 'group' && membershipAttributes.has(attribute)) continue;
    const found = kind === 'contact' ? undefined : findMapping(map, attribute);
    if (!found) {
      refused.push(notExportable(kind, attribute));
      continue;
    }
    const [, mapping] = found;
    const cleared = values === null || values.length === 0;
    if (cleared && mapping.notClearable) {
      refused.push({ attribute, reason: `The rules clear ${attribute}, but Microsoft Graph does not allow clearing ${mapping.graph}; the value in Microsoft Entra ID is kept.`, kind: 'notClearable' });
      continue;
    }
    const first = cleared ? undefined : values[0];
    // A single-valued property given several values (a function given a multi-valued attribute
    // applies to every value): said, never the first one written silently.
    if (!cleared && values.length > 1 && singleValuedShapes.has(mapping.shape)) {
      const shown = values.slice(0, 3).map((v) => `'${text(v)}'`).join(', ') + (values.length > 3 ? ', ...' : '');
      refused.push({
        attribute, kind: 'invalidValue',
        reason: `The rules give ${values.length} values (${shown}) to ${attribute}, but ${mapping.graph} holds one value; it is not written. An expression that reads a multi-valued attribute is applied to every value: choose one with Item(), or test with Contains().`,
      });
      continue;
    }
    switch (mapping.shape) {
      case 'string':
      case 'anchor': {
        const invalid = kind === 'group' && mapping.graph === 'mailNickname' && first !== undefined ? invalidGroupMailNickname(text(first)) : undefined;
        if (invalid) refused.push({ attribute, reason: invalid, kind: 'invalidValue' });
        else properties[mapping.graph] = first === undefined ? null : text(first);
        break;
      }
      case 'boolean': {
        const b = first === undefined ? null : toBoolean(first);
        if (b === undefined) refused.push({ attribute, reason: `The value '${text(first!)}' is not a boolean.`, kind: 'invalidValue' });
        else if (kind === 'group' && mapping.graph === 'securityEnabled' && b === false) refused.push({ attribute, reason: distributionGroupReason, kind: 'readOnlyInGraph' });
        else properties[mapping.graph] = b;
        break;
      }
      case 'stringList':
        properties[mapping.graph] = cleared ? [] : values.map(text);
        break;
      case 'firstOfList':
        properties[mapping.graph] = first === undefined ? [] : [text(first)];
        break;
      case 'directoryExtension':
        properties[mapping.graph] = extensionValue(values);
        break;
      case 'extension': {
        const bag = (properties.onPremisesExtensionAttributes ??= {}) as Record<string, string | null>;
        bag[mapping.graph] = first === undefined ? null : text(first);
        break;
      }
    }
  }
  return { properties, notExportable: refused };
}

/** Shapes that hold one value in Graph. */
const singleValuedShapes: ReadonlySet<Shape> = new Set<Shape>(['string', 'anchor', 'boolean', 'extension']);

/** A Graph object as Entra connector-space attributes (AAD connector names). */
export function toConnectorSpace(object: EntraObject): Attributes {
  const out: Attributes = {};
  const put = (name: string, value: unknown) => {
    if (value === null || value === undefined || value === '') return;
    if (Array.isArray(value)) {
      const list = value.filter((v): v is string | number | boolean => v !== null && v !== undefined && v !== '');
      if (list.length > 0) out[name] = list;
      return;
    }
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[name] = [value];
  };
  const p = object.properties;
  const prefix = object.kind === 'user' ? 'User' : object.kind === 'group' ? 'Group' : 'Contact';
  put('cloudAnchor', `${prefix}_${object.id}`);
  for (const [attribute, mapping] of entriesOf(mapFor(object.kind))) {
    if (mapping.shape === 'extension') {
      const bag = p.onPremisesExtensionAttributes as Record<string, unknown> | null | undefined;
      put(attribute, bag?.[mapping.graph]);
    } else if (mapping.shape === 'firstOfList') {
      put(attribute, Array.isArray(p[mapping.graph]) ? (p[mapping.graph] as unknown[])[0] : undefined);
    } else {
      put(attribute, p[mapping.graph]);
    }
  }
  // Directory extensions come back only when $select named them (see GraphEntraTarget).
  if (object.kind !== 'contact') {
    for (const [name, value] of Object.entries(p)) if (directoryExtensionPattern.test(name)) put(name, value);
  }
  // Read-only properties still tell the engine what the tenant holds.
  put('proxyAddresses', p.proxyAddresses);
  if (object.kind !== 'user') {
    put('mail', p.mail);
    put('alias', p.mailNickname);
    put('displayName', p.displayName);
  }
  put('onPremiseSecurityIdentifier', p.onPremisesSecurityIdentifier);
  if (object.kind === 'user') {
    put('onPremisesUserPrincipalName', p.onPremisesUserPrincipalName);
    put('onPremisesSamAccountName', p.onPremisesSamAccountName);
    put('dnsDomainName', p.onPremisesDomainName);
  }
  if (typeof p.onPremisesSyncEnabled === 'boolean') put('dirSyncEnabled', p.onPremisesSyncEnabled);
  return out;
}

/**
 * The connector attributes toConnectorSpace reads back from Graph for a kind: only these can be
 * compared with what Entra Connect would export; the rest are not visible through Graph v1.0.
 */
export function readableAttributes(kind: EntraObjectKind): string[] {
  const common = ['proxyAddresses', 'onPremiseSecurityIdentifier'];
  if (kind === 'user') return [...Object.keys(userAttributeMap), ...common, 'onPremisesUserPrincipalName', 'onPremisesSamAccountName', 'dnsDomainName'];
  if (kind === 'group') return [...Object.keys(groupAttributeMap), ...common, 'mail', 'alias', 'displayName'];
  return ['displayName', 'givenName', 'surname', 'mail', 'alias', 'proxyAddresses'];
}

/** Graph properties the adapter selects when reading an object of each kind. */
export const selectFor: Record<EntraObjectKind, string[]> = {
  user: [
    'id', ...new Set(Object.values(userAttributeMap).filter((m) => m.shape !== 'extension').map((m) => m.graph)), 'onPremisesExtensionAttributes',
    'proxyAddresses', 'onPremisesSecurityIdentifier', 'onPremisesUserPrincipalName', 'onPremisesSamAccountName', 'onPremisesSyncEnabled',
    'onPremisesDomainName', 'onPremisesDistinguishedName', 'onPremisesProvisioningErrors', 'serviceProvisioningErrors',
    // Licensed users in managed domains keep their UPN when SynchronizeUpnForManagedUsers is off.
    'assignedLicenses',
  ],
  group: [
    'id', 'displayName', 'description', 'mailNickname', 'mail', 'mailEnabled', 'securityEnabled', 'groupTypes', 'proxyAddresses',
    'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled', 'onPremisesProvisioningErrors', 'serviceProvisioningErrors', 'uniqueName',
  ],
  contact: ['id', 'displayName', 'givenName', 'surname', 'mail', 'mailNickname', 'proxyAddresses', 'onPremisesSyncEnabled', 'onPremisesProvisioningErrors', 'serviceProvisioningErrors'],
};
