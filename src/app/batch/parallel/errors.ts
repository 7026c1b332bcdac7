// A SyncError across a thread boundary: its fields travel, and it is raised again as the same
// SyncError (code, reason, recommended action, category, remedy, plain details) on the other side.
import { isSyncError, SyncError, type CatalogEntry } from '../../../engine/errors/sync-error';

/** The entry's fields with its texts filled, the plain details, and whether it was a SyncError at all. */
export interface SerializedError extends CatalogEntry {
  syncError: boolean;
  details: Record<string, unknown>;
  /** A plain Error's message (syncError false). */
  message: string;
}

/** The details that survive a structured clone as data: text, numbers, flags and plain JSON. */
function plainDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    if (value instanceof Error) continue;
    try {
      out[key] = typeof value === 'object' && value !== null ? JSON.parse(JSON.stringify(value)) : value;
    } catch {
      // not plain data (a cycle, a bigint): left out
    }
  }
  return out;
}

export function serializeError(err: unknown): SerializedError {
  if (isSyncError(err)) {
    return {
      syncError: true, code: err.code, reason: err.reason, recommendedAction: err.recommendedAction,
      ...(err.documentationUrl ? { documentationUrl: err.documentationUrl } : {}),
      category: err.category, remedy: err.remedy, details: plainDetails(err.details), message: err.message,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { syncError: false, code: 'UnexpectedError', reason: message, recommendedAction: '', category: 'failure', remedy: 'none', details: {}, message };
}

export function reviveError(raw: SerializedError): Error {
  if (!raw.syncError) return new Error(raw.message);
  return SyncError.revive(raw);
}
