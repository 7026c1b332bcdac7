// A what-if stages under two configurations, each on its own copy of the state folder, so that
// neither commits anything real. The state folder may come with a repository: only regular files
// and folders are copied (a named pipe would fail the copy, a link could pull in any file), and
// never the locks of a run in progress.
import { cp, lstat, mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A temporary copy of `stateDir` (empty when there is none), named after `label`. */
export async function copyOfStateFolder(stateDir: string, label: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `sos-what-if-${label}-`));
  const exists = await stat(stateDir).then((s) => s.isDirectory(), () => false);
  if (exists) {
    await cp(stateDir, dir, {
      recursive: true,
      force: true,
      filter: async (src) => {
        if (src.endsWith('.lock')) return false;
        const info = await lstat(src).catch(() => undefined);
        return info !== undefined && (info.isFile() || info.isDirectory());
      },
    });
  }
  return dir;
}
