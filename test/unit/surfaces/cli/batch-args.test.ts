// Batch arguments: what combines, what is refused (exit 2 before anything runs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCliArguments, UsageError } from '../../../../src/surfaces/cli/args';

test('batch options parse', () => {
  const a = parseCliArguments(['--search-base', 'OU=Sales,DC=x', '--scope', 'ONE', '--ldap-filter', '(l=Paris)', '--export', '--bulk-read-threshold', '50']);
  assert.equal(a.searchBase, 'OU=Sales,DC=x');
  assert.equal(a.scope, 'one');
  assert.equal(a.ldapFilter, '(l=Paris)');
  assert.equal(a.export, true);
  assert.equal(a.bulkReadThreshold, 50);
  const w = parseCliArguments(['--input', 'dns.txt', '--what-if-config', 'p.json', '--deletion-threshold', '10']);
  assert.equal(w.input, 'dns.txt');
  assert.equal(w.deletionThreshold, 10);
  assert.equal(parseCliArguments(['--search-base', 'OU=A,DC=x', '--workers', '3']).workers, 3);
});

test('contradictions and batch-only options without a batch are usage errors', () => {
  const refused = [
    ['--search-base', 'OU=A,DC=x', '--input', 'f'],
    ['--search-base', 'OU=A,DC=x', '--distinguished-name', 'CN=b,DC=x'],
    ['--distinguished-name', 'CN=b,DC=x', '--export'],
    ['--distinguished-name', 'CN=b,DC=x', '--ldap-filter', '(cn=*)'],
    ['--input', 'f', '--scope', 'one'],
    ['--search-base', 'OU=A,DC=x', '--scope', 'base'],
    ['--search-base', 'OU=A,DC=x', '--export', '--staging-mode'],
    ['--search-base', 'OU=A,DC=x', '--export', '--what-if-config', 'p.json'],
    ['--search-base', 'OU=A,DC=x', '--deletion-threshold', '5'],
    ['--search-base', 'OU=A,DC=x', '--what-if-config', 'p.json', '--deletion-threshold', '-1'],
    ['--search-base', 'OU=A,DC=x', '--output', 'o.json'],
    ['--distinguished-name', 'CN=b,DC=x', '--workers', '2'],
    ['--search-base', 'OU=A,DC=x', '--workers', '0'],
    ['--search-base', 'OU=A,DC=x', '--workers', '100000'],
    // An empty --redact (an unset variable: --redact "$SECRET_ATTRS") would mask nothing, silently.
    ['--search-base', 'OU=A,DC=x', '--redact', ''],
    ['--distinguished-name', 'CN=b,DC=x', '--redact', 'mail', '--redact', ' , '],
    [],
  ];
  for (const argv of refused) assert.throws(() => parseCliArguments(argv), UsageError, argv.join(' '));
});

test('an option that takes a value, given twice, is refused rather than one of the values dropped', () => {
  for (const argv of [
    ['--distinguished-name', 'CN=a,DC=x', '--distinguished-name', 'CN=b,DC=x'],
    ['-DistinguishedName', 'CN=a,DC=x', '--distinguished-name', 'CN=b,DC=x'],
    ['--distinguished-name', 'CN=a,DC=x', '--config', 'one.json', '--config=two.json'],
    ['--search-base', 'OU=A,DC=x', '--ldap-filter', '(l=Paris)', '--ldap-filter', '(l=Oslo)'],
  ]) {
    assert.throws(() => parseCliArguments(argv), (err: Error) => err instanceof UsageError && /^--[a-z-]+ is given more than once/.test(err.message), argv.join(' '));
  }
  // --redact takes several (also comma-separated); a repeated switch changes nothing.
  assert.deepEqual(parseCliArguments(['--distinguished-name', 'CN=a,DC=x', '--redact', 'mail', '--redact', 'sn,title']).redact, ['mail', 'sn', 'title']);
  assert.equal(parseCliArguments(['--distinguished-name', 'CN=a,DC=x', '--staging-mode', '--staging-mode']).stagingMode, true);
});
