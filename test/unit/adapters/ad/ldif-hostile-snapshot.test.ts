// An LDIF snapshot as a careless or hostile hand leaves it: a plain value in Latin-1 (bytes that
// are not UTF-8 would become U+FFFD and be synced), and the same entry twice (the last one would
// win without a word). Each is LdifUnreadable at its line, read from a file as a configuration's
// ldifFile is.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LdifDirectorySource } from '../../../../src/adapters/ad';
import { undecodableAt } from '../../../../src/adapters/io/decode-text';
import { isSyncError, type SyncError } from '../../../../src/engine/errors';
import { getValues } from '../../../../src/engine/model/attributes';
import { Dn } from '../../../../src/engine/model/dn';

let dir: string;
before(async () => { dir = await mkdtemp(path.join(tmpdir(), 'sos-ldif-hostile-')); });
after(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

const domain = ['dn: DC=corp,DC=contoso,DC=com', 'changetype: add', 'objectClass: domainDNS', ''];
const user = (dn: string, extra: string[] = []) => [`dn: ${dn}`, 'changetype: add', 'objectClass: user', ...extra, ''];

async function snapshot(name: string, bytes: Buffer | string): Promise<LdifDirectorySource> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return new LdifDirectorySource({ file });
}

async function refusal(source: LdifDirectorySource): Promise<SyncError> {
  try {
    await source.rootDse();
  } catch (err) {
    assert.ok(isSyncError(err), String(err));
    return err;
  }
  assert.fail('the snapshot was read');
}

describe('bytes that are not UTF-8 in a plain value', () => {
  test('a Latin-1 "Caf\\xe9" is LdifUnreadable at its line and character, not U+FFFD synced', async () => {
    const text = [...domain, ...user('CN=Raw,DC=corp,DC=contoso,DC=com', ['sAMAccountName: Raw'])].join('\n');
    const bytes = Buffer.concat([Buffer.from(text), Buffer.from('displayName: Caf'), Buffer.from([0xe9]), Buffer.from(' raw latin1\n')]);
    const err = await refusal(await snapshot('latin1.ldif', bytes));
    assert.equal(err.code, 'LdifUnreadable');
    assert.match(err.reason, /latin1\.ldif could not be read at line 9: the text at character 17 is not UTF-8/);
    assert.match(err.reason, /base64-encoded after "::"/);
    assert.doesNotMatch(err.reason, /\uFFFD/);
    assert.match(err.recommendedAction, /Export the snapshot again/);
  });

  test('Windows-1252 in a DN, and UTF-16 with a lone surrogate, name their line too', async () => {
    const cp1252 = Buffer.concat([Buffer.from([...domain, ''].join('\n')), Buffer.from('dn: CN=M'), Buffer.from([0xfc]), Buffer.from('ller,DC=corp,DC=contoso,DC=com\nobjectClass: user\n')]);
    assert.match((await refusal(await snapshot('cp1252.ldif', cp1252))).reason, /at line 5: the text at character 9 is not UTF-8/);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from([...domain, 'dn: CN=A,DC=corp,DC=contoso,DC=com', 'cn: x'].join('\n'), 'utf16le'), Buffer.from([0x00, 0xd8]), Buffer.from('\n', 'utf16le')]);
    assert.match((await refusal(await snapshot('utf16.ldif', utf16))).reason, /at line 6: the text at character 6 is not UTF-16 LE \(half of a surrogate pair/);
  });

  test('UTF-8 text of any script, a byte-order mark, and base64 values that are not text still read', async () => {
    const text = ['\uFEFFversion: 1', '', ...domain, ...user('CN=Müller 名前,DC=corp,DC=contoso,DC=com', ['displayName: Café 😀', `objectGUID:: ${Buffer.from([0xe9, 0xff, 0, 1]).toString('base64')}`])].join('\n');
    const source = await snapshot('fine.ldif', text);
    const read = await source.readObject(Dn.parse('CN=Müller 名前,DC=corp,DC=contoso,DC=com'));
    assert.equal(read.status, 'found');
    assert.deepEqual(read.status === 'found' && getValues(read.object.attributes, 'displayName'), ['Café 😀']);
  });

  test('undecodableAt finds what the fatal decoder refuses: overlong forms, surrogates, a cut sequence at the end', () => {
    assert.equal(undecodableAt(Buffer.from('a\nCafé\n')), undefined);
    assert.deepEqual(undecodableAt(Buffer.from([0x61, 0x0a, 0xc0, 0xaf])), { line: 2, column: 1, encoding: 'utf-8' }, 'overlong /');
    assert.deepEqual(undecodableAt(Buffer.from([0x0a, 0x0a, 0x62, 0xed, 0xa0, 0x80])), { line: 3, column: 2, encoding: 'utf-8' }, 'an encoded surrogate');
    assert.deepEqual(undecodableAt(Buffer.from([0x78, 0xc3])), { line: 1, column: 2, encoding: 'utf-8' }, 'a sequence cut at the end');
    assert.deepEqual(undecodableAt(Buffer.from([0xef, 0xbb, 0xbf, 0xe2, 0x82, 0xac, 0xf5])), { line: 1, column: 2, encoding: 'utf-8' }, 'after a mark and a euro sign');
  });
});

describe('the same entry twice', () => {
  test('two entries of one DN: LdifUnreadable naming both lines, whichever spelling the second uses', async () => {
    const spellings = ['CN=Dupe,DC=corp,DC=contoso,DC=com', 'cn=DUPE,dc=CORP,dc=contoso,dc=com', 'CN=Dupe, DC=corp, DC=contoso, DC=com', 'CN=\\44upe,DC=corp,DC=contoso,DC=com'];
    for (const [k, second] of spellings.entries()) {
      const text = [...domain, ...user('CN=Dupe,DC=corp,DC=contoso,DC=com', ['displayName: first']), ...user('CN=Other,DC=corp,DC=contoso,DC=com'), ...user(second, ['displayName: second'])].join('\n');
      const err = await refusal(await snapshot(`dup-${k}.ldif`, text));
      assert.equal(err.code, 'LdifUnreadable', second);
      assert.match(err.reason, /could not be read at line 14: the entry .* is there twice, at line 5 and at line 14/, second);
      assert.match(err.reason, /remove one of the two/);
    }
  });

  test('DNs that differ only as DNs may (another value, another level) are two entries', async () => {
    const text = [...domain, ...user('CN=Dupe,DC=corp,DC=contoso,DC=com'), ...user('CN=Dupe2,DC=corp,DC=contoso,DC=com'), ...user('CN=Dupe,CN=Users,DC=corp,DC=contoso,DC=com')].join('\n');
    const source = await snapshot('distinct.ldif', text);
    assert.equal((await source.readObject(Dn.parse('CN=Dupe,CN=Users,DC=corp,DC=contoso,DC=com'))).status, 'found');
    assert.equal((await source.readObject(Dn.parse('cn=dupe2,DC=corp,DC=contoso,DC=com'))).status, 'found');
  });

  test('two RootDSE entries (an empty "dn:") are refused the same way', async () => {
    const text = ['dn:', 'defaultNamingContext: DC=corp,DC=contoso,DC=com', '', ...domain, 'dn:', 'defaultNamingContext: DC=evil,DC=com', ''].join('\n');
    assert.match((await refusal(await snapshot('rootdse.ldif', text))).reason, /at line 8: a second RootDSE entry \(an empty "dn:"\), after the one of line 1/);
  });

  test('the committed snapshot holds no entry twice', async () => {
    const source = new LdifDirectorySource({ file: path.join(__dirname, '..', '..', '..', 'fixtures', 'contoso-snapshot.ldif') });
    assert.ok((await source.rootDse()).defaultNamingContext);
  });
});
