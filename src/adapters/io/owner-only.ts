// Files the tool writes hold directory data (state, reports, JSON results): owner-only, 0600
// files in 0700 folders. Folders are created level by level, because Node's recursive
// mkdir never returns under /proc (it retries ENOENT forever); here every failure surfaces.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const OWNER_ONLY_FILE = 0o600;
export const OWNER_ONLY_FOLDER = 0o700;

/**
 * The folders `dir` lacks, outermost first (none when it exists), and the nearest one that exists.
 * Throws ENOTDIR when `dir` or a folder on the way is a file (or a device, such as /dev/null).
 */
async function missingFolders(dir: string): Promise<{ missing: string[]; existing: string | undefined }> {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    try {
      const s = await stat(current);
      if (!s.isDirectory()) throw Object.assign(new Error(`${current} is not a folder`), { code: 'ENOTDIR' });
      return { missing: missing.reverse(), existing: current };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      missing.push(current);
      const parent = path.dirname(current);
      if (parent === current) return { missing: missing.reverse(), existing: undefined };
      current = parent;
    }
  }
}

/**
 * Creates `dir` and its missing parents (0700). Throws the file system's error (ENOENT, EACCES,
 * ENOTDIR...). The folders it creates are added to `created`, outermost first, as they are
 * made (to be removed again when a run is refused after all, even by an error of this call),
 * and returned.
 */
export async function makeOwnerOnlyDirectory(dir: string, created: string[] = []): Promise<string[]> {
  const { missing } = await missingFolders(dir);
  for (const folder of missing) {
    try {
      await mkdir(folder, { mode: OWNER_ONLY_FOLDER });
      created.push(folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return created;
}

/**
 * Creates `dir` like makeOwnerOnlyDirectory and proves a file can be created in it (one probe
 * file, written and removed): a folder that exists is not yet one that takes files (/proc/self,
 * a read-only mount), and a run should learn that before its first object, not at its lock.
 * The folders it creates are added to `created` as makeOwnerOnlyDirectory adds them.
 */
export async function makeWritableOwnerOnlyDirectory(dir: string, created: string[] = []): Promise<string[]> {
  await makeOwnerOnlyDirectory(dir, created);
  const probe = path.join(dir, `.probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  await writeFile(probe, '', { mode: OWNER_ONLY_FILE, flag: 'wx' });
  await rm(probe, { force: true });
  return created;
}

/**
 * Whether makeWritableOwnerOnlyDirectory(dir) would succeed, leaving nothing behind: a folder that
 * exists takes a probe file (written and removed); a missing one must be creatable in the nearest
 * folder that exists (a probe folder made and removed there). Throws as makeWritableOwnerOnlyDirectory
 * would (ENOTDIR for /dev/null or a file on the way, EACCES, EROFS...). So a run that checks
 * every folder it needs first creates none of them when one of them is refused.
 */
export async function checkWritableOwnerOnlyDirectory(dir: string): Promise<void> {
  const { missing, existing } = await missingFolders(dir);
  if (existing === undefined) throw Object.assign(new Error(`no folder of ${path.resolve(dir)} exists, not even its root`), { code: 'ENOENT' });
  const probe = path.join(existing, `.probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  if (missing.length === 0) {
    await writeFile(probe, '', { mode: OWNER_ONLY_FILE, flag: 'wx' });
    await rm(probe, { force: true });
    return;
  }
  await mkdir(probe, { mode: OWNER_ONLY_FOLDER });
  await rmdir(probe);
}

/** Removes folders makeOwnerOnlyDirectory created (innermost first), each only while it is empty. */
export async function removeCreatedFolders(created: readonly string[]): Promise<void> {
  for (const folder of [...created].reverse()) await rmdir(folder).catch(() => undefined);
}
