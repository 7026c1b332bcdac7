// Change tracking: GET /users/delta, /groups/delta and /contacts/delta (Microsoft's "Use delta query to track
// changes in Microsoft Graph data" and "delta query users/groups" pages). An initial request
// (optionally with $select) returns every object in pages, each page but the last ending in
// @odata.nextLink, the last in @odata.deltaLink. The query options of the initial request are
// kept in the state token, so the links carry only $skiptoken / $deltatoken. A delta link
// returns the objects added or changed since it was issued (their selected properties) and
// `{ id, "@removed": { reason } }` for those deleted; reason "changed" as for a user or group
// that went to deleted items (restorable), which is what DELETE does to them.
// Page size: up to 200 objects (Graph's cap for users and groups, also without
// `Prefer: odata.maxpagesize`, which may ask for fewer). $top is not supported.
// `$deltatoken=latest` ("sync from now", documented for directory resources such as users and
// groups): no objects, only a @odata.deltaLink whose baseline is the collection as it is now,
// so a client can take the link first and then list the collection in pages of 999.
// A state token this emulator does not know (expired, or issued before a restart) is answered
// 410 Gone [inferred: code and message], after which a client reads everything again.
import { createHash, randomUUID } from 'node:crypto';
import { GraphHttpError } from './graph-errors';
import type { DirectoryObject } from './store';

export const DELTA_PAGE_SIZE = 200;
/** The documented state token that asks for a delta link only ("sync from now"). */
export const LATEST = 'latest';

type Kind = 'user' | 'group' | 'contact';

interface Round {
  kind: Kind;
  select: string[] | undefined;
  /** The answer of this round (changed objects projected, removals), paged out by $skiptoken. */
  items: Record<string, unknown>[];
  /** id -> fingerprint of the selected properties when the round started: the next delta token's baseline. */
  baseline: Map<string, string>;
  pageSize: number;
}

export interface DeltaRequest {
  kind: Kind;
  select: string[] | undefined;
  skipToken: string | null;
  deltaToken: string | null;
  /** Prefer: odata.maxpagesize, when given. */
  maxPageSize: number | undefined;
  /** The current collection, and how the service projects an object for $select. */
  objects: DirectoryObject[];
  project(object: DirectoryObject, select: string[] | undefined): Record<string, unknown>;
}

export interface DeltaPage {
  value: Record<string, unknown>[];
  nextToken?: string;
  deltaToken?: string;
}

const fingerprint = (projected: Record<string, unknown>) => createHash('sha1').update(JSON.stringify(projected)).digest('base64');

export class DeltaTracker {
  /** $skiptoken -> the round being paged and the offset of the next page. */
  private readonly pages = new Map<string, { round: Round; offset: number }>();
  /** $deltatoken -> what the collection looked like when the link was issued. */
  private readonly tokens = new Map<string, { kind: Kind; select: string[] | undefined; baseline: Map<string, string> | (() => Map<string, string>) }>();

  /** `latest` tokens whose baseline is not taken yet (see settle). */
  private readonly unsettled = new Set<string>();

  reset(): void {
    this.pages.clear();
    this.tokens.clear();
    this.unsettled.clear();
  }

  /**
   * Takes the baselines of the `latest` tokens issued since the last change: called before
   * anything changes the directory (a write, a seed), so each is the collection as it was
   * when its link was issued.
   */
  settle(): void {
    for (const token of this.unsettled) this.baselineOf(token);
  }

  private baselineOf(token: string): Map<string, string> {
    const entry = this.tokens.get(token)!;
    if (typeof entry.baseline === 'function') entry.baseline = entry.baseline();
    this.unsettled.delete(token);
    return entry.baseline;
  }

  handle(request: DeltaRequest): DeltaPage {
    if (request.skipToken !== null) {
      const at = this.pages.get(request.skipToken);
      if (!at || at.round.kind !== request.kind) throw gone();
      this.pages.delete(request.skipToken);
      return this.page(at.round, at.offset);
    }
    let select = request.select;
    let previous: Map<string, string> | undefined;
    if (request.deltaToken === LATEST) {
      // Sync from now: the link's baseline is the collection as it is; no objects answered. It
      // is taken when something could change it (settle), not now: Graph answers this at once,
      // and fingerprinting 50,000 users here held up a client's tenant read by seconds.
      const { objects, project } = request;
      const deltaToken = randomUUID();
      const baseline = () => new Map(objects.map((o) => [o.id, fingerprint({ ...project(o, select), id: o.id })]));
      this.tokens.set(deltaToken, { kind: request.kind, select, baseline });
      this.unsettled.add(deltaToken);
      return { value: [], deltaToken };
    }
    if (request.deltaToken !== null) {
      const token = this.tokens.get(request.deltaToken);
      if (!token || token.kind !== request.kind) throw gone();
      select = token.select;
      previous = this.baselineOf(request.deltaToken);
    }
    const baseline = new Map<string, string>();
    const items: Record<string, unknown>[] = [];
    for (const object of request.objects) {
      const projected = { ...request.project(object, select), id: object.id };
      const print = fingerprint(projected);
      baseline.set(object.id, print);
      if (!previous || previous.get(object.id) !== print) items.push(projected);
    }
    if (previous) for (const id of previous.keys()) if (!baseline.has(id)) items.push({ id, '@removed': { reason: 'changed' } });
    const pageSize = Math.max(1, Math.min(DELTA_PAGE_SIZE, request.maxPageSize ?? DELTA_PAGE_SIZE));
    return this.page({ kind: request.kind, select, items, baseline, pageSize }, 0);
  }

  private page(round: Round, offset: number): DeltaPage {
    const value = round.items.slice(offset, offset + round.pageSize);
    if (offset + round.pageSize < round.items.length) {
      const nextToken = randomUUID();
      this.pages.set(nextToken, { round, offset: offset + round.pageSize });
      return { value, nextToken };
    }
    const deltaToken = randomUUID();
    this.tokens.set(deltaToken, { kind: round.kind, select: round.select, baseline: round.baseline });
    return { value, deltaToken };
  }
}

function gone(): GraphHttpError {
  // [inferred] Graph answers an expired or unknown state token with 410 Gone; the body's code
  // and message are not in the reference.
  return new GraphHttpError(410, 'resyncRequired', 'The delta token is not valid any more: start again with a request without a token.');
}
