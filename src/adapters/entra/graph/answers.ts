// The shapes of Graph's answers, checked where they enter. Graph answers are untrusted (a faulty
// service, a proxy in the way): a collection whose `value` is not a list, an object without a
// string id, or no JSON object at all must not read as "no such object" (a staging run would
// then plan a create, an export would write a duplicate) nor crash a step with a TypeError.
// Each is GraphRequestFailed naming the request and what was wrong; nothing is decided from it.
import { entraErrors, SyncError } from '../../../engine/errors';

type Raw = Record<string, unknown>;

export function malformed(method: string, path: string, what: string): SyncError {
  return new SyncError(entraErrors.GraphRequestFailed, {
    status: 200, graphCode: '', method, path,
    graphMessage: `the answer is not what Microsoft Graph documents (${what}); nothing was decided from it`,
  });
}

const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One directory object (a user, group or contact): a JSON object with a non-empty string id. */
export function entityAnswer(body: unknown, method: string, path: string): Raw {
  if (!isRecord(body)) throw malformed(method, path, 'not a JSON object');
  if (typeof body.id !== 'string' || body.id === '') throw malformed(method, path, 'an object without a string id');
  return body;
}

/**
 * A collection ({ value: [...] }): its items, each a JSON object, with a non-empty string id
 * when `ids` (directory objects; a role assignment or a sync setting has its own shape).
 */
export function collectionAnswer(body: unknown, method: string, path: string, ids = true): Raw[] {
  if (!isRecord(body)) throw malformed(method, path, 'not a JSON object');
  const value = body.value;
  if (!Array.isArray(value)) throw malformed(method, path, '"value" is not a list');
  for (const item of value) {
    if (!isRecord(item)) throw malformed(method, path, 'an item of "value" is not a JSON object');
    if (ids && (typeof item.id !== 'string' || item.id === '')) throw malformed(method, path, 'an item of "value" has no string id');
  }
  return value as Raw[];
}

/** A page of a listing: its items and the link to the next page, if Graph gave one as text. */
export function pageAnswer(body: unknown, method: string, path: string): { items: Raw[]; nextLink?: string; deltaLink?: string } {
  const items = collectionAnswer(body, method, path);
  const page = body as Raw;
  const link = (name: string) => {
    const v = page[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw malformed(method, path, `"${name}" is not a link`);
    return v;
  };
  const nextLink = link('@odata.nextLink');
  const deltaLink = link('@odata.deltaLink');
  return { items, ...(nextLink !== undefined ? { nextLink } : {}), ...(deltaLink !== undefined ? { deltaLink } : {}) };
}

/** The inner answers of a POST /$batch: each a JSON object with a string id and a numeric status. */
export function batchResponses<T>(body: unknown): T[] {
  if (!isRecord(body) || !Array.isArray(body.responses)) throw malformed('POST', '/$batch', '"responses" is not a list');
  for (const r of body.responses) {
    if (!isRecord(r) || typeof r.id !== 'string' || typeof r.status !== 'number') throw malformed('POST', '/$batch', 'a response without a string id and a numeric status');
  }
  return body.responses as T[];
}
