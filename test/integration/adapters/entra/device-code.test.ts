// The delegated sign-in of the Entra adapter: msal-node's PublicClientApplication with the
// device code flow against the emulator over real HTTPS. The surface's hooks are plain
// objects here (the CLI's file cache and VS Code's SecretStorage are tested end to end).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Agent, fetch } from 'undici';
import type { DelegatedSignIn, DeviceCodePrompt, EntraConfig } from '../../../../src/app/config/model';
import { createEntraTarget } from '../../../../src/adapters/entra/index';
import { DEFAULT_ENGINEER, READ_ONLY_CLIENT_ID, startEmulator, type Emulator } from '../../../graph-emulator/index';
import { syncErrorOfPromise as syncError } from '../../../support/sync-error-of';

let emu: Emulator;
let agent: Agent;

before(async () => {
  emu = await startEmulator();
  agent = new Agent({ connect: { ca: emu.caPem } });
});
after(async () => {
  await agent.close();
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  emu.setDeviceCodeTiming({ intervalSeconds: 1, lifetimeSeconds: 900 });
});

function config(clientId = READ_ONLY_CLIENT_ID): EntraConfig {
  return { tenantId: emu.tenantId, clientId, authMode: 'deviceCode', authorityHost: emu.authorityHost, graphEndpoint: emu.graphEndpoint, caFile: emu.caFile, maxRetryWaitSeconds: 1 };
}

/** A surface whose user enters each code shown (approve, decline, or nothing). */
function surface(decision: 'approve' | 'decline' | 'ignore', store: { cache?: string } = {}) {
  const shown: DeviceCodePrompt[] = [];
  const outcomes: boolean[] = [];
  const signIn: DelegatedSignIn = {
    loadTokenCache: async () => store.cache,
    saveTokenCache: async (text) => {
      store.cache = text;
    },
    showDeviceCode(code) {
      shown.push(code);
      code.onDone((ok) => outcomes.push(ok));
      if (decision === 'ignore') return;
      void fetch(code.verificationUri, {
        method: 'POST', dispatcher: agent, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ otc: code.userCode, username: DEFAULT_ENGINEER, decision }).toString(),
      }).then((r) => r.text());
    },
  };
  return { signIn, shown, outcomes, store };
}


describe('device code sign-in (adapter)', () => {
  test('the code is shown, the user signs in, Graph answers; a new target with the stored cache signs in silently', async () => {
    const first = surface('approve');
    const target = createEntraTarget(config(), undefined, undefined, first.signIn);
    const tenant = await target.connect();
    assert.ok(tenant);
    await target.close();
    assert.equal(first.shown.length, 1);
    assert.match(first.shown[0]!.message, new RegExp(first.shown[0]!.userCode));
    assert.deepEqual(first.outcomes, [true]);
    assert.ok(first.store.cache && JSON.parse(first.store.cache).RefreshToken, 'the cache holds a refresh token');

    const again = surface('ignore', { cache: first.store.cache });
    const second = createEntraTarget(config(), undefined, undefined, again.signIn);
    await second.connect();
    await second.close();
    assert.equal(again.shown.length, 0, 'no code the second time');
  });

  test('an expired access token is renewed with the refresh token, without the user', async () => {
    emu.setTokenLifetime(1);
    const first = surface('approve');
    const target = createEntraTarget(config(), undefined, undefined, first.signIn);
    await target.connect();
    await target.close();
    await new Promise((r) => setTimeout(r, 1500));
    emu.setTokenLifetime(3599);
    const again = surface('ignore', { cache: first.store.cache });
    const second = createEntraTarget(config(), undefined, undefined, again.signIn);
    await second.connect();
    await second.close();
    assert.equal(again.shown.length, 0);
    assert.ok(emu.requestLog().some((r) => r.path.includes('/oauth2/v2.0/token')));
  });

  test('declined: SignInNotCompleted says so, nothing is cached', async () => {
    const s = surface('decline');
    const target = createEntraTarget(config(), undefined, undefined, s.signIn);
    const err = await syncError(target.connect());
    await target.close();
    assert.equal(err.code, 'SignInNotCompleted', `${err.code}: ${err.reason}`);
    assert.match(err.reason, /declined/);
    assert.deepEqual(s.outcomes, [false]);
    assert.ok(!s.store.cache || !JSON.parse(s.store.cache).AccessToken || Object.keys(JSON.parse(s.store.cache).AccessToken).length === 0);
  });

  test('nobody signs in before the code expires: SignInNotCompleted says it expired', async () => {
    emu.setDeviceCodeTiming({ lifetimeSeconds: 2 });
    const s = surface('ignore');
    const target = createEntraTarget(config(), undefined, undefined, s.signIn);
    const err = await syncError(target.connect());
    await target.close();
    assert.equal(err.code, 'SignInNotCompleted', `${err.code}: ${err.reason}`);
    assert.match(err.reason, /expired/);
  });

  test('an app that does not allow public client flows: SignInNotCompleted says what to turn on', async () => {
    emu.seed({ apps: [{ clientId: '11111111-2222-4333-8444-555555555555', displayName: 'Confidential', secrets: ['s'], roles: [] }] });
    const s = surface('ignore');
    const target = createEntraTarget(config('11111111-2222-4333-8444-555555555555'), undefined, undefined, s.signIn);
    const err = await syncError(target.connect());
    await target.close();
    assert.equal(err.code, 'SignInNotCompleted', `${err.code}: ${err.reason}`);
    assert.match(err.reason, /Allow public client flows/);
    assert.equal(s.shown.length, 0, 'no code was shown');
  });
});
