import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SyncError } from '../../../../src/engine/errors/sync-error';
import {
  childDn,
  dnEquals,
  escapeDnValue,
  formatDn,
  isDescendantOf,
  normalizeDn,
  parentDn,
  parseDn,
  rdnType,
  rdnValue,
  validateDnInput,
} from '../../../../src/engine/model/dn';

function malformedAt(dn: string): { position: number; reason: string } {
  try {
    parseDn(dn);
  } catch (err) {
    assert.ok(err instanceof SyncError, 'a SyncError');
    assert.equal(err.code, 'MalformedDistinguishedName');
    return { position: err.details.position as number, reason: err.reason };
  }
  assert.fail(`expected ${JSON.stringify(dn)} to be rejected`);
}

describe('parseDn', () => {
  it('splits RDNs and unescapes values', () => {
    const rdns = parseDn('CN=Smith\\, John,OU=Sales,DC=contoso,DC=com');
    assert.deepEqual(rdns.map((r) => r.avas.map((a) => [a.type, a.value])), [
      [['CN', 'Smith, John']], [['OU', 'Sales']], [['DC', 'contoso']], [['DC', 'com']],
    ]);
  });

  it('reads multi-valued RDNs joined by +', () => {
    const [first] = parseDn('CN=Alice+sn=Wu,OU=x');
    assert.deepEqual(first?.avas.map((a) => [a.type, a.value]), [['CN', 'Alice'], ['sn', 'Wu']]);
  });

  it('keeps an escaped + inside a value', () => {
    assert.equal(rdnValue('CN=A\\+B,OU=EMEA'), 'A+B');
    assert.equal(parseDn('CN=A\\+B,OU=EMEA')[0]?.avas.length, 1);
  });

  it('decodes hex escapes as UTF-8, and keeps non-ASCII letters as written', () => {
    assert.equal(rdnValue('CN=Zo\\C3\\AB \\C3\\91\\C3\\BA\\C3\\B1ez,OU=Paris'), 'Zoë Ñúñez');
    assert.equal(rdnValue('CN=Zoë Ñúñez,OU=Paris'), 'Zoë Ñúñez');
    assert.equal(rdnValue('CN=\\2C\\2b,OU=x'), ',+');
  });

  it('keeps an escaped trailing space, drops unescaped ones', () => {
    assert.equal(rdnValue('CN=Trailing Space\\ ,OU=Paris'), 'Trailing Space ');
    assert.equal(rdnValue('CN=Trailing Space  ,OU=Paris'), 'Trailing Space');
    assert.equal(rdnValue('CN=\\ lead,OU=x'), ' lead');
  });

  it('reads escaped quotes and a leading #, and quoted values', () => {
    assert.equal(rdnValue('CN=\\"quoted\\",OU=x'), '"quoted"');
    assert.equal(rdnValue('CN=\\#hash,OU=x'), '#hash');
    assert.equal(rdnValue('CN="Smith, John",OU=x'), 'Smith, John');
  });

  it('reads #hex BER values', () => {
    const [rdn] = parseDn('CN=#04024869,OU=x');
    assert.equal(rdn?.avas[0]?.isHex, true);
    assert.equal(rdnValue('CN=#04024869,OU=x'), 'Hi');
  });

  it('accepts spaces around separators and OIDs as types', () => {
    assert.equal(parseDn(' CN = Alice Wu , OU=Sales ').length, 2);
    assert.equal(parseDn('2.5.4.3=Alice,OID.2.5.4.11=Sales').length, 2);
  });

  it('returns no RDNs for the empty (root) DN', () => {
    assert.deepEqual(parseDn(''), []);
  });
});

describe('malformed DNs are rejected with the position of the problem', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['CN=Smith, John,OU=x', 15, /'=' is missing|expected '='/],
    ['CN=a,,OU=x', 6, /attribute type must start/],
    ['CN=a,OU=x,', 10, /separator must be followed/],
    ['CN=a<b,OU=x', 5, /must be escaped/],
    ['CN=a\\zz,OU=x', 5, /not a valid escape/],
    ['CN=a\\4,OU=x', 5, /two hex digits/],
    ['CN=\\C3\\28,OU=x', 4, /not valid UTF-8/],
    ['CN=,OU=x', 4, /value is empty/],
    ['=a,OU=x', 1, /attribute type must start/],
    ['CN=#0G,OU=x', 6, /even, non-zero/],
    ['CN="open,OU=x', 4, /quoted value is not closed/],
    ['CN=a\\', 5, /backslash at the end/],
    ['CN', 3, /'=' is missing/],
  ];
  for (const [dn, position, reason] of cases) {
    it(`${JSON.stringify(dn)} at ${position}`, () => {
      const error = malformedAt(dn);
      assert.equal(error.position, position);
      assert.match(error.reason, reason);
      assert.match(error.reason, new RegExp(`at character ${position}:`));
    });
  }

  it('validateDnInput gives the input box a message, undefined when valid', () => {
    assert.equal(validateDnInput('CN=Alice Wu,OU=Sales,DC=corp,DC=contoso,DC=com'), undefined);
    assert.match(validateDnInput('CN=a,,b') ?? '', /character 6/);
    assert.match(validateDnInput('   ') ?? '', /Enter a distinguished name/);
  });
});

describe('normalize and compare', () => {
  it('compares case-insensitively as AD does, for types and values', () => {
    assert.ok(dnEquals('CN=Alice Wu,OU=Sales,DC=Corp,DC=Contoso,DC=Com', 'cn=alice wu,ou=sales,dc=corp,dc=contoso,dc=com'));
    assert.ok(dnEquals('CN=ZOË,OU=x', 'cn=zoë,ou=X'));
  });

  it('treats escaping variants and spacing as the same name', () => {
    assert.ok(dnEquals('CN=Smith\\, John,OU=x', 'CN=Smith\\2C John, OU=x'));
    assert.ok(dnEquals('CN="Smith, John",OU=x', 'CN=Smith\\, John,OU=x'));
    assert.ok(dnEquals('2.5.4.3=Alice,OU=x', 'CN=Alice,OU=x'));
  });

  it('sorts multi-valued RDN parts', () => {
    assert.equal(normalizeDn('SN=Wu+CN=Alice,OU=X'), normalizeDn('cn=alice+sn=wu,ou=x'));
  });

  it('does not equate different names', () => {
    assert.ok(!dnEquals('CN=Alice,OU=x', 'CN=Alice,OU=y'));
    assert.ok(!dnEquals('CN=Trailing Space\\ ,OU=x', 'CN=Trailing Space,OU=x'));
    assert.ok(!dnEquals('CN=a,OU=x', 'CN=a,,OU=x'));
  });

  it('produces a canonical, escaped string', () => {
    assert.equal(normalizeDn(' CN = Smith\\2C John , OU=Sales'), 'cn=smith\\, john,ou=sales');
    assert.equal(normalizeDn('CN=Trailing Space\\ ,OU=x'), 'cn=trailing space\\ ,ou=x');
  });
});

describe('escape, format, parent, descendant', () => {
  it('escapes every special character, leading # and space, trailing space', () => {
    assert.equal(escapeDnValue('Smith, John'), 'Smith\\, John');
    assert.equal(escapeDnValue('A+B'), 'A\\+B');
    assert.equal(escapeDnValue('#1 <x> "q";\\'), '\\#1 \\<x\\> \\"q\\"\\;\\\\');
    assert.equal(escapeDnValue(' both '), '\\ both\\ ');
    assert.equal(escapeDnValue('Zoë'), 'Zoë');
    assert.equal(escapeDnValue('a=b\nc'), 'a\\=b\\0Ac', "'=' and line breaks, as AD writes them");
    assert.equal(rdnValue(`CN=${escapeDnValue('a=b\r\nc')},OU=x`), 'a=b\r\nc');
  });

  it('round-trips through parse and format', () => {
    for (const dn of ['CN=Smith\\, John,OU=EMEA', 'CN=A\\+B,OU=EMEA', 'CN=Trailing Space\\ ,OU=Paris', 'CN=\\#x\\"y\\",OU=a', 'CN=a+SN=b,DC=c']) {
      assert.equal(formatDn(parseDn(dn)), dn);
    }
    const value = ' #tricky, "one"+<two>; ';
    assert.equal(rdnValue(childDn('CN', value, 'OU=x')), value);
  });

  it('finds the parent in the caller spelling', () => {
    assert.equal(parentDn('CN=Smith\\, John, OU=Sales,DC=contoso'), 'OU=Sales,DC=contoso');
    assert.equal(parentDn('CN=Trailing Space\\ ,OU=Paris'), 'OU=Paris');
    assert.equal(parentDn('DC=com'), undefined);
    assert.equal(parseDn('CN=a\\\\ , OU=x')[0]?.source, 'CN=a\\\\', 'an escaped backslash does not escape the space after it');
    assert.equal(parseDn('CN=a\\  ,OU=x')[0]?.source, 'CN=a\\ ');
  });

  it('tests descent case-insensitively, self only with orSelf', () => {
    assert.ok(isDescendantOf('CN=Alice,OU=Sales,OU=Contoso,DC=corp', 'ou=contoso,dc=CORP'));
    assert.ok(!isDescendantOf('OU=Contoso,DC=corp', 'OU=Contoso,DC=corp'));
    assert.ok(isDescendantOf('OU=Contoso,DC=corp', 'ou=contoso,dc=corp', { orSelf: true }));
    assert.ok(!isDescendantOf('CN=Alice,OU=Sales2,DC=corp', 'OU=Sales,DC=corp'));
    assert.ok(!isDescendantOf('OU=Sales,DC=corp', 'CN=Alice,OU=Sales,DC=corp'));
    // "OU=Sales" is not an ancestor of "OU=Pre Sales" even though the text ends the same.
    assert.ok(!isDescendantOf('CN=x,OU=Pre Sales,DC=corp', 'OU=Sales,DC=corp'));
  });

  it('returns the RDN type and value', () => {
    assert.equal(rdnType('ou=Sales,DC=x'), 'ou');
    assert.equal(rdnValue('CN=Smith\\, John,OU=EMEA'), 'Smith, John');
  });
});
