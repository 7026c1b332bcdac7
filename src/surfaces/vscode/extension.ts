// Activation wires the parts and does nothing else: no configuration load, no LDAP, no
// Graph (the engine is imported on first use). Everything disposable is registered once.
// activate() returns nothing: no API that another extension could call (tests drive the UI).
import * as vscode from 'vscode';
import { reportViewType } from '../../../webview/protocol';
import { registerCommands } from './commands';
import { ConnectionStatus } from './connection-status';
import { log } from './log';
import { ReportPanel } from './panel/host';
import { SessionHost } from './session-host';
import { TOKEN_CACHE_KEY_PREFIX } from './secrets';
import { settingsSection } from './settings';
import { PanelActionHandler } from './panel/actions';
import { EntraComparison } from './results/compare';
import { RecentResultsProvider } from './results/recent-results-view';
import { ResultDocuments, resultScheme } from './results/result-documents';
import { ResultStore } from './results/result-store';
import { SyncRunner } from './sync-runner';
import { registerContainerCommands } from './container-preview/commands';
import { ContainerPreview } from './container-preview/container-preview';
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
  const actions = new PanelActionHandler(context, sessions, ui, documents, (): SyncRunner => runner);
  const runner = new SyncRunner(context, sessions, ui, store, documents, actions);
  const containerPreview = new ContainerPreview(context, sessions, runner, ui);

  context.subscriptions.push(
    sessions,
    new ConnectionStatus(sessions),
    tree,
    treeView,
    store,
    documents,
    recent,
    recentView,
    vscode.workspace.registerTextDocumentContentProvider(resultScheme, documents),
    ...registerCommands({ extension: context, sessions, tree, treeView, runner, ui, store, recent, documents, comparison, actions }),
    ...registerContainerCommands({ tree, preview: containerPreview, ui }),
    vscode.window.registerWebviewPanelSerializer(reportViewType, {
      async deserializeWebviewPanel(panel, state) {
        ReportPanel.revive(panel, context.extensionUri, actions, state);
      },
    }),
    // A new configuration is another state folder: other results.
    sessions.onDidReset(() => recent.refresh()),
    // The configuration file or a setting changed: drop the session, redraw the tree.
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(settingsSection)) void sessions.reset();
    }),
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (document.fileName.endsWith('.json') && /single-object-sync/i.test(document.fileName)) void sessions.reset();
    }),
    // Trust changes which configuration may be read: reopen from the right one.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void sessions.reset()),
    // A changed credential reopens the session; a delegated token cache written mid-run does not.
    context.secrets.onDidChange((event) => {
      if (!event.key.startsWith(TOKEN_CACHE_KEY_PREFIX)) void sessions.reset();
    }),
  );
  const activationMs = performance.now() - started;
  log().info(`Activated in ${activationMs.toFixed(1)} ms${vscode.workspace.isTrusted ? '' : ' (untrusted workspace: preview sync only, configuration only from user settings)'}`);
}

export function deactivate(): void {}
