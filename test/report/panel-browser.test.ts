// The VS Code panel's app (dist/webview.js, the real bundle) in Chromium (uses-chromium), fed
// the host's messages as VS Code would deliver them, under the panel's CSP: it renders the
// report from the model, opens where the file opens, filters and sorts by keyboard and mouse,
// lands links at their target, fits 900 px, and keeps its status text readable (WCAG AA) in
// light, dark and high-contrast theme colours. Screenshots go to test/artifacts/report.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildReportModel } from '../../src/report';
import { reportStyles } from '../../src/report/styles';
import type { HostMessage, PanelState, PanelStrings } from '../../webview/protocol';
import { contrast } from '../unit/report/wcag';
import { launchChromium } from './chromium';
import { artifactDir, loadFixture } from './summaries';

const root = path.resolve(import.meta.dirname, '../..');
const options = { toolVersion: '0.1.0-test', generatedAt: new Date('2025-03-01T14:06:00Z') };
let browser: Browser;

// VS Code's own theme variables for the themes looked at (Dark Modern, High Contrast, Light Modern).
const themes = {
  light: { kind: 'vscode-light', vars: { '--vscode-sideBar-background': '#f8f8f8', '--vscode-textLink-foreground': '#005fb8', '--vscode-panel-border': '#e5e5e5', '--vscode-editor-background': '#ffffff', '--vscode-foreground': '#3b3b3b', '--vscode-descriptionForeground': '#3b3b3b', '--vscode-testing-iconPassed': '#73c991', '--vscode-disabledForeground': '#a0a0a0', '--vscode-editorWarning-foreground': '#bf8803', '--vscode-errorForeground': '#f85149' } },
  dark: { kind: 'vscode-dark', vars: { '--vscode-sideBar-background': '#181818', '--vscode-textLink-foreground': '#4daafc', '--vscode-panel-border': '#2b2b2b', '--vscode-editor-background': '#1f1f1f', '--vscode-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d', '--vscode-testing-iconPassed': '#73c991', '--vscode-disabledForeground': '#5e5e5e', '--vscode-editorWarning-foreground': '#cca700', '--vscode-errorForeground': '#f85149' } },
  'high-contrast': { kind: 'vscode-high-contrast', vars: { '--vscode-sideBar-background': '#000000', '--vscode-textLink-foreground': '#21a6ff', '--vscode-contrastBorder': '#6fc3df', '--vscode-editor-background': '#000000', '--vscode-foreground': '#ffffff', '--vscode-descriptionForeground': '#ffffff', '--vscode-focusBorder': '#f38518', '--vscode-panel-border': '#6fc3df', '--vscode-errorForeground': '#f48771' } },
} as const;
type Theme = keyof typeof themes;

/** The words the host sends first (src/surfaces/vscode/panel/strings.ts, English as shipped). */
const words: PanelStrings = {
  appTitle: 'Single Object Sync', noRunYet: 'No sync has run yet.', runningTitle: '{0} \u00b7 {1} \u00b7 {2}', preview: 'Preview', sync: 'Sync',
  running: 'Running', failed: 'Failed', stagingBadge: 'staging mode: nothing exported', exportBadge: 'export',
  status: { pending: 'Pending', running: 'Running', success: 'Success', warning: 'Warning', failure: 'Failure', skipped: 'Skipped' },
  notRun: 'Not run', recommendedAction: 'Recommended action: ', documentation: 'Documentation',
  actions: { openJson: 'Open JSON', saveHtmlReport: 'Save HTML Report', compareWithEntra: 'Compare with Microsoft Entra ID', runAgain: 'Run Again', runWithExport: 'Run With Export' },
  restoredNote: 'Restored after a window reload: read-only. Run the sync again from the Active Directory tree to act on it.', saved: 'Saved: {0}',
};

/** A page shaped like the panel's webview: its CSP, styles, a stand-in for acquireVsCodeApi, and dist/webview.js. */
async function openPanel(theme: Theme, width: number, message: HostMessage, strings: PanelStrings = words): Promise<{ page: Page; problems: string[] }> {
  const nonce = 'cGFuZWwtdGVzdC1ub25jZQ';
  const vars = Object.entries(themes[theme].vars).map(([k, v]) => `${k}: ${v};`).join(' ');
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'">
<style nonce="${nonce}">html { ${vars} } ${reportStyles}</style>
<style nonce="${nonce}">${readFileSync(path.join(root, 'media/panel.css'), 'utf8')}</style></head>
<body class="${themes[theme].kind}"><main id="sos-app" class="sos-palette" data-phase="idle"></main>
<script nonce="${nonce}">window.litNonce = ${JSON.stringify(nonce)}; window.posted = [];
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => undefined, setState: () => {} });</script>
<script nonce="${nonce}">${readFileSync(path.join(root, 'dist/webview.js'), 'utf8').replace(/<\/script/gi, '<\\/script')}</script>
</body></html>`;
  mkdirSync(artifactDir, { recursive: true });
  const file = path.join(artifactDir, `panel-${theme}-${width}.htm`);
  writeFileSync(file, html);
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'ready'));
  // As the host does on 'ready': the words first, then the state.
  for (const m of [{ type: 'strings', strings } satisfies HostMessage, message]) await page.evaluate((m) => window.postMessage(m, '*'), m as unknown as Record<string, unknown>);
  await page.waitForSelector('.sos-report [role="tab"]');
  return { page, problems };
}

function finished(name: string, staging = false): HostMessage {
  const summary = { ...loadFixture(name as Parameters<typeof loadFixture>[0]), ...(staging ? { stagingMode: true } : {}) };
  const state: PanelState = {
    run: { distinguishedName: summary.sourceIdentity!.details!.distinguishedName!, stagingMode: staging, startDateTime: summary.activityDateTime, exportAllowed: true },
    steps: [], phase: 'finished', summary, report: buildReportModel(summary, options), offer: { id: 'offer-1', actions: ['openJson', 'saveHtmlReport', 'runAgain'] },
  };
  return { type: 'restore', state };
}

before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

test('a failed result opens on Troubleshooting with an alert on its tab, titled by the object, mode and result', async () => {
  const { page, problems } = await openPanel('light', 1200, finished('failure-not-unique'));
  assert.equal(await page.locator('[data-testid="title"]').innerText(), 'Adele Vance \u00b7 Sync \u00b7 Failure');
  assert.equal(await page.getAttribute('#sos-tab-troubleshooting', 'aria-selected'), 'true');
  assert.ok(await page.isVisible('#sos-panel-troubleshooting'));
  assert.equal(await page.isVisible('#sos-panel-steps'), false);
  assert.equal(await page.locator('#sos-tab-troubleshooting .sos-tab-alert').getAttribute('aria-label'), 'Failure');
  assert.equal(await page.getAttribute('.sos-tabs', 'role'), 'tablist');
  await page.screenshot({ path: path.join(artifactDir, 'panel-failure-light.png'), fullPage: false });
  // Buttons are named; the tab list follows them in the focus order.
  const order: string[] = [];
  await page.focus('body');
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => { const a = document.activeElement!; return a.getAttribute('role') === 'tab' ? `tab:${a.id}` : (a.textContent ?? '').trim() || a.tagName; }));
  }
  assert.deepEqual(order.slice(0, 4), ['Open JSON', 'Save HTML Report', 'Run Again', 'tab:sos-tab-troubleshooting'], order.join(' | '));
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('Modified Properties filter and sort by keyboard and by mouse; a name lands on its export row', async () => {
  const { page, problems } = await openPanel('light', 1200, finished('update-success'));
  assert.equal(await page.getAttribute('#sos-tab-steps', 'aria-selected'), 'true', 'a success opens on Steps');
  await page.focus('#sos-tab-steps');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getAttribute('#sos-tab-modified', 'aria-selected'), 'true');
  const block = page.locator('#sos-panel-modified .sos-attrs');
  const filter = block.locator('.sos-filter');
  assert.ok(await filter.isVisible(), 'the filter is visible');
  assert.match((await filter.getAttribute('aria-label')) ?? '', /^Filter: /);
  await page.keyboard.press('Tab'); // into the panel
  await page.keyboard.press('Tab'); // the filter box
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('sos-filter')), true);
  await page.keyboard.type('depart');
  const shown = () => block.locator('tbody tr').evaluateAll((rows) => rows.filter((r) => !(r as HTMLElement).hidden).map((r) => r.querySelector('th')!.textContent!.trim()));
  assert.deepEqual(await shown(), ['department']);
  assert.match(await block.locator('.sos-filter-count').innerText(), /^1 of 3 shown$/);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  assert.equal((await shown()).length, 3);
  // Sort: Tab to the first column's button, Enter; then the mouse.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  const first = block.locator('thead th').first();
  assert.equal(await first.getAttribute('aria-sort'), 'ascending');
  assert.deepEqual(await shown(), ['city', 'department', 'proxyAddresses']);
  await first.locator('button').click();
  assert.equal(await first.getAttribute('aria-sort'), 'descending');
  assert.deepEqual(await shown(), ['proxyAddresses', 'department', 'city']);
  // The name links to the export row: the Steps tab opens, the row is highlighted and in view.
  await block.locator('a.sos-rowlink', { hasText: 'department' }).click();
  assert.equal(await page.getAttribute('#sos-tab-steps', 'aria-selected'), 'true');
  const row = page.locator('#sos-step-10 tr.sos-highlight');
  assert.equal(await row.locator('th').innerText(), 'department');
  const box = (await row.boundingBox())!;
  assert.ok(box.y > 0 && box.y + box.height < 800, `the row is in view (y ${box.y})`);
  assert.deepEqual(problems, []);
  await page.context().close();
});

for (const [theme, width] of [['light', 900], ['dark', 900], ['high-contrast', 900]] as const) {
  test(`${theme}, ${width} px: no sideways scroll, step links land at the step, status text readable`, async () => {
    const { page, problems } = await openPanel(theme, width, finished('out-of-scope-cloud-filtered', true));
    const sideways = await page.evaluate(() => document.scrollingElement!.scrollWidth - document.scrollingElement!.clientWidth);
    assert.ok(sideways <= 0, `the page scrolls sideways by ${sideways} px`);
    // Step 9 (its lineage columns: sync rule, mapping type, data source) scrolls inside its own box.
    const lineage = await page.locator('#sos-step-9 .sos-attrs').evaluate((el) => {
      const headers = [...el.querySelectorAll('thead th')].map((th) => th.textContent!.trim());
      return { headers, scrollable: getComputedStyle(el).overflowX };
    });
    for (const column of ['Sync rule', 'Mapping type', 'Data source']) assert.ok(lineage.headers.includes(column), column);
    assert.equal(lineage.scrollable, 'auto');
    // A step link lands with the step's heading just below the sticky tab bar, not far below or under it.
    await page.click('#sos-tab-steps');
    await page.locator('.sos-overview a.sos-steplink').nth(8).click();
    const landed = await page.evaluate(() => {
      const bar = document.querySelector('.sos-tabs')!.getBoundingClientRect();
      const step = document.getElementById('sos-step-9')!.getBoundingClientRect();
      return { barBottom: bar.bottom, stepTop: step.top };
    });
    assert.ok(landed.stepTop >= landed.barBottom - 1 && landed.stepTop <= landed.barBottom + 40, JSON.stringify(landed));
    // Status badges: 4.5:1 against the page background (high contrast: the theme's foreground).
    const colours = await page.evaluate(() => {
      const bg = getComputedStyle(document.body).backgroundColor;
      return { bg, badges: [...document.querySelectorAll('.sos-badge')].map((b) => ({ cls: b.className, color: getComputedStyle(b).color })) };
    });
    const hex = (rgb: string) => `#${rgb.match(/\d+/g)!.slice(0, 3).map((n) => Number(n).toString(16).padStart(2, '0')).join('')}`;
    for (const badge of colours.badges) {
      const ratio = contrast(hex(badge.color), hex(colours.bg));
      assert.ok(ratio >= 4.5, `${badge.cls} ${badge.color} on ${colours.bg}: ${ratio.toFixed(2)}:1`);
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(artifactDir, `panel-${theme}-${width}.png`) });
    assert.deepEqual(problems, []);
    await page.context().close();
  });
}

test('the panel speaks the words the host sends (a translation through the l10n bundle): buttons, badge and status', async () => {
  const german: PanelStrings = {
    ...words, stagingBadge: 'Stagingmodus: nichts exportiert', exportBadge: 'Export',
    status: { ...words.status, failure: 'Fehler' },
    actions: { ...words.actions, openJson: 'JSON öffnen', saveHtmlReport: 'HTML-Bericht speichern', runAgain: 'Erneut ausführen' },
  };
  const { page, problems } = await openPanel('light', 1200, finished('failure-not-unique'), german);
  const buttons = await page.locator('.sos-panel-toolbar vscode-button').allInnerTexts();
  assert.deepEqual(buttons.map((b) => b.trim()), ['JSON öffnen', 'HTML-Bericht speichern', 'Erneut ausführen']);
  assert.equal((await page.locator('[data-testid="status"]').innerText()).trim(), 'Fehler');
  assert.equal(await page.getAttribute('[data-testid="status"]', 'data-status'), 'failure', 'the machine value stays for the theme colour and for tests');
  assert.equal((await page.locator('[data-testid="mode"]').innerText()).trim(), 'Export');
  assert.deepEqual(problems, []);
  await page.context().close();
});
