// The emulator against facts of the shared reference (graph-and-identity-platform.md) that no
// other test pinned. Each test quotes the reference line it checks; the reference wins.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from './index';
import { closeAgents, newUser, raw, tokenFor } from './helpers';
import { requestCost, Throttler } from './throttle';

let emu: Emulator;
let token: string;

before(async () => {
  emu = await startEmulator();
});
after(async () => {
  await closeAgents(emu);
  await emu.close();
});
beforeEach(async () => {
  emu.reset();
  token = await tokenFor(emu);
});

const seedUsers = (n: number) =>
  emu.seed({ users: Array.from({ length: n }, (_, i) => ({ id: `u${i}`, userPrincipalName: `user${i}@contoso.com`, displayName: `User ${i}`, mail: `user${i}@contoso.com` })) });
const bind = (ids: string[]) => ids.map((id) => `https://graph.microsoft.com/v1.0/directoryObjects/${id}`);

describe('queries (reference section 3)', () => {
  test('"$top runs 1–999 (default page size 100); $skip isn\'t supported"', async () => {
    seedUsers(101);
    const first = await raw(emu, 'GET', '/v1.0/users?$select=id', { token });
    assert.equal(first.status, 200);
    assert.equal(first.body.value.length, 100, 'default page size 100');
    assert.match(first.body['@odata.nextLink'], /\$skiptoken=/);
    const skip = await raw(emu, 'GET', '/v1.0/users?$skip=5', { token });
    assert.equal(skip.status, 400);
    assert.equal(skip.body.error.code, 'Request_BadRequest');
  });

  test('"`in` works by default wherever `eq` does"', async () => {
    seedUsers(5);
    const answer = await raw(emu, 'GET', `/v1.0/users?$filter=${encodeURIComponent("userPrincipalName in ('user1@contoso.com','user3@contoso.com')")}&$select=id`, { token });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body.value.map((u: { id: string }) => u.id), ['u1', 'u3']);
  });
});

describe('JSON batching (reference section 6)', () => {
  test('"`id` is a string, case-insensitive and unique; a duplicate fails the whole batch with 400"', async () => {
    const create = (id: string, upn: string) => ({ id, method: 'POST', url: '/users', headers: { 'Content-Type': 'application/json' }, body: newUser(upn) });
    const answer = await raw(emu, 'POST', '/v1.0/$batch', { token, body: { requests: [create('a', 'a1@contoso.com'), create('A', 'a2@contoso.com')] } });
    assert.equal(answer.status, 400);
    assert.equal(emu.state().users.length, 0, 'nothing inside ran');
  });

  test('"`ConsistencyLevel` goes inside each request\'s `headers`"', async () => {
    seedUsers(3);
    const aq = "/users?$filter=endsWith(mail,'2@contoso.com')&$count=true&$select=id";
    const answer = await raw(emu, 'POST', '/v1.0/$batch', {
      token, body: { requests: [{ id: '1', method: 'GET', url: aq, headers: { ConsistencyLevel: 'eventual' } }, { id: '2', method: 'GET', url: aq }] },
    });
    assert.equal(answer.status, 200);
    const byId = Object.fromEntries(answer.body.responses.map((r: { id: string }) => [r.id, r]));
    assert.equal(byId['1'].status, 200, JSON.stringify(byId['1'].body));
    assert.deepEqual(byId['1'].body.value, [{ id: 'u2' }]);
    assert.equal(byId['2'].status, 400, 'the outer request\'s headers do not make an inner one an advanced query');
  });
});

describe('groups and membership (reference sections 1.2, 2 and 4)', () => {
  beforeEach(() => seedUsers(21));
  const group = (extra: Record<string, unknown> = {}) => ({ displayName: 'G', mailEnabled: false, mailNickname: 'g', securityEnabled: true, ...extra });

  test('"Bindings on create: owners@odata.bind and members@odata.bind, at most 20 relationships in total"', async () => {
    const ids = Array.from({ length: 21 }, (_, i) => `u${i}`);
    const over = await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ 'members@odata.bind': bind(ids.slice(0, 15)), 'owners@odata.bind': bind(ids.slice(15, 21)) }) });
    assert.equal(over.status, 400, '15 members + 6 owners');
    assert.equal(emu.state().groups.length, 0);
    const within = await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ 'members@odata.bind': bind(ids.slice(0, 15)), 'owners@odata.bind': bind(ids.slice(15, 20)) }) });
    assert.equal(within.status, 201, JSON.stringify(within.body));
  });

  test('"PATCH-only, rejected on POST: allowExternalSenders, … unseenCount"; "Only at creation: groupTypes, isAssignableToRole, …"', async () => {
    assert.equal((await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ hideFromAddressLists: true }) })).status, 400);
    const created = await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ groupTypes: [] }) });
    assert.equal(created.status, 201);
    for (const body of [{ groupTypes: ['DynamicMembership'], membershipRule: 'user.department -eq "x"' }, { isAssignableToRole: true }]) {
      const patch = await raw(emu, 'PATCH', `/v1.0/groups/${created.body.id}`, { token, body });
      assert.equal(patch.status, 400, JSON.stringify(body));
      assert.equal(patch.body.error.code, 'Request_BadRequest');
    }
    assert.deepEqual(emu.state().groups[0]!.groupTypes, [], 'nothing was changed');
  });

  test('"mailNickname: at most 64 characters, ASCII 0–127, excluding @ () \\ [] " ; : . <> , and space"', async () => {
    for (const nick of ['a.b', 'a b', 'a@b', 'a;b', 'x'.repeat(65), 'é']) {
      assert.equal((await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ mailNickname: nick }) })).status, 400, nick);
    }
    assert.equal((await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ mailNickname: 'ok-nick_1' }) })).status, 201);
  });

  test('"POST to /members/$ref with members@odata.bind is not supported"; the same reference twice: "…can only be present once as an add/remove change."', async () => {
    const created = await raw(emu, 'POST', '/v1.0/groups', { token, body: group() });
    const viaRef = await raw(emu, 'POST', `/v1.0/groups/${created.body.id}/members/$ref`, { token, body: { 'members@odata.bind': bind(['u1']) } });
    assert.equal(viaRef.status, 400);
    const twice = await raw(emu, 'PATCH', `/v1.0/groups/${created.body.id}`, { token, body: { 'members@odata.bind': bind(['u1', 'u1']) } });
    assert.equal(twice.status, 400);
    assert.match(twice.body.error.message, /can only be present once as an add\/remove change/);
    assert.deepEqual(emu.state().members[created.body.id], [], 'all or nothing: no member added');
  });
});

describe('users (reference section 1.1)', () => {
  test('"UPN allowed characters: A-Z a-z 0-9 \' . - _ ! # ^ ~"; onPremisesImmutableId: "`$` and `_` are not allowed"', async () => {
    assert.equal((await raw(emu, 'POST', '/v1.0/users', { token, body: newUser("o'brien_x-y!z#1^2~3@contoso.com") })).status, 201);
    const underscore = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('u2@contoso.com', { onPremisesImmutableId: 'a_b' }) });
    assert.equal(underscore.status, 400);
    assert.equal(underscore.body.error.message, "Invalid value specified for property 'onPremisesImmutableId' of resource 'User'.");
  });
});

describe('envelope headers (reference section 4)', () => {
  test('"Success responses carry request-id, client-request-id, x-ms-ags-diagnostic, x-ms-resource-unit and OData-Version: 4.0", and the documented Content-Type', async () => {
    const answer = await raw(emu, 'GET', '/v1.0/users', { token });
    assert.equal(answer.status, 200);
    for (const name of ['request-id', 'client-request-id', 'x-ms-ags-diagnostic', 'x-ms-resource-unit']) assert.ok(answer.headers[name], name);
    assert.equal(answer.headers['odata-version'], '4.0');
    assert.equal(answer.headers['content-type'], 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8');
    assert.equal(answer.headers['client-request-id'], answer.headers['request-id'], '"otherwise it equals request-id" [inferred]');
  });

  test('"client-request-id echoes the request header when the client sends one" [inferred], in the header and in innerError', async () => {
    const mine = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
    const answer = await raw(emu, 'GET', '/v1.0/users/nobody@contoso.com', { token, headers: { 'client-request-id': mine } });
    assert.equal(answer.status, 404);
    assert.equal(answer.headers['client-request-id'], mine);
    assert.equal(answer.body.error.innerError['client-request-id'], mine);
    assert.notEqual(answer.headers['request-id'], mine);
  });
});

describe('throttling (reference section 5, identity and access service limits)', () => {
  test('"Costs: POST, PATCH, PUT, DELETE: 1 …; GET users: 2. GET groups/{id}/members: 3. transitiveMembers: 5. $select subtracts 1; $expand adds 1; $top below 20 subtracts 1; the minimum cost is 1."', () => {
    const q = (s = '') => new URLSearchParams(s);
    for (const method of ['POST', 'PATCH', 'PUT', 'DELETE']) assert.deepEqual(requestCost(method, '/users', q()), { units: 1, write: true }, method);
    const units = (path: string, query = '') => requestCost('GET', path, q(query)).units;
    assert.equal(units('/users'), 2);
    assert.equal(units('/groups/g1/members'), 3);
    assert.equal(units('/groups/g1/transitiveMembers'), 5);
    assert.equal(units('/users', '$select=id'), 1);
    assert.equal(units('/groups/g1/members', '$expand=manager'), 4);
    assert.equal(units('/groups/g1/members', '$top=19'), 2);
    assert.equal(units('/groups/g1/members', '$top=20'), 3, 'only below 20');
    assert.equal(units('/users', '$select=id&$top=5'), 1, 'never below 1');
  });

  // Windows a million times longer: nothing refills while the loop runs, so the count is exact.
  const still = () => new Throttler(1, 1e6);
  const spend = (t: Throttler, app: string, users: number, method: string, path: string, query = '') => {
    let n = 0;
    while (!t.check(app, 'tenant', users, method, path, new URLSearchParams(query)).throttled) n++;
    return n;
  };

  test('"Resource-unit quota, per app+tenant pair: S (under 50 users): 3,500 per 10 s; M (50–500 users): 5,000; L (over 500 users): 8,000"', () => {
    // GET /users?$select=id costs 1 unit and no write.
    assert.equal(spend(still(), 'app', 49, 'GET', '/users', '$select=id'), 3500);
    assert.equal(spend(still(), 'app', 50, 'GET', '/users', '$select=id'), 5000);
    assert.equal(spend(still(), 'app', 500, 'GET', '/users', '$select=id'), 5000);
    assert.equal(spend(still(), 'app', 501, 'GET', '/users', '$select=id'), 8000);
  });

  test('"Write quota: per app+tenant: 3,000 per 2 min 30 s; per tenant (all apps): 18,000 per 5 min", with the documented 429 headers', () => {
    const t = still();
    assert.equal(spend(t, 'app0', 1000, 'PATCH', '/users/x'), 3000);
    const limited = t.check('app0', 'tenant', 1000, 'PATCH', '/users/x', new URLSearchParams());
    assert.equal(limited.headers['x-ms-throttle-information'], 'WriteLimitExceeded');
    assert.equal(limited.headers['x-ms-throttle-scope'], 'Tenant_Application/Write/app0/tenant');
    assert.ok(Number.isInteger(limited.retryAfterSeconds) && limited.retryAfterSeconds! >= 1);
    // Five more apps fill the tenant's 18,000; a seventh app is refused by the tenant's quota.
    for (let i = 1; i <= 5; i++) assert.equal(spend(t, `app${i}`, 1000, 'PATCH', '/users/x'), 3000);
    const tenant = t.check('app6', 'tenant', 1000, 'PATCH', '/users/x', new URLSearchParams());
    assert.equal(tenant.throttled, true);
    assert.equal(tenant.headers['x-ms-throttle-scope'], 'Tenant/Write/tenant');
  });

  test('"Above 80% of the limit: x-ms-throttle-limit-percentage (0.8–1.8)"; "Every response: x-ms-resource-unit"', () => {
    const t = still();
    const check = () => t.check('app', 'tenant', 10, 'GET', '/users', new URLSearchParams('$select=id'));
    for (let i = 0; i < 2799; i++) assert.equal(check().headers['x-ms-throttle-limit-percentage'], undefined);
    check(); // 2,800 of 3,500: exactly at the boundary (any refill keeps it a hair below), not asserted
    const at80 = check(); // 2,801 of 3,500 units used: above 80%
    assert.equal(at80.headers['x-ms-resource-unit'], '1');
    assert.equal(at80.headers['x-ms-throttle-limit-percentage'], '0.8');
  });
});

describe('the hostile-answer fault (kind body) this suite\'s adapter tests use', () => {
  test('any status, extra headers, and a raw non-JSON text under Graph\'s JSON Content-Type; inside a $batch too', async () => {
    emu.faults({ kind: 'body', path: '/v1.0/domains', bodyStatus: 429, text: 'not json', headers: { 'Retry-After': 'soon' } });
    const alone = await raw(emu, 'GET', '/v1.0/domains', { token });
    assert.deepEqual([alone.status, alone.body, alone.headers['retry-after']], [429, 'not json', 'soon']);
    assert.match(alone.headers['content-type']!, /^application\/json/);
    emu.faults({ kind: 'body', path: '/domains', bodyStatus: 400, body: { error: { innerError: null } }, headers: { 'X-Test': '1' } });
    const batch = await raw(emu, 'POST', '/v1.0/$batch', { token, body: { requests: [{ id: '1', method: 'GET', url: '/domains' }] } });
    assert.equal(batch.status, 200);
    assert.deepEqual([batch.body.responses[0].status, batch.body.responses[0].body, batch.body.responses[0].headers['X-Test']], [400, { error: { innerError: null } }, '1']);
  });
});
