// The extension offers, for an error, the command of the remedy its catalog entry declares
// (src/surfaces/vscode/errors.ts), for every code of every catalog, and only commands it contributes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { appErrors } from '../../../../src/app/errors';
import { type CatalogEntry, engineCatalogs, placeholdersOf, SyncError } from '../../../../src/engine/errors';
import { extensionErrors } from '../../../../src/surfaces/vscode/error-catalog';
import { asSyncError, remedyCommands, remedyFor } from '../../../../src/surfaces/vscode/errors';

const catalogs: Array<Record<string, CatalogEntry>> = [...Object.values(engineCatalogs), appErrors, extensionErrors];
const raise = (entry: CatalogEntry) =>
  new SyncError(entry, Object.fromEntries([...placeholdersOf(entry.reason), ...placeholdersOf(entry.recommendedAction)].map((k) => [k, `<${k}>`])));

test('every code offers the command of its catalog entry\'s remedy, none when the remedy is none', () => {
  let codes = 0;
  for (const catalog of catalogs) {
    for (const entry of Object.values(catalog)) {
      codes++;
      const offered = remedyFor(raise(entry));
      assert.deepEqual(offered, entry.remedy === 'none' ? undefined : remedyCommands[entry.remedy], entry.code);
    }
  }
  assert.ok(codes > 80, `${codes} codes`);
});

test('what an identity engineer expects to be offered', () => {
  const offered = (entry: CatalogEntry) => remedyFor(raise(entry))?.command;
  assert.equal(offered(engineCatalogs.directoryErrors.InvalidCredentials), 'singleObjectSync.setCredentials');
  assert.equal(offered(engineCatalogs.syncErrors.MissingSecret), 'singleObjectSync.setCredentials');
  assert.equal(offered(engineCatalogs.configErrors.ConfigurationInvalid), 'singleObjectSync.openConfiguration');
  assert.equal(offered(extensionErrors.UntrustedWorkspaceConfiguration), 'singleObjectSync.chooseConfigurationFile');
  assert.equal(offered(engineCatalogs.directoryErrors.NoSuchObject), undefined);
  // A bug (not a SyncError) is UnexpectedExtensionFailure, which offers nothing but the log.
  assert.equal(remedyFor(asSyncError(new TypeError('x is undefined'))), undefined);
});

test('each offered command is one the extension contributes', () => {
  const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as { contributes: { commands: Array<{ command: string }> } };
  const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
  for (const { command } of Object.values(remedyCommands)) assert.ok(contributed.has(command), command);
});
