// A configuration that names no source for a secret (SecretSourceNotConfigured), met the way the
// CLI meets it: a session opened with the CLI's secrets provider (the environment variable the
// configuration names, else a prompt when a terminal is attached; a test runs with none), then
// prepare() (what the CLI runs first) and a sync.
// - An LDAP connector with url and bindDn but no passwordEnv: the error names the password of that
//   bind DN and the setting passwordEnv; no connection is opened to the domain controller (a
//   hostile-ldap server as the url: no connection, no bind).
// - entra with client-secret sign-in but no clientSecretEnv: the error names the client secret and
//   the setting entra.clientSecretEnv; no request reaches the token endpoint (the Graph emulator's
//   requestLog() stays empty).
// prepare() changes nothing (no state or report folder, no request); a sync writes nothing to
// Microsoft Entra ID, and stores only what the steps independent of the failed one import.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSession, type Session } from '../../../src/app/session';
import { SyncError } from '../../../src/engine/errors/sync-error';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { environmentSecrets } from '../../../src/surfaces/cli/secrets';
import { startEmulator, type Emulator } from '../../graph-emulator';
import { startHostileLdap, type HostileLdap } from '../../support/hostile-ldap';

const fixtures = path.resolve(__dirname, '../../fixtures');
const domain = 'DC=corp,DC=contoso,DC=com';
const bindDn = `CN=svc-sync,CN=Users,${domain}`;
const alice = `CN=Alice Wu,OU=Sales,OU=Contoso,${domain}`;

const step = (s: ProvisioningObjectSummary, n: number) => s.provisioningSteps.find((x) => x.stepNumber === n)!;
const info = (s: ProvisioningObjectSummary) => JSON.stringify(s.provisioningStatusInfo);

async function rejection(promise: Promise<unknown>): Promise<SyncError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof SyncError, `expected a SyncError, got ${String((err as Error).stack ?? err)}`);
    return err;
  }
  assert.fail('expected SecretSourceNotConfigured, got success');
}

const exists = (file: string) => readdir(file).then(() => true, () => false);

describe('no source configured for a secret (SecretSourceNotConfigured)', () => {
  let emulator: Emulator;
  let ldap: HostileLdap;
  let root: string;
  const sessions: Session[] = [];
  let n = 0;

  before(async () => {
    // The CLI provider prompts only when stdin and stderr are terminals; under the test runner they are pipes.
    assert.ok(!(process.stdin.isTTY && process.stderr.isTTY), 'run without a terminal (the provider would prompt)');
    emulator = await startEmulator({ seed: { users: [] } });
    // Any search is answered with success and nothing: the checks below are that none is sent.
    ldap = await startHostileLdap((_r, reply) => reply.done());
    root = await mkdtemp(path.join(tmpdir(), 'sos-secret-source-'));
  });
  after(async () => {
    for (const session of sessions) await session.close();
    await ldap?.close();
    await emulator?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  const entraConfig = () => ({ tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_TEST_SECRET_SOURCE', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile });
  const partitions = [{ dn: domain, selected: true, inclusions: [domain], exclusions: [] }];
  const objectTypes = ['user', 'inetOrgPerson', 'group', 'contact'];

  async function open(configuration: Record<string, unknown>): Promise<{ session: Session; dir: string }> {
    const dir = path.join(root, `case-${n++}`);
    await mkdir(dir, { recursive: true });
    await copyFile(path.join(fixtures, 'contoso-snapshot.ldif'), path.join(dir, 'snapshot.ldif'));
    const configPath = path.join(dir, 'single-object-sync.json');
    await writeFile(configPath, JSON.stringify({ sourceAnchor: 'mS-DS-ConsistencyGuid', rules: 'builtin', stateDir: 'state', reportDir: 'reports', ...configuration }));
    const session = await openSession({ configPath, secrets: environmentSecrets });
    sessions.push(session);
    return { session, dir };
  }

  test('an LDAP connector without passwordEnv: the bind password and passwordEnv are named, and the domain controller is never contacted', async () => {
    const { session, dir } = await open({
      activeDirectory: [{ name: 'corp.contoso.com', url: ldap.url, bindDn, allowInsecure: true, partitions, objectTypes, groupFilteringGroupDn: null }],
      entra: entraConfig(),
    });
    process.env.SOS_TEST_SECRET_SOURCE = emulator.clientSecret;
    try {
      // prepare(), as the CLI runs it before anything else.
      const err = await rejection(session.prepare());
      assert.equal(err.code, 'SecretSourceNotConfigured', err.message);
      assert.equal(err.reason, `No password for ${bindDn} is available: the configuration names no environment variable for it (passwordEnv) and no terminal is attached to ask for it.`);
      assert.match(err.recommendedAction, /^Set passwordEnv to the name of an environment variable that holds it \(never the secret itself\)/);
      assert.equal(err.remedy, 'credentials');
      assert.equal(err.category, 'nonServiceFailure');

      // A sync: step 1 opens the directory and fails there, with the same error in the summary.
      const { summary: s } = await session.sync(Dn.parse(alice), { stagingMode: false, noHtmlReport: true });
      assert.equal(s.provisioningStatusInfo.status, 'failure', info(s));
      assert.equal(s.provisioningStatusInfo.errorInformation?.errorCode, 'SecretSourceNotConfigured', info(s));
      assert.equal(s.provisioningStatusInfo.errorInformation?.reason, err.reason);
      assert.equal(step(s, 1).status, 'failure');
      for (const later of s.provisioningSteps.filter((x) => x.stepNumber >= 7)) assert.equal(later.status, 'skipped', `step ${later.stepNumber}`);
      assert.equal(s.exported, false);

      assert.equal(ldap.connections, 0, 'no connection to the domain controller');
      assert.deepEqual(ldap.binds, [], 'no bind');
      assert.deepEqual(ldap.searches, []);
      assert.deepEqual(emulator.writes(), [], 'nothing written to Microsoft Entra ID');
      assert.equal(await exists(path.join(dir, 'state')), false, 'no state folder');
      assert.equal(await exists(path.join(dir, 'reports')), false, 'no report folder');
    } finally {
      delete process.env.SOS_TEST_SECRET_SOURCE;
    }
  });

  test('entra without clientSecretEnv: the client secret and entra.clientSecretEnv are named, and no token is asked for', async () => {
    const { clientSecretEnv: _, ...entra } = entraConfig();
    const { session, dir } = await open({
      activeDirectory: [{ name: 'corp.contoso.com', ldifFile: 'snapshot.ldif', partitions, objectTypes, groupFilteringGroupDn: null }],
      entra,
    });
    const before = emulator.requestLog().length;

    const err = await rejection(session.prepare());
    assert.equal(err.code, 'SecretSourceNotConfigured', err.message);
    assert.equal(err.reason, 'No client secret is available: the configuration names no environment variable for it (entra.clientSecretEnv) and no terminal is attached to ask for it.');
    assert.match(err.recommendedAction, /^Set entra\.clientSecretEnv to the name of an environment variable that holds it \(never the secret itself\)/);
    assert.equal(err.remedy, 'credentials');
    assert.deepEqual(emulator.requestLog().slice(before), [], 'prepare() sent nothing');
    assert.equal(await exists(path.join(dir, 'state')), false, 'prepare() created no state folder');
    assert.equal(await exists(path.join(dir, 'reports')), false, 'prepare() created no report folder');

    // A sync (the API without prepare()): step 2 fails; the steps that do not depend on it run.
    const { summary: s } = await session.sync(Dn.parse(alice), { stagingMode: false, noHtmlReport: true });
    assert.equal(s.provisioningStatusInfo.errorInformation?.errorCode, 'SecretSourceNotConfigured', info(s));
    assert.equal(s.provisioningStatusInfo.errorInformation?.reason, err.reason);
    assert.equal(step(s, 2).status, 'failure', JSON.stringify(step(s, 2)));
    assert.equal(step(s, 2).errorInformation?.errorCode, 'SecretSourceNotConfigured');
    for (const later of s.provisioningSteps.filter((x) => x.stepNumber >= 8)) assert.equal(later.status, 'skipped', `step ${later.stepNumber}`);
    assert.equal(s.exported, false);

    const requests = emulator.requestLog().slice(before);
    assert.deepEqual(requests.filter((r) => /\/oauth2\/v2\.0\/token$/.test(r.path)), [], 'no token request');
    assert.deepEqual(requests, [], 'no request to the identity platform or Graph at all');
    assert.deepEqual(emulator.writes(), [], 'nothing written to Microsoft Entra ID');
    assert.equal(await exists(path.join(dir, 'reports')), false, 'no report folder');
    // Step 7 (import into the AD connector space) does not depend on step 2 and its import is
    // committed (run-sync.ts: "The import and sync state is committed ... as the cmdlet does"):
    // only that part; no metaverse or Entra connector space object is stored.
    const stored = await readdir(session.stateDir);
    assert.equal(stored.length, 1, stored.join(', '));
    const state = JSON.parse(await readFile(path.join(session.stateDir, stored[0]!), 'utf8')) as Record<string, unknown>;
    assert.ok(state.adConnectorSpace, Object.keys(state).join(', '));
    assert.equal(state.metaverse, undefined);
    assert.equal(state.entraConnectorSpace, undefined);
  });
});
