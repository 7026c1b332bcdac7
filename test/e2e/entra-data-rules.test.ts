// What Microsoft Entra ID does with the data it is given, as Microsoft Learn documents it.
// How it populates userPrincipalName (Microsoft Learn, "Microsoft Entra
// UserPrincipalName population", plan-connect-userprincipalname): invalid characters in the
// on-premises UPN invalidate it and the MOERA (<MailNickName>@<initial domain>) is used, as for
// an unverified suffix; the allowed characters (A-Z a-z 0-9 ' . - _ ! # ^ ~) are kept; the UPN
// is recalculated only when the on-premises UPN changes (scenarios 1-3 of that page). And its
// LargeObject limits (tshoot-connect-sync-errors): at most 15 certificates in userCertificate
// and userSMIMECertificate (which flow for mail-enabled users: mailNickname set; the out-of-box
// rules since 1.1.524.0 export none above 15, tshoot-connect-largeobjecterror-usercertificate),
// and an object size that holds at most 332 proxy addresses. The AD
// side is an LDIF snapshot with these users added; Graph is the emulator.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSession } from '../../src/app/session';
import { Dn } from '../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../src/engine/summary/types';
import { startEmulator } from '../graph-emulator';
import { writeSnapshotConfiguration } from './harness';

const sales = 'OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com';

interface LdifUser { cn: string; upn: string; mailNickname?: string; proxy?: string | string[]; mail?: string; certificates?: number; consistencyGuid?: Buffer }
function ldifUser(u: LdifUser, guid: Buffer): string {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return [
    '', `dn: CN=${u.cn},${sales}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user',
    `cn: ${u.cn}`, `displayName: ${u.cn}`, `sAMAccountName: ${u.cn.toLowerCase().replace(/\W/g, '').slice(0, 20)}`,
    `userPrincipalName:: ${b64(u.upn)}`, 'userAccountControl: 512', `objectGUID:: ${guid.toString('base64')}`,
    `objectSid:: ${Buffer.concat([Buffer.from('010500000000000515000000f0e0f20d29f3cc3ae021c3a4', 'hex'), randomBytes(4)]).toString('base64')}`,
    ...(u.mailNickname ? [`mailNickname: ${u.mailNickname}`] : []),
    ...[u.proxy ?? []].flat().map((p) => `proxyAddresses: ${p}`),
    ...Array.from({ length: u.certificates ?? 0 }, (_, i) => `userCertificate:: ${Buffer.from(`0\x82 certificate ${i} of ${u.cn}`).toString('base64')}`),
    ...(u.mail ? [`mail: ${u.mail}`] : []),
    ...(u.consistencyGuid ? [`mS-DS-ConsistencyGuid:: ${u.consistencyGuid.toString('base64')}`] : []),
    '',
  ].join('\n');
}

describe('Microsoft Entra ID data rules: UPN population and object size limits', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  const guids = new Map<string, Buffer>();

  /** Writes the snapshot plus these users and syncs one of them in a new session (the LDIF is read at open). */
  const sync = async (users: LdifUser[], cn: string, stagingMode: boolean): Promise<ProvisioningObjectSummary> => {
    const snapshot = await readFile(path.join(__dirname, '../fixtures/contoso-snapshot.ldif'), 'utf8');
    const added = users.map((u) => {
      if (!guids.has(u.cn)) guids.set(u.cn, randomBytes(16));
      return ldifUser(u, guids.get(u.cn)!);
    });
    await writeFile(path.join(dir, 'snapshot.ldif'), `${snapshot.trimEnd()}\n${added.join('')}`);
    const session = await openSession({ configPath: path.join(dir, 'single-object-sync.json'), secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret } });
    try {
      const { summary } = await session.sync(Dn.parse(`CN=${cn},${sales}`), { stagingMode, noHtmlReport: true });
      return summary;
    } finally {
      await session.close();
    }
  };
  const exportedUpn = (summary: ProvisioningObjectSummary) => {
    const step10 = summary.provisioningSteps.find((s) => s.stepNumber === 10)!;
    return step10.attributes?.find((r) => r.name === 'userPrincipalName');
  };
  const cloudUser = (upnPrefix: string) => (emulator.state().users as unknown as { userPrincipalName: string }[]).find((u) => String(u.userPrincipalName).toLowerCase().startsWith(`${upnPrefix.toLowerCase()}@`));

  before(async () => {
    emulator = await startEmulator();
    dir = await mkdtemp(path.join(tmpdir(), 'sos-upn-'));
    await writeSnapshotConfiguration(dir, emulator, 'SOS_E2E_CLIENT_SECRET');
  });
  after(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('a space or an accented letter in the on-premises UPN invalidates it: the MOERA from the primary SMTP prefix is exported, and the report says why', async () => {
    for (const [cn, upn, alias] of [['Upn Space', 'upn space@contoso.com', 'upn.space'], ['Jose Accent', 'josé.accent@contoso.com', 'jose.accent']] as const) {
      const users = [{ cn, upn, proxy: `SMTP:${alias}@contoso.com` }];
      const staged = await sync(users, cn, true);
      const row = exportedUpn(staged);
      assert.deepEqual(row?.value, [`${alias}@contoso.onmicrosoft.com`], `${upn}: ${JSON.stringify(row)}`);
      assert.match(row?.note ?? '', /characters Microsoft Entra ID does not allow/);
      const exported = await sync(users, cn, false);
      assert.notEqual(exported.provisioningStatusInfo.status, 'failure', JSON.stringify(exported.provisioningStatusInfo));
      assert.equal(cloudUser(alias)?.userPrincipalName, `${alias}@contoso.onmicrosoft.com`, 'Graph accepted the MOERA');
    }
  });

  test("the allowed special characters ' . - _ ! # ^ ~ keep the on-premises UPN", async () => {
    const upn = "o'brien.x-y_z!1#2^3~4@contoso.com";
    const users = [{ cn: 'Allowed Chars', upn }];
    const exported = await sync(users, 'Allowed Chars', false);
    assert.notEqual(exported.provisioningStatusInfo.status, 'failure', JSON.stringify(exported.provisioningStatusInfo));
    assert.deepEqual(exportedUpn(exported)?.value, [upn]);
    assert.equal(cloudUser("o'brien.x-y_z!1#2^3~4")?.userPrincipalName, upn);
  });

  // The username policy (concept-sspr-policy, "applies to both on-premises accounts that are
  // synchronized and cloud-only accounts"): at most 64 characters before the @, 48 after, 113 in
  // all; no period immediately before the @. A UPN that breaks it "doesn't follow the required
  // format": IdentityDataValidationFailed (tshoot-connect-sync-errors). Not the MOERA: that is
  // documented for invalid characters and unverified suffixes only.
  test('a UPN of 64 characters before the @ is kept; one of 65, or with a period just before the @, is IdentityDataValidationFailed in staging and at export, and nothing is written', async () => {
    const sixtyFour = `${'a'.repeat(60)}.b64`;
    const fine = await sync([{ cn: 'Upn Long Fine', upn: `${sixtyFour}@contoso.com` }], 'Upn Long Fine', false);
    assert.notEqual(fine.provisioningStatusInfo.status, 'failure', JSON.stringify(fine.provisioningStatusInfo));
    assert.ok(cloudUser(sixtyFour), 'Graph took the 64-character prefix');
    for (const [cn, upn] of [['Upn Long Refused', `${'c'.repeat(61)}.d65@contoso.com`], ['Upn Dot End', 'dot.end.@contoso.com']] as const) {
      const users = [{ cn, upn, proxy: `SMTP:${cn.toLowerCase().replace(/ /g, '.')}@contoso.com` }];
      for (const stagingMode of [true, false]) {
        const summary = await sync(users, cn, stagingMode);
        const error = summary.provisioningStatusInfo.errorInformation;
        assert.equal(summary.provisioningStatusInfo.status, 'failure', `${upn}, staging ${stagingMode}: ${JSON.stringify(summary.provisioningStatusInfo)}`);
        assert.equal(error?.errorCode, 'IdentityDataValidationFailed');
        assert.match(error?.reason ?? '', upn.startsWith('dot') ? /period just before the @/ : /65 characters before the @; at most 64/);
        assert.equal(summary.provisioningSteps.find((s) => s.stepNumber === 10)?.status, 'failure');
      }
      assert.equal(cloudUser(upn.slice(0, upn.lastIndexOf('@'))), undefined, `${upn}: nothing was created`);
    }
  });

  test('scenarios 1-3: the MOERA is set at first sync, kept when only mailNickname changes, recalculated when the on-premises UPN changes', async () => {
    const cn = 'Scenario User';
    // Scenario 1: no mailNickname; the primary SMTP prefix becomes the MailNickName, the UPN the MOERA.
    const first = { cn, upn: 'user3@fabrikam.example', proxy: 'SMTP:user1@contoso.com', mail: 'user2@contoso.com' };
    const s1 = await sync([first], cn, false);
    assert.notEqual(s1.provisioningStatusInfo.status, 'failure', JSON.stringify(s1.provisioningStatusInfo));
    assert.equal(cloudUser('user1')?.userPrincipalName, 'user1@contoso.onmicrosoft.com');
    // Scenario 2: mailNickname set on-premises, UPN unchanged: the cloud UPN stays.
    const second = { ...first, mailNickname: 'user4' };
    const s2 = await sync([second], cn, false);
    assert.notEqual(s2.provisioningStatusInfo.status, 'failure', JSON.stringify(s2.provisioningStatusInfo));
    const kept = exportedUpn(s2);
    assert.deepEqual(kept?.value, ['user1@contoso.onmicrosoft.com'], JSON.stringify(kept));
    assert.match(kept?.note ?? '', /recalculated only when the on-premises UPN changes/);
    assert.ok(!s2.modifiedProperties.some((m) => m.displayName === 'userPrincipalName'), 'no UPN change is exported');
    assert.equal(cloudUser('user1')?.userPrincipalName, 'user1@contoso.onmicrosoft.com');
    assert.equal((cloudUser('user1') as unknown as { mailNickname: string }).mailNickname, 'user4', 'the MailNickName follows the on-premises mailNickname');
    // Scenario 3: the on-premises UPN changes: the MOERA is recalculated from the MailNickName.
    const third = { ...second, upn: 'user5@fabrikam.example' };
    const s3 = await sync([third], cn, false);
    assert.notEqual(s3.provisioningStatusInfo.status, 'failure', JSON.stringify(s3.provisioningStatusInfo));
    assert.deepEqual(exportedUpn(s3)?.value, ['user4@contoso.onmicrosoft.com']);
    assert.ok(cloudUser('user4'), 'the cloud UPN is now user4@contoso.onmicrosoft.com');
  });

  // Scenario 3 of plan-connect-userprincipalname: "Update on on-premises userPrincipalName
  // attribute triggers recalculation of MOERA"; and Entra ID "recalculates ... only in case an
  // update to the on-premises UserPrincipalName ... is synchronized". When Entra Connect synced the
  // user before this tool ever ran, the tenant's onPremisesUserPrincipalName is the on-premises UPN
  // last synchronized.
  const byName = (displayName: string) => (emulator.state().users as unknown as { displayName: string; userPrincipalName: string; mailNickname: string }[]).find((u) => u.displayName === displayName);
  const seedSynced = (cn: string, cloud: { userPrincipalName: string; mailNickname: string; onPremisesUserPrincipalName: string }, onPremisesSyncEnabled: boolean) => {
    guids.set(cn, randomBytes(16));
    emulator.seed({ users: [{ displayName: cn, accountEnabled: true, onPremisesImmutableId: guids.get(cn)!.toString('base64'), onPremisesSyncEnabled, ...cloud }] });
  };
  const upnChange = (summary: ProvisioningObjectSummary) => summary.modifiedProperties.find((m) => m.displayName === 'userPrincipalName');

  test('first run on a user Entra Connect synchronized: an on-premises UPN that differs from onPremisesUserPrincipalName recalculates the MOERA; one that does not keeps the cloud UPN', async () => {
    seedSynced('Upn Changed Ec', { userPrincipalName: 'ec.old@contoso.onmicrosoft.com', mailNickname: 'ec.nick', onPremisesUserPrincipalName: 'ec.old@fabrikam.example' }, true);
    seedSynced('Upn Same Ec', { userPrincipalName: 'ec.same.renamed@contoso.com', mailNickname: 'ec.same', onPremisesUserPrincipalName: 'ec.same@fabrikam.example' }, true);
    const changed = { cn: 'Upn Changed Ec', upn: 'ec.new@fabrikam.example', mailNickname: 'ec.nick' };
    // Twice: the second run has state of its own (committed in staging mode too) and must agree.
    for (const run of [1, 2]) {
      const summary = await sync([changed], changed.cn, true);
      const row = exportedUpn(summary);
      assert.deepEqual(row?.value, ['ec.nick@contoso.onmicrosoft.com'], `run ${run}: ${JSON.stringify(row)}`);
      assert.equal(row?.operation, 'update');
      assert.match(row?.note ?? '', /changed from ec\.old@fabrikam\.example/);
      assert.deepEqual(upnChange(summary) && { oldValue: upnChange(summary)!.oldValue, newValue: upnChange(summary)!.newValue }, { oldValue: 'ec.old@contoso.onmicrosoft.com', newValue: 'ec.nick@contoso.onmicrosoft.com' });
    }
    const same = await sync([{ cn: 'Upn Same Ec', upn: 'ec.same@fabrikam.example', mailNickname: 'ec.same' }], 'Upn Same Ec', true);
    const kept = exportedUpn(same);
    assert.deepEqual(kept?.value, ['ec.same.renamed@contoso.com'], JSON.stringify(kept));
    assert.equal(kept?.operation, 'none');
    assert.match(kept?.note ?? '', /has not changed since it was last synchronized/);
    assert.equal(upnChange(same), undefined, 'no UPN change is pending');
  });

  test('taking over users that keep onPremisesUserPrincipalName: the changed UPN is written as the recalculated MOERA, the unchanged one is not written', async () => {
    seedSynced('Upn Changed Takeover', { userPrincipalName: 'to.old@contoso.onmicrosoft.com', mailNickname: 'to.nick', onPremisesUserPrincipalName: 'to.old@fabrikam.example' }, false);
    seedSynced('Upn Same Takeover', { userPrincipalName: 'to.same.renamed@contoso.com', mailNickname: 'to.same', onPremisesUserPrincipalName: 'to.same@fabrikam.example' }, false);
    const changed = await sync([{ cn: 'Upn Changed Takeover', upn: 'to.new@fabrikam.example', mailNickname: 'to.nick' }], 'Upn Changed Takeover', false);
    assert.notEqual(changed.provisioningStatusInfo.status, 'failure', JSON.stringify(changed.provisioningStatusInfo));
    assert.equal(upnChange(changed)?.newValue, 'to.nick@contoso.onmicrosoft.com');
    assert.equal(byName('Upn Changed Takeover')?.userPrincipalName, 'to.nick@contoso.onmicrosoft.com', 'Graph holds the recalculated MOERA');
    const same = await sync([{ cn: 'Upn Same Takeover', upn: 'to.same@fabrikam.example', mailNickname: 'to.same' }], 'Upn Same Takeover', false);
    assert.notEqual(same.provisioningStatusInfo.status, 'failure', JSON.stringify(same.provisioningStatusInfo));
    assert.equal(upnChange(same), undefined, JSON.stringify(same.modifiedProperties));
    assert.equal(byName('Upn Same Takeover')?.userPrincipalName, 'to.same.renamed@contoso.com', 'the cloud UPN stays');
  });

  // "No silent gaps": the MailNickName written on a create (Graph requires one) is listed like
  // every written value, with where it came from (the documented first-sync order).
  test('a create with no on-premises mailNickname lists the MailNickName it writes (alias) and its source, in staging and at export', async () => {
    const cases: [LdifUser, string, RegExp][] = [
      [{ cn: 'Nick From Primary', upn: 'nfp.upn@fabrikam.example', proxy: ['smtp:nfp.secondary@contoso.com', 'SMTP:nfp.primary@contoso.com'], mail: 'nfp.mail@contoso.com' }, 'nfp.primary', /primary SMTP address nfp\.primary@contoso\.com/],
      [{ cn: 'Nick From Mail', upn: 'nfm.upn@fabrikam.example', mail: 'nfm.mail@contoso.com', proxy: 'smtp:nfm.secondary@contoso.com' }, 'nfm.mail', /mail nfm\.mail@contoso\.com/],
      [{ cn: 'Nick From Upn', upn: 'nfu.upn@fabrikam.example', proxy: 'smtp:nfu.secondary@contoso.com' }, 'nfu.upn', /on-premises UPN nfu\.upn@fabrikam\.example/],
    ];
    for (const [user, nickname, source] of cases) {
      for (const stagingMode of [true, false]) {
        const summary = await sync([user], user.cn, stagingMode);
        assert.notEqual(summary.provisioningStatusInfo.status, 'failure', JSON.stringify(summary.provisioningStatusInfo));
        const row = summary.provisioningSteps.find((s) => s.stepNumber === 10)!.attributes?.find((r) => r.name === 'alias');
        assert.deepEqual(row?.value, [nickname], `${user.cn}: ${JSON.stringify(row)}`);
        assert.equal(row?.operation, 'add');
        assert.match(row?.dataSource ?? '', source);
        assert.match(row?.note ?? '', /No mailNickname on-premises/);
        const modified = summary.modifiedProperties.find((m) => m.displayName === 'alias');
        assert.deepEqual(modified && { oldValue: modified.oldValue, newValue: modified.newValue }, { oldValue: null, newValue: nickname }, `${user.cn}, staging ${stagingMode}`);
        if (stagingMode) continue;
        assert.equal(byName(user.cn)?.mailNickname, nickname, 'Graph holds the reported MailNickName');
        assert.equal(byName(user.cn)?.userPrincipalName, `${nickname}@contoso.onmicrosoft.com`);
      }
    }
  });

  test('with no on-premises mailNickname an update keeps the cloud MailNickName: it is neither cleared nor listed as a change', async () => {
    const cn = 'No Nickname';
    const user = { cn, upn: 'no.nickname@contoso.com', proxy: 'SMTP:nick.first@contoso.com' };
    const created = await sync([user], cn, false);
    assert.notEqual(created.provisioningStatusInfo.status, 'failure', JSON.stringify(created.provisioningStatusInfo));
    assert.equal((cloudUser('no.nickname') as unknown as { mailNickname: string }).mailNickname, 'nick.first', 'set at first sync from the primary SMTP prefix');
    const updated = await sync([{ ...user, proxy: 'SMTP:nick.second@contoso.com' }], cn, false);
    assert.notEqual(updated.provisioningStatusInfo.status, 'failure', JSON.stringify(updated.provisioningStatusInfo));
    assert.ok(!updated.modifiedProperties.some((m) => m.displayName === 'alias' || m.displayName === 'mailNickname'), JSON.stringify(updated.modifiedProperties.map((m) => m.displayName)));
    assert.doesNotMatch(updated.provisioningStatusInfo.errorInformation?.reason ?? '', /\balias\b/, 'no "cannot be written" for the mail nickname');
    assert.equal((cloudUser('no.nickname') as unknown as { mailNickname: string }).mailNickname, 'nick.first', 'a new primary SMTP address does not change it (scenario 4)');
  });

  test('with mS-DS-ConsistencyGuid as the anchor, a user without one is anchored on objectGUID and the result says Entra Connect writes it back to AD', async () => {
    const configFile = path.join(dir, 'single-object-sync.json');
    const original = await readFile(configFile, 'utf8');
    await writeFile(configFile, JSON.stringify({ ...JSON.parse(original), sourceAnchor: 'mS-DS-ConsistencyGuid' }));
    try {
      const consistencyGuid = randomBytes(16);
      const users: LdifUser[] = [{ cn: 'No Guid Yet', upn: 'no.guid@contoso.com' }, { cn: 'Has Guid', upn: 'has.guid@contoso.com', consistencyGuid }];
      const without = await sync(users, 'No Guid Yet', true);
      const step9 = without.provisioningSteps.find((s) => s.stepNumber === 9)!;
      assert.match(step9.details.SourceAnchorWriteBack ?? '', /writes it back to mS-DS-ConsistencyGuid/);
      assert.equal(without.provisioningSteps.find((s) => s.stepNumber === 7)!.details.SourceAnchor, guids.get('No Guid Yet')!.toString('base64'), 'anchored on objectGUID');
      const withGuid = await sync(users, 'Has Guid', true);
      assert.equal(withGuid.provisioningSteps.find((s) => s.stepNumber === 9)!.details.SourceAnchorWriteBack, undefined);
      assert.equal(withGuid.provisioningSteps.find((s) => s.stepNumber === 7)!.details.SourceAnchor, consistencyGuid.toString('base64'), 'anchored on mS-DS-ConsistencyGuid');
    } finally {
      await writeFile(configFile, original);
    }
  });

  test('SynchronizeUpnForManagedUsers off: a licensed managed user keeps its UPN (warning UpnChangeNotSynchronized, the rest exported); unlicensed, or with the feature on, the UPN changes', async () => {
    const licensed = { cn: 'Licensed User', upn: 'licensed.new@contoso.com', licenses: [{ skuId: 'c7df2760-2c81-4ef7-b578-5b5392b571df', disabledPlans: [] }] };
    const unlicensed = { cn: 'Unlicensed User', upn: 'unlicensed.new@contoso.com', licenses: [] };
    for (const u of [licensed, unlicensed]) {
      guids.set(u.cn, randomBytes(16));
      const old = u.upn.replace('.new@', '.old@');
      emulator.seed({ users: [{ displayName: u.cn, userPrincipalName: old, mailNickname: old.split('@')[0], accountEnabled: true, onPremisesImmutableId: guids.get(u.cn)!.toString('base64'), assignedLicenses: u.licenses }] });
    }
    emulator.seed({ syncFeatures: { synchronizeUpnForManagedUsersEnabled: false } });
    try {
      const held = await sync([{ cn: licensed.cn, upn: licensed.upn, proxy: 'SMTP:licensed.new@contoso.com' }], licensed.cn, false);
      assert.equal(held.provisioningStatusInfo.status, 'warning', JSON.stringify(held.provisioningStatusInfo));
      assert.equal(held.provisioningStatusInfo.errorInformation?.errorCode, 'UpnChangeNotSynchronized');
      assert.match(held.provisioningStatusInfo.errorInformation?.reason ?? '', /licensed\.old@contoso\.com -> licensed\.new@contoso\.com/);
      assert.match(held.provisioningStatusInfo.errorInformation?.recommendedAction ?? '', /SynchronizeUpnForManagedUsersEnabled/);
      assert.ok(!held.modifiedProperties.some((m) => m.displayName === 'userPrincipalName'), 'no UPN change exported');
      assert.ok(cloudUser('licensed.old'), 'the cloud UPN stayed');
      const step10 = held.provisioningSteps.find((st) => st.stepNumber === 10)!;
      assert.notEqual(step10.status, 'failure', 'the export of the rest went ahead (here nothing else Graph can write differs: RedundantExport)');
      const free = await sync([{ cn: unlicensed.cn, upn: unlicensed.upn }], unlicensed.cn, false);
      assert.notEqual(free.provisioningStatusInfo.errorInformation?.errorCode, 'UpnChangeNotSynchronized');
      assert.ok(cloudUser('unlicensed.new'), 'an unlicensed user\'s UPN changes');
    } finally {
      emulator.seed({ syncFeatures: { synchronizeUpnForManagedUsersEnabled: true } });
    }
    const applied = await sync([{ cn: licensed.cn, upn: licensed.upn, proxy: 'SMTP:licensed.new@contoso.com' }], licensed.cn, false);
    assert.notEqual(applied.provisioningStatusInfo.errorInformation?.errorCode, 'UpnChangeNotSynchronized');
    assert.ok(cloudUser('licensed.new'), 'with the feature on the UPN changes');
  });

  test('16 certificates in userCertificate (hard limit 15): the out-of-box rules export none, the user is created without them and the result says why', async () => {
    const user: LdifUser = { cn: 'Many Certs', upn: 'many.certs@contoso.com', mailNickname: 'many.certs', certificates: 16 };
    const staged = await sync([user], user.cn, true);
    assert.notEqual(staged.provisioningStatusInfo.status, 'failure', JSON.stringify(staged.provisioningStatusInfo));
    assert.match(staged.provisioningSteps.find((s) => s.stepNumber === 9)!.details.CertificatesNotExported ?? '', /userCertificate \(16 certificates\)/);
    const exported = await sync([user], user.cn, false);
    assert.notEqual(exported.provisioningStatusInfo.errorInformation?.errorCode, 'LargeObject', JSON.stringify(exported.provisioningStatusInfo));
    assert.ok(cloudUser('many.certs'), 'the user was created');
  });

  test('LargeObject: 333 proxy addresses fail the export, staging says so first, nothing is written', async () => {
    const cases: [LdifUser, RegExp][] = [
      [{ cn: 'Many Proxies', upn: 'many.proxies@contoso.com', proxy: ['SMTP:many.proxies@contoso.com', ...Array.from({ length: 332 }, (_, i) => `smtp:alias${i}@contoso.com`)] }, /proxyAddresses holds 333 addresses/],
    ];
    for (const [user, why] of cases) {
      const writes = emulator.writes().length;
      const staged = await sync([user], user.cn, true);
      assert.equal(staged.provisioningStatusInfo.status, 'failure', JSON.stringify(staged.provisioningStatusInfo));
      assert.equal(staged.provisioningStatusInfo.errorInformation?.errorCode, 'LargeObject');
      assert.match(staged.provisioningStatusInfo.errorInformation?.reason ?? '', why);
      const exported = await sync([user], user.cn, false);
      assert.equal(exported.provisioningStatusInfo.errorInformation?.errorCode, 'LargeObject');
      assert.equal(emulator.writes().length, writes, `${user.cn}: nothing written`);
      assert.equal(cloudUser(user.upn.split('@')[0]!), undefined);
    }
  });

  test('at the limits (15 certificates, 332 proxy addresses) the export goes ahead; above about 300 addresses the report warns', async () => {
    const user: LdifUser = { cn: 'At Limits', upn: 'at.limits@contoso.com', mailNickname: 'at.limits', certificates: 15, proxy: ['SMTP:at.limits@contoso.com', ...Array.from({ length: 331 }, (_, i) => `smtp:limit${i}@contoso.com`)] };
    const exported = await sync([user], user.cn, false);
    assert.notEqual(exported.provisioningStatusInfo.status, 'failure', JSON.stringify(exported.provisioningStatusInfo));
    assert.ok(cloudUser('at.limits'), 'the user was created');
    const step9 = exported.provisioningSteps.find((s) => s.stepNumber === 10)!;
    assert.match(step9.attributes?.find((r) => r.name === 'proxyAddresses')?.note ?? '', /332 addresses: near the object size limit/);
  });
});
