// The shapes of Graph's answers, checked where they enter. Graph answers are untrusted (a faulty
// service, a proxy in the way): a collection whose `value` is not a list, an object without a
// string id, or no JSON object at all must not read as "no such object" (a staging run would
// then plan a create, an export would write a duplicate) nor crash a step with a TypeError.
// Each is GraphRequestFailed naming the request and what was wrong; nothing is decided from it.
import { entraErrors, SyncError } from '../../../engine/errors';

type Raw = Record<string, unknown>;

export function malformed(method: string, path: string, what: string): SyncError {
  return new SyncError(entraErrors.GraphRequestFailed, {
    status: 200, graphCode: '', method, path,
    graphMessage: `the answer is not what Microsoft Graph documents (${what}); nothing was decided from it`,
  });
}

const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One directory object (a user, group or contact): a JSON object with a non-empty string id. */
export function entityAnswer(body: unknown, method: string, path: string): Raw {
  if (!isRecord(body)) throw malformed(method, path, 'not a JSON object');
  if (typeof body.id !== 'string' || body.id === '') throw malformed(method, path, 'an object without a string id');
  return body;
}

/**
 * A collection ({ value: [...] }): its items, each a JSON object, with a non-empty string id
 * when `ids` (directory objects; a role assignment or a sync setting has its own shape).
 */
export function collectionAnswer(body: unknown, method: string, path: string, ids = true): Raw[] {
  if (!isRecord(body)) throw malformed(method, path, 'not a JSON object');
  const value = body.value;
  if (!Array.isArray(value)) throw malformed(method, path, '"value" is not a list');
  for (const item of value) {
    if (!isRecord(item)) throw malformed(method, path, 'an item of "value" is not a JSON object');
    if (ids && (typeof item.id !== 'string' || item.id === '')) throw malformed(method, path, 'an item of "value" has no string id');
  }
  return value as Raw[];
}

/** A page of a listing: its items and the link to the next page, if Graph gave one as text. */
export function pageAnswer(body: unknown, method: string, path: string): { items: Raw[]; nextLink?: string; deltaLink?: string } {
  const items = collectionAnswer(body, method, path);
  if (items.length > MAX_PAGE_ITEMS) throw malformed(method, path, `a page of ${items.length.toLocaleString('en-US')} items, more than the ${MAX_PAGE_ITEMS} Graph puts on one`);
  const page = body as Raw;
  const link = (name: string) => {
    const v = page[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw malformed(method, path, `"${name}" is not a link`);
    return v;
  };
  const nextLink = link('@odata.nextLink');
  const deltaLink = link('@odata.deltaLink');
  return { items, ...(nextLink !== undefined ? { nextLink } : {}), ...(deltaLink !== undefined ? { deltaLink } : {}) };
}

/** The inner answers of a POST /$batch: each a JSON object with a string id and a numeric status. */
export function batchResponses<T>(body: unknown): T[] {
  if (!isRecord(body) || !Array.isArray(body.responses)) throw malformed('POST', '/$batch', '"responses" is not a list');
  for (const r of body.responses) {
    if (!isRecord(r) || typeof r.id !== 'string' || typeof r.status !== 'number') throw malformed('POST', '/$batch', 'a response without a string id and a numeric status');
  }
  return body.responses as T[];
}

/** The most items a page of a listing holds: Graph's largest $top (999); a delta page holds at most 200. */
export const MAX_PAGE_ITEMS = 999;

/**
 * The characters of a directory object's id: Graph's are GUIDs; the emulator's and a seeded
 * tenant's may be short names. Never a '/', '?', '#', '%', a space or a control character, which
 * would change the path an id is put in.
 */
const DIRECTORY_ID = /^[A-Za-z0-9._-]{1,128}$/;

type PropertyType = 'string' | 'boolean' | 'strings' | 'objects' | 'extensionAttributes';

/**
 * The documented JSON type of each property the adapter selects on a user, group or contact
 * (Microsoft Graph v1.0 user, group and orgContact resources); null stands for "not set". The
 * lookups read these, so one of another type would make an object unfindable by its anchor, UPN or
 * address (a planned create, a soft match) or be taken as something it is not.
 */
const propertyTypes: Record<string, PropertyType> = {
  ...Object.fromEntries([
    'userPrincipalName', 'onPremisesImmutableId', 'mail', 'mailNickname', 'displayName', 'uniqueName', 'description', 'givenName', 'surname',
    'onPremisesSecurityIdentifier', 'onPremisesUserPrincipalName', 'onPremisesSamAccountName', 'onPremisesDomainName', 'onPremisesDistinguishedName',
    'city', 'companyName', 'country', 'department', 'employeeId', 'employeeType', 'faxNumber', 'mobilePhone', 'officeLocation', 'postalCode',
    'preferredLanguage', 'state', 'streetAddress', 'jobTitle', 'usageLocation',
  ].map((name) => [name, 'string' as const])),
  ...Object.fromEntries(['accountEnabled', 'securityEnabled', 'mailEnabled', 'onPremisesSyncEnabled'].map((name) => [name, 'boolean' as const])),
  ...Object.fromEntries(['proxyAddresses', 'otherMails', 'businessPhones', 'groupTypes'].map((name) => [name, 'strings' as const])),
  ...Object.fromEntries(['assignedLicenses', 'onPremisesProvisioningErrors', 'serviceProvisioningErrors'].map((name) => [name, 'objects' as const])),
  onPremisesExtensionAttributes: 'extensionAttributes',
};

/** Checked for every object of a tenant read (tens of thousands): listed once. */
const typedProperties = Object.entries(propertyTypes);

/** "a number", "a list", … for a reason. */
function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return typeof v === 'number' ? `a number (${v})` : `a ${typeof v}`;
}

function typeFlaw(value: unknown, type: PropertyType): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (type) {
    case 'string': return typeof value === 'string' ? undefined : `is ${jsonType(value)}, not a text`;
    case 'boolean': return typeof value === 'boolean' ? undefined : `is ${jsonType(value)}, not true or false`;
    case 'strings':
    case 'objects': {
      const what = type === 'strings' ? 'texts' : 'objects';
      if (!Array.isArray(value)) return `is ${jsonType(value)}, not a list of ${what}`;
      const at = value.findIndex((item) => (type === 'strings' ? typeof item !== 'string' : !isRecord(item)));
      return at < 0 ? undefined : `holds ${jsonType(value[at])} (item ${at + 1}), not only ${what}`;
    }
    case 'extensionAttributes': {
      if (!isRecord(value)) return `is ${jsonType(value)}, not an object of texts`;
      const bad = Object.entries(value).find(([, v]) => v !== null && typeof v !== 'string');
      return bad ? `holds ${jsonType(bad[1])} as ${JSON.stringify(bad[0].slice(0, 64))}, not a text` : undefined;
    }
  }
}

/**
 * A user, group or contact as read (a list, a delta page, a lookup): an id that is a directory
 * object's, and each selected property of its documented type (missing or null: not set).
 */
export function directoryObjectAnswer(kind: string, raw: Raw, method: string, path: string): Raw {
  const id = raw.id as string;
  if (!DIRECTORY_ID.test(id)) throw malformed(method, path, `a ${kind} whose id ${JSON.stringify(id.slice(0, 64))} is not a directory object's id`);
  for (const [name, type] of typedProperties) {
    const flaw = typeFlaw(raw[name], type);
    if (flaw) throw malformed(method, path, `the ${kind} ${id}: "${name}" ${flaw}`);
  }
  return raw;
}
