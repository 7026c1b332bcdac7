// The extension's own errors (the engine's and the app's pass through unchanged): surface
// facts such as an open folder, workspace trust and cancellation, which the engine never meets.
import type { CatalogEntry } from '../../engine/errors/sync-error';

const docs = 'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-single-object-sync';

export const extensionErrors = {
  NoWorkspaceFolder: {
    code: 'NoWorkspaceFolder',
    reason: 'No folder is open, so there is no place for single-object-sync.json.',
    recommendedAction: 'Open a folder (File > Open Folder...) or set singleObjectSync.configurationFile to an absolute path.',
    documentationUrl: docs,
    category: 'nonServiceFailure',
    remedy: 'configuration',
  },
  ExportNotAllowedInUntrustedWorkspace: {
    code: 'ExportNotAllowedInUntrustedWorkspace',
    reason: 'This workspace is not trusted, so only a preview (staging mode) sync may run; nothing is exported to Microsoft Entra ID.',
    recommendedAction: 'Trust the workspace (Workspaces: Manage Workspace Trust) to sync with export, or run "Preview Sync (Staging Mode)".',
    documentationUrl: 'https://code.visualstudio.com/docs/editing/workspaces/workspace-trust',
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  UntrustedWorkspaceConfiguration: {
    code: 'UntrustedWorkspaceConfiguration',
    reason:
      'This workspace is not trusted, so its single-object-sync.json and workspace settings are not read: they decide where your stored passwords and client secrets are sent.',
    recommendedAction:
      'Trust the workspace (Workspaces: Manage Workspace Trust), or run "Single Object Sync: Choose Configuration File..." to use a configuration file you pick (saved as an absolute path in your user settings).',
    documentationUrl: 'https://code.visualstudio.com/docs/editing/workspaces/workspace-trust',
    category: 'nonServiceFailure',
    remedy: 'configurationFile',
  },
  ConfigurationFileNotUsable: {
    code: 'ConfigurationFileNotUsable',
    reason: 'The configuration file {path} cannot be used in this workspace: {detail}.',
    recommendedAction:
      'Run "Single Object Sync: Choose Configuration File..." and pick a file on this machine; it is saved as an absolute path in your user settings.',
    documentationUrl: 'https://code.visualstudio.com/docs/editing/workspaces/workspace-trust',
    category: 'nonServiceFailure',
    remedy: 'configurationFile',
  },
  MissingDistinguishedName: {
    code: 'MissingDistinguishedName',
    reason: 'No distinguished name was given, so there is no object to sync.',
    recommendedAction: 'Give the full distinguished name of the object, for example CN=Jane Doe,OU=Users,DC=corp,DC=contoso,DC=com, or right-click the object in the Active Directory tree.',
    documentationUrl: docs,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  CredentialNotEntered: {
    code: 'CredentialNotEntered',
    remedy: 'credentials',
    reason: 'No {secret} is stored for {endpoint}, and none was entered, so nothing was sent or run.',
    recommendedAction: 'Enter it when asked (the next sync, refresh or connection test asks again), or store it with "Single Object Sync: Set Credentials...".',
    documentationUrl: docs,
    category: 'nonServiceFailure',
  },
  SyncCancelled: {
    code: 'SyncCancelled',
    reason: 'The sync of {distinguishedName} was cancelled before it finished.',
    recommendedAction: 'Run the sync again. Steps already finished kept their results; staging mode never exports.',
    documentationUrl: docs,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  UnexpectedExtensionFailure: {
    code: 'UnexpectedExtensionFailure',
    reason: 'An unexpected error occurred: {message}.',
    recommendedAction: 'Run "Single Object Sync: Show Log" for details and report the problem with the log attached (secrets are never logged).',
    documentationUrl: docs,
    category: 'failure',
    remedy: 'none',
  },
} as const satisfies Record<string, CatalogEntry>;
