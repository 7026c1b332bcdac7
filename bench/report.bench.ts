// Report benchmark (issue 6): an object with 300 proxyAddresses and 100 attributes on the
// Import, Sync and Export steps. Prints the median render time in Node, the median time
// to first paint in Debian's Chromium (file opened from disk), and the file size, with a
// small report's first paint as the baseline. Targets: first paint <= 200 ms, file <= 500 KB.
//
//   npx tsx bench/report.bench.ts [iterations]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { renderReport } from '../src/report';
import { createSuccess, largeObject } from '../test/fixtures/summaries/build';
import { launchChromium } from '../test/report/chromium';

// A string, not a function: tsx would wrap a named function in a helper the page lacks.
const paintTimings = `new Promise((resolve) => {
  const read = () => {
    const paints = performance.getEntriesByType('paint');
    const fp = paints.find((p) => p.name === 'first-paint');
    const fcp = paints.find((p) => p.name === 'first-contentful-paint');
    const nav = performance.getEntriesByType('navigation')[0];
    if (!fp || !fcp) return requestAnimationFrame(read);
    resolve({ fp: fp.startTime, fcp: fcp.startTime, load: nav ? nav.loadEventEnd : NaN });
  };
  read();
})`;

interface PaintFigures { firstPaint: number[]; firstContentfulPaint: number[]; loaded: number[] }

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (v: number) => `${v.toFixed(1)} ms`;

/** Opens the file runs + 1 times in fresh pages (the first load only warms caches). */
async function measurePaint(browser: Browser, file: string, runs: number): Promise<PaintFigures> {
  const figures: PaintFigures = { firstPaint: [], firstContentfulPaint: [], loaded: [] };
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  for (let i = 0; i <= runs; i++) {
    const page = await context.newPage();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const timing = (await page.evaluate(paintTimings)) as { fp: number; fcp: number; load: number };
    await page.close();
    if (i === 0) continue;
    figures.firstPaint.push(timing.fp);
    figures.firstContentfulPaint.push(timing.fcp);
    figures.loaded.push(timing.load);
  }
  await context.close();
  return figures;
}

async function main(): Promise<void> {
  const iterations = Number(process.argv[2] ?? 25);
  const summary = largeObject(300, 100);
  const options = { toolVersion: 'bench', generatedAt: new Date() };
  for (let i = 0; i < 5; i++) renderReport(summary, options); // warm-up (JIT)
  const renderTimes: number[] = [];
  let html = '';
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    html = renderReport(summary, options);
    renderTimes.push(performance.now() - t0);
  }
  const bytes = Buffer.byteLength(html, 'utf8');

  const dir = mkdtempSync(path.join(tmpdir(), 'sos-report-bench-'));
  const file = path.join(dir, 'ADSyncSingleObjectSyncResult-large.htm');
  const small = path.join(dir, 'ADSyncSingleObjectSyncResult-small.htm');
  writeFileSync(file, html);
  writeFileSync(small, renderReport(createSuccess(), options));
  const browser = await launchChromium();
  let large: PaintFigures;
  let baseline: PaintFigures;
  try {
    large = await measurePaint(browser, file, Math.min(iterations, 15));
    baseline = await measurePaint(browser, small, Math.min(iterations, 15));
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }

  console.log('report bench: 300 proxyAddresses, 100 attributes on the Import, Sync and Export steps');
  console.log(`  render in Node (median of ${renderTimes.length}):           ${ms(median(renderTimes))}`);
  console.log(`  first paint in Chromium (median of ${large.firstPaint.length}):    ${ms(median(large.firstPaint))}   (target <= 200 ms)`);
  console.log(`  first contentful paint (median):            ${ms(median(large.firstContentfulPaint))}`);
  console.log(`  load event end (median):                    ${ms(median(large.loaded))}`);
  console.log(`  file size:                                  ${(bytes / 1024).toFixed(1)} KB   (target <= 500 KB)`);
  console.log(`  baseline, small report (create-success):    first paint ${ms(median(baseline.firstPaint))}; large/small ${(median(large.firstPaint) / median(baseline.firstPaint)).toFixed(2)}x`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
