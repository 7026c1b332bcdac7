// Activation wires the parts and does nothing else: no configuration load, no LDAP, no
// Graph (the engine is imported on first use). Everything disposable is registered once.
import * as vscode from 'vscode';
import { reportViewType } from '../../webview/protocol';
import { registerCommands, validateDistinguishedName } from './commands';
import { log } from './log';
import { ReportPanel } from './panel/report-panel';
import { SessionHost } from './session-host';
import { settingsSection } from './settings';
import { SyncRunner } from './sync-runner';
import { DirectoryTreeProvider } from './tree/directory-tree';
import { vscodeUserInterface, type UserInterface } from './ui';

/** What activate() returns: used by the real-VS-Code tests and the benchmark. */
export interface SingleObjectSyncApi {
  readonly activationMs: number;
  readonly tree: DirectoryTreeProvider;
  readonly treeView: vscode.TreeView<unknown>;
  readonly runner: SyncRunner;
  readonly sessions: SessionHost;
  /** Replaceable prompts (tests answer modal dialogs through this). */
  readonly ui: UserInterface;
  readonly logUri: vscode.Uri;
  /** The DN input box's validation (undefined when valid). */
  readonly validateDistinguishedName: (text: string) => string | undefined;
}

export function activate(context: vscode.ExtensionContext): SingleObjectSyncApi {
  const started = performance.now();
  const ui = vscodeUserInterface();
  const sessions = new SessionHost(context);
  const tree = new DirectoryTreeProvider(sessions);
  const treeView = vscode.window.createTreeView('singleObjectSync.directory', { treeDataProvider: tree, showCollapseAll: true });
  const runner = new SyncRunner(context, sessions, ui);

  context.subscriptions.push(
    sessions,
    tree,
    treeView,
    ...registerCommands({ extension: context, sessions, tree, runner, ui }),
    vscode.window.registerWebviewPanelSerializer(reportViewType, {
      async deserializeWebviewPanel(panel, state) {
        ReportPanel.revive(panel, context.extensionUri, runner, state);
      },
    }),
    // The configuration file or a setting changed: drop the session, redraw the tree.
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(settingsSection)) void sessions.reset();
    }),
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (document.fileName.endsWith('.json') && /single-object-sync/i.test(document.fileName)) void sessions.reset();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => tree.refresh()),
    context.secrets.onDidChange(() => void sessions.reset()),
  );
  const activationMs = performance.now() - started;
  log().info(`Activated in ${activationMs.toFixed(1)} ms${vscode.workspace.isTrusted ? '' : ' (untrusted workspace: preview sync only)'}`);
  return { activationMs, tree, treeView, runner, sessions, ui, logUri: context.logUri, validateDistinguishedName };
}

export function deactivate(): void {}
