// The SyncError a call throws, for tests that check its code and details.
import assert from 'node:assert/strict';
import { SyncError } from '../../src/engine/errors/sync-error';

export function syncErrorOf(fn: () => unknown): SyncError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SyncError, `expected a SyncError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
}

/** The SyncError a promise rejects with (any other rejection is rethrown). */
export async function syncErrorOfPromise(promise: Promise<unknown>): Promise<SyncError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SyncError) return err;
    throw err;
  }
  assert.fail('expected a SyncError');
}
