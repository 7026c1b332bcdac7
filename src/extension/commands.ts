// The extension's commands, each a small function over one shared context (the pattern
// of rust-analyzer's ctx/commands). Item-only commands are hidden from the palette in
// package.json (menus.commandPalette) and take the tree node they were invoked on.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extensionErrors } from '../engine/errors/catalog/extension';
import { SyncError } from '../engine/errors/sync-error';
import { parseDn } from '../engine/model/dn';
import { configurationPath, starterConfiguration } from './config-file';
import { asSyncError } from './errors';
import { log } from './log';
import { directorySecretKey, entraSecretKey } from './secrets';
import type { SessionHost } from './session-host';
import type { SyncRunner } from './sync-runner';
import type { DirectoryTreeProvider } from './tree/directory-tree';
import { nodeDn, type ListableNode, type TreeNode } from './tree/nodes';
import type { UserInterface } from './ui';

export interface CommandContext {
  extension: vscode.ExtensionContext;
  sessions: SessionHost;
  tree: DirectoryTreeProvider;
  runner: SyncRunner;
  ui: UserInterface;
}

/** For automation (tests, tasks): set a credential without prompts. The value is never logged. */
export interface CredentialRequest {
  target: 'activeDirectory' | 'entra';
  connectorName?: string;
  secret: string;
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

function dnArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null && 'kind' in arg) return nodeDn(arg as TreeNode);
  return undefined;
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

  const syncFromNode = (stagingMode: boolean) => async (arg: unknown) => {
    const dn = dnArgument(arg);
    if (!dn) return vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName');
    return runner.run(dn, stagingMode);
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
      if (stagingMode === undefined) {
        if (!vscode.workspace.isTrusted) stagingMode = true;
        else {
          const choice = await ui.pick(
            [
              { label: 'Preview Sync (Staging Mode)', detail: 'Runs every step; exports nothing.', staging: true },
              { label: 'Sync Object', detail: 'Runs every step and exports the changes to Microsoft Entra ID.', staging: false },
            ],
            { title: 'How to sync', placeHolder: dn },
          );
          if (!choice) return undefined;
          stagingMode = choice.staging;
        }
      }
      return runner.run(dn, stagingMode);
    }),

    register('singleObjectSync.copyDistinguishedName', async (arg: unknown) => {
      const dn = dnArgument(arg);
      if (!dn) return;
      await vscode.env.clipboard.writeText(dn);
      vscode.window.setStatusBarMessage('Distinguished name copied', 3000);
    }),

    register('singleObjectSync.setCredentials', async (request?: CredentialRequest) => {
      const session = await sessions.session();
      const { config } = session;
      type Target = vscode.QuickPickItem & { key: string; label: string; connector?: string };
      const targets: Target[] = [
        ...config.activeDirectory
          .filter((c) => c.bindDn)
          .map((c) => ({ key: directorySecretKey(c), label: `Active Directory: ${c.name}`, detail: `Password of ${c.bindDn}`, connector: c.name })),
        ...(config.entra.certificateFile
          ? []
          : [{ key: entraSecretKey(config.entra), label: 'Microsoft Entra ID: client secret', detail: `App ${config.entra.clientId} in tenant ${config.entra.tenantId}` }]),
      ];
      let target: Target | undefined;
      let secret: string | undefined;
      if (request) {
        target = targets.find((t) =>
          request.target === 'entra' ? t.key === entraSecretKey(config.entra) : t.connector === request.connectorName,
        );
        secret = request.secret;
        if (!target) throw new Error(`no credential target ${request.target} ${request.connectorName ?? ''}`);
      } else {
        target = await ui.pick(targets, { title: 'Set Credentials', placeHolder: 'Stored in VS Code Secret Storage, never in settings or files' });
        if (!target) return;
        secret = await ui.input({ title: target.label, prompt: target.detail, password: true, ignoreFocusOut: true });
      }
      if (!secret) return;
      await extension.secrets.store(target.key, secret);
      log().info(`Credential stored in Secret Storage for ${target.label}`);
      await sessions.reset();
      return true;
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

    register('singleObjectSync.refresh', async (node?: TreeNode) => {
      if (!node) await sessions.reset(false);
      tree.refresh(node && node.kind !== 'error' && node.kind !== 'loadMore' ? node : undefined);
    }),

    register('singleObjectSync.loadMore', (node: { parent: ListableNode }) => tree.loadMore(node.parent)),
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
