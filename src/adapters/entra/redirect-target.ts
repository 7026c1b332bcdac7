// Where a refused redirect (3xx) pointed, as an error may show it: resolved against the request,
// without a secret this process holds (redact.ts), on one line, control characters as \uXXXX,
// and shortened. The token source and the Graph transport both name it; neither follows it.
import { withoutSecrets } from './redact';

const SHOWN_LIMIT = 300;

export function redirectTarget(location: string | null, requestUrl: string): string {
  if (!location) return 'nowhere (no Location header)';
  let resolved = location;
  try {
    resolved = new URL(location, requestUrl).href;
  } catch {
    // not a URL: quoted as given
  }
  // eslint-disable-next-line no-control-regex
  const line = withoutSecrets(resolved).replace(/\s+/g, ' ').trim().replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return line.length > SHOWN_LIMIT ? `${line.slice(0, SHOWN_LIMIT)}…` : line;
}
