// The extension's context, after rust-analyzer's editors/code/src/ctx.ts: the parts activate()
// built, and the one place a command is registered. A command is a factory: given the ctx it
// returns the handler, which VS Code calls with what executeCommand or a menu passes (menus
// pass the node they were invoked on). Every handler fails the same way: the error is logged
// with its code, and its reason and recommended action are shown in an error notification.
import * as vscode from 'vscode';
import type { Dn } from '../../engine/model/dn';
import type { ConnectionStatus } from './connection-status';
import type { ContainerPreview } from './container-preview/container-preview';
import { asSyncError } from './errors';
import { log } from './log';
import type { PanelActionHandler } from './panel/actions';
import type { EntraComparison } from './results/compare';
import type { RecentResultsProvider } from './results/recent-results-view';
import type { ResultDocuments } from './results/result-documents';
import type { ResultStore } from './results/result-store';
import type { SessionHost } from './session-host';
import type { SyncRunner } from './sync-runner';
import type { DirectoryTreeProvider } from './tree/directory-tree';
import { nodeDn, type TreeNode } from './tree/nodes';
import type { UserInterface } from './ui';

/** A command's handler: its arguments are whatever the caller passed, so each one checks them. */
export type Cmd = (...args: any[]) => unknown;
/** Builds a command's handler once, at registration. */
export type CommandFactory = (ctx: Ctx) => Cmd;
/** One family of commands (a file under commands/): names without the prefix, each with its factory. */
export type CommandFamily = Readonly<Record<string, CommandFactory>>;

/** Every command of the extension is `singleObjectSync.<name>` (package.json contributes.commands). */
export const commandPrefix = 'singleObjectSync.';

/** What activate() builds; the commands reach the extension through these. */
export interface Parts {
  extension: vscode.ExtensionContext;
  sessions: SessionHost;
  ui: UserInterface;
  tree: DirectoryTreeProvider;
  treeView: vscode.TreeView<TreeNode>;
  runner: SyncRunner;
  panelActions: PanelActionHandler;
  store: ResultStore;
  recent: RecentResultsProvider;
  documents: ResultDocuments;
  comparison: EntraComparison;
  connectionStatus: ConnectionStatus;
  containerPreview: ContainerPreview;
}

export interface Ctx extends Parts {
  /** Registers `singleObjectSync.<name>` with the handler factory(ctx) builds, failures shown as every command shows them. */
  registerCommand(name: string, factory: CommandFactory): void;
  registerCommands(family: CommandFamily): void;
  /**
   * The DN of a node this extension's tree created (the tree's menus pass those); anything else
   * is undefined, so another extension cannot start a sync by passing a made-up node.
   */
  treeNodeDn(arg: unknown): Dn | undefined;
}

export function createCtx(parts: Parts): Ctx {
  const ctx: Ctx = {
    ...parts,
    registerCommand(name, factory) {
      const id = commandPrefix + name;
      const handler = factory(ctx);
      parts.extension.subscriptions.push(
        vscode.commands.registerCommand(id, async (...args: unknown[]) => {
          try {
            return await handler(...args);
          } catch (error) {
            const syncError = asSyncError(error);
            log().error(`${id}: ${syncError.code}: ${syncError.reason}`);
            void parts.ui.error(`${syncError.reason} ${syncError.recommendedAction}`);
            return undefined;
          }
        }),
      );
    },
    registerCommands(family) {
      for (const [name, factory] of Object.entries(family)) ctx.registerCommand(name, factory);
    },
    treeNodeDn(arg) {
      return parts.tree.owns(arg) ? nodeDn(arg) : undefined;
    },
  };
  return ctx;
}
