// The extension's settings (contributes.configuration in package.json), read in one place.
import * as vscode from 'vscode';

export const configurationFileName = 'single-object-sync.json';
export const settingsSection = 'singleObjectSync';

export interface ExtensionSettings {
  /** Absolute path, or relative to the first workspace folder; empty for the default. */
  configurationFile: string;
  /** Where "Save HTML Report" writes; empty: the configuration's reportDir. */
  reportFolder: string;
  treePageSize: number;
  redactAttributes: string[];
  /** Open the result's JSON document when a run finishes (else on request: Open JSON). */
  openJsonAfterRun: boolean;
}

export function readSettings(): ExtensionSettings {
  const c = vscode.workspace.getConfiguration(settingsSection);
  const pageSize = c.get<number>('tree.pageSize', 200);
  return {
    configurationFile: (c.get<string>('configurationFile', '') ?? '').trim(),
    reportFolder: (c.get<string>('reportFolder', '') ?? '').trim(),
    treePageSize: Number.isInteger(pageSize) ? Math.min(Math.max(pageSize, 10), 1000) : 200,
    openJsonAfterRun: c.get<boolean>('openJsonAfterRun', false) === true,
    redactAttributes: redactionsOf(c),
  };
}

/** The configuration file's redactAttributes, set by the session host when it loads the file. */
let configuredRedactions: readonly string[] = [];
export function setConfiguredRedactions(names: readonly string[] | undefined): void {
  configuredRedactions = names ?? [];
}

/**
 * Redaction only grows: the user's list, the workspace's and the folder's, and the
 * configuration file's, together. A workspace value alone would replace the user's list, so
 * a repository could show what the user chose to hide (even in Restricted Mode: the setting
 * is not a restricted one, as hiding more is harmless).
 */
function redactionsOf(c: vscode.WorkspaceConfiguration): string[] {
  const levels = c.inspect<unknown>('redactAttributes');
  const names = new Map<string, string>();
  for (const list of [levels?.globalValue, levels?.workspaceValue, levels?.workspaceFolderValue, configuredRedactions]) {
    if (!Array.isArray(list)) continue;
    for (const name of list) {
      if (typeof name === 'string' && name.trim() !== '' && !names.has(name.trim().toLowerCase())) names.set(name.trim().toLowerCase(), name.trim());
    }
  }
  return [...names.values()];
}
