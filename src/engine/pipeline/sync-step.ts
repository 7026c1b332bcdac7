// Step 9: inbound rules from the AD connector space into the metaverse, outbound rules from
// the metaverse into the Entra connector space, and the pending export, with lineage.
import { entraErrors, scopeErrors, SyncError, syncErrors } from '../errors';
import type { Attributes, AttributeValue } from '../model/attributes';
import { getValues } from '../model/attributes';
import { cloudMailNickname, evaluateInbound, evaluateOutbound, type EvaluationContext, type FlowedAttribute, type RuleSet } from '../rules';
import { changeToRow, diffAttributes } from '../spaces/attribute-diff';
import type { AdConnectorSpaceObject, MetaverseObject } from '../spaces/state-store';
import { valuesText } from '../spaces/value-text';
import type { AttributeRow } from '../summary/types';
import type { SyncDependencies, SyncFacts } from './context';
import { describeQuarantine, type ExportIdentity } from './matching';
import type { StepOutcome } from './step-runner';

/** Engine-internal connector attributes that are never exported as Graph properties. */
const NOT_EXPORTED = new Set(['dn', 'objectclass']);

function ldapFromFqdn(fqdn: string): string {
  return fqdn.split('.').filter(Boolean).map((label) => `DC=${label}`).join(',');
}

export function evaluationContext(facts: SyncFacts, now: Date): EvaluationContext {
  const partition = facts.directoryPartition;
  const connector = facts.connector!;
  const domainFqdn = partition?.dnsRoot ?? '';
  const forestFqdn = /\./.test(connector.name) ? connector.name : domainFqdn;
  const netbios = partition?.netbiosName ?? '';
  const memberOf = new Set((getValues(facts.adAttributes ?? {}, 'memberOf') ?? []).map((v) => String(v).toLowerCase()));
  return {
    parameters: {
      'Domain.FQDN': domainFqdn,
      'Domain.Netbios': netbios,
      'Domain.LDAP': facts.partition?.dn ?? ldapFromFqdn(domainFqdn),
      'Forest.FQDN': forestFqdn,
      'Forest.Netbios': netbios,
      'Forest.LDAP': ldapFromFqdn(forestFqdn),
      ...(connector.parameters ?? {}),
    },
    isMemberOf: (groupDn) => memberOf.has(groupDn.toLowerCase()),
    now,
  };
}

function flowedToAttributes(flows: Record<string, FlowedAttribute>): Attributes {
  const out: Attributes = {};
  for (const [name, flow] of Object.entries(flows)) if (flow.values && flow.values.length) out[name] = flow.values;
  return out;
}

function lineageOf(flow: FlowedAttribute | undefined): Partial<AttributeRow> {
  if (!flow) return {};
  return { syncRule: flow.lineage.syncRule, mappingType: flow.lineage.mappingType, dataSource: flow.lineage.dataSource };
}

function sameText(attribute: string, a: readonly AttributeValue[] | undefined, b: readonly AttributeValue[] | undefined): boolean {
  const left = valuesText(attribute, a).sort();
  const right = valuesText(attribute, b).sort();
  return left.length === right.length && left.every((v, i) => v === right[i]);
}

/**
 * Microsoft Entra ID sets a user's MailNickName at first sync and updates it only when the
 * on-premises mailNickname changes (plan-connect-userprincipalname): with none on-premises,
 * the cloud value stays; it is neither cleared nor recalculated.
 */
function applyMailNicknameRule(facts: SyncFacts, desired: Record<string, AttributeValue[] | null>, notes: Record<string, string>): void {
  if (facts.kind !== 'user' || !facts.target || desired.alias?.length) return;
  const cloud = getValues(facts.entraImported ?? {}, 'alias');
  if (!cloud?.length) return;
  desired.alias = cloud;
  notes.alias = `Microsoft Entra ID keeps the mail nickname ${String(cloud[0])}: it changes only when an on-premises mailNickname is synchronized, and this object has none.`;
}

/**
 * The characters Microsoft Entra ID allows before the @ of a UPN (A-Z a-z 0-9 ' . - _ ! # ^ ~;
 * no accented letters). With any other, or with a suffix that is not a verified domain, the
 * cloud UPN is the MOERA (plan-connect-userprincipalname).
 */
const UPN_PREFIX = /^[A-Za-z0-9'.\-_!#^~]+$/;

/** Unverified UPN suffixes and UPNs with invalid characters become the initial domain (MOERA), as Microsoft Entra ID does. */
function applyUpnSuffixRule(facts: SyncFacts, desired: Record<string, AttributeValue[] | null>, notes: Record<string, string>): void {
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
  // synchronized: a joined user keeps its MOERA while the on-premises UPN stays the same.
  const cloudUpn = facts.target ? getValues(facts.entraImported ?? {}, 'userPrincipalName')?.[0] : undefined;
  const lastSyncedUpn = getValues(facts.stored?.metaverse?.attributes ?? {}, 'userPrincipalName')?.[0];
  if (typeof cloudUpn === 'string' && cloudUpn.toLowerCase().endsWith(`@${initial.toLowerCase()}`) && (lastSyncedUpn === undefined || lastSyncedUpn === upn)) {
    desired.userPrincipalName = [cloudUpn];
    notes.userPrincipalName = `Microsoft Entra ID keeps ${cloudUpn}: the on-premises UPN ${upn} ${validPrefix ? `has a suffix ('${suffix}') that is not a verified domain` : 'has characters a UPN may not have'}, and the UPN is recalculated only when the on-premises UPN changes.`;
    return;
  }
  const alias = cloudMailNickname(desired) ?? (at > 0 ? upn.slice(0, at) : upn);
  const moera = `${String(alias)}@${initial}`;
  desired.userPrincipalName = [moera];
  const why = validPrefix
    ? `The UPN suffix '${suffix}' is not a verified domain of the tenant, so Microsoft Entra ID uses the initial domain: ${moera} (on-premises UPN ${upn}). Verify the domain to keep the on-premises UPN.`
    : `The on-premises UPN ${upn} has characters Microsoft Entra ID does not allow in a UPN (only A-Z a-z 0-9 ' . - _ ! # ^ ~ before the @, no accented letters), so it uses the initial domain: ${moera}. Correct the on-premises UPN (IdFix finds these) to keep it.`;
  notes.userPrincipalName = UPN_PREFIX.test(String(alias)) ? why : `${why} The mail nickname '${String(alias)}' has such characters too, so Microsoft Entra ID will refuse this UPN (IdentityDataValidationFailed).`;
}

/** Does any flow of the rule set read the clock (Now())? Then two evaluations may differ. */
const readsClock = new WeakMap<RuleSet, boolean>();
function ruleSetReadsClock(ruleSet: RuleSet): boolean {
  let reads = readsClock.get(ruleSet);
  if (reads === undefined) {
    reads = ruleSet.rules.some((rule) => rule.flows.some((flow) => flow.type === 'Expression' && /\bnow\s*\(/i.test(flow.expression ?? '')));
    readsClock.set(ruleSet, reads);
  }
  return reads;
}

type Inbound = {
  ctx: EvaluationContext; cs: AdConnectorSpaceObject; previousMv: MetaverseObject | undefined; inbound: ReturnType<typeof evaluateInbound>;
  /** Step 8's outbound evaluation as for a new object (no target, nothing imported): step 9's own for such an object. */
  outboundAsNew?: ReturnType<typeof evaluateOutbound>;
};
/**
 * Step 8 evaluates the inbound rules (to project the export identity) and step 9 evaluates them
 * again over the same connector space and metaverse object: the second reuses the first, unless
 * an input changed or a rule reads the clock (its result could differ by the time between).
 */
const inboundMemo = new WeakMap<SyncFacts, Inbound>();

/** The inbound rules over the AD connector space, joined to the stored metaverse object if any. */
function inboundOf(deps: SyncDependencies, facts: SyncFacts): Inbound {
  const cs = facts.next!.adConnectorSpace!;
  const previousMv = facts.stored?.metaverse;
  const memo = inboundMemo.get(facts);
  if (memo && memo.cs === cs && memo.previousMv === previousMv) return memo;
  const ctx = evaluationContext(facts, deps.clock.now());
  const inbound = evaluateInbound(
    deps.ruleSet,
    facts.connector!.name,
    { dn: facts.dn.toString(), objectType: cs.objectType, attributes: cs.attributes },
    { ...ctx, ...(previousMv ? { existingTarget: previousMv.attributes } : {}) },
  );
  const result = { ctx, cs, previousMv, inbound };
  if (!ruleSetReadsClock(deps.ruleSet)) inboundMemo.set(facts, result);
  return result;
}

/**
 * The userPrincipalName and SMTP addresses the rules would export for this object, for
 * matching in step 8 (Entra ID soft-matches and checks uniqueness on exported values, not on
 * raw AD attributes). Evaluated as for a new object; the UPN suffix rule applied.
 */
export function projectExportIdentity(deps: SyncDependencies, facts: SyncFacts): ExportIdentity {
  const memo = inboundOf(deps, facts);
  const { ctx, inbound } = memo;
  if (!inbound.metaverseObjectType || inbound.linkType === 'none') return { smtpAddresses: [] };
  const outbound = evaluateOutbound(
    deps.ruleSet,
    { objectType: inbound.metaverseObjectType, attributes: flowedToAttributes(inbound.attributes) },
    { ...ctx, existingTarget: {}, connectedToTarget: false },
  );
  // Read only here (desired takes new arrays where it changes): step 9 may reuse it for a new object.
  if (inboundMemo.get(facts) === memo) memo.outboundAsNew = outbound;
  const desired: Record<string, AttributeValue[] | null> = {};
  for (const [name, flow] of Object.entries(outbound.attributes)) desired[name] = flow.values && flow.values.length ? flow.values : null;
  applyUpnSuffixRule(facts, desired, {});
  return exportIdentityOf(desired);
}

export function exportIdentityOf(desired: Record<string, AttributeValue[] | null | undefined>): ExportIdentity {
  const upn = desired.userPrincipalName?.[0];
  const proxies = (desired.proxyAddresses ?? []).map(String);
  const primary = proxies.find((p) => p.startsWith('SMTP:'))?.slice(5);
  const mail = desired.mail?.[0];
  const smtp = new Set(proxies.filter((p) => /^smtp:/i.test(p)).map((p) => p.slice(5).toLowerCase()));
  if (typeof mail === 'string' && mail) smtp.add(mail.toLowerCase());
  return {
    ...(typeof upn === 'string' && upn ? { userPrincipalName: upn } : {}),
    ...(primary ? { primarySmtp: primary } : {}),
    ...(typeof mail === 'string' && mail ? { mail } : {}),
    smtpAddresses: [...smtp],
  };
}

/**
 * Duplicate attribute resiliency, applied to the export so the tenant ends where Entra ID
 * would put it: the UPN placeholder on a create (an update keeps the current UPN), the
 * duplicate SMTP addresses left out (and mail, when it is one of them).
 */
function applyQuarantine(facts: SyncFacts, desired: Record<string, AttributeValue[] | null>, notes: Record<string, string>): void {
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
 * Microsoft Entra ID applies a synchronized UPN change of a licensed user in a managed domain
 * only when the tenant's SynchronizeUpnForManagedUsers feature is on (federated users' changes
 * are applied since March 2019; how-to-connect-syncservice-features). Otherwise the cloud UPN
 * stays and the rest of the object is exported: the export keeps it, and the step says why.
 */
function holdUpnChange(facts: SyncFacts, desired: Record<string, AttributeValue[] | null>, notes: Record<string, string>): SyncError | undefined {
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
function applySizeLimits(facts: SyncFacts, desired: Record<string, AttributeValue[] | null>, notes: Record<string, string>): void {
  for (const attribute of ['userCertificate', 'userSMIMECertificate']) {
    const count = desired[attribute]?.length ?? 0;
    if (count > CERTIFICATE_LIMIT) {
      facts.predictedExportError ??= new SyncError(entraErrors.LargeObject, { graphMessage: `${attribute} holds ${count} certificates; the hard limit is ${CERTIFICATE_LIMIT}. Remove expired or revoked certificates in Active Directory` });
      notes[attribute] = `${count} certificates: over Microsoft Entra ID's hard limit of ${CERTIFICATE_LIMIT} (LargeObject).`;
    }
  }
  const proxies = desired.proxyAddresses?.length ?? 0;
  if (proxies > PROXY_ADDRESS_MAXIMUM) {
    facts.predictedExportError ??= new SyncError(entraErrors.LargeObject, { graphMessage: `proxyAddresses holds ${proxies} addresses; even an object with only the mandatory attributes and mail holds at most ${PROXY_ADDRESS_MAXIMUM}. Remove outdated addresses (SMTP, X400, X500) in Active Directory` });
    notes.proxyAddresses = [notes.proxyAddresses, `${proxies} addresses: over the ${PROXY_ADDRESS_MAXIMUM} an object can hold (LargeObject).`].filter(Boolean).join(' ');
  } else if (proxies > PROXY_ADDRESS_SAFE) {
    notes.proxyAddresses = [notes.proxyAddresses, `${proxies} addresses: near the object size limit (about ${PROXY_ADDRESS_SAFE} is safe; certificates, licenses and other attributes lower the maximum of ${PROXY_ADDRESS_MAXIMUM}), so the export may fail with LargeObject.`].filter(Boolean).join(' ');
  }
}

/**
 * With mS-DS-ConsistencyGuid as the source anchor, a user that has none is anchored on its
 * objectGUID and Entra Connect writes that value back to mS-DS-ConsistencyGuid ("Out to AD -
 * User ImmutableId", plan-connect-design-concepts). This tool never writes to Active Directory:
 * say so rather than leave the attribute's state unexplained.
 */
function consistencyGuidWriteBack(deps: SyncDependencies, facts: SyncFacts, attributes: Attributes): string | undefined {
  if (facts.kind !== 'user' || deps.config.sourceAnchor.toLowerCase() !== 'ms-ds-consistencyguid') return undefined;
  if (getValues(attributes, 'mS-DS-ConsistencyGuid')?.length) return undefined;
  return `mS-DS-ConsistencyGuid is empty, so the source anchor is the objectGUID (${facts.objectGuid ?? ''}). The Entra Connect sync service writes it back to mS-DS-ConsistencyGuid ('Out to AD - User ImmutableId'); Single Object Sync does not write to Active Directory, so the attribute stays empty until the sync service exports to AD.`;
}

export async function syncStep(deps: SyncDependencies, facts: SyncFacts): Promise<StepOutcome> {
  const memo = inboundOf(deps, facts);
  const { ctx, cs, previousMv, inbound } = memo;
  const outOfScopeRules = [...inbound.outOfScopeRules];
  const details: Record<string, string> = {
    RuleSet: deps.ruleSet.source,
    InboundRulesApplied: inbound.appliedRules.map((r) => r.name).join('; ') || '(none)',
    Link: inbound.linkType,
  };
  if (inbound.linkType === 'none' || !inbound.metaverseObjectType) {
    return {
      status: 'skipped',
      outOfScope: true,
      error: new SyncError(scopeErrors.NoInboundRuleInScope, { objectType: cs.objectType }),
      details,
      outOfScopeRules,
    };
  }
  if (inbound.linkType === 'join' && !previousMv) {
    const provisioning = inbound.outOfScopeRules.filter((r) => deps.ruleSet.rules.some((rule) => rule.name === r.ruleName && rule.linkType === 'Provision'));
    const failed = provisioning
      .map((r) => `${r.ruleName}: ${r.disabled ? 'disabled' : r.failedClauses.map((c) => `${c.attribute} ${c.operator} ${c.value} (actual: ${c.actual ?? 'absent'})`).join(' and ')}`)
      .join('; ') || 'no provisioning rule for this object type';
    return {
      status: 'skipped',
      outOfScope: true,
      error: new SyncError(scopeErrors.NotProjectedToMetaverse, { objectType: cs.objectType, failed }),
      details,
      outOfScopeRules,
    };
  }
  const mvAttributes = flowedToAttributes(inbound.attributes);
  const mvRows = diffAttributes(previousMv?.attributes, mvAttributes).map((c) => changeToRow(c, lineageOf(inbound.attributes[c.name])));
  facts.next!.metaverse = { objectType: inbound.metaverseObjectType, attributes: mvAttributes, syncedAt: deps.clock.now().toISOString() };
  details.MetaverseObjectType = inbound.metaverseObjectType;
  details.Metaverse = previousMv ? 'Joined to the stored metaverse object' : inbound.linkType === 'provision' ? 'Projected a new metaverse object' : 'Joined';

  // The same inputs as step 8's projection when no cloud object was found: evaluated once.
  const asNew = !facts.target && Object.keys(facts.entraImported ?? {}).length === 0;
  const outbound = (asNew ? memo.outboundAsNew : undefined) ?? evaluateOutbound(
    deps.ruleSet,
    { objectType: inbound.metaverseObjectType, attributes: mvAttributes },
    { ...ctx, existingTarget: facts.entraImported ?? {}, connectedToTarget: !!facts.target },
  );
  outOfScopeRules.push(...outbound.outOfScopeRules);
  details.OutboundRulesApplied = outbound.appliedRules.map((r) => r.name).join('; ') || '(none)';
  const cloudFilteredFlow = inbound.attributes.cloudFiltered;
  if (!outbound.provision) {
    const filtered = cloudFilteredFlow?.values?.some((v) => v === true || String(v).toLowerCase() === 'true');
    const error = filtered
      ? new SyncError(scopeErrors.CloudFiltered, { rule: cloudFilteredFlow!.lineage.syncRule })
      : new SyncError(scopeErrors.NoOutboundRuleInScope, { objectType: inbound.metaverseObjectType });
    facts.notProvisionedReason = error.reason;
    details.PendingExport = 'None: no outbound rule to Microsoft Entra ID is in scope.';
    if (facts.target) details.ExistingCloudObject = `${facts.target.id} would be deleted by the sync service; Single Object Sync exports adds and updates only.`;
    return { status: 'success', details, attributes: mvRows, outOfScopeRules, error, outOfScope: true };
  }

  const desired: Record<string, AttributeValue[] | null> = {};
  for (const [name, flow] of Object.entries(outbound.attributes)) {
    if (NOT_EXPORTED.has(name.toLowerCase())) continue;
    desired[name] = flow.values && flow.values.length ? flow.values : null;
  }
  const notes: Record<string, string> = {};
  applyMailNicknameRule(facts, desired, notes);
  applyUpnSuffixRule(facts, desired, notes);
  applyQuarantine(facts, desired, notes);
  applySizeLimits(facts, desired, notes);
  const upnHeld = holdUpnChange(facts, desired, notes);
  const imported = facts.entraImported ?? {};
  const pending: Record<string, AttributeValue[] | null> = {};
  for (const [name, values] of Object.entries(desired)) {
    const current = getValues(imported, name);
    if (values === null ? current?.length : !sameText(name, values, current)) pending[name] = values;
  }
  facts.desired = desired;
  facts.pendingExport = pending;
  facts.exportNotes = notes;
  facts.outboundLineage = Object.fromEntries(Object.entries(outbound.attributes).map(([k, v]) => [k, lineageOf(v)]));
  details.EntraObjectType = outbound.targetObjectType ?? facts.kind ?? '';
  const writeBack = consistencyGuidWriteBack(deps, facts, cs.attributes);
  if (writeBack) details.SourceAnchorWriteBack = writeBack;
  details.PendingExport = `${Object.keys(pending).length} attribute(s) to ${facts.target ? 'update' : 'add'}`;
  if (upnHeld) details.UserPrincipalName = upnHeld.reason;
  return upnHeld ? { status: 'warning', details, attributes: mvRows, outOfScopeRules, error: upnHeld } : { status: 'success', details, attributes: mvRows, outOfScopeRules };
}
