// LDAP filters written the way other tools take them, said as such with the filter meant: the
// PowerShell -Filter syntax of Get-ADUser and Get-ADObject (department -eq 'Sales'), and filters
// side by side without the operator that joins them ((department=Sales)(l=Paris)).

/** A value as RFC 4515 writes it in a filter: \ * ( ) and NUL as \XX (other characters as they are, readable). */
const escapeValue = (value: string): string => value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

const POWERSHELL_OPERATOR = /\s-(eq|ne|like|notlike|gt|ge|lt|le|and|or)\s/i;
// A value in quotes or a bare word; not a PowerShell variable ($true, $name): its value is not here.
const CLAUSE = /^\s*\(?\s*([A-Za-z][\w-]*)\s+-(eq|ne|like|notlike)\s+(?:"([^"]*)"|'([^']*)'|([^\s()'"$]+))\s*\)?\s*$/i;
const ENABLED = /^\s*\(?\s*Enabled\s+-(eq|ne)\s+\$(true|false)\s*\)?\s*$/i;
/** The ActiveDirectory module's own names for attributes an LDAP filter calls otherwise. */
const LDAP_NAME: Record<string, string> = {
  surname: 'sn', emailaddress: 'mail', city: 'l', state: 'st', country: 'c', office: 'physicalDeliveryOfficeName',
  officephone: 'telephoneNumber', mobilephone: 'mobile', streetaddress: 'streetAddress',
};
/** userAccountControl's ACCOUNTDISABLE bit, by the bitwise-AND matching rule. */
const DISABLED = '(userAccountControl:1.2.840.113556.1.4.803:=2)';

/** One PowerShell comparison as an LDAP filter; undefined for what has no plain equivalent. */
function clause(text: string): string | undefined {
  const enabled = ENABLED.exec(text);
  if (enabled) return (enabled[1]!.toLowerCase() === 'eq') === (enabled[2]!.toLowerCase() === 'true') ? `(!${DISABLED})` : DISABLED;
  const m = CLAUSE.exec(text);
  if (!m) return undefined;
  const [, attribute, operator, double, single, bare] = m;
  const value = double ?? single ?? bare ?? '';
  const op = operator!.toLowerCase();
  // -like keeps its * wildcards (LDAP's substring filter); everything else is a literal value.
  const written = op.endsWith('like') ? value.split('*').map(escapeValue).join('*') : escapeValue(value);
  const match = `(${LDAP_NAME[attribute!.toLowerCase()] ?? attribute}=${written})`;
  return op === 'ne' || op === 'notlike' ? `(!${match})` : match;
}

/** PowerShell's -Filter text as the LDAP filter it means, when every part is a plain comparison. */
function fromPowerShell(text: string): string | undefined {
  const joins = [...text.matchAll(/\s-(and|or)\s/gi)].map((m) => m[1]!.toLowerCase());
  if (new Set(joins).size > 1) return undefined;
  const parts = text.split(/\s-(?:and|or)\s/i).map(clause);
  if (parts.some((p) => p === undefined)) return undefined;
  return parts.length === 1 ? parts[0] : `(${joins[0] === 'and' ? '&' : '|'}${parts.join('')})`;
}

/** Filters side by side at the top level ("(a=1)(b=2)", "(a=1) (b=2)"): each one, or none. */
function sideBySide(text: string): string[] {
  const groups: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '(') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === ')') {
      if (--depth === 0) groups.push(text.slice(start, i + 1));
    } else if (depth === 0 && c !== ' ') return [];
  }
  return groups.length > 1 && depth === 0 ? groups : [];
}

/** What the filter is when it is written another tool's way, with the LDAP filter meant; undefined otherwise. */
export function filterMistake(text: string): string | undefined {
  if (POWERSHELL_OPERATOR.test(` ${text} `)) {
    const meant = fromPowerShell(text);
    return `it is written in PowerShell's -Filter syntax (Get-ADUser -Filter), not as an LDAP filter${meant ? `; as an LDAP filter: ${meant}` : '; an LDAP filter is one (attribute=value) comparison, or several joined by (&...) or (|...), for example (&(department=Sales)(l=Paris))'}`;
  }
  const groups = sideBySide(text).join('');
  if (groups) return `it is ${sideBySide(text).length} filters side by side; an LDAP filter is one: (&${groups}) for objects matching all of them, (|${groups}) for any`;
  return undefined;
}
