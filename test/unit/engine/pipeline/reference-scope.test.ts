// Entra Connect exports a reference (member, manager) only to an object it synchronizes: a
// referenced object in a filtered domain or OU has no Microsoft Entra connector space object,
// so the reference is left out ("OU filtering is evaluated before group filtering"; filtered
// objects are not synchronized: how-to-connect-sync-configure-filtering).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ActiveDirectoryConnectorConfig } from '../../../../src/app/config/model';
import type { AttributeValue } from '../../../../src/engine/model/attributes';
import { applyReferenceScope, referenceNames, referenceOutOfScope } from '../../../../src/engine/pipeline/reference-scope';

const base = 'DC=corp,DC=contoso,DC=com';
const connectors: ActiveDirectoryConnectorConfig[] = [{
  name: 'corp.contoso.com',
  url: 'ldaps://dc1:636',
  partitions: [
    { dn: base, selected: true, inclusions: [base], exclusions: [`OU=Excluded,${base}`] },
    { dn: 'DC=lab,DC=contoso,DC=com', selected: false, inclusions: [], exclusions: [] },
  ],
  objectTypes: ['user', 'group'],
}];

test('a referenced object is out of scope when its OU is excluded, its domain not selected or not configured', () => {
  assert.equal(referenceOutOfScope(connectors, `CN=In,OU=Sales,${base}`), undefined);
  assert.match(referenceOutOfScope(connectors, `CN=Out,OU=Excluded,${base}`) ?? '', /Excluded by container OU=Excluded/);
  assert.match(referenceOutOfScope(connectors, 'CN=Lab,DC=lab,DC=contoso,DC=com') ?? '', /not selected/);
  assert.match(referenceOutOfScope(connectors, 'CN=Far,DC=fabrikam,DC=com') ?? '', /not in a domain this configuration synchronizes/);
  // Not a DN: left to the caller, never a throw.
  assert.equal(referenceOutOfScope(connectors, 'not a dn'), undefined);
});

test('member keeps the references in scope; a manager out of scope is exported as none; each with a note', () => {
  const desired: Record<string, AttributeValue[] | null> = {
    displayName: ['G'],
    Member: [`CN=In,OU=Sales,${base}`, `CN=Out,OU=Excluded,${base}`],
    manager: [`CN=Boss,OU=Excluded,${base}`],
  };
  const notes: Record<string, string> = { manager: 'Earlier note.' };
  assert.deepEqual(referenceNames(desired), ['Member', 'manager']);
  applyReferenceScope(desired, notes, referenceNames(desired), (dn) => referenceOutOfScope(connectors, dn));
  assert.deepEqual(desired.Member, [`CN=In,OU=Sales,${base}`]);
  assert.equal(desired.manager, null);
  assert.deepEqual(desired.displayName, ['G']);
  assert.match(notes.Member!, /^1 reference\(s\) not exported: the object is outside the sync scope.*CN=Out,OU=Excluded/);
  assert.match(notes.manager!, /^Earlier note\. 1 reference\(s\) not exported/);
});

test('nothing changes when every reference is in scope', () => {
  const desired: Record<string, AttributeValue[] | null> = { member: [`CN=A,${base}`, `CN=B,OU=Sales,${base}`] };
  const notes: Record<string, string> = {};
  applyReferenceScope(desired, notes, referenceNames(desired), (dn) => referenceOutOfScope(connectors, dn));
  assert.deepEqual(desired.member, [`CN=A,${base}`, `CN=B,OU=Sales,${base}`]);
  assert.deepEqual(notes, {});
});
