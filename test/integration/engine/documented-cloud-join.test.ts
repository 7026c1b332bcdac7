// What the out-of-box rules do once an object is joined to its cloud object, as Microsoft
// documents it, and the limits of the current build:
// - The "In from AAD" Join rules flow cloudAnchor and cloudSourceAnchor (ImportedValue of the
//   cloud object's sourceAnchor) into the metaverse, and "Out to AAD - User Join" guards the
//   anchor: IIF(IsPresent([cloudSourceAnchor]), …IIF([cloudSourceAnchor] = [sourceAnchor],
//   [sourceAnchor], Error("SourceAnchor attribute has changed."))…). The sourceAnchor is
//   immutable (plan-connect-design-concepts): a changed anchor is a sync error, and nothing is
//   written to the cloud object.
// - Groups: "Groups need fewer than 250k members" (the V2 endpoint); the exported 50,000 belongs
//   to an older build.
// - An Error() in an inbound rule ("AccountName is not present" in "In from AD - User
//   AccountEnabled") is raised by the synchronization, step 9, not by the import from Entra ID.
// - An object Entra Connect already synchronizes holds onPremisesSecurityIdentifier as the SID
//   text; it is the objectSid the rules flow, not a pending change. Its onPremisesUserPrincipalName
//   is the on-premises UPN Entra ID records, not a value to clear (no inbound rule fills it).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSession, type Session } from '../../../src/app/session';
import { sidBytesToString } from '../../../src/engine/model/ad-codecs';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { startEmulator } from '../../graph-emulator';

const fixtures = path.resolve(__dirname, '../../fixtures');
const domain = 'DC=corp,DC=contoso,DC=com';
const ou = 'OU=Sales,OU=Contoso';
const groupsOu = 'OU=Groups,OU=Contoso';

function entryOf(ldif: string, dn: string): string {
  const start = ldif.indexOf(`dn: ${dn},`);
  return ldif.slice(start, ldif.indexOf('\n\n', start) + 1);
}

/** Alice Wu's entry as another user, with a new objectGUID and SID and no groups. */
function userLike(alice: string, cn: string, nick: string, rid: number): { entry: string; sid: string } {
  const sid = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', 'base64');
  sid.writeUInt32LE(rid, 24);
  const entry = alice.split(`CN=Alice Wu,${ou}`).join(`CN=${cn},${ou}`)
    .replace(/^cn: .*$/m, `cn: ${cn}`).replace(/^name: .*$/m, `name: ${cn}`)
    .split('alice.wu').join(nick)
    .replace(/^objectGUID:: .*$/m, `objectGUID:: ${randomBytes(16).toString('base64')}`)
    .replace(/^objectSid:: .*$/m, `objectSid:: ${sid.toString('base64')}`)
    .replace(/^mS-DS-ConsistencyGuid:: .*\n/m, '')
    .replace(/^memberOf: .*\n/gm, '');
  return { entry, sid: sidBytesToString(sid) };
}

const step = (summary: ProvisioningObjectSummary, n: number) => summary.provisioningSteps.find((s) => s.stepNumber === n)!;
const info = (summary: ProvisioningObjectSummary) => JSON.stringify(summary.provisioningStatusInfo);

describe('joined objects, the anchor guard, large groups and inbound rule errors, as Microsoft documents them', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let ldif: string;
  let session: Session;
  const sids = new Map<string, string>();

  const open = async () => {
    await session?.close();
    session = await openSession({ configPath: path.join(dir, 'single-object-sync.json'), secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret } });
  };
  const sync = async (dn: string, stagingMode: boolean) => (await session.sync(Dn.parse(dn), { stagingMode, noHtmlReport: true })).summary;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sos-cloud-join-'));
    const base = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    const alice = entryOf(base, `CN=Alice Wu,${ou}`);
    const allStaff = entryOf(base, `CN=All Staff,${groupsOu}`);
    const users = ([['Anchor Change', 'anchor.change', 70001], ['No Account Name', 'no.account.name', 70002], ['Synced Sid', 'synced.sid', 70003]] as const)
      .map(([cn, nick, rid]) => {
        const made = userLike(alice, cn, nick, rid);
        sids.set(cn, made.sid);
        return cn === 'No Account Name' ? made.entry.replace(/^userPrincipalName: .*\n/m, '').replace(/^sAMAccountName: .*\n/m, '') : made.entry;
      });
    // A security group of 60,000 members: over the old build's 50,000, under today's 250,000.
    const members = Array.from({ length: 60_000 }, (_, i) => `member: CN=Member ${i},${ou},${domain}`).join('\n');
    const large = allStaff.split('CN=All Staff,').join('CN=Large Group,').replace(/^cn: .*$/m, 'cn: Large Group').replace(/^name: .*$/m, `${members}\nname: Large Group`)
      .split('all.staff').join('large.group').replace(/^groupType: .*$/m, 'groupType: -2147483646')
      .replace(/^objectGUID:: .*$/m, `objectGUID:: ${randomBytes(16).toString('base64')}`)
      .replace(/^member: CN=(?!Member ).*\n/gm, '');
    ldif = `${base.trimEnd()}\n\n${[...users, large].join('\n')}`;
    await writeFile(path.join(dir, 'snapshot.ldif'), ldif);
    const syncedSid = sids.get('Synced Sid')!;
    emulator = await startEmulator({ seed: { users: [] } });
    await writeFile(path.join(dir, 'single-object-sync.json'), JSON.stringify({
      activeDirectory: [{ name: 'corp.contoso.com', ldifFile: 'snapshot.ldif', partitions: [{ dn: domain, selected: true, inclusions: [domain], exclusions: [] }], objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'], groupFilteringGroupDn: null }],
      entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_TEST_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      sourceAnchor: 'mS-DS-ConsistencyGuid', rules: 'builtin', stateDir: 'state', reportDir: 'reports',
    }));
    await open();
    // Synced Sid: the user Entra Connect synchronized, with its anchor and SID as Graph answers them.
    const anchor = step(await sync(`CN=Synced Sid,${ou},${domain}`, true), 8).details.SourceAnchor!;
    await emulator.close();
    emulator = await startEmulator({
      seed: { users: [{ displayName: 'Synced Sid', userPrincipalName: 'synced.sid@contoso.com', onPremisesUserPrincipalName: 'synced.sid@contoso.com', mailNickname: 'synced.sid', accountEnabled: true, onPremisesSyncEnabled: true, onPremisesImmutableId: anchor, onPremisesSecurityIdentifier: syncedSid }] },
    });
    const config = JSON.parse(await readFile(path.join(dir, 'single-object-sync.json'), 'utf8'));
    Object.assign(config.entra, { tenantId: emulator.tenantId, clientId: emulator.clientId, authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile });
    await writeFile(path.join(dir, 'single-object-sync.json'), JSON.stringify(config));
    await rm(path.join(dir, 'state'), { recursive: true, force: true });
    await open();
  });
  after(async () => {
    await session?.close();
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('a joined user whose sourceAnchor changed fails in step 9 with "SourceAnchor attribute has changed.", and its cloud anchor is not rewritten', async () => {
    const dn = `CN=Anchor Change,${ou},${domain}`;
    const created = await sync(dn, false);
    assert.equal(created.provisioningAction, 'create', info(created));
    const cloud = () => emulator.state().users.find((u) => u.userPrincipalName === 'anchor.change@contoso.com')!;
    const anchor = cloud().onPremisesImmutableId;
    assert.ok(anchor, 'the export set the anchor');

    // Unchanged, the joined cloud object's flows reach the metaverse and the guard lets it pass.
    const again = await sync(dn, true);
    assert.notEqual(again.provisioningStatusInfo.status, 'failure', info(again));
    assert.match(step(again, 9).details.CloudInboundRulesApplied ?? '', /In from AAD - User Join/);
    const metaverse = new Map((step(again, 9).attributes ?? []).map((row) => [row.name, row]));
    assert.equal(metaverse.get('cloudSourceAnchor')?.value.join(), anchor);
    assert.equal(metaverse.get('cloudSourceAnchor')?.syncRule, 'In from AAD - User Join');

    // Someone sets mS-DS-ConsistencyGuid to another value: the anchor the rules compute changes.
    await writeFile(path.join(dir, 'snapshot.ldif'), ldif.replace(`dn: ${dn}\n`, `dn: ${dn}\nmS-DS-ConsistencyGuid:: ${randomBytes(16).toString('base64')}\n`));
    await open();
    const writes = emulator.writes().length;
    for (const stagingMode of [true, false]) {
      const changed = await sync(dn, stagingMode);
      assert.equal(changed.provisioningStatusInfo.status, 'failure', info(changed));
      assert.equal(changed.provisioningStatusInfo.errorInformation?.errorCode, 'ExpressionError');
      assert.equal(changed.provisioningStatusInfo.errorInformation?.reason, 'SourceAnchor attribute has changed.');
      assert.match(changed.provisioningStatusInfo.errorInformation?.recommendedAction ?? '', /Out to AAD - User Join/);
      assert.equal(step(changed, 8).status, 'success', 'joined to the same cloud object');
      assert.equal(step(changed, 9).status, 'failure');
      assert.equal(step(changed, 10).status, 'skipped');
    }
    assert.equal(emulator.writes().length, writes, 'nothing written to Microsoft Entra ID');
    assert.equal(cloud().onPremisesImmutableId, anchor);
    assert.equal(emulator.state().users.filter((u) => String(u.userPrincipalName).startsWith('anchor.change')).length, 1, 'no second user');
    await writeFile(path.join(dir, 'snapshot.ldif'), ldif);
    await open();
  });

  test('a security group of 60,000 members is provisioned (the limit is 250,000)', async () => {
    const summary = await sync(`CN=Large Group,${groupsOu},${domain}`, true);
    assert.equal(summary.plannedProvisioningAction, 'create', info(summary));
    assert.match(step(summary, 9).details.OutboundRulesApplied ?? '', /^Out to AAD - Group Join/);
  });

  test('an Error() of an inbound rule fails step 9 (the synchronization), not step 8', async () => {
    const summary = await sync(`CN=No Account Name,${ou},${domain}`, true);
    assert.equal(summary.provisioningStatusInfo.errorInformation?.errorCode, 'ExpressionError', info(summary));
    assert.equal(summary.provisioningStatusInfo.errorInformation?.reason, 'AccountName is not present');
    assert.equal(step(summary, 8).status, 'success', JSON.stringify(step(summary, 8).details));
    assert.equal(step(summary, 9).status, 'failure');
  });

  test('a user Entra Connect synchronizes: its SID and its onPremisesUserPrincipalName (Entra ID records the on-premises UPN) are not pending changes', async () => {
    const summary = await sync(`CN=Synced Sid,${ou},${domain}`, true);
    assert.ok(!summary.modifiedProperties.some((p) => p.displayName === 'onPremisesUserPrincipalName'), JSON.stringify(summary.modifiedProperties));
    assert.match(step(summary, 8).details.Match ?? '', /Hard match on onPremisesImmutableId/, JSON.stringify(step(summary, 8).details));
    assert.ok(!summary.modifiedProperties.some((p) => p.displayName === 'onPremiseSecurityIdentifier'), JSON.stringify(summary.modifiedProperties));
    const row = step(summary, 10).attributes?.find((r) => r.name === 'onPremiseSecurityIdentifier');
    assert.equal(row?.value.join(), sids.get('Synced Sid'), 'shown as the SID text');
    assert.doesNotMatch(summary.provisioningStatusInfo.errorInformation?.reason ?? '', /onPremiseSecurityIdentifier/);
  });
});
