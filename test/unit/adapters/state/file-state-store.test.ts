import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { isSyncError } from '../../../../src/engine/errors';
import { FileStateStore, releaseHeldLocksSync, type LockHolder } from '../../../../src/adapters/state/file-state-store';

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

// ---- Lock holders (issue 12): a lock names its holder and is taken over when the holder is gone.

const storeModule = path.resolve(__dirname, '../../../../src/adapters/state/file-state-store.ts');

/** A real second process that takes the lock, says so on stdout, then waits (to be killed). */
async function holderProcess(dir: string): Promise<ChildProcess> {
  const script = path.join(dir, 'holder.ts');
  await writeFile(script, `import { FileStateStore } from ${JSON.stringify(storeModule)};\nvoid new FileStateStore(${JSON.stringify(dir)}).lock(${JSON.stringify(key)}).then(() => { process.stdout.write('locked\\n'); setInterval(() => {}, 1000); });\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  return child;
}

test('a lock whose process was killed is taken over at once, not after a time-out', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-state-'));
  const child = await holderProcess(dir);
  const lockFile = path.join(dir, `${key}.json.lock`);
  const holder = JSON.parse(await readFile(lockFile, 'utf8')) as LockHolder;
  assert.equal(holder.pid, child.pid);
  assert.equal(holder.host, hostname());
  assert.ok(!Number.isNaN(Date.parse(holder.since)));
  // While it runs, the lock holds and the error names the holder.
  await assert.rejects(new FileStateStore(dir, { lockWaitMs: 200 }).lock(key), (err) =>
    isSyncError(err) && err.code === 'StateLocked' && err.reason.includes(`process ${child.pid} on ${hostname()}`));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const started = Date.now();
  const lock = await new FileStateStore(dir, { lockWaitMs: 60_000 }).lock(key);
  assert.ok(Date.now() - started < 5_000, `taken over in ${Date.now() - started} ms`);
  assert.equal((JSON.parse(await readFile(lockFile, 'utf8')) as LockHolder).pid, process.pid);
  await lock.release();
  assert.deepEqual(await readdir(dir), ['holder.ts']);
});

test('a lock whose pid now belongs to another process (other start time) is taken over; a version 0.1 lock of a dead pid too', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-state-'));
  const lockFile = path.join(dir, `${key}.json.lock`);
  await writeFile(lockFile, JSON.stringify({ pid: process.ppid, host: hostname(), processStart: '1', since: new Date().toISOString() }));
  const lock = await new FileStateStore(dir, { lockWaitMs: 300 }).lock(key);
  await lock.release();
  const dead = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => dead.once('exit', r));
  await writeFile(lockFile, JSON.stringify({ pid: dead.pid, at: new Date().toISOString() }));
  await (await new FileStateStore(dir, { lockWaitMs: 300 }).lock(key)).release();
});

test('a lock held on another host is never broken: StateLocked names that host', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-state-'));
  const lockFile = path.join(dir, `${key}.json.lock`);
  await writeFile(lockFile, JSON.stringify({ pid: 1, host: 'other-host.example', since: '2026-01-01T00:00:00.000Z' }));
  await assert.rejects(new FileStateStore(dir, { lockWaitMs: 200 }).lock(key), (err) =>
    isSyncError(err) && err.code === 'StateLocked' && err.reason.includes('process 1 on other-host.example since 2026-01-01'));
  assert.ok(existsSync(lockFile));
});

test('an unreadable lock (its writer died before writing) is waited for briefly, then taken over', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-state-'));
  const lockFile = path.join(dir, `${key}.json.lock`);
  await writeFile(lockFile, '');
  await assert.rejects(new FileStateStore(dir, { lockWaitMs: 200 }).lock(key), (err) => isSyncError(err) && err.code === 'StateLocked');
  const old = new Date(Date.now() - 60_000);
  await utimes(lockFile, old, old);
  await (await new FileStateStore(dir, { lockWaitMs: 200 }).lock(key)).release();
});

test('releaseHeldLocksSync removes only the locks this process holds (signal handlers)', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-state-'));
  const lock = await new FileStateStore(dir).lock(key);
  assert.deepEqual(releaseHeldLocksSync(), [path.join(dir, `${key}.json.lock`)]);
  assert.deepEqual(await readdir(dir), []);
  await lock.release();
  assert.deepEqual(releaseHeldLocksSync(), []);
});

test('state files and locks are owner-only (0600) in a folder created 0700', async () => {
  const parent = await mkdtemp(path.join(tmpdir(), 'sos-state-'));
  const dir = path.join(parent, 'a', 'b');
  const lock = await new FileStateStore(dir).lock(key);
  assert.equal((await stat(path.join(dir, `${key}.json.lock`))).mode & 0o777, 0o600);
  await lock.save({ key });
  assert.equal((await stat(path.join(dir, `${key}.json`))).mode & 0o777, 0o600);
  await lock.release();
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  assert.equal((await stat(path.join(parent, 'a'))).mode & 0o777, 0o700);
});

test('a state folder under /proc fails at once with the file system error (no endless retry)', { skip: !existsSync('/proc/self') && 'no /proc' }, async () => {
  const started = Date.now();
  await assert.rejects(new FileStateStore('/proc/sos-state-test/state').lock(key), (err: NodeJS.ErrnoException) => ['ENOENT', 'EACCES', 'EPERM'].includes(err.code ?? ''));
  assert.ok(Date.now() - started < 2_000);
});

// ---- Batch locks (issue 14): in a batch, locks are hard links to one holder file of the process.

const otherKey = '11111111-2222-3333-4444-555555555555';

/** A real second process that runs a batch: locks two objects, saves one, says so, then waits (to be killed). */
async function batchProcess(dir: string): Promise<ChildProcess> {
  const script = path.join(dir, 'batch.ts');
  await writeFile(script, `import { FileStateStore } from ${JSON.stringify(storeModule)};
const store = new FileStateStore(${JSON.stringify(dir)});
store.beginBatch();
void (async () => {
  const saved = await store.lock(${JSON.stringify(otherKey)});
  await saved.save({ key: ${JSON.stringify(otherKey)}, adConnectorSpace: { connector: 'c', dn: 'CN=B', objectType: 'user', attributes: { cn: ['B'] }, importedAt: 'run 1' } });
  await saved.release();
  await store.lock(${JSON.stringify(key)});
  process.stdout.write('locked\\n');
  setInterval(() => {}, 1000);
})();
`);
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`batch exited ${code}`)));
  });
  return child;
}

test('a batch lock reads as any lock (holder named, waited for); a killed batch is taken over and its holder file removed, the saved state kept', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-state-'));
  const child = await batchProcess(dir);
  const lockFile = path.join(dir, `${key}.json.lock`);
  const holder = JSON.parse(await readFile(lockFile, 'utf8')) as LockHolder;
  assert.equal(holder.pid, child.pid);
  assert.equal(holder.host, hostname());
  // The lock is a link to the batch's holder file: no file of its own per object.
  const holderFiles = (await readdir(dir)).filter((n) => n.endsWith('.holder'));
  assert.equal(holderFiles.length, 1);
  assert.equal((await stat(lockFile)).ino, (await stat(path.join(dir, holderFiles[0]!))).ino);
  await assert.rejects(new FileStateStore(dir, { lockWaitMs: 200 }).lock(key), (err) =>
    isSyncError(err) && err.code === 'StateLocked' && err.reason.includes(`process ${child.pid} on ${hostname()}`));

  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  // The re-run: its batch removes the dead holder file, takes the dead lock over and finds what run 1 saved.
  const store = new FileStateStore(dir, { lockWaitMs: 60_000 });
  const end = store.beginBatch();
  assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.holder')), []);
  const lock = await store.lock(key);
  assert.equal((JSON.parse(await readFile(lockFile, 'utf8')) as LockHolder).pid, process.pid);
  await lock.save({ key, adConnectorSpace: { connector: 'c', dn: 'CN=A', objectType: 'user', attributes: { cn: ['A'] }, importedAt: 'run 2' } });
  await lock.release();
  const saved = await store.peek(otherKey);
  assert.equal(saved?.adConnectorSpace?.importedAt, 'run 1');
  await end();
  assert.deepEqual((await readdir(dir)).sort(), [`${otherKey}.json`, `${key}.json`, 'batch.ts'].sort());
});

test('in a batch, two locks of one object still exclude each other, and the holder record stays current', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-state-'));
  const store = new FileStateStore(dir, { lockWaitMs: 300 });
  const end = store.beginBatch();
  const first = await store.lock(key);
  await assert.rejects(store.lock(key), (err) => isSyncError(err) && err.code === 'StateLocked');
  await first.release();
  await new Promise((r) => setTimeout(r, 1_100));
  const later = await store.lock(key);
  const since = Date.parse((JSON.parse(await readFile(path.join(dir, `${key}.json.lock`), 'utf8')) as LockHolder).since);
  assert.ok(Date.now() - since < 1_000, `holder record from ${Date.now() - since} ms ago`);
  // A signal handler removes the batch's locks and its holder file.
  assert.deepEqual(releaseHeldLocksSync(), [path.join(dir, `${key}.json.lock`)]);
  assert.deepEqual(await readdir(dir), []);
  await later.release();
  await end();
});

/** A state with one binary value, as the sync saves it. */
const stateOf = (k: string, importedAt: string) => ({
  key: k,
  adConnectorSpace: { connector: 'c', dn: `CN=${k}`, objectType: 'user', attributes: { objectGUID: [new Uint8Array([9, 8, 7])], cn: [k] }, importedAt },
});

test('a staging batch writes its states behind it: each is read back (peek, load) at once, in its file when the batch ends, every lock released', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-state-'));
  const store = new FileStateStore(dir, { lockWaitMs: 5_000 });
  const end = store.beginBatch({ deferWrites: true });
  // The batch ends before its folder goes: after a failed assertion, removing the folder while
  // the writer thread still wrote into it kept the test process from ending.
  t.after(async () => {
    await end().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  const keys = Array.from({ length: 200 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
  for (const k of keys) {
    const lock = await store.lock(k);
    await lock.save(stateOf(k, 'batch'));
    await lock.release();
  }
  // Before the writer caught up, the queue answers: another object's sync sees the new state.
  assert.equal((await store.peek(keys[199]!))?.adConnectorSpace?.importedAt, 'batch');
  // A second lock of an object waits for the writer to let the first go, then loads what it saved.
  const again = await store.lock(keys[0]!);
  assert.deepEqual((await again.load())?.adConnectorSpace?.attributes.objectGUID, [new Uint8Array([9, 8, 7])]);
  await again.release();
  await end();
  const names = (await readdir(dir)).sort();
  assert.deepEqual(names, keys.map((k) => `${k}.json`).sort(), 'one file per object; no lock, temp or holder file left');
  const fresh = new FileStateStore(dir);
  for (const k of [keys[0]!, keys[123]!]) assert.equal((await fresh.peek(k))?.adConnectorSpace?.dn, `CN=${k}`);
  assert.equal((await stat(path.join(dir, names[0]!))).mode & 0o777, 0o600);
});

test('a staging batch whose state folder vanished ends with StateNotSaved naming how many, and leaves its locks released', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-state-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const stateDir = path.join(dir, 'state');
  const store = new FileStateStore(stateDir);
  const end = store.beginBatch({ deferWrites: true });
  const locks = [await store.lock(key), await store.lock(otherKey)];
  await rm(stateDir, { recursive: true, force: true });
  for (const [i, lock] of locks.entries()) {
    await lock.save(stateOf(i ? otherKey : key, 'lost'));
    await lock.release();
  }
  await assert.rejects(end(), (err) => isSyncError(err) && err.code === 'StateNotSaved' && err.reason.includes('2 object(s)') && err.reason.includes(stateDir));
  assert.deepEqual(releaseHeldLocksSync(), [], 'the writer released both locks (nothing left for a signal handler)');
  assert.equal(existsSync(stateDir), false, 'nothing recreated the folder');
});

test('an object without objectGUID is keyed by its DN: a deep or hostile DN still gets one file inside the state folder, its name under 255 bytes', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-state-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // 185 UTF-8 bytes (an ordinary deep OU path) was ENAMETOOLONG for the lock; the others are hostile.
  const deep = 'CN=Zoë Müller-Lüdenscheidt Zweite,OU=Team Nord,CN=Zoë Müller-Lüdenscheidt,OU=Vertrieb Süd,OU=Niederlassung München,OU=Benutzer,OU=Deutschland,OU=Europa,DC=corp,DC=contoso,DC=com';
  const keys = [deep, `${deep}x`, `CN=${'A'.repeat(5000)},DC=corp`, 'CN=../../../etc/passwd\u0000/x,DC=corp', 'CN=Short,DC=corp'];
  for (const [i, k] of keys.entries()) {
    const lock = await storeIn(dir).lock(k);
    await lock.save(stateOf(k, `t${i}`));
    await lock.release();
  }
  const names = await readdir(dir);
  assert.equal(names.length, keys.length, 'one file per key; no two keys share one');
  for (const name of names) {
    assert.ok(Buffer.byteLength(name) <= 255 - 38, `${name} leaves room for the lock, temp and stale names`);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(name, /[/\\\u0000]|^\.\.?$/);
  }
  for (const [i, k] of keys.entries()) assert.equal((await storeIn(dir).peek(k))?.adConnectorSpace?.importedAt, `t${i}`);
  // A DN that was encoded before keeps its file name (its stored state is found again).
  assert.ok(names.includes(`${Buffer.from('CN=Short,DC=corp').toString('base64url')}.json`));
});

const storeIn = (dir: string) => new FileStateStore(dir);
