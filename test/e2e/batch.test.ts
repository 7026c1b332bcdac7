// Batch runs as a user runs them (uses-samba): dist/cli.js over OUs of the live Samba AD and
// the in-process Graph emulator. JSON Lines, counts, one failure not stopping the rest,
// staging writing nothing, --export converging on a rerun, --input, bad search bases and
// hostile LDAP filters ending in exit 2 with a named error, and --what-if-config naming a
// delete when an OU leaves the sync scope.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readFileSync as readSync } from 'node:fs';
import { Client } from 'ldapts';
import type { ProvisioningObjectSummary } from '../../src/engine/summary/types';
import type { WhatIfEntry } from '../../src/engine/batch/what-if';
import { startEmulator } from '../graph-emulator';
import { runCli, jsonLines } from './cli-process';
import { adEnv, liveConfiguration, ou, type Emulator } from './harness';

const lines = <T = ProvisioningObjectSummary>(stdout: string): T[] => jsonLines<T>(stdout);

/** The DNs an independent ldapts search finds (users, inetOrgPersons, groups, contacts), lowercased. */
async function independentSearch(base: string, scope: 'one' | 'sub'): Promise<string[]> {
  const ad = adEnv();
  const client = new Client({ url: ad.url, tlsOptions: { ca: [readSync(ad.caFile)], servername: ad.serverName } });
  try {
    await client.bind(ad.bindDn, ad.password);
    const { searchEntries } = await client.search(base, { scope, filter: '(|(objectClass=user)(objectClass=inetOrgPerson)(objectClass=group)(objectClass=contact))', attributes: ['1.1'], paged: { pageSize: 500 } });
    return searchEntries.map((e) => e.dn.toLowerCase()).sort();
  } finally {
    await client.unbind();
  }
}

describe('single-object-sync batch CLI', () => {
  let emulator: Emulator;
  let dir: string;
  let env: Record<string, string>;

  const writeConfig = async (name: string, patch: (c: Record<string, any>) => void = () => {}): Promise<string> => {
    const config = liveConfiguration(emulator);
    patch(config);
    const file = path.join(dir, name);
    await writeFile(file, JSON.stringify(config, null, 2));
    return file;
  };

  const list = async (name: string, dns: string[]) => {
    const file = path.join(dir, name);
    await writeFile(file, `${dns.join('\n')}\n`);
    return file;
  };

  before(async () => {
    emulator = await startEmulator({
      seed: { users: [{ displayName: 'Other User', userPrincipalName: 'other.user@contoso.com', mailNickname: 'other.user', accountEnabled: true, mail: 'other.user@contoso.com', proxyAddresses: ['SMTP:other.user@contoso.com', 'smtp:dup.user@contoso.com'] }] },
    });
    dir = await mkdtemp(path.join(tmpdir(), 'sos-batch-'));
    env = { SOS_AD_PASSWORD: adEnv().password, SOS_CLIENT_SECRET: emulator.clientSecret };
  });
  after(async () => {
    await emulator?.close();
  });

  test('staging over an OU subtree: one JSON line per object, counts match, nothing written, failures do not stop the rest', async () => {
    const stateDir = path.join(dir, 'state-staging');
    const config = await writeConfig('staging.json', (c) => { c.stateDir = stateDir; });
    // One object cannot be synced: its stored connector space is corrupt (StateUnreadable).
    const alice = lines((await runCli(['--input', await list('alice.txt', [ou('CN=Alice Wu,OU=Sales')]), '--no-html-report', '--config', config], { env, cwd: dir })).stdout)[0]!;
    await writeFile(path.join(stateDir, `${alice.sourceIdentity.id.toLowerCase()}.json`), '{ not json');
    const writes = emulator.writes().length;
    const run = await runCli(['--search-base', ou('OU=Sales'), '--config', config], { env, cwd: dir });
    const results = lines(run.stdout);
    const expected = await independentSearch(ou('OU=Sales'), 'sub');
    assert.deepEqual(results.map((r) => r.sourceIdentity.details.distinguishedName!.toLowerCase()).sort(), expected, run.stderr);
    assert.ok(results.every((r) => r.provisioningSteps.length === 10 && r.targetSystem.details.stagingMode === 'True'));
    const failed = results.filter((r) => r.provisioningStatusInfo.status === 'failure');
    assert.deepEqual(failed.map((r) => [r.sourceIdentity.details.distinguishedName, r.provisioningStatusInfo.errorInformation?.errorCode]), [[ou('CN=Alice Wu,OU=Sales'), 'StateUnreadable']]);
    // ...and the others still ran to the end.
    assert.ok(results.filter((r) => r.provisioningStatusInfo.status !== 'failure').length >= 10);
    assert.equal(run.code, 1, 'exit 1: an object failed');
    assert.equal(emulator.writes().length, writes, 'staging wrote nothing to the tenant');
    // The summary on stderr counts what stdout holds.
    const statusLine = /by status: (.*)$/m.exec(run.stderr)?.[1] ?? '';
    assert.match(statusLine, new RegExp(`failure ${failed.length}\\b`));
    assert.match(run.stderr, new RegExp(`Staging batch: ${results.length} object\\(s\\) done`));
    assert.match(run.stderr, /Graph requests: \d+/);
    const report = /Batch report: (.+)$/m.exec(run.stderr)?.[1];
    assert.ok(report && existsSync(report), 'the batch report exists');
    const html = readFileSync(report, 'utf8');
    const links = [...html.matchAll(/href="(objects\/\d{5}\.htm)"/g)].map((m) => m[1]!);
    assert.equal(links.length, results.length);
    for (const link of links) assert.ok(existsSync(path.join(path.dirname(report), link)), link);
  });

  test('--scope one takes the direct children only; --ldap-filter narrows', async () => {
    const config = await writeConfig('scope.json');
    const one = await runCli(['--search-base', ou('OU=Sales'), '--scope', 'one', '--no-html-report', '--config', config], { env, cwd: dir });
    assert.deepEqual(lines(one.stdout).map((r) => r.sourceIdentity.details.distinguishedName!.toLowerCase()).sort(), await independentSearch(ou('OU=Sales'), 'one'), one.stderr);
    const filtered = await runCli(['--search-base', ou('OU=Sales'), '--ldap-filter', '(sAMAccountName=alice.wu)', '--no-html-report', '--config', config], { env, cwd: dir });
    assert.equal(filtered.code, 0, filtered.stderr);
    assert.deepEqual(lines(filtered.stdout).map((r) => r.sourceIdentity.details.distinguishedName), [ou('CN=Alice Wu,OU=Sales')]);
    // One level that misses what is deeper (one entry asked of the directory): said, with where.
    const deeper = await runCli(['--search-base', ou('OU=Sales'), '--scope', 'one', '--ldap-filter', '(cn=Jack Hill)', '--no-html-report', '--config', config], { env, cwd: dir });
    assert.equal(deeper.code, 2, deeper.stderr);
    assert.ok(deeper.stderr.includes(`there are such objects deeper, in its sub-OUs (${ou('OU=Paris,OU=EMEA,OU=Sales')} holds one): --scope subtree takes them too`), deeper.stderr);
  });

  test('hostile --ldap-filter values cannot widen the search: refused whole (exit 2), or ANDed with the base and the object types', async () => {
    const config = await writeConfig('hostile.json');
    for (const hostile of ['*)(objectClass=*', '(&(sAMAccountName=alice.wu)(|(objectClass=*)', '(sAMAccountName=alice.wu))(|(objectClass=*', '(sAMAccountName=alice.wu)(objectClass=*)', '']) {
      const run = await runCli(['--search-base', ou('OU=Sales'), '--ldap-filter', hostile, '--no-html-report', '--config', config], { env, cwd: dir });
      assert.equal(run.code, 2, `${JSON.stringify(hostile)}: ${run.stderr}`);
      assert.match(run.stderr, /^InvalidLdapFilter: /m);
      assert.match(run.stderr, /Recommended action: /);
      assert.equal(run.stdout, '');
    }
    // A filter that matches everything still returns only the objects of the configured types under the base.
    const wide = await runCli(['--search-base', ou('OU=Sales'), '--scope', 'one', '--ldap-filter', '(|(objectClass=*)(cn=*))', '--no-html-report', '--config', config], { env, cwd: dir });
    const dns = lines(wide.stdout).map((r) => r.sourceIdentity.details.distinguishedName!.toLowerCase()).sort();
    assert.deepEqual(dns, await independentSearch(ou('OU=Sales'), 'one'));
    assert.ok(dns.every((d) => !d.startsWith('ou=')), 'no OU (not an object type) came back');
    // Escaped metacharacters are values, not syntax.
    const escaped = await runCli(['--search-base', ou('OU=Sales'), '--ldap-filter', '(sAMAccountName=\\2a)', '--no-html-report', '--config', config], { env, cwd: dir });
    assert.equal(escaped.code, 2);
    assert.match(escaped.stderr, /^BatchScopeEmpty: /m);
  });

  test('bad --search-base: exit 2 with a named error, nothing written', async () => {
    const reports = path.join(dir, 'reports-bad');
    const config = await writeConfig('bad-base.json', (c) => { c.reportDir = reports; });
    const writes = emulator.writes().length;
    const cases: [string, RegExp][] = [
      ['OU=Sales=,DC', /^MalformedDistinguishedName: /m],
      [ou('OU=Nowhere'), /^SearchBaseNotFound: /m],
      ['OU=Sales,DC=fabrikam,DC=com', /^SearchBaseOutsideConnectors: /m],
    ];
    for (const [base, error] of cases) {
      const run = await runCli(['--search-base', base, '--config', config], { env, cwd: dir });
      assert.equal(run.code, 2, `${base}: ${run.stderr}`);
      assert.match(run.stderr, error);
      assert.match(run.stderr, /Recommended action: /);
      assert.equal(run.stdout, '');
    }
    assert.equal(emulator.writes().length, writes);
    assert.deepEqual(existsSync(reports) ? readdirSync(reports) : [], [], 'no batch report, no object report');
    // Usage mistakes are exit 2 too.
    assert.equal((await runCli(['--search-base', ou('OU=Sales'), '--scope', 'deep', '--config', config], { env, cwd: dir })).code, 2);
    assert.equal((await runCli(['--search-base', ou('OU=Sales'), '--input', 'x.txt', '--config', config], { env, cwd: dir })).code, 2);
    assert.equal((await runCli(['--search-base', ou('OU=Sales'), '--export', '--staging-mode', '--config', config], { env, cwd: dir })).code, 2);
  });

  test('--input FILE: one DN a line; a missing object is one failed line, the others run; an object named twice runs once', async () => {
    const config = await writeConfig('input.json');
    const input = path.join(dir, 'dns.txt');
    const dns = [ou('CN=Eva Green,OU=Sales'), ou('CN=Missing Person,OU=Sales'), ou('CN=Smith\\, John,OU=EMEA,OU=Sales')];
    // Line 5 names Eva again, in another case and with spaces after the commas.
    await writeFile(input, `# three objects\n${dns.join('\r\n')}\n${dns[0]!.toLowerCase().replace(/,/g, ', ')}\n\n`);
    const run = await runCli(['--input', input, '--no-html-report', '--config', config], { env, cwd: dir });
    const results = lines(run.stdout);
    assert.deepEqual(results.map((r) => r.sourceIdentity.details.distinguishedName), dns);
    assert.match(run.stderr, /^Batch: 3 object\(s\) from input file .*dns\.txt \(1 line\(s\) name an object an earlier line names, synced once: line\(s\) 5\)\.$/m);
    assert.equal(results[1]!.provisioningStatusInfo.status, 'failure');
    assert.notEqual(results[2]!.provisioningStatusInfo.status, 'failure');
    assert.equal(run.code, 1);
    const bad = path.join(dir, 'bad.txt');
    await writeFile(bad, `${dns[0]}\nnot a dn\n`);
    // Read before anything connects: bad input changes nothing, not even an empty state folder.
    const refused = await runCli(['--input', bad, '--config', config, '--state-dir', 'state-refused-input'], { env, cwd: dir });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^BatchInputUnreadable: .*line 2/m);
    assert.equal(existsSync(path.join(dir, 'state-refused-input')), false, 'no state folder was made');
  });

  test('--export writes after saying how many writes it will make; a rerun converges without duplicates', async () => {
    const config = await writeConfig('export.json', (c) => { c.stateDir = 'state-export'; });
    const base = ou('OU=Paris,OU=EMEA,OU=Sales');
    const objects = await independentSearch(base, 'sub');
    const first = await runCli(['--search-base', base, '--export', '--no-html-report', '--config', config], { env, cwd: dir });
    assert.match(first.stderr, /Export plan \(from a staging pass\): (\d+) create\(s\) and (\d+) update\(s\)/);
    const planned = /Export plan \(from a staging pass\): (\d+) create/.exec(first.stderr)!;
    assert.ok(first.stderr.indexOf('Export plan') < first.stderr.indexOf('Export batch:'), 'the plan comes first');
    const results = lines(first.stdout);
    assert.equal(results.length, objects.length);
    const created = results.filter((r) => r.provisioningAction === 'create' && r.provisioningStatusInfo.status !== 'failure');
    assert.equal(created.length, Number(planned[1]), first.stderr);
    assert.ok(created.length >= 3, first.stderr);
    const upns = (emulator.state() as any).users.map((u: any) => String(u.userPrincipalName).toLowerCase());
    for (const r of created) assert.equal(upns.filter((u: string) => u === r.targetIdentity.details.userPrincipalName!.toLowerCase()).length, 1);
    const usersBefore = (emulator.state() as any).users.length;
    const second = await runCli(['--search-base', base, '--export', '--no-html-report', '--config', config], { env, cwd: dir });
    const again = lines(second.stdout);
    assert.equal(again.filter((r) => r.provisioningAction === 'create').length, 0, second.stderr);
    assert.match(second.stderr, /Export plan \(from a staging pass\): 0 create\(s\)/);
    assert.equal((emulator.state() as any).users.length, usersBefore, 'no duplicates');
  });

  test('--what-if-config: an OU leaving scope is listed as a DELETE, and the deletion threshold is checked', async () => {
    const config = await writeConfig('whatif.json', (c) => { c.stateDir = 'state-whatif'; });
    const base = ou('OU=EMEA,OU=Sales');
    const paris = ou('OU=Paris,OU=EMEA,OU=Sales');
    const exported = await runCli(['--search-base', paris, '--export', '--no-html-report', '--config', config], { env, cwd: dir });
    const inCloud = lines(exported.stdout).filter((r) => r.provisioningStatusInfo.status !== 'failure').map((r) => r.sourceIdentity.details.distinguishedName!);
    assert.ok(inCloud.length >= 3, exported.stderr);
    const proposed = await writeConfig('whatif-proposed.json', (c) => {
      c.stateDir = 'state-whatif';
      c.activeDirectory[0].partitions[0].exclusions.push(paris);
    });
    const writes = emulator.writes().length;
    const run = await runCli(['--search-base', base, '--what-if-config', proposed, '--config', config], { env, cwd: dir });
    assert.equal(emulator.writes().length, writes, 'what-if writes nothing');
    const entries = lines<WhatIfEntry>(run.stdout);
    assert.equal(entries.length, (await independentSearch(base, 'sub')).length);
    const deletes = entries.filter((e) => e.outcome === 'delete').map((e) => e.dn).sort();
    assert.deepEqual(deletes, [...inCloud].sort(), run.stderr);
    assert.match(run.stderr, /DELETE .*OU=Paris/);
    assert.match(run.stderr, /within Entra Connect's export deletion threshold of 500/);
    assert.equal(run.code, 0, run.stderr);
    const html = readFileSync(/Batch report: (.+)$/m.exec(run.stderr)![1]!, 'utf8');
    assert.match(html, /DELETE/);
    const strict = await runCli(['--search-base', base, '--what-if-config', proposed, '--deletion-threshold', String(inCloud.length - 1), '--no-html-report', '--config', config], { env, cwd: dir });
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /^DeletionThresholdExceeded: /m);
    assert.match(strict.stderr, /Disable-ADSyncExportDeletionThreshold/);
    // The real state was not touched by the what-if runs: a staging run still sees the Paris objects in scope.
    const check = await runCli(['--input', await (async () => { const f = path.join(dir, 'paris.txt'); await writeFile(f, inCloud.join('\n')); return f; })(), '--no-html-report', '--config', config], { env, cwd: dir });
    assert.ok(lines(check.stdout).every((r) => r.plannedProvisioningAction === 'update' && r.provisioningAction === 'other'), check.stderr);
  });

  test('--what-if-config turning group filtering on: a synced user outside the group is a DELETE, a nested member too (nesting is not resolved), the direct member stays; the run says it is an installation-time setting', async () => {
    // Microsoft, Configure filtering (group-based): "All objects that you want to synchronize
    // must be direct members of the group... Nested group membership isn't resolved", and the
    // option "can only be configured on initial installation by using the installation wizard".
    const config = await writeConfig('whatif-group.json', (c) => { c.stateDir = 'state-whatif-group'; });
    const direct = ou('CN=Pilot Direct,OU=Engineering');
    const nested = ou('CN=Pilot Nested,OU=Engineering');
    const outside = ou('CN=Kara Lund,OU=Engineering');
    const input = await list('whatif-group.txt', [direct, nested, outside]);
    const exported = await runCli(['--input', input, '--export', '--no-html-report', '--config', config], { env, cwd: dir });
    assert.equal(exported.code, 0, exported.stderr);
    const proposed = await writeConfig('whatif-group-proposed.json', (c) => {
      c.stateDir = 'state-whatif-group';
      c.activeDirectory[0].groupFilteringGroupDn = ou('CN=Pilot Group,OU=Groups');
    });
    const writes = emulator.writes().length;
    const run = await runCli(['--input', input, '--what-if-config', proposed, '--no-html-report', '--config', config], { env, cwd: dir });
    assert.equal(emulator.writes().length, writes, 'what-if writes nothing');
    const byDn = new Map(lines<WhatIfEntry>(run.stdout).map((e) => [e.dn.toLowerCase(), e]));
    assert.equal(byDn.size, 3, run.stdout);
    for (const dn of [nested, outside]) {
      const entry = byDn.get(dn.toLowerCase())!;
      assert.equal(entry.outcome, 'delete', JSON.stringify(entry));
      assert.equal(entry.proposed.errorCode, 'NotMemberOfFilteringGroup', JSON.stringify(entry));
      assert.ok(entry.cloudObject?.id, 'the cloud object to be deleted is named');
    }
    assert.notEqual(byDn.get(direct.toLowerCase())!.outcome, 'delete');
    assert.equal(byDn.get(direct.toLowerCase())!.proposed.scope, 'in');
    assert.match(run.stderr, /Group-based filtering is turned on .*only be configured on initial installation/);
    assert.equal(run.code, 0, run.stderr);
  });

  test('--what-if-config with a file that is not a configuration, or names another tenant: exit 2 before the directory is read', async () => {
    const config = await writeConfig('whatif-bad.json', (c) => { c.stateDir = 'state-whatif-bad'; });
    const notJson = path.join(dir, 'not-a-config.json');
    await writeFile(notJson, 'root:x:0:0:root:/root:/bin/bash\n');
    const otherTenant = await writeConfig('whatif-other-tenant.json', (c) => { c.entra.tenantId = '11111111-2222-3333-4444-555555555555'; });
    for (const [file, problem] of [[notJson, /ConfigurationNotJson/], [otherTenant, /entra\.tenantId is "11111111-2222-3333-4444-555555555555"/]] as const) {
      const run = await runCli(['--search-base', ou('OU=Sales'), '--what-if-config', file, '--config', config], { env, cwd: dir });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /^WhatIfConfigurationInvalid: /m);
      assert.match(run.stderr, problem);
      assert.doesNotMatch(run.stderr, /^Batch: /m, 'refused before the scope was searched');
      assert.equal(run.stdout, '');
    }
  });

  test('--what-if-config naming another authority, LDAP server or secret variable: exit 2, and nothing connects to it', async () => {
    // A proposed file from a pull request keeps the tenant id but sends the credentials elsewhere.
    const connections = { authority: 0, ldap: 0 };
    const listen = (kind: keyof typeof connections) => new Promise<Server>((resolve) => {
      const server = createServer((socket) => { connections[kind]++; socket.destroy(); });
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
    const authority = await listen('authority');
    const ldap = await listen('ldap');
    const port = (s: Server) => (s.address() as AddressInfo).port;
    try {
      const config = await writeConfig('whatif-redirect.json', (c) => { c.stateDir = 'state-whatif-redirect'; });
      const exclude = (c: Record<string, any>) => c.activeDirectory[0].partitions[0].exclusions.push(ou('OU=Paris,OU=EMEA,OU=Sales'));
      const otherSecret = 'the-value-of-another-secret';
      const cases: [string, (c: Record<string, any>) => void, RegExp][] = [
        ['authority', (c) => { c.entra.authorityHost = `https://127.0.0.1:${port(authority)}`; }, new RegExp(`entra\\.authorityHost is "https://127\\.0\\.0\\.1:${port(authority)}"`)],
        ['ldap', (c) => { c.activeDirectory[0].url = `ldaps://127.0.0.1:${port(ldap)}`; }, new RegExp(`activeDirectory "[^"]+"\\.url is "ldaps://127\\.0\\.0\\.1:${port(ldap)}"`)],
        ['client secret variable', (c) => { c.entra.clientSecretEnv = 'SOS_OTHER_SECRET'; }, /entra\.clientSecretEnv is "SOS_OTHER_SECRET", the current configuration's "SOS_CLIENT_SECRET"/],
        ['password variable', (c) => { c.activeDirectory[0].passwordEnv = 'SOS_OTHER_SECRET'; }, /\.passwordEnv is "SOS_OTHER_SECRET"/],
        ['CA', (c) => { c.entra.caFile = path.join(dir, 'not-the-emulator-ca.pem'); }, /entra\.caFile is /],
      ];
      for (const [label, redirect, problem] of cases) {
        const proposed = await writeConfig(`whatif-redirect-${label.replace(/ /g, '-')}.json`, (c) => { c.stateDir = 'state-whatif-redirect'; exclude(c); redirect(c); });
        const run = await runCli(['--search-base', ou('OU=Sales'), '--what-if-config', proposed, '--config', config], { env: { ...env, SOS_OTHER_SECRET: otherSecret }, cwd: dir });
        assert.equal(run.code, 2, `${label}: ${run.stderr}`);
        assert.match(run.stderr, /^WhatIfConfigurationInvalid: .*connect or sign in differently/m, label);
        assert.match(run.stderr, problem, label);
        assert.doesNotMatch(run.stderr, /^Batch: /m, `${label}: refused before the scope was searched`);
        assert.equal(run.stdout, '', label);
        for (const secret of [otherSecret, env.SOS_AD_PASSWORD!, env.SOS_CLIENT_SECRET!]) assert.ok(!run.stderr.includes(secret), `${label}: no secret on stderr`);
      }
      assert.deepEqual(connections, { authority: 0, ldap: 0 }, 'nothing connected to the proposed endpoints');
    } finally {
      authority.close();
      ldap.close();
    }
  });
});
