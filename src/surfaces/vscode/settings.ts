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
    redactAttributes: (c.get<string[]>('redactAttributes', []) ?? []).filter((a) => typeof a === 'string' && a.trim() !== ''),
  };
}
