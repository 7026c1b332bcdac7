// The pace of batched writes once Graph has throttled one. Graph's write quota is a token
// bucket that counts refused requests too ("usage keeps accruing while the client is
// throttled", the reference's section 5), so a client that sends a full batch whenever
// Retry-After ends spends the bucket on refusals. After the first inner 429 the batches leave
// at a learned rate instead (additive increase, multiplicative decrease, as TCP does): it starts
// at what Graph accepted in the last 5 s, or at the refused writes over the Retry-After asked for
// when that is more (a run that starts against a bucket another run spent has accepted nothing
// yet), at least 1 write/s; it drops by a sixth on a batch with a
// 429 (at most once a second: the batches already sent answer the same event), and rises with
// each batch Graph took whole (no 429, no 5xx) by 3%, or by half a write per second when 3% is
// less, while it is not already twice what Graph took in the last 5 s (a lull with few writes
// must not grow it without end). A batch carries at most about one second of the pace, so a
// slow start is many small batches, not a full batch and a long wait.

export class WritePace {
  static readonly windowMs = 5000;
  /** Writes per second; undefined until Graph throttles a write. */
  private rate?: number;
  /** No batch leaves before this time (ms, Date.now()) while paced. */
  private next = 0;
  private lastDecrease = -Infinity;
  /** [when, how many] Graph accepted (answered below 400), the last windowMs. */
  private readonly accepted: [number, number][] = [];

  constructor(private readonly batchLimit: number) {}

  /** Writes per second while paced, or undefined (never throttled). */
  get writesPerSecond(): number | undefined {
    return this.rate;
  }

  /** When the next batch may leave (ms); 0 until Graph throttles a write. */
  get nextAt(): number {
    return this.next;
  }

  /** How many writes the next batch may carry. */
  batchSize(): number {
    return this.rate === undefined ? this.batchLimit : Math.min(this.batchLimit, Math.max(1, Math.ceil(this.rate)));
  }

  /**
   * A batch's answers came back at `at`: `acceptedCount` taken (answered below 400), whether any
   * was a 429, and whether any was a 5xx (then the batch says nothing about the budget).
   */
  answered(at: number, acceptedCount: number, throttled: boolean, failed = false, refusedCount = 0, retryAfterSeconds = 1): void {
    if (acceptedCount > 0) this.accepted.push([at, acceptedCount]);
    while (this.accepted.length > 0 && this.accepted[0]![0] < at - WritePace.windowMs) this.accepted.shift();
    const recent = this.accepted.reduce((sum, [, count]) => sum + count, 0) / (WritePace.windowMs / 1000);
    if (!throttled) {
      if (this.rate !== undefined && !failed && this.rate < 2 * recent + 1) this.rate += Math.max(0.5, this.rate * 0.03);
      return;
    }
    if (this.rate === undefined) {
      this.rate = Math.max(1, recent, refusedCount / Math.max(1, retryAfterSeconds));
      this.lastDecrease = at;
    } else if (at - this.lastDecrease >= 1000) {
      this.rate = Math.max(1, this.rate * (5 / 6));
      this.lastDecrease = at;
    }
  }

  /** A batch of `count` writes leaves at `at`: the next may leave when the pace allows. */
  sent(at: number, count: number): void {
    if (this.rate === undefined) return;
    this.next = Math.max(at, this.next) + (count / this.rate) * 1000;
  }
}
