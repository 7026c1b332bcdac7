// A what-if for a change of the sync rules, through the CLI (from source, over the bundled LDIF
// snapshot and the Graph emulator), the way an engineer prepares attribute-based filtering:
// Microsoft's "Configure filtering" adds "In from AD – User DoNotSyncFilter" (precedence 50,
// extensionAttribute15 EQUAL NoSync, Constant True → cloudFiltered) in a copy of the server's
// configuration export. "Newly filtered objects are deleted in Entra": the user the new rule
// filters, synchronized today, is listed as a DELETE; the others are unchanged; the run says a
// rules change is applied with a Full Synchronization, and nothing is written.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { WhatIfEntry } from '../../../src/engine/batch/what-if';
import { startEmulator } from '../../graph-emulator';
import { runCliFromSource } from '../../support/cli-from-source';
import { inboundFilterRule } from '../../support/sync-rule-xml';

const fixtures = path.resolve(__dirname, '../../fixtures');
const domain = 'DC=corp,DC=contoso,DC=com';
const alice = `CN=Alice Wu,OU=Sales,OU=Contoso,${domain}`;
const mia = `CN=Mia Rossi,OU=Engineering,OU=Contoso,${domain}`; // extensionAttribute15 NoSync here

describe('what-if for a sync rules change (attribute-based filtering), through the CLI', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;

  const run = (args: string[]) => runCliFromSource(dir, args, emulator.clientSecret);

  /** The snapshot configuration with the rules of a server-configuration export folder. */
  const configuration = async (name: string, rulesFolder: string): Promise<string> => {
    const file = path.join(dir, name);
    await writeFile(file, JSON.stringify({
      activeDirectory: [{ name: 'contoso.com', ldifFile: 'snapshot.ldif', partitions: [{ dn: domain, selected: true, inclusions: [domain], exclusions: [] }], objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'], groupFilteringGroupDn: null }],
      entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_CLIENT_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      sourceAnchor: 'objectGUID', rules: { serverConfiguration: rulesFolder }, stateDir: 'state', reportDir: 'reports',
    }));
    return file;
  };

  before(async () => {
    emulator = await startEmulator({ seed: { users: [] } });
    dir = await mkdtemp(path.join(tmpdir(), 'sos-what-if-rules-'));
    const ldif = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    const marked = ldif.replace(`dn: ${mia}\n`, `dn: ${mia}\nextensionAttribute15: NoSync\n`);
    assert.notEqual(marked, ldif);
    await writeFile(path.join(dir, 'snapshot.ldif'), marked);
  });
  after(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the user a new DoNotSyncFilter rule filters is a DELETE of its cloud object; the rest is unchanged; nothing is written', async () => {
    const current = await configuration('current.json', path.join(fixtures, 'entra-connect-server-config-contoso'));
    const proposedFolder = path.join(dir, 'export-proposed');
    await cp(path.join(fixtures, 'entra-connect-server-config-contoso'), proposedFolder, { recursive: true });
    const id = '5e1f0000-0000-4000-8000-000000000050';
    await writeFile(path.join(proposedFolder, 'SynchronizationRules', `SynchronizationRule_{${id}}.xml`),
      inboundFilterRule(id, 'In from AD – User DoNotSyncFilter', 50, [['extensionAttribute15', 'EQUAL', 'NoSync']], [['cloudFiltered', 'True']]));
    const proposed = await configuration('proposed.json', proposedFolder);
    const input = path.join(dir, 'objects.txt');
    await writeFile(input, `${alice}\n${mia}\n`);

    // Both synchronized today under the current rules.
    const exported = await run(['--input', input, '--export', '--no-html-report', '--config', current]);
    assert.equal(exported.code, 0, exported.stderr);
    const miaCloud = emulator.state().users.find((u) => u.displayName === 'Mia Rossi');
    assert.ok(miaCloud, 'Mia Rossi was created');

    const writes = emulator.writes().length;
    const whatIf = await run(['--input', input, '--what-if-config', proposed, '--no-html-report', '--config', current]);
    assert.equal(emulator.writes().length, writes, 'a what-if writes nothing');
    assert.equal(whatIf.code, 0, whatIf.stderr);
    const entries = new Map(whatIf.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as WhatIfEntry).map((e) => [e.dn, e]));
    const filtered = entries.get(mia)!;
    assert.equal(filtered.outcome, 'delete', JSON.stringify(filtered));
    assert.equal(filtered.proposed.errorCode, 'CloudFiltered');
    assert.match(filtered.proposed.reason ?? '', /In from AD – User DoNotSyncFilter/);
    assert.equal(filtered.cloudObject?.id, miaCloud.id, 'the cloud object to be deleted is named');
    assert.equal(entries.get(alice)?.outcome, 'unchanged', JSON.stringify(entries.get(alice)));
    assert.match(whatIf.stderr, /DELETE .*Mia Rossi/);
    assert.match(whatIf.stderr, /Sync rules change .*Full Synchronization/);
    // The real state was not touched: staging under the current rules still updates Mia Rossi.
    const again = await run(['--input', input, '--no-html-report', '--config', current]);
    const miaNow = again.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((s) => s.sourceIdentity.details.distinguishedName === mia);
    assert.equal(miaNow?.provisioningStatusInfo.status, 'success', again.stderr);
    assert.equal(miaNow?.plannedProvisioningAction, 'update');
  });
});
