// The source anchor of a server configuration export: Entra Connect keeps the attribute chosen at
// installation in the global parameter Microsoft.SynchronizationOption.AnchorAttribute
// (GlobalSettings/MV.xml; objectGUID on older installs, mS-DS-ConsistencyGuid on newer ones,
// absent on the oldest). With "rules": { "serverConfiguration" }, the configuration takes it when
// the JSON does not set "sourceAnchor"; set in the JSON (even to the default) the JSON's stays,
// and a value other than the server's is a warning that names both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspectConfiguration, loadConfiguration } from '../../../../src/app/config';

const fixture = path.resolve(__dirname, '../../../fixtures/server-config-small');
const setting = 'Microsoft.SynchronizationOption.AnchorAttribute';
const anchorLine = /<parameter name="Microsoft\.SynchronizationOption\.AnchorAttribute"[^>]*>[^<]*<\/parameter>\r?\n?/;

/** A copy of the small export whose MV.xml says `anchor` (undefined: the parameter is absent). */
async function exportWithAnchor(anchor: string | undefined): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-export-anchor-'));
  await cp(fixture, dir, { recursive: true });
  const mv = path.join(dir, 'GlobalSettings', 'MV.xml');
  const text = await readFile(mv, 'utf8');
  assert.match(text, anchorLine);
  await writeFile(mv, text.replace(anchorLine, (line) => (anchor === undefined ? '' : line.replace(/>[^<]*</, `>${anchor}<`))));
  return dir;
}

async function configFor(dir: string, sourceAnchor?: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'sos-export-anchor-config-')), 'single-object-sync.json');
  await writeFile(file, JSON.stringify({
    activeDirectory: [{ name: 'fabrikam.com', url: 'ldaps://dc1.fabrikam.com:636' }],
    entra: { tenantId: 'tenant', clientId: 'client', clientSecretEnv: 'SOS_CLIENT_SECRET' },
    ...(sourceAnchor !== undefined ? { sourceAnchor } : {}),
    rules: { serverConfiguration: dir },
  }, null, 2));
  return file;
}

test('without "sourceAnchor" in the JSON, the export\'s anchor attribute is the source anchor', async () => {
  const loaded = await loadConfiguration(await configFor(await exportWithAnchor('objectGUID')));
  assert.equal(loaded.config.sourceAnchor, 'objectGUID');
  assert.deepEqual(loaded.problems, []);
});

test('the export\'s anchor attribute is taken whatever its case, spelled as the schema spells it', async () => {
  for (const written of ['ms-ds-consistencyguid', 'MS-DS-CONSISTENCYGUID']) {
    const loaded = await loadConfiguration(await configFor(await exportWithAnchor(written)));
    assert.equal(loaded.config.sourceAnchor, 'mS-DS-ConsistencyGuid', written);
  }
  const objectGuid = await loadConfiguration(await configFor(await exportWithAnchor('OBJECTGUID')));
  assert.equal(objectGuid.config.sourceAnchor, 'objectGUID');
});

test('an export without the anchor setting leaves the default, mS-DS-ConsistencyGuid', async () => {
  const loaded = await loadConfiguration(await configFor(await exportWithAnchor(undefined)));
  assert.equal(loaded.ruleSet.globalSettings[setting], undefined);
  assert.equal(loaded.config.sourceAnchor, 'mS-DS-ConsistencyGuid');
  assert.deepEqual(loaded.problems, []);
});

test('"sourceAnchor" set in the JSON wins; another attribute than the export\'s is a warning naming both, at the JSON value', async () => {
  const dir = await exportWithAnchor('objectGUID');
  // Set to the default explicitly: a choice, not a default, so it is kept and compared.
  const file = await configFor(dir, 'mS-DS-ConsistencyGuid');
  const loaded = await loadConfiguration(file);
  assert.equal(loaded.config.sourceAnchor, 'mS-DS-ConsistencyGuid');
  assert.equal(loaded.problems.length, 1, JSON.stringify(loaded.problems));
  const [warning] = loaded.problems;
  assert.equal(warning!.severity, 'warning');
  assert.equal(warning!.file, file);
  assert.equal(warning!.path, '$.sourceAnchor');
  assert.match(warning!.message, /"mS-DS-ConsistencyGuid"/);
  assert.match(warning!.message, /"objectGUID"/);
  assert.ok(warning!.message.includes(setting));
  const lines = (await readFile(file, 'utf8')).split('\n');
  assert.ok(lines[warning!.line! - 1]!.slice(warning!.column! - 1).startsWith('"mS-DS-ConsistencyGuid"'), 'the position is the JSON value');
});

test('"sourceAnchor" in the JSON equal to the export\'s (LDAP names compare without case) is no warning', async () => {
  const loaded = await loadConfiguration(await configFor(await exportWithAnchor('objectGUID'), 'objectguid'));
  assert.equal(loaded.config.sourceAnchor, 'objectguid');
  assert.deepEqual(loaded.problems, []);
});

test('an anchor setting that is not an attribute name is an error at MV.xml, not a search term', async () => {
  const dir = await exportWithAnchor('objectGUID)(cn=*');
  const { problems, config } = await inspectConfiguration(await configFor(dir));
  assert.deepEqual(problems.map((p) => [p.file, p.path, p.severity]), [[path.join(dir, 'GlobalSettings', 'MV.xml'), setting, 'error']]);
  assert.equal(config.sourceAnchor, 'mS-DS-ConsistencyGuid');
});
