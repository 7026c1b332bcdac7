// The emulator against the documented behaviours and error bodies of Graph v1.0 and the
// token endpoint (shared reference graph-and-identity-platform.md), over real HTTPS.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { startEmulator, type Emulator } from './index';
import { closeAgents, newUser, raw, tokenFor } from './helpers';

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

function assertGraphError(answer: { status: number; body: any; headers: Record<string, string> }, status: number, code: string, message: string | RegExp): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.body.error.code, code);
  if (typeof message === 'string') assert.equal(answer.body.error.message, message);
  else assert.match(answer.body.error.message, message);
  const inner = answer.body.error.innerError;
  assert.match(inner.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, 'innerError.date has no fraction and no Z');
  assert.equal(inner['request-id'], answer.headers['request-id']);
  assert.equal(inner['client-request-id'], answer.headers['client-request-id']);
}

describe('identity platform', () => {
  test('client secret grant returns a Bearer token carrying the app roles', async () => {
    const answer = await raw(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/token`, {
      form: { grant_type: 'client_credentials', client_id: emu.clientId, client_secret: emu.clientSecret, scope: 'https://graph.microsoft.com/.default' },
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.token_type, 'Bearer');
    assert.equal(answer.body.expires_in, 3599);
    const claims = JSON.parse(Buffer.from(answer.body.access_token.split('.')[1], 'base64url').toString());
    assert.equal(claims.tid, emu.tenantId);
    assert.equal(claims.appid, emu.clientId);
    assert.ok(claims.roles.includes('User.ReadWrite.All'));
  });

  test('a wrong secret is invalid_client AADSTS7000215; an unknown app is AADSTS700016', async () => {
    const wrong = await raw(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/token`, {
      form: { grant_type: 'client_credentials', client_id: emu.clientId, client_secret: 'nope', scope: 'https://graph.microsoft.com/.default' },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    assert.deepEqual(wrong.body.error_codes, [7000215]);
    assert.match(wrong.body.error_description, /^AADSTS7000215: Invalid client secret provided/);
    const unknown = await raw(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/token`, {
      form: { grant_type: 'client_credentials', client_id: '00000000-0000-0000-0000-000000000001', client_secret: 'x', scope: 'https://graph.microsoft.com/.default' },
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error, 'unauthorized_client');
    assert.deepEqual(unknown.body.error_codes, [700016]);
  });

  test('a scope without /.default is invalid_scope', async () => {
    const answer = await raw(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/token`, {
      form: { grant_type: 'client_credentials', client_id: emu.clientId, client_secret: emu.clientSecret, scope: 'User.Read' },
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'invalid_scope');
  });

  test('a client assertion signed by the registered certificate is accepted; another key is refused', async () => {
    const endpoint = `${emu.authorityHost}/${emu.tenantId}/oauth2/v2.0/token`;
    const sign = async (keyPem: string, x5t: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t })
        .setIssuer(emu.clientId).setSubject(emu.clientId).setAudience(endpoint)
        .setIssuedAt().setExpirationTime('10m').setJti(crypto.randomUUID())
        .sign(createPrivateKey(keyPem));
    const x5t = Buffer.from(emu.certificate.thumbprint, 'hex').toString('base64url');
    const form = (assertion: string) => ({
      grant_type: 'client_credentials', client_id: emu.clientId, scope: 'https://graph.microsoft.com/.default',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
    });
    const ok = await raw(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/token`, { form: form(await sign(emu.certificate.keyPem, x5t)) });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const claims = JSON.parse(Buffer.from(ok.body.access_token.split('.')[1], 'base64url').toString());
    assert.equal(claims.appidacr, '2');
    // Same thumbprint, but signed with a different key: the signature does not verify.
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const bad = await raw(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/token`, { form: form(await sign(other, x5t)) });
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.body.error_codes, [700027]);
    const unknownThumb = await raw(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/token`, { form: form(await sign(emu.certificate.keyPem, 'AAAA')) });
    assert.equal(unknownThumb.status, 401);
    assert.match(unknownThumb.body.error_description, /The key was not found/);
  });

  test('OpenID configuration and instance discovery describe the emulator host', async () => {
    const oidc = await raw(emu, 'GET', `/${emu.tenantId}/v2.0/.well-known/openid-configuration`);
    assert.equal(oidc.status, 200);
    for (const key of ['authorization_endpoint', 'token_endpoint', 'end_session_endpoint', 'issuer']) assert.ok(oidc.body[key], key);
    assert.equal(oidc.body.token_endpoint, `${emu.authorityHost}/${emu.tenantId}/oauth2/v2.0/token`);
    const authorize = encodeURIComponent(`${emu.authorityHost}/${emu.tenantId}/oauth2/v2.0/authorize`);
    const discovery = await raw(emu, 'GET', `/common/discovery/instance?api-version=1.1&authorization_endpoint=${authorize}`);
    assert.equal(discovery.status, 200);
    assert.deepEqual(discovery.body.metadata[0].aliases, [new URL(emu.authorityHost).host]);
  });
});

describe('Graph authentication and authorization', () => {
  test('missing, invalid and expired tokens are 401 InvalidAuthenticationToken with WWW-Authenticate', async () => {
    const none = await raw(emu, 'GET', '/v1.0/users');
    assertGraphError(none, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
    assert.match(none.headers['www-authenticate']!, /^Bearer realm=""/);
    const forged = await raw(emu, 'GET', '/v1.0/users', { token: `${token.slice(0, -4)}AAAA` });
    assertGraphError(forged, 401, 'InvalidAuthenticationToken', 'Access token validation failure.');
    emu.setTokenLifetime(0);
    const expiredToken = await tokenFor(emu);
    emu.setTokenLifetime(3599);
    const expired = await raw(emu, 'GET', '/v1.0/users', { token: expiredToken });
    assertGraphError(expired, 401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
  });

  test('an app without write roles gets 403 Authorization_RequestDenied on POST /users, and may read', async () => {
    const readOnly = await tokenFor(emu, emu.readOnlyClient.clientId, emu.readOnlyClient.clientSecret);
    const denied = await raw(emu, 'POST', '/v1.0/users', { token: readOnly, body: newUser('a@contoso.com') });
    assertGraphError(denied, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    assert.equal((await raw(emu, 'GET', '/v1.0/users', { token: readOnly })).status, 200);
    const writes = emu.writes();
    assert.equal(writes.length, 1);
    assert.equal(writes[0]!.status, 403);
    assert.equal(writes[0]!.errorCode, 'Authorization_RequestDenied');
  });
});

describe('users: create and validation', () => {
  test('POST /users answers 201 with the default properties only', async () => {
    const answer = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('ann@contoso.com', { department: 'Sales', onPremisesImmutableId: 'AAECAwQFBgcICQoLDA0ODw==' }) });
    assert.equal(answer.status, 201);
    assert.match(answer.body['@odata.context'], /\$metadata#users\/\$entity$/);
    assert.equal(answer.body.userPrincipalName, 'ann@contoso.com');
    assert.ok(answer.body.id);
    assert.equal('department' in answer.body, false, 'department is not returned by default');
    assert.equal('onPremisesImmutableId' in answer.body, false);
    const read = await raw(emu, 'GET', `/v1.0/users/${answer.body.id}?$select=department,onPremisesImmutableId`, { token });
    assert.deepEqual({ d: read.body.department, i: read.body.onPremisesImmutableId }, { d: 'Sales', i: 'AAECAwQFBgcICQoLDA0ODw==' });
  });

  const cases: [string, Record<string, unknown>, string][] = [
    ['unknown property', newUser('b@contoso.com', { favouriteColour: 'red' }), "Invalid property 'favouriteColour'."],
    ['read-only property', newUser('b@contoso.com', { onPremisesSyncEnabled: true }), "Property 'onPremisesSyncEnabled' is read-only and cannot be set."],
    ['read-only proxyAddresses', newUser('b@contoso.com', { proxyAddresses: ['SMTP:b@contoso.com'] }), "Property 'proxyAddresses' is read-only and cannot be set."],
    ['missing required', (() => { const u = newUser('b@contoso.com'); delete u.mailNickname; return u; })(), 'Property mailNickname value is required but is empty or missing.'],
    ['too long', newUser('b@contoso.com', { department: 'x'.repeat(65) }), "Invalid value specified for property 'department' of resource 'User'."],
    ['UPN characters', newUser('bé@contoso.com'), "Invalid value specified for property 'userPrincipalName' of resource 'User'."],
    ['unverified domain', newUser('b@fabrikam.example'), 'The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.'],
    ['unknown domain', newUser('b@nowhere.test'), 'The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.'],
    ['weak password', newUser('b@contoso.com', { passwordProfile: { password: 'password' } }), 'The specified password does not comply with password complexity requirements. Please provide a different password.'],
    ['malformed mail', newUser('b@contoso.com', { mail: 'not an address' }), "Invalid value specified for property 'mail' of resource 'User'."],
    ['immutable id with $', newUser('b@contoso.com', { onPremisesImmutableId: 'a$b' }), "Invalid value specified for property 'onPremisesImmutableId' of resource 'User'."],
  ];
  for (const [name, body, message] of cases) {
    test(`400 Request_BadRequest: ${name}`, async () => {
      assertGraphError(await raw(emu, 'POST', '/v1.0/users', { token, body }), 400, 'Request_BadRequest', message);
      assert.equal(emu.state().users.length, 0, 'nothing was created');
    });
  }

  test('a federated domain needs onPremisesImmutableId on create, and refuses changing it', async () => {
    emu.seed({ domains: [{ name: 'fed.contoso.com', isVerified: true, authenticationType: 'Federated' }] });
    assertGraphError(await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('f@fed.contoso.com') }), 400, 'Request_BadRequest',
      'SourceAnchor is a required property for creation of a federated user.');
    const created = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('f@fed.contoso.com', { onPremisesImmutableId: 'anchor1' }) });
    assert.equal(created.status, 201);
    const change = await raw(emu, 'PATCH', `/v1.0/users/${created.body.id}`, { token, body: { onPremisesImmutableId: 'anchor2' } });
    assert.equal(change.status, 400);
    // A managed-domain user may have it set.
    const managed = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('m@contoso.com') });
    assert.equal((await raw(emu, 'PATCH', `/v1.0/users/${managed.body.id}`, { token, body: { onPremisesImmutableId: 'anchor3' } })).status, 204);
  });
});

describe('users: uniqueness and on-premises mastered objects', () => {
  test('duplicate userPrincipalName is an ObjectConflict on userPrincipalName', async () => {
    assert.equal((await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('dup@contoso.com') })).status, 201);
    const again = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('DUP@contoso.com') });
    assertGraphError(again, 400, 'Request_BadRequest', 'Another object with the same value for property userPrincipalName already exists.');
    assert.deepEqual(again.body.error.details[0], { code: 'ObjectConflict', message: 'Another object with the same value for property userPrincipalName already exists.', target: 'userPrincipalName' });
  });

  test('duplicate onPremisesImmutableId names the conflicting object', async () => {
    const first = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('one@contoso.com', { onPremisesImmutableId: 'same' }) });
    const second = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('two@contoso.com', { onPremisesImmutableId: 'same' }) });
    assertGraphError(second, 400, 'Request_BadRequest', 'Another object with the same value for property onPremisesImmutableId already exists.');
    assert.deepEqual(second.body.error.details.map((d: any) => [d.code, d.target]), [
      ['ObjectConflict', 'onPremisesImmutableId'],
      ['ConflictingObjects', `User_${first.body.id}`],
    ]);
  });

  test('mail becomes the primary SMTP proxy address, and a duplicate address conflicts across object types', async () => {
    const created = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('m1@contoso.com', { mail: 'shared@contoso.com' }) });
    const read = await raw(emu, 'GET', `/v1.0/users/${created.body.id}?$select=proxyAddresses,mail`, { token });
    assert.deepEqual(read.body.proxyAddresses, ['SMTP:shared@contoso.com']);
    emu.seed({ groups: [{ id: 'g-mail', displayName: 'G', mailEnabled: true, securityEnabled: false, mailNickname: 'g', proxyAddresses: ['SMTP:grp@contoso.com'] }] });
    const conflict = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('m2@contoso.com', { mail: 'grp@contoso.com' }) });
    assertGraphError(conflict, 400, 'Request_BadRequest', 'Another object with the same value for property proxyAddresses already exists.');
    assert.equal(conflict.body.error.details[1].target, 'Group_g-mail');
  });

  test('objects synced from on-premises refuse PATCH, DELETE and membership changes', async () => {
    emu.seed({
      users: [{ id: 'u-synced', userPrincipalName: 'synced@contoso.com', displayName: 'Synced', onPremisesSyncEnabled: true, onPremisesImmutableId: 'x1' }],
      groups: [{ id: 'g-synced', displayName: 'G', mailEnabled: false, securityEnabled: true, mailNickname: 'g', onPremisesSyncEnabled: true }],
    });
    const message = 'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.';
    assertGraphError(await raw(emu, 'PATCH', '/v1.0/users/u-synced', { token, body: { department: 'X' } }), 400, 'Request_BadRequest', message);
    assertGraphError(await raw(emu, 'DELETE', '/v1.0/users/synced@contoso.com', { token }), 400, 'Request_BadRequest', message);
    const other = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('c@contoso.com') });
    assertGraphError(await raw(emu, 'POST', '/v1.0/groups/g-synced/members/$ref', { token, body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${other.body.id}` } }),
      400, 'Request_BadRequest', message);
    assert.equal(emu.writes().filter((w) => w.status === 400).length, 3);
  });

  test('GET, PATCH (204) and DELETE (204) by id or userPrincipalName; unknown id is 404', async () => {
    const created = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('p@contoso.com') });
    assert.equal((await raw(emu, 'PATCH', '/v1.0/users/p@contoso.com', { token, body: { jobTitle: 'Engineer' } })).status, 204);
    assert.equal((await raw(emu, 'GET', `/v1.0/users/${created.body.id}`, { token })).body.jobTitle, 'Engineer');
    assertGraphError(await raw(emu, 'PATCH', `/v1.0/users/${created.body.id}`, { token, body: { displayName: null } }), 400, 'Request_BadRequest',
      "Invalid value specified for property 'displayName' of resource 'User'.");
    assert.equal((await raw(emu, 'DELETE', `/v1.0/users/${created.body.id}`, { token })).status, 204);
    assertGraphError(await raw(emu, 'GET', `/v1.0/users/${created.body.id}`, { token }), 404, 'Request_ResourceNotFound',
      `Resource '${created.body.id}' does not exist or one of its queried reference-property objects are not present.`);
  });
});

describe('queries', () => {
  beforeEach(() => {
    emu.seed({
      users: Array.from({ length: 7 }, (_, i) => ({
        id: `u${i}`, userPrincipalName: `user${i}@contoso.com`, displayName: `User ${i}`, mail: `user${i}@contoso.com`,
        proxyAddresses: [`SMTP:user${i}@contoso.com`, `smtp:alias${i}@contoso.com`], onPremisesImmutableId: `Anchor${i}==`,
        onPremisesSamAccountName: `user${i}`,
      })),
    });
  });

  const values = async (query: string, headers: Record<string, string> = {}) => {
    const answer = await raw(emu, 'GET', `/v1.0/users?${query}`, { token, headers });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  };

  test('the default filter subset: onPremisesImmutableId, userPrincipalName, proxyAddresses/any, mail', async () => {
    assert.deepEqual((await values("$filter=onPremisesImmutableId eq 'Anchor3=='")).value.map((u: any) => u.id), ['u3']);
    assert.deepEqual((await values("$filter=onPremisesImmutableId eq 'anchor3=='")).value, [], 'the source anchor compares exactly');
    assert.deepEqual((await values("$filter=userPrincipalName eq 'USER2@contoso.com'")).value.map((u: any) => u.id), ['u2']);
    assert.deepEqual((await values("$filter=proxyAddresses/any(p:p eq 'smtp:alias5@contoso.com')")).value.map((u: any) => u.id), ['u5']);
    assert.deepEqual((await values("$filter=mail eq 'user1@contoso.com' or mail eq 'user4@contoso.com'")).value.map((u: any) => u.id), ['u1', 'u4']);
    assert.deepEqual((await values("$filter=startsWith(userPrincipalName,'user6')")).value.map((u: any) => u.id), ['u6']);
  });

  test('a filter joins at most 15 clauses with or (Graph known issues: query parameter limitations)', async () => {
    const clauses = (n: number) => Array.from({ length: n }, (_, i) => `mail eq 'user${i}@contoso.com'`).join(' or ');
    assert.equal((await raw(emu, 'GET', `/v1.0/users?$filter=${encodeURIComponent(clauses(15))}&$select=id`, { token })).status, 200);
    assertGraphError(await raw(emu, 'GET', `/v1.0/users?$filter=${encodeURIComponent(clauses(16))}&$select=id`, { token }), 400, 'Request_UnsupportedQuery',
      "Too many child clauses specified in search filter expression containing 'OR' operators: 16. Max allowed: 15.");
  });

  test('$select shapes the context and the objects; unknown properties are refused', async () => {
    const body = await values("$filter=userPrincipalName eq 'user1@contoso.com'&$select=id,onPremisesImmutableId");
    assert.match(body['@odata.context'], /#users\(id,onPremisesImmutableId\)$/);
    assert.deepEqual(body.value, [{ id: 'u1', onPremisesImmutableId: 'Anchor1==' }]);
    assertGraphError(await raw(emu, 'GET', '/v1.0/users?$select=id,shoeSize', { token }), 400, 'Request_UnsupportedQuery',
      "Property 'shoeSize' does not exist as a declared property or extension property.");
  });

  test('advanced-query rules: endsWith, ne and onPremisesSamAccountName need ConsistencyLevel; eq null is refused', async () => {
    assertGraphError(await raw(emu, 'GET', "/v1.0/users?$filter=endsWith(mail,'@contoso.com')", { token }), 400, 'Request_UnsupportedQuery',
      /^Operator 'endsWith' is not supported because the required parameters might be missing\. Try adding \$count=true/);
    assertGraphError(await raw(emu, 'GET', "/v1.0/users?$filter=onPremisesSamAccountName eq 'user1'", { token }), 400, 'Request_UnsupportedQuery',
      "Unsupported or invalid query filter clause specified for property 'onPremisesSamAccountName' of resource 'User'.");
    assertGraphError(await raw(emu, 'GET', '/v1.0/users?$filter=onPremisesImmutableId eq null', { token }), 400, 'Request_UnsupportedQuery',
      "Unsupported or invalid query filter clause specified for property 'onPremisesImmutableId' of resource 'User'.");
    const aq = { ConsistencyLevel: 'eventual' };
    const ends = await values("$filter=endsWith(mail,'3@contoso.com')&$count=true", aq);
    assert.deepEqual(ends.value.map((u: any) => u.id), ['u3']);
    assert.equal(ends['@odata.count'], 1);
    assert.equal((await values("$filter=onPremisesSamAccountName eq 'user2'&$count=true", aq)).value[0].id, 'u2');
  });

  test('$count: ignored without ConsistencyLevel, /$count refused without it', async () => {
    assert.equal('@odata.count' in (await values('$count=true')), false);
    assert.equal((await values('$count=true', { ConsistencyLevel: 'eventual' }))['@odata.count'], 7);
    assertGraphError(await raw(emu, 'GET', '/v1.0/users/$count', { token }), 400, 'Request_BadRequest', '$count is not currently supported.');
    const counted = await raw(emu, 'GET', '/v1.0/users/$count', { token, headers: { ConsistencyLevel: 'eventual' } });
    assert.equal(counted.body, 7);
  });

  test('advanced queries need both ConsistencyLevel: eventual and $count=true; $search and /$count need only the header', async () => {
    const eventual = { ConsistencyLevel: 'eventual' };
    const aqMessage = /^Operator 'endsWith' is not supported because the required parameters might be missing\. Try adding \$count=true query parameter and ConsistencyLevel:eventual header\./;
    // Either half alone is not an advanced query (reference section 3: "needs both").
    assertGraphError(await raw(emu, 'GET', "/v1.0/users?$filter=endsWith(mail,'3@contoso.com')", { token, headers: eventual }), 400, 'Request_UnsupportedQuery', aqMessage);
    assertGraphError(await raw(emu, 'GET', "/v1.0/users?$filter=endsWith(mail,'3@contoso.com')&$count=true", { token }), 400, 'Request_UnsupportedQuery', aqMessage);
    assertGraphError(await raw(emu, 'GET', "/v1.0/users?$filter=onPremisesSamAccountName eq 'user2'", { token, headers: eventual }), 400, 'Request_UnsupportedQuery',
      "Unsupported or invalid query filter clause specified for property 'onPremisesSamAccountName' of resource 'User'.");
    assert.equal((await raw(emu, 'GET', "/v1.0/users?$filter=displayName ne 'User 1'", { token, headers: eventual })).status, 400, 'ne needs $count=true too');
    assert.equal((await raw(emu, 'GET', "/v1.0/users?$filter=startsWith(displayName,'User')&$orderby=displayName", { token, headers: eventual })).status, 400,
      '$filter with $orderby needs $count=true too');
    assert.equal('@odata.count' in (await values('$select=id', eventual)), false, 'no @odata.count without $count=true');
    // Both: the same queries answer.
    assert.deepEqual((await values("$filter=onPremisesSamAccountName eq 'user2'&$count=true", eventual)).value.map((u: any) => u.id), ['u2']);
    assert.equal((await values("$filter=displayName ne 'User 1'&$count=true", eventual))['@odata.count'], 6);
    assert.equal((await values("$filter=startsWith(displayName,'User')&$orderby=displayName&$count=true", eventual)).value.length, 7);
    // $search: its documented error names only the header.
    assertGraphError(await raw(emu, 'GET', '/v1.0/users?$search="displayName:User"', { token }), 400, 'Request_UnsupportedQuery',
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'");
    assert.equal((await raw(emu, 'GET', '/v1.0/users?$search="displayName:User"', { token, headers: eventual })).status, 200);
    // The /$count segment: the header alone, its filter included.
    const counted = await raw(emu, 'GET', "/v1.0/users/$count?$filter=endsWith(mail,'3@contoso.com')", { token, headers: eventual });
    assert.equal(counted.status, 200, JSON.stringify(counted.body));
    assert.equal(counted.body, 1);
  });

  test('paging follows @odata.nextLink with a $skiptoken; $top is bounded to 1..999', async () => {
    const seen: string[] = [];
    let next: string | undefined = `/v1.0/users?$top=3&$select=id`;
    let pages = 0;
    while (next) {
      const answer: { body: any } = await raw(emu, 'GET', next, { token });
      seen.push(...answer.body.value.map((u: any) => u.id));
      const link: string | undefined = answer.body['@odata.nextLink'];
      if (link) assert.match(link, /\$skiptoken=/);
      next = link?.slice(emu.graphEndpoint.length);
      pages++;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
    assertGraphError(await raw(emu, 'GET', '/v1.0/users?$top=1000', { token }), 400, 'Request_BadRequest', "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.");
  });
});

describe('change tracking', () => {
  test('$deltatoken=latest answers only a delta link; the next round from it answers what changed after it', async () => {
    emu.seed({ users: [{ id: 'd1', userPrincipalName: 'd1@contoso.com', displayName: 'D One' }, { id: 'd2', userPrincipalName: 'd2@contoso.com', displayName: 'D Two' }] });
    const latest = await raw(emu, 'GET', '/v1.0/users/delta?$deltatoken=latest&$select=displayName,userPrincipalName', { token });
    assert.equal(latest.status, 200, JSON.stringify(latest.body));
    assert.deepEqual(latest.body.value, [], 'sync from now: no objects');
    assert.equal(latest.body['@odata.nextLink'], undefined);
    const link: string = latest.body['@odata.deltaLink'];
    assert.match(link, /\/v1\.0\/users\/delta\?\$deltatoken=/);
    assert.doesNotMatch(link, /latest/, 'the link carries a new state token');

    assert.equal((await raw(emu, 'PATCH', '/v1.0/users/d1', { token, body: { displayName: 'D One renamed' } })).status, 204);
    assert.equal((await raw(emu, 'DELETE', '/v1.0/users/d2', { token })).status, 204);
    const created = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('d3@contoso.com') });
    assert.equal(created.status, 201);

    const round = await raw(emu, 'GET', link.slice(emu.graphEndpoint.length), { token });
    assert.equal(round.status, 200);
    const byId = new Map(round.body.value.map((o: any) => [o.id, o]));
    assert.equal(byId.size, 3, JSON.stringify(round.body.value));
    assert.deepEqual(byId.get('d1'), { id: 'd1', displayName: 'D One renamed', userPrincipalName: 'd1@contoso.com' }, 'the $select of the latest request is kept');
    assert.deepEqual(byId.get('d2'), { id: 'd2', '@removed': { reason: 'changed' } });
    assert.equal((byId.get(created.body.id) as any).userPrincipalName, 'd3@contoso.com');
    assert.match(round.body['@odata.deltaLink'], /\$deltatoken=/);
  });

  test('the baseline of a latest link is the directory when it was issued: changes in a $batch or a seed after it are answered, those before it are not', async () => {
    emu.seed({ users: [{ id: 'e1', userPrincipalName: 'e1@contoso.com', displayName: 'E One' }, { id: 'e2', userPrincipalName: 'e2@contoso.com', displayName: 'E Two' }] });
    const first = await raw(emu, 'GET', '/v1.0/users/delta?$deltatoken=latest&$select=displayName', { token });
    // Two links in a row, nothing changed between them; then a change inside a $batch.
    const second = await raw(emu, 'GET', '/v1.0/users/delta?$deltatoken=latest&$select=displayName', { token });
    const batch = await raw(emu, 'POST', '/v1.0/$batch', { token, body: { requests: [{ id: '1', method: 'PATCH', url: '/users/e1', headers: { 'Content-Type': 'application/json' }, body: { displayName: 'E One renamed' } }] } });
    assert.equal(batch.body.responses[0].status, 204, JSON.stringify(batch.body));
    const third = await raw(emu, 'GET', '/v1.0/users/delta?$deltatoken=latest&$select=displayName', { token });
    emu.seed({ users: [{ id: 'e3', userPrincipalName: 'e3@contoso.com', displayName: 'E Three' }] });
    const ids = async (link: string) => (await raw(emu, 'GET', link.slice(emu.graphEndpoint.length), { token })).body.value.map((o: { id: string }) => o.id).sort();
    assert.deepEqual(await ids(first.body['@odata.deltaLink']), ['e1', 'e3']);
    assert.deepEqual(await ids(second.body['@odata.deltaLink']), ['e1', 'e3']);
    assert.deepEqual(await ids(third.body['@odata.deltaLink']), ['e3'], 'the rename came before this link');
  });

  test('delta pages hold at most 200 objects; a list holds up to $top=999', async () => {
    emu.seed({ users: Array.from({ length: 1200 }, (_, i) => ({ id: `p${i}`, userPrincipalName: `p${i}@contoso.com`, displayName: `P ${i}` })) });
    const delta = await raw(emu, 'GET', '/v1.0/users/delta?$select=id', { token, headers: { Prefer: 'odata.maxpagesize=999' } });
    assert.equal(delta.body.value.length, 200);
    const list = await raw(emu, 'GET', '/v1.0/users?$top=999&$select=id', { token });
    assert.equal(list.body.value.length, 999);
    assert.match(list.body['@odata.nextLink'], /\$skiptoken=/);
    assertGraphError(await raw(emu, 'GET', '/v1.0/groups?$top=1000', { token }), 400, 'Request_BadRequest', "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.");
  });
});

describe('$batch faults', () => {
  test('a fault on /v1.0/$batch fails the whole POST: nothing inside runs', async () => {
    emu.faults({ kind: 'status', status: 503, retryAfterSeconds: 3, path: '/v1.0/$batch', count: 1 });
    const body = { requests: [{ id: '1', method: 'POST', url: '/users', headers: { 'Content-Type': 'application/json' }, body: newUser('bf@contoso.com') }] };
    const failed = await raw(emu, 'POST', '/v1.0/$batch', { token, body });
    assertGraphError(failed, 503, 'serviceNotAvailable', /^You may repeat the request after a delay/);
    assert.equal(failed.headers['retry-after'], '3');
    assert.equal(emu.writes().filter((w) => w.inBatch).length, 0, 'no inner request ran');
    const again = await raw(emu, 'POST', '/v1.0/$batch', { token, body });
    assert.equal(again.status, 200);
    assert.equal(again.body.responses[0].status, 201);
  });

  test('a 401 fault on a resource path answers that item inside the batch with InvalidAuthenticationToken', async () => {
    emu.faults({ kind: 'status', status: 401, path: '/v1.0/users', count: 1 });
    const answer = await raw(emu, 'POST', '/v1.0/$batch', { token, body: { requests: [{ id: 'a', method: 'GET', url: '/domains' }, { id: 'b', method: 'GET', url: '/users?$select=id' }] } });
    assert.equal(answer.status, 200);
    const b = answer.body.responses.find((r: any) => r.id === 'b');
    assert.equal(b.status, 401);
    assert.equal(b.body.error.code, 'InvalidAuthenticationToken');
    assert.equal(b.body.error.message, 'Access token has expired or is not yet valid.');
    assert.equal(answer.body.responses.find((r: any) => r.id === 'a').status, 200);
  });
});

describe('groups, members, contacts, domains, organization', () => {
  test('security groups are created; mail-enabled security groups are refused with the documented message', async () => {
    const ok = await raw(emu, 'POST', '/v1.0/groups', { token, body: { displayName: 'Sec', mailEnabled: false, mailNickname: 'sec', securityEnabled: true } });
    assert.equal(ok.status, 201);
    assert.deepEqual(ok.body.groupTypes, []);
    assertGraphError(await raw(emu, 'POST', '/v1.0/groups', { token, body: { displayName: 'Mes', mailEnabled: true, mailNickname: 'mes', securityEnabled: true } }),
      400, 'Request_BadRequest', /^The service does not currently support writes of mail-enabled groups/);
    assertGraphError(await raw(emu, 'POST', '/v1.0/groups', { token, body: { displayName: 'No nick', mailEnabled: false, securityEnabled: true } }),
      400, 'Request_BadRequest', 'Property mailNickname value is required but is empty or missing.');
  });

  test('members: add by $ref (204, duplicate 400, missing 404), bind at most 20, remove (204, absent 400)', async () => {
    const users = Array.from({ length: 22 }, (_, i) => ({ id: `m${i}`, userPrincipalName: `m${i}@contoso.com`, displayName: `M${i}` }));
    emu.seed({ users, groups: [{ id: 'g1', displayName: 'G1', mailEnabled: false, securityEnabled: true, mailNickname: 'g1' }] });
    const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
    assert.equal((await raw(emu, 'POST', '/v1.0/groups/g1/members/$ref', { token, body: ref('m0') })).status, 204);
    assertGraphError(await raw(emu, 'POST', '/v1.0/groups/g1/members/$ref', { token, body: ref('m0') }), 400, 'Request_BadRequest',
      "One or more added object references already exist for the following modified properties: 'members'.");
    assert.equal((await raw(emu, 'POST', '/v1.0/groups/g1/members/$ref', { token, body: ref('nobody') })).status, 404);
    const bind = (ids: string[]) => ({ 'members@odata.bind': ids.map((id) => `https://graph.microsoft.com/v1.0/directoryObjects/${id}`) });
    const tooMany = await raw(emu, 'PATCH', '/v1.0/groups/g1', { token, body: bind(users.slice(1, 22).map((u) => u.id)) });
    assert.equal(tooMany.status, 400);
    assert.equal((await raw(emu, 'PATCH', '/v1.0/groups/g1', { token, body: bind(['m1', 'm2', 'm3']) })).status, 204);
    // All or nothing: one existing member fails the whole bind.
    assert.equal((await raw(emu, 'PATCH', '/v1.0/groups/g1', { token, body: bind(['m4', 'm1']) })).status, 400);
    const members = await raw(emu, 'GET', '/v1.0/groups/g1/members', { token });
    assert.deepEqual(members.body.value.map((m: any) => [m['@odata.type'], m.id]), [
      ['#microsoft.graph.user', 'm0'], ['#microsoft.graph.user', 'm1'], ['#microsoft.graph.user', 'm2'], ['#microsoft.graph.user', 'm3'],
    ]);
    assert.equal((await raw(emu, 'DELETE', '/v1.0/groups/g1/members/m2/$ref', { token })).status, 204);
    assertGraphError(await raw(emu, 'DELETE', '/v1.0/groups/g1/members/m2/$ref', { token }), 400, 'Request_BadRequest',
      "One or more removed object references do not exist for the following modified properties: 'members'.");
  });

  test('members: GET /groups/{id}/members pages with $top and @odata.nextLink, $select=id,displayName, 2 resource units a page', async () => {
    const users = Array.from({ length: 30 }, (_, i) => ({ id: `p${i}`, userPrincipalName: `p${i}@contoso.com`, displayName: `P${i}` }));
    const order = [...users.slice(0, 2).map((u) => u.id), 'inner', ...users.slice(2).map((u) => u.id)];
    emu.seed({ users, groups: [
      { id: 'inner', displayName: 'Inner', mailEnabled: false, securityEnabled: true, mailNickname: 'inner' },
      { id: 'paged', displayName: 'Paged', mailEnabled: false, securityEnabled: true, mailNickname: 'paged', members: order },
    ] });
    const seen: unknown[][] = [];
    let url: string | undefined = '/v1.0/groups/paged/members?$select=id,displayName&$top=25';
    const sizes: number[] = [];
    while (url) {
      const page = await raw(emu, 'GET', url, { token });
      assert.equal(page.status, 200);
      assert.equal(page.headers['x-ms-resource-unit'], '2', 'groups/{id}/members costs 3, $select -1');
      for (const m of page.body.value) seen.push([m['@odata.type'], m.id, m.displayName]);
      sizes.push(page.body.value.length);
      const next: string | undefined = page.body['@odata.nextLink'];
      if (next) assert.match(next, /\/v1\.0\/groups\/paged\/members\?.*\$skiptoken=/);
      url = next ? new URL(next).pathname + new URL(next).search : undefined;
    }
    assert.deepEqual(sizes, [25, 6]);
    assert.deepEqual(seen.map((m) => m[1]), order, 'every member once, in order, across the pages');
    assert.deepEqual(seen[2], ['#microsoft.graph.group', 'inner', 'Inner']);
    assert.deepEqual(seen[0], ['#microsoft.graph.user', 'p0', 'P0']);
    // $top below 20 costs one unit less; Graph's page size bounds: 1-999.
    assert.equal((await raw(emu, 'GET', '/v1.0/groups/paged/members?$select=id&$top=4', { token })).headers['x-ms-resource-unit'], '1');
    assert.equal((await raw(emu, 'GET', '/v1.0/groups/paged/members?$top=1000', { token })).status, 400);
    assert.equal((await raw(emu, 'GET', '/v1.0/groups/nope/members', { token })).status, 404);
  });

  test('org contacts are read-only: writes answer 405', async () => {
    emu.seed({ contacts: [{ id: 'c1', displayName: 'Contact', mail: 'c@partner.example', proxyAddresses: ['SMTP:c@partner.example'] }] });
    assert.equal((await raw(emu, 'GET', '/v1.0/contacts/c1', { token })).body.mail, 'c@partner.example');
    for (const [method, url] of [['POST', '/v1.0/contacts'], ['PATCH', '/v1.0/contacts/c1'], ['DELETE', '/v1.0/contacts/c1']] as const) {
      assertGraphError(await raw(emu, method, url, { token, body: method === 'DELETE' ? undefined : { displayName: 'x' } }), 405, 'Request_BadRequest',
        'Specified HTTP method is not allowed for the request target.');
    }
  });

  test('domains and organization describe the default tenant', async () => {
    const domains = (await raw(emu, 'GET', '/v1.0/domains', { token })).body.value;
    assert.deepEqual(domains.map((d: any) => [d.id, d.isVerified, d.isInitial, d.authenticationType]), [
      ['contoso.onmicrosoft.com', true, true, 'Managed'], ['contoso.com', true, false, 'Managed'], ['fabrikam.example', false, false, 'Managed'],
    ]);
    const org = (await raw(emu, 'GET', '/v1.0/organization', { token })).body.value[0];
    assert.equal(org.id, emu.tenantId);
    assert.deepEqual(org.verifiedDomains.map((d: any) => d.name), ['contoso.onmicrosoft.com', 'contoso.com']);
  });
});

describe('$batch', () => {
  test('per-item status, dependsOn with 424 after a failure, at most 20 requests', async () => {
    const answer = await raw(emu, 'POST', '/v1.0/$batch', {
      token,
      body: {
        requests: [
          { id: '1', method: 'POST', url: '/users', headers: { 'Content-Type': 'application/json' }, body: newUser('b1@contoso.com') },
          { id: '2', method: 'POST', url: '/users', headers: { 'Content-Type': 'application/json' }, body: newUser('b1@contoso.com'), dependsOn: ['1'] },
          { id: '3', method: 'GET', url: '/users/b1@contoso.com', dependsOn: ['2'] },
          { id: '4', method: 'GET', url: "/users?$filter=userPrincipalName eq 'b1@contoso.com'&$select=id" },
        ],
      },
    });
    assert.equal(answer.status, 200);
    const byId = Object.fromEntries(answer.body.responses.map((r: any) => [r.id, r]));
    assert.equal(byId['1'].status, 201);
    assert.equal(byId['2'].status, 400);
    assert.equal(byId['2'].body.error.message, 'Another object with the same value for property userPrincipalName already exists.');
    assert.equal(byId['3'].status, 424);
    assert.equal(byId['4'].status, 200);
    assert.equal(emu.writes().filter((w) => w.inBatch).length, 2);
    const tooMany = await raw(emu, 'POST', '/v1.0/$batch', { token, body: { requests: Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/domains' })) } });
    assert.equal(tooMany.status, 400);
    const noType = await raw(emu, 'POST', '/v1.0/$batch', { token, body: { requests: [{ id: '1', method: 'POST', url: '/users', body: newUser('x@contoso.com') }] } });
    assert.equal(noType.status, 400);
  });

  test('an item url must be relative ("/users"): an absolute url, or one without the leading slash, fails the whole batch with 400', async () => {
    const create = { id: '1', method: 'POST', url: '/users', headers: { 'Content-Type': 'application/json' }, body: newUser('rel@contoso.com') };
    for (const url of [`${emu.graphEndpoint}/v1.0/users?$select=id`, 'https://graph.microsoft.com/v1.0/users?$select=id', 'users?$select=id']) {
      const answer = await raw(emu, 'POST', '/v1.0/$batch', { token, body: { requests: [create, { id: '2', method: 'GET', url }] } });
      assertGraphError(answer, 400, 'BadRequest', 'Invalid batch payload format.');
    }
    assert.equal(emu.writes().length, 0, 'nothing inside ran');
    const relative = await raw(emu, 'POST', '/v1.0/$batch', { token, body: { requests: [create, { id: '2', method: 'GET', url: '/users?$select=id' }] } });
    assert.equal(relative.status, 200);
    assert.deepEqual(relative.body.responses.map((r: any) => r.status).sort(), [200, 201]);
  });

  test('a throttled batch item answers 429 with its own Retry-After inside a 200 batch', async () => {
    emu.faults({ kind: 'status', status: 429, retryAfterSeconds: 7, path: '/users/', count: 1 });
    const answer = await raw(emu, 'POST', '/v1.0/$batch', {
      token, body: { requests: [{ id: 'a', method: 'GET', url: '/domains' }, { id: 'b', method: 'GET', url: '/users/nobody@contoso.com' }] },
    });
    assert.equal(answer.status, 200);
    const b = answer.body.responses.find((r: any) => r.id === 'b');
    assert.equal(b.status, 429);
    assert.equal(b.headers['Retry-After'], '7');
    assert.equal(answer.body.responses.find((r: any) => r.id === 'a').status, 200);
  });
});

describe('throttling and faults', () => {
  test('inside a $batch each item is charged on its own: some items 429 with Retry-After, the batch is 200', async () => {
    const throttled = await startEmulator({ throttleScale: 0.002 });
    try {
      const t = await tokenFor(throttled);
      const answer = await raw(throttled, 'POST', '/v1.0/$batch', {
        token: t, body: { requests: Array.from({ length: 6 }, (_, i) => ({ id: String(i), method: 'GET', url: '/users' })) },
      });
      assert.equal(answer.status, 200);
      const statuses = answer.body.responses.map((r: any) => r.status);
      assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
      assert.ok(statuses.includes(429));
      const limited = answer.body.responses.find((r: any) => r.status === 429);
      assert.ok(Number(limited.headers['Retry-After']) >= 1);
      assert.equal(limited.body.error.code, 'TooManyRequests');
    } finally {
      await closeAgents(throttled);
      await throttled.close();
    }
  });

  test('the token bucket answers 429 TooManyRequests with Retry-After and x-ms-throttle headers', async () => {
    const throttled = await startEmulator({ throttleScale: 0.002 }); // 7 resource units per 10 s
    try {
      const t = await tokenFor(throttled);
      let answer;
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        answer = await raw(throttled, 'GET', '/v1.0/users', { token: t }); // 2 units each
        statuses.push(answer.status);
        if (answer.status === 429) break;
      }
      assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
      assert.equal(statuses.at(-1), 429);
      assertGraphError(answer!, 429, 'TooManyRequests', 'Please retry again later.');
      assert.equal(answer!.body.error.innerError.code, '429');
      assert.ok(Number(answer!.headers['retry-after']) >= 1);
      assert.equal(answer!.headers['x-ms-throttle-information'], 'ResourceUnitLimitExceeded');
      assert.equal(answer!.headers['x-ms-throttle-scope'], `Tenant_Application/ReadWrite/${throttled.clientId}/${throttled.tenantId}`);
    } finally {
      await closeAgents(throttled);
      await throttled.close();
    }
  });

  test('faults: the next N matching requests answer 503/429, then the service recovers', async () => {
    emu.faults({ kind: 'status', status: 503, retryAfterSeconds: 2, path: '/v1.0/domains', count: 2 });
    const first = await raw(emu, 'GET', '/v1.0/domains', { token });
    assertGraphError(first, 503, 'serviceNotAvailable', /^You may repeat the request after a delay/);
    assert.equal(first.headers['retry-after'], '2');
    assert.equal((await raw(emu, 'GET', '/v1.0/users', { token })).status, 200, 'other paths are not affected');
    assert.equal((await raw(emu, 'GET', '/v1.0/domains', { token })).status, 503);
    assert.equal((await raw(emu, 'GET', '/v1.0/domains', { token })).status, 200);
  });

  test('a 429 fault carries x-ms-throttle-scope and x-ms-throttle-information as Graph\'s 429 does, alone and inside a $batch', async () => {
    const scope = `Tenant_Application/ReadWrite/${emu.clientId}/${emu.tenantId}`;
    emu.faults({ kind: 'status', status: 429, retryAfterSeconds: 4, path: '/v1.0/domains', count: 2 });
    const alone = await raw(emu, 'GET', '/v1.0/domains', { token });
    assertGraphError(alone, 429, 'TooManyRequests', 'Please retry again later.');
    assert.equal(alone.headers['retry-after'], '4');
    assert.equal(alone.headers['x-ms-throttle-scope'], scope);
    assert.equal(alone.headers['x-ms-throttle-information'], 'ResourceUnitLimitExceeded');
    const batch = await raw(emu, 'POST', '/v1.0/$batch', { token, body: { requests: [{ id: 'd', method: 'GET', url: '/domains' }] } });
    const inner = batch.body.responses[0];
    assert.equal(inner.status, 429);
    assert.equal(inner.headers['x-ms-throttle-scope'], scope);
    assert.equal(inner.headers['x-ms-throttle-information'], 'ResourceUnitLimitExceeded');
  });

  test('faults: a reset drops the connection mid-response', async () => {
    emu.faults({ kind: 'reset', path: '/v1.0/organization' });
    await assert.rejects(raw(emu, 'GET', '/v1.0/organization', { token }));
    assert.equal((await raw(emu, 'GET', '/v1.0/organization', { token })).status, 200);
  });
});

describe('control API and persistence', () => {
  test('seed, state, writes, faults and reset over HTTPS under /_emulator/', async () => {
    assert.equal((await raw(emu, 'POST', '/_emulator/seed', { body: { users: [{ id: 'seeded', userPrincipalName: 's@contoso.com', displayName: 'S' }] } })).status, 200);
    assert.equal((await raw(emu, 'GET', '/v1.0/users/s@contoso.com', { token })).body.id, 'seeded');
    await raw(emu, 'PATCH', '/v1.0/users/seeded', { token, body: { city: 'Oslo' } });
    const writes = (await raw(emu, 'GET', '/_emulator/writes')).body;
    assert.deepEqual(writes.map((w: any) => [w.method, w.path, w.status]), [['PATCH', '/v1.0/users/seeded', 204]]);
    assert.equal((await raw(emu, 'GET', '/_emulator/state')).body.users[0].city, 'Oslo');
    await raw(emu, 'POST', '/_emulator/faults', { body: { kind: 'status', status: 503, path: '/v1.0/users' } });
    assert.equal((await raw(emu, 'GET', '/v1.0/users', { token })).status, 503);
    await raw(emu, 'POST', '/_emulator/reset');
    assert.equal((await raw(emu, 'GET', '/_emulator/state')).body.users.length, 0);
    assert.equal((await raw(emu, 'GET', '/_emulator/writes')).body.length, 0);
  });

  test('a state file keeps the tenant across restarts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emu-state-'));
    const stateFile = path.join(dir, 'tenant.json');
    try {
      const first = await startEmulator({ stateFile });
      const t = await tokenFor(first);
      const created = await raw(first, 'POST', '/v1.0/users', { token: t, body: newUser('keep@contoso.com') });
      await closeAgents(first);
      await first.close();
      assert.ok(JSON.parse(readFileSync(stateFile, 'utf8')).users.some((u: any) => u.id === created.body.id));
      const second = await startEmulator({ stateFile });
      try {
        const t2 = await tokenFor(second);
        assert.equal(second.clientSecret, first.clientSecret, 'the app secret is part of the kept state');
        assert.equal((await raw(second, 'GET', '/v1.0/users/keep@contoso.com', { token: t2 })).body.id, created.body.id);
        second.reset();
        assert.ok(await tokenFor(second), 'after a reset the printed secret still works');
      } finally {
        await closeAgents(second);
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
