// The packed tenant read answers lookups with Graph's comparison rules (Microsoft Graph's
// $filter on users/groups): onPremisesImmutableId, uniqueName and id exactly; SIDs, UPNs, mail
// and proxyAddresses ignoring case; the first object Graph lists wins where one is asked for,
// and every holder comes back, once, in the order Graph lists them. It is the same read in a
// worker thread: the buffers cross as shared memory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { BatchTenant, packTenantIndex } from '../../../../src/engine/batch/batch-tenant';
import type { EntraObject, EntraTarget } from '../../../../src/engine/ports/entra-target';

const user = (id: string, properties: Record<string, unknown>): EntraObject => ({ kind: 'user', id, properties });

const users = [
  user('u1', { onPremisesImmutableId: 'AAAA==', userPrincipalName: 'Amy@contoso.com', mail: 'amy@contoso.com', onPremisesSecurityIdentifier: 'S-1-5-21-1-1001' }),
  // A second object with the same anchor and UPN (a duplicate Graph would also list second).
  user('u2', { onPremisesImmutableId: 'AAAA==', userPrincipalName: 'amy@CONTOSO.com', proxyAddresses: ['SMTP:Amy.Wu@contoso.com', 'smtp:amy@contoso.com', 'X500:/o=x'] }),
  user('u3', { onPremisesImmutableId: 'aaaa==', displayName: 'Ünïcödé ✓', proxyAddresses: ['sip:amy@contoso.com'] }),
];

test('anchor and id match exactly; SID and UPN ignore case; the first object Graph lists wins', async () => {
  const tenant = new BatchTenant({} as EntraTarget, { users, groups: [], contacts: [] });
  assert.equal((await tenant.findByImmutableId('user', 'AAAA=='))?.id, 'u1');
  assert.equal((await tenant.findByImmutableId('user', 'aaaa=='))?.id, 'u3');
  assert.equal(await tenant.findByImmutableId('user', 'AaAa=='), null);
  assert.equal((await tenant.getById('user', 'u2'))?.id, 'u2');
  assert.equal(await tenant.getById('user', 'U2'), null);
  assert.equal((await tenant.findBySecurityIdentifier('user', 's-1-5-21-1-1001'))?.id, 'u1');
  assert.equal((await tenant.getById('user', 'u3'))?.properties.displayName, 'Ünïcödé ✓');
  const holders = await tenant.findValueHolders({ userPrincipalName: 'AMY@contoso.com', smtpAddresses: ['AMY@contoso.com', 'amy.wu@contoso.com'] });
  // UPN holders first, then address holders; each object once; a sip: proxy is not an SMTP address.
  assert.deepEqual(holders.holders.map((h) => h.id), ['u1', 'u2']);
  assert.equal(tenant.answeredLocally(), 8);
});

test('each answer is a new object: changing it does not change the tenant read', async () => {
  const tenant = new BatchTenant({} as EntraTarget, { users, groups: [], contacts: [] });
  const first = await tenant.getById('user', 'u1');
  (first!.properties as { mail: string }).mail = 'changed';
  assert.equal((await tenant.getById('user', 'u1'))?.properties.mail, 'amy@contoso.com');
});

test('many objects whose keys share hash slots are all found, and absent keys are not', async () => {
  const many = Array.from({ length: 5000 }, (_, i) => user(`id-${i}`, { onPremisesImmutableId: `anchor-${i}`, userPrincipalName: `user${i}@contoso.com`, mail: `user${i}@contoso.com` }));
  const tenant = new BatchTenant({} as EntraTarget, { users: many, groups: [], contacts: [] });
  for (const i of [0, 1, 2047, 2048, 4999]) {
    assert.equal((await tenant.findByImmutableId('user', `anchor-${i}`))?.id, `id-${i}`);
    assert.deepEqual((await tenant.findValueHolders({ smtpAddresses: [`USER${i}@contoso.com`] })).holders.map((h) => h.id), [`id-${i}`]);
  }
  assert.equal(await tenant.findByImmutableId('user', 'anchor-5000'), null);
  assert.deepEqual((await tenant.findValueHolders({ userPrincipalName: 'nobody@contoso.com' })).holders, []);
});

test('the packed read crosses a thread boundary as shared memory, not a copy', async () => {
  const packed = packTenantIndex({ users, groups: [], contacts: undefined });
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(packed);
  const received = receiveMessageOnPort(port2)!.message as typeof packed;
  port1.close();
  assert.ok(received.users.text.buffer instanceof SharedArrayBuffer);
  // The same memory: a byte written on one side is seen on the other.
  const before = received.users.text[0];
  packed.users.text[0] = 0x20;
  assert.equal(received.users.text[0], 0x20);
  packed.users.text[0] = before!;
  const tenant = new BatchTenant({} as EntraTarget, received);
  assert.equal((await tenant.findByImmutableId('user', 'AAAA=='))?.id, 'u1');
  // Contacts not readable: said, not silently "no holder".
  assert.deepEqual((await tenant.findValueHolders({ smtpAddresses: ['x@contoso.com'] })).unchecked.length, 1);
});
