// The report panel's message protocol (webview/protocol.ts), shared by host and webview:
// what the host accepts from the webview, and how both sides fold messages into state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyPanelState, isWebviewMessage, reduce, type HostMessage, type PanelState } from '../../webview/protocol';
import type { ProvisioningObjectSummary } from '../../src/engine/summary/types';

test('the host accepts only well-formed webview messages', () => {
  for (const ok of [{ type: 'ready' }, { type: 'openJson', offer: 'o1' }, { type: 'saveHtmlReport', offer: 'o1' }, { type: 'runAgain', offer: 'o1' }, { type: 'runWithExport', offer: 'o1' }, { type: 'tabSelected', index: 2 }]) {
    assert.equal(isWebviewMessage(ok), true, JSON.stringify(ok));
  }
  // An action without the offer it answers is refused before the host looks at it.
  for (const bad of [null, 'ready', 42, {}, { type: 'deleteEverything' }, { type: 'runAgain' }, { type: 'runWithExport', offer: '' }, { type: 'openJson', offer: 7 }, { type: 'runAgain', offer: 'x'.repeat(101) }, { type: 'tabSelected' }, { type: 'tabSelected', index: -1 }, { type: 'tabSelected', index: 1.5 }, { type: 'tabSelected', index: '1' }, { type: 'tabSelected', index: 99 }]) {
    assert.equal(isWebviewMessage(bad), false, JSON.stringify(bad));
  }
});

const run = { distinguishedName: 'CN=Alice Wu,OU=Sales,DC=corp,DC=contoso,DC=com', stagingMode: true, startDateTime: '2026-01-01T00:00:00Z', exportAllowed: true };

function fold(messages: HostMessage[], from: PanelState = emptyPanelState): PanelState {
  return messages.reduce(reduce, from);
}

test('steps stream in: started then finished, kept in step order whatever the arrival order', () => {
  const state = fold([
    { type: 'runStarted', run, steps: [1, 2, 3].map((n) => ({ stepNumber: n, name: `step ${n}`, status: 'pending' as const })) },
    { type: 'stepStarted', stepNumber: 2, name: 'step 2' },
    { type: 'stepStarted', stepNumber: 1, name: 'step 1' },
    { type: 'stepFinished', step: { stepNumber: 1, name: 'step 1', status: 'success', durationInMilliseconds: 3 } },
  ]);
  assert.equal(state.phase, 'running');
  assert.deepEqual(state.steps.map((s) => [s.stepNumber, s.status]), [[1, 'success'], [2, 'running'], [3, 'pending']]);
});

test('a failure marks running steps failed and keeps the error; a new run starts clean', () => {
  const failed = fold([
    { type: 'runStarted', run, steps: [] },
    { type: 'stepStarted', stepNumber: 1, name: 'step 1' },
    { type: 'runFailed', error: { code: 'SyncCancelled', reason: 'cancelled', recommendedAction: 'run again' }, offer: { id: 'o1', actions: ['runAgain'] } },
  ]);
  assert.equal(failed.phase, 'failed');
  assert.equal(failed.steps[0]!.status, 'failure');
  assert.equal(failed.error?.code, 'SyncCancelled');
  const again = reduce(failed, { type: 'runStarted', run, steps: [] });
  assert.equal(again.error, undefined);
  assert.equal(again.offer, undefined, 'a running sync offers nothing');
  assert.equal(again.phase, 'running');
});

test('a finished run takes its steps from the summary; a restore replaces the whole state', () => {
  const summary = {
    id: 'x',
    provisioningSteps: [{ stepNumber: 1, name: 'one', status: 'success', durationInMilliseconds: 5 }],
  } as unknown as ProvisioningObjectSummary;
  const finished = fold([
    { type: 'runStarted', run, steps: [] },
    { type: 'runFinished', summary, report: { title: 'x', displayName: 'x', status: 'success', mode: 'Preview', headline: [], initialTab: 'steps', tabs: [], footer: [] }, offer: { id: 'o2', actions: ['openJson', 'runAgain'] } },
    { type: 'reportSaved', path: '/tmp/r.htm' },
  ]);
  assert.equal(finished.phase, 'finished');
  assert.deepEqual(finished.steps, [{ stepNumber: 1, name: 'one', status: 'success', durationInMilliseconds: 5 }]);
  assert.equal(finished.savedReportPath, '/tmp/r.htm');
  assert.deepEqual(finished.offer, { id: 'o2', actions: ['openJson', 'runAgain'] });
  assert.equal(reduce(emptyPanelState, { type: 'restore', state: finished }), finished);
});
