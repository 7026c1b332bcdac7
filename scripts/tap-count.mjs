// The closing line's counts, read from the TAP file of one node:test run.

/**
 * Counts every test point once. A parent that failed only because its subtests failed
 * (node:test's failureType 'subtestsFailed') is not a second failure; skipped and todo tests
 * are counted as skipped; a cancelled test is a failure.
 */
export function countTap(tap) {
  const lines = tap.split('\n');
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(ok|not ok) \d+ - .*?(?: # (SKIP|TODO)\b.*)?$/.exec(lines[i]);
    if (!m) continue;
    if (m[2]) { skipped++; continue; }
    if (m[1] === 'ok') { passed++; continue; }
    // The YAML block after a failing point says why it failed.
    let onlySubtests = false;
    if (/^\s*---$/.test(lines[i + 1] ?? '')) {
      for (let j = i + 2; j < lines.length && !/^\s*\.\.\.$/.test(lines[j]); j++) {
        if (/^\s*failureType: '?subtestsFailed'?$/.test(lines[j])) onlySubtests = true;
      }
    }
    if (!onlySubtests) failed++;
  }
  return { passed, failed, skipped };
}
