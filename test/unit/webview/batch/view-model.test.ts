// The batch results view's model: counts, filter, sort, rate and ETA, roving focus; and the
// protocol's reducer and message check (what the host accepts from the webview).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cancelling, emptyBatchViewState, isBatchWebviewMessage, mergeRows, reduceBatch, type BatchRowView, type BatchStrings } from '../../../../webview/batch/protocol';
import { counts, defaultTableView, etaMs, format, formatDuration, fraction, maxDrawnRows, nextFocus, rate, toggleSort, visibleRows } from '../../../../webview/batch/view-model';

const row = (index: number, over: Partial<BatchRowView> = {}): BatchRowView => ({ index, dn: `CN=user${index},OU=Sales,DC=corp,DC=contoso,DC=com`, displayName: `User ${index}`, status: 'success', action: 'update', ...over });
const rows: BatchRowView[] = [
  row(1, { displayName: 'Zed', status: 'success' }),
  row(2, { displayName: 'alice', status: 'failure', errorCode: 'AttributeValueMustBeUnique', reason: 'UPN in use' }),
  row(3, { displayName: 'Bob', status: 'skipped', action: 'other' }),
  row(4, { displayName: 'carol', status: 'warning', action: 'create' }),
  row(5, { displayName: 'Dave', status: 'failure', errorCode: 'InvalidUserPrincipalName' }),
];
const strings = new Proxy({}, { get: (_t, k) => String(k) }) as BatchStrings;

test('counts by status for a preview, every status present even at zero', () => {
  assert.deepEqual(counts({ rows, run: { kind: 'preview', scope: 'x', startDateTime: '' } }), [
    { key: 'success', count: 1 },
    { key: 'warning', count: 1 },
    { key: 'failure', count: 2 },
    { key: 'skipped', count: 1 },
  ]);
});

test('counts by outcome for a compared what-if, deletes first', () => {
  const compared = [row(1, { outcome: 'delete' }), row(2, { outcome: 'delete' }), row(3, { outcome: 'create' }), row(4, { outcome: 'unchanged' })];
  const c = counts({ rows: compared, run: { kind: 'whatIf', scope: 'x', startDateTime: '' } });
  assert.equal(c[0]!.key, 'delete');
  assert.equal(c.find((x) => x.key === 'delete')!.count, 2);
  assert.equal(c.find((x) => x.key === 'create')!.count, 1);
  assert.equal(c.reduce((s, x) => s + x.count, 0), 4, 'each row counted once');
});

test('filter: text matches DN, name, error code and reason, case-insensitively; a status narrows', () => {
  assert.deepEqual(visibleRows(rows, { ...defaultTableView, text: 'ALICE' }).rows.map((r) => r.index), [2]);
  assert.deepEqual(visibleRows(rows, { ...defaultTableView, text: 'upn in use' }).rows.map((r) => r.index), [2]);
  assert.deepEqual(visibleRows(rows, { ...defaultTableView, text: 'invaliduser' }).rows.map((r) => r.index), [5]);
  assert.deepEqual(visibleRows(rows, { ...defaultTableView, only: 'failure' }).rows.map((r) => r.index), [2, 5]);
  assert.deepEqual(visibleRows(rows, { ...defaultTableView, only: 'failure', text: 'dave' }).rows.map((r) => r.index), [5]);
  assert.equal(visibleRows(rows, { ...defaultTableView, text: 'nobody' }).matching, 0);
});

test('sort: by name ignores case; by status puts failures first; ties keep batch order; toggling flips', () => {
  let view = toggleSort(defaultTableView, 'displayName');
  assert.deepEqual(visibleRows(rows, view).rows.map((r) => r.displayName), ['alice', 'Bob', 'carol', 'Dave', 'Zed']);
  view = toggleSort(view, 'displayName');
  assert.equal(view.direction, 'descending');
  assert.deepEqual(visibleRows(rows, view).rows.map((r) => r.displayName), ['Zed', 'Dave', 'carol', 'Bob', 'alice']);
  view = toggleSort(view, 'status');
  assert.equal(view.direction, 'ascending', 'a new column starts ascending');
  assert.deepEqual(visibleRows(rows, view).rows.map((r) => r.index), [2, 5, 4, 3, 1]);
  view = toggleSort(defaultTableView, 'errorCode');
  assert.deepEqual(visibleRows(rows, view).rows.map((r) => r.index).slice(0, 2), [2, 5], 'rows with an error code first');
});

test('at most maxDrawnRows are drawn, and the number matching is told', () => {
  const many = Array.from({ length: 5000 }, (_, i) => row(i + 1));
  const v = visibleRows(many, defaultTableView);
  assert.equal(v.rows.length, maxDrawnRows);
  assert.equal(v.matching, 5000);
});

test('rate and ETA from the objects done so far; a what-if counts both passes', () => {
  assert.equal(rate({ done: 0, total: 100, elapsedMs: 1000 }), undefined, 'nothing to measure yet');
  assert.equal(etaMs({ done: 0, total: 100, elapsedMs: 1000 }), undefined);
  assert.equal(rate({ done: 50, total: 100, elapsedMs: 1000 }), 50);
  assert.equal(etaMs({ done: 50, total: 100, elapsedMs: 1000 }), 1000);
  assert.equal(etaMs({ done: 50, total: 100, elapsedMs: 1000, passIndex: 1, passes: 2 }), 3000, 'the second pass is still to run');
  assert.equal(etaMs({ done: 100, total: 100, elapsedMs: 1000 }), 0);
  assert.equal(fraction({ done: 50, total: 100, elapsedMs: 1, passIndex: 2, passes: 2 }), 0.75);
  assert.equal(fraction({ done: 0, total: 0, elapsedMs: 0 }), 0);
});

test('durations and templates for people', () => {
  assert.equal(formatDuration(42_400), '42 s');
  assert.equal(formatDuration(185_000), '3 min 5 s');
  assert.equal(formatDuration(3_720_000), '1 h 2 min');
  assert.equal(formatDuration(185_000, { seconds: '{0} Sek.', minutes: '{0} Min. {1} Sek.', hours: '{0} Std. {1} Min.' }), '3 Min. 5 Sek.', 'units come from the host');
  assert.equal(format('{0} of {1} objects', 1234, 5000), `${(1234).toLocaleString()} of ${(5000).toLocaleString()} objects`);
  assert.equal(format('{1} before {0}', 'a', 'b'), 'b before a', 'a translation may reorder');
  assert.equal(format('{2}', 'a'), '{2}', 'a missing argument stays visible');
});

test('roving focus: arrows, pages, Home and End stay inside the table', () => {
  assert.equal(nextFocus('ArrowDown', 0, 5), 1);
  assert.equal(nextFocus('ArrowDown', 4, 5), 4);
  assert.equal(nextFocus('ArrowUp', 0, 5), 0);
  assert.equal(nextFocus('PageDown', 0, 5), 4);
  assert.equal(nextFocus('PageUp', 4, 5), 0);
  assert.equal(nextFocus('End', 0, 5), 4);
  assert.equal(nextFocus('Home', 3, 5), 0);
  assert.equal(nextFocus('a', 3, 5), undefined);
  assert.equal(nextFocus('ArrowDown', 0, 0), undefined);
});

test('reducer: init, streamed rows merged by index, cancel asked then confirmed, failure', () => {
  let s = reduceBatch(emptyBatchViewState, { type: 'init', strings, run: { kind: 'preview', scope: 'OU=Sales', startDateTime: '' } });
  assert.equal(s.phase, 'preparing');
  s = reduceBatch(s, { type: 'progress', progress: { done: 2, total: 5, elapsedMs: 10 }, rows: [row(2), row(1)] });
  s = reduceBatch(s, { type: 'progress', progress: { done: 3, total: 5, elapsedMs: 20 }, rows: [row(3)] });
  assert.equal(s.phase, 'running');
  assert.deepEqual(s.rows.map((r) => r.index), [1, 2, 3]);
  s = cancelling(s);
  assert.equal(s.phase, 'cancelling');
  s = reduceBatch(s, { type: 'progress', progress: { done: 4, total: 5, elapsedMs: 30 }, rows: [row(4)] });
  assert.equal(s.phase, 'cancelling', 'objects in flight still arrive while cancelling');
  s = reduceBatch(s, { type: 'finished', cancelled: true, notDone: 1, elapsedMs: 31, notes: [] });
  assert.equal(s.phase, 'cancelled');
  assert.equal(s.rows.length, 4, 'what was done is kept');
  assert.equal(s.notDone, 1);
  assert.deepEqual(mergeRows([row(1), row(2)], [row(2, { status: 'failure' })]).map((r) => r.status), ['success', 'failure']);
  s = reduceBatch(s, { type: 'failed', error: { code: 'SearchBaseNotFound', reason: 'r', recommendedAction: 'a' } });
  assert.equal(s.phase, 'failed');
});

test('the host accepts only well-formed messages from the webview', () => {
  assert.ok(isBatchWebviewMessage({ type: 'ready' }));
  assert.ok(isBatchWebviewMessage({ type: 'cancel' }));
  assert.ok(isBatchWebviewMessage({ type: 'openRow', index: 3 }));
  for (const bad of [null, 'openRow', { type: 'openRow' }, { type: 'openRow', index: '3' }, { type: 'openRow', index: 0 }, { type: 'openRow', index: 1.5 }, { type: 'openRow', dn: 'CN=x' }, { type: 'export' }]) {
    assert.equal(isBatchWebviewMessage(bad), false, JSON.stringify(bad));
  }
});
