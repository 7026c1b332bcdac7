// The commands of the container preview: "Preview Sync of Container (Staging Mode)" and
// "What If…", from an OU or partition of the tree, a DN argument, or the Command Palette
// (which asks for the container's DN). Both run in staging mode only, so a DN passed by
// executeCommand can start nothing that writes.
import * as vscode from 'vscode';
import { extensionErrors } from '../error-catalog';
import { SyncError } from '../../../engine/errors/sync-error';
import { Dn } from '../../../engine/model/dn';
import { validateDistinguishedName } from '../commands';
import { asSyncError } from '../errors';
import { log } from '../log';
import type { DirectoryTreeProvider } from '../tree/directory-tree';
import type { UserInterface } from '../ui';
import type { ContainerPreview } from './container-preview';

export interface ContainerCommandContext {
  tree: DirectoryTreeProvider;
  preview: ContainerPreview;
  ui: UserInterface;
}

/** The container's DN: an OU/container/partition node of this tree, a DN string, or asked for. */
async function containerDn(ctx: ContainerCommandContext, arg: unknown, title: string): Promise<string | undefined> {
  if (ctx.tree.owns(arg)) {
    if (arg.kind === 'partition') return arg.dn.toString();
    if (arg.kind === 'container') return arg.entry.dn.toString();
  }
  if (typeof arg === 'string') {
    const dn = arg.trim();
    if (dn === '') throw new SyncError(extensionErrors.MissingDistinguishedName);
    Dn.parse(dn); // a SyncError naming the position; nothing read
    return dn;
  }
  const typed = await ctx.ui.input({
    title,
    prompt: vscode.l10n.t('The distinguished name of the OU, container or partition'),
    placeHolder: 'OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com',
    ignoreFocusOut: true,
    validateInput: validateDistinguishedName,
  });
  return typed?.trim() || undefined;
}

export function registerContainerCommands(ctx: ContainerCommandContext): vscode.Disposable[] {
  const register = (id: string, handler: (arg?: unknown) => Promise<void>) =>
    vscode.commands.registerCommand(id, async (arg?: unknown) => {
      try {
        await handler(arg);
      } catch (error) {
        const e = asSyncError(error);
        log().error(`${id}: ${e.code}: ${e.reason}`);
        void ctx.ui.error(`${e.reason} ${e.recommendedAction}`);
      }
    });
  return [
    register('singleObjectSync.previewContainer', async (arg) => {
      const dn = await containerDn(ctx, arg, vscode.l10n.t('Preview Sync of Container (Staging Mode)'));
      if (dn) await ctx.preview.preview(dn);
    }),
    register('singleObjectSync.whatIfConfiguration', async (arg) => {
      const dn = await containerDn(ctx, arg, vscode.l10n.t('What If: the container to compare'));
      if (!dn) return;
      // The user picks the file; a workspace setting never names it (untrusted workspaces included).
      const picked = await vscode.window.showOpenDialog({
        title: vscode.l10n.t('Choose the proposed configuration file'),
        canSelectFiles: true,
        canSelectFolders: false,
        canSelectMany: false,
        filters: { [vscode.l10n.t('Single Object Sync configuration')]: ['json'] },
        openLabel: vscode.l10n.t('Compare With This Configuration'),
      });
      const file = picked?.[0];
      if (!file) return;
      if (file.scheme !== 'file') throw new SyncError(extensionErrors.ConfigurationFileNotUsable, { path: file.toString(), detail: vscode.l10n.t('it is not a file on the machine the extension runs on') });
      await ctx.preview.whatIf(dn, file.fsPath);
    }),
  ];
}
