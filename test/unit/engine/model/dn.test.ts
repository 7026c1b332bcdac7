// The Dn value (src/engine/model/dn.ts), from RFC 4514 (its section 4 examples and section
// 2.4's escaping rules) and from how Active Directory compares names (attribute types and
// values case-insensitive, escapes resolved, RDN by RDN).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SyncError } from '../../../../src/engine/errors/sync-error';
import { compileExpression } from '../../../../src/engine/expressions';
import { Dn, escapeDnValue } from '../../../../src/engine/model/dn';

function malformedAt(dn: string): { position: number; reason: string } {
  try {
    Dn.parse(dn);
  } catch (err) {
    assert.ok(err instanceof SyncError, 'a SyncError');
    assert.equal(err.code, 'MalformedDistinguishedName');
    return { position: err.details.position as number, reason: err.reason };
  }
  assert.fail(`expected ${JSON.stringify(dn)} to be rejected`);
}

const values = (dn: Dn) => dn.rdns.map((r) => r.avas.map((a) => [a.type, a.value]));
const same = (a: string, b: string) => Dn.parse(a).equals(Dn.parse(b));

describe('RFC 4514 section 4 examples', () => {
  it('UID=jsmith,DC=example,DC=net: three RDNs', () => {
    assert.deepEqual(values(Dn.parse('UID=jsmith,DC=example,DC=net')), [[['UID', 'jsmith']], [['DC', 'example']], [['DC', 'net']]]);
  });

  it('OU=Sales+CN=J.  Smith,DC=example,DC=net: a multi-valued RDN, inner spaces kept', () => {
    const dn = Dn.parse('OU=Sales+CN=J.  Smith,DC=example,DC=net');
    assert.deepEqual(values(dn)[0], [['OU', 'Sales'], ['CN', 'J.  Smith']]);
    assert.equal(dn.depth, 3);
    assert.ok(dn.equals(Dn.parse('cn=j.  smith+ou=sales,dc=example,dc=net')), 'the order of a multi-valued RDN does not matter');
    assert.ok(!dn.equals(Dn.parse('OU=Sales+CN=J. Smith,DC=example,DC=net')), 'inner spaces do');
  });

  it('CN=James \\"Jim\\" Smith\\, III,DC=example,DC=net: escaped quotes and comma', () => {
    assert.equal(Dn.parse('CN=James \\"Jim\\" Smith\\, III,DC=example,DC=net').rdnValue, 'James "Jim" Smith, III');
  });

  it('CN=Before\\0dAfter,DC=example,DC=net: a hex-escaped carriage return', () => {
    assert.equal(Dn.parse('CN=Before\\0dAfter,DC=example,DC=net').rdnValue, 'Before\rAfter');
  });

  it('1.3.6.1.4.1.1466.0=#04024869,DC=example,DC=com: a #hex BER value (OCTET STRING "Hi")', () => {
    const dn = Dn.parse('1.3.6.1.4.1.1466.0=#04024869,DC=example,DC=com');
    assert.equal(dn.rdns[0]?.avas[0]?.isHex, true);
    assert.equal(dn.rdnValue, 'Hi');
    assert.ok(dn.equals(Dn.parse('1.3.6.1.4.1.1466.0=#04024869,dc=EXAMPLE,dc=com')));
  });

  it('CN=Lu\\C4\\8Di\\C4\\87: UTF-8 hex escapes form one character', () => {
    assert.equal(Dn.parse('CN=Lu\\C4\\8Di\\C4\\87').rdnValue, 'Lučić');
    assert.ok(same('CN=Lu\\C4\\8Di\\C4\\87,DC=x', 'cn=LUČIĆ,dc=x'));
  });
});

describe('parsing', () => {
  it('splits RDNs and unescapes values', () => {
    assert.deepEqual(values(Dn.parse('CN=Smith\\, John,OU=Sales,DC=contoso,DC=com')), [
      [['CN', 'Smith, John']], [['OU', 'Sales']], [['DC', 'contoso']], [['DC', 'com']],
    ]);
  });

  it('keeps an escaped + inside a value (one AVA), a bare + makes a multi-valued RDN', () => {
    assert.equal(Dn.parse('CN=A\\+B,OU=EMEA').rdnValue, 'A+B');
    assert.equal(Dn.parse('CN=A\\+B,OU=EMEA').rdns[0]?.avas.length, 1);
    assert.equal(Dn.parse('CN=A+SN=B,OU=EMEA').rdns[0]?.avas.length, 2);
  });

  it('decodes hex escapes as UTF-8, in either case, and keeps non-ASCII letters as written', () => {
    assert.equal(Dn.parse('CN=Zo\\C3\\AB \\C3\\91\\C3\\BA\\C3\\B1ez,OU=Paris').rdnValue, 'Zoë Ñúñez');
    assert.equal(Dn.parse('CN=Zoë Ñúñez,OU=Paris').rdnValue, 'Zoë Ñúñez');
    assert.equal(Dn.parse('CN=\\2C\\2b,OU=x').rdnValue, ',+');
  });

  it('whitespace: around separators and = it is not part of the name; an escaped trailing space is', () => {
    assert.ok(same(' CN = Alice Wu , OU=Sales ', 'CN=Alice Wu,OU=Sales'));
    assert.equal(Dn.parse('CN=Trailing Space\\ ,OU=Paris').rdnValue, 'Trailing Space ');
    assert.equal(Dn.parse('CN=Trailing Space  ,OU=Paris').rdnValue, 'Trailing Space');
    assert.equal(Dn.parse('CN=\\ lead,OU=x').rdnValue, ' lead');
    assert.ok(!same('CN=Trailing Space\\ ,OU=x', 'CN=Trailing Space,OU=x'));
  });

  it('reads escaped quotes, a leading \\#, quoted values and ; as a separator', () => {
    assert.equal(Dn.parse('CN=\\"quoted\\",OU=x').rdnValue, '"quoted"');
    assert.equal(Dn.parse('CN=\\#hash,OU=x').rdnValue, '#hash');
    assert.equal(Dn.parse('CN="Smith, John",OU=x').rdnValue, 'Smith, John');
    assert.ok(same('CN=a;OU=x', 'CN=a,OU=x'));
  });

  it('maps OIDs to the names AD uses', () => {
    assert.ok(same('2.5.4.3=Alice,OID.2.5.4.11=Sales', 'CN=Alice,OU=Sales'));
  });

  it('the empty DN is the root', () => {
    assert.ok(Dn.parse('').isRoot);
    assert.equal(Dn.parse('').depth, 0);
    assert.equal(Dn.parse('  ').toString(), '');
  });
});

describe('malformed DNs are rejected with the position of the problem', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['CN=Smith, John,OU=x', 15, /'=' is missing|expected '='/],
    ['CN=a,,OU=x', 6, /attribute type must start/],
    ['CN=a,OU=x,', 10, /separator must be followed/],
    ['CN=a<b,OU=x', 5, /must be escaped/],
    ['CN=a\u0000b,OU=x', 5, /'NUL' must be escaped/],
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

  it('tryParse returns the same error instead of throwing', () => {
    const parsed = Dn.tryParse('CN=a,,b');
    assert.ok(!parsed.ok);
    assert.match(parsed.error.reason, /character 6/);
    assert.ok(Dn.tryParse('CN=Alice Wu,OU=Sales,DC=corp,DC=contoso,DC=com').ok);
  });
});

describe('comparison, as AD compares names', () => {
  it('is case-insensitive for attribute types and values, Unicode included', () => {
    assert.ok(same('CN=Alice Wu,OU=Sales,DC=Corp,DC=Contoso,DC=Com', 'cn=alice wu,ou=sales,dc=corp,dc=contoso,dc=com'));
    assert.ok(same('CN=ZOË,OU=x', 'cn=zoë,ou=X'));
  });

  it('treats escaping variants and spacing as the same name', () => {
    assert.ok(same('CN=Smith\\, John,OU=x', 'CN=Smith\\2C John, OU=x'));
    assert.ok(same('CN="Smith, John",OU=x', 'CN=Smith\\, John,OU=x'));
    assert.ok(same('CN=a\\=b,OU=x', 'CN=a=b,OU=x'), "'=' needs no escape in a value but AD writes it escaped");
  });

  it('does not equate different names', () => {
    assert.ok(!same('CN=Alice,OU=x', 'CN=Alice,OU=y'));
    assert.ok(!same('CN=a\\,b,OU=x', 'CN=a,CN=b,OU=x'), 'an escaped comma is not a separator');
    assert.ok(!same('CN=a\\+SN=b,OU=x', 'CN=a+SN=b,OU=x'), 'an escaped plus is not a multi-valued RDN');
  });

  it('key is the canonical form: lower case, escapes minimal, multi-valued parts sorted', () => {
    assert.equal(Dn.parse(' CN = Smith\\2C John , OU=Sales').key, 'cn=smith\\, john,ou=sales');
    assert.equal(Dn.parse('CN=Trailing Space\\ ,OU=x').key, 'cn=trailing space\\ ,ou=x');
    assert.equal(Dn.parse('SN=Wu+CN=Alice,OU=X').key, Dn.parse('cn=alice+sn=wu,ou=x').key);
  });

  it('isNamedBy: a DN-valued attribute names it when it parses to the same name', () => {
    const member = Dn.parse('CN=Smith\\, John,OU=Sales,DC=corp');
    assert.ok(member.isNamedBy('cn=smith\\2c john,ou=sales,dc=CORP'));
    assert.ok(!member.isNamedBy('CN=Smith, John,OU=Sales,DC=corp'), 'malformed: names nothing');
  });
});

describe('containment, parent, depth', () => {
  it('isWithin: self or below, RDN by RDN and case-insensitively, never by text suffix', () => {
    const contoso = Dn.parse('ou=contoso,dc=CORP');
    assert.ok(Dn.parse('CN=Alice,OU=Sales,OU=Contoso,DC=corp').isWithin(contoso));
    assert.ok(Dn.parse('OU=Contoso,DC=corp').isWithin(contoso));
    assert.ok(!Dn.parse('CN=Alice,OU=Sales2,DC=corp').isWithin(Dn.parse('OU=Sales,DC=corp')));
    assert.ok(!Dn.parse('OU=Sales,DC=corp').isWithin(Dn.parse('CN=Alice,OU=Sales,DC=corp')));
    // "OU=Sales" is not an ancestor of "OU=Pre Sales" even though the text ends the same.
    assert.ok(!Dn.parse('CN=x,OU=Pre Sales,DC=corp').isWithin(Dn.parse('OU=Sales,DC=corp')));
    // Nor is "DC=corp" an ancestor of a value that ends in an escaped ",DC=corp".
    assert.ok(!Dn.parse('CN=x\\,DC=corp').isWithin(Dn.parse('DC=corp')));
    assert.ok(Dn.parse('CN=x,DC=cont\\6Fso,DC=com').isWithin(Dn.parse('DC=contoso,DC=com')), 'hex escapes resolved');
  });

  it('parent and depth, without parsing again', () => {
    const dn = Dn.parse('CN=Smith\\, John, OU=Sales,DC=contoso');
    assert.equal(dn.depth, 3);
    assert.equal(dn.parent()?.toString(), 'OU=Sales,DC=contoso');
    assert.equal(dn.ancestorAtDepth(1).toString(), 'DC=contoso');
    assert.equal(Dn.parse('CN=Trailing Space\\ ,OU=Paris').parent()?.toString(), 'OU=Paris');
    assert.equal(Dn.parse('DC=com').parent(), undefined);
  });

  it('the RDN value, unescaped', () => {
    assert.equal(Dn.parse('CN=Smith\\, John,OU=EMEA').rdnValue, 'Smith, John');
  });

  it('DNs that share ancestors (parsed once, kept for the next DNs) stay exactly what their own text says, and cannot be changed through another DN', () => {
    const first = Dn.parse('CN=a,OU=Sales, DC=corp');
    const second = Dn.parse('cn=b,ou=SALES,dc=corp');
    assert.deepEqual(values(second), [[['cn', 'b']], [['ou', 'SALES']], [['dc', 'corp']]], 'the spelling of its own text');
    assert.equal(second.toString(), 'cn=b,ou=SALES,dc=corp');
    assert.ok(second.parent()!.equals(first.parent()!));
    assert.throws(() => {
      (first.rdns[1]!.avas[0] as { value: string }).value = 'Changed';
    }, TypeError);
    assert.equal(Dn.parse('CN=c,OU=Sales,DC=corp').parent()?.toString(), 'OU=Sales,DC=corp');
    // More distinct ancestors than are kept: still right after the kept ones are let go.
    for (let k = 0; k < 5000; k++) assert.equal(Dn.parse(`CN=u,OU=Unit ${k},OU=Sales,DC=corp`).parent()!.rdnValue, `Unit ${k}`);
    assert.deepEqual(values(Dn.parse('CN=x,CN=a+SN=b,DC=corp').parent()!), [[['CN', 'a'], ['SN', 'b']], [['DC', 'corp']]], 'a multi-valued ancestor');
    assert.equal(Dn.parse('CN=x,OU=Sales\\ ,DC=corp').parent()!.rdnValue, 'Sales ', 'an escaped trailing space is another RDN than none');
  });
});

describe('toString round-trips; one escape (RFC 4514 section 2.4)', () => {
  it('writes the name back as parsed: case kept, separators without spaces', () => {
    for (const dn of ['CN=Smith\\, John,OU=EMEA', 'CN=A\\+B,OU=EMEA', 'CN=Trailing Space\\ ,OU=Paris', 'CN=\\#x\\"y\\",OU=a', 'CN=a+SN=b,DC=c', 'CN=#04024869,DC=c']) {
      assert.equal(Dn.parse(dn).toString(), dn);
    }
    assert.equal(Dn.parse(' cn = Smith\\2C John ;OU=x').toString(), 'cn=Smith\\, John,OU=x');
    assert.equal(JSON.stringify({ dn: Dn.parse('CN=a,DC=b') }), '{"dn":"CN=a,DC=b"}');
  });

  it('an escaped value parses back to itself, and so does the name written again', () => {
    const value = ' #tricky, "one"+<two>; \\ ';
    const dn = Dn.parse(`CN=${escapeDnValue(value)},OU=x`);
    assert.equal(dn.rdnValue, value);
    assert.ok(Dn.parse(dn.toString()).equals(dn));
  });

  it('escapes every special character, a leading # or space and a trailing space', () => {
    assert.equal(escapeDnValue('Smith, John'), 'Smith\\, John');
    assert.equal(escapeDnValue('A+B'), 'A\\+B');
    assert.equal(escapeDnValue('#1 <x> "q";\\'), '\\#1 \\<x\\> \\"q\\"\\;\\\\');
    assert.equal(escapeDnValue(' both '), '\\ both\\ ');
    assert.equal(escapeDnValue('Zoë'), 'Zoë');
    assert.equal(escapeDnValue('a=b\nc'), 'a\\=b\\0Ac', "'=' and line breaks, as AD writes them");
    assert.equal(Dn.parse(`CN=${escapeDnValue('a=b\r\nc')},OU=x`).rdnValue, 'a=b\r\nc');
  });

  it('NUL: RFC 4514 requires it escaped, and only a hex pair can escape it', () => {
    assert.equal(escapeDnValue('a\u0000b'), 'a\\00b');
    assert.equal(Dn.parse('CN=a\\00b,OU=x').rdnValue, 'a\u0000b');
    assert.equal(Dn.parse('CN=a\\00b,OU=x').toString(), 'CN=a\\00b,OU=x', 'written back the same way');
  });

  it('EscapeDNComponent in a sync rule is the same escape (NUL included)', () => {
    const escaped = (value: string) =>
      compileExpression('EscapeDNComponent([value])').evaluate({ attribute: (name) => (name === 'value' ? [value] : undefined), parameter: () => undefined, now: new Date(0) });
    for (const value of ['Doe, Jane', 'a\u0000b', ' #x=y+z; ', 'line\nbreak']) assert.equal(escaped(value), escapeDnValue(value));
    assert.equal(escaped('a\u0000b'), 'a\\00b');
  });
});
