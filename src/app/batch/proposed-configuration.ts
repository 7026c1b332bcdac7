// A what-if's proposed configuration, checked before anything connects with it: it must load,
// and it may change filtering and rules only. A proposed file often comes from someone else (a
// pull request, a colleague's draft); one that named another authority, LDAP server, CA or
// credential variable would send the engineer's credentials there (endpoints.ts).
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
    if (!isSyncError(err)) throw err;
    return new SyncError(batchErrors.WhatIfConfigurationInvalid, { file, problem: `${err.code}: ${err.reason}` }, { cause: err });
  }
  return proposedConnectionProblem(file, current, proposed);
}

/** WhatIfConfigurationInvalid naming each way the loaded proposed configuration would connect or sign in differently. */
export function proposedConnectionProblem(file: string, current: SingleObjectSyncConfig, proposed: SingleObjectSyncConfig): SyncError | undefined {
  const changes = connectionChanges(current, proposed);
  if (!changes.length) return undefined;
  return new SyncError(batchErrors.WhatIfConfigurationInvalid, {
    file,
    problem: `it would connect or sign in differently from the current configuration, and a what-if compares filtering and rules only: ${changes.join('; ')}`,
  });
}
