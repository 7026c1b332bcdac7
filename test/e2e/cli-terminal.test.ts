// The CLI on a terminal, as a person runs it: dist/cli.js inside a real pseudo-terminal
// (util-linux `script`, part of every Debian system) against the bundled LDIF snapshot and the
// Graph emulator. A batch's progress is one line redrawn in place (rate, ETA, counts), cleared
// before each result printed to the same terminal and cut to its width; a terminal that reports
// no width (a pseudo-terminal nobody sized, as in CI) gets the whole line. Off a terminal the
// progress is plain lines. `--input -` on a terminal says it waits for typing, reads until
// Ctrl+D, and the hidden secret prompt still works after it. Ctrl+C typed stops a batch cleanly.
// One object shows its running step beside a spinner.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../graph-emulator';
import { writeSnapshotConfiguration } from './harness';

const cli = path.resolve(__dirname, '../../dist/cli.js');
const contoso = 'OU=Contoso,DC=corp,DC=contoso,DC=com';
const alice = `CN=Alice Wu,OU=Sales,${contoso}`;
const CLEAR = '\r\x1b[2K';
const progressLine = /^staging (\d+)\/(\d+) \((\d+)%\) \d+\.\d objects\/s, ETA (?:\d+ s|\d+ min \d+ s|-) - success \d+, warning \d+, failure \d+, skipped \d+$/;

interface Run { code: number | null; output: string }

describe('the CLI on a terminal', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    emulator = await startEmulator();
    dir = await mkdtemp(path.join(tmpdir(), 'sos-cli-terminal-'));
    await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET');
    env = { PATH: process.env.PATH, SOS_CLIENT_SECRET: emulator.clientSecret };
  });
  after(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /**
   * The CLI in a pseudo-terminal (stdout and stderr both on it), in its foreground process group
   * as a shell runs it (so Ctrl+C reaches it); `typed` is sent as keystrokes once the terminal
   * shows `typeWhen`.
   */
  function inTerminal(args: string, options: { columns?: number; typed?: { when: RegExp; keys: string }[]; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
    // Not under timeout(1): it relays a terminal's SIGINT, so one Ctrl+C would arrive twice.
    const command = `${options.columns ? `stty cols ${options.columns}; ` : ''}exec ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} --config single-object-sync.json --no-html-report ${args}`;
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: dir, env: options.env ?? env, stdio: ['pipe', 'pipe', 'inherit'] });
    // A hang fails the test instead of stalling the suite (script hangs up its terminal when killed).
    const bound = setTimeout(() => child.kill(), 60_000);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    // Each keystroke once the terminal shows what it answers (counted from the previous one's point).
    const typed = [...(options.typed ?? [])];
    let seen = 0;
    const typeNext = setInterval(() => {
      const next = typed[0];
      const match = next && next.when.exec(output.slice(seen));
      if (!next || !match) return;
      seen += match.index + match[0].length;
      child.stdin.write(typed.shift()!.keys);
    }, 50);
    return new Promise((resolve) => child.on('exit', (code) => {
      clearTimeout(bound);
      clearInterval(typeNext);
      child.stdin.end();
      resolve({ code, output });
    }));
  }

  /** Results (JSON lines) and progress lines drawn, from what the terminal received. */
  function screen(output: string) {
    const results: { sourceIdentity: { details: { distinguishedName: string } } }[] = [];
    const drawn: string[] = [];
    // ^C is the terminal echoing a typed Ctrl+C, wherever the cursor was.
    for (const row of output.replaceAll('^C', '').split('\r\n')) {
      // A row is: optional progress draws (each CLEAR + text), then optionally a result.
      const parts = row.split(CLEAR);
      for (const [i, part] of parts.entries()) {
        if (part.startsWith('{')) {
          assert.equal(i, parts.length - 1, 'a result is the last thing on its row');
          results.push(JSON.parse(part));
        } else if (part.startsWith('staging ')) drawn.push(part);
        else if (i > 0) assert.ok(part === '' || /^[A-Z]/.test(part), `only progress, results or closing lines after a clear: ${JSON.stringify(part.slice(0, 80))}`);
      }
    }
    return { results, drawn };
  }

  test('a pseudo-terminal that reports no width: the whole progress line, redrawn in place, cleared before each result', async () => {
    const r = await inTerminal(`--search-base ${contoso}`);
    assert.equal(r.code, 1, r.output.slice(-2000)); // one object of the scope fails by design (exit 1)
    const { results, drawn } = screen(r.output);
    const total = results.length;
    assert.ok(total > 10, `${total} results`);
    // Never drawn on a result's row: a result's row starts empty or with a clear, never with progress text.
    assert.doesNotMatch(r.output, /skipped \d+\{/);
    assert.ok(drawn.length >= 1, 'a progress line was drawn');
    for (const line of drawn) assert.match(line, progressLine);
    assert.match(drawn.at(-1)!, new RegExp(`^staging ${total}/${total} \\(100%\\) .*ETA 0 s - success`));
    assert.match(r.output, new RegExp(`${CLEAR.replace('[', '\\[')}Staging batch: ${total} object\\(s\\) done`), 'the summary starts on a cleared line');
  });

  test('a terminal 60 columns wide: each progress line is cut to 60 characters, so it redraws in place', async () => {
    const r = await inTerminal(`--search-base ${contoso}`, { columns: 60 });
    assert.equal(r.code, 1, r.output.slice(-2000));
    const { drawn } = screen(r.output);
    assert.ok(drawn.length >= 1);
    for (const line of drawn) {
      assert.ok(line.length <= 60, `${line.length}: ${line}`);
      assert.match(line, /^staging \d+\/\d+ \(\d+%\) \d+\.\d objects\/s, ETA/);
    }
  });

  test('off a terminal: plain progress lines at each tenth of the batch, no control characters', async () => {
    const child = spawn(process.execPath, [cli, '--config', 'single-object-sync.json', '--no-html-report', '--search-base', contoso], { cwd: dir, env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    assert.equal(await new Promise((resolve) => child.on('exit', resolve)), 1, stderr);
    assert.ok(!stderr.includes('\r') && !stderr.includes('\x1b'), 'no carriage return or escape sequence');
    const lines = stderr.split('\n').filter((l) => l.startsWith('staging '));
    assert.ok(lines.length >= 2 && lines.length <= 10, `${lines.length} progress lines`);
    for (const line of lines) assert.match(line, progressLine);
    assert.match(lines.at(-1)!, /\(100%\).*ETA 0 s/);
  });

  test('--input - on a terminal: says it waits for typing, reads the typed names until Ctrl+D, exit 0', async () => {
    // Typed once the CLI waits for them (the hint is printed before the read starts).
    const r = await inTerminal('--input -', { typed: [{ when: /end with Ctrl\+D/, keys: `${alice}\r` }, { when: /Alice Wu/, keys: '\x04' }] });
    assert.equal(r.code, 0, r.output.slice(-2000));
    assert.match(r.output, /^Reading distinguished names from the terminal, one a line; end with Ctrl\+D\./m);
    const { results } = screen(r.output.slice(r.output.indexOf('Batch: ')));
    assert.deepEqual(results.map((x) => x.sourceIdentity.details.distinguishedName), [alice]);
  });

  test('--input - on a terminal, then the hidden prompt for the client secret: both read from the terminal, the secret never echoed, exit 0', async () => {
    const secret = emulator.clientSecret;
    const r = await inTerminal('--input -', {
      env: { PATH: process.env.PATH }, // no secret in the environment: the CLI asks for it
      typed: [
        { when: /end with Ctrl\+D/, keys: `${alice}\r` },
        { when: /Alice Wu/, keys: '\x04' },
        { when: /Client secret for application [^:]+: /, keys: `${secret}\r` },
      ],
    });
    assert.equal(r.code, 0, r.output.slice(-2000));
    assert.ok(!r.output.includes(secret), 'the secret typed at the prompt is not echoed');
    const { results } = screen(r.output.slice(r.output.indexOf('Batch: ')));
    assert.deepEqual(results.map((x) => x.sourceIdentity.details.distinguishedName), [alice]);
  });

  test('one object on a terminal that reports no width: the running step is shown whole beside a spinner, then one line per step', async () => {
    // The domains answer after 400 ms, so step 2 runs long enough for the spinner to turn.
    emulator.faults({ kind: 'latency', latencyMs: 400, path: '/domains', count: -1 });
    try {
      const r = await inTerminal(`--distinguished-name '${alice}' --staging-mode`);
      assert.equal(r.code, 0, r.output.slice(-2000));
      const step2 = "Determine if Object's (target) Domain (Microsoft Entra Connector and Partition) in sync scope";
      assert.ok(r.output.includes(`[2/10] ${step2}\r`), 'a spinner frame names the whole step');
      for (let n = 1; n <= 10; n++) assert.match(r.output, new RegExp(`\\[(ok  |skip)\\] +${n}\\. `), `the line of step ${n}`);
    } finally {
      emulator.clearFaults();
    }
  });

  test('Ctrl+C typed on the terminal: the batch stops after the objects in flight, says what was and was not done, exit 130', async () => {
    // Every user lookup answers after 150 ms, so objects are still to do when the key is pressed.
    emulator.faults({ kind: 'latency', latencyMs: 150, path: '/users', count: -1 });
    try {
      const r = await inTerminal(`--search-base ${contoso} --bulk-read-threshold 100000`, { typed: [{ when: /staging [1-9]\d*\/\d+/, keys: '\x03' }] });
      assert.equal(r.code, 130, r.output.slice(-2000));
      assert.match(r.output, /SIGINT received: stopping after the objects in flight/);
      const summary = /Staging batch: (\d+) object\(s\) done, (\d+) NOT done \(cancelled\)/.exec(r.output);
      assert.ok(summary, r.output.slice(-2000));
      const { results } = screen(r.output);
      assert.equal(Number(summary[1]), results.length, 'each object done printed its result, whole');
      assert.ok(Number(summary[2]) > 0);
    } finally {
      emulator.clearFaults();
    }
  });
});
