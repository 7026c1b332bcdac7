// npm run bench:batch-export: a batch export of N new users (default 2,000, from a generated LDIF
// snapshot) into the Graph emulator with its write budget scaled to 300 writes per 15 s (20
// writes/s: the documented 3,000 per 150 s at a tenth of the size and time). The first run is
// killed (SIGKILL) halfway, then the batch is run again to the end. Prints the share of the
// write budget the export used while it ran, the objects failed by throttling, and the
// duplicates in the tenant (users sharing an anchor); asserts nothing.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator } from '../test/graph-emulator';

const root = path.resolve(__dirname, '..');
const contoso = 'OU=Contoso,DC=corp,DC=contoso,DC=com';
const count = (() => { const i = process.argv.indexOf('--count'); return i > 0 ? Number(process.argv[i + 1]) : 2000; })();
const scale = 0.1;
const timeScale = 0.1;
const budgetPerSecond = (3000 * scale) / (150 * timeScale);

function ldif(n: number): string {
  const parts = [`dn: OU=Export,${contoso}\nchangetype: add\nobjectClass: top\nobjectClass: organizationalUnit\nou: Export\nobjectGUID:: ${randomBytes(16).toString('base64')}\n`];
  for (let i = 1; i <= n; i++) {
    const id = String(i).padStart(5, '0');
    parts.push([
      `dn: CN=export${id},OU=Export,${contoso}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user',
      `cn: export${id}`, `displayName: Export User ${id}`, `sAMAccountName: export${id}`, `userPrincipalName: export${id}@contoso.com`, 'userAccountControl: 512',
      `objectGUID:: ${randomBytes(16).toString('base64')}`, '',
    ].join('\n'));
  }
  return parts.join('\n');
}

function exportBatch(dir: string, secret: string, killAfterLines?: number): Promise<{ lines: string[]; stderr: string; seconds: number; status: number | null; killed: boolean }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(root, 'dist/cli.js'), '--search-base', `OU=Export,${contoso}`, '--scope', 'one', '--export', '--no-html-report'], {
      cwd: dir, env: { PATH: process.env.PATH, SOS_BENCH_SECRET: secret }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d) => {
      out += d;
      if (killAfterLines !== undefined && !killed && out.split('\n').length > killAfterLines) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (status) => resolve({ lines: out.split('\n').filter(Boolean), stderr, seconds: (performance.now() - t0) / 1000, status, killed }));
  });
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-bench-export-'));
  const emulator = await startEmulator({ throttleScale: scale, throttleTimeScale: timeScale });
  try {
    const snapshot = await readFile(path.join(root, 'test/fixtures/contoso-snapshot.ldif'), 'utf8');
    await writeFile(path.join(dir, 'snapshot.ldif'), `${snapshot}\n${ldif(count)}`);
    await writeFile(path.join(dir, 'single-object-sync.json'), JSON.stringify({
      activeDirectory: [{ name: 'corp.contoso.com', ldifFile: 'snapshot.ldif', partitions: [{ dn: 'DC=corp,DC=contoso,DC=com', selected: true, inclusions: ['DC=corp,DC=contoso,DC=com'], exclusions: [] }], objectTypes: ['user'], groupFilteringGroupDn: null }],
      entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_BENCH_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      sourceAnchor: 'objectGUID', rules: 'builtin', stateDir: 'state', reportDir: 'reports',
    }));
    const writesAt = () => emulator.writes().filter((w) => w.status < 300).length;
    const first = await exportBatch(dir, emulator.clientSecret, Math.floor(count / 2));
    const writesBeforeSecond = writesAt();
    const logBeforeSecond = emulator.writes().length;
    const second = await exportBatch(dir, emulator.clientSecret);
    const writesOfSecond = writesAt() - writesBeforeSecond;
    const writes = writesAt();
    const throttled = emulator.writes().filter((w) => w.status === 429).length;
    const failedByThrottling = second.lines.filter((l) => /"errorCode":"(Throttled|ServiceUnavailable)"/.test(l)).length
      + first.lines.filter((l) => /"errorCode":"(Throttled|ServiceUnavailable)"/.test(l)).length;
    const anchors = emulator.state().users.map((u) => u.onPremisesImmutableId).filter(Boolean);
    const duplicates = anchors.length - new Set(anchors).size;
    // The export pass only (the planning pass writes nothing): from the "Exporting" line to the end.
    const exportSeconds = (run: { stderr: string; seconds: number }) => {
      const m = /Export batch: \d+ object\(s\) done.* in ([\d.]+) s/.exec(run.stderr);
      return m ? Number(m[1]) : run.seconds;
    };
    const seconds = first.seconds + exportSeconds(second);
    console.log(`batch export of ${count} new users, killed (SIGKILL) after ${first.lines.length} results, then run again: ${second.lines.length} results in the second run (exit ${second.status})`);
    console.log(`writes accepted ${writes}, 429 answers ${throttled}; write budget ${budgetPerSecond}/s -> used ${((writes / seconds / budgetPerSecond) * 100).toFixed(0)}% of it over ${seconds.toFixed(1)} s (both runs, planning passes included); objects failed by throttling ${failedByThrottling}; duplicate users ${duplicates} (${anchors.length} users with an anchor)`);
    const secondExport = exportSeconds(second);
    console.log(`second run's export pass: ${writesOfSecond} writes in ${secondExport.toFixed(1)} s = ${(writesOfSecond / secondExport).toFixed(1)} writes/s = ${((writesOfSecond / secondExport / budgetPerSecond) * 100).toFixed(0)}% of the write budget (its first ${3000 * scale} writes may use the full bucket)`);
    // Sustained: from the second run's first 429 (its bucket is empty from then on) to its last
    // accepted write, the writes Graph accepted per second of the budget's refill rate.
    const secondLog = emulator.writes().slice(logBeforeSecond);
    const firstThrottled = secondLog.findIndex((w) => w.status === 429);
    if (firstThrottled >= 0) {
      const tail = secondLog.slice(firstThrottled);
      const accepted = tail.filter((w) => w.status < 300);
      const from = Date.parse(tail[0]!.time);
      const to = Date.parse(accepted.at(-1)?.time ?? tail[0]!.time);
      const rate = accepted.length / Math.max(0.001, (to - from) / 1000);
      console.log(`sustained while throttled (second run, first 429 to last write): ${accepted.length} writes in ${((to - from) / 1000).toFixed(1)} s = ${rate.toFixed(1)} writes/s = ${((rate / budgetPerSecond) * 100).toFixed(0)}% of the write budget; ${secondLog.filter((w) => w.inBatch).length} of ${secondLog.length} write answers inside a $batch`);
    }
    const batches = emulator.requestLog().filter((r) => r.path === '/v1.0/$batch');
    const carried = batches.map((b) => b.innerRequests ?? 0);
    if (batches.length) console.log(`$batch requests (both runs, lookups included): ${batches.length}, ${Math.min(...carried)}-${Math.max(...carried)} requests each (mean ${(carried.reduce((a, b) => a + b, 0) / batches.length).toFixed(1)})`);
    console.log(second.stderr.split('\n').filter((l) => /Export concurrency|Export batch|Export plan/.test(l)).join('\n'));
  } finally {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
