// The prompts the extension shows, in one place (VS Code's own notifications, modal
// confirmations, input boxes and quick picks; the real-VS-Code tests answer them in the page),
// and how a failed run's error is shown (with its remedy and the log).
import * as vscode from 'vscode';
import type { SyncError } from '../../engine/errors/sync-error';
import { remedyFor } from './errors';
import { log } from './log';

export interface UserInterface {
  info(message: string, ...actions: string[]): Thenable<string | undefined>;
  error(message: string, ...actions: string[]): Thenable<string | undefined>;
  /** A modal confirmation; resolves to the confirming action's title or undefined. */
  confirm(message: string, detail: string, action: string): Thenable<string | undefined>;
  input(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  pick<T extends vscode.QuickPickItem>(items: T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
}

export function vscodeUserInterface(): UserInterface {
  return {
    info: (message, ...actions) => vscode.window.showInformationMessage(message, ...actions),
    error: (message, ...actions) => vscode.window.showErrorMessage(message, ...actions),
    confirm: (message, detail, action) => vscode.window.showWarningMessage(message, { modal: true, detail }, action),
    input: (options) => vscode.window.showInputBox(options),
    pick: (items, options) => vscode.window.showQuickPick(items, options),
  };
}

/** A run's error: its reason and recommended action, the command of its remedy, and Show Log. */
export async function showSyncError(ui: UserInterface, error: SyncError): Promise<void> {
  const remedy = remedyFor(error);
  const showLog = vscode.l10n.t('Show Log');
  const choice = await ui.error(`${error.reason} ${error.recommendedAction}`, ...(remedy ? [remedy.title] : []), showLog);
  if (choice === showLog) log().show(true);
  else if (remedy && choice === remedy.title) await vscode.commands.executeCommand(remedy.command);
}
