import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { LdifDirectorySource, parseLdif, toLdif } from '../../../../src/adapters/ad';
import { ldifSpans, parseLdifSpan } from '../../../../src/adapters/ad/ldif/ldif';
import type { DirectoryObject } from '../../../../src/engine/model/directory-object';
import { SyncError } from '../../../../src/engine/errors/sync-error';
import { guidBytesToString } from '../../../../src/engine/model/ad-codecs';
import { getValues } from '../../../../src/engine/model/attributes';
import { Dn } from '../../../../src/engine/model/dn';

const guid = Buffer.from('33221100554477668899aabbccddeeff', 'hex');
const sample = [
  '# ldifde-style export',
  'version: 1',
  '',
  'dn: DC=corp,DC=contoso,DC=com',
  'changetype: add',
  'objectClass: top',
  'objectClass: domainDNS',
  '',
  'dn: OU=Sales,DC=corp,DC=contoso,DC=com',
  'objectClass: organizationalUnit',
  '',
  'dn: CN=Smith\\, John,OU=Sales,DC=corp,DC=contoso,DC=com',
  'changetype: add',
  'objectClass: user',
  `objectGUID:: ${guid.toString('base64')}`,
  'description: a long description that is folded over',
  '  two lines',
  `displayName:: ${Buffer.from('Zoë <b>', 'utf8').toString('base64')}`,
  'member;range=0-1: CN=a,DC=x',
  '',
  'dn: OU=EMEA,OU=Sales,DC=corp,DC=contoso,DC=com',
  'objectClass: top',
  'objectClass: organizationalUnit',
  '',
  `dn:: ${Buffer.from('CN=Zoë,OU=Sales,DC=corp,DC=contoso,DC=com').toString('base64')}`,
  'objectClass: user',
  '',
  'dn: CN=G,OU=Sales,DC=corp,DC=contoso,DC=com',
  'objectClass: group',
  'member: CN=Smith\\2C John,OU=Sales,DC=corp,DC=contoso,DC=com',
  '',
].join('\n');

describe('parseLdif', () => {
  const objects = parseLdif(sample);

  it('reads records with and without changetype: add', () => {
    assert.equal(objects.length, 6);
    assert.equal(objects[1]?.dn, 'OU=Sales,DC=corp,DC=contoso,DC=com');
  });

  it('decodes base64 binary values to bytes and base64 text to UTF-8', () => {
    const john = objects[2]!;
    const bytes = getValues(john.attributes, 'objectGUID')?.[0];
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(guidBytesToString(bytes), '00112233-4455-6677-8899-aabbccddeeff');
    assert.deepEqual(getValues(john.attributes, 'displayName'), ['Zoë <b>']);
    assert.equal(objects[4]?.dn, 'CN=Zoë,OU=Sales,DC=corp,DC=contoso,DC=com');
  });

  it('unfolds continuation lines and merges ranged attributes', () => {
    assert.deepEqual(getValues(objects[2]!.attributes, 'description'), ['a long description that is folded over two lines']);
    assert.deepEqual(getValues(objects[2]!.attributes, 'member'), ['CN=a,DC=x']);
  });

  it('reports the line of a problem', () => {
    assert.throws(() => parseLdif('dn: CN=a,DC=x\nchangetype: modify\n'), /line 2: only "changetype: add"/);
    assert.throws(() => parseLdif('version: 1\n\nobjectClass: top\n'), /line 3: a record must start with "dn:"/);
    assert.throws(() => parseLdif('dn: CN=a,DC=x\nnot a line\n'), /line 2: expected "attribute: value"/);
    assert.throws(() => parseLdif('dn: CN=a,DC=x\nobjectGUID:: ***\n'), /line 2: the base64 value is malformed/);
  });

  it('round-trips through toLdif (binary, non-ASCII, leading space, long values)', () => {
    const original = [
      { dn: 'CN=Zoë Trailing\\ ,OU=x,DC=y', attributes: { objectGUID: [new Uint8Array(guid)], cn: ['Trailing Space '], description: [' lead', 'x'.repeat(200)], sn: ['Ñúñez'] } },
    ];
    const text = toLdif(original);
    assert.match(text, /^dn:: /m, 'a non-ASCII DN is base64-encoded');
    assert.ok(text.split('\n').every((l) => l.length <= 76), 'lines are folded at 76');
    assert.deepEqual(parseLdif(text), original);
  });
});

describe('LdifDirectorySource', () => {
  const source = new LdifDirectorySource({ text: sample, name: 'sample.ldif' });

  it('reads an object by any spelling of its DN', async () => {
    const r = await source.readObject(Dn.parse('cn=smith\\2c john, ou=SALES,dc=corp,dc=contoso,dc=com'));
    assert.equal(r.status, 'found');
    assert.equal(r.status === 'found' && r.object.dn, 'CN=Smith\\, John,OU=Sales,DC=corp,DC=contoso,DC=com');
  });

  it('answers notFound with the closest existing parent', async () => {
    assert.deepEqual(await source.readObject(Dn.parse('CN=Nobody,OU=EMEA,OU=Sales,DC=corp,DC=contoso,DC=com')), {
      status: 'notFound',
      matchedDn: 'OU=EMEA,OU=Sales,DC=corp,DC=contoso,DC=com',
    });
  });

  it('takes parsed names only: a malformed DN is refused where it enters', () => {
    assert.throws(() => source.readObject(Dn.parse('CN=a,,DC=x')), (err: unknown) => err instanceof SyncError && err.code === 'MalformedDistinguishedName');
  });

  it('lists children containers first, in pages with a continuation', async () => {
    const first = await source.listChildren(Dn.parse('OU=Sales,DC=corp,DC=contoso,DC=com'), { pageSize: 2 });
    assert.deepEqual(first.children.map((c) => [c.name, c.isContainer]), [['EMEA', true], ['Smith, John', false]]);
    assert.ok(first.continuation);
    const second = await source.listChildren(Dn.parse('OU=Sales,DC=corp,DC=contoso,DC=com'), { pageSize: 2, continuation: first.continuation });
    assert.deepEqual(second.children.map((c) => c.name), ['Zoë', 'G']);
    assert.equal(second.continuation, undefined);
    assert.equal(second.children[0]?.objectGuid, undefined);
    assert.equal(first.children[1]?.objectGuid, '00112233-4455-6677-8899-aabbccddeeff');
  });

  it('refuses a continuation from another listing', async () => {
    const first = await source.listChildren(Dn.parse('OU=Sales,DC=corp,DC=contoso,DC=com'), { pageSize: 1 });
    await assert.rejects(source.listChildren(Dn.parse('DC=corp,DC=contoso,DC=com'), { pageSize: 1, continuation: first.continuation }), /ContinuationExpired/);
    await assert.rejects(source.listChildren(Dn.parse('DC=corp,DC=contoso,DC=com'), { pageSize: 1, continuation: 'garbage' }), /ContinuationExpired/);
  });

  it('checks direct membership with DN comparison as AD does', async () => {
    assert.equal(await source.isDirectMember(Dn.parse('CN=G,OU=Sales,DC=corp,DC=contoso,DC=com'), Dn.parse('CN=Smith\\, John,OU=Sales,DC=corp,DC=contoso,DC=com')), true);
    assert.equal(await source.isDirectMember(Dn.parse('CN=G,OU=Sales,DC=corp,DC=contoso,DC=com'), Dn.parse('CN=Zoë,OU=Sales,DC=corp,DC=contoso,DC=com')), false);
    await assert.rejects(source.isDirectMember(Dn.parse('CN=Missing,DC=corp,DC=contoso,DC=com'), Dn.parse('CN=x,DC=y')), /NoSuchObject/);
  });

  it('derives RootDSE and the partition from the DNs when the file has neither', async () => {
    const dse = await source.rootDse();
    assert.equal(dse.defaultNamingContext, 'DC=corp,DC=contoso,DC=com');
    assert.deepEqual((await source.partitions()).map((p) => ({ ...p, dn: p.dn.toString() })), [{ dn: 'DC=corp,DC=contoso,DC=com', dnsRoot: 'corp.contoso.com' }]);
  });

  it('reads UTF-16 files with a byte-order mark (ldifde -u) and CRLF line ends', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sos-ldif-'));
    const file = path.join(dir, 'export-unicode.ldf');
    const text = 'dn: CN=Zoë Ñúñez,OU=Paris,DC=corp,DC=contoso,DC=com\r\nchangetype: add\r\nsn: Ñúñez\r\n\r\n';
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const unicode = new LdifDirectorySource({ file });
    const r = await unicode.readObject(Dn.parse('CN=Zoë Ñúñez,OU=Paris,DC=corp,DC=contoso,DC=com'));
    assert.equal(r.status, 'found');
    assert.deepEqual(r.status === 'found' && getValues(r.object.attributes, 'sn'), ['Ñúñez']);
  });

  it('turns an unreadable file into LdifUnreadable with the line', async () => {
    const broken = new LdifDirectorySource({ text: 'dn: CN=a,DC=x\nchangetype: delete\n', name: 'broken.ldif' });
    await assert.rejects(broken.readObject(Dn.parse('CN=a,DC=x')), (err: unknown) => err instanceof SyncError && err.code === 'LdifUnreadable' && /broken\.ldif could not be read at line 2/.test(err.reason));
    const missing = new LdifDirectorySource({ file: '/nonexistent/snapshot.ldif' });
    await assert.rejects(missing.rootDse(), /LdifUnreadable/);
  });

  it('names the line of a record whose distinguished name is malformed (a hostile or hand-edited snapshot)', async () => {
    const hostile = Buffer.from('CN=<img src=x onerror=alert(1)>,DC=x').toString('base64');
    const text = `version: 1\n\ndn: DC=x\nobjectClass: domain\n\n# a comment\ndn:: ${hostile}\nobjectClass: user\n`;
    const source = new LdifDirectorySource({ text, name: 'hostile.ldif' });
    await assert.rejects(source.rootDse(), (err: unknown) => err instanceof SyncError && err.code === 'LdifUnreadable' && /hostile\.ldif could not be read at line 7: the distinguished name is malformed/.test(err.reason) && !/line \?/.test(err.reason));
  });
});

describe('the committed snapshot test/fixtures/contoso-snapshot.ldif', () => {
  const file = path.join(__dirname, '..', '..', '..', 'fixtures', 'contoso-snapshot.ldif');
  const source = new LdifDirectorySource({ file });

  it('has the RootDSE, the domain partition with its NetBIOS name and the fixture tree', async () => {
    assert.equal((await source.rootDse()).defaultNamingContext, 'DC=corp,DC=contoso,DC=com');
    assert.deepEqual((await source.partitions()).map((p) => ({ ...p, dn: p.dn.toString() })), [{ dn: 'DC=corp,DC=contoso,DC=com', dnsRoot: 'corp.contoso.com', netbiosName: 'CORP' }]);
    const top = await source.listChildren(Dn.parse('OU=Contoso,DC=corp,DC=contoso,DC=com'), { pageSize: 50 });
    assert.deepEqual(top.children.map((c) => c.name).sort(), ['Bulk', 'Computers', 'Contacts', 'Engineering', 'Excluded', 'Groups', 'Sales']);
  });

  it('keeps binary values and tricky DNs intact', async () => {
    const carol = await source.readObject(Dn.parse('CN=Carol Diaz,OU=Engineering,OU=Contoso,DC=corp,DC=contoso,DC=com'));
    assert.equal(carol.status, 'found');
    const cg = carol.status === 'found' ? getValues(carol.object.attributes, 'mS-DS-ConsistencyGuid')?.[0] : undefined;
    assert.ok(cg instanceof Uint8Array);
    assert.equal(guidBytesToString(cg), '6f1a3c2e-9b4d-4e8f-a1b2-c3d4e5f60718');
    for (const dn of ['CN=Trailing Space\\ ,OU=Paris,OU=EMEA,OU=Sales', 'CN=Smith\\, John,OU=EMEA,OU=Sales', 'CN=A\\+B,OU=EMEA,OU=Sales', 'CN=Zoë Ñúñez,OU=Paris,OU=EMEA,OU=Sales']) {
      assert.equal((await source.readObject(Dn.parse(`${dn},OU=Contoso,DC=corp,DC=contoso,DC=com`))).status, 'found', dn);
    }
    assert.ok(readFileSync(file, 'utf8').includes('objectSid:: '));
  });
});

describe('records parsed on demand (the snapshot keeps its text and where each record is)', () => {
  const file = path.join(__dirname, '..', '..', '..', 'fixtures', 'contoso-snapshot.ldif');
  const plain = (o: DirectoryObject) => ({ dn: o.dn, attributes: o.attributes });
  const all = async (source: LdifDirectorySource, base: string, scope: 'one' | 'subtree') => {
    const out: DirectoryObject[] = [];
    for await (const o of source.searchObjects({ base: Dn.parse(base), scope, objectClasses: ['user', 'group', 'contact', 'inetOrgPerson'] })) out.push(o);
    return out;
  };

  it('splits a text into the spans of its records (CRLF, a byte-order mark, no newline at the end), each parsing as the whole text does', () => {
    const text = '\uFEFFversion: 1\r\n\r\ndn: CN=a,DC=x\r\ncn: a\r\n  b\r\n\r\n\r\n# only a comment\r\n\r\ndn: CN=c,DC=x\r\nsn: c';
    const spans = [...ldifSpans(text)];
    assert.deepEqual(spans.map((s) => s.line), [1, 3, 8, 10]);
    const parsed = spans.map((s) => parseLdifSpan(text, s)).filter((r) => r !== undefined);
    assert.deepEqual(parsed.map((r) => r.line), [3, 10]);
    assert.deepEqual(parsed.map((r) => r.object), parseLdif(text).map(plain));
    assert.deepEqual(getValues(parsed[0]!.object.attributes, 'cn'), ['a b']);
    assert.deepEqual(getValues(parsed[1]!.object.attributes, 'sn'), ['c']);
  });

  it('reads every record of the committed snapshot as the eager parse gives it, each read a new object', async () => {
    const text = readFileSync(file, 'utf8');
    const source = new LdifDirectorySource({ file });
    const records = parseLdif(text).filter((r) => r.dn.trim() !== '');
    assert.ok(records.length > 40);
    for (const record of records) {
      const read = await source.readObject(Dn.parse(record.dn));
      assert.equal(read.status, 'found', record.dn);
      assert.deepEqual(read.status === 'found' && read.object, plain(record), record.dn);
      assert.equal(read.status === 'found' && Object.getOwnPropertyNames(read.object).includes('line'), false, 'the line does not travel with the object');
    }
    const carol = Dn.parse('CN=Carol Diaz,OU=Engineering,OU=Contoso,DC=corp,DC=contoso,DC=com');
    const first = await source.readObject(carol);
    if (first.status === 'found') first.object.attributes.displayName = ['changed by the caller'];
    const second = await source.readObject(carol);
    assert.notDeepEqual(second.status === 'found' && getValues(second.object.attributes, 'displayName'), ['changed by the caller']);
  });

  it('searches a scope in file order, the base included in a subtree, as the records of the file say', async () => {
    const text = readFileSync(file, 'utf8');
    const source = new LdifDirectorySource({ file });
    const base = Dn.parse('OU=Contoso,DC=corp,DC=contoso,DC=com');
    const wanted = (scope: 'one' | 'subtree') =>
      parseLdif(text)
        .filter((r) => r.dn.trim() !== '')
        .filter((r) => (scope === 'one' ? Dn.parse(r.dn).parent()?.equals(base) === true : Dn.parse(r.dn).isWithin(base)))
        .filter((r) => (getValues(r.attributes, 'objectClass') ?? []).some((c) => ['user', 'group', 'contact', 'inetorgperson'].includes(String(c).toLowerCase())))
        .map(plain);
    const subtree = await all(source, base.toString(), 'subtree');
    assert.ok(subtree.length > 20);
    assert.deepEqual(subtree, wanted('subtree'));
    assert.deepEqual(await all(source, base.toString(), 'one'), wanted('one'));
  });

  // A DN given twice is refused (LdifUnreadable naming both lines): test/unit/adapters/ad/ldif-hostile-snapshot.test.ts.
  it('finds objects below a parent that is not in the file', async () => {
    const text = [
      'dn: DC=x', 'objectClass: domainDNS', '',
      'dn: CN=one,DC=x', 'objectClass: user', 'cn: one', '',
      'dn: CN=orphan,OU=Missing,DC=x', 'objectClass: user', '',
      'dn: CN=other,DC=x', 'objectClass: user', '',
    ].join('\n');
    const source = new LdifDirectorySource({ text, name: 'edge.ldif' });
    assert.deepEqual((await all(source, 'DC=x', 'subtree')).map((o) => [o.dn, getValues(o.attributes, 'cn')]), [
      ['CN=one,DC=x', ['one']],
      ['CN=orphan,OU=Missing,DC=x', undefined],
      ['CN=other,DC=x', undefined],
    ]);
    assert.deepEqual((await all(source, 'DC=x', 'one')).map((o) => o.dn), ['CN=one,DC=x', 'CN=other,DC=x']);
    await assert.rejects(all(source, 'OU=Missing,DC=x', 'subtree'), /NoSuchObject/);
  });

  it('names the line of a problem in a record far into a large snapshot', async () => {
    const records: string[] = ['version: 1', ''];
    for (let i = 0; i < 3000; i++) records.push(`dn: CN=u${i},DC=x`, 'objectClass: user', `description: user ${i}`, ' folded', '');
    // Record 2500 (0-based) starts at line 3 + 2500 * 5; its third line is broken.
    records[2 + 2500 * 5 + 2] = 'no colon on this line';
    const source = new LdifDirectorySource({ text: records.join('\n'), name: 'large.ldif' });
    await assert.rejects(source.rootDse(), (err: unknown) => err instanceof SyncError && err.code === 'LdifUnreadable' && /large\.ldif could not be read at line 12505: expected "attribute: value"/.test(err.reason));
    const badDn = [...records];
    badDn[2 + 2500 * 5 + 2] = 'description: fine';
    badDn[2 + 2999 * 5] = 'dn: CN=a,,DC=x';
    await assert.rejects(new LdifDirectorySource({ text: badDn.join('\n'), name: 'large.ldif' }).rootDse(), (err: unknown) => err instanceof SyncError && /at line 14998: the distinguished name is malformed/.test(err.reason));
  });
});
