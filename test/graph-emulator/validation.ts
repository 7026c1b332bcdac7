// Validation of user and group bodies the way Graph does it, in Graph's order: unknown
// property, read-only property, value types and lengths, required properties, then the
// directory rules (verified domain, federated source anchor, password complexity).
import { errors } from './graph-errors';
import {
  groupCreateOnly, groupMaxLength, groupPatchOnly, groupProperties, groupRequired, groupVisibilities, groupWritable, type PropertyKind,
  userMaxLength, userProperties, userRequired, userWritable,
} from './schema';
import type { DirectoryObject, Store } from './store';

const annotations = /^@odata\.|@odata\.bind$/;

function checkType(name: string, kind: PropertyKind, value: unknown, resource: string): void {
  if (value === null) return;
  const ok =
    kind === 'string' ? typeof value === 'string'
    : kind === 'boolean' ? typeof value === 'boolean'
    : kind === 'int' ? Number.isInteger(value)
    : kind === 'dateTime' ? typeof value === 'string' && !Number.isNaN(Date.parse(value))
    : kind === 'string[]' ? Array.isArray(value) && value.every((v) => typeof v === 'string')
    : kind === 'complex[]' ? Array.isArray(value)
    : typeof value === 'object' && !Array.isArray(value);
  if (!ok) throw errors.invalidValue(name, resource);
}

/** Directory extension property names (extension_<appId without dashes>_<name>). */
export const directoryExtensionName = /^extension_[0-9a-f]{32}_/i;

/** A directory extension: refused unless registered for the resource; its value must fit the registration. */
function checkExtension(name: string, value: unknown, resource: string, store: Store | undefined): void {
  const registered = store?.extension(name, resource);
  if (!registered) throw errors.unknownExtension(name);
  if (value === null) return;
  const type = registered.dataType ?? 'String';
  const fits = (v: unknown) =>
    type === 'Boolean' ? typeof v === 'boolean'
    : type === 'Integer' || type === 'LargeInteger' ? Number.isInteger(v)
    : typeof v === 'string';
  const ok = registered.isMultiValued ? Array.isArray(value) && value.every(fits) : fits(value);
  if (!ok) throw errors.invalidValue(name, resource);
}

function checkShape(
  body: Record<string, unknown>,
  declared: Record<string, PropertyKind>,
  writable: Set<string>,
  maxLength: Record<string, number>,
  resource: string,
  store?: Store,
): void {
  for (const [name, value] of Object.entries(body)) {
    if (annotations.test(name)) continue;
    if (directoryExtensionName.test(name)) {
      checkExtension(name, value, resource, store);
      continue;
    }
    const kind = declared[name];
    if (!kind) throw errors.invalidProperty(name);
    if (!writable.has(name)) throw errors.readOnly(name);
    checkType(name, kind, value, resource);
    const max = maxLength[name];
    if (max !== undefined && typeof value === 'string' && value.length > max) throw errors.invalidValue(name, resource);
  }
}

const missing = (v: unknown) => v === undefined || v === null || v === '';

const smtpAddress = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
export const upnLocalPart = /^[A-Za-z0-9'.\-_!#^~]+$/;
const userNicknameForbidden = /[@()\\[\]";:<>,\s]/;
const groupNicknameForbidden = /[@()\\[\]";:.<>,\s]/;

export function passwordIsComplex(password: string): boolean {
  if (password.length < 8 || password.length > 256) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  return classes >= 3;
}

function checkUpn(upn: string, store: Store): { federated: boolean } {
  const at = upn.lastIndexOf('@');
  const local = upn.slice(0, at);
  const domainName = upn.slice(at + 1);
  // The username policy (concept-sspr-policy): at most 64 characters before the @, 48 after, 113 in all.
  if (at <= 0 || !upnLocalPart.test(local) || local.startsWith('.') || local.endsWith('.') || local.length > 64 || domainName.length > 48 || upn.length > 113) {
    throw errors.invalidValue('userPrincipalName', 'User');
  }
  const domain = store.domain(domainName);
  if (!domain || !domain.isVerified) throw errors.unverifiedDomain();
  return { federated: domain.authenticationType === 'Federated' };
}

function checkUserValues(body: Record<string, unknown>): void {
  const nick = body.mailNickname;
  if (typeof nick === 'string' && (userNicknameForbidden.test(nick) || /[^ -~]/.test(nick))) throw errors.invalidValue('mailNickname', 'User');
  const anchor = body.onPremisesImmutableId;
  if (typeof anchor === 'string' && (/[$_]/.test(anchor) || anchor.length === 0)) throw errors.invalidValue('onPremisesImmutableId', 'User');
  if (typeof body.mail === 'string' && !smtpAddress.test(body.mail)) throw errors.invalidValue('mail', 'User');
  if (Array.isArray(body.otherMails) && body.otherMails.some((m) => typeof m !== 'string' || !smtpAddress.test(m))) throw errors.invalidValue('otherMails', 'User');
  const usage = body.usageLocation;
  if (typeof usage === 'string' && !/^[A-Z]{2}$/.test(usage)) throw errors.invalidValue('usageLocation', 'User');
  if (Array.isArray(body.businessPhones) && body.businessPhones.length > 1) throw errors.invalidValue('businessPhones', 'User');
  const ext = body.onPremisesExtensionAttributes;
  if (ext && typeof ext === 'object') {
    for (const [k, v] of Object.entries(ext)) {
      if (!/^extensionAttribute([1-9]|1[0-5])$/.test(k)) throw errors.invalidProperty(k);
      if (v !== null && (typeof v !== 'string' || v.length > 1024)) throw errors.invalidValue(k, 'OnPremisesExtensionAttributes');
    }
  }
  for (const name of ['displayName', 'accountEnabled', 'userPrincipalName', 'mailNickname']) {
    if (name in body && missing(body[name])) throw errors.invalidValue(name, 'User');
  }
}

export function validateUserCreate(body: Record<string, unknown>, store: Store): void {
  checkShape(body, userProperties, userWritable, userMaxLength, 'User', store);
  for (const name of userRequired) if (missing(body[name])) throw errors.required(name);
  checkUserValues(body);
  const profile = body.passwordProfile as Record<string, unknown>;
  if (typeof profile.password !== 'string' || profile.password === '') throw errors.required('passwordProfile.password');
  const { federated } = checkUpn(String(body.userPrincipalName), store);
  if (federated && missing(body.onPremisesImmutableId)) throw errors.federatedNeedsAnchor();
  if (!passwordIsComplex(profile.password)) throw errors.weakPassword();
}

export function validateUserUpdate(body: Record<string, unknown>, existing: DirectoryObject, store: Store): void {
  checkShape(body, userProperties, userWritable, userMaxLength, 'User', store);
  checkUserValues(body);
  const upn = typeof body.userPrincipalName === 'string' ? body.userPrincipalName : String(existing.userPrincipalName);
  const { federated } = typeof body.userPrincipalName === 'string' ? checkUpn(upn, store) : { federated: store.domain(upn.split('@')[1] ?? '')?.authenticationType === 'Federated' };
  if ('onPremisesImmutableId' in body && body.onPremisesImmutableId !== existing.onPremisesImmutableId && federated) throw errors.federatedAnchorChange();
  const profile = body.passwordProfile as Record<string, unknown> | undefined;
  if (profile && typeof profile.password === 'string' && !passwordIsComplex(profile.password)) throw errors.weakPassword();
}

export function validateGroupCreate(body: Record<string, unknown>, store?: Store): void {
  for (const name of Object.keys(body)) if (groupPatchOnly.has(name)) throw errors.invalidValue(name, 'Group');
  checkShape(body, groupProperties, groupWritable, groupMaxLength, 'Group', store);
  for (const name of groupRequired) if (body[name] === undefined || body[name] === null || body[name] === '') throw errors.required(name);
  checkGroupValues(body, body);
}

export function validateGroupUpdate(body: Record<string, unknown>, existing: DirectoryObject, store?: Store): void {
  // Reference section 1.2 "Only at creation: groupTypes, isAssignableToRole, resourceBehaviorOptions,
  // resourceProvisioningOptions": a PATCH of one is refused [inferred: the read-only message].
  for (const name of Object.keys(body)) if (groupCreateOnly.has(name)) throw errors.readOnly(name);
  checkShape(body, groupProperties, groupWritable, groupMaxLength, 'Group', store);
  if ('displayName' in body && missing(body.displayName)) throw errors.invalidValue('displayName', 'Group');
  checkGroupValues(body, { ...existing, ...body });
}

function checkGroupValues(body: Record<string, unknown>, merged: Record<string, unknown>): void {
  // [inferred: the message] visibility is one of Private, Public, Hiddenmembership.
  const visibility = body.visibility;
  if (typeof visibility === 'string' && !groupVisibilities.some((v) => v.toLowerCase() === visibility.toLowerCase())) throw errors.invalidValue('visibility', 'Group');
  const nick = body.mailNickname;
  if (typeof nick === 'string' && (groupNicknameForbidden.test(nick) || /[^ -~]/.test(nick))) throw errors.invalidValue('mailNickname', 'Group');
  const types = (merged.groupTypes as string[] | undefined) ?? [];
  if (types.some((t) => t !== 'Unified' && t !== 'DynamicMembership')) throw errors.invalidValue('groupTypes', 'Group');
  const unified = types.includes('Unified');
  if (!unified && (merged.mailEnabled === true || merged.securityEnabled === false)) throw errors.mailEnabledGroup();
  if (types.includes('DynamicMembership') && missing(merged.membershipRule)) throw errors.required('membershipRule');
}
