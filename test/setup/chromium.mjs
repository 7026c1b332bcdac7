// Test service: Debian's Chromium, driven by playwright-core (TESTING.md, "Chromium").
// scripts/test.mjs calls start() when a test file carries the marker `uses-chromium`.
// Installing is idempotent: nothing happens when /usr/bin/chromium is already there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const chromiumPath = '/usr/bin/chromium';

// Other installs (Samba, ...) may hold the dpkg lock at the same moment: wait for it
// rather than fail. The timeout applies to both the lists lock and the dpkg lock.
const lockWait = ['-o', 'DPkg::Lock::Timeout=900'];

/** A set-up failure that is already one clear line: the runner prints only its message. */
export class SetupError extends Error {
  constructor(message) { super(message); this.name = 'SetupError'; }
}

function apt(args) {
  const result = spawnSync('apt-get', [...lockWait, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
  });
  if (result.error) throw new SetupError(`apt-get ${args[0]} could not run: ${result.error.message}`);
  if (result.status !== 0) {
    const last = (result.stderr || result.stdout).trim().split('\n').pop();
    throw new SetupError(`apt-get ${args.join(' ')} failed (exit ${result.status}): ${last}`);
  }
}

/** The end state tests rely on: Debian's Chromium runs headless and prints its version. */
function chromiumVersion() {
  const r = spawnSync(chromiumPath, ['--headless', '--no-sandbox', '--version'], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 && /Chromium \d+/.test(r.stdout) ? r.stdout.trim() : undefined;
}

export async function start() {
  if (!existsSync(chromiumPath)) {
    apt(['update']);
    apt(['install', '-y', '--no-install-recommends', 'chromium']);
  }
  if (!existsSync(chromiumPath)) throw new SetupError(`${chromiumPath} is missing: install the Debian package chromium`);
  if (!chromiumVersion()) throw new SetupError(`${chromiumPath} --version does not run: reinstall the Debian package chromium`);
  // Nothing to stop: each test launches and closes its own browser process.
  return { env: { SOS_CHROMIUM: chromiumPath }, stop() {} };
}
