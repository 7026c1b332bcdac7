// Text from data that reaches the terminal outside the step lines: a usage error quoting an
// argument (a DN from a script's data, split by an unquoted variable) and the hidden secret
// prompt naming the bind DN or connector of a configuration file (which may come from anyone).
// Neither may carry a terminal control: ESC, CR, C1 or a bidi override arrives as an escape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../../../../src/surfaces/cli/main';
import { environmentSecrets } from '../../../../src/surfaces/cli/secrets';
import type { ActiveDirectoryConnectorConfig } from '../../../../src/app/config/model';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const hostile = 'x\u001b]0;owned\u0007\u001b[2K\rPassword for root: \u009b31m\u202Egnp.exe';

/** Runs `fn` with process.stderr.write captured. */
async function capturingStderr(fn: () => Promise<unknown>): Promise<string> {
  const original = process.stderr.write;
  let text = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = original;
  }
  return text;
}

test('a usage error quoting a hostile argument prints it with escapes, not terminal controls', async () => {
  let code: number | undefined;
  // An unquoted $DN splits at its spaces: the rest arrives as an unexpected argument.
  const stderr = await capturingStderr(async () => { code = await main(['--distinguished-name', 'CN=a', hostile]); });
  assert.equal(code, 2);
  assert.match(stderr, /Unexpected argument/);
  assert.match(stderr, /\\u001b\]0;owned/, 'the argument is still shown, as escapes');
  assert.doesNotMatch(stderr, CONTROL);
  const scope = await capturingStderr(async () => { code = await main(['--search-base', 'DC=corp', '--scope', hostile]); });
  assert.equal(code, 2);
  assert.doesNotMatch(scope, CONTROL, 'JSON.stringify leaves C1 controls and bidi overrides raw');
});

test('the hidden password prompt shows a hostile bind DN from the configuration with escapes', async () => {
  const stdin = process.stdin as NodeJS.ReadStream & { setRawMode: (mode: boolean) => unknown };
  const saved = { inTTY: stdin.isTTY, errTTY: process.stderr.isTTY, setRawMode: stdin.setRawMode };
  stdin.isTTY = true;
  process.stderr.isTTY = true;
  stdin.setRawMode = () => stdin;
  try {
    const connector = { name: 'corp', bindDn: `CN=svc${hostile},DC=corp` } as unknown as ActiveDirectoryConnectorConfig;
    let password: string | undefined;
    const stderr = await capturingStderr(async () => {
      const answer = environmentSecrets.directoryPassword(connector);
      stdin.emit('data', 'pw\r');
      password = await answer;
    });
    assert.equal(password, 'pw');
    assert.match(stderr, /^Password for CN=svcx\\u001b/);
    assert.doesNotMatch(stderr, CONTROL);
  } finally {
    stdin.isTTY = saved.inTTY;
    process.stderr.isTTY = saved.errTTY;
    stdin.setRawMode = saved.setRawMode;
    stdin.pause();
  }
});
