// One Single Object Sync: the ten steps in order, then the provisioningObjectSummary.
import { isSyncError } from '../errors';
import type { ProvisioningObjectSummary } from '../summary/types';
import type { SyncDependencies, SyncFacts, SyncRequest } from './context';
import { exportStep } from './export-step';
import { importFromActiveDirectoryStep, importFromEntraStep } from './import-steps';
import {
  accessibilityStep, groupFilteringStep, objectTypeStep, organizationalUnitStep, sourceDomainStep, targetDomainStep,
} from './scoping-steps';
import { StepRunner } from './step-runner';
import { buildSummary } from './summary-builder';
import { syncStep } from './sync-step';

export async function runSync(deps: SyncDependencies, request: SyncRequest): Promise<ProvisioningObjectSummary> {
  const started = deps.clock.now();
  const t0 = deps.clock.monotonic();
  const runner = new StepRunner(deps.clock, request.onEvent, request.signal);
  // The request carries a parsed Dn: a malformed name was refused where it was entered.
  const facts: SyncFacts = { dn: request.distinguishedName };
  try {
    await runner.run(1, () => sourceDomainStep(deps, facts));
    // A step that throws still reports the Graph requests it made (request ids, Retry-After).
    const graphSince = () => {
      const before = facts.entra?.requests().length ?? 0;
      return () => ({ graphRequests: facts.entra?.requests().slice(before) ?? [] });
    };
    await runner.run(2, () => targetDomainStep(deps, facts));
    await runner.run(3, () => organizationalUnitStep(deps, facts));
    await runner.run(4, () => accessibilityStep(deps, facts));
    await runner.run(5, () => objectTypeStep(deps, facts));
    await runner.run(6, () => groupFilteringStep(deps, facts));
    await runner.run(7, () => importFromActiveDirectoryStep(deps, facts));
    await runner.run(8, () => importFromEntraStep(deps, facts), graphSince());
    const synced = await runner.run(9, () => syncStep(deps, facts));
    if (synced && facts.pendingExport) {
      await runner.run(10, () => exportStep(deps, facts, request.stagingMode), graphSince());
    } else {
      runner.fillMissing(facts.notProvisionedReason ?? 'Not run: the Sync step did not produce a pending export.');
    }
    // The import and sync state is committed in staging mode too, as the cmdlet does.
    if (facts.lock && facts.next) await facts.lock.save(facts.next);
  } finally {
    await facts.lock?.release().catch(() => undefined);
  }
  runner.fillMissing('Not run.');
  const summary = buildSummary(deps, request, facts, runner, started, deps.clock.monotonic() - t0);
  request.onEvent?.({ type: 'finished', summary });
  return summary;
}

export { isSyncError };
