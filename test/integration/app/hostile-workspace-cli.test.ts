// The workspace as it may come with a repository, and arguments as a script passes them, through
// the CLI (from source, against the bundled LDIF snapshot and the Graph emulator):
// - the state folder holds a named pipe, a link to /dev/zero or a folder under an object's state
//   file name (once: a run blocked for good that Ctrl+C and SIGTERM could not stop, Node aborting
//   with bad_alloc, UnexpectedError EISDIR), in a single run and in a batch, where the one object
//   fails by name and the others run;
// - the LDIF snapshot holds a Latin-1 value (once exported as U+FFFD) or an entry twice (once the
//   last one won without a word);
// - --distinguished-name "" (an unset variable) and a refused --report-dir (which once left a new
//   state folder behind).
// Each ends in a named error with its recommended action; a refusal found before the sync writes
// nothing. A run that blocks is killed with SIGKILL (SIGTERM was ignored), so it fails, not hangs.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { startEmulator } from '../../graph-emulator';
import { writeSnapshotConfiguration } from '../../e2e/harness';

const alice = 'CN=Alice Wu,OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com';
const sales = 'OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com';
/** Alice's objectGUID in the snapshot: her state file is state/<it>.json. */
const aliceGuid = 'c9087c67-b774-43b1-8398-162cee0ab9a4';
/** Another user of OU=Sales. */
const otherGuid = '164bc0b9-7549-4a8e-931b-caff8f1959df';

const mainTs = path.resolve(__dirname, '../../../src/surfaces/cli/main.ts');
const tsx = pathToFileURL(require.resolve('tsx')).href;

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }

/** The CLI from source, as runCliFromSource runs it, but killed with SIGKILL at the deadline. */
function cli(cwd: string, args: string[], clientSecret: string, ms = 60_000): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', tsx, mainTs, ...args], {
    cwd, env: { PATH: process.env.PATH, SOS_CLIENT_SECRET: clientSecret }, stdio: ['ignore', 'pipe', 'pipe'], timeout: ms, killSignal: 'SIGKILL',
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started })));
}

interface Summary {
  provisioningStatusInfo: { status: string; errorInformation: { errorCode: string; reason: string; recommendedAction: string } | null };
  sourceIdentity: { id: string };
}

describe('a hostile workspace through the CLI', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let root: string;

  before(async () => {
    emulator = await startEmulator();
    root = await mkdtemp(path.join(tmpdir(), 'sos-hostile-workspace-'));
  });
  after(async () => {
    await emulator?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** A fresh folder with the snapshot configuration (stateDir "state", reportDir "reports") and a state folder. */
  const world = async (withState = true) => {
    const dir = await mkdtemp(path.join(root, 'case-'));
    const file = await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET');
    if (withState) await mkdir(path.join(dir, 'state'), { mode: 0o700 });
    return { dir, file, state: path.join(dir, 'state') };
  };
  const run = (w: { dir: string; file: string }, args: string[]) => cli(w.dir, ['--config', w.file, ...args], emulator.clientSecret);
  const mkfifo = (file: string) => assert.equal(spawnSync('mkfifo', [file]).status, 0);
  const notBlocked = (r: Run) => assert.equal(r.signal, null, `killed after ${r.ms} ms: the run blocked (stderr: ${r.stderr.slice(-500)})`);
  const lockFiles = (state: string) => readdirSync(state).filter((n) => n.endsWith('.lock') || n.endsWith('.holder'));

  describe('the state folder', () => {
    const planted: [string, (file: string) => Promise<void>, RegExp][] = [
      ['a named pipe', async (file) => mkfifo(file), /it is a named pipe \(FIFO\), not a regular file/],
      ['a link to /dev/zero', (file) => symlink('/dev/zero', file), /it is a symbolic link, not a regular file/],
      ['a folder', (file) => mkdir(file), /it is a folder, not a regular file/],
    ];
    for (const [what, plant, said] of planted) {
      test(`${what} at the object's state file: StateUnreadable naming it, exit 1, the lock released`, async () => {
        const w = await world();
        const stateFile = path.join(w.state, `${aliceGuid}.json`);
        await plant(stateFile);
        const r = await run(w, ['--distinguished-name', alice, '--staging-mode', '--no-html-report']);
        notBlocked(r);
        assert.equal(r.code, 1, r.stderr);
        assert.doesNotMatch(r.stderr, /bad_alloc|UnexpectedError|unexpected error/i);
        const error = (JSON.parse(r.stdout) as Summary).provisioningStatusInfo.errorInformation!;
        assert.equal(error.errorCode, 'StateUnreadable');
        assert.ok(error.reason.includes(`'${stateFile}' cannot be read`), error.reason);
        assert.match(error.reason, said);
        assert.match(error.recommendedAction, /^Delete the file/);
        assert.match(r.stderr, /^Result: failure - StateUnreadable: /m);
        assert.deepEqual(lockFiles(w.state), [], 'no lock file left');
      });
    }

    test('a batch with a named pipe at one object\'s state and at another\'s lock: those two fail by name, the others run, no lock left', async () => {
      const w = await world();
      mkfifo(path.join(w.state, `${aliceGuid}.json`));
      mkfifo(path.join(w.state, `${otherGuid}.json.lock`));
      mkfifo(path.join(w.state, '.999999.dead.holder'));
      const r = await run(w, ['--search-base', sales, '--no-html-report']);
      notBlocked(r);
      assert.equal(r.code, 1, r.stderr);
      const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Summary);
      assert.ok(results.length > 5, `${results.length} results`);
      const failed = results.filter((s) => s.provisioningStatusInfo.status === 'failure').map((s) => s.provisioningStatusInfo.errorInformation!);
      assert.deepEqual(failed.map((e) => e.errorCode).sort(), ['StateLockUnusable', 'StateUnreadable']);
      assert.ok(failed.some((e) => e.reason.includes(`${otherGuid}.json.lock' of this object's stored state is a named pipe (FIFO)`)), JSON.stringify(failed));
      assert.ok(results.filter((s) => s.provisioningStatusInfo.status === 'success').length === results.length - 2);
      assert.deepEqual(lockFiles(w.state).sort(), [`${otherGuid}.json.lock`, '.999999.dead.holder'].sort(), 'only what was planted');
    });

    test('a named pipe at the batch\'s kept tenant read: the tenant is read in full and kept in its place', async () => {
      const w = await world();
      mkfifo(path.join(w.state, 'tenant-read.json'));
      const r = await run(w, ['--search-base', sales, '--no-html-report', '--bulk-read-threshold', '1']);
      notBlocked(r);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Tenant read once/);
      assert.equal(JSON.parse(await readFile(path.join(w.state, 'tenant-read.json'), 'utf8')).format, 1);
    });
  });

  describe('the LDIF snapshot', () => {
    test('a plain Latin-1 value: LdifUnreadable at its line, exit 2, nothing exported and no state', async () => {
      const w = await world(false);
      const ldif = path.join(w.dir, 'snapshot.ldif');
      const text = await readFile(ldif);
      const at = text.indexOf('title: Account Manager');
      assert.ok(at > 0);
      const line = text.subarray(0, at).toString('utf8').split('\n').length;
      await writeFile(ldif, Buffer.concat([text.subarray(0, at), Buffer.from('title: Caf'), Buffer.from([0xe9]), text.subarray(at + 'title: Account Manager'.length)]));
      const writesBefore = emulator.writes().length;
      const r = await run(w, ['--distinguished-name', alice]);
      notBlocked(r);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`^LdifUnreadable: The LDIF snapshot .*snapshot\\.ldif could not be read at line ${line}: the text at character 11 is not UTF-8`, 'm'));
      assert.match(r.stderr, /^Recommended action: \S/m);
      assert.equal(r.stdout, '');
      assert.equal(emulator.writes().length, writesBefore, 'nothing written to Microsoft Entra ID');
      for (const folder of ['state', 'reports']) assert.equal(existsSync(path.join(w.dir, folder)), false, folder);
    });

    test('an entry twice: LdifUnreadable naming both lines, exit 2, nothing written', async () => {
      const w = await world(false);
      const ldif = path.join(w.dir, 'snapshot.ldif');
      const text = await readFile(ldif, 'utf8');
      const lines = text.split('\n').length;
      await writeFile(ldif, `${text.replace(/\n*$/, '\n\n')}dn: cn=alice wu,ou=sales,ou=contoso,dc=corp,dc=contoso,dc=com\nchangetype: add\nobjectClass: user\ndisplayName: second\n`);
      const r = await run(w, ['--distinguished-name', alice, '--staging-mode']);
      notBlocked(r);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^LdifUnreadable: .* is there twice, at line \d+ and at line \d+;/m);
      const [, first, second] = /at line (\d+) and at line (\d+)/.exec(r.stderr)!;
      assert.ok(Number(first) < lines && Number(second) >= lines, `${first} ${second} (${lines} lines before)`);
      for (const folder of ['state', 'reports']) assert.equal(existsSync(path.join(w.dir, folder)), false, folder);
    });
  });

  describe('arguments', () => {
    for (const spelling of ['--distinguished-name', '-DistinguishedName']) {
      test(`${spelling} "" (an unset variable): MalformedDistinguishedName, exit 2, nothing written`, async () => {
        const w = await world(false);
        const r = await run(w, [spelling, '', '--staging-mode']);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /^MalformedDistinguishedName: The distinguished name is malformed at character 1: the distinguished name is empty\.$/m);
        assert.match(r.stderr, /^Recommended action: Check the distinguished name/m);
        assert.equal(r.stdout, '');
        for (const folder of ['state', 'reports']) assert.equal(existsSync(path.join(w.dir, folder)), false, folder);
      });
    }

    test('no --distinguished-name at all stays a usage error, said as missing', async () => {
      const w = await world(false);
      const r = await run(w, ['--staging-mode']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--distinguished-name is required/);
      assert.doesNotMatch(r.stderr, /MalformedDistinguishedName/);
    });

    test('entra.caFile naming a named pipe: ConfiguredFileUnreadable saying so, exit 2, before any connection (as the adapters and the extension refuse it)', async () => {
      const w = await world(false);
      const fifo = path.join(w.dir, 'ca.pem');
      mkfifo(fifo);
      const config = JSON.parse(await readFile(w.file, 'utf8')) as { entra: Record<string, unknown> };
      await writeFile(w.file, JSON.stringify({ ...config, entra: { ...config.entra, caFile: fifo } }));
      const r = await run(w, ['--distinguished-name', alice, '--staging-mode']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^ConfiguredFileUnreadable: .*ca\.pem.*entra\.caFile.*a named pipe \(FIFO\), not a PEM file/m);
      assert.ok(!readdirSync(w.dir).includes('state'), 'nothing created');
    });

    test('--report-dir /dev/null: ReportFolderNotWritable, exit 2, and no state folder created', async () => {
      const w = await world(false);
      const r = await run(w, ['--distinguished-name', alice, '--staging-mode', '--report-dir', '/dev/null']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^ReportFolderNotWritable: The HTML report could not be written to \/dev\/null/m);
      assert.deepEqual(readdirSync(w.dir).sort(), ['single-object-sync.json', 'snapshot.ldif'], 'nothing created');
    });

    test('a --state-dir under a file: StateFolderNotWritable, exit 2, and no report folder created', async () => {
      const w = await world(false);
      const r = await run(w, ['--distinguished-name', alice, '--staging-mode', '--state-dir', path.join(w.dir, 'snapshot.ldif', 'state')]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^StateFolderNotWritable: /m);
      assert.deepEqual(readdirSync(w.dir).sort(), ['single-object-sync.json', 'snapshot.ldif'], 'nothing created');
    });
  });
});
