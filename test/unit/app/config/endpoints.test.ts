// A what-if's proposed configuration may change filtering and rules, not where credentials go:
// connectionChanges names every setting that routes a credential (the authority, tenant, app,
// Graph endpoint, credential source and CA of Entra ID; each LDAP connector's URL, transport,
// bind DN, password variable and CA), ignores what only filters or tunes, and compares
// endpoints as they are reached (default ports, case, DN spacing).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfiguration } from '../../../../src/app/config';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectionChanges, trustAnchorKey } from '../../../../src/app/config/endpoints';

const base = () => ({
  activeDirectory: [
    {
      name: 'corp.contoso.com', url: 'ldaps://dc1.corp.contoso.com', bindDn: 'CN=MSOL_sync,CN=Users,DC=corp,DC=contoso,DC=com', passwordEnv: 'SOS_AD_PASSWORD',
      tls: { caFile: '/etc/sos/contoso-ca.pem' },
      partitions: [{ dn: 'DC=corp,DC=contoso,DC=com', selected: true, inclusions: ['DC=corp,DC=contoso,DC=com'], exclusions: [] as string[] }],
      objectTypes: ['user', 'group', 'contact'],
    },
    { name: 'lab.fabrikam.com', ldifFile: '/srv/snapshots/fabrikam.ldif', partitions: [{ dn: 'DC=lab,DC=fabrikam,DC=com' }] },
  ],
  entra: { tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', clientId: '0b5b8f8e-1111-2222-3333-444455556666', clientSecretEnv: 'SOS_CLIENT_SECRET' } as Record<string, unknown>,
  rules: 'builtin' as unknown,
  sourceAnchor: 'mS-DS-ConsistencyGuid',
});

type Raw = ReturnType<typeof base>;
const load = (raw: Raw) => parseConfiguration(raw, '/etc/sos/single-object-sync.json').config;
const changed = (edit: (raw: Raw) => void): string[] => {
  const proposed = base();
  edit(proposed);
  return connectionChanges(load(base()), load(proposed));
};

test('filtering, rules, the state folder and time-outs may change: no connection change', () => {
  assert.deepEqual(changed((r) => {
    (r.activeDirectory[0]!.partitions[0] as { exclusions: string[] }).exclusions.push('OU=Paris,DC=corp,DC=contoso,DC=com');
    r.activeDirectory[0]!.objectTypes = ['user'];
    (r.activeDirectory[0] as Record<string, unknown>).groupFilteringGroupDn = 'CN=Pilot,OU=Groups,DC=corp,DC=contoso,DC=com';
    (r.activeDirectory[0] as Record<string, unknown>).operationTimeoutMs = 5000;
    r.rules = { serverConfiguration: '/srv/exports/proposed' };
    r.sourceAnchor = 'objectGUID';
    r.entra.maxRetryWaitSeconds = 30;
  }), []);
});

test('an LDIF connector holds no credential: its file may change, and a connector may be removed', () => {
  assert.deepEqual(changed((r) => { r.activeDirectory[1]!.ldifFile = '/srv/snapshots/fabrikam-2.ldif'; }), []);
  assert.deepEqual(changed((r) => { r.activeDirectory.splice(1, 1); }), []);
});

test('endpoints compare as they are reached: default ports, case, a trailing slash, DN spacing', () => {
  assert.deepEqual(changed((r) => {
    r.activeDirectory[0]!.url = 'LDAPS://DC1.corp.contoso.com:636/';
    r.activeDirectory[0]!.bindDn = 'cn=MSOL_sync, cn=Users, dc=corp, dc=contoso, dc=com';
    r.entra.authorityHost = 'https://LOGIN.microsoftonline.com:443/';
    r.entra.graphEndpoint = 'https://graph.microsoft.com/';
    r.entra.tenantId = '72F988BF-86F1-41AF-91AB-2D7CD011DB47';
  }), []);
});

test('every setting that routes the Entra credential is named when it changes', () => {
  const cases: [string, (r: Raw) => void][] = [
    ['entra.authorityHost', (r) => { r.entra.authorityHost = 'https://login.attacker.example'; }],
    ['entra.graphEndpoint', (r) => { r.entra.graphEndpoint = 'https://graph.attacker.example'; }],
    ['entra.tenantId', (r) => { r.entra.tenantId = '11111111-2222-3333-4444-555555555555'; }],
    ['entra.clientId', (r) => { r.entra.clientId = '99999999-2222-3333-4444-555555555555'; }],
    ['entra.clientSecretEnv', (r) => { r.entra.clientSecretEnv = 'AWS_SECRET_ACCESS_KEY'; }],
    ['entra.caFile', (r) => { r.entra.caFile = '/tmp/attacker-ca.pem'; }],
    ['entra.certificateFile', (r) => { r.entra.certificateFile = '/home/me/other-app.pem'; }],
    ['entra.authMode', (r) => { r.entra.authMode = 'deviceCode'; }],
  ];
  for (const [setting, edit] of cases) {
    const changes = changed(edit);
    assert.equal(changes.length >= 1, true, setting);
    assert.ok(changes.some((c) => c.startsWith(`${setting} is `)), `${setting}: ${JSON.stringify(changes)}`);
  }
  // The value proposed and the current one are both shown, so the engineer sees where it would go.
  assert.deepEqual(changed((r) => { r.entra.authorityHost = 'https://login.attacker.example'; }),
    ['entra.authorityHost is "https://login.attacker.example:443", the current configuration\'s "https://login.microsoftonline.com:443"']);
});

test('every setting that routes an LDAP bind password is named when it changes', () => {
  const cases: [string, (r: Raw) => void][] = [
    ['.url', (r) => { r.activeDirectory[0]!.url = 'ldaps://dc.attacker.example'; }],
    [' transport', (r) => { r.activeDirectory[0]!.url = 'ldap://dc1.corp.contoso.com:636'; (r.activeDirectory[0] as Record<string, unknown>).allowInsecure = true; }],
    ['.bindDn', (r) => { r.activeDirectory[0]!.bindDn = 'CN=Administrator,CN=Users,DC=corp,DC=contoso,DC=com'; }],
    ['.passwordEnv', (r) => { r.activeDirectory[0]!.passwordEnv = 'GITHUB_TOKEN'; }],
    ['.tls.caFile', (r) => { r.activeDirectory[0]!.tls = { caFile: '/tmp/attacker-ca.pem' }; }],
    ['.tls.serverName', (r) => { r.activeDirectory[0]!.tls = { caFile: '/etc/sos/contoso-ca.pem', serverName: 'dc.attacker.example' } as never; }],
  ];
  for (const [setting, edit] of cases) {
    const changes = changed(edit);
    assert.ok(changes.some((c) => c.startsWith(`activeDirectory "corp.contoso.com"${setting}`)), `${setting}: ${JSON.stringify(changes)}`);
  }
});

test('a new LDAP connector, or an LDIF connector turned into LDAP, is a new place for a password', () => {
  const added = changed((r) => {
    r.activeDirectory.push({ name: 'evil.example', url: 'ldap://dc.attacker.example', bindDn: 'CN=x', passwordEnv: 'SOS_AD_PASSWORD', partitions: [{ dn: 'DC=evil,DC=example' }] } as never);
  });
  assert.equal(added.length, 1);
  assert.match(added[0]!, /^activeDirectory "evil.example" connects to ldap:\/\/dc.attacker.example:389 .*a connector the current configuration does not have$/);
  const turned = changed((r) => {
    Object.assign(r.activeDirectory[1]!, { ldifFile: undefined, url: 'ldaps://dc.attacker.example', bindDn: 'CN=x', passwordEnv: 'SOS_AD_PASSWORD' });
  });
  assert.ok(turned.some((c) => c.startsWith('activeDirectory "lab.fabrikam.com".url is "ldaps://dc.attacker.example:636"')), JSON.stringify(turned));
});

test('connectors are matched by name, whatever their order', () => {
  assert.deepEqual(changed((r) => { r.activeDirectory.reverse(); }), []);
});

test('a stored secret is bound to the CA it was entered with, by the file\'s content: another CA file, or the same file changed, is another trust', async () => {
  const { directoryServer, entraEndpoint } = await import('../../../../src/app/config/endpoints');
  const dir = mkdtempSync(path.join(tmpdir(), 'sos-trust-'));
  const ca = path.join(dir, 'ca.pem');
  const copy = path.join(dir, 'copy-of-ca.pem');
  const other = path.join(dir, 'other-ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIBcontoso\n-----END CERTIFICATE-----\n');
  writeFileSync(copy, '-----BEGIN CERTIFICATE-----\nMIIBcontoso\n-----END CERTIFICATE-----\n');
  writeFileSync(other, '-----BEGIN CERTIFICATE-----\nMIIBattacker\n-----END CERTIFICATE-----\n');
  const before = await trustAnchorKey(ca, 'tls.caFile');
  assert.equal(await trustAnchorKey(copy, 'tls.caFile'), before, 'the same CA under another path is the same trust');
  assert.notEqual(await trustAnchorKey(other, 'tls.caFile'), before, 'another CA file is another trust');
  assert.equal(await trustAnchorKey(undefined, 'tls.caFile'), 'system');
  assert.notEqual(before, 'system', 'a CA file is not the system roots');
  const link = path.join(dir, 'link-to-ca.pem');
  symlinkSync(ca, link);
  assert.equal(await trustAnchorKey(link, 'tls.caFile'), before, 'a link to the CA file is that CA (/etc/ssl/certs is links)');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIBattacker\n-----END CERTIFICATE-----\n');
  assert.notEqual(await trustAnchorKey(ca, 'tls.caFile'), before, 'the same path with new content is another trust');
  // The user is shown what the secret will be trusted with.
  assert.match(directoryServer({ url: 'ldaps://dc1.corp.contoso.com', bindDn: 'CN=x', tls: { caFile: ca, serverName: 'DC1.corp.contoso.com' } }), /ldaps:\/\/dc1\.corp\.contoso\.com:636 \(tls, CA file .*ca\.pem, server name DC1\.corp\.contoso\.com\)/);
  assert.match(directoryServer({ url: 'ldap://dc1', bindDn: 'CN=x', allowInsecure: true }), /\(plaintext\)$/);
  assert.match(entraEndpoint({ authorityHost: 'https://login.microsoftonline.com', tenantId: 't', clientId: 'c', graphEndpoint: 'https://graph.microsoft.com' }), /\(system CAs\)$/);
});

test('a device code sign-in page is opened only over https, on a Microsoft sign-in host or the configured authority\'s own host', async () => {
  const { deviceCodePage } = await import('../../../../src/app/config/endpoints');
  const microsoft = deviceCodePage('https://microsoft.com/devicelogin', undefined);
  assert.deepEqual(microsoft.ok && [microsoft.host, microsoft.microsoft], ['microsoft.com', true]);
  assert.equal(deviceCodePage('https://login.microsoftonline.us/common/oauth2/deviceauth', 'https://login.microsoftonline.us').ok, true);
  const own = deviceCodePage('https://127.0.0.1:8443/devicelogin', 'https://127.0.0.1:8443');
  assert.deepEqual(own.ok && [own.host, own.microsoft], ['127.0.0.1', false], 'the configured authority\'s page, named as not Microsoft\'s');
  for (const [uri, authority] of [
    ['https://login.attacker.example/devicelogin', 'https://login.microsoftonline.com'],
    ['https://microsoft.com.attacker.example/devicelogin', undefined],
    ['http://microsoft.com/devicelogin', undefined],
    ['command:workbench.action.terminal.new', undefined],
    ['file:///etc/passwd', undefined],
    ['https://user:pass@microsoft.com/devicelogin', undefined],
    ['not a url', undefined],
  ] as const) {
    const page = deviceCodePage(uri, authority);
    assert.equal(page.ok, false, `${uri} is refused`);
    assert.ok(!page.ok && page.reason.length > 10);
  }
});

// The CA file is named by the configuration, which a repository may supply; the extension reads
// it to key the stored secret before anything else. Read as the connection reads a CA: at most
// 1 MiB of a regular file. Anything else is ConfiguredFileUnreadable, naming the file and the
// setting, and never fills memory (/dev/zero) or waits (a named pipe with no writer).
test('a CA file that is missing, too large, a device, a folder or a named pipe is refused by name, unread', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sos-trust-refused-'));
  const big = path.join(dir, 'big.pem');
  writeFileSync(big, `-----BEGIN CERTIFICATE-----\n${'A'.repeat(2 * 1024 * 1024)}\n-----END CERTIFICATE-----\n`);
  const device = path.join(dir, 'device.pem');
  symlinkSync('/dev/zero', device);
  for (const [file, why] of [[path.join(dir, 'missing.pem'), /no such file|not found|ENOENT/i], [big, /1 MiB|too large|larger/i], ['/dev/zero', /device/i], [device, /device/i], [dir, /folder|directory/i]] as const) {
    await assert.rejects(trustAnchorKey(file, 'entra.caFile'), (error: { code?: string; message?: string }) => {
      assert.equal(error.code, 'ConfiguredFileUnreadable', `${file}: ${error.message}`);
      assert.ok(error.message?.includes(file) && error.message.includes('entra.caFile'), `${file}: the file and the setting are named (${error.message})`);
      assert.match(error.message ?? '', why, `${file}: the reason`);
      return true;
    });
  }
  // A named pipe, in a child process: a read that waited for a writer would block this thread.
  const fifo = path.join(dir, 'ca-fifo.pem');
  execFileSync('mkfifo', [fifo]);
  const probe = `require('./src/app/config/endpoints.ts').trustAnchorKey(process.argv[1], 'tls.caFile').then((key) => console.log(JSON.stringify({ key })), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', probe, fifo], { encoding: 'utf8', timeout: 15_000, cwd: path.resolve(__dirname, '../../../..') });
  assert.equal(child.signal, null, `still waiting on the named pipe after 15 s: ${child.stderr}`);
  const outcome = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as { code?: string; message?: string };
  assert.equal(outcome.code, 'ConfiguredFileUnreadable', child.stdout + child.stderr);
  assert.match(outcome.message ?? '', /pipe/i);
});
