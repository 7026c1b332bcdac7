// The "Single Object Sync" log (a LogOutputChannel: the user picks the level). Only
// messages built by the extension go here: DNs, step names, error codes; never secrets.
// A message is one log line whatever it holds: a line break in a server's answer, a file
// name or an AD value is shown as \u000A, so none can forge an entry of its own.
import * as vscode from 'vscode';
import { oneLine } from './plain-text';

export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  show(preserveFocus?: boolean): void;
}

let channel: vscode.LogOutputChannel | undefined;
let lines: Log | undefined;

export function log(): Log {
  if (lines) return lines;
  const out = (channel ??= vscode.window.createOutputChannel('Single Object Sync', { log: true }));
  lines = {
    debug: (message) => out.debug(oneLine(message)),
    info: (message) => out.info(oneLine(message)),
    warn: (message) => out.warn(oneLine(message)),
    error: (message) => out.error(oneLine(message)),
    show: (preserveFocus) => out.show(preserveFocus),
  };
  return lines;
}
