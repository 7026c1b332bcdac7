// The what-if's copies of the state folder (CLI --what-if-config and the VS Code container
// preview): the state folder may come with a repository, so a named pipe, a link or a lock in it
// is not copied (a pipe failed the copy with Node's own error; a link could pull in any file).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { copyOfStateFolder } from '../../../../src/app/batch/state-copy';

let dir: string;
const copies: string[] = [];
before(async () => { dir = await mkdtemp(path.join(tmpdir(), 'sos-state-copy-')); });
after(async () => {
  for (const copy of [dir, ...copies]) await rm(copy, { recursive: true, force: true });
});

test('regular files and folders are copied; a named pipe, links and locks are left out', { timeout: 10_000 }, async () => {
  const state = path.join(dir, 'state');
  await mkdir(path.join(state, 'results'), { recursive: true });
  await writeFile(path.join(state, 'a.json'), '{"key":"a"}');
  await writeFile(path.join(state, 'results', 'r.json'), '{}');
  await writeFile(path.join(state, 'b.json.lock'), '123');
  execFileSync('mkfifo', [path.join(state, 'c.json')]);
  await symlink('/etc/hostname', path.join(state, 'd.json'));
  await symlink('/dev/zero', path.join(state, 'e.json'));
  const copy = await copyOfStateFolder(state, 'current');
  copies.push(copy);
  assert.deepEqual((await readdir(copy)).sort(), ['a.json', 'results']);
  assert.equal(await readFile(path.join(copy, 'a.json'), 'utf8'), '{"key":"a"}');
  assert.deepEqual(await readdir(path.join(copy, 'results')), ['r.json']);
});

test('no state folder: an empty copy', async () => {
  const copy = await copyOfStateFolder(path.join(dir, 'missing'), 'proposed');
  copies.push(copy);
  assert.deepEqual(await readdir(copy), []);
});
