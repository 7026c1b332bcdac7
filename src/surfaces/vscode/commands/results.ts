// Recent Results and what a kept result offers: show it in the panel again, open its JSON,
// compare it with Microsoft Entra ID, save a support bundle, delete it (or old ones). A result
// is named by a node of the Recent Results view (its own nodes only), by its id (the panel's
// Compare) or by a result document's URI (the editor's title menu).
import * as vscode from 'vscode';
import type { CommandFamily, Ctx } from '../ctx';
import { log } from '../log';
import { toolVersion } from '../panel/actions';
import { parseResultDocumentUri } from '../results/result-documents';
import { bundleName, supportBundle } from '../results/support-bundle';
import { readSettings } from '../settings';

/** A result from a Recent Results node, a result id or a result document's URI (else the active editor's). */
async function resultOf(ctx: Ctx, arg: unknown) {
  const { recent, store } = ctx;
  if (recent.owns(arg)) return store.get(arg.entry.id);
  if (typeof arg === 'string') return store.get(arg);
  if (arg instanceof vscode.Uri) {
    const parsed = parseResultDocumentUri(arg);
    return parsed ? store.get(parsed.id) : undefined;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  const parsed = active ? parseResultDocumentUri(active) : undefined;
  return parsed ? store.get(parsed.id) : undefined;
}

async function needResult(ctx: Ctx, arg: unknown) {
  const summary = await resultOf(ctx, arg);
  if (!summary) throw new Error(vscode.l10n.t('That result is no longer kept (deleted from Recent Results or the state folder).'));
  return summary;
}

export const resultCommands: CommandFamily = {
  openResult: (ctx) => async (arg: unknown) => ctx.panelActions.show(await needResult(ctx, arg)),
  openResultJson: (ctx) => async (arg: unknown) => ctx.documents.open(await needResult(ctx, arg), vscode.ViewColumn.Active),
  compareWithEntra: (ctx) => async (arg: unknown) => ctx.comparison.open(await needResult(ctx, arg)),
  refreshResults: (ctx) => () => ctx.recent.refresh(),

  deleteResult: (ctx) => async (arg: unknown, selected?: unknown[]) => {
    const nodes = (Array.isArray(selected) && selected.length ? selected : [arg]).filter((n) => ctx.recent.owns(n));
    if (nodes.length) await ctx.store.delete(nodes.map((n) => (n as { entry: { id: string } }).entry.id));
  },

  deleteOldResults: (ctx) => async () => {
    type Age = vscode.QuickPickItem & { days: number };
    const ages: Age[] = [
      { label: vscode.l10n.t('Older than 1 day'), days: 1 },
      { label: vscode.l10n.t('Older than 7 days'), days: 7 },
      { label: vscode.l10n.t('Older than 30 days'), days: 30 },
      { label: vscode.l10n.t('All results'), days: 0 },
    ];
    const age = await ctx.ui.pick(ages, { title: vscode.l10n.t('Delete Old Results') });
    if (!age) return;
    const cutoff = Date.now() - age.days * 86_400_000;
    const old = (await ctx.store.list()).filter((e) => age.days === 0 || Date.parse(e.activityDateTime) < cutoff);
    await ctx.store.delete(old.map((e) => e.id));
    vscode.window.setStatusBarMessage(vscode.l10n.t('{0} results deleted', old.length), 3000);
  },

  saveSupportBundle: (ctx) => async (arg: unknown) => {
    const { sessions, extension, ui } = ctx;
    const summary = await needResult(ctx, arg);
    const session = await sessions.session().catch(() => undefined);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? extension.globalStorageUri;
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Save Support Bundle'),
      defaultUri: vscode.Uri.joinPath(folder, bundleName(summary)),
      filters: { [vscode.l10n.t('Zip archive')]: ['zip'] },
      saveLabel: vscode.l10n.t('Save Support Bundle'),
    });
    if (!target) return;
    const bytes = await supportBundle(summary, { configPath: session?.configPath, redactAttributes: readSettings().redactAttributes, toolVersion: toolVersion(extension) });
    await vscode.workspace.fs.writeFile(target, bytes);
    log().info(`Support bundle saved to ${target.fsPath}`);
    void ui.info(vscode.l10n.t('Support bundle saved: {0}', target.fsPath));
  },
};
