// What a configuration change needs on the Entra Connect server, as "Configure filtering" (Apply
// and verify changes) documents it: domain or OU filtering, a Full Import followed by a Delta
// Synchronization; attribute filtering (sync rules), a Full Synchronization; group-based filtering
// only with the installation wizard at the first installation, and never again once disabled.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ActiveDirectoryConnectorConfig } from '../../../src/engine/model/config';
import { builtinRuleDefinitions, createRuleSet } from '../../../src/engine/rules';
import { configurationChanges, howToApply, type ConfigurationSide } from '../../../src/engine/batch/applying-a-change';

const base = 'DC=corp,DC=contoso,DC=com';
const connector = (over: Partial<ActiveDirectoryConnectorConfig> = {}): ActiveDirectoryConnectorConfig => ({
  name: 'corp.contoso.com', url: 'ldaps://dc1:636', objectTypes: ['user', 'group'],
  partitions: [{ dn: base, selected: true, inclusions: [base], exclusions: [`OU=Lab,${base}`] }],
  ...over,
});
const rules = builtinRuleDefinitions();
const side = (c: ActiveDirectoryConnectorConfig, definitions = rules): ConfigurationSide => ({ connectors: [c], ruleSet: createRuleSet('builtin', definitions, { entraConnector: 'Microsoft Entra ID' }) });

test('the same filtering spelled differently (case, spaces, order) changes nothing and needs nothing', () => {
  const respelled = connector({ partitions: [{ dn: 'dc=CORP, dc=contoso, dc=com', selected: true, inclusions: [base.toLowerCase()], exclusions: [`ou=lab,${base}`] }], objectTypes: ['group', 'user'] });
  const changes = configurationChanges(side(connector()), side(respelled));
  assert.deepEqual(changes, { domainOrOuFiltering: [], objectTypes: [], rules: false, attributeSelection: [], groupFiltering: [] });
  assert.deepEqual(howToApply(changes), []);
});

test('an OU filtering change: Full Import followed by Delta Synchronization, and the Initial cycle on a staging server', () => {
  const changes = configurationChanges(side(connector()), side(connector({ partitions: [{ dn: base, selected: true, inclusions: [base], exclusions: [`OU=Lab,${base}`, `OU=Sales,${base}`] }] })));
  assert.deepEqual(changes.domainOrOuFiltering, ['corp.contoso.com']);
  assert.equal(changes.rules, false);
  const text = howToApply(changes).join('\n');
  assert.match(text, /Domain or OU filtering changes \(corp\.contoso\.com\): Entra Connect applies them with a Full Import of the connector followed by a Delta Synchronization/);
  assert.doesNotMatch(text, /Full Synchronization\./);
  assert.match(text, /Start-ADSyncSyncCycle -PolicyType Initial/);
});

test('a partition no longer selected is a domain filtering change', () => {
  const changes = configurationChanges(side(connector()), side(connector({ partitions: [{ dn: base, selected: false, inclusions: [base], exclusions: [`OU=Lab,${base}`] }] })));
  assert.deepEqual(changes.domainOrOuFiltering, ['corp.contoso.com']);
});

test('a rule change (attribute-based filtering): Full Synchronization, no Full Import', () => {
  const filtered = rules.map((r) => r.name === 'In from AD - User Join' ? { ...r, scope: [[...(r.scope[0] ?? []), { attribute: 'extensionAttribute15', operator: 'NOTEQUAL' as const, value: 'NoSync' }]] } : r);
  const changes = configurationChanges(side(connector()), side(connector(), filtered));
  assert.equal(changes.rules, true);
  assert.deepEqual(changes.domainOrOuFiltering, []);
  const text = howToApply(changes).join('\n');
  assert.match(text, /Sync rules change \(attribute-based filtering or flows\): Entra Connect applies them with a Full Synchronization\./);
  assert.doesNotMatch(text, /Full Import/);
  // A rule disabled is a change too.
  assert.equal(configurationChanges(side(connector()), side(connector(), rules.map((r, i) => (i === 0 ? { ...r, disabled: true } : r)))).rules, true);
});

test('group-based filtering turned on, or off: the wizard only, and never again once off', () => {
  const on = configurationChanges(side(connector()), side(connector({ groupFilteringGroupDn: `CN=Pilot,${base}` })));
  assert.deepEqual(on.groupFiltering, [{ connector: 'corp.contoso.com', change: 'enabled' }]);
  assert.match(howToApply(on).join('\n'), /can only be configured on initial installation with the installation wizard, and is not supported in a custom configuration/);
  const off = configurationChanges(side(connector({ groupFilteringGroupDn: `CN=Pilot,${base}` })), side(connector()));
  assert.match(howToApply(off).join('\n'), /once disabled it can't be enabled again/);
  const same = configurationChanges(side(connector({ groupFilteringGroupDn: `CN=Pilot,${base}` })), side(connector({ groupFilteringGroupDn: `cn=pilot, ${base}` })));
  assert.deepEqual(same.groupFiltering, []);
});
