// A Get-ADSyncServerConfiguration export given where the configuration file goes (--config
// <export folder>): the error names the mistake and the setting that takes the folder, instead
// of only "it is a folder".
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfiguration } from '../../../../src/app/config';
import { isSyncError } from '../../../../src/engine/errors/sync-error';

test('--config naming a server-configuration export folder says to name it in rules.serverConfiguration; another folder says it is a folder', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-config-folder-'));
  try {
    const exportFolder = path.join(dir, 'export');
    await mkdir(path.join(exportFolder, 'SynchronizationRules'), { recursive: true });
    await mkdir(path.join(exportFolder, 'Connectors'));
    await assert.rejects(loadConfiguration(exportFolder), (err: unknown) => {
      assert.ok(isSyncError(err));
      // A folder, not a missing file: its own code, whose action is to pass the file itself.
      assert.equal(err.code, 'ConfigurationIsFolder');
      assert.match(err.reason, /Get-ADSyncServerConfiguration export, not a configuration file/);
      assert.ok(err.reason.includes(`"serverConfiguration": ${JSON.stringify(exportFolder)}`), err.reason);
      return true;
    });
    const plain = path.join(dir, 'plain');
    await mkdir(plain);
    await assert.rejects(loadConfiguration(plain), (err: unknown) => {
      assert.ok(isSyncError(err));
      assert.equal(err.code, 'ConfigurationIsFolder');
      assert.match(err.reason, /it is a folder, not a file/);
      assert.doesNotMatch(err.reason, /serverConfiguration/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
