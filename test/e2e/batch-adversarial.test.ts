// Adversarial batch input on the CLI (dist/cli.js against a copy of the bundled LDIF snapshot
// and the Graph emulator; no live directory): a proposed what-if configuration built to exhaust
// the configuration loader, AD values of megabytes in the batch report, names with an RDN longer
// than Active Directory allows, a what-if that had to make the state folder, and a reader that
// leaves early when no batch report is written. Each ends in a named error, or in a result whose
// report stays small and escaped; nothing is left that was not there.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../graph-emulator';
import { cli, jsonLines, runCli } from './cli-process';
import { writeSnapshotConfiguration } from './harness';

const base = 'DC=corp,DC=contoso,DC=com';
const sales = `OU=Sales,OU=Contoso,${base}`;
const hostileOu = `OU=Hostile,OU=Contoso,${base}`;
const huge = 10 * 1024 * 1024;

/** An LDIF record of a user under OU=Hostile, every value base64 (control characters, megabytes). */
function hostileUser(cn: string, sidRid: number, attributes: Record<string, string>): string {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const dn = `CN=${cn},${hostileOu}`;
  const sid = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', 'base64');
  sid.writeUInt32LE(sidRid, 24);
  const guid = Buffer.alloc(16, sidRid % 256);
  guid.writeUInt32LE(sidRid, 0);
  const lines = [
    `dn: ${dn}`, 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user',
    `cn: ${cn}`, `objectGUID:: ${guid.toString('base64')}`, `objectSid:: ${sid.toString('base64')}`, 'userAccountControl: 512',
    `sAMAccountName: hostile${sidRid}`, `userPrincipalName: hostile${sidRid}@contoso.com`, `distinguishedName: ${dn}`,
    ...Object.entries(attributes).map(([name, value]) => `${name}:: ${b64(value)}`),
  ];
  return `\n${lines.join('\n')}\n`;
}

describe('adversarial batch input on the CLI', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let root: string;

  before(async () => {
    emulator = await startEmulator();
    root = await mkdtemp(path.join(tmpdir(), 'sos-batch-adversarial-'));
  });
  after(async () => {
    await emulator?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** A fresh folder with the snapshot configuration (stateDir "state", reportDir "reports"). */
  const world = async () => {
    const dir = await mkdtemp(path.join(root, 'case-'));
    const file = await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET');
    const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, any>;
    return { dir, file, config };
  };
  const run = (dir: string, args: string[], timeout = 60_000) => runCli(args, { cwd: dir, env: { SOS_CLIENT_SECRET: emulator.clientSecret }, timeout });
  const noStack = (stderr: string) => assert.doesNotMatch(stderr, /unexpected error|\n\s+at /i, stderr);

  test('a proposed configuration built to exhaust the loader (300,000 exclusions): a named result, never an unexpected error; refused, it leaves no folder', async () => {
    const w = await world();
    const proposed = structuredClone(w.config);
    proposed.activeDirectory[0].partitions[0].exclusions = Array.from({ length: 300_000 }, (_, k) => `OU=X${k},${base}`);
    const at = path.join(w.dir, 'proposed.json');
    await writeFile(at, JSON.stringify(proposed));
    const r = await run(w.dir, ['--config', w.file, '--search-base', sales, '--what-if-config', at], 120_000);
    noStack(r.stderr);
    if (r.code === 2) {
      // The loader cannot read it: refused by name, before the search, and nothing stays behind.
      assert.match(r.stderr, /^WhatIfConfigurationInvalid: .*proposed\.json/m);
      assert.match(r.stderr, /Recommended action: \S/);
      assert.equal(r.stdout, '');
      assert.deepEqual(readdirSync(w.dir).sort(), ['proposed.json', 'single-object-sync.json', 'snapshot.ldif']);
    } else {
      // A loader that reads it compares it.
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      assert.match(r.stderr, /^What-if: \d+ object\(s\) compared/m);
    }
  });

  test('a display name of 10 MB and hostile markup: the JSON line keeps it whole, the batch report and the what-if report cut it and escape the rest', async () => {
    const w = await world();
    await appendFile(path.join(w.dir, 'snapshot.ldif'), [
      `\ndn: ${hostileOu}\nobjectClass: top\nobjectClass: organizationalUnit\nou: Hostile\n`,
      hostileUser('Huge', 9001, { displayName: 'H'.repeat(huge), department: '</td><script>alert(1)</script>' }),
      hostileUser('Markup', 9002, { displayName: '<img src=x onerror=alert(2)>\u001b[31m\u202e', title: '\u001b]0;pwned\u0007' }),
    ].join(''));
    const staged = await run(w.dir, ['--config', w.file, '--search-base', hostileOu]);
    noStack(staged.stderr);
    assert.ok(staged.code === 0 || staged.code === 1, staged.stderr);
    const results = jsonLines<{ sourceIdentity: { displayName: string } }>(staged.stdout);
    assert.ok(results.some((r) => r.sourceIdentity.displayName.length === huge), 'the JSON result keeps the whole display name');
    assert.ok(!staged.stderr.includes('\u001b') && !staged.stderr.includes('\u202e'), 'no raw escape or bidi control from AD on stderr');
    assert.ok(!staged.stdout.includes('\u001b'), 'no raw escape from AD on stdout');
    const report = /^Batch report: (.+)$/m.exec(staged.stderr)?.[1];
    assert.ok(report && existsSync(report), staged.stderr);
    assert.ok(statSync(report).size < 1024 * 1024, `the batch report is ${statSync(report).size} bytes: the 10 MB name is cut`);
    const html = await readFile(report, 'utf8');
    assert.match(html, /H{1000}\u2026 \(10485760 characters\)/, 'the cut name says how long it is');
    assert.doesNotMatch(html, /<img src=x|<script>alert/, 'hostile markup is escaped');
    assert.ok(!html.includes('\u001b') && !html.includes('\u202e'), 'controls are written as escapes');

    // The what-if's comparison table: the OU leaves scope, its objects are listed by name.
    const proposed = structuredClone(w.config);
    proposed.activeDirectory[0].partitions[0].exclusions = [hostileOu];
    await writeFile(path.join(w.dir, 'proposed.json'), JSON.stringify(proposed));
    const whatIf = await run(w.dir, ['--config', w.file, '--search-base', hostileOu, '--what-if-config', 'proposed.json']);
    noStack(whatIf.stderr);
    assert.match(whatIf.stderr, /^What-if: 2 object\(s\) compared/m);
    const whatIfReport = /^Batch report: (.+)$/m.exec(whatIf.stderr)?.[1];
    assert.ok(whatIfReport && existsSync(whatIfReport), whatIf.stderr);
    assert.ok(statSync(whatIfReport).size < 1024 * 1024, `the what-if report is ${statSync(whatIfReport).size} bytes: the 10 MB name is cut`);
  });

  test('a name with an RDN longer than Active Directory allows: refused where it enters (exit 2, nothing made), never looked up', async () => {
    const w = await world();
    const long = `CN=${'a'.repeat(1024 * 1024)},${sales}`;
    await writeFile(path.join(w.dir, 'dns.txt'), `CN=Alice Wu,${sales}\n${long}\n`);
    const input = await run(w.dir, ['--config', w.file, '--input', 'dns.txt']);
    assert.equal(input.code, 2, input.stderr);
    assert.match(input.stderr, /^BatchInputUnreadable: .*line 2 is not a distinguished name of Active Directory \(its RDN 1 holds a value of 1048576 characters.*more than 255/m);
    assert.equal(input.stdout, '');
    for (const option of ['--distinguished-name', '--search-base']) {
      const arg = await run(w.dir, ['--config', w.file, option, `CN=${'b'.repeat(300)},${sales}`]);
      assert.equal(arg.code, 2, arg.stderr);
      assert.match(arg.stderr, /^MalformedDistinguishedName: The distinguished name is malformed at character 1: its RDN 1 holds a value of 300 characters/m, option);
      assert.doesNotMatch(arg.stderr, /b{300}/, 'the name is not repeated');
    }
    assert.deepEqual(readdirSync(w.dir).sort(), ['dns.txt', 'single-object-sync.json', 'snapshot.ldif'], 'no state or report folder');
    // 255 characters is a name AD may have: looked up (no such object here), not refused.
    const longest = await run(w.dir, ['--config', w.file, '--distinguished-name', `CN=${'c'.repeat(255)},${sales}`, '--staging-mode', '--no-html-report']);
    assert.equal(longest.code, 1, longest.stderr);
    assert.match(longest.stdout, /NoSuchObject/);
  });

  test('an --input line of control characters alone (a NUL, DOS\'s Ctrl+Z end-of-file mark): said as such, not as a sAMAccountName, exit 2', async () => {
    const w = await world();
    await writeFile(path.join(w.dir, 'dns.txt'), `CN=Alice Wu,${sales}\r\n\u001a`);
    const r = await run(w.dir, ['--config', w.file, '--input', 'dns.txt']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^BatchInputUnreadable: .*line 2 holds only control or invisible characters \(U\+001A\), not a distinguished name; remove the line \(U\+001A, Ctrl\+Z, is the end-of-file mark/m);
    assert.doesNotMatch(r.stderr, /sAMAccountName|Get-ADUser/);
    await writeFile(path.join(w.dir, 'dns.txt'), `CN=Alice Wu,${sales}\n\u0000\u200b\n`);
    const nul = await run(w.dir, ['--config', w.file, '--input', 'dns.txt']);
    assert.equal(nul.code, 2, nul.stderr);
    assert.match(nul.stderr, /^BatchInputUnreadable: .*line 2 holds only control or invisible characters \(U\+0000 U\+200B\), not a distinguished name; remove the line\.$/m);
    assert.deepEqual(readdirSync(w.dir).sort(), ['dns.txt', 'single-object-sync.json', 'snapshot.ldif'], 'no state or report folder');
  });

  test('a what-if that had to make the state folder leaves none: it ran on copies', async () => {
    const w = await world();
    const proposed = structuredClone(w.config);
    proposed.activeDirectory[0].partitions[0].exclusions = [sales];
    await writeFile(path.join(w.dir, 'proposed.json'), JSON.stringify(proposed));
    const r = await run(w.dir, ['--config', w.file, '--search-base', sales, '--what-if-config', 'proposed.json', '--no-html-report']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.match(r.stderr, /^What-if: \d+ object\(s\) compared/m);
    assert.deepEqual(readdirSync(w.dir).sort(), ['proposed.json', 'single-object-sync.json', 'snapshot.ldif'], 'no state folder was left');
  });

  test('the reader leaving a batch run with --no-html-report: the message names where the results are, not a batch report that was not written', async () => {
    const w = await world();
    emulator.faults({ kind: 'latency', latencyMs: 150, path: '/users', count: -1 });
    const child = spawn(process.execPath, [cli, '--config', w.file, '--search-base', `OU=Contoso,${base}`, '--no-html-report', '--bulk-read-threshold', '100000'], {
      cwd: w.dir, env: { PATH: process.env.PATH, SOS_CLIENT_SECRET: emulator.clientSecret }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000,
    });
    let stderr = '';
    let closed = false;
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', () => {
      if (!closed) {
        closed = true;
        child.stdout.destroy(); // `| head -1`
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    emulator.clearFaults();
    assert.equal(code, 141, stderr);
    assert.match(stderr, /closed by its reader \(EPIPE\): stopping after the objects in flight; their results are not printed \(the state has them\)/);
    assert.doesNotMatch(stderr, /batch report/i);
    assert.equal(existsSync(path.join(w.dir, 'reports')), false);
  });
});
