// The Clock port: wall time for timestamps, a monotonic clock for durations.
export interface Clock {
  now(): Date;
  /** Milliseconds from an arbitrary origin; only differences matter. */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  monotonic: () => performance.now(),
};
