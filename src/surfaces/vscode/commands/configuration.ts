// Setting up: Open Configuration (a starter file when there is none), Choose Configuration
// File… (the user's own settings), Set Credentials… (a password box; never an argument),
// Test Connection (the status bar's test, connection-status.ts) and Show Log.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SyncError } from '../../../engine/errors/sync-error';
import { configurationPath, starterConfiguration } from '../config-file';
import type { CommandFamily } from '../ctx';
import { extensionErrors } from '../error-catalog';
import { log } from '../log';
import { credentialNeeds } from '../secrets';
import { settingsSection } from '../settings';

export const configurationCommands: CommandFamily = {
  // Takes no arguments: the secret is typed by the user into a password box, for the
  // endpoint of the configuration in use (never from executeCommand, which any extension can call).
  setCredentials: (ctx) => async () => {
    const { sessions, extension, ui } = ctx;
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
  },

  // The configuration a user picks for an untrusted workspace (or any workspace): saved as
  // an absolute path in the user's own settings, which a workspace cannot change.
  chooseConfigurationFile: (ctx) => async () => {
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
    await ctx.sessions.reset();
  },

  openConfiguration: (ctx) => async () => {
    const file = configurationPath();
    if (!existsSync(file)) {
      // The bundled schema by file URI: works offline and on remote hosts (the JSON language
      // server runs beside the extension). jsonValidation also maps the file by name.
      const schema = vscode.Uri.joinPath(ctx.extension.extensionUri, 'schemas', 'single-object-sync.schema.json');
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, starterConfiguration(vscode.Uri.file(schema.fsPath).toString()), { flag: 'wx' });
      log().info(`Created starter configuration ${file}`);
    }
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document, { preview: false });
    ctx.tree.refresh();
    return file;
  },

  testConnection: (ctx) => () => ctx.connectionStatus.test(),

  showLog: () => () => log().show(true),
};
