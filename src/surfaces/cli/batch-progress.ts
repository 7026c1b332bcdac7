// Batch progress on stderr: on a terminal one line redrawn in place (done/total, rate, ETA,
// counts); otherwise a plain line at every tenth of the batch, so logs stay short.
import type { BatchTally } from '../../engine/batch/tally';

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - m * 60)} s`;
}

export function progressText(done: number, total: number, elapsedMs: number, tally: BatchTally, label: string): string {
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const eta = rate > 0 ? (total - done) / rate : NaN;
  const s = tally.byStatus;
  return `${label} ${done}/${total} (${total ? Math.floor((done / total) * 100) : 100}%) ${rate.toFixed(1)} objects/s, ETA ${done >= total ? '0 s' : formatSeconds(eta)} - success ${s.success}, warning ${s.warning}, failure ${s.failure}, skipped ${s.skipped}`;
}

export function batchProgress(stream: NodeJS.WriteStream, total: number, label: string) {
  const t0 = performance.now();
  let lastDraw = 0;
  let nextPlain = 1;
  let drawn = false;
  const tty = Boolean(stream.isTTY);
  return {
    update(done: number, tally: BatchTally) {
      const now = performance.now();
      if (tty) {
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        drawn = true;
        // Cut to the terminal's width (a wrapped line would not redraw in place); a terminal that
        // reports no width (0: a pseudo-terminal nobody sized, as in CI) gets the whole line.
        stream.write(`\r\x1b[2K${progressText(done, total, now - t0, tally, label)}`.slice(0, (stream.columns || 160) + 5));
      } else if (done >= Math.ceil((nextPlain * total) / 10) || done === total) {
        while (nextPlain <= 10 && done >= Math.ceil((nextPlain * total) / 10)) nextPlain++;
        stream.write(`${progressText(done, total, now - t0, tally, label)}\n`);
      }
    },
    /** Clears the terminal line (before other output). */
    stop() {
      if (tty && drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
