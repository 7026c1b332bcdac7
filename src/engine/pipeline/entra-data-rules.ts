// What Microsoft Entra ID does with the values an export brings, as Microsoft Learn documents it,
// applied to the desired export of step 9 (and to step 8's export identity): the MOERA for an
// unverified suffix or invalid UPN characters (and keeping it until the on-premises UPN changes),
// the MailNickName kept, ProxyCalc's verified domains for mailbox users, duplicate attribute resiliency, UPN changes held for licensed managed
// users without SynchronizeUpnForManagedUsers, the LargeObject and ExceededAllowedLength limits, and the
// mS-DS-ConsistencyGuid write-back Entra Connect would make.
import { entraErrors, SyncError, syncErrors } from '../errors';
import type { Attributes, AttributeValue } from '../model/attributes';
import { getValues } from '../model/attributes';
import { cloudMailNickname } from '../rules';
import type { SyncDependencies, SyncFacts } from './context';
import { describeQuarantine } from './matching';

/** The export as step 9 builds it: attribute -> values, null to clear. */
export type DesiredExport = Record<string, AttributeValue[] | null>;

/**
 * Microsoft Entra ID sets a user's MailNickName at first sync and updates it only when the
 * on-premises mailNickname changes (plan-connect-userprincipalname): with none on-premises,
 * the cloud value stays; it is neither cleared nor recalculated.
 */
export function applyMailNicknameRule(facts: SyncFacts, desired: DesiredExport, notes: Record<string, string>): void {
  if (facts.kind !== 'user' || !facts.target || desired.alias?.length) return;
  const cloud = getValues(facts.entraImported ?? {}, 'alias');
  if (!cloud?.length) return;
  desired.alias = cloud;
  notes.alias = `Microsoft Entra ID keeps the mail nickname ${String(cloud[0])}: it changes only when an on-premises mailNickname is synchronized, and this object has none.`;
}

/**
 * The MailNickName Microsoft Entra ID sets at first sync when none flows from on-premises, and
 * what it came from (plan-connect-userprincipalname: the first present of mailNickname, primary
 * SMTP prefix, mail prefix, UPN prefix, secondary smtp prefix), for the report to show.
 */
export function firstSyncMailNickname(facts: SyncFacts, desired: DesiredExport): { value: string; source: string } | undefined {
  const value = cloudMailNickname(desired);
  if (!value) return undefined;
  const first = (values: AttributeValue[] | null | undefined) => (values ?? []).map(String).find((v) => v.trim() !== '');
  const proxies = (desired.proxyAddresses ?? []).map(String);
  const candidates: [string, string | undefined][] = [
    ['the on-premises mailNickname', first(desired.alias)],
    ['the primary SMTP address', proxies.find((p) => p.startsWith('SMTP:'))?.slice(5)],
    ['mail', first(desired.mail)],
    // The metaverse UPN is the on-premises one; the export's may already be the MOERA built from this value.
    ['the on-premises UPN', first(getValues(facts.next?.metaverse?.attributes ?? {}, 'userPrincipalName')) ?? first(desired.userPrincipalName)],
    ['the secondary smtp address', proxies.find((p) => p.startsWith('smtp:'))?.slice(5)],
  ];
  // Same order as cloudMailNickname: the first candidate that yields the value is its source.
  const hit = candidates.find(([, v]) => v !== undefined && (v === value || v.slice(0, v.indexOf('@')) === value));
  if (!hit) return { value, source: 'the on-premises attributes' };
  return { value, source: hit[1] === value ? hit[0] : `the prefix of ${hit[0]} ${hit[1]}` };
}

/**
 * onPremisesUserPrincipalName: "the on-premises userPrincipalName synchronized from the
 * on-premises directory" (Graph, user resource). The out-of-box rules flow it from a metaverse
 * attribute no inbound rule fills, so the flow gives no value; Microsoft Entra ID records the
 * on-premises UPN there itself (also when it substitutes the MOERA for the UPN). The export holds
 * the on-premises UPN, so an object Entra Connect keeps up to date shows no pending clear.
 */
export function applyOnPremisesUpnRule(facts: SyncFacts, desired: DesiredExport, notes: Record<string, string>): void {
  if (facts.kind !== 'user' || !('onPremisesUserPrincipalName' in desired) || desired.onPremisesUserPrincipalName?.length) return;
  const onPremises = getValues(facts.next?.metaverse?.attributes ?? {}, 'userPrincipalName')?.[0];
  if (typeof onPremises !== 'string' || !onPremises) return;
  desired.onPremisesUserPrincipalName = [onPremises];
  notes.onPremisesUserPrincipalName = `Microsoft Entra ID records the on-premises UPN ${onPremises} (no rule flows a value; the metaverse UPN is the on-premises one).`;
}

/**
 * The characters Microsoft Entra ID allows before the @ of a UPN (A-Z a-z 0-9 ' . - _ ! # ^ ~;
 * no accented letters). With any other, or with a suffix that is not a verified domain, the
 * cloud UPN is the MOERA (plan-connect-userprincipalname).
 */
const UPN_PREFIX = /^[A-Za-z0-9'.\-_!#^~]+$/;

/** Unverified UPN suffixes and UPNs with invalid characters become the initial domain (MOERA), as Microsoft Entra ID does. */
export function applyUpnSuffixRule(facts: SyncFacts, desired: DesiredExport, notes: Record<string, string>): void {
  const upn = desired.userPrincipalName?.[0];
  if (facts.kind !== 'user' || typeof upn !== 'string' || !facts.tenant) return;
  const at = upn.lastIndexOf('@');
  const suffix = upn.slice(at + 1).toLowerCase();
  const verified = facts.tenant.domains.some((d) => d.isVerified && d.name.toLowerCase() === suffix);
  const validPrefix = at > 0 && UPN_PREFIX.test(upn.slice(0, at));
  if (verified && validPrefix) return;
  const initial = facts.tenant.domains.find((d) => d.isInitial)?.name;
  if (!initial) return;
  // Microsoft Entra ID recalculates the UPN only when an update of the on-premises UPN is
  // synchronized (scenarios 2 and 3): a joined user whose on-premises UPN is unchanged keeps its
  // cloud UPN, whatever it is; one whose UPN changed gets the MOERA recalculated.
  const cloudUpn = facts.target ? getValues(facts.entraImported ?? {}, 'userPrincipalName')?.[0] : undefined;
  const previous = previousOnPremisesUpn(facts);
  const unchanged = previous?.upn === upn;
  // With no record of the last synchronized UPN, only a cloud MOERA is known to be Entra ID's own.
  const keep = typeof cloudUpn === 'string' && (unchanged || (!previous && cloudUpn.toLowerCase().endsWith(`@${initial.toLowerCase()}`)));
  if (keep) {
    desired.userPrincipalName = [cloudUpn];
    notes.userPrincipalName = `Microsoft Entra ID keeps ${cloudUpn}: the on-premises UPN ${upn} ${validPrefix ? `has a suffix ('${suffix}') that is not a verified domain` : 'has characters a UPN may not have'}${unchanged ? ` and has not changed since it was last synchronized (${previous.source})` : ''}, and the UPN is recalculated only when the on-premises UPN changes.`;
    return;
  }
  const alias = cloudMailNickname(desired) ?? (at > 0 ? upn.slice(0, at) : upn);
  const moera = `${String(alias)}@${initial}`;
  desired.userPrincipalName = [moera];
  const why = validPrefix
    ? `The UPN suffix '${suffix}' is not a verified domain of the tenant, so Microsoft Entra ID uses the initial domain: ${moera} (on-premises UPN ${upn}). Verify the domain to keep the on-premises UPN.`
    : `The on-premises UPN ${upn} has characters Microsoft Entra ID does not allow in a UPN (only A-Z a-z 0-9 ' . - _ ! # ^ ~ before the @, no accented letters), so it uses the initial domain: ${moera}. Correct the on-premises UPN (IdFix finds these) to keep it.`;
  const recalculated = previous && previous.upn !== upn ? ` Recalculated because the on-premises UPN changed from ${previous.upn} (${previous.source}).` : '';
  notes.userPrincipalName = UPN_PREFIX.test(String(alias)) ? `${why}${recalculated}` : `${why}${recalculated} The mail nickname '${String(alias)}' has such characters too, so Microsoft Entra ID will refuse this UPN (IdentityDataValidationFailed).`;
}

/**
 * The on-premises UPN last synchronized to a joined user. Microsoft Entra ID's own record is the
 * tenant's onPremisesUserPrincipalName, which Entra Connect writes (Graph cannot): authoritative
 * for an object Entra Connect synchronizes, and the only record when it synced the user before
 * this tool first ran. For an object this tool writes, that value is stale: the UPN this tool
 * last read (its state folder) comes first.
 */
function previousOnPremisesUpn(facts: SyncFacts): { upn: string; source: string } | undefined {
  if (!facts.target) return undefined;
  const stored = getValues(facts.stored?.metaverse?.attributes ?? {}, 'userPrincipalName')?.[0];
  const tenant = getValues(facts.entraImported ?? {}, 'onPremisesUserPrincipalName')?.[0];
  const fromState = typeof stored === 'string' ? { upn: stored, source: 'the last run of Single Object Sync' } : undefined;
  const fromTenant = typeof tenant === 'string' && tenant ? { upn: tenant, source: 'onPremisesUserPrincipalName in Microsoft Entra ID' } : undefined;
  return facts.alreadySynced ? fromTenant ?? fromState : fromState ?? fromTenant;
}

/**
 * The username policy for synchronized and cloud-only accounts alike (concept-sspr-policy): at
 * most 64 characters before the @, 48 after, 113 in all, and no period just before the @; the
 * prefix in the allowed characters. Checked on the UPN Entra ID would get (after the MOERA and
 * the quarantine placeholder): a UPN that "doesn't follow the required format" is refused with
 * IdentityDataValidationFailed (tshoot-connect-sync-errors), so the export is predicted to fail.
 */
export function applyUpnFormatRule(facts: SyncFacts, desired: DesiredExport, notes: Record<string, string>): void {
  const upn = desired.userPrincipalName?.[0];
  if (facts.kind !== 'user' || typeof upn !== 'string') return;
  const at = upn.lastIndexOf('@');
  const prefix = at >= 0 ? upn.slice(0, at) : upn;
  const suffix = at >= 0 ? upn.slice(at + 1) : '';
  const problems = [
    ...(at <= 0 || !suffix ? ['it is not prefix@domain'] : []),
    ...(prefix.length > 64 ? [`${prefix.length} characters before the @; at most 64`] : []),
    ...(suffix.length > 48 ? [`${suffix.length} characters after the @; at most 48`] : []),
    ...(upn.length > 113 ? [`${upn.length} characters in all; at most 113`] : []),
    ...(prefix.endsWith('.') ? ['a period just before the @'] : []),
    ...(prefix && !UPN_PREFIX.test(prefix) ? ["characters other than A-Z a-z 0-9 ' . - _ ! # ^ ~ before the @"] : []),
  ];
  if (!problems.length) return;
  const shown = upn.length > 120 ? `${upn.slice(0, 60)}…${upn.slice(-40)}` : upn;
  facts.predictedExportError ??= new SyncError(entraErrors.IdentityDataValidationFailed, {
    graphMessage: `userPrincipalName ${shown} does not follow the required format (${problems.join('; ')}). Microsoft Entra ID refuses it; correct the on-premises UPN (IdFix finds these)`,
  });
  notes.userPrincipalName = [notes.userPrincipalName, `Refused by Microsoft Entra ID (IdentityDataValidationFailed): ${problems.join('; ')}.`].filter(Boolean).join(' ');
}

/**
 * Duplicate attribute resiliency, applied to the export so the tenant ends where Entra ID
 * would put it: the UPN placeholder on a create (an update keeps the current UPN), the
 * duplicate SMTP addresses left out (and mail, when it is one of them).
 */
export function applyQuarantine(facts: SyncFacts, desired: DesiredExport, notes: Record<string, string>): void {
  const current = facts.entraImported ?? {};
  for (const q of facts.quarantine ?? []) {
    if (q.attribute === 'userPrincipalName') {
      const keep = getValues(current, 'userPrincipalName');
      desired.userPrincipalName = facts.target && keep?.length ? keep : q.placeholder ? [q.placeholder] : desired.userPrincipalName ?? null;
      notes.userPrincipalName = `Quarantined by duplicate attribute resiliency: ${describeQuarantine(q)}.`;
      continue;
    }
    const address = q.value.toLowerCase();
    const proxies = desired.proxyAddresses?.filter((p) => !(typeof p === 'string' && /^smtp:/i.test(p) && p.slice(5).toLowerCase() === address));
    if (desired.proxyAddresses) desired.proxyAddresses = proxies?.length ? proxies : null;
    notes.proxyAddresses = [notes.proxyAddresses, `Quarantined by duplicate attribute resiliency: ${describeQuarantine(q)}.`].filter(Boolean).join(' ');
    const mail = desired.mail?.[0];
    if (typeof mail === 'string' && mail.toLowerCase() === address) {
      const keep = getValues(current, 'mail');
      desired.mail = facts.target && keep?.length ? keep : null;
      notes.mail = `Not written: ${mail} is held by ${q.holder.kind} ${q.holder.displayName} (${q.holder.id}) and quarantined with the proxy address.`;
    }
  }
}

/**
 * msExchRecipientTypeDetails of a mailbox: on-premises (user 1, linked 2, shared 4, room 16,
 * equipment 32) or in Exchange Online (remote user 2^31, room 2^33, equipment 2^34, shared 2^35).
 */
const MAILBOX_TYPES = new Set(['1', '2', '4', '16', '32', '2147483648', '8589934592', '17179869184', '34359738368']);

/** Why ProxyCalc applies to this user, or undefined: it is not a mailbox user. */
function mailboxUser(attributes: Attributes): string | undefined {
  const remote = getValues(attributes, 'msExchRemoteRecipientType')?.[0];
  if (remote !== undefined && String(remote).trim() !== '') return `msExchRemoteRecipientType is set (${String(remote)})`;
  const details = getValues(attributes, 'msExchRecipientTypeDetails')?.[0];
  return details !== undefined && MAILBOX_TYPES.has(String(details).trim()) ? `msExchRecipientTypeDetails ${String(details).trim()} is a mailbox` : undefined;
}

/**
 * ProxyCalc (how-to-connect-syncservice-shadow-attributes): "The check for verified domains only
 * happens for mailbox users. A mail-enabled user or contact represent a user in another Exchange
 * organization and you can add any values in proxyAddresses to these objects. For a mailbox user,
 * either on-premises or in Exchange Online, only values for verified domains appear." The export
 * brings every value (Entra ID keeps them as ShadowProxyAddresses); the user's proxyAddresses in
 * Entra ID lack the secondary smtp: addresses of domains the tenant has not verified (the page's
 * example removes a secondary one). The primary SMTP: address is kept: what Exchange Online makes
 * primary instead is not documented. The page's other trigger, an Exchange Online service plan on
 * the cloud user, is not evaluated: the user's plans are not read from Microsoft Graph.
 */
export function applyProxyCalcRule(facts: SyncFacts, desired: DesiredExport, notes: Record<string, string>, attributes: Attributes): void {
  const proxies = desired.proxyAddresses;
  if (facts.kind !== 'user' || !facts.tenant || !proxies?.length) return;
  const why = mailboxUser(attributes);
  if (!why) return;
  const verified = new Set(facts.tenant.domains.filter((d) => d.isVerified).map((d) => d.name.toLowerCase()));
  const unverified = (p: AttributeValue) => typeof p === 'string' && p.startsWith('smtp:') && !verified.has(p.slice(p.lastIndexOf('@') + 1).toLowerCase());
  const dropped = proxies.filter(unverified);
  if (!dropped.length) return;
  const kept = proxies.filter((p) => !unverified(p));
  // Every address on an unverified domain and no primary: what Entra ID keeps is not documented.
  if (!kept.length) return;
  desired.proxyAddresses = kept;
  notes.proxyAddresses = [notes.proxyAddresses, `ProxyCalc: ${dropped.map(String).join(', ')} ${dropped.length === 1 ? 'is' : 'are'} on a domain the tenant has not verified, so Microsoft Entra ID leaves ${dropped.length === 1 ? 'it' : 'them'} out of proxyAddresses for a mailbox user (${why}); Entra Connect still exports ${dropped.length === 1 ? 'it' : 'them'} (ShadowProxyAddresses). Verify the domain to have ${dropped.length === 1 ? 'it' : 'them'} appear.`].filter(Boolean).join(' ');
}

/**
 * Microsoft Entra ID applies a synchronized UPN change of a licensed user in a managed domain
 * only when the tenant's SynchronizeUpnForManagedUsers feature is on (federated users' changes
 * are applied since March 2019; how-to-connect-syncservice-features). Otherwise the cloud UPN
 * stays and the rest of the object is exported: the export keeps it, and the step says why.
 */
export function holdUpnChange(facts: SyncFacts, desired: DesiredExport, notes: Record<string, string>): SyncError | undefined {
  if (facts.kind !== 'user' || !facts.target || !facts.tenant || facts.tenant.syncFeatures.synchronizeUpnForManagedUsersEnabled) return undefined;
  const wanted = desired.userPrincipalName?.[0];
  const cloud = facts.target.properties.userPrincipalName;
  if (typeof wanted !== 'string' || typeof cloud !== 'string' || wanted.toLowerCase() === cloud.toLowerCase()) return undefined;
  const licenses = Array.isArray(facts.target.properties.assignedLicenses) ? facts.target.properties.assignedLicenses.length : 0;
  if (licenses === 0) return undefined;
  const domain = cloud.slice(cloud.lastIndexOf('@') + 1).toLowerCase();
  if (facts.tenant.domains.find((d) => d.name.toLowerCase() === domain)?.authenticationType === 'Federated') return undefined;
  desired.userPrincipalName = [cloud];
  notes.userPrincipalName = `Kept: Microsoft Entra ID does not apply the change to ${wanted} for a licensed user in a managed domain while SynchronizeUpnForManagedUsers is off.`;
  return new SyncError(syncErrors.UpnChangeNotSynchronized, { current: cloud, desired: wanted, licenses });
}

/**
 * Limits Microsoft Entra ID enforces at export (tshoot-connect-sync-errors, LargeObject): a hard
 * limit of 15 certificates in userCertificate and userSMIMECertificate, and a size limit for the
 * whole object that, with only the mandatory attributes and mail, lets a user hold up to 332
 * proxy addresses ("approximately 300" is the safe rule). Over a limit, Entra Connect's export
 * of the object fails, so the export is predicted to fail and nothing is written.
 */
const CERTIFICATE_LIMIT = 15;
const PROXY_ADDRESS_MAXIMUM = 332;
const PROXY_ADDRESS_SAFE = 300;
export function applySizeLimits(facts: SyncFacts, desired: DesiredExport, notes: Record<string, string>): void {
  for (const attribute of ['userCertificate', 'userSMIMECertificate']) {
    const count = desired[attribute]?.length ?? 0;
    if (count > CERTIFICATE_LIMIT) {
      facts.predictedExportError ??= new SyncError(entraErrors.LargeObject, { graphMessage: `${attribute} holds ${count} certificates; the hard limit is ${CERTIFICATE_LIMIT}. Remove expired or revoked certificates in Active Directory` });
      notes[attribute] = `${count} certificates: over Microsoft Entra ID's hard limit of ${CERTIFICATE_LIMIT} (LargeObject).`;
    }
  }
  applyDirectoryExtensionLimits(facts, desired, notes);
  const proxies = desired.proxyAddresses?.length ?? 0;
  if (proxies > PROXY_ADDRESS_MAXIMUM) {
    facts.predictedExportError ??= new SyncError(entraErrors.LargeObject, { graphMessage: `proxyAddresses holds ${proxies} addresses; even an object with only the mandatory attributes and mail holds at most ${PROXY_ADDRESS_MAXIMUM}. Remove outdated addresses (SMTP, X400, X500) in Active Directory` });
    notes.proxyAddresses = [notes.proxyAddresses, `${proxies} addresses: over the ${PROXY_ADDRESS_MAXIMUM} an object can hold (LargeObject).`].filter(Boolean).join(' ');
  } else if (proxies > PROXY_ADDRESS_SAFE) {
    notes.proxyAddresses = [notes.proxyAddresses, `${proxies} addresses: near the object size limit (about ${PROXY_ADDRESS_SAFE} is safe; certificates, licenses and other attributes lower the maximum of ${PROXY_ADDRESS_MAXIMUM}), so the export may fail with LargeObject.`].filter(Boolean).join(' ');
  }
}

/**
 * Certificates the metaverse holds beyond Microsoft Entra ID's limit that the outbound rules do
 * not export: the out-of-box rules since build 1.1.524.0 send AuthoritativeNull above 15
 * (tshoot-connect-largeobjecterror-usercertificate), so the object goes out without them. Said,
 * since no row shows an attribute that is not exported.
 */
export function certificatesWithheld(metaverse: Attributes, desired: DesiredExport): string | undefined {
  const withheld: string[] = [];
  for (const attribute of ['userCertificate', 'userSMIMECertificate']) {
    const count = getValues(metaverse, attribute)?.length ?? 0;
    if (count > CERTIFICATE_LIMIT && !desired[attribute]?.length) withheld.push(`${attribute} (${count} certificates)`);
  }
  if (!withheld.length) return undefined;
  return `${withheld.join(', ')}: more than Microsoft Entra ID's limit of ${CERTIFICATE_LIMIT}, and the outbound rules export none of them (the out-of-box rules since build 1.1.524.0 export AuthoritativeNull above ${CERTIFICATE_LIMIT}); the object is exported without them, and Microsoft Entra ID loses any it held. Remove expired or revoked certificates in Active Directory to have them synchronized.`;
}

/**
 * The maximum lengths Microsoft Entra ID's schema sets for the string properties the
 * out-of-box rules export to users and groups (Microsoft Graph, user and group resources:
 * "Maximum length is 64 characters", ...), keyed by the Microsoft Entra connector attribute
 * the rules write, with the property it becomes. userPrincipalName has its own format rule
 * (applyUpnFormatRule); contacts are not listed (orgContact is read-only in Graph, no lengths
 * documented).
 */
const LENGTH_LIMITS: Record<'user' | 'group', Record<string, { property: string; maximum: number }>> = {
  user: {
    alias: { property: 'mailNickname', maximum: 64 },
    city: { property: 'city', maximum: 128 },
    company: { property: 'companyName', maximum: 64 },
    country: { property: 'country', maximum: 128 },
    department: { property: 'department', maximum: 64 },
    displayname: { property: 'displayName', maximum: 256 },
    employeeid: { property: 'employeeId', maximum: 16 },
    givenname: { property: 'givenName', maximum: 64 },
    mobile: { property: 'mobilePhone', maximum: 64 },
    postalcode: { property: 'postalCode', maximum: 40 },
    state: { property: 'state', maximum: 128 },
    streetaddress: { property: 'streetAddress', maximum: 1024 },
    surname: { property: 'surname', maximum: 64 },
    title: { property: 'jobTitle', maximum: 128 },
  },
  group: {
    alias: { property: 'mailNickname', maximum: 64 },
    displayname: { property: 'displayName', maximum: 256 },
  },
};

/**
 * tshoot-connect-sync-errors, "LargeObject or ExceededAllowedLength": "When an attribute exceeds
 * the allowed size limit, length limit, or count limit set by Microsoft Entra schema, the
 * synchronization operation results in a LargeObject or ExceededAllowedLength sync error." A
 * value longer than the schema's maximum (a rule that concatenates, a value AD's own limit did
 * not stop) fails the export of the whole object: predicted, so a staging run shows it and an
 * export writes nothing, as Entra Connect's export would fail.
 */
export function applyLengthLimits(facts: SyncFacts, desired: DesiredExport, notes: Record<string, string>, syncRuleOf: (attribute: string) => string | undefined): void {
  if (facts.kind !== 'user' && facts.kind !== 'group') return;
  const limits = LENGTH_LIMITS[facts.kind];
  for (const [attribute, values] of Object.entries(desired)) {
    const limit = limits[attribute.toLowerCase()];
    if (!limit || !values) continue;
    // In UTF-16 units, as .NET and Graph count a string's length (an emoji is two).
    const length = Math.max(0, ...values.map((v) => (typeof v === 'string' ? v.length : 0)));
    if (length <= limit.maximum) continue;
    notes[attribute] = [notes[attribute], `${length} characters: over the ${limit.maximum} Microsoft Entra ID allows for ${limit.property} (ExceededAllowedLength).`].filter(Boolean).join(' ');
    facts.predictedExportError ??= new SyncError(entraErrors.ExceededAllowedLength, {
      kind: facts.kind, attribute, property: limit.property, length, maximum: limit.maximum,
      syncRule: syncRuleOf(attribute) ?? 'the outbound rule that flows it',
    });
  }
}

/** A directory extension's metaverse/Graph name: extension_<application id without dashes>_<name>. */
const DIRECTORY_EXTENSION = /^extension_[0-9a-f]{32}_/i;
export const DIRECTORY_EXTENSION_LENGTH = 250;
export const DIRECTORY_EXTENSIONS_PER_OBJECT = 100;

/**
 * how-to-connect-sync-feature-directory-extensions: "An object in Microsoft Entra ID can have up
 * to 100 attributes for directory extensions. The maximum length is 250 characters. If an
 * attribute value is longer, the sync engine truncates it." So a longer text value is exported
 * cut to 250 characters (said on its row), and more than 100 is LargeObject (the count limit
 * tshoot-connect-sync-errors lists under LargeObject).
 */
function applyDirectoryExtensionLimits(facts: SyncFacts, desired: DesiredExport, notes: Record<string, string>): void {
  let count = 0;
  for (const name of Object.keys(desired)) {
    if (!DIRECTORY_EXTENSION.test(name)) continue;
    const values = desired[name];
    if (values?.length) count++;
    if (!values?.some((v) => typeof v === 'string' && [...v].length > DIRECTORY_EXTENSION_LENGTH)) continue;
    desired[name] = values.map((v) => (typeof v === 'string' && [...v].length > DIRECTORY_EXTENSION_LENGTH ? [...v].slice(0, DIRECTORY_EXTENSION_LENGTH).join('') : v));
    const longest = Math.max(...values.map((v) => (typeof v === 'string' ? [...v].length : 0)));
    notes[name] = [notes[name], `a value of ${longest} characters: the sync engine truncates a directory extension value to ${DIRECTORY_EXTENSION_LENGTH} characters, and this export does the same.`].filter(Boolean).join(' ');
  }
  if (count > DIRECTORY_EXTENSIONS_PER_OBJECT) {
    facts.predictedExportError ??= new SyncError(entraErrors.LargeObject, { graphMessage: `the rules export ${count} directory extension attributes; an object holds at most ${DIRECTORY_EXTENSIONS_PER_OBJECT}. Remove directory extensions from the sync (Entra Connect wizard: Directory extension attribute sync) or clear the attributes in Active Directory` });
  }
}

/**
 * With mS-DS-ConsistencyGuid as the source anchor, a user that has none is anchored on its
 * objectGUID and Entra Connect writes that value back to mS-DS-ConsistencyGuid ("Out to AD -
 * User ImmutableId", plan-connect-design-concepts). This tool never writes to Active Directory:
 * say so rather than leave the attribute's state unexplained.
 */
export function consistencyGuidWriteBack(deps: SyncDependencies, facts: SyncFacts, attributes: Attributes): string | undefined {
  if (facts.kind !== 'user' || deps.config.sourceAnchor.toLowerCase() !== 'ms-ds-consistencyguid') return undefined;
  if (getValues(attributes, 'mS-DS-ConsistencyGuid')?.length) return undefined;
  return `mS-DS-ConsistencyGuid is empty, so the source anchor is the objectGUID (${facts.objectGuid ?? ''}). The Entra Connect sync service writes it back to mS-DS-ConsistencyGuid ('Out to AD - User ImmutableId'); Single Object Sync does not write to Active Directory, so the attribute stays empty until the sync service exports to AD.`;
}
