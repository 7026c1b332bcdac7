// A hostile HTTPS front for the Graph emulator: it passes requests through (the token endpoint
// and Graph, under the emulator's own certificate, so entra.caFile trusts it), except what its
// mode changes: a token endpoint that echoes the posted form or the client secret, a proxy's
// login or block page instead of the identity platform, a Graph error that echoes the bearer
// token. The CLI and the adapter meet it as they would meet a TLS-inspecting proxy or a
// mistyped authorityHost.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Agent, request } from 'undici';
import type { Emulator } from '../graph-emulator';

export type FrontMode =
  | 'pass'
  /** Token: 401 invalid_client whose description quotes the client secret raw, URL-encoded and JSON-escaped, and the form as posted. */
  | 'echo-secret'
  /** Token: 200 text/html, a login page quoting the posted form (the secret URL-encoded). */
  | 'login-page'
  /** Token: 403 text/html, a proxy's block page. */
  | 'block-page'
  /** Token: 200 JSON that is no token answer (no access_token). */
  | 'no-access-token'
  /** Token: 400 JSON that is no OAuth error (no "error"). */
  | 'not-oauth-error'
  /** Graph: 400 Graph error whose message echoes the Authorization header and the client secret. */
  | 'echo-authorization'
  /** Token: the status in `redirectStatus` (default 307) with Location `redirectTo` + the request's path: the form (secret, assertion, refresh token) would be posted there again. */
  | 'redirect-token'
  /** Graph (/v1.0/...): the status in `redirectStatus` (default 307) with Location `redirectTo` + the request's path. */
  | 'redirect-graph'
  /** Token: the identity platform's answer passed through, its JSON body changed by `rewriteToken` (a 2xx answer only). */
  | 'rewrite-token';

/** What a rewrite gives back: JSON to send (an object, a list, a number, null) or, as a string, the body's raw text. */
export type Rewrite = (body: Record<string, unknown>, url: string) => unknown;

export interface HostileFront {
  origin: string;
  mode: FrontMode;
  /** Requests the front answered itself (not passed through). */
  answered: number;
  /** Where the redirect modes send the client: an origin (the request's path is appended) or a whole URL ending in '#' (used as is, without the '#'). */
  redirectTo: string;
  /** The status of the redirect modes' answer (301, 302, 303, 307 or 308). */
  redirectStatus: number;
  /** For 'rewrite-token': the token answer to send instead of the identity platform's. */
  rewriteToken: Rewrite;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startHostileFront(emu: Emulator, secret: string, mode: FrontMode = 'pass'): Promise<HostileFront> {
  const pki = path.dirname(emu.caFile);
  const upstream = new URL(emu.graphEndpoint);
  const agent = new Agent({ connect: { ca: [emu.caPem] } });
  let origin = '';
  const front: HostileFront = {
    origin: '', mode, answered: 0, redirectTo: '', redirectStatus: 307, rewriteToken: (b) => b, close: async () => undefined,
  };
  const send = (res: ServerResponse, status: number, type: string, body: string) => {
    front.answered++;
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let body = await readBody(req);
    const token = /\/oauth2\/v2\.0\/token$/.test(new URL(req.url ?? '/', origin).pathname);
    const m = front.mode;
    if (token && m === 'echo-secret') {
      const posted = new URLSearchParams(body).get('client_secret') ?? '?';
      return send(res, 401, 'application/json', JSON.stringify({
        error: 'invalid_client',
        error_description: `AADSTS7000215: Invalid client secret provided: '${posted}'. As sent: ${encodeURIComponent(posted)}; JSON: ${JSON.stringify(posted)}; the form: ${body}`,
        error_codes: [7000215],
      }));
    }
    if ((token && m === 'redirect-token') || (!token && req.url?.startsWith('/v1.0/') && m === 'redirect-graph')) {
      front.answered++;
      const location = front.redirectTo.endsWith('#') ? front.redirectTo.slice(0, -1) : `${front.redirectTo}${req.url ?? '/'}`;
      res.writeHead(front.redirectStatus, { Location: location, 'Content-Length': 0 });
      return res.end();
    }
    if (token && m === 'login-page') return send(res, 200, 'text/html', `<html><title>Proxy sign-in</title><body>Sign in to continue. You asked for: ${body}</body></html>`);
    if (token && m === 'block-page') return send(res, 403, 'text/html', '<html><body>Blocked by policy: login.microsoftonline.com is not allowed</body></html>');
    if (token && m === 'no-access-token') return send(res, 200, 'application/json', JSON.stringify({ token_type: 'Bearer', expires_in: 'soon' }));
    if (token && m === 'not-oauth-error') return send(res, 400, 'application/json', JSON.stringify({ message: 'Bad Request' }));
    if (!token && req.url?.startsWith('/v1.0/') && m === 'echo-authorization') {
      return send(res, 400, 'application/json', JSON.stringify({
        error: { code: 'Request_BadRequest', message: `Malformed request. Authorization: ${req.headers.authorization ?? ''}; client secret '${secret}'` },
      }));
    }
    // Passed through; the token request's scope names the front's origin, the emulator's instead.
    if (token) body = body.split(encodeURIComponent(new URL(origin).host)).join(encodeURIComponent(upstream.host));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v;
    }
    const answer = await request(`${upstream.origin}${req.url}`, {
      method: req.method as 'GET', headers, ...(req.method === 'GET' || req.method === 'DELETE' ? {} : { body }), dispatcher: agent,
    });
    let text = await answer.body.text();
    const rewrite = token && m === 'rewrite-token' ? front.rewriteToken : undefined;
    if (rewrite && answer.statusCode >= 200 && answer.statusCode < 300 && text) {
      const changed = rewrite(JSON.parse(text) as Record<string, unknown>, req.url ?? '/');
      text = typeof changed === 'string' ? changed : JSON.stringify(changed);
      front.answered++;
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(answer.headers)) {
      if (typeof v === 'string' && !['content-length', 'connection', 'transfer-encoding', 'keep-alive'].includes(k)) out[k] = v;
    }
    res.writeHead(answer.statusCode, { ...out, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };
  const server: Server = createServer({ cert: readFileSync(path.join(pki, 'server.pem')), key: readFileSync(path.join(pki, 'server-key.pem')) }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  front.origin = origin;
  front.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await agent.close();
  };
  return front;
}

/** What a sink received: the request as sent, headers and body included. */
export interface SunkRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Another host a hostile answer points at, under the emulator's certificate (so a pinned
 * entra.caFile would trust it): it records every request and answers 200 {} (or, for a token
 * path, a token answer), so a client that follows a redirect there completes the call.
 * With `plain`, it listens on http: instead.
 */
export async function startSink(emu: Emulator, opts: { plain?: boolean } = {}): Promise<{ origin: string; received: SunkRequest[]; close(): Promise<void> }> {
  const pki = path.dirname(emu.caFile);
  const received: SunkRequest[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    readBody(req).then((body) => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers }, body });
      const text = /\/oauth2\/v2\.0\/token$/.test(req.url ?? '')
        ? JSON.stringify({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: 'sink-token' })
        : JSON.stringify({ value: [] });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    }, () => res.end());
  };
  const server = opts.plain
    ? createHttpServer(handler)
    : createServer({ cert: readFileSync(path.join(pki, 'server.pem')), key: readFileSync(path.join(pki, 'server-key.pem')) }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `${opts.plain ? 'http' : 'https'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
