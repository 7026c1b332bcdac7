// Reading a file the configuration names, with a size limit: a path such as /dev/zero or a
// runaway export must end in a clear error, not in gigabytes of memory. A named pipe is opened
// without waiting for a writer: open() of a FIFO would wait forever (a FIFO planted where the
// tool reads would hang it, in VS Code a thread of the extension host's file pool each time).
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

/** Size limits of the files the tool reads (bytes). */
export const READ_LIMITS = {
  configuration: 16 * 1024 * 1024,
  /** One XML file of a Get-ADSyncServerConfiguration export (a connector with its schema is a few MB). */
  serverConfigurationFile: 64 * 1024 * 1024,
  ldif: 256 * 1024 * 1024,
  pem: 1024 * 1024,
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
