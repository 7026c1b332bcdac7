import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ActiveDirectoryConnectorConfig } from '../../../src/app/config/model';
import { containerScope } from '../../../src/engine/scope/container-scope';
import { findPartition } from '../../../src/engine/scope/partition-scope';
import { Dn } from '../../../src/engine/model/dn';

const base = 'DC=corp,DC=contoso,DC=com';
const connector = (inclusions: string[], exclusions: string[], selected = true): ActiveDirectoryConnectorConfig => ({
  name: 'corp.contoso.com',
  url: 'ldaps://dc1:636',
  partitions: [{ dn: base, selected, inclusions, exclusions }],
  objectTypes: ['user'],
});

test('the most specific container decides: an included OU inside an excluded one is in scope', () => {
  const c = connector([base, `OU=Keep,OU=Excluded,${base}`], [`OU=Excluded,${base}`]);
  assert.equal(containerScope(c, Dn.parse(`CN=A,OU=Keep,OU=Excluded,${base}`)).inScope, true);
  const out = containerScope(c, Dn.parse(`CN=B,OU=Other,OU=Excluded,${base}`));
  assert.equal(out.inScope, false);
  assert.equal(out.decidedBy, 'exclusion');
  assert.equal(out.container, `OU=Excluded,${base}`);
});

test('matching is per RDN and case-insensitive, not a string suffix', () => {
  const c = connector([base], [`ou=excluded,dc=CORP,dc=contoso,dc=com`]);
  assert.equal(containerScope(c, Dn.parse(`CN=A,OU=Excluded,${base}`)).inScope, false);
  // "OU=NotExcluded" ends with the same characters but is another container.
  assert.equal(containerScope(c, Dn.parse(`CN=A,OU=NotExcluded,${base}`)).inScope, true);
});

test('an object under no inclusion is out of scope; an unselected partition is reported as such', () => {
  const c = connector([`OU=Sales,${base}`], []);
  assert.equal(containerScope(c, Dn.parse(`CN=A,OU=Engineering,${base}`)).decidedBy, 'noInclusion');
  assert.equal(containerScope(connector([base], [], false), Dn.parse(`CN=A,${base}`)).decidedBy, 'partitionNotSelected');
  assert.equal(containerScope(c, Dn.parse('CN=A,DC=fabrikam,DC=com')).decidedBy, 'noPartition');
});

test('the longest partition wins for child domains', () => {
  const parent = { dn: base, selected: true, inclusions: [], exclusions: [] };
  const child = { dn: `DC=emea,${base}`, selected: false, inclusions: [], exclusions: [] };
  const c: ActiveDirectoryConnectorConfig = { name: 'x', partitions: [parent, child], objectTypes: [] };
  assert.equal(findPartition([c], Dn.parse(`CN=A,DC=emea,${base}`))?.partition.dn, `DC=emea,${base}`);
  assert.equal(findPartition([c], Dn.parse(`CN=A,${base}`))?.partition.dn, base);
});
