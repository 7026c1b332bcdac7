// Find Object…: the search quick pick (find-object.ts), then the object shown in the tree and
// Preview Sync, Sync Object (trusted workspaces only) and Copy Distinguished Name offered.
import * as vscode from 'vscode';
import type { CommandFamily, Ctx } from '../ctx';
import { pickObject, type FoundItem } from '../find-object';
import { log } from '../log';
import { copyDistinguishedName } from './tree';

async function afterFound(ctx: Ctx, item: FoundItem): Promise<void> {
  const { tree, treeView, runner, ui } = ctx;
  const dn = item.found.dn;
  try {
    const node = await tree.pathTo(item.connectorName, dn, item.found);
    if (node) await treeView.reveal(node, { select: true, focus: true, expand: false });
  } catch (error) {
    log().warn(`Find Object: ${dn} could not be shown in the tree: ${error instanceof Error ? error.message : String(error)}`);
  }
  type Action = vscode.QuickPickItem & { run: () => Promise<unknown> };
  const choices: Action[] = [
    { label: `$(eye) ${vscode.l10n.t('Preview Sync (Staging Mode)')}`, detail: vscode.l10n.t('Runs every step; exports nothing.'), run: () => runner.preview(dn) },
    ...(vscode.workspace.isTrusted
      ? [{ label: `$(sync) ${vscode.l10n.t('Sync Object...')}`, detail: vscode.l10n.t('Previews, then asks before exporting to Microsoft Entra ID.'), run: () => runner.export(dn, 'Find Object') }]
      : []),
    {
      label: `$(copy) ${vscode.l10n.t('Copy Distinguished Name')}`,
      detail: vscode.workspace.isTrusted ? undefined : vscode.l10n.t('Sync Object is unavailable in Restricted Mode.'),
      run: () => copyDistinguishedName(dn),
    },
  ];
  const choice = await ui.pick(choices, { title: item.found.displayName || item.found.name, placeHolder: dn.toString(), ignoreFocusOut: true });
  await choice?.run();
}

export const findCommands: CommandFamily = {
  findObject: (ctx) => async () => {
    const item = await pickObject(ctx.sessions);
    if (item) await afterFound(ctx, item);
  },
};
