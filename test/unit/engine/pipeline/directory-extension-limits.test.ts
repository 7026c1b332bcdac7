// Directory extension limits, from how-to-connect-sync-feature-directory-extensions: "An object in
// Microsoft Entra ID can have up to 100 attributes for directory extensions. The maximum length is
// 250 characters. If an attribute value is longer, the sync engine truncates it." The count limit
// is one of LargeObject's causes in tshoot-connect-sync-errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applySizeLimits, type DesiredExport } from '../../../../src/engine/pipeline/entra-data-rules';
import type { SyncFacts } from '../../../../src/engine/pipeline/context';

const app = '0123456789abcdef0123456789abcdef';
const facts = () => ({}) as SyncFacts;

test('a directory extension value over 250 characters is exported cut to 250, and its row says so; 250 is kept whole', () => {
  const long = 'x'.repeat(300);
  const exact = 'é'.repeat(250);
  const desired: DesiredExport = { [`extension_${app}_costCenter`]: [long], [`extension_${app}_exact`]: [exact], displayName: ['y'.repeat(300)] };
  const notes: Record<string, string> = {};
  const f = facts();
  applySizeLimits(f, desired, notes);
  assert.deepEqual(desired[`extension_${app}_costCenter`], ['x'.repeat(250)]);
  assert.match(notes[`extension_${app}_costCenter`] ?? '', /300 characters.*truncates.*250/);
  assert.deepEqual(desired[`extension_${app}_exact`], [exact], '250 characters (counted as characters, not UTF-16 units or bytes) stay');
  assert.equal(notes[`extension_${app}_exact`], undefined);
  assert.equal((desired.displayName as string[])[0]!.length, 300, 'not a directory extension: untouched');
  assert.equal(f.predictedExportError, undefined, 'truncated, not refused');
});

test('more than 100 directory extensions on one object is LargeObject; 100 is not', () => {
  const withCount = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`extension_${app}_a${i}`, [`v${i}`]])) as DesiredExport;
  const hundred = facts();
  applySizeLimits(hundred, withCount(100), {});
  assert.equal(hundred.predictedExportError, undefined);
  const over = facts();
  applySizeLimits(over, { ...withCount(101), [`extension_${app}_cleared`]: null }, {});
  assert.equal(over.predictedExportError?.code, 'LargeObject');
  assert.match(over.predictedExportError?.reason ?? '', /101 directory extension attributes.*at most 100/);
});
