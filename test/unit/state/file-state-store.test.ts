import assert from 'node:assert/strict';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { isSyncError } from '../../../src/engine/errors';
import { FileStateStore } from '../../../src/state/file-state-store';

const key = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

test('state round-trips with binary values and leaves no temp files', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-state-'));
  const store = new FileStateStore(dir);
  const lock = await store.lock(key);
  assert.equal(await lock.load(), undefined);
  const guid = new Uint8Array([1, 2, 3, 250]);
  await lock.save({
    key,
    adConnectorSpace: { connector: 'c', dn: 'CN=A', objectType: 'user', attributes: { objectGUID: [guid], cn: ['A'], n: [5] }, importedAt: 'now' },
  });
  const loaded = await lock.load();
  assert.deepEqual(loaded?.adConnectorSpace?.attributes.objectGUID, [guid]);
  assert.deepEqual(loaded?.adConnectorSpace?.attributes.n, [5]);
  await lock.release();
  assert.deepEqual((await readdir(dir)).sort(), [`${key}.json`]);
});

test('a second sync of the same object waits for the first, then fails clearly when it does not finish', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-state-'));
  const store = new FileStateStore(dir, { lockWaitMs: 300 });
  const first = await store.lock(key);
  await assert.rejects(store.lock(key), (err) => isSyncError(err) && err.code === 'StateLocked');
  // Once released, the next one gets in; another object is never blocked.
  const other = await store.lock('11111111-2222-3333-4444-555555555555');
  setTimeout(() => void first.release(), 50);
  const second = await store.lock(key);
  await second.release();
  await other.release();
});
