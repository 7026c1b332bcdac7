// The CLI as a user runs it (uses-samba): dist/cli.js in a child process, JSON on stdout, a
// line per step on stderr, exit codes 0/1/2, and bad input ending in named errors.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../graph-emulator';
import { parseSummary } from '../support/summary-schema';
import { runCli } from './cli-process';
import { adEnv, liveConfiguration, ou, type Emulator } from './harness';

describe('single-object-sync CLI', () => {
  let emulator: Emulator;
  let dir: string;
  let configPath: string;
  let secretEnv: Record<string, string>;

  const writeConfig = async (name: string, patch: (c: Record<string, any>) => void): Promise<string> => {
    const config = liveConfiguration(emulator);
    patch(config);
    const file = path.join(dir, name);
    await writeFile(file, JSON.stringify(config, null, 2));
    return file;
  };

  before(async () => {
    emulator = await startEmulator();
    dir = await mkdtemp(path.join(tmpdir(), 'sos-cli-'));
    configPath = await writeConfig('single-object-sync.json', () => {});
    secretEnv = { SOS_AD_PASSWORD: adEnv().password, SOS_CLIENT_SECRET: emulator.clientSecret };
  });
  after(async () => {
    await emulator?.close();
  });

  test('syncs a user: JSON on stdout, a line per step on stderr, the report path, exit 0', async () => {
    const output = path.join(dir, 'output.json');
    const run = await runCli(['-DistinguishedName', ou('CN=Eva Green,OU=Sales'), '--config', configPath, '--output', output], { env: secretEnv, cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const summary = parseSummary(run.stdout);
    assert.match(summary.provisioningStatusInfo.status, /^(success|warning)$/);
    assert.equal(summary.provisioningSteps.length, 10);
    assert.equal((run.stderr.match(/^\[(ok {2}|warn|FAIL|skip)\] +\d+\. /gm) ?? []).length, 10);
    const report = /HTML report: (.+)$/m.exec(run.stderr)?.[1];
    assert.ok(report && existsSync(report), 'the report exists');
    assert.deepEqual(JSON.parse(readFileSync(output, 'utf8')), summary);
    // The secrets never appear in what the tool printed or wrote.
    assert.ok(!run.stdout.includes(emulator.clientSecret) && !run.stderr.includes(emulator.clientSecret));
    assert.ok(!readFileSync(report, 'utf8').includes(adEnv().password));
  });

  test('staging mode with --no-html-report: exit 0, no report, no Graph write', async () => {
    const before = emulator.writes().length;
    const run = await runCli(['--distinguished-name', ou('CN=Frank Moss,OU=Sales'), '--staging-mode', '--no-html-report', '--config', configPath], { env: secretEnv, cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /HTML report:/);
    assert.equal(emulator.writes().length, before);
  });

  test('malformed DN: exit 2 with the position, before any connection', async () => {
    const run = await runCli(['--distinguished-name', 'CN=Broken,OU=Sales=,DC', '--config', path.join(dir, 'missing.json')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /MalformedDistinguishedName/);
    assert.match(run.stderr, /position|column|character/i);
    assert.equal(run.stdout, '');
  });

  test('usage: no DN is exit 2; --help lists every option', async () => {
    assert.equal((await runCli([])).code, 2);
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    for (const flag of ['--distinguished-name', '--staging-mode', '--no-html-report', '--config', '--state-dir', '--report-dir', '--output']) {
      assert.ok(help.stdout.includes(flag), flag);
    }
  });

  test('unreadable configuration: exit 2 with a named error', async () => {
    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, '{ "activeDirectory": [ ');
    const run = await runCli(['--distinguished-name', ou('CN=Eva Green,OU=Sales'), '--config', broken], { env: secretEnv });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^Config\w+: /m);
  });

  test('DN outside every configured partition: exit 1 and the summary says what to do', async () => {
    const run = await runCli(['--distinguished-name', 'CN=Someone,DC=fabrikam,DC=com', '--config', configPath, '--no-html-report'], { env: secretEnv, cwd: dir });
    assert.equal(run.code, 1);
    const summary = parseSummary(run.stdout);
    assert.equal(summary.provisioningStatusInfo.errorInformation?.errorCode, 'ObjectOutsideConfiguredPartitions');
    assert.ok(summary.provisioningStatusInfo.errorInformation?.recommendedAction);
  });

  test('missing secret with no terminal: exit 2 before any write, MissingSecret names the variable', async () => {
    const sub = await mkdtemp(path.join(dir, 'nosecret-'));
    const config = path.join(sub, 'single-object-sync.json');
    await writeFile(config, readFileSync(configPath, 'utf8'));
    const run = await runCli(['--distinguished-name', ou('CN=Eva Green,OU=Sales'), '--config', config], { env: { SOS_CLIENT_SECRET: emulator.clientSecret }, cwd: sub });
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^MissingSecret: .*SOS_AD_PASSWORD/m);
    assert.ok(!existsSync(path.join(sub, 'state')) && !existsSync(path.join(sub, 'reports')), 'no state, no report');
  });

  test('unreachable DC: exit 1 with a directory error, in bounded time', async () => {
    const config = await writeConfig('unreachable-dc.json', (c) => { c.activeDirectory[0].url = 'ldaps://127.0.0.1:1'; c.activeDirectory[0].connectTimeoutMs = 2000; });
    const run = await runCli(['--distinguished-name', ou('CN=Eva Green,OU=Sales'), '--config', config, '--no-html-report'], { env: secretEnv, cwd: dir });
    assert.equal(run.code, 1);
    const summary = parseSummary(run.stdout);
    assert.equal(summary.provisioningSteps[0]!.status, 'failure');
    assert.match(summary.provisioningStatusInfo.errorInformation?.errorCode ?? '', /ServerUnavailable|Timeout|TimeLimit/);
  });

  test('unreachable tenant: exit 1, step 2 fails and nothing is exported', async () => {
    const config = await writeConfig('unreachable-tenant.json', (c) => { c.entra.authorityHost = 'https://127.0.0.1:1'; c.entra.graphEndpoint = 'https://127.0.0.1:1'; });
    const run = await runCli(['--distinguished-name', ou('CN=Eva Green,OU=Sales'), '--config', config, '--no-html-report'], { env: secretEnv, cwd: dir });
    assert.equal(run.code, 1);
    const summary = parseSummary(run.stdout);
    assert.equal(summary.provisioningSteps[1]!.status, 'failure');
    assert.equal(summary.provisioningSteps[9]!.status, 'skipped');
  });

  test('throttling past the wait bound: exit 1, Throttled with the Retry-After seen', async () => {
    emulator.faults({ kind: 'status', status: 429, retryAfterSeconds: 30, count: -1, path: '/v1.0/users' });
    try {
      const run = await runCli(['--distinguished-name', ou('CN=Gina Park,OU=EMEA,OU=Sales'), '--config', configPath, '--no-html-report'], { env: secretEnv, cwd: dir });
      assert.equal(run.code, 1);
      const summary = parseSummary(run.stdout);
      const info = summary.provisioningStatusInfo.errorInformation;
      assert.equal(info?.errorCode, 'Throttled');
      assert.match(`${info?.reason} ${info?.additionalDetails}`, /30/);
    } finally {
      emulator.clearFaults();
    }
  });
});
