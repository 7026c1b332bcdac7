// Hostile answers, third round: the real adapter (createEntraTarget: msal-node and the Graph
// client over real HTTPS) against the emulator, behind the hostile front (test/support/
// hostile-front.ts: mode rewrite-token) or with the emulator's body faults.
// - The token endpoint's success answer: an expires_in that is no lifetime (huge, negative, zero,
//   text, missing) would have msal keep the token for good or ask for one before every call; an
//   access token holding CR/LF, or of 40 KB or 10 MB, or of another type than Bearer, would be
//   sent as a bearer token (or, held for scrubbing, break every later error text of the process).
//   Each is TokenEndpointAnswerInvalid naming the field, and no Graph request carries the token.
// - Graph's list, delta and lookup answers: a property of another JSON type than Graph documents,
//   an id that is no directory object's, a page larger than any Graph sends,
//   or a lookup answered with an object that does not hold the key asked for. Each is
//   GraphRequestFailed naming the request and what was wrong, never an object the lookups cannot
//   find by its anchor or UPN (a planned create) nor a match with the wrong cloud object.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EntraConfig } from '../../../../src/app/config/model';
import type { SyncError } from '../../../../src/engine/errors';
import type { EntraTarget } from '../../../../src/engine/ports/entra-target';
import { clearTokenCache, createEntraTarget } from '../../../../src/adapters/entra/index';
import { SECRET_MARK } from '../../../../src/adapters/entra/redact';
import { startEmulator, type Emulator } from '../../../graph-emulator/index';
import { startHostileFront, type HostileFront } from '../../../support/hostile-front';
import { syncErrorOfPromise as syncError } from '../../../support/sync-error-of';

let emu: Emulator;
let front: HostileFront;
const targets: EntraTarget[] = [];

before(async () => {
  emu = await startEmulator();
  front = await startHostileFront(emu, 'unused');
});
after(async () => {
  for (const t of targets) await t.close();
  await front.close();
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  emu.clearFaults();
  clearTokenCache();
  front.mode = 'pass';
});

/** The adapter with its token requests through the front (Graph itself direct, unless `graphEndpoint` says otherwise). */
function target(extra: Partial<EntraConfig> = {}, secret = emu.clientSecret): EntraTarget {
  const t = createEntraTarget({
    tenantId: emu.tenantId, clientId: emu.clientId, authorityHost: front.origin, graphEndpoint: emu.graphEndpoint, caFile: emu.caFile, maxRetryWaitSeconds: 2, ...extra,
  }, secret);
  targets.push(t);
  return t;
}

const graphCalls = () => emu.requestLog().filter((r) => r.path.startsWith('/v1.0/')).length;

/** The token request answered with the identity platform's token answer, changed by `rewrite`. */
async function connectWithTokenAnswer(rewrite: (answer: Record<string, unknown>) => unknown): Promise<SyncError> {
  clearTokenCache();
  front.mode = 'rewrite-token';
  front.rewriteToken = rewrite;
  const before = graphCalls();
  const err = await syncError(target().connect());
  assert.equal(graphCalls() - before, 0, 'no Graph request was sent with the token');
  return err;
}

function assertTokenAnswerInvalid(err: SyncError, says: RegExp): void {
  assert.equal(err.code, 'TokenEndpointAnswerInvalid', `${err.code}: ${err.reason}`);
  assert.match(err.reason, /^The token endpoint https:\/\/127\.0\.0\.1:\d+ did not answer the token request for application /);
  assert.match(err.reason, /POST \/[^/]+\/oauth2\/v2\.0\/token answered HTTP 200 with /);
  assert.match(err.reason, says);
  assert.match(err.recommendedAction, /entra\.authorityHost/);
  assert.equal(err.details.status, 200);
  assert.doesNotMatch(JSON.stringify(err.toInfo()), /eyJ[A-Za-z0-9_-]{10,}\./, 'no access token in the error');
}

describe('the token endpoint\'s success answer', () => {
  test('expires_in that is no lifetime (1e308, 2^53+1, 400 nines, negative, zero, text, missing): refused, not cached for good nor renewed before every call', async () => {
    const cases: { name: string; rewrite: (a: Record<string, unknown>) => unknown; shown: string }[] = [
      { name: '1e308', rewrite: (a) => ({ ...a, expires_in: 1e308 }), shown: '1e\\+308' },
      { name: '2^53+1 (as sent, beyond a double)', rewrite: (a) => `${JSON.stringify({ ...a, expires_in: 0 }).replace('"expires_in":0', '"expires_in":9007199254740993')}`, shown: '9007199254740992' },
      { name: '"9" × 400 as text', rewrite: (a) => ({ ...a, expires_in: '9'.repeat(400) }), shown: '"9{150,}' },
      { name: 'negative', rewrite: (a) => ({ ...a, expires_in: -5 }), shown: '-5' },
      { name: 'zero', rewrite: (a) => ({ ...a, expires_in: 0 }), shown: '0' },
      { name: 'a word', rewrite: (a) => ({ ...a, expires_in: 'soon' }), shown: '"soon"' },
      { name: 'missing', rewrite: ({ expires_in: _e, ...rest }) => rest, shown: 'missing' },
      { name: 'three days', rewrite: (a) => ({ ...a, expires_in: 3 * 86400 }), shown: '259200' },
    ];
    for (const c of cases) {
      const err = await connectWithTokenAnswer(c.rewrite);
      assertTokenAnswerInvalid(err, new RegExp(`a token answer whose expires_in is ${c.shown}.*, not a lifetime in seconds between 1 and 172800`));
    }
    // The identity platform's own answers still pass: a number, or the same as text (Azure AD v1).
    for (const lifetime of [3599, '3599', 86400]) {
      clearTokenCache();
      front.rewriteToken = (a) => ({ ...a, expires_in: lifetime });
      const info = await target().connect();
      assert.equal(info.tenantId, emu.tenantId, `expires_in ${JSON.stringify(lifetime)} is taken`);
    }
  });

  test('an access token with CR/LF, a NUL or a space: refused by name, never put in an Authorization header (was TenantUnreachable from undici)', async () => {
    for (const [name, tail] of [['CR/LF and a header', '\r\nX-Injected: 1'], ['a NUL', '\u0000'], ['a space', ' Bearer other'], ['a lone LF', '\nHost: evil.example']] as const) {
      const err = await connectWithTokenAnswer((a) => ({ ...a, access_token: `${String(a.access_token)}${tail}` }));
      assertTokenAnswerInvalid(err, /access_token holds characters no bearer token has \(U\+[0-9A-F]{4}.*\), which could end or change the Authorization header/);
      assert.doesNotMatch(err.code, /TenantUnreachable/, name);
    }
  });

  test('token_type other than Bearer (pop, MAC, missing): refused, not AuthenticationFailed blaming the credentials nor sent as Bearer', async () => {
    for (const [type, shown] of [['pop', '"pop"'], ['MAC', '"MAC"'], [undefined, 'missing'], [7, '7']] as const) {
      const err = await connectWithTokenAnswer((a) => ({ ...a, token_type: type }));
      assertTokenAnswerInvalid(err, new RegExp(`token_type is ${shown}, not Bearer`));
    }
    clearTokenCache();
    front.rewriteToken = (a) => ({ ...a, token_type: 'bearer' });
    assert.equal((await target().connect()).tenantId, emu.tenantId, 'the type is compared ignoring case (RFC 6749 5.1)');
  });

  test('an access token of 40 KB: refused by its length before any Graph request carries it', async () => {
    const err = await connectWithTokenAnswer((a) => ({ ...a, access_token: `${String(a.access_token)}${'A'.repeat(40 * 1024)}` }));
    assertTokenAnswerInvalid(err, /access_token is [\d,]+ characters long, more than the 32,768 a bearer token may have/);
  });

  test('a token answer of 10 MB is not read further than 1 MiB; the process\'s later errors still read (no SyntaxError from scrubbing)', async () => {
    const err = await connectWithTokenAnswer((a) => ({ ...a, access_token: `${String(a.access_token)}${'A'.repeat(10 * 1024 * 1024)}` }));
    assertTokenAnswerInvalid(err, /a body larger than 1 MiB, far more than any answer of the identity platform; it was not read further/);
    // Any later error of the process is still built (a held 10 MB token made every text a SyntaxError).
    front.mode = 'not-oauth-error';
    clearTokenCache();
    const later = await syncError(target().connect());
    assert.equal(later.code, 'TokenEndpointAnswerInvalid');
    assert.match(later.reason, /HTTP 400 with a JSON body that is no OAuth error/);
  });
});

describe('a secret too long for one pattern is still scrubbed', () => {
  test('a client secret of 40,000 characters echoed by the token endpoint: AuthenticationFailed without it, not "Regular expression too large"', async () => {
    const longSecret = `Lng+/=&${'s3cr3t'.repeat(6_667)}`;
    front.mode = 'echo-secret';
    const err = await syncError(target({}, longSecret).connect());
    assert.equal(err.code, 'AuthenticationFailed');
    assert.ok(err.reason.includes(SECRET_MARK));
    const text = [err.reason, JSON.stringify(err.toInfo()), err.stack ?? ''].join('\n');
    for (const form of [longSecret, encodeURIComponent(longSecret), new URLSearchParams({ v: longSecret }).toString().slice(2)]) {
      assert.ok(!text.includes(form.slice(0, 5000)), 'no part of the secret is shown');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Graph's answers

const GUID = (n: number) => `0000000${n}-1111-4222-8333-444455556666`.slice(-36);
const alice = { id: GUID(1), userPrincipalName: 'alice@contoso.com', onPremisesImmutableId: 'QUxJQ0UtQU5DSE9S', proxyAddresses: ['SMTP:alice@contoso.com'], mail: 'alice@contoso.com' };
const admin = { id: GUID(2), userPrincipalName: 'admin@contoso.com', onPremisesImmutableId: null, proxyAddresses: [], mail: 'admin@contoso.com' };

function graphTarget(): EntraTarget {
  return target({ authorityHost: emu.authorityHost });
}

function assertAnswerInvalid(err: SyncError, path: RegExp, says: RegExp): void {
  assert.equal(err.code, 'GraphRequestFailed', `${err.code}: ${err.reason}`);
  assert.match(err.reason, /^Microsoft Graph answered 200 {2}to GET /);
  assert.match(String(err.details.path), path);
  assert.match(err.reason, /the answer is not what Microsoft Graph documents \(/);
  assert.match(err.reason, says);
  assert.match(err.reason, /nothing was decided from it/);
}

describe('Graph\'s list and delta answers of the batch\'s tenant read', () => {
  const badUsers: { name: string; user: Record<string, unknown>; says: RegExp }[] = [
    { name: 'proxyAddresses a string', user: { ...alice, proxyAddresses: 'SMTP:alice@contoso.com' }, says: /"proxyAddresses" is a string, not a list of texts/ },
    { name: 'proxyAddresses holding a number', user: { ...alice, proxyAddresses: ['SMTP:alice@contoso.com', 42] }, says: /"proxyAddresses" holds a number \(42\) \(item 2\), not only texts/ },
    { name: 'proxyAddresses holding null', user: { ...alice, proxyAddresses: [null, 'SMTP:alice@contoso.com'] }, says: /"proxyAddresses" holds null \(item 1\), not only texts/ },
    { name: 'onPremisesImmutableId a number', user: { ...alice, onPremisesImmutableId: 12345 }, says: /"onPremisesImmutableId" is a number \(12345\), not a text/ },
    { name: 'onPremisesImmutableId a list', user: { ...alice, onPremisesImmutableId: ['QUxJQ0UtQU5DSE9S'] }, says: /"onPremisesImmutableId" is a list, not a text/ },
    { name: 'userPrincipalName an object', user: { ...alice, userPrincipalName: { value: 'alice@contoso.com' } }, says: /"userPrincipalName" is an object, not a text/ },
    { name: 'accountEnabled a string', user: { ...alice, accountEnabled: 'false' }, says: /"accountEnabled" is a string, not true or false/ },
    { name: 'onPremisesExtensionAttributes holding a number', user: { ...alice, onPremisesExtensionAttributes: { extensionAttribute1: 7 } }, says: /"onPremisesExtensionAttributes" holds a number \(7\) as "extensionAttribute1", not a text/ },
    { name: 'an id holding a path', user: { ...alice, id: '../groups/x' }, says: /a user whose id "\.\.\/groups\/x" is not a directory object's id/ },
  ];
  for (const bad of badUsers) {
    test(`a list page whose user has ${bad.name}: GraphRequestFailed naming the property and the request, not an object the lookups miss`, async () => {
      emu.faults({ kind: 'body', path: '$top=999', count: -1, body: { value: [admin, bad.user] } });
      const err = await syncError(graphTarget().readChanges!('user'));
      assertAnswerInvalid(err, /^\/users$/, bad.says);
    });
  }

  test('a delta round from the kept link whose changed user has a wrong type: GraphRequestFailed naming the delta request', async () => {
    const t = graphTarget();
    const first = await t.readChanges!('user');
    emu.faults({ kind: 'body', path: '/users/delta', count: -1, body: { value: [{ id: alice.id, onPremisesImmutableId: 99 }], '@odata.deltaLink': first.deltaLink } });
    const err = await syncError(t.readChanges!('user', first.deltaLink));
    assertAnswerInvalid(err, /^\/users\/delta\?/, /the user 00000001-1111-4222-8333-444455556666: "onPremisesImmutableId" is a number \(99\), not a text/);
  });

  test('a page of 5,000 users (Graph puts at most 999 on one): GraphRequestFailed, not read on', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ id: `${String(i).padStart(8, '0')}-1111-4222-8333-444455556666`, userPrincipalName: `u${i}@contoso.com` }));
    emu.faults({ kind: 'body', path: '$top=999', count: -1, body: { value: many } });
    const err = await syncError(graphTarget().readChanges!('user'));
    assertAnswerInvalid(err, /^\/users$/, /a page of 5,000 items, more than the 999 Graph puts on one/);
  });
});

describe('a lookup answered with an object that does not hold the key asked for', () => {
  test('by anchor: the answer names a cloud-only admin, not the user with the anchor: GraphRequestFailed, no hard match', async () => {
    emu.seed({ users: [alice, admin] });
    emu.faults({ kind: 'body', path: 'onPremisesImmutableId', count: -1, body: { value: [admin] } });
    const err = await syncError(graphTarget().findByImmutableId('user', alice.onPremisesImmutableId));
    assertAnswerInvalid(err, /^\/users$/, /the user 00000002-1111-4222-8333-444455556666 it holds has onPremisesImmutableId none, not "QUxJQ0UtQU5DSE9S" asked for/);
  });

  test('by anchor answered with two users (Entra ID keeps the anchor unique): GraphRequestFailed, neither taken', async () => {
    emu.seed({ users: [alice, admin] });
    emu.faults({ kind: 'body', path: 'onPremisesImmutableId', count: -1, body: { value: [alice, { ...admin, onPremisesImmutableId: alice.onPremisesImmutableId }] } });
    const err = await syncError(graphTarget().findByImmutableId('user', alice.onPremisesImmutableId));
    assertAnswerInvalid(err, /^\/users$/, /two users \(00000001-1111-4222-8333-444455556666, 00000002-1111-4222-8333-444455556666\) answered for one onPremisesImmutableId/);
  });

  test('by anchor inside the $batch with the value-holder lookups: the same', async () => {
    emu.seed({ users: [alice, admin] });
    emu.faults({ kind: 'body', path: 'onPremisesImmutableId', count: -1, body: { value: [{ ...admin, onPremisesImmutableId: 'T1RIRVI=' }] } });
    const t = graphTarget();
    const err = await syncError(t.findByImmutableIdWithValueHolders!('user', alice.onPremisesImmutableId, { userPrincipalName: alice.userPrincipalName, smtpAddresses: [alice.mail] }));
    assertAnswerInvalid(err, /^\/users$/, /has onPremisesImmutableId "T1RIRVI=", not "QUxJQ0UtQU5DSE9S" asked for/);
  });

  test('a group by its uniqueName answered with another group: GraphRequestFailed', async () => {
    emu.faults({ kind: 'body', path: 'uniqueName=', count: -1, body: { id: GUID(3), displayName: 'Domain Admins', uniqueName: 'other-anchor' } });
    const err = await syncError(graphTarget().findByImmutableId('group', 'R1JPVVA='));
    assertAnswerInvalid(err, /^\/groups\(uniqueName=/, /the group 00000003-1111-4222-8333-444455556666 it holds has uniqueName "other-anchor", not "sos-R1JPVVA" asked for/);
  });

  test('by id (the kept cloud anchor) answered with another object: GraphRequestFailed, not that object', async () => {
    emu.seed({ users: [alice, admin] });
    emu.faults({ kind: 'body', path: `/users/${alice.id}`, count: -1, body: admin });
    const target = graphTarget() as EntraTarget & { getById(kind: 'user', id: string): Promise<unknown> };
    const err = await syncError(target.getById('user', alice.id));
    assertAnswerInvalid(err, new RegExp(`^/users/${alice.id}$`), /the user 00000002-1111-4222-8333-444455556666 it holds has id 00000002-1111-4222-8333-444455556666, not "00000001-1111-4222-8333-444455556666" asked for/);
  });

  test('by SID answered with an object of another SID: GraphRequestFailed', async () => {
    emu.faults({ kind: 'body', path: 'onPremisesSecurityIdentifier', count: -1, body: { value: [{ ...admin, onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-500' }] } });
    const err = await syncError(graphTarget().findBySecurityIdentifier('user', 'S-1-5-21-1-2-3-1105'));
    assertAnswerInvalid(err, /^\/users$/, /has onPremisesSecurityIdentifier "S-1-5-21-1-2-3-500", not "S-1-5-21-1-2-3-1105" asked for/);
  });
});
