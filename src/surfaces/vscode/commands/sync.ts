// Sync one object: Sync Object and Preview Sync from a node of the tree (item commands: the
// tree's own nodes only), and Sync Object by Distinguished Name from the palette or with a DN
// argument (a userPrincipalName, objectGUID or objectSid typed into the box is looked up).
// An export is always confirmed (SyncRunner.export), whoever asked for it.
import * as vscode from 'vscode';
import { SyncError } from '../../../engine/errors/sync-error';
import { Dn } from '../../../engine/model/dn';
import { readFindQuery } from '../../../engine/model/find-query';
import { explainNotADn } from '../../../engine/model/other-object-names';
import type { CommandFamily, Ctx } from '../ctx';
import { extensionErrors } from '../error-catalog';
import { findAcrossConnectors } from '../find-object';

const upnPattern = /^[^\s@,=]+@[^\s@,=]+$/;

/** The by-DN box's validation: a DN, a userPrincipalName, an objectGUID or an objectSid; undefined when valid. */
export function validateDistinguishedName(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return vscode.l10n.t('Enter a distinguished name, a userPrincipalName or an objectGUID, for example CN=Jane Doe,OU=Users,DC=corp,DC=contoso,DC=com');
  if (upnPattern.test(trimmed)) return undefined;
  const query = readFindQuery(trimmed);
  if (query?.kind === 'guid' || query?.kind === 'sid') return undefined;
  const parsed = Dn.tryParse(trimmed);
  // An ADsPath, DOMAIN\name or a canonical name is said as what it is, with the way to its DN.
  return parsed.ok ? undefined : explainNotADn(trimmed, parsed.error).reason;
}

/** Sync Object / Preview Sync on a node of this tree; anything else asks for a DN instead. */
const syncFromNode = (ctx: Ctx, stagingMode: boolean) => async (arg: unknown) => {
  const dn = ctx.treeNodeDn(arg);
  if (!dn) {
    await vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName');
    return;
  }
  if (stagingMode) await ctx.runner.preview(dn);
  else await ctx.runner.export(dn, 'the tree');
};

export const syncCommands: CommandFamily = {
  syncObject: (ctx) => syncFromNode(ctx, false),
  previewSync: (ctx) => syncFromNode(ctx, true),

  syncByDistinguishedName: (ctx) => async (dnArg?: unknown, options?: { stagingMode?: boolean }) => {
    const { runner, ui } = ctx;
    let dn = typeof dnArg === 'string' ? dnArg : undefined;
    if (dn !== undefined) {
      dn = dn.trim();
      // The root DSE's empty DN parses, but it is no object to sync.
      if (dn === '') throw new SyncError(extensionErrors.MissingDistinguishedName);
      // Not a DN, UPN, GUID or SID: the parser's SyncError names the position; no directory call.
      if (validateDistinguishedName(dn) !== undefined) {
        const parsed = Dn.tryParse(dn);
        if (!parsed.ok) throw explainNotADn(dn, parsed.error);
      }
    } else {
      dn = await ui.input({
        title: 'Sync Object by Distinguished Name',
        prompt: vscode.l10n.t('The distinguished name of the Active Directory object to sync (a userPrincipalName or objectGUID works too)'),
        placeHolder: 'CN=Jane Doe,OU=Users,DC=corp,DC=contoso,DC=com',
        ignoreFocusOut: true,
        validateInput: validateDistinguishedName,
      });
      if (!dn) return undefined;
      dn = dn.trim();
    }
    // A UPN, GUID or SID typed into the box is resolved to the object's DN first.
    const resolved = await resolveToDn(ctx, dn);
    if (!resolved) return undefined;
    dn = resolved;
    let stagingMode = options?.stagingMode;
    if (stagingMode === undefined) {
      if (!vscode.workspace.isTrusted) stagingMode = true;
      else {
        const choice = await ui.pick(
          [
            { label: vscode.l10n.t('Preview Sync (Staging Mode)'), detail: vscode.l10n.t('Runs every step; exports nothing.'), staging: true },
            { label: vscode.l10n.t('Sync Object'), detail: vscode.l10n.t('Previews first, then asks before exporting the changes to Microsoft Entra ID.'), staging: false },
          ],
          { title: vscode.l10n.t('How to sync'), placeHolder: dn, ignoreFocusOut: true },
        );
        if (!choice) return undefined;
        stagingMode = choice.staging;
      }
    }
    // An export, asked for by the pick or by an argument, is always confirmed (runner.export).
    const parsed = Dn.parse(dn); // validated above: a SyncError with the position if not
    if (stagingMode) await runner.preview(parsed);
    else await runner.export(parsed, 'Sync Object by Distinguished Name');
    return undefined;
  },
};

/** A DN stays as typed; a UPN, GUID or SID is looked up (exactly one object, else the user picks or is told). */
async function resolveToDn(ctx: Ctx, text: string): Promise<string | undefined> {
  const query = readFindQuery(text);
  if (query?.kind === 'dn' || (!upnPattern.test(text) && query?.kind !== 'guid' && query?.kind !== 'sid')) return text;
  const { items, problems } = await findAcrossConnectors(ctx.sessions, text);
  const exact = items.filter((i) => query?.kind !== 'text' || [i.found.userPrincipalName, i.found.mail].some((v) => v?.toLowerCase() === text.toLowerCase()));
  if (exact.length === 1) return exact[0]!.found.dn.toString();
  if (exact.length === 0) {
    void ctx.ui.error(vscode.l10n.t('No object has {0}. {1}', text, problems.join(' ') || vscode.l10n.t('Check the spelling, or use Find Object… to search by name.')));
    return undefined;
  }
  const picked = await ctx.ui.pick(exact, { title: vscode.l10n.t('{0} objects match {1}', exact.length, text), ignoreFocusOut: true });
  return picked?.found.dn.toString();
}
