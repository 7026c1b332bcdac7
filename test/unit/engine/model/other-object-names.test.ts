// The other names of an AD object pasted where a DN is asked for, each said as what it is with
// the way to its DN; a malformed DN, or a text that is no known name, keeps the parser's reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dn } from '../../../../src/engine/model/dn';
import { explainNotADn, otherObjectName } from '../../../../src/engine/model/other-object-names';

const reasonFor = (text: string): string => {
  const parsed = Dn.tryParse(text);
  assert.ok(!parsed.ok, `${text} parsed as a DN`);
  const explained = explainNotADn(text, parsed.error);
  assert.equal(explained.code, 'MalformedDistinguishedName');
  return explained.reason;
};

test('each other name is recognised, with a command or the DN to give', () => {
  const cases: [string, RegExp][] = [
    ['jane.doe@contoso.com', /it is a userPrincipalName or a mail address; Get-ADUser -Filter "UserPrincipalName -eq 'jane\.doe@contoso\.com'" \| Select-Object DistinguishedName gives/],
    ["o'brien@contoso.com", /-eq 'o''brien@contoso\.com'"/],
    ['CONTOSO\\jdoe', /it is a logon name \(DOMAIN\\sAMAccountName\); Get-ADUser -Identity 'jdoe' -Server <a domain controller of CONTOSO>/],
    ['jdoe', /it holds no attribute=value pair; if it is a sAMAccountName, Get-ADUser -Identity 'jdoe'/],
    ['{6F1D2A3B-1111-2222-3333-444455556666}', /it is an objectGUID; Get-ADObject -Identity '6f1d2a3b-1111-2222-3333-444455556666'/],
    ['S-1-5-21-1004336348-1177238915-682003330-1105', /it is an objectSid; Get-ADObject -Filter "objectSid -eq 'S-1-5-21-1004336348-1177238915-682003330-1105'"/],
    ['LDAP://dc01.contoso.com/CN=Jane Doe,OU=Sales,DC=contoso,DC=com', /it is an ADsPath; give the distinguished name CN=Jane Doe,OU=Sales,DC=contoso,DC=com without "LDAP:\/\/dc01\.contoso\.com\/"/],
    ['GC://CN=Jane Doe,DC=contoso,DC=com', /it is an ADsPath; give the distinguished name CN=Jane Doe,DC=contoso,DC=com without "GC:\/\/"/],
    ['contoso.com/Sales/Doe, Jane', /it is a canonical name .* for example CN=Doe\\, Jane,OU=Sales,DC=contoso,DC=com \(with CN= for a container such as Users/],
  ];
  for (const [text, expected] of cases) {
    const reason = reasonFor(text);
    assert.match(reason, expected, text);
    assert.doesNotMatch(reason, /expected '='|must be escaped|is missing after/, `${text}: not the parser's complaint`);
  }
});

test('a DN with a mistake in it keeps the parser\'s reason and position, and so does text that is no known name', () => {
  for (const text of ['CN=Jane Doe,OU=Sales,DC=contoso,DC=com,', 'CN=a@b.com,=Sales,DC=com', 'CN=Jane Doe\\', 'two words here', 'LDAP://not a dn']) {
    const parsed = Dn.tryParse(text);
    assert.ok(!parsed.ok, text);
    assert.equal(otherObjectName(text), undefined, text);
    assert.equal(explainNotADn(text, parsed.error), parsed.error, `${text}: the parser's own error`);
  }
});

test('a command never ends the sentence: copied with the closing full stop, it would still run', () => {
  for (const text of ['jane.doe@contoso.com', 'CONTOSO\\jdoe', 'jdoe', '{6F1D2A3B-1111-2222-3333-444455556666}', 'S-1-5-21-1-2-3-1105', 'LDAP://CN=Jane Doe,DC=contoso,DC=com']) {
    assert.doesNotMatch(reasonFor(text), /(DistinguishedName|DC=com)\.$/, text);
  }
});
