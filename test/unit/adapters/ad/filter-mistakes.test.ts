// --ldap-filter written another tool's way: PowerShell's -Filter syntax (Get-ADUser -Filter
// "department -eq 'Sales'") and filters side by side without (&...) or (|...). Each is
// InvalidLdapFilter saying so with the LDAP filter meant, and that filter, run over an LDIF
// snapshot evaluated as Active Directory evaluates filters, finds what the PowerShell meant.
// A filter that is simply broken keeps the parser's reason.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { LdifDirectorySource } from '../../../../src/adapters/ad';
import { scopeFilter } from '../../../../src/adapters/ad/ldap/filters';
import { isSyncError } from '../../../../src/engine/errors/sync-error';
import { Dn } from '../../../../src/engine/model/dn';

const base = 'OU=Lab,DC=fabrikam,DC=com';
const user = (cn: string, lines: string[]) => ['', `dn: CN=${cn},${base}`, 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user', `cn: ${cn}`, ...lines];
const ldif = [
  'version: 1',
  '', 'dn: DC=fabrikam,DC=com', 'objectClass: domainDNS',
  '', `dn: ${base}`, 'objectClass: organizationalUnit',
  ...user('Ann Doe', ['sn: Doe', 'department: Sales', 'l: Paris', 'mail: ann@contoso.com', 'userAccountControl: 514']),
  ...user('Bob Doe', ['sn: Doe', 'department: Finance', 'l: Paris', 'mail: bob@fabrikam.com', 'userAccountControl: 512']),
  ...user('Cleo Roe', ['sn: Roe', 'department: R&D (EU)', 'l: Oslo', 'mail: cleo@contoso.com', 'userAccountControl: 512']),
  '',
].join('\n');
const file = path.join(mkdtempSync(path.join(tmpdir(), 'sos-filter-mistakes-')), 'lab.ldif');
writeFileSync(file, ldif);
const source = new LdifDirectorySource({ file });

async function found(filter: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of source.searchObjects({ base: Dn.parse(base), scope: 'subtree', objectClasses: ['user'], ldapFilter: filter })) out.push(/^CN=([^,]+)/.exec(o.dn)![1]!);
  return out.sort();
}

function reasonFor(filter: string): string {
  try {
    scopeFilter(['user'], filter);
  } catch (err) {
    assert.ok(isSyncError(err), String(err));
    assert.equal(err.code, 'InvalidLdapFilter');
    return err.reason;
  }
  assert.fail(`${filter} was taken as an LDAP filter`);
}

describe('filters written another tool\'s way', () => {
  it('PowerShell -Filter text: said as such, with the LDAP filter that finds what it meant', async () => {
    const cases: [string, string, string[]][] = [
      ["department -eq 'Sales'", '(department=Sales)', ['Ann Doe']],
      ['department -ne "Sales"', '(!(department=Sales))', ['Bob Doe', 'Cleo Roe']],
      ["department -eq 'R&D (EU)'", '(department=R&D \\28EU\\29)', ['Cleo Roe']],
      ["EmailAddress -like '*@contoso.com'", '(mail=*@contoso.com)', ['Ann Doe', 'Cleo Roe']],
      ["Surname -eq 'Doe' -and City -eq 'Paris'", '(&(sn=Doe)(l=Paris))', ['Ann Doe', 'Bob Doe']],
      ['Enabled -eq $true -and Surname -eq "Doe"', '(&(!(userAccountControl:1.2.840.113556.1.4.803:=2))(sn=Doe))', ['Bob Doe']],
      ['Enabled -eq $false', '(userAccountControl:1.2.840.113556.1.4.803:=2)', ['Ann Doe']],
      ["l -eq 'Oslo' -or department -eq 'Sales'", '(|(l=Oslo)(department=Sales))', ['Ann Doe', 'Cleo Roe']],
    ];
    for (const [powershell, ldap, expected] of cases) {
      const reason = reasonFor(powershell);
      assert.match(reason, /it is written in PowerShell's -Filter syntax \(Get-ADUser -Filter\), not as an LDAP filter; as an LDAP filter: /, powershell);
      assert.ok(reason.endsWith(`as an LDAP filter: ${ldap}.`), `${powershell}: ${reason}`);
      assert.deepEqual(await found(ldap), expected, `${ldap} finds what ${powershell} meant`);
    }
  });

  it('PowerShell text with no plain LDAP equivalent (a variable, mixed -and and -or, -gt): said as such, with the LDAP form', () => {
    for (const powershell of ['department -eq $dept', "a -eq 'x' -and b -eq 'y' -or c -eq 'z'", 'whenChanged -gt 20240101']) {
      const reason = reasonFor(powershell);
      assert.match(reason, /PowerShell's -Filter syntax .* an LDAP filter is one \(attribute=value\) comparison, or several joined by \(&\.\.\.\) or \(\|\.\.\.\)/, powershell);
      assert.doesNotMatch(reason, /as an LDAP filter: \(/, powershell);
    }
  });

  it('filters side by side: the two ways to make them one, each a filter that runs', async () => {
    const reason = reasonFor('(department=Sales) (l=Paris)');
    assert.match(reason, /it is 2 filters side by side; an LDAP filter is one: \(&\(department=Sales\)\(l=Paris\)\) for objects matching all of them, \(\|\(department=Sales\)\(l=Paris\)\) for any/);
    assert.deepEqual(await found('(&(department=Sales)(l=Paris))'), ['Ann Doe']);
    assert.deepEqual(await found('(|(department=Sales)(l=Paris))'), ['Ann Doe', 'Bob Doe']);
  });

  it('a broken LDAP filter keeps the parser\'s own reason', () => {
    assert.match(reasonFor('(department=Sales'), /1 parenthesis\(es\) opened but never closed/);
    assert.match(reasonFor('(cn=a))'), /a closing parenthesis at character 7 has no opening one/);
    const reason = reasonFor('(=Sales)');
    assert.doesNotMatch(reason, /PowerShell|side by side/);
  });
});
