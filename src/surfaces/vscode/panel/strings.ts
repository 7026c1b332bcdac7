// The report panel's own words, localized in the host (vscode.l10n) and sent to the webview,
// so they live in the extension's l10n bundle with every other string.
import * as vscode from 'vscode';
import type { PanelStrings } from '../../../../webview/protocol';

export function panelStrings(): PanelStrings {
  return {
    appTitle: vscode.l10n.t('Single Object Sync'),
    noRunYet: vscode.l10n.t('No sync has run yet.'),
    runningTitle: vscode.l10n.t('{0} · {1} · {2}'),
    preview: vscode.l10n.t('Preview'),
    sync: vscode.l10n.t('Sync'),
    running: vscode.l10n.t('Running'),
    failed: vscode.l10n.t('Failed'),
    stagingBadge: vscode.l10n.t('staging mode: nothing exported'),
    exportBadge: vscode.l10n.t('export'),
    status: {
      pending: vscode.l10n.t('Pending'),
      running: vscode.l10n.t('Running'),
      success: vscode.l10n.t('Success'),
      warning: vscode.l10n.t('Warning'),
      failure: vscode.l10n.t('Failure'),
      skipped: vscode.l10n.t('Skipped'),
    },
    notRun: vscode.l10n.t('Not run'),
    recommendedAction: vscode.l10n.t('Recommended action: '),
    documentation: vscode.l10n.t('Documentation'),
    actions: {
      openJson: vscode.l10n.t('Open JSON'),
      saveHtmlReport: vscode.l10n.t('Save HTML Report'),
      compareWithEntra: vscode.l10n.t('Compare with Microsoft Entra ID'),
      runAgain: vscode.l10n.t('Run Again'),
      runWithExport: vscode.l10n.t('Run With Export'),
    },
    restoredNote: vscode.l10n.t('Restored after a window reload: read-only. Run the sync again from the Active Directory tree to act on it.'),
    saved: vscode.l10n.t('Saved: {0}'),
  };
}
