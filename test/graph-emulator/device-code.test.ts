// The emulator's device code flow against Microsoft's documented protocol
// (learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code, RFC 8628), and
// delegated tokens (scp) checked by Graph: over real HTTPS, raw requests.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { DEFAULT_ENGINEER, PREVIEW_PERMISSIONS, READ_ONLY_CLIENT_ID, startEmulator, type Emulator } from './index';
import { closeAgents, newUser, raw } from './helpers';

let emu: Emulator;

before(async () => {
  emu = await startEmulator();
});
after(async () => {
  await closeAgents(emu);
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  emu.setDeviceCodeTiming({ lifetimeSeconds: 900, intervalSeconds: 1 });
});

const scope = 'https://graph.microsoft.com/.default openid profile offline_access';
const deviceCode = (clientId: string, requested = scope) => raw(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/devicecode`, { form: { client_id: clientId, scope: requested } });
const poll = (clientId: string, code: string) =>
  raw(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/token`, { form: { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: clientId, device_code: code } });
/** What a user does at the verification URL: enter the code, sign in, approve (or cancel). */
const visit = (userCode: string, decision: 'approve' | 'decline' = 'approve', username = DEFAULT_ENGINEER) =>
  raw(emu, 'POST', '/devicelogin', { form: { otc: userCode, username, decision } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('device code flow', () => {
  test('the device authorization answer has the documented fields', async () => {
    const answer = await deviceCode(emu.clientId);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const body = answer.body;
    for (const field of ['user_code', 'device_code', 'verification_uri', 'expires_in', 'interval', 'message']) assert.ok(body[field] !== undefined, field);
    assert.equal(body.expires_in, 900);
    assert.ok(String(body.message).includes(body.user_code) && String(body.message).includes(body.verification_uri));
    const page = await raw(emu, 'GET', '/devicelogin');
    assert.equal(page.status, 200);
    assert.match(String(page.body), /<form method="post">/);
  });

  test('pending until the user signs in, then a delegated token with scp, an id token and a refresh token', async () => {
    const { body } = await deviceCode(READ_ONLY_CLIENT_ID);
    const pending = await poll(READ_ONLY_CLIENT_ID, body.device_code);
    assert.equal(pending.status, 400);
    assert.equal(pending.body.error, 'authorization_pending');
    assert.equal((await visit(body.user_code)).status, 200);
    await sleep(1000);
    const done = await poll(READ_ONLY_CLIENT_ID, body.device_code);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const claims = decodeJwt(done.body.access_token);
    assert.deepEqual(String(claims.scp).split(' ').sort(), [...PREVIEW_PERMISSIONS].sort());
    assert.equal(claims.upn, DEFAULT_ENGINEER);
    assert.equal(claims.roles, undefined, 'a delegated token carries no app roles');
    assert.equal(decodeJwt(done.body.id_token).preferred_username, DEFAULT_ENGINEER);
    assert.ok(done.body.refresh_token);
    // A device code is redeemed once.
    assert.equal((await poll(READ_ONLY_CLIENT_ID, body.device_code)).body.error, 'bad_verification_code');
    // The refresh token gives a new access token without the user.
    const refreshed = await raw(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/token`, {
      form: { grant_type: 'refresh_token', client_id: READ_ONLY_CLIENT_ID, refresh_token: done.body.refresh_token, scope },
    });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(decodeJwt(refreshed.body.access_token).upn, DEFAULT_ENGINEER);
  });

  test('polling faster than the interval is slow_down, and the interval grows by 5 s', async () => {
    const { body } = await deviceCode(emu.clientId);
    assert.equal((await poll(emu.clientId, body.device_code)).body.error, 'authorization_pending');
    const fast = await poll(emu.clientId, body.device_code);
    assert.equal(fast.status, 400);
    assert.equal(fast.body.error, 'slow_down');
    assert.match(fast.body.error_description, /6 seconds/);
  });

  test('a declined sign-in is authorization_declined; an expired code is expired_token; an unknown one bad_verification_code', async () => {
    const declined = (await deviceCode(emu.clientId)).body;
    assert.equal((await visit(declined.user_code, 'decline')).status, 200);
    assert.equal((await poll(emu.clientId, declined.device_code)).body.error, 'authorization_declined');

    emu.setDeviceCodeTiming({ lifetimeSeconds: 1 });
    const expiring = (await deviceCode(emu.clientId)).body;
    await sleep(1300);
    assert.equal((await poll(emu.clientId, expiring.device_code)).body.error, 'expired_token');
    assert.equal((await visit(expiring.user_code)).status, 400, 'the page refuses an expired code');

    assert.equal((await poll(emu.clientId, 'not-a-code')).body.error, 'bad_verification_code');
  });

  test('an app without "Allow public client flows" is a confidential client: invalid_client AADSTS7000218', async () => {
    emu.seed({ apps: [{ clientId: '11111111-2222-4333-8444-555555555555', displayName: 'Confidential', secrets: ['s'], roles: [] }] });
    const answer = await deviceCode('11111111-2222-4333-8444-555555555555');
    assert.equal(answer.status, 401);
    assert.equal(answer.body.error, 'invalid_client');
    assert.deepEqual(answer.body.error_codes, [7000218]);
  });

  test('a scope the app has no consent for is AADSTS65001', async () => {
    const answer = await deviceCode(READ_ONLY_CLIENT_ID, 'https://graph.microsoft.com/User.ReadWrite.All openid');
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body.error_codes, [65001]);
  });

  test('Graph checks delegated scopes: read permissions read, a write is 403 Authorization_RequestDenied', async () => {
    const { body } = await deviceCode(READ_ONLY_CLIENT_ID);
    await visit(body.user_code);
    await sleep(1000);
    const token = (await poll(READ_ONLY_CLIENT_ID, body.device_code)).body.access_token as string;
    assert.equal((await raw(emu, 'GET', '/v1.0/users', { token })).status, 200);
    assert.equal((await raw(emu, 'GET', '/v1.0/directory/onPremisesSynchronization', { token })).status, 200);
    const denied = await raw(emu, 'POST', '/v1.0/users', { token, body: newUser('dc@contoso.com') });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'Authorization_RequestDenied');
  });
});
