// Writes test/ad/fixtures.ldif: the fixture tree of the Samba test domain (see FIXTURES.md).
//   node test/ad/generate-fixtures.mjs
// The LDIF is committed; rerun this after editing the lists below. test/setup/samba.mjs seeds
// it (re-seeding when the file changes). Passwords are test-only (test/setup/samba.mjs).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const base = 'DC=corp,DC=contoso,DC=com';
const contoso = `OU=Contoso,${base}`;
const ou = {
  contoso,
  sales: `OU=Sales,${contoso}`,
  emea: `OU=EMEA,OU=Sales,${contoso}`,
  paris: `OU=Paris,OU=EMEA,OU=Sales,${contoso}`,
  engineering: `OU=Engineering,${contoso}`,
  excluded: `OU=Excluded,${contoso}`,
  bulk: `OU=Bulk,${contoso}`,
  groups: `OU=Groups,${contoso}`,
  contacts: `OU=Contacts,${contoso}`,
  computers: `OU=Computers,${contoso}`,
};
const userPassword = 'Sos-Test-User-2026!';
const BULK_COUNT = 5000;
const BIG_GROUP_MEMBERS = 2000; // > 1,500: AD's ranged retrieval limit for `member`

/** GUID string -> bytes in AD's order (first three fields little-endian). */
function guidBytes(guid) {
  const hex = guid.replace(/-/g, '');
  const b = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from(b.subarray(0, 4)).reverse(), Buffer.from(b.subarray(4, 6)).reverse(), Buffer.from(b.subarray(6, 8)).reverse(), b.subarray(8)]);
}
export const consistencyGuids = {
  'Carol Diaz': '6f1a3c2e-9b4d-4e8f-a1b2-c3d4e5f60718',
  'Mastered User': '0d4c7b51-2a6e-4f3b-9c8d-7e6f5a4b3c2d',
};

// --- LDIF writing (RFC 2849): base64 for unsafe values, folded at 76 columns. ---
function isSafe(value) {
  // RFC 2849 SAFE-STRING (ASCII, no NUL/LF/CR, no leading space/':'/'<'), and no trailing space.
  if (value === '') return true;
  if (/^[ :<]/.test(value) || value.endsWith(' ')) return false;
  return [...value].every((c) => c.charCodeAt(0) <= 127 && !'\0\n\r'.includes(c));
}
function line(name, value) {
  const text = Buffer.isBuffer(value)
    ? `${name}:: ${value.toString('base64')}`
    : isSafe(String(value))
      ? `${name}: ${value}`
      : `${name}:: ${Buffer.from(String(value), 'utf8').toString('base64')}`;
  return fold(text);
}
function fold(text) {
  if (text.length <= 76) return text;
  const parts = [text.slice(0, 76)];
  for (let i = 76; i < text.length; i += 75) parts.push(' ' + text.slice(i, i + 75));
  return parts.join('\n');
}
function entry(dn, attributes) {
  const out = [line('dn', dn), 'changetype: add'];
  for (const [name, raw] of Object.entries(attributes)) {
    if (raw === undefined) continue;
    for (const v of Array.isArray(raw) ? raw : [raw]) out.push(line(name, v));
  }
  return out.join('\n');
}

const password = (pw) => Buffer.from(`"${pw}"`, 'utf16le');
const UAC = { enabled: 512, disabled: 514, workstation: 4096 };
const GROUP = { globalSecurity: -2147483646, universalSecurity: -2147483640, universalDistribution: 8 };

const entries = [];
const bulkEntries = [];
let target = entries;
const add = (dn, attrs) => target.push(entry(dn, attrs));
const orgUnit = (dn, description) => add(dn, { objectClass: ['top', 'organizationalUnit'], description });

/** A person. `cn` is the RDN value as it appears in the DN (already escaped). */
function user(cn, parent, p) {
  const dn = `CN=${cn},${parent}`;
  const upn = p.upn ?? `${p.sam}@contoso.com`;
  const mail = p.mail === null ? undefined : (p.mail ?? upn);
  add(dn, {
    objectClass: p.objectClass ?? ['top', 'person', 'organizationalPerson', 'user'],
    sAMAccountName: p.sam,
    givenName: p.given,
    sn: p.sn,
    displayName: p.displayName ?? `${p.given} ${p.sn}`,
    userPrincipalName: upn,
    mail,
    proxyAddresses: p.proxyAddresses ?? (mail ? [`SMTP:${mail}`, `smtp:${p.sam}@contoso.mail.onmicrosoft.com`] : undefined),
    department: p.department,
    title: p.title,
    company: p.company ?? 'Contoso',
    description: p.description,
    telephoneNumber: p.phone,
    l: p.city,
    c: p.country,
    employeeID: p.employeeId,
    adminDescription: p.adminDescription,
    'mS-DS-ConsistencyGuid': p.consistencyGuid ? guidBytes(p.consistencyGuid) : undefined,
    userAccountControl: String(p.disabled ? UAC.disabled : UAC.enabled),
    unicodePwd: p.disabled ? undefined : password(userPassword),
  });
  return dn;
}

// OUs
orgUnit(ou.contoso, 'Fixture root (test/ad/FIXTURES.md)');
orgUnit(ou.sales, 'Sales');
// Sales has users and a child OU; users are added before the OU so the server's natural
// order is not already "containers first".
const dn = {};
dn.alice = user('Alice Wu', ou.sales, { sam: 'alice.wu', given: 'Alice', sn: 'Wu', department: 'Sales', title: 'Account Manager', employeeId: 'E1001', phone: '+1 425 555 0101', city: 'Redmond', country: 'US' });
dn.bob = user('Bob Stone', ou.sales, { sam: 'bob.stone', given: 'Bob', sn: 'Stone', department: 'Sales', disabled: true, description: 'Disabled account' });
dn.dup = user('Dup User', ou.sales, { sam: 'dup.user', given: 'Dup', sn: 'User', department: 'Sales', description: 'UPN already used by another cloud object' });
dn.fab = user('Fab Rikam', ou.sales, { sam: 'fab.rikam', given: 'Fab', sn: 'Rikam', upn: 'fab.rikam@fabrikam.example', department: 'Sales', description: 'UPN suffix not verified in the tenant' });
dn.mastered = user('Mastered User', ou.sales, { sam: 'mastered.user', given: 'Mastered', sn: 'User', department: 'Sales', consistencyGuid: consistencyGuids['Mastered User'], description: 'Cloud twin already mastered on-premises' });
dn.eva = user('Eva Green', ou.sales, { sam: 'eva.green', given: 'Eva', sn: 'Green', department: 'Sales' });
dn.frank = user('Frank Moss', ou.sales, { sam: 'frank.moss', given: 'Frank', sn: 'Moss', department: 'Sales' });
orgUnit(ou.emea, 'Sales EMEA');
dn.smith = user('Smith\\, John', ou.emea, { sam: 'john.smith', given: 'John', sn: 'Smith', displayName: 'Smith, John', department: 'Sales EMEA', description: 'Escaped comma in the RDN' });
dn.aplusb = user('A\\+B', ou.emea, { sam: 'a.plus.b', given: 'A', sn: 'B', displayName: 'A+B', department: 'Sales EMEA', description: 'Escaped plus in the RDN' });
dn.gina = user('Gina Park', ou.emea, { sam: 'gina.park', given: 'Gina', sn: 'Park', department: 'Sales EMEA', city: 'London', country: 'GB' });
dn.hugo = user('Hugo Berg', ou.emea, { sam: 'hugo.berg', given: 'Hugo', sn: 'Berg', department: 'Sales EMEA', city: 'Stockholm', country: 'SE' });
orgUnit(ou.paris, 'Sales EMEA Paris (three deep)');
dn.zoe = user('Zoë Ñúñez', ou.paris, { sam: 'zoe.nunez', given: 'Zoë', sn: 'Ñúñez', department: 'Ventes', city: 'Paris', country: 'FR', description: 'Non-ASCII letters in the RDN' });
dn.trailing = user('Trailing Space\\ ', ou.paris, { sam: 'trailing.space', given: 'Trailing', sn: 'Space', department: 'Ventes', description: 'Trailing space in the RDN' });
dn.iris = user('Iris Chen', ou.paris, { sam: 'iris.chen', given: 'Iris', sn: 'Chen', department: 'Ventes', city: 'Paris', country: 'FR' });
dn.jack = user('Jack Hill', ou.paris, { sam: 'jack.hill', given: 'Jack', sn: 'Hill', department: 'Ventes', city: 'Paris', country: 'FR' });

orgUnit(ou.engineering, 'Engineering');
dn.carol = user('Carol Diaz', ou.engineering, { sam: 'carol.diaz', given: 'Carol', sn: 'Diaz', department: 'Engineering', consistencyGuid: consistencyGuids['Carol Diaz'], description: 'Has mS-DS-ConsistencyGuid' });
dn.dave = user('Dave Kim', ou.engineering, { sam: 'dave.kim', given: 'Dave', sn: 'Kim', department: 'Engineering', adminDescription: 'User_excluded', description: 'adminDescription starts with User_ (excluded by the built-in rules)' });
dn.soft = user('Soft Match', ou.engineering, { sam: 'soft.match', given: 'Soft', sn: 'Match', department: 'Engineering', description: 'Soft-matches a cloud-only user' });
dn.softConflict = user('Soft Conflict', ou.engineering, { sam: 'soft.conflict', given: 'Soft', sn: 'Conflict', department: 'Engineering', description: 'Soft-match target already has an immutableId' });
const proxies = ['SMTP:proxy.heavy@contoso.com'];
for (let i = 1; i <= 320; i++) proxies.push(`smtp:proxy.heavy.${String(i).padStart(3, '0')}@contoso.com`);
dn.proxyHeavy = user('Proxy Heavy', ou.engineering, { sam: 'proxy.heavy', given: 'Proxy', sn: 'Heavy', department: 'Engineering', proxyAddresses: proxies, description: '321 proxyAddresses' });
dn.hostile = user('Hostile Values', ou.engineering, {
  sam: 'hostile.values', given: 'Hostile', sn: 'Values',
  displayName: '<script>alert(1)</script> Hostile',
  description: '</style><img src=x onerror=alert(1)> "onmouseover=alert(1)',
  department: 'javascript:alert(1)',
  title: '"onmouseover=alert(1) x="',
});
dn.ina = user('Ina Org', ou.engineering, { sam: 'ina.org', given: 'Ina', sn: 'Org', department: 'Engineering', objectClass: ['top', 'person', 'organizationalPerson', 'user', 'inetOrgPerson'], description: 'inetOrgPerson' });
dn.pilotDirect = user('Pilot Direct', ou.engineering, { sam: 'pilot.direct', given: 'Pilot', sn: 'Direct', department: 'Engineering', description: 'Direct member of Pilot Group' });
dn.pilotNested = user('Pilot Nested', ou.engineering, { sam: 'pilot.nested', given: 'Pilot', sn: 'Nested', department: 'Engineering', description: 'Member of Pilot Group only through Nested Group' });
dn.kara = user('Kara Lund', ou.engineering, { sam: 'kara.lund', given: 'Kara', sn: 'Lund', department: 'Engineering' });
dn.liam = user('Liam Ortiz', ou.engineering, { sam: 'liam.ortiz', given: 'Liam', sn: 'Ortiz', department: 'Engineering' });
dn.mia = user('Mia Rossi', ou.engineering, { sam: 'mia.rossi', given: 'Mia', sn: 'Rossi', department: 'Engineering', mail: null, description: 'No mail, no proxyAddresses' });
dn.noah = user('Noah Patel', ou.engineering, { sam: 'noah.patel', given: 'Noah', sn: 'Patel', department: 'Engineering', disabled: true });
dn.olga = user('Olga Ivanova', ou.engineering, { sam: 'olga.ivanova', given: 'Olga', sn: 'Ivanova', department: 'Engineering' });
dn.paul = user('Paul Weber', ou.engineering, { sam: 'paul.weber', given: 'Paul', sn: 'Weber', department: 'Engineering' });

orgUnit(ou.excluded, 'Excluded by OU filtering in the test configurations');
dn.excluded = user('Excluded Person', ou.excluded, { sam: 'excluded.person', given: 'Excluded', sn: 'Person', department: 'Facilities' });
dn.quinn = user('Quinn Young', ou.excluded, { sam: 'quinn.young', given: 'Quinn', sn: 'Young', department: 'Facilities' });

orgUnit(ou.bulk, `${BULK_COUNT} users for paging`);
const bulkDns = [];
// The bulk users and Big Group are generated at seed time (bulkLdif), not committed.
target = bulkEntries;
for (let i = 1; i <= BULK_COUNT; i++) {
  const n = String(i).padStart(5, '0');
  const bdn = `CN=bulk${n},${ou.bulk}`;
  bulkDns.push(bdn);
  add(bdn, {
    objectClass: ['top', 'person', 'organizationalPerson', 'user'],
    sAMAccountName: `bulk${n}`,
    givenName: 'Bulk',
    sn: n,
    displayName: `Bulk User ${n}`,
    userPrincipalName: `bulk${n}@contoso.com`,
    userAccountControl: String(UAC.disabled),
  });
}

target = entries;
orgUnit(ou.groups, 'Groups');
const group = (cn, type, members, extra = {}) => {
  const gdn = `CN=${cn},${ou.groups}`;
  add(gdn, {
    objectClass: ['top', 'group'],
    sAMAccountName: cn.replace(/ /g, ''),
    groupType: String(type),
    ...extra,
    member: members.length ? members : undefined,
  });
  return gdn;
};
dn.salesTeam = group('Sales Team', GROUP.globalSecurity, [dn.alice, dn.bob, dn.dup, dn.eva, dn.frank], { description: 'Global security group' });
dn.allStaff = group('All Staff', GROUP.universalDistribution, [dn.alice, dn.carol, dn.gina, dn.zoe, dn.kara], { mail: 'all.staff@contoso.com', proxyAddresses: ['SMTP:all.staff@contoso.com'], description: 'Universal distribution group with mail' });
dn.nested = group('Nested Group', GROUP.globalSecurity, [dn.pilotNested], { description: 'Member of Pilot Group' });
dn.pilot = group('Pilot Group', GROUP.globalSecurity, [dn.pilotDirect, dn.nested], { description: 'Group filtering (pilot) group' });
target = bulkEntries;
dn.big = group('Big Group', GROUP.universalSecurity, bulkDns.slice(0, BIG_GROUP_MEMBERS), { description: `${BIG_GROUP_MEMBERS} members (ranged retrieval)` });
target = entries;

orgUnit(ou.contacts, 'Contacts');
add(`CN=Ext Partner,${ou.contacts}`, { objectClass: ['top', 'person', 'organizationalPerson', 'contact'], givenName: 'Ext', sn: 'Partner', displayName: 'Ext Partner', mail: 'ext.partner@partner.example', proxyAddresses: ['SMTP:ext.partner@partner.example'], company: 'Partner Ltd' });
add(`CN=No Mail Contact,${ou.contacts}`, { objectClass: ['top', 'person', 'organizationalPerson', 'contact'], givenName: 'No Mail', sn: 'Contact', displayName: 'No Mail Contact', description: 'Contact without mail' });

orgUnit(ou.computers, 'Computers');
for (const name of ['WS001', 'WS002']) {
  add(`CN=${name},${ou.computers}`, {
    objectClass: ['top', 'person', 'organizationalPerson', 'user', 'computer'],
    sAMAccountName: `${name}$`,
    userAccountControl: String(UAC.workstation),
    dNSHostName: `${name.toLowerCase()}.corp.contoso.com`,
    operatingSystem: 'Windows 11 Enterprise',
  });
}

const header = [
  '# Fixture tree of the Samba test domain CORP.CONTOSO.COM (see test/ad/FIXTURES.md).',
  '# Generated by test/ad/generate-fixtures.mjs - edit that script, not this file.',
  `# The ${BULK_COUNT} users of OU=Bulk and CN=Big Group come from bulkLdif() at seed time.`,
  'version: 1',
].join('\n');

/** The committed fixture LDIF (everything but the bulk users and Big Group). */
export function namedLdif() {
  return header + '\n\n' + entries.join('\n\n') + '\n';
}

/** OU=Bulk's users and CN=Big Group, seeded after namedLdif(). */
export function bulkLdif() {
  return 'version: 1\n\n' + bulkEntries.join('\n\n') + '\n';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures.ldif');
  writeFileSync(out, namedLdif());
  console.log(`wrote ${entries.length} entries to ${out} (+${bulkEntries.length} generated at seed time)`);
}
