// Reading a file the configuration names, with a size limit: a path such as /dev/zero or a
// runaway export must end in a clear error, not in gigabytes of memory. A named pipe is opened
// without waiting for a writer: open() of a FIFO would wait forever (a FIFO planted where the
// tool reads would hang it, in VS Code a thread of the extension host's file pool each time).
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import { lstat, open, stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

/** Size limits of the files the tool reads (bytes). */
export const READ_LIMITS = {
  configuration: 16 * 1024 * 1024,
  /** One XML file of a Get-ADSyncServerConfiguration export (a connector with its schema is a few MB). */
  serverConfigurationFile: 64 * 1024 * 1024,
  ldif: 256 * 1024 * 1024,
  pem: 1024 * 1024,
  /**
   * One object's stored state (its three spaces): a group of 50,000 members is a few MB; more
   * is no state this tool wrote (and a device or a runaway file must not fill the memory).
   */
  state: 256 * 1024 * 1024,
  /** A lock or holder file of the state folder: one line naming a process. */
  lock: 64 * 1024,
  /** The batch's kept tenant read (tenant-read.json): JavaScript's longest string is 512 MiB. */
  tenantCache: 512 * 1024 * 1024,
} as const;

export class FileTooLargeError extends Error {
  readonly code = 'EFBIG';
  constructor(readonly file: string, readonly limit: number) {
    super(`the file is larger than ${formatBytes(limit)}, the most this tool reads (or never ends, like a device)`);
  }
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MiB` : n >= 1024 ? `${Math.round(n / 1024)} KiB` : `${n} bytes`;
}

/** What a path is when it is not a regular file, in words. */
export function fileKindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return info.isFile() ? 'a regular file' : 'not a regular file';
}

/** A path that had to be a regular file (one this tool wrote) and is something else. */
export class NotRegularFileError extends Error {
  readonly code = 'ENOTREGULAR';
  constructor(readonly file: string, readonly kind: string) {
    super(`it is ${kind}, not a regular file; the tool reads no other kind of file there (a link is not followed, a pipe or device not opened)`);
  }
}

/**
 * Opened for reading without following a link (the last component) and without waiting (a FIFO
 * opened for reading waits for a writer; O_NONBLOCK makes it answer at once). Flags a platform
 * lacks (Windows has neither) count as 0.
 */
const REGULAR_ONLY = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

function openRefusal(file: string, err: unknown): Error | undefined {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return undefined;
  // O_NOFOLLOW on a link: Linux and macOS say ELOOP, FreeBSD EMLINK.
  if (code === 'ELOOP' || code === 'EMLINK') return new NotRegularFileError(file, 'a symbolic link');
  return err as Error;
}

/**
 * Reads a file that must be a regular file of at most `limit` bytes, synchronously (the state
 * store reads one small file per object; the thread pool's round trip would cost more than the
 * read). Undefined when there is no such file. Anything else at the path, a folder, a named pipe,
 * a device, a socket or a symbolic link (even to a regular file), throws NotRegularFileError
 * without being read; a longer file throws FileTooLargeError. The path is looked at first
 * (lstat: no error object is built for a missing file, the common case), then opened without
 * following a link and without waiting, and the descriptor checked again (the path may have been
 * swapped between the look and the open), so nothing here can block or read without end.
 */
export function readRegularFileSync(file: string, limit: number): Buffer | undefined {
  const seen = lstatSync(file, { throwIfNoEntry: false });
  if (!seen) return undefined;
  if (!seen.isFile()) throw new NotRegularFileError(file, fileKindOf(seen));
  if (seen.size > limit) throw new FileTooLargeError(file, limit);
  let fd: number;
  try {
    fd = openSync(file, REGULAR_ONLY);
  } catch (err) {
    const refusal = openRefusal(file, err);
    if (refusal) throw refusal;
    return undefined;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new NotRegularFileError(file, fileKindOf(info));
    if (info.size > limit) throw new FileTooLargeError(file, limit);
    // One read of size + 1 bytes (the + 1 sees a file that grew); more room only if it did.
    const into = new BoundedBuffer(file, info.size, limit);
    for (let bytesRead = -1; bytesRead !== 0; into.took(bytesRead)) bytesRead = readSync(fd, ...into.room());
    return into.bytes();
  } finally {
    closeSync(fd);
  }
}

/** Opened for reading without waiting (a FIFO without a writer answers at once), following links. */
const FOLLOWING_NO_WAIT = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a PEM file a configuration names (a CA, a certificate and key): a regular file, or a
 * link to one (/etc/ssl/certs is links), of at most READ_LIMITS.pem, synchronously (TLS options
 * are built synchronously). Opened without waiting and checked on the descriptor, so a named
 * pipe, a device or a folder is refused unread, whatever the path named when it was looked at:
 * in VS Code a read that waited or never ended would freeze the extension host.
 */
export function readPemFileSync(file: string): Buffer {
  const fd = openSync(file, FOLLOWING_NO_WAIT);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new Error(`it is ${fileKindOf(info)}, not a PEM file`);
    if (info.size > READ_LIMITS.pem) throw new FileTooLargeError(file, READ_LIMITS.pem);
    const into = new BoundedBuffer(file, info.size, READ_LIMITS.pem);
    for (let bytesRead = -1; bytesRead !== 0; into.took(bytesRead)) bytesRead = readSync(fd, ...into.room());
    return into.bytes();
  } finally {
    closeSync(fd);
  }
}

/**
 * The buffer a bounded read fills: sized for the file as it was seen plus one byte (the one more
 * sees a file that grew), doubled only if it did, never past limit + 1 (then FileTooLargeError).
 */
class BoundedBuffer {
  private buffer: Buffer;
  private total = 0;
  constructor(private readonly file: string, size: number, private readonly limit: number) {
    this.buffer = Buffer.allocUnsafe(Math.min(size + 1, limit + 1));
  }

  /** Where the next read goes: buffer, offset, length, position (null: the current one). */
  room(): [Buffer, number, number, null] {
    if (this.total === this.buffer.length) {
      if (this.total > this.limit) throw new FileTooLargeError(this.file, this.limit);
      const larger = Buffer.allocUnsafe(Math.min(this.buffer.length * 2, this.limit + 1));
      this.buffer.copy(larger, 0, 0, this.total);
      this.buffer = larger;
    }
    return [this.buffer, this.total, this.buffer.length - this.total, null];
  }

  took(bytesRead: number): void {
    if (bytesRead > 0) this.total += bytesRead;
  }

  bytes(): Buffer {
    if (this.total > this.limit) throw new FileTooLargeError(this.file, this.limit);
    return this.buffer.subarray(0, this.total);
  }
}

/** readRegularFileSync without blocking the thread: for larger files (the batch's kept tenant read). */
export async function readRegularFile(file: string, limit: number): Promise<Buffer | undefined> {
  const seen = await lstat(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!seen) return undefined;
  if (!seen.isFile()) throw new NotRegularFileError(file, fileKindOf(seen));
  if (seen.size > limit) throw new FileTooLargeError(file, limit);
  let handle;
  try {
    handle = await open(file, REGULAR_ONLY);
  } catch (err) {
    const refusal = openRefusal(file, err);
    if (refusal) throw refusal;
    return undefined;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new NotRegularFileError(file, fileKindOf(info));
    if (info.size > limit) throw new FileTooLargeError(file, limit);
    const into = new BoundedBuffer(file, info.size, limit);
    for (let bytesRead = -1; bytesRead !== 0; into.took(bytesRead)) ({ bytesRead } = await handle.read(...into.room()));
    return into.bytes();
  } finally {
    await handle.close();
  }
}

/** How long a named pipe's writer may stay silent before the read gives up (process substitution answers at once). */
export const PIPE_SILENCE_MS = 30_000;

export class PipeSilentError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(readonly file: string, readonly silenceMs: number) {
    super(`the named pipe sent nothing for ${silenceMs / 1000} s`);
  }
}

/**
 * Reads at most `limit` bytes; a longer (or endless) file throws FileTooLargeError; a folder
 * throws EISDIR. A named pipe without a writer reads as empty; one whose writer stays silent for
 * `pipeSilenceMs` throws PipeSilentError.
 */
export async function readFileBounded(file: string, limit: number, options: { pipeSilenceMs?: number } = {}): Promise<Buffer> {
  const pipe = (await stat(file).catch(() => undefined))?.isFIFO() ?? false;
  const handle = await open(file, pipe ? constants.O_RDONLY | constants.O_NONBLOCK : 'r');
  const silenceMs = options.pipeSilenceMs ?? PIPE_SILENCE_MS;
  let heardAt = Date.now();
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw Object.assign(new Error(`${file} is a folder, not a file`), { code: 'EISDIR' });
    if (info.isFile() && info.size > limit) throw new FileTooLargeError(file, limit);
    const chunks: Buffer[] = [];
    let total = 0;
    // A regular file's size is known: one read of size + 1 bytes (the + 1 sees a file that grew);
    // a device or pipe is read in 1 MiB chunks.
    const first = info.isFile() ? info.size + 1 : 1024 * 1024;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(total === 0 ? first : 1024 * 1024, limit + 1 - total));
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(chunk, 0, chunk.length, null));
      } catch (err) {
        // A pipe opened without waiting: EAGAIN means its writer is there but has sent nothing yet.
        if (!pipe || (err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        if (Date.now() - heardAt > silenceMs) throw new PipeSilentError(file, silenceMs);
        await delay(10);
        continue;
      }
      heardAt = Date.now();
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) throw new FileTooLargeError(file, limit);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/**
 * Reads a stream to its end, at most `limit` bytes (more throws FileTooLargeError and stops
 * reading). For standard input: opening /dev/stdin fails (ENXIO) when fd 0 is a socket, which is
 * what a parent Node.js process, and so a VS Code task or a test runner, gives its child as a pipe.
 */
export async function readStreamBounded(stream: NodeJS.ReadableStream & { destroy?: () => void }, name: string, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > limit) {
      stream.destroy?.();
      throw new FileTooLargeError(name, limit);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}

/** "no such file", "permission denied", or the error's own message. */
export function describeReadError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  return (err as Error)?.message ?? String(err);
}
