// Graph's change tracking for the batch's tenant read: GET /users/delta and /groups/delta with
// $select, following @odata.nextLink to the @odata.deltaLink. The first round (no link) is the
// full read; a later round from the stored delta link returns only what changed, deleted
// objects as `@removed`. A link Graph refuses with 410 Gone (expired, or the service lost the
// state) starts a full read again.
import { entraErrors, SyncError } from '../../../engine/errors';
import type { EntraObject, TenantChanges } from '../../../engine/ports/entra-target';

const collection = { user: '/users', group: '/groups' } as const;

type DeltaPage = { value?: Record<string, unknown>[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };

/** What the delta reader needs from the transport: one GET of a Graph path (query included). */
export type GetPath = (path: string, headers?: Record<string, string>) => Promise<unknown>;

/** A link Graph returned, as a path under the version segment (the client adds origin and /v1.0). */
export function linkPath(link: string): string {
  const url = new URL(link);
  return `${url.pathname.replace(/^\/v1\.0(?=\/)/, '')}${url.search}`;
}

export async function readChanges(
  get: GetPath,
  kind: 'user' | 'group',
  select: string[],
  toObject: (raw: Record<string, unknown>) => EntraObject,
  deltaLink?: string,
): Promise<TenantChanges> {
  if (deltaLink) {
    try {
      return await round(get, linkPath(deltaLink), toObject, false);
    } catch (err) {
      if (!(err instanceof SyncError) || Number(err.details.status) !== 410) throw err;
      return { ...(await round(get, `${collection[kind]}/delta?$select=${select.join(',')}`, toObject, true)), restarted: true };
    }
  }
  return round(get, `${collection[kind]}/delta?$select=${select.join(',')}`, toObject, true);
}

async function round(get: GetPath, first: string, toObject: (raw: Record<string, unknown>) => EntraObject, full: boolean): Promise<TenantChanges> {
  const changed: EntraObject[] = [];
  const removed: string[] = [];
  let requests = 0;
  // Graph caps a delta page at 200 users or groups; ask for the most it gives.
  const headers = { Prefer: 'odata.maxpagesize=200' };
  for (let path: string | undefined = first; path;) {
    const page = (await get(path, headers)) as DeltaPage;
    requests++;
    for (const raw of page.value ?? []) {
      if (raw['@removed'] !== undefined) removed.push(String(raw.id));
      else changed.push(toObject(raw));
    }
    if (page['@odata.deltaLink']) return { changed, removed, deltaLink: page['@odata.deltaLink'], requests, full };
    const next = page['@odata.nextLink'];
    if (!next) throw new SyncError(entraErrors.GraphRequestFailed, { status: 200, graphCode: '', method: 'GET', path, graphMessage: 'a delta page had neither @odata.nextLink nor @odata.deltaLink' });
    path = linkPath(next);
  }
  throw new Error('unreachable');
}
