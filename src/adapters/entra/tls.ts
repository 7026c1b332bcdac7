// HTTPS trust for the authority and Graph: an undici Agent. A configured CA (config.caFile)
// PINS: it replaces the trusted roots for these endpoints (the system roots and
// NODE_EXTRA_CA_CERTS no longer count), so only certificates issued by that CA are
// accepted. Without caFile, Node's default trust store is used.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Agent } from 'undici';
import { SyncError, entraErrors } from '../../engine/errors';

export function readCa(caFile: string | null | undefined, endpoint: string): string | undefined {
  if (!caFile) return undefined;
  try {
    return readFileSync(caFile, 'utf8');
  } catch (err) {
    throw new SyncError(entraErrors.TenantUnreachable, { endpoint, detail: `the CA file ${caFile} could not be read (${(err as Error).message})` }, { cause: err });
  }
}

/** The TLS trust for an endpoint: only the configured CA when there is one (pinned), else the defaults. */
export function trustOptions(caPem: string | undefined): ConnectionOptions {
  return caPem ? { ca: [caPem], rejectUnauthorized: true } : { rejectUnauthorized: true };
}

export function createAgent(caPem: string | undefined): Agent {
  return new Agent({
    connect: trustOptions(caPem),
    keepAliveTimeout: 4_000,
    connections: 8,
  });
}

/** The innermost cause's code and message, e.g. ECONNRESET or UNABLE_TO_VERIFY_LEAF_SIGNATURE. */
export function describeNetworkError(err: unknown): string {
  let e: unknown = err;
  const parts: string[] = [];
  for (let depth = 0; e && depth < 5; depth++) {
    const x = e as { code?: string; message?: string; cause?: unknown };
    if (x.message) parts.push(x.code ? `${x.code}: ${x.message}` : x.message);
    e = x.cause;
  }
  return parts.length > 0 ? parts[parts.length - 1]! : String(err);
}
