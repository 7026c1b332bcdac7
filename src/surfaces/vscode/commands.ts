// The extension's commands, each a small function over one shared context (the pattern
// of rust-analyzer's ctx/commands). Item-only commands are hidden from the palette in
// package.json (menus.commandPalette) and take the tree node they were invoked on.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extensionErrors } from '../../engine/errors/catalog/extension';
import { SyncError } from '../../engine/errors/sync-error';
import { parseDn } from '../../engine/model/dn';
import { configurationPath, starterConfiguration } from './config-file';
import { settingsSection } from './settings';
import { asSyncError } from './errors';
import { log } from './log';
import { credentialNeeds } from './secrets';
import type { SessionHost } from './session-host';
import type { SyncRunner } from './sync-runner';
import type { DirectoryTreeProvider } from './tree/directory-tree';
import { nodeDn } from './tree/nodes';
import type { UserInterface } from './ui';

export interface CommandContext {
  extension: vscode.ExtensionContext;
  sessions: SessionHost;
  tree: DirectoryTreeProvider;
  runner: SyncRunner;
  ui: UserInterface;
}

/** The DN input box's validation: undefined when valid, else the parser's message. */
export function validateDistinguishedName(text: string): string | undefined {
  if (text.trim() === '') return 'Enter a distinguished name, for example CN=Jane Doe,OU=Users,DC=corp,DC=contoso,DC=com';
  try {
    parseDn(text.trim());
    return undefined;
  } catch (error) {
    return asSyncError(error).reason;
  }
}

/** The DN of a tree node this extension's tree created (menus pass those); anything else is ignored. */
function treeNodeDn(tree: DirectoryTreeProvider, arg: unknown): string | undefined {
  return tree.owns(arg) ? nodeDn(arg) : undefined;
}

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const { extension, sessions, tree, runner, ui } = ctx;
  const register = (id: string, handler: (...args: any[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        const syncError = asSyncError(error);
        log().error(`${id}: ${syncError.code}: ${syncError.reason}`);
        void ui.error(`${syncError.reason} ${syncError.recommendedAction}`);
        return undefined;
      }
    });

  // Item commands act on the tree's own nodes only: another extension cannot start an export
  // by passing a made-up node through executeCommand.
  const syncFromNode = (stagingMode: boolean) => async (arg: unknown) => {
    const dn = treeNodeDn(tree, arg);
    if (!dn) {
      await vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName');
      return;
    }
    await runner.run(dn, stagingMode);
  };

  return [
    register('singleObjectSync.syncObject', syncFromNode(false)),
    register('singleObjectSync.previewSync', syncFromNode(true)),

    register('singleObjectSync.syncByDistinguishedName', async (dnArg?: unknown, options?: { stagingMode?: boolean }) => {
      let dn = typeof dnArg === 'string' ? dnArg : undefined;
      if (dn !== undefined) {
        dn = dn.trim();
        // The root DSE's empty DN parses, but it is no object to sync.
        if (dn === '') throw new SyncError(extensionErrors.MissingDistinguishedName);
        const parseError = catchParse(dn);
        if (parseError) throw parseError; // a SyncError with the position; no directory call
      } else {
        dn = await ui.input({
          title: 'Sync Object by Distinguished Name',
          prompt: 'The distinguished name of the Active Directory object to sync',
          placeHolder: 'CN=Jane Doe,OU=Users,DC=corp,DC=contoso,DC=com',
          ignoreFocusOut: true,
          validateInput: validateDistinguishedName,
        });
        if (!dn) return undefined;
        dn = dn.trim();
      }
      let stagingMode = options?.stagingMode;
      if (stagingMode === false && vscode.workspace.isTrusted) {
        // An export asked for through an argument (not the user's pick below) is confirmed first.
        const confirm = 'Sync and Export';
        const answer = await ui.confirm(`Export ${dn} to Microsoft Entra ID?`, 'This sync writes the changes to the tenant through Microsoft Graph.', confirm);
        if (answer !== confirm) return undefined;
      }
      if (stagingMode === undefined) {
        if (!vscode.workspace.isTrusted) stagingMode = true;
        else {
          const choice = await ui.pick(
            [
              { label: 'Preview Sync (Staging Mode)', detail: 'Runs every step; exports nothing.', staging: true },
              { label: 'Sync Object', detail: 'Runs every step and exports the changes to Microsoft Entra ID.', staging: false },
            ],
            { title: 'How to sync', placeHolder: dn, ignoreFocusOut: true },
          );
          if (!choice) return undefined;
          stagingMode = choice.staging;
        }
      }
      await runner.run(dn, stagingMode);
      return undefined;
    }),

    register('singleObjectSync.copyDistinguishedName', async (arg: unknown) => {
      const dn = treeNodeDn(tree, arg);
      if (!dn) return;
      await vscode.env.clipboard.writeText(dn);
      vscode.window.setStatusBarMessage('Distinguished name copied', 3000);
    }),

    // Takes no arguments: the secret is typed by the user into a password box, for the
    // endpoint of the configuration in use (never from executeCommand, which any extension can call).
    register('singleObjectSync.setCredentials', async () => {
      const session = await sessions.session();
      const needs = await credentialNeeds(session.config, extension.secrets);
      if (needs.length === 0) {
        void ui.info(vscode.l10n.t('This configuration needs no stored secret: its sources are LDIF files, and the tenant uses a certificate or device code sign-in.'));
        return;
      }
      type Target = vscode.QuickPickItem & { need: (typeof needs)[number] };
      const targets: Target[] = needs.map((need) => ({
        need,
        label: `${need.stored ? '$(pass-filled)' : '$(circle-large-outline)'} ${need.label}`,
        description: need.stored ? vscode.l10n.t('Stored') : vscode.l10n.t('Not set'),
        detail: need.detail,
      }));
      const target = await ui.pick(targets, { title: vscode.l10n.t('Set Credentials'), placeHolder: vscode.l10n.t('Stored in VS Code Secret Storage for this endpoint only, never in settings or files'), ignoreFocusOut: true });
      if (!target) return;
      const secret = await ui.input({ title: target.need.label, prompt: target.need.detail, password: true, ignoreFocusOut: true });
      if (!secret) return;
      await extension.secrets.store(target.need.key, secret);
      log().info(`Credential stored in Secret Storage for ${target.need.label}`);
      await sessions.reset();
      void ui.info(target.need.stored ? vscode.l10n.t('{0}: the stored secret was replaced.', target.need.label) : vscode.l10n.t('{0}: stored in VS Code Secret Storage.', target.need.label));
    }),

    // The configuration a user picks for an untrusted workspace (or any workspace): saved as
    // an absolute path in the user's own settings, which a workspace cannot change.
    register('singleObjectSync.chooseConfigurationFile', async () => {
      const picked = await vscode.window.showOpenDialog({
        title: 'Choose a Single Object Sync configuration file',
        canSelectFiles: true,
        canSelectFolders: false,
        canSelectMany: false,
        filters: { 'Single Object Sync configuration': ['json'] },
        openLabel: 'Use This Configuration',
      });
      const file = picked?.[0];
      if (!file) return;
      if (file.scheme !== 'file') throw new SyncError(extensionErrors.ConfigurationFileNotUsable, { path: file.toString(), detail: 'it is not a file on the machine the extension runs on' });
      await vscode.workspace.getConfiguration(settingsSection).update('configurationFile', file.fsPath, vscode.ConfigurationTarget.Global);
      log().info(`Configuration file chosen in user settings: ${file.fsPath}`);
      await sessions.reset();
    }),

    register('singleObjectSync.openConfiguration', async () => {
      const file = configurationPath();
      if (!existsSync(file)) {
        const schema = vscode.Uri.joinPath(extension.extensionUri, 'schemas', 'single-object-sync.schema.json');
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, starterConfiguration(relativeSchema(file, schema.fsPath)), { flag: 'wx' });
        log().info(`Created starter configuration ${file}`);
      }
      const document = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(document, { preview: false });
      tree.refresh();
      return file;
    }),

    register('singleObjectSync.showLog', () => log().show(true)),

    register('singleObjectSync.refresh', async (arg?: unknown) => {
      const node = tree.owns(arg) ? arg : undefined;
      if (!node) await sessions.reset(false);
      tree.refresh(node && node.kind !== 'error' && node.kind !== 'loadMore' ? node : undefined);
    }),

    register('singleObjectSync.loadMore', (node: unknown) => (tree.owns(node) && node.kind === 'loadMore' ? tree.loadMore(node.parent) : undefined)),
  ];
}

function catchParse(dn: string): unknown {
  try {
    parseDn(dn);
    return undefined;
  } catch (error) {
    return error;
  }
}

function relativeSchema(configFile: string, schemaFile: string): string {
  // The bundled schema by file URI: works offline and on remote hosts (the JSON language
  // server runs beside the extension). jsonValidation also maps the file by name.
  void configFile;
  return vscode.Uri.file(schemaFile).toString();
}
