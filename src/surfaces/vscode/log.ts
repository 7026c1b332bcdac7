// The "Single Object Sync" log (a LogOutputChannel: the user picks the level). Only
// messages built by the extension go here: DNs, step names, error codes; never secrets.
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Single Object Sync', { log: true });
  return channel;
}
