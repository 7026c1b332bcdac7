// Files that are not ordinary files, where the CLI reads and writes (dist/cli.js against the
// bundled LDIF snapshot and the Graph emulator): a named pipe (mkfifo) nobody writes to, planted
// as the configuration or the LDIF snapshot, ends in a named error at once (open() alone would
// wait forever); a pipe with a writer (`--input <(cmd)`) is read; a state folder that exists but
// takes no files (/proc/self) is refused before the first object, not at its lock.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../graph-emulator';
import { writeSnapshotConfiguration } from './harness';

const cli = path.resolve(__dirname, '../../dist/cli.js');
const alice = 'CN=Alice Wu,OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com';

describe('special files on the CLI', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let config: string;

  before(async () => {
    emulator = await startEmulator();
    dir = await mkdtemp(path.join(tmpdir(), 'sos-special-files-'));
    config = await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET');
  });
  after(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The CLI through bash (for process substitution), bounded: a hang fails the test instead of stalling it. */
  function run(command: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
    const t0 = Date.now();
    const child = spawn('bash', ['-c', `exec timeout 60 ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} ${command}`], {
      cwd: dir, env: { PATH: process.env.PATH, SOS_CLIENT_SECRET: emulator.clientSecret }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 })));
  }
  const fifo = (name: string) => {
    const file = path.join(dir, name);
    assert.equal(spawnSync('mkfifo', [file]).status, 0);
    return file;
  };

  test('a configuration that is a named pipe with no writer: ConfigurationNotJson at once, exit 2', async () => {
    fifo('planted.json');
    const r = await run(`--config planted.json --distinguished-name '${alice}' --staging-mode`);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^Configuration\w+: .*planted\.json/m);
    assert.ok(r.ms < 30_000, `${r.ms} ms`);
  });

  test('an LDIF snapshot that is a named pipe with no writer: a named error at once, exit 2, nothing written', async () => {
    fifo('planted.ldif');
    const json = JSON.parse(await readFile(config, 'utf8')) as { activeDirectory: { ldifFile: string }[]; stateDir: string };
    json.activeDirectory[0]!.ldifFile = 'planted.ldif';
    json.stateDir = 'state-planted';
    await writeFile(path.join(dir, 'planted-ldif.json'), JSON.stringify(json));
    const r = await run(`--config planted-ldif.json --distinguished-name '${alice}' --staging-mode`);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^LdifUnreadable: .*planted\.ldif.*holds no entry/m);
    assert.ok(r.ms < 30_000, `${r.ms} ms`);
    assert.equal(existsSync(path.join(dir, 'state-planted')), false, 'no state folder was made');
  });

  test('--input <(cmd), a pipe with a writer, is read: one JSON line for its one DN, exit 0', async () => {
    const r = await run(`--config single-object-sync.json --no-html-report --input <(sleep 0.3; printf '%s\\n' '${alice}')`);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { sourceIdentity: { details: { distinguishedName: string } } });
    assert.deepEqual(lines.map((l) => l.sourceIdentity.details.distinguishedName), [alice]);
  });

  test('--input - reads the distinguished names from standard input: one JSON line for its one DN, exit 0', async () => {
    const r = await run(`--config single-object-sync.json --no-html-report --input - <<< '${alice}'`);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { sourceIdentity: { details: { distinguishedName: string } } });
    assert.deepEqual(lines.map((l) => l.sourceIdentity.details.distinguishedName), [alice]);
  });

  test('--input - when standard input is a socket (how Node.js, a VS Code task or a test runner pipes into a child): read to its end, an object named twice synced once, exit 0', async () => {
    const bob = 'CN=Bob Stone,OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com';
    // stdio 'pipe' from Node.js is a socket pair, not a pipe: /dev/stdin cannot be opened on it (ENXIO).
    const child = spawn(process.execPath, [cli, '--config', 'single-object-sync.json', '--no-html-report', '--input', '-'], {
      cwd: dir, env: { PATH: process.env.PATH, SOS_CLIENT_SECRET: emulator.clientSecret }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // Written in two parts with a pause: the CLI waits for the end of its input, not for the first chunk.
    child.stdin.write(`# two objects, one of them twice\n${alice}\n`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.stdin.end(`${bob}\n${alice.toLowerCase()}\n`);
    const code = await exited;
    assert.equal(code, 0, stderr);
    const lines = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { sourceIdentity: { details: { distinguishedName: string } } });
    assert.deepEqual(lines.map((l) => l.sourceIdentity.details.distinguishedName), [alice, bob]);
    assert.match(stderr, /input file \(standard input\) \(1 line\(s\) name an object an earlier line names, synced once: line\(s\) 4\)/);
  });

  test('--input - fed without end (`yes | ... --input -`): BatchInputUnreadable at the 32 MiB bound, exit 2, nothing written', async () => {
    const r = await run(`--config single-object-sync.json --no-html-report --state-dir state-endless --input - < <(yes '${alice}')`);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^BatchInputUnreadable: The input file \(standard input\) cannot be used: the file is larger than 32 MiB/m);
    assert.equal(r.stdout, '');
    assert.equal(existsSync(path.join(dir, 'state-endless')), false, 'no state folder was made');
  });

  test('--input written by Windows PowerShell (`>`: UTF-16LE with a byte-order mark, CRLF line ends) is read: an accented DN arrives intact, exit 0', async () => {
    const zoe = 'CN=Zoë Ñúñez,OU=Paris,OU=EMEA,OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com';
    const file = path.join(dir, 'dns-utf16.txt');
    await writeFile(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${alice}\r\n${zoe}\r\n`, 'utf16le')]));
    const r = await run(`--config single-object-sync.json --no-html-report --input dns-utf16.txt`);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { sourceIdentity: { details: { distinguishedName: string } } });
    assert.deepEqual(lines.map((l) => l.sourceIdentity.details.distinguishedName), [alice, zoe]);
  });

  test('--input in neither UTF-8 nor UTF-16 with a mark (Latin-1 bytes): BatchInputUnreadable names the encodings, exit 2, nothing written', async () => {
    await writeFile(path.join(dir, 'dns-latin1.txt'), Buffer.from('CN=Zoë Ñúñez,OU=Paris,OU=EMEA,OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com\n', 'latin1'));
    const r = await run(`--config single-object-sync.json --no-html-report --state-dir state-latin1 --input dns-latin1.txt`);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^BatchInputUnreadable: .*dns-latin1\.txt cannot be used: it is neither UTF-8 text nor UTF-16 text with a byte-order mark/m);
    assert.equal(r.stdout, '');
    assert.equal(existsSync(path.join(dir, 'state-latin1')), false, 'no state folder was made');
  });

  test('a --distinguished-name or --search-base in Latin-1 bytes (a terminal or script in another encoding): MalformedDistinguishedName names the position, exit 2, nothing made', async () => {
    // printf writes the byte 0xE9 (é in Latin-1), which is not UTF-8: Node would read it as U+FFFD.
    const latin1 = `"$(printf 'CN=Zo\\xe9 Nunez,OU=Paris,OU=EMEA,OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com')"`;
    for (const [flag, state] of [['--distinguished-name', 'state-arg-dn'], ['--search-base', 'state-arg-base']] as const) {
      const r = await run(`--config single-object-sync.json --no-html-report --staging-mode --state-dir ${state} ${flag} ${latin1}`);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^MalformedDistinguishedName: The distinguished name is malformed at character 6: it holds bytes that are not UTF-8 text/m, flag);
      assert.equal(r.stdout, '');
      assert.equal(existsSync(path.join(dir, state)), false, `${flag}: no state folder was made`);
    }
  });

  test('--input that is a CSV from Export-Csv: BatchInputUnreadable at its header line, with how to write the names alone, exit 2', async () => {
    await writeFile(path.join(dir, 'users.csv'), `#TYPE Selected.Microsoft.ActiveDirectory.Management.ADUser\r\n"DistinguishedName"\r\n"${alice}"\r\n`);
    const r = await run(`--config single-object-sync.json --no-html-report --state-dir state-csv --input users.csv`);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^BatchInputUnreadable: .*users\.csv cannot be used: line 2 is not a distinguished name \(.*\); it looks like a CSV or a table; write the names alone, for example \(Import-Csv users\.csv\)\.DistinguishedName \| Out-File -Encoding utf8 dns\.txt\./m);
    assert.equal(existsSync(path.join(dir, 'state-csv')), false, 'no state folder was made');
  });

  test('--state-dir /proc/self (a folder that takes no file): StateFolderNotWritable before the first step, exit 2', async () => {
    const r = await run(`--config single-object-sync.json --distinguished-name '${alice}' --staging-mode --state-dir /proc/self`);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^StateFolderNotWritable: .*\/proc\/self/m);
    assert.doesNotMatch(r.stderr, /UnexpectedError|\[FAIL\]/);
    assert.equal(r.stdout, '', 'no result: nothing ran');
  });
});
