// How Microsoft Entra ID matches an incoming object and what it does with duplicate values,
// decided from the tenant's objects (read in step 8) and its sync features. Pure.
//
// Documented behaviour (how-to-connect-install-existing-tenant, tshoot-connect-sync-errors,
// how-to-connect-syncservice-duplicate-attribute-resiliency):
// - Hard match: onPremisesImmutableId = sourceAnchor. A cloud-managed object taken over this
//   way is refused when BlockCloudObjectTakeoverThroughHardMatchEnabled is set (InvalidHardMatch).
// - Soft match, for new objects only: userPrincipalName (when SoftMatchOnUpnEnabled) or the
//   primary SMTP address (the SMTP: value) against a cloud-managed object without an
//   onPremisesImmutableId. Not when BlockSoftMatchEnabled is set; never to a user holding an
//   admin role (Existing Admin Role Conflict); never across object types (ObjectTypeMismatch).
// - An object not matched whose SMTP address, primary or not, a cloud-managed object of another
//   type holds is ObjectTypeMismatch (the error page's example: smtp:tax@contoso.com).
//   Groups match only when mail-enabled; non-mail-enabled groups never soft-match.
// - Duplicate attribute resiliency (always on): a userPrincipalName or SMTP proxy address held
//   by another object is quarantined (UPN -> <prefix><4 digits>@<initial domain>; the proxy
//   address dropped) and the object is still provisioned. Known issue kept: a user whose UPN
//   equals an SMTP address a group holds gets AttributeValueMustBeUnique instead.
import { entraErrors, SyncError } from '../errors';
import type { EntraObject, EntraObjectKind, SyncFeatures } from '../ports/entra-target';

/** The values Entra ID matches and checks for uniqueness: what the rules export, not raw AD. */
export interface ExportIdentity {
  userPrincipalName?: string;
  /** The primary SMTP address (the SMTP: proxy address), without prefix. */
  primarySmtp?: string;
  /** Every SMTP address exported (proxyAddresses smtp:/SMTP: and mail), lower case, without prefix. */
  smtpAddresses: string[];
  mail?: string;
}

export interface Holder {
  id: string;
  kind: EntraObjectKind;
  displayName: string;
  userPrincipalName?: string;
  onPremisesDistinguishedName?: string;
}

export interface Quarantine {
  attribute: 'userPrincipalName' | 'proxyAddresses';
  /** The value as exported (a UPN, or an SMTP address without prefix). */
  value: string;
  holder: Holder;
  /** For userPrincipalName: the placeholder Entra ID assigns instead. */
  placeholder?: string;
}

/** A soft-match candidate refused for its admin roles (Existing Admin Role Conflict). */
export interface AdminRoleConflict {
  candidate: EntraObject;
  attribute: 'userPrincipalName' | 'proxyAddresses';
  value: string;
  roles: string[];
}

export type MatchDecision =
  /** Not matched: Microsoft Entra ID creates the object, unless `adminRoleConflict` (a soft match refused for the candidate's admin roles). */
  | { kind: 'none'; adminRoleConflict?: AdminRoleConflict }
  | { kind: 'hard'; target: EntraObject; via: 'onPremisesImmutableId' | 'cloudAnchor' | 'onPremisesSecurityIdentifier' | 'syncedContactAddress' }
  | { kind: 'soft'; target: EntraObject; via: 'userPrincipalName' | 'proxyAddresses' }
  /** A soft-deleted user holds the anchor: Microsoft Entra ID restores it instead of creating a user. */
  | { kind: 'restore'; target: EntraObject }
  /** A conflict Entra ID reports at export; `candidate` is what step 8 found. */
  | { kind: 'conflict'; candidate: EntraObject; error: SyncError };

export interface MatchInput {
  kind: EntraObjectKind;
  sourceAnchor: string;
  /** The AD object's objectSid (S-1-5-…), when it has one. */
  objectSid?: string;
  identity: ExportIdentity;
  features: SyncFeatures;
  /** Found by onPremisesImmutableId (users) or by the cloud anchor this tool stored. */
  hardMatched?: { object: EntraObject; via: 'onPremisesImmutableId' | 'cloudAnchor' };
  /** The object id this tool exported this object to before (its connector space), if any. */
  storedCloudId?: string;
  /** The synced object carrying this AD object's SID (Entra Connect synced it). */
  bySecurityIdentifier?: EntraObject;
  /** A soft-deleted user (deleted items) whose onPremisesImmutableId is this anchor. */
  softDeleted?: EntraObject;
  /** Every object holding the exported UPN or an exported SMTP address. */
  holders: EntraObject[];
}

const lower = (v: unknown): string => (typeof v === 'string' ? v.toLowerCase() : '');
export const immutableIdOf = (o: EntraObject): string | undefined => {
  const v = o.properties.onPremisesImmutableId;
  return typeof v === 'string' && v ? v : undefined;
};
export const isSynced = (o: EntraObject): boolean => o.properties.onPremisesSyncEnabled === true;
const proxiesOf = (o: EntraObject): string[] => (Array.isArray(o.properties.proxyAddresses) ? o.properties.proxyAddresses.map(String) : []);
/** The holder's primary SMTP address: its SMTP: proxy address, or mail for objects without proxies. */
function primarySmtpOf(o: EntraObject): string | undefined {
  const primary = proxiesOf(o).find((p) => p.startsWith('SMTP:'));
  if (primary) return primary.slice(5).toLowerCase();
  return proxiesOf(o).length === 0 && typeof o.properties.mail === 'string' ? o.properties.mail.toLowerCase() : undefined;
}
/** A holder's SMTP addresses, made once per object read: asked per address of the object matched (a tenant may return many holders, each with many addresses). */
const smtpSets = new WeakMap<EntraObject, Set<string>>();
function smtpOf(o: EntraObject): Set<string> {
  let out = smtpSets.get(o);
  if (!out) {
    out = new Set(proxiesOf(o).filter((p) => /^smtp:/i.test(p)).map((p) => p.slice(5).toLowerCase()));
    if (typeof o.properties.mail === 'string') out.add(o.properties.mail.toLowerCase());
    smtpSets.set(o, out);
  }
  return out;
}
export const holderOf = (o: EntraObject): Holder => ({
  id: o.id,
  kind: o.kind,
  displayName: String(o.properties.displayName ?? o.properties.userPrincipalName ?? o.id),
  ...(typeof o.properties.userPrincipalName === 'string' ? { userPrincipalName: o.properties.userPrincipalName } : {}),
  ...(typeof o.properties.onPremisesDistinguishedName === 'string' ? { onPremisesDistinguishedName: o.properties.onPremisesDistinguishedName } : {}),
});

/**
 * Hard match and soft match, in Entra ID's order. Soft-match candidates that cannot be
 * matched (another anchor, blocked, other type) are left to the duplicate-value check.
 */
export async function decideMatch(input: MatchInput, adminRolesOf: (candidate: EntraObject) => Promise<string[]>): Promise<MatchDecision> {
  const { kind, sourceAnchor, identity, features } = input;
  if (input.hardMatched) {
    const target = input.hardMatched.object;
    // Taking over a cloud-managed object; not the object this tool itself exported earlier.
    const takeover = !isSynced(target) && target.id !== input.storedCloudId;
    if (takeover && features.blockCloudObjectTakeoverThroughHardMatchEnabled && input.hardMatched.via === 'onPremisesImmutableId') {
      return { kind: 'conflict', candidate: target, error: new SyncError(entraErrors.InvalidHardMatch, { kind: target.kind, id: target.id, sourceAnchor }) };
    }
    return { kind: 'hard', target, via: input.hardMatched.via };
  }
  const bySid = input.bySecurityIdentifier;
  if (bySid && isSynced(bySid)) {
    // The same AD object, synced by Entra Connect. Users carry their anchor: a different one
    // means the source anchor changed since (InvalidSoftMatch at export, as Entra Connect sees it).
    const anchor = immutableIdOf(bySid);
    if (bySid.kind === 'user' && anchor && anchor !== sourceAnchor) {
      return {
        kind: 'conflict', candidate: bySid,
        error: new SyncError(entraErrors.InvalidSoftMatch, { attribute: 'onPremisesSecurityIdentifier', value: input.objectSid, existingImmutableId: anchor, sourceAnchor, id: bySid.id }),
      };
    }
    return { kind: 'hard', target: bySid, via: 'onPremisesSecurityIdentifier' };
  }
  if (input.softDeleted) {
    // No live object holds the anchor, a deleted user does: "When the recovered on-premises AD
    // user object is synchronized to Microsoft Entra ID, Microsoft Entra ID restores the
    // corresponding soft-deleted Microsoft Entra user object" (how-to-connect-sync-recycle-bin).
    // Matched on the anchor, so before any soft match; taking over a deleted cloud-managed user
    // is a hard match like any other.
    const target = input.softDeleted;
    if (!isSynced(target) && features.blockCloudObjectTakeoverThroughHardMatchEnabled) {
      return { kind: 'conflict', candidate: target, error: new SyncError(entraErrors.InvalidHardMatch, { kind: target.kind, id: target.id, sourceAnchor }) };
    }
    return { kind: 'restore', target };
  }
  if (kind === 'contact') return contactMatch(input);
  // Soft-match candidates by the exported values.
  const upn = lower(identity.userPrincipalName);
  const primary = lower(identity.primarySmtp);
  const byUpn = kind === 'user' && upn && features.softMatchOnUpnEnabled ? input.holders.filter((h) => h.kind === 'user' && lower(h.properties.userPrincipalName) === upn) : [];
  // Groups soft-match only when mail-enabled (they then have a primary SMTP address).
  const byPrimary = primary ? input.holders.filter((h) => primarySmtpOf(h) === primary) : [];
  const candidates: { object: EntraObject; via: 'userPrincipalName' | 'proxyAddresses' }[] = [
    ...byUpn.map((object) => ({ object, via: 'userPrincipalName' as const })),
    ...byPrimary.map((object) => ({ object, via: 'proxyAddresses' as const })),
  ];
  for (const { object, via } of candidates) {
    const value = via === 'userPrincipalName' ? identity.userPrincipalName! : identity.primarySmtp!;
    const cloudManaged = !isSynced(object);
    if (object.kind !== kind) {
      if (cloudManaged) {
        return {
          kind: 'conflict', candidate: object,
          error: new SyncError(entraErrors.ObjectTypeMismatch, { attribute: via, value, existingKind: object.kind, kind, id: object.id }),
        };
      }
      continue;
    }
    const anchor = immutableIdOf(object);
    if (!cloudManaged || (anchor && anchor !== sourceAnchor)) continue; // another object's: a duplicate value, not a match
    if (features.blockSoftMatchEnabled) continue; // the value is then a duplicate (quarantined)
    if (kind === 'user') {
      const roles = await adminRolesOf(object);
      if (roles.length > 0) {
        // "Microsoft Entra Connect isn't allowed to soft match a user object from on-premises AD
        // with a user object in Microsoft Entra ID that has an administrative role assigned to
        // it" (tshoot-connect-sync-errors): no match, and the attempt fails; what stays of it is
        // "the Quarantined object" the fix deletes, the shared value quarantined (a duplicate).
        return { kind: 'none', adminRoleConflict: { candidate: object, attribute: via, value, roles } };
      }
    }
    return { kind: 'soft', target: object, via };
  }
  // Not matched, so Entra ID would create it: any exported SMTP address (primary or not) that a
  // cloud-managed object of another type holds is ObjectTypeMismatch (tshoot-connect-sync-errors:
  // a cloud mail-enabled group holds tax@contoso.com, a new user has proxy address
  // smtp:tax@contoso.com, the user's export fails). Same-type holders are left to resiliency.
  for (const address of identity.smtpAddresses) {
    const other = input.holders.find((h) => h.kind !== kind && !isSynced(h) && smtpOf(h).has(address));
    if (other) {
      return {
        kind: 'conflict', candidate: other,
        error: new SyncError(entraErrors.ObjectTypeMismatch, { attribute: 'proxyAddresses', value: address, existingKind: other.kind, kind, id: other.id }),
      };
    }
  }
  return { kind: 'none' };
}

/**
 * Contacts carry no anchor in Graph (orgContact has no onPremisesImmutableId): the contact Entra
 * Connect synchronized from this AD contact is the synced contact holding its primary SMTP
 * address (Entra ID keeps SMTP addresses unique, and "In from AD - Contact Join" joins on mail).
 * A cloud-managed contact holding it is soft-matched on it, as Entra ID matches mail-enabled
 * objects on the primary SMTP address; another type holding it is ObjectTypeMismatch.
 */
/**
 * The cloud contact an AD contact with this primary SMTP address joins: one Entra Connect
 * synchronized, else (soft match allowed) a cloud-managed one. orgContact has no anchor in Graph.
 */
export function contactByPrimarySmtp(holders: readonly EntraObject[], primarySmtp: string, blockSoftMatch: boolean): { contact: EntraObject; synced: boolean } | undefined {
  const primary = primarySmtp.toLowerCase();
  const contacts = holders.filter((h) => h.kind === 'contact' && primarySmtpOf(h) === primary);
  const synced = contacts.find(isSynced);
  if (synced) return { contact: synced, synced: true };
  const cloud = blockSoftMatch ? undefined : contacts.find((h) => !isSynced(h));
  return cloud ? { contact: cloud, synced: false } : undefined;
}

function contactMatch(input: MatchInput): MatchDecision {
  const primary = lower(input.identity.primarySmtp ?? input.identity.mail);
  if (!primary) return { kind: 'none' };
  const joined = contactByPrimarySmtp(input.holders, primary, input.features.blockSoftMatchEnabled === true);
  if (joined?.synced) return { kind: 'hard', target: joined.contact, via: 'syncedContactAddress' };
  if (joined) return { kind: 'soft', target: joined.contact, via: 'proxyAddresses' };
  // Any exported address, primary or not, that a cloud-managed object of another type holds.
  for (const address of new Set([primary, ...input.identity.smtpAddresses])) {
    const other = input.holders.find((h) => h.kind !== 'contact' && !isSynced(h) && smtpOf(h).has(address));
    if (other) {
      return {
        kind: 'conflict', candidate: other,
        error: new SyncError(entraErrors.ObjectTypeMismatch, { attribute: 'proxyAddresses', value: address, existingKind: other.kind, kind: 'contact', id: other.id }),
      };
    }
  }
  return { kind: 'none' };
}

/** Entra ID's UPN placeholder: the prefix plus four digits at the initial domain (stable per object here). */
export function upnPlaceholder(upn: string, initialDomain: string, sourceAnchor: string): string {
  const prefix = upn.slice(0, Math.max(0, upn.lastIndexOf('@'))) || upn;
  let hash = 2166136261;
  for (const ch of sourceAnchor) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `${prefix}${String(hash % 10000).padStart(4, '0')}@${initialDomain}`;
}

/**
 * Values another object holds: quarantined (resiliency), or the documented known issue where
 * Entra ID still refuses the export. `self` is the object this one matched, if any.
 */
export function duplicateValues(
  input: { kind: EntraObjectKind; identity: ExportIdentity; holders: EntraObject[]; self?: EntraObject; initialDomain?: string; sourceAnchor: string },
): { quarantined: Quarantine[]; error?: SyncError } {
  const { kind, identity } = input;
  const others = input.holders.filter((h) => h.id !== input.self?.id);
  const quarantined: Quarantine[] = [];
  const upn = lower(identity.userPrincipalName);
  if (kind === 'user' && upn) {
    const holder = others.find((h) => h.kind === 'user' && lower(h.properties.userPrincipalName) === upn);
    if (holder) {
      quarantined.push({
        attribute: 'userPrincipalName', value: identity.userPrincipalName!, holder: holderOf(holder),
        ...(input.initialDomain ? { placeholder: upnPlaceholder(identity.userPrincipalName!, input.initialDomain, input.sourceAnchor) } : {}),
      });
    }
  }
  for (const address of identity.smtpAddresses) {
    const holder = others.find((h) => smtpOf(h).has(address));
    if (!holder) continue;
    // Known issue (resiliency doc): a user whose UPN is this address, against a group holding it.
    if (kind === 'user' && holder.kind === 'group' && address === upn) {
      return {
        quarantined,
        error: new SyncError(entraErrors.AttributeValueMustBeUnique, {
          attribute: 'proxyAddresses', conflictingObject: ` (the group ${holderOf(holder).displayName}, Group_${holder.id}, holds SMTP:${address}; duplicate attribute resiliency does not quarantine this case)`, value: address,
        }),
      };
    }
    // Known issue (resiliency doc): "If two Groups are created on-premises with the same SMTP
    // address, one fails to provision on the first attempt with a standard duplicate ProxyAddress
    // error. However, the duplicate value is properly quarantined upon the next sync cycle." A
    // group Entra ID does not hold yet is that first attempt (Graph cannot create a mail-enabled
    // group, so this tool never makes the second).
    if (kind === 'group' && !input.self && holder.kind === 'group' && isSynced(holder)) {
      return {
        quarantined,
        error: new SyncError(entraErrors.AttributeValueMustBeUnique, {
          attribute: 'proxyAddresses', conflictingObject: ` (the synchronized group ${holderOf(holder).displayName}, Group_${holder.id}, holds SMTP:${address}; a new group with an SMTP address another on-premises group holds fails on the first attempt, and duplicate attribute resiliency quarantines the value only on the next sync cycle)`, value: address,
        }),
      };
    }
    quarantined.push({ attribute: 'proxyAddresses', value: address, holder: holderOf(holder) });
  }
  return { quarantined };
}

/** One line per quarantined value, for messages and details. */
export function describeQuarantine(q: Quarantine): string {
  const who = `${q.holder.kind} ${q.holder.displayName} (${q.holder.id})`;
  return q.attribute === 'userPrincipalName'
    ? `userPrincipalName ${q.value} is held by ${who}; the object gets the placeholder ${q.placeholder ?? '<prefix><4 digits>@<initial domain>'}`
    : `proxy address smtp:${q.value} is held by ${who}; it is left off this object`;
}
