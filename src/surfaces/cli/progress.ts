// One line per step on stderr as each finishes; a spinner only when stderr is a terminal,
// so logs and CI output stay clean.
import type { SyncError } from '../../engine/errors/sync-error';
import type { SyncEvent } from '../../engine/summary/types';

/**
 * AD data is untrusted and reaches the terminal inside reasons (DNs, attribute values): control
 * characters (ESC and the C1 range included) are shown as escapes, never interpreted.
 */
export function terminalText(text: string): string {
  // Bidi overrides and invisible characters too: they would reorder or hide what the line says.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An error as the CLI prints it on stderr: code and reason, the recommended action, the link. */
export function describeError(error: SyncError): string {
  return terminalText(`${error.code}: ${error.reason}`) + `\nRecommended action: ${terminalText(error.recommendedAction)}${error.documentationUrl ? `\nMore: ${terminalText(error.documentationUrl)}` : ''}\n`;
}

const MARK: Record<string, string> = { success: 'ok  ', warning: 'warn', failure: 'FAIL', skipped: 'skip' };
const FRAMES = ['|', '/', '-', '\\'];

/** `reasons: false` (--redact) leaves the reasons out: they may quote a redacted value. */
export function progressPrinter(stream: NodeJS.WriteStream, options: { reasons?: boolean } = {}): { onEvent: (e: SyncEvent) => void; stop: () => void } {
  const withReasons = options.reasons ?? true;
  let timer: NodeJS.Timeout | undefined;
  let frame = 0;
  const clear = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (stream.isTTY) stream.write('\r\x1b[2K');
  };
  return {
    onEvent(event) {
      if (event.type === 'stepStarted' && stream.isTTY) {
        clear();
        timer = setInterval(() => {
          stream.write(`\r${FRAMES[frame++ % FRAMES.length]} [${event.stepNumber}/10] ${event.name}`.slice(0, (stream.columns || 120) - 1)); // 0: a terminal that reports no width
        }, 80);
      } else if (event.type === 'stepFinished') {
        clear();
        const s = event.step;
        const reason = !withReasons ? (s.errorInformation ? ` - ${s.errorInformation.errorCode}` : '') : s.errorInformation ? ` - ${s.errorInformation.errorCode}: ${s.errorInformation.reason}` : s.details.SkipReason ? ` - ${s.details.SkipReason}` : '';
        stream.write(`[${MARK[s.status] ?? s.status}] ${String(s.stepNumber).padStart(2)}. ${s.name} (${Math.round(s.durationInMilliseconds)} ms)${terminalText(reason)}\n`);
      }
    },
    stop: clear,
  };
}
