// Bad input, interrupts and failures after the sync, as a user meets them on the CLI (uses-samba):
// dist/cli.js in a child process against the live Samba AD and the Graph emulator.
// Bad input is exit 2 before any write (no state, no report); SIGINT/SIGTERM exit 130/143 and
// release the lock; a failure after the sync prints the JSON and exits 3 naming it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../graph-emulator';
import { parseSummary } from '../support/summary-schema';
import { adEnv, base, liveConfiguration, ou, type Emulator } from './harness';

const cli = path.resolve(__dirname, '../../dist/cli.js');
const snapshot = path.resolve(__dirname, '../fixtures/contoso-snapshot.ldif');

interface Run { code: number | null; stdout: string; stderr: string; ms: number }

function startCli(args: string[], env: Record<string, string>, cwd: string): { child: ChildProcess; done: Promise<Run>; stderr: () => string } {
  const started = Date.now();
  const child = spawn(process.execPath, [cli, ...args], { cwd, env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })));
  return { child, done, stderr: () => stderr };
}
const runCli = (args: string[], env: Record<string, string>, cwd: string) => startCli(args, env, cwd).done;

async function waitFor(check: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('bad input, interrupts and failures after the sync (CLI)', () => {
  let emulator: Emulator;
  let root: string;
  let env: Record<string, string>;

  /** A folder with its own configuration; state and reports would go into it. */
  const world = async (patch: (c: Record<string, any>) => void = () => {}) => {
    const dir = await mkdtemp(path.join(root, 'case-'));
    const config = liveConfiguration(emulator);
    patch(config);
    const file = path.join(dir, 'single-object-sync.json');
    await writeFile(file, JSON.stringify(config, null, 2));
    return { dir, file, wroteNothing: () => !existsSync(path.join(dir, 'state')) && !existsSync(path.join(dir, 'reports')) };
  };
  const ldifConnector = (ldifFile: string) => ({ name: 'corp.contoso.com', ldifFile, partitions: [{ dn: base }] });

  before(async () => {
    emulator = await startEmulator();
    root = await mkdtemp(path.join(tmpdir(), 'sos-abuse-'));
    env = { SOS_AD_PASSWORD: adEnv().password, SOS_CLIENT_SECRET: emulator.clientSecret };
  });
  after(async () => {
    await emulator?.close();
  });

  const expectUsage = async (w: Awaited<ReturnType<typeof world>>, args: string[], code: RegExp) => {
    const run = await runCli(['--config', w.file, ...args], env, w.dir);
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stdout, '', 'no result: nothing ran');
    assert.match(run.stderr, code);
    assert.match(run.stderr, /Recommended action: \S/);
    assert.doesNotMatch(run.stderr, /unexpected error/);
    assert.ok(w.wroteNothing(), 'no state and no report were written');
    return run;
  };
  const dn = ou('CN=Eva Green,OU=Sales');

  test('a whitespace-only DN is MalformedDistinguishedName, exit 2', async () => {
    await expectUsage(await world(), ['--distinguished-name', '   '], /^MalformedDistinguishedName: .*empty/m);
  });

  test('a missing ldifFile, caFile or certificateFile is ConfiguredFileUnreadable naming the setting, exit 2', async () => {
    await expectUsage(await world((c) => { c.activeDirectory = [ldifConnector('missing.ldif')]; }), ['--distinguished-name', dn], /^ConfiguredFileUnreadable: .*missing\.ldif.*activeDirectory\[0\]\.ldifFile.*no such file/m);
    await expectUsage(await world((c) => { c.activeDirectory[0].tls.caFile = 'nope.pem'; }), ['--distinguished-name', dn], /^ConfiguredFileUnreadable: .*tls\.caFile/m);
    await expectUsage(await world((c) => { c.entra.caFile = 'nope.pem'; }), ['--distinguished-name', dn], /^ConfiguredFileUnreadable: .*entra\.caFile/m);
  });

  test('a CA file saved as UTF-16 (Windows PowerShell\'s Out-File) is ConfiguredFileUnreadable that says so and how to save it, exit 2', async () => {
    const w = await world((c) => { c.entra.caFile = 'ca-utf16.pem'; });
    const pem = await readFile(emulator.caFile, 'utf8');
    await writeFile(path.join(w.dir, 'ca-utf16.pem'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pem, 'utf16le')]));
    await expectUsage(w, ['--distinguished-name', dn], /^ConfiguredFileUnreadable: .*ca-utf16\.pem.*entra\.caFile.*UTF-16 text .*save it again as ASCII/m);
  });

  test('LDIF syntax errors and ":<" URL values are LdifUnreadable with the line, exit 2', async () => {
    const w = await world((c) => { c.activeDirectory = [ldifConnector('bad.ldif')]; });
    await writeFile(path.join(w.dir, 'bad.ldif'), 'version: 1\n\ndn: CN=X,DC=corp,DC=contoso,DC=com\nthis line has no colon\n');
    await expectUsage(w, ['--distinguished-name', dn], /^LdifUnreadable: .*line 4/m);
    const u = await world((c) => { c.activeDirectory = [ldifConnector('url.ldif')]; });
    await writeFile(path.join(u.dir, 'url.ldif'), 'version: 1\n\ndn: CN=X,DC=corp,DC=contoso,DC=com\nobjectClass: user\ndescription:< file:///etc/passwd\n');
    await expectUsage(u, ['--distinguished-name', dn], /^LdifUnreadable: .*line 5.*URL/m);
  });

  test('ldifFile /dev/zero is refused at the size limit in bounded time and memory, exit 2', async () => {
    const run = await expectUsage(await world((c) => { c.activeDirectory = [ldifConnector('/dev/zero')]; }), ['--distinguished-name', dn], /^ConfiguredFileUnreadable: .*\/dev\/zero.*larger than/m);
    assert.ok(run.ms < 30_000, `${run.ms} ms`);
  });

  test('a configuration nested 100,000 levels deep is ConfigurationNotJson, not a stack overflow, exit 2', async () => {
    const w = await world();
    await writeFile(w.file, `{"activeDirectory": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    await expectUsage(w, ['--distinguished-name', dn], /^ConfigurationNotJson: .*nested deeper than 64/m);
  });

  test('--state-dir under /proc is StateFolderNotWritable at once, exit 2', async () => {
    const w = await world();
    const run = await expectUsage(w, ['--distinguished-name', dn, '--state-dir', '/proc/sos-state/x'], /^StateFolderNotWritable: .*\/proc\/sos-state\/x/m);
    assert.ok(run.ms < 30_000, `${run.ms} ms`);
  });

  test('--output into a missing folder is refused before the sync (OutputPathUnusable, exit 2); a write that fails after it (/dev/full) still prints the JSON, OutputNotWritable, exit 3', async () => {
    const w = await world();
    const missing = await runCli(['--distinguished-name', dn, '--config', w.file, '--no-html-report', '--output', path.join(w.dir, 'missing', 'out.json')], env, w.dir);
    assert.equal(missing.code, 2, missing.stderr);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /OutputPathUnusable: .*missing.* does not exist\. Nothing was synchronized\./);
    const full = await runCli(['--distinguished-name', dn, '--config', w.file, '--no-html-report', '--staging-mode', '--output', '/dev/full'], env, w.dir);
    assert.equal(full.code, 3, full.stderr);
    const summary = parseSummary(full.stdout);
    assert.match(summary.provisioningStatusInfo.status, /^(success|warning)$/);
    assert.match(full.stderr, /The sync finished \(result on stdout\), but then OutputNotWritable: .*\/dev\/full/);
    assert.doesNotMatch(full.stderr, /unexpected error/);
  });

  test('an LDIF snapshot run still works (the size-limited reader reads real files)', async () => {
    const w = await world((c) => { c.activeDirectory = [ldifConnector(snapshot)]; });
    const run = await runCli(['--distinguished-name', ou('CN=Eva Green,OU=Sales'), '--config', w.file, '--staging-mode', '--no-html-report'], env, w.dir);
    assert.notEqual(run.code, 2, run.stderr);
    parseSummary(run.stdout);
  });

  test('SIGINT during the export: the export finishes and is reported as done, exit 130, lock released; a rerun converges', async () => {
    const w = await world();
    const target = ou('CN=Frank Moss,OU=Sales');
    emulator.faults({ kind: 'latency', latencyMs: 2_000, method: 'POST', path: '/v1.0/users' });
    const cli = startCli(['--distinguished-name', target, '--config', w.file, '--no-html-report'], env, w.dir);
    await waitFor(() => /^\[[a-zA-Z ]+\] +9\. /m.test(cli.stderr()));
    await new Promise((r) => setTimeout(r, 300));
    cli.child.kill('SIGINT');
    const run = await cli.done;
    assert.equal(run.code, 130, run.stderr);
    const summary = parseSummary(run.stdout);
    const exportStep = summary.provisioningSteps.find((s) => s.stepNumber === 10)!;
    assert.match(exportStep.status, /^(success|warning)$/, JSON.stringify(exportStep.errorInformation));
    assert.ok(!summary.provisioningSteps.some((s) => s.errorInformation?.errorCode === 'Cancelled'), 'no step says Cancelled');
    assert.notEqual(summary.provisioningStatusInfo.errorInformation?.errorCode, 'Cancelled');
    assert.match(run.stderr, /SIGINT received: stopping after the current step/);
    assert.match(run.stderr, /interrupted by SIGINT: every step had run \(the export step ended (success|warning)\)/);
    assert.deepEqual(readdirSync(path.join(w.dir, 'state')).filter((f) => f.endsWith('.lock')), []);
    const again = await runCli(['--distinguished-name', target, '--config', w.file, '--no-html-report'], env, w.dir);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(emulator.state().users.filter((u: any) => u.displayName === 'Frank Moss').length, 1);
  });

  test('SIGTERM twice: stops at once, exit 143, the state lock is released, the next run is not blocked', async () => {
    const w = await world();
    const target = ou('CN=Gina Park,OU=EMEA,OU=Sales');
    emulator.faults({ kind: 'latency', latencyMs: 4_000, method: 'POST', path: '/v1.0/users' });
    const cli = startCli(['--distinguished-name', target, '--config', w.file, '--no-html-report'], env, w.dir);
    await waitFor(() => /^\[[a-zA-Z ]+\] +9\. /m.test(cli.stderr()));
    await waitFor(() => readdirSync(path.join(w.dir, 'state')).some((f) => f.endsWith('.lock')), 5_000).catch(() => undefined);
    cli.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    cli.child.kill('SIGTERM');
    const run = await cli.done;
    assert.equal(run.code, 143, run.stderr);
    assert.match(run.stderr, /stopped by SIGTERM during step 10 .*The state lock was released/);
    assert.equal(run.stdout, '');
    assert.deepEqual(readdirSync(path.join(w.dir, 'state')).filter((f) => f.endsWith('.lock')), []);
    await new Promise((r) => setTimeout(r, 4_500)); // the create in flight lands
    const again = await runCli(['--distinguished-name', target, '--config', w.file, '--no-html-report'], env, w.dir);
    assert.match(String(again.code), /^[01]$/, again.stderr);
    assert.doesNotMatch(again.stderr, /StateLocked/);
  });
});
