// The report as data: the model the file and the panel both render, the view tree's safety,
// and the result semantics the tabs show (what decided, what never ran, what is not an error).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProvisioningObjectSummary } from '../../src/engine/summary/types';
import { buildReportModel, renderReportBody } from '../../src/report';
import { reportView } from '../../src/report/browser/model';
import { textContent, toHtml, view, type ViewNode } from '../../src/report/browser/view';
import { hostile } from '../fixtures/summaries/build';
import { loadFixture } from './summaries';

const options = { toolVersion: '0.1.0-test', generatedAt: new Date('2025-03-01T14:06:00Z') };
const section = (html: string, tab: string) => new RegExp(`<section class="sos-panel" id="sos-panel-${tab}"[\\s\\S]*?</section>`).exec(html)![0];
const plain = (html: string) => html.replace(/<[^>]*>/g, '');

test('the model is plain data (it crosses postMessage) and the file is exactly its HTML', () => {
  const summary = loadFixture('failure-not-unique');
  const model = buildReportModel(summary, options);
  assert.deepEqual(JSON.parse(JSON.stringify(model)), model, 'JSON round trip loses nothing');
  assert.equal(reportView(JSON.parse(JSON.stringify(model))).value, renderReportBody(summary, options));
  assert.deepEqual(model.tabs.map((t) => t.id), ['steps', 'troubleshooting', 'modified', 'summary']);
});

test('a title names the object, the mode and the result; a failure opens on Troubleshooting with an alert', () => {
  const failed = buildReportModel(loadFixture('failure-not-unique'), options);
  assert.equal(failed.title, 'Adele Vance \u00b7 Sync \u00b7 Failure');
  assert.equal(failed.initialTab, 'troubleshooting');
  assert.equal(failed.tabs.find((t) => t.id === 'troubleshooting')!.alert, 'Failure');
  const staged = buildReportModel({ ...loadFixture('update-success'), stagingMode: true }, options);
  assert.equal(staged.title, 'Adele Vance \u00b7 Preview \u00b7 Success');
  assert.equal(staged.initialTab, 'steps');
  assert.equal(staged.tabs.find((t) => t.id === 'troubleshooting')!.alert, undefined);
  // No display name: the DN's first RDN value, unescaped.
  const anonymous = loadFixture('update-success');
  anonymous.sourceIdentity = { ...anonymous.sourceIdentity!, displayName: '', details: { ...anonymous.sourceIdentity!.details, distinguishedName: 'CN=Wu\\, Alice,OU=Sales,DC=corp,DC=contoso,DC=com' } };
  assert.equal(buildReportModel(anonymous, options).title, 'Wu, Alice \u00b7 Sync \u00b7 Success');
});

test('view: values are text or attribute values, never markup; a value in a tag is refused', () => {
  const v = view`<p class="${hostile.attr}" data-x="${'a"b'}">${hostile.script}${['<b>', view`<em>${'&'}</em>`]}</p>`;
  const element = v.nodes[0] as Extract<ViewNode, object>;
  assert.equal(element.tag, 'p');
  assert.deepEqual(Object.keys(element.attrs), ['class', 'data-x'], 'no attribute added by a value');
  assert.equal(textContent(v.nodes), `${hostile.script}<b>&`);
  assert.ok(!/<script|<b>/i.test(toHtml(v.nodes)));
  assert.throws(() => view`<p ${'onclick'}="x"></p>`, /attribute value or element content/);
  assert.throws(() => view`<p class=${'x'}></p>`, /quoted/);
  // Invisible characters become visible escapes.
  assert.equal(textContent(view`<span>${'a\u202Eb'}</span>`.nodes), 'a\\u202Eb');
});

test('steps: the deciding step is marked, the steps after it read Not run, not Success or Skipped', () => {
  const html = renderReportBody(loadFixture('out-of-scope-ou'), options);
  const steps = section(html, 'steps');
  const overview = /<ol class="sos-overview">[\s\S]*?<\/ol>/.exec(steps)![0];
  const items = [...overview.matchAll(/<li class="([^"]*)">([\s\S]*?)<\/li>/g)].map((m) => ({ cls: m[1]!, text: plain(m[2]!).replace(/\s+/g, ' ').trim() }));
  assert.equal(items.length, 10);
  assert.match(items[2]!.cls, /sos-decisive/);
  assert.match(items[2]!.text, /Failed here/);
  for (const item of items.slice(3)) assert.match(item.text, /Not run/, item.text);
  for (const item of items.slice(0, 2)) assert.match(item.text, /Success/);
  // A step that never ran is folded; the deciding one is open.
  assert.match(steps, /<details class="sos-step sos-status-notrun" id="sos-step-4">/);
  assert.match(steps, /<details class="sos-step sos-status-failure sos-decisive" id="sos-step-3" open>/);
});

test('an object out of sync scope (skipped) is not shown as an Error', () => {
  const summary = loadFixture('out-of-scope-ou');
  const skipped: ProvisioningObjectSummary = {
    ...summary,
    provisioningStatusInfo: { ...summary.provisioningStatusInfo, status: 'skipped' },
    provisioningSteps: summary.provisioningSteps.map((s) => (s.stepNumber === 3 ? { ...s, status: 'skipped' as const } : s)),
  };
  const html = renderReportBody(skipped, options);
  const trouble = section(html, 'troubleshooting');
  assert.doesNotMatch(html, /sos-error-failure/);
  assert.match(trouble, /<div class="sos-error sos-error-skipped" role="note">\s*<h4>Not synced \(out of sync scope\): <code class="sos-code">OrganizationalUnitExcluded<\/code>/);
  assert.match(plain(section(html, 'steps')), /Decided here: not in sync scope/);
});

test('Modified Properties show the source and the sync rule of each property, and filter and sort', () => {
  const modified = section(renderReportBody(loadFixture('update-success'), options), 'modified');
  assert.match(modified, /<th scope="col"><button type="button" class="sos-sort">Source \(data source\)<\/button><\/th>/);
  assert.match(modified, /<th scope="col"><button type="button" class="sos-sort">Sync rule<\/button><\/th>/);
  assert.match(modified, /<input type="search" class="sos-filter"/);
  const department = /<tr>\s*<th scope="row"><a class="sos-rowlink" href="#sos-s10-a\d+"><span class="sos-v">department<\/span><\/a><\/th>[\s\S]*?<\/tr>/.exec(modified)![0];
  const cells = [...department.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => plain(m[1]!).trim());
  const row = loadFixture('update-success').provisioningSteps[9]!.attributes!.find((a) => a.name === 'department')!;
  assert.ok(row.syncRule && row.dataSource, 'the fixture has a rule and a source for department');
  assert.ok(cells[2]!.startsWith(row.dataSource!), `source cell ${cells[2]}`);
  assert.equal(cells[3], row.syncRule);
});

test('a conflicting object is shown with its name, UPN and the clashing value, linked to the Entra admin center', () => {
  const summary = loadFixture('out-of-scope-cloud-filtered');
  const id = '0b3c6a0e-9e3e-4c51-9a7e-2d1b5c8f7a11';
  summary.provisioningStatusInfo.errorInformation = {
    ...summary.provisioningStatusInfo.errorInformation!,
    errorCode: 'DuplicateAttributeQuarantined',
    conflictingObjects: [
      { kind: 'user', id, displayName: `Alice ${hostile.script}`, userPrincipalName: 'alice.wu@contoso.com', onPremisesDistinguishedName: 'CN=Alice Wu,OU=Sales,DC=corp,DC=contoso,DC=com', attribute: 'userPrincipalName', value: 'alice.wu@contoso.com' },
      { kind: 'group', id: 'not-a-guid"><script>', displayName: 'Sales', attribute: 'proxyAddresses', value: 'sales@contoso.com' },
    ],
  };
  const trouble = section(renderReportBody(summary, options), 'troubleshooting');
  assert.match(trouble, /<h3>Conflicting objects in Microsoft Entra ID<\/h3>/);
  const rows = [...trouble.matchAll(/<tr>\s*<th scope="row">([\s\S]*?)<\/tr>/g)].map((m) => m[0]);
  const alice = rows.find((r) => r.includes('alice.wu@contoso.com'))!;
  assert.ok(alice.includes('Alice &lt;script') && !alice.includes('<script'), 'the name is escaped');
  assert.ok(alice.includes(`href="https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/${id}"`));
  assert.match(alice, /<button type="button" class="sos-preview-object" data-dn="CN=Alice Wu,OU=Sales,DC=corp,DC=contoso,DC=com"/);
  assert.match(plain(alice), /userPrincipalName:\s*alice\.wu@contoso\.com/);
  // An id that is not a GUID gets no link (and stays text).
  const group = rows.find((r) => r.includes('sales@contoso.com'))!;
  assert.doesNotMatch(group, /entra\.microsoft\.com/);
  assert.ok(!group.includes('<script>'));
});

test('a check that ran after the deciding step says it does not change the result', () => {
  const summary = loadFixture('out-of-scope-ou');
  // As the engine reports an excluded OU: step 3 decides (skipped, with the reason); the scoping checks 4-6 still run.
  const steps = summary.provisioningSteps.map((s) =>
    s.stepNumber === 3 ? { ...s, status: 'skipped' as const } : s.stepNumber >= 4 && s.stepNumber <= 6 ? { ...s, status: 'success' as const, errorInformation: undefined } : s);
  const html = renderReportBody({ ...summary, provisioningStatusInfo: { ...summary.provisioningStatusInfo, status: 'skipped' }, provisioningSteps: steps }, options);
  const items = [...html.matchAll(/<li class="sos-overview-item[^"]*">([\s\S]*?)<\/li>/g)].map((m) => plain(m[1]!).replace(/\s+/g, ' '));
  for (const item of items.slice(3, 6)) assert.match(item, /Success \(checked after the decision; does not change the result\)/, item);
  assert.doesNotMatch(items[1]!, /after the decision/);
});
