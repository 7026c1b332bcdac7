// A group larger than one run's member lookups. Entra Connect exports the whole AD member set
// (Microsoft's only limit is the rule's memberCount, 250,000); this tool looks up at most 250
// members per run, so a larger group takes several runs. What must hold, whatever the window:
// - a member is removed from the cloud group only when it has left the group in AD;
// - members not exported make the step a warning with a named reason and their count;
// - a re-run continues with the members not yet exported.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSession, type Session } from '../../../src/app/session';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { startEmulator } from '../../graph-emulator';

const fixtures = path.resolve(__dirname, '../../fixtures');
const domain = 'DC=corp,DC=contoso,DC=com';
const sales = `OU=Sales,OU=Contoso,${domain}`;
const groupDn = `CN=Wide Group,OU=Groups,OU=Contoso,${domain}`;
const name = (i: number) => `Member ${String(i).padStart(3, '0')}`;
const memberLine = (i: number) => `member: CN=${name(i)},${sales}`;

describe('a group of more members than one run looks up: no member still in AD is removed, and a re-run continues', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let configPath: string;
  let session: Session;
  const ids = new Map<number, string>();
  const groupEntry = (members: number[]) => `dn: ${groupDn}
changetype: add
objectClass: top
objectClass: group
cn: Wide Group
${members.map(memberLine).join('\n')}
name: Wide Group
objectGUID:: k1pFq3S8dE6x0a1b2c3d4Q==
objectSid:: AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkoSEAAA==
sAMAccountName: WideGroup
groupType: -2147483646
distinguishedName: ${groupDn}
`;
  let users = '';
  let base = '';
  const writeSnapshot = (members: number[]) => writeFile(path.join(dir, 'snapshot.ldif'), `${base}\n\n${users}\n${groupEntry(members)}`);
  const run = async (members: number[], stagingMode = false): Promise<ProvisioningObjectSummary> => {
    await writeSnapshot(members);
    await session?.close();
    session = await openSession({ configPath, secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret } });
    return (await session.sync(Dn.parse(groupDn), { stagingMode, noHtmlReport: true })).summary;
  };
  const cloudMembers = (summary: ProvisioningObjectSummary) => new Set(emulator.state().members[summary.targetIdentity.id] ?? []);
  const export10 = (summary: ProvisioningObjectSummary) => summary.provisioningSteps[9]!;
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

  before(async () => {
    const ldif = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    base = ldif.trimEnd();
    const start = ldif.indexOf(`dn: CN=Alice Wu,${sales}`);
    const alice = ldif.slice(start, ldif.indexOf('\n\n', start) + 1);
    const seedUsers = [];
    const entries: string[] = [];
    for (let i = 0; i <= 260; i++) {
      const guid = randomBytes(16);
      const sid = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', 'base64');
      sid.writeUInt32LE(80000 + i, 24);
      const nick = `member${i}`;
      entries.push(alice.split(`CN=Alice Wu,${sales}`).join(`CN=${name(i)},${sales}`)
        .replace(/^cn: .*$/m, `cn: ${name(i)}`).replace(/^name: .*$/m, `name: ${name(i)}`).replace(/^displayName: .*$/m, `displayName: ${name(i)}`)
        .split('alice.wu').join(nick)
        .replace(/^objectGUID:: .*$/m, `objectGUID:: ${guid.toString('base64')}`)
        .replace(/^objectSid:: .*$/m, `objectSid:: ${sid.toString('base64')}`)
        .replace(/^memberOf: .*\n/gm, ''));
      ids.set(i, `u-${i}`);
      // Already in the tenant, found by their anchor (the objectGUID, as no mS-DS-ConsistencyGuid is set).
      seedUsers.push({ id: `u-${i}`, displayName: name(i), userPrincipalName: `${nick}@contoso.com`, mailNickname: nick, accountEnabled: true, onPremisesSyncEnabled: true, onPremisesImmutableId: guid.toString('base64') });
    }
    users = entries.join('\n');
    emulator = await startEmulator({ seed: { users: seedUsers } });
    dir = await mkdtemp(path.join(tmpdir(), 'sos-membership-window-'));
    configPath = path.join(dir, 'single-object-sync.json');
    await writeFile(configPath, JSON.stringify({
      activeDirectory: [{ name: 'corp.contoso.com', ldifFile: 'snapshot.ldif', partitions: [{ dn: domain, selected: true, inclusions: [domain], exclusions: [] }], objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'], groupFilteringGroupDn: null }],
      entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_TEST_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      sourceAnchor: 'mS-DS-ConsistencyGuid', rules: 'builtin', stateDir: 'state', reportDir: 'reports',
    }));
  });
  after(async () => {
    await session?.close();
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('first run: 250 of 260 members exported, the other 10 named in a warning', async () => {
    const summary = await run(range(1, 260));
    assert.equal(summary.provisioningAction, 'create', JSON.stringify(summary.provisioningStatusInfo));
    const info = summary.provisioningStatusInfo;
    assert.equal(info.status, 'warning');
    assert.equal(info.errorInformation?.errorCode, 'MembershipNotComplete', JSON.stringify(info));
    assert.match(info.errorInformation?.reason ?? '', /10 of its 260 member\(s\)/);
    assert.match(info.errorInformation?.reason ?? '', /10 not looked up in this run/);
    assert.match(info.errorInformation?.recommendedAction ?? '', /Run the sync again/);
    assert.equal(export10(summary).status, 'warning');
    assert.equal(export10(summary).details.MembersAdded, '250');
    assert.match(export10(summary).details.MembersNotProcessed ?? '', /^10 member\(s\)/);
    assert.equal(cloudMembers(summary).size, 250);
  });

  test('a member added in AD (listed first): the re-run adds it and the 10 left over, and removes nobody', async () => {
    const summary = await run([0, ...range(1, 260)]);
    const details = export10(summary).details;
    assert.equal(details.MembersRemoved, '0', JSON.stringify(details));
    assert.equal(details.MembersAdded, '11');
    assert.equal(details.MembersNotProcessed, undefined);
    assert.notEqual(summary.provisioningStatusInfo.errorInformation?.errorCode, 'MembershipNotComplete', JSON.stringify(summary.provisioningStatusInfo));
    const members = cloudMembers(summary);
    // Every AD member is a member in the cloud: nothing still in the group on-premises was removed.
    for (const i of range(0, 260)) assert.ok(members.has(ids.get(i)!), `${name(i)} is a member in Microsoft Entra ID`);
    assert.equal(members.size, 261);
  });

  test('a member removed in AD is removed from the cloud group, and only that one', async () => {
    const summary = await run([0, ...range(1, 260)].filter((i) => i !== 5));
    const details = export10(summary).details;
    assert.equal(details.MembersRemoved, '1', JSON.stringify(details));
    assert.equal(details.MembersAdded, '0');
    const members = cloudMembers(summary);
    assert.equal(members.has(ids.get(5)!), false);
    assert.equal(members.size, 260);
  });

  test('a staging run in between keeps the record of what was exported: the next export adds the member back and removes nobody', async () => {
    const all = [0, ...range(1, 260)];
    const staged = await run(all, true);
    assert.equal(staged.exported, false);
    const summary = await run(all);
    const details = export10(summary).details;
    assert.equal(details.MembersAdded, '1', JSON.stringify(details));
    assert.equal(details.MembersRemoved, '0');
    assert.equal(details.MembersNotProcessed, undefined);
    assert.equal(cloudMembers(summary).size, 261);
  });
});
