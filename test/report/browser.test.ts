// The report in a real browser (uses-chromium): Debian's Chromium opens each rendered
// report from disk (file://). Every summary of loadSummaries() is checked: the fixtures,
// plus those named in SOS_REPORT_SUMMARIES (results of real syncs).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ProvisioningObjectSummary } from '../../src/engine/summary/types';
import { renderReport, renderReportBody, reportScript, reportStyles } from '../../src/report';
import { hostile } from '../fixtures/summaries/build';
import { launchChromium } from './chromium';
import { artifactDir, defang, loadFixture, loadSummaries } from './summaries';

const options = { toolVersion: '0.1.0-test', generatedAt: new Date('2025-03-01T14:06:00Z') };
const tabs = ['steps', 'troubleshooting', 'modified', 'summary'] as const;
const summaries = loadSummaries();
let browser: Browser;

function writeHtml(name: string, html: string): string {
  mkdirSync(artifactDir, { recursive: true });
  const file = path.join(artifactDir, `${name}.htm`);
  writeFileSync(file, html);
  return file;
}

const reportFile = (name: string, summary: ProvisioningObjectSummary) => writeHtml(name, renderReport(summary, options));

/** Opens a file and records everything that must not happen on a report page. */
async function open(context: BrowserContext, file: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); void d.dismiss(); });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (r.url() !== pathToFileURL(file).href) problems.push(`request: ${r.url()}`); });
  await page.goto(pathToFileURL(file).href);
  return { page, problems };
}

const visibleText = (page: Page, selector: string) => page.locator(selector).innerText();

before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

for (const { name, summary } of summaries) {
  describe(`report ${name}`, () => {
    test('every tab shows its content; screenshots kept', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const { page, problems } = await open(context, reportFile(name, summary));
      for (const tab of tabs) {
        await page.click(`#sos-tab-${tab}`);
        assert.equal(await page.getAttribute(`#sos-tab-${tab}`, 'aria-selected'), 'true');
        for (const other of tabs) assert.equal(await page.isVisible(`#sos-panel-${other}`), other === tab, `${tab} selected: panel ${other}`);
        const text = await visibleText(page, `#sos-panel-${tab}`);
        if (tab === 'steps') for (const step of summary.provisioningSteps) assert.ok(text.includes(step.name.trim()), `step ${step.name}`);
        if (tab === 'troubleshooting') {
          const error = summary.provisioningStatusInfo.errorInformation;
          if (error) assert.ok(text.includes(error.errorCode), 'the error code');
          else if (summary.provisioningStatusInfo.status === 'success') assert.match(text, /Nothing failed\./);
        }
        if (tab === 'modified') {
          if (summary.modifiedProperties.length === 0) assert.match(text, /No property was modified/);
          for (const p of summary.modifiedProperties) assert.ok(text.includes(p.displayName.trim()), `property ${p.displayName}`);
        }
        if (tab === 'summary') {
          const dn = summary.sourceIdentity.details.distinguishedName;
          if (dn) assert.ok(text.includes(dn.trim()), 'the DN');
          assert.ok(text.includes('0.1.0-test'), 'the tool version');
        }
        await page.screenshot({ path: path.join(artifactDir, `${name}-${tab}.png`), fullPage: false });
      }
      assert.deepEqual(problems, []);
      await context.close();
    });

    test('a Modified Properties link shows and highlights the Export step row, even when filtered out', async (t) => {
      const links = summary.modifiedProperties.length;
      if (links === 0) return t.skip('no modified properties');
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const { page, problems } = await open(context, reportFile(name, summary));
      const anchors = await page.locator('#sos-panel-modified a.sos-rowlink').evaluateAll((els) => els.map((e) => e.getAttribute('href')!));
      assert.ok(anchors.length > 0, 'the exported properties link to their rows');
      // Hide every export row behind a filter first: the link must still reveal its row.
      await page.click('#sos-tab-steps');
      const exportFilter = page.locator('.sos-step:last-of-type .sos-filter');
      if (await exportFilter.count()) await exportFilter.fill('no attribute has this text');
      for (const href of [anchors[0]!, anchors[anchors.length - 1]!]) {
        await page.click('#sos-tab-modified');
        await page.click(`#sos-panel-modified a.sos-rowlink[href="${href}"]`);
        const row = page.locator(href);
        assert.equal(await page.getAttribute('#sos-tab-steps', 'aria-selected'), 'true', 'the Steps tab is shown');
        assert.ok(await row.isVisible(), 'the row is visible');
        assert.ok(await row.evaluate((el) => el.classList.contains('sos-highlight')), 'the row is highlighted');
        assert.equal(await page.locator('.sos-highlight').count(), 1, 'only that row is highlighted');
        assert.ok(await row.evaluate((el) => el === document.activeElement), 'the row has focus');
        const box = await row.boundingBox();
        assert.ok(box && box.y < 900 && box.y + box.height > 0, 'the row is scrolled into view');
        const background = await row.evaluate((el) => getComputedStyle(el).backgroundColor);
        assert.notEqual(background, 'rgba(0, 0, 0, 0)', 'the highlight is painted');
        assert.ok(href.startsWith(`#sos-s`) && (await row.evaluate((el) => el.closest('.sos-step')?.id)) === `sos-step-${summary.provisioningSteps.findLastIndex((s) => s.provisioningStepType === 'export') + 1}`, 'the row is in the Export step');
      }
      await page.screenshot({ path: path.join(artifactDir, `${name}-link-to-export-row.png`) });
      assert.deepEqual(problems, []);
      await context.close();
    });

    test('without script every tab still shows, stacked', async () => {
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
      const { page, problems } = await open(context, reportFile(name, summary));
      for (const tab of tabs) assert.ok(await page.isVisible(`#sos-panel-${tab}`), `panel ${tab} is shown`);
      assert.equal(await page.locator('[role="tablist"]').count(), 0, 'no half-working tabs');
      const text = await page.locator('body').innerText();
      for (const step of summary.provisioningSteps) assert.ok(text.includes(step.name.trim()));
      await page.screenshot({ path: path.join(artifactDir, `${name}-no-script.png`), fullPage: false });
      assert.deepEqual(problems, []);
      await context.close();
    });
  });
}

describe('report behaviour', () => {
  test('hostile values: no dialog, no console error, no added element, text shown literally', async () => {
    const summary = loadFixture('hostile-values');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await open(context, reportFile('hostile-values', summary));
    // Touch everything a payload could hook: open every tab and list, hover over values,
    // and fire the events an injected handler would wait for on every element.
    for (const tab of tabs) await page.click(`#sos-tab-${tab}`);
    await page.click('#sos-tab-steps');
    await page.locator('#sos-panel-steps .sos-v').first().hover();
    await page.evaluate(() => {
      for (const d of document.querySelectorAll('details')) d.open = true;
      for (const el of document.querySelectorAll('body *')) {
        for (const type of ['mouseover', 'mouseenter', 'focus', 'load', 'error']) el.dispatchEvent(new Event(type, { bubbles: false }));
      }
    });
    const facts = await page.evaluate(() => ({
      pwned: (window as any).__pwned,
      scripts: document.scripts.length,
      styles: document.querySelectorAll('style').length,
      handlers: [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${el.tagName}.${a.name}`)),
      injected: document.querySelectorAll('img, iframe, object, embed, svg, form, link, base').length,
      jsLinks: [...document.querySelectorAll('a')].filter((a) => a.protocol === 'javascript:').length,
      bodyDisplay: getComputedStyle(document.body).display,
      tags: [...document.querySelectorAll('*')].map((el) => el.tagName).join(','),
    }));
    assert.equal(facts.pwned, undefined, 'no script from the data ran');
    assert.equal(facts.scripts, 1);
    assert.equal(facts.styles, 1);
    assert.deepEqual(facts.handlers, []);
    assert.equal(facts.injected, 0);
    assert.equal(facts.jsLinks, 0);
    assert.equal(facts.bodyDisplay, 'block', 'the data could not restyle the page');
    // The same result with every markup character defanged renders the very same elements.
    const { page: plain } = await open(context, reportFile('hostile-values-defanged', defang(summary)));
    const plainTags = await plain.evaluate(() => [...document.querySelectorAll('*')].map((el) => el.tagName).join(','));
    assert.equal(facts.tags, plainTags, 'no element was added by the data');
    // And the text is there, literally.
    await page.click('#sos-tab-summary');
    assert.ok((await visibleText(page, '#sos-panel-summary')).includes(`CN=${hostile.script},OU=${hostile.style}`));
    await page.click('#sos-tab-troubleshooting');
    const trouble = await visibleText(page, '#sos-panel-troubleshooting');
    assert.ok(trouble.includes(hostile.img) && trouble.includes(hostile.js) && trouble.includes(hostile.attr));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('keyboard: arrows, Home and End move between tabs; the selected tab is the one in the tab order', async () => {
    const context = await browser.newContext();
    const { page, problems } = await open(context, reportFile('create-success', loadFixture('create-success')));
    assert.equal(await page.getAttribute('.sos-tabs', 'role'), 'tablist');
    assert.equal(await page.locator('[role="tab"]').count(), 4);
    assert.equal(await page.locator('[role="tabpanel"]').count(), 4);
    assert.equal(await page.getAttribute('#sos-panel-modified', 'aria-labelledby'), 'sos-tab-modified');
    assert.equal(await page.getAttribute('#sos-tab-modified', 'aria-controls'), 'sos-panel-modified');
    const selected = () => page.evaluate(() => ({ focus: document.activeElement?.id, selected: [...document.querySelectorAll('[role="tab"][aria-selected="true"]')].map((t) => t.id) }));
    await page.focus('#sos-tab-steps');
    const expectations: Array<[string, string]> = [
      ['ArrowRight', 'sos-tab-troubleshooting'], ['ArrowRight', 'sos-tab-modified'], ['End', 'sos-tab-summary'],
      ['ArrowRight', 'sos-tab-steps'], ['ArrowLeft', 'sos-tab-summary'], ['Home', 'sos-tab-steps'],
    ];
    for (const [key, id] of expectations) {
      await page.keyboard.press(key);
      assert.deepEqual(await selected(), { focus: id, selected: [id] }, `after ${key}`);
      assert.ok(await page.isVisible(`#${id.replace('tab', 'panel')}`));
    }
    assert.deepEqual(await page.locator('[role="tab"]').evaluateAll((els) => els.map((e) => e.getAttribute('tabindex'))), ['0', '-1', '-1', '-1']);
    // Tab moves from the tab bar into the panel.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'sos-panel-steps');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a link to a row in the address bar opens its tab and highlights the row', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // A failed sync opens on Troubleshooting; the link must win.
    const file = reportFile('failure-not-unique', loadFixture('failure-not-unique'));
    const page = await context.newPage();
    await page.goto(`${pathToFileURL(file).href}#sos-s10-a9`);
    assert.equal(await page.getAttribute('#sos-tab-steps', 'aria-selected'), 'true');
    assert.ok(await page.locator('#sos-s10-a9').evaluate((el) => el.classList.contains('sos-highlight')));
    await page.goto(`${pathToFileURL(file).href}#sos-panel-summary`);
    await page.reload();
    assert.equal(await page.getAttribute('#sos-tab-summary', 'aria-selected'), 'true');
    await context.close();
  });

  test('filter and sort the attribute table; a long list expands', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await open(context, reportFile('large-300-proxy-addresses', loadFixture('large-300-proxy-addresses')));
    const block = page.locator('#sos-step-10 .sos-attrs');
    const rows = block.locator('tbody tr');
    const total = await rows.count();
    assert.equal(total, 100);
    await block.locator('.sos-filter').fill('extensionAttribute1');
    const shown = await rows.evaluateAll((els) => els.filter((e) => !(e as HTMLElement).hidden).map((e) => e.querySelector('th')!.textContent!));
    assert.ok(shown.length > 0 && shown.length < total, 'the filter narrows the rows');
    for (const name of shown) assert.match(name, /extensionAttribute1/);
    assert.match(await block.locator('.sos-filter-count').innerText(), new RegExp(`^${shown.length} of ${total} shown$`));
    await block.locator('.sos-filter').fill('');
    assert.equal(await rows.evaluateAll((els) => els.filter((e) => !(e as HTMLElement).hidden).length), total);

    // Changed only: the update's export step has 3 changed rows among 11.
    const { page: update } = await open(context, reportFile('update-success', loadFixture('update-success')));
    const updateRows = update.locator('#sos-step-10 .sos-attrs tbody tr');
    await update.locator('#sos-step-10 .sos-changed-only').check();
    const changed = await updateRows.evaluateAll((els) => els.filter((e) => !(e as HTMLElement).hidden).map((e) => e.querySelector('th')!.textContent!));
    assert.deepEqual(changed, ['proxyAddresses', 'department', 'city']);
    await update.locator('#sos-step-10 .sos-changed-only').uncheck();
    assert.equal(await updateRows.evaluateAll((els) => els.filter((e) => !(e as HTMLElement).hidden).length), 11);

    const names = () => rows.evaluateAll((els) => els.map((e) => e.querySelector('th')!.textContent!));
    const compare = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
    const nameHeader = block.locator('thead th').first();
    await nameHeader.locator('button').click();
    assert.equal(await nameHeader.getAttribute('aria-sort'), 'ascending');
    const ascending = await names();
    assert.deepEqual(ascending, [...ascending].sort(compare));
    await nameHeader.locator('button').click();
    assert.equal(await nameHeader.getAttribute('aria-sort'), 'descending');
    const descending = await names();
    assert.deepEqual(descending, [...ascending].reverse());
    // Sorting by another column moves the sort mark.
    await block.locator('thead th', { hasText: 'Operation' }).locator('button').click();
    assert.equal(await nameHeader.getAttribute('aria-sort'), null);

    const proxies = page.locator('#sos-step-10 tr', { hasText: 'proxyAddresses' }).locator('details.sos-many').first();
    assert.equal(await proxies.locator('summary').innerText(), '300 values');
    const last = proxies.locator('li').last();
    assert.equal(await last.isVisible(), false, 'collapsed at first');
    await proxies.locator('summary').click();
    assert.ok(await last.isVisible(), 'expanded on click');
    assert.equal(await proxies.locator('li').count(), 300);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('dark colour scheme and print media', async () => {
    const context = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 900 } });
    const { page, problems } = await open(context, reportFile('failure-not-unique', loadFixture('failure-not-unique')));
    const luminance = await page.evaluate(() => {
      const [r, g, b] = getComputedStyle(document.querySelector('.sos-report')!).backgroundColor.match(/\d+/g)!.map(Number);
      return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
    });
    assert.ok(luminance < 0.2, `dark background (luminance ${luminance.toFixed(2)})`);
    await page.screenshot({ path: path.join(artifactDir, 'failure-not-unique-dark.png') });
    await page.emulateMedia({ media: 'print', colorScheme: 'light' });
    for (const tab of tabs) assert.ok(await page.isVisible(`#sos-panel-${tab}`), `print shows ${tab}`);
    assert.equal(await page.isVisible('.sos-tabs'), false, 'print hides the tab bar');
    await page.pdf({ path: path.join(artifactDir, 'failure-not-unique.pdf') }).catch(() => undefined);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the body, styles and script work under a VS Code-like webview CSP (nonce, no inline styles)', async () => {
    const nonce = 'c29zLXRlc3Qtbm9uY2U';
    const page = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'">
<style nonce="${nonce}">${reportStyles}</style></head>
<body>${renderReportBody(loadFixture('update-success'), options)}<script nonce="${nonce}">${reportScript}</script></body></html>`;
    const context = await browser.newContext();
    const { page: p, problems } = await open(context, writeHtml('webview-csp', page));
    await p.click('#sos-tab-modified');
    await p.click('#sos-panel-modified a.sos-rowlink >> nth=0');
    assert.equal(await p.getAttribute('#sos-tab-steps', 'aria-selected'), 'true');
    assert.equal(await p.locator('.sos-highlight').count(), 1);
    assert.deepEqual(problems, [], 'no CSP violation, no error');
    await context.close();
  });
});
