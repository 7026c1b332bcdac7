// Turns the steps and facts of one run into Graph's provisioningObjectSummary shape
// (ARCHITECTURE section 4), so scripts that read Graph's provisioning logs read ours too.
import { getFirst } from '../model/attributes';
import type { ProvisioningErrorInfo, ProvisioningObjectSummary, ProvisioningResult } from '../summary/types';
import type { SyncDependencies, SyncFacts, SyncRequest } from './context';
import type { StepRunner } from './step-runner';

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

export function buildSummary(
  deps: SyncDependencies,
  request: SyncRequest,
  facts: SyncFacts,
  runner: StepRunner,
  started: Date,
  durationMs: number,
): ProvisioningObjectSummary {
  const steps = runner.steps;
  const failed = steps.find((s) => s.status === 'failure');
  const warned = steps.find((s) => s.status === 'warning' && s.errorInformation);
  let status: ProvisioningResult = 'success';
  let errorInformation: ProvisioningErrorInfo | null = null;
  if (failed) {
    status = 'failure';
    errorInformation = failed.errorInformation ?? null;
  } else if (runner.decisive?.outOfScope) {
    status = 'skipped';
    errorInformation = runner.decisive.step.errorInformation ?? null;
  } else if (warned) {
    status = 'warning';
    errorInformation = warned.errorInformation ?? null;
  }
  const ad = facts.adAttributes ?? {};
  const target = facts.target;
  const exported = facts.next?.entraConnectorSpace;
  const targetUpn = text(facts.desired?.userPrincipalName?.[0] ?? target?.properties.userPrincipalName);
  const entraConfig = deps.config.entra;
  return {
    id: crypto.randomUUID(),
    activityDateTime: started.toISOString(),
    changeId: crypto.randomUUID(),
    cycleId: crypto.randomUUID(),
    durationInMilliseconds: Math.round(durationMs),
    initiatedBy: { id: deps.initiator?.id ?? '', displayName: deps.initiator?.displayName ?? 'Single Object Sync', initiatorType: 'user' },
    jobId: 'SingleObjectSync',
    modifiedProperties: facts.modified ?? [],
    // What this run did to Microsoft Entra ID: a preview, or an object only Entra Connect may
    // write, performs nothing (other); what the export would do is plannedProvisioningAction.
    provisioningAction: request.stagingMode || facts.notPerformed ? 'other' : facts.provisioningAction ?? 'other',
    provisioningStatusInfo: { status, errorInformation },
    provisioningSteps: steps,
    tenantProvisioningErrors: facts.tenantProvisioningErrors ?? [],
    servicePrincipal: { id: entraConfig.clientId, displayName: 'Single Object Sync' },
    sourceIdentity: {
      id: facts.objectGuid ?? '',
      displayName: text(getFirst(ad, 'displayName') ?? getFirst(ad, 'cn') ?? request.distinguishedName.toString()),
      identityType: facts.objectClass ?? '',
      details: {
        distinguishedName: facts.dn.toString(),
        objectGUID: facts.objectGuid ?? '',
        sourceAnchor: facts.sourceAnchor ?? '',
        connector: facts.connector?.name ?? '',
        partition: facts.partition?.dn ?? '',
      },
    },
    sourceSystem: {
      id: facts.connector?.name ?? '',
      displayName: 'Active Directory',
      details: {
        connector: facts.connector?.name ?? '',
        partition: facts.partition?.dn ?? '',
        source: facts.connector?.ldifFile ? `LDIF snapshot ${facts.connector.ldifFile}` : text(facts.connector?.url),
      },
    },
    targetIdentity: {
      id: exported?.id ?? target?.id ?? '',
      displayName: text(facts.desired?.displayName?.[0] ?? target?.properties.displayName),
      identityType: facts.kind ?? '',
      details: {
        userPrincipalName: targetUpn,
        onPremisesImmutableId: facts.sourceAnchor ?? '',
        match: facts.match ?? '',
      },
    },
    targetSystem: {
      id: facts.tenant?.tenantId ?? entraConfig.tenantId,
      displayName: 'Microsoft Entra ID',
      details: {
        tenantId: facts.tenant?.tenantId ?? entraConfig.tenantId,
        stagingMode: request.stagingMode ? 'True' : 'False',
        graphEndpoint: entraConfig.graphEndpoint,
        toolVersion: deps.toolVersion,
        ruleSet: deps.ruleSet.source,
      },
    },
    tenantId: facts.tenant?.tenantId ?? entraConfig.tenantId,
    stagingMode: request.stagingMode,
    exported: facts.exported === true,
    plannedProvisioningAction: facts.provisioningAction ?? 'other',
  };
}
