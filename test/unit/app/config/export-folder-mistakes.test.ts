// What engineers name in place of a Get-ADSyncServerConfiguration export folder, and what the
// tool then says: the wizard's JSON settings file ("Import and export Microsoft Entra Connect
// configuration settings": Applied-SynchronizationPolicy-*.json, or the on-demand export), one
// sub-folder or one file of an export, a path that is not there, a device or a named pipe. Each
// is ServerConfigurationNotFound naming what to give instead; the wizard's file given as --config
// is ConfigurationNotFound saying what it is, not one problem per unknown key.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfiguration, loadServerConfiguration } from '../../../../src/app/config';
import { isSyncError } from '../../../../src/engine/errors/sync-error';

const sample = path.resolve(__dirname, '../../../fixtures/entra-connect-server-config-contoso');
// The top of a wizard settings file as a community answer quotes it [inferred]: the standard rules by name only.
const wizardSettings = JSON.stringify({
  policyMetadata: { version: '2.3.8.0' },
  deploymentMetadata: {},
  onlineConfiguration: {},
  standardSynchronizationRules: [{ Name: 'In from AD - User Join', uniqueIdentifier: '00000000-0000-0000-0000-000000000001', immutableTag: 'Microsoft.InfromADUserJoin.006', precedence: 100 }],
  customSynchronizationRules: [],
});

let dir: string;
let exportCopy: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sos-export-mistakes-'));
  exportCopy = path.join(dir, 'Contoso export');
  await cp(sample, exportCopy, { recursive: true });
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The reason loadServerConfiguration refuses `given` with. */
async function refusal(given: string): Promise<string> {
  try {
    await loadServerConfiguration(given);
  } catch (err) {
    assert.ok(isSyncError(err), String(err));
    assert.equal(err.code, 'ServerConfigurationNotFound');
    return err.reason;
  }
  assert.fail(`${given} loaded as an export`);
}

test('the wizard\'s settings file, by its name or by its content: said to name the rules without their content, and what to run instead', async () => {
  const named = path.join(dir, 'Exported-ServerConfiguration-5d1f3c02-8e0a-4f3b-9a51-7b7f3b0c9e11.json');
  await writeFile(named, wizardSettings);
  const applied = path.join(dir, 'Applied-SynchronizationPolicy-20261204-101500.json');
  await writeFile(applied, '{}');
  const renamed = path.join(dir, 'settings.json');
  await writeFile(renamed, wizardSettings);
  for (const file of [named, applied, renamed]) {
    const reason = await refusal(file);
    assert.match(reason, /Entra Connect wizard's settings file/, file);
    assert.match(reason, /without writing out their scope, join and attribute flows/, file);
    assert.match(reason, /Get-ADSyncServerConfiguration -Path <folder>/, file);
  }
});

test('a sub-folder or a file of an export names the export folder to give; the export itself still loads', async () => {
  for (const sub of ['SynchronizationRules', 'Connectors', 'GlobalSettings']) {
    const reason = await refusal(path.join(exportCopy, sub));
    assert.ok(reason.includes(`it is the ${sub} folder of the export in ${exportCopy}; name that folder`), reason);
  }
  const reason = await refusal(path.join(exportCopy, 'GlobalSettings', 'MV.xml'));
  assert.ok(reason.includes(`it is one file of the export in ${exportCopy}; name that folder`), reason);
  const loaded = await loadServerConfiguration(exportCopy);
  assert.ok(loaded.rules.length > 0 && loaded.connectors.length > 0);
});

test('a path that is not there, another JSON file, a device and a named pipe: each said plainly, at once', async () => {
  assert.match(await refusal(path.join(dir, 'missing')), /it does not exist; on the Entra Connect server run Get-ADSyncServerConfiguration/);
  const other = path.join(dir, 'other.json');
  await writeFile(other, JSON.stringify({ rules: [] }));
  for (const file of [other, '/dev/zero']) {
    const reason = await refusal(file);
    assert.match(reason, /it is a file, not the folder Get-ADSyncServerConfiguration writes/, file);
    assert.doesNotMatch(reason, /wizard/, file);
  }
  const fifo = path.join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const started = Date.now();
  assert.match(await refusal(fifo), /it is a file, not the folder/);
  assert.ok(Date.now() - started < 10_000, 'a named pipe without a writer is not waited for');
});

test('the wizard\'s settings file given as --config: ConfigurationNotFound saying what it is, not a problem per unknown key', async () => {
  const file = path.join(dir, 'Exported-ServerConfiguration-as-config.json');
  await writeFile(file, wizardSettings);
  await assert.rejects(loadConfiguration(file), (err: unknown) => {
    assert.ok(isSyncError(err));
    assert.equal(err.code, 'ConfigurationNotFound');
    assert.match(err.reason, /wizard's settings file .* not a configuration of this tool/);
    assert.match(err.reason, /"rules": \{"serverConfiguration": "<folder>"\}/);
    assert.doesNotMatch(err.reason, /unknown property/);
    return true;
  });
});
