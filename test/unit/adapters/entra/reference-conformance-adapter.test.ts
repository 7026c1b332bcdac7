// The Graph adapter against hostile or unusual answers the reference allows or a faulty service
// may give (graph-and-identity-platform.md sections 3-6): every failure ends in a named SyncError,
// never a TypeError or "could not reach"; a link never takes the token to another origin; an
// expired delta link reads the tenant again. The real adapter against the emulator, whose fault
// kind `body` answers with a chosen status, headers and body.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EntraConfig } from '../../../../src/app/config/model';
import { isSyncError, type SyncError } from '../../../../src/engine/errors';
import type { EntraTarget } from '../../../../src/engine/ports/entra-target';
import { clearTokenCache, createEntraTarget } from '../../../../src/adapters/entra/index';
import type { GraphEntraTarget } from '../../../../src/adapters/entra/graph/graph-target';
import { parseRetryAfter } from '../../../../src/adapters/entra/graph/transport';
import { GRAPH_TEXT_LIMIT, parseGraphError } from '../../../../src/adapters/entra/graph/errors';
import { startEmulator, type Emulator } from '../../../graph-emulator/index';

let emu: Emulator;
/** A second server (same CA): where a hostile link points. It must never see a request. */
let elsewhere: Emulator;
const targets: EntraTarget[] = [];
const sleeps: number[] = [];

before(async () => {
  emu = await startEmulator();
  elsewhere = await startEmulator();
});
after(async () => {
  for (const t of targets) await t.close();
  await emu.close();
  await elsewhere.close();
});
beforeEach(() => {
  emu.reset();
  elsewhere.reset();
  clearTokenCache();
  sleeps.length = 0;
});

function target(extra: Partial<EntraConfig> = {}): GraphEntraTarget {
  const t = createEntraTarget({
    tenantId: emu.tenantId, clientId: emu.clientId, authorityHost: emu.authorityHost, graphEndpoint: emu.graphEndpoint, caFile: emu.caFile, ...extra,
  }, emu.clientSecret, { sleep: async (ms) => void sleeps.push(ms) });
  targets.push(t);
  return t as GraphEntraTarget;
}

async function syncError(promise: Promise<unknown>): Promise<SyncError> {
  try {
    await promise;
  } catch (err) {
    if (isSyncError(err)) return err;
    assert.fail(`expected a SyncError, got ${String((err as Error)?.stack ?? err)}`);
  }
  assert.fail('expected a SyncError');
}

describe('paging links (reference section 3: "Paging is through @odata.nextLink with a $skiptoken")', () => {
  test('a nextLink of another scheme that wraps an https URL of another origin is refused by name; the token goes nowhere else', async () => {
    const other = new URL(elsewhere.graphEndpoint);
    // The Graph client would read this path ("https://127.0.0.1:<other>/v1.0/users") as a URL and
    // attach the token, since the text before the first ':' names the configured host.
    emu.faults({ kind: 'body', path: '/v1.0/users', method: 'GET', body: { value: [], '@odata.nextLink': `x:https://${other.hostname}:${other.port}/v1.0/users` } });
    const err = await syncError(target().listAll('user'));
    assert.equal(err.code, 'GraphRequestFailed');
    assert.match(err.message, /not https; it was not followed/);
    assert.deepEqual(elsewhere.requestLog(), [], 'no request (and no token) reached another origin');
  });

  test('a nextLink whose query holds "https://" stays on the configured endpoint, the query intact', async () => {
    const other = new URL(elsewhere.graphEndpoint);
    emu.faults({ kind: 'body', path: '/v1.0/users', method: 'GET', body: { value: [], '@odata.nextLink': `https://attacker.example/v1.0/users?$select=id&next=https://${other.host}/v1.0/users` } });
    emu.seed({ users: [{ id: 'u1', userPrincipalName: 'u1@contoso.com', displayName: 'U1' }] });
    assert.deepEqual((await target().listAll('user')).map((o) => o.id), ['u1'], 'the next page came from the configured endpoint');
    assert.deepEqual(elsewhere.requestLog(), []);
    const followed = emu.requestLog().find((r) => r.path.includes('next='));
    assert.ok(followed, `the link was followed on the configured endpoint: ${JSON.stringify(emu.requestLog())}`);
    assert.ok(followed.path.startsWith('/v1.0/users?'), followed.path);
    assert.equal(new URLSearchParams(followed.path.split('?')[1]).get('next'), `https://${other.host}/v1.0/users`);
  });

  test('a nextLink that is no URL at all is GraphRequestFailed, not a TypeError', async () => {
    emu.faults({ kind: 'body', path: '/v1.0/users', method: 'GET', body: { value: [], '@odata.nextLink': 'not a url' } });
    const err = await syncError(target().listAll('user'));
    assert.equal(err.code, 'GraphRequestFailed');
    assert.match(err.message, /not an absolute URL/);
  });
});

describe('an expired delta link (Microsoft\'s delta query overview: "a 40X-series error with error codes such as syncStateNotFound")', () => {
  const expired = (path: string, status: number, code: string) =>
    emu.faults({ kind: 'body', path, method: 'GET', bodyStatus: status, body: { error: { code, message: 'The sync state is not found.' } } });

  test('400 syncStateNotFound on a stored delta link reads the tenant in full again, as 410 does', async () => {
    emu.seed({ users: [{ id: 'u1', userPrincipalName: 'u1@contoso.com', displayName: 'U1' }] });
    const t = target();
    const first = await t.readChanges('user');
    const token = new URL(first.deltaLink).searchParams.get('$deltatoken')!;
    expired(token, 400, 'syncStateNotFound');
    const again = await t.readChanges('user', first.deltaLink);
    assert.equal(again.restarted, true);
    assert.equal(again.full, true);
    assert.deepEqual(again.changed.map((o) => o.id), ['u1']);
    assert.notEqual(again.deltaLink, first.deltaLink);
  });

  test('another 400 on a delta link is not taken for an expired link: it fails by name', async () => {
    const t = target();
    const first = await t.readChanges('user');
    expired(new URL(first.deltaLink).searchParams.get('$deltatoken')!, 400, 'Request_BadRequest');
    const err = await syncError(t.readChanges('user', first.deltaLink));
    assert.equal(err.details.status, 400);
  });
});

describe('hostile error bodies (reference section 4: the envelope {"error":{code,message,details,innerError}})', () => {
  const hostile = (body: Record<string, unknown>) => emu.faults({ kind: 'body', path: '/v1.0/users', method: 'GET', count: -1, ...body });

  test('"innerError": null (the Graph client\'s own error handler throws on it) is GraphRequestFailed with the status, not TenantUnreachable', async () => {
    hostile({ bodyStatus: 400, body: { error: { code: 'Request_BadRequest', message: 'Bad thing.', innerError: null } } });
    const err = await syncError(target().getById('user', 'x'));
    assert.equal(err.code, 'IdentityDataValidationFailed');
    assert.equal(err.details.status, 400);
    assert.equal(err.details.graphMessage, 'Bad thing.');
  });

  test('details that are not objects are dropped: a conflict still maps to AttributeValueMustBeUnique, no TypeError', async () => {
    emu.faults({
      kind: 'body', path: '/v1.0/users', method: 'POST', count: -1, bodyStatus: 400,
      body: { error: { code: 'Request_BadRequest', message: 'Another object with the same value for property userPrincipalName already exists.', details: [null, 5, 'x', { code: 'ObjectConflict', target: { a: 1 } }] } },
    });
    const err = await syncError(target().create('user', { userPrincipalName: 'a@contoso.com', displayName: 'A' }));
    assert.equal(err.code, 'AttributeValueMustBeUnique');
    assert.equal(err.details.attribute, 'userPrincipalName');
  });

  test('a body that is not JSON reads as its text; one of megabytes is cut; control characters are written out', async () => {
    hostile({ bodyStatus: 400, text: 'upstream proxy error <b>' });
    assert.match((await syncError(target().getById('user', 'x'))).message, /: upstream proxy error <b>$/);
    emu.clearFaults();
    hostile({ bodyStatus: 400, body: { error: { code: 'X', message: `\u001b]0;owned\u0007\u001b[2J${'m'.repeat(3_000_000)}` } } });
    const err = await syncError(target().getById('user', 'x'));
    assert.equal(err.code, 'GraphRequestFailed');
    assert.ok(err.message.length < GRAPH_TEXT_LIMIT + 300, `reason of ${err.message.length} characters`);
    assert.doesNotMatch(err.message, /[\u0000-\u001f]/); // eslint-disable-line no-control-regex
    assert.match(err.message, /\\u001b\]0;owned\\u0007/);
    assert.match(err.message, /more characters\)$/);
  });

  test('parseGraphError takes any JSON value without throwing', () => {
    for (const body of [null, 5, 'text', [], { error: 'x' }, { error: { code: 1, message: {}, details: 'no', innerError: [] } }, { error: { details: [null, [], 'x'] } }]) {
      const facts = parseGraphError(400, body);
      assert.equal(typeof facts.code, 'string');
      assert.equal(typeof facts.message, 'string');
      assert.ok(facts.details.every((d) => typeof d === 'object' && d !== null), JSON.stringify(body));
    }
  });
});

describe('Retry-After (reference section 4: "Retry-After: 10 (docs also show the fractional 2.128)"; section 5: "Wait the given number of seconds")', () => {
  const throttled = (retryAfter: string) =>
    emu.faults({ kind: 'body', path: '/v1.0/users', method: 'GET', count: 1, bodyStatus: 429, headers: { 'Retry-After': retryAfter }, body: { error: { code: 'TooManyRequests', message: 'Please retry again later.' } } });

  test('parseRetryAfter: delta-seconds with a fraction, an HTTP date; a non-number, Infinity or an overflow is no Retry-After', () => {
    assert.equal(parseRetryAfter('10'), 10);
    assert.equal(parseRetryAfter('2.128'), 2.128);
    const inThirty = parseRetryAfter(new Date(Date.now() + 30_000).toUTCString())!;
    assert.ok(inThirty > 28 && inThirty <= 30, String(inThirty));
    for (const v of ['Infinity', '1e400', 'soon', '', undefined]) assert.equal(parseRetryAfter(v), undefined, String(v));
  });

  test('a fractional Retry-After of 2.128 is waited as given, then the read succeeds', async () => {
    emu.seed({ users: [{ id: 'u1', userPrincipalName: 'u1@contoso.com', displayName: 'U1' }] });
    throttled('2.128');
    assert.equal((await target().getById('user', 'u1'))?.id, 'u1');
    assert.deepEqual(sleeps, [2128]);
  });

  test('a huge Retry-After is not waited: Throttled at once, carrying it as given but no usable wait (more than a day)', async () => {
    throttled('99999999999');
    const err = await syncError(target().getById('user', 'u1'));
    assert.equal(err.code, 'Throttled');
    assert.equal(err.details.retryAfterGiven, 99999999999);
    assert.equal(err.details.retryAfterSeconds, 'none');
    assert.equal(err.details.waitSeconds, 300);
    assert.deepEqual(sleeps, []);
  });

  test('Retry-After: Infinity is no usable Retry-After: backoff 1 s, then the read succeeds', async () => {
    emu.seed({ users: [{ id: 'u1', userPrincipalName: 'u1@contoso.com', displayName: 'U1' }] });
    throttled('Infinity');
    assert.equal((await target().getById('user', 'u1'))?.id, 'u1');
    assert.deepEqual(sleeps, [1000]);
  });
});
