// Graph's change tracking for the batch's tenant read. The first read takes the delta link
// first ("sync from now": GET /users/delta?$deltatoken=latest with $select answers only a
// @odata.deltaLink) and then lists the collection in pages of 999 with the same $select
// (delta pages are capped at 200 users or groups, a list page at 999: 5,000 users take 6
// requests instead of 25). A change made while the list is read shows again in the next
// round from that link and is applied idempotently. A later round from the stored delta link
// returns only what changed, deleted objects as `@removed`. A link Graph refuses with 410
// Gone (expired, or the service lost the state) starts a full read again.
import { entraErrors, SyncError } from '../../../engine/errors';
import type { EntraObject, TenantChanges } from '../../../engine/ports/entra-target';
import { pageAnswer } from './answers';

const collection = { user: '/users', group: '/groups' } as const;

/** What the delta reader needs from the transport: one GET of a Graph path (query included). */
export type GetPath = (path: string, headers?: Record<string, string>) => Promise<unknown>;

/** The whole collection with the selected properties, and how many requests that took. */
export type ListAll = () => Promise<{ objects: EntraObject[]; requests: number }>;

/**
 * A link Graph returned, as a path under the version segment (the client adds origin and /v1.0).
 * Graph's links are absolute https URLs; anything else is refused by name. Only the path and query
 * are kept, and any "://" in them is written "%3A//": the Graph client takes a path holding
 * "https://" for a URL and sends the request (and the token, when the text before the first ':'
 * names the configured host) wherever it points, e.g. for the link
 * "x:https://graph.microsoft.com:8443/v1.0/users", whose path is the whole text after "x:".
 */
export function linkPath(link: string): string {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw badLink(link, 'not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badLink(link, `a ${url.protocol} link, not https`);
  return `${url.pathname.replace(/^\/v1\.0(?=\/)/, '')}${url.search}`.replace(/:\/\//g, '%3A//');
}

function badLink(link: string, why: string): SyncError {
  const shown = link.length > 200 ? `${link.slice(0, 200)}…` : link;
  return new SyncError(entraErrors.GraphRequestFailed, {
    status: 200, graphCode: '', method: 'GET', path: '(a link Microsoft Graph returned)',
    graphMessage: `the link ${JSON.stringify(shown)} is ${why}; it was not followed`,
  });
}

/** More pages than any tenant's object quota fills at 200 a page: a listing past it is a service fault. */
export const MAX_PAGES = 25_000;

/**
 * The path of the next page a listing follows, refused when Graph's answer would page forever:
 * a link that comes back a second time, or more pages than any tenant holds. Graph answers are
 * untrusted; only the path is kept, so a link naming another host never takes the token there.
 */
export function nextPagePath(link: string, followed: Set<string>): string {
  const path = linkPath(link);
  const refuse = (why: string) => new SyncError(entraErrors.GraphRequestFailed, { status: 200, graphCode: '', method: 'GET', path, graphMessage: `${why}: the listing would never end` });
  if (followed.has(path)) throw refuse('a page link came back a second time');
  if (followed.size >= MAX_PAGES) throw refuse(`more than ${MAX_PAGES} pages`);
  followed.add(path);
  return path;
}

export async function readChanges(
  get: GetPath,
  list: ListAll,
  kind: 'user' | 'group',
  select: string[],
  toObject: (raw: Record<string, unknown>, path: string) => EntraObject,
  deltaLink?: string,
): Promise<TenantChanges> {
  if (deltaLink) {
    try {
      return await round(get, linkPath(deltaLink), toObject, false);
    } catch (err) {
      if (!linkExpired(err)) throw err;
      return { ...(await fullRead(get, list, kind, select, toObject)), restarted: true };
    }
  }
  return fullRead(get, list, kind, select, toObject);
}

/**
 * Graph no longer knows the state a delta link carries: 410 Gone, or, per Microsoft's "Use delta
 * query to track changes in Microsoft Graph data": "In case the token expires, the service should
 * respond with a 40X-series error with error codes such as `syncStateNotFound`" (any 4xx naming
 * that code). Both mean: read everything again.
 */
function linkExpired(err: unknown): boolean {
  if (!(err instanceof SyncError)) return false;
  const status = Number(err.details.status);
  if (status === 410) return true;
  return status >= 400 && status < 500 && /^syncStateNotFound$/i.test(String(err.details.graphCode ?? ''));
}

/** The delta link as of now, then the whole collection listed in pages of 999. */
async function fullRead(get: GetPath, list: ListAll, kind: 'user' | 'group', select: string[], toObject: (raw: Record<string, unknown>, path: string) => EntraObject): Promise<TenantChanges> {
  // Taken before the list: whatever changes while the list is read is in the next round.
  const latest = await round(get, `${collection[kind]}/delta?$deltatoken=latest&$select=${select.join(',')}`, toObject, true);
  const listed = await list();
  // 'latest' answers no objects; should a service answer some, they are newer than the link.
  const byId = new Map(listed.objects.map((o) => [o.id, o]));
  for (const o of latest.changed) byId.set(o.id, o);
  for (const id of latest.removed) byId.delete(id);
  return { changed: [...byId.values()], removed: [], deltaLink: latest.deltaLink, requests: latest.requests + listed.requests, full: true };
}

async function round(get: GetPath, first: string, toObject: (raw: Record<string, unknown>, path: string) => EntraObject, full: boolean): Promise<TenantChanges> {
  const changed: EntraObject[] = [];
  const removed: string[] = [];
  let requests = 0;
  // Graph caps a delta page at 200 users or groups; ask for the most it gives.
  const headers = { Prefer: 'odata.maxpagesize=200' };
  const followed = new Set<string>([first]);
  for (let path: string | undefined = first; path;) {
    const page = pageAnswer(await get(path, headers), 'GET', path);
    requests++;
    for (const raw of page.items) {
      if (raw['@removed'] !== undefined) removed.push(raw.id as string);
      else changed.push(toObject(raw, path));
    }
    if (page.deltaLink) return { changed, removed, deltaLink: page.deltaLink, requests, full };
    const next = page.nextLink;
    if (!next) throw new SyncError(entraErrors.GraphRequestFailed, { status: 200, graphCode: '', method: 'GET', path, graphMessage: 'a delta page had neither @odata.nextLink nor @odata.deltaLink' });
    path = nextPagePath(next, followed);
  }
  throw new Error('unreachable');
}
