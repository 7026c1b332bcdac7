// A run's stop (Ctrl+C, Cancel in VS Code) ends every wait of its Graph requests: a
// Retry-After, a back-off after a 503, or the write pace (write-pace.ts). A request already
// sent finishes; one that would have to wait first is not sent and fails as
// StoppedWhileWaiting. Without this, an object in flight of a throttled export could hold the
// run for a Retry-After of minutes after Ctrl+C, past the CLI's grace period, and the batch
// summary of what was done would be lost.
//
// The stop is the run's AbortSignal, carried by the async context the run's calls are made in
// (node:async_hooks), so the engine's ports need no signal parameter and two runs sharing one
// session (the extension) stop only their own waits.
import { AsyncLocalStorage } from 'node:async_hooks';
import { entraErrors, SyncError } from '../../../engine/errors';

const runStop = new AsyncLocalStorage<AbortSignal>();

/** Runs `run` so that `signal` ends every Graph wait of the calls it makes. */
export function stoppingWaitsOn<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  return signal ? runStop.run(signal, run) : run();
}

/** The stop of the run this call belongs to, if it has one. */
export function currentRunStop(): AbortSignal | undefined {
  return runStop.getStore();
}

const onStop = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `fn` once when the run stops; the function returned forgets it. One listener on the
 * signal however many requests wait (Node warns past ten on one AbortSignal).
 */
export function whenStopped(signal: AbortSignal, fn: () => void): () => void {
  let waiting = onStop.get(signal);
  if (!waiting) {
    const created = new Set<() => void>();
    signal.addEventListener('abort', () => {
      for (const call of [...created]) call();
      created.clear();
    }, { once: true });
    onStop.set(signal, created);
    waiting = created;
  }
  const set = waiting;
  set.add(fn);
  return () => void set.delete(fn);
}

/**
 * Waits `ms` with `sleep`, unless the run stops first: then at once, the sleep told to clear
 * its timer. True when the whole wait passed and the run was not stopped.
 */
export function waitUnlessStopped(sleep: (ms: number, signal?: AbortSignal) => Promise<void>, ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (!signal) return sleep(ms).then(() => true);
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const forget = whenStopped(signal, () => resolve(false));
    void sleep(ms, signal).then(() => {
      forget();
      resolve(!signal.aborted);
    });
  });
}

/**
 * The error of a request a stopped run did not send: `answered` is the status of the attempt it
 * waited after (undefined: never sent, it waited for the write pace or another write's Retry-After).
 */
export function stoppedWhileWaiting(method: string, path: string, answered?: number, waitSeconds?: number): SyncError {
  const seconds = waitSeconds === undefined ? '' : `${waitSeconds} s `;
  const [waitedFor, outcome] = answered === undefined
    ? ['for the pace Graph\'s throttling set for this run\'s writes', 'it was not sent, so nothing of it reached Microsoft Entra ID.']
    : answered === 429
      ? [`${seconds}for the Retry-After of a 429 answer`, 'it was not sent again, and Graph does not process a request it answers 429.']
      : [`${seconds}to be sent again after a ${answered} answer`, `it was not sent again; whether the attempt answered ${answered} was applied is unknown.`];
  return new SyncError(entraErrors.StoppedWhileWaiting, { method, path, waitedFor, outcome, status: answered ?? 0 });
}
