// The export deletion threshold a what-if checks, for a session: --deletion-threshold when given,
// else what the tenant and the server configuration say (deletionThresholdOf decides between them).
import { deletionThresholdOf, type DeletionThreshold } from '../../engine/batch/what-if';
import { isSyncError } from '../../engine/errors/sync-error';
import type { DeletionPrevention } from '../../engine/ports/entra-target';
import type { Session } from '../session';

/** The tenant's accidental deletion prevention, read with the session's sign-in (the adapter keeps it a while); undefined when it cannot be read. */
async function tenantDeletionPrevention(session: Session): Promise<DeletionPrevention | undefined> {
  try {
    return (await (await session.tenant()).connect()).syncFeatures.deletionPrevention;
  } catch (err) {
    if (!isSyncError(err)) throw err;
    return undefined;
  }
}

export async function whatIfDeletionThreshold(session: Session, explicit?: number): Promise<DeletionThreshold> {
  const tenant = explicit === undefined ? await tenantDeletionPrevention(session) : undefined;
  return deletionThresholdOf(session.ruleSet.globalSettings, explicit, tenant);
}
