// A SyncError crosses a thread boundary as data and is the same SyncError on the other side.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reviveError, serializeError } from '../../../../../src/app/batch/parallel/errors';
import { syncErrors } from '../../../../../src/engine/errors/catalog/sync';
import { isSyncError, SyncError } from '../../../../../src/engine/errors/sync-error';

test('a SyncError survives a structured clone: code, texts, category, remedy and plain details; no placeholder is filled twice', () => {
  // An AD value that looks like a placeholder must stay as it was shown.
  const original = new SyncError(syncErrors.StateUnreadable, { file: '/s/{detail}.json', detail: 'bad JSON', retry: 3, nested: { a: [1] }, callback: () => 1 });
  const revived = reviveError(structuredClone(serializeError(original)));
  assert.ok(isSyncError(revived) && revived instanceof Error);
  assert.equal(revived.code, 'StateUnreadable');
  assert.equal(revived.reason, original.reason);
  assert.match(revived.reason, /\/s\/\{detail\}\.json/);
  assert.equal(revived.recommendedAction, original.recommendedAction);
  assert.equal(revived.category, original.category);
  assert.equal(revived.remedy, original.remedy);
  assert.deepEqual(revived.details, { file: '/s/{detail}.json', detail: 'bad JSON', retry: 3, nested: { a: [1] } });
  // What the summary shows (errorInformation) is the same, but for the function, which is no data.
  assert.deepEqual(revived.toInfo(), { ...original.toInfo(), additionalDetails: 'file=/s/{detail}.json; detail=bad JSON; retry=3' });
});

test('any other error crosses as its message, and is not taken for a SyncError', () => {
  const revived = reviveError(structuredClone(serializeError(new TypeError('boom'))));
  assert.equal(isSyncError(revived), false);
  assert.equal(revived.message, 'boom');
});
