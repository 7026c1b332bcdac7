// Duplicate attribute resiliency's known issue for groups (how-to-connect-syncservice-duplicate-
// attribute-resiliency, Known issues, Core behavior): "If two Groups are created on-premises with
// the same SMTP address, one fails to provision on the first attempt with a standard duplicate
// ProxyAddress error. However, the duplicate value is properly quarantined upon the next sync
// cycle." The first group is in the tenant (synchronized); the second is new in AD. LDIF snapshot
// and the Graph emulator, staging mode.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Dn } from '../../../src/engine/model/dn';
import { CONTOSO_DOMAIN as domain, openLdifTenant, type LdifTenant } from '../../support/ldif-tenant';

const groupsOu = `OU=Groups,OU=Contoso,${domain}`;
const usersOu = `OU=Engineering,OU=Contoso,${domain}`;

const group = (cn: string, address: string) => [
  `dn: CN=${cn},${groupsOu}`, 'changetype: add', 'objectClass: top', 'objectClass: group', 'groupType: -2147483640', `cn: ${cn}`,
  `sAMAccountName: ${cn.toLowerCase().replace(/\W/g, '')}`, `mail: ${address}`, `proxyAddresses: SMTP:${address}`,
  `objectGUID:: ${randomBytes(16).toString('base64')}`, `distinguishedName: CN=${cn},${groupsOu}`, '',
].join('\n');

describe('two on-premises groups with one SMTP address', () => {
  let world: LdifTenant;
  const sync = async (dn: string) => (await world.session.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true })).summary;

  before(async () => {
    const base = await readFile(path.resolve(__dirname, '../../fixtures/contoso-snapshot.ldif'), 'utf8');
    const user = [
      `dn: CN=Dl Member,${usersOu}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user', 'cn: Dl Member',
      'sAMAccountName: dlmember', 'userPrincipalName: dl.member@contoso.com', 'userAccountControl: 512', 'mailNickname: dl.member', 'mail: dl.member@contoso.com',
      'proxyAddresses: SMTP:dl.member@contoso.com', 'proxyAddresses: smtp:shared.dl@contoso.com', `objectGUID:: ${randomBytes(16).toString('base64')}`, `distinguishedName: CN=Dl Member,${usersOu}`, '',
    ].join('\n');
    world = await openLdifTenant(`${base.trimEnd()}\n\n${[group('Second Group', 'shared.dl@contoso.com'), user].join('\n')}`, {
      groups: [{ displayName: 'First Group', mailEnabled: true, securityEnabled: false, groupTypes: [], mailNickname: 'first.group', mail: 'shared.dl@contoso.com', proxyAddresses: ['SMTP:shared.dl@contoso.com'], onPremisesSyncEnabled: true }],
    });
  });
  after(() => world?.close());

  test('the new group fails on the first attempt with AttributeValueMustBeUnique, naming the group that holds the address', async () => {
    const s = await sync(`CN=Second Group,${groupsOu}`);
    assert.equal(s.provisioningStatusInfo.status, 'failure', JSON.stringify(s.provisioningStatusInfo));
    const error = s.provisioningStatusInfo.errorInformation!;
    assert.equal(error.errorCode, 'AttributeValueMustBeUnique');
    assert.match(error.reason, /First Group/);
    assert.match(error.reason, /shared\.dl@contoso\.com/);
    assert.match(error.reason, /next sync cycle/);
  });

  test('a user with the same address as a secondary smtp is quarantined, not failed (resiliency)', async () => {
    const s = await sync(`CN=Dl Member,${usersOu}`);
    assert.notEqual(s.provisioningStatusInfo.status, 'failure', JSON.stringify(s.provisioningStatusInfo));
    const proxies = s.modifiedProperties.find((p) => p.displayName === 'proxyAddresses')?.newValue ?? '';
    assert.doesNotMatch(proxies, /shared\.dl@contoso\.com/);
  });
});
