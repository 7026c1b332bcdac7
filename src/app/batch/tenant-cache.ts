// The batch's tenant read, kept in the state folder (tenant-read.json, 0600) with its delta
// links, so the next batch reads only what changed in Microsoft Entra ID. The file names the
// tenant, the Graph endpoint and the tool version it was read with; any difference (or a file
// that does not parse) means a full read, never a wrong match.
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TenantSnapshot } from '../../engine/batch/batch-tenant';
import { makeOwnerOnlyDirectory, OWNER_ONLY_FILE } from '../../adapters/io/owner-only';
import { READ_LIMITS, readRegularFile } from '../../adapters/io/read-bounded';

const FILE = 'tenant-read.json';
const FORMAT = 1;

export interface TenantCacheKey {
  tenantId: string;
  graphEndpoint: string;
  toolVersion: string;
}

interface Stored extends TenantCacheKey {
  format: number;
  readAt: string;
  snapshot: TenantSnapshot;
}

export const tenantCacheFile = (stateDir: string) => path.join(stateDir, FILE);

export async function loadTenantSnapshot(stateDir: string, key: TenantCacheKey): Promise<TenantSnapshot | undefined> {
  let stored: Stored;
  try {
    // The state folder may come with a repository: a regular file only, bounded, opened without
    // following a link or waiting (a FIFO here would hold a thread of the pool and the batch for
    // good, /dev/zero fill the memory). Anything else is no kept read: the tenant is read in full.
    const bytes = await readRegularFile(tenantCacheFile(stateDir), READ_LIMITS.tenantCache);
    if (bytes === undefined) return undefined;
    stored = JSON.parse(bytes.toString('utf8')) as Stored;
  } catch {
    return undefined;
  }
  if (typeof stored !== 'object' || stored === null) return undefined;
  if (stored.format !== FORMAT || stored.tenantId !== key.tenantId || stored.graphEndpoint !== key.graphEndpoint || stored.toolVersion !== key.toolVersion) return undefined;
  const valid = (k: unknown): boolean => !!k && typeof (k as { deltaLink?: unknown }).deltaLink === 'string' && Array.isArray((k as { objects?: unknown }).objects);
  return valid(stored.snapshot?.users) && valid(stored.snapshot?.groups) ? stored.snapshot : undefined;
}

/** Written whole and renamed, so a reader never sees half a file. */
export async function saveTenantSnapshot(stateDir: string, key: TenantCacheKey, snapshot: TenantSnapshot): Promise<void> {
  await makeOwnerOnlyDirectory(stateDir);
  const file = tenantCacheFile(stateDir);
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const stored: Stored = { format: FORMAT, ...key, readAt: new Date().toISOString(), snapshot };
  await writeFile(temp, JSON.stringify(stored), { mode: OWNER_ONLY_FILE, flag: 'wx' });
  await rename(temp, file);
}
