// HTTPS trust for the authority and Graph: an undici Agent that trusts the system roots
// plus the configured CA (config.caFile), so no process-wide NODE_EXTRA_CA_CERTS is needed.
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent } from 'undici';
import { SyncError, entraErrors } from '../engine/errors';

export function readCa(caFile: string | null | undefined, endpoint: string): string | undefined {
  if (!caFile) return undefined;
  try {
    return readFileSync(caFile, 'utf8');
  } catch (err) {
    throw new SyncError(entraErrors.TenantUnreachable, { endpoint, detail: `the CA file ${caFile} could not be read (${(err as Error).message})` }, { cause: err });
  }
}

export function createAgent(caPem: string | undefined): Agent {
  return new Agent({
    connect: caPem ? { ca: [...rootCertificates, caPem] } : {},
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
