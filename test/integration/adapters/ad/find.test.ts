// Find Object over LDAP against the live Samba AD DC: ambiguous name resolution, exact
// attributes, GUID and DN, filter injection, the disabled flag, the limit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LdapDirectorySource } from '../../../../src/adapters/ad';
import { Dn } from '../../../../src/engine/model/dn';
import { base, fx, ldapsOptions, releaseSamba } from './samba-env';

describe('Find Object over LDAP (Samba)', () => {
  let source: LdapDirectorySource;
  before(async () => {
    source = new LdapDirectorySource(await ldapsOptions());
  });
  after(async () => {
    await source?.close();
    await releaseSamba();
  });

  it('finds by a prefix of the name (anr), by exact UPN and sAMAccountName, by objectGUID and by DN', async () => {
    const byPrefix = await source.findObjects('Alic', { base: Dn.parse(base), limit: 20 });
    const alice = byPrefix.find((f) => f.displayName === 'Alice Wu');
    assert.ok(alice, `anr=Alic finds Alice Wu (${byPrefix.map((f) => f.dn.toString()).join('; ')})`);
    assert.equal(alice.userPrincipalName, 'alice.wu@contoso.com');
    assert.equal(alice.dn.toString().toLowerCase(), fx('CN=Alice Wu,OU=Sales').toLowerCase());
    assert.deepEqual((await source.findObjects('alice.wu@contoso.com', { base: Dn.parse(base), limit: 20 })).map((f) => f.displayName), ['Alice Wu']);
    assert.deepEqual((await source.findObjects('alice.wu', { base: Dn.parse(base), limit: 20 })).map((f) => f.displayName), ['Alice Wu']);
    assert.deepEqual((await source.findObjects(alice.objectGuid!, { base: Dn.parse(base), limit: 20 })).map((f) => f.dn.toString()), [alice.dn.toString()]);
    assert.deepEqual((await source.findObjects(fx('CN=Alice Wu,OU=Sales'), { base: Dn.parse(base), limit: 20 })).map((f) => f.displayName), ['Alice Wu']);
  });

  it('flags a disabled account', async () => {
    const [bob] = await source.findObjects('bob.stone@contoso.com', { base: Dn.parse(base), limit: 5 });
    assert.equal(bob?.disabled, true, 'userAccountControl 514');
    const [alice] = await source.findObjects('alice.wu@contoso.com', { base: Dn.parse(base), limit: 5 });
    assert.equal(alice?.disabled, false);
  });

  it('treats filter syntax in the text as text, and keeps to the limit', async () => {
    assert.deepEqual(await source.findObjects('*', { base: Dn.parse(base), limit: 20 }), [], 'a star is no wildcard');
    assert.deepEqual(await source.findObjects('*)(objectClass=*', { base: Dn.parse(base), limit: 20 }), []);
    assert.deepEqual(await source.findObjects('x)(|(cn=*', { base: Dn.parse(base), limit: 20 }), []);
    const bulk = await source.findObjects('bulk0', { base: Dn.parse(fx('OU=Bulk')), limit: 25 });
    assert.equal(bulk.length, 25, 'one page of at most the limit');
  });

  it('counts the children of the 5,000-user OU', async () => {
    assert.equal(await source.countChildren(Dn.parse(fx('OU=Bulk'))), 5000);
  });
});
