// The AAD connector -> Graph map: every attribute the sample's "Out to AAD" rules write is
// either mapped to a writable Graph property or reported as not exportable, never dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planExport, toConnectorSpace } from '../../../../src/adapters/entra/graph/attribute-map';
import { startEmulator } from '../../../graph-emulator/index';
import { userProperties, userWritable, groupProperties, groupWritable } from '../../../graph-emulator/schema';

// Destinations of "Out to AAD - User Identity / Join / ExchangeOnline (part)" in the Contoso sample.
const userRuleTargets = [
  'accountEnabled', 'alias', 'displayName', 'givenName', 'mail', 'onPremisesUserPrincipalName', 'proxyAddresses', 'surname',
  'userPrincipalName', 'commonName', 'dnsDomainName', 'lastPasswordChangeTimestamp', 'netBiosName', 'onPremisesSamAccountName',
  'onPremiseSecurityIdentifier', 'dn', 'sourceAnchor', 'usageLocation', 'city', 'country', 'company', 'department', 'title',
  'telephoneNumber', 'mobile', 'facsimileTelephoneNumber', 'physicalDeliveryOfficeName', 'postalCode', 'state', 'streetAddress',
  'preferredLanguage', 'extensionAttribute1', 'extensionAttribute15', 'msExchHideFromAddressLists', 'thumbnailPhoto', 'manager',
];

test('every user attribute of the outbound rules is mapped or listed as not exportable, with a reason', () => {
  const attributes: Record<string, (string | boolean)[]> = Object.fromEntries(userRuleTargets.map((a) => [a, ['v']]));
  attributes.accountEnabled = [true];
  const plan = planExport('user', attributes);
  const mapped = new Set(Object.keys(plan.properties));
  const refused = new Set(plan.notExportable.map((n) => n.attribute));
  for (const a of userRuleTargets) {
    const inPlan = refused.has(a) || ['accountEnabled', 'alias', 'displayName', 'givenName', 'mail', 'surname', 'userPrincipalName', 'sourceAnchor', 'usageLocation',
      'city', 'country', 'company', 'department', 'title', 'telephoneNumber', 'mobile', 'facsimileTelephoneNumber', 'physicalDeliveryOfficeName', 'postalCode',
      'state', 'streetAddress', 'preferredLanguage', 'extensionAttribute1', 'extensionAttribute15'].includes(a);
    assert.ok(inPlan, `${a} is neither mapped nor reported`);
  }
  for (const n of plan.notExportable) assert.ok(n.reason.length > 20, `${n.attribute} has a reason`);
  assert.deepEqual(
    [...refused].sort(),
    ['commonName', 'dn', 'dnsDomainName', 'lastPasswordChangeTimestamp', 'manager', 'msExchHideFromAddressLists', 'netBiosName', 'onPremiseSecurityIdentifier',
      'onPremisesSamAccountName', 'onPremisesUserPrincipalName', 'proxyAddresses', 'thumbnailPhoto'],
  );
  // Every Graph property the plan writes is writable per the emulator's (documented) tables.
  for (const p of mapped) assert.ok(p in userProperties && userWritable.has(p), `${p} is a writable user property`);
  assert.deepEqual(plan.properties.onPremisesExtensionAttributes, { extensionAttribute1: 'v', extensionAttribute15: 'v' });
  assert.deepEqual(plan.properties.businessPhones, ['v']);
  assert.equal(plan.properties.mailNickname, 'v');
  assert.equal(plan.properties.jobTitle, 'v');
});

test('each refusal says what kind it is: read-only in Graph, no Graph property, not exported by this tool', () => {
  const plan = planExport('user', { proxyAddresses: ['SMTP:a@b.c'], onPremiseSecurityIdentifier: ['S-1'], commonName: ['A'], countryCode: ['578'], netBiosName: ['CORP'], manager: ['CN=B'], msExchMailboxGuid: ['x'], displayName: null, accountEnabled: ['maybe'] });
  const kinds = Object.fromEntries(plan.notExportable.map((n) => [n.attribute, n.kind]));
  assert.deepEqual(kinds, {
    proxyAddresses: 'readOnlyInGraph', onPremiseSecurityIdentifier: 'readOnlyInGraph', commonName: 'noGraphProperty', countryCode: 'noGraphProperty',
    netBiosName: 'noGraphProperty', manager: 'notExportedByTool', msExchMailboxGuid: 'noGraphProperty', displayName: 'notClearable', accountEnabled: 'invalidValue',
  });
  assert.equal(planExport('contact', { displayName: ['C'] }).notExportable[0]!.kind, 'readOnlyObject');
});

test('values: binary sourceAnchor is Base64, booleans from text, null clears, non-clearable stays reported', () => {
  const guid = new Uint8Array([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10]);
  const plan = planExport('user', { sourceAnchor: [guid], accountEnabled: ['False'], department: null, displayName: null, cloudFiltered: [true] });
  assert.equal(plan.properties.onPremisesImmutableId, 'AQIDBAUGBwgJCgsMDQ4PEA==');
  assert.equal(plan.properties.accountEnabled, false);
  assert.equal(plan.properties.department, null);
  assert.equal('displayName' in plan.properties, false);
  assert.deepEqual(plan.notExportable.map((n) => n.attribute), ['displayName']);
  assert.equal(plan.notExportable.some((n) => n.attribute === 'cloudFiltered'), false, 'engine-only attributes are not export candidates');
});

test('groups: members are left to addMembers; mail, proxyAddresses and sourceAnchor are not writable', () => {
  const plan = planExport('group', {
    displayName: ['Team'], alias: ['team'], securityEnabled: [true], member: ['CN=a'], mail: ['t@contoso.com'], proxyAddresses: ['SMTP:t@contoso.com'], sourceAnchor: ['x'],
  });
  assert.deepEqual(plan.properties, { displayName: 'Team', mailNickname: 'team', securityEnabled: true });
  assert.deepEqual(plan.notExportable.map((n) => n.attribute).sort(), ['mail', 'proxyAddresses', 'sourceAnchor']);
  for (const p of Object.keys(plan.properties)) assert.ok(p in groupProperties && groupWritable.has(p));
});

test('groups: Graph v1.0 writes only security groups, and a mailNickname within its documented characters; both refused before the write', () => {
  // POST /groups: mailNickname at most 64 ASCII characters, none of @ () \ [] " ; : . <> , or space;
  // only security groups (securityEnabled true) and Microsoft 365 groups can be written.
  const distribution = planExport('group', { displayName: ['All Staff'], securityEnabled: [false], alias: ['all.staff'] });
  assert.deepEqual(distribution.properties, { displayName: 'All Staff' });
  const kinds = Object.fromEntries(distribution.notExportable.map((n) => [n.attribute, n.kind]));
  assert.deepEqual(kinds, { securityEnabled: 'readOnlyInGraph', alias: 'invalidValue' });
  assert.match(distribution.notExportable.find((n) => n.attribute === 'securityEnabled')!.reason, /security groups and Microsoft 365 groups/);
  assert.match(distribution.notExportable.find((n) => n.attribute === 'alias')!.reason, /'\.'/);
  for (const bad of ['a b', 'a@b', 'a(b)', 'a;b', 'ä', 'x'.repeat(65)]) {
    assert.equal(planExport('group', { alias: [bad] }).notExportable[0]?.kind, 'invalidValue', bad);
  }
  assert.deepEqual(planExport('group', { alias: ['Sales-Team_01'], securityEnabled: ['True'] }).properties, { mailNickname: 'Sales-Team_01', securityEnabled: true });
});

test('contacts: nothing is exportable, because orgContact is read-only in Graph', () => {
  const plan = planExport('contact', { displayName: ['C'], mail: ['c@x.example'] });
  assert.deepEqual(plan.properties, {});
  assert.equal(plan.notExportable.length, 2);
  assert.match(plan.notExportable[0]!.reason, /read-only in Microsoft Graph/);
});

test('toConnectorSpace: Graph user -> AAD connector names, with cloudAnchor and sourceAnchor', () => {
  const attrs = toConnectorSpace({
    kind: 'user', id: 'abc',
    properties: {
      userPrincipalName: 'a@contoso.com', mailNickname: 'a', onPremisesImmutableId: 'AQID', jobTitle: null, businessPhones: ['+1 555'], accountEnabled: true,
      proxyAddresses: ['SMTP:a@contoso.com'], onPremisesExtensionAttributes: { extensionAttribute3: 'x', extensionAttribute4: null }, onPremisesSyncEnabled: false,
    },
  });
  assert.deepEqual(attrs, {
    cloudAnchor: ['User_abc'], accountEnabled: [true], alias: ['a'], sourceAnchor: ['AQID'], telephoneNumber: ['+1 555'], userPrincipalName: ['a@contoso.com'],
    extensionAttribute3: ['x'], proxyAddresses: ['SMTP:a@contoso.com'], dirSyncEnabled: [false],
  });
});

test('planExport output is accepted by the emulator as a user creation body', async () => {
  const emu = await startEmulator();
  try {
    const { createEntraTarget } = await import('../../../../src/adapters/entra/index');
    const t = createEntraTarget({ tenantId: emu.tenantId, clientId: emu.clientId, authorityHost: emu.authorityHost, graphEndpoint: emu.graphEndpoint, caFile: emu.caFile }, emu.clientSecret);
    const plan = t.planExport('user', {
      accountEnabled: [true], alias: ['kim'], displayName: ['Kim Ray'], givenName: ['Kim'], surname: ['Ray'], userPrincipalName: ['kim@contoso.com'],
      sourceAnchor: [new Uint8Array(16).fill(7)], usageLocation: ['NO'], title: ['Engineer'], telephoneNumber: ['+47 1234'], extensionAttribute2: ['E2'],
      proxyAddresses: ['SMTP:kim@contoso.com'],
    });
    const created = await t.create('user', plan.properties);
    const stored = emu.state().users.find((u) => u.id === created.id)!;
    assert.equal(stored.onPremisesImmutableId, Buffer.from(new Uint8Array(16).fill(7)).toString('base64'));
    assert.deepEqual(stored.onPremisesExtensionAttributes, { extensionAttribute2: 'E2' });
    assert.deepEqual(plan.notExportable.map((n) => n.attribute), ['proxyAddresses']);
    await t.close();
  } finally {
    await emu.close();
  }
});

test('several values for a single-valued property (an expression applied to every value of a multi-valued attribute) are refused by name, not the first one written', () => {
  const plan = planExport('user', {
    displayName: ['Kim Ray'],
    department: ['N', 'N', 'N', 'U'],
    accountEnabled: [true, false],
    extensionAttribute3: ['a', 'b'],
    otherMails: ['a@x.com', 'b@x.com'],
  });
  assert.equal(plan.properties.displayName, 'Kim Ray');
  assert.equal('department' in plan.properties, false);
  assert.equal('accountEnabled' in plan.properties, false);
  assert.equal((plan.properties.onPremisesExtensionAttributes as Record<string, unknown> | undefined)?.extensionAttribute3, undefined);
  const refused = new Map(plan.notExportable.map((n) => [n.attribute, n]));
  for (const name of ['department', 'accountEnabled', 'extensionAttribute3']) {
    assert.equal(refused.get(name)?.kind, 'invalidValue', name);
    assert.match(refused.get(name)!.reason, /values .* holds one value; it is not written.*Item\(\)/, name);
  }
  assert.match(refused.get('department')!.reason, /4 values \('N', 'N', 'N', \.\.\.\)/);
  assert.equal(refused.has('otherMails'), false, 'a multi-valued property takes them all');
});
