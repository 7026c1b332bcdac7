// Running one sync from VS Code: the engine runs in the extension host; a cancellable
// notification advances step by step; the panel streams the steps and then shows the report;
// the result is kept (Recent Results) and its JSON opens on request (or by setting).
//
// Exports: export() runs a preview first (or takes the preview the user is looking at) and
// asks in a modal naming the tenant and the changes (export-guard.ts); execute() is private,
// so nothing reaches stagingMode: false without that confirmation. What the panel's buttons
// do is the panel's action handler (panel/actions.ts), given to the runner for the panels it opens.
import * as vscode from 'vscode';
import { SyncError } from '../../engine/errors/sync-error';
import { extensionErrors } from './error-catalog';
import { syncErrors } from '../../engine/errors/catalog/sync';
import { Dn } from '../../engine/model/dn';
import { STEPS } from '../../engine/pipeline/steps';
import type { ProvisioningObjectSummary, SyncEvent } from '../../engine/summary/types';
import { asSyncError } from './errors';
import { confirmExport, exportable } from './export-guard';
import { log } from './log';
import { linkFree } from './plain-text';
import { jsonColumn, ReportPanel, type PanelActions } from './panel/host';
import { renderedReport, resultActions } from './panel/actions';
import type { ResultDocuments } from './results/result-documents';
import type { ResultStore } from './results/result-store';
import type { SessionHost } from './session-host';
import { cancelPendingSignIns } from './secrets';
import { readSettings } from './settings';
import { showSyncError, type UserInterface } from './ui';

export class SyncRunner {
  private running = false;
  /** The previews this runner ran, in this window: the only ones Run With Export may confirm with. */
  private readonly previewsRun = new WeakSet<ProvisioningObjectSummary>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly sessions: SessionHost,
    private readonly ui: UserInterface,
    private readonly store: ResultStore,
    private readonly documents: ResultDocuments,
    /** What the buttons of the panels this runner opens do (panel/actions.ts). */
    private readonly panelActions: PanelActions,
  ) {}

  /** A preview sync (staging mode): every step, nothing exported. */
  preview(dn: Dn): Promise<ProvisioningObjectSummary | undefined> {
    return this.execute(dn, true);
  }

  /**
   * An export, always confirmed: from `basis` when it is an exportable preview of the same
   * object (the panel's Run With Export), else from a preview run now. `origin` is logged.
   */
  async export(dn: Dn, origin: string, basis?: ProvisioningObjectSummary): Promise<ProvisioningObjectSummary | undefined> {
    const distinguishedName = dn.toString();
    if (!vscode.workspace.isTrusted) {
      const error = new SyncError(extensionErrors.ExportNotAllowedInUntrustedWorkspace);
      log().warn(`Sync of ${distinguishedName} refused: ${error.code}: ${error.reason}`);
      void this.showError(error);
      return undefined;
    }
    // Only a preview this runner made may stand for the export: a summary read back from disk
    // (the state folder may be a repository's) is previewed again instead.
    const sameObject = basis !== undefined && this.previewsRun.has(basis) && dn.isNamedBy(basis.sourceIdentity.details.distinguishedName ?? '');
    const preview = sameObject && exportable(basis) ? basis : await this.execute(dn, true);
    if (!preview) return undefined;
    if (!exportable(preview)) {
      const status = preview.provisioningStatusInfo.status;
      log().info(`Export of ${distinguishedName} not offered: the preview ended with ${status}.`);
      void this.ui.info(vscode.l10n.t('Nothing was exported: the preview of {0} ended with {1}. See the report for why.', preview.sourceIdentity.displayName || distinguishedName, status));
      return undefined;
    }
    if (!(await confirmExport(this.ui, preview, origin))) return undefined;
    return this.execute(dn, false);
  }

  private async execute(dn: Dn, stagingMode: boolean): Promise<ProvisioningObjectSummary | undefined> {
    const distinguishedName = dn.toString();
    const started = performance.now();
    if (this.running) {
      void this.ui.info(vscode.l10n.t('A sync is already running; wait for it to finish or cancel it.'));
      return undefined;
    }
    this.running = true;
    // Secrets first: a missing one is asked for now, not discovered at step 1 or 2.
    try {
      await this.sessions.ensureCredentials();
    } catch (error) {
      this.running = false;
      const syncError = asSyncError(error);
      log().warn(`Sync of ${distinguishedName} not started: ${syncError.code}: ${syncError.reason}`);
      void this.showError(syncError);
      return undefined;
    }
    const panel = ReportPanel.show(this.context.extensionUri, this.panelActions);
    panel.post({
      type: 'runStarted',
      run: { distinguishedName, stagingMode, startDateTime: new Date().toISOString(), exportAllowed: vscode.workspace.isTrusted },
      steps: STEPS.map((s) => ({ stepNumber: s.number, name: s.name, status: 'pending' })),
    });
    const mode = stagingMode ? 'Preview sync (staging mode)' : 'Sync';
    let firstStepMs: number | undefined;
    log().info(`${mode} of ${distinguishedName} started`);
    try {
      const summary = await vscode.window.withProgress(
        // The title is a notification's: the object's name as text, never a link.
        { location: vscode.ProgressLocation.Notification, title: linkFree(`${stagingMode ? vscode.l10n.t('Preview sync (staging mode)') : vscode.l10n.t('Sync')}: ${rdnOf(distinguishedName)}`), cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          const cancel = token.onCancellationRequested(() => {
            abort.abort();
            cancelPendingSignIns(); // a sign-in waiting for the user would hold the run for its code's lifetime
          });
          const onEvent = (event: SyncEvent) => {
            if (event.type === 'stepStarted') {
              firstStepMs ??= performance.now() - started;
              progress.report({ message: vscode.l10n.t('Step {0} of {1}: {2}', event.stepNumber, STEPS.length, event.name) });
              panel.post({ type: 'stepStarted', stepNumber: event.stepNumber, name: event.name });
            } else if (event.type === 'stepFinished') {
              const s = event.step;
              progress.report({ increment: 100 / STEPS.length });
              panel.post({ type: 'stepFinished', step: { stepNumber: s.stepNumber, name: s.name, status: s.status, durationInMilliseconds: s.durationInMilliseconds } });
              const line = `Step ${s.stepNumber} ${s.status}: ${s.name}`;
              if (s.status === 'failure') log().warn(line);
              else log().info(line);
            }
          };
          try {
            const session = await this.sessions.session();
            const outcome = await session.sync(dn, { stagingMode, noHtmlReport: true, redactAttributes: readSettings().redactAttributes, onEvent, signal: abort.signal });
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
      const totalMs = performance.now() - started;
      log().info(`${mode} of ${distinguishedName} finished: ${summary.provisioningStatusInfo.status} in ${Math.round(totalMs)} ms (first step shown after ${Math.round(firstStepMs ?? totalMs)} ms)`);
      if (stagingMode) this.previewsRun.add(summary);
      await this.store.save(summary);
      // The JSON (by setting) first, in the column that is not the panel's; the panel is then
      // revealed beside it, never under it.
      if (readSettings().openJsonAfterRun) await this.documents.open(summary, jsonColumn());
      panel.finished({ distinguishedName, stagingMode, summary }, renderedReport(this.context, summary), resultActions(summary, true));
      panel.panel.reveal(vscode.ViewColumn.Beside, true);
      return summary;
    } catch (error) {
      const syncError = asSyncError(error);
      log().error(`${mode} of ${distinguishedName} failed: ${syncError.code}: ${syncError.reason}`);
      panel.failed(
        { distinguishedName, stagingMode },
        { code: syncError.code, reason: syncError.reason, recommendedAction: syncError.recommendedAction, documentationUrl: syncError.documentationUrl },
        ['runAgain'],
      );
      void this.showError(syncError);
      return undefined;
    } finally {
      this.running = false;
    }
  }

  private showError(error: SyncError): Promise<void> {
    return showSyncError(this.ui, error);
  }
}

function rdnOf(dn: string): string {
  const first = dn.split(/(?<!\\),/)[0] ?? dn;
  return first.replace(/^[^=]+=/, '');
}
