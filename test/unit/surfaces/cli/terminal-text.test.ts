import assert from 'node:assert/strict';
import { test } from 'node:test';
import { terminalText } from '../../../../src/surfaces/cli/progress';

test('AD text printed to the terminal cannot drive it: ESC, CSI and newlines are shown as escapes', () => {
  const hostile = 'CN=Evil\u001b]0;owned\u0007\u009b31m\nFAKE: ok';
  const shown = terminalText(hostile);
  assert.equal(shown, 'CN=Evil\\u001b]0;owned\\u0007\\u009b31m\\u000aFAKE: ok');
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(shown, /[\u0000-\u001f\u007f-\u009f]/);
  // Ordinary and non-ASCII text stays as it is.
  assert.equal(terminalText('CN=Zoë Ñúñez, OU=Paris <script>'), 'CN=Zoë Ñúñez, OU=Paris <script>');
});

test('bidi overrides and invisible characters are shown as escapes on the terminal', () => {
  assert.equal(terminalText('CN=evil\u202Etxt.exe\u200B'), 'CN=evil\\u202etxt.exe\\u200b');
  assert.equal(terminalText('Zoë Müller'), 'Zoë Müller');
});
