// The opaque continuation of a paged listing: which listing, which phase (containers, then
// other objects) and how many entries of that phase were returned, so a listing can resume
// on the same connection (live paged search) or on a new one (search again and skip).
import { directoryErrors } from '../../../engine/errors/catalog/directory';
import { SyncError } from '../../../engine/errors/sync-error';

export interface ContinuationToken {
  key: string;
  phase: 0 | 1;
  returned: number;
  dn: string;
}

export function encodeContinuation(token: ContinuationToken): string {
  return Buffer.from(JSON.stringify({ v: 1, k: token.key, p: token.phase, r: token.returned, d: token.dn }), 'utf8').toString('base64url');
}

export function decodeContinuation(text: string, dn: string): ContinuationToken {
  try {
    const raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { v?: unknown; k?: unknown; p?: unknown; r?: unknown; d?: unknown };
    if (raw.v === 1 && typeof raw.k === 'string' && (raw.p === 0 || raw.p === 1) && Number.isInteger(raw.r) && (raw.r as number) >= 0 && typeof raw.d === 'string') {
      return { key: raw.k, phase: raw.p, returned: raw.r as number, dn: raw.d };
    }
  } catch {
    // fall through
  }
  throw new SyncError(directoryErrors.ContinuationExpired, { dn });
}
