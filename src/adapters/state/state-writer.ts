// Write-behind for a staging batch's state files: the temp-file write, the rename into place
// and the lock's release run on a worker thread, in the order they were queued, while the
// batch's thread goes on with the next object. Creating a file is the costliest system call of
// a batch (a fifth of its time on one thread); on a second core it costs the batch nothing.
//
// The worker's code is a self-contained function run with `eval` (no second bundle to ship
// beside dist/cli.js and dist/extension.js, none to resolve when run from source); it takes
// only paths and text made by this module, never data of its own choosing.
import { Worker } from 'node:worker_threads';

export type WriteOp =
  | { op: 'save'; temp: string; file: string; content: string; mode: number }
  | { op: 'release'; lockFile: string; content: string };

export interface WriteFailure {
  file: string;
  message: string;
}

/** Runs in the worker: each message is done synchronously, in order, and answered with its sequence number. */
function writerMain(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const fs = require('node:fs') as typeof import('node:fs');
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  /* eslint-enable @typescript-eslint/no-require-imports */
  /** A lock file holds one line naming a process (READ_LIMITS.lock). */
  const LOCK_LIMIT = 64 * 1024;
  parentPort!.on('message', (batch: Array<{ seq: number } & WriteOp>) => {
    const answers: Array<{ seq: number; failure?: { file: string; message: string } }> = [];
    for (const item of batch) {
      try {
        if (item.op === 'save') {
          fs.writeFileSync(item.temp, item.content, { mode: item.mode, flag: 'wx' });
          fs.renameSync(item.temp, item.file);
        } else {
          // Read as the store reads a lock (readRegularFileSync, which this code cannot import):
          // a regular file only, bounded, opened without following a link or waiting, so a
          // FIFO put in the lock's place cannot block this thread and the batch that waits for it.
          let current: string | undefined;
          let fd: number | undefined;
          try {
            fd = fs.openSync(item.lockFile, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOFOLLOW ?? 0));
            const info = fs.fstatSync(fd);
            if (info.isFile() && info.size <= LOCK_LIMIT) {
              // size + 1: a file that grew since is longer than any lock this process wrote.
              const buffer = Buffer.alloc(info.size + 1);
              const bytesRead = fs.readSync(fd, buffer, 0, buffer.length, 0);
              current = buffer.toString('utf8', 0, bytesRead);
            }
          } catch {
            current = undefined;
          } finally {
            if (fd !== undefined) fs.closeSync(fd);
          }
          // Only our own lock: never remove one another process took over meanwhile.
          if (current === item.content) fs.rmSync(item.lockFile, { force: true });
        }
        answers.push({ seq: item.seq });
      } catch (err) {
        if (item.op === 'save') fs.rmSync(item.temp, { force: true });
        answers.push({ seq: item.seq, failure: { file: item.op === 'save' ? item.file : item.lockFile, message: (err as Error).message } });
      }
    }
    parentPort!.postMessage(answers);
  });
}

/** Operations are sent to the worker once per turn of the event loop, as one message. */
export class StateWriter {
  private readonly worker: Worker;
  private seq = 0;
  private outstanding = 0;
  private queued: Array<{ seq: number } & WriteOp> = [];
  private readonly settled = new Map<number, (failure?: WriteFailure) => void>();
  private readonly failures: WriteFailure[] = [];
  private idle: (() => void)[] = [];
  private crashed: Error | undefined;

  constructor() {
    this.worker = new Worker(`(${writerMain.toString()})()`, { eval: true });
    this.worker.on('message', (answers: Array<{ seq: number; failure?: WriteFailure }>) => {
      for (const answer of answers) this.settle(answer.seq, answer.failure);
    });
    this.worker.on('error', (err) => {
      this.crashed = err;
      for (const seq of [...this.settled.keys()]) this.settle(seq, { file: '(state writer)', message: err.message });
    });
  }

  /** Queues one operation; `done` runs when the worker finished it (with its failure, if any). */
  enqueue(op: WriteOp, done?: (failure?: WriteFailure) => void): void {
    const seq = ++this.seq;
    this.outstanding++;
    this.settled.set(seq, (failure) => {
      if (failure) this.failures.push(failure);
      done?.(failure);
    });
    if (this.crashed) {
      this.settle(seq, { file: op.op === 'save' ? op.file : op.lockFile, message: this.crashed.message });
      return;
    }
    if (this.queued.push({ seq, ...op }) === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    if (!this.queued.length) return;
    const batch = this.queued;
    this.queued = [];
    this.worker.postMessage(batch);
  }

  private settle(seq: number, failure?: WriteFailure): void {
    const callback = this.settled.get(seq);
    if (!callback) return;
    this.settled.delete(seq);
    this.outstanding--;
    callback(failure);
    if (this.outstanding === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Waits for every queued operation, stops the worker and returns what failed. */
  async close(): Promise<WriteFailure[]> {
    this.flush();
    if (this.outstanding > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    await this.worker.terminate();
    return this.failures;
  }
}
