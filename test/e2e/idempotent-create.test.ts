// A create that may have reached Graph is never repeated blindly (uses-samba). Users carry
// their anchor in onPremisesImmutableId; groups, which have none in Graph v1.0, are created
// with the documented upsert PATCH /groups(uniqueName='…') + Prefer: create-if-missing, so the
// same AD group always names the same cloud group. Proven against lost answers (Graph commits,
// then answers 504 or drops the connection), two state folders, and SIGKILL at random points.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSession } from '../../src/app/session';
import { startEmulator } from '../graph-emulator';
import { adEnv, connectorConfig, identityOf, ou, type Emulator } from './harness';
import { Dn } from '../../src/engine/model/dn';

const cli = path.resolve(__dirname, '../../dist/cli.js');
const userDn = ou('CN=Alice Wu,OU=Sales');
const groupDn = ou('CN=Nested Group,OU=Groups');

let emulator: Emulator;
let work: string;
let userAnchor: string;
let groupAnchor: string;

const usersWithAnchor = () => (emulator.state().users as Record<string, unknown>[]).filter((u) => u.onPremisesImmutableId === userAnchor);
const groupsNamed = (name: string) => (emulator.state().groups as Record<string, unknown>[]).filter((g) => g.displayName === name);

async function writeConfig(dir: string): Promise<string> {
  const file = path.join(dir, 'single-object-sync.json');
  await writeFile(file, JSON.stringify({
    activeDirectory: [connectorConfig()],
    entra: {
      tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_CLIENT_SECRET',
      authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile, maxRetryWaitSeconds: 2,
    },
    sourceAnchor: 'mS-DS-ConsistencyGuid', rules: 'builtin', stateDir: 'state', reportDir: 'reports',
  }));
  return file;
}

async function syncOnce(stateDir: string, dn: string) {
  const dir = await mkdtemp(path.join(work, 'run-'));
  const session = await openSession({
    configPath: await writeConfig(dir),
    stateDir,
    secrets: { directoryPassword: async () => adEnv().password, entraClientSecret: async () => emulator.clientSecret },
  });
  try {
    return (await session.sync(Dn.parse(dn), { stagingMode: false, noHtmlReport: true })).summary;
  } finally {
    await session.close();
  }
}

/** Runs the CLI; kills it with SIGKILL after `killAfterMs` when given. */
function runCli(configPath: string, dn: string, killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, '--distinguished-name', dn, '--config', configPath, '--no-html-report'], {
      cwd: path.dirname(configPath),
      env: { PATH: process.env.PATH, SOS_CLIENT_SECRET: emulator.clientSecret, SOS_AD_PASSWORD: adEnv().password },
      stdio: 'ignore',
    });
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

function removeCreated(): void {
  // Leave the tenant as it was before the case: nothing created by an earlier case stays.
  emulator.reset();
}

before(async () => {
  emulator = await startEmulator();
  work = await mkdtemp(path.join(tmpdir(), 'sos-idempotent-'));
  userAnchor = (await identityOf(userDn)).anchor;
  groupAnchor = (await identityOf(groupDn)).anchor;
});
after(async () => {
  await emulator?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a lost answer after Graph committed the create', () => {
  for (const lost of [{ kind: 'status', status: 504 }, { kind: 'reset' }] as const) {
    test(`user: POST /users answered ${lost.kind === 'reset' ? 'by a dropped connection' : '504'}: looked up, not created twice`, async () => {
      removeCreated();
      emulator.faults({ ...lost, method: 'POST', path: '/v1.0/users', afterCommit: true });
      const summary = await syncOnce(await mkdtemp(path.join(work, 'state-')), userDn);
      assert.equal(usersWithAnchor().length, 1, 'exactly one user');
      assert.notEqual(summary.provisioningStatusInfo.status, 'failure', JSON.stringify(summary.provisioningStatusInfo));
      assert.equal(summary.targetIdentity.id, usersWithAnchor()[0]!.id, 'the result names the user Graph created');
      const posts = emulator.writes().filter((w) => w.method === 'POST' && w.path.startsWith('/v1.0/users'));
      assert.equal(posts.length, 1, 'the POST was not repeated after the lookup found the user');
    });

    test(`group: the upsert answered ${lost.kind === 'reset' ? 'by a dropped connection' : '504'}: repeated safely, one group`, async () => {
      removeCreated();
      emulator.faults({ ...lost, method: 'PATCH', path: '/v1.0/groups(uniqueName=', afterCommit: true });
      const summary = await syncOnce(await mkdtemp(path.join(work, 'state-')), groupDn);
      assert.equal(groupsNamed('Nested Group').length, 1, 'exactly one group');
      assert.notEqual(summary.provisioningStatusInfo.status, 'failure', JSON.stringify(summary.provisioningStatusInfo));
      assert.equal(emulator.writes().filter((w) => w.method === 'POST' && /\/v1\.0\/groups$/.test(w.path)).length, 0, 'groups are never created by a bare POST');
    });
  }
});

describe('two state folders (the CLI and the extension keep their own)', () => {
  test('the second finds the group the first created, by its uniqueName, and creates nothing', async () => {
    removeCreated();
    const first = await syncOnce(await mkdtemp(path.join(work, 'state-a-')), groupDn);
    const second = await syncOnce(await mkdtemp(path.join(work, 'state-b-')), groupDn);
    assert.equal(groupsNamed('Nested Group').length, 1);
    assert.equal(second.targetIdentity.id, first.targetIdentity.id);
    assert.equal(second.targetIdentity.details.match, 'hard');
    assert.notEqual(second.provisioningAction, 'create');
    assert.ok(groupAnchor);
  });
});

describe('SIGKILL at a random point during the export, then a rerun', () => {
  for (const [kind, dn, count] of [['user', userDn, () => usersWithAnchor().length], ['group', groupDn, () => groupsNamed('Nested Group').length]] as const) {
    test(`${kind}: 20 kills, never a duplicate`, { timeout: 180_000 }, async () => {
      // How long a whole run takes here, so the kills land across it, the export included.
      removeCreated();
      const t0 = performance.now();
      await runCli(await writeConfig(await mkdtemp(path.join(work, `time-${kind}-`))), dn);
      const full = performance.now() - t0;
      let committedBeforeKill = 0;
      for (let i = 0; i < 20; i++) {
        removeCreated();
        const dir = await mkdtemp(path.join(work, `kill-${kind}-`));
        const config = await writeConfig(dir);
        const killed = await runCli(config, dn, Math.round(full * (0.45 + Math.random() * 0.6)));
        if (count() > 0) committedBeforeKill++;
        const rerun = await runCli(config, dn);
        assert.ok(rerun.code === 0, `the rerun after kill ${i + 1} (${killed.signal ?? `exit ${killed.code}`}) ended ${rerun.code}`);
        assert.equal(count(), 1, `after kill ${i + 1}: exactly one ${kind}`);
      }
      console.log(`[idempotent] ${kind}: a full run takes ${Math.round(full)} ms; 20 kills, ${committedBeforeKill} landed after Graph had created the ${kind}; 0 duplicates`);
    });
  }
});
