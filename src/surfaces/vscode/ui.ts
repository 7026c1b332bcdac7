// The prompts the extension shows, in one place (VS Code's own notifications, modal
// confirmations, input boxes and quick picks; the real-VS-Code tests answer them in the page).
import * as vscode from 'vscode';

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
