// What a token endpoint, a proxy in the way or Graph answers is untrusted (red-team findings 2
// and 8): the real adapter (createEntraTarget: msal-node and the Graph client) against the
// emulator behind a hostile HTTPS front (test/support/hostile-front.ts).
// - An answer echoing a secret the session holds (the client secret, the bind password handed
//   over with holdSecret, the access token) leaves no trace of it, in any form it travels in,
//   in the error's reason, recommended action, details, stack or cause.
// - A token endpoint that is not the identity platform (a login or block page, JSON that is no
//   OAuth answer) is TokenEndpointAnswerInvalid pointing at the authority host and the proxy,
//   not AuthenticationFailed blaming the credentials.
// - Graph refusing a token the tenant issued is AccessTokenRejected pointing at the token's
//   audience, consent and Conditional Access, not "the tenant did not issue an access token".
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EntraConfig } from '../../../../src/app/config/model';
import { type SyncError } from '../../../../src/engine/errors';
import type { EntraTarget } from '../../../../src/engine/ports/entra-target';
import { clearTokenCache, createEntraTarget, holdSecret } from '../../../../src/adapters/entra/index';
import { SECRET_MARK } from '../../../../src/adapters/entra/redact';
import { startEmulator, type Emulator } from '../../../graph-emulator/index';
import { startHostileFront, type HostileFront } from '../../../support/hostile-front';
import { syncErrorOfPromise as syncError } from '../../../support/sync-error-of';

let emu: Emulator;
let front: HostileFront;
const targets: EntraTarget[] = [];
/** A secret with characters that every encoding changes. */
const specialSecret = "S3cr+t/w1th=special&chars'\"<>~ and a space";
const bindPassword = 'B1nd-P@ss/word+%&';

before(async () => {
  emu = await startEmulator();
  front = await startHostileFront(emu, bindPassword);
});
after(async () => {
  for (const t of targets) await t.close();
  await front.close();
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  clearTokenCache();
  front.mode = 'pass';
});

function target(extra: Partial<EntraConfig> = {}, secret = emu.clientSecret): EntraTarget {
  const t = createEntraTarget({
    tenantId: emu.tenantId, clientId: emu.clientId, authorityHost: front.origin, graphEndpoint: emu.graphEndpoint, caFile: emu.caFile, maxRetryWaitSeconds: 2, ...extra,
  }, secret);
  targets.push(t);
  return t;
}


/** Every text of an error a surface or a log could show: reason, action, details, additional details, stack, the cause chain. */
function everyText(err: SyncError): string {
  const parts = [err.message, err.reason, err.recommendedAction, JSON.stringify(err.details), JSON.stringify(err.toInfo()), err.stack ?? ''];
  for (let c = err.cause as { message?: unknown; errorMessage?: unknown; stack?: unknown; cause?: unknown } | undefined, depth = 0; c && depth < 6; c = c.cause as typeof c, depth++) {
    parts.push(String(c.message ?? ''), String(c.errorMessage ?? ''), String(c.stack ?? ''));
  }
  return parts.join('\n');
}

/** The forms a secret travels in: as is, URL-encoded (query and form), JSON-escaped, HTML-escaped. */
const formsOf = (secret: string) => [
  secret, encodeURIComponent(secret), new URLSearchParams({ v: secret }).toString().slice(2), JSON.stringify(secret).slice(1, -1),
  secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
];

function assertNoSecret(err: SyncError, secret: string): void {
  const text = everyText(err);
  for (const form of formsOf(secret)) assert.ok(!text.includes(form), `the secret (as ${JSON.stringify(form)}) appears in ${err.code}: ${text.slice(0, 2000)}`);
}

const tokenCalls = () => emu.requestLog().filter((r) => /\/oauth2\/v2\.0\/token/.test(r.path));

describe('secrets echoed by a remote answer never leave the adapter', () => {
  test('a token endpoint that quotes the client secret (raw, URL-encoded, JSON, the whole form): AuthenticationFailed without it', async () => {
    front.mode = 'echo-secret';
    const err = await syncError(target({}, specialSecret).connect());
    assert.equal(err.code, 'AuthenticationFailed');
    assert.match(err.reason, /AADSTS7000215: Invalid client secret provided: '\[secret removed\]'/);
    assert.ok(err.reason.includes(SECRET_MARK));
    assertNoSecret(err, specialSecret);
  });

  test('the emulator\'s own secret, echoed the same way, is removed too (any credential the source holds)', async () => {
    front.mode = 'echo-secret';
    const err = await syncError(target().connect());
    assert.equal(err.code, 'AuthenticationFailed');
    assertNoSecret(err, emu.clientSecret);
  });

  test('a Graph error that echoes the bearer token and the bind password handed over with holdSecret: neither is shown', async () => {
    holdSecret(bindPassword); // as the composition root does with the bind password
    front.mode = 'echo-authorization';
    const err = await syncError(target({ graphEndpoint: front.origin }).connect());
    assert.equal(err.code, 'IdentityDataValidationFailed');
    assert.match(String(err.details.graphMessage), /Authorization: Bearer \[secret removed\]; client secret '\[secret removed\]'/);
    assert.doesNotMatch(everyText(err), /Bearer ey/, 'no access token');
    assertNoSecret(err, bindPassword);
  });
});

describe('a token endpoint that is not the identity platform', () => {
  test('a proxy\'s login page (200 text/html quoting the form): TokenEndpointAnswerInvalid, not a refused credential, secret-free, not retried', async () => {
    front.mode = 'login-page';
    const before = front.answered;
    const err = await syncError(target({}, specialSecret).connect());
    assert.equal(err.code, 'TokenEndpointAnswerInvalid');
    assert.match(err.reason, /^The token endpoint https:\/\/127\.0\.0\.1:\d+ did not answer the token request for application /);
    assert.match(err.reason, /answered HTTP 200 with a body \(Content-Type text\/html\) that is no JSON object: "<html><title>Proxy sign-in/);
    assert.match(err.reason, /The credentials were neither accepted nor refused/);
    assert.match(err.recommendedAction, /entra\.authorityHost/);
    assert.match(err.recommendedAction, /proxy, captive portal/);
    assert.doesNotMatch(err.recommendedAction, /^Check the tenant id/);
    assert.equal(err.remedy, 'configuration');
    assert.equal(err.details.status, 200);
    assert.equal(front.answered - before, 1, 'answered once: not retried as a transient failure');
    assertNoSecret(err, specialSecret);
  });

  test('a proxy\'s block page (403 text/html), a 200 without an access token, a 400 that is no OAuth error: each TokenEndpointAnswerInvalid', async () => {
    const cases = [
      { mode: 'block-page', status: 403, says: /HTTP 403 with a body \(Content-Type text\/html\) that is no JSON object: "<html><body>Blocked by policy/ },
      { mode: 'no-access-token', status: 200, says: /HTTP 200 with a JSON body that holds no access token \(its fields: token_type, expires_in\)/ },
      { mode: 'not-oauth-error', status: 400, says: /HTTP 400 with a JSON body that is no OAuth error \(its fields: message\)/ },
    ] as const;
    for (const c of cases) {
      clearTokenCache();
      front.mode = c.mode;
      const err = await syncError(target().connect());
      assert.equal(err.code, 'TokenEndpointAnswerInvalid', `${c.mode}: ${err.code} ${err.reason}`);
      assert.match(err.reason, c.says, c.mode);
      assert.equal(err.details.status, c.status);
    }
  });

  test('a real refusal through the same front stays AuthenticationFailed (credentials the tenant refused)', async () => {
    const err = await syncError(target({}, 'not-the-secret').connect());
    assert.equal(err.code, 'AuthenticationFailed');
    assert.match(err.reason, /AADSTS7000215/);
    assert.equal(err.remedy, 'credentials');
  });
});

describe('Graph refusing a token the tenant issued', () => {
  test('401 to every call, also with a new token: AccessTokenRejected naming the call, pointing at audience, consent and Conditional Access', async () => {
    emu.faults({ kind: 'status', status: 401, path: '/v1.0/domains', count: -1 });
    const err = await syncError(target({ authorityHost: emu.authorityHost }).connect());
    emu.clearFaults();
    assert.equal(err.code, 'AccessTokenRejected');
    assert.match(err.reason, /^Microsoft Graph refused the access token the identity platform issued for application [^:]+: GET \/domains answered 401 \(InvalidAuthenticationToken: Access token has expired or is not yet valid\.\)\. The credentials were accepted/);
    assert.doesNotMatch(err.reason, /did not issue an access token/);
    assert.match(err.recommendedAction, /audience/);
    assert.match(err.recommendedAction, /admin consent/);
    assert.match(err.recommendedAction, /Conditional Access/);
    assert.equal(err.remedy, 'none', 'not a credential to set again');
    assert.equal(err.details.status, 401);
    assert.equal(tokenCalls().length, 2, 'a new token was asked for once before giving up');
  });
});
