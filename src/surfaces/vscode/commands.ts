// The extension's commands, each a small function over one shared context (the pattern
// of rust-analyzer's ctx/commands). Item-only commands are hidden from the palette in
// package.json (menus.commandPalette) and take the tree node they were invoked on.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extensionErrors } from './error-catalog';
import { SyncError } from '../../engine/errors/sync-error';
import { Dn } from '../../engine/model/dn';
import { configurationPath, starterConfiguration } from './config-file';
import { settingsSection } from './settings';
import { asSyncError } from './errors';
import { log } from './log';
import { credentialNeeds } from './secrets';
import type { SessionHost } from './session-host';
import type { SyncRunner } from './sync-runner';
import type { DirectoryTreeProvider } from './tree/directory-tree';
import { nodeDn, type TreeNode } from './tree/nodes';
import type { UserInterface } from './ui';
import { findAcrossConnectors, pickObject, type FoundItem } from './find-object';
import type { PanelActionHandler } from './panel/actions';
import { toolVersion } from './panel/actions';
import type { EntraComparison } from './results/compare';
import { parseResultDocumentUri, type ResultDocuments } from './results/result-documents';
import type { ResultStore } from './results/result-store';
import type { RecentResultsProvider } from './results/recent-results-view';
import { bundleName, supportBundle } from './results/support-bundle';
import { readSettings } from './settings';
import { readFindQuery } from '../../engine/model/find-query';

export interface CommandContext {
  extension: vscode.ExtensionContext;
  sessions: SessionHost;
  tree: DirectoryTreeProvider;
  treeView: vscode.TreeView<TreeNode>;
  runner: SyncRunner;
  ui: UserInterface;
  store: ResultStore;
  recent: RecentResultsProvider;
  documents: ResultDocuments;
  comparison: EntraComparison;
  actions: PanelActionHandler;
}

const upnPattern = /^[^\s@,=]+@[^\s@,=]+$/;

/** The by-DN box's validation: a DN, a userPrincipalName, an objectGUID or an objectSid; undefined when valid. */
export function validateDistinguishedName(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return vscode.l10n.t('Enter a distinguished name, a userPrincipalName or an objectGUID, for example CN=Jane Doe,OU=Users,DC=corp,DC=contoso,DC=com');
  if (upnPattern.test(trimmed)) return undefined;
  const query = readFindQuery(trimmed);
  if (query?.kind === 'guid' || query?.kind === 'sid') return undefined;
  const parsed = Dn.tryParse(trimmed);
  return parsed.ok ? undefined : parsed.error.reason;
}

/** The DN of a tree node this extension's tree created (menus pass those); anything else is ignored. */
function treeNodeDn(tree: DirectoryTreeProvider, arg: unknown): Dn | undefined {
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
    if (stagingMode) await runner.preview(dn);
    else await runner.export(dn, 'the tree');
  };

  return [
    ...registerWorkflowCommands(ctx, register),
    register('singleObjectSync.syncObject', syncFromNode(false)),
    register('singleObjectSync.previewSync', syncFromNode(true)),

    register('singleObjectSync.syncByDistinguishedName', async (dnArg?: unknown, options?: { stagingMode?: boolean }) => {
      let dn = typeof dnArg === 'string' ? dnArg : undefined;
      if (dn !== undefined) {
        dn = dn.trim();
        // The root DSE's empty DN parses, but it is no object to sync.
        if (dn === '') throw new SyncError(extensionErrors.MissingDistinguishedName);
        // Not a DN, UPN, GUID or SID: the parser's SyncError names the position; no directory call.
        if (validateDistinguishedName(dn) !== undefined) Dn.parse(dn);
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
    }),

    register('singleObjectSync.copyDistinguishedName', async (arg: unknown) => {
      const dn = treeNodeDn(tree, arg);
      if (!dn) return;
      await vscode.env.clipboard.writeText(dn.toString());
      vscode.window.setStatusBarMessage(vscode.l10n.t('Distinguished name copied'), 3000);
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

function relativeSchema(configFile: string, schemaFile: string): string {
  // The bundled schema by file URI: works offline and on remote hosts (the JSON language
  // server runs beside the extension). jsonValidation also maps the file by name.
  void configFile;
  return vscode.Uri.file(schemaFile).toString();
}

/** A DN stays as typed; a UPN, GUID or SID is looked up (exactly one object, else the user picks or is told). */
async function resolveToDn(ctx: CommandContext, text: string): Promise<string | undefined> {
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

type Register = (id: string, handler: (...args: any[]) => unknown) => vscode.Disposable;

/** Find Object, Recent Results, JSON documents, Compare and the support bundle. */
function registerWorkflowCommands(ctx: CommandContext, register: Register): vscode.Disposable[] {
  const { tree, treeView, runner, ui, store, recent, documents, comparison, actions, sessions, extension } = ctx;

  /** A result from a Recent Results node, a result id (the panel's Compare) or a result document's URI. */
  const resultOf = async (arg: unknown) => {
    if (recent.owns(arg)) return store.get(arg.entry.id);
    if (typeof arg === 'string') return store.get(arg);
    if (arg instanceof vscode.Uri) {
      const parsed = parseResultDocumentUri(arg);
      return parsed ? store.get(parsed.id) : undefined;
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    const parsed = active ? parseResultDocumentUri(active) : undefined;
    return parsed ? store.get(parsed.id) : undefined;
  };
  const needResult = async (arg: unknown) => {
    const summary = await resultOf(arg);
    if (!summary) throw new Error(vscode.l10n.t('That result is no longer kept (deleted from Recent Results or the state folder).'));
    return summary;
  };

  const afterFound = async (item: FoundItem) => {
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
        run: async () => {
          await vscode.env.clipboard.writeText(dn.toString());
          vscode.window.setStatusBarMessage(vscode.l10n.t('Distinguished name copied'), 3000);
        },
      },
    ];
    const choice = await ui.pick(choices, { title: item.found.displayName || item.found.name, placeHolder: dn.toString(), ignoreFocusOut: true });
    await choice?.run();
  };

  return [
    register('singleObjectSync.findObject', async () => {
      const item = await pickObject(sessions);
      if (item) await afterFound(item);
    }),

    // Enter in the tree: preview an object, expand a container, load more, follow a notice or an error.
    register('singleObjectSync.activateTreeItem', async (arg?: unknown) => {
      const node = tree.owns(arg) ? arg : treeView.selection[0];
      if (!node) return;
      if (node.kind === 'object') await runner.preview(node.entry.dn);
      else if (node.kind === 'loadMore') await tree.loadMore(node.parent);
      else if ((node.kind === 'error' || node.kind === 'notice') && node.action) await vscode.commands.executeCommand(node.action.command, ...(node.action.arguments ?? []));
      else await vscode.commands.executeCommand('list.toggleExpand');
    }),

    register('singleObjectSync.openResult', async (arg: unknown) => actions.show(await needResult(arg))),
    register('singleObjectSync.openResultJson', async (arg: unknown) => documents.open(await needResult(arg), vscode.ViewColumn.Active)),
    register('singleObjectSync.compareWithEntra', async (arg: unknown) => comparison.open(await needResult(arg))),
    register('singleObjectSync.refreshResults', () => recent.refresh()),
    register('singleObjectSync.deleteResult', async (arg: unknown, selected?: unknown[]) => {
      const nodes = (Array.isArray(selected) && selected.length ? selected : [arg]).filter((n) => recent.owns(n));
      if (nodes.length) await store.delete(nodes.map((n) => (n as { entry: { id: string } }).entry.id));
    }),
    register('singleObjectSync.deleteOldResults', async () => {
      type Age = vscode.QuickPickItem & { days: number };
      const ages: Age[] = [
        { label: vscode.l10n.t('Older than 1 day'), days: 1 },
        { label: vscode.l10n.t('Older than 7 days'), days: 7 },
        { label: vscode.l10n.t('Older than 30 days'), days: 30 },
        { label: vscode.l10n.t('All results'), days: 0 },
      ];
      const age = await ui.pick(ages, { title: vscode.l10n.t('Delete Old Results') });
      if (!age) return;
      const cutoff = Date.now() - age.days * 86_400_000;
      const old = (await store.list()).filter((e) => age.days === 0 || Date.parse(e.activityDateTime) < cutoff);
      await store.delete(old.map((e) => e.id));
      vscode.window.setStatusBarMessage(vscode.l10n.t('{0} results deleted', old.length), 3000);
    }),
    register('singleObjectSync.saveSupportBundle', async (arg: unknown) => {
      const summary = await needResult(arg);
      const session = await sessions.session().catch(() => undefined);
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? extension.globalStorageUri;
      const target = await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Save Support Bundle'),
        defaultUri: vscode.Uri.joinPath(folder, bundleName(summary)),
        filters: { [vscode.l10n.t('Zip archive')]: ['zip'] },
        saveLabel: vscode.l10n.t('Save Support Bundle'),
      });
      if (!target) return;
      const bytes = await supportBundle(summary, { configPath: session?.configPath, redactAttributes: readSettings().redactAttributes, toolVersion: toolVersion(extension) });
      await vscode.workspace.fs.writeFile(target, bytes);
      log().info(`Support bundle saved to ${target.fsPath}`);
      void ui.info(vscode.l10n.t('Support bundle saved: {0}', target.fsPath));
    }),
  ];
}
