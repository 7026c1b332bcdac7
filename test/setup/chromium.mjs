// Test service: Debian's Chromium, driven by playwright-core (TESTING.md, "Chromium").
// scripts/test.mjs calls start() when a test file carries the marker `uses-chromium`.
// Installing is idempotent: nothing happens when /usr/bin/chromium is already there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const chromiumPath = '/usr/bin/chromium';

// Other installs (Samba, ...) may hold the dpkg lock at the same moment: wait for it
// rather than fail. The timeout applies to both the lists lock and the dpkg lock.
const lockWait = ['-o', 'DPkg::Lock::Timeout=900'];

function apt(args) {
  const result = spawnSync('apt-get', [...lockWait, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
  });
  if (result.error) throw new Error(`apt-get ${args.join(' ')} could not run: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr.slice(-2000)}`);
  }
}

export async function start() {
  if (!existsSync(chromiumPath)) {
    apt(['update']);
    apt(['install', '-y', '--no-install-recommends', 'chromium']);
    if (!existsSync(chromiumPath)) throw new Error(`chromium installed but ${chromiumPath} is missing`);
  }
  // Nothing to stop: each test launches and closes its own browser process.
  return { env: { SOS_CHROMIUM: chromiumPath }, stop() {} };
}
