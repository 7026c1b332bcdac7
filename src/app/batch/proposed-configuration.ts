// A what-if's proposed configuration, checked before anything connects with it: it must load,
// and it may change filtering and rules only. A proposed file often comes from someone else (a
// pull request, a colleague's draft); one that named another authority, LDAP server, CA or
// credential variable would send the engineer's credentials there (endpoints.ts). Nor may it read
// another directory (another LDIF snapshot): the what-if compares two configurations over the same
// directory, and another directory's differences would be listed as the configuration's.
import { statSync } from 'node:fs';
import { readRegularFileSync, READ_LIMITS } from '../../adapters/io/read-bounded';
import { loadConfiguration } from '../config';
import { connectionChanges } from '../config/endpoints';
import { isServerConfigurationFolder } from '../config/export-folder';
import type { SingleObjectSyncConfig } from '../config/model';
import { batchErrors } from '../../engine/errors/catalog/batch';
import { isSyncError, SyncError } from '../../engine/errors/sync-error';

/** Why the proposed file cannot be compared with the current configuration, or undefined when it can. */
export async function proposedConfigurationProblem(file: string, current: SingleObjectSyncConfig): Promise<SyncError | undefined> {
  if (await isServerConfigurationFolder(file)) {
    return new SyncError(batchErrors.WhatIfConfigurationInvalid, {
      file,
      problem: `it is the folder of a Get-ADSyncServerConfiguration export, not a configuration file; copy the current configuration, set "rules": {"serverConfiguration": ${JSON.stringify(file)}} in the copy and give the copy`,
    });
  }
  let proposed: SingleObjectSyncConfig;
  try {
    proposed = (await loadConfiguration(file)).config;
  } catch (err) {
    // The proposed file often comes from someone else: whatever its loading meets (a RangeError
    // of a file built to exhaust the loader) refuses it by name, before anything is made.
    const problem = isSyncError(err) ? `${err.code}: ${err.reason}` : `it could not be loaded (${(err as Error)?.message ?? String(err)})`;
    return new SyncError(batchErrors.WhatIfConfigurationInvalid, { file, problem }, { cause: err });
  }
  return proposedConnectionProblem(file, current, proposed);
}

/** WhatIfConfigurationInvalid naming each way the loaded proposed configuration would connect or sign in differently. */
export function proposedConnectionProblem(file: string, current: SingleObjectSyncConfig, proposed: SingleObjectSyncConfig): SyncError | undefined {
  const changes = [...connectionChanges(current, proposed), ...directoryChanges(current, proposed)];
  if (!changes.length) return undefined;
  return new SyncError(batchErrors.WhatIfConfigurationInvalid, {
    file,
    problem: `it would connect or sign in differently from the current configuration, or read another directory, and a what-if compares filtering and rules only, over the same directory: ${changes.join('; ')}`,
  });
}

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The size of a file, or undefined when it cannot be looked at (the session's open says why). */
function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

/**
 * Are two LDIF snapshots the same directory: the same file, or the same content (a copy next to
 * the proposed file)? A file that cannot be read is not judged here: opening the proposed
 * configuration reports it (LdifUnreadable, as WhatIfConfigurationInvalid).
 */
function sameSnapshot(a: string, b: string): boolean {
  if (a === b) return true;
  const [sizeA, sizeB] = [sizeOf(a), sizeOf(b)];
  if (sizeA === undefined || sizeB === undefined) return true;
  if (sizeA !== sizeB) return false;
  try {
    const [bytesA, bytesB] = [readRegularFileSync(a, READ_LIMITS.ldif), readRegularFileSync(b, READ_LIMITS.ldif)];
    return !bytesA || !bytesB || bytesA.equals(bytesB);
  } catch {
    return true;
  }
}

/**
 * Each way the proposed configuration reads another directory than the current one: an LDIF
 * connector the current configuration does not have, or one of the same name reading another
 * snapshot, or the LDIF snapshot of a connector the current configuration reads over LDAP. (An
 * LDAP connector's server is compared by connectionChanges.)
 */
function directoryChanges(current: SingleObjectSyncConfig, proposed: SingleObjectSyncConfig): string[] {
  const changes: string[] = [];
  for (const connector of proposed.activeDirectory) {
    if (!connector.ldifFile || connector.url) continue;
    const at = `activeDirectory "${connector.name}"`;
    const same = current.activeDirectory.find((c) => sameName(c.name, connector.name));
    if (!same) changes.push(`${at} reads another directory (the LDIF snapshot ${connector.ldifFile}), a connector the current configuration does not have`);
    else if (!same.ldifFile) changes.push(`${at} reads another directory (the LDIF snapshot ${connector.ldifFile}), where the current configuration reads ${same.url ?? 'its server'}`);
    else if (!sameSnapshot(same.ldifFile, connector.ldifFile)) changes.push(`${at} reads another directory: the LDIF snapshot ${connector.ldifFile}, not the current configuration's ${same.ldifFile}`);
  }
  return changes;
}
