// A delta round applied to the kept tenant read (batch-tenant.ts applyChanges). Microsoft Graph
// represents an updated instance "by its id with at least the properties that have been
// updated, but additional properties may be included" (delta-query-overview): a property it
// leaves out did not change. A batch that matched against an object holding only the changed
// properties would miss the anchor, UPN or addresses a single run finds by $filter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyChanges, BatchTenant } from '../../../../src/engine/batch/batch-tenant';
import type { EntraObject, EntraTarget } from '../../../../src/engine/ports/entra-target';

const user = (id: string, properties: Record<string, unknown>): EntraObject => ({ kind: 'user', id, properties });

const kept = [
  user('u1', { onPremisesImmutableId: 'AAAA==', userPrincipalName: 'amy@contoso.com', displayName: 'Amy', proxyAddresses: ['SMTP:amy@contoso.com'], onPremisesSyncEnabled: true }),
  user('u2', { userPrincipalName: 'bob@contoso.com', displayName: 'Bob' }),
  user('u3', { userPrincipalName: 'carl@contoso.com', displayName: 'Carl' }),
];

test('an updated instance with only its changed properties keeps the others; a property set to null is cleared; removed and new objects', async () => {
  const merged = applyChanges(
    kept,
    [
      user('u1', { displayName: 'Amy Wu' }),
      user('u2', { userPrincipalName: 'robert@contoso.com', displayName: null }),
      user('u4', { userPrincipalName: 'dana@contoso.com', onPremisesImmutableId: 'DDDD==' }),
    ],
    ['u3'],
  );
  assert.deepEqual(merged.map((o) => o.id), ['u1', 'u2', 'u4']);
  assert.deepEqual(merged[0]!.properties, { onPremisesImmutableId: 'AAAA==', userPrincipalName: 'amy@contoso.com', displayName: 'Amy Wu', proxyAddresses: ['SMTP:amy@contoso.com'], onPremisesSyncEnabled: true });
  assert.deepEqual(merged[1]!.properties, { userPrincipalName: 'robert@contoso.com', displayName: null });
  // The kept read is not changed in place (it may be shared with a pass still running).
  assert.equal(kept[0]!.properties.displayName, 'Amy');

  // The lookups of step 8 still find the updated user by its anchor, UPN and address, as $filter does.
  const tenant = new BatchTenant({} as EntraTarget, { users: merged, groups: [], contacts: [] });
  assert.equal((await tenant.findByImmutableId('user', 'AAAA=='))?.id, 'u1');
  assert.deepEqual((await tenant.findValueHolders({ userPrincipalName: 'amy@contoso.com', smtpAddresses: ['amy@contoso.com'] })).holders.map((h) => h.id), ['u1']);
  assert.equal((await tenant.findByImmutableId('user', 'DDDD=='))?.id, 'u4');
  assert.deepEqual((await tenant.findValueHolders({ userPrincipalName: 'bob@contoso.com' })).holders, []);
});

test('a full representation replaces every property it names', () => {
  const [only] = applyChanges([kept[1]!], [user('u2', { userPrincipalName: 'bob@contoso.com', displayName: 'Bob B', mail: 'bob@contoso.com' })], []);
  assert.deepEqual(only!.properties, { userPrincipalName: 'bob@contoso.com', displayName: 'Bob B', mail: 'bob@contoso.com' });
});
