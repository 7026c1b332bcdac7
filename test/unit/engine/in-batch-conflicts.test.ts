// Values more than one object of a staging batch would add in Entra ID (duplicate attribute
// resiliency quarantines them on all but the first exported): which values count, and which not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeConflict, exportClaims, InBatchClaims } from '../../../src/engine/batch/in-batch-conflicts';
import type { AttributeRow, ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { createSuccess, outOfScopeOu, updateSuccess } from '../../fixtures/summaries/build';

/** A staging result whose Export step would add these values (valueAdd) and keep these (unchanged). */
function staged(summary: ProvisioningObjectSummary, adds: Record<string, string[]>, kept: Record<string, string[]> = {}): ProvisioningObjectSummary {
  const copy = structuredClone(summary);
  const step = copy.provisioningSteps.find((s) => s.stepNumber === 10)!;
  step.status = 'skipped';
  step.details = { SkipReason: 'StagingMode' };
  const row = (name: string, value: string[], valueAdd: string[]): AttributeRow => ({ name, isMultiValued: value.length > 1, type: 'String', value, valueAdd, valueDelete: [], operation: valueAdd.length ? 'add' : 'none' });
  step.attributes = [...Object.entries(adds).map(([n, v]) => row(n, v, v)), ...Object.entries(kept).map(([n, v]) => row(n, v, []))];
  copy.provisioningStatusInfo = { status: 'success', errorInformation: null };
  return copy;
}

test('a staged create claims its UPN and SMTP addresses (proxyAddresses and mail, one namespace), in lower case; other address types and empty values do not count', () => {
  const claims = exportClaims(staged(createSuccess(), {
    userPrincipalName: ['Jane.Doe@Contoso.com'],
    proxyAddresses: ['SMTP:Jane.Doe@contoso.com', 'smtp:jd@contoso.mail.onmicrosoft.com', 'SIP:jane.doe@contoso.com', 'X500:/o=Contoso/cn=jdoe', 'smtp:'],
    mail: ['jane.doe@CONTOSO.com'],
    displayName: ['Jane Doe'],
  }));
  assert.deepEqual(claims, [
    ['upn:jane.doe@contoso.com', 'Jane.Doe@Contoso.com'],
    ['smtp:jane.doe@contoso.com', 'jane.doe@CONTOSO.com'],
    ['smtp:jd@contoso.mail.onmicrosoft.com', 'jd@contoso.mail.onmicrosoft.com'],
  ]);
});

test('no claims for what the export would not add: values the cloud object holds already, an object out of scope, an update with nothing to write', () => {
  assert.deepEqual(exportClaims(staged(updateSuccess(), { department: ['Sales'] }, { userPrincipalName: ['jane@contoso.com'], proxyAddresses: ['SMTP:jane@contoso.com'] })), []);
  assert.deepEqual(exportClaims(outOfScopeOu()), []);
  const nothingToWrite = staged(updateSuccess(), { userPrincipalName: ['jane@contoso.com'] });
  nothingToWrite.modifiedProperties = [];
  assert.deepEqual(exportClaims(nothingToWrite), [], 'plannedWrite none');
});

test('a value claimed by two or more objects is one conflict naming them in batch order; one object claiming a value twice (mail and its SMTP proxy) is not', () => {
  const claims = new InBatchClaims();
  claims.add('CN=A', [['upn:x@contoso.com', 'x@contoso.com'], ['smtp:x@contoso.com', 'x@contoso.com']]);
  claims.add('CN=B', [['upn:y@contoso.com', 'y@contoso.com'], ['smtp:x@contoso.com', 'X@contoso.com']]);
  claims.add('CN=C', [['smtp:x@contoso.com', 'x@contoso.com'], ['upn:x@contoso.com', 'X@Contoso.com']]);
  claims.add('CN=C', [['smtp:x@contoso.com', 'x@contoso.com']]);
  assert.equal(claims.conflicts().length, 2);
  assert.deepEqual(claims.conflicts(), [
    { attribute: 'userPrincipalName', value: 'x@contoso.com', objects: ['CN=A', 'CN=C'] },
    { attribute: 'smtpAddress', value: 'x@contoso.com', objects: ['CN=A', 'CN=B', 'CN=C'] },
  ]);
  assert.equal(describeConflict(claims.conflicts()[0]!), 'userPrincipalName x@contoso.com: 2 objects of this batch would add it (CN=A; CN=C); Entra ID keeps it on the one exported first and quarantines it on the others.');
  const single = new InBatchClaims();
  single.add('CN=A', [['upn:x@contoso.com', 'x@contoso.com']]);
  single.add('CN=B', [['upn:z@contoso.com', 'z@contoso.com']]);
  assert.deepEqual(single.conflicts(), []);
});

test('a value thousands of objects share is one line naming the first ten', () => {
  const claims = new InBatchClaims();
  for (let i = 1; i <= 50_000; i++) claims.add(`CN=U${i}`, [['smtp:all@contoso.com', 'all@contoso.com']]);
  const [conflict] = claims.conflicts();
  assert.equal(conflict!.objects.length, 50_000);
  const line = describeConflict(conflict!);
  assert.match(line, /^SMTP address all@contoso\.com: 50000 objects of this batch would add it \(CN=U1; CN=U2; .*; CN=U10; and 49990 more\); /);
  assert.ok(line.length < 400, `${line.length} characters`);
});
