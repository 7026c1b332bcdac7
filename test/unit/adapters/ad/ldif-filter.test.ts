// --ldap-filter over an LDIF snapshot, evaluated as Active Directory evaluates it ([MS-ADTS]
// 3.1.1.3.1.3 search filters, 3.1.1.3.1.3.5 objectCategory, 3.1.1.3.4.4 matching rules), since a
// snapshot has no server: the cases are the documented behaviours, not this code's output.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BerWriter, FilterParser } from 'ldapts';
import { LdifDirectorySource } from '../../../../src/adapters/ad';
import { scopeFilter } from '../../../../src/adapters/ad/ldap/filters';
import { SyncError } from '../../../../src/engine/errors/sync-error';
import { Dn } from '../../../../src/engine/model/dn';

const base = 'OU=Lab,DC=fabrikam,DC=com';
const sid = Buffer.from('010500000000000515000000a065cf7e784b9b5fe77c8770e8030000', 'hex'); // S-1-5-21-2127521184-1604012920-1887927527-1000
const ldif = [
  'version: 1',
  '', 'dn: DC=fabrikam,DC=com', 'objectClass: domainDNS',
  '', `dn: ${base}`, 'objectClass: organizationalUnit',
  '', `dn: CN=Ann Disabled,${base}`, 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user',
  'objectCategory: CN=Person,CN=Schema,CN=Configuration,DC=fabrikam,DC=com', 'cn: Ann Disabled', 'sn: Disabled', 'department: Sales',
  'userAccountControl: 514', 'uSNChanged: 999', 'whenChanged: 20240301120000.0Z', 'employeeID: 007', `objectSid:: ${sid.toString('base64')}`,
  `manager: CN=Bob Enabled,${base}`,
  '', `dn: CN=Bob Enabled,${base}`, 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user',
  'objectCategory: CN=Person,CN=Schema,CN=Configuration,DC=fabrikam,DC=com', 'cn: Bob Enabled', 'sn: Müller', 'department: sales',
  'userAccountControl: 66048', 'uSNChanged: 1000', 'whenChanged: 20250101000000.0Z', 'employeeID: 7',
  '', `dn: CN=Carl Contact,${base}`, 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: contact',
  'objectCategory: CN=Person,CN=Schema,CN=Configuration,DC=fabrikam,DC=com', 'cn: Carl Contact', 'department: Marketing',
  // Groups: Inner holds Ann; Outer holds Inner (nesting); no memberOf is written (ldifde -o memberOf).
  '', `dn: CN=Inner,${base}`, 'objectClass: top', 'objectClass: group', 'objectCategory: CN=Group,CN=Schema,CN=Configuration,DC=fabrikam,DC=com',
  'cn: Inner', 'groupType: -2147483646', `member: CN=Ann Disabled,${base}`,
  '', `dn: CN=Outer,${base}`, 'objectClass: top', 'objectClass: group', 'objectCategory: CN=Group,CN=Schema,CN=Configuration,DC=fabrikam,DC=com',
  'cn: Outer', 'groupType: 2', `member: cn=inner, ou=lab, dc=fabrikam, dc=com`,
  '',
].join('\n');

const dir = mkdtempSync(path.join(tmpdir(), 'sos-ldif-filter-'));
const file = path.join(dir, 'lab.ldif');
writeFileSync(file, ldif);
const source = new LdifDirectorySource({ file });

async function names(filter: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of source.searchObjects({ base: Dn.parse(base), scope: 'subtree', objectClasses: ['user', 'group', 'contact'], ldapFilter: filter })) {
    out.push(/^CN=([^,]+)/.exec(o.dn)![1]!);
  }
  return out.sort();
}

describe('an LDIF snapshot filters as Active Directory does', () => {
  it('strings compare without case, and approxMatch is equalityMatch (3.1.1.3.1.3.1)', async () => {
    assert.deepEqual(await names('(department=SALES)'), ['Ann Disabled', 'Bob Enabled']);
    assert.deepEqual(await names('(department~=sales)'), ['Ann Disabled', 'Bob Enabled'], '~= is = in AD');
    assert.deepEqual(await names('(cn=*CONTACT)'), ['Carl Contact']);
    assert.deepEqual(await names('(cn=a*dis*ed)'), ['Ann Disabled']);
  });

  it('userAccountControl bits: LDAP_MATCHING_RULE_BIT_AND and BIT_OR (3.1.1.3.4.4)', async () => {
    assert.deepEqual(await names('(userAccountControl:1.2.840.113556.1.4.803:=2)'), ['Ann Disabled'], 'disabled accounts: 514 has bit 2');
    assert.deepEqual(await names('(!(userAccountControl:1.2.840.113556.1.4.803:=2))'), ['Bob Enabled', 'Carl Contact', 'Inner', 'Outer'], 'NOT: every object without the bit, one without the attribute too');
    assert.deepEqual(await names('(userAccountControl:1.2.840.113556.1.4.803:=65538)'), [], 'BIT_AND needs every bit');
    assert.deepEqual(await names('(userAccountControl:1.2.840.113556.1.4.804:=65538)'), ['Ann Disabled', 'Bob Enabled'], 'BIT_OR needs one');
    assert.deepEqual(await names('(groupType:1.2.840.113556.1.4.803:=2147483648)'), ['Inner'], 'a security group: the sign bit of a negative Integer');
  });

  it('Integer attributes order as numbers; generalized times as times; text as text', async () => {
    assert.deepEqual(await names('(uSNChanged>=1000)'), ['Bob Enabled'], '999 < 1000 though "999" > "1000" as text');
    assert.deepEqual(await names('(uSNChanged<=999)'), ['Ann Disabled']);
    assert.deepEqual(await names('(userAccountControl=0514)'), ['Ann Disabled'], 'an Integer written with a leading zero');
    assert.deepEqual(await names('(whenChanged>=20250101000000Z)'), ['Bob Enabled']);
    assert.deepEqual(await names('(employeeID=7)'), ['Bob Enabled'], 'a Unicode string "007" is not 7');
    assert.deepEqual(await names('(cn>=C)'), ['Carl Contact', 'Inner', 'Outer']);
  });

  it('"(objectCategory=person)" names a class and means its defaultObjectCategory (3.1.1.3.1.3.5)', async () => {
    assert.deepEqual(await names('(objectCategory=person)'), ['Ann Disabled', 'Bob Enabled', 'Carl Contact']);
    assert.deepEqual(await names('(objectCategory=contact)'), ['Ann Disabled', 'Bob Enabled', 'Carl Contact'], 'contact\'s defaultObjectCategory is Person');
    assert.deepEqual(await names('(&(objectCategory=person)(objectClass=contact))'), ['Carl Contact']);
    assert.deepEqual(await names('(objectCategory=group)'), ['Inner', 'Outer']);
    assert.deepEqual(await names('(objectCategory=CN=Group,CN=Schema,CN=Configuration,DC=fabrikam,DC=com)'), ['Inner', 'Outer'], 'the DN itself');
  });

  it('DN values compare as DNs; memberOf is the back link of member; LDAP_MATCHING_RULE_TRANSITIVE_EVAL follows nesting', async () => {
    assert.deepEqual(await names(`(manager=cn=bob enabled, ou=lab, dc=fabrikam, dc=com)`), ['Ann Disabled']);
    assert.deepEqual(await names(`(memberOf=CN=Inner,${base})`), ['Ann Disabled'], 'no memberOf in the file: from Inner\'s member');
    assert.deepEqual(await names(`(memberOf=CN=Outer,${base})`), ['Inner']);
    assert.deepEqual(await names(`(memberOf:1.2.840.113556.1.4.1941:=CN=Outer,${base})`), ['Ann Disabled', 'Inner'], 'Ann through Inner');
    assert.deepEqual(await names(`(member:1.2.840.113556.1.4.1941:=CN=Ann Disabled,${base})`), ['Inner', 'Outer'], 'the groups holding Ann, directly or nested');
  });

  it('non-ASCII values: typed, or escaped as UTF-8 octets (RFC 4515), mean the same; objectSid in its S-1-... form', async () => {
    assert.deepEqual(await names('(sn=Müller)'), ['Bob Enabled']);
    assert.deepEqual(await names('(sn=M\\c3\\bcller)'), ['Bob Enabled']);
    assert.deepEqual(await names('(sn=m\\C3\\BCLLER)'), ['Bob Enabled']);
    assert.deepEqual(await names('(objectSid=S-1-5-21-2127521184-1604012920-1887927527-1000)'), ['Ann Disabled']);
    const escaped = [...sid].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
    assert.deepEqual(await names(`(objectSid=${escaped})`), ['Ann Disabled'], 'the SID as escaped bytes');
  });

  it('an extensible match without an attribute is Undefined, and stays Undefined under NOT (3.1.1.3.1.3.1)', async () => {
    assert.deepEqual(await names('(:1.2.840.113556.1.4.803:=2)'), []);
    assert.deepEqual(await names('(!(:1.2.840.113556.1.4.803:=2))'), []);
    assert.deepEqual(await names('(|(:1.2.840.113556.1.4.803:=2)(cn=Inner))'), ['Inner'], 'OR: one True clause is enough');
  });

  it('a matching rule AD does not have, or DN_WITH_DATA, is InvalidLdapFilter before anything is read', async () => {
    for (const [filter, problem] of [['(cn:2.5.13.2:=Inner)', /has no matching rule "2\.5\.13\.2"/], ['(member:1.2.840.113556.1.4.2253:=B:4:ABCD:CN=x)', /cannot evaluate LDAP_MATCHING_RULE_DN_WITH_DATA/]] as const) {
      await assert.rejects(names(filter), (err: unknown) => err instanceof SyncError && err.code === 'InvalidLdapFilter' && problem.test(err.reason), filter);
    }
  });
});

describe('the filter sent to a directory carries the octets the user wrote', () => {
  it('"Müller" and "M\\c3\\bcller" become the same UTF-8 assertion; bytes that are not UTF-8 stay bytes', () => {
    const value = (f: string) => ((scopeFilter(['user'], f) as unknown as { filters: { value: unknown }[] }).filters[1]!.value);
    assert.equal(value('(sn=Müller)'), 'Müller');
    assert.equal(value('(sn=M\\c3\\bcller)'), 'Müller');
    assert.deepEqual(value('(objectGUID=\\01\\ff\\80)'), Buffer.from([0x01, 0xff, 0x80]));
    // What goes on the wire: the BER of the equality holds the UTF-8 octets once, not re-encoded.
    const ber = (f: string) => { const w = new BerWriter(); scopeFilter(['user'], f).write(w); return Buffer.from(w.buffer); };
    assert.ok(ber('(sn=M\\c3\\bcller)').includes(Buffer.from('Müller', 'utf8')));
    assert.ok(!ber('(sn=M\\c3\\bcller)').includes(Buffer.from('MÃ¼ller', 'utf8')));
    assert.ok(ber('(objectGUID=\\01\\ff\\80)').includes(Buffer.from([0x01, 0xff, 0x80])));
    assert.equal(FilterParser.parseString('(sn=x)').toString(), '(sn=x)');
  });
});
