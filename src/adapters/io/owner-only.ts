// Files the tool writes hold directory data (state, reports, JSON results): owner-only, 0600
// files in 0700 folders. Folders are created level by level, because Node's recursive
// mkdir never returns under /proc (it retries ENOENT forever); here every failure surfaces.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const OWNER_ONLY_FILE = 0o600;
export const OWNER_ONLY_FOLDER = 0o700;

/** Creates `dir` and its missing parents (0700). Throws the file system's error (ENOENT, EACCES, ENOTDIR...). */
export async function makeOwnerOnlyDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    try {
      const s = await stat(current);
      if (!s.isDirectory()) throw Object.assign(new Error(`${current} is not a folder`), { code: 'ENOTDIR' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      missing.push(current);
      const parent = path.dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  for (const folder of missing.reverse()) {
    try {
      await mkdir(folder, { mode: OWNER_ONLY_FOLDER });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/**
 * Creates `dir` like makeOwnerOnlyDirectory and proves a file can be created in it (one probe
 * file, written and removed): a folder that exists is not yet one that takes files (/proc/self,
 * a read-only mount), and a run should learn that before its first object, not at its lock.
 */
export async function makeWritableOwnerOnlyDirectory(dir: string): Promise<void> {
  await makeOwnerOnlyDirectory(dir);
  const probe = path.join(dir, `.probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  await writeFile(probe, '', { mode: OWNER_ONLY_FILE, flag: 'wx' });
  await rm(probe, { force: true });
}
