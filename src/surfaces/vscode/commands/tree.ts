// The Active Directory tree's own commands: Refresh, Load More, Enter on an item and Copy
// Distinguished Name. Item commands (hidden from the palette in package.json) act on the
// tree's own nodes only; anything else passed through executeCommand is ignored.
import * as vscode from 'vscode';
import type { Dn } from '../../../engine/model/dn';
import type { CommandFamily } from '../ctx';

/** The DN on the clipboard, said in the status bar. */
export async function copyDistinguishedName(dn: Dn): Promise<void> {
  await vscode.env.clipboard.writeText(dn.toString());
  vscode.window.setStatusBarMessage(vscode.l10n.t('Distinguished name copied'), 3000);
}

export const treeCommands: CommandFamily = {
  copyDistinguishedName: (ctx) => async (arg: unknown) => {
    const dn = ctx.treeNodeDn(arg);
    if (dn) await copyDistinguishedName(dn);
  },

  // A node of the tree refreshes under it; the title bar's Refresh (no node) also reopens the session.
  refresh: (ctx) => async (arg?: unknown) => {
    const node = ctx.tree.owns(arg) ? arg : undefined;
    if (!node) await ctx.sessions.reset(false);
    ctx.tree.refresh(node && node.kind !== 'error' && node.kind !== 'loadMore' ? node : undefined);
  },

  loadMore: (ctx) => (node: unknown) => (ctx.tree.owns(node) && node.kind === 'loadMore' ? ctx.tree.loadMore(node.parent) : undefined),

  // Enter in the tree: preview an object, expand a container, load more, follow a notice or an error.
  activateTreeItem: (ctx) => async (arg?: unknown) => {
    const { tree, treeView, runner } = ctx;
    const node = tree.owns(arg) ? arg : treeView.selection[0];
    if (!node) return;
    if (node.kind === 'object') await runner.preview(node.entry.dn);
    else if (node.kind === 'loadMore') await tree.loadMore(node.parent);
    else if ((node.kind === 'error' || node.kind === 'notice') && node.action) await vscode.commands.executeCommand(node.action.command, ...(node.action.arguments ?? []));
    else await vscode.commands.executeCommand('list.toggleExpand');
  },
};
