// Where the configuration file is, and the starter file "Open Configuration" creates.
//
// The configuration decides where the stored credentials go (LDAP URL, authority host), so
// in an untrusted workspace nothing of the workspace is read for it: neither its
// single-object-sync.json nor a workspace setting. Only a file the user chose in their own
// (user-level) settings is used; without one the extension stays in restricted mode and the
// view says why (viewsWelcome on singleObjectSync.untrustedWithoutConfiguration).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SyncError } from '../../engine/errors/sync-error';
import { extensionErrors } from './error-catalog';
import { configurationFileName, readSettings, settingsSection } from './settings';

/** The configuration file chosen in the user's own settings (never a workspace value), if any. */
export function userConfigurationFile(): string | undefined {
  const value = vscode.workspace.getConfiguration(settingsSection).inspect<string>('configurationFile')?.globalValue;
  const trimmed = typeof value === 'string' ? value.trim() : '';
  return trimmed === '' ? undefined : trimmed;
}

/** The configuration file's absolute path: trusted, from the setting or the first workspace folder; untrusted, the user's own choice only. */
export function configurationPath(): string {
  if (!vscode.workspace.isTrusted) {
    const chosen = userConfigurationFile();
    if (!chosen) throw new SyncError(extensionErrors.UntrustedWorkspaceConfiguration);
    if (!path.isAbsolute(chosen)) {
      throw new SyncError(extensionErrors.ConfigurationFileNotUsable, {
        path: chosen,
        detail: vscode.l10n.t('in an untrusted workspace only an absolute path from your user settings is used (a relative one would resolve inside the workspace)'),
      });
    }
    return chosen;
  }
  const configured = readSettings().configurationFile;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (configured && path.isAbsolute(configured)) return configured;
  if (!folder) throw new SyncError(extensionErrors.NoWorkspaceFolder);
  return path.join(folder, configured || configurationFileName);
}

/** A starter file: every required field, with placeholders to replace. Secrets never go here. */
export function starterConfiguration(schemaUri: string): string {
  const starter = {
    $schema: schemaUri,
    activeDirectory: [
      {
        name: 'corp.contoso.com',
        url: 'ldaps://dc1.corp.contoso.com:636',
        bindDn: 'CN=svc-aadconnect,OU=Service Accounts,DC=corp,DC=contoso,DC=com',
        tls: { caFile: null, serverName: null },
        partitions: [{ dn: 'DC=corp,DC=contoso,DC=com', selected: true, inclusions: ['DC=corp,DC=contoso,DC=com'], exclusions: [] }],
        objectTypes: ['user', 'inetOrgPerson', 'group', 'contact', 'computer'],
        groupFilteringGroupDn: null,
      },
    ],
    entra: {
      tenantId: '00000000-0000-0000-0000-000000000000',
      clientId: '00000000-0000-0000-0000-000000000000',
      authorityHost: 'https://login.microsoftonline.com',
      graphEndpoint: 'https://graph.microsoft.com',
    },
    sourceAnchor: 'mS-DS-ConsistencyGuid',
    rules: 'builtin',
    stateDir: '.single-object-sync/state',
    reportDir: '.single-object-sync/reports',
    redactAttributes: [],
  };
  return `${JSON.stringify(starter, null, 2)}\n`;
}
