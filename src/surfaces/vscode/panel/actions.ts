// The panel's action handler: what the report panel's buttons do (the host, host.ts, checks
// each message against its offer first), and how a kept result is shown again in the panel
// (Recent Results). The buttons that run a sync reach the SyncRunner through an accessor
// given at construction: the runner shows its runs in panels with these actions, so the two
// are built one after the other and neither is patched afterwards.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProvisioningObjectSummary } from '../../../engine/summary/types';
import { writeReport } from '../../../app/report-file';
import { buildReportModel } from '../../../report';
import { Dn } from '../../../engine/model/dn';
import type { PanelAction, RenderedReport } from '../../../../webview/protocol';
import { asSyncError } from '../errors';
import { exportable } from '../export-guard';
import { log } from '../log';
import { jsonColumn, ReportPanel, type OfferedResult, type PanelActions } from './host';
import type { ResultDocuments } from '../results/result-documents';
import type { SessionHost } from '../session-host';
import { readSettings } from '../settings';
import type { SyncRunner } from '../sync-runner';
import { showSyncError, type UserInterface } from '../ui';

/** What the panel's run buttons need of the SyncRunner. */
export type SyncRuns = Pick<SyncRunner, 'preview' | 'export'>;

export function toolVersion(context: vscode.ExtensionContext): string {
  return String((context.extension.packageJSON as { version?: unknown }).version ?? '');
}

export function renderedReport(context: vscode.ExtensionContext, summary: ProvisioningObjectSummary): RenderedReport {
  return buildReportModel(summary, { redactAttributes: readSettings().redactAttributes, toolVersion: toolVersion(context) });
}

/**
 * The buttons a finished result offers: Run With Export only after a preview that may be
 * exported and that this window ran just now. A kept result (Recent Results) is read from the
 * state folder, which a repository can fill: its changes must never be what an export is
 * confirmed with (Run Again previews anew, and asks with what it finds).
 */
export function resultActions(summary: ProvisioningObjectSummary, ranNow: boolean): PanelAction[] {
  const actions: PanelAction[] = ['openJson', 'saveHtmlReport', 'compareWithEntra', 'runAgain'];
  if (ranNow && exportable(summary) && vscode.workspace.isTrusted) actions.push('runWithExport');
  return actions;
}

export class PanelActionHandler implements PanelActions {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly sessions: SessionHost,
    private readonly ui: UserInterface,
    private readonly documents: ResultDocuments,
    /** The runner, built after this handler (it opens its panels with it); read at a click. */
    private readonly runs: () => SyncRuns,
  ) {}

  /** Shows a kept result in the panel again, with the same buttons as when it finished. */
  show(summary: ProvisioningObjectSummary): void {
    const panel = ReportPanel.show(this.context.extensionUri, this);
    const distinguishedName = summary.sourceIdentity.details.distinguishedName ?? '';
    panel.post({
      type: 'runStarted',
      run: { distinguishedName, stagingMode: summary.stagingMode, startDateTime: summary.activityDateTime, exportAllowed: vscode.workspace.isTrusted },
      steps: summary.provisioningSteps.map((s) => ({ stepNumber: s.stepNumber, name: s.name, status: s.status, durationInMilliseconds: s.durationInMilliseconds })),
    });
    panel.finished({ distinguishedName, stagingMode: summary.stagingMode, summary }, renderedReport(this.context, summary), resultActions(summary, false));
  }

  async openJson(result: OfferedResult): Promise<void> {
    if (result.summary) await this.documents.open(result.summary, jsonColumn());
  }

  /** The diff editor: the object in the tenant now against it after this export (the result's own command). */
  async compareWithEntra(result: OfferedResult): Promise<void> {
    if (result.summary) await vscode.commands.executeCommand('singleObjectSync.compareWithEntra', result.summary.id);
  }

  async saveHtmlReport(result: OfferedResult): Promise<void> {
    if (!result.summary) return;
    const folder = await reportFolder(this.context, this.sessions);
    try {
      const file = await writeReport(result.summary, folder, { redactAttributes: readSettings().redactAttributes, toolVersion: toolVersion(this.context) });
      log().info(`HTML report saved to ${file}`);
      ReportPanel.active()?.post({ type: 'reportSaved', path: file });
      void this.revealReport(file);
    } catch (error) {
      await showSyncError(this.ui, asSyncError(error));
    }
  }

  private async revealReport(file: string): Promise<void> {
    const uri = vscode.Uri.file(file);
    const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined;
    const reveal = inWorkspace ? vscode.l10n.t('Reveal in Explorer') : vscode.l10n.t('Reveal');
    const choice = await this.ui.info(vscode.l10n.t('HTML report saved: {0}', file), reveal);
    if (!choice) return;
    if (inWorkspace) await vscode.commands.executeCommand('revealInExplorer', uri);
    else await vscode.commands.executeCommand('revealFileInOS', uri);
  }

  /** The same run again; after an export it previews again and asks again (never a silent re-export). */
  async runAgain(result: OfferedResult): Promise<void> {
    if (result.stagingMode) await this.runs().preview(Dn.parse(result.distinguishedName));
    else await this.runs().export(Dn.parse(result.distinguishedName), 'the report panel');
  }

  /** The export of the preview shown, confirmed with that preview's changes. */
  async runWithExport(result: OfferedResult): Promise<void> {
    await this.runs().export(Dn.parse(result.distinguishedName), 'the report panel', result.summary);
  }
}

/** The setting, else the configuration's reportDir (relative to the configuration file). */
export async function reportFolder(context: vscode.ExtensionContext, sessions: SessionHost): Promise<string> {
  const setting = readSettings().reportFolder;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? context.globalStorageUri.fsPath;
  if (setting) return path.resolve(folder, setting);
  try {
    const session = await sessions.session();
    return path.resolve(path.dirname(session.configPath), session.config.reportDir);
  } catch {
    return vscode.Uri.joinPath(context.globalStorageUri, 'reports').fsPath;
  }
}
