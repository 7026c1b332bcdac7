// The container preview's commands: "Preview Sync of Container (Staging Mode)" and "What If…",
// from an OU or partition of the tree, a DN argument, or the Command Palette (which asks for
// the container's DN). Both run in staging mode only (container-preview/container-preview.ts),
// so a DN passed by executeCommand can start nothing that writes.
import * as vscode from 'vscode';
import { SyncError } from '../../../engine/errors/sync-error';
import { Dn } from '../../../engine/model/dn';
import type { CommandFamily, Ctx } from '../ctx';
import { extensionErrors } from '../error-catalog';
import { validateDistinguishedName } from './sync';

/** The container's DN: an OU/container/partition node of this tree, a DN string, or asked for. */
async function containerDn(ctx: Ctx, arg: unknown, title: string): Promise<string | undefined> {
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

export const containerPreviewCommands: CommandFamily = {
  previewContainer: (ctx) => async (arg?: unknown) => {
    const dn = await containerDn(ctx, arg, vscode.l10n.t('Preview Sync of Container (Staging Mode)'));
    if (dn) await ctx.containerPreview.preview(dn);
  },

  whatIfConfiguration: (ctx) => async (arg?: unknown) => {
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
    await ctx.containerPreview.whatIf(dn, file.fsPath);
  },
};
