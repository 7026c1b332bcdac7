// File-backed StateStore: one JSON file per object under the state folder, written to a temp
// file and renamed into place (atomic on one file system), guarded by a lock file created
// with O_EXCL so two syncs of the same object never interleave. Files are 0600, folders 0700.
//
// The per-object file operations are synchronous: each is one small system call on a local
// file, and a batch makes ten of them per object, so the thread-pool round trip, the promise
// and the FileHandle of the asynchronous calls cost more than the work (a fifth of a batch's
// CPU). Waiting for a held lock stays asynchronous.
//
// The lock file names its holder: process id, host name, the process's start time and when
// the lock was taken. A lock whose holder is gone (same host, the process no longer runs, or
// its id now belongs to another process) is taken over at once; a lock held by another host
// is waited for and then reported with its holder, never broken.
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { SyncError, syncErrors } from '../../engine/errors';
import type { Attributes } from '../../engine/model/attributes';
import type { ObjectState, StateLock, StateStore } from '../../engine/spaces/state-store';
import { makeOwnerOnlyDirectory, OWNER_ONLY_FILE } from '../io/owner-only';
import { describeReadError, FileTooLargeError, formatBytes, NotRegularFileError, READ_LIMITS, readRegularFileSync } from '../io/read-bounded';
import { StateWriter, type WriteFailure } from './state-writer';
import { fileNameFor } from './state-file-name';
import { decodeObjectState, StateShapeError } from './state-file-shape';

interface Options {
  /** How long a second sync of the same object waits for the first (default 30 s). */
  lockWaitMs?: number;
}

/** What a lock file holds. */
export interface LockHolder {
  pid: number;
  host: string;
  /** The holder process's start time (Linux clock ticks since boot), to tell a reused pid apart. */
  processStart?: string;
  /** When the lock was taken (ISO 8601). */
  since: string;
}

/** The start time of a process (field 22 of /proc/<pid>/stat), or undefined off Linux / when gone. */
function processStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

const ownProcessStart = processStartOf(process.pid);

function ownHolder(): LockHolder {
  return { pid: process.pid, host: hostname(), ...(ownProcessStart ? { processStart: ownProcessStart } : {}), since: new Date().toISOString() };
}

/** Is the holder of a lock on this host still running? Undefined when it cannot be told (another host). */
export function holderAlive(holder: LockHolder): boolean | undefined {
  if (holder.host !== hostname()) return undefined;
  if (holder.pid === process.pid) return holder.processStart === undefined || holder.processStart === ownProcessStart;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // The pid runs (or exists under another user): the same process only if it started when the holder did.
  if (holder.processStart === undefined) return true;
  const start = processStartOf(holder.pid);
  return start === undefined ? true : start === holder.processStart;
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const raw = JSON.parse(text) as Partial<LockHolder> & { at?: string };
    if (typeof raw.pid !== 'number') return undefined;
    // Version 0.1 wrote { pid, at } only, on this host.
    return { pid: raw.pid, host: typeof raw.host === 'string' ? raw.host : hostname(), ...(typeof raw.processStart === 'string' ? { processStart: raw.processStart } : {}), since: raw.since ?? raw.at ?? '' };
  } catch {
    return undefined;
  }
}

/** Lock files this process holds, so a signal handler can release them before exiting. */
const held = new Map<string, string>();
/** Holder files of this process's batches (see beginBatch), removed with the locks. */
const holderFiles = new Set<string>();

/**
 * Removes every lock this process holds, synchronously (for SIGINT/SIGTERM handlers, where
 * the event loop may not run again). Returns the lock files removed.
 */
export function releaseHeldLocksSync(): string[] {
  const released: string[] = [];
  for (const [lockFile, content] of held) {
    try {
      if (readLockText(lockFile) === content) {
        rmSync(lockFile, { force: true });
        released.push(lockFile);
      }
    } catch {
      // already gone
    }
  }
  held.clear();
  for (const file of holderFiles) rmSync(file, { force: true });
  holderFiles.clear();
  return released;
}

type Serialized = string | number | boolean | { $binary: string };

function serializeAttributes(attributes: Attributes): Record<string, Serialized[]> {
  const out: Record<string, Serialized[]> = {};
  for (const name of Object.keys(attributes)) {
    out[name] = attributes[name]!.map((v) => (v instanceof Uint8Array ? { $binary: Buffer.from(v).toString('base64') } : v));
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

/**
 * The stored state of the object `key`: undefined when it has none. The state folder may come
 * with a repository, so its files are not trusted: only a regular file is read (bounded, opened
 * without following a link or waiting, as readRegularFileSync does). A folder, a named pipe, a
 * device or a link at the name (a FIFO would block the thread for good, /dev/zero fill the
 * memory), a file that does not parse and one not shaped as this tool writes (another object's
 * key, a field of the wrong type: state-file-shape.ts) are StateUnreadable, naming the file.
 */
function readState(file: string, key: string): ObjectState | undefined {
  // Most objects of a first batch have no state yet: asked without an exception (building the
  // ENOENT error and its stack cost more than the read).
  let bytes: Buffer | undefined;
  try {
    bytes = readRegularFileSync(file, READ_LIMITS.state);
  } catch (err) {
    throw new SyncError(syncErrors.StateUnreadable, { file, detail: stateReadProblem(err) }, { cause: err });
  }
  if (bytes === undefined) return undefined;
  try {
    return decodeObjectState(JSON.parse(bytes.toString('utf8')) as unknown, key);
  } catch (err) {
    const detail = err instanceof StateShapeError ? `${err.message} (no state file this tool writes has that; the state folder may have come with a repository)` : (err as Error).message;
    throw new SyncError(syncErrors.StateUnreadable, { file, detail });
  }
}

/** Why a state file could not be read, with what to do when it is not a file this tool wrote. */
function stateReadProblem(err: unknown): string {
  if (err instanceof NotRegularFileError) return `it is ${err.kind}, not a regular file (the only kind this tool writes there; the state folder may have come with a repository)`;
  return describeReadError(err);
}

/**
 * The text of a lock or holder file of the state folder: undefined when it is gone. Read as a
 * state file is (regular files only, bounded, never waiting): a lock named by a planted FIFO or
 * folder must end in an error, not in a thread blocked for good or a loop that never ends.
 */
function readLockText(file: string): string | undefined {
  return readRegularFileSync(file, READ_LIMITS.lock)?.toString('utf8');
}

/** Temp files of this process: a random prefix once (a reused pid never meets an old name), then a counter. */
const tempSalt = randomBytes(4).toString('hex');
let tempCounter = 0;

/** A batch's holder file is replaced after this, so a lock's holder record and age stay accurate to a second. */
const HOLDER_ROTATE_MS = 1_000;
const HOLDER_FILE = /^\.(\d+)\.[0-9a-z]+\.holder$/;

/** A lock file without a readable holder (its writer died between create and write) is abandoned after this. */
const UNREADABLE_LOCK_GRACE_MS = 5_000;

export class FileStateStore implements StateStore {
  private readonly lockWaitMs: number;
  /** The folder is made (0700) once per store, not before every lock: a batch takes thousands. */
  private folderReady: Promise<void> | undefined;
  /** Batches running over this store (beginBatch); while any runs, locks are hard links to `holder`. */
  private batches = 0;
  private holder: { file: string; content: string; createdAt: number } | undefined;
  /** Batches that defer their writes (beginBatch({ deferWrites })) and their shared writer thread. */
  private deferring = 0;
  private writer: StateWriter | undefined;
  /** States queued on the writer and not yet in their files: peek() answers with them. */
  private readonly pendingStates = new Map<string, ObjectState>();

  constructor(
    private readonly directory: string,
    options: Options = {},
  ) {
    this.lockWaitMs = options.lockWaitMs ?? 30_000;
  }

  /**
   * Takes over `lockFile` when it still holds `content` (the gone holder's record): moved aside
   * atomically, checked, and put back if another process took it over first.
   */
  private async takeOver(lockFile: string, content: string): Promise<void> {
    const aside = `${lockFile}.${process.pid}.${Date.now()}.stale`;
    try {
      await rename(lockFile, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    let moved: string | undefined;
    try {
      moved = readLockText(aside);
    } catch {
      moved = undefined;
    }
    if (moved !== content) {
      // Someone else's fresh lock: give it back unless a third process already created one.
      await rename(aside, lockFile).catch(() => undefined);
      return;
    }
    await rm(aside, { force: true });
  }

  /**
   * For a batch: each object's lock is taken by hard-linking a holder file of this process
   * (link() allocates no inode; on a busy disk creating a new file per lock was the costliest
   * call of a batch). The lock files hold the same record and are read, waited for, taken over
   * and released exactly as before; the holder file (.<pid>.<n>.holder, replaced every second
   * so its record and age stay current) is removed when the batch ends, and a dead process's
   * leftover ones when the next batch begins. Returns the function that ends the batch.
   */
  beginBatch(options: { deferWrites?: boolean } = {}): () => Promise<void> {
    if (this.batches++ === 0) this.removeDeadHolders();
    const defers = options.deferWrites === true;
    if (defers && this.deferring++ === 0) this.writer = new StateWriter();
    let ended = false;
    return async () => {
      if (ended) return;
      ended = true;
      let failures: WriteFailure[] = [];
      if (defers && --this.deferring === 0 && this.writer) {
        const writer = this.writer;
        this.writer = undefined;
        failures = await writer.close();
      }
      if (--this.batches === 0) this.dropHolder();
      if (failures.length) {
        throw new SyncError(syncErrors.StateNotSaved, { count: failures.length, stateDir: this.directory, cause: `${failures[0]!.file}: ${failures[0]!.message}` });
      }
    };
  }

  private removeDeadHolders(): void {
    let names: string[];
    try {
      names = readdirSync(this.directory);
    } catch {
      return;
    }
    for (const name of names) {
      if (!HOLDER_FILE.test(name)) continue;
      const file = path.join(this.directory, name);
      let holder: LockHolder | undefined;
      try {
        // A planted FIFO or folder under a holder's name is skipped, never opened.
        const text = readLockText(file);
        if (text === undefined) continue;
        holder = parseHolder(text);
      } catch {
        continue;
      }
      if (holder && holderAlive(holder) === false) rmSync(file, { force: true });
    }
  }

  private dropHolder(): void {
    if (!this.holder) return;
    rmSync(this.holder.file, { force: true });
    holderFiles.delete(this.holder.file);
    this.holder = undefined;
  }

  /** The batch's current holder file (made, or replaced when older than a second). */
  private currentHolder(): { file: string; content: string } {
    if (this.holder && Date.now() - this.holder.createdAt < HOLDER_ROTATE_MS) return this.holder;
    // The old name goes; the locks linked to it keep its record until released.
    this.dropHolder();
    const file = path.join(this.directory, `.${process.pid}.${tempSalt}${(tempCounter++).toString(36)}.holder`);
    const content = JSON.stringify(ownHolder());
    writeFileSync(file, content, { mode: OWNER_ONLY_FILE, flag: 'wx' });
    holderFiles.add(file);
    this.holder = { file, content, createdAt: Date.now() };
    return this.holder;
  }

  /** Creates `lockFile` holding this process's record (or links it, in a batch); returns the record. EEXIST when held. */
  private createLock(lockFile: string): string {
    if (this.batches > 0) {
      const holder = this.currentHolder();
      try {
        linkSync(holder.file, lockFile);
        return holder.content;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw err;
        // The holder file vanished (removed by hand) or links are not supported here: a file of its own.
        if (code === 'ENOENT') this.holder = undefined;
      }
    }
    const content = JSON.stringify(ownHolder());
    const fd = openSync(lockFile, 'wx', OWNER_ONLY_FILE);
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    return content;
  }

  async peek(key: string): Promise<ObjectState | undefined> {
    const file = path.join(this.directory, `${fileNameFor(key)}.json`);
    const pending = this.pendingStates.get(file);
    if (pending) return pending;
    return Promise.resolve().then(() => readState(file, key));
  }

  async lock(key: string): Promise<StateLock> {
    if (!this.folderReady) {
      this.folderReady = makeOwnerOnlyDirectory(this.directory).then(() => undefined);
      this.folderReady.catch(() => { this.folderReady = undefined; });
    }
    await this.folderReady;
    const file = path.join(this.directory, `${fileNameFor(key)}.json`);
    const lockFile = `${file}.lock`;
    const deadline = Date.now() + this.lockWaitMs;
    let content: string;
    for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
      try {
        content = this.createLock(lockFile);
        held.set(lockFile, content);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        let text: string | undefined;
        try {
          text = readLockText(lockFile);
        } catch (readErr) {
          // Not a lock this tool wrote (a folder, a FIFO, a link or a huge file planted in the
          // state folder): it can never be released or taken over, so said at once by name.
          if (readErr instanceof NotRegularFileError || readErr instanceof FileTooLargeError) {
            throw new SyncError(syncErrors.StateLockUnusable, { lockFile, what: readErr instanceof NotRegularFileError ? readErr.kind : `larger than ${formatBytes(READ_LIMITS.lock)}` }, { cause: readErr });
          }
          text = undefined;
        }
        if (text === undefined) continue; // released meanwhile
        const holder = parseHolder(text);
        const age = await stat(lockFile).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (holder ? holderAlive(holder) === false : age > UNREADABLE_LOCK_GRACE_MS) {
          await this.takeOver(lockFile, text);
          continue;
        }
        if (Date.now() + delay > deadline) {
          throw new SyncError(syncErrors.StateLocked, {
            lockFile, heldSeconds: Math.round(age / 1000),
            holder: holder ? `process ${holder.pid} on ${holder.host}${holder.since ? ` since ${holder.since}` : ''}` : 'a process that left no record',
          });
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    let released = false;
    // A deferring batch's lock saves and releases on the writer thread, in order: the lock is
    // let go only after the state is in its file.
    const writer = this.writer;
    return {
      load: async () => this.pendingStates.get(file) ?? readState(file, key),
      save: async (state) => {
        // Unique within the process by a counter (no random bytes per save); 'wx' refuses any leftover.
        const temp = `${file}.${process.pid}.${tempSalt}${(tempCounter++).toString(36)}.tmp`;
        const content = JSON.stringify(mapSpaces(state, serializeAttributes as never), null, 1);
        if (writer) {
          this.pendingStates.set(file, state);
          writer.enqueue({ op: 'save', temp, file, content, mode: OWNER_ONLY_FILE }, () => {
            if (this.pendingStates.get(file) === state) this.pendingStates.delete(file);
          });
          return;
        }
        writeFileSync(temp, content, { mode: OWNER_ONLY_FILE, flag: 'wx' });
        renameSync(temp, file);
      },
      release: async () => {
        if (released) return;
        released = true;
        if (writer) {
          // Held until the writer let it go, so a signal handler still releases it meanwhile.
          writer.enqueue({ op: 'release', lockFile, content }, () => {
            if (held.get(lockFile) === content) held.delete(lockFile);
          });
          return;
        }
        held.delete(lockFile);
        // Only our own lock: never remove one another process took over meanwhile.
        let current: string | undefined;
        try {
          current = readLockText(lockFile);
        } catch {
          current = undefined;
        }
        if (current === content) rmSync(lockFile, { force: true });
      },
    };
  }
}
