// Step 1 with a configured partition the directory does not hold (PartitionNotInDirectory), through
// the whole pipeline (LDIF snapshot of corp.contoso.com + the Graph emulator, no Samba). The
// troubleshooting task's domain step (the reference entra-connect-single-object-sync.md,
// section on the steps): "Domain: partition DN = substring from the first `DC=`". The connector names
// DC=emea,DC=contoso,DC=com (a domain removed or renamed since the connector was configured) and
// the object's DN lies under it, but the directory lists only DC=corp,DC=contoso,DC=com among its
// domain partitions. Checked: step 1 fails with PartitionNotInDirectory naming the configured
// partition and the partitions found, and says what to do; the summary says the same; no later
// step runs, nothing is written to Microsoft Entra ID (emulator writes()) and no object state is
// stored. A sync of an object of the corp partition in the same session does export and store
// state, so those two checks can fail.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { CONTOSO_DOMAIN as corp, openLdifTenant, type LdifTenant } from '../../support/ldif-tenant';

const emea = 'DC=emea,DC=contoso,DC=com';
const emeaUser = `CN=Lena Vogel,OU=Users,${emea}`;
const alice = `CN=Alice Wu,OU=Sales,OU=Contoso,${corp}`;

const step = (s: ProvisioningObjectSummary, n: number) => s.provisioningSteps.find((x) => x.stepNumber === n)!;
const info = (s: ProvisioningObjectSummary) => JSON.stringify(s.provisioningStatusInfo);

/** The files in the state folder (none when it was never created). */
async function stateFiles(dir: string): Promise<string[]> {
  return readdir(dir, { recursive: true }).catch(() => [] as string[]);
}

describe('a configured partition the directory does not hold (PartitionNotInDirectory)', () => {
  let world: LdifTenant;

  before(async () => {
    const snapshot = await readFile(path.resolve(__dirname, '../../fixtures/contoso-snapshot.ldif'), 'utf8');
    world = await openLdifTenant(snapshot, {}, {
      activeDirectory: [{
        name: 'corp.contoso.com', ldifFile: 'snapshot.ldif',
        partitions: [
          { dn: corp, selected: true, inclusions: [corp], exclusions: [] },
          { dn: emea, selected: true, inclusions: [emea], exclusions: [] },
        ],
        objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'], groupFilteringGroupDn: null,
      }],
    });
  });
  after(() => world?.close());

  test('step 1 fails naming the partition and what the directory holds, and nothing is exported or stored', async () => {
    const { summary: s } = await world.session.sync(Dn.parse(emeaUser), { stagingMode: false, noHtmlReport: true });

    // Step 1 and the summary say the same error.
    const first = step(s, 1);
    assert.equal(first.status, 'failure', JSON.stringify(first));
    assert.equal(first.errorInformation?.errorCode, 'PartitionNotInDirectory', JSON.stringify(first));
    assert.equal(first.details.Partition, emea, 'the step names the configured partition');
    assert.equal(s.provisioningStatusInfo.status, 'failure', info(s));
    const error = s.provisioningStatusInfo.errorInformation;
    assert.equal(error?.errorCode, 'PartitionNotInDirectory', info(s));
    assert.deepEqual(first.errorInformation, error, 'the step and the summary carry one error');

    // What was wrong: the configured partition, and the partitions the directory does list.
    assert.equal(
      error.reason,
      `The partition '${emea}' is configured but the directory does not list it among its domain partitions (${corp}).`,
    );
    // What to do.
    assert.match(error.recommendedAction ?? '', /Refresh the connector configuration from the directory/);
    assert.match(error.recommendedAction ?? '', /removed or renamed/);
    assert.equal(error.documentationUrl, 'https://go.microsoft.com/fwlink/?linkid=866237');

    // Nothing further: no import, sync or export, no write to the tenant, no object state.
    for (const later of s.provisioningSteps.filter((x) => x.stepNumber >= 7)) {
      assert.equal(later.status, 'skipped', `step ${later.stepNumber}: ${later.status}`);
    }
    assert.equal(s.exported, false);
    assert.equal(s.provisioningAction, 'other');
    assert.deepEqual(world.emulator.writes(), [], 'nothing written to Microsoft Entra ID');
    assert.deepEqual(await stateFiles(world.session.stateDir), [], 'no object state stored');
  });

  test('control: an object of the partition the directory holds is exported and stored in the same session', async () => {
    const { summary: s } = await world.session.sync(Dn.parse(alice), { stagingMode: false, noHtmlReport: true });
    assert.equal(step(s, 1).status, 'success', info(s));
    assert.notEqual(s.provisioningStatusInfo.status, 'failure', info(s));
    assert.equal(s.exported, true, info(s));
    assert.ok(world.emulator.writes().length > 0, 'the export wrote to Microsoft Entra ID');
    assert.ok((await stateFiles(world.session.stateDir)).length > 0, 'the object state was stored');
  });
});
