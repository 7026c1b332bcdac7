import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { countTap } from '../../../scripts/tap-count.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

test('the closing line counts a nested failure once and keeps skipped and todo tests', () => {
  // A real node:test run, not a hand-written TAP text: the format is node's own.
  // Without NODE_TEST_CONTEXT the child reports to its own stdout, not to this runner.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', path.join(root, 'test', 'fixtures', 'tap', 'nested.fixture.mjs')], { encoding: 'utf8', env });
  assert.notEqual(run.status, 0, 'the fixture run fails');
  const counts = countTap(run.stdout);
  // Two real failures (one nested, one top level); the parent that failed only through its
  // subtest is not a third.
  assert.equal(counts.failed, 2);
  assert.equal(counts.passed, 2);
  assert.equal(counts.skipped, 3, 'two skips and one todo');
});

test('a parent that fails on its own assertion after passing subtests is a failure', () => {
  const tap = [
    'TAP version 13',
    '# Subtest: p',
    '    # Subtest: inner',
    '    ok 1 - inner',
    'not ok 1 - p',
    '  ---',
    "  failureType: 'testCodeFailure'",
    '  ...',
    '1..1',
  ].join('\n');
  assert.deepEqual(countTap(tap), { passed: 1, failed: 1, skipped: 0 });
});
