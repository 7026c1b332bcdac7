// Running one sync from VS Code: the engine runs in the extension host; a cancellable
// notification advances step by step; the panel streams the steps; on completion the JSON
// summary opens as an untitled JSON document and the report fills the panel.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SyncError } from '../../engine/errors/sync-error';
import { extensionErrors } from '../../engine/errors/catalog/extension';
import { syncErrors } from '../../engine/errors/catalog/sync';
import { STEPS } from '../../engine/pipeline/steps';
import type { ProvisioningObjectSummary, SyncEvent } from '../../engine/summary/types';
import { renderReportBody } from '../../report';
import { writeReport } from '../../app/report-file';
import { panelId, tabIds } from '../../report/anchors';
import type { PanelAction, RenderedReport } from '../../../webview/protocol';
import { asSyncError, remedyFor } from './errors';
import { log } from './log';
import { ReportPanel, type OfferedResult, type PanelActions } from './panel/report-panel';
import type { SessionHost } from './session-host';
import { readSettings } from './settings';
import type { UserInterface } from './ui';

interface RunRecord {
  distinguishedName: string;
  stagingMode: boolean;
  summary?: ProvisioningObjectSummary;
  error?: SyncError;
  /** Milliseconds from the command to the first step shown in the panel. */
  firstStepMs?: number;
  totalMs?: number;
}

/** JSON documents opened for results, by summary id, so "Open JSON" reuses an open one (bounded). */
const maxJsonDocuments = 10;

const tabTitles: Record<(typeof tabIds)[number], string> = {
  steps: 'Steps',
  troubleshooting: 'Troubleshooting & Recommendation',
  modified: 'Modified Properties',
  summary: 'Summary',
};

export class SyncRunner implements PanelActions {
  private readonly jsonDocuments = new Map<string, vscode.TextDocument>();
  private running = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly sessions: SessionHost,
    private readonly ui: UserInterface,
  ) {}

  /** Runs a sync. In an untrusted workspace only staging mode is allowed. */
  async run(distinguishedName: string, stagingMode: boolean): Promise<void> {
    const started = performance.now();
    const record: RunRecord = { distinguishedName, stagingMode };
    if (!stagingMode && !vscode.workspace.isTrusted) {
      record.error = new SyncError(extensionErrors.ExportNotAllowedInUntrustedWorkspace);
      log().warn(`Sync of ${distinguishedName} refused: ${record.error.code}: ${record.error.reason}`);
      void this.showError(record.error); // a notification; the command does not wait for it
      return;
    }
    if (this.running) {
      void this.ui.info('A sync is already running; wait for it to finish or cancel it.');
      return;
    }
    this.running = true;
    // Secrets first: a missing one is asked for now, not discovered at step 1 or 2.
    try {
      await this.sessions.ensureCredentials();
    } catch (error) {
      this.running = false;
      record.error = asSyncError(error);
      log().warn(`Sync of ${distinguishedName} not started: ${record.error.code}: ${record.error.reason}`);
      void this.showError(record.error);
      return;
    }
    const panel = ReportPanel.show(this.context.extensionUri, this);
    panel.post({
      type: 'runStarted',
      run: { distinguishedName, stagingMode, startDateTime: new Date().toISOString(), exportAllowed: vscode.workspace.isTrusted },
      steps: STEPS.map((s) => ({ stepNumber: s.number, name: s.name, status: 'pending' })),
    });
    const mode = stagingMode ? 'Preview sync (staging mode)' : 'Sync';
    log().info(`${mode} of ${distinguishedName} started`);
    try {
      const summary = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `${mode}: ${rdnOf(distinguishedName)}`, cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          const cancel = token.onCancellationRequested(() => abort.abort());
          const onEvent = (event: SyncEvent) => {
            if (event.type === 'stepStarted') {
              record.firstStepMs ??= performance.now() - started;
              progress.report({ message: `Step ${event.stepNumber} of ${STEPS.length}: ${event.name}` });
              panel.post({ type: 'stepStarted', stepNumber: event.stepNumber, name: event.name });
            } else if (event.type === 'stepFinished') {
              const s = event.step;
              progress.report({ increment: 100 / STEPS.length });
              panel.post({ type: 'stepFinished', step: { stepNumber: s.stepNumber, name: s.name, status: s.status, durationInMilliseconds: s.durationInMilliseconds } });
              log().info(`Step ${s.stepNumber} ${s.status}: ${s.name}`);
            }
          };
          try {
            const session = await this.sessions.session();
            const outcome = await session.sync(distinguishedName, {
              stagingMode,
              noHtmlReport: true,
              redactAttributes: readSettings().redactAttributes,
              onEvent,
              signal: abort.signal,
            });
            // Cancel stops the engine between steps. A result whose steps all ran (the export
            // finished before the cancel was seen) says what was actually done: show it.
            const stoppedByCancel = outcome.summary.provisioningSteps.some((s) => s.errorInformation?.errorCode === syncErrors.Cancelled.code);
            if (token.isCancellationRequested && stoppedByCancel) throw new SyncError(extensionErrors.SyncCancelled, { distinguishedName });
            if (token.isCancellationRequested) log().info(`Cancel of ${distinguishedName} came after the last step: the result stands.`);
            return outcome.summary;
          } catch (error) {
            if (token.isCancellationRequested) throw new SyncError(extensionErrors.SyncCancelled, { distinguishedName }, { cause: error });
            throw error;
          } finally {
            cancel.dispose();
          }
        },
      );
      record.summary = summary;
      record.totalMs = performance.now() - started;
      const status = summary.provisioningStatusInfo.status;
      log().info(`${mode} of ${distinguishedName} finished: ${status} in ${Math.round(record.totalMs)} ms (first step shown after ${Math.round(record.firstStepMs ?? record.totalMs)} ms)`);
      await this.openJsonDocument(summary);
      const actions: PanelAction[] = ['openJson', 'saveHtmlReport', 'runAgain'];
      if (stagingMode && vscode.workspace.isTrusted) actions.push('runWithExport');
      panel.finished({ distinguishedName, stagingMode, summary }, this.render(summary), actions);
      panel.panel.reveal(vscode.ViewColumn.Beside, true);
    } catch (error) {
      record.error = asSyncError(error);
      record.totalMs = performance.now() - started;
      log().error(`${mode} of ${distinguishedName} failed: ${record.error.code}: ${record.error.reason}`);
      panel.failed(
        { distinguishedName, stagingMode },
        { code: record.error.code, reason: record.error.reason, recommendedAction: record.error.recommendedAction, documentationUrl: record.error.documentationUrl },
        ['runAgain'],
      );
      void this.showError(record.error);
    } finally {
      this.running = false;
    }
  }

  private render(summary: ProvisioningObjectSummary): RenderedReport {
    return {
      bodyHtml: renderReportBody(summary, { redactAttributes: readSettings().redactAttributes, toolVersion: this.version() }),
      tabs: tabIds.map((id) => ({ id, title: tabTitles[id], panelId: panelId(id) })),
    };
  }

  private version(): string {
    return String((this.context.extension.packageJSON as { version?: unknown }).version ?? '');
  }

  /** The summary as an untitled JSON document (not a preview tab), beside the panel, never over it. */
  private async openJsonDocument(summary: ProvisioningObjectSummary): Promise<vscode.TextDocument> {
    const document = await vscode.workspace.openTextDocument({ language: 'json', content: `${JSON.stringify(summary, null, 2)}\n` });
    await vscode.window.showTextDocument(document, { preview: false, viewColumn: this.jsonColumn(), preserveFocus: false });
    this.jsonDocuments.delete(summary.id);
    this.jsonDocuments.set(summary.id, document);
    for (const id of this.jsonDocuments.keys()) {
      if (this.jsonDocuments.size <= maxJsonDocuments) break;
      this.jsonDocuments.delete(id);
    }
    return document;
  }

  private jsonColumn(): vscode.ViewColumn {
    const panelColumn = ReportPanel.active()?.panel.viewColumn;
    return panelColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
  }

  private async showError(error: SyncError): Promise<void> {
    const remedy = remedyFor(error);
    const choice = await this.ui.error(`${error.reason} ${error.recommendedAction}`, ...(remedy ? [remedy.title] : []), 'Show Log');
    if (choice === 'Show Log') log().show(true);
    else if (remedy && choice === remedy.title) await vscode.commands.executeCommand(remedy.command);
  }

  // Panel buttons: the panel calls these only for an action it offered, with its own record
  // of the result (ReportPanel checks the offer).

  async openJson(result: OfferedResult): Promise<void> {
    if (!result.summary) return;
    const open = this.jsonDocuments.get(result.summary.id);
    if (open && !open.isClosed) {
      await vscode.window.showTextDocument(open, { preview: false, viewColumn: this.jsonColumn() });
      return;
    }
    await this.openJsonDocument(result.summary);
  }

  async saveHtmlReport(result: OfferedResult): Promise<void> {
    if (!result.summary) return;
    const folder = await this.reportFolder();
    try {
      const file = await writeReport(result.summary, folder, { redactAttributes: readSettings().redactAttributes, toolVersion: this.version() });
      log().info(`HTML report saved to ${file}`);
      ReportPanel.active()?.post({ type: 'reportSaved', path: file });
      void this.revealReport(file);
    } catch (error) {
      await this.showError(asSyncError(error));
    }
  }

  private async revealReport(file: string): Promise<void> {
    const uri = vscode.Uri.file(file);
    const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined;
    const choice = await this.ui.info(`HTML report saved: ${file}`, inWorkspace ? 'Reveal in Explorer' : 'Reveal');
    if (!choice) return;
    if (inWorkspace) await vscode.commands.executeCommand('revealInExplorer', uri);
    else await vscode.commands.executeCommand('revealFileInOS', uri);
  }

  /** The setting, else the configuration's reportDir (relative to the configuration file). */
  private async reportFolder(): Promise<string> {
    const setting = readSettings().reportFolder;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? this.context.globalStorageUri.fsPath;
    if (setting) return path.resolve(folder, setting);
    try {
      const session = await this.sessions.session();
      return path.resolve(path.dirname(session.configPath), session.config.reportDir);
    } catch {
      return vscode.Uri.joinPath(this.context.globalStorageUri, 'reports').fsPath;
    }
  }

  /** The same run again; a run that exports asks first, like every export from the panel. */
  async runAgain(result: OfferedResult): Promise<void> {
    if (!result.stagingMode && !(await this.confirmExport(result.distinguishedName))) return;
    await this.run(result.distinguishedName, result.stagingMode);
  }

  async runWithExport(result: OfferedResult): Promise<void> {
    if (!(await this.confirmExport(result.distinguishedName))) return;
    await this.run(result.distinguishedName, false);
  }

  private async confirmExport(distinguishedName: string): Promise<boolean> {
    const confirm = 'Sync and Export';
    const answer = await this.ui.confirm(
      `Export ${distinguishedName} to Microsoft Entra ID?`,
      'This run writes the changes shown by the sync to the tenant through Microsoft Graph.',
      confirm,
    );
    if (answer !== confirm) log().info(`Export of ${distinguishedName} from the report panel was not confirmed; nothing ran.`);
    return answer === confirm;
  }
}

function rdnOf(dn: string): string {
  const first = dn.split(/(?<!\\),/)[0] ?? dn;
  return first.replace(/^[^=]+=/, '');
}
