// The "Recent Results" view: the runs kept in the state folder (result-store.ts), newest
// first: status icon, the object's name, preview or export, when, and the DN. Clicking one
// shows it in the report panel again; its context menu opens the JSON, compares it with
// Microsoft Entra ID, saves a support bundle or deletes it.
import * as vscode from 'vscode';
import { entryOf, type ResultEntry, type ResultStore } from './result-store';

export interface ResultNode {
  kind: 'result';
  entry: ResultEntry;
}

const statusIcons: Record<string, [string, string]> = {
  success: ['pass', 'testing.iconPassed'],
  warning: ['warning', 'list.warningForeground'],
  failure: ['error', 'errorForeground'],
  skipped: ['circle-slash', 'disabledForeground'],
};

export class RecentResultsProvider implements vscode.TreeDataProvider<ResultNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly issued = new WeakSet<object>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: ResultStore) {
    this.subscription = store.onDidChange(() => this.changed.fire());
  }

  refresh(): void {
    this.changed.fire();
  }

  owns(value: unknown): value is ResultNode {
    return typeof value === 'object' && value !== null && this.issued.has(value);
  }

  async getChildren(node?: ResultNode): Promise<ResultNode[]> {
    if (node) return [];
    const entries = await this.store.list();
    const nodes = entries.map((entry): ResultNode => ({ kind: 'result', entry }));
    for (const n of nodes) this.issued.add(n);
    return nodes;
  }

  getTreeItem(node: ResultNode): vscode.TreeItem {
    const { entry } = node;
    const item = new vscode.TreeItem(entry.displayName, vscode.TreeItemCollapsibleState.None);
    item.id = `result:${entry.id}`;
    const [icon, color] = statusIcons[entry.status] ?? ['circle-outline', 'foreground'];
    item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    const mode = entry.stagingMode ? vscode.l10n.t('Preview') : vscode.l10n.t('Export');
    item.description = `${mode} · ${when(entry.activityDateTime)}`;
    const tooltip = new vscode.MarkdownString(undefined, false);
    tooltip.isTrusted = false;
    tooltip.appendMarkdown(`**${vscode.l10n.t('Status')}:** `).appendText(entry.status).appendMarkdown('  \n');
    tooltip.appendMarkdown(`**${vscode.l10n.t('Mode')}:** `).appendText(entry.stagingMode ? vscode.l10n.t('Preview (staging mode)') : vscode.l10n.t('Export')).appendMarkdown('  \n');
    tooltip.appendMarkdown(`**${vscode.l10n.t('Distinguished name')}:** `).appendText(entry.distinguishedName).appendMarkdown('  \n');
    tooltip.appendMarkdown(`**${vscode.l10n.t('Time')}:** `).appendText(entry.activityDateTime);
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: `${entry.displayName}, ${mode}, ${entry.status}, ${when(entry.activityDateTime)}, ${entry.distinguishedName}` };
    item.contextValue = `result ${entry.status}${entry.stagingMode ? ' staging' : ' export'}`;
    item.command = { command: 'singleObjectSync.openResult', title: vscode.l10n.t('Show in Report Panel'), arguments: [node] };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** "14:03:22" today, else "2026-11-30 14:03". */
function when(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  const today = new Date();
  if (date.toDateString() === today.toDateString()) return time;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time.slice(0, 5)}`;
}

export { entryOf };
