// A broken configuration names the line and column of its problem, as an editor counts them
// (1-based, a tab or a multi-byte letter is one column): syntax errors from strict JSON (no
// comments, no trailing commas, RFC 8259) and schema problems at their value or key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonSyntaxError, MAX_JSON_DEPTH, parseJsonWithPositions } from '../../../../src/app/config/json-positions';
import { parseConfiguration } from '../../../../src/app/config';

function syntaxError(text: string): JsonSyntaxError {
  try {
    parseJsonWithPositions(text);
  } catch (err) {
    assert.ok(err instanceof JsonSyntaxError, String(err));
    return err;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be refused`);
}

test('syntax errors: where the JSON stops being JSON', () => {
  const cases: Array<[string, number, number, RegExp]> = [
    ['{\n  "a": 1,\n  "b": 2,\n}', 4, 1, /property name/], // trailing comma
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, /","/], // missing comma
    ['{\n  // a comment\n  "a": 1\n}', 2, 3, /comments are not allowed/],
    ['{\n  "a": "open\n}', 2, 8, /unterminated|line break/],
    ['{\n  "a": tru\n}', 2, 8, /unexpected|value/],
    ['{"a": 1} x', 1, 10, /unexpected/],
    ['{"a": 1} {}', 1, 10, /after the end/],
    ['', 1, 1, /end of file/],
    ['{\n\t"a": [1, 2,]\n}', 2, 13, /value/], // a tab is one column
    ['{"é": 1, "b" 2}', 1, 14, /":"/],
  ];
  for (const [text, line, column, message] of cases) {
    const error = syntaxError(text);
    assert.deepEqual(error.position, { line, column }, `${JSON.stringify(text)}: ${error.message}`);
    assert.match(error.message, message, JSON.stringify(text));
  }
});

test('nesting deeper than the limit is refused at the first level too deep, without recursion', () => {
  const error = syntaxError(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  assert.match(error.message, /nested deeper than 64/);
  assert.deepEqual(error.position, { line: 1, column: MAX_JSON_DEPTH + 1 });
  assert.doesNotThrow(() => parseJsonWithPositions(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`));
});

test('values and keys keep their positions; the value is what JSON.parse reads', () => {
  const text = '\uFEFF{\n  "activeDirectory": [\n    { "name": "x", "url": "ldaps://dc:636" }\n  ],\n  "a": 1,\n  "a": 2\n}';
  const parsed = parseJsonWithPositions(text);
  assert.deepEqual(parsed.value, JSON.parse(text.slice(1)));
  assert.deepEqual(parsed.values.get('/activeDirectory/0/url'), { line: 3, column: 27 });
  assert.deepEqual(parsed.keys.get('/activeDirectory/0/url'), { line: 3, column: 20 });
  assert.deepEqual(parsed.values.get('/a'), { line: 6, column: 8 }, 'a repeated key: the last, whose value JSON keeps');
  assert.deepEqual(parsed.values.get(''), { line: 1, column: 2 }, 'the byte-order mark counts as a column, as an editor shows it');
});

test('a schema problem names the line and column of the bad value, or of an unknown key', () => {
  const text = [
    '{',
    '  "activeDirectory": [',
    '    {',
    '      "name": "contoso.com",',
    '      "url": "ldaps://dc1:636",',
    '      "allowInsecure": "yes",',
    '      "prot": 636,',
    '      "partitions": [{ "dn": "DC=contoso,DC=com" }]',
    '    }',
    '  ],',
    '  "entra": { "tenantId": "t", "clientId": "c", "clientSecretEnv": "SECRET" }',
    '}',
  ].join('\n');
  const positioned = parseJsonWithPositions(text);
  const { problems } = parseConfiguration(positioned.value, '/tmp/single-object-sync.json', positioned);
  const byPath = new Map(problems.map((p) => [p.path, p]));
  assert.deepEqual(pick(byPath.get('$.activeDirectory[0].allowInsecure')), { line: 6, column: 24 });
  assert.deepEqual(pick(byPath.get('$.activeDirectory[0].prot')), { line: 7, column: 7 }, 'an unknown property points at its key');
});

const pick = (p: { line?: number; column?: number } | undefined) => ({ line: p?.line, column: p?.column });

test('an array of 300,000 items (a configuration built to exhaust the loader): positions for each, no stack overflow', () => {
  const items = Array.from({ length: 300_000 }, (_, i) => `"OU=X${i},DC=corp,DC=contoso,DC=com"`);
  const parsed = parseJsonWithPositions(`{"exclusions": [${items.join(',')}]}`);
  assert.equal((parsed.value as { exclusions: string[] }).exclusions.length, 300_000);
  assert.ok(parsed.values.has('/exclusions/299999'), 'the last item has its position');
});
