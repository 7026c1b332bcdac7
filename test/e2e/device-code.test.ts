// Signing in as the engineer: the CLI with entra.authMode "deviceCode" against the emulator
// over real HTTPS with msal-node's public client. The directory is the LDIF snapshot of the
// test domain (test/fixtures/contoso-snapshot.ldif): sign-in needs no live DC. The CLI prints the code to
// stderr; the test does what the engineer does (opens the verification page, enters the
// code, signs in); the token cache lands in an owner-only file and the next run is silent.
// Least privilege: a preview with only the read permissions makes no write; an export with
// them fails with a 403 that names the permission to grant.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent, fetch } from 'undici';
import { DEFAULT_ENGINEER, READ_ONLY_CLIENT_ID, startEmulator } from '../graph-emulator';
import { parseSummary } from '../support/summary-schema';
import type { Emulator } from './harness';

const base = 'DC=corp,DC=contoso,DC=com';
const ou = (p: string) => `${p},OU=Contoso,${base}`;
const snapshot = path.resolve(__dirname, '../fixtures/contoso-snapshot.ldif');
const previewed = ou('CN=Iris Chen,OU=Paris,OU=EMEA,OU=Sales');
const exported = ou('CN=Hugo Berg,OU=EMEA,OU=Sales');

const cli = path.resolve(__dirname, '../../dist/cli.js');

interface Run { code: number | null; stdout: string; stderr: string; argv: string[] }

describe('device code sign-in (CLI)', () => {
  let emulator: Emulator;
  let agent: Agent;
  let dir: string;

  /** The engineer at the verification page: enters the code and signs in (or cancels). */
  const visitVerificationPage = async (url: string, userCode: string, decision: 'approve' | 'decline') => {
    const page = await fetch(url, { dispatcher: agent });
    assert.equal(page.status, 200);
    await page.text();
    const answer = await fetch(url, {
      method: 'POST', dispatcher: agent,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ otc: userCode, username: DEFAULT_ENGINEER, decision }).toString(),
    });
    assert.equal(answer.status, 200, await answer.text());
  };

  /** Runs the CLI; when it prints a code, `onCode` acts as the user would. */
  const runCli = (args: string[], onCode?: (url: string, code: string, child: ChildProcess) => Promise<void>): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cli, ...args], {
        cwd: dir,
        env: { PATH: process.env.PATH } as NodeJS.ProcessEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let acted = false;
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => {
        stderr += d;
        const shown = /open the page (\S+) and enter the code (\w+)/.exec(stderr);
        if (shown && !acted) {
          acted = true;
          if (!onCode) {
            child.kill();
            reject(new Error(`the CLI asked for a sign-in: ${stderr}`));
            return;
          }
          onCode(shown[1]!, shown[2]!, child).catch(reject);
        }
      });
      child.on('exit', (code) => resolve({ code, stdout, stderr, argv: child.spawnargs }));
    });

  const writeConfig = async (name: string, clientId: string): Promise<string> => {
    const config = {
      activeDirectory: [{
        name: 'corp.contoso.com', ldifFile: snapshot,
        partitions: [{ dn: base, selected: true, inclusions: [base], exclusions: [] }],
        objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'],
      }],
      entra: { tenantId: emulator.tenantId, clientId, authMode: 'deviceCode', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile, maxRetryWaitSeconds: 2 },
      sourceAnchor: 'mS-DS-ConsistencyGuid',
      rules: 'builtin',
      stateDir: `state-${name}`,
      reportDir: 'reports',
    };
    const file = path.join(dir, `${name}.json`);
    await writeFile(file, JSON.stringify(config, null, 2));
    return file;
  };

  before(async () => {
    emulator = await startEmulator();
    emulator.setDeviceCodeTiming({ intervalSeconds: 1 });
    agent = new Agent({ connect: { ca: emulator.caPem } });
    dir = await mkdtemp(path.join(tmpdir(), 'sos-device-code-'));
  });
  after(async () => {
    await agent?.close();
    await emulator?.close();
  });

  test('preview with read permissions only: the code on stderr, signed in, no write; the next run reuses the token silently', async () => {
    const config = await writeConfig('read-only', READ_ONLY_CLIENT_ID);
    const dn = previewed;
    let userCode = '';
    const first = await runCli(['--distinguished-name', dn, '--staging-mode', '--no-html-report', '--config', config], async (url, code) => {
      userCode = code;
      assert.ok(url.startsWith(emulator.authorityHost), 'the verification page is the emulator\'s');
      await visitVerificationPage(url, code, 'approve');
    });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /Signed in; the token is kept/);
    assert.match(parseSummary(first.stdout).provisioningStatusInfo.status, /^(success|warning)$/);
    assert.equal(emulator.writes().length, 0, 'a preview writes nothing to the tenant');
    assert.ok(!emulator.requestLog().some((r) => r.method !== 'GET' && r.path.startsWith('/v1.0/') && r.path !== '/v1.0/$batch'), 'only reads');

    // The token cache: one owner-only file in the state folder, never in argv or the output.
    const stateDir = path.join(dir, 'state-read-only');
    const cacheFiles = readdirSync(stateDir).filter((f) => /^entra-token-cache-[0-9a-f]+\.json$/.test(f));
    assert.equal(cacheFiles.length, 1, readdirSync(stateDir).join(', '));
    const cacheFile = path.join(stateDir, cacheFiles[0]!);
    assert.equal(statSync(cacheFile).mode & 0o777, 0o600);
    const cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as { RefreshToken?: Record<string, { secret: string }> };
    const refreshToken = Object.values(cache.RefreshToken ?? {})[0]?.secret;
    assert.ok(refreshToken, 'the cache holds the refresh token');
    assert.ok(!first.stdout.includes(refreshToken) && !first.stderr.includes(refreshToken) && !first.argv.join(' ').includes(refreshToken));
    assert.ok(userCode);

    const codesBefore = emulator.requestLog().filter((r) => r.path.endsWith('/oauth2/v2.0/devicecode')).length;
    const second = await runCli(['--distinguished-name', dn, '--staging-mode', '--no-html-report', '--config', config]);
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /enter the code/);
    assert.equal(emulator.requestLog().filter((r) => r.path.endsWith('/oauth2/v2.0/devicecode')).length, codesBefore, 'no new device code');
  });

  test('an export with read permissions only fails with AuthorizationDenied naming User.ReadWrite.All', async () => {
    const config = await writeConfig('read-only', READ_ONLY_CLIENT_ID); // same state folder: signed in already
    const run = await runCli(['--distinguished-name', exported, '--no-html-report', '--config', config]);
    assert.equal(run.code, 1, run.stderr);
    const info = parseSummary(run.stdout).provisioningStatusInfo.errorInformation;
    assert.equal(info?.errorCode, 'AuthorizationDenied');
    assert.match(`${info?.reason} ${info?.recommendedAction}`, /User\.ReadWrite\.All/);
    assert.match(info?.recommendedAction ?? '', new RegExp(READ_ONLY_CLIENT_ID));
  });

  test('a declined sign-in ends the run with SignInNotCompleted and keeps no token', async () => {
    const config = await writeConfig('declined', emulator.clientId);
    const run = await runCli(['--distinguished-name', previewed, '--staging-mode', '--no-html-report', '--config', config], (url, code) => visitVerificationPage(url, code, 'decline'));
    assert.equal(run.code, 1, run.stderr);
    const info = parseSummary(run.stdout).provisioningStatusInfo.errorInformation;
    assert.equal(info?.errorCode, 'SignInNotCompleted');
    assert.match(info?.reason ?? '', /declined/);
    const stateDir = path.join(dir, 'state-declined');
    let files: string[] = [];
    try {
      files = readdirSync(stateDir);
    } catch {
      // no state folder at all is fine
    }
    assert.ok(!files.some((f) => f.startsWith('entra-token-cache-')), files.join(', '));
  });

  test('Ctrl+C while the code waits cancels the sign-in: the run ends with SignInNotCompleted (cancelled), exit 130, no token kept', async () => {
    const config = await writeConfig('cancelled', emulator.clientId);
    const run = await runCli(['--distinguished-name', previewed, '--staging-mode', '--no-html-report', '--config', config], async (_url, _code, child) => {
      child.kill('SIGINT');
    });
    assert.equal(run.code, 130, run.stderr);
    assert.match(run.stderr, /SIGINT received/);
    const info = parseSummary(run.stdout).provisioningStatusInfo.errorInformation;
    assert.equal(info?.errorCode, 'SignInNotCompleted', 'the wait itself was cancelled, not cut off by the grace period (that prints no result)');
    assert.match(info?.reason ?? '', /cancelled before the code was entered/);
    let files: string[] = [];
    try {
      files = readdirSync(path.join(dir, 'state-cancelled'));
    } catch {
      // no state folder at all is fine
    }
    assert.ok(!files.some((f) => f.startsWith('entra-token-cache-')), files.join(', '));
  });
});
