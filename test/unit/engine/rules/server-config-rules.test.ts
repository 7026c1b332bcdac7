// Rules loaded from the project's small export fixture, evaluated end to end (inbound to the
// metaverse, outbound to the Entra connector space), with the export's connector names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadServerConfiguration } from '../../../../src/app/config';
import { createRuleSet, evaluateInbound, evaluateOutbound, findJoin } from '../../../../src/engine/rules';
import { context, consistencyGuid, objectGuidBase64, toMetaverse, user } from './objects';

const fixture = path.resolve(__dirname, '../../../fixtures/server-config-small');

async function ruleSet() {
  const exported = await loadServerConfiguration(fixture);
  assert.deepEqual(exported.problems, []);
  return createRuleSet('serverConfiguration', exported.rules, { entraConnector: 'fabrikam.onmicrosoft.com - AAD', globalSettings: exported.globalSettings });
}

test('a user through the fixture rules reaches the Entra connector space with lineage', async () => {
  const rs = await ruleSet();
  const cs = user({ 'mS-DS-ConsistencyGuid': [consistencyGuid], proxyAddresses: [' SMTP:jane.doe@contoso.com ', 'SMTP:jane.doe@contoso.com'] });
  const inbound = evaluateInbound(rs, 'fabrikam.com', cs, { ...context, parameters: { ...context.parameters, 'Domain.FQDN': 'fabrikam.com' } });
  assert.deepEqual(inbound.appliedRules.map((r) => r.name), ['In from AD - User Join', 'In from AD - User AccountEnabled', 'In from AD - User Common']);
  assert.deepEqual(inbound.attributes.sourceAnchor?.values, [Buffer.from(consistencyGuid).toString('base64')]);
  assert.deepEqual(inbound.attributes.proxyAddresses?.values, ['SMTP:jane.doe@contoso.com']);
  assert.deepEqual(inbound.attributes.domainFQDN?.values, ['fabrikam.com']);
  const joined = findJoin(inbound.rules, cs, [{ id: 'mv', attributes: { sourceAnchorBinary: [consistencyGuid] } }]);
  assert.equal(joined.status, 'joined');
  const outbound = evaluateOutbound(rs, { objectType: 'person', attributes: toMetaverse(inbound.attributes) }, context);
  assert.equal(outbound.provision, true);
  assert.deepEqual(outbound.appliedRules.map((r) => r.name), ['Out to AAD - User Join', 'Out to AAD - User Identity']);
  assert.deepEqual(outbound.attributes.userPrincipalName, { values: ['jane.doe@contoso.com'], lineage: { syncRule: 'Out to AAD - User Identity', mappingType: 'Direct', dataSource: 'userPrincipalName', precedence: 124 } });
  assert.deepEqual(outbound.attributes.accountEnabled?.values, [true]);
});

test('rules of another connector do not apply; the disabled group rule is reported as disabled', async () => {
  const rs = await ruleSet();
  assert.deepEqual(evaluateInbound(rs, 'contoso.com', user(), context).appliedRules, []);
  const group = evaluateInbound(rs, 'fabrikam.com', { dn: 'CN=G,DC=fabrikam,DC=com', objectType: 'group', attributes: { objectGUID: [Buffer.from(objectGuidBase64, 'base64')] } }, context);
  assert.deepEqual(group.appliedRules.map((r) => r.name), ['In from AD - Group Join']);
  assert.deepEqual(group.outOfScopeRules, [{ ruleName: 'In from AD - Group Legacy (disabled)', direction: 'inbound', disabled: true, failedClauses: [] }]);
  assert.deepEqual(group.attributes.sourceAnchor?.values, [objectGuidBase64]);
});
