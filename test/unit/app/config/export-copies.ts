// Copies of a server-configuration export fixture to edit in a test, the way exports are edited in
// the field (by hand, by a script, by another tool).
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A copy of the export folder `source` in a new temporary folder named from `prefix`. */
export async function copyExport(source: string, prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await cp(source, dir, { recursive: true });
  return dir;
}

/** Rewrites one file of a copy; the edit must change it (a pattern that no longer matches fails here). */
export async function edit(file: string, change: (text: string) => string): Promise<string> {
  const before = await readFile(file, 'utf8');
  const after = change(before);
  assert.notEqual(after, before, `the edit changed ${path.basename(file)}`);
  await writeFile(file, after);
  return after;
}

/** A configuration file in `dir` that loads the export copied there (its rules and connectors). */
export async function writeConfig(dir: string): Promise<string> {
  const file = path.join(dir, 'single-object-sync.json');
  await writeFile(file, JSON.stringify({
    activeDirectory: [{ name: 'contoso.com', ldifFile: 'snapshot.ldif' }],
    entra: { tenantId: 'contoso.onmicrosoft.com', clientId: '3f9a1c7e-52b4-4e0d-8c6a-9d2e7f4b1a30', clientSecretEnv: 'SOS_CLIENT_SECRET' },
    rules: { serverConfiguration: dir },
  }));
  return file;
}
