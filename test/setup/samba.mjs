// Test service: a real Samba AD DC for CORP.CONTOSO.COM (TESTING.md, "Active Directory").
//
//   start({root, stateDir}) -> { env, stop }   (scripts/test.mjs calls it for `uses-samba` files)
//   node test/setup/samba.mjs start            prints the env as JSON, leaves Samba running
//   node test/setup/samba.mjs stop             stops the Samba this script started
//   node test/setup/samba.mjs env              prints the env of the running Samba
//
// Every step is idempotent: install when missing, provision when not provisioned, start when
// not running (a running one is reused and then stop() does nothing), seed when the seed
// version differs. Only ONE Samba can run on a machine (it binds 127.0.0.1:389/636), so a
// Samba started from another state folder is found through /proc and reused as well.
//
// The passwords below are for this throw-away test domain only; they are fixed so that
// other helpers and the demo can bind without any secret store.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const realm = 'CORP.CONTOSO.COM';
export const netbiosDomain = 'CORP';
export const baseDn = 'DC=corp,DC=contoso,DC=com';
export const serverName = 'DC1.corp.contoso.com';
export const adminDn = `CN=Administrator,CN=Users,${baseDn}`;
/** Test-only password of CORP\Administrator (documented in test/ad/FIXTURES.md). */
export const adminPassword = 'Sos-Test-Admin-2026!';
/** Test-only password of every enabled fixture user. */
export const userPassword = 'Sos-Test-User-2026!';
export const ldapsUrl = 'ldaps://127.0.0.1:636';
export const ldapUrl = 'ldap://127.0.0.1:389';

// samba-ad-provision holds the AD schema provisioning reads; on Debian 12 it is only a
// recommendation of samba-ad-dc, so it is named here (installs use --no-install-recommends).
const packages = ['samba', 'samba-ad-dc', 'samba-ad-provision', 'samba-dsdb-modules', 'ldap-utils', 'winbind', 'krb5-user'];
/** What provisioning and start-up rely on, checked after installing (the end state). */
const requiredFiles = [
  ['/usr/sbin/samba', 'samba-ad-dc'],
  ['/usr/bin/samba-tool', 'samba'],
  ['/usr/share/samba/setup/ad-schema/AD_DS_Attributes__Windows_Server_2012_R2.ldf', 'samba-ad-provision'],
  ['/usr/bin/ldapsearch', 'ldap-utils'],
];
const here = path.dirname(fileURLToPath(import.meta.url));
const defaultRoot = path.resolve(here, '..', '..');

const log = (msg) => process.stderr.write(`[samba] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sh(cmd, args, { env, allowFail = false } = {}) {
  const result = spawnSync(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${cmd} could not run: ${result.error.message}`);
  if (result.status !== 0 && !allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.status}):\n${(result.stdout + result.stderr).slice(-3000)}`);
  }
  return result;
}

function installIfMissing() {
  const missing = packages.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
  if (missing.length > 0) {
    log(`installing ${missing.join(' ')}`);
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    // Other installs (Chromium, ...) may hold the dpkg lock: wait for it rather than fail.
    const lockWait = ['-o', 'DPkg::Lock::Timeout=900'];
    const step = (args) => {
      const r = sh('apt-get', [...lockWait, ...args], { env, allowFail: true });
      if (r.status !== 0) {
        throw new SetupError(`apt-get ${args[0]} failed (exit ${r.status}) while installing ${missing.join(' ')}: ${lastLine(r.stderr || r.stdout)}`);
      }
    };
    step(['update']);
    step(['install', '-y', '--no-install-recommends', ...packages]);
  }
  checkEndState();
}

/** Fails with one line naming the package whose file is missing. */
export function checkEndState() {
  for (const [file, pkg] of requiredFiles) {
    if (!existsSync(file)) throw new SetupError(`${file} is missing: install the Debian package ${pkg}`);
  }
  const r = spawnSync('samba', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new SetupError(`samba --version did not run (exit ${r.status}): reinstall samba-ad-dc`);
}

/** A set-up failure that is already one clear line: the runner prints only its message. */
export class SetupError extends Error {
  constructor(message) { super(message); this.name = 'SetupError'; }
}

function lastLine(text) {
  return (text ?? '').trim().split('\n').filter(Boolean).pop() ?? '(no output)';
}

export function paths(stateDir) {
  const dir = path.join(stateDir, 'samba');
  return {
    dir,
    smbConf: path.join(dir, 'etc', 'smb.conf'),
    pidFile: path.join(dir, 'samba.pid'),
    logFile: path.join(dir, 'samba.log'),
    caFile: path.join(dir, 'private', 'tls', 'ca.pem'),
    provisionedMarker: path.join(dir, 'provisioned.ok'),
  };
}

export function provisionIfNeeded(p) {
  if (existsSync(p.provisionedMarker)) return;
  log(`provisioning ${realm} into ${p.dir}`);
  rmSync(p.dir, { recursive: true, force: true });
  mkdirSync(p.dir, { recursive: true });
  const provisioned = sh('samba-tool', [
    'domain', 'provision',
    `--targetdir=${p.dir}`,
    `--realm=${realm}`,
    `--domain=${netbiosDomain}`,
    '--server-role=dc',
    '--dns-backend=NONE',
    `--adminpass=${adminPassword}`,
    '--host-name=dc1',
    '--use-rfc2307',
    '--option=interfaces=lo',
    '--option=bind interfaces only=yes',
    // Only what the tests use: LDAP (+ the RPC/KDC bits samba-tool needs). Saves memory.
    '--option=server services = -dns -nbt -wrepl -ntp_signd -dnsupdate',
    // A throw-away test domain needs no fsync per write: seeding 5,000 users is much faster.
    '--option=ldb:nosync = true',
  ], { allowFail: true });
  writeFileSync(path.join(p.dir, 'provision.log'), `${provisioned.stdout}${provisioned.stderr}`);
  if (provisioned.status !== 0) {
    // samba-tool ends with a Python traceback; its last line says what is wrong.
    throw new SetupError(`samba-tool domain provision failed (exit ${provisioned.status}): ${lastLine(provisioned.stderr || provisioned.stdout)} (full output: ${path.join(p.dir, 'provision.log')})`);
  }
  // Password policy: fixture passwords never expire and history does not block re-seeding.
  sh('samba-tool', ['domain', 'passwordsettings', 'set', `--configfile=${p.smbConf}`, '--history-length=0', '--min-pwd-age=0', '--max-pwd-age=0'], { allowFail: true });
  writeFileSync(p.provisionedMarker, new Date().toISOString() + '\n');
}

function portAnswers(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function isAlive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

function cmdline(pid) {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean); } catch { return []; }
}

function readPid(file) {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch { return undefined; }
}

function readLink(file) {
  try { return readlinkSync(file); } catch { return undefined; }
}

/**
 * The state folder of a running Samba root process, or undefined. Samba rewrites its
 * command line ("samba: root process"), so the folder comes from its stdout (our
 * samba.log) or, failing that, from the --configfile= of its smbd child.
 */
function sambaDirOf(pid) {
  const out = readLink(`/proc/${pid}/fd/1`);
  if (out?.endsWith(`${path.sep}samba.log`)) return path.dirname(out);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const args = cmdline(Number(entry));
    const conf = args.find((a) => a.startsWith('--configfile='))?.slice('--configfile='.length);
    if (conf && path.basename(args[0] ?? '') === 'smbd') return path.dirname(path.dirname(conf));
  }
  return undefined;
}

function isSambaRoot(pid) {
  return isAlive(pid) && (cmdline(pid)[0] ?? '').startsWith('samba: root process');
}

/** A Samba already running on this machine (started by anyone): its pid and state folder. */
function findRunningSamba() {
  // Samba's own pid file (default "pid directory"), then a scan of /proc.
  const recorded = readPid('/run/samba/samba.pid');
  const candidates = recorded !== undefined && isSambaRoot(recorded)
    ? [recorded]
    : readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter(isSambaRoot);
  for (const pid of candidates) return { pid, dir: sambaDirOf(pid) };
  return undefined;
}

async function waitForPort(port, pid, logFile, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pid !== undefined && !isAlive(pid)) {
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-3000) : '';
      throw new Error(`samba (pid ${pid}) exited during start-up; log tail:\n${tail}`);
    }
    if (await portAnswers(port)) return;
    await sleep(250);
  }
  throw new Error(`samba did not listen on ${port} within ${timeoutMs / 1000} s (see ${logFile})`);
}

export function startSamba(p) {
  const out = openSync(p.logFile, 'a');
  const child = spawn('samba', ['-s', p.smbConf, '-i', '--debug-stdout'], {
    detached: true, // its own process group, so stop() can end samba and its workers together
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  child.unref();
  writeFileSync(p.pidFile, `${child.pid}\n`);
  return child.pid;
}

export function envFor(dir) {
  return {
    SOS_AD_URL: ldapsUrl,
    SOS_AD_LDAP_URL: ldapUrl,
    SOS_AD_CA_FILE: path.join(dir, 'private', 'tls', 'ca.pem'),
    SOS_AD_SERVER_NAME: serverName,
    SOS_AD_BIND_DN: adminDn,
    SOS_AD_PASSWORD: adminPassword,
    SOS_AD_USER_PASSWORD: userPassword,
    SOS_AD_BASE_DN: baseDn,
    SOS_SAMBA_DIR: dir,
  };
}

export function fixturesFile(root = defaultRoot) {
  return path.join(root, 'test', 'ad', 'fixtures.ldif');
}

/** Seed version = hash of what is seeded (the LDIF, the generated bulk part) and of the seeding code. */
async function seedVersion(root) {
  const { bulkLdif } = await import(pathToFileURL(path.join(root, 'test', 'ad', 'generate-fixtures.mjs')).href);
  const h = createHash('sha256');
  h.update(readFileSync(fixturesFile(root)));
  h.update(bulkLdif());
  h.update(readFileSync(path.join(here, 'samba-seed.mjs')));
  return h.digest('hex').slice(0, 16);
}

/**
 * The marker lives in the directory itself (OU=Contoso), so a reused Samba is checked too;
 * then the data is compared with the fixtures (a Samba started from another folder may have
 * been used by hand) and re-seeded when it differs.
 */
async function seedIfNeeded(root, dir) {
  const version = await seedVersion(root);
  const { seed, isSeeded, fixtureDifference } = await import('./samba-seed.mjs');
  const env = envFor(dir);
  if (await isSeeded(env, version)) {
    const difference = await fixtureDifference(env, fixturesFile(root));
    if (difference === undefined) return;
    log(`the directory's data differs from the fixtures (${difference}): re-seeding`);
  }
  log(`seeding fixtures (version ${version})`);
  const t0 = Date.now();
  await seed(env, fixturesFile(root), version);
  const after = await fixtureDifference(env, fixturesFile(root));
  if (after !== undefined) throw new SetupError(`the seeded fixtures do not read back from Samba (${after}): see test/ad/FIXTURES.md`);
  log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * Several test runs may call start() at once (helpers, CI shards): one at a time installs,
 * provisions, starts and seeds; the others wait and then reuse. The lock is machine-wide
 * because the Samba (ports 389/636) is.
 */
async function withSetupLock(action) {
  const lockFile = path.join(os.tmpdir(), 'sos-samba-setup.lock');
  const deadline = Date.now() + 15 * 60_000;
  let waited = false;
  for (;;) {
    try {
      writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if (err?.code !== 'EEXIST') throw err;
      const holder = readPid(lockFile);
      if (holder === undefined || !isAlive(holder)) {
        rmSync(lockFile, { force: true }); // left by a process that died
        continue;
      }
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${lockFile} (held by pid ${holder})`);
      if (!waited) log(`waiting for another set-up (pid ${holder})`);
      waited = true;
      await sleep(500);
    }
  }
  try {
    return await action();
  } finally {
    if (readPid(lockFile) === process.pid) rmSync(lockFile, { force: true });
  }
}

export function start(options = {}) {
  return withSetupLock(() => startLocked(options));
}

async function startLocked({ root = defaultRoot, stateDir = path.join(defaultRoot, 'test', '.state') } = {}) {
  const p = paths(stateDir);

  // 1. Ours, started by an earlier call, or 2. someone else's (another state folder): reuse.
  const running = findRunningSamba();
  if (running) {
    const ours = readPid(p.pidFile) === running.pid;
    if (!running.dir) throw new Error(`a samba (pid ${running.pid}) runs but its state folder (for ca.pem) is unknown`);
    log(`reusing ${ours ? 'our' : 'another'} samba, pid ${running.pid}, from ${running.dir}`);
    await waitForPort(636, running.pid, path.join(running.dir, 'samba.log'));
    await seedIfNeeded(root, running.dir);
    return { env: envFor(running.dir), stop() {} };
  }
  // 3. Start ours.
  installIfMissing();
  provisionIfNeeded(p);
  const startedPid = startSamba(p);
  log(`started samba pid ${startedPid}`);
  const stop = () => stopPid(startedPid, p.pidFile);
  try {
    await waitForPort(636, startedPid, p.logFile);
    await waitUntilBindable(envFor(p.dir));
    await seedIfNeeded(root, p.dir);
  } catch (err) {
    await stop();
    throw err;
  }
  return { env: envFor(p.dir), stop };
}

/** The TLS certificate is generated at first start; the LDAP server may answer before binds work. */
async function waitUntilBindable(env, timeoutMs = 60_000) {
  const { adminClient } = await import('./samba-seed.mjs');
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const client = await adminClient(env);
      await client.unbind();
      return;
    } catch (err) {
      last = err;
      await sleep(500);
    }
  }
  throw new Error(`samba never accepted the admin bind: ${last}`);
}

async function stopPid(pid, pidFile) {
  if (!isAlive(pid)) return;
  // smbd runs in a process group of its own: note it (by its config file) before samba goes.
  const smbConf = path.join(path.dirname(pidFile), 'etc', 'smb.conf');
  const smbdPids = readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number)
    .filter((p) => { const args = cmdline(p); return path.basename(args[0] ?? '') === 'smbd' && args.includes(`--configfile=${smbConf}`); });
  try { process.kill(-pid, 'SIGTERM'); } catch { /* already gone */ }
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  for (const smbd of smbdPids) {
    if (isAlive(smbd)) try { process.kill(smbd, 'SIGTERM'); } catch { /* already gone */ }
  }
  if (readPid(pidFile) === pid) rmSync(pidFile, { force: true });
}

/** Stop the Samba whose pid this script recorded in stateDir (CLI `stop`). */
export async function stopRecorded({ stateDir = path.join(defaultRoot, 'test', '.state') } = {}) {
  const p = paths(stateDir);
  const pid = readPid(p.pidFile);
  if (pid !== undefined && isSambaRoot(pid) && sambaDirOf(pid) === p.dir) await stopPid(pid, p.pidFile);
  else rmSync(p.pidFile, { force: true });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const command = process.argv[2] ?? 'start';
  const stateDir = process.env.SOS_TEST_STATE_DIR ?? path.join(defaultRoot, 'test', '.state');
  if (command === 'start') {
    const handle = await start({ root: defaultRoot, stateDir });
    process.stdout.write(JSON.stringify(handle.env, null, 2) + '\n');
    process.exit(0);
  } else if (command === 'stop') {
    await stopRecorded({ stateDir });
  } else if (command === 'env') {
    process.stdout.write(JSON.stringify(envFor(paths(stateDir).dir), null, 2) + '\n');
  } else {
    process.stderr.write('usage: node test/setup/samba.mjs start|stop|env\n');
    process.exit(2);
  }
}
