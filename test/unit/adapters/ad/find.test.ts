// Find Object's query reading, LDAP filter and snapshot search (the live LDAP search is
// measured in bench/find.bench.ts and driven through the quick pick in test/vscode).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findFilter } from '../../../../src/adapters/ad/ldap/find';
import { findInSnapshot } from '../../../../src/adapters/ad/ldif/find';
import { LdifDirectorySource } from '../../../../src/adapters/ad/ldif/ldif-source';
import { toLdif } from '../../../../src/adapters/ad/ldif/ldif';
import { readFindQuery } from '../../../../src/engine/model/find-query';
import { guidStringToBytes, sidStringToBytes } from '../../../../src/engine/model/ad-codecs';
import type { DirectoryObject } from '../../../../src/engine/model/directory-object';
import { Dn } from '../../../../src/engine/model/dn';

const base = 'DC=corp,DC=contoso,DC=com';
const guid = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const sid = 'S-1-5-21-1004336348-1177238915-682003330-1105';

function user(cn: string, attributes: Record<string, string[]>, ou = 'OU=Sales'): DirectoryObject {
  return { dn: `CN=${cn},${ou},${base}`, attributes: { objectClass: ['top', 'person', 'organizationalPerson', 'user'], cn: [cn], ...attributes } };
}

const alice = user('Alice Wu', {
  displayName: ['Alice Wu'],
  givenName: ['Alice'],
  sn: ['Wu'],
  sAMAccountName: ['awu'],
  userPrincipalName: ['alice.wu@contoso.com'],
  mail: ['alice@contoso.com'],
  userAccountControl: ['514'],
}) as DirectoryObject & { attributes: Record<string, unknown[]> };
(alice.attributes as Record<string, unknown[]>).objectGUID = [guidStringToBytes(guid)];
(alice.attributes as Record<string, unknown[]>).objectSid = [sidStringToBytes(sid)];
const bob = user('Bob Stone', { displayName: ['Bob Stone'], givenName: ['Bob'], sn: ['Stone'], sAMAccountName: ['bstone'], userPrincipalName: ['bob@contoso.com'] });
const ou: DirectoryObject = { dn: `OU=Alpha,${base}`, attributes: { objectClass: ['top', 'organizationalUnit'], ou: ['Alpha'] } };
const snapshot = [ou, alice, bob].map((object) => ({ object, dn: Dn.parse(object.dn) }));

describe('Find Object', () => {
  it('reads what was typed as a DN, a GUID (with or without braces), a SID or text', () => {
    const dnQuery = readFindQuery(`CN=Alice Wu,OU=Sales,${base}`);
    assert.equal(dnQuery?.kind, 'dn');
    assert.equal(dnQuery?.kind === 'dn' && dnQuery.dn.toString(), `CN=Alice Wu,OU=Sales,${base}`);
    assert.equal(readFindQuery(`{${guid.toUpperCase()}}`)?.kind, 'guid');
    assert.equal(readFindQuery(sid)?.kind, 'sid');
    assert.deepEqual(readFindQuery('  ali '), { kind: 'text', text: 'ali' });
    assert.equal(readFindQuery('   '), undefined);
    assert.equal(readFindQuery('cn=broken,,dc=x')?.kind, 'text', 'a DN that does not parse is searched as text');
  });

  it('escapes the typed text in every clause of the LDAP filter (no filter injection)', () => {
    const filter = findFilter(readFindQuery('*)(objectClass=*')!).toString();
    assert.ok(filter.includes('(anr=\\2a\\29\\28objectClass=\\2a)'), filter);
    assert.ok(filter.includes('(userPrincipalName=\\2a\\29\\28objectClass=\\2a)'), filter);
    assert.ok(!/\(anr=\*/.test(filter), 'no wildcard reaches the server');
    assert.match(filter, /^\(&\(\|\(objectClass=user\)/, 'only the findable classes');
  });

  it('matches a GUID and a SID as bytes', () => {
    assert.match(findFilter(readFindQuery(guid)!).toString(), /\(objectGUID=\\3c\\2d\\1e\\0f\\5a\\4b\\78\\69\\87\\96\\a5\\b4\\c3\\d2\\e1\\f0\)/);
    assert.match(findFilter(readFindQuery(sid)!).toString(), /\(objectSid=\\01\\05\\00\\00\\00\\00\\00\\05/);
  });

  it('searches a snapshot like ambiguous name resolution: prefixes of the name attributes, exact account names', () => {
    const names = (text: string) => findInSnapshot(snapshot, text, { base: Dn.parse(base), limit: 10 }).map((f) => f.name);
    assert.deepEqual(names('ali'), ['Alice Wu'], 'display name prefix');
    assert.deepEqual(names('WU'), ['Alice Wu'], 'surname prefix, any case');
    assert.deepEqual(names('alice w'), ['Alice Wu'], 'given name and surname');
    assert.deepEqual(names('wu ali'), ['Alice Wu'], 'surname and given name');
    assert.deepEqual(names('alice.wu@contoso.com'), ['Alice Wu'], 'exact UPN');
    assert.deepEqual(names('bstone'), ['Bob Stone'], 'sAMAccountName');
    assert.deepEqual(names(guid), ['Alice Wu'], 'objectGUID');
    assert.deepEqual(names(sid), ['Alice Wu'], 'objectSid');
    assert.deepEqual(names(`cn=bob stone,ou=sales,${base.toLowerCase()}`), ['Bob Stone'], 'DN, any case');
    assert.deepEqual(names('alp'), [], 'containers are not found');
    assert.deepEqual(names('zz'), []);
  });

  it('shows what the pick list needs, including a disabled account, and keeps to the base and the limit', () => {
    const [found] = findInSnapshot(snapshot, 'alice', { base: Dn.parse(base), limit: 10 });
    assert.equal(found!.displayName, 'Alice Wu');
    assert.equal(found!.userPrincipalName, 'alice.wu@contoso.com');
    assert.equal(found!.disabled, true, 'userAccountControl 514 has ACCOUNTDISABLE');
    assert.equal(found!.objectGuid, guid);
    assert.deepEqual(findInSnapshot(snapshot, 'a', { base: Dn.parse(`OU=Elsewhere,${base}`), limit: 10 }), []);
    assert.equal(findInSnapshot(snapshot, 'contoso.com', { base: Dn.parse(base), limit: 1 }).length <= 1, true);
  });

  it('answers the same over an LDIF snapshot, where records are parsed only when their text can match (base64 and folded values included)', async () => {
    // Carla's names are base64 (non-ASCII) and her display name is folded over lines: a plain
    // look at the text does not show them, so her record is always parsed.
    const carla = user('Carla', { displayName: [`Carla Ñúñez ${'x'.repeat(80)}`], givenName: ['Carla'], sn: ['Ñúñez'], sAMAccountName: ['cnunez'] });
    const text = toLdif([{ dn: base, attributes: { objectClass: ['top', 'domainDNS'] } }, ou, alice, bob, carla]);
    assert.match(text, /^sn:: /m);
    assert.match(text, /^displayName:: .*\n /m, 'the display name is folded');
    const source = new LdifDirectorySource({ text, name: 'find.ldif' });
    const names = async (query: string, under = base) => (await source.findObjects(query, { base: Dn.parse(under), limit: 10 })).map((f) => f.name);
    const eager = [...snapshot, { object: carla, dn: Dn.parse(carla.dn) }];
    for (const query of ['ali', 'WU', 'alice w', 'wu ali', 'alice.wu@contoso.com', 'bstone', guid, sid, `cn=bob stone,ou=sales,${base.toLowerCase()}`, 'alp', 'zz', 'ñúñ', 'carla ñ', 'ÑÚÑEZ CARLA', 'cnunez', 'carla ñúñez xxx']) {
      assert.deepEqual(await names(query), findInSnapshot(eager, query, { base: Dn.parse(base), limit: 10 }).map((f) => f.name), query);
    }
    assert.deepEqual(await names('ñúñ'), ['Carla']);
    assert.deepEqual(await names('carla ñúñez xxx'), ['Carla'], 'a prefix of the folded display name');
    assert.deepEqual(await names('a', `OU=Elsewhere,${base}`), []);
  });
});
