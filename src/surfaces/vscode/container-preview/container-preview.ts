// Preview Sync of Container and What If…: the batch engine (src/app/batch) over an OU or a
// partition, in staging mode only (this module never asks for an export), shown in the batch
// results view. Cancel stops taking new objects; the objects in flight finish and every
// result so far stays in the view. A row opens that object's report panel through the
// existing SyncRunner (a staging preview of the object).
import { rm } from 'node:fs/promises';
import { copyOfStateFolder } from '../../../app/batch/state-copy';
import * as vscode from 'vscode';
import type { Session } from '../../../app/session';
import { proposedConnectionProblem } from '../../../app/batch/proposed-configuration';
import type { BatchPassResult, PreparedBatch } from '../../../app/batch/session-batch';
import { whatIfDeletionThreshold } from '../../../app/batch/deletion-threshold';
import { compareRuns, deletionVerdict, whatIfTotals, type WhatIfEntry } from '../../../engine/batch/what-if';
import { configurationChanges, howToApply } from '../../../engine/batch/applying-a-change';
import { batchErrors } from '../../../engine/errors/catalog/batch';
import { SyncError } from '../../../engine/errors/sync-error';
import { Dn } from '../../../engine/model/dn';
import type { DeletionCheck } from '../../../../webview/batch/protocol';
import { asSyncError } from '../errors';
import { log } from '../log';
import { SecretStorageSecrets, cancelPendingSignIns } from '../secrets';
import type { SessionHost } from '../session-host';
import { readSettings } from '../settings';
import type { SyncRunner } from '../sync-runner';
import type { UserInterface } from '../ui';
import { BatchResultsPanel } from './batch-panel';
import { toRowView, whatIfRowView } from './rows';
import { batchStrings } from './strings';


export class ContainerPreview {
  private running: { abort: AbortController } | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly sessions: SessionHost,
    private readonly runner: SyncRunner,
    private readonly ui: UserInterface,
  ) {}

  /** Staging preview of every object under the container. */
  async preview(base: string): Promise<void> {
    if (!this.claim()) return;
    const abort = this.running!.abort;
    const panel = this.openPanel(vscode.l10n.t('Preview: {0}', rdnOf(base)), abort);
    panel.post({ type: 'init', strings: batchStrings(), run: { kind: 'preview', scope: base, startDateTime: new Date().toISOString() } });
    const started = performance.now();
    log().info(`Container preview (staging mode) of ${base} started`);
    try {
      const session = await this.sessions.session();
      const prepared = await session.prepareBatch({ kind: 'search', base: Dn.parse(base), scope: 'subtree' });
      panel.post({ type: 'init', strings: batchStrings(), run: { kind: 'preview', scope: prepared.scope, startDateTime: new Date().toISOString() } });
      panel.progress({ done: 0, total: prepared.dns.length, elapsedMs: performance.now() - started });
      let done = 0;
      const result = await session.runBatch(prepared, {
        stagingMode: true,
        signal: abort.signal,
        redactAttributes: readSettings().redactAttributes,
        onResult: (_item, row) => {
          done++;
          panel.progress({ done, total: prepared.dns.length, elapsedMs: performance.now() - started }, [toRowView(row)]);
        },
      });
      panel.post({ type: 'finished', cancelled: result.cancelled, notDone: result.notDone, elapsedMs: performance.now() - started, notes: this.notes(result) });
      log().info(
        `Container preview of ${base}: ${result.done} object(s) in ${Math.round(performance.now() - started)} ms` +
          `${result.cancelled ? `, cancelled with ${result.notDone} not started` : ''}; ${result.tally.byStatus.failure} failure(s), ${result.graphRequests} Graph request(s)`,
      );
    } catch (error) {
      this.failed(panel, error, `Container preview of ${base}`);
    } finally {
      this.running = undefined;
    }
  }

  /** The scope staged under the current and under a proposed configuration, compared. */
  async whatIf(base: string, proposedFile: string): Promise<void> {
    if (!this.claim()) return;
    const abort = this.running!.abort;
    const panel = this.openPanel(vscode.l10n.t('What If: {0}', rdnOf(base)), abort);
    const run = { kind: 'whatIf' as const, scope: base, proposedFile, startDateTime: new Date().toISOString() };
    panel.post({ type: 'init', strings: batchStrings(), run });
    const started = performance.now();
    const cleanups: (() => Promise<void>)[] = [];
    log().info(`What-if of ${base} with ${proposedFile} started (staging mode, copies of the state folder)`);
    try {
      const host = await this.sessions.session();
      const { openSession } = await import('../../../app/session');
      const secrets = new SecretStorageSecrets(this.context.secrets);
      const copies = [await copyOfStateFolder(host.stateDir, 'current'), await copyOfStateFolder(host.stateDir, 'proposed')];
      cleanups.push(async () => {
        for (const c of copies) await rm(c, { recursive: true, force: true });
      });
      // `vet` sees a loaded configuration before it asks for a secret or connects.
      const openAt = async (configPath: string, stateDir: string, vet?: (s: Session) => SyncError | undefined) => {
        const s = await openSession({ configPath, secrets, stateDir });
        cleanups.push(() => s.close());
        const refused = vet?.(s);
        if (refused) throw refused;
        await s.prepare({ noHtmlReport: true });
        return s;
      };
      const current = await openAt(host.configPath, copies[0]!);
      let proposed: Session;
      try {
        // A what-if changes filtering and rules: a proposed file naming another endpoint, CA or credential is refused, trusted workspace or not.
        proposed = await openAt(proposedFile, copies[1]!, (s) => proposedConnectionProblem(proposedFile, current.config, s.config));
      } catch (err) {
        const e = asSyncError(err);
        if (e.code === batchErrors.WhatIfConfigurationInvalid.code) throw e;
        throw new SyncError(batchErrors.WhatIfConfigurationInvalid, { file: proposedFile, problem: `${e.code}: ${e.reason}` }, { cause: err });
      }
      const prepared = await current.prepareBatch({ kind: 'search', base: Dn.parse(base), scope: 'subtree' });
      panel.post({ type: 'init', strings: batchStrings(), run: { ...run, scope: prepared.scope } });
      const pass = async (s: Session, label: string, passIndex: number): Promise<BatchPassResult> => {
        let done = 0;
        const passStarted = performance.now();
        panel.progress({ done: 0, total: prepared.dns.length, elapsedMs: 0, pass: label, passIndex, passes: 2 });
        return s.runBatch(prepared as PreparedBatch, {
          stagingMode: true,
          keepSummaries: true,
          signal: abort.signal,
          onResult: () => {
            done++;
            panel.progress({ done, total: prepared.dns.length, elapsedMs: performance.now() - passStarted, pass: label, passIndex, passes: 2 });
          },
        });
      };
      const before = await pass(current, vscode.l10n.t('Current configuration'), 1);
      const after = abort.signal.aborted ? undefined : await pass(proposed, vscode.l10n.t('Proposed configuration'), 2);
      const entries: WhatIfEntry[] = [];
      if (after) {
        for (const dn of prepared.dns.map(String)) {
          const a = before.summaries.get(dn);
          const b = after.summaries.get(dn);
          if (a && b) entries.push(compareRuns(dn, a, b));
        }
      }
      // The tenant's setting and the server's own (its configuration export), as the CLI checks them.
      const threshold = await whatIfDeletionThreshold(current);
      const totals = whatIfTotals(entries, threshold);
      const rows = entries.map((e, i) => whatIfRowView(i + 1, e));
      panel.progress({ done: entries.length, total: prepared.dns.length, elapsedMs: performance.now() - started, passIndex: 2, passes: 2 }, rows);
      const deletion: DeletionCheck = {
        deletes: totals.deletes,
        threshold: totals.threshold,
        exceedsThreshold: totals.exceedsThreshold,
        advice: totals.thresholdDisabled
          ? deletionVerdict(totals)
          : totals.exceedsThreshold
          ? (() => {
              const e = new SyncError(batchErrors.DeletionThresholdExceeded, { deletes: totals.deletes, threshold: totals.threshold });
              return `${e.reason} ${e.recommendedAction}`;
            })()
          : totals.byOutcome.undetermined > 0
            ? vscode.l10n.t('{0} cloud object(s) would be deleted, and {1} object(s) could not be evaluated: each may be a delete ({2}). Resolve them before you rely on this preview.', totals.deletes, totals.byOutcome.undetermined, totals.mayExceedThreshold ? vscode.l10n.t('together they would exceed the threshold of {0}', totals.threshold) : vscode.l10n.t('within the threshold of {0} even so', totals.threshold))
            : totals.deletes > 0
              ? vscode.l10n.t('Entra Connect would delete these {0} cloud object(s) at the next export; check each one listed as DELETE before you apply the proposed configuration.', totals.deletes)
              : vscode.l10n.t('No cloud object would be deleted.'),
      };
      const applying = after
        ? howToApply(configurationChanges({ connectors: current.config.activeDirectory, ruleSet: current.ruleSet }, { connectors: proposed.config.activeDirectory, ruleSet: proposed.ruleSet }))
        : [];
      const thresholdNote = vscode.l10n.t('Deletion threshold checked: {0}, from {1}.', threshold.disabled ? vscode.l10n.t('disabled') : String(threshold.threshold), threshold.source) + (threshold.note ? ` ${threshold.note}` : '');
      const notes = [...this.notes(before), ...(after ? [thresholdNote, ...this.notes(after)] : []), ...applying, vscode.l10n.t('Both runs staged copies of the state folder; nothing was written to Active Directory, Microsoft Entra ID or the state folder.')];
      if (!after) notes.unshift(vscode.l10n.t('Cancelled during the current configuration: the proposed configuration was not run, so nothing could be compared.'));
      panel.post({ type: 'finished', cancelled: abort.signal.aborted, notDone: prepared.dns.length - entries.length, elapsedMs: performance.now() - started, notes, ...(after ? { deletion } : {}) });
      const o = totals.byOutcome;
      log().info(`What-if of ${base}: ${entries.length} compared: ${o.create} create, ${o.join} join, ${o.delete} DELETE, ${o['attribute-changes']} attribute changes, ${o.unchanged} unchanged, ${o.undetermined} undetermined; threshold ${totals.threshold}${totals.exceedsThreshold ? ' EXCEEDED' : ''}`);
    } catch (error) {
      this.failed(panel, error, `What-if of ${base}`);
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
      this.running = undefined;
    }
  }

  private claim(): boolean {
    if (this.running) {
      void this.ui.info(vscode.l10n.t('A container preview is already running; cancel it or wait for it to finish.'));
      return false;
    }
    this.running = { abort: new AbortController() };
    return true;
  }

  private openPanel(title: string, abort: AbortController): BatchResultsPanel {
    const panel = BatchResultsPanel.open(this.context.extensionUri, title, {
      cancel: () => {
        if (!abort.signal.aborted) log().info('Batch cancelled from the results view: the objects in flight finish, nothing new starts.');
        abort.abort();
        cancelPendingSignIns();
      },
      openRow: async (row) => void (await this.runner.preview(Dn.parse(row.dn))),
    });
    // Closing the view stops the run the same way.
    panel.onDidClose(() => abort.abort());
    return panel;
  }

  private failed(panel: BatchResultsPanel, error: unknown, what: string): void {
    const e = asSyncError(error);
    log().error(`${what} failed: ${e.code}: ${e.reason}`);
    panel.flush();
    panel.post({ type: 'failed', error: { code: e.code, reason: e.reason, recommendedAction: e.recommendedAction } });
  }

  private notes(result: BatchPassResult): string[] {
    return [
      ...result.notes,
      vscode.l10n.t('{0} Graph request(s), {1} LDAP operation(s).', result.graphRequests, result.ldapOperations),
      ...result.reportFailures.map((f) => `${f.code}: ${f.reason}`),
    ];
  }
}

function rdnOf(dn: string): string {
  const first = dn.split(/(?<!\\),/)[0] ?? dn;
  return first.replace(/^[^=]+=/, '');
}
