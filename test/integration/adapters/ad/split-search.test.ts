// uses-samba
// A batch's scope search in two halves at once (src/adapters/ad/ldap/split-search.ts) against the
// live Samba AD DC: the halves hold every object of the scope once, the objects created up to the
// middle update sequence number first; and an object whose uSNCreated the connector account may
// not read is still found (a filter treats what cannot be read as absent, MS-ADTS 3.1.1.4.3).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { Attribute, Client } from 'ldapts';
import { LdapDirectorySource } from '../../../../src/adapters/ad';
import { SyncError } from '../../../../src/engine/errors/sync-error';
import { sidBytesToString } from '../../../../src/engine/model/ad-codecs';
import { getFirst } from '../../../../src/engine/model/attributes';
import { Dn } from '../../../../src/engine/model/dn';
import type { ScopeSearch } from '../../../../src/engine/ports/directory-source';
import { base, fx, ldapsOptions, releaseSamba, sambaEnv } from './samba-env';

async function search(source: LdapDirectorySource, scope: ScopeSearch): Promise<Array<{ dn: string; usn: number }>> {
  const out: Array<{ dn: string; usn: number }> = [];
  for await (const object of source.searchObjects(scope)) out.push({ dn: object.dn, usn: Number(getFirst(object.attributes, 'uSNCreated') ?? NaN) });
  return out;
}

describe('a scope searched in two halves (live Samba)', () => {
  after(releaseSamba);

  it('gives every user of OU=Bulk once, as one search does, created up to the middle first; the same order each run', { timeout: 120_000 }, async () => {
    const source = new LdapDirectorySource(await ldapsOptions());
    try {
      const bulk = { base: Dn.parse(fx('OU=Bulk')), scope: 'one' as const, objectClasses: ['user', 'inetOrgPerson', 'group', 'contact'] };
      const before = source.operationCount();
      const halves = await search(source, bulk);
      const operations = source.operationCount() - before;
      // One search (a page size asked for: the objects come in the server's order, not split).
      const whole = await search(source, { ...bulk, pageSize: 1000 });
      assert.equal(halves.length, 5000);
      assert.equal(new Set(halves.map((o) => o.dn.toLowerCase())).size, 5000, 'an object came twice');
      assert.deepEqual(halves.map((o) => o.dn).sort(), whole.map((o) => o.dn).sort());
      // Split at one number: every object before the switch was created before every one after it.
      const usns = halves.map((o) => o.usn);
      const suffixMin = [...usns];
      for (let i = usns.length - 2; i >= 0; i--) suffixMin[i] = Math.min(usns[i]!, suffixMin[i + 1]!);
      const switches: number[] = [];
      for (let i = 1, prefixMax = usns[0]!; i < usns.length; prefixMax = Math.max(prefixMax, usns[i]!), i++) if (prefixMax < suffixMin[i]!) switches.push(i);
      // About even (the OU's users were created one after the other).
      assert.ok(switches.some((i) => i > 1000 && i < 4000), `not two halves by uSNCreated (switches at ${switches.join(', ') || 'none'})`);
      // The three small reads that place the middle (and check both connections reached the
      // same domain controller), then pages of at most 1,000 on each connection.
      assert.ok(operations >= 3 + 5 && operations <= 3 + 6, `operations: ${operations}`);
      // The server's order within each half: the same sequence again.
      assert.deepEqual((await search(source, bulk)).map((o) => o.dn), halves.map((o) => o.dn));
    } finally {
      await source.close();
    }
  });

  it('takes a --ldap-filter in both halves', async () => {
    const source = new LdapDirectorySource(await ldapsOptions());
    try {
      const found = await search(source, { base: Dn.parse(fx('OU=Bulk')), scope: 'one', objectClasses: ['user'], ldapFilter: '(|(sAMAccountName=bulk00001)(sAMAccountName=bulk05000))' });
      assert.deepEqual(found.map((o) => o.dn.split(',')[0]).sort(), ['CN=bulk00001', 'CN=bulk05000']);
    } finally {
      await source.close();
    }
  });

  describe('an object whose uSNCreated the connector account may not read', () => {
    // Temporary objects in their own OU: a low-privilege reader, and two users, one of them
    // denying that reader Read Property on uSNCreated alone.
    const ou = `OU=sos-split-test,${base}`;
    const reader = `CN=sos-split-reader,${ou}`;
    const hidden = `CN=sos-split-hidden,${ou}`;
    const plain = `CN=sos-split-plain,${ou}`;
    let admin: Client;
    const remove = async () => {
      for (const dn of [hidden, plain, reader, ou]) await admin.del(dn).catch(() => undefined);
    };

    before(async () => {
      const env = await sambaEnv();
      admin = new Client({ url: env.SOS_AD_URL, tlsOptions: { ca: [readFileSync(env.SOS_AD_CA_FILE)], servername: env.SOS_AD_SERVER_NAME } });
      await admin.bind(env.SOS_AD_BIND_DN, env.SOS_AD_PASSWORD);
      await remove();
      await admin.add(ou, { objectClass: ['organizationalUnit'], ou: 'sos-split-test' });
      await admin.add(reader, [
        new Attribute({ type: 'objectClass', values: ['user'] }),
        new Attribute({ type: 'sAMAccountName', values: ['sos-split-reader'] }),
        new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${env.SOS_AD_USER_PASSWORD}"`, 'utf16le')] }),
        new Attribute({ type: 'userAccountControl', values: ['512'] }),
      ]);
      await admin.add(hidden, { objectClass: ['user'], sAMAccountName: 'sos-split-hidden' });
      await admin.add(plain, { objectClass: ['user'], sAMAccountName: 'sos-split-plain' });
      const sid = sidBytesToString((await admin.search(reader, { scope: 'base', attributes: ['objectSid'], explicitBufferAttributes: ['objectSid'] })).searchEntries[0]!.objectSid as Buffer);
      // uSNCreated's schemaIDGUID (bf967a70-...): deny that account Read Property on this attribute only.
      execFileSync('samba-tool', ['dsacl', 'set', '-H', 'ldap://127.0.0.1', '-UAdministrator', `--objectdn=${hidden}`, `--sddl=(OD;;RP;bf967a70-0de6-11d0-a285-00aa003049e2;;${sid})`], {
        stdio: 'pipe',
        env: { ...process.env, PASSWD: env.SOS_AD_PASSWORD },
      });
    });
    after(async () => {
      await remove();
      await admin.unbind();
    });

    it('a wrong password is tried once, as by one search: no second connection binds with it (each refusal counts toward lockout)', async () => {
      // A relay in front of the domain controller counts the connections the search opens.
      const { url } = await ldapsOptions();
      const target = new URL(url);
      let connections = 0;
      const relay = createServer((client) => {
        connections++;
        const server = connect(Number(target.port || 636), target.hostname);
        client.pipe(server).pipe(client);
        client.on('error', () => server.destroy());
        server.on('error', () => client.destroy());
      });
      await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
      const port = (relay.address() as AddressInfo).port;
      try {
        const right = new LdapDirectorySource(await ldapsOptions({ url: `ldaps://127.0.0.1:${port}` }));
        try {
          assert.equal((await search(right, { base: Dn.parse(ou), scope: 'one', objectClasses: ['user'] })).length, 3);
        } finally {
          await right.close();
        }
        assert.equal(connections, 2, 'the right password: two connections, one per half');
        connections = 0;
        const wrong = new LdapDirectorySource(await ldapsOptions({ url: `ldaps://127.0.0.1:${port}`, bindDn: reader, password: 'not-the-password-1' }));
        try {
          await assert.rejects(search(wrong, { base: Dn.parse(ou), scope: 'one', objectClasses: ['user'] }), (err) => err instanceof SyncError && err.code === 'InvalidCredentials');
        } finally {
          await wrong.close();
        }
        assert.equal(connections, 1, 'the refused password was tried on one connection only');
      } finally {
        relay.close();
      }
    });

    it('is found with the others, without its uSNCreated', async () => {
      const env = await sambaEnv();
      const limited = new LdapDirectorySource(await ldapsOptions({ bindDn: reader, password: env.SOS_AD_USER_PASSWORD }));
      try {
        const before = limited.operationCount();
        const found = await search(limited, { base: Dn.parse(ou), scope: 'one', objectClasses: ['user'] });
        assert.ok(limited.operationCount() - before >= 4, 'the scope was not searched in two halves');
        assert.deepEqual(found.map((o) => o.dn).sort(), [hidden, plain, reader].sort());
        assert.ok(Number.isNaN(found.find((o) => o.dn === hidden)!.usn), 'the account could read uSNCreated after all');
      } finally {
        await limited.close();
      }
    });
  });
});
