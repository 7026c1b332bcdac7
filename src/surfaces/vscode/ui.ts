// The prompts the extension shows, in one place (VS Code's own notifications, modal
// confirmations, input boxes and quick picks; the real-VS-Code tests answer them in the page),
// and how a failed run's error is shown (with its remedy and the log). Notifications and input
// boxes turn [label](command:…) into links VS Code runs: their texts pass through linkFree.
import * as vscode from 'vscode';
import type { SyncError } from '../../engine/errors/sync-error';
import { remedyFor } from './errors';
import { log } from './log';
import { linkFree } from './plain-text';

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
    info: (message, ...actions) => vscode.window.showInformationMessage(linkFree(message), ...actions),
    error: (message, ...actions) => vscode.window.showErrorMessage(linkFree(message), ...actions),
    // A modal dialog shows its message and detail as plain text (no links).
    confirm: (message, detail, action) => vscode.window.showWarningMessage(message, { modal: true, detail }, action),
    input: (options) => vscode.window.showInputBox(linkFreeInput(options)),
    pick: (items, options) => vscode.window.showQuickPick(items, options),
  };
}

/** The input box's prompt and validation messages (which may quote what was typed) as text. */
function linkFreeInput(options: vscode.InputBoxOptions): vscode.InputBoxOptions {
  const validate = options.validateInput;
  const text = (message: string | vscode.InputBoxValidationMessage | null | undefined) =>
    typeof message === 'string' ? linkFree(message) : message ? { ...message, message: linkFree(message.message) } : message;
  return {
    ...options,
    ...(options.prompt !== undefined ? { prompt: linkFree(options.prompt) } : {}),
    ...(validate ? { validateInput: async (value: string) => text(await validate(value)) } : {}),
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
