// A stateful HTTPS emulator of the Microsoft identity platform token endpoint and the
// Microsoft Graph v1.0 directory API, for tests, benchmarks and the demo. See README.md.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GraphService, type GraphCall, type GraphResult } from './graph';
import { errorBody, errors, GraphHttpError, newRequestId } from './graph-errors';
import { IdentityPlatform } from './identity';
import { createAppCertificate, loadOrCreatePki } from './pki';
import { randomSecret, Store, type SeedDocument, type TenantState, type WriteRecord } from './store';
import { Throttler } from './throttle';

export type { SeedApp, SeedDocument, SeedDomain, SeedGroup, SeedObject, SeedRoleAssignment, SyncFeatures, TenantState, WriteRecord } from './store';

export const DEFAULT_TENANT_ID = 'b7c2e9a4-3f61-4d8e-9a05-6e1f2c3d4b5a';
export const DEFAULT_CLIENT_ID = '3f9a1c7e-52b4-4e0d-8c6a-9d2e7f4b1a30';
export const READ_ONLY_CLIENT_ID = '8e4d2b6a-1c3f-4a5e-b7d9-0f2a4c6e8b13';
export const WRITE_ROLES = [
  'User.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All', 'Domain.Read.All', 'Organization.Read.All',
  'OnPremDirectorySynchronization.Read.All', 'RoleManagement.Read.Directory',
];
export const READ_ONLY_ROLES = ['User.Read.All', 'Group.Read.All', 'Domain.Read.All', 'Organization.Read.All'];
/** The read permissions a preview needs (the README's least-privilege list), consented as delegated on the read-only app. */
export const PREVIEW_PERMISSIONS = [
  'User.Read.All', 'Group.Read.All', 'OrgContact.Read.All', 'Domain.Read.All', 'OnPremDirectorySynchronization.Read.All', 'RoleManagement.Read.Directory',
];
export { DEFAULT_ENGINEER } from './identity';

/** The `METHOD url` of each request a $batch body carries (none when it is not one). */
function innerRequestsOf(raw: string): string[] {
  try {
    const requests = (JSON.parse(raw) as { requests?: unknown })?.requests;
    return Array.isArray(requests) ? requests.map((r: { method?: unknown; url?: unknown }) => `${String(r?.method ?? '').toUpperCase()} ${String(r?.url ?? '')}`) : [];
  } catch {
    return [];
  }
}

/** A $batch answer damaged as FaultSpec.mangle says, after every request inside ran. */
function mangleBatchAnswer(answer: { responses: Record<string, unknown>[] }, mangle: NonNullable<FaultSpec['mangle']>): unknown {
  const responses = answer.responses.map((r) => ({ ...r }));
  switch (mangle) {
    case 'drop': responses.pop(); break;
    case 'foreign': responses.push({ id: 'not-asked-for', status: 204, headers: {} }); break;
    case 'duplicate':
      if (responses[0]) responses.push({ id: responses[0].id, status: 429, headers: { 'Retry-After': '1' }, body: { error: { code: 'TooManyRequests', message: 'Please retry again later.' } } });
      break;
    case 'noId':
      for (const r of responses) {
        if (r.status !== 201 || typeof r.body !== 'object' || r.body === null) continue;
        const { id: _id, ...rest } = r.body as Record<string, unknown>;
        r.body = rest;
      }
      break;
    case 'ok': for (const r of responses) if (r.status === 201) r.status = 200; break;
    case 'noJson': break;
  }
  return { responses };
}

/** Whether a `hold` fault has caught a request, and who waits for one. */
function heldSignal() {
  let caught = false;
  let waiters: (() => void)[] = [];
  return {
    caught: () => {
      caught = true;
      for (const w of waiters) w();
      waiters = [];
    },
    clear: () => {
      caught = false;
      waiters = [];
    },
    wait: () => new Promise<void>((resolve) => (caught ? resolve() : waiters.push(resolve))),
  };
}

/**
 * The next `count` matching requests answer with a status, drop the connection, wait first,
 * answer a body of the test's choosing, or get no answer at all (`hold`: the client waits until
 * it gives up or dies, e.g. a test's SIGKILL at a known point of an export; `whenHeld` says when).
 */
export interface FaultSpec {
  kind: 'status' | 'reset' | 'latency' | 'body' | 'mangle' | 'hold';
  /**
   * For kind status: 503 (default), 429, 500, 504, or 401 (InvalidAuthenticationToken, "Access
   * token has expired or is not yet valid."). With `path: '/v1.0/$batch'` the $batch POST itself
   * answers it; a path of a Graph resource makes matching items inside a $batch answer it.
   */
  status?: number;
  retryAfterSeconds?: number;
  /**
   * For kind status 503: legacy Azure AD Graph's throttling answer instead of serviceNotAvailable
   * (reference section 4: 503 `Request_ThrottledTemporarily` "Your request is throttled
   * temporarily. Please try after {0} seconds.", offered as an option), {0} being
   * retryAfterSeconds (default 5), also sent as Retry-After.
   */
  legacyThrottle?: boolean;
  latencyMs?: number;
  /** How many matching requests; default 1. Use -1 for every request until cleared. */
  count?: number;
  /** How many matching requests pass untouched first (e.g. 1: the second batch of creates meets the fault). */
  skip?: number;
  /** Substring of the request path (e.g. "/v1.0/users", "/oauth2/v2.0/token"). */
  path?: string;
  method?: string;
  /**
   * Graph only, kinds status, reset and hold: process the request first (the write is committed),
   * then answer with the status or drop the connection: a lost answer. For a request inside a
   * $batch (a resource path), kinds status and body: the request runs, then its inner answer
   * is the fault's (e.g. a member reference added, then answered 400 "already exist").
   */
  afterCommit?: boolean;
  /** For kind body: the JSON a 200 answer carries instead of Graph's (a faulty or hostile service). */
  body?: unknown;
  /**
   * For kind body: the raw text the answer carries instead of JSON (a truncated or non-JSON body
   * under Graph's JSON Content-Type); wins over `body`.
   */
  text?: string;
  /** For kind body: the status of the answer (default 200), e.g. a 400 or 429 with a hostile error body. */
  bodyStatus?: number;
  /** For kind body: headers added to the answer (e.g. a hostile Retry-After). */
  headers?: Record<string, string>;
  /**
   * With `path: '/v1.0/$batch'`: the fault matches only a $batch POST carrying an inner request
   * whose `METHOD url` contains this (e.g. 'POST /users', 'PATCH /groups(uniqueName='), so a
   * test can fail the batch of writes rather than a batch of lookups.
   */
  holding?: string;
  /**
   * For kind mangle (a $batch POST only): every request inside runs (the writes are committed),
   * then the outer 200 answer is damaged: 'drop' leaves out the last inner answer (fewer answers
   * than requests), 'foreign' adds an answer for an id not asked for, 'duplicate' answers the
   * first id twice (the copy 429 with Retry-After 1), 'noId' takes the `id` out of the bodies of
   * the inner 201s, 'ok' answers the inner 201s 200, 'noJson' answers a text that is no JSON
   * (a proxy's error page) under Graph's JSON Content-Type.
   */
  mangle?: 'drop' | 'foreign' | 'duplicate' | 'noId' | 'ok' | 'noJson';
}

export interface EmulatorOptions {
  port?: number;
  /** JSON file holding the tenant state across restarts. */
  stateFile?: string;
  /** Where the CA and server certificate live (kept across restarts). */
  stateDir?: string;
  /** Multiplies every throttling limit (1 = the documented limits). */
  throttleScale?: number;
  /** Multiplies every throttling window (0.01: the 150 s write window lasts 1.5 s). */
  throttleTimeScale?: number;
  /** Applied on top of the default tenant at start and after every reset. */
  seed?: SeedDocument;
  tokenLifetimeSeconds?: number;
}

export interface Emulator {
  graphEndpoint: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** An app with read roles only (for 403 tests). */
  readOnlyClient: { clientId: string; clientSecret: string };
  caFile: string;
  caPem: string;
  /** A certificate registered on the main app, for client-assertion tests. */
  certificate: { pem: string; keyPem: string; thumbprint: string; thumbprintSha256: string };
  seed(doc: SeedDocument): void;
  reset(): void;
  state(): TenantState;
  writes(): WriteRecord[];
  faults(spec: FaultSpec | FaultSpec[]): void;
  clearFaults(): void;
  /** Resolves once a `hold` fault has caught a request (since the last reset or clearFaults). */
  whenHeld(): Promise<void>;
  /** Every request the emulator received (method, path), control API excluded. */
  /** Every request received; a $batch also says how many requests it carried (`innerRequests`). */
  requestLog(): { method: string; path: string; status: number; innerRequests?: number }[];
  /** The most Graph requests (/v1.0/...) under way at once since the last call; the count starts again. */
  takePeakInFlight(): number;
  setTokenLifetime(seconds: number): void;
  /** Sign tokens with a new key, so every token issued so far is rejected with 401. */
  rotateSigningKey(): void;
  /** Device code lifetime and polling interval (documented defaults 900 s and 5 s). */
  setDeviceCodeTiming(timing: { lifetimeSeconds?: number; intervalSeconds?: number }): void;
  close(): Promise<void>;
}

function defaultTenant(secrets: { main: string; readOnly: string; certPem: string }, tenantId: string): TenantState {
  return {
    tenantId,
    tenantDisplayName: 'Contoso',
    domains: [
      { name: 'contoso.onmicrosoft.com', isVerified: true, isInitial: true, isDefault: false, authenticationType: 'Managed' },
      { name: 'contoso.com', isVerified: true, isInitial: false, isDefault: true, authenticationType: 'Managed' },
      { name: 'fabrikam.example', isVerified: false, isInitial: false, isDefault: false, authenticationType: 'Managed' },
    ],
    apps: [
      { clientId: DEFAULT_CLIENT_ID, displayName: 'Single Object Sync', secrets: [secrets.main], certificates: [secrets.certPem], roles: [...WRITE_ROLES], publicClient: true, delegatedPermissions: [...WRITE_ROLES] },
      {
        clientId: READ_ONLY_CLIENT_ID, displayName: 'Single Object Sync (read only)', secrets: [secrets.readOnly], certificates: [], roles: [...READ_ONLY_ROLES],
        publicClient: true, delegatedPermissions: [...PREVIEW_PERMISSIONS],
      },
    ],
    users: [],
    groups: [],
    contacts: [],
    members: {},
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const jsonType = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const stateDir = options.stateDir ?? path.join(process.env.SOS_TEST_STATE_DIR ?? tmpdir(), 'graph-emulator');
  const pki = loadOrCreatePki(stateDir);
  const appCert = createAppCertificate('Single Object Sync test app');
  const secrets = { main: randomSecret(), readOnly: randomSecret(), certPem: appCert.certPem };
  const tenantId = options.seed?.tenantId ?? DEFAULT_TENANT_ID;
  let origin = '';
  let tokenLifetime = options.tokenLifetimeSeconds ?? 3599;
  const initial = (): TenantState => {
    const s = new Store(() => defaultTenant(secrets, tenantId));
    if (options.seed) s.seed(options.seed);
    return s.state;
  };
  const store = new Store(initial, options.stateFile);
  // A persisted state keeps its own app secrets (reset() keeps them too); make sure this
  // process's certificate is registered.
  const mainApp = store.state.apps.find((a) => a.clientId === DEFAULT_CLIENT_ID);
  secrets.main = mainApp?.secrets?.[0] ?? secrets.main;
  secrets.readOnly = store.state.apps.find((a) => a.clientId === READ_ONLY_CLIENT_ID)?.secrets?.[0] ?? secrets.readOnly;
  if (mainApp && !(mainApp.certificates ?? []).includes(appCert.certPem)) mainApp.certificates = [...(mainApp.certificates ?? []), appCert.certPem];
  const identity = new IdentityPlatform(store, () => origin, () => tokenLifetime);
  const graph = new GraphService(store, () => origin);
  const throttler = new Throttler(options.throttleScale ?? 1, options.throttleTimeScale ?? 1);
  let faultList: (FaultSpec & { remaining: number })[] = [];
  const holds = heldSignal();
  const log: { method: string; path: string; status: number; innerRequests?: number }[] = [];

  /** `inner`: the `METHOD url` of each request a $batch POST carries, for `holding`. */
  const takeFaults = (method: string, urlPath: string, kinds: FaultSpec['kind'][], inner: string[] = []) => {
    const hits: FaultSpec[] = [];
    for (const f of faultList) {
      if (!kinds.includes(f.kind) || f.remaining === 0) continue;
      if (f.path && !urlPath.includes(f.path)) continue;
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (f.holding && !inner.some((r) => r.includes(f.holding!))) continue;
      if (f.skip) {
        f.skip--;
        continue;
      }
      if (f.remaining > 0) f.remaining--;
      hits.push(f);
      if (f.kind !== 'latency') break;
    }
    faultList = faultList.filter((f) => f.remaining !== 0);
    return hits;
  };

  const faultError = (f: FaultSpec, appId: string): GraphHttpError => {
    const status = f.status ?? 503;
    // A 429 carries the throttling headers Graph sends with it (reference section 5), as the token bucket's do.
    if (status === 429) {
      return errors.throttled(f.retryAfterSeconds ?? 1, {
        'x-ms-throttle-scope': `Tenant_Application/ReadWrite/${appId}/${store.state.tenantId}`, 'x-ms-throttle-information': 'ResourceUnitLimitExceeded',
      });
    }
    if (status === 503 && f.legacyThrottle) return errors.throttledTemporarily(f.retryAfterSeconds ?? 5);
    if (status === 503) return errors.unavailable(f.retryAfterSeconds);
    // A token that expired while the request was in flight (inside a $batch: that item only).
    if (status === 401) return errors.unauthenticated('Access token has expired or is not yet valid.');
    return new GraphHttpError(status, status === 504 ? 'GatewayTimeout' : 'InternalServerError', 'The service encountered an internal error. Please retry the request.', undefined,
      f.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(f.retryAfterSeconds) });
  };

  /** One Graph call after authentication: throttling, item faults, the handler, the write log. */
  const runGraph = (call: GraphCall, appId: string, urlPath: string, inBatch: boolean, requestId: string, clientRequestId: string): GraphResult => {
    // A `latest` delta link's baseline is the directory before this request changes it.
    if (call.method !== 'GET') graph.delta.settle();
    let result: GraphResult;
    let errorCode: string | undefined;
    let errorMessage: string | undefined;
    // Reference section 5: "Every response: x-ms-resource-unit", the refused ones included.
    let metered: Record<string, string> = {};
    try {
      const [fault] = inBatch ? takeFaults(call.method, urlPath, ['status', 'body']) : [];
      if (fault && fault.kind !== 'body' && !fault.afterCommit) throw faultError(fault, appId);
      const decision = throttler.check(appId, store.state.tenantId, store.state.users.length, call.method, call.path, call.query);
      if (decision.throttled) throw errors.throttled(decision.retryAfterSeconds ?? 1, decision.headers);
      metered = decision.headers;
      // afterCommit inside a $batch: the request runs, then its inner answer is the fault's.
      if (fault?.afterCommit) {
        try {
          graph.handle(call);
        } catch (err) {
          if (!(err instanceof GraphHttpError)) throw err;
        }
        if (fault.kind !== 'body') throw faultError(fault, appId);
      }
      result = fault ? { status: fault.bodyStatus ?? 200, ...(fault.text !== undefined ? { text: fault.text } : { body: fault.body }), headers: fault.headers } : graph.handle(call);
      result.headers = { ...decision.headers, ...(result.headers ?? {}) };
    } catch (err) {
      if (!(err instanceof GraphHttpError)) throw err;
      errorCode = err.code;
      errorMessage = err.message;
      result = { status: err.status, body: errorBody(err, requestId, clientRequestId), headers: { ...metered, ...err.headers } };
    }
    if (call.method !== 'GET') {
      store.recordWrite({ method: call.method, path: urlPath, status: result.status, appId, errorCode, errorMessage, body: call.body, inBatch });
    }
    return result;
  };

  const runBatch = (body: unknown, roles: string[], appId: string, requestId: string, clientRequestId: string): GraphResult => {
    const requests = (body as { requests?: unknown })?.requests;
    if (!Array.isArray(requests)) throw new GraphHttpError(400, 'BadRequest', 'Invalid batch payload format.');
    if (requests.length > 20) throw new GraphHttpError(400, 'BadRequest', 'Number of requests in a batch exceeds the limit of 20.');
    type Item = { id: string; method: string; url: string; headers?: Record<string, string>; body?: unknown; dependsOn?: string[] };
    const items = requests as Item[];
    const ids = new Set<string>();
    for (const item of items) {
      const id = String(item.id ?? '').toLowerCase();
      if (!id || ids.has(id)) throw new GraphHttpError(400, 'BadRequest', 'Batch request contains duplicate or missing request ids.');
      ids.add(id);
      if (typeof item.url !== 'string' || typeof item.method !== 'string') throw new GraphHttpError(400, 'BadRequest', 'Invalid batch payload format.');
      // An item's url is relative to the version ("/users", reference section 6). An absolute
      // one fails the whole batch with this answer (microsoft-graph-docs-contrib issue #8576);
      // one without the leading '/' is refused alike [inferred].
      if (!item.url.startsWith('/')) throw new GraphHttpError(400, 'BadRequest', 'Invalid batch payload format.');
      const hasType = Object.keys(item.headers ?? {}).some((h) => h.toLowerCase() === 'content-type');
      if (item.body !== undefined && !hasType) throw new GraphHttpError(400, 'BadRequest', `Write request id : ${item.id} does not contain Content-Type header or body.`);
    }
    for (const item of items) for (const d of item.dependsOn ?? []) if (!ids.has(String(d).toLowerCase())) throw new GraphHttpError(400, 'BadRequest', `Request dependency '${d}' not found in the batch.`);
    const done = new Map<string, number>();
    const responses: Record<string, unknown>[] = [];
    let pending = [...items];
    while (pending.length > 0) {
      const ready = pending.filter((i) => (i.dependsOn ?? []).every((d) => done.has(String(d).toLowerCase())));
      if (ready.length === 0) throw new GraphHttpError(400, 'BadRequest', 'Batch request contains a dependency cycle.');
      for (const item of ready) {
        const failedDependency = (item.dependsOn ?? []).some((d) => (done.get(String(d).toLowerCase()) ?? 0) >= 400);
        let result: GraphResult;
        if (failedDependency) {
          result = { status: 424, body: errorBody(new GraphHttpError(424, 'FailedDependency', 'The request was not executed because a request it depends on failed.'), requestId, clientRequestId) };
        } else {
          const url = new URL(item.url.replace(/^\/(v1\.0\/)?/, ''), `${origin}/v1.0/`);
          const headers = Object.fromEntries(Object.entries(item.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
          const callPath = url.pathname.replace(/^\/v1\.0/, '');
          result = runGraph({ method: item.method.toUpperCase(), path: callPath, query: url.searchParams, headers, body: item.body, roles }, appId, `/v1.0${callPath}${url.search}`, true, requestId, clientRequestId);
        }
        done.set(item.id.toLowerCase(), result.status);
        responses.push({
          id: item.id,
          status: result.status,
          headers: { ...(result.headers ?? {}), ...(result.body !== undefined ? { 'Content-Type': jsonType } : {}) },
          ...(result.body !== undefined ? { body: result.body } : result.text !== undefined ? { body: result.text } : {}),
        });
      }
      pending = pending.filter((i) => !ready.includes(i));
    }
    return { status: 200, body: { responses } };
  };

  const control = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const raw = await readBody(req);
    const body = raw ? (JSON.parse(raw) as unknown) : undefined;
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'POST /_emulator/seed': api.seed(body as SeedDocument); return send(200, { ok: true });
      case 'GET /_emulator/state': return send(200, store.state);
      case 'GET /_emulator/writes': return send(200, store.writes);
      case 'GET /_emulator/requests': return send(200, log);
      case 'POST /_emulator/faults': api.faults(body as FaultSpec | FaultSpec[]); return send(200, { ok: true, pending: faultList.length });
      case 'DELETE /_emulator/faults': api.clearFaults(); return send(200, { ok: true });
      case 'POST /_emulator/reset': api.reset(); return send(200, { ok: true });
      default: return send(404, { error: `no control route ${route}` });
    }
  };

  let inFlight = 0;
  let peakInFlight = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname.startsWith('/_emulator/')) return control(req, res, url);
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname.startsWith('/v1.0/')) {
      inFlight++;
      peakInFlight = Math.max(peakInFlight, inFlight);
      res.once('close', () => inFlight--);
    }
    const raw = await readBody(req);
    const urlPath = `${url.pathname}${url.search}`;
    const requestId = newRequestId();
    const clientRequestId = (req.headers['client-request-id'] as string | undefined) ?? requestId;
    const inner = url.pathname === '/v1.0/$batch' ? innerRequestsOf(raw) : [];
    for (const f of takeFaults(method, urlPath, ['latency'], inner)) await sleep(f.latencyMs ?? 0);
    const [taken] = takeFaults(method, urlPath, ['status', 'reset', 'body', 'mangle', 'hold'], inner);
    const mangle = taken?.kind === 'mangle' && url.pathname === '/v1.0/$batch' ? taken.mangle : undefined;
    const lostAnswer = taken?.afterCommit && url.pathname.startsWith('/v1.0/') ? taken : undefined;
    const fault = lostAnswer || taken?.kind === 'mangle' ? undefined : taken;
    // No answer: the response stays open until the client closes the connection.
    const hold = () => {
      log.push({ method, path: urlPath, status: 0 });
      holds.caught();
    };
    if (fault?.kind === 'hold') return hold();
    if (fault?.kind === 'reset') {
      log.push({ method, path: urlPath, status: 0 });
      // Start an answer, then drop the connection mid-response.
      const socket = req.socket as Socket;
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{"value":[');
      socket.destroy();
      return;
    }
    let innerRequests: number | undefined;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}, text?: string) => {
      if (log.length >= 20_000) log.splice(0, 10_000); // long demo runs: keep the recent half
      log.push({ method, path: urlPath, status, ...(innerRequests !== undefined ? { innerRequests } : {}) });
      const common = {
        'request-id': requestId,
        'client-request-id': clientRequestId,
        'x-ms-ags-diagnostic': JSON.stringify({ ServerInfo: { DataCenter: 'Local Emulator', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'EMU' } }),
        'OData-Version': '4.0',
        'Strict-Transport-Security': 'max-age=31536000',
      };
      if (status === 204 || (body === undefined && text === undefined)) {
        res.writeHead(status, { ...common, ...headers });
        res.end();
      } else if (text !== undefined) {
        res.writeHead(status, { 'Content-Type': 'text/plain', ...common, ...headers });
        res.end(text);
      } else {
        res.writeHead(status, { 'Content-Type': jsonType, ...common, ...headers });
        res.end(JSON.stringify(body));
      }
    };
    const sendError = (err: GraphHttpError, extraHeaders: Record<string, string> = {}) =>
      send(err.status, errorBody(err, requestId, clientRequestId), { ...extraHeaders, ...err.headers });
    // A hostile answer: any status, extra headers, JSON or raw text under Graph's JSON Content-Type.
    const sendFaultBody = (f: FaultSpec) => {
      const status = f.bodyStatus ?? 200;
      if (f.text === undefined) return send(status, f.body, f.headers ?? {});
      log.push({ method, path: urlPath, status });
      res.writeHead(status, { 'Content-Type': jsonType, 'request-id': requestId, 'client-request-id': clientRequestId, ...(f.headers ?? {}) });
      res.end(f.text);
    };

    // Identity platform (device code endpoints and the verification page: identity.ts).
    const deviceCodeMatch = /^\/([^/]+)\/oauth2\/v2\.0\/devicecode$/.exec(url.pathname);
    if (deviceCodeMatch && method === 'POST') {
      const result = identity.deviceAuthorization(deviceCodeMatch[1]!, new URLSearchParams(raw));
      return send(result.status, result.body, { 'Cache-Control': 'no-store, no-cache' });
    }
    if (url.pathname === '/devicelogin' && (method === 'GET' || method === 'POST')) {
      const page = identity.deviceLogin(method, new URLSearchParams(raw));
      log.push({ method, path: urlPath, status: page.status });
      res.writeHead(page.status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(page.html);
      return;
    }
    const tokenMatch = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    const oidcMatch = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (fault && (tokenMatch || oidcMatch || url.pathname.startsWith('/common/discovery'))) {
      // The identity platform answers in its own (OAuth) error shape.
      const status = fault.status ?? 503;
      return send(status, {
        error: 'temporarily_unavailable',
        error_description: 'AADSTS90033: A transient error has occurred. Please try again.',
        error_codes: [90033],
        timestamp: new Date().toISOString(),
        trace_id: requestId,
        correlation_id: clientRequestId,
      }, fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) });
    }
    if (tokenMatch && method === 'POST') {
      const result = await identity.token(tokenMatch[1]!, new URLSearchParams(raw));
      return send(result.status, result.body, { 'Cache-Control': 'no-store, no-cache' });
    }
    if (oidcMatch && method === 'GET') {
      const doc = identity.openIdConfiguration(oidcMatch[1]!);
      return doc ? send(200, doc) : send(400, { error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${oidcMatch[1]}' not found.` });
    }
    if (url.pathname === '/common/discovery/instance' && method === 'GET') {
      const discovery = identity.instanceDiscovery(url.searchParams);
      return send(discovery.status, discovery.body);
    }

    // Microsoft Graph v1.0.
    if (!url.pathname.startsWith('/v1.0/')) return sendError(new GraphHttpError(400, 'BadRequest', `Invalid version: ${url.pathname.split('/')[1] ?? ''}`));
    const claims = await identity.validate(req.headers.authorization);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return sendError(errors.badJson());
    }
    const callPath = url.pathname.slice('/v1.0'.length);
    if ('error' in claims) {
      const err = errors.unauthenticated(claims.error);
      if (method !== 'GET' && callPath !== '/$batch') store.recordWrite({ method, path: urlPath, status: 401, appId: null, errorCode: err.code, errorMessage: err.message, body, inBatch: false });
      return sendError(err);
    }
    if (fault?.kind === 'body') return sendFaultBody(fault);
    if (fault) {
      const err = faultError(fault, claims.appid);
      if (method !== 'GET') store.recordWrite({ method, path: urlPath, status: err.status, appId: claims.appid, errorCode: err.code, errorMessage: err.message, body, inBatch: false });
      return sendError(err);
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : String(v ?? '')]));
    if (callPath === '/$batch' && method === 'POST') {
      const carried = (body as { requests?: unknown } | undefined)?.requests;
      if (Array.isArray(carried)) innerRequests = carried.length;
      try {
        const result = runBatch(body, claims.roles, claims.appid, requestId, clientRequestId);
        if (lostAnswer?.kind === 'reset') {
          // Every request inside ran; the connection drops before the answer arrives.
          log.push({ method, path: urlPath, status: 0 });
          (req.socket as Socket).destroy();
          return;
        }
        if (lostAnswer?.kind === 'hold') return hold();
        if (lostAnswer) return sendError(faultError(lostAnswer, claims.appid));
        if (mangle === 'noJson') return sendFaultBody({ kind: 'body', text: '<html><body>502 Bad Gateway</body></html>' });
        return send(result.status, mangle ? mangleBatchAnswer(result.body as { responses: Record<string, unknown>[] }, mangle) : result.body);
      } catch (err) {
        if (err instanceof GraphHttpError) return sendError(err);
        throw err;
      }
    }
    const result = runGraph({ method, path: callPath, query: url.searchParams, headers, body, roles: claims.roles }, claims.appid, urlPath, false, requestId, clientRequestId);
    if (lostAnswer?.kind === 'reset') {
      // Committed, then the connection drops before the answer arrives.
      log.push({ method, path: urlPath, status: 0 });
      (req.socket as Socket).destroy();
      return;
    }
    if (lostAnswer?.kind === 'hold') return hold();
    if (lostAnswer) return sendError(faultError(lostAnswer, claims.appid));
    return send(result.status, result.body, result.headers, result.text);
  };

  const server: Server = createServer({ key: pki.server.keyPem, cert: pki.server.certPem, keepAlive: true }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'InternalServerError', message: String((err as Error)?.stack ?? err) } }));
      }
    });
  });
  const sockets = new Set<Socket>();
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  origin = `https://127.0.0.1:${port}`;
  const app = store.state.apps.find((a) => a.clientId === DEFAULT_CLIENT_ID);
  const readOnlyApp = store.state.apps.find((a) => a.clientId === READ_ONLY_CLIENT_ID);

  const api: Emulator = {
    graphEndpoint: origin,
    authorityHost: origin,
    tenantId: store.state.tenantId,
    clientId: DEFAULT_CLIENT_ID,
    clientSecret: app?.secrets?.[0] ?? secrets.main,
    readOnlyClient: { clientId: READ_ONLY_CLIENT_ID, clientSecret: readOnlyApp?.secrets?.[0] ?? secrets.readOnly },
    caFile: pki.caFile,
    caPem: pki.caPem,
    certificate: { pem: appCert.certPem, keyPem: appCert.keyPem, thumbprint: appCert.thumbprint, thumbprintSha256: appCert.thumbprintSha256 },
    seed: (doc) => {
      graph.delta.settle();
      store.seed(doc);
    },
    reset: () => {
      store.reset();
      graph.delta.reset();
      faultList = [];
      holds.clear();
      throttler.reset();
      log.length = 0;
    },
    state: () => structuredClone(store.state),
    writes: () => structuredClone(store.writes),
    faults: (spec) => {
      for (const f of Array.isArray(spec) ? spec : [spec]) faultList.push({ ...f, remaining: f.count ?? 1 });
    },
    clearFaults: () => {
      faultList = [];
      holds.clear();
    },
    whenHeld: () => holds.wait(),
    requestLog: () => [...log],
    takePeakInFlight: () => {
      const peak = peakInFlight;
      peakInFlight = inFlight;
      return peak;
    },
    setTokenLifetime: (seconds) => {
      tokenLifetime = seconds;
    },
    rotateSigningKey: () => identity.rotateSigningKey(),
    setDeviceCodeTiming: (timing) => Object.assign(identity.deviceCodeTiming, timing),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return api;
}
