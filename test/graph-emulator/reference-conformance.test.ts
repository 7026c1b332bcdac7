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
    // The tenant's 18,000: six apps write 3,000 each (none meets its own quota), a seventh is refused by the tenant's.
    const tenantOnly = still();
    const write = (app: string) => tenantOnly.check(app, 'tenant', 1000, 'PATCH', '/users/x', new URLSearchParams());
    for (let i = 0; i < 6; i++) for (let n = 0; n < 3000; n++) assert.equal(write(`app${i}`).throttled, false, `app${i} write ${n + 1}`);
    const tenant = write('app6');
    assert.equal(tenant.throttled, true);
    assert.equal(tenant.headers['x-ms-throttle-information'], 'WriteLimitExceeded');
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

// ---------------------------------------------------------------------------------------------
// The audit of every concrete fact of the reference: each test names the lines it checks as
// "GRAPH <line>" (graph-and-identity-platform.md).
// ---------------------------------------------------------------------------------------------

/** Graph's error envelope: status, code, message, innerError date/request-id/client-request-id (GRAPH 139-149). */
function assertGraphError(answer: { status: number; body: any; headers: Record<string, string> }, status: number, code: string, message?: string | RegExp): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.body.error.code, code, JSON.stringify(answer.body));
  if (typeof message === 'string') assert.equal(answer.body.error.message, message);
  else if (message) assert.match(answer.body.error.message, message);
  const inner = answer.body.error.innerError;
  assert.match(inner.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, 'GRAPH 147: innerError.date is YYYY-MM-DDTHH:MM:SS');
  assert.equal(inner['request-id'], answer.headers['request-id']);
  assert.equal(inner['client-request-id'], answer.headers['client-request-id']);
}

const readOnlyMessage = (name: string) => `Property '${name}' is read-only and cannot be set.`;
const onPremisesMastered = 'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.';
/** An app registration with exactly these application roles, and a token for it. */
async function appWith(roles: string[]): Promise<string> {
  const clientId = '5a0c3e1f-7b2d-4c6e-9f8a-1b3d5e7f9a0c';
  emu.seed({ apps: [{ clientId, displayName: 'limited', secrets: ['limited-secret'], roles }] });
  return tokenFor(emu, clientId, 'limited-secret');
}

describe('audit: users (GRAPH 8-59)', () => {
  test('GRAPH 11-12: "201 Created with @odata.context …#users/$entity and only the default properties: id, businessPhones, displayName, givenName, jobTitle, mail, mobilePhone, officeLocation, preferredLanguage, surname, userPrincipalName"', async () => {
    const created = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('dflt@contoso.com', { department: 'D', city: 'Oslo', usageLocation: 'NO' }) });
    assert.equal(created.status, 201);
    assert.equal(created.body['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#users/$entity');
    const { '@odata.context': _context, ...properties } = created.body;
    assert.deepEqual(Object.keys(properties).sort(),
      ['id', 'businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName'].sort());
  });

  test('GRAPH 9: "Required fields: accountEnabled, displayName, mailNickname, userPrincipalName, and passwordProfile"', async () => {
    for (const name of ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName', 'passwordProfile']) {
      const body = newUser('req@contoso.com');
      delete body[name];
      assertGraphError(await raw(emu, 'POST', '/v1.0/users', { token, body }), 400, 'Request_BadRequest', `Property ${name} value is required but is empty or missing.`);
    }
    assert.equal(emu.state().users.length, 0);
  });

  test('GRAPH 36-42: maximum lengths "mobilePhone [64] city [128] country [128] state [128] streetAddress [1024] postalCode [40] companyName [64] department [64] jobTitle [128] displayName [256] givenName [64] surname [64] employeeId [16] mailNickname [64]"', async () => {
    const created = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('len@contoso.com') });
    const max: [string, number][] = [
      ['mobilePhone', 64], ['city', 128], ['country', 128], ['state', 128], ['streetAddress', 1024], ['postalCode', 40], ['companyName', 64],
      ['department', 64], ['jobTitle', 128], ['displayName', 256], ['givenName', 64], ['surname', 64], ['employeeId', 16], ['mailNickname', 64],
    ];
    for (const [name, length] of max) {
      assert.equal((await raw(emu, 'PATCH', `/v1.0/users/${created.body.id}`, { token, body: { [name]: 'x'.repeat(length) } })).status, 204, `${name} of ${length}`);
      assertGraphError(await raw(emu, 'PATCH', `/v1.0/users/${created.body.id}`, { token, body: { [name]: 'x'.repeat(length + 1) } }), 400, 'Request_BadRequest',
        `Invalid value specified for property '${name}' of resource 'User'.`);
    }
  });

  test('GRAPH 36: "businessPhones (a collection, but only one value may be set)"; GRAPH 46: "usageLocation (ISO-3166 two-letter code …)"', async () => {
    const created = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('ph@contoso.com') });
    const patch = (body: Record<string, unknown>) => raw(emu, 'PATCH', `/v1.0/users/${created.body.id}`, { token, body });
    assert.equal((await patch({ businessPhones: ['+47 1'] })).status, 204);
    assertGraphError(await patch({ businessPhones: ['+47 1', '+47 2'] }), 400, 'Request_BadRequest', "Invalid value specified for property 'businessPhones' of resource 'User'.");
    assert.equal((await patch({ usageLocation: 'NO' })).status, 204);
    for (const bad of ['NOR', 'N', '12']) assert.equal((await patch({ usageLocation: bad })).status, 400, bad);
  });

  test('GRAPH 48-49: "identities: needs User.ManageIdentities.All"; "employeeLeaveDateTime: needs User-LifeCycleInfo.ReadWrite.All"', async () => {
    const created = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('perm@contoso.com') });
    const identities = [{ signInType: 'emailAddress', issuer: 'contoso.onmicrosoft.com', issuerAssignedId: 'perm@example.com' }];
    // The default app holds User.ReadWrite.All and Directory.ReadWrite.All, neither of the two.
    assertGraphError(await raw(emu, 'PATCH', `/v1.0/users/${created.body.id}`, { token, body: { identities } }), 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    assertGraphError(await raw(emu, 'PATCH', `/v1.0/users/${created.body.id}`, { token, body: { employeeLeaveDateTime: '2030-01-01T00:00:00Z' } }), 403, 'Authorization_RequestDenied');
    assert.equal((await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('perm2@contoso.com', { identities }) })).status, 403);
    const granted = await appWith(['User.ReadWrite.All', 'User.ManageIdentities.All', 'User-LifeCycleInfo.ReadWrite.All']);
    assert.equal((await raw(emu, 'PATCH', `/v1.0/users/${created.body.id}`, { token: granted, body: { identities } })).status, 204);
    assert.equal((await raw(emu, 'PATCH', `/v1.0/users/${created.body.id}`, { token: granted, body: { employeeLeaveDateTime: '2030-01-01T00:00:00Z' } })).status, 204);
  });

  test('GRAPH 51-57 and 161: every read-only user property is 400 "Property \'…\' is read-only and cannot be set." on POST and PATCH (assignedLicenses [inferred] GRAPH 57; the onPremises* beta exception, GRAPH 58, [inferred] refused in v1.0)', async () => {
    const readOnly = [
      'id', 'createdDateTime', 'creationType', 'deletedDateTime', 'lastPasswordChangeDateTime',
      'assignedPlans', 'provisionedPlans', 'imAddresses', 'legalAgeGroupClassification', 'licenseAssignmentStates',
      'securityIdentifier', 'signInActivity', 'signInSessionsValidFromDateTime', 'proxyAddresses',
      'onPremisesDistinguishedName', 'onPremisesDomainName', 'onPremisesLastSyncDateTime', 'onPremisesSamAccountName',
      'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled', 'onPremisesUserPrincipalName', 'onPremisesProvisioningErrors',
      'assignedLicenses',
    ];
    const created = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('ro@contoso.com') });
    for (const name of readOnly) {
      assertGraphError(await raw(emu, 'PATCH', `/v1.0/users/${created.body.id}`, { token, body: { [name]: 'x' } }), 400, 'Request_BadRequest', readOnlyMessage(name));
      assertGraphError(await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('ro2@contoso.com', { [name]: 'x' }) }), 400, 'Request_BadRequest', readOnlyMessage(name));
    }
    assert.equal(emu.state().users.length, 1);
  });

  test('GRAPH 34-50: showInAddressList is not among the writable user properties, so v1.0 refuses it as read-only', async () => {
    const created = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('sial@contoso.com') });
    assertGraphError(await raw(emu, 'PATCH', `/v1.0/users/${created.body.id}`, { token, body: { showInAddressList: false } }), 400, 'Request_BadRequest', readOnlyMessage('showInAddressList'));
  });

  test('GRAPH 272 and 267: source anchors "must not differ only by case": a case-only different onPremisesImmutableId is an ObjectConflict', async () => {
    assert.equal((await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('c1@contoso.com', { onPremisesImmutableId: 'AbCd==' }) })).status, 201);
    const clash = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('c2@contoso.com', { onPremisesImmutableId: 'aBcD==' }) });
    assertGraphError(clash, 400, 'Request_BadRequest', 'Another object with the same value for property onPremisesImmutableId already exists.');
    assert.equal(clash.body.error.details[0].code, 'ObjectConflict');
  });
});

describe('audit: uniqueness of SMTP addresses across users, groups and contacts (GRAPH 41, 148, 267)', () => {
  test('a user\'s mail that a contact holds, and a PATCH of mail to a Microsoft 365 group\'s address, are ObjectConflict naming the holder', async () => {
    emu.seed({ contacts: [{ id: 'ct1', displayName: 'C', mail: 'partner@contoso.com', proxyAddresses: ['SMTP:partner@contoso.com'] }] });
    const toContact = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('u1@contoso.com', { mail: 'PARTNER@contoso.com' }) });
    assertGraphError(toContact, 400, 'Request_BadRequest', 'Another object with the same value for property proxyAddresses already exists.');
    assert.deepEqual(toContact.body.error.details.map((d: any) => [d.code, d.target]), [['ObjectConflict', 'proxyAddresses'], ['ConflictingObjects', 'Contact_ct1']]);
    const unified = await raw(emu, 'POST', '/v1.0/groups', { token, body: { displayName: 'Team', mailEnabled: true, mailNickname: 'team', securityEnabled: false, groupTypes: ['Unified'] } });
    assert.equal(unified.status, 201, JSON.stringify(unified.body));
    const user = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('u2@contoso.com') });
    const toGroup = await raw(emu, 'PATCH', `/v1.0/users/${user.body.id}`, { token, body: { mail: unified.body.mail } });
    assertGraphError(toGroup, 400, 'Request_BadRequest', 'Another object with the same value for property proxyAddresses already exists.');
    assert.equal(toGroup.body.error.details[1].target, `Group_${unified.body.id}`);
  });
});

describe('audit: groups (GRAPH 61-74)', () => {
  const group = (extra: Record<string, unknown> = {}) => ({ displayName: 'G', mailEnabled: false, mailNickname: 'g', securityEnabled: true, ...extra });

  test('GRAPH 63: "Required: displayName [256], mailEnabled, mailNickname, securityEnabled"', async () => {
    for (const name of ['displayName', 'mailEnabled', 'mailNickname', 'securityEnabled']) {
      const body: Record<string, unknown> = group();
      delete body[name];
      assertGraphError(await raw(emu, 'POST', '/v1.0/groups', { token, body }), 400, 'Request_BadRequest', `Property ${name} value is required but is empty or missing.`);
    }
    assertGraphError(await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ displayName: 'x'.repeat(257) }) }), 400, 'Request_BadRequest',
      "Invalid value specified for property 'displayName' of resource 'Group'.");
    assert.equal((await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ displayName: 'x'.repeat(256) }) })).status, 201);
  });

  test('GRAPH 65: "Kinds Graph can create: Microsoft 365 groups (Unified, mailEnabled true) and security groups; DynamicMembership (plus a membershipRule) makes either kind dynamic"', async () => {
    const m365 = await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ mailEnabled: true, securityEnabled: false, mailNickname: 'm365', groupTypes: ['Unified'] }) });
    assert.equal(m365.status, 201, JSON.stringify(m365.body));
    assert.deepEqual(m365.body.groupTypes, ['Unified']);
    const rule = 'user.department -eq "Sales"';
    assertGraphError(await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ mailNickname: 'dyn', groupTypes: ['DynamicMembership'] }) }), 400, 'Request_BadRequest',
      'Property membershipRule value is required but is empty or missing.');
    assert.equal((await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ mailNickname: 'dyn', groupTypes: ['DynamicMembership'], membershipRule: rule, membershipRuleProcessingState: 'On' }) })).status, 201);
    assert.equal((await raw(emu, 'POST', '/v1.0/groups', {
      token, body: group({ mailEnabled: true, securityEnabled: false, mailNickname: 'dyn365', groupTypes: ['Unified', 'DynamicMembership'], membershipRule: rule }),
    })).status, 201);
  });

  test('GRAPH 66 and 167: "Mail-enabled security groups and distribution lists cannot be created" with "The service does not currently support writes of mail-enabled groups. …"', async () => {
    const message = 'The service does not currently support writes of mail-enabled groups. Please ensure that the mail-enablement property is unset and the security-enablement property is set.';
    assertGraphError(await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ mailEnabled: true, securityEnabled: true }) }), 400, 'Request_BadRequest', message);
    assertGraphError(await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ mailEnabled: true, securityEnabled: false }) }), 400, 'Request_BadRequest', message);
    assert.equal(emu.state().groups.length, 0);
  });

  test('GRAPH 67: "visibility (Private/Public/Hiddenmembership)" [inferred: another value is 400 Invalid value]', async () => {
    for (const visibility of ['Private', 'Public', 'Hiddenmembership']) {
      assert.equal((await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ mailNickname: `v${visibility}`, visibility }) })).status, 201, visibility);
    }
    assertGraphError(await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ visibility: 'Secret' }) }), 400, 'Request_BadRequest',
      "Invalid value specified for property 'visibility' of resource 'Group'.");
  });

  test('GRAPH 68: "Only at creation: groupTypes, isAssignableToRole, resourceBehaviorOptions, resourceProvisioningOptions" (PATCH refused: [inferred] the read-only message)', async () => {
    const created = await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ isAssignableToRole: false, resourceBehaviorOptions: [], resourceProvisioningOptions: [] }) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (const [name, value] of [['groupTypes', []], ['isAssignableToRole', true], ['resourceBehaviorOptions', ['WelcomeEmailDisabled']], ['resourceProvisioningOptions', ['Team']]] as const) {
      assertGraphError(await raw(emu, 'PATCH', `/v1.0/groups/${created.body.id}`, { token, body: { [name]: value } }), 400, 'Request_BadRequest', readOnlyMessage(name));
    }
  });

  test('GRAPH 70: "PATCH-only, rejected on POST: allowExternalSenders, autoSubscribeNewMembers, hideFromAddressLists, hideFromOutlookClients, isSubscribedByMail, unseenCount"', async () => {
    const patchOnly: [string, unknown][] = [
      ['allowExternalSenders', true], ['autoSubscribeNewMembers', true], ['hideFromAddressLists', true], ['hideFromOutlookClients', true], ['isSubscribedByMail', true], ['unseenCount', 0],
    ];
    for (const [name, value] of patchOnly) {
      assertGraphError(await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ [name]: value }) }), 400, 'Request_BadRequest', new RegExp(`'${name}'`));
    }
    assert.equal(emu.state().groups.length, 0);
    const created = await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'], mailNickname: 'team' }) });
    assert.equal((await raw(emu, 'PATCH', `/v1.0/groups/${created.body.id}`, { token, body: { hideFromAddressLists: true } })).status, 204, 'GRAPH 83: PATCH /groups/{id} returns 204');
  });

  test('GRAPH 71: read-only group properties "id, mail, proxyAddresses, createdDateTime, expirationDateTime, renewedDateTime, securityIdentifier, licenseProcessingState, onPremises…" are refused on POST and PATCH', async () => {
    const readOnly = [
      'id', 'mail', 'proxyAddresses', 'createdDateTime', 'expirationDateTime', 'renewedDateTime', 'securityIdentifier', 'licenseProcessingState',
      'onPremisesDomainName', 'onPremisesLastSyncDateTime', 'onPremisesNetBiosName', 'onPremisesSamAccountName', 'onPremisesSecurityIdentifier',
      'onPremisesSyncEnabled', 'onPremisesProvisioningErrors',
    ];
    const created = await raw(emu, 'POST', '/v1.0/groups', { token, body: group() });
    for (const name of readOnly) {
      assertGraphError(await raw(emu, 'POST', '/v1.0/groups', { token, body: group({ [name]: 'x' }) }), 400, 'Request_BadRequest', readOnlyMessage(name));
      assertGraphError(await raw(emu, 'PATCH', `/v1.0/groups/${created.body.id}`, { token, body: { [name]: 'x' } }), 400, 'Request_BadRequest', readOnlyMessage(name));
    }
    assert.equal(emu.state().groups.length, 1);
  });

  test('GRAPH 162: unknown body property "Invalid property \'responseHeaders\'." (PATCH group)', async () => {
    const created = await raw(emu, 'POST', '/v1.0/groups', { token, body: group() });
    assertGraphError(await raw(emu, 'PATCH', `/v1.0/groups/${created.body.id}`, { token, body: { responseHeaders: {} } }), 400, 'Request_BadRequest', "Invalid property 'responseHeaders'.");
  });

  test('GRAPH 74: "Permissions: application Group.Create, Group.ReadWrite.All or Directory.ReadWrite.All" (Group.Create creates, but may not update)', async () => {
    const create = await appWith(['Group.Create']);
    const created = await raw(emu, 'POST', '/v1.0/groups', { token: create, body: group() });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assertGraphError(await raw(emu, 'PATCH', `/v1.0/groups/${created.body.id}`, { token: create, body: { description: 'x' } }), 403, 'Authorization_RequestDenied');
    const readOnly = await tokenFor(emu, emu.readOnlyClient.clientId, emu.readOnlyClient.clientSecret);
    assertGraphError(await raw(emu, 'POST', '/v1.0/groups', { token: readOnly, body: group({ mailNickname: 'g2' }) }), 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  });
});

describe('audit: org contacts (GRAPH 76-80)', () => {
  test('GRAPH 78: "The only methods are List, Get, delta, …": GET /contacts/delta pages and answers changes; GRAPH 80: writes are 405', async () => {
    emu.seed({ contacts: [{ id: 'k1', displayName: 'K1', mail: 'k1@partner.example' }, { id: 'k2', displayName: 'K2', mail: 'k2@partner.example' }] });
    const first = await raw(emu, 'GET', '/v1.0/contacts/delta?$select=displayName,mail', { token });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body.value.map((c: { id: string }) => c.id).sort(), ['k1', 'k2']);
    const link: string = first.body['@odata.deltaLink'];
    assert.match(link, /\/v1\.0\/contacts\/delta\?\$deltatoken=/);
    emu.seed({ contacts: [{ id: 'k1', displayName: 'K1 renamed', mail: 'k1@partner.example' }] });
    const next = await raw(emu, 'GET', link.slice(emu.graphEndpoint.length), { token });
    assert.deepEqual(next.body.value, [{ id: 'k1', displayName: 'K1 renamed', mail: 'k1@partner.example' }]);
    assertGraphError(await raw(emu, 'POST', '/v1.0/contacts', { token, body: { displayName: 'x' } }), 405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
  });
});

describe('audit: updates and membership (GRAPH 82-95)', () => {
  beforeEach(() => {
    seedUsers(22);
    emu.seed({ groups: [
      { id: 'cloud', displayName: 'Cloud', mailEnabled: false, securityEnabled: true, mailNickname: 'cloud' },
      { id: 'synced', displayName: 'Synced', mailEnabled: false, securityEnabled: true, mailNickname: 'synced', onPremisesSyncEnabled: true, members: ['u0'] },
    ] });
  });

  test('GRAPH 84: an on-premises mastered group refuses a PATCH, and "the same error comes back when editing the membership" (bind, $ref add, $ref remove)', async () => {
    assertGraphError(await raw(emu, 'PATCH', '/v1.0/groups/synced', { token, body: { description: 'x' } }), 400, 'Request_BadRequest', onPremisesMastered);
    assertGraphError(await raw(emu, 'PATCH', '/v1.0/groups/synced', { token, body: { 'members@odata.bind': bind(['u1']) } }), 400, 'Request_BadRequest', onPremisesMastered);
    assertGraphError(await raw(emu, 'POST', '/v1.0/groups/synced/members/$ref', { token, body: { '@odata.id': bind(['u1'])[0] } }), 400, 'Request_BadRequest', onPremisesMastered);
    assertGraphError(await raw(emu, 'DELETE', '/v1.0/groups/synced/members/u0/$ref', { token }), 400, 'Request_BadRequest', onPremisesMastered);
    assertGraphError(await raw(emu, 'DELETE', '/v1.0/groups/synced', { token }), 400, 'Request_BadRequest', onPremisesMastered);
    assert.deepEqual(emu.state().members.synced, ['u0'], 'nothing changed');
  });

  test('GRAPH 91-94: "At most 20 per request"; "If an error condition exists in the request body, no members are added"; more than 20 is [inferred] 400 Request_BadRequest', async () => {
    const ids = Array.from({ length: 21 }, (_, i) => `u${i}`);
    assertGraphError(await raw(emu, 'PATCH', '/v1.0/groups/cloud', { token, body: { 'members@odata.bind': bind(ids) } }), 400, 'Request_BadRequest');
    assert.deepEqual(emu.state().members.cloud, []);
    // One missing object in the bind: 404 (GRAPH 88), and no member of the request is added.
    const missing = await raw(emu, 'PATCH', '/v1.0/groups/cloud', { token, body: { 'members@odata.bind': bind(['u1', 'nobody']) } });
    assertGraphError(missing, 404, 'Request_ResourceNotFound', "Resource 'nobody' does not exist or one of its queried reference-property objects are not present.");
    assert.deepEqual(emu.state().members.cloud, []);
    assert.equal((await raw(emu, 'PATCH', '/v1.0/groups/cloud', { token, body: { 'members@odata.bind': bind(ids.slice(0, 20)) } })).status, 204, 'exactly 20');
    assert.equal(emu.state().members.cloud!.length, 20);
  });
});

describe('audit: queries (GRAPH 97-136)', () => {
  const eventual = { ConsistencyLevel: 'eventual' };
  beforeEach(() => {
    emu.seed({
      users: [
        {
          id: 'f1', userPrincipalName: 'first@contoso.com', displayName: 'First', givenName: 'Fir', surname: 'St', department: 'Sales', mail: 'first@f1.example',
          mailNickname: 'first', employeeId: 'E1', onPremisesImmutableId: 'Anc1', onPremisesSecurityIdentifier: 'S-1-5-21-1', onPremisesSyncEnabled: true,
          proxyAddresses: ['SMTP:first@f1.example'], otherMails: ['first@other.example'], accountEnabled: true, userType: 'Member', usageLocation: 'NO',
          onPremisesSamAccountName: 'sam1', onPremisesExtensionAttributes: { extensionAttribute1: 'ext1' }, companyName: 'Co', employeeType: 'Staff',
          mobilePhone: '+1 555', officeLocation: 'B1', businessPhones: ['+1 556'],
        },
        { id: 'f2', userPrincipalName: 'second@contoso.com', displayName: 'Other', accountEnabled: false, userType: 'Guest' },
      ],
      groups: [
        { id: 'gq', displayName: 'Query group', mailEnabled: false, securityEnabled: true, mailNickname: 'qg', mail: 'qg@contoso.com', proxyAddresses: ['SMTP:qg@contoso.com'], onPremisesSecurityIdentifier: 'S-1-5-21-9', onPremisesSamAccountName: 'qgsam' },
      ],
    });
  });
  const query = (set: string, filter: string, headers: Record<string, string> = {}, extra = '') =>
    raw(emu, 'GET', `/v1.0/${set}?$filter=${encodeURIComponent(filter)}&$select=id${extra}`, { token, headers });

  test('GRAPH 101-111 and 266: the user filters that work by default (without ConsistencyLevel and $count)', async () => {
    const filters = [
      "onPremisesImmutableId eq 'Anc1'", "userPrincipalName eq 'first@contoso.com'", "startsWith(userPrincipalName,'fir')", "mail eq 'first@f1.example'",
      "startsWith(mail,'first@')", "mailNickname eq 'first'", "employeeId eq 'E1'", "onPremisesSecurityIdentifier eq 'S-1-5-21-1'", 'onPremisesSyncEnabled eq true',
      "proxyAddresses/any(p:p eq 'smtp:first@f1.example')", "proxyAddresses/any(p:startsWith(p,'SMTP:first'))", "otherMails/any(p:p eq 'first@other.example')",
      'accountEnabled eq true', "userType eq 'Member'", "usageLocation eq 'NO'", "displayName eq 'First'", "givenName eq 'Fir'", "surname eq 'St'", "department eq 'Sales'",
      "userPrincipalName in ('first@contoso.com','nobody@contoso.com')",
    ];
    for (const filter of filters) {
      const answer = await query('users', filter);
      assert.equal(answer.status, 200, `${filter}: ${JSON.stringify(answer.body)}`);
      assert.deepEqual(answer.body.value, [{ id: 'f1' }], filter);
    }
  });

  test('GRAPH 112-117 and 133: the user filters that need ConsistencyLevel: eventual + $count=true are refused without, and answer with them', async () => {
    const needAq: [string, RegExp][] = [
      ["onPremisesSamAccountName eq 'sam1'", /property 'onPremisesSamAccountName'/],
      ["onPremisesExtensionAttributes/extensionAttribute1 eq 'ext1'", /property 'onPremisesExtensionAttributes\/extensionAttribute1'/],
      ["companyName eq 'Co'", /property 'companyName'/], ["employeeType eq 'Staff'", /property 'employeeType'/],
      ["mobilePhone eq '+1 555'", /property 'mobilePhone'/], ["officeLocation eq 'B1'", /property 'officeLocation'/],
      ["businessPhones/any(p:p eq '+1 556')", /property 'businessPhones'/],
      ["displayName ne 'Other'", /^Operator 'ne' is not supported because the required parameters might be missing/],
      ["not(displayName eq 'Other')", /^Operator 'not' is not supported/],
      ["endsWith(mail,'@f1.example')", /^Operator 'endsWith' is not supported/], ["endsWith(userPrincipalName,'t@contoso.com')", /^Operator 'endsWith'/],
      ["otherMails/any(p:endsWith(p,'@other.example'))", /^Operator 'endsWith'/], ["proxyAddresses/any(p:endsWith(p,'@f1.example'))", /^Operator 'endsWith'/],
    ];
    for (const [filter, message] of needAq) {
      assertGraphError(await query('users', filter), 400, 'Request_UnsupportedQuery', message);
      const answered = await query('users', filter, eventual, '&$count=true');
      assert.equal(answered.status, 200, `${filter}: ${JSON.stringify(answered.body)}`);
      assert.deepEqual(answered.body.value, [{ id: 'f1' }], filter);
      assert.equal(answered.body['@odata.count'], 1, 'GRAPH 130: with AQ the body carries @odata.count');
    }
    // "endsWith only on mail, otherMails, userPrincipalName, proxyAddresses": not on displayName, even as an advanced query.
    assertGraphError(await query('users', "endsWith(displayName,'st')", eventual, '&$count=true'), 400, 'Request_UnsupportedQuery',
      "Unsupported or invalid query filter clause specified for property 'displayName' of resource 'User'.");
  });

  test('GRAPH 120: group filters: mailNickname, mail, displayName, proxyAddresses/any and onPremisesSecurityIdentifier by default; onPremisesSamAccountName needs AQ; GRAPH 132 the not-indexed message', async () => {
    for (const filter of ["mailNickname eq 'qg'", "mail eq 'qg@contoso.com'", "displayName eq 'Query group'", "proxyAddresses/any(p:p eq 'smtp:qg@contoso.com')", "onPremisesSecurityIdentifier eq 'S-1-5-21-9'"]) {
      const answer = await query('groups', filter);
      assert.equal(answer.status, 200, filter);
      assert.deepEqual(answer.body.value, [{ id: 'gq' }], filter);
    }
    assertGraphError(await query('groups', "onPremisesSamAccountName eq 'qgsam'"), 400, 'Request_UnsupportedQuery',
      "Unsupported or invalid query filter clause specified for property 'onPremisesSamAccountName' of resource 'Group'.");
    assert.deepEqual((await query('groups', "onPremisesSamAccountName eq 'qgsam'", eventual, '&$count=true')).body.value, [{ id: 'gq' }]);
    assertGraphError(await query('groups', 'createdDateTime ge 2020-01-01T00:00:00Z'), 400, 'Request_UnsupportedQuery',
      "Unsupported or invalid query filter clause specified for property 'createdDateTime' of resource 'Group'.");
  });

  test('GRAPH 122: "$expand isn\'t supported together with advanced queries" [inferred: the message]', async () => {
    const expanded = await raw(emu, 'GET', '/v1.0/users?$select=id&$expand=manager&$count=true', { token, headers: eventual });
    assertGraphError(expanded, 400, 'Request_UnsupportedQuery');
  });

  test('GRAPH 126-129: "$top runs 1–999"; the shape {"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users","value":[…]}, with $select "…#users(id,displayName)"', async () => {
    for (const top of ['0', '-1', '1000', 'x']) assertGraphError(await raw(emu, 'GET', `/v1.0/users?$top=${top}`, { token }), 400, 'Request_BadRequest');
    const one = await raw(emu, 'GET', '/v1.0/users?$top=1', { token });
    assert.equal(one.body.value.length, 1);
    assert.match(one.body['@odata.nextLink'], /\$skiptoken=/);
    const plain = await raw(emu, 'GET', '/v1.0/users', { token });
    assert.equal(plain.body['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#users', 'GRAPH 128');
    assert.ok(Array.isArray(plain.body.value));
    assert.equal((await raw(emu, 'GET', '/v1.0/users?$select=id,displayName', { token })).body['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#users(id,displayName)', 'GRAPH 129');
  });

  test('GRAPH 135: "Unknown property in $select or $filter: 400 Request_UnsupportedQuery \\"Property \'a\' does not exist as a declared property or extension property.\\""', async () => {
    assertGraphError(await query('users', "a eq 'b'"), 400, 'Request_UnsupportedQuery', "Property 'a' does not exist as a declared property or extension property.");
    assertGraphError(await raw(emu, 'GET', '/v1.0/groups?$select=a', { token }), 400, 'Request_UnsupportedQuery', "Property 'a' does not exist as a declared property or extension property.");
  });
});

describe('audit: error catalogue and headers (GRAPH 138-176)', () => {
  test('GRAPH 169: 429 TooManyRequests "Please retry again later."; innerError {"code":"429","status":"429","message":"Please retry after", date, request-id}; Retry-After', async () => {
    emu.faults({ kind: 'status', status: 429, retryAfterSeconds: 10, path: '/v1.0/users' });
    const answer = await raw(emu, 'GET', '/v1.0/users', { token });
    assertGraphError(answer, 429, 'TooManyRequests', 'Please retry again later.');
    const inner = answer.body.error.innerError;
    assert.deepEqual([inner.code, inner.status, inner.message], ['429', '429', 'Please retry after']);
    assert.equal(answer.headers['retry-after'], '10');
  });

  test('GRAPH 173: the 401 carries exactly WWW-Authenticate: Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"', async () => {
    const answer = await raw(emu, 'GET', '/v1.0/users');
    assertGraphError(answer, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
    assert.equal(answer.headers['www-authenticate'], 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"');
  });

  test('GRAPH 174: legacy "503 Request_ThrottledTemporarily \\"Your request is throttled temporarily. Please try after {0} seconds.\\"", offered as a fault option', async () => {
    emu.faults({ kind: 'status', status: 503, legacyThrottle: true, retryAfterSeconds: 7, path: '/v1.0/domains' });
    const answer = await raw(emu, 'GET', '/v1.0/domains', { token });
    assertGraphError(answer, 503, 'Request_ThrottledTemporarily', 'Your request is throttled temporarily. Please try after 7 seconds.');
    assert.equal(answer.headers['retry-after'], '7');
  });

  test('GRAPH 195: "Every response: x-ms-resource-unit", refused ones (404, 400) included, alone and inside a $batch', async () => {
    const missing = await raw(emu, 'GET', '/v1.0/users/nobody@contoso.com', { token });
    assert.equal(missing.status, 404);
    assert.match(missing.headers['x-ms-resource-unit'] ?? '', /^[1-9]\d*$/);
    const invalid = await raw(emu, 'POST', '/v1.0/users', { token, body: { displayName: 'x' } });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.headers['x-ms-resource-unit'], '1');
    const batch = await raw(emu, 'POST', '/v1.0/$batch', { token, body: { requests: [{ id: '1', method: 'GET', url: '/groups/nope' }] } });
    assert.equal(batch.body.responses[0].status, 404);
    assert.equal(batch.body.responses[0].headers['x-ms-resource-unit'], '1');
  });
});

describe('audit: throttling (GRAPH 178-203)', () => {
  // Windows a million times longer: nothing refills while the loop runs.
  const still = () => new Throttler(1, 1e6);
  const get = (t: Throttler) => t.check('app', 'tenant', 10, 'GET', '/users', new URLSearchParams('$select=id'));

  test('GRAPH 200: "usage keeps accruing while the client is throttled": each refused request lengthens the wait, and the usage shows above 100% (GRAPH 196: up to 1.8)', () => {
    const t = still();
    for (let i = 0; i < 3500; i++) assert.equal(get(t).throttled, false);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const refused = get(t);
      assert.equal(refused.throttled, true);
      waits.push(refused.retryAfterSeconds!);
    }
    assert.ok(waits[0]! < waits[1]! && waits[1]! < waits[2]!, `each refused request counts: ${waits.join(', ')}`);
    let last = get(t);
    for (let i = 0; i < 3500; i++) last = get(t);
    assert.equal(last.headers['x-ms-throttle-limit-percentage'], '1.8', 'clamped at 1.8');
    assert.equal(last.headers['x-ms-throttle-information'], 'ResourceUnitLimitExceeded');
  });

  test('GRAPH 199-200: a client that waits the Retry-After of its last refused request is answered (the wait counts that refusal too)', async () => {
    // 3.5 units per 2 s: three refusals put the bucket about 3 units below empty, so the wait
    // that counts them is 2 s or more; one computed before the last charge would be too short.
    const t = new Throttler(0.001, 0.2);
    const statuses: boolean[] = [];
    let retryAfter = 0;
    for (let i = 0; i < 6; i++) {
      const d = get(t);
      statuses.push(d.throttled);
      if (d.throttled) retryAfter = d.retryAfterSeconds!;
    }
    assert.deepEqual(statuses.slice(0, 3), [false, false, false]);
    assert.ok(statuses.includes(true));
    assert.ok(retryAfter >= 2, `the last wait counts the refusals before it (${retryAfter} s)`);
    await new Promise((r) => setTimeout(r, retryAfter * 1000));
    assert.equal(get(t).throttled, false);
  });
});

describe('audit: JSON batching (GRAPH 205-217)', () => {
  test('GRAPH 213: "400 if it is malformed": a body that is not JSON, or has no requests list', async () => {
    for (const body of [undefined, {}, { requests: 'x' }]) {
      assert.equal((await raw(emu, 'POST', '/v1.0/$batch', { token, body })).status, 400, JSON.stringify(body));
    }
    const notJson = await raw(emu, 'POST', '/v1.0/$batch', { token, headers: { 'Content-Type': 'application/json' } }); // no body at all
    assert.equal(notJson.status, 400);
  });

  test('GRAPH 212-214: each item answers {id, status, headers, body} with its own status: 403 Authorization_RequestDenied, 405 Request_BadRequest "Specified HTTP method is not allowed for the request target."', async () => {
    emu.seed({ contacts: [{ id: 'c1', displayName: 'C' }] });
    const readOnly = await tokenFor(emu, emu.readOnlyClient.clientId, emu.readOnlyClient.clientSecret);
    const answer = await raw(emu, 'POST', '/v1.0/$batch', {
      token: readOnly,
      body: { requests: [
        { id: 'r', method: 'GET', url: '/users?$select=id' },
        { id: 'w', method: 'POST', url: '/users', headers: { 'Content-Type': 'application/json' }, body: newUser('bw@contoso.com') },
        { id: 'm', method: 'PATCH', url: '/contacts/c1', headers: { 'Content-Type': 'application/json' }, body: { displayName: 'x' } },
      ] },
    });
    assert.equal(answer.status, 200);
    const byId = Object.fromEntries(answer.body.responses.map((r: { id: string }) => [r.id, r]));
    for (const r of answer.body.responses) assert.deepEqual(Object.keys(r).sort(), ['body', 'headers', 'id', 'status']);
    assert.equal(byId.r.status, 200);
    assert.deepEqual([byId.w.status, byId.w.body.error.code, byId.w.body.error.message], [403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.']);
    assert.deepEqual([byId.m.status, byId.m.body.error.code, byId.m.body.error.message], [405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.']);
  });
});

describe('audit: token endpoint and discovery (GRAPH 219-246)', () => {
  const tokenPath = () => `/${emu.tenantId}/oauth2/v2.0/token`;

  test('GRAPH 222: success {"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ…"}; GRAPH 224 msal-node\'s extra fields are ignored', async () => {
    const answer = await raw(emu, 'POST', tokenPath(), {
      form: {
        grant_type: 'client_credentials', client_id: emu.clientId, client_secret: emu.clientSecret, scope: 'https://graph.microsoft.com/.default',
        'x-client-SKU': 'msal.js.node', 'x-client-VER': '7.2.1', 'x-ms-lib-capability': 'retry-after, h429', 'client-request-id': '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
      },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual([answer.body.token_type, answer.body.expires_in, answer.body.ext_expires_in], ['Bearer', 3599, 3599]);
    assert.match(answer.body.access_token, /^eyJ/);
  });

  test('GRAPH 223: "Error (400): {\\"error\\":\\"invalid_scope\\",\\"error_description\\":\\"AADSTS70011: …\\",\\"error_codes\\":[70011],\\"timestamp\\",\\"trace_id\\",\\"correlation_id\\"}"', async () => {
    const answer = await raw(emu, 'POST', tokenPath(), { form: { grant_type: 'client_credentials', client_id: emu.clientId, client_secret: emu.clientSecret, scope: 'User.Read' } });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'invalid_scope');
    assert.match(answer.body.error_description, /^AADSTS70011: /);
    assert.deepEqual(answer.body.error_codes, [70011]);
    for (const key of ['timestamp', 'trace_id', 'correlation_id']) assert.equal(typeof answer.body[key], 'string', key);
  });

  test('GRAPH 227-233: instance discovery for this host answers the metadata; "An unknown host gets {\\"error\\":\\"invalid_instance\\",…}"', async () => {
    const known = encodeURIComponent(`${emu.authorityHost}/${emu.tenantId}/oauth2/v2.0/authorize`);
    const ok = await raw(emu, 'GET', `/common/discovery/instance?api-version=1.1&authorization_endpoint=${known}`);
    assert.equal(ok.status, 200);
    assert.equal(ok.body['api-version'], '1.1');
    assert.match(ok.body.tenant_discovery_endpoint, /\/v2\.0\/\.well-known\/openid-configuration$/);
    const unknown = await raw(emu, 'GET', `/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent('https://login.example.net/x/oauth2/v2.0/authorize')}`);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error, 'invalid_instance');
  });

  test('GRAPH 234-245 and 251: the openid-configuration carries the documented fields and values', async () => {
    const doc = (await raw(emu, 'GET', `/${emu.tenantId}/v2.0/.well-known/openid-configuration`)).body;
    for (const key of [
      'token_endpoint', 'jwks_uri', 'response_modes_supported', 'response_types_supported', 'userinfo_endpoint', 'authorization_endpoint', 'device_authorization_endpoint',
      'http_logout_supported', 'frontchannel_logout_supported', 'end_session_endpoint', 'claims_supported', 'kerberos_endpoint', 'tenant_region_scope', 'rbac_url',
    ]) assert.ok(doc[key] !== undefined, key);
    assert.deepEqual(doc.token_endpoint_auth_methods_supported, ['client_secret_post', 'private_key_jwt', 'client_secret_basic']);
    assert.match(doc.jwks_uri, /\/discovery\/v2\.0\/keys$/);
    assert.deepEqual(doc.subject_types_supported, ['pairwise']);
    assert.deepEqual(doc.id_token_signing_alg_values_supported, ['RS256']);
    assert.deepEqual(doc.scopes_supported, ['openid', 'profile', 'email', 'offline_access']);
    assert.equal(doc.issuer, `${emu.authorityHost}/${emu.tenantId}/v2.0`);
    assert.equal(doc.request_uri_parameter_supported, false);
    assert.deepEqual([doc.cloud_instance_name, doc.cloud_graph_host_name, doc.msgraph_host], ['microsoftonline.com', 'graph.windows.net', 'graph.microsoft.com']);
  });
});
