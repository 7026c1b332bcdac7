// A state folder that came with a repository may hold well-formed JSON shaped as no state this
// tool writes: another object's key, a space or a field of the wrong type, attribute values that
// are not values, keys named __proto__. Each ends in StateUnreadable naming the file and the
// field, not in a TypeError deep in the engine, a wrong verdict or a changed prototype; a state
// as this version writes it, and one an older version wrote, still load.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FileStateStore } from '../../../../src/adapters/state/file-state-store';
import { fileNameFor } from '../../../../src/adapters/state/state-file-name';
import { isSyncError } from '../../../../src/engine/errors';
import { exportedCloudId, type ObjectState } from '../../../../src/engine/spaces/state-store';

const key = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const other = '11111111-2222-3333-4444-555555555555';
const cloudId = '22222222-3333-4444-8555-666666666666';

let root: string;
before(async () => { root = await mkdtemp(path.join(tmpdir(), 'sos-state-shape-')); });
after(async () => { if (root) await rm(root, { recursive: true, force: true }); });

/** A state folder holding `text` (JSON text, or a value to stringify) as the state file of `id`. */
async function forged(content: unknown, id = key): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(root, 'state-'));
  const file = path.join(dir, `${fileNameFor(id)}.json`);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return { dir, file };
}

/** Locks the object, loads its state and releases the lock: what a sync's step 7 does. */
async function loadOnce(dir: string, id = key): Promise<ObjectState | undefined> {
  const lock = await new FileStateStore(dir).lock(id);
  try {
    return await lock.load();
  } finally {
    await lock.release();
  }
}

/** The load of `content` is StateUnreadable, its reason naming the file and matching `problem`. */
async function refused(content: unknown, problem: RegExp, id = key): Promise<void> {
  const { dir, file } = await forged(content, id);
  for (const read of [() => loadOnce(dir, id), () => new FileStateStore(dir).peek(id)]) {
    await assert.rejects(read(), (err: unknown) => {
      assert.ok(isSyncError(err), `not a SyncError: ${String(err)}`);
      assert.equal(err.code, 'StateUnreadable');
      assert.ok(err.reason.includes(`'${file}' cannot be read: `), err.reason);
      assert.match(err.reason, problem);
      return true;
    });
  }
}

const ad = (attributes: unknown = { cn: ['A'] }) => ({ connector: 'corp', dn: 'CN=A,DC=corp', objectType: 'user', attributes, importedAt: '2024-01-01T00:00:00.000Z' });
const mv = (attributes: unknown = { cn: ['A'] }) => ({ objectType: 'person', attributes, syncedAt: '2024-01-01T00:00:00.000Z' });
const entra = (fields: Record<string, unknown> = {}) => ({ kind: 'user', id: cloudId, exported: true, attributes: { displayName: ['A'] }, importedAt: '2024-01-01T00:00:00.000Z', ...fields });

describe('a state file shaped as none this tool writes', () => {
  test('the top level not an object: an array, null, a string, a number', async () => {
    await refused([], /: the file is an array, not an object \(no state file this tool writes/);
    await refused('null', /: the file is null, not an object/);
    await refused('"state"', /: the file is a string, not an object/);
    await refused('42', /: the file is a number, not an object/);
  });

  test('the key missing, not a string, or another object\'s', async () => {
    await refused({ adConnectorSpace: ad() }, /: key is missing/);
    await refused({ key: 7, adConnectorSpace: ad() }, /: key is a number, not a string/);
    await refused({ key: other, adConnectorSpace: ad() }, new RegExp(`: key is "${other}", not "${key}", the object this file is named for`));
    // A DN key (an object without objectGUID): the file of one DN holding another's state.
    await refused({ key: 'CN=B,DC=corp', adConnectorSpace: ad() }, /: key is "CN=B,DC=corp", not "CN=A,DC=corp"/, 'CN=A,DC=corp');
    // A GUID in other case names the same file (fileNameFor lower-cases it): still this object's.
    const { dir } = await forged({ key: key.toUpperCase(), adConnectorSpace: ad() });
    assert.equal((await loadOnce(dir))?.key, key.toUpperCase());
  });

  test('a space that is not an object', async () => {
    await refused({ key, adConnectorSpace: 'CN=A' }, /: adConnectorSpace is a string, not an object/);
    await refused({ key, metaverse: [mv()] }, /: metaverse is an array, not an object/);
    await refused({ key, entraConnectorSpace: null }, /: entraConnectorSpace is null, not an object/);
  });

  test('attributes missing or not an object', async () => {
    await refused({ key, adConnectorSpace: { ...ad(), attributes: undefined } }, /: adConnectorSpace\.attributes is missing/);
    await refused({ key, metaverse: mv(['cn', 'A']) }, /: metaverse\.attributes is an array, not an object/);
    await refused({ key, entraConnectorSpace: entra({ attributes: 'displayName' }) }, /: entraConnectorSpace\.attributes is a string, not an object/);
  });

  test('an attribute that is not an array of values, or a value that is neither text, number, boolean nor the binary form', async () => {
    await refused({ key, adConnectorSpace: ad({ cn: 'A' }) }, /: adConnectorSpace\.attributes\["cn"\] is a string, not an array of values/);
    await refused({ key, metaverse: mv({ cn: ['A', null] }) }, /: metaverse\.attributes\["cn"\]\[1\] is null, not a string, a number, a boolean or \{"\$binary": base64\}/);
    await refused({ key, metaverse: mv({ cn: [['A']] }) }, /: metaverse\.attributes\["cn"\]\[0\] is an array, not a string/);
    await refused({ key, adConnectorSpace: ad({ objectGUID: [{ base64: 'AQID' }] }) }, /: adConnectorSpace\.attributes\["objectGUID"\]\[0\] is an object, not a string/);
    await refused({ key, adConnectorSpace: ad({ objectGUID: [{ $binary: 5 }] }) }, /: adConnectorSpace\.attributes\["objectGUID"\]\[0\] is an object, not a string/);
    await refused({ key, adConnectorSpace: ad({ objectGUID: [{ $binary: 'not base64!' }] }) }, /: adConnectorSpace\.attributes\["objectGUID"\]\[0\]\.\$binary is not base64/);
    // JSON.parse reads 1e999 as Infinity, which no directory value is.
    await refused(`{"key":"${key}","metaverse":{"objectType":"person","attributes":{"n":[1e999]},"syncedAt":"x"}}`, /: metaverse\.attributes\["n"\]\[0\] is a number, not a string, a number/);
  });

  test('the descriptive fields of the wrong type, the AD DN missing', async () => {
    await refused({ key, adConnectorSpace: { ...ad(), dn: undefined } }, /: adConnectorSpace\.dn is missing/);
    await refused({ key, adConnectorSpace: { ...ad(), dn: ['CN=A'] } }, /: adConnectorSpace\.dn is an array, not a string/);
    await refused({ key, adConnectorSpace: { ...ad(), objectType: 1 } }, /: adConnectorSpace\.objectType is a number, not a string/);
    await refused({ key, metaverse: { ...mv(), syncedAt: {} } }, /: metaverse\.syncedAt is an object, not a string/);
  });

  test('the cloud link: id not a string, exported not a boolean, exported members not arrays of strings', async () => {
    await refused({ key, entraConnectorSpace: entra({ id: 12345 }) }, /: entraConnectorSpace\.id is a number, not a string/);
    await refused({ key, entraConnectorSpace: entra({ id: { $ne: null } }) }, /: entraConnectorSpace\.id is an object, not a string/);
    await refused({ key, entraConnectorSpace: entra({ exported: 'false' }) }, /: entraConnectorSpace\.exported is a string, not a boolean/);
    await refused({ key, entraConnectorSpace: entra({ exported: null }) }, /: entraConnectorSpace\.exported is null, not a boolean/);
    await refused({ key, entraConnectorSpace: entra({ exportedMemberIds: cloudId }) }, /: entraConnectorSpace\.exportedMemberIds is a string, not an array of strings/);
    await refused({ key, entraConnectorSpace: entra({ exportedMemberIds: [cloudId, 7] }) }, /: entraConnectorSpace\.exportedMemberIds\[1\] is a number, not a string/);
    await refused({ key, entraConnectorSpace: entra({ exportedMemberIds: [cloudId], exportedMemberDns: { 0: 'CN=M' } }) }, /: entraConnectorSpace\.exportedMemberDns is an object, not an array of strings/);
    await refused({ key, entraConnectorSpace: entra({ exportedMemberIds: [cloudId], exportedMemberDns: [null] }) }, /: entraConnectorSpace\.exportedMemberDns\[0\] is null, not a string/);
  });

  test('__proto__, constructor or prototype as an attribute name: refused, and no prototype changed', async () => {
    // Written as text: an object literal's __proto__ would set its prototype, not make a key.
    const withAttribute = (name: string, values: string) => `{"key":"${key}","metaverse":{"objectType":"person","attributes":{"cn":["A"],"${name}":${values}},"syncedAt":"x"}}`;
    await refused(withAttribute('__proto__', '["x"]'), /: metaverse\.attributes has an attribute named '__proto__'/);
    await refused(withAttribute('__proto__', '{"polluted":["yes"]}'), /: metaverse\.attributes has an attribute named '__proto__'/);
    await refused(withAttribute('constructor', '["x"]'), /: metaverse\.attributes has an attribute named 'constructor'/);
    await refused(withAttribute('prototype', '["x"]'), /: metaverse\.attributes has an attribute named 'prototype'/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('__proto__, constructor or prototype as a key of the file or of a space: refused', async () => {
    const space = `{"connector":"corp","dn":"CN=A","objectType":"user","attributes":{"cn":["A"]},"importedAt":"x"`;
    await refused(`{"key":"${key}","__proto__":{"adConnectorSpace":${space}}}}`, /: the file has a key named '__proto__'/);
    await refused(`{"key":"${key}","adConnectorSpace":${space},"__proto__":{"polluted":true}}}`, /: adConnectorSpace has a key named '__proto__'/);
    await refused(`{"key":"${key}","entraConnectorSpace":{"kind":"user","attributes":{},"constructor":{"name":"x"}}}`, /: entraConnectorSpace has a key named 'constructor'/);
    await refused(`{"key":"${key}","prototype":{}}`, /: the file has a key named 'prototype'/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('a state file this tool wrote', () => {
  test('as this version writes it: every field round-trips (save, then load), its attribute records without a prototype', async () => {
    const dir = await mkdtemp(path.join(root, 'state-'));
    const guid = new Uint8Array([1, 2, 3, 250, 0, 255]);
    const state: ObjectState = {
      key,
      adConnectorSpace: { connector: 'corp', dn: 'CN=A,DC=corp', objectType: 'group', attributes: { objectGUID: [guid], cn: ['A'], groupType: [-2147483646], flag: [true], empty: [new Uint8Array(0)] }, importedAt: 'run 1' },
      metaverse: { objectType: 'group', attributes: { displayName: ['A'], member: ['CN=M1', 'CN=M2'] }, syncedAt: 'run 1' },
      entraConnectorSpace: { kind: 'group', id: cloudId, exported: false, attributes: { displayName: ['A'] }, exportedMemberIds: ['m1', 'm2', 'm3'], exportedMemberDns: ['CN=M1', 'CN=M2'], importedAt: 'run 1' },
    };
    const lock = await new FileStateStore(dir).lock(key);
    await lock.save(state);
    await lock.release();
    const loaded = await loadOnce(dir);
    assert.ok(loaded);
    for (const space of ['adConnectorSpace', 'metaverse', 'entraConnectorSpace'] as const) {
      assert.equal(Object.getPrototypeOf(loaded[space]!.attributes), null, `${space}.attributes`);
    }
    // Compared as plain records (deepStrictEqual compares prototypes too).
    const plain = (s: ObjectState) => ({
      ...s,
      adConnectorSpace: { ...s.adConnectorSpace!, attributes: { ...s.adConnectorSpace!.attributes } },
      metaverse: { ...s.metaverse!, attributes: { ...s.metaverse!.attributes } },
      entraConnectorSpace: { ...s.entraConnectorSpace!, attributes: { ...s.entraConnectorSpace!.attributes } },
    });
    assert.deepEqual(plain(loaded), plain(state));
    assert.equal(exportedCloudId(loaded.entraConnectorSpace), undefined, 'a link a staging run only matched stays not exported');
  });

  test('as an older version wrote it (no exported, no exportedMemberDns): it loads, its link taken as exported', async () => {
    // The fields of a61b1cc's state, as its serializer wrote them (indent 1, binary as $binary).
    const older = {
      key,
      adConnectorSpace: { connector: 'corp', dn: 'CN=Team,DC=corp', objectType: 'group', attributes: { objectGUID: [{ $binary: Buffer.from([9, 8, 7]).toString('base64') }], cn: ['Team'] }, importedAt: '2023-05-01T00:00:00.000Z' },
      metaverse: { objectType: 'group', attributes: { displayName: ['Team'] }, syncedAt: '2023-05-01T00:00:00.000Z' },
      entraConnectorSpace: { kind: 'group', id: cloudId, attributes: { displayName: ['Team'] }, exportedMemberIds: ['m1'], importedAt: '2023-05-01T00:00:00.000Z' },
    };
    const { dir } = await forged(JSON.stringify(older, null, 1));
    const loaded = await loadOnce(dir);
    assert.ok(loaded);
    assert.deepEqual(loaded.adConnectorSpace!.attributes.objectGUID, [new Uint8Array([9, 8, 7])]);
    assert.equal(loaded.entraConnectorSpace!.exported, undefined);
    assert.equal(loaded.entraConnectorSpace!.exportedMemberDns, undefined);
    assert.deepEqual(loaded.entraConnectorSpace!.exportedMemberIds, ['m1']);
    assert.equal(exportedCloudId(loaded.entraConnectorSpace), cloudId);
    assert.equal(Object.getPrototypeOf(loaded.entraConnectorSpace!.attributes), null);
    // A state of no space at all (an object whose first sync stopped early) loads too.
    const { dir: bare } = await forged({ key });
    assert.deepEqual(await loadOnce(bare), { key });
  });
});
