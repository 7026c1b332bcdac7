// The AD adapter against an LDAP server that answers a search with a size limit or a busy result
// (test/support/hostile-ldap.ts: a real network peer; the real adapter and the real ldapts talk
// to it over TCP). RFC 4511 result codes, as src/adapters/ad/ldap/errors.ts maps them:
// - 4 sizeLimitExceeded: SizeLimitExceeded, naming the server and the result, and the domain
//   controller's LDAP policies (MaxPageSize, MaxResultSetSize) or a narrower scope as the remedy;
// - 51 busy, 52 unavailable and 53 unwillingToPerform: ServerBusy ("Retry in a moment"), with the
//   result code: the server answered, so not ServerUnavailable ("could not be reached").
// Checked: the error's code, that it carries the result code (details, and the summary's
// additionalDetails), names the operation and what it was on, and says what to do; that the
// adapter sends no further request after the answer (the adapter does not retry: no retry is
// documented in src/adapters/ad/ldap, the recommended action leaves the retry to the user) and
// that such a retry on the same source succeeds once the server answers again. No Samba.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { LdapDirectorySource } from '../../../../src/adapters/ad';
import { SyncError } from '../../../../src/engine/errors/sync-error';
import { Dn } from '../../../../src/engine/model/dn';
import type { DirectoryObject } from '../../../../src/engine/model/directory-object';
import { startHostileLdap, type HostileLdap, type SearchHandler } from '../../../support/hostile-ldap';
import { syncErrorOfPromise } from '../../../support/sync-error-of';

const domain = 'DC=corp,DC=contoso,DC=com';
const ou = `OU=Sales,${domain}`;
const bindDn = `CN=sync,CN=Users,${domain}`;
const password = 'Limit-Busy-Test-Pw-1';
const user = (k: number): string => `CN=User ${k},${ou}`;
const userAttrs = (k: number) => ({ objectClass: ['top', 'person', 'user'], sAMAccountName: [`user${k}`] });

const open: Array<{ server: HostileLdap; source: LdapDirectorySource }> = [];
after(async () => {
  for (const { server, source } of open) {
    await source.close().catch(() => undefined);
    await server.close();
  }
});

async function serve(handler: SearchHandler): Promise<{ server: HostileLdap; source: LdapDirectorySource }> {
  const server = await startHostileLdap(handler);
  const source = new LdapDirectorySource({ url: server.url, bindDn, password, allowInsecure: true, connectTimeoutMs: 2000, operationTimeoutMs: 3000 });
  const pair = { server, source };
  open.push(pair);
  return pair;
}

/** The SyncError a promise rejects with: its code, and the result code in its details and in the summary's additionalDetails. */
async function refusal(promise: Promise<unknown>, code: string, resultCode: number): Promise<SyncError> {
  const error = await syncErrorOfPromise(promise);
  assert.equal(error.code, code, error.message);
  assert.equal(error.details.resultCode, resultCode, JSON.stringify(error.details));
  assert.match(error.toInfo().additionalDetails ?? '', new RegExp(`(^|; )resultCode=${resultCode}(;|$)`));
  assert.equal(error.category, 'failure');
  assert.ok(error.documentationUrl, 'a documentation link');
  assert.ok(!error.message.includes(password) && !error.recommendedAction.includes(password));
  return error;
}

/** The objects of a search until it ends or fails; the failure is rethrown after them. */
async function collect(iterable: AsyncIterable<DirectoryObject>, into: DirectoryObject[]): Promise<void> {
  for await (const object of iterable) into.push(object);
}

describe('result 4 (sizeLimitExceeded): SizeLimitExceeded', () => {
  it('a paged scope search whose second page is answered 4 ends there, naming the search and its base, with the page size to change', { timeout: 15_000 }, async () => {
    const { server, source } = await serve((r, reply) => {
      if (!r.cookie?.length) {
        for (const k of [1, 2]) reply.entry(user(k), userAttrs(k));
        return reply.done({ cookie: Buffer.from('page-2') });
      }
      reply.done({ resultCode: 4, message: 'Size limit exceeded' });
    });
    const objects: DirectoryObject[] = [];
    const err = await refusal(collect(source.searchObjects({ base: Dn.parse(ou), scope: 'subtree', objectClasses: ['user'], pageSize: 2 }), objects), 'SizeLimitExceeded', 4);
    assert.equal(err.reason, `The domain controller at ${server.url} refused to search ${ou} in full (LDAP result 4, sizeLimitExceeded): more entries match than its size limit allows.`);
    assert.match(err.recommendedAction, /MaxPageSize, MaxResultSetSize/);
    assert.match(err.recommendedAction, /--search-base|--ldap-filter/);
    assert.equal(err.details.url, server.url, 'the details name the server');
    assert.deepEqual(objects.map((o) => o.dn), [user(1), user(2)], 'the first page, as sent; nothing after the refused page');
    assert.equal(server.searches.length, 2, 'no third page and no retry');
    assert.equal(server.binds.length, 1);
  });

  it('the tree listing answered 4 says so for the listing of that container', { timeout: 15_000 }, async () => {
    const { server, source } = await serve((_r, reply) => reply.done({ resultCode: 4, message: 'Size limit exceeded' }));
    const err = await refusal(source.listChildren(Dn.parse(ou), { pageSize: 50 }), 'SizeLimitExceeded', 4);
    assert.equal(err.reason, `The domain controller at ${server.url} refused to list the children of ${ou} in full (LDAP result 4, sizeLimitExceeded): more entries match than its size limit allows.`);
    assert.match(err.recommendedAction, /LDAP policies/);
    assert.equal(server.searches.length, 1, 'not retried');
  });

  it('the reason names the server and the LDAP result code, as LdapOperationFailed and ServerBusy name the server', { timeout: 15_000 }, async () => {
    const { server, source } = await serve((_r, reply) => reply.done({ resultCode: 4, message: 'Size limit exceeded' }));
    const err = await refusal(source.listChildren(Dn.parse(ou), { pageSize: 50 }), 'SizeLimitExceeded', 4);
    assert.ok(err.reason.includes(server.url), err.reason);
    assert.match(err.reason, /LDAP result 4\b/);
  });
});

describe('results 51 (busy) and 53 (unwillingToPerform): ServerBusy, not retried by the adapter', () => {
  it('a read answered 51 is ServerBusy naming the server, the operation and the server\'s message; one request, then a retry on the same source succeeds', { timeout: 15_000 }, async () => {
    let busy = true;
    const target = user(7);
    const { server, source } = await serve((_r, reply) => {
      if (busy) return reply.done({ resultCode: 51, message: '00002024: SvcErr: DSID-03200E4C, problem 5001 (BUSY), data 0' });
      reply.entry(target, userAttrs(7));
      reply.done();
    });
    const err = await refusal(source.readObject(Dn.parse(target)), 'ServerBusy', 51);
    assert.equal(err.reason, `The domain controller at ${server.url} is busy, unavailable or unwilling to perform read (LDAP result 51): 00002024: SvcErr: DSID-03200E4C, problem 5001 (BUSY), data 0.`);
    assert.equal(err.details.dn, target, 'the details name the object read');
    assert.match(err.recommendedAction, /^Retry in a moment; if it persists, check the domain controller event log/);
    assert.equal(server.searches.length, 1, 'the adapter sent the read once: no retry of its own');

    // "Retry in a moment": once the server answers again, the same source reads the object.
    busy = false;
    const read = await source.readObject(Dn.parse(target));
    assert.equal(read.status, 'found');
    assert.equal(server.searches.length, 2);
    assert.equal(server.binds.length, 1, 'the connection was kept: no second bind');
  });

  it('a paged search answered 53 (unwilling to perform) is ServerBusy with result 53, and no page is asked for after it', { timeout: 15_000 }, async () => {
    const { server, source } = await serve((_r, reply) => reply.done({ resultCode: 53, message: '0000209A: SvcErr: DSID-031A1254, problem 5003 (WILL_NOT_PERFORM), data 0' }));
    const objects: DirectoryObject[] = [];
    const err = await refusal(collect(source.searchObjects({ base: Dn.parse(ou), scope: 'subtree', objectClasses: ['user'], pageSize: 10 }), objects), 'ServerBusy', 53);
    assert.match(err.reason, /is busy, unavailable or unwilling to perform search \(LDAP result 53\): 0000209A: SvcErr: .*WILL_NOT_PERFORM/);
    assert.match(err.recommendedAction, /Retry in a moment/);
    assert.deepEqual(objects, []);
    assert.equal(server.searches.length, 1);
  });

  it('a busy answer with no message still says busy (the result\'s name in place of the message)', { timeout: 15_000 }, async () => {
    const { server, source } = await serve((_r, reply) => reply.done({ resultCode: 51 }));
    const err = await refusal(source.readObject(Dn.parse(user(1))), 'ServerBusy', 51);
    assert.ok(err.reason.startsWith(`The domain controller at ${server.url} is busy, unavailable or unwilling to perform read (LDAP result 51): `), err.reason);
    assert.match(err.reason, /Busy/);
  });
});

describe('result 52 (unavailable): the server answered, so ServerBusy, not ServerUnavailable', () => {
  it('a read answered 52 is ServerBusy carrying the server\'s message and result 52', { timeout: 15_000 }, async () => {
    const { server, source } = await serve((_r, reply) => reply.done({ resultCode: 52, message: 'The server is shutting down' }));
    const err = await refusal(source.readObject(Dn.parse(user(1))), 'ServerBusy', 52);
    assert.ok(err.reason.includes(server.url), err.reason);
    assert.match(err.reason, /The server is shutting down/);
    assert.ok(err.recommendedAction.length > 0);
    assert.equal(server.searches.length, 1, 'not retried');
  });

  it('the message does not say the server could not be reached when it answered', { timeout: 15_000 }, async () => {
    const { source } = await serve((_r, reply) => reply.done({ resultCode: 52, message: 'The server is shutting down' }));
    const err = await refusal(source.readObject(Dn.parse(user(1))), 'ServerBusy', 52);
    assert.doesNotMatch(err.reason, /could not be reached/);
    assert.doesNotMatch(err.recommendedAction, /DNS and firewalls/);
  });
});
