// The AD adapter against a hostile or broken LDAP server (test/support/hostile-ldap.ts, a real
// network peer: the real adapter and the real ldapts talk to it over TCP). Each case ends within
// its time-out in a named SyncError that names the server and the DN and says what to do, or is
// answered correctly: never a hang, an unbounded read, a followed referral or a silent wrong
// answer. No Samba.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { LdapDirectorySource, type LdapSourceOptions } from '../../../../src/adapters/ad';
import { SyncError } from '../../../../src/engine/errors/sync-error';
import { getValues } from '../../../../src/engine/model/attributes';
import { Dn } from '../../../../src/engine/model/dn';
import type { DirectoryObject } from '../../../../src/engine/model/directory-object';
import { startHostileLdap, startWitness, type HostileLdap, type Reply, type SearchHandler, type SearchRequest } from '../../../support/hostile-ldap';

const domain = 'DC=corp,DC=contoso,DC=com';
const ou = `OU=Sales,${domain}`;
const group = `CN=Big Group,${ou}`;
const bindDn = `CN=sync,CN=Users,${domain}`;
const password = 'Hostile-Test-Pw-1';

const open: Array<{ server: HostileLdap; source: LdapDirectorySource }> = [];
after(async () => {
  for (const { server, source } of open) {
    await source.close().catch(() => undefined);
    await server.close();
  }
});

async function serve(handler: SearchHandler, options: Partial<LdapSourceOptions> = {}): Promise<{ server: HostileLdap; source: LdapDirectorySource }> {
  const server = await startHostileLdap(handler);
  const source = new LdapDirectorySource({ url: server.url, bindDn, password, allowInsecure: true, connectTimeoutMs: 2000, operationTimeoutMs: 3000, ...options });
  const pair = { server, source };
  open.push(pair);
  return pair;
}

/** The SyncError a promise rejects with; its code, that it names the server and the DN, and what to do. */
async function refusal(promise: Promise<unknown>, code: string, dn: string | undefined, action: RegExp): Promise<SyncError> {
  let error: unknown;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof SyncError, `expected a SyncError ${code}, got ${error === undefined ? 'success' : String((error as Error).stack ?? error)}`);
  assert.equal(error.code, code, error.message);
  assert.match(error.reason, /127\.0\.0\.1/, 'names the server');
  if (dn !== undefined) assert.ok(error.reason.includes(dn), `names ${dn}: ${error.reason}`);
  assert.match(error.recommendedAction, action);
  return error;
}

async function all(iterable: AsyncIterable<DirectoryObject>): Promise<DirectoryObject[]> {
  const out: DirectoryObject[] = [];
  for await (const object of iterable) out.push(object);
  return out;
}

const user = (k: number, parent = ou): string => `CN=User ${k},${parent}`;
const userAttrs = (k: number) => ({ objectClass: ['top', 'person', 'user'], sAMAccountName: [`user${k}`] });
const members = (from: number, count: number): string[] => Array.from({ length: count }, (_, k) => `CN=Member ${from + k},${ou}`);
const retry = /Retry once.*domain controller of the domain/;

/** Answers a page: the entries, and a cookie when `cookie` is given. */
function page(reply: Reply, entries: number[], cookie?: string, parent = ou): void {
  for (const k of entries) reply.entry(user(k, parent), userAttrs(k));
  reply.done(cookie ? { cookie: Buffer.from(cookie) } : {});
}

const isBase = (r: SearchRequest) => r.scope === 0;

describe('a paged search whose server never ends it', () => {
  it('batch scope: the same cookie and the same page again and again is refused, not looped on', { timeout: 15_000 }, async () => {
    const { server, source } = await serve((r, reply) => (isBase(r) ? reply.done() : page(reply, [1, 2, 3], 'same-cookie')));
    const err = await refusal(all(source.searchObjects({ base: Dn.parse(ou), scope: 'subtree', objectClasses: ['user'], pageSize: 3 })), 'DirectoryAnswerInvalid', ou, retry);
    assert.match(err.reason, /twice in one search/);
    assert.ok(server.searches.length <= 3, `${server.searches.length} pages asked`);
  });

  it('batch scope: a new cookie each time with the same entries is refused too', { timeout: 15_000 }, async () => {
    let n = 0;
    const { source } = await serve((r, reply) => (isBase(r) ? reply.done() : page(reply, [1, 2], `cookie-${++n}`)));
    await refusal(all(source.searchObjects({ base: Dn.parse(ou), scope: 'one', objectClasses: ['user'], pageSize: 2 })), 'DirectoryAnswerInvalid', ou, retry);
  });

  it('batch scope: pages of references only, each with a cookie, forever, are refused', { timeout: 15_000 }, async () => {
    const witness = await startWitness();
    try {
      let n = 0;
      const { server, source } = await serve((r, reply) => {
        if (isBase(r)) return reply.done();
        reply.reference([`${witness.url}/${ou}`]);
        reply.done({ cookie: Buffer.from(`c${++n}`) });
      });
      const err = await refusal(all(source.searchObjects({ base: Dn.parse(ou), scope: 'subtree', objectClasses: ['user'], pageSize: 10 })), 'DirectoryAnswerInvalid', ou, retry);
      assert.match(err.reason, /pages in a row with no entry/);
      assert.ok(server.searches.length < 50);
      assert.equal(witness.connections, 0, 'no reference was followed');
    } finally {
      await witness.close();
    }
  });

  it('the tree listing: a cookie that never advances is refused instead of showing the same children forever', { timeout: 15_000 }, async () => {
    const { source } = await serve((r, reply) => page(reply, [1, 2, 3, 4, 5], 'stuck'));
    let continuation: string | undefined;
    const listing = (async () => {
      for (let k = 0; k < 5; k++) {
        const result = await source.listChildren(Dn.parse(ou), { pageSize: 5, ...(continuation ? { continuation } : {}) });
        continuation = result.continuation;
        if (!continuation) return;
      }
    })();
    await refusal(listing, 'DirectoryAnswerInvalid', ou, retry);
  });

  it('the tree listing: pages of references only, forever, end in an error, not a loop inside one call', { timeout: 15_000 }, async () => {
    let n = 0;
    const { source } = await serve((r, reply) => {
      reply.reference(['ldap://elsewhere.example/DC=x']);
      reply.done({ cookie: Buffer.from(`c${++n}`) });
    });
    await refusal(source.listChildren(Dn.parse(ou), { pageSize: 5 }), 'DirectoryAnswerInvalid', ou, retry);
  });

  it('the tree count ("200 of 5,000"): a cookie forever with the same entries ends', { timeout: 15_000 }, async () => {
    const { source } = await serve((r, reply) => page(reply, [1, 2], 'again'));
    await refusal(source.countChildren(Dn.parse(ou)), 'DirectoryAnswerInvalid', ou, retry);
  });
});

describe('ranged member retrieval that does not advance', () => {
  /** A group read: the first 1,500 members in the base read, then `next` answers each further window. */
  function groupServer(next: (r: SearchRequest, reply: Reply, window: number) => void): SearchHandler {
    let window = 0;
    return (r, reply) => {
      const ranged = r.attributes.find((a) => /^member;range=/i.test(a));
      if (!ranged) {
        reply.entry(group, { objectClass: ['top', 'group'], 'member;range=0-1499': members(0, 1500) });
        return reply.done();
      }
      next(r, reply, ++window);
    };
  }

  it('member;range=0-1499 answered again to every later window: refused, not looped on', { timeout: 15_000 }, async () => {
    const { server, source } = await serve(groupServer((_r, reply) => {
      reply.entry(group, { 'member;range=0-1499': members(0, 1500) });
      reply.done();
    }));
    const err = await refusal(source.readObject(Dn.parse(group)), 'DirectoryAnswerInvalid', group, retry);
    assert.match(err.reason, /does not start where asked/);
    assert.ok(server.searches.length <= 3);
  });

  it('a window whose start goes backwards is refused (values would repeat)', { timeout: 15_000 }, async () => {
    const { source } = await serve(groupServer((_r, reply, window) => {
      if (window === 1) reply.entry(group, { 'member;range=1000-2499': members(1000, 1500) });
      else reply.entry(group, { 'member;range=2500-*': members(2500, 10) });
      reply.done();
    }));
    const err = await refusal(source.readObject(Dn.parse(group)), 'DirectoryAnswerInvalid', group, retry);
    assert.match(err.reason, /member;range=1000-2499/);
  });

  it('no member;range=1500-* in the answer after the first 1,500: refused, not 1,500 members said to be all', { timeout: 15_000 }, async () => {
    const { source } = await serve(groupServer((_r, reply) => {
      reply.entry(group, { objectClass: ['top', 'group'] });
      reply.done();
    }));
    const err = await refusal(source.readObject(Dn.parse(group)), 'DirectoryAnswerInvalid', group, retry);
    assert.match(err.reason, /values after 1500 would be lost/);
  });

  it('a window that names 1,500 values but holds 10: refused, not members dropped', { timeout: 15_000 }, async () => {
    const { source } = await serve(groupServer((_r, reply, window) => {
      if (window === 1) reply.entry(group, { 'member;range=1500-2999': members(1500, 10) });
      else reply.entry(group, { 'member;range=3000-*': members(3000, 5) });
      reply.done();
    }));
    const err = await refusal(source.readObject(Dn.parse(group)), 'DirectoryAnswerInvalid', group, retry);
    assert.match(err.reason, /with 10 values, not the 1500 it names/);
  });

  it('isDirectMember on a group whose ranges never advance ends with the error too', { timeout: 15_000 }, async () => {
    const { source } = await serve((r, reply) => {
      reply.entry(group, { 'member;range=0-1499': members(0, 1500) });
      reply.done();
    });
    await refusal(source.isDirectMember(Dn.parse(group), Dn.parse(`CN=Nobody,${ou}`)), 'DirectoryAnswerInvalid', group, retry);
  });

  it('a well-behaved server with ranges is still read whole (3,010 members)', { timeout: 15_000 }, async () => {
    const { source } = await serve(groupServer((r, reply) => {
      const start = Number(/range=(\d+)-/.exec(r.attributes.join(' '))?.[1]);
      if (start === 0) reply.entry(group, { 'member;range=0-1499': members(0, 1500) });
      else if (start === 1500) reply.entry(group, { 'member;range=1500-2999': members(1500, 1500) });
      else reply.entry(group, { 'member;range=3000-*': members(3000, 10) });
      reply.done();
    }));
    const read = await source.readObject(Dn.parse(group));
    assert.equal(read.status, 'found');
    assert.equal(read.status === 'found' && getValues(read.object.attributes, 'member')?.length, 3010);
    assert.equal(await source.isDirectMember(Dn.parse(group), Dn.parse(`CN=Member 3009,${ou}`)), true);
  });
});

describe('referrals and search references', () => {
  it('a referral (result 10) to another host is named and never followed with the bind', { timeout: 15_000 }, async () => {
    const witness = await startWitness();
    try {
      const other = `CN=Someone,OU=People,DC=other,DC=example`;
      const { source } = await serve((r, reply) => reply.done({ resultCode: 10, message: '0000202B: RefErr: DSID-0310082F, data 0, 1 access points', referrals: [`${witness.url}/${other}`] }));
      const err = await refusal(source.readObject(Dn.parse(other)), 'ReferralNotFollowed', other, /domain controller of the domain that holds/);
      assert.match(err.reason, /not followed/);
      assert.equal(witness.connections, 0, 'nothing connected to the referred host');
      assert.ok(!err.message.includes(password));
    } finally {
      await witness.close();
    }
  });

  it('search references in a scope search are not followed; the entries are returned as sent', { timeout: 15_000 }, async () => {
    const witness = await startWitness();
    try {
      const { source } = await serve((r, reply) => {
        if (isBase(r)) return reply.done();
        reply.entry(user(1), userAttrs(1));
        reply.reference([`${witness.url}/DC=DomainDnsZones,${domain}`]);
        reply.entry(user(2), userAttrs(2));
        reply.done();
      });
      const objects = await all(source.searchObjects({ base: Dn.parse(ou), scope: 'subtree', objectClasses: ['user'], pageSize: 10 }));
      assert.deepEqual(objects.map((o) => o.dn), [user(1), user(2)]);
      assert.equal(witness.connections, 0);
    } finally {
      await witness.close();
    }
  });
});

describe('entries that are not what was asked for', () => {
  it('a base read answered with another object is refused, not taken for the object asked', { timeout: 15_000 }, async () => {
    const { source } = await serve((r, reply) => {
      reply.entry(`CN=Administrator,CN=Users,${domain}`, { objectClass: ['top', 'user'], sAMAccountName: ['Administrator'] });
      reply.done();
    });
    const err = await refusal(source.readObject(Dn.parse(user(1))), 'DirectoryAnswerInvalid', user(1), retry);
    assert.match(err.reason, /another object than the one read: "CN=Administrator/);
  });

  it('a base read answered with two entries is refused', { timeout: 15_000 }, async () => {
    const { source } = await serve((r, reply) => {
      reply.entry(user(1), userAttrs(1));
      reply.entry(user(1), { ...userAttrs(1), sAMAccountName: ['impostor'] });
      reply.done();
    });
    const err = await refusal(source.readObject(Dn.parse(user(1))), 'DirectoryAnswerInvalid', user(1), retry);
    assert.match(err.reason, /2 entries for a read of one object/);
  });

  it('a base read answered under another spelling of the same DN is the object', { timeout: 15_000 }, async () => {
    const { source } = await serve((r, reply) => {
      reply.entry('cn=user 1, ou=SALES, dc=corp,dc=contoso,dc=com', userAttrs(1));
      reply.done();
    });
    assert.equal((await source.readObject(Dn.parse(user(1)))).status, 'found');
  });

  it('a scope search: an entry outside the base is refused, and its hostile name is shown escaped', { timeout: 15_000 }, async () => {
    const hostile = `CN=Evil\u202Egpj.exe\u0007,CN=Users,${domain}`;
    const { source } = await serve((r, reply) => {
      if (isBase(r)) return reply.done();
      reply.entry(user(1), userAttrs(1));
      reply.entry(hostile, userAttrs(2));
      reply.done();
    });
    const err = await refusal(all(source.searchObjects({ base: Dn.parse(ou), scope: 'subtree', objectClasses: ['user'], pageSize: 10 })), 'DirectoryAnswerInvalid', ou, retry);
    assert.match(err.reason, /outside the search base/);
    assert.ok(err.reason.includes('\\u202e') && err.reason.includes('\\u0007'), err.reason);
    assert.ok(!err.reason.includes('\u202E'), 'the override is not in the message');
  });

  it('a one-level search: an entry two levels down is refused', { timeout: 15_000 }, async () => {
    const { source } = await serve((r, reply) => (isBase(r) ? reply.done() : page(reply, [1], undefined, `OU=Deeper,${ou}`)));
    const err = await refusal(all(source.searchObjects({ base: Dn.parse(ou), scope: 'one', objectClasses: ['user'], pageSize: 10 })), 'DirectoryAnswerInvalid', ou, retry);
    assert.match(err.reason, /not directly below the container/);
  });

  it('a scope search: an entry whose name is not a DN is refused by the adapter, naming the server', { timeout: 15_000 }, async () => {
    const { source } = await serve((r, reply) => {
      if (isBase(r)) return reply.done();
      reply.entry('not a distinguished name', userAttrs(1));
      reply.done();
    });
    const err = await refusal(all(source.searchObjects({ base: Dn.parse(ou), scope: 'subtree', objectClasses: ['user'], pageSize: 10 })), 'DirectoryAnswerInvalid', ou, retry);
    assert.match(err.reason, /"not a distinguished name", which is not a distinguished name/);
  });

  it('a scope search: the same entry twice in one page is refused (the batch would sync it twice)', { timeout: 15_000 }, async () => {
    const { source } = await serve((r, reply) => (isBase(r) ? reply.done() : page(reply, [1, 2, 1])));
    const err = await refusal(all(source.searchObjects({ base: Dn.parse(ou), scope: 'subtree', objectClasses: ['user'], pageSize: 10 })), 'DirectoryAnswerInvalid', ou, retry);
    assert.match(err.reason, /CN=User 1,OU=Sales.* twice/);
  });

  it('the tree listing: a child that is not below the container is refused', { timeout: 15_000 }, async () => {
    const { source } = await serve((r, reply) => page(reply, [1], undefined, `OU=Other,${domain}`));
    await refusal(source.listChildren(Dn.parse(ou), { pageSize: 10 }), 'DirectoryAnswerInvalid', ou, retry);
  });

  it('a search answer of 6,000 entries in one page (1,000 were asked) is refused', { timeout: 30_000 }, async () => {
    const { source } = await serve((r, reply) => {
      if (isBase(r)) return reply.done();
      for (let k = 0; k < 6000; k++) reply.entry(user(k), { objectClass: ['user'] });
      reply.done();
    });
    const err = await refusal(all(source.searchObjects({ base: Dn.parse(ou), scope: 'subtree', objectClasses: ['user'], pageSize: 1000 })), 'DirectoryAnswerInvalid', ou, retry);
    assert.match(err.reason, /more than 5000 entries and references in one search answer/);
  });
});

describe('malformed and extreme values', () => {
  it('a 50 MB attribute value is refused at 16 MiB, before it is held in memory', { timeout: 30_000 }, async () => {
    const { source } = await serve((r, reply) => {
      reply.entry(user(1), { ...userAttrs(1), description: [Buffer.alloc(50 * 1024 * 1024, 0x41)] });
      reply.done();
    });
    const err = await refusal(source.readObject(Dn.parse(user(1))), 'DirectoryAnswerInvalid', user(1), retry);
    assert.match(err.reason, /one LDAP message of \d+ bytes, more than the 16777216 bytes accepted/);
  });

  it('values are kept exactly: control characters and bidi overrides are not stripped, a 15-byte objectGUID stays 15 bytes, 100,000 values stay 100,000', { timeout: 30_000 }, async () => {
    const displayName = 'Bob\u202Emoc.live\u0000\u0007 Stone';
    const many = Array.from({ length: 100_000 }, (_, k) => `smtp:a${k}@contoso.com`);
    const { source } = await serve((r, reply) => {
      reply.entry(user(1), { ...userAttrs(1), displayName: [displayName], objectGUID: [Buffer.alloc(15, 7)], objectSid: [Buffer.from([1, 5, 0])], userAccountControl: ['not-a-number'], manager: ['not a DN'], proxyAddresses: many });
      reply.done();
    });
    const read = await source.readObject(Dn.parse(user(1)));
    assert.equal(read.status, 'found');
    if (read.status !== 'found') return;
    const a = read.object.attributes;
    assert.deepEqual(getValues(a, 'displayName'), [displayName]);
    assert.deepEqual(getValues(a, 'objectGUID'), [new Uint8Array(15).fill(7)], 'the engine refuses it at step 7 (MalformedDirectoryValue)');
    assert.deepEqual(getValues(a, 'objectSid'), [new Uint8Array([1, 5, 0])]);
    assert.deepEqual(getValues(a, 'userAccountControl'), ['not-a-number']);
    assert.equal(getValues(a, 'proxyAddresses')?.length, 100_000);
    // A member value that is no DN names nobody (it is not a crash).
    assert.deepEqual(getValues(a, 'manager'), ['not a DN']);
  });

  it('the tree shows a child with a malformed GUID and userAccountControl without them, not a failure', { timeout: 15_000 }, async () => {
    const { source } = await serve((r, reply) => {
      if (r.scope === 1 && r.filter[0] === 0xa2) { // the listing's second phase: (!(containers))
        reply.entry(user(1), { objectClass: ['user'], objectGUID: [Buffer.alloc(17, 1)], userAccountControl: ['not-a-number'] });
      }
      reply.done();
    });
    const { children } = await source.listChildren(Dn.parse(ou), { pageSize: 10 });
    assert.equal(children.length, 1);
    assert.equal(children[0]!.objectGuid, undefined);
    assert.equal(children[0]!.disabled, undefined);
  });
});

describe('a broken connection', () => {
  it('half a message, then silence: TimeLimitExceeded within the operation time-out', { timeout: 15_000 }, async () => {
    const { source } = await serve((r, reply) => {
      // The first bytes of a 256-byte SearchResultEntry of this messageID, and no more.
      reply.raw(Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x00, 0x02, 0x01, r.messageId, 0x64, 0x81, 0xf9, 0x04, 0x10]), Buffer.from('CN=User 1,OU=Sa')]));
    }, { operationTimeoutMs: 1000 });
    await refusal(source.readObject(Dn.parse(user(1))), 'TimeLimitExceeded', user(1), /operationTimeoutMs/);
  });

  it('bytes that are no LDAP message: refused at once, not waited on until the time-out', { timeout: 15_000 }, async () => {
    const { source } = await serve((r, reply) => reply.raw(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')), { operationTimeoutMs: 10_000 });
    const started = Date.now();
    const err = await refusal(source.readObject(Dn.parse(user(1))), 'DirectoryAnswerInvalid', user(1), retry);
    assert.match(err.reason, /not an LDAP message/);
    assert.ok(Date.now() - started < 5000, 'refused before the 10 s time-out');
  });

  it('the connection closed in the middle of a search: ServerUnavailable', { timeout: 15_000 }, async () => {
    const { source } = await serve((r, reply) => {
      if (isBase(r)) return reply.done();
      reply.entry(user(1), userAttrs(1));
      reply.close();
    });
    await refusal(all(source.searchObjects({ base: Dn.parse(ou), scope: 'subtree', objectClasses: ['user'], pageSize: 10 })), 'ServerUnavailable', undefined, /Check the URL/);
  });
});

describe('a hostile RootDSE', () => {
  const dse = (attributes: Record<string, string[]>): SearchHandler => (r, reply) => {
    reply.entry('', { defaultNamingContext: [domain], configurationNamingContext: [`CN=Configuration,${domain}`], namingContexts: [domain], dnsHostName: ['dc1.corp.contoso.com'], ...attributes });
    reply.done();
  };

  it('a well-formed RootDSE is read', { timeout: 15_000 }, async () => {
    const { source } = await serve(dse({}));
    assert.deepEqual(await source.rootDse(), { defaultNamingContext: domain, namingContexts: [domain], configurationNamingContext: `CN=Configuration,${domain}`, dnsHostName: 'dc1.corp.contoso.com' });
  });

  it('a defaultNamingContext that is not a DN is refused', { timeout: 15_000 }, async () => {
    const { source } = await serve(dse({ defaultNamingContext: ['corp.contoso.com; DROP'] }));
    const err = await refusal(source.rootDse(), 'DirectoryAnswerInvalid', 'the RootDSE', retry);
    assert.match(err.reason, /defaultNamingContext of "corp\.contoso\.com; DROP", which is not a distinguished name/);
  });

  it('10,000 namingContexts are refused', { timeout: 15_000 }, async () => {
    const { source } = await serve(dse({ namingContexts: Array.from({ length: 10_000 }, (_, k) => `DC=d${k},DC=example`) }));
    const err = await refusal(source.rootDse(), 'DirectoryAnswerInvalid', 'the RootDSE', retry);
    assert.match(err.reason, /10000 namingContexts/);
  });

  it('a dnsHostName that is no host name (bidi override, link text) is refused and shown escaped', { timeout: 15_000 }, async () => {
    const { source } = await serve(dse({ dnsHostName: ['dc1\u202E.evil [click](https://evil.example)'] }));
    const err = await refusal(source.rootDse(), 'DirectoryAnswerInvalid', 'the RootDSE', retry);
    assert.match(err.reason, /dnsHostName of .*\\u202e.*, which is not a DNS host name/);
  });
});

describe('Find Object', () => {
  it('an entry outside the base, or one that is no DN, is refused by name, not shown', { timeout: 15_000 }, async () => {
    const { source } = await serve((r, reply) => {
      reply.entry(`CN=Admin,CN=Users,DC=fabrikam,DC=com`, userAttrs(1));
      reply.done();
    });
    const err = await refusal(source.findObjects('admin', { base: Dn.parse(ou), limit: 10 }), 'DirectoryAnswerInvalid', ou, retry);
    assert.match(err.reason, /an entry outside the search base: "CN=Admin,CN=Users,DC=fabrikam,DC=com"/);

    const { source: other } = await serve((r, reply) => {
      reply.entry('not a distinguished name', userAttrs(2));
      reply.done();
    });
    const notDn = await refusal(other.findObjects('admin', { base: Dn.parse(ou), limit: 10 }), 'DirectoryAnswerInvalid', ou, retry);
    assert.match(notDn.reason, /an entry named "not a distinguished name", which is not a distinguished name/);
    assert.doesNotMatch(notDn.reason, /No directory call was made/);
  });

  it('a DN query answered with another object, or the same entry twice, is refused', { timeout: 15_000 }, async () => {
    const { source } = await serve((r, reply) => {
      reply.entry(user(2), userAttrs(2));
      reply.done();
    });
    const err = await refusal(source.findObjects(user(1), { base: Dn.parse(domain), limit: 10 }), 'DirectoryAnswerInvalid', user(1), retry);
    assert.match(err.reason, /another object than the one read/);

    const { source: twice } = await serve((r, reply) => page(reply, [3, 3]));
    const dup = await refusal(twice.findObjects('user', { base: Dn.parse(ou), limit: 10 }), 'DirectoryAnswerInvalid', ou, retry);
    assert.match(dup.reason, /twice in one search/);
  });

  it('a well-behaved answer is shown whole', { timeout: 15_000 }, async () => {
    const { source } = await serve((r, reply) => page(reply, [4, 5]));
    const found = await source.findObjects('user', { base: Dn.parse(ou), limit: 10 });
    assert.deepEqual(found.map((f) => f.dn.toString()), [user(4), user(5)]);
  });
});
