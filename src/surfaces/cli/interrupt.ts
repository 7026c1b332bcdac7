// SIGINT/SIGTERM for the CLI, shared by the single-object run (main.ts) and batches: the first
// signal asks the run to stop at the next safe point; a second one, or the grace period
// running out, releases the state locks and exits at once with 130 (SIGINT) or 143 (SIGTERM).
import { releaseHeldLocksSync } from '../../app/session';

export const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };
/** After the first signal, work in flight may finish for this long (its calls are bounded by their time-outs). */
export const INTERRUPT_GRACE_MS = 10_000;

export interface InterruptMessages {
  /** Written when the first signal arrives. */
  first(signal: NodeJS.Signals): string;
  /** Written just before the process exits at once; `lockReleased` says whether a state lock was released. */
  stopNow(signal: NodeJS.Signals, lockReleased: boolean): string;
}

export function interruptOnSignals(messages: InterruptMessages, beforeExit: () => void) {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  let grace: NodeJS.Timeout | undefined;
  const stopNow = (signal: NodeJS.Signals) => {
    beforeExit();
    const released = releaseHeldLocksSync();
    process.stderr.write(messages.stopNow(signal, released.length > 0));
    process.exit(SIGNAL_EXIT[signal] ?? 1);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) stopNow(signal);
    received = signal;
    controller.abort();
    process.stderr.write(messages.first(signal));
    grace = setTimeout(() => stopNow(signal), INTERRUPT_GRACE_MS);
    grace.unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    received: () => received,
    exitCode: () => (received ? SIGNAL_EXIT[received] : undefined),
    dispose() {
      if (grace) clearTimeout(grace);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
