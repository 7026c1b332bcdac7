// File-backed StateStore: one JSON file per object under the state folder, written to a temp
// file and renamed into place (atomic on one file system), guarded by a lock file created
// with O_EXCL so two syncs of the same object never interleave.
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SyncError, syncErrors } from '../engine/errors';
import type { Attributes, AttributeValue } from '../engine/model/attributes';
import type { ObjectState, StateLock, StateStore } from '../engine/spaces/state-store';

interface Options {
  /** How long a second sync of the same object waits for the first (default 30 s). */
  lockWaitMs?: number;
  /** A lock older than this is considered abandoned by a crashed process (default 10 min). */
  staleLockMs?: number;
}

type Serialized = string | number | boolean | { $binary: string };

function serializeAttributes(attributes: Attributes): Record<string, Serialized[]> {
  const out: Record<string, Serialized[]> = {};
  for (const [name, values] of Object.entries(attributes)) {
    out[name] = values.map((v) => (v instanceof Uint8Array ? { $binary: Buffer.from(v).toString('base64') } : v));
  }
  return out;
}

function deserializeAttributes(raw: Record<string, Serialized[]>): Attributes {
  const out: Attributes = {};
  for (const [name, values] of Object.entries(raw)) {
    out[name] = values.map((v): AttributeValue =>
      typeof v === 'object' && v !== null ? new Uint8Array(Buffer.from(v.$binary, 'base64')) : v,
    );
  }
  return out;
}

function mapSpaces(state: ObjectState, map: (a: never) => unknown): unknown {
  const copy: Record<string, unknown> = { key: state.key };
  for (const space of ['adConnectorSpace', 'metaverse', 'entraConnectorSpace'] as const) {
    const value = state[space];
    if (value) copy[space] = { ...value, attributes: map(value.attributes as never) };
  }
  return copy;
}

async function readState(file: string): Promise<ObjectState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const raw = JSON.parse(text) as ObjectState;
    return mapSpaces(raw, deserializeAttributes as never) as ObjectState;
  } catch (err) {
    throw new SyncError(syncErrors.StateUnreadable, { file, detail: (err as Error).message });
  }
}

/** Object keys are GUIDs; anything else is hashed into a safe file name. */
function fileNameFor(key: string): string {
  return /^[0-9a-fA-F-]{36}$/.test(key) ? key.toLowerCase() : Buffer.from(key).toString('base64url');
}

export class FileStateStore implements StateStore {
  private readonly lockWaitMs: number;
  private readonly staleLockMs: number;

  constructor(
    private readonly directory: string,
    options: Options = {},
  ) {
    this.lockWaitMs = options.lockWaitMs ?? 30_000;
    this.staleLockMs = options.staleLockMs ?? 600_000;
  }

  async peek(key: string): Promise<ObjectState | undefined> {
    return readState(path.join(this.directory, `${fileNameFor(key)}.json`));
  }

  async lock(key: string): Promise<StateLock> {
    await mkdir(this.directory, { recursive: true });
    const file = path.join(this.directory, `${fileNameFor(key)}.json`);
    const lockFile = `${file}.lock`;
    const deadline = Date.now() + this.lockWaitMs;
    for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
      try {
        const handle = await open(lockFile, 'wx');
        await handle.writeFile(JSON.stringify({ pid: process.pid, at: new Date().toISOString() }));
        await handle.close();
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const held = await stat(lockFile).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (held > this.staleLockMs) {
          await rm(lockFile, { force: true });
          continue;
        }
        if (Date.now() + delay > deadline) {
          throw new SyncError(syncErrors.StateLocked, { lockFile, heldSeconds: Math.round(held / 1000) });
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    let released = false;
    return {
      load: () => readState(file),
      save: async (state) => {
        const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
        await writeFile(temp, JSON.stringify(mapSpaces(state, serializeAttributes as never), null, 1));
        await rename(temp, file);
      },
      release: async () => {
        if (released) return;
        released = true;
        await rm(lockFile, { force: true });
      },
    };
  }
}
