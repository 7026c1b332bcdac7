// The other ways of naming an Active Directory object that engineers paste where a distinguished
// name is asked for: a userPrincipalName, DOMAIN\sAMAccountName, a sAMAccountName alone, an
// objectGUID, an objectSid, an ADsPath (LDAP://server/DN) or a canonical name (as Active
// Directory Users and Computers shows it: corp.contoso.com/Sales/Jane Doe). Said as what it
// is and how to get the DN, instead of the character where the DN parser stopped.
import { directoryErrors } from '../errors/catalog/directory';
import { SyncError } from '../errors/sync-error';
import { Dn, escapeDnValue } from './dn';
import { readFindQuery } from './find-query';

const upn = /^[^\s@,=\\/]+@[^\s@,=\\/]+\.[^\s@,=\\/.]+$/;
const downLevel = /^[^\s\\=,/@]+\\[^\\=,/@]+$/;
const adsPath = /^(?:LDAP|GC):\/\/(?:([^/]+)\/)?(.*)$/i;
const canonical = /^([a-z0-9-]+(?:\.[a-z0-9-]+)+)\/(.+)$/i;
const singleName = /^[^\s=,\\/@]+$/;

/** A value inside a PowerShell single-quoted string. */
const ps = (value: string): string => `'${value.replace(/['\u2018\u2019]/g, "''")}'`;

/** Why `text`, which did not parse as a DN, is another name of an object, with the way to its DN; undefined if it is none of them. */
export function otherObjectName(text: string): string | undefined {
  const given = text.trim();
  const path = adsPath.exec(given);
  if (path) {
    const inner = Dn.tryParse(path[2]!);
    if (inner.ok && !inner.dn.isRoot) return `it is an ADsPath; give the distinguished name ${path[2]} without "${given.slice(0, given.length - path[2]!.length)}"`;
  }
  const query = readFindQuery(given);
  if (query?.kind === 'guid') return `it is an objectGUID; Get-ADObject -Identity ${ps(query.guid)} | Select-Object DistinguishedName gives its object's distinguished name`;
  if (query?.kind === 'sid') return `it is an objectSid; Get-ADObject -Filter "objectSid -eq '${query.sid}'" | Select-Object DistinguishedName gives its object's distinguished name`;
  if (upn.test(given)) return `it is a userPrincipalName or a mail address; Get-ADUser -Filter "UserPrincipalName -eq ${ps(given)}" | Select-Object DistinguishedName gives its object's distinguished name`;
  if (downLevel.test(given)) return `it is a logon name (DOMAIN\\sAMAccountName); Get-ADUser -Identity ${ps(given.slice(given.indexOf('\\') + 1))} -Server <a domain controller of ${given.slice(0, given.indexOf('\\'))}> | Select-Object DistinguishedName gives its object's distinguished name`;
  const cn = canonical.exec(given);
  if (cn) {
    const names = cn[2]!.split('/').filter((n) => n !== '');
    if (names.length) {
      const guess = [...names].reverse().map((n, i) => `${i === 0 ? 'CN' : 'OU'}=${escapeDnValue(n)}`).concat(cn[1]!.split('.').map((p) => `DC=${p}`)).join(',');
      return `it is a canonical name (domain/container/name, as Active Directory Users and Computers shows it); the distinguished name lists the same names the other way round, for example ${guess} (with CN= for a container such as Users, OU= for an organizational unit)`;
    }
  }
  if (singleName.test(given)) return `it holds no attribute=value pair; if it is a sAMAccountName, Get-ADUser -Identity ${ps(given)} | Select-Object DistinguishedName gives its object's distinguished name`;
  return undefined;
}

/**
 * The parser's MalformedDistinguishedName for a DN someone gave (an argument, a line of an input
 * file, an input box), said as the other name it is when it is one; otherwise unchanged.
 */
export function explainNotADn(text: string, error: SyncError): SyncError {
  if (error.code !== directoryErrors.MalformedDistinguishedName.code) return error;
  const other = otherObjectName(text);
  return other ? new SyncError(directoryErrors.MalformedDistinguishedName, { position: typeof error.details.position === 'number' ? error.details.position : 1, problem: other, dn: text }, { cause: error }) : error;
}
