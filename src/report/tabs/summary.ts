// Summary tab: action and result, source and target identifiers, connectors, staging
// mode, duration, tool version and time.
import type { ProvisionedIdentity, ProvisioningObjectSummary, ProvisioningSystem } from '../../engine/summary/types';
import { formatDuration, formatTimestamp, humanize } from '../format';
import { view, type View } from '../browser/view';
import { badge, definitionList, detailsList } from './common';
import { plainValue } from '../values';

export interface SummaryContext { toolVersion: string; generatedAt: Date; redacted: readonly string[] }

// A value from AD (a display name of megabytes) is cut as in the attribute cells.
const v = (text: string | null | undefined) => (text ? plainValue(text) : null);

/** Details keys shown in their own rows above; the rest follow under "More". */
function rest(details: Record<string, string> | undefined, shown: readonly string[]): Record<string, string> {
  const lower = new Set(shown.map((k) => k.toLowerCase()));
  return Object.fromEntries(Object.entries(details ?? {}).filter(([k]) => !lower.has(k.toLowerCase())));
}

function pick(details: Record<string, string> | undefined, key: string): string | undefined {
  const found = Object.keys(details ?? {}).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : details![found];
}

function identity(title: string, who: ProvisionedIdentity | undefined, system: ProvisioningSystem | undefined, keys: ReadonlyArray<readonly [string, string]>, idLabel: string): View {
  const more = { ...rest(who?.details, keys.map(([k]) => k)) };
  return view`<section class="sos-card"><h3>${title}</h3>
${definitionList([
  ['Display name', v(who?.displayName)],
  ['Object type', v(who?.identityType)],
  [idLabel, v(who?.id)],
  ...keys.map(([key, label]) => [label, v(pick(who?.details, key))] as const),
  ['System', v(system?.displayName)],
  ['System id', v(system?.id)],
])}
${Object.keys(more).length ? view`<h4>More</h4>${detailsList(more)}` : null}
${Object.keys(system?.details ?? {}).length ? view`<h4>System details</h4>${detailsList(system?.details)}` : null}
</section>`;
}

export function renderSummaryTab(summary: ProvisioningObjectSummary, context: SummaryContext): View {
  const status = summary.provisioningStatusInfo.status;
  const staging = pick(summary.targetSystem?.details, 'stagingMode');
  return view`<section class="sos-card"><h3>Result</h3>
${definitionList([
  ['Action', humanize(summary.provisioningAction)],
  ['Planned action', summary.plannedProvisioningAction && summary.plannedProvisioningAction !== summary.provisioningAction ? humanize(summary.plannedProvisioningAction) : null],
  ['Exported', summary.exported === undefined ? null : summary.exported ? 'Yes: this run wrote to Microsoft Entra ID' : 'No: nothing was written to Microsoft Entra ID'],
  ['Result', badge(status)],
  ['Error code', v(summary.provisioningStatusInfo.errorInformation?.errorCode)],
  ['Staging mode', staging === undefined ? null : staging === 'True' ? 'Yes: nothing was exported' : 'No'],
  ['Started', formatTimestamp(summary.activityDateTime)],
  ['Duration', formatDuration(summary.durationInMilliseconds)],
  ['Initiated by', v(summary.initiatedBy?.displayName)],
  ['Tenant id', v(summary.tenantId)],
  ['Run id', v(summary.id)],
  ['Change id', v(summary.changeId)],
  ['Cycle id', v(summary.cycleId)],
  ['Job id', v(summary.jobId)],
  ['Service principal', v(summary.servicePrincipal?.displayName ? `${summary.servicePrincipal.displayName} (${summary.servicePrincipal.id})` : summary.servicePrincipal?.id)],
  ['Tool version', v(context.toolVersion)],
  ['Report generated', formatTimestamp(context.generatedAt)],
  ['Redacted attributes', context.redacted.length ? v(context.redacted.join(', ')) : null],
])}
</section>
${identity('Source (Active Directory)', summary.sourceIdentity, summary.sourceSystem, [
  ['distinguishedName', 'Distinguished name'], ['objectGUID', 'objectGUID'], ['sourceAnchor', 'sourceAnchor'], ['connector', 'Connector'], ['partition', 'Partition'],
], 'Id')}
${identity('Target (Microsoft Entra ID)', summary.targetIdentity, summary.targetSystem, [
  ['userPrincipalName', 'User principal name'], ['onPremisesImmutableId', 'immutableId (onPremisesImmutableId)'],
], 'Entra object id')}`;
}
