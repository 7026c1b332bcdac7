// Unit tests of the report renderer: escaping of every field, the CSP, no external
// resources, redaction, file naming and writing, input validation, tab content.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SyncError } from '../../src/engine/errors/sync-error';
import type { ProvisioningObjectSummary } from '../../src/engine/summary/types';
import { renderReport, renderReportBody, reportScript, reportStyles } from '../../src/report';
import { reportFileName, writeReport } from '../../src/app/report-file';
import { escapeHtml } from '../../src/report/html';
import { hostile } from '../fixtures/summaries/build';
import { loadFixture, loadSummaries, mapStrings } from './summaries';

const options = { toolVersion: '0.1.0-test', generatedAt: new Date('2025-03-01T14:06:00Z') };
const text = (html: string) => html.replace(/<[^>]*>/g, '');

/** Every start tag of the markup with its attributes (values unescaped only for &quot;). */
function tags(html: string): Array<{ tag: string; attrs: Array<[string, string]> }> {
  const out: Array<{ tag: string; attrs: Array<[string, string]> }> = [];
  for (const m of html.matchAll(/<([a-zA-Z][\w-]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    const attrs = [...m[2]!.matchAll(/([^\s=>]+)(?:="([^"]*)")?/g)].map((a) => [a[1]!.toLowerCase(), a[2] ?? ''] as [string, string]);
    out.push({ tag: m[1]!.toLowerCase(), attrs });
  }
  return out;
}

test('escapeHtml escapes the five markup characters', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

test('every string field of the result is escaped, and every field that carries data is shown', () => {
  // Replace every string (and details key) by a unique piece of markup; none may survive raw.
  const probes = new Map<number, string>();
  let n = 0;
  const probed = mapStrings(loadFixture('failure-not-unique'), (_text, at) => {
    n++;
    probes.set(n, at);
    return `<i data-leak="${n}">'&x</i>`;
  });
  // Keep the shape the renderer branches on valid: the result is still a failure.
  probed.provisioningStatusInfo.status = 'failure';
  const html = renderReport(probed, options);
  assert.doesNotMatch(html, /<i data-leak/i, 'raw markup from the result reached the page');
  const unshown = [...probes].filter(([i]) => !html.includes(`&lt;i data-leak=&quot;${i}&quot;&gt;&#39;&amp;x&lt;/i&gt;`)).map(([, at]) => at.replace(/\[\d+\]/g, '[]'));
  // Enum values are shown humanized ("Non service failure"), so their probe text is changed
  // (still escaped, as checked above); initiatedBy.id duplicates displayName.
  const allowed = /(\.status|\.provisioningAction|\.provisioningStepType|\.operation|\.errorCategory|\.direction|\.initiatorType|\.initiatedBy\.id|\.plannedProvisioningAction|\.notExportableKind)$/;
  assert.deepEqual([...new Set(unshown.filter((at) => !allowed.test(at)))], []);
});

test('hostile values render as text: no tag, event handler, style attribute or javascript: URL comes from data', () => {
  const summary = loadFixture('hostile-values');
  for (const html of [renderReport(summary, options), renderReportBody(summary, options)]) {
    for (const { tag, attrs } of tags(html)) {
      assert.ok(!['img', 'iframe', 'object', 'embed', 'link', 'base', 'form', 'svg', 'math'].includes(tag), `unexpected <${tag}>`);
      for (const [name, value] of attrs) {
        assert.ok(!name.startsWith('on'), `event handler attribute ${name} on <${tag}>`);
        assert.notEqual(name, 'style', `style attribute on <${tag}>`);
        assert.notEqual(name, 'src', `src attribute on <${tag}>`);
        // URL-bearing attributes only: data-sort may hold the text "javascript:..." (it is data, never followed).
        if (['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'data'].includes(name)) assert.doesNotMatch(value, /^\s*javascript:/i, `javascript: URL in ${name}`);
      }
    }
    assert.equal((html.match(/<script/gi) ?? []).length, html.startsWith('<!DOCTYPE') ? 1 : 0, 'only the report script');
    assert.equal((html.match(/<style/gi) ?? []).length, html.startsWith('<!DOCTYPE') ? 1 : 0, 'only the report styles');
    assert.equal((html.match(/<\/style/gi) ?? []).length, html.startsWith('<!DOCTYPE') ? 1 : 0);
    assert.ok(text(html).includes(escapeHtml(hostile.script)), 'the hostile text is shown literally (escaped)');
  }
  // The documentation link javascript:alert(1) is shown as text, not as a link.
  assert.doesNotMatch(renderReport(summary, options), /href="javascript/i);
});

test('the body has no inline style or event attributes for the VS Code webview CSP', () => {
  for (const { name, summary } of loadSummaries()) {
    const body = renderReportBody(summary, options);
    for (const { tag, attrs } of tags(body)) {
      for (const [attr] of attrs) {
        assert.ok(attr !== 'style' && !attr.startsWith('on'), `${name}: <${tag} ${attr}>`);
      }
    }
    assert.doesNotMatch(body, /<(script|style)\b/i, `${name}: the body must not carry script or style`);
  }
});

test('the standalone file loads no external resource and its CSP allows exactly its own style and script', () => {
  const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');
  assert.doesNotMatch(reportStyles, /url\(|@import/i);
  assert.doesNotMatch(reportScript, /<\/script|fetch\(|XMLHttpRequest|import\(|innerHTML|eval\(|new Function/i);
  for (const { name, summary } of loadSummaries()) {
    const html = renderReport(summary, options);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.ok(csp, `${name}: CSP meta`);
    assert.match(csp, /default-src 'none'/);
    assert.ok(csp.includes(`style-src 'sha256-${sha(reportStyles)}'`), `${name}: style hash`);
    assert.ok(csp.includes(`script-src 'sha256-${sha(reportScript)}'`), `${name}: script hash`);
    assert.ok(html.includes(`<style>${reportStyles}</style>`) && html.includes(`<script>${reportScript}</script>`));
    for (const { tag, attrs } of tags(html)) {
      for (const [attr, value] of attrs) {
        assert.ok(!['src', 'srcset', 'poster', 'data', 'action', 'formaction', 'background'].includes(attr), `${name}: <${tag} ${attr}>`);
        if (attr === 'href') {
          assert.equal(tag, 'a', `${name}: href only on links`);
          assert.match(value, /^(#sos-[\w-]+|https?:\/\/)/, `${name}: href ${value}`);
        }
      }
      if (tag === 'a' && attrs.some(([a, v]) => a === 'href' && v.startsWith('http'))) {
        assert.ok(attrs.some(([a, v]) => a === 'rel' && v.includes('noopener') && v.includes('noreferrer')), `${name}: external link without rel`);
      }
    }
  }
});

test('every in-page link points at an element of the page', () => {
  for (const { name, summary } of loadSummaries()) {
    const html = renderReport(summary, options);
    const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    assert.equal(ids.size, [...html.matchAll(/\sid="([^"]+)"/g)].length, `${name}: duplicate ids`);
    for (const m of html.matchAll(/href="#([^"]+)"/g)) assert.ok(ids.has(m[1]), `${name}: dangling link #${m[1]}`);
  }
});

test('Modified Properties link each exported property to its Export step row', () => {
  const html = renderReportBody(loadFixture('update-success'), options);
  const modified = /<section class="sos-panel" id="sos-panel-modified"[\s\S]*?<\/section>/.exec(html)![0];
  for (const property of ['department', 'proxyAddresses', 'city']) {
    const link = new RegExp(`<a class="sos-rowlink" href="#(sos-s10-a\\d+)"><span class="sos-v">${property}</span></a>`).exec(modified);
    assert.ok(link, `${property} links to an export row`);
    const row = new RegExp(`<tr id="${link[1]}"[^>]*>\\s*<th scope="row" class="sos-attr-name"><span class="sos-v">${property}</span>`);
    assert.match(html, row, `${property}: the link target is that attribute's row`);
  }
  // Old value blank where there is none (city was deleted: new value blank).
  assert.match(modified, /<span class="sos-v">city<\/span><\/a><\/th>\s*<td><span class="sos-v">Seattle<\/span><\/td>\s*<td><\/td>/);
  // Multi-valued: counts, and the changed values marked.
  assert.match(modified, /<summary>3 values \(1 removed\)<\/summary>/);
  assert.match(modified, /<summary>3 values \(1 added\)<\/summary>/);
  assert.match(modified, /sos-v sos-added"><span class="sos-sign" title="added">\+<\/span>smtp:avance@contoso.com/);
  assert.match(modified, /sos-v sos-removed"><span class="sos-sign" title="removed">\u2212<\/span>smtp:AdeleV@contoso.mail.onmicrosoft.com/);
});

test('Modified Properties mark what Microsoft Graph does not apply, with the reason, escaped', () => {
  const modified = (summary: ProvisioningObjectSummary) =>
    /<section class="sos-panel" id="sos-panel-modified"[\s\S]*?<\/section>/.exec(renderReportBody(summary, options))![0];
  const update = modified(loadFixture('update-success'));
  // proxyAddresses is read-only in Graph: listed, marked not applied (a warning), with the reason.
  assert.match(update, /<span class="sos-v">proxyAddresses<\/span><\/a><\/th>[\s\S]*?<span class="sos-badge sos-badge-warning sos-not-applied" data-kind="readOnlyInGraph">Not applied<\/span> <span class="sos-v">proxyAddresses is read-only in Graph v1\.0\.<\/span><\/td>\s*<\/tr>/);
  assert.match(update, /<span class="sos-v">department<\/span><\/a><\/th>[\s\S]*?<span class="sos-applied">Yes<\/span><\/td>\s*<\/tr>/);
  // An attribute with no Graph property is information; hostile text in the reason stays text.
  const hostileTab = modified(loadFixture('hostile-values'));
  assert.match(hostileTab, /<span class="sos-badge sos-badge-skipped sos-not-applied" data-kind="noGraphProperty">Information: not in Microsoft Graph<\/span>/);
  assert.ok(hostileTab.includes(`<span class="sos-v">no property ${escapeHtml(hostile.img)}${escapeHtml(hostile.js)}</span>`), 'the reason is escaped');
  // In staging mode an applicable change says it would be applied.
  const staged = modified({ ...loadFixture('update-success'), stagingMode: true, exported: false, provisioningAction: 'other' });
  assert.match(staged, /<span class="sos-applied">Would be applied \(staging mode\)<\/span>/);
});

test('Troubleshooting says plainly when nothing failed, and names error, request ids and Retry-After when it did', () => {
  const ok = text(renderReportBody(loadFixture('create-success'), options));
  assert.match(ok, /Nothing failed\./);
  const failed = renderReportBody(loadFixture('failure-not-unique'), options);
  const panel = text(/id="sos-panel-troubleshooting"[\s\S]*?<\/section>/.exec(failed)![0]);
  assert.doesNotMatch(panel, /Nothing failed/);
  for (const expected of ['AttributeValueMustBeUnique', 'Find the other object', 'c0ffee00-1234-4abc-9def-00000000beef', '7a7a7a7a-1111-4222-8333-444455556666', 'Retry-After', '7 s', 'tshoot-connect-sync-errors#attributevaluemustbeunique', 'proxyAddresses']) {
    assert.ok(panel.includes(expected), `troubleshooting shows ${expected}`);
  }
  assert.match(failed, /data-initial-tab="troubleshooting"/, 'a failed sync opens on Troubleshooting');
  // A Retry-After of years (a hostile or broken answer) is said to be no usable wait.
  const years = structuredClone(loadFixture('failure-not-unique'));
  const record = years.provisioningSteps.flatMap((st) => st.graphRequests ?? []).find((r) => r.retryAfterSeconds !== undefined)!;
  record.retryAfterSeconds = 99_999_999_999;
  const yearsPanel = text(/id="sos-panel-troubleshooting"[\s\S]*?<\/section>/.exec(renderReportBody(years, options))![0]);
  assert.match(yearsPanel, /99999999999 s \(more than a day: no usable wait\)/);
  assert.doesNotMatch(panel, /no usable wait/);
  const filtered = text(/id="sos-panel-troubleshooting"[\s\S]*?<\/section>/.exec(renderReportBody(loadFixture('out-of-scope-cloud-filtered'), options))![0]);
  assert.match(filtered, /Rule clauses that put the object out of scope/);
  assert.match(filtered, /Out to AAD - User Join/);
  assert.match(filtered, /cloudFiltered NOTEQUAL True/);
  assert.match(filtered, /actual: True/);
});

test('Steps show all ten steps with status, and the attribute tables with every column', () => {
  const html = renderReportBody(loadFixture('create-success'), options);
  const steps = /id="sos-panel-steps"[\s\S]*?<\/section>/.exec(html)![0];
  assert.equal((steps.match(/<details class="sos-step /g) ?? []).length, 10);
  assert.equal((steps.match(/<table class="sos-table sos-attr-table">/g) ?? []).length, 3, 'Import, Sync and Export steps');
  for (const column of ['Name', 'Multi-valued', 'Type', 'Value', 'Value add', 'Value delete', 'Operation', 'Sync rule', 'Mapping type', 'Data source', 'Exportable', 'Note']) {
    assert.ok(steps.includes(`<button type="button" class="sos-sort">${column}</button>`), `column ${column}`);
  }
  assert.match(steps, /RemoveDuplicates\(Trim\(ImportedValue\(&quot;proxyAddresses&quot;\)\)\)/);
  assert.match(text(steps), /Skipped/);
});

test('long multi-valued values collapse to a count that expands', () => {
  const html = renderReportBody(loadFixture('large-300-proxy-addresses'), options);
  assert.match(html, /<details class="sos-many"><summary>300 values<\/summary><ul class="sos-values">/);
  assert.ok(html.includes('smtp:adele.vance.alias299@contoso.com'), 'every value is in the page');
});

test('Summary shows action, result, identifiers, staging mode, duration, tool version and time', () => {
  const staging = loadFixture('create-success');
  staging.targetSystem.details.stagingMode = 'True';
  const summary = text(/id="sos-panel-summary"[\s\S]*?<\/section>\s*<footer/.exec(renderReportBody(staging, options))![0]);
  for (const expected of ['Create', 'Success', 'CN=Adele Vance,OU=Sales,OU=Corp,DC=corp,DC=contoso,DC=com', '4d3c2b1a-6f5e-4a8b-9c0d-e1f2a3b4c5d6',
    'GiscTV5vi0qcDeHyo7TF1g==', '87d349ed-44d7-43e1-9a83-5f2406dee5bd', 'AdeleV@contoso.com', 'corp.contoso.com', 'Staging mode', 'Yes: nothing was exported',
    '1.02 s', '0.1.0-test', '2025-03-01 14:05:09 UTC', '2025-03-01 14:06:00 UTC']) {
    assert.ok(summary.includes(expected), `summary shows ${expected}`);
  }
});

test('redaction masks the chosen attributes everywhere, keeps counts and leaves the rest', () => {
  const original = loadFixture('update-success');
  const before = JSON.stringify(original);
  const html = renderReport(original, { ...options, redactAttributes: ['proxyAddresses', 'Department'] });
  assert.equal(JSON.stringify(original), before, 'the caller\'s result is not changed');
  for (const secret of ['adele.vance@contoso.com', 'avance@contoso.com', 'AdeleV@contoso.mail.onmicrosoft.com', 'Marketing']) {
    assert.ok(!html.toLowerCase().includes(secret.toLowerCase()), `${secret} is redacted`);
  }
  assert.match(html, /<summary>3 values/, 'the count of a redacted multi-valued attribute stays');
  assert.ok(html.includes('[redacted]'));
  assert.ok(html.includes('Seattle') && html.includes('Adele Vance'), 'other values stay');
  assert.match(text(html), /values of proxyAddresses, Department redacted/);
  // A redacted value is scrubbed from free text too (a DN, an error message).
  const failed = loadFixture('failure-not-unique');
  const scrubbed = renderReport(failed, { ...options, redactAttributes: ['userPrincipalName'] });
  assert.ok(!scrubbed.includes('AdeleV@contoso.com'), 'the UPN is scrubbed from the error reason');
  assert.match(scrubbed, /\[UserPrincipalName \[redacted\]\]/);
});

test('invalid input and redaction lists are SyncErrors with catalog codes', () => {
  assert.throws(() => renderReport({} as ProvisioningObjectSummary, options), (err: unknown) => err instanceof SyncError && err.code === 'InvalidReportInput');
  const broken = loadFixture('create-success') as any;
  broken.provisioningSteps[6].attributes[0].value = 'not an array';
  assert.throws(() => renderReport(broken, options), (err: unknown) => err instanceof SyncError && err.code === 'InvalidReportInput' && /attributes\[0\]\.value/.test(err.reason));
  assert.throws(() => renderReport(loadFixture('create-success'), { ...options, redactAttributes: ['mail', ' '] }), (err: unknown) => err instanceof SyncError && err.code === 'InvalidRedactionList');
});

test('a partial result (read back from an older or hand-edited JSON file) still renders', () => {
  const partial = { provisioningSteps: [{ name: 'Imported step', status: 'someFutureValue' }], provisioningStatusInfo: { status: 'failure' } };
  const html = renderReport(partial as unknown as ProvisioningObjectSummary, options);
  assert.match(text(html), /Imported step/);
  assert.match(text(html), /no error information was recorded/);
  assert.match(html, /sos-badge-unknown/, 'an unknown status is shown neutrally');
});

test('reportFileName follows the cmdlet: ADSyncSingleObjectSyncResult-yyyyMMdd-HHmmss.htm in local time', () => {
  assert.equal(reportFileName(new Date(2025, 2, 1, 4, 5, 9)), 'ADSyncSingleObjectSyncResult-20250301-040509.htm');
  assert.equal(reportFileName(new Date(2025, 11, 31, 23, 59, 58)), 'ADSyncSingleObjectSyncResult-20251231-235958.htm');
});

test('writeReport creates the folder, names the file after the sync time and never overwrites', async () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'sos-report-')), 'nested', 'reports');
  const summary = loadFixture('create-success');
  const expected = reportFileName(new Date(summary.activityDateTime)).replace(/\.htm$/, '');
  const first = await writeReport(summary, dir, options);
  assert.equal(first, path.join(dir, `${expected}.htm`));
  const firstContent = readFileSync(first, 'utf8');
  assert.ok(firstContent.startsWith('<!DOCTYPE html>'));
  const second = await writeReport(loadFixture('failure-not-unique'), dir, options);
  const third = await writeReport(summary, dir, options);
  assert.equal(second, path.join(dir, `${expected}-1.htm`));
  assert.equal(third, path.join(dir, `${expected}-2.htm`));
  assert.equal(readFileSync(first, 'utf8'), firstContent, 'the first report is unchanged');
  assert.match(readFileSync(second, 'utf8'), /AttributeValueMustBeUnique/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left');
  // Reports hold directory data: owner-only file, owner-only folders created for it.
  assert.equal(statSync(first).mode & 0o777, 0o600);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(path.dirname(dir)).mode & 0o777, 0o700);
});

test('writeReport reports an unwritable folder as ReportFolderNotWritable', async () => {
  const base = mkdtempSync(path.join(tmpdir(), 'sos-report-'));
  const file = path.join(base, 'a-file');
  writeFileSync(file, 'x');
  await assert.rejects(writeReport(loadFixture('create-success'), path.join(file, 'reports'), options), (err: unknown) =>
    err instanceof SyncError && err.code === 'ReportFolderNotWritable' && err.reason.includes(path.join(file, 'reports')) && !!err.recommendedAction);
});

test('bidi overrides and zero-width characters in AD values are shown escaped in the report, other text unchanged', () => {
  const summary = loadFixture('create-success');
  summary.targetIdentity!.displayName = 'Invoice\u202Efdp.exe\u200B Zoë';
  const page = renderReport(summary, options);
  assert.ok(!page.includes('\u202E') && !page.includes('\u200B'), 'no raw override in the page');
  assert.ok(page.includes('Invoice\\u202Efdp.exe\\u200B Zoë'));
});

test('a display name and a DN of megabytes are cut in the title, the subject line, the Summary tab and the step details: the whole page stays bounded', () => {
  const summary = structuredClone(loadFixture('create-success'));
  const name = `${'N'.repeat(2_000_000)}NAME-TAIL`;
  const dn = `CN=${'D'.repeat(1_000_000)}DN-TAIL,OU=Sales,DC=contoso,DC=com`;
  summary.sourceIdentity.displayName = name;
  summary.targetIdentity.displayName = name;
  summary.sourceIdentity.details.distinguishedName = dn;
  summary.provisioningSteps[0]!.details.Hostile = name;
  const page = renderReport(summary, options);
  assert.ok(page.length < 1_000_000, `the report is ${page.length} characters`);
  assert.doesNotMatch(page, /NAME-TAIL|DN-TAIL/, 'what is past the cut is not in the report');
  const title = /<title>([^<]*)<\/title>/.exec(page)![1]!;
  assert.ok(title.length < 1_200, `the title is ${title.length} characters`);
  assert.match(title, new RegExp(`\\(${name.length} characters\\)`), 'the title says how long the name is');
  assert.match(page, new RegExp(`\\(${dn.length} characters\\)`), 'the subject line says how long the DN is');
});

test('a value of megabytes (a blob, or hostile AD data) shows its first 64 Ki characters in each cell, says how much is left out, and the report stays bounded', () => {
  const summary = structuredClone(loadFixture('create-success'));
  const rows = summary.provisioningSteps.flatMap((s) => s.attributes ?? []);
  const row = rows.find((r) => r.name === 'displayName') ?? rows[0]!;
  // 4 MB of text ending in a surrogate pair split by the cut, and a marker past the cut.
  const huge = `${'x'.repeat(65_535)}\u{1F600}${'y'.repeat(4_000_000)}TAIL-MARKER`;
  row.value = [huge];
  row.valueAdd = [huge];
  const html = renderReportBody(summary, options);
  assert.ok(html.length < 1_000_000, `the report is ${html.length} characters`);
  assert.doesNotMatch(html, /TAIL-MARKER/, 'what is past the cut is not in the report');
  assert.match(html, new RegExp(`\\(${huge.length} characters\\)`), 'the value\'s length is still said');
  assert.match(html, new RegExp(`(?:&hellip;|\u2026) ${huge.length - 65_535} more characters, not shown: the JSON result holds the whole value`));
  assert.doesNotMatch(html, /[\ud800-\udbff](?![\udc00-\udfff])/, 'no half of a surrogate pair is left at the cut');
  // Short values are shown whole, as before.
  const plain = renderReportBody(loadFixture('create-success'), options);
  assert.doesNotMatch(plain, /more characters, not shown/);
});
