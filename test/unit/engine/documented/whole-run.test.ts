// Whole runs of the ten steps, over an LDIF snapshot and the Graph emulator (no Samba), on objects
// none of the fixtures hold, checked against Microsoft's documented behaviour (reference:
// entra-connect-single-object-sync.md, cited per test).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Dn } from '../../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../../src/engine/summary/types';
import { CONTOSO_DOMAIN as domain, openLdifTenant, type LdifTenant } from '../../../support/ldif-tenant';

const fixtures = path.resolve(__dirname, '../../../fixtures');
const ou = `OU=Engineering,OU=Contoso,${domain}`;
let rid = 83000;

function userLdif(cn: string, classes: string[], extra: string[]): string {
  const nick = cn.toLowerCase().replace(/\W+/g, '.');
  const sid = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', 'base64');
  sid.writeUInt32LE(rid++, 24);
  return [
    `dn: CN=${cn},${ou}`, 'changetype: add', ...classes.map((c) => `objectClass: ${c}`),
    `cn: ${cn}`, `name: ${cn}`, `displayName: ${cn}`, `sAMAccountName: ${nick.slice(0, 20)}`, `userPrincipalName: ${nick}@contoso.com`,
    'userAccountControl: 512', `objectGUID:: ${randomBytes(16).toString('base64')}`, `objectSid:: ${sid.toString('base64')}`,
    ...extra, `distinguishedName: CN=${cn},${ou}`, '',
  ].join('\n');
}
const userClasses = ['top', 'person', 'organizationalPerson', 'user'];
const certificate = () => `userCertificate:: ${randomBytes(48).toString('base64')}`;
const mailbox = (nick: string) => [`mailNickname: ${nick}`, `proxyAddresses: SMTP:${nick}@contoso.com`, `mail: ${nick}@contoso.com`];

describe('whole runs, documented outcomes', () => {
  let world: LdifTenant;
  const dnOf = (cn: string) => `CN=${cn},${ou}`;
  const sync = async (cn: string, stagingMode: boolean) => (await world.session.sync(Dn.parse(dnOf(cn)), { stagingMode, noHtmlReport: true })).summary;
  const step = (s: ProvisioningObjectSummary, n: number) => s.provisioningSteps.find((x) => x.stepNumber === n)!;
  const code = (s: ProvisioningObjectSummary) => s.provisioningStatusInfo.errorInformation?.errorCode;

  before(async () => {
    const base = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    const entries = [
      userLdif('Ines Inet', [...userClasses, 'inetOrgPerson'], []),
      userLdif('Sixteen Certs', userClasses, [...mailbox('sixteen.certs'), ...Array.from({ length: 16 }, certificate)]),
      userLdif('Fifteen Certs', userClasses, [...mailbox('fifteen.certs'), ...Array.from({ length: 15 }, certificate)]),
      userLdif('Quinn Again', userClasses, ['givenName: Quinn', 'sn: Again']),
    ];
    // The connector's object types without inetOrgPerson (Entra Connect lists object types per connector).
    world = await openLdifTenant(`${base.trimEnd()}\n\n${entries.join('\n')}`, { users: [] }, {
      activeDirectory: [{
        name: 'corp.contoso.com', ldifFile: 'snapshot.ldif',
        partitions: [{ dn: domain, selected: true, inclusions: [domain], exclusions: [] }],
        objectTypes: ['user', 'group', 'contact'], groupFilteringGroupDn: null,
      }],
    });
  });
  after(() => world?.close());

  test('"Object type: the *last* objectClass value must be in connector.ObjectInclusionList, else "Object is not present in sync scope as it is of object class \'X\'..."": an inetOrgPerson when the connector lists user only', async () => {
    const s = await sync('Ines Inet', true);
    assert.equal(s.provisioningStatusInfo.status, 'skipped');
    assert.equal(code(s), 'ObjectTypeNotInScope');
    assert.equal(step(s, 5).status, 'skipped');
    assert.match(s.provisioningStatusInfo.errorInformation?.reason ?? '', /of object class 'inetOrgPerson' which is not part of the connector's object type inclusion list/);
    for (const n of [7, 8, 9, 10]) assert.equal(step(s, n).status, 'skipped', `step ${n} does not run`);
  });

  // tshoot-connect-largeobjecterror-usercertificate: "Microsoft Entra ID enforces a maximum limit of
  // 15 certificate values on the userCertificate attribute" and "In Microsoft Entra Connect build
  // 1.1.524.0, the out-of-box synchronization rules have been updated to not export attributes
  // userCertificate and userSMIMECertificate if the attributes have more than 15 values."
  // (A rule that still exports more, a customer's own or an older build's, meets LargeObject:
  // documented/export-size-limits.test.ts.)
  test('the out-of-box rules since 1.1.524.0 "not export attributes userCertificate and userSMIMECertificate if the attributes have more than 15 values": a mailbox user with 16 certificates is exported without them, and the result says why; 15 are exported', async () => {
    const staged = await sync('Sixteen Certs', true);
    assert.notEqual(staged.provisioningStatusInfo.status, 'failure', JSON.stringify(staged.provisioningStatusInfo));
    assert.notEqual(code(staged), 'LargeObject');
    assert.equal(staged.plannedProvisioningAction, 'create');
    assert.equal(staged.modifiedProperties.some((p) => p.displayName === 'userCertificate'), false, 'no certificate is in the export');
    assert.equal(step(staged, 9).attributes?.find((a) => a.name === 'userCertificate')?.value?.length, 16, 'the metaverse holds all 16');
    assert.match(step(staged, 9).details.CertificatesNotExported ?? '', /^userCertificate \(16 certificates\): more than Microsoft Entra ID's limit of 15.*exported without them/);
    const exported = await sync('Sixteen Certs', false);
    assert.notEqual(code(exported), 'LargeObject', JSON.stringify(exported.provisioningStatusInfo));
    assert.equal(exported.exported, true);
    const created = world.emulator.writes().filter((w) => w.method === 'POST' && w.path.startsWith('/v1.0/users') && w.status === 201);
    assert.equal(created.length, 1, 'the user was created');
    assert.equal(JSON.stringify(created[0]!.body).includes('userCertificate'), false, 'without its certificates');

    const fifteen = await sync('Fifteen Certs', true);
    assert.notEqual(fifteen.provisioningStatusInfo.status, 'failure');
    assert.equal(step(fifteen, 9).details.CertificatesNotExported, undefined);
    assert.ok(fifteen.modifiedProperties.some((p) => p.displayName === 'userCertificate'), 'the 15 certificates are in the export');
  });

  test('"EntrySynchronizationSkip (Export, Skipped, details:{SkipReason:"RedundantExport"})": a second export of an unchanged object writes nothing and says so', async () => {
    const first = await sync('Quinn Again', false);
    assert.equal(first.plannedProvisioningAction, 'create');
    assert.equal(first.exported, true);
    const again = await sync('Quinn Again', false);
    const exportStep = step(again, 10);
    assert.equal(exportStep.status, 'skipped');
    assert.equal(exportStep.details.SkipReason, 'RedundantExport');
    assert.equal(again.exported, false);
    assert.equal(again.provisioningAction, 'other');
    assert.notEqual(again.provisioningStatusInfo.status, 'failure');
  });
});
