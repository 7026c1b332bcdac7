// Step 9: inbound rules from the AD connector space into the metaverse, outbound rules from
// the metaverse into the Entra connector space, and the pending export, with lineage.
import { scopeErrors, SyncError } from '../errors';
import type { Attributes, AttributeValue } from '../model/attributes';
import { attributeLookup, getValues, lowerCaseName } from '../model/attributes';
import { assertSameMergeTypes, evaluateInbound, evaluateOutbound, selectedAttributesOf, type EvaluationContext, type FlowedAttribute, type RuleSet, type SyncRule } from '../rules';
import { changeToRow, diffAttributes } from '../spaces/attribute-diff';
import type { AdConnectorSpaceObject, MetaverseObject } from '../spaces/state-store';
import { valuesText } from '../spaces/value-text';
import { Dn } from '../model/dn';
import type { AttributeRow, OutOfScopeRule } from '../summary/types';
import type { SyncDependencies, SyncFacts } from './context';
import { applyLengthLimits, applyMailNicknameRule, applyOnPremisesUpnRule, applyProxyCalcRule, applyQuarantine, applySizeLimits, applyUpnFormatRule, applyUpnSuffixRule, certificatesWithheld, consistencyGuidWriteBack, holdUpnChange } from './entra-data-rules';
import type { ExportIdentity } from './matching';
import { applyReferenceScope, referenceNames, referenceScopeOf } from './reference-scope';
import type { StepOutcome } from './step-runner';
import { attributeRecord, entriesOf } from '../model/records';
import { exportedCloudId } from '../spaces/state-store';

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
  // Compared as DNs, not as text: a group DN typed into a rule's ISMEMBEROF clause may space or
  // escape its RDNs differently from AD's memberOf. Built when a clause first asks.
  let memberOf: Set<string> | undefined;
  const isMemberOf = (groupDn: string) => (memberOf ??= new Set((getValues(facts.adAttributes ?? {}, 'memberOf') ?? []).map((v) => Dn.keyOf(String(v))))).has(Dn.keyOf(groupDn));
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
    isMemberOf,
    now,
  };
}

function flowedToAttributes(flows: Record<string, FlowedAttribute>): Attributes {
  const out: Attributes = {};
  for (const name of Object.keys(flows)) {
    const { values } = flows[name]!;
    if (values && values.length) out[name] = values;
  }
  return out;
}

/** A flow's lineage as row fields: one object per rule flow (read only), not one per attribute of every object. */
const lineageRows = new WeakMap<FlowedAttribute['lineage'], Readonly<Partial<AttributeRow>>>();
const NO_LINEAGE: Readonly<Partial<AttributeRow>> = Object.freeze({});
function lineageOf(flow: FlowedAttribute | undefined): Readonly<Partial<AttributeRow>> {
  if (!flow) return NO_LINEAGE;
  let row = lineageRows.get(flow.lineage);
  if (!row) lineageRows.set(flow.lineage, (row = Object.freeze({ syncRule: flow.lineage.syncRule, mappingType: flow.lineage.mappingType, dataSource: flow.lineage.dataSource })));
  return row;
}

function sameText(attribute: string, a: readonly AttributeValue[] | undefined, b: readonly AttributeValue[] | undefined): boolean {
  if ((a?.length ?? 0) !== (b?.length ?? 0)) return false;
  if (!a?.length) return true;
  const left = valuesText(attribute, a).sort();
  const right = valuesText(attribute, b).sort();
  return left.length === right.length && left.every((v, i) => v === right[i]);
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
  /** Step 8's outbound evaluation as for a new object: step 9's own too when the cloud object cannot change it (sameAsProjected). */
  outboundAsNew?: ReturnType<typeof evaluateOutbound>;
  /** The metaverse attributes the inbound flows give, built once for steps 8 and 9. */
  metaverseAttributes?: Attributes;
};

function metaverseAttributesOf(memo: Inbound): Attributes {
  return (memo.metaverseAttributes ??= withApplyOnceKept(flowedToAttributes(memo.inbound.attributes), memo));
}

/**
 * An apply-once flow runs only when the metaverse object is created ("the attribute should only
 * be set when the object is initially created"): on the stored object it sets nothing, and the
 * value it set then stays (the metaverse keeps it; only this run's flows are evaluated here).
 */
function withApplyOnceKept(attributes: Attributes, memo: Inbound): Attributes {
  const stored = memo.previousMv?.attributes;
  if (!stored) return attributes;
  for (const rule of memo.inbound.rules) {
    for (const target of applyOnceTargetsOf(rule)) {
      if (Object.prototype.hasOwnProperty.call(attributes, target)) continue;
      // Another rule flows the attribute too: the stored value may be its, and its NULL now clears it.
      if (memo.inbound.rules.some((other) => other.flows.some((f) => !f.applyOnce && f.target === target))) continue;
      const kept = getValues(stored, target);
      if (kept?.length) attributes[target] = kept;
    }
  }
  return attributes;
}

const applyOnceTargets = new WeakMap<SyncRule, readonly string[]>();
function applyOnceTargetsOf(rule: SyncRule): readonly string[] {
  let targets = applyOnceTargets.get(rule);
  if (!targets) applyOnceTargets.set(rule, (targets = rule.flows.filter((f) => f.applyOnce).map((f) => f.target)));
  return targets;
}
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
    { objectType: inbound.metaverseObjectType, attributes: metaverseAttributesOf(memo) },
    { ...ctx, existingTarget: {}, connectedToTarget: false },
  );
  // Read only here (desired takes new arrays where it changes): step 9 may reuse it (sameAsProjected).
  if (inboundMemo.get(facts) === memo) memo.outboundAsNew = outbound;
  const desired = attributeRecord<AttributeValue[] | null>();
  const entraSelected = selectedAttributesOf(deps.ruleSet, deps.ruleSet.entraConnector);
  const flows = outbound.attributes;
  for (const name of Object.keys(flows)) {
    if (entraSelected && !entraSelected.has(lowerCaseName(name))) continue; // not exported: it cannot match or conflict
    const { values } = flows[name]!;
    desired[name] = values && values.length ? values : null;
  }
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
 * Would the outbound rules give step 8's projection (evaluated as for a new object) again, now
 * that the cloud object is read? The cloud object enters the evaluation in two places only: an
 * "apply once" flow runs only for an object being created, and being connected lets Join rules
 * apply without a Provision rule. Neither applies here, so the result is the same: reused.
 */
function sameAsProjected(projected: ReturnType<typeof evaluateOutbound>, connected: boolean, creating: boolean): boolean {
  if (connected && !projected.provision) return false;
  // Step 8 evaluated as if the object were new, so its apply-once flows ran: for an object that
  // exists they must not ("only set when the object is initially created").
  return creating || !projected.rules.some((rule) => rule.flows.some((flow) => flow.applyOnce));
}

/**
 * Does this sync create the Microsoft Entra connector-space object? Yes without a cloud object,
 * and for one matched now that neither Entra Connect synchronized nor an earlier run exported (a
 * soft match, or a hard match taking over a cloud-managed object): Entra Connect's sync engine
 * provisions (adds) such an object, its apply-once flows run, and the service matches it on
 * export (how-to-connect-install-existing-tenant).
 */
function creatingCloudObject(facts: SyncFacts): boolean {
  // A soft-deleted user left the connector space when it was deleted: the export adds it again.
  if (!facts.target || facts.restoring) return true;
  if (facts.alreadySynced) return false;
  return exportedCloudId(facts.stored?.entraConnectorSpace) !== facts.target.id;
}

/**
 * The "In from AAD" rules over the joined cloud object (the Entra connector space object that
 * step 8 imported): Entra Connect joins it to the same metaverse object, so its flows reach the
 * metaverse too, among them cloudAnchor and cloudSourceAnchor, which the outbound rules read (the
 * sourceAnchor guard "SourceAnchor attribute has changed.", a group's connected branch). Per
 * attribute the lower precedence number wins, as among the AD rules; a NULL adds nothing.
 */
function cloudInboundOf(deps: SyncDependencies, facts: SyncFacts, memo: Inbound): { flows: Record<string, FlowedAttribute>; applied: string[] } | undefined {
  const cs = facts.entraImported;
  if (!facts.target || !facts.kind || !cs) return undefined;
  const cloud = evaluateInbound(
    deps.ruleSet,
    deps.ruleSet.entraConnector,
    { dn: '', objectType: facts.kind, attributes: cs },
    { ...memo.ctx, ...(memo.previousMv ? { existingTarget: memo.previousMv.attributes } : {}) },
  );
  // "You can't define Update from one Connector and Merge from another" (declarative provisioning).
  assertSameMergeTypes([...memo.inbound.rules, ...cloud.rules]);
  const fromAd = attributeLookupOf(memo.inbound.attributes);
  const flows: Record<string, FlowedAttribute> = {};
  for (const [name, flow] of entriesOf(cloud.attributes)) {
    if (!flow.values?.length) continue;
    const ad = fromAd(name);
    if (ad?.values?.length && ad.lineage.precedence < flow.lineage.precedence) continue;
    flows[name] = flow;
  }
  return Object.keys(flows).length ? { flows, applied: cloud.appliedRules.map((r) => r.name) } : undefined;
}

function attributeLookupOf(flows: Record<string, FlowedAttribute>): (name: string) => FlowedAttribute | undefined {
  const byLowerName = new Map<string, FlowedAttribute>();
  for (const name of Object.keys(flows)) byLowerName.set(lowerCaseName(name), flows[name]!);
  return (name) => byLowerName.get(lowerCaseName(name));
}

/** msExchRecipientTypeDetails 2: a linked mailbox (the rules keep its sourceAnchor NULL). */
function isLinkedMailbox(attributes: Attributes): boolean {
  return getValues(attributes, 'msExchRecipientTypeDetails')?.some((v) => String(v).trim() === '2') ?? false;
}

/** A user without a value in the configured sourceAnchor attribute, which has no objectGUID fallback (computeSourceAnchor). */
function anchorAttributeMissing(deps: SyncDependencies, facts: SyncFacts, attributes: Attributes): boolean {
  return facts.kind === 'user' && facts.sourceAnchor === undefined && !/^(ms-ds-consistencyguid|objectguid)$/i.test(deps.config.sourceAnchor) && !getValues(attributes, deps.config.sourceAnchor)?.length;
}

/** The clauses that kept each rule of interest out of scope (or that it is disabled), for a reason. */
function failedClauses(deps: SyncDependencies, outOfScope: readonly OutOfScopeRule[], ofInterest: (rule: RuleSet['rules'][number]) => boolean, none = 'no rule for this object type'): string {
  return outOfScope
    .filter((r) => deps.ruleSet.rules.some((rule) => rule.name === r.ruleName && ofInterest(rule)))
    // One failed clause per scope group, and the groups are alternatives (OR): a rule applies when
    // any group holds. The same clause failing in several groups is named once.
    .map((r) => `${r.ruleName}: ${r.disabled ? 'disabled' : [...new Set(r.failedClauses.map((c) => `${c.attribute} ${c.operator} ${c.value} (actual: ${c.actual ?? 'absent'})`))].join(' or ')}`)
    .join('; ') || none;
}

/** The clauses that kept each provisioning rule out of scope. */
function failedProvisioning(deps: SyncDependencies, outOfScope: readonly OutOfScopeRule[], none = 'no provisioning rule for this object type'): string {
  return failedClauses(deps, outOfScope, (rule) => rule.linkType === 'Provision', none);
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
  // Checked first: a Join rule in scope whose target is any metaverse type names none ("In from AD -
  // ForeignSecurityPrincipal Join User": "FSPs are joined to "any" (*) object in the metaverse"),
  // and with no metaverse object to join such an object is a disconnector, not one without a rule.
  if (inbound.linkType === 'join' && !previousMv) {
    const unprojectable = inbound.unprojectable.map((r) => `${r.ruleName}: in scope, but none of its join attributes has a value (${r.joinAttributes.join(', ')})`);
    const failed = [...unprojectable, failedProvisioning(deps, inbound.outOfScopeRules, '')].filter(Boolean).join('; ') || 'no provisioning rule for this object type';
    return {
      status: 'skipped',
      outOfScope: true,
      error: new SyncError(scopeErrors.NotProjectedToMetaverse, { objectType: cs.objectType, failed }),
      details,
      outOfScopeRules,
    };
  }
  if (inbound.linkType === 'none' || !inbound.metaverseObjectType) {
    return {
      status: 'skipped',
      outOfScope: true,
      error: new SyncError(scopeErrors.NoInboundRuleInScope, { objectType: cs.objectType, failed: failedClauses(deps, inbound.outOfScopeRules, (rule) => rule.direction === 'inbound' && (rule.sourceObjectType === '*' || rule.sourceObjectType.toLowerCase() === cs.objectType.toLowerCase())) }),
      details,
      outOfScopeRules,
    };
  }
  const cloudInbound = cloudInboundOf(deps, facts, memo);
  const mvFlows = cloudInbound ? { ...inbound.attributes, ...cloudInbound.flows } : inbound.attributes;
  const mvAttributes = cloudInbound ? { ...metaverseAttributesOf(memo), ...flowedToAttributes(cloudInbound.flows) } : metaverseAttributesOf(memo);
  if (cloudInbound) details.CloudInboundRulesApplied = cloudInbound.applied.join('; ');
  const mvRows = diffAttributes(previousMv?.attributes, mvAttributes).map((c) => changeToRow(c, lineageOf(mvFlows[c.name])));
  facts.next!.metaverse = { objectType: inbound.metaverseObjectType, attributes: mvAttributes, syncedAt: deps.clock.now().toISOString() };
  details.MetaverseObjectType = inbound.metaverseObjectType;
  details.Metaverse = previousMv ? 'Joined to the stored metaverse object' : inbound.linkType === 'provision' ? 'Projected a new metaverse object' : 'Joined';

  const existing = facts.entraImported ?? {};
  // Step 8's projection saw the AD side only: with cloud flows in the metaverse, evaluated again.
  const outbound = (memo.outboundAsNew && !cloudInbound && sameAsProjected(memo.outboundAsNew, !!facts.target, creatingCloudObject(facts)) ? memo.outboundAsNew : undefined) ?? evaluateOutbound(
    deps.ruleSet,
    { objectType: inbound.metaverseObjectType, attributes: mvAttributes },
    { ...ctx, existingTarget: existing, connectedToTarget: !!facts.target, creatingTarget: creatingCloudObject(facts) },
  );
  outOfScopeRules.push(...outbound.outOfScopeRules);
  details.OutboundRulesApplied = outbound.appliedRules.map((r) => r.name).join('; ') || '(none)';
  const cloudFilteredFlow = inbound.attributes.cloudFiltered;
  if (!outbound.provision) {
    const filtered = cloudFilteredFlow?.values?.some((v) => v === true || String(v).toLowerCase() === 'true');
    const error = filtered
      ? new SyncError(scopeErrors.CloudFiltered, { rule: cloudFilteredFlow!.lineage.syncRule })
      : isLinkedMailbox(cs.attributes) && !mvAttributes.sourceAnchor?.length
        ? new SyncError(scopeErrors.LinkedMailbox, {})
        : !mvAttributes.sourceAnchor?.length && anchorAttributeMissing(deps, facts, cs.attributes)
          ? new SyncError(scopeErrors.SourceAnchorMissing, { attribute: String(deps.config.sourceAnchor) })
          : new SyncError(scopeErrors.NoOutboundRuleInScope, { objectType: inbound.metaverseObjectType, failed: failedProvisioning(deps, outbound.outOfScopeRules) });
    facts.notProvisionedReason = error.reason;
    details.PendingExport = 'None: no outbound rule to Microsoft Entra ID is in scope.';
    if (facts.target) details.ExistingCloudObject = `${facts.target.id} would be deleted by the sync service; Single Object Sync exports adds and updates only.`;
    return { status: 'success', details, attributes: mvRows, outOfScopeRules, error, outOfScope: true };
  }

  const desired: Record<string, AttributeValue[] | null> = {};
  const lineage: Record<string, Readonly<Partial<AttributeRow>>> = {};
  const entraSelected = selectedAttributesOf(deps.ruleSet, deps.ruleSet.entraConnector);
  const notSelected: string[] = [];
  const flows = outbound.attributes;
  for (const name of Object.keys(flows)) {
    const flow = flows[name]!;
    lineage[name] = lineageOf(flow);
    const lower = lowerCaseName(name);
    if (NOT_EXPORTED.has(lower)) continue;
    if (entraSelected && !entraSelected.has(lower)) {
      if (flow.values?.length) notSelected.push(`${name} (from "${flow.lineage.syncRule}")`);
      continue;
    }
    desired[name] = flow.values && flow.values.length ? flow.values : null;
  }
  if (notSelected.length) {
    details.NotSelectedInEntraConnector = `${notSelected.join('; ')}: a rule flows a value, but the Microsoft Entra connector does not select the attribute (its attribute inclusion list: Microsoft Entra app and attribute filtering), so Entra Connect does not export it.`;
  }
  const notes: Record<string, string> = {};
  const references = referenceNames(desired);
  if (references.length) applyReferenceScope(desired, notes, references, await referenceScopeOf(deps, facts));
  applyMailNicknameRule(facts, desired, notes);
  applyOnPremisesUpnRule(facts, desired, notes);
  applyUpnSuffixRule(facts, desired, notes);
  applyProxyCalcRule(facts, desired, notes, cs.attributes);
  applyQuarantine(facts, desired, notes);
  applyUpnFormatRule(facts, desired, notes);
  applySizeLimits(facts, desired, notes);
  const withheld = certificatesWithheld(mvAttributes, desired);
  if (withheld) details.CertificatesNotExported = withheld;
  applyLengthLimits(facts, desired, notes, (attribute) => lineage[attribute]?.syncRule);
  const upnHeld = holdUpnChange(facts, desired, notes);
  const imported = attributeLookup(facts.entraImported ?? {});
  const pending: Record<string, AttributeValue[] | null> = {};
  for (const name of Object.keys(desired)) {
    const values = desired[name] as AttributeValue[] | null;
    const current = imported(name);
    if (values === null ? current?.length : !sameText(name, values, current)) pending[name] = values;
  }
  facts.desired = desired;
  facts.pendingExport = pending;
  facts.exportNotes = notes;
  facts.outboundLineage = lineage;
  details.EntraObjectType = outbound.targetObjectType ?? facts.kind ?? '';
  const writeBack = consistencyGuidWriteBack(deps, facts, cs.attributes);
  if (writeBack) details.SourceAnchorWriteBack = writeBack;
  details.PendingExport = `${Object.keys(pending).length} attribute(s) to ${facts.restoring ? 'add (Microsoft Entra ID restores the soft-deleted user)' : facts.target ? 'update' : 'add'}`;
  if (upnHeld) details.UserPrincipalName = upnHeld.reason;
  return upnHeld ? { status: 'warning', details, attributes: mvRows, outOfScopeRules, error: upnHeld } : { status: 'success', details, attributes: mvRows, outOfScopeRules };
}
