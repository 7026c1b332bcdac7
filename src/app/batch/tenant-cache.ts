// The batch's tenant read, kept in the state folder (tenant-read.json, 0600) with its delta
// links, so the next batch reads only what changed in Microsoft Entra ID. The file names the
// tenant, the Graph endpoint and the tool version it was read with; any difference (or a file
// that does not parse) means a full read, never a wrong match.
//
// The state folder is untrusted: the starter configuration puts it in the workspace, so a
// repository (or an archive, which keeps file modes) can bring a tenant-read.json. Its objects
// answer step 8's lookups, so a forged one (a cloud-only user given an AD object's source
// anchor) would match that object to the wrong cloud object. The file is therefore sealed: an
// HMAC-SHA256 over its bytes with a key of this user's, kept outside the state folder
// (tenantCacheKeyFile: 0600 in a 0700 folder under XDG_STATE_HOME, ~/.local/state or
// %LOCALAPPDATA%). A file without a valid seal (another tool's, another user's, or changed since
// it was written) is not parsed and is no kept read: the tenant is read in full.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { link, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { TenantSnapshot } from '../../engine/batch/batch-tenant';
import { makeOwnerOnlyDirectory, OWNER_ONLY_FILE, OWNER_ONLY_FOLDER } from '../../adapters/io/owner-only';
import { READ_LIMITS, readRegularFile } from '../../adapters/io/read-bounded';

const FILE = 'tenant-read.json';
const FORMAT = 1;

export interface TenantCacheKey {
  tenantId: string;
  graphEndpoint: string;
  toolVersion: string;
}

interface Stored extends TenantCacheKey {
  seal: string;
  format: number;
  readAt: string;
  snapshot: TenantSnapshot;
}

export const tenantCacheFile = (stateDir: string) => path.join(stateDir, FILE);

/** The file starts with the seal, 64 hex digits: written as zeros, the HMAC is taken, then put in their place. */
const SEAL_START = Buffer.byteLength('{"seal":"');
const SEAL_LENGTH = 64;
const UNSEALED = '0'.repeat(SEAL_LENGTH);
const SEAL_CONTEXT = 'single-object-sync tenant-read.json v1\n';

/** This user's sealing key: outside any state folder, where a workspace cannot put it. */
export function tenantCacheKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg
    : process.platform === 'win32' ? (env.LOCALAPPDATA && path.isAbsolute(env.LOCALAPPDATA) ? env.LOCALAPPDATA : path.join(homedir(), 'AppData', 'Local'))
    : path.join(homedir(), '.local', 'state');
  return path.join(base, 'single-object-sync', 'tenant-read.key');
}

/** The key, if this user has one (a regular file of 64 hex digits, not followed through a link). */
async function readKey(): Promise<Buffer | undefined> {
  const bytes = await readRegularFile(tenantCacheKeyFile(), 1024);
  const text = bytes?.toString('utf8').trim();
  return text && /^[0-9a-f]{64}$/.test(text) ? Buffer.from(text, 'hex') : undefined;
}

/** The key, made the first time (written whole under another name, then linked: two processes agree on one). */
async function keyForWriting(): Promise<Buffer> {
  const existing = await readKey();
  if (existing) return existing;
  const file = tenantCacheKeyFile();
  await mkdir(path.dirname(file), { recursive: true, mode: OWNER_ONLY_FOLDER });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, `${randomBytes(32).toString('hex')}\n`, { mode: OWNER_ONLY_FILE, flag: 'wx' });
  try {
    await link(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  const key = await readKey();
  if (!key) throw new Error(`the sealing key ${file} is not 64 hexadecimal digits`);
  return key;
}

function sealOf(key: Buffer, unsealed: Buffer): Buffer {
  return createHmac('sha256', key).update(SEAL_CONTEXT).update(unsealed).digest();
}

/** The file's content when its seal is this user's HMAC over it, else undefined (not parsed). */
function unseal(bytes: Buffer, key: Buffer): Buffer | undefined {
  if (bytes.length < SEAL_START + SEAL_LENGTH + 1 || bytes.subarray(0, SEAL_START).toString('latin1') !== '{"seal":"' || bytes[SEAL_START + SEAL_LENGTH] !== 0x22) return undefined;
  const hex = bytes.subarray(SEAL_START, SEAL_START + SEAL_LENGTH).toString('latin1');
  if (!/^[0-9a-f]{64}$/.test(hex)) return undefined;
  const unsealed = Buffer.from(bytes);
  unsealed.write(UNSEALED, SEAL_START, 'latin1');
  return timingSafeEqual(sealOf(key, unsealed), Buffer.from(hex, 'hex')) ? bytes : undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A kind's kept read: a delta link and objects each with a kind, a string id and properties. */
function validKind(k: unknown, kind: 'user' | 'group'): boolean {
  if (!isRecord(k) || typeof k.deltaLink !== 'string' || !Array.isArray(k.objects)) return false;
  return k.objects.every((o) => isRecord(o) && o.kind === kind && typeof o.id === 'string' && isRecord(o.properties));
}

export async function loadTenantSnapshot(stateDir: string, key: TenantCacheKey): Promise<TenantSnapshot | undefined> {
  let stored: Stored;
  try {
    // The state folder may come with a repository: a regular file only, bounded, opened without
    // following a link or waiting (a FIFO here would hold a thread of the pool and the batch for
    // good, /dev/zero fill the memory). Anything else is no kept read: the tenant is read in full.
    const bytes = await readRegularFile(tenantCacheFile(stateDir), READ_LIMITS.tenantCache);
    if (bytes === undefined) return undefined;
    const sealKey = await readKey();
    const content = sealKey ? unseal(bytes, sealKey) : undefined;
    if (!content) return undefined;
    stored = JSON.parse(content.toString('utf8')) as Stored;
  } catch {
    return undefined;
  }
  if (!isRecord(stored)) return undefined;
  if (stored.format !== FORMAT || stored.tenantId !== key.tenantId || stored.graphEndpoint !== key.graphEndpoint || stored.toolVersion !== key.toolVersion) return undefined;
  const snapshot = stored.snapshot as unknown;
  return isRecord(snapshot) && validKind(snapshot.users, 'user') && validKind(snapshot.groups, 'group') ? stored.snapshot : undefined;
}

/** Written whole, sealed and renamed, so a reader never sees half a file. */
export async function saveTenantSnapshot(stateDir: string, key: TenantCacheKey, snapshot: TenantSnapshot): Promise<void> {
  const sealKey = await keyForWriting();
  await makeOwnerOnlyDirectory(stateDir);
  const file = tenantCacheFile(stateDir);
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const stored: Stored = { seal: UNSEALED, format: FORMAT, ...key, readAt: new Date().toISOString(), snapshot };
  const bytes = Buffer.from(JSON.stringify(stored), 'utf8');
  bytes.write(sealOf(sealKey, bytes).toString('hex'), SEAL_START, 'latin1');
  await writeFile(temp, bytes, { mode: OWNER_ONLY_FILE, flag: 'wx' });
  await rename(temp, file);
}
