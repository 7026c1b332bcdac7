// The README's first command: `npm run demo` needs nothing but npm ci. Runs it as a user
// would, in a copy of the checkout holding only what git holds (no build output: the test
// suite builds before it runs, a new machine has not), checks each object's result line, and
// opens every report it wrote from disk in Chromium (uses-chromium) with all four tabs working.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { panelId, tabId, tabIds } from '../../src/report/anchors';
import { launchChromium } from '../report/chromium';

const checkout = path.resolve(__dirname, '../..');

/** The files git holds (committed or not yet, never ignored ones) copied, and npm ci's node_modules linked. */
function cleanCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sos-demo-'));
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: checkout, encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(path.join(checkout, file))) continue; // deleted, not yet committed
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(path.join(checkout, file), path.join(dir, file));
  }
  symlinkSync(path.join(checkout, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

test('npm run demo: create, update, soft match, conflict, restore and filtered objects, each with a report', async (t) => {
  const root = cleanCopy();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  assert.ok(!existsSync(path.join(root, 'dist')) && !existsSync(path.join(root, 'src/report/browser/report-script.bundle.js')), 'the copy holds no build output');
  const run = spawnSync('npm', ['run', '--silent', 'demo'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  const blocks = run.stdout.split('\n\n').filter((b) => b.startsWith('CN='));
  assert.equal(blocks.length, 7, run.stdout);
  const result = (name: string) => blocks.find((b) => b.startsWith(`CN=${name},`))?.match(/result: +(.+)/)?.[1] ?? '';
  assert.match(result('Alice Wu'), /^(success|warning) \(create\)/);
  assert.match(result('Carol Diaz'), /^(success|warning) \(update\)/);
  assert.match(result('Soft Match'), /^(success|warning) \(update\)/);
  // Duplicate attribute resiliency: the address is quarantined, the user still created.
  assert.match(result('Dup User'), /^warning \(create\) DuplicateAttributeQuarantined/);
  // A soft-deleted user holds her anchor: Microsoft Entra ID restores it; nothing is written here.
  assert.match(result('Mia Rossi'), /^warning \(other\) SoftDeletedUserRestored: .*restores that user \(the same object id\)/);
  assert.match(result('Excluded Person'), /^skipped .*ContainerExcluded/);
  assert.match(result('Dave Kim'), /^skipped .*NotProjectedToMetaverse/);
  const browser = await launchChromium();
  try {
    for (const block of blocks) {
      const report = block.match(/report: +(.+)/)?.[1];
      assert.ok(report && existsSync(path.join(root, report)), `report of ${block.split('\n')[0]}`);
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await page.goto(pathToFileURL(path.join(root, report)).href);
      for (const tab of tabIds) {
        await page.click(`#${tabId(tab)}`);
        assert.equal(await page.getAttribute(`#${tabId(tab)}`, 'aria-selected'), 'true', `${report}: tab ${tab}`);
        assert.ok(await page.isVisible(`#${panelId(tab)}`), `${report}: panel ${tab} visible`);
        assert.ok(((await page.textContent(`#${panelId(tab)}`)) ?? '').trim().length > 20, `${report}: panel ${tab} has content`);
      }
      assert.deepEqual(errors, [], `${report}: no script or CSP error`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  assert.match(run.stdout, /Graph writes accepted: 4, refused: 0/);
});
