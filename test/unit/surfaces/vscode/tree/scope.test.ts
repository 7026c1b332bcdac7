// The tree marks partitions and containers with the engine's own matcher (step 1's longest
// partition, step 3's OU filtering), comparing parsed names as AD does, never text suffixes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ActiveDirectoryConnectorConfig } from '../../../../../src/app/config/model';
import { Dn } from '../../../../../src/engine/model/dn';
import { configuredPartition, scopeOf } from '../../../../../src/surfaces/vscode/tree/scope';

const connector: ActiveDirectoryConnectorConfig = {
  name: 'contoso.com',
  partitions: [
    { dn: 'DC=contoso,DC=com', selected: true, inclusions: [], exclusions: ['OU=Sales\\, EMEA,DC=contoso,DC=com'] },
    { dn: 'DC=corp,DC=contoso,DC=com', selected: false, inclusions: [], exclusions: [] },
  ],
  objectTypes: ['user'],
};

test('the most specific configured partition holds a DN, compared RDN by RDN', () => {
  assert.equal(configuredPartition(connector, Dn.parse('CN=a,OU=x,DC=corp,DC=contoso,DC=com'))?.dn, 'DC=corp,DC=contoso,DC=com');
  assert.equal(configuredPartition(connector, Dn.parse('cn=a, dc=CONTOSO, dc=com'))?.dn, 'DC=contoso,DC=com');
  assert.equal(configuredPartition(connector, Dn.parse('CN=a,DC=cont\\6Fso,DC=com'))?.dn, 'DC=contoso,DC=com', 'hex escapes resolved');
  assert.equal(configuredPartition(connector, Dn.parse('CN=a,DC=notcontoso,DC=com')), undefined);
  assert.equal(configuredPartition(connector, Dn.parse('CN=a\\,DC=contoso\\,DC=com')), undefined, 'escaped commas are not separators');
});

test('OU filtering marks as step 3 decides, with escaped commas in the container name', () => {
  assert.equal(scopeOf(connector, Dn.parse('CN=Jane,OU=Sales\\2C EMEA,DC=contoso,DC=com')).inScope, false);
  assert.equal(scopeOf(connector, Dn.parse('CN=Jane,OU=Sales,DC=contoso,DC=com')).inScope, true);
  assert.match(scopeOf(connector, Dn.parse('CN=Jane,DC=corp,DC=contoso,DC=com')).reason, /not selected/);
});
