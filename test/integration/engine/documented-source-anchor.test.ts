// A text attribute as the source anchor, from Microsoft's "Design concepts" page
// (plan-connect-design-concepts, sourceAnchor): the anchor attribute "must be either a string,
// integer, or binary"; "if the selected sourceAnchor isn't of type string, then Microsoft Entra
// Connect Base64Encode the attribute value"; commonly used attributes include employeeID. The
// value must have "fewer than 60 characters" (a character outside a-z, A-Z, 0-9 "encoded and
// counted as 3 characters") and no special character of \ ! # $ % & * + / = ? ^ ` { } | ~ < > ( )
// ' ; : , [ ] " @ _. Only mS-DS-ConsistencyGuid falls back to objectGUID. Groups keep objectGUID (the out-of-box group rules). LDIF snapshot and the
// Graph emulator, configured with "sourceAnchor": "employeeID"; none of these objects is in a fixture.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { CONTOSO_DOMAIN as domain, openLdifTenant, type LdifTenant } from '../../support/ldif-tenant';

const ou = `OU=Engineering,OU=Contoso,${domain}`;
const groupsOu = `OU=Groups,OU=Contoso,${domain}`;
const guids = new Map<string, Buffer>();
const guidOf = (cn: string) => guids.get(cn) ?? guids.set(cn, randomBytes(16)).get(cn)!;

function user(cn: string, employeeID?: string): string {
  const nick = cn.toLowerCase().replace(/\W+/g, '.');
  return [
    `dn: CN=${cn},${ou}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user',
    `cn: ${cn}`, `displayName: ${cn}`, `sAMAccountName: ${nick.slice(0, 20)}`, `userPrincipalName: ${nick}@contoso.com`, 'userAccountControl: 512',
    `objectGUID:: ${guidOf(cn).toString('base64')}`,
    ...(employeeID === undefined ? [] : [`employeeID:: ${Buffer.from(employeeID, 'utf8').toString('base64')}`]),
    `distinguishedName: CN=${cn},${ou}`, '',
  ].join('\n');
}

const hardId = 'e1e1e1e1-1111-4222-8333-444444444444';

describe('a text source anchor (employeeID), as Microsoft documents it', () => {
  let world: LdifTenant;
  const sync = async (dn: string) => (await world.session.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true })).summary;
  const info = (s: ProvisioningObjectSummary) => JSON.stringify(s.provisioningStatusInfo);
  const step = (s: ProvisioningObjectSummary, n: number) => s.provisioningSteps.find((x) => x.stepNumber === n)!;
  const planned = (s: ProvisioningObjectSummary, attribute: string) => s.modifiedProperties.find((p) => p.displayName === attribute)?.newValue;

  before(async () => {
    const base = await readFile(path.resolve(__dirname, '../../fixtures/contoso-snapshot.ldif'), 'utf8');
    const entries = [
      user('Emp Synced', 'E12345'), user('Emp New', 'E20001'), user('Emp None'),
      user('Emp At', 'e@12345'), user('Emp Underscore', 'E_12345'), user('Emp Long', 'é'.repeat(20)), user('Emp Short Accents', 'é'.repeat(19)),
      [`dn: CN=Emp Group,${groupsOu}`, 'changetype: add', 'objectClass: top', 'objectClass: group', 'groupType: -2147483646', 'cn: Emp Group',
        'sAMAccountName: emp.group', 'employeeID: G1', `objectGUID:: ${guidOf('Emp Group').toString('base64')}`, `distinguishedName: CN=Emp Group,${groupsOu}`, ''].join('\n'),
    ];
    world = await openLdifTenant(`${base.trimEnd()}\n\n${entries.join('\n')}`, {
      users: [{ id: hardId, displayName: 'Cloud Emp', userPrincipalName: 'cloud.emp@contoso.com', mailNickname: 'cloud.emp', accountEnabled: true, onPremisesImmutableId: 'E12345', onPremisesSyncEnabled: true }],
    }, { sourceAnchor: 'employeeID' });
  });
  after(() => world?.close());

  test('the string is the anchor as it stands: hard match on onPremisesImmutableId = E12345, an update of that user', async () => {
    const s = await sync(`CN=Emp Synced,${ou}`);
    assert.equal(step(s, 8).details.SourceAnchor, 'E12345', info(s));
    assert.equal(s.plannedProvisioningAction, 'update', info(s));
    assert.equal(s.targetIdentity.id, hardId);
  });

  test('a new user is created with the string as its sourceAnchor, not a base64 objectGUID', async () => {
    const s = await sync(`CN=Emp New,${ou}`);
    assert.equal(s.plannedProvisioningAction, 'create', info(s));
    assert.equal(planned(s, 'sourceAnchor'), 'E20001');
    assert.equal(step(s, 8).details.SourceAnchor, 'E20001');
  });

  // "A user object must satisfy the following to be synchronized: Must have a sourceAnchor"
  // (concept-azure-ad-connect-sync-default-configuration). The out-of-box rules fall back to
  // objectGUID for mS-DS-ConsistencyGuid only (plan-connect-design-concepts: "If the
  // mS-DS-ConsistencyGuid attribute isn't populated, ... objectGUID"): their template is
  // IIF("<attribute>"="mS-DS-ConsistencyGuid", <fallback>, <the attribute>).
  test('a user without the attribute has no sourceAnchor and is not provisioned (SourceAnchorMissing); a group keeps objectGUID', async () => {
    const none = await sync(`CN=Emp None,${ou}`);
    assert.equal(step(none, 7).details.SourceAnchor, undefined, info(none));
    assert.equal(none.plannedProvisioningAction, 'other', info(none));
    assert.equal(none.exported, false);
    assert.equal(none.provisioningStatusInfo.errorInformation?.errorCode, 'SourceAnchorMissing', info(none));
    assert.match(none.provisioningStatusInfo.errorInformation?.reason ?? '', /employeeID/);
    assert.equal(planned(none, 'sourceAnchor'), undefined);
    const group = await sync(`CN=Emp Group,${groupsOu}`);
    assert.equal(step(group, 8).details.SourceAnchor, guidOf('Emp Group').toString('base64'), info(group));
  });

  test('a value with a special character (@, _) or of 60 counted characters is refused by name; 57 counted is taken', async () => {
    for (const [cn, pattern] of [['Emp At', /special character @/], ['Emp Underscore', /special character _/], ['Emp Long', /counts 60 characters/]] as const) {
      const s = await sync(`CN=${cn},${ou}`);
      assert.equal(s.provisioningStatusInfo.status, 'failure', `${cn}: ${info(s)}`);
      assert.equal(s.provisioningStatusInfo.errorInformation?.errorCode, 'SourceAnchorValueInvalid', cn);
      assert.match(s.provisioningStatusInfo.errorInformation?.reason ?? '', pattern, cn);
      assert.match(s.provisioningStatusInfo.errorInformation?.reason ?? '', /employeeID/, cn);
    }
    const short = await sync(`CN=Emp Short Accents,${ou}`);
    assert.equal(short.plannedProvisioningAction, 'create', info(short));
    assert.deepEqual(step(short, 10).attributes?.find((r) => r.name === 'sourceAnchor')?.value, ['é'.repeat(19)], 'the anchor is taken');
    // The same 19 characters also flow to employeeId, whose maximum is 16 (Graph user resource,
    // GRAPH 40: "employeeId [16]"; AD's employeeID holds at most 16 too): "When an attribute exceeds the
    // allowed size limit, length limit, or count limit set by Microsoft Entra schema, the
    // synchronization operation results in a LargeObject or ExceededAllowedLength sync error"
    // (tshoot-connect-sync-errors). The anchor is accepted; the export fails on employeeId.
    assert.equal(short.provisioningStatusInfo.errorInformation?.errorCode, 'ExceededAllowedLength', info(short));
    assert.match(short.provisioningStatusInfo.errorInformation?.reason ?? '', /employeeId .* 19 characters long; Microsoft Entra ID allows at most 16/);
  });
});
