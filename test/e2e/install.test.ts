// Installing what we ship, as a user would: `npm pack` on the checkout (its prepack builds),
// `npm install -g` of the tarball into a temporary prefix, then the installed
// `single-object-sync` answers --help and runs a staging sync of the demo snapshot against
// the Graph emulator. Nothing here uses the repository's node_modules at run time.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../graph-emulator';
import { parseSummary } from '../support/summary-schema';

const root = path.resolve(__dirname, '../..');
const base = 'DC=corp,DC=contoso,DC=com';
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

/** Asynchronous, so that the emulator in this process keeps answering while the CLI runs. */
function runAsync(cmd: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('the CLI as shipped: npm pack, npm install -g, run', () => {
  let work: string;
  let tarball: string;
  let bin: string;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'sos-install-'));
    const pack = spawnSync('npm', ['pack', '--pack-destination', work, '--json'], { cwd: root, encoding: 'utf8', timeout: 180_000 });
    assert.equal(pack.status, 0, `npm pack: ${pack.stderr}`);
    tarball = path.join(work, `single-object-sync-${version}.tgz`);
    assert.ok(existsSync(tarball), `${tarball} exists`);
    const prefix = path.join(work, 'prefix');
    const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], { cwd: work, encoding: 'utf8', timeout: 180_000 });
    assert.equal(install.status, 0, `npm install -g: ${install.stderr}`);
    bin = path.join(prefix, 'bin', 'single-object-sync');
  });
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('the tarball holds only what runs: the CLI bundle and its batch worker, the configuration and output schemas, README and LICENSE', () => {
    const list = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
    assert.equal(list.status, 0);
    const files = list.stdout.trim().split('\n').sort();
    assert.deepEqual(files, [
      'package/LICENSE',
      'package/README.md',
      'package/dist/batch-worker.js',
      'package/dist/cli.js',
      'package/package.json',
      'package/schemas/provisioning-object-summary.schema.json',
      'package/schemas/single-object-sync.schema.json',
    ]);
  });

  test('the installed command prints its help and version', () => {
    assert.ok(existsSync(bin), `${bin} was installed`);
    const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /--distinguished-name DN/);
    assert.match(help.stdout, /--staging-mode/);
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, new RegExp(version.replace(/\./g, '\\.')));
  });

  test('the installed command runs a staging sync of the demo snapshot against the emulator, writing nothing', async () => {
    const emulator = await startEmulator();
    try {
      const dir = await mkdtemp(path.join(work, 'run-'));
      const config = path.join(dir, 'single-object-sync.json');
      await writeFile(config, JSON.stringify({
        activeDirectory: [{
          name: 'corp.contoso.com',
          ldifFile: path.join(root, 'test', 'fixtures', 'contoso-snapshot.ldif'),
          partitions: [{ dn: base, selected: true, inclusions: [base], exclusions: [] }],
          objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'],
          groupFilteringGroupDn: null,
        }],
        entra: {
          tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_CLIENT_SECRET',
          authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile,
        },
        sourceAnchor: 'mS-DS-ConsistencyGuid',
        rules: 'builtin',
        stateDir: 'state',
        reportDir: 'reports',
      }));
      const dn = `CN=Alice Wu,OU=Sales,OU=Contoso,${base}`;
      // The secret goes through the environment the configuration names, never argv.
      const run = await runAsync(bin, ['--distinguished-name', dn, '--staging-mode', '--config', config], {
        cwd: dir,
        env: { PATH: process.env.PATH, SOS_CLIENT_SECRET: emulator.clientSecret },
      });
      assert.equal(run.status, 0, run.stderr);
      const summary = parseSummary(run.stdout);
      assert.equal(summary.provisioningSteps.length, 10);
      assert.match(summary.provisioningStatusInfo.status, /^(success|warning)$/);
      assert.equal(summary.sourceIdentity.displayName, 'Alice Wu');
      const report = /HTML report: (.+)$/m.exec(run.stderr)?.[1];
      assert.ok(report && existsSync(report), 'the HTML report was written');
      assert.equal(emulator.writes().length, 0, 'staging mode writes nothing to the tenant');
      assert.ok(!run.stdout.includes(emulator.clientSecret) && !run.stderr.includes(emulator.clientSecret));

      // A staging batch over the whole domain on two worker threads (the shipped worker script).
      const batch = await runAsync(bin, ['--search-base', base, '--bulk-read-threshold', '1', '--workers', '2', '--no-html-report', '--config', config], {
        cwd: dir,
        env: { PATH: process.env.PATH, SOS_CLIENT_SECRET: emulator.clientSecret },
      });
      assert.equal(batch.status, 1, batch.stderr); // some fixture objects fail by design
      assert.match(batch.stderr, /on 2 worker threads/);
      const lines = batch.stdout.trim().split('\n').map((l) => JSON.parse(l) as { provisioningStatusInfo: { errorInformation: { errorCode: string } | null } });
      const count = Number(/Batch: (\d+) object\(s\)/.exec(batch.stderr)?.[1]);
      assert.ok(count > 10, batch.stderr);
      assert.equal(lines.length, count);
      assert.ok(lines.every((l) => l.provisioningStatusInfo.errorInformation?.errorCode !== 'UnexpectedError'), 'no object failed for the worker threads');
      assert.equal(emulator.writes().length, 0);
    } finally {
      await emulator.close();
    }
  });
});
