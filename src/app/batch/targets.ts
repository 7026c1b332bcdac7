// What a batch runs over: a scope (search base, one level or subtree, an optional LDAP filter)
// or a file of distinguished names. Both are checked before anything is read or written.
import type { ActiveDirectoryConnectorConfig, SingleObjectSyncConfig } from '../config/model';
import { describeReadError, readFileBounded } from '../../adapters/io/read-bounded';
import { batchErrors } from '../../engine/errors/catalog/batch';
import { isSyncError, SyncError } from '../../engine/errors/sync-error';
import { isDescendantOf, parseDn } from '../../engine/model/dn';

export type BatchTarget =
  | { kind: 'search'; base: string; scope: 'one' | 'subtree'; ldapFilter?: string }
  | { kind: 'file'; file: string };

/** The most an --input file may hold (about 100,000 long DNs). */
export const INPUT_FILE_LIMIT = 32 * 1024 * 1024;

/** One DN a line; empty lines and lines starting with # are ignored; every line must parse. */
export async function readInputFile(file: string): Promise<string[]> {
  let text: string;
  try {
    const bytes = await readFileBounded(file, INPUT_FILE_LIMIT);
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    const problem = err instanceof TypeError ? 'it is not UTF-8 text' : describeReadError(err);
    throw new SyncError(batchErrors.BatchInputUnreadable, { file, problem }, { cause: err });
  }
  const dns: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (const [k, raw] of lines.entries()) {
    // A DN may end in an escaped space (CN=Name\ ), so only the line break is cut off.
    const line = raw.replace(/\r$/, '').replace(/^[ \t]+/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    try {
      if (parseDn(line).length === 0) throw new Error('empty');
    } catch (err) {
      const why = isSyncError(err) ? err.reason : 'the distinguished name is empty';
      throw new SyncError(batchErrors.BatchInputUnreadable, { file, problem: `line ${k + 1} is not a distinguished name (${why})` }, { cause: err });
    }
    dns.push(line);
  }
  if (dns.length === 0) throw new SyncError(batchErrors.BatchScopeEmpty, { what: `${file} holds no distinguished name` });
  return dns;
}

/** The connector whose configured partition holds the search base. */
export function connectorForBase(config: SingleObjectSyncConfig, base: string): ActiveDirectoryConnectorConfig {
  parseDn(base); // MalformedDistinguishedName
  for (const connector of config.activeDirectory) {
    if ((connector.partitions ?? []).some((p) => isDescendantOf(base, p.dn, { orSelf: true }))) return connector;
  }
  const partitions = config.activeDirectory.flatMap((c) => (c.partitions ?? []).map((p) => p.dn)).join('; ') || 'none configured';
  throw new SyncError(batchErrors.SearchBaseOutsideConnectors, { base, partitions });
}
