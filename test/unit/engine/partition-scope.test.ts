// Step 1's domain checks, from the troubleshooting logic (reference section 2, "Domain"): the
// object's domain is its own naming context in the directory, and the connector fails the check
// when it has no run profiles or when any run profile lacks a run step for the partition.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ActiveDirectoryConnectorConfig, ConnectorRunProfiles } from '../../../src/app/config/model';
import { Dn } from '../../../src/engine/model/dn';
import { objectNamingContext, runProfileCoverage } from '../../../src/engine/scope/partition-scope';

const parent = 'DC=corp,DC=contoso,DC=com';
const child = `DC=emea,${parent}`;
const nc = (dn: string) => ({ dn: Dn.parse(dn), dnsRoot: dn.replace(/DC=/g, '').replace(/,/g, '.') });
const connector = (runProfiles?: ConnectorRunProfiles): ActiveDirectoryConnectorConfig =>
  ({ name: 'corp.contoso.com', partitions: [{ dn: parent, selected: true, inclusions: [], exclusions: [] }], objectTypes: ['user'], ...(runProfiles ? { runProfiles } : {}) }) as ActiveDirectoryConnectorConfig;
const all = ['Full Import', 'Delta Import', 'Full Synchronization', 'Delta Synchronization', 'Export'];

test("the object's domain is the longest naming context holding it, compared RDN by RDN", () => {
  const contexts = [nc(parent), nc(child)];
  assert.equal(objectNamingContext(contexts, Dn.parse(`CN=u,CN=Users,${child}`))?.dnsRoot, 'emea.corp.contoso.com');
  assert.equal(objectNamingContext([nc(child), nc(parent)], Dn.parse(`cn=u,cn=users,dc=EMEA,dc=corp,dc=contoso,dc=com`))?.dnsRoot, 'emea.corp.contoso.com');
  assert.equal(objectNamingContext(contexts, Dn.parse(`CN=u,OU=Sales,${parent}`))?.dnsRoot, 'corp.contoso.com');
  // "DC=xemea" is not within "DC=emea": no string suffix matching.
  assert.equal(objectNamingContext(contexts, Dn.parse(`CN=u,DC=xemea,${parent}`))?.dnsRoot, 'corp.contoso.com');
  // A directory that lists none (a snapshot without crossRefs): undefined, step 1 keeps the configured partition.
  assert.equal(objectNamingContext([], Dn.parse(`CN=u,${child}`)), undefined);
  assert.equal(objectNamingContext([nc('DC=fabrikam,DC=com')], Dn.parse(`CN=u,${child}`)), undefined);
});

test('run profiles unknown (JSON-only configuration): not checked', () => {
  assert.equal(runProfileCoverage(connector(), Dn.parse(parent)).status, 'unknown');
});

test('a connector with no run profiles fails the check', () => {
  assert.equal(runProfileCoverage(connector({ partitions: [parent], profiles: [] }), Dn.parse(parent)).status, 'noRunProfiles');
});

test('every run profile, of any kind, must have a run step for the partition', () => {
  const covered = connector({ partitions: [parent, child], profiles: all.map((name) => ({ name, partitions: [parent] })) });
  assert.deepEqual(runProfileCoverage(covered, Dn.parse('dc=CORP,dc=contoso,dc=com')), { status: 'covered' });
  // Only the Export profile lacks it: that alone puts the partition out of scope (literally "any run profile").
  const exportLacks = connector({ partitions: [parent, child], profiles: all.map((name) => ({ name, partitions: name === 'Export' ? [child] : [parent] })) });
  assert.deepEqual(runProfileCoverage(exportLacks, Dn.parse(parent)), { status: 'missing', profiles: ['Export'] });
  const none = connector({ partitions: [parent, child], profiles: all.map((name) => ({ name, partitions: [child] })) });
  assert.deepEqual(runProfileCoverage(none, Dn.parse(parent)), { status: 'missing', profiles: all });
});

test("a partition the export does not know (configured only in the JSON) cannot be tied to its run steps: not checked", () => {
  const c = connector({ partitions: ['DC=contoso,DC=com'], profiles: all.map((name) => ({ name, partitions: ['DC=contoso,DC=com'] })) });
  assert.equal(runProfileCoverage(c, Dn.parse(parent)).status, 'unknown');
});
