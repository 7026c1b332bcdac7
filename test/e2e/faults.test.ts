// The token/Graph fault matrix (issue 12), end to end (uses-samba): the live Samba AD, the
// HTTPS Graph emulator with msal-node, a session as the CLI and the extension open it.
// For the token call, a Graph read (the hard-match lookup) and a Graph write (the create),
// each fault of {429 with Retry-After, 503, 504, connection reset, time-out, 401} persists
// through the retries: the run names the outcome (never UnexpectedError, never a stack);
// then the fault is cleared and a rerun converges on exactly one user in the tenant.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { FaultSpec } from '../graph-emulator';
import { openWorld, ou, type World } from './harness';
import { Dn } from '../../src/engine/model/dn';

type Fault = { name: string; spec: Omit<FaultSpec, 'path' | 'method'> };
const faults: Fault[] = [
  { name: '429 Retry-After 1', spec: { kind: 'status', status: 429, retryAfterSeconds: 1, count: -1 } },
  { name: '503', spec: { kind: 'status', status: 503, count: -1 } },
  { name: '504', spec: { kind: 'status', status: 504, count: -1 } },
  { name: 'connection reset', spec: { kind: 'reset', count: -1 } },
  { name: 'time-out', spec: { kind: 'latency', latencyMs: 1_500, count: -1 } },
  { name: '401', spec: { kind: 'status', status: 401, count: -1 } },
];
type Call = { name: string; path: string; method: string; step: number; expect: Record<string, string[]> };
const calls: Call[] = [
  {
    name: 'token', path: '/oauth2/v2.0/token', method: 'POST', step: 2,
    expect: {
      '429 Retry-After 1': ['Throttled'], '503': ['IdentityPlatformUnavailable'], '504': ['IdentityPlatformUnavailable'],
      'connection reset': ['IdentityPlatformUnavailable'], 'time-out': ['IdentityPlatformUnavailable'], '401': ['AuthenticationFailed'],
    },
  },
  {
    name: 'Graph read (hard match)', path: '/v1.0/users?', method: 'GET', step: 8,
    expect: {
      '429 Retry-After 1': ['Throttled'], '503': ['ServiceUnavailable'], '504': ['ServiceUnavailable'],
      'connection reset': ['TenantUnreachable'], 'time-out': ['GraphRequestTimedOut'], '401': ['AccessTokenRejected'],
    },
  },
  {
    name: 'Graph write (create)', path: '/v1.0/users', method: 'POST', step: 10,
    expect: {
      '429 Retry-After 1': ['Throttled'], '503': ['ServiceUnavailable'], '504': ['ServiceUnavailable'],
      'connection reset': ['TenantUnreachable'], 'time-out': ['GraphRequestTimedOut'], '401': ['AccessTokenRejected'],
    },
  },
];

describe('token and Graph fault matrix: named outcome, then a rerun converges', () => {
  const worlds: World[] = [];
  after(async () => {
    for (const w of worlds) await w.close();
  });
  const table: string[] = [];
  after(() => console.log(`fault matrix (call x fault -> outcome of the faulted run):\n${table.join('\n')}`));

  for (const call of calls) {
    for (const fault of faults) {
      test(`${call.name} x ${fault.name}`, { timeout: 120_000 }, async () => {
        const world = await openWorld({ entra: { requestTimeoutSeconds: 1 } });
        worlds.push(world);
        const dn = ou('CN=Eva Green,OU=Sales');
        world.emulator.faults({ ...fault.spec, path: call.path, method: call.method } as FaultSpec);
        const first = await world.session.sync(Dn.parse(dn), { stagingMode: false, noHtmlReport: true });
        world.emulator.clearFaults();
        const info = first.summary.provisioningStatusInfo.errorInformation;
        table.push(`  ${call.name.padEnd(24)} ${fault.name.padEnd(18)} ${first.summary.provisioningStatusInfo.status} ${info?.errorCode ?? ''}`);
        assert.equal(first.summary.provisioningStatusInfo.status, 'failure');
        assert.ok(call.expect[fault.name]!.includes(info?.errorCode ?? ''), `${info?.errorCode}: ${info?.reason}`);
        assert.ok(info?.reason && info.recommendedAction, 'a reason and a recommended action');
        if (fault.name === 'time-out') assert.match(info!.reason, /within 1 s \(entra\.requestTimeoutSeconds\)/, 'the time-out is named');
        const failed = first.summary.provisioningSteps.find((s) => s.status === 'failure')!;
        assert.equal(failed.stepNumber, call.step, `failed at step ${failed.stepNumber}`);
        if (call.name === 'token') assert.doesNotMatch(info!.recommendedAction, fault.name === '401' ? /^$/ : /client secret/, 'a transient failure does not blame the credentials');
        // A create in flight when the client gave up lands; the rerun must join it, not duplicate it.
        if (fault.name === 'time-out') await new Promise((r) => setTimeout(r, 1_000));
        const again = await world.session.sync(Dn.parse(dn), { stagingMode: false, noHtmlReport: true });
        assert.match(again.summary.provisioningStatusInfo.status, /^(success|warning)$/, JSON.stringify(again.summary.provisioningStatusInfo.errorInformation));
        const users = world.emulator.state().users.filter((u) => (u as { displayName?: unknown }).displayName === 'Eva Green');
        assert.equal(users.length, 1, 'exactly one user: the rerun converged');
      });
    }
  }
});
