// uses-samba
// The LDIF DirectorySource answers like the LDAP one for the same objects: a fresh export of
// live fixtures read back through LdifDirectorySource, and the committed snapshot
// (test/fixtures/contoso-snapshot.ldif) checked against the live directory.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LdapDirectorySource, LdifDirectorySource, rootDseEntry, toLdif } from '../../../../src/adapters/ad';
import type { AttributeValue, Attributes } from '../../../../src/engine/model/attributes';
import type { DirectoryObject } from '../../../../src/engine/model/directory-object';
import type { DirectorySource } from '../../../../src/engine/ports/directory-source';
import { base, contoso, fx, ldapsOptions, releaseSamba } from './samba-env';
import { Dn } from '../../../../src/engine/model/dn';
import { sidBytesToString } from '../../../../src/engine/model/ad-codecs';

const named = [
  'CN=Alice Wu,OU=Sales', 'CN=Bob Stone,OU=Sales', 'CN=Carol Diaz,OU=Engineering', 'CN=Dave Kim,OU=Engineering',
  'CN=Smith\\, John,OU=EMEA,OU=Sales', 'CN=A\\+B,OU=EMEA,OU=Sales', 'CN=Zoë Ñúñez,OU=Paris,OU=EMEA,OU=Sales',
  'CN=Trailing Space\\ ,OU=Paris,OU=EMEA,OU=Sales', 'CN=Proxy Heavy,OU=Engineering', 'CN=Hostile Values,OU=Engineering',
  'CN=Ina Org,OU=Engineering', 'CN=Pilot Group,OU=Groups', 'CN=Nested Group,OU=Groups', 'CN=Big Group,OU=Groups',
  'CN=Ext Partner,OU=Contacts', 'CN=No Mail Contact,OU=Contacts', 'CN=WS001,OU=Computers',
].map(fx);

async function readAll(source: DirectorySource, dns: string[]): Promise<DirectoryObject[]> {
  const out: DirectoryObject[] = [];
  for (const dn of dns) {
    const r = await source.readObject(Dn.parse(dn));
    assert.equal(r.status, 'found', dn);
    if (r.status === 'found') out.push(r.object);
  }
  return out;
}

async function allChildren(source: DirectorySource, dn: string): Promise<string[]> {
  const dns: string[] = [];
  let continuation: string | undefined;
  do {
    const page = await source.listChildren(Dn.parse(dn), { pageSize: 4, ...(continuation ? { continuation } : {}) });
    dns.push(...page.children.map((c) => `${c.isContainer ? 'container' : 'leaf'}:${c.name}:${c.objectGuid}`));
    continuation = page.continuation;
  } while (continuation);
  return dns;
}

describe('LDIF source equivalence with LDAP (fresh export)', () => {
  let ldap: LdapDirectorySource;
  let ldif: LdifDirectorySource;

  before(async () => {
    ldap = new LdapDirectorySource(await ldapsOptions());
    const dse = await ldap.rootDse();
    const rootDse = rootDseEntry(dse);
    // The named objects plus every child of OU=Sales (so its listing is complete).
    const salesChildren = (await ldap.listChildren(Dn.parse(fx('OU=Sales')), { pageSize: 100 })).children.map((c) => c.dn.toString());
    const dns = [...new Set([base, contoso, fx('OU=Sales'), `CN=CORP,CN=Partitions,${dse.configurationNamingContext}`, ...salesChildren, ...named])];
    const text = toLdif([rootDse, ...(await readAll(ldap, dns))]);
    ldif = new LdifDirectorySource({ text, name: 'fresh-export.ldif' });
  });
  after(() => ldap.close());

  it('reads the same attributes and values, bytes included', async () => {
    for (const dn of named) {
      const [fromLdap] = await readAll(ldap, [dn]);
      const [fromLdif] = await readAll(ldif, [dn]);
      assert.deepEqual(fromLdif, fromLdap, dn);
    }
  });

  it('answers the same RootDSE and partitions', async () => {
    assert.deepEqual(await ldif.rootDse(), await ldap.rootDse());
    const texts = (ps: Array<{ dn: unknown }>) => ps.map((p) => ({ ...p, dn: String(p.dn) }));
    assert.deepEqual(texts(await ldif.partitions()), texts(await ldap.partitions()));
  });

  it('lists the same children, containers first', async () => {
    const fromLdap = await allChildren(ldap, fx('OU=Sales'));
    const fromLdif = await allChildren(ldif, fx('OU=Sales'));
    assert.equal(fromLdap[0], fromLdif[0]);
    assert.match(fromLdap[0] ?? '', /^container:EMEA:/);
    assert.deepEqual(fromLdif.slice().sort(), fromLdap.slice().sort());
  });

  it('gives the same membership answers (direct, nested, ranged)', async () => {
    const cases: Array<[string, string]> = [
      [fx('CN=Pilot Group,OU=Groups'), fx('CN=Pilot Direct,OU=Engineering')],
      [fx('CN=Pilot Group,OU=Groups'), fx('CN=Pilot Nested,OU=Engineering')],
      [fx('CN=Pilot Group,OU=Groups'), fx('CN=Nested Group,OU=Groups')],
      [fx('CN=Big Group,OU=Groups'), fx('CN=bulk01999,OU=Bulk')],
      [fx('CN=Big Group,OU=Groups'), fx('CN=bulk02001,OU=Bulk')],
    ];
    const answers = [];
    for (const [group, member] of cases) {
      const expected = await ldap.isDirectMember(Dn.parse(group), Dn.parse(member));
      assert.equal(await ldif.isDirectMember(Dn.parse(group), Dn.parse(member)), expected, `${member} in ${group}`);
      answers.push(expected);
    }
    assert.deepEqual(answers, [true, false, true, true, false]);
  });

  it('says notFound for the same missing object', async () => {
    assert.equal((await ldap.readObject(Dn.parse(fx('CN=Nobody,OU=Sales')))).status, 'notFound');
    assert.equal((await ldif.readObject(Dn.parse(fx('CN=Nobody,OU=Sales')))).status, 'notFound');
  });
});

/** Values that differ between two seedings of the same fixtures. */
const VOLATILE = new Set(
  ['objectGUID', 'objectSid', 'uSNCreated', 'uSNChanged', 'whenCreated', 'whenChanged', 'pwdLastSet', 'badPasswordTime', 'lastLogon', 'lastLogoff', 'logonCount', 'badPwdCount', 'lastLogonTimestamp', 'dSCorePropagationData', 'adminDisplayName'].map((n) => n.toLowerCase()),
);

function stable(attributes: Attributes): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const text = (v: AttributeValue) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : String(v));
  for (const [name, values] of Object.entries(attributes)) {
    if (VOLATILE.has(name.toLowerCase())) continue;
    out[name.toLowerCase()] = values.map(text).sort();
  }
  return out;
}

describe('the committed snapshot matches the live fixtures', () => {
  it('has every OU=Contoso object of the snapshot, with the same stable attributes', async () => {
    const file = path.join(__dirname, '..', '..', '..', 'fixtures', 'contoso-snapshot.ldif');
    const snapshot = new LdifDirectorySource({ file });
    const ldap = new LdapDirectorySource(await ldapsOptions());
    try {
      const queue = [contoso];
      let compared = 0;
      while (queue.length) {
        const dn = queue.shift()!;
        const [fromSnapshot] = await readAll(snapshot, [dn]);
        const live = await ldap.readObject(Dn.parse(dn));
        assert.equal(live.status, 'found', `${dn} is in the snapshot but not in Samba: re-seed, or rerun test/ad/export-snapshot.ts`);
        if (live.status !== 'found' || !fromSnapshot) continue;
        assert.deepEqual(stable(fromSnapshot.attributes), stable(live.object.attributes), `${dn} differs: rerun npx tsx test/ad/export-snapshot.ts`);
        compared++;
        const page = await snapshot.listChildren(Dn.parse(dn), { pageSize: 1000 });
        queue.push(...page.children.map((c) => c.dn.toString()));
      }
      assert.ok(compared >= 45, `compared ${compared} objects`);
    } finally {
      await ldap.close();
    }
  });
});

describe('a batch --ldap-filter selects the same objects from the snapshot as from the directory', () => {
  // The OUs the committed snapshot holds whole (OU=Bulk's 5,000 users are not in it).
  const bases = ['OU=Sales', 'OU=Engineering', 'OU=Groups', 'OU=Contacts', 'OU=Excluded'].map(fx);
  const classes = ['user', 'inetOrgPerson', 'group', 'contact'];
  const select = async (source: DirectorySource, ldapFilter: string): Promise<string[]> => {
    const out: string[] = [];
    for (const b of bases) {
      for await (const o of source.searchObjects!({ base: Dn.parse(b), scope: 'subtree', objectClasses: classes, ldapFilter })) out.push(Dn.parse(o.dn).key);
    }
    return out.sort();
  };

  it('for the filters an engineer writes: bits of userAccountControl and groupType, objectCategory, nesting, case, ordering, non-ASCII', async () => {
    const snapshot = new LdifDirectorySource({ file: path.join(__dirname, '..', '..', '..', 'fixtures', 'contoso-snapshot.ldif') });
    const ldap = new LdapDirectorySource(await ldapsOptions());
    try {
      const filters = [
        '(userAccountControl:1.2.840.113556.1.4.803:=2)',
        '(!(userAccountControl:1.2.840.113556.1.4.803:=2))',
        '(userAccountControl:1.2.840.113556.1.4.804:=65538)',
        '(groupType:1.2.840.113556.1.4.803:=2147483648)',
        '(objectCategory=person)',
        '(objectCategory=group)',
        '(&(objectCategory=person)(objectClass=contact))',
        `(memberOf=${fx('CN=Pilot Group,OU=Groups')})`,
        `(memberOf:1.2.840.113556.1.4.1941:=${fx('CN=Pilot Group,OU=Groups')})`,
        `(member:1.2.840.113556.1.4.1941:=${fx('CN=Pilot Nested,OU=Engineering')})`,
        `(manager=${fx('CN=Carol Diaz,OU=Engineering').toLowerCase()})`,
        '(department=ENGINEERING)',
        '(cn>=M)',
        '(&(cn<=F)(!(cn<=C)))',
        '(sn=Ñúñez)',
        '(sn=\\c3\\91\\c3\\ba\\c3\\b1ez)',
        '(|(mail=*)(proxyAddresses=smtp:*))',
      ];
      for (const filter of filters) {
        const live = await select(ldap, filter);
        assert.deepEqual(await select(snapshot, filter), live, filter);
      }
      // What a directory answers is not empty for the filters that ought to select something.
      assert.ok((await select(ldap, filters[0]!)).length >= 2, 'disabled accounts exist in the fixtures');
      assert.ok((await select(ldap, filters[8]!)).length >= 2, 'Pilot Group has a direct and a nested member');
      assert.equal((await select(ldap, '(sn=\\c3\\91\\c3\\ba\\c3\\b1ez)')).length, 1, 'the escaped UTF-8 form finds Zoë Ñúñez in the directory');
      // objectSid in its S-1-... form, and objectGUID as escaped bytes: each source with its own values.
      for (const source of [snapshot, ldap]) {
        const alice = await source.readObject(Dn.parse(fx('CN=Alice Wu,OU=Sales')));
        assert.equal(alice.status, 'found');
        if (alice.status !== 'found') continue;
        const sid = sidBytesToString(alice.object.attributes.objectSid![0] as Uint8Array);
        const guid = [...(alice.object.attributes.objectGUID![0] as Uint8Array)].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
        assert.deepEqual(await select(source, `(objectSid=${sid})`), [Dn.parse(fx('CN=Alice Wu,OU=Sales')).key], `${source.kind}: objectSid=${sid}`);
        assert.deepEqual(await select(source, `(objectGUID=${guid})`), [Dn.parse(fx('CN=Alice Wu,OU=Sales')).key], `${source.kind}: objectGUID as bytes`);
      }
    } finally {
      await ldap.close();
    }
  });
});

// Run directly (node --test), a Samba this file started is stopped again at the end.
after(() => releaseSamba());
