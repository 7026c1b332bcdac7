// Batch arguments as a careless or hostile user gives them: every refusal is a UsageError with
// one line that names the option and what to do (parseArgs's own messages span lines, which the
// terminal output escapes into \u000a, and -SearchBase surfaced as "Unknown option '-S'").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCliArguments, UsageError } from '../../../../src/surfaces/cli/args';

const base = ['--search-base', 'OU=A,DC=x'];

function refusal(argv: string[]): string {
  try {
    parseCliArguments(argv);
  } catch (err) {
    assert.ok(err instanceof UsageError, `${argv.join(' ')}: ${String(err)}`);
    assert.doesNotMatch(err.message, /\n/, `${argv.join(' ')}: one line`);
    return err.message;
  }
  assert.fail(`${argv.join(' ')} was accepted`);
}

test('a value option followed by a dash: one line naming the option and the --option=value form', () => {
  assert.equal(refusal([...base, '--workers', '-1']), '--workers needs a value, but the next argument "-1" starts with a dash: give the value after --workers, or write --workers=-1 if that is the value.');
  assert.match(refusal(['--input', '--export']), /^--input needs a value, but the next argument "--export" starts with a dash/);
});

test('a value option at the end, or a switch given a value: said in one line', () => {
  assert.equal(refusal([...base, '--workers']), '--workers needs a value (--workers N).');
  assert.equal(refusal([...base, '--export=false']), '--export is a switch and takes no value: give --export alone, or leave it out.');
});

test('a PowerShell-style option this tool does not map is named as given, with its Unix spelling', () => {
  assert.match(refusal(['-SearchBase', 'OU=A,DC=x']), /^Unknown option "-SearchBase" \(did you mean --search-base\?\): options take two dashes/);
  assert.match(refusal(['-searchbase', 'OU=A,DC=x']), /\(did you mean --search-base\?\)/);
  assert.match(refusal([...base, '-WhatIfConfig', 'p.json']), /^Unknown option "-WhatIfConfig" \(did you mean --what-if-config\?\)/);
  assert.match(refusal([...base, '--frobnicate']), /^Unknown option '--frobnicate'\.$/);
  // The mapped spellings still work.
  assert.equal(parseCliArguments(['-DistinguishedName', 'CN=a,DC=x', '-StagingMode']).stagingMode, true);
});

test('a stray argument (an unquoted value with spaces) says to quote it', () => {
  assert.match(refusal(['--search-base', 'OU=Sales,', 'OU=Contoso,DC=x']), /^Unexpected argument "OU=Contoso,DC=x": every value follows its option, and a value that holds spaces must be quoted/);
});

test('counts: bad values name the bound they miss; ten digits and more are "at most", not "at least 1"', () => {
  for (const option of ['--workers', '--bulk-read-threshold']) {
    for (const value of ['0', '-1', '1e9', '1.5', 'abc', '', ' 3', '0x10', '\uff13']) {
      assert.match(refusal([...base, `${option}=${value}`]), new RegExp(`^${option} must be a whole number of at least 1, not `), `${option}=${value}`);
    }
    assert.equal(refusal([...base, `${option}=1000000000`]), `${option} must be at most 999999999, not "1000000000".`);
  }
  const whatIf = [...base, '--what-if-config', 'p.json'];
  for (const value of ['0', '-1', '1.5', 'abc', '']) assert.match(refusal([...whatIf, `--deletion-threshold=${value}`]), /^--deletion-threshold must be a whole number of at least 1, not /);
  assert.equal(refusal([...whatIf, '--deletion-threshold', '99999999999']), '--deletion-threshold must be at most 999999999, not "99999999999".');
  assert.equal(parseCliArguments([...whatIf, '--deletion-threshold', '999999999']).deletionThreshold, 999_999_999);
  assert.equal(parseCliArguments([...base, '--bulk-read-threshold', '0000000007']).bulkReadThreshold, 7);
  assert.equal(refusal([...base, '--workers', '17']), '--workers must be at most 16, not 17.');
});

test('--workers with --export or --what-if-config (whose passes run on the main thread) is refused, not ignored', () => {
  assert.match(refusal([...base, '--export', '--workers', '2']), /^--workers applies to a staging batch only; --export runs every object on the main thread/);
  assert.match(refusal([...base, '--what-if-config', 'p.json', '--workers', '2']), /^--workers applies to a staging batch only; --what-if-config runs/);
  assert.equal(parseCliArguments([...base, '--workers', '2']).workers, 2);
});

test('--validate-config with a DN, a batch or an output runs nothing, so it is refused rather than exit 0', () => {
  assert.match(refusal(['--validate-config', ...base]), /^--validate-config only checks the configuration and runs nothing; run it without --search-base/);
  assert.match(refusal(['--validate-config', '--distinguished-name', 'CN=a,DC=x', '--output', 'o.json']), /without --distinguished-name, --output/);
  assert.match(refusal(['--validate-config', '--input', 'dns.txt', '--export']), /without --input, --export/);
  assert.equal(parseCliArguments(['--validate-config', '--config', 'c.json']).validateConfig, true);
});
