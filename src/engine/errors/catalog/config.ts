import type { CatalogEntry } from '../sync-error';

const docs = 'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-single-object-sync';
const exportDocs = 'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-import-export-config';

/** Errors raised by configuration loading. */
export const configErrors = {
  ConfigurationNotFound: {
    code: 'ConfigurationNotFound',
    reason: 'The configuration file {file} cannot be read: {cause}.',
    recommendedAction: 'Create single-object-sync.json (see the README) or pass its path with --config.',
    documentationUrl: docs,
    category: 'nonServiceFailure',
    remedy: 'configuration',
  },
  ConfigurationIsFolder: {
    code: 'ConfigurationIsFolder',
    reason: 'The configuration file {file} cannot be read: {cause}.',
    recommendedAction: 'Pass the configuration file itself with --config (such as --config ./single-object-sync.json), not a folder; in VS Code use "Choose Configuration File...". Create single-object-sync.json (see the README) if there is none yet. Nothing was read or written.',
    documentationUrl: docs,
    category: 'nonServiceFailure',
    remedy: 'configurationFile',
  },
  ConfigurationUnreadable: {
    code: 'ConfigurationUnreadable',
    reason: 'The configuration file {file} exists but cannot be read: {cause}.',
    recommendedAction: 'Make the file readable by the account that runs single-object-sync (ls -l shows its owner and mode: chmod u+r, or run as its owner), or pass a readable copy with --config. Nothing was read or written.',
    documentationUrl: docs,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  ConfigurationTooLarge: {
    code: 'ConfigurationTooLarge',
    reason: 'The configuration file {file} is larger than {limit}, the most a configuration file may be (it is {size}): it is not a configuration of this tool, which takes a few KB.',
    recommendedAction: 'Check that --config names single-object-sync.json and not another file (an LDIF snapshot or a server-configuration export is named inside the configuration: "ldifFile", "rules": {"serverConfiguration": ...}). Nothing was read or written.',
    documentationUrl: docs,
    category: 'nonServiceFailure',
    remedy: 'configurationFile',
  },
  ConfigurationNotJson: {
    code: 'ConfigurationNotJson',
    reason: 'The configuration file {file} is not valid JSON (line {line}, column {column}): {problem}.',
    recommendedAction: 'Correct the JSON syntax at that position.',
    documentationUrl: docs,
    category: 'nonServiceFailure',
    remedy: 'configuration',
  },
  ConfigurationInvalid: {
    code: 'ConfigurationInvalid',
    reason: 'The configuration {file} has {count} problem(s): {summary}',
    recommendedAction: 'Correct each problem (run single-object-sync --validate-config to list them with their positions).',
    documentationUrl: docs,
    category: 'nonServiceFailure',
    remedy: 'configuration',
  },
  ConfiguredFileUnreadable: {
    code: 'ConfiguredFileUnreadable',
    reason: 'The file {file} that {setting} names cannot be used: {cause}.',
    recommendedAction: 'Correct {setting} in the configuration so it names a readable file of the right kind (relative paths resolve against the configuration file\'s folder). Nothing was written.',
    documentationUrl: docs,
    category: 'nonServiceFailure',
    remedy: 'configuration',
  },
  StateFolderNotWritable: {
    code: 'StateFolderNotWritable',
    reason: 'The state folder {stateDir} cannot be created or written: {cause}.',
    recommendedAction: 'Choose a folder on an ordinary file system that this account may write (CLI --state-dir, configuration "stateDir"). Nothing was written.',
    documentationUrl: docs,
    category: 'nonServiceFailure',
    remedy: 'configuration',
  },
  ServerConfigurationNotFound: {
    code: 'ServerConfigurationNotFound',
    reason: 'The Entra Connect server configuration folder {folder} cannot be read: {cause}.',
    recommendedAction: 'Export the configuration on the Entra Connect server with Get-ADSyncServerConfiguration -Path <folder>, copy the folder and point "rules": {"serverConfiguration": ...} at it.',
    documentationUrl: exportDocs,
    category: 'nonServiceFailure',
    remedy: 'configuration',
  },
} as const satisfies Record<string, CatalogEntry>;
