// Standard output that may go away: `single-object-sync ... | head -3` closes the pipe after
// three lines (the next write fails with EPIPE), and `> file` on a full disk fails every write
// (ENOSPC). Node reports the first as an 'error' event on process.stdout and throws the second
// from the write itself (a file is written synchronously); either, unhandled, ends the process
// with a stack trace and leaves its state locks behind. Here the first failure is kept, the run
// is told once, and every later write is dropped.

let failure: NodeJS.ErrnoException | undefined;
let listeners: ((err: NodeJS.ErrnoException) => void)[] = [];
let guarded = false;

function fail(err: unknown): void {
  if (failure) return;
  failure = err instanceof Error ? (err as NodeJS.ErrnoException) : Object.assign(new Error(String(err)), { code: 'EIO' });
  const told = listeners;
  listeners = [];
  for (const listener of told) listener(failure);
}

/** Catches process.stdout's write errors from now on (once per process). */
export function guardStdout(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', fail);
}

/** The first write failure of standard output, if any. */
export function stdoutFailure(): NodeJS.ErrnoException | undefined {
  return failure;
}

/** Was standard output closed by its reader (EPIPE), rather than failing? */
export function readerLeft(err: NodeJS.ErrnoException | undefined = failure): boolean {
  return err?.code === 'EPIPE';
}

/** Calls listener once, at the first failure (at once if there was one already). */
export function onStdoutFailure(listener: (err: NodeJS.ErrnoException) => void): void {
  if (failure) listener(failure);
  else listeners.push(listener);
}

/**
 * Writes chunks to standard output in one go (corked: one writev for a pipe); after a failure
 * nothing is written. False when the caller should wait for stdoutDrained().
 */
export function writeStdout(...chunks: string[]): boolean {
  if (failure) return true;
  let room = true;
  try {
    process.stdout.cork();
    try {
      for (const chunk of chunks) room = process.stdout.write(chunk);
    } finally {
      process.stdout.uncork();
    }
  } catch (err) {
    fail(err);
    return true;
  }
  return room || failure !== undefined;
}

/** Writes text and resolves once it is out or has failed (a file's failure comes to the write's callback). */
export function writeStdoutAndWait(text: string): Promise<void> {
  if (failure) return Promise.resolve();
  return new Promise((resolve) => {
    try {
      process.stdout.write(text, (err) => {
        if (err) fail(err);
        resolve();
      });
    } catch (err) {
      fail(err);
      resolve();
    }
  });
}

/** Resolves when standard output can take more, or has failed (no 'drain' comes then). */
export function stdoutDrained(): Promise<void> {
  if (failure) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      process.stdout.off('drain', done);
      resolve();
    };
    process.stdout.once('drain', done);
    onStdoutFailure(done);
  });
}

/** A failure as a message shows it ("ENOSPC: no space left on device"), without the system call's name. */
export function describeFailure(err: NodeJS.ErrnoException): string {
  const message = err.message.replace(/^writev? /, '').replace(/, writev?$/, '');
  return err.code && !message.startsWith(err.code) ? `${err.code}: ${message}` : message;
}

const RAW_CONTROLS = /[\u007f-\u009f]/g;
const HAS_RAW_CONTROL = /[\u007f-\u009f]/;

/**
 * JSON as JSON.stringify wrote it, with DEL and the C1 controls (U+0080-U+009F) escaped as well
 * (\u009b). JSON.stringify escapes U+0000-U+001F only, and a terminal that shows the result reads
 * U+009B as CSI and U+009D as OSC: an AD value would drive it. Outside strings JSON is ASCII, so
 * the escapes land in strings only and the JSON means exactly the same.
 */
export function jsonWithoutControls(json: string): string {
  // Most results are ASCII without DEL: told by two native scans (UTF-8 length equal to the
  // length means no char from U+0080), 4 us for a 35 KB line against 65 us for the regex test.
  if (Buffer.byteLength(json, 'utf8') === json.length ? !json.includes('\u007f') : !HAS_RAW_CONTROL.test(json)) return json;
  return json.replace(RAW_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
