// A batch gives each object exactly the verdict a single run gives it, and both give the one
// Microsoft documents (/work/shared/reference/entra-connect-single-object-sync.md, "SOS" below),
// for object kinds and tenant situations that are in none of the fixtures. No Samba: an LDIF
// snapshot and the Graph emulator.
//
// A single run looks every object up in Microsoft Graph (step 8: by anchor, SID, UPN, SMTP
// address); a batch reads the scope in one search and, above --bulk-read-threshold (forced here
// with 1), the tenant once, and answers those lookups from memory (batch-tenant.ts). Any
// difference between the two is a bug. Each set runs as: single runs (one per object), a batch
// over the OU subtree (scope search, tenant read once), a batch over an input file (tenant read
// once, base reads) and a batch shared among two worker threads (the packed tenant read); each
// in its own empty state folder, against the same tenant, in staging mode (nothing written).
//
// Documented verdicts (SOS section):
// - Already synced by Entra Connect (onPremisesSyncEnabled true, onPremisesImmutableId = the
//   sourceAnchor), AD changed since: the pending update is shown, not a failure (§4 "Objects
//   already synced"); a warning, nothing written.
// - Soft match (§4 InvalidSoftMatch, §3 matching): a cloud-managed user without an anchor that
//   holds the exported UPN, or the primary SMTP address, is matched (update); with
//   BlockSoftMatchEnabled it is not, and the value is then a duplicate, quarantined (§4 duplicate
//   attribute resiliency): the object is created with a warning.
// - Duplicate attribute resiliency (§4): a UPN or SMTP proxy address held by another synced
//   object is quarantined (UPN placeholder <prefix><4 digits>@<initial domain>, the address
//   dropped); the object is still provisioned: a warning, not a failure.
// - Unverified UPN suffix (§3 UPN): the UPN becomes <MailNickName>@<initial domain> (MOERA).
// - Contacts (§3 doc-level scoping): mail-enabled contacts are synchronized (Contact Join).
// - Groups (§3): a distribution group must be mail-enabled; a security group is synchronized.
// - Disabled users are synchronized, accountEnabled False (§3 User Common).
// - isCriticalSystemObject and adminDescription "User_" are out of the User Join scope (§3, §4).
// - inetOrgPerson is synchronized like a user (§3 "InetOrgPerson Join", "inetOrgPerson too").
// - A linked mailbox (msExchRecipientTypeDetails = 2) has a NULL sourceAnchor and never reaches
//   Microsoft Entra ID (§2 User checks, §3 AccountEnabled).
// - Computers need userCertificate ISNOTNULL (§3 doc-level scoping).
// - OU filtering (§2 OU): an object in an excluded container is out of scope.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSession, type Session } from '../../../src/app/session';
import { sidBytesToString } from '../../../src/engine/model/ad-codecs';
import { Dn } from '../../../src/engine/model/dn';
import { groupUniqueName } from '../../../src/engine/ports/entra-target';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { startEmulator, type SeedDocument } from '../../graph-emulator';

const fixtures = path.resolve(__dirname, '../../fixtures');
const domain = 'DC=corp,DC=contoso,DC=com';
const base = `OU=Equivalence,OU=Contoso,${domain}`;
const outside = `OU=Outside,${base}`;

// ---- the AD objects -------------------------------------------------------------------------

interface UserEntry {
  cn: string;
  container?: string;
  classes?: string[];
  upn?: string;
  mailNickname?: string;
  proxy?: string[];
  mail?: string;
  uac?: number;
  extra?: string[];
  department?: string;
}

const guids = new Map<string, Buffer>();
const guidOf = (cn: string) => {
  if (!guids.has(cn)) guids.set(cn, randomBytes(16));
  return guids.get(cn)!;
};
const sids = new Map<string, { bytes: Buffer; text: string }>();
let rid = 81000;
const sidOf = (cn: string) => {
  if (!sids.has(cn)) {
    const bytes = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', 'base64');
    bytes.writeUInt32LE(rid++, 24);
    sids.set(cn, { bytes, text: sidBytesToString(bytes) });
  }
  return sids.get(cn)!;
};
/** The out-of-box sourceAnchor of these objects (none has mS-DS-ConsistencyGuid): base64 of objectGUID. */
const anchorOf = (cn: string) => guidOf(cn).toString('base64');
const nickOf = (cn: string) => cn.toLowerCase().replace(/\W+/g, '.');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const dnOf = (cn: string, container = base) => `CN=${cn},${container}`;

function userLdif(e: UserEntry): string {
  const nick = nickOf(e.cn);
  const dn = dnOf(e.cn, e.container);
  return [
    `dn: ${dn}`, 'changetype: add',
    ...(e.classes ?? ['top', 'person', 'organizationalPerson', 'user']).map((c) => `objectClass: ${c}`),
    `cn: ${e.cn}`, `name: ${e.cn}`, `displayName: ${e.cn}`, `givenName: ${e.cn.split(' ')[0]}`, `sn: ${e.cn.split(' ').slice(1).join(' ') || e.cn}`,
    `sAMAccountName:: ${b64(nick.slice(0, 20))}`,
    `userPrincipalName:: ${b64(e.upn ?? `${nick}@contoso.com`)}`,
    `userAccountControl: ${e.uac ?? 512}`,
    `objectGUID:: ${guidOf(e.cn).toString('base64')}`,
    `objectSid:: ${sidOf(e.cn).bytes.toString('base64')}`,
    ...(e.department ? [`department: ${e.department}`] : []),
    ...(e.mailNickname ? [`mailNickname: ${e.mailNickname}`] : []),
    ...(e.proxy ?? []).map((p) => `proxyAddresses: ${p}`),
    ...(e.mail ? [`mail: ${e.mail}`] : []),
    ...(e.extra ?? []),
    `distinguishedName: ${dn}`,
    '',
  ].join('\n');
}

function groupLdif(cn: string, lines: string[], members: string[]): string {
  const dn = dnOf(cn);
  return [
    `dn: ${dn}`, 'changetype: add', 'objectClass: top', 'objectClass: group', `cn: ${cn}`, `name: ${cn}`, `displayName: ${cn}`,
    `sAMAccountName: ${nickOf(cn)}`, `objectGUID:: ${guidOf(cn).toString('base64')}`, `objectSid:: ${sidOf(cn).bytes.toString('base64')}`,
    ...members.map((m) => `member: ${m}`), ...lines, `distinguishedName: ${dn}`, '',
  ].join('\n');
}

function contactLdif(cn: string, lines: string[]): string {
  const dn = dnOf(cn);
  return [
    `dn: ${dn}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: contact',
    `cn: ${cn}`, `name: ${cn}`, `displayName: ${cn}`, `objectGUID:: ${guidOf(cn).toString('base64')}`, ...lines, `distinguishedName: ${dn}`, '',
  ].join('\n');
}

function computerLdif(cn: string, lines: string[] = []): string {
  const dn = dnOf(cn);
  return [
    `dn: ${dn}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user', 'objectClass: computer',
    `cn: ${cn}`, `name: ${cn}`, `sAMAccountName: ${cn}$`, 'userAccountControl: 4096', `objectGUID:: ${guidOf(cn).toString('base64')}`,
    `objectSid:: ${sidOf(cn).bytes.toString('base64')}`, 'operatingSystem: Windows 11 Enterprise', 'operatingSystemVersion: 10.0 (22631)', `dNSHostName: ${cn.toLowerCase()}.corp.contoso.com`,
    ...lines, `distinguishedName: ${dn}`, '',
  ].join('\n');
}

function ouLdif(dn: string, name: string): string {
  return [`dn: ${dn}`, 'changetype: add', 'objectClass: top', 'objectClass: organizationalUnit', `ou: ${name}`, `name: ${name}`,
    `objectGUID:: ${randomBytes(16).toString('base64')}`, `distinguishedName: ${dn}`, ''].join('\n');
}

const users: UserEntry[] = [
  // Already synced by Entra Connect; AD changed since (department, displayName in the tenant differ).
  { cn: 'Synced Pending', department: 'Research', mailNickname: 'synced.pending', proxy: ['SMTP:synced.pending@contoso.com'], mail: 'synced.pending@contoso.com' },
  // Cloud-only users to soft-match: on the UPN; on the primary SMTP address (its UPN differs).
  { cn: 'Soft Upn' },
  { cn: 'Soft Smtp', upn: 'soft.smtp.onprem@contoso.com', proxy: ['SMTP:soft.smtp@contoso.com'], mail: 'soft.smtp@contoso.com' },
  // Values held by other synced users (another anchor): quarantined.
  { cn: 'Dup Upn' },
  { cn: 'Dup Proxy', proxy: ['SMTP:dup.proxy@contoso.com', 'smtp:dup.proxy.alias@contoso.com'], mail: 'dup.proxy@contoso.com' },
  // Unverified suffix: the MOERA from mailNickname.
  { cn: 'Moera User', upn: 'moera.user@fabrikam.example', mailNickname: 'moera.alias' },
  { cn: 'Disabled User', uac: 514 },
  { cn: 'Critical User', extra: ['isCriticalSystemObject: TRUE'] },
  { cn: 'Migrated User', extra: ['adminDescription: User_x'] },
  { cn: 'Inet Person', classes: ['top', 'person', 'organizationalPerson', 'user', 'inetOrgPerson'] },
  { cn: 'Linked Mailbox', mailNickname: 'linked.mailbox', proxy: ['SMTP:linked.mailbox@contoso.com'], mail: 'linked.mailbox@contoso.com', extra: ['msExchRecipientTypeDetails: 2'] },
  // Soft match refused: a Global Administrator; a group holding the primary SMTP address.
  { cn: 'Admin Soft' },
  { cn: 'Type Clash', proxy: ['SMTP:type.clash@contoso.com'], mail: 'type.clash@contoso.com' },
  // tshoot-connect-sync-errors' example: the clashing address is not this user's primary one.
  { cn: 'Type Clash Secondary', proxy: ['SMTP:type.clash.secondary@contoso.com', 'smtp:type.clash@contoso.com'], mail: 'type.clash.secondary@contoso.com' },
  // A cloud-managed user carrying this user's anchor (exported before, e.g. by this tool): hard match.
  { cn: 'Hard Match', department: 'Research' },
  // In an excluded OU: out of scope (also a member of the groups below).
  { cn: 'Outside User', container: outside },
];

const securityGroup = ['groupType: -2147483646'];
const newGroupMembers = [dnOf('Synced Pending'), dnOf('Disabled User'), dnOf('Outside User', outside), `CN=Alice Wu,OU=Sales,OU=Contoso,${domain}`];
// Found in Entra ID: Synced Pending (anchor), Member Group (SID), Synced Contact (its primary SMTP address); Soft Upn only
// by a soft match (not a member lookup), Outside User not at all.
const syncedGroupMembers = [dnOf('Synced Pending'), dnOf('Soft Upn'), dnOf('Outside User', outside), dnOf('Member Group'), dnOf('Synced Contact')];

function snapshotEntries(): string[] {
  return [
    ouLdif(base, 'Equivalence'),
    ouLdif(outside, 'Outside'),
    ...users.map(userLdif),
    groupLdif('New Security Group', securityGroup, newGroupMembers),
    groupLdif('Synced Security Group', securityGroup, syncedGroupMembers),
    groupLdif('Member Group', securityGroup, []),
    // Created by this tool before (its uniqueName carries the anchor): found by it, its description pending.
    groupLdif('Tool Group', [...securityGroup, 'description: Now described'], [dnOf('Synced Pending')]),
    // A global distribution group (groupType 2) without mail or proxyAddresses: not mail-enabled.
    groupLdif('Mailless Distribution', ['groupType: 2'], [dnOf('Soft Upn')]),
    contactLdif('Mail Contact', ['mail: mail.contact@partner.example', 'proxyAddresses: SMTP:mail.contact@partner.example', 'targetAddress: SMTP:mail.contact@partner.example']),
    contactLdif('Synced Contact', ['mail: synced.contact@partner.example', 'proxyAddresses: SMTP:synced.contact@partner.example']),
    computerLdif('WS300'),
    // Any value puts a computer in scope (userCertificate ISNOTNULL); this one is not a real certificate.
    computerLdif('WS301', [`userCertificate:: ${Buffer.from('3082010a0282010100c0ffee', 'hex').toString('base64')}`]),
  ];
}

// ---- the tenant -------------------------------------------------------------------------------

const ids = {
  syncedPending: 'e1000000-0000-4000-8000-000000000001',
  softUpn: 'e1000000-0000-4000-8000-000000000002',
  softSmtp: 'e1000000-0000-4000-8000-000000000003',
  dupUpnHolder: 'e1000000-0000-4000-8000-000000000004',
  dupProxyHolder: 'e1000000-0000-4000-8000-000000000005',
  admin: 'e1000000-0000-4000-8000-000000000006',
  cloudOnlyMember: 'e1000000-0000-4000-8000-000000000007',
  hardMatch: 'e1000000-0000-4000-8000-000000000008',
  syncedGroup: 'e1000000-0000-4000-8000-000000000010',
  typeClashGroup: 'e1000000-0000-4000-8000-000000000011',
  memberGroup: 'e1000000-0000-4000-8000-000000000012',
  toolGroup: 'e1000000-0000-4000-8000-000000000013',
  syncedContact: 'e1000000-0000-4000-8000-000000000020',
};

const seed = (syncFeatures?: SeedDocument['syncFeatures']): SeedDocument => ({
  users: [
    {
      id: ids.syncedPending, displayName: 'Synced Pending (old)', userPrincipalName: 'synced.pending@contoso.com', mailNickname: 'synced.pending', accountEnabled: true,
      givenName: 'Synced', surname: 'Pending', department: 'Sales', mail: 'synced.pending@contoso.com', proxyAddresses: ['SMTP:synced.pending@contoso.com'],
      onPremisesImmutableId: anchorOf('Synced Pending'), onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: sidOf('Synced Pending').text,
      onPremisesSamAccountName: 'synced.pending', onPremisesUserPrincipalName: 'synced.pending@contoso.com', onPremisesDistinguishedName: dnOf('Synced Pending'),
    },
    { id: ids.softUpn, displayName: 'Cloud Soft Upn', userPrincipalName: 'soft.upn@contoso.com', mailNickname: 'soft.upn', accountEnabled: true },
    { id: ids.softSmtp, displayName: 'Cloud Soft Smtp', userPrincipalName: 'cloud.soft.smtp@contoso.com', mailNickname: 'cloud.soft.smtp', accountEnabled: true, mail: 'soft.smtp@contoso.com', proxyAddresses: ['SMTP:soft.smtp@contoso.com'] },
    {
      id: ids.dupUpnHolder, displayName: 'Other Dup Upn', userPrincipalName: 'dup.upn@contoso.com', mailNickname: 'other.dup.upn', accountEnabled: true,
      onPremisesImmutableId: 'AAAAAAAAAAAAAAAAAAAAAA==', onPremisesSyncEnabled: true,
    },
    {
      id: ids.dupProxyHolder, displayName: 'Other Dup Proxy', userPrincipalName: 'other.dup.proxy@contoso.com', mailNickname: 'other.dup.proxy', accountEnabled: true,
      mail: 'other.dup.proxy@contoso.com', proxyAddresses: ['SMTP:other.dup.proxy@contoso.com', 'smtp:dup.proxy.alias@contoso.com'],
      onPremisesImmutableId: 'BBBBBBBBBBBBBBBBBBBBBA==', onPremisesSyncEnabled: true,
    },
    { id: ids.admin, displayName: 'Cloud Admin', userPrincipalName: 'admin.soft@contoso.com', mailNickname: 'admin.soft', accountEnabled: true },
    { id: ids.cloudOnlyMember, displayName: 'Cloud Only Member', userPrincipalName: 'cloud.only.member@contoso.com', mailNickname: 'cloud.only.member', accountEnabled: true },
    {
      id: ids.hardMatch, displayName: 'Hard Match', userPrincipalName: 'hard.match@contoso.com', mailNickname: 'hard.match', accountEnabled: true, department: 'Sales',
      onPremisesImmutableId: anchorOf('Hard Match'),
    },
  ],
  groups: [
    {
      id: ids.syncedGroup, displayName: 'Synced Security Group', mailEnabled: false, securityEnabled: true, groupTypes: [], mailNickname: 'synced.security.group',
      onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: sidOf('Synced Security Group').text, onPremisesSamAccountName: 'synced.security.group',
      // Synced Pending is a member in both; Soft Upn (AD member, cloud user) is not yet; the cloud-only member is to be removed.
      members: [ids.syncedPending, ids.cloudOnlyMember, ids.memberGroup, ids.syncedContact],
    },
    {
      id: ids.memberGroup, displayName: 'Member Group', mailEnabled: false, securityEnabled: true, groupTypes: [], mailNickname: 'member.group',
      onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: sidOf('Member Group').text, onPremisesSamAccountName: 'member.group',
    },
    {
      id: ids.toolGroup, displayName: 'Tool Group', description: 'Described before', mailEnabled: false, securityEnabled: true, groupTypes: [], mailNickname: 'tool.group',
      uniqueName: groupUniqueName(anchorOf('Tool Group')), members: [ids.syncedPending],
    },
    { id: ids.typeClashGroup, displayName: 'Type Clash Group', mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'], mailNickname: 'type.clash', mail: 'type.clash@contoso.com', proxyAddresses: ['SMTP:type.clash@contoso.com'] },
  ],
  contacts: [
    { id: ids.syncedContact, displayName: 'Synced Contact', mail: 'synced.contact@partner.example', mailNickname: 'synced.contact', proxyAddresses: ['SMTP:synced.contact@partner.example'], onPremisesSyncEnabled: true },
  ],
  roleAssignments: [{ principalId: ids.admin, roleName: 'Global Administrator' }],
  ...(syncFeatures ? { syncFeatures } : {}),
});

// ---- runs ---------------------------------------------------------------------------------

interface World {
  dir: string;
  emulator: Awaited<ReturnType<typeof startEmulator>>;
  configPath: string;
  sessions: Session[];
  open(stateDir: string): Promise<Session>;
  close(): Promise<void>;
}

async function openWorld(snapshot: string, tenant: SeedDocument): Promise<World> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-batch-equivalence-'));
  const emulator = await startEmulator({ seed: tenant });
  await writeFile(path.join(dir, 'snapshot.ldif'), snapshot);
  const configPath = path.join(dir, 'single-object-sync.json');
  await writeFile(configPath, JSON.stringify({
    activeDirectory: [{
      name: 'corp.contoso.com', ldifFile: 'snapshot.ldif',
      partitions: [{ dn: domain, selected: true, inclusions: [domain], exclusions: [outside] }],
      objectTypes: ['user', 'inetOrgPerson', 'group', 'contact', 'computer'], groupFilteringGroupDn: null,
    }],
    entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_TEST_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
    sourceAnchor: 'mS-DS-ConsistencyGuid', rules: 'builtin', stateDir: 'state', reportDir: 'reports',
  }));
  const sessions: Session[] = [];
  return {
    dir, emulator, configPath, sessions,
    async open(stateDir) {
      const session = await openSession({
        configPath, stateDir: path.join(dir, stateDir),
        secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret },
      });
      sessions.push(session);
      return session;
    },
    async close() {
      for (const s of sessions) await s.close();
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What depends on the run, not on the object: ids, clocks, Graph request logs. */
function comparable(summary: ProvisioningObjectSummary): unknown {
  const { id: _id, activityDateTime: _a, changeId: _c, cycleId: _y, durationInMilliseconds: _d, provisioningSteps, ...rest } = summary;
  return {
    ...rest,
    provisioningSteps: provisioningSteps.map(({ startDateTime: _s, durationInMilliseconds: _m, graphRequests: _g, ...step }) => step),
  };
}

const verdict = (s: ProvisioningObjectSummary) => ({
  status: s.provisioningStatusInfo.status,
  errorCode: s.provisioningStatusInfo.errorInformation?.errorCode ?? null,
  provisioningAction: s.provisioningAction,
  plannedProvisioningAction: s.plannedProvisioningAction,
  modifiedProperties: s.modifiedProperties.map((p) => ({ displayName: p.displayName, oldValue: p.oldValue, newValue: p.newValue, applied: p.applied })),
});

interface Runs {
  single: Map<string, ProvisioningObjectSummary>;
  batches: Array<{ how: string; summaries: Map<string, ProvisioningObjectSummary> }>;
  dns: string[];
}

/** The subtree synced one object at a time, and as three kinds of batch; each in its own state folder. */
async function runAll(world: World): Promise<Runs> {
  const searchSession = await world.open('state-batch-search');
  const prepared = await searchSession.prepareBatch({ kind: 'search', base: Dn.parse(base), scope: 'subtree' }, { bulkReadThreshold: 1 });
  const searched = await searchSession.runBatch(prepared, { stagingMode: true, bulkReadThreshold: 1, keepSummaries: true });
  assert.equal(searched.tenantRead, 'bulk', 'the tenant was read once');
  assert.ok(searched.lookupsFromTenantRead > 0, 'lookups were answered from the tenant read');
  const dns = prepared.dns.map(String);

  const fileSession = await world.open('state-batch-file');
  const file = path.join(world.dir, `dns-${randomBytes(4).toString('hex')}.txt`);
  await writeFile(file, dns.join('\n'));
  const fromFile = await fileSession.runBatch(await fileSession.prepareBatch({ kind: 'file', file }, { bulkReadThreshold: 1 }), { stagingMode: true, bulkReadThreshold: 1, keepSummaries: true });
  assert.equal(fromFile.tenantRead, 'bulk');

  const workerSession = await world.open('state-batch-workers');
  const workerPrepared = await workerSession.prepareBatch({ kind: 'search', base: Dn.parse(base), scope: 'subtree' }, { bulkReadThreshold: 1 });
  const delivered = new Map<string, ProvisioningObjectSummary>();
  const workers = await workerSession.runBatch(workerPrepared, {
    stagingMode: true, bulkReadThreshold: 1, workers: 2,
    onResult: (item) => { delivered.set(item.dn, JSON.parse(item.json()) as ProvisioningObjectSummary); },
  });
  assert.equal(workers.workers, 2, 'the pass ran on two worker threads');

  const singleSession = await world.open('state-single');
  const single = new Map<string, ProvisioningObjectSummary>();
  for (const dn of dns) single.set(dn, (await singleSession.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true })).summary);
  return {
    single, dns,
    batches: [
      { how: 'batch (scope search, tenant read once)', summaries: searched.summaries },
      { how: 'batch (input file, tenant read once)', summaries: fromFile.summaries },
      // Through JSON: undefined-valued keys are dropped, as in the single run's JSON.
      { how: WORKERS, summaries: delivered },
    ],
  };
}

const WORKERS = 'batch (two worker threads)';
const SYNCED_GROUPS = new Set([dnOf('Synced Security Group'), dnOf('Member Group')]);

function assertEquivalent(runs: Runs, options: { only?: (how: string, dn: string) => boolean } = {}): void {
  assert.ok(runs.dns.length >= 24, `${runs.dns.length} objects`);
  const selected = options.only ?? (() => true);
  for (const { how, summaries } of runs.batches) {
    assert.equal(summaries.size, runs.dns.length, how);
    for (const dn of runs.dns) {
      if (!selected(how, dn)) continue;
      const single = runs.single.get(dn)!;
      const batch = summaries.get(dn);
      assert.ok(batch, `${how}: ${dn} has a result`);
      assert.deepEqual(verdict(batch), verdict(single), `${how} vs single run: ${dn}`);
      assert.deepEqual(JSON.parse(JSON.stringify(comparable(batch))), JSON.parse(JSON.stringify(comparable(single))), `${how} vs single run (whole result): ${dn}`);
    }
  }
}

const step = (s: ProvisioningObjectSummary, n: number) => s.provisioningSteps.find((x) => x.stepNumber === n)!;
const info = (s: ProvisioningObjectSummary) => JSON.stringify(s.provisioningStatusInfo);
const code = (s: ProvisioningObjectSummary) => s.provisioningStatusInfo.errorInformation?.errorCode;
const planned = (s: ProvisioningObjectSummary, attribute: string) => s.modifiedProperties.find((p) => p.displayName === attribute);

describe('a batch gives the verdict a single run gives, and the documented one, for objects in none of the fixtures', () => {
  let snapshot: string;

  before(async () => {
    const fixture = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    snapshot = `${fixture.trimEnd()}\n\n${snapshotEntries().join('\n')}`;
  });

  describe('default tenant features (soft match allowed)', () => {
    let world: World;
    let runs: Runs;
    const of = (cn: string, container = base) => runs.single.get(dnOf(cn, container))!;

    before(async () => {
      world = await openWorld(snapshot, seed());
      runs = await runAll(world);
    });
    after(() => world?.close());

    test('every object: the same status, action, error code, planned modified properties and whole result in the three batches as in single runs', () => {
      assertEquivalent(runs);
      // The comparison is not of identical results.
      assert.ok(new Set([...runs.single.values()].map((s) => code(s) ?? 'none')).size >= 8, [...runs.single.values()].map(code).join(', '));
    });

    test('already synced by Entra Connect, AD changed: the pending update is shown (a warning), not a failure, nothing written (SOS §4)', () => {
      const s = of('Synced Pending');
      assert.equal(s.provisioningStatusInfo.status, 'warning', info(s));
      assert.equal(code(s), 'EntraConnectExportPending', info(s));
      assert.equal(s.plannedProvisioningAction, 'update');
      assert.equal(s.provisioningAction, 'other', 'staging: nothing performed');
      assert.equal(step(s, 8).details.ObjectId, ids.syncedPending);
      assert.match(step(s, 8).details.Match ?? '', /Hard match on onPremisesImmutableId/);
      assert.deepEqual({ ...planned(s, 'department') }, { displayName: 'department', oldValue: 'Sales', newValue: 'Research', applied: false, notAppliedKind: 'ownedByEntraConnect', notAppliedReason: planned(s, 'department')?.notAppliedReason, informational: false });
      assert.equal(planned(s, 'displayName')?.newValue, 'Synced Pending');
      assert.equal(world.emulator.writes().length, 0, 'staging: Microsoft Graph received no write');
    });

    test('soft match on the UPN and on the primary SMTP address of a cloud-managed user (SOS §3, §4)', () => {
      const byUpn = of('Soft Upn');
      assert.equal(byUpn.plannedProvisioningAction, 'update', info(byUpn));
      assert.equal(step(byUpn, 8).details.ObjectId, ids.softUpn);
      assert.match(step(byUpn, 8).details.Match ?? '', /Soft match on userPrincipalName/);
      const bySmtp = of('Soft Smtp');
      assert.equal(bySmtp.plannedProvisioningAction, 'update', info(bySmtp));
      assert.equal(step(bySmtp, 8).details.ObjectId, ids.softSmtp);
      assert.match(step(bySmtp, 8).details.Match ?? '', /primary SMTP address = SMTP:soft\.smtp@contoso\.com/);
      for (const s of [byUpn, bySmtp]) assert.notEqual(s.provisioningStatusInfo.status, 'failure', info(s));
    });

    test('duplicate attribute resiliency: a UPN or a proxy address held by another synced user is quarantined, the user still created, a warning (SOS §4)', () => {
      const upn = of('Dup Upn');
      assert.equal(upn.plannedProvisioningAction, 'create', info(upn));
      assert.equal(upn.provisioningStatusInfo.status, 'warning');
      assert.equal(code(upn), 'DuplicateAttributeQuarantined');
      assert.match(String(planned(upn, 'userPrincipalName')?.newValue), /^dup\.upn\d{4}@contoso\.onmicrosoft\.com$/);
      const proxy = of('Dup Proxy');
      assert.equal(proxy.plannedProvisioningAction, 'create', info(proxy));
      assert.equal(proxy.provisioningStatusInfo.status, 'warning');
      assert.equal(code(proxy), 'DuplicateAttributeQuarantined');
      assert.match(step(proxy, 8).details.DuplicateValues ?? '', /dup\.proxy\.alias@contoso\.com/);
      assert.doesNotMatch(step(proxy, 8).details.DuplicateValues ?? '', /smtp:dup\.proxy@/, 'the primary address is no duplicate');
    });

    test('soft match refused: an admin-role holder (Existing Admin Role Conflict), another object type holding the primary or a secondary address (ObjectTypeMismatch) (SOS §4)', () => {
      assert.equal(code(of('Admin Soft')), 'ExistingAdminRoleConflict', info(of('Admin Soft')));
      assert.equal(code(of('Type Clash')), 'ObjectTypeMismatch', info(of('Type Clash')));
      assert.equal(code(of('Type Clash Secondary')), 'ObjectTypeMismatch', info(of('Type Clash Secondary')));
      for (const cn of ['Admin Soft', 'Type Clash', 'Type Clash Secondary']) assert.equal(of(cn).provisioningStatusInfo.status, 'failure', cn);
    });

    test('an unverified UPN suffix becomes the MOERA <mailNickname>@<initial domain> (SOS §3)', () => {
      const s = of('Moera User');
      assert.equal(s.plannedProvisioningAction, 'create', info(s));
      assert.equal(String(planned(s, 'userPrincipalName')?.newValue).toLowerCase(), 'moera.alias@contoso.onmicrosoft.com');
    });

    test('a disabled user and an inetOrgPerson are synchronized, the disabled one disabled (SOS §3)', () => {
      const disabled = of('Disabled User');
      assert.equal(disabled.plannedProvisioningAction, 'create', info(disabled));
      assert.equal(String(planned(disabled, 'accountEnabled')?.newValue), 'false');
      const inet = of('Inet Person');
      assert.equal(inet.plannedProvisioningAction, 'create', info(inet));
      assert.notEqual(inet.provisioningStatusInfo.status, 'failure');
      assert.match(step(inet, 9).details.InboundRulesApplied ?? JSON.stringify(step(inet, 9).details), /InetOrgPerson/);
    });

    test('isCriticalSystemObject and adminDescription User_ are out of the User Join scope; a linked mailbox never provisions (SOS §2, §3)', () => {
      for (const cn of ['Critical User', 'Migrated User', 'Linked Mailbox']) {
        const s = of(cn);
        assert.equal(s.plannedProvisioningAction, 'other', `${cn}: ${info(s)}`);
        assert.notEqual(s.provisioningStatusInfo.status, 'success', cn);
      }
      assert.match(of('Critical User').provisioningStatusInfo.errorInformation?.reason ?? '', /isCriticalSystemObject/);
      assert.match(of('Migrated User').provisioningStatusInfo.errorInformation?.reason ?? '', /adminDescription NOTSTARTSWITH User_ \(actual: User_x\)/);
      assert.equal(code(of('Linked Mailbox')), 'LinkedMailbox');
    });

    test('a mail-enabled contact is synchronized (Contact Join); a distribution group without mail is not; a computer without userCertificate is not (SOS §3)', () => {
      const contact = runs.single.get(dnOf('Mail Contact'))!;
      assert.equal(contact.plannedProvisioningAction, 'create', info(contact));
      assert.equal(step(contact, 9).details.OutboundRulesApplied?.startsWith('Out to AAD - Contact Join'), true, JSON.stringify(step(contact, 9).details));
      const dl = runs.single.get(dnOf('Mailless Distribution'))!;
      assert.equal(code(dl), 'NoOutboundRuleInScope', info(dl));
      assert.equal(dl.plannedProvisioningAction, 'other');
      const computer = runs.single.get(dnOf('WS300'))!;
      assert.equal(computer.plannedProvisioningAction, 'other', info(computer));
      // The out-of-box Computer Join rule filters it: cloudFiltered = IIF(IsNullOrEmpty([userCertificate]),True,NULL).
      assert.equal(code(computer), 'CloudFiltered', info(computer));
      assert.equal(computer.provisioningStatusInfo.status, 'skipped');
      assert.match(computer.provisioningStatusInfo.errorInformation?.reason ?? '', /In from AD - Computer Join/);
    });

    test('a computer with a userCertificate is in scope and would be created by Entra Connect; Graph v1.0 cannot write a device (SOS §3)', () => {
      const s = runs.single.get(dnOf('WS301'))!;
      assert.equal(s.plannedProvisioningAction, 'create', info(s));
      assert.equal(code(s), 'ObjectNotExportableThroughGraph', info(s));
      assert.equal(s.provisioningAction, 'other');
    });

    test('exported before: a cloud-managed user carrying the anchor is hard-matched, a group this tool created is found by its uniqueName; both updated', () => {
      const user = of('Hard Match');
      assert.equal(user.plannedProvisioningAction, 'update', info(user));
      assert.equal(step(user, 8).details.ObjectId, ids.hardMatch);
      assert.equal(planned(user, 'department')?.newValue, 'Research');
      assert.equal(planned(user, 'department')?.applied, true, 'a cloud-managed object: Graph writes it');
      const group = runs.single.get(dnOf('Tool Group'))!;
      assert.equal(group.plannedProvisioningAction, 'update', info(group));
      assert.equal(step(group, 8).details.ObjectId, ids.toolGroup);
      assert.equal(planned(group, 'description')?.newValue, 'Now described');
      assert.equal(planned(group, 'description')?.oldValue, 'Described before');
    });

    test('an object in an excluded OU is out of scope at step 3 (SOS §2 OU)', () => {
      const s = of('Outside User', outside);
      assert.equal(s.provisioningStatusInfo.status, 'skipped', info(s));
      assert.equal(step(s, 3).status, 'skipped');
      assert.equal(s.plannedProvisioningAction, 'other');
    });

    test('security groups with members inside and outside the scope: a new one is created with the members found; the synced one shows its membership pending', () => {
      const created = runs.single.get(dnOf('New Security Group'))!;
      assert.equal(created.plannedProvisioningAction, 'create', info(created));
      assert.notEqual(created.provisioningStatusInfo.status, 'failure', info(created));
      assert.ok(String(planned(created, 'member')?.newValue).includes(dnOf('Synced Pending')), JSON.stringify(planned(created, 'member')));
      // OU filtering (§4): the member in the excluded OU is not synchronized, so Entra Connect
      // exports no reference to it; the row says why it is left out.
      assert.ok(!String(planned(created, 'member')?.newValue).includes('Outside User'), JSON.stringify(planned(created, 'member')));
      const memberRow = step(created, 10).attributes?.find((a) => a.name === 'member');
      assert.match(JSON.stringify(memberRow), /1 reference\(s\) not exported: the object is outside the sync scope.*Outside User.*Excluded by container/, JSON.stringify(memberRow));
      const synced = runs.single.get(dnOf('Synced Security Group'))!;
      assert.equal(code(synced), 'EntraConnectExportPending', info(synced));
      assert.equal(synced.provisioningStatusInfo.status, 'warning');
      assert.match(step(synced, 8).details.Match ?? '', /onPremisesSecurityIdentifier/);
      const member = planned(synced, 'member');
      assert.ok(member, JSON.stringify(synced.modifiedProperties));
      assert.match(String(member.oldValue), new RegExp(ids.cloudOnlyMember), 'the cloud member no AD member maps to');
      // Soft Upn only soft-matches a cloud-managed user: until an export takes it over it is not
      // synchronized, whatever a staging run linked, so its reference waits (the same in every batch shape).
      assert.match(step(synced, 10).details.MembersNotResolved ?? '', /CN=Soft Upn,[^;]*\(not in Microsoft Entra ID\)/);
      assert.match(step(synced, 10).details.MembersNotResolved ?? '', /Outside User[^;]*\(outside the sync scope: Excluded by container OU=Outside[^;]*; Entra Connect does not export it as a member\)/);
      assert.doesNotMatch(step(synced, 10).details.MembersNotResolved ?? '', /Member Group|Synced Contact/, 'a member group by its SID, a member contact by its address');
      assert.equal(step(synced, 10).details.MembersToRemove, '1');
    });

    test('two worker threads: a group Entra Connect synchronizes equals its single run (its cloud members are read through the pass)', () => {
      assertEquivalent(runs, { only: (how, dn) => how === WORKERS && SYNCED_GROUPS.has(dn) });
    });
  });

  describe('BlockSoftMatchEnabled and BlockCloudObjectTakeoverThroughHardMatchEnabled (SOS §4)', () => {
    let world: World;
    let runs: Runs;
    const of = (cn: string) => runs.single.get(dnOf(cn))!;

    before(async () => {
      world = await openWorld(snapshot, seed({ blockSoftMatchEnabled: true, blockCloudObjectTakeoverThroughHardMatchEnabled: true }));
      runs = await runAll(world);
    });
    after(() => world?.close());

    test('every object: batches equal single runs', () => {
      assertEquivalent(runs);
    });

    test('no soft match: the cloud users are not taken over; their UPN or primary SMTP address is a duplicate, quarantined, the user created with a warning', () => {
      const byUpn = of('Soft Upn');
      assert.equal(byUpn.plannedProvisioningAction, 'create', info(byUpn));
      assert.notEqual(step(byUpn, 8).details.ObjectId, ids.softUpn);
      assert.equal(code(byUpn), 'DuplicateAttributeQuarantined', info(byUpn));
      assert.match(String(planned(byUpn, 'userPrincipalName')?.newValue), /^soft\.upn\d{4}@contoso\.onmicrosoft\.com$/);
      const bySmtp = of('Soft Smtp');
      assert.equal(bySmtp.plannedProvisioningAction, 'create', info(bySmtp));
      assert.equal(code(bySmtp), 'DuplicateAttributeQuarantined', info(bySmtp));
      assert.match(step(bySmtp, 8).details.DuplicateValues ?? '', /soft\.smtp@contoso\.com/);
      // An object Entra Connect synchronizes is no takeover.
      assert.equal(of('Synced Pending').plannedProvisioningAction, 'update');
      assert.equal(code(of('Synced Pending')), 'EntraConnectExportPending');
    });

    test('taking over a cloud-managed user by its anchor is refused: InvalidHardMatch, a failure', () => {
      const s = of('Hard Match');
      assert.equal(code(s), 'InvalidHardMatch', info(s));
      assert.equal(s.provisioningStatusInfo.status, 'failure');
    });
  });
});
