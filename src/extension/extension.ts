import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('singleObjectSync.syncByDistinguishedName', () =>
      vscode.window.showInformationMessage('Single Object Sync: not yet available.'),
    ),
  );
}

export function deactivate(): void {}
