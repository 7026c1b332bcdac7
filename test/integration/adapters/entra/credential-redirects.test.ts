// A credential goes to the configured host only (red team: "none may redirect a credential").
// The real adapter (createEntraTarget: msal-node and the Graph client over undici) against the
// emulator behind a hostile HTTPS front (test/support/hostile-front.ts) that answers the token
// request or a Graph call with a redirect to another host: a sink under the same CA (so the
// pinned entra.caFile trusts it) or a plain http: one. fetch follows redirects by default and
// posts a 307/308's form again to the new place: the client secret, the client assertion or a
// refresh token; a Graph call's body (and, same-origin, the bearer token) would follow too. The
// adapter follows no redirect: each is a named error saying where it pointed, and the sink
// receives nothing.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, fetch } from 'undici';
import type { DelegatedSignIn, EntraConfig } from '../../../../src/app/config/model';
import type { EntraTarget } from '../../../../src/engine/ports/entra-target';
import { clearTokenCache, createEntraTarget } from '../../../../src/adapters/entra/index';
import { DEFAULT_ENGINEER, READ_ONLY_CLIENT_ID, startEmulator, type Emulator } from '../../../graph-emulator/index';
import { startHostileFront, startSink, type HostileFront } from '../../../support/hostile-front';
import { syncErrorOfPromise as syncError } from '../../../support/sync-error-of';

let emu: Emulator;
let front: HostileFront;
let sink: Awaited<ReturnType<typeof startSink>>;
let plainSink: Awaited<ReturnType<typeof startSink>>;
const targets: EntraTarget[] = [];

before(async () => {
  emu = await startEmulator();
  front = await startHostileFront(emu, 'unused');
  sink = await startSink(emu);
  plainSink = await startSink(emu, { plain: true });
});
after(async () => {
  for (const t of targets) await t.close();
  await front.close();
  await sink.close();
  await plainSink.close();
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  clearTokenCache();
  front.mode = 'pass';
  front.redirectStatus = 307;
  sink.received.length = 0;
  plainSink.received.length = 0;
});

function target(extra: Partial<EntraConfig> = {}, secret: string | undefined = emu.clientSecret): EntraTarget {
  const t = createEntraTarget({
    tenantId: emu.tenantId, clientId: emu.clientId, authorityHost: front.origin, graphEndpoint: emu.graphEndpoint, caFile: emu.caFile, maxRetryWaitSeconds: 2, ...extra,
  }, secret);
  targets.push(t);
  return t;
}

describe('the token endpoint redirects', () => {
  for (const status of [307, 308, 302]) {
    test(`${status} to another host: the client secret is not posted there; TokenEndpointAnswerInvalid naming the redirect`, async () => {
      front.mode = 'redirect-token';
      front.redirectStatus = status;
      front.redirectTo = sink.origin;
      const err = await syncError(target().connect());
      assert.deepEqual(sink.received.map((r) => `${r.method} ${r.url}`), [], 'nothing reached the other host');
      assert.equal(err.code, 'TokenEndpointAnswerInvalid', `${err.code}: ${err.reason}`);
      assert.match(err.reason, new RegExp(`answered HTTP ${status}, a redirect to ${sink.origin.replace(/\./g, '\\.')}/[^ ]*token[^ ;]*; redirects are not followed`));
      assert.equal(err.details.status, status);
    });
  }

  test('307 to http: on the same host: the form is not posted in clear text', async () => {
    front.mode = 'redirect-token';
    front.redirectTo = plainSink.origin;
    const err = await syncError(target().connect());
    assert.deepEqual(plainSink.received, []);
    assert.equal(err.code, 'TokenEndpointAnswerInvalid');
  });

  test('307 with a certificate credential: the client assertion is not posted to the other host', async () => {
    front.mode = 'redirect-token';
    front.redirectTo = sink.origin;
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'sos-cert-')), 'app.pem');
    await writeFile(file, `${emu.certificate.pem}\n${emu.certificate.keyPem}`, { mode: 0o600 });
    const err = await syncError(target({ certificateFile: file, certificateThumbprint: emu.certificate.thumbprint }, undefined).connect());
    assert.deepEqual(sink.received.map((r) => r.body.slice(0, 80)), [], 'no client assertion reached the other host');
    assert.equal(err.code, 'TokenEndpointAnswerInvalid');
  });
});

describe('the token endpoint redirects a delegated sign-in', () => {
  test('307 of the refresh: the refresh token is not posted to the other host; TokenEndpointAnswerInvalid', async () => {
    const agent = new Agent({ connect: { ca: emu.caPem } });
    const store: { cache?: string } = {};
    const signIn = (approve: boolean): DelegatedSignIn => ({
      loadTokenCache: async () => store.cache,
      saveTokenCache: async (text) => { store.cache = text; },
      showDeviceCode(code) {
        if (!approve) return code.cancel();
        void fetch(code.verificationUri, {
          method: 'POST', dispatcher: agent, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ otc: code.userCode, username: DEFAULT_ENGINEER, decision: 'approve' }).toString(),
        }).then((r) => r.text());
      },
    });
    emu.setDeviceCodeTiming({ intervalSeconds: 1, lifetimeSeconds: 900 });
    emu.setTokenLifetime(1);
    const config: Partial<EntraConfig> = { clientId: READ_ONLY_CLIENT_ID, authMode: 'deviceCode', maxRetryWaitSeconds: 1 };
    const first = createEntraTarget({ tenantId: emu.tenantId, authorityHost: front.origin, graphEndpoint: emu.graphEndpoint, caFile: emu.caFile, ...config } as EntraConfig, undefined, undefined, signIn(true));
    await first.connect();
    await first.close();
    const refreshToken = Object.values((JSON.parse(store.cache!) as { RefreshToken: Record<string, { secret: string }> }).RefreshToken)[0]!.secret;
    await new Promise((r) => setTimeout(r, 1500));
    front.mode = 'redirect-token';
    front.redirectTo = sink.origin;
    const second = createEntraTarget({ tenantId: emu.tenantId, authorityHost: front.origin, graphEndpoint: emu.graphEndpoint, caFile: emu.caFile, ...config } as EntraConfig, undefined, undefined, signIn(false));
    targets.push(second);
    const err = await syncError(second.connect());
    await agent.close();
    assert.deepEqual(sink.received.filter((r) => r.body.includes(encodeURIComponent(refreshToken)) || r.body.includes(refreshToken)).length, 0, 'the refresh token did not reach the other host');
    assert.deepEqual(sink.received.map((r) => `${r.method} ${r.url}`), []);
    assert.equal(err.code, 'TokenEndpointAnswerInvalid', `${err.code}: ${err.reason}`);
  });
});

describe('Graph redirects', () => {
  test('a 307 of a Graph read to another host: neither the token nor the request goes there; a named error', async () => {
    front.mode = 'redirect-graph';
    front.redirectTo = sink.origin;
    const err = await syncError(target({ graphEndpoint: front.origin }).connect());
    assert.deepEqual(sink.received.map((r) => `${r.method} ${r.url} ${String(r.headers.authorization ?? '')}`), [], 'nothing reached the other host');
    assert.equal(err.code, 'GraphRequestFailed', `${err.code}: ${err.reason}`);
    assert.match(String(err.details.graphMessage), /a redirect to https:\/\/127\.0\.0\.1:\d+\/v1\.0\/[^ ]*; redirects are not followed/);
    assert.equal(err.details.status, 307);
  });

  test('a 307 of a write (PATCH) to another host: the body with the object\'s values is not sent there', async () => {
    emu.seed({ users: [{ id: '0b9a8c7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d', displayName: 'Jo', userPrincipalName: 'jo@contoso.com', mailNickname: 'jo', accountEnabled: true }] });
    const t = target({ graphEndpoint: front.origin });
    await t.connect();
    front.mode = 'redirect-graph';
    front.redirectTo = sink.origin;
    const err = await syncError(t.update('user', '0b9a8c7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d', { department: 'Secret Projects' }));
    assert.deepEqual(sink.received.map((r) => `${r.method} ${r.url} ${r.body}`), [], 'nothing reached the other host');
    assert.equal(err.details.status, 307);
  });

  test('a 308 to the same origin under another path: not followed either (the bearer token stays on the requested path)', async () => {
    front.mode = 'redirect-graph';
    front.redirectStatus = 308;
    front.redirectTo = `${emu.graphEndpoint}/beta/organization#`;
    const before = emu.requestLog().length;
    const err = await syncError(target({ graphEndpoint: front.origin }).connect());
    assert.deepEqual(emu.requestLog().slice(before).filter((r) => r.path.startsWith('/beta')), []);
    assert.equal(err.details.status, 308);
  });
});
