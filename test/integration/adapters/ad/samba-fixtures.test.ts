// uses-samba
// The test domain itself: test/setup/samba.mjs reuses a running Samba (stop() then does
// nothing), and the seeded tree has what test/ad/FIXTURES.md promises.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDirectorySource, LdapDirectorySource } from '../../../../src/adapters/ad';
import type { ActiveDirectoryConnectorConfig } from '../../../../src/app/config/model';
import { getValues } from '../../../../src/engine/model/attributes';
import type { DirectoryChild } from '../../../../src/engine/ports/directory-source';
import { base, contoso, fx, ldapsOptions, sambaEnv, releaseSamba } from './samba-env';
import { Dn } from '../../../../src/engine/model/dn';

async function children(source: LdapDirectorySource, dn: string): Promise<DirectoryChild[]> {
  const out: DirectoryChild[] = [];
  let continuation: string | undefined;
  do {
    const page = await source.listChildren(Dn.parse(dn), { pageSize: 1000, ...(continuation ? { continuation } : {}) });
    out.push(...page.children);
    continuation = page.continuation;
  } while (continuation);
  return out;
}

describe('test/setup/samba.mjs', () => {
  it('reuses the running Samba: same env, and stop() leaves it running', async () => {
    const env = await sambaEnv();
    const samba = await import('../../../setup/samba.mjs');
    const again = await samba.start();
    assert.equal(again.env.SOS_AD_CA_FILE, env.SOS_AD_CA_FILE);
    assert.equal(again.env.SOS_AD_URL, 'ldaps://127.0.0.1:636');
    assert.equal(again.env.SOS_AD_BASE_DN, base);
    await again.stop();
    const source = new LdapDirectorySource(await ldapsOptions());
    try {
      assert.equal((await source.rootDse()).defaultNamingContext, base);
    } finally {
      await source.close();
    }
  });
});

describe('the seeded fixture tree', () => {
  let source: LdapDirectorySource;
  before(async () => {
    source = new LdapDirectorySource(await ldapsOptions());
  });
  after(() => source.close());

  it('has the OU tree, three deep, with the excluded OU', async () => {
    const top = await children(source, contoso);
    assert.deepEqual(top.map((c) => c.name).sort(), ['Bulk', 'Computers', 'Contacts', 'Engineering', 'Excluded', 'Groups', 'Sales']);
    assert.ok(top.every((c) => c.isContainer));
    const paris = await children(source, fx('OU=Paris,OU=EMEA,OU=Sales'));
    assert.ok(paris.some((c) => c.name === 'Zoë Ñúñez'));
  });

  it('has at least 30 named users outside OU=Bulk, enabled and disabled', async () => {
    const users: string[] = [];
    const queue = [contoso];
    while (queue.length) {
      const dn = queue.shift()!;
      if (/^OU=Bulk,/i.test(dn)) continue;
      for (const child of await children(source, dn)) {
        if (child.isContainer) queue.push(child.dn.toString());
        else if (child.objectClass.includes('user') && !child.objectClass.includes('computer')) users.push(child.name);
      }
    }
    assert.ok(users.length >= 30, `${users.length} users`);
    for (const name of ['Alice Wu', 'Bob Stone', 'Carol Diaz', 'Dave Kim', 'Dup User', 'Soft Match', 'Soft Conflict', 'Fab Rikam', 'Excluded Person', 'Proxy Heavy', 'Hostile Values', 'Smith, John', 'A+B', 'Zoë Ñúñez', 'Trailing Space ', 'Ina Org', 'Pilot Direct', 'Pilot Nested', 'Mastered User']) {
      assert.ok(users.includes(name), name);
    }
  });

  it('has exactly 5,000 users in OU=Bulk and a 2,000-member Big Group', async () => {
    const bulk = await children(source, fx('OU=Bulk'));
    assert.equal(bulk.length, 5000);
    const big = await source.readObject(Dn.parse(fx('CN=Big Group,OU=Groups')));
    assert.equal(big.status === 'found' ? getValues(big.object.attributes, 'member')?.length : 0, 2000);
  });

  it('has the groups, contacts and computers', async () => {
    assert.deepEqual((await children(source, fx('OU=Groups'))).map((c) => c.name).sort(), ['All Staff', 'Big Group', 'Nested Group', 'Pilot Group', 'Sales Team']);
    assert.deepEqual((await children(source, fx('OU=Contacts'))).map((c) => c.name).sort(), ['Ext Partner', 'No Mail Contact']);
    assert.deepEqual((await children(source, fx('OU=Computers'))).map((c) => c.sAMAccountName).sort(), ['WS001$', 'WS002$']);
  });
});

describe('createDirectorySource', () => {
  const connector = (overrides: Partial<ActiveDirectoryConnectorConfig>): ActiveDirectoryConnectorConfig => ({
    name: 'corp.contoso.com',
    partitions: [],
    objectTypes: ['user'],
    ...overrides,
  });

  it('makes an LDAP source from url + tls settings, which binds with the given password', async () => {
    const env = await sambaEnv();
    const source = createDirectorySource(connector({ url: env.SOS_AD_URL, bindDn: env.SOS_AD_BIND_DN, tls: { caFile: env.SOS_AD_CA_FILE, serverName: env.SOS_AD_SERVER_NAME } }), env.SOS_AD_PASSWORD);
    try {
      assert.equal(source.kind, 'ldap');
      assert.equal((await source.readObject(Dn.parse(fx('CN=Alice Wu,OU=Sales')))).status, 'found');
    } finally {
      await source.close();
    }
  });

  it('makes an LDIF source from ldifFile', async () => {
    const source = createDirectorySource(connector({ ldifFile: path.join(__dirname, '..', '..', '..', 'fixtures', 'contoso-snapshot.ldif') }), undefined);
    assert.equal(source.kind, 'ldif');
    assert.equal((await source.readObject(Dn.parse(fx('CN=Alice Wu,OU=Sales')))).status, 'found');
  });

  it('refuses a connector with neither url nor ldifFile', () => {
    assert.throws(() => createDirectorySource(connector({}), undefined), /InvalidDirectoryConfiguration/);
  });
});

// Run directly (node --test), a Samba this file started is stopped again at the end.
after(() => releaseSamba());
