// Launching Debian's Chromium through playwright-core with the flags from TESTING.md.
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env.SOS_CHROMIUM || '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
