// The README's first command: `npm run demo` needs nothing but npm ci. Runs it as a user
// would, checks each object's result line, and opens every report it wrote from disk in
// Chromium (uses-chromium) with all four tabs working.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { panelId, tabId, tabIds } from '../../src/report/anchors';
import { launchChromium } from '../report/chromium';

const root = path.resolve(__dirname, '../..');

test('npm run demo: create, update, soft match, conflict, restore and filtered objects, each with a report', async () => {
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
