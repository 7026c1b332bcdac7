// Rows of the batch results view from the batch engine's rows and what-if entries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WhatIfEntry } from '../../../../../src/engine/batch/what-if';
import { toRowView, whatIfRowView } from '../../../../../src/surfaces/vscode/container-preview/rows';

test('a preview row keeps status, planned action and error; an empty display name shows the DN', () => {
  const row = toRowView({ index: 7, dn: 'CN=x,OU=Sales,DC=corp', displayName: '', objectClass: 'user', status: 'failure', action: 'create', errorCode: 'AttributeValueMustBeUnique', reason: 'in use', modified: 0, durationInMilliseconds: 3 });
  assert.deepEqual(row, { index: 7, dn: 'CN=x,OU=Sales,DC=corp', displayName: 'CN=x,OU=Sales,DC=corp', status: 'failure', action: 'create', errorCode: 'AttributeValueMustBeUnique', reason: 'in use' });
});

const entry = (over: Partial<WhatIfEntry>): WhatIfEntry => ({
  dn: 'CN=Eva Green,OU=Sales,DC=corp',
  displayName: 'Eva Green',
  outcome: 'delete',
  current: { scope: 'in', status: 'success', action: 'update' },
  proposed: { scope: 'out', status: 'skipped', action: 'other', errorCode: 'OutOfScope' },
  changes: [],
  explanation: 'Leaves sync scope: Entra Connect DELETES the cloud object',
  ...over,
});

test('a what-if delete reads as a delete, with the reason it leaves scope', () => {
  const row = whatIfRowView(1, entry({}));
  assert.equal(row.outcome, 'delete');
  assert.equal(row.action, 'delete');
  assert.equal(row.errorCode, 'OutOfScope', 'why it leaves scope');
  assert.match(row.explanation!, /DELETES/);
});

test('a what-if create or attribute change shows the proposed side', () => {
  const created = whatIfRowView(2, entry({ outcome: 'create', current: { scope: 'out', status: 'skipped', action: 'other' }, proposed: { scope: 'in', status: 'success', action: 'create' } }));
  assert.equal(created.action, 'create');
  assert.equal(created.status, 'success');
  assert.equal(created.errorCode, undefined);
  const gone = whatIfRowView(3, entry({ outcome: 'no-longer-created', current: { scope: 'in', status: 'success', action: 'create' } }));
  assert.equal(gone.action, 'create', 'what the current configuration would have done');
});

test('a what-if row of megabytes (a display name of damaged or hostile AD data) is cut as the batch report cuts it; the DN stays whole', () => {
  const dn = `CN=${'d'.repeat(2_000)},OU=Sales,DC=corp`;
  const row = whatIfRowView(4, entry({ dn, displayName: 'N'.repeat(5_000_000), explanation: 'E'.repeat(5_000_000) }));
  assert.equal(row.dn, dn, 'the DN names the object to open');
  assert.match(row.displayName, /^N{1024}\u2026 \(5000000 characters\)$/);
  assert.ok(row.explanation!.length < 70_000 && row.explanation!.endsWith('(5000000 characters)'), `explanation of ${row.explanation!.length} characters`);
});
