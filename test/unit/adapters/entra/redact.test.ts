// The Entra adapter's one place for secrets in texts (src/adapters/entra/redact.ts): a held
// secret is removed in every form it travels in, a JWT always, a short value never (it would cut
// words apart); an error is rebuilt without them, code, remedy and cause kept; the adapter's
// exit (secretFreeErrors) applies it to thrown and rejected errors alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SyncError, entraErrors } from '../../../../src/engine/errors';
import { holdSecret, holdToken, secretFree, secretFreeErrors, SECRET_MARK, withoutSecrets } from '../../../../src/adapters/entra/redact';
import { proxyFor } from '../../../../src/adapters/entra/proxy';


const secret = "p@ss w/rd+&='\"<>";

test('a held secret is removed as sent, URL-encoded (either hex case, form or query), JSON-escaped and HTML-escaped', () => {
  holdSecret(secret);
  const forms = [
    secret, encodeURIComponent(secret), new URLSearchParams({ v: secret }).toString().slice(2), JSON.stringify(secret).slice(1, -1),
    secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
  ];
  for (const form of forms) assert.equal(withoutSecrets(`before ${form} after`), `before ${SECRET_MARK} after`, form);
  const lowerHex = encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
  assert.equal(withoutSecrets(`x=${lowerHex}`), `x=${SECRET_MARK}`);
});

test('any JWT is removed; an access token is held; values shorter than 4 characters are not scrubbed', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoIn0.c2lnbmF0dXJl';
  assert.equal(withoutSecrets(`Authorization: Bearer ${jwt}`), `Authorization: Bearer ${SECRET_MARK}`);
  holdToken('opaque-token-value-1234');
  assert.equal(withoutSecrets('got opaque-token-value-1234'), `got ${SECRET_MARK}`);
  holdSecret('abc');
  assert.equal(withoutSecrets('abcdef'), 'abcdef');
});

test('secretFree rebuilds a SyncError without the secret (reason, details, cause), keeping its code and remedy; one without is returned as is', () => {
  holdSecret(secret);
  const cause = Object.assign(new Error(`msal: Invalid client secret provided: '${secret}'`), { errorCode: 'invalid_client', errorMessage: `'${secret}'` });
  const err = new SyncError(entraErrors.AuthenticationFailed, { clientId: 'app', detail: `Invalid client secret provided: '${secret}'` }, { cause });
  const clean = secretFree(err);
  assert.notEqual(clean, err);
  assert.ok(clean instanceof SyncError);
  assert.equal(clean.code, 'AuthenticationFailed');
  assert.equal(clean.remedy, 'credentials');
  assert.equal(clean.reason, `The tenant did not issue an access token for application app: Invalid client secret provided: '${SECRET_MARK}'`);
  for (const text of [clean.message, clean.reason, JSON.stringify(clean.details), JSON.stringify(clean.toInfo()), clean.stack ?? '', String((clean.cause as Error).message), String((clean.cause as Error).stack)]) {
    assert.ok(!text.includes(secret), text);
  }
  const untouched = new SyncError(entraErrors.AuthenticationFailed, { clientId: 'app', detail: 'AADSTS7000215' });
  assert.equal(secretFree(untouched), untouched);
});

test('secretFreeErrors: thrown and rejected errors of every method leave without the secret; results pass unchanged', async () => {
  holdSecret(secret);
  const target = secretFreeErrors({
    value: 7,
    sync(): number { throw new Error(`sync ${secret}`); },
    async later(): Promise<number> { throw new SyncError(entraErrors.GraphRequestFailed, { status: 400, graphCode: 'x', method: 'GET', path: '/users', graphMessage: secret }); },
    async fine(): Promise<number> { return this.value; },
  });
  assert.throws(() => target.sync(), (e: Error) => e.message === `sync ${SECRET_MARK}`);
  await assert.rejects(target.later(), (e: SyncError) => e.code === 'GraphRequestFailed' && e.details.graphMessage === SECRET_MARK && !e.reason.includes(secret));
  assert.equal(await target.fine(), 7);
});

test('the password of HTTPS_PROXY is held as written and decoded', () => {
  proxyFor('https://graph.microsoft.com', { HTTPS_PROXY: 'http://user:s%40cret-proxy@proxy.contoso.com:8080' });
  assert.equal(withoutSecrets('407 for s@cret-proxy and s%40cret-proxy'), `407 for ${SECRET_MARK} and ${SECRET_MARK}`);
});
