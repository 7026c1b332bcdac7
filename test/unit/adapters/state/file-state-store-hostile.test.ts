// A state folder that came with a repository holds what its author put there: a named pipe, a
// link to /dev/zero, a folder or a huge file under an object's state, lock or holder name. The
// store reads only regular files (bounded, never following a link, never waiting), so each ends
// in a named error naming the file, the lock is released and nothing blocks the thread. The
// reads that once blocked for good (a FIFO: readFileSync waits for a writer on the main thread,
// where no signal handler runs again) run in a child process with a deadline, so a regression
// fails this test instead of hanging the suite.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { FileStateStore } from '../../../../src/adapters/state/file-state-store';
import { loadTenantSnapshot } from '../../../../src/app/batch/tenant-cache';
import { isSyncError } from '../../../../src/engine/errors';

const key = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const other = '11111111-2222-3333-4444-555555555555';
const storeModule = path.resolve(__dirname, '../../../../src/adapters/state/file-state-store.ts');
const tenantCacheModule = path.resolve(__dirname, '../../../../src/app/batch/tenant-cache.ts');
const tsx = pathToFileURL(require.resolve('tsx')).href;

let root: string;
before(async () => { root = await mkdtemp(path.join(tmpdir(), 'sos-state-hostile-')); });
after(async () => { if (root) await rm(root, { recursive: true, force: true }); });

const folder = async () => mkdtemp(path.join(root, 'state-'));
const mkfifo = (file: string) => assert.equal(spawnSync('mkfifo', [file]).status, 0, `mkfifo ${file}`);

/** Locks the object, loads its state and releases the lock: what a sync's step 7 does. */
async function loadOnce(dir: string, id = key): Promise<unknown> {
  const lock = await new FileStateStore(dir).lock(id);
  try {
    return await lock.load();
  } finally {
    await lock.release();
  }
}

/** A script run in its own process, killed (SIGKILL: a blocked thread ignores SIGTERM's handler) after `ms`. */
async function inChild(script: string, ms = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }> {
  const file = path.join(root, `child-${Math.random().toString(36).slice(2)}.ts`);
  // Imports first, the rest in an async function (the file is CommonJS: no top-level await).
  const lines = script.split('\n');
  const imports = lines.filter((l) => /^\s*import /.test(l));
  const body = lines.filter((l) => !/^\s*import /.test(l));
  await writeFile(file, `${imports.join('\n')}\nvoid (async () => {\n${body.join('\n')}\n})().catch((err) => { console.error(err); process.exit(3); });\n`);
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', tsx, file], { stdio: ['ignore', 'pipe', 'pipe'], timeout: ms, killSignal: 'SIGKILL' });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started })));
}

describe('a hostile state folder', () => {
  test('a named pipe at the state file: StateUnreadable naming it, at once, and the lock released (in a child process with a deadline)', async () => {
    const dir = await folder();
    mkfifo(path.join(dir, `${key}.json`));
    const r = await inChild(`
      import { FileStateStore } from ${JSON.stringify(storeModule)};
      const store = new FileStateStore(${JSON.stringify(dir)});
      const lock = await store.lock(${JSON.stringify(key)});
      try { await lock.load(); console.log('loaded'); } catch (err) { console.log(JSON.stringify({ code: err.code, reason: err.reason, action: err.recommendedAction })); }
      await lock.release();
      try { await store.peek(${JSON.stringify(key)}); } catch (err) { console.log(JSON.stringify({ peek: err.code })); }
    `);
    assert.equal(r.signal, null, `killed after ${r.ms} ms: the read blocked (stderr: ${r.stderr})`);
    assert.equal(r.code, 0, r.stderr);
    const [first, second] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { code?: string; reason?: string; action?: string; peek?: string });
    assert.equal(first!.code, 'StateUnreadable');
    assert.ok(first!.reason!.includes(`'${path.join(dir, `${key}.json`)}' cannot be read: it is a named pipe (FIFO), not a regular file`), first!.reason);
    assert.match(first!.action!, /^Delete the file/);
    assert.equal(second!.peek, 'StateUnreadable', 'peek (a group reading its member\'s state) is refused the same way');
    assert.deepEqual((await readdir(dir)).sort(), [`${key}.json`], 'no lock file left');
  });

  test('a link to /dev/zero at the state file: StateUnreadable, nothing read (no gigabytes, no bad_alloc)', async () => {
    const dir = await folder();
    await symlink('/dev/zero', path.join(dir, `${key}.json`));
    await assert.rejects(loadOnce(dir), (err: unknown) => {
      assert.ok(isSyncError(err));
      assert.equal(err.code, 'StateUnreadable');
      assert.match(err.reason, /cannot be read: it is a symbolic link, not a regular file/);
      return true;
    });
    assert.deepEqual(await readdir(dir), [`${key}.json`]);
  });

  test('a link to a regular file is not followed either (a forged state must not read another file of this machine)', async () => {
    const dir = await folder();
    const elsewhere = path.join(root, 'elsewhere.json');
    await writeFile(elsewhere, JSON.stringify({ key }));
    await symlink(elsewhere, path.join(dir, `${key}.json`));
    await assert.rejects(loadOnce(dir), /StateUnreadable: .*it is a symbolic link/);
  });

  test('a folder at the state file: StateUnreadable saying so (was UnexpectedError EISDIR)', async () => {
    const dir = await folder();
    await mkdir(path.join(dir, `${key}.json`));
    await assert.rejects(loadOnce(dir), (err: unknown) => isSyncError(err) && err.code === 'StateUnreadable' && /it is a folder, not a regular file/.test(err.reason));
    assert.deepEqual(await readdir(dir), [`${key}.json`]);
  });

  test('a state file larger than 256 MiB (a sparse one: nothing is written) is refused without being read', async () => {
    const dir = await folder();
    const file = path.join(dir, `${key}.json`);
    await writeFile(file, '');
    await truncate(file, 300 * 1024 * 1024);
    const started = Date.now();
    await assert.rejects(loadOnce(dir), (err: unknown) => isSyncError(err) && err.code === 'StateUnreadable' && /larger than 256 MiB/.test(err.reason));
    assert.ok(Date.now() - started < 2_000, `${Date.now() - started} ms: the file was read`);
  });

  test('an ordinary state file still loads; a missing one is no state', async () => {
    const dir = await folder();
    const lock = await new FileStateStore(dir).lock(key);
    await lock.save({ key, metaverse: { objectType: 'person', attributes: { cn: ['A'] }, sourceAnchor: 'x' } as never });
    await lock.release();
    assert.equal((await loadOnce(dir) as { key: string }).key, key);
    assert.equal(await loadOnce(dir, other), undefined);
  });

  test('a named pipe or a folder at the lock file: StateLockUnusable at once, not a wait of lockWaitMs nor a loop that never ends', async () => {
    const dir = await folder();
    mkfifo(path.join(dir, `${key}.json.lock`));
    await mkdir(path.join(dir, `${other}.json.lock`));
    // Before: the FIFO's read waited for a writer for good, the folder's "released meanwhile" looped for good.
    const r = await inChild(`
      import { FileStateStore } from ${JSON.stringify(storeModule)};
      const store = new FileStateStore(${JSON.stringify(dir)}, { lockWaitMs: 60_000 });
      for (const id of [${JSON.stringify(key)}, ${JSON.stringify(other)}]) {
        try { await store.lock(id); console.log('locked'); } catch (err) { console.log(JSON.stringify({ code: err.code, reason: err.reason, action: err.recommendedAction })); }
      }
    `);
    assert.equal(r.signal, null, `killed after ${r.ms} ms (stderr: ${r.stderr})`);
    assert.ok(r.ms < 15_000, `${r.ms} ms`);
    const answers = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { code: string; reason: string; action: string });
    assert.deepEqual(answers.map((a) => a.code), ['StateLockUnusable', 'StateLockUnusable']);
    assert.match(answers[0]!.reason, new RegExp(`${key}\\.json\\.lock' of this object's stored state is a named pipe \\(FIFO\\), not a lock this tool writes`));
    assert.match(answers[1]!.reason, /is a folder, not a lock this tool writes/);
    assert.match(answers[0]!.action, /^Remove it/);
  });

  test('a batch: a named pipe under a holder file\'s name is skipped, not opened; deferred writes release every lock they took', async () => {
    const dir = await folder();
    mkfifo(path.join(dir, '.999999.abc.holder'));
    mkfifo(path.join(dir, `${key}.json`));
    const r = await inChild(`
      import { FileStateStore } from ${JSON.stringify(storeModule)};
      const store = new FileStateStore(${JSON.stringify(dir)});
      const end = store.beginBatch({ deferWrites: true });
      const results = [];
      for (const id of [${JSON.stringify(key)}, ${JSON.stringify(other)}]) {
        const lock = await store.lock(id);
        try { await lock.load(); await lock.save({ key: id }); results.push('saved'); } catch (err) { results.push(err.code); }
        await lock.release();
      }
      await end();
      console.log(JSON.stringify(results));
    `);
    assert.equal(r.signal, null, `killed after ${r.ms} ms (stderr: ${r.stderr})`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), ['StateUnreadable', 'saved'], 'the one object fails by name, the other runs');
    const left = (await readdir(dir)).sort();
    assert.deepEqual(left, ['.999999.abc.holder', `${key}.json`, `${other}.json`].sort(), 'no lock or holder file of this batch left');
    assert.ok(lstatSync(path.join(dir, `${key}.json`)).isFIFO(), 'the planted pipe is left as it was');
  });

  test('the batch\'s kept tenant read: a named pipe, a link to /dev/zero or a folder there is no kept read (a full read), at once', async () => {
    const dir = await folder();
    const cache = path.join(dir, 'tenant-read.json');
    mkfifo(cache);
    const keyOf = { tenantId: 't', graphEndpoint: 'https://graph.microsoft.com', toolVersion: '1' };
    const r = await inChild(`
      import { loadTenantSnapshot } from ${JSON.stringify(tenantCacheModule)};
      console.log(JSON.stringify(await loadTenantSnapshot(${JSON.stringify(dir)}, ${JSON.stringify(keyOf)}) ?? null));
    `);
    assert.equal(r.signal, null, `killed after ${r.ms} ms: the FIFO was opened and waited on (stderr: ${r.stderr})`);
    assert.equal(r.stdout.trim(), 'null');
    await rm(cache);
    await symlink('/dev/zero', cache);
    assert.equal(await loadTenantSnapshot(dir, keyOf), undefined);
    await rm(cache);
    await mkdir(cache);
    assert.equal(await loadTenantSnapshot(dir, keyOf), undefined);
    await rm(cache, { recursive: true });
    await writeFile(cache, 'null');
    assert.equal(await loadTenantSnapshot(dir, keyOf), undefined, 'JSON null is no kept read either');
    assert.ok(existsSync(cache));
  });
});
