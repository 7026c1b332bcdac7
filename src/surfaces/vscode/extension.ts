// Activation builds the parts, builds the ctx (ctx.ts) and registers the command families
// (commands/), and does nothing else: no configuration load, no LDAP, no Graph (the engine is
// imported on first use). Everything disposable is registered once.
// activate() returns nothing: no API that another extension could call (tests drive the UI).
import * as vscode from 'vscode';
import { reportViewType } from '../../../webview/protocol';
import { commandFamilies } from './commands';
import { ConnectionStatus } from './connection-status';
import { ContainerPreview } from './container-preview/container-preview';
import { createCtx } from './ctx';
import { log } from './log';
import { PanelActionHandler } from './panel/actions';
import { ReportPanel } from './panel/host';
import { EntraComparison } from './results/compare';
import { RecentResultsProvider } from './results/recent-results-view';
import { ResultDocuments, resultScheme } from './results/result-documents';
import { ResultStore } from './results/result-store';
import { SessionHost } from './session-host';
import { SyncRunner } from './sync-runner';
import { DirectoryTreeProvider } from './tree/directory-tree';
import { vscodeUserInterface } from './ui';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const ui = vscodeUserInterface();
  const sessions = new SessionHost(context);
  const tree = new DirectoryTreeProvider(sessions);
  const treeView = vscode.window.createTreeView('singleObjectSync.directory', { treeDataProvider: tree, showCollapseAll: true });
  const store = new ResultStore(sessions);
  const comparison = new EntraComparison(sessions);
  const documents = new ResultDocuments(store, (kind, summary) => comparison.content(kind, summary));
  const recent = new RecentResultsProvider(store);
  const recentView = vscode.window.createTreeView('singleObjectSync.recentResults', { treeDataProvider: recent, canSelectMany: true });
  // The panel's buttons run syncs, and every sync opens a panel with those buttons: the
  // actions reach the runner through an accessor, read at a click (after activation).
  const panelActions = new PanelActionHandler(context, sessions, ui, documents, (): SyncRunner => runner);
  const runner = new SyncRunner(context, sessions, ui, store, documents, panelActions);
  const containerPreview = new ContainerPreview(context, sessions, runner, ui);
  const connectionStatus = new ConnectionStatus(sessions);
  context.subscriptions.push(
    sessions,
    connectionStatus,
    tree,
    treeView,
    store,
    documents,
    recent,
    recentView,
    vscode.workspace.registerTextDocumentContentProvider(resultScheme, documents),
    vscode.window.registerWebviewPanelSerializer(reportViewType, {
      async deserializeWebviewPanel(panel, state) {
        ReportPanel.revive(panel, context.extensionUri, panelActions, state);
      },
    }),
  );

  const ctx = createCtx({ extension: context, sessions, ui, tree, treeView, runner, panelActions, store, recent, documents, comparison, connectionStatus, containerPreview });
  for (const family of commandFamilies) ctx.registerCommands(family);

  const activationMs = performance.now() - started;
  log().info(`Activated in ${activationMs.toFixed(1)} ms${vscode.workspace.isTrusted ? '' : ' (untrusted workspace: preview sync only, configuration only from user settings)'}`);
}

export function deactivate(): void {}
