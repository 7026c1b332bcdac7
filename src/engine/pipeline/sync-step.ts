// Step 9: inbound rules from the AD connector space into the metaverse, outbound rules from
// the metaverse into the Entra connector space, and the pending export, with lineage.
import { scopeErrors, SyncError } from '../errors';
import type { Attributes, AttributeValue } from '../model/attributes';
import { getValues } from '../model/attributes';
import { cloudMailNickname, evaluateInbound, evaluateOutbound, type EvaluationContext, type FlowedAttribute } from '../rules';
import { changeToRow, diffAttributes } from '../spaces/attribute-diff';
import { valuesText } from '../spaces/value-text';
import type { AttributeRow } from '../summary/types';
import type { SyncDependencies, SyncFacts } from './context';
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

/** Unverified UPN suffixes become the initial domain (MOERA), as Microsoft Entra ID does. */
function applyUpnSuffixRule(facts: SyncFacts, desired: Record<string, AttributeValue[] | null>, notes: Record<string, string>): void {
  const upn = desired.userPrincipalName?.[0];
  if (facts.kind !== 'user' || typeof upn !== 'string' || !facts.tenant) return;
  const at = upn.lastIndexOf('@');
  const suffix = upn.slice(at + 1).toLowerCase();
  const verified = facts.tenant.domains.some((d) => d.isVerified && d.name.toLowerCase() === suffix);
  if (verified) return;
  const initial = facts.tenant.domains.find((d) => d.isInitial)?.name;
  if (!initial) return;
  const alias = cloudMailNickname(desired) ?? upn.slice(0, at);
  const moera = `${String(alias)}@${initial}`;
  desired.userPrincipalName = [moera];
  notes.userPrincipalName = `The UPN suffix '${suffix}' is not a verified domain of the tenant, so Microsoft Entra ID uses the initial domain: ${moera} (on-premises UPN ${upn}). Verify the domain to keep the on-premises UPN.`;
}

export async function syncStep(deps: SyncDependencies, facts: SyncFacts): Promise<StepOutcome> {
  const ctx = evaluationContext(facts, deps.clock.now());
  const cs = facts.next!.adConnectorSpace!;
  const previousMv = facts.stored?.metaverse;
  const inbound = evaluateInbound(
    deps.ruleSet,
    facts.connector!.name,
    { dn: facts.dn, objectType: cs.objectType, attributes: cs.attributes },
    { ...ctx, ...(previousMv ? { existingTarget: previousMv.attributes } : {}) },
  );
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

  const outbound = evaluateOutbound(
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
  applyUpnSuffixRule(facts, desired, notes);
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
  details.PendingExport = `${Object.keys(pending).length} attribute(s) to ${facts.target ? 'update' : 'add'}`;
  return { status: 'success', details, attributes: mvRows, outOfScopeRules };
}
