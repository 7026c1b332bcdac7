// HTTPS trust for the authority and Graph: an undici Agent. A configured CA (config.caFile)
// PINS: it replaces the trusted roots for these endpoints (the system roots and
// NODE_EXTRA_CA_CERTS no longer count), so only certificates issued by that CA are
// accepted. Without caFile, Node's default trust store is used.
import type { ConnectionOptions } from 'node:tls';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { proxyFor, type ProxyChoice } from './proxy';
import { SyncError, entraErrors } from '../../engine/errors';
import { readPemFileSync } from '../io/read-bounded';

export function readCa(caFile: string | null | undefined, endpoint: string): string | undefined {
  if (!caFile) return undefined;
  try {
    return readPemFileSync(caFile).toString('utf8');
  } catch (err) {
    throw new SyncError(entraErrors.TenantUnreachable, { endpoint, detail: `the CA file ${caFile} could not be read (${(err as Error).message})` }, { cause: err });
  }
}

/** The TLS trust for an endpoint: only the configured CA when there is one (pinned), else the defaults. */
export function trustOptions(caPem: string | undefined): ConnectionOptions {
  return caPem ? { ca: [caPem], rejectUnauthorized: true } : { rejectUnauthorized: true };
}

/**
 * The dispatcher for one endpoint: direct, or through the proxy HTTPS_PROXY names for it
 * (proxy.ts). Through a proxy the endpoint's TLS, with its trust, runs inside the tunnel.
 */
export function createAgent(caPem: string | undefined, endpoint: string): Dispatcher {
  const trust = trustOptions(caPem);
  let proxy: ProxyChoice | undefined;
  try {
    proxy = proxyFor(endpoint);
  } catch (err) {
    throw new SyncError(entraErrors.TenantUnreachable, { endpoint, detail: (err as Error).message }, { cause: err });
  }
  if (!proxy) return new Agent({ connect: trust, keepAliveTimeout: 4_000, connections: 8 });
  return new ProxyAgent({ uri: proxy.uri, requestTls: trust, keepAliveTimeout: 4_000, connections: 8 });
}

/** The proxy the endpoint is reached through, as messages name it (no credentials), if any. */
export function proxyShownFor(endpoint: string): string | undefined {
  try {
    return proxyFor(endpoint)?.shown;
  } catch {
    return undefined;
  }
}

/**
 * The innermost cause's code and message, e.g. ECONNRESET or UNABLE_TO_VERIFY_LEAF_SIGNATURE;
 * with `endpoint`, the proxy it was reached through is named (without its credentials).
 */
export function describeNetworkError(err: unknown, endpoint?: string): string {
  const proxy = endpoint ? proxyShownFor(endpoint) : undefined;
  return proxy ? `${innermost(err)} (through the proxy ${proxy} that HTTPS_PROXY names)` : innermost(err);
}

function innermost(err: unknown): string {
  let e: unknown = err;
  const parts: string[] = [];
  for (let depth = 0; e && depth < 5; depth++) {
    const x = e as { code?: string; message?: string; cause?: unknown };
    if (x.message) parts.push(x.code ? `${x.code}: ${x.message}` : x.message);
    e = x.cause;
  }
  return parts.length > 0 ? parts[parts.length - 1]! : String(err);
}
