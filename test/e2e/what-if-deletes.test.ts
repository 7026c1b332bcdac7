// What a filtering change deletes, as Microsoft documents it ("Newly filtered objects are deleted
// in Entra", accidental-delete threshold 500): the CLI's --what-if-config over the bundled LDIF
// snapshot and the Graph emulator, with a proposed configuration that excludes two OUs.
// - Jack Hill: the user Entra Connect synchronizes, up to date (nothing to export): DELETED.
// - Iris Chen: only a cloud-managed user she would soft-match: not synchronized yet, so nothing
//   is deleted; the cloud user stays.
// - Ext Partner: a contact with no cloud contact holding its primary SMTP address (what Contact
//   Join joins on, and what step 8 looks it up by): not synchronized, so nothing is deleted.
// The one delete is within a threshold of 1 ("more than" the threshold stops the export).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sidBytesToString } from '../../src/engine/model/ad-codecs';
import { startEmulator } from '../graph-emulator';
import { writeSnapshotConfiguration } from './harness';
import { runCli } from './cli-process';

const domain = 'DC=corp,DC=contoso,DC=com';
const paris = `OU=Paris,OU=EMEA,OU=Sales,OU=Contoso,${domain}`;
const contacts = `OU=Contacts,OU=Contoso,${domain}`;

const run = (dir: string, secret: string, args: string[]) => runCli(args, { cwd: dir, env: { SOS_CLIENT_SECRET: secret } });

describe('what-if: which filtered objects Entra Connect would delete', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;

  before(async () => {
    const ldif = await readFile(path.resolve(__dirname, '../fixtures/contoso-snapshot.ldif'), 'utf8');
    const jack = ldif.slice(ldif.indexOf("dn: CN=Jack Hill,OU=Paris,"));
    const guid = /^objectGUID:: (.*)$/m.exec(jack)![1]!;
    const sidText = sidBytesToString(Buffer.from(/^objectSid:: (.*)$/m.exec(jack)![1]!, 'base64'));
    emulator = await startEmulator({
      seed: {
        users: [
          // As Entra Connect keeps him: every value it would export, so nothing is pending.
          {
            userPrincipalName: 'jack.hill@contoso.com', displayName: 'Jack Hill', mailNickname: 'jack.hill', accountEnabled: true, onPremisesImmutableId: guid, onPremisesSyncEnabled: true,
            city: 'Paris', companyName: 'Contoso', department: 'Ventes', givenName: 'Jack', surname: 'Hill', mail: 'jack.hill@contoso.com', onPremisesUserPrincipalName: 'jack.hill@contoso.com',
            proxyAddresses: ['SMTP:jack.hill@contoso.com', 'smtp:jack.hill@contoso.mail.onmicrosoft.com'], onPremisesSecurityIdentifier: sidText, onPremisesSamAccountName: 'jack.hill', onPremisesDomainName: 'corp.contoso.com',
          },
          // Cloud-managed, no anchor: Iris would soft-match it on her UPN.
          { userPrincipalName: 'iris.chen@contoso.com', displayName: 'Iris Chen (cloud)', mailNickname: 'iris.chen', accountEnabled: true },
        ],
      },
    });
    dir = await mkdtemp(path.join(tmpdir(), 'sos-what-if-deletes-'));
    const file = await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET');
    const config = JSON.parse(await readFile(file, 'utf8')) as { activeDirectory: { partitions: { exclusions: string[] }[] }[] };
    config.activeDirectory[0]!.partitions[0]!.exclusions = [paris, contacts];
    await writeFile(path.join(dir, 'proposed.json'), JSON.stringify(config));
  });
  after(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the synchronized user is a DELETE, the soft-match candidate and the contact never synchronized are not; one delete is within a threshold of 1', async () => {
    const filter = '(|(cn=Jack Hill)(cn=Iris Chen)(cn=Ext Partner))';
    // Precondition: under the current configuration Jack has nothing to export (the steady state).
    const staged = await run(dir, emulator.clientSecret, ['--search-base', `OU=Contoso,${domain}`, '--ldap-filter', '(cn=Jack Hill)', '--no-html-report', '--state-dir', 'state-staged']);
    const jack = JSON.parse(staged.stdout.trim()) as { plannedProvisioningAction: string; targetIdentity: { details: { match: string } } };
    assert.equal(jack.plannedProvisioningAction, 'other', staged.stderr);
    assert.equal(jack.targetIdentity.details.match, 'hard');

    const r = await run(dir, emulator.clientSecret, ['--search-base', `OU=Contoso,${domain}`, '--ldap-filter', filter, '--what-if-config', 'proposed.json', '--deletion-threshold', '1', '--state-dir', 'state']);
    const entries = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { dn: string; outcome: string; explanation: string; cloudObject?: { userPrincipalName?: string } });
    const byName = new Map(entries.map((e) => [/^CN=([^,]+)/.exec(e.dn)![1], e]));
    assert.equal(byName.get('Jack Hill')?.outcome, 'delete', r.stderr);
    assert.equal(byName.get('Jack Hill')?.cloudObject?.userPrincipalName, 'jack.hill@contoso.com');
    assert.equal(byName.get('Iris Chen')?.outcome, 'no-longer-created', byName.get('Iris Chen')?.explanation);
    assert.match(byName.get('Iris Chen')!.explanation, /not synchronized yet, so nothing is deleted/);
    assert.equal(byName.get('Ext Partner')?.outcome, 'no-longer-created', byName.get('Ext Partner')?.explanation);
    assert.match(byName.get('Ext Partner')!.explanation, /no cloud object yet, so it is simply no longer created/);
    assert.match(r.stderr, /1 leaving scope with a cloud object \(DELETED by Entra Connect\)/);
    assert.match(r.stderr, /Deletion threshold: 1 delete\(s\), within Entra Connect's export deletion threshold of 1 \(Enable-ADSyncExportDeletionThreshold\); the export would not be stopped\./);
    // The proposed file excludes two OUs: Microsoft's "Apply and verify changes" for OU filtering.
    assert.match(r.stderr, /Applying the proposed configuration on the Entra Connect server:\n {2}Domain or OU filtering changes \([^)]+\): Entra Connect applies them with a Full Import of the connector followed by a Delta Synchronization/);
    assert.doesNotMatch(r.stderr, /Sync rules change/, 'the rules are the same');
    assert.equal(r.code, 0, 'within the threshold, every object evaluated');
    assert.deepEqual(emulator.writes(), [], 'a what-if writes nothing');
  });

  test("without --deletion-threshold the tenant's accidental deletion prevention is checked (what Enable/Disable-ADSyncExportDeletionThreshold set)", async () => {
    const args = ['--search-base', `OU=Contoso,${domain}`, '--ldap-filter', '(cn=Jack Hill)', '--what-if-config', 'proposed.json', '--no-html-report'];
    try {
      // Graph's default, enabledForCount 500: the one delete is within it.
      const byDefault = await run(dir, emulator.clientSecret, [...args, '--state-dir', 'state-tenant-default']);
      assert.match(byDefault.stderr, /^Deletion threshold checked: 500, from the tenant's accidental deletion prevention \(GET \/directory\/onPremisesSynchronization: enabledForCount\)\.$/m, byDefault.stderr);
      assert.equal(byDefault.code, 0, byDefault.stderr);
      // Disabled in the tenant: nothing would stop the export, and the verdict says every delete goes out.
      emulator.seed({ accidentalDeletionPrevention: { synchronizationPreventionType: 'disabled', alertThreshold: 500 } });
      const disabled = await run(dir, emulator.clientSecret, [...args, '--state-dir', 'state-tenant-disabled']);
      assert.match(disabled.stderr, /Deletion threshold: disabled by the tenant's accidental deletion prevention .*Entra Connect would export all 1 delete\(s\) without stopping/, disabled.stderr);
      // A percentage is not a count a what-if can check: said, and Entra Connect's default checked instead.
      emulator.seed({ accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForPercentage', alertThreshold: 10 } });
      const percent = await run(dir, emulator.clientSecret, [...args, '--state-dir', 'state-tenant-percent']);
      assert.match(percent.stderr, /^Deletion threshold checked: 500, from Entra Connect's default\. The tenant's accidental deletion prevention is 10 percent of the synchronized objects \(enabledForPercentage\)/m, percent.stderr);
      assert.equal(percent.code, 0, percent.stderr);
      assert.deepEqual(emulator.writes(), [], 'a what-if writes nothing');
    } finally {
      emulator.seed({ accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 500 } });
    }
  });
});
