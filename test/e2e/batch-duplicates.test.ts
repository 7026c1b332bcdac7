// Two objects of one staging batch that would both add the same userPrincipalName or SMTP
// address, which no cloud object holds yet. Staged one by one, each looks free; exported, Entra ID
// keeps the value on the first and quarantines it on the other (duplicate attribute resiliency,
// "a duplicate userPrincipalName or SMTP proxyAddresses value ... Entra ID quarantines the
// value"). The batch says so, naming both objects, on one thread and on worker threads.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../graph-emulator';
import { writeSnapshotConfiguration } from './harness';
import { runCli } from './cli-process';

const domain = 'DC=corp,DC=contoso,DC=com';
const emea = `OU=EMEA,OU=Sales,OU=Contoso,${domain}`;
const paris = `OU=Paris,${emea}`;
const hugo = `CN=Hugo Berg,${emea}`;
const gina = `CN=Gina Park,${emea}`;

/** The LDIF record of `dn` with `edit` applied to its lines (records are separated by a blank line). */
function editRecord(ldif: string, dn: string, edit: (record: string) => string): string {
  const start = ldif.indexOf(`dn: ${dn}\n`);
  assert.ok(start >= 0, `${dn} is in the snapshot`);
  const end = ldif.indexOf('\n\n', start);
  return ldif.slice(0, start) + edit(ldif.slice(start, end)) + ldif.slice(end);
}

describe('a staging batch names the values more than one of its objects would add in Entra ID', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;

  before(async () => {
    emulator = await startEmulator();
    dir = await mkdtemp(path.join(tmpdir(), 'sos-batch-duplicates-'));
    await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET');
    const snapshot = path.join(dir, 'snapshot.ldif');
    let ldif = await readFile(snapshot, 'utf8');
    // Gina is given Hugo's UPN (another case: Entra ID compares UPNs ignoring case), and both an extra address.
    ldif = editRecord(ldif, gina, (r) => r.replace('userPrincipalName: gina.park@contoso.com', 'userPrincipalName: HUGO.BERG@contoso.com').replace('proxyAddresses: SMTP:gina.park@contoso.com', 'proxyAddresses: SMTP:gina.park@contoso.com\nproxyAddresses: smtp:team@contoso.com'));
    ldif = editRecord(ldif, hugo, (r) => r.replace('proxyAddresses: SMTP:hugo.berg@contoso.com', 'proxyAddresses: SMTP:hugo.berg@contoso.com\nproxyAddresses: smtp:Team@Contoso.com'));
    await writeFile(snapshot, ldif);
  });
  after(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const run = (args: string[]) => runCli([...args, '--no-html-report'], { cwd: dir, env: { SOS_CLIENT_SECRET: emulator.clientSecret } });

  for (const [label, extra] of [['one thread', []], ['two worker threads', ['--workers', '2', '--bulk-read-threshold', '1']]] as const) {
    test(`${label}: the UPN and the SMTP address both would add are listed with both objects; each object is still staged on its own`, async () => {
      const r = await run(['--search-base', emea, '--scope', 'one', '--state-dir', `state-${extra.length}`, ...extra]);
      assert.equal(r.code, 0, r.stderr);
      if (extra.length) assert.match(r.stderr, /on 2 worker threads/, 'the worker path ran');
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { sourceIdentity: { details: { distinguishedName: string } }; plannedProvisioningAction: string });
      const planned = new Map(lines.map((l) => [l.sourceIdentity.details.distinguishedName, l.plannedProvisioningAction]));
      assert.equal(planned.get(hugo), 'create');
      assert.equal(planned.get(gina), 'create', 'staged alone, Gina looks free to take the UPN');
      assert.match(r.stderr, /^ {2}DuplicateValuesInBatch: 2 value\(s\) would be added in Microsoft Entra ID by more than one object of this batch, and no cloud object holds them yet/m);
      assert.match(r.stderr, /quarantines it on the others \(duplicate attribute resiliency/);
      const upn = r.stderr.split('\n').find((l) => l.includes('userPrincipalName hugo.berg@contoso.com: 2 objects of this batch would add it'));
      assert.ok(upn?.includes(`(${hugo}; ${gina})`), `both objects, in batch order: ${upn}`);
      const smtp = r.stderr.split('\n').find((l) => /SMTP address Team@Contoso\.com: 2 objects/i.test(l));
      assert.ok(smtp?.includes(hugo) && smtp.includes(gina), `the shared address, compared ignoring case: ${smtp}`);
      assert.doesNotMatch(r.stderr, /gina\.park@contoso\.com: 2 objects/, 'values one object adds are not listed');
      assert.deepEqual(emulator.writes(), [], 'staging writes nothing');
    });
  }

  test('--export says so before writing; then Entra ID (through the tool) gives the UPN to the first exported and quarantines it on the other', async () => {
    const r = await run(['--search-base', emea, '--scope', 'one', '--export', '--state-dir', 'state-export']);
    assert.match(r.stderr, /^Exporting 4 object\(s\)\. Export plan \(from a staging pass\): 4 create\(s\).*; 2 value\(s\) would be added by more than one of these objects \(DuplicateValuesInBatch/m, r.stderr);
    const users = emulator.state().users as unknown as { userPrincipalName: string; displayName: string }[];
    const byName = new Map(users.map((u) => [u.displayName, u.userPrincipalName]));
    const upns = [byName.get('Hugo Berg'), byName.get('Gina Park')];
    assert.ok(upns.every(Boolean), `both were created: ${JSON.stringify(users.map((u) => u.displayName))}`);
    assert.equal(upns.filter((u) => u!.toLowerCase() === 'hugo.berg@contoso.com').length, 1, `one of them keeps the UPN: ${upns.join(', ')}`);
    assert.equal(upns.filter((u) => /^[^@]+\d{4}@contoso\.onmicrosoft\.com$/.test(u!)).length, 1, `the other has it quarantined: ${upns.join(', ')}`);
    // The quarantined one is a warning that names the holder, not a failure; exported once more if Graph refused its first create.
    type Line = { sourceIdentity: { details: { distinguishedName: string } }; provisioningStatusInfo: { status: string; errorInformation: { errorCode: string } | null }; provisioningSteps: { stepNumber: number; details: Record<string, string> }[] };
    const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    const quarantined = results.filter((l) => l.provisioningStatusInfo.errorInformation?.errorCode === 'DuplicateAttributeQuarantined');
    assert.equal(quarantined.length, 1, JSON.stringify(results.map((l) => [l.sourceIdentity.details.distinguishedName, l.provisioningStatusInfo])));
    assert.equal(quarantined[0]!.provisioningStatusInfo.status, 'warning');
    assert.ok(results.every((l) => l.provisioningStatusInfo.status !== 'failure'), 'no object failed');
    const retried = results.filter((l) => l.provisioningSteps.find((step) => step.stepNumber === 10)?.details.FirstAttempt);
    for (const l of retried) assert.match(l.provisioningSteps.find((step) => step.stepNumber === 10)!.details.FirstAttempt!, /^Microsoft Graph refused the first create with (AttributeValueMustBeUnique|InvalidSoftMatch)/);
    assert.equal(r.code, 0, r.stderr);
    // Run again: nothing is created twice (the quarantined user is found by its anchor).
    const again = await run(['--search-base', emea, '--scope', 'one', '--export', '--state-dir', 'state-export']);
    assert.equal(emulator.state().users.length, users.length, again.stderr);
  });

  test('a scope without duplicates has no such note', async () => {
    const r = await run(['--search-base', paris, '--state-dir', 'state-paris']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /DuplicateValuesInBatch/);
  });
});
