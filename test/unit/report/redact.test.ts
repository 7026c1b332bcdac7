// --redact at any size and in every encoding a value takes in the result (issue 12): raw,
// HTML-escaped, URL-encoded, OData-quoted ('' for ' as in Graph request paths).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { renderReport } from '../../../src/report';
import { escapeHtml } from '../../../src/report/html';
import { encodedForms, redactSummary, scrubText } from '../../../src/report/redact';

const fixture = (): ProvisioningObjectSummary =>
  JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/summaries/create-success.json'), 'utf8')) as ProvisioningObjectSummary;

/** The summary with `value` as the department, and its encodings planted in free-text fields. */
function planted(value: string): ProvisioningObjectSummary {
  const summary = fixture();
  const exportStep = summary.provisioningSteps.find((s) => s.stepNumber === 10)!;
  const row = exportStep.attributes!.find((a) => a.name === 'department')!;
  row.value = [value];
  const odata = value.replace(/'/g, "''");
  exportStep.graphRequests = [
    ...(exportStep.graphRequests ?? []),
    { method: 'GET', path: `/users?$filter=department eq '${odata}'`, status: 200, durationInMilliseconds: 1, clientRequestId: 'x' },
    { method: 'GET', path: `/users?$filter=department%20eq%20'${encodeURIComponent(odata)}'`, status: 200, durationInMilliseconds: 1, clientRequestId: 'y' },
  ];
  exportStep.details.Note = `html ${escapeHtml(value)} and upper ${value.toUpperCase()}`;
  return summary;
}

const leaks = (text: string, value: string) =>
  [value, value.replace(/'/g, "''"), encodeURIComponent(value), encodeURIComponent(value.replace(/'/g, "''"))].filter((form) => text.toLowerCase().includes(form.toLowerCase()));

test('a value with an apostrophe is redacted in its raw, OData-quoted, URL-encoded and HTML forms', () => {
  const value = "O'Brien & Partners <Sales>";
  const redacted = redactSummary(planted(value), ['department']);
  const json = JSON.stringify(redacted);
  assert.deepEqual(leaks(json, value), []);
  assert.ok(!json.includes('&#39;'), 'the HTML-escaped form is gone too');
  assert.match(json, /department eq '\[redacted\]'/);
  const html = renderReport(planted(value), { toolVersion: 't', generatedAt: new Date(0), redactAttributes: ['department'] });
  assert.deepEqual(leaks(html, value), []);
  assert.ok(!html.includes('O&#39;Brien') && !html.includes('O&#x27;Brien') && !html.includes('Brien &amp; Partners'));
});

test('a 60 KB value is redacted without a giant regular expression (quadratic would take minutes: the test\'s time-out)', { timeout: 120_000 }, () => {
  const value = `${"x'y".repeat(20_000)}END`;
  const redacted = redactSummary(planted(value), ['department']);
  const json = JSON.stringify(redacted);
  assert.deepEqual(leaks(json, value), []);
  assert.ok(!json.includes("x'yx'y") && !json.includes("x''yx''y"));
});

test('scrubText: overlapping and adjacent needles, case-insensitive, nothing else touched', () => {
  assert.equal(scrubText('abcdef ABCDEF xyz', ['bcd', 'cde']), 'a[redacted]f A[redacted]F xyz');
  assert.equal(scrubText('secretsecret', ['secret']), '[redacted][redacted]');
  assert.equal(scrubText('plain', []), 'plain');
  assert.ok(encodedForms("a'b c").includes("a''b%20c".replace('%20', ' ')) || encodedForms("a'b c").includes("a''b c"));
  assert.ok(encodedForms("a'b c").includes(encodeURIComponent("a''b c")));
});
