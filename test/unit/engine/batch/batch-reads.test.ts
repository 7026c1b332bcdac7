// The batch's shared reads: holders of an address come back in the order Graph lists the tenant
// (as a per-object $filter lookup would answer), and scope-search objects are served once each,
// as copies unless the pass owns them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchDirectory } from '../../../../src/engine/batch/batch-directory';
import { BatchTenant } from '../../../../src/engine/batch/batch-tenant';
import type { DirectoryObject } from '../../../../src/engine/model/directory-object';
import { Dn } from '../../../../src/engine/model/dn';
import type { DirectorySource } from '../../../../src/engine/ports/directory-source';
import type { EntraObject, EntraTarget } from '../../../../src/engine/ports/entra-target';

const user = (id: string, properties: Record<string, unknown>): EntraObject => ({ kind: 'user', id, properties });

test('address holders come back in the order of the tenant listing, whatever order the addresses are asked in', async () => {
  const users = [
    user('u1', { mail: 'zed@contoso.com' }),
    user('u2', { proxyAddresses: ['smtp:alias@contoso.com'] }),
    user('u3', { mail: 'nobody@contoso.com' }),
    user('u4', { userPrincipalName: 'x@contoso.com', proxyAddresses: ['SMTP:Amy@Contoso.com'] }),
  ];
  const tenant = new BatchTenant({} as EntraTarget, { users, groups: [], contacts: [] });
  const found = await tenant.findValueHolders({ smtpAddresses: ['amy@contoso.com', 'ALIAS@contoso.com', 'zed@contoso.com'] });
  assert.deepEqual(found.holders.map((h) => h.id), ['u1', 'u2', 'u4']);
  assert.deepEqual(found.unchecked, []);
  // Each answer is a copy: changing it does not change the tenant read.
  (found.holders[0]!.properties as { mail: string }).mail = 'changed';
  const again = await tenant.findValueHolders({ smtpAddresses: ['zed@contoso.com'] });
  assert.equal(again.holders[0]!.properties.mail, 'zed@contoso.com');
});

function source(reads: string[], kind: 'ldap' | 'ldif' = 'ldap'): DirectorySource {
  return {
    kind,
    readObject: async (dn: Dn) => {
      reads.push(dn.toString());
      return kind === 'ldif' ? { status: 'found', object: { dn: dn.toString(), attributes: { cn: ['from the snapshot'] } } } : { status: 'notFound' };
    },
    operationCount: () => reads.length,
  } as unknown as DirectorySource;
}

test('scope objects are served once: a shared one as a copy, an owned one as is; a second read goes to the directory', async () => {
  const reads: string[] = [];
  const directory = new BatchDirectory(source(reads));
  const shared: DirectoryObject = { dn: 'CN=a,DC=x', attributes: { cn: ['a'] } };
  const owned: DirectoryObject = { dn: 'CN=b,DC=x', attributes: { cn: ['b'] } };
  directory.add(shared, Dn.parse(shared.dn));
  directory.add(owned, Dn.parse(owned.dn), true);
  const a = await directory.readObject(Dn.parse('cn=A,dc=x'));
  assert.equal(a.status, 'found');
  assert.notEqual((a as { object: DirectoryObject }).object, shared);
  assert.deepEqual((a as { object: DirectoryObject }).object, shared);
  const b = await directory.readObject(Dn.parse('CN=b,DC=x'));
  assert.equal((b as { object: DirectoryObject }).object, owned);
  assert.equal(directory.servedFromSearch(), 2);
  assert.deepEqual(reads, []);
  await directory.readObject(Dn.parse('CN=b,DC=x'));
  assert.deepEqual(reads, ['CN=b,DC=x']);
});

test('over an LDIF snapshot the scope objects are not kept: each is read from the snapshot when synced, still counted as served by the search, not as a directory operation', async () => {
  const reads: string[] = [];
  const directory = new BatchDirectory(source(reads, 'ldif'));
  const searched: DirectoryObject = { dn: 'CN=a,DC=x', attributes: { cn: ['from the search'] } };
  directory.add(searched, Dn.parse(searched.dn), true);
  const before = directory.operationCount();
  const a = await directory.readObject(Dn.parse('CN=a,DC=x'));
  assert.deepEqual(a, { status: 'found', object: { dn: 'CN=a,DC=x', attributes: { cn: ['from the snapshot'] } } });
  assert.deepEqual(reads, ['CN=a,DC=x']);
  assert.equal(directory.servedFromSearch(), 1);
  assert.equal(directory.operationCount() - before, 0);
  // Served once: a second read of the same DN is a directory operation, as in a single run.
  await directory.readObject(Dn.parse('CN=a,DC=x'));
  assert.equal(directory.servedFromSearch(), 1);
  assert.equal(directory.operationCount() - before, 1);
});
