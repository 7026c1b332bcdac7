// Every export is confirmed in a modal naming the object, the tenant and what the export
// changes (create or update, how many attributes), from a preview of that same object. The
// runner exports only through confirmExport; there is no other path to stagingMode: false.
import * as vscode from 'vscode';
import type { ProvisioningObjectSummary } from '../../engine/summary/types';
import { log } from './log';
import { oneLine } from './plain-text';
import type { UserInterface } from './ui';

export const confirmExportAction = (): string => vscode.l10n.t('Sync and Export');

/** Results an export may follow: a preview that neither failed nor skipped the object. */
export function exportable(summary: ProvisioningObjectSummary): boolean {
  const status = summary.provisioningStatusInfo.status;
  return summary.stagingMode && status !== 'failure' && status !== 'skipped';
}

/** "Update: 3 attributes (displayName, mail, title)"; "Create: 12 attributes"; "No attribute changes". */
export function changeSummary(summary: ProvisioningObjectSummary): string {
  const applied = summary.modifiedProperties.filter((p) => p.applied);
  const names = applied.map((p) => oneLine(p.displayName));
  const shown = names.length > 6 ? `${names.slice(0, 6).join(', ')}, …` : names.join(', ');
  const action = summary.plannedProvisioningAction;
  if (applied.length === 0) return vscode.l10n.t('No attribute changes (the export only confirms the object).');
  const count = applied.length === 1 ? vscode.l10n.t('1 attribute') : vscode.l10n.t('{0} attributes', applied.length);
  const verb = action === 'create' ? vscode.l10n.t('Create') : action === 'update' ? vscode.l10n.t('Update') : vscode.l10n.t('Change');
  return `${verb}: ${count} (${shown})`;
}

/** Asks; true only when the user chose "Sync and Export". */
export async function confirmExport(ui: UserInterface, preview: ProvisioningObjectSummary, origin: string): Promise<boolean> {
  // AD text on one line, its invisible characters shown: it cannot add lines to the question.
  const name = oneLine(preview.sourceIdentity.displayName || preview.sourceIdentity.details.distinguishedName || '');
  const tenant = oneLine(preview.targetSystem.details.tenantId ?? preview.tenantId);
  const notApplied = preview.modifiedProperties.filter((p) => !p.applied && !p.informational).length;
  const detail = [
    changeSummary(preview),
    notApplied ? vscode.l10n.t('{0} more cannot be written through Microsoft Graph and stay as they are.', notApplied) : '',
    vscode.l10n.t('Distinguished name: {0}', oneLine(preview.sourceIdentity.details.distinguishedName ?? '')),
    vscode.l10n.t('From the preview of {0}. The export writes these changes to the tenant through Microsoft Graph.', preview.activityDateTime),
  ]
    .filter(Boolean)
    .join('\n');
  const action = confirmExportAction();
  let answer: string | undefined;
  try {
    answer = await ui.confirm(vscode.l10n.t('Export {0} to Microsoft Entra ID tenant {1}?', name, tenant), detail, action);
  } catch (error) {
    // A modal that cannot be shown is no confirmation.
    log().warn(`The export confirmation could not be shown: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (answer !== action) log().info(`Export of ${preview.sourceIdentity.details.distinguishedName ?? name} from ${origin} was not confirmed; nothing ran.`);
  return answer === action;
}
