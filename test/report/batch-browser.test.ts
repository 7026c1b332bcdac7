// The batch report in Chromium (uses-chromium): opened from disk, no CSP violation or other
// console error, no network request, hostile AD values shown as text, sorting and filtering work.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { emptyTally, addToTally } from '../../src/engine/batch/tally';
import { compareRuns, whatIfTotals } from '../../src/engine/batch/what-if';
import { renderBatchReport, type BatchReportRow } from '../../src/report/batch/batch-report';
import { hostileValues } from '../fixtures/summaries/build';
import { launchChromium } from './chromium';
import { artifactDir } from './summaries';

let browser: Browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

const statuses = ['success', 'failure', 'skipped', 'warning'] as const;
const rows: BatchReportRow[] = Array.from({ length: 40 }, (_, i) => ({
  index: i + 1,
  dn: i === 7 ? 'CN=<script>alert(1)<\\/script>,OU=Bulk,DC=corp,DC=contoso,DC=com' : `CN=user${String(40 - i).padStart(2, '0')},OU=Bulk,DC=corp,DC=contoso,DC=com`,
  displayName: i === 7 ? '<img src=x onerror=alert(1)> "onmouseover=alert(1)' : `User ${String(40 - i).padStart(2, '0')}`,
  objectClass: 'user',
  status: statuses[i % 4]!,
  action: i % 4 === 0 ? 'update' : 'other',
  ...(i % 4 === 1 ? { errorCode: 'AttributeValueMustBeUnique', reason: '</style><script>alert(2)</script>' } : {}),
  modified: i % 5,
  durationInMilliseconds: 100 - i,
  reportHref: i === 3 ? 'javascript:alert(3)' : `objects/${String(i + 1).padStart(5, '0')}.htm`,
}));

test('the batch report sorts, filters, escapes and keeps its CSP', async () => {
  const tally = emptyTally();
  const summary = hostileValues();
  addToTally(tally, summary);
  const entry = compareRuns(summary.sourceIdentity.details.distinguishedName ?? 'CN=x', summary, summary);
  const html = renderBatchReport({
    toolVersion: 'test', generatedAt: new Date('2026-01-01T00:00:00Z'), mode: 'what-if', scope: 'OU=<b>Bulk</b>', tally, done: 40, notDone: 2, cancelled: true,
    durationInMilliseconds: 1234, graphRequests: 3, rows, notes: ['<script>alert(4)</script>'],
    whatIf: { proposedConfiguration: '/tmp/<x>.json', entries: [{ ...entry, outcome: 'delete', explanation: '<script>alert(5)</script>' }], totals: whatIfTotals([{ ...entry, outcome: 'delete' }], { threshold: 0, source: 'the tenant <img src=x onerror=alert(7)>', note: 'A note <script>alert(8)</script>.' }), applying: ['Domain or OU filtering changes (<img src=x onerror=alert(6)>): a Full Import followed by a Delta Synchronization.'] },
  });
  mkdirSync(artifactDir, { recursive: true });
  const file = path.join(artifactDir, 'batch-report.htm');
  writeFileSync(file, html);
  const page = await (await browser.newContext()).newPage();
  const problems: string[] = [];
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); void d.dismiss(); });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (r.url() !== pathToFileURL(file).href) problems.push(`request: ${r.url()}`); });
  await page.goto(pathToFileURL(file).href);

  const names = () => page.$$eval('#sos-batch-table tbody tr:not([hidden]) td:nth-child(2)', (cells) => cells.map((c) => c.textContent ?? ''));
  assert.equal((await names()).length, 40);
  assert.match(await page.textContent('#sos-batch-shown') ?? '', /^40 of 40 shown$/);
  // Sort by the Object column: ascending, then descending on a second click.
  await page.click('#sos-batch-table thead button[data-col="1"]');
  const ascending = await names();
  assert.deepEqual(ascending, [...ascending].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0)));
  assert.equal(await page.getAttribute('#sos-batch-table thead th:nth-child(2)', 'aria-sort'), 'ascending');
  await page.click('#sos-batch-table thead button[data-col="1"]');
  assert.deepEqual(await names(), [...ascending].reverse());
  // Numeric sort on the # column.
  await page.click('#sos-batch-table thead button[data-col="0"]');
  const indexes = await page.$$eval('#sos-batch-table tbody tr td:first-child', (cells) => cells.map((c) => Number(c.textContent)));
  assert.deepEqual(indexes, Array.from({ length: 40 }, (_, i) => i + 1));
  // Filters: the status select and the text box, together.
  await page.selectOption('#sos-batch-status', 'failure');
  assert.equal((await names()).length, 10);
  await page.fill('#sos-batch-filter', 'user 3');
  const both = await names();
  assert.ok(both.length > 0 && both.every((n) => n.startsWith('User 3')), both.join(','));
  assert.match(await page.textContent('#sos-batch-shown') ?? '', new RegExp(`^${both.length} of 40 shown$`));
  await page.fill('#sos-batch-filter', '');
  await page.selectOption('#sos-batch-status', '');
  // Hostile values are text, the javascript: link is not a link, real links point at object reports.
  assert.ok((await page.textContent('body'))!.includes('<img src=x onerror=alert(1)>'));
  assert.equal(await page.$$eval('a[href^="javascript:"]', (a) => a.length), 0);
  assert.equal(await page.$$eval('a[href^="objects/"]', (a) => a.length), 39);
  assert.equal(await page.$$eval('img, script:not(:last-of-type)', (e) => e.length), 0);
  assert.match(await page.textContent('#sos-whatif-threshold') ?? '', /exceed Entra Connect's export deletion threshold of 0/);
  // Where the threshold comes from, as text.
  assert.equal(await page.textContent('#sos-whatif-threshold-source'), 'Deletion threshold checked: 0, from the tenant <img src=x onerror=alert(7)>. A note <script>alert(8)</script>.');
  // What to run on the server, as text (a connector name is data: never markup).
  assert.match(await page.textContent('#sos-whatif-applying li') ?? '', /^Domain or OU filtering changes \(<img src=x onerror=alert\(6\)>\): a Full Import followed by a Delta Synchronization\.$/);
  assert.deepEqual(problems, []);
});
