// SIGINT/SIGTERM for the CLI, shared by the single-object run (main.ts) and batches: the first
// signal asks the run to stop at the next safe point; a second one, or the grace period
// running out, releases the state locks and exits at once with 130 (SIGINT) or 143 (SIGTERM).
// A batch also stops this way when its standard output goes away (stdout.ts): 141 when the
// reader left (EPIPE, 128 + SIGPIPE as a shell reports it), 3 when the output failed.
import { releaseHeldLocksSync } from '../../app/session';

/** Why a run stops early: a signal, its reader leaving (EPIPE), or its output failing. */
export type StopCause = NodeJS.Signals | 'EPIPE' | 'output';

export const STOP_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, EPIPE: 141, output: 3 };
/** After the first signal, work in flight may finish for this long (its calls are bounded by their time-outs). */
export const INTERRUPT_GRACE_MS = 10_000;

export interface InterruptMessages {
  /** Written when the first signal (or the output's failure) arrives. */
  first(cause: StopCause): string;
  /** Written just before the process exits at once; `lockReleased` says whether a state lock was released. */
  stopNow(cause: StopCause, lockReleased: boolean): string;
}

export function interruptOnSignals(messages: InterruptMessages, beforeExit: () => void) {
  const controller = new AbortController();
  let received: StopCause | undefined;
  let grace: NodeJS.Timeout | undefined;
  const stopNow = (cause: StopCause) => {
    beforeExit();
    const released = releaseHeldLocksSync();
    process.stderr.write(messages.stopNow(cause, released.length > 0));
    process.exit(STOP_EXIT[cause] ?? 1);
  };
  const stop = (cause: StopCause) => {
    if (received) {
      // A second signal stops at once; a failing output while stopping changes nothing.
      if (cause !== 'EPIPE' && cause !== 'output') stopNow(cause);
      return;
    }
    received = cause;
    controller.abort();
    process.stderr.write(messages.first(cause));
    grace = setTimeout(() => stopNow(cause), INTERRUPT_GRACE_MS);
    grace.unref();
  };
  const onSignal = (signal: NodeJS.Signals) => stop(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    received: () => received,
    exitCode: () => (received ? STOP_EXIT[received] : undefined),
    /** Stops the run as a first signal does, for a cause that is not a signal. */
    stop,
    dispose() {
      if (grace) clearTimeout(grace);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
