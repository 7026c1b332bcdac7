// Reading a file the configuration names when it is a named pipe (mkfifo): open() of a FIFO
// waits for a writer forever, so a FIFO planted where the tool reads its configuration, an LDIF
// snapshot or an input file would hang it (in VS Code, a thread of the extension host's file
// pool each time). Real FIFOs here; process substitution (`--input <(cmd)`) must keep working.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { describeReadError, readFileBounded } from '../../../../src/adapters/io/read-bounded';

describe('readFileBounded on named pipes', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sos-fifo-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  function fifo(name: string): string {
    const file = path.join(dir, name);
    assert.equal(spawnSync('mkfifo', [file]).status, 0);
    return file;
  }

  test('a FIFO nobody writes to reads as empty at once instead of waiting forever', async () => {
    const file = fifo('no-writer.json');
    const t0 = Date.now();
    const bytes = await readFileBounded(file, 1024);
    assert.equal(bytes.length, 0);
    assert.ok(Date.now() - t0 < 5_000, `${Date.now() - t0} ms`);
  });

  // A writer is there before the read starts: this process holds the pipe open read-write (on
  // Linux that never blocks), as bash holds the pipe of `<(cmd)` before the tool opens /dev/fd/N.
  const writerOf = (file: string) => open(file, constants.O_RDWR);

  test('a FIFO whose writer sends the text late, in parts, is read whole (process substitution)', async () => {
    const file = fifo('late-writer.txt');
    const writer = await writerOf(file);
    setTimeout(() => void writer.write('CN=A,DC=x\n').then(() => setTimeout(() => void writer.write('CN=B,DC=x\n').then(() => writer.close()), 200)), 300);
    const bytes = await readFileBounded(file, 1024);
    assert.equal(bytes.toString('utf8'), 'CN=A,DC=x\nCN=B,DC=x\n');
  });

  test('a FIFO whose writer stays silent ends in a named time-out, not a hang', async () => {
    const file = fifo('silent-writer.txt');
    const writer = await writerOf(file);
    try {
      const t0 = Date.now();
      await assert.rejects(readFileBounded(file, 1024, { pipeSilenceMs: 400 }), (err: Error) => {
        assert.match(describeReadError(err), /the named pipe sent nothing for 0\.4 s/);
        return true;
      });
      assert.ok(Date.now() - t0 < 5_000, `${Date.now() - t0} ms`);
    } finally {
      await writer.close();
    }
  });

  test('a FIFO that sends more than the limit is refused at the limit', async () => {
    const file = fifo('endless.txt');
    const writer = await writerOf(file);
    const endless = spawn('bash', ['-c', `yes 'CN=A,DC=x' > "${file}"`]);
    try {
      await assert.rejects(readFileBounded(file, 64 * 1024), /larger than 64 KiB/);
    } finally {
      endless.kill();
      await writer.close();
    }
  });
});
