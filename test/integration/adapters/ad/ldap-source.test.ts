// uses-samba
// src/adapters/ad's LDAP DirectorySource against the live Samba AD DC (test/setup/samba.mjs):
// transport security, bind failures, reads of every fixture kind, paging, ranged membership.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Attribute, BerWriter, Client, Control } from 'ldapts';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { execFileSync } from 'node:child_process';
import { LdapDirectorySource, type LdapSourceOptions } from '../../../../src/adapters/ad';
import { SyncError } from '../../../../src/engine/errors/sync-error';
import { guidBytesToString, isAccountEnabled, sidBytesToString } from '../../../../src/engine/model/ad-codecs';
import { getFirst, getValues, type Attributes } from '../../../../src/engine/model/attributes';
import type { DirectorySource } from '../../../../src/engine/ports/directory-source';
import { base, fx, ldapsOptions, sambaEnv, releaseSamba } from './samba-env';

/** The source's ldapts client now (its connection is private: the test looks inside on purpose). */
const clientOf = (source: LdapDirectorySource): Client => (source as unknown as { ldap: { current: Client } }).ldap.current;
import { Dn } from '../../../../src/engine/model/dn';

function expectCode(code: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof SyncError, `expected a SyncError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.ok(err.recommendedAction.length > 0);
    return true;
  };
}

async function attributesOf(source: DirectorySource, dn: string): Promise<Attributes> {
  const r = await source.readObject(Dn.parse(dn));
  assert.equal(r.status, 'found', `${dn} should exist`);
  return r.status === 'found' ? r.object.attributes : {};
}

describe('connection security and failures', () => {
  it('LDAPS with certificate verification on (CA file + server name) reads the RootDSE and partitions', async () => {
    const source = new LdapDirectorySource(await ldapsOptions());
    try {
      const dse = await source.rootDse();
      assert.equal(dse.defaultNamingContext, base);
      assert.ok(dse.namingContexts.includes(`CN=Configuration,${base}`));
      assert.equal(dse.configurationNamingContext, `CN=Configuration,${base}`);
      assert.match(dse.dnsHostName ?? '', /^dc1\.corp\.contoso\.com$/i);
      assert.deepEqual((await source.partitions()).map((p) => ({ ...p, dn: p.dn.toString() })), [{ dn: base, dnsRoot: 'corp.contoso.com', netbiosName: 'CORP' }]);
    } finally {
      await source.close();
    }
  });

  it('refuses a certificate from an unknown CA (no CA file)', async () => {
    const { caFile: _ca, ...options } = await ldapsOptions();
    const source = new LdapDirectorySource(options);
    await assert.rejects(source.rootDse(), expectCode('CertificateVerificationFailed'));
    await source.close();
  });

  it('refuses a certificate whose name does not match (IP address without serverName)', async () => {
    const { serverName: _name, ...options } = await ldapsOptions();
    const source = new LdapDirectorySource(options);
    await assert.rejects(source.rootDse(), expectCode('CertificateVerificationFailed'));
    await source.close();
  });

  it('StartTLS on ldap:// with verification reads an object', async () => {
    const env = await sambaEnv();
    const source = new LdapDirectorySource(await ldapsOptions({ url: env.SOS_AD_LDAP_URL, startTls: true }));
    try {
      const attrs = await attributesOf(source, fx('CN=Alice Wu,OU=Sales'));
      assert.deepEqual(getValues(attrs, 'sAMAccountName'), ['alice.wu']);
    } finally {
      await source.close();
    }
  });

  it('refuses a simple bind over plain LDAP before connecting, unless allowInsecure', async () => {
    const env = await sambaEnv();
    const refused = new LdapDirectorySource(await ldapsOptions({ url: env.SOS_AD_LDAP_URL }));
    await assert.rejects(refused.rootDse(), (err: unknown) => {
      expectCode('InsecureBindRefused')(err);
      assert.match((err as SyncError).reason, /unencrypted/);
      assert.match((err as SyncError).recommendedAction, /ldaps:\/\/|startTls/);
      return true;
    });
    assert.equal(refused.operationCount(), 0);
    // With allowInsecure the bind is sent, and Samba's "require strong auth" refuses it clearly.
    const allowed = new LdapDirectorySource(await ldapsOptions({ url: env.SOS_AD_LDAP_URL, allowInsecure: true }));
    await assert.rejects(allowed.rootDse(), expectCode('StrongAuthenticationRequired'));
    await allowed.close();
  });

  it('reports a wrong password as InvalidCredentials naming the account', async () => {
    const source = new LdapDirectorySource(await ldapsOptions({ password: 'not-the-password' }));
    await assert.rejects(source.rootDse(), (err: unknown) => {
      expectCode('InvalidCredentials')(err);
      assert.match((err as SyncError).reason, /CN=Administrator,CN=Users/);
      assert.ok(!(err as SyncError).message.includes('not-the-password'), 'the password is never in the message');
      return true;
    });
    await source.close();
  });

  it('never sends an empty password (that would be an anonymous bind)', async () => {
    const source = new LdapDirectorySource(await ldapsOptions({ password: '' }));
    await assert.rejects(source.rootDse(), expectCode('MissingBindPassword'));
  });

  it('reports a closed port as ServerUnavailable', { timeout: 20_000 }, async () => {
    const source = new LdapDirectorySource(await ldapsOptions({ url: 'ldaps://127.0.0.1:1', connectTimeoutMs: 2000 }));
    await assert.rejects(source.rootDse(), expectCode('ServerUnavailable'));
  });

  it('gives up on a host that accepts but never answers, within the time-outs', { timeout: 30_000 }, async () => {
    // A black hole: TCP connects, then silence (a hung DC or a firewall that swallows packets).
    const sockets = new Set<Socket>();
    const blackHole = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const port = (blackHole.address() as AddressInfo).port;
    try {
      // LDAPS: the TLS handshake never completes -> the connect time-out.
      const tlsSource = new LdapDirectorySource(await ldapsOptions({ url: `ldaps://127.0.0.1:${port}`, connectTimeoutMs: 500 }));
      await assert.rejects(tlsSource.rootDse(), (err: unknown) => {
        expectCode('TimeLimitExceeded')(err);
        assert.match((err as SyncError).reason, /within 500 ms/);
        return true;
      });
      // Plain LDAP (allowed for this test): the bind is never answered -> the operation time-out.
      const plain = new LdapDirectorySource(await ldapsOptions({ url: `ldap://127.0.0.1:${port}`, allowInsecure: true, operationTimeoutMs: 700 }));
      await assert.rejects(plain.rootDse(), (err: unknown) => {
        expectCode('TimeLimitExceeded')(err);
        assert.match((err as SyncError).reason, /within 700 ms/);
        return true;
      });
      await plain.close();
      await tlsSource.close();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blackHole.close(resolve));
    }
  });

  it('takes parsed names only: a malformed DN is refused where it enters, before any LDAP call', async () => {
    const source = new LdapDirectorySource(await ldapsOptions({ url: 'ldaps://127.0.0.1:1' }));
    assert.throws(() => source.readObject(Dn.parse('CN=Smith, John,OU=Sales,DC=corp')), (err: unknown) => {
      expectCode('MalformedDistinguishedName')(err);
      assert.match((err as SyncError).reason, /at character 15/);
      return true;
    });
    assert.throws(() => source.isDirectMember(Dn.parse('CN=G,DC=x'), Dn.parse('CN=a,,DC=x')), expectCode('MalformedDistinguishedName'));
    assert.throws(() => source.listChildren(Dn.parse('OU='), { pageSize: 10 }), expectCode('MalformedDistinguishedName'));
    assert.equal(source.operationCount(), 0);
  });

  it('an unknown URL scheme is a configuration error', () => {
    assert.throws(() => new LdapDirectorySource({ url: 'http://dc1' } as LdapSourceOptions), expectCode('InvalidDirectoryConfiguration'));
  });
});

describe('reading the fixtures', () => {
  let source: LdapDirectorySource;
  before(async () => {
    source = new LdapDirectorySource(await ldapsOptions());
  });
  after(() => source.close());

  it('answers notFound for a well-formed DN that does not exist', async () => {
    assert.deepEqual(await source.readObject(Dn.parse(fx('CN=Nobody Here,OU=Sales'))), { status: 'notFound' });
  });

  it('reuses one connection for many operations and counts them', async () => {
    const fresh = new LdapDirectorySource(await ldapsOptions());
    try {
      await fresh.readObject(Dn.parse(fx('CN=Alice Wu,OU=Sales')));
      const client = clientOf(fresh);
      await fresh.readObject(Dn.parse(fx('CN=Bob Stone,OU=Sales')));
      await fresh.rootDse();
      assert.equal(clientOf(fresh), client, 'same ldapts client');
      assert.ok(client.isConnected);
      assert.equal(fresh.operationCount(), 3);
    } finally {
      await fresh.close();
    }
  });

  it('reconnects with TLS and binds again when the DC dropped the connection', async () => {
    const fresh = new LdapDirectorySource(await ldapsOptions());
    try {
      await fresh.readObject(Dn.parse(fx('CN=Alice Wu,OU=Sales')));
      const first = clientOf(fresh);
      // What an idle time-out on the DC looks like to us: the socket closes.
      (first as unknown as { socket: { destroy(): void } }).socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const r = await fresh.readObject(Dn.parse(fx('CN=Carol Diaz,OU=Engineering')));
      assert.equal(r.status, 'found');
      // Bound again: the binary attributes only an authenticated read returns are there.
      assert.ok(r.status === 'found' && getFirst(r.object.attributes, 'mS-DS-ConsistencyGuid') instanceof Uint8Array);
      assert.notEqual(clientOf(fresh), first, 'a new connection');
    } finally {
      await fresh.close();
    }
  });

  it('reads an enabled user with its attributes, binary ones as bytes', async () => {
    const a = await attributesOf(source, fx('CN=Alice Wu,OU=Sales'));
    assert.deepEqual(getValues(a, 'userPrincipalName'), ['alice.wu@contoso.com']);
    assert.deepEqual(getValues(a, 'proxyAddresses')?.slice().sort(), ['SMTP:alice.wu@contoso.com', 'smtp:alice.wu@contoso.mail.onmicrosoft.com']);
    assert.equal(isAccountEnabled(String(getFirst(a, 'userAccountControl'))), true);
    const guid = getFirst(a, 'objectGUID');
    const sid = getFirst(a, 'objectSid');
    assert.ok(guid instanceof Uint8Array && guid.length === 16);
    assert.ok(sid instanceof Uint8Array);
    assert.match(sidBytesToString(sid), /^S-1-5-21-\d+-\d+-\d+-\d+$/);
    for (const name of ['uSNChanged', 'whenChanged']) assert.ok(getFirst(a, name), name);
  });

  it('decodes objectGUID and objectSid exactly as the server spells them (extended DN control)', async () => {
    const env = await sambaEnv();
    const dn = fx('CN=Alice Wu,OU=Sales');
    const a = await attributesOf(source, dn);
    // LDAP_SERVER_EXTENDED_DN_OID with flag 1: the server writes <GUID=string>;<SID=S-1-...>;dn.
    class ExtendedDnControl extends Control {
      constructor() {
        super('1.2.840.113556.1.4.529');
      }
      override writeControl(writer: BerWriter): void {
        const inner = new BerWriter();
        inner.startSequence();
        inner.writeInt(1);
        inner.endSequence();
        writer.writeBuffer(inner.buffer, 0x04);
      }
    }
    const client = new Client({ url: env.SOS_AD_URL, tlsOptions: { ca: [readFileSync(env.SOS_AD_CA_FILE)], servername: env.SOS_AD_SERVER_NAME } });
    try {
      await client.bind(env.SOS_AD_BIND_DN, env.SOS_AD_PASSWORD);
      const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['1.1'] }, new ExtendedDnControl());
      const extended = searchEntries[0]?.dn ?? '';
      const guid = /<GUID=([^>]+)>/.exec(extended)?.[1];
      const sid = /<SID=([^>]+)>/.exec(extended)?.[1];
      assert.ok(guid && sid, extended);
      assert.equal(guidBytesToString(getFirst(a, 'objectGUID') as Uint8Array), guid.toLowerCase());
      assert.equal(sidBytesToString(getFirst(a, 'objectSid') as Uint8Array), sid);
    } finally {
      await client.unbind();
    }
  });

  it('leaves requested-but-absent attributes out (absent, not empty)', async () => {
    const a = await attributesOf(source, fx('CN=No Mail Contact,OU=Contacts'));
    assert.equal(getValues(a, 'mail'), undefined);
    assert.equal(getValues(a, 'mS-DS-ConsistencyGuid'), undefined);
    assert.equal(getValues(a, 'isCriticalSystemObject'), undefined);
    for (const [name, values] of Object.entries(a)) assert.ok(values.length > 0, `${name} has values`);
  });

  const kinds: Array<[string, string, (a: Attributes, dn: string) => void]> = [
    ['disabled user', 'CN=Bob Stone,OU=Sales', (a) => assert.equal(isAccountEnabled(String(getFirst(a, 'userAccountControl'))), false)],
    ['user with mS-DS-ConsistencyGuid', 'CN=Carol Diaz,OU=Engineering', (a) => {
      const v = getFirst(a, 'mS-DS-ConsistencyGuid');
      assert.ok(v instanceof Uint8Array);
      assert.equal(guidBytesToString(v), '6f1a3c2e-9b4d-4e8f-a1b2-c3d4e5f60718');
    }],
    ['adminDescription User_', 'CN=Dave Kim,OU=Engineering', (a) => assert.deepEqual(getValues(a, 'adminDescription'), ['User_excluded'])],
    ['UPN with an unverified suffix', 'CN=Fab Rikam,OU=Sales', (a) => assert.deepEqual(getValues(a, 'userPrincipalName'), ['fab.rikam@fabrikam.example'])],
    ['escaped comma in the RDN', 'CN=Smith\\, John,OU=EMEA,OU=Sales', (a) => assert.deepEqual(getValues(a, 'cn'), ['Smith, John'])],
    ['escaped plus in the RDN', 'CN=A\\+B,OU=EMEA,OU=Sales', (a) => assert.deepEqual(getValues(a, 'cn'), ['A+B'])],
    ['non-ASCII RDN', 'CN=Zoë Ñúñez,OU=Paris,OU=EMEA,OU=Sales', (a) => assert.deepEqual(getValues(a, 'givenName'), ['Zoë'])],
    ['trailing space in the RDN', 'CN=Trailing Space\\ ,OU=Paris,OU=EMEA,OU=Sales', (a) => assert.deepEqual(getValues(a, 'cn'), ['Trailing Space '])],
    ['300+ proxyAddresses', 'CN=Proxy Heavy,OU=Engineering', (a) => assert.equal(getValues(a, 'proxyAddresses')?.length, 321)],
    ['hostile values kept verbatim (escaping is the report\'s job)', 'CN=Hostile Values,OU=Engineering', (a) => {
      assert.deepEqual(getValues(a, 'displayName'), ['<script>alert(1)</script> Hostile']);
      assert.deepEqual(getValues(a, 'department'), ['javascript:alert(1)']);
    }],
    ['inetOrgPerson', 'CN=Ina Org,OU=Engineering', (a) => assert.ok(getValues(a, 'objectClass')?.includes('inetOrgPerson'))],
    ['user in the excluded OU', 'CN=Excluded Person,OU=Excluded', (a) => assert.deepEqual(getValues(a, 'sAMAccountName'), ['excluded.person'])],
    ['global security group', 'CN=Sales Team,OU=Groups', (a) => assert.deepEqual(getValues(a, 'groupType'), ['-2147483646'])],
    ['universal distribution group with mail', 'CN=All Staff,OU=Groups', (a) => {
      assert.deepEqual(getValues(a, 'groupType'), ['8']);
      assert.deepEqual(getValues(a, 'mail'), ['all.staff@contoso.com']);
    }],
    ['contact with mail', 'CN=Ext Partner,OU=Contacts', (a) => {
      assert.ok(getValues(a, 'objectClass')?.includes('contact'));
      assert.deepEqual(getValues(a, 'mail'), ['ext.partner@partner.example']);
    }],
    ['computer', 'CN=WS001,OU=Computers', (a) => {
      assert.ok(getValues(a, 'objectClass')?.includes('computer'));
      assert.deepEqual(getValues(a, 'sAMAccountName'), ['WS001$']);
    }],
  ];
  for (const [kind, relative, check] of kinds) {
    it(`reads a ${kind}: ${relative}`, async () => {
      const dn = fx(relative);
      const r = await source.readObject(Dn.parse(dn));
      assert.equal(r.status, 'found');
      if (r.status !== 'found') return;
      assert.ok(Dn.parse(r.object.dn).equals(Dn.parse(String(dn))), `${r.object.dn} names ${dn}`);
      check(r.object.attributes, dn);
    });
  }

  it('reads the built-in Administrator as a critical system object', async () => {
    const a = await attributesOf(source, `CN=Administrator,CN=Users,${base}`);
    assert.deepEqual(getValues(a, 'isCriticalSystemObject'), ['TRUE']);
  });

  it('finds an object by a differently cased and spaced DN', async () => {
    const r = await source.readObject(Dn.parse('cn=alice wu, ou=SALES, ou=contoso, dc=CORP, dc=contoso, dc=com'));
    assert.equal(r.status, 'found');
  });
});

describe('an object the connector account may not read', () => {
  // Temporary objects in CN=Users (not in the shared fixture tree): a low-privilege reader and
  // an object whose security descriptor denies that reader property reads.
  const reader = `CN=sos-reader-test,CN=Users,${base}`;
  const hidden = `CN=sos-hidden-test,CN=Users,${base}`;
  let admin: Client;

  before(async () => {
    const env = await sambaEnv();
    admin = new Client({ url: env.SOS_AD_URL, tlsOptions: { ca: [readFileSync(env.SOS_AD_CA_FILE)], servername: env.SOS_AD_SERVER_NAME } });
    await admin.bind(env.SOS_AD_BIND_DN, env.SOS_AD_PASSWORD);
    for (const dn of [reader, hidden]) await admin.del(dn).catch(() => undefined);
    await admin.add(reader, [
      new Attribute({ type: 'objectClass', values: ['user'] }),
      new Attribute({ type: 'sAMAccountName', values: ['sos-reader-test'] }),
      new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${env.SOS_AD_USER_PASSWORD}"`, 'utf16le')] }),
      new Attribute({ type: 'userAccountControl', values: ['512'] }),
    ]);
    await admin.add(hidden, { objectClass: ['user'], sAMAccountName: 'sos-hidden-test' });
    const { searchEntries } = await admin.search(reader, { scope: 'base', attributes: ['objectSid'], explicitBufferAttributes: ['objectSid'] });
    const sid = sidBytesToString(searchEntries[0]!.objectSid as Buffer);
    // samba-tool over LDAP with SASL (TESTING.md): deny Read Property / List / Read Control.
    // The password goes through the PASSWD environment variable, not argv.
    execFileSync('samba-tool', ['dsacl', 'set', '-H', 'ldap://127.0.0.1', '-UAdministrator', `--objectdn=${hidden}`, `--sddl=(D;;RPLCLORC;;;${sid})`], {
      stdio: 'pipe',
      env: { ...process.env, PASSWD: env.SOS_AD_PASSWORD },
    });
  });
  after(async () => {
    for (const dn of [reader, hidden]) await admin.del(dn).catch(() => undefined);
    await admin.unbind();
  });

  it('is notReadable for that account, and found for the administrator', async () => {
    const env = await sambaEnv();
    const limited = new LdapDirectorySource(await ldapsOptions({ bindDn: reader, password: env.SOS_AD_USER_PASSWORD }));
    const full = new LdapDirectorySource(await ldapsOptions());
    try {
      const r = await limited.readObject(Dn.parse(hidden));
      assert.equal(r.status, 'notReadable');
      assert.match(r.status === 'notReadable' ? r.reason : '', /sos-reader-test.*not allowed to read/);
      assert.equal((await limited.readObject(Dn.parse(fx('CN=Alice Wu,OU=Sales')))).status, 'found', 'other objects stay readable');
      assert.equal((await full.readObject(Dn.parse(hidden))).status, 'found');
    } finally {
      await limited.close();
      await full.close();
    }
  });
});

describe('paged one-level listing', () => {
  let source: LdapDirectorySource;
  before(async () => {
    source = new LdapDirectorySource(await ldapsOptions());
  });
  after(() => source.close());

  it('puts containers first, across pages', async () => {
    const first = await source.listChildren(Dn.parse(fx('OU=Sales')), { pageSize: 2 });
    assert.equal(first.children[0]?.name, 'EMEA');
    assert.equal(first.children[0]?.isContainer, true);
    assert.ok(first.children.slice(1).every((c) => !c.isContainer));
    assert.ok(first.continuation);
    const names = first.children.map((c) => c.name);
    let continuation: string | undefined = first.continuation;
    while (continuation) {
      const page = await source.listChildren(Dn.parse(fx('OU=Sales')), { pageSize: 2, continuation });
      assert.ok(page.children.length > 0 && page.children.length <= 2);
      assert.ok(page.children.every((c) => !c.isContainer));
      names.push(...page.children.map((c) => c.name));
      continuation = page.continuation;
    }
    assert.deepEqual(names.slice().sort(), ['Alice Wu', 'Bob Stone', 'Dup User', 'EMEA', 'Eva Green', 'Fab Rikam', 'Frank Moss', 'Mastered User']);
  });

  it('fills the tree node fields (name unescaped, sAMAccountName, UPN, GUID string)', async () => {
    const page = await source.listChildren(Dn.parse(fx('OU=EMEA,OU=Sales')), { pageSize: 50 });
    const smith = page.children.find((c) => c.name === 'Smith, John');
    assert.ok(smith, page.children.map((c) => c.name).join('|'));
    assert.equal(smith.sAMAccountName, 'john.smith');
    assert.equal(smith.userPrincipalName, 'john.smith@contoso.com');
    assert.match(smith.objectGuid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(page.continuation, undefined);
  });

  it('pages through all 5,000 children of OU=Bulk with bounded memory', { timeout: 120_000 }, async () => {
    const fresh = new LdapDirectorySource(await ldapsOptions());
    try {
      const seen = new Set<string>();
      let continuation: string | undefined;
      let pages = 0;
      const heapBefore = process.memoryUsage().heapUsed;
      let heapPeak = heapBefore;
      do {
        const page = await fresh.listChildren(Dn.parse(fx('OU=Bulk')), { pageSize: 500, ...(continuation ? { continuation } : {}) });
        assert.ok(page.children.length <= 500);
        for (const child of page.children) seen.add(child.sAMAccountName ?? child.dn.toString());
        continuation = page.continuation;
        pages++;
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      } while (continuation);
      assert.equal(seen.size, 5000);
      assert.ok(seen.has('bulk00001') && seen.has('bulk05000'));
      assert.equal(pages, 10);
      // Server round trips are pages of 500 (plus the container phase): nothing fetched it all at once.
      assert.ok(fresh.operationCount() >= 11 && fresh.operationCount() <= 13, `operations: ${fresh.operationCount()}`);
      assert.ok(heapPeak - heapBefore < 64 * 1024 * 1024, `heap grew ${((heapPeak - heapBefore) / 1048576).toFixed(1)} MB`);
    } finally {
      await fresh.close();
    }
  });

  it('continues a listing on another connection (continuation survives a new source)', async () => {
    const first = await source.listChildren(Dn.parse(fx('OU=Bulk')), { pageSize: 3 });
    const other = new LdapDirectorySource(await ldapsOptions());
    try {
      const onOther = await other.listChildren(Dn.parse(fx('OU=Bulk')), { pageSize: 3, continuation: first.continuation! });
      const onSame = await source.listChildren(Dn.parse(fx('OU=Bulk')), { pageSize: 3, continuation: first.continuation! });
      assert.deepEqual(onOther.children.map((c) => c.dn.toString()), onSame.children.map((c) => c.dn.toString()));
      assert.equal(new Set([...first.children, ...onSame.children].map((c) => c.dn.toString())).size, 6);
    } finally {
      await other.close();
    }
  });

  it('rejects a continuation made for another container', async () => {
    const first = await source.listChildren(Dn.parse(fx('OU=Bulk')), { pageSize: 3 });
    await assert.rejects(source.listChildren(Dn.parse(fx('OU=Sales')), { pageSize: 3, continuation: first.continuation! }), expectCode('ContinuationExpired'));
  });
});

describe('direct membership', () => {
  let source: LdapDirectorySource;
  before(async () => {
    source = new LdapDirectorySource(await ldapsOptions());
  });
  after(() => source.close());

  it('counts direct members only (nested membership does not count)', async () => {
    const pilot = fx('CN=Pilot Group,OU=Groups');
    assert.equal(await source.isDirectMember(Dn.parse(pilot), Dn.parse(fx('CN=Pilot Direct,OU=Engineering'))), true);
    assert.equal(await source.isDirectMember(Dn.parse(pilot), Dn.parse(fx('CN=Nested Group,OU=Groups'))), true);
    assert.equal(await source.isDirectMember(Dn.parse(pilot), Dn.parse(fx('CN=Pilot Nested,OU=Engineering'))), false);
    assert.equal(await source.isDirectMember(Dn.parse(fx('CN=Nested Group,OU=Groups')), Dn.parse(fx('CN=Pilot Nested,OU=Engineering'))), true);
  });

  it('compares member DNs as AD does (case and spacing)', async () => {
    assert.equal(await source.isDirectMember(Dn.parse(fx('CN=Pilot Group,OU=Groups')), Dn.parse('cn=PILOT DIRECT, ou=engineering, ou=contoso, dc=corp, dc=contoso, dc=com')), true);
  });

  it('sees members beyond the first 1,500 values with ranged retrieval (member;range=...)', async () => {
    const big = fx('CN=Big Group,OU=Groups');
    const before = source.operationCount();
    assert.equal(await source.isDirectMember(Dn.parse(big), Dn.parse(fx('CN=bulk04999,OU=Bulk'))), false);
    // Not a member: both windows (0-1499 and 1500-*) were read.
    assert.equal(source.operationCount() - before, 2);
    const a = await attributesOf(source, big);
    const members = (getValues(a, 'member') ?? []).map(String);
    assert.equal(members.length, 2000);
    // Whichever members the server lists after position 1,500 are found too.
    const late = members.slice(1500);
    for (const dn of [late[0]!, late[late.length - 1]!, members[0]!]) assert.equal(await source.isDirectMember(Dn.parse(big), Dn.parse(dn)), true, dn);
  });

  it('reports a missing group as NoSuchObject rather than "not a member"', async () => {
    await assert.rejects(source.isDirectMember(Dn.parse(fx('CN=No Such Group,OU=Groups')), Dn.parse(fx('CN=Alice Wu,OU=Sales'))), expectCode('NoSuchObject'));
  });
});

// Run directly (node --test), a Samba this file started is stopped again at the end.
after(() => releaseSamba());
