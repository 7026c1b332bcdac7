// Loading the project's configuration file (single-object-sync.json): read with positions
// (json-positions.ts), checked and completed (parse-configuration.ts), its rule set built
// (rule-set.ts, from the built-in rules or a Get-ADSyncServerConfiguration export) and the
// export's connector scope merged in (merge-server-configuration.ts). See README.md here.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { SingleObjectSyncConfig } from './model';
import { formatProblem, type ConfigProblem } from './problems';
import { decodeText, undecodableAt, utf16Mark } from '../../adapters/io/decode-text';
import { describeReadError, FileTooLargeError, formatBytes, READ_LIMITS, readFileBounded } from '../../adapters/io/read-bounded';
import { parseJsonWithPositions, JsonSyntaxError, type PositionedJson } from './json-positions';
import { applyServerConfiguration } from './merge-server-configuration';
import { parseConfiguration } from './parse-configuration';
import { buildRuleSet } from './rule-set';
import { type ServerConfiguration } from './server-configuration';
import { isServerConfigurationFolder, isWizardSettings, WIZARD_SETTINGS_TEXT } from './export-folder';
import { SyncError } from '../../engine/errors/sync-error';
import { configErrors } from '../../engine/errors/catalog/config';
import type { RuleSet } from '../../engine/rules';

export type { ConfigProblem } from './problems';
export { formatProblem } from './problems';
export type { ServerConfiguration, ExportedConnector, ExportedPartition } from './server-configuration';
export { loadServerConfiguration } from './server-configuration';
export { parseConfiguration, type ParsedConfiguration } from './parse-configuration';
export { defaultObjectTypes } from './merge-server-configuration';

export interface LoadedConfiguration {
  config: SingleObjectSyncConfig;
  ruleSet: RuleSet;
  configPath: string;
  problems: ConfigProblem[];
  /** The export, when rules come from a server configuration. */
  serverConfiguration?: ServerConfiguration;
}

/** Read, validate and resolve everything; throws SyncError (ConfigurationInvalid ...) when there are errors. */
export async function loadConfiguration(configPath: string): Promise<LoadedConfiguration> {
  const result = await inspectConfiguration(configPath);
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    throw new SyncError(configErrors.ConfigurationInvalid, {
      file: result.configPath,
      count: errors.length,
      summary: errors.slice(0, 5).map(formatProblem).join('; ') + (errors.length > 5 ? '; ...' : ''),
      problems: errors,
    });
  }
  return result;
}

/**
 * Why the configuration file could not be read, each cause under its own code with its own
 * action: ConfigurationNotFound only when there is no such file; a folder (a server-configuration
 * export's folder said as such), a file this account may not read and a file over the limit (or
 * an endless device) are not "create the file".
 */
async function configurationReadError(file: string, err: unknown): Promise<SyncError> {
  const code = (err as NodeJS.ErrnoException)?.code;
  // A missing file, or a path that cannot lead to one (a file or a link loop on the way, a name too long).
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENAMETOOLONG') return new SyncError(configErrors.ConfigurationNotFound, { file, cause: describeReadError(err) }, { cause: err });
  if (code === 'EISDIR') {
    const cause = (await isServerConfigurationFolder(file))
      ? `it is the folder of a Get-ADSyncServerConfiguration export, not a configuration file; name the folder in the configuration file instead: "rules": {"serverConfiguration": ${JSON.stringify(file)}}`
      : describeReadError(err);
    return new SyncError(configErrors.ConfigurationIsFolder, { file, cause }, { cause: err });
  }
  if (err instanceof FileTooLargeError) {
    const size = await stat(file).then((s) => (s.isFile() ? `${s.size.toLocaleString('en-US')} bytes` : 'a device or a stream that does not end'), () => 'of unknown size');
    return new SyncError(configErrors.ConfigurationTooLarge, { file, limit: formatBytes(err.limit), size }, { cause: err });
  }
  return new SyncError(configErrors.ConfigurationUnreadable, { file, cause: describeReadError(err) }, { cause: err });
}

/**
 * Like loadConfiguration but never throws for problems in the files: returns them all (for
 * --validate-config and the editor). Throws SyncError when the file cannot be read or is not JSON.
 */
export async function inspectConfiguration(configPath: string): Promise<LoadedConfiguration> {
  const file = path.resolve(configPath);
  let text: string;
  try {
    const bytes = await readFileBounded(file, READ_LIMITS.configuration);
    // UTF-16 with a byte-order mark too (Windows PowerShell's `ConvertTo-Json > file` writes it).
    // UTF-8 keeps its mark, which the positions count as a column, as an editor shows it.
    text = utf16Mark(bytes) ? decodeText(bytes) : new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    // JSON is UTF-8: a file saved as Latin-1 or Windows-1252 (a bind DN with an umlaut) would
    // otherwise read U+FFFD in its place, silently, and name another object.
    const broken = undecodableAt(bytes);
    if (broken) {
      throw new SyncError(configErrors.ConfigurationNotJson, { file, line: broken.line, column: broken.column, problem: `the bytes there are not ${broken.encoding === 'utf-8' ? 'UTF-8' : broken.encoding.toUpperCase()} text (saved as Latin-1 or Windows-1252?); save the file as UTF-8` });
    }
  } catch (err) {
    if (err instanceof SyncError) throw err;
    throw await configurationReadError(file, err);
  }
  let positioned: PositionedJson;
  try {
    positioned = parseJsonWithPositions(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new SyncError(configErrors.ConfigurationNotJson, { file, line: err.position.line, column: err.position.column, problem: err.message });
    throw err;
  }
  if (isWizardSettings(positioned.value)) {
    // The wizard's settings file given as the tool's configuration: not one problem per unknown key.
    throw new SyncError(configErrors.ConfigurationNotFound, { file, cause: `it is ${WIZARD_SETTINGS_TEXT}, not a configuration of this tool; write single-object-sync.json (see the README), and for the rules of that server name a Get-ADSyncServerConfiguration export folder in it: "rules": {"serverConfiguration": "<folder>"}` });
  }
  const { config, problems } = parseConfiguration(positioned.value, file, positioned);
  const { ruleSet, exported } = await buildRuleSet(config, file, problems, positioned);
  applyServerConfiguration(config, exported, file, problems, positioned);
  return { config, ruleSet, configPath: file, problems, ...(exported ? { serverConfiguration: exported } : {}) };
}
