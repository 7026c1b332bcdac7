// The README's test command. Builds, starts what the suites need (each test/setup/*.mjs
// module: Samba AD DC, Chromium, code-server), runs every test file with Node's test
// runner, stops what it started and ends with one line: "N passed, N failed, N skipped".
//
//   npm test                      all suites
//   npm test -- test/unit/ad      only test files under these path prefixes
//   SOS_KEEP_SERVICES=1 npm test  leave started services running (faster reruns)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { countTap } from './tap-count.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const stateDir = path.join(root, 'test', '.state');
mkdirSync(stateDir, { recursive: true });

const run = (cmd, args, opts = {}) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', ...opts });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

function findTests(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTests(full));
    else if (/\.test\.(ts|mjs)$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

const filters = process.argv.slice(2).map((p) => path.resolve(root, p));
const testFiles = findTests(path.join(root, 'test')).filter((f) => filters.length === 0 || filters.some((p) => f.startsWith(p)));

// A failed build ends the run: no test may run against a stale dist/.
if ((await run(process.execPath, ['scripts/build.mjs'])) !== 0) {
  console.error('[test] the build failed (see above): no tests were run');
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

let failedSetup = 0;

// Services: each module exports start() -> { env, stop }. Order matters (AD first).
const serviceOrder = ['samba', 'chromium', 'code-server'];
const started = [];
// The end-to-end suite keeps real sync results there; the report's browser tests render them too.
const env = { ...process.env, SOS_TEST_STATE_DIR: stateDir, SOS_REPORT_SUMMARIES: path.join(stateDir, 'real-summaries') };
// The Graph emulator listens on this machine's loopback: a proxy set for the machine (HTTPS_PROXY,
// honoured by the tool as curl honours it) could not reach it, so the tests reach it directly.
if (env.HTTPS_PROXY || env.https_proxy) {
  const direct = [env.NO_PROXY ?? env.no_proxy, 'localhost', '127.0.0.1', '::1'].filter(Boolean).join(',');
  env.NO_PROXY = direct;
  env.no_proxy = direct;
}
const needed = (name) => {
  const marker = `uses-${name}`;
  return testFiles.some((f) => readFileSync(f, 'utf8').includes(marker));
};
for (const name of serviceOrder) {
  const file = path.join(root, 'test', 'setup', `${name}.mjs`);
  if (!existsSync(file) || !needed(name)) continue;
  const t0 = Date.now();
  try {
    const svc = await import(pathToFileURL(file).href);
    const handle = await svc.start({ root, stateDir });
    Object.assign(env, handle.env ?? {});
    started.push({ name, handle });
    console.error(`[test] ${name} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (err) {
    // Set-up errors are one line naming the missing package or step; anything else keeps its stack.
    console.error(`[test] could not start ${name}: ${err?.name === 'SetupError' ? err.message : err?.stack ?? err}`);
    failedSetup++;
  }
}

// One file per run, so two runs on one machine never read each other's counts.
const tapFile = path.join(stateDir, `results-${process.pid}.tap`);
// The tests' temporary folders (os.tmpdir()) go into one folder of this run, removed after it:
// a test that forgets its own leaves nothing behind on the machine.
const runTmp = mkdtempSync(path.join(tmpdir(), 'sos-test-run-'));
const code = testFiles.length === 0 ? 0 : await run(
  process.execPath,
  [
    '--import', 'tsx',
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
    ...testFiles,
  ],
  { env: { ...env, TMPDIR: runTmp } },
);
rmSync(runTmp, { recursive: true, force: true });

for (const { name, handle } of started.reverse()) {
  if (process.env.SOS_KEEP_SERVICES) break;
  try { await handle.stop?.(); } catch (err) { console.error(`[test] stopping ${name}: ${err}`); }
}

const counts = existsSync(tapFile) && statSync(tapFile).size > 0 ? countTap(readFileSync(tapFile, 'utf8')) : { passed: 0, failed: 0, skipped: 0 };
if (existsSync(tapFile)) renameSync(tapFile, path.join(stateDir, 'results.tap'));
let failed = counts.failed + failedSetup;
if (code !== 0 && failed === 0) failed = 1;
console.log(`${counts.passed} passed, ${failed} failed, ${counts.skipped} skipped`);
process.exit(failed === 0 && code === 0 ? 0 : 1);

