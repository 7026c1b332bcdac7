// What Microsoft Entra ID decides at export, written from its documentation (uses-samba):
// - how-to-connect-install-existing-tenant: hard match, soft match on userPrincipalName or the
//   primary SMTP address only, for new objects; BlockSoftMatchEnabled,
//   BlockCloudObjectTakeoverThroughHardMatchEnabled; no match to a cloud user with an admin role;
//   groups soft-match only when mail-enabled.
// - tshoot-connect-sync-errors: InvalidHardMatch, InvalidSoftMatch, ObjectTypeMismatch,
//   Existing Admin Role Conflict.
// - how-to-connect-syncservice-duplicate-attribute-resiliency: duplicate UPN / SMTP addresses
//   are quarantined (UPN placeholder <prefix><4 digits>@<initial domain>), the object still
//   provisioned; the known issue where a user's UPN collides with a group's SMTP address.
// - Objects Entra Connect already synchronizes are compared, never written through Graph.
// Each case: a fresh tenant seeded for it, the live AD object, and staging predicting the export.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Attribute, Change, Client } from 'ldapts';
import { describe, test } from 'node:test';
import type { ProvisioningObjectSummary } from '../../src/engine/summary/types';
import type { SeedDocument } from '../graph-emulator';
import { adEnv, identityOf, openWorld, ou, type World } from './harness';
import { Dn } from '../../src/engine/model/dn';

const step = (s: ProvisioningObjectSummary, n: number) => s.provisioningSteps.find((x) => x.stepNumber === n)!;
const code = (s: ProvisioningObjectSummary) => s.provisioningStatusInfo.errorInformation?.errorCode;
const status = (s: ProvisioningObjectSummary) => s.provisioningStatusInfo.status;
const alice = ou('CN=Alice Wu,OU=Sales');
const users = (w: World) => w.emulator.state().users as Record<string, unknown>[];
const accepted = (w: World) => w.emulator.writes().filter((x) => x.status < 400);

/** Runs the case in staging, then exporting, each in a fresh world seeded the same way. */
async function stagedAndExported(dn: string, seed: (ids: { anchor: string; sid: string }) => SeedDocument, options: Parameters<typeof openWorld>[0] = {}) {
  const ids = await identityOf(dn);
  const staging = await openWorld({ ...options, seed: seed(ids) });
  const exporting = await openWorld({ ...options, seed: seed(ids) });
  try {
    const staged = (await staging.session.sync(Dn.parse(dn), { stagingMode: true })).summary;
    const run = await exporting.session.sync(Dn.parse(dn), { stagingMode: false });
    assert.equal(staging.emulator.writes().length, 0, 'staging writes nothing');
    return { ids, staged, exported: run.summary, reportPath: run.reportPath, world: exporting };
  } finally {
    await staging.close();
    await exporting.close();
  }
}

describe('objects Entra Connect already synchronizes', () => {
  test('nothing pending: success, "already matches", no Graph write', async () => {
    // The tenant holds exactly what Entra Connect exported: create it, then hand it to Entra Connect.
    const world = await openWorld();
    try {
      const first = await world.session.sync(Dn.parse(alice), { stagingMode: false, noHtmlReport: true });
      const created = users(world).find((u) => u.id === first.summary.targetIdentity.id)!;
      const exportRow = (name: string) => step(first.summary, 10).attributes?.find((r) => r.name === name)?.value ?? [];
      await world.emulator.seed({ users: [{ ...created, onPremisesSyncEnabled: true, proxyAddresses: exportRow('proxyAddresses'), onPremisesSamAccountName: exportRow('onPremisesSamAccountName')[0] ?? null, onPremisesUserPrincipalName: exportRow('onPremisesUserPrincipalName')[0] ?? null, onPremisesSecurityIdentifier: exportRow('onPremiseSecurityIdentifier')[0] ?? null, onPremisesDomainName: exportRow('dnsDomainName')[0] ?? null }] });
      const before = world.emulator.writes().length;
      const { summary } = await world.session.sync(Dn.parse(alice), { stagingMode: false, noHtmlReport: true });
      assert.equal(status(summary), 'success', JSON.stringify(summary.provisioningStatusInfo));
      assert.match(step(summary, 10).details.Result ?? '', /already matches/);
      assert.deepEqual(summary.modifiedProperties, []);
      assert.equal(world.emulator.writes().length, before);
    } finally {
      await world.close();
    }
  });

  test('a group synced by Entra Connect is found by its onPremisesSecurityIdentifier, compared, never created again', async () => {
    const dn = ou('CN=Sales Team,OU=Groups');
    const { exported, staged, world } = await stagedAndExported(dn, ({ sid }) => ({
      groups: [{ id: 'synced-group', displayName: 'Sales Team', mailEnabled: false, securityEnabled: true, mailNickname: 'SalesTeam', onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: sid }],
    }));
    assert.equal(exported.targetIdentity.id, 'synced-group');
    assert.match(step(exported, 8).details.Match ?? '', /onPremisesSecurityIdentifier/);
    assert.match(status(exported), /^(success|warning)$/);
    if (status(exported) === 'warning') assert.equal(code(exported), 'EntraConnectExportPending');
    assert.equal(accepted(world).length, 0, 'no group created, nothing written');
    assert.deepEqual([status(staged), code(staged)], [status(exported), code(exported)]);
  });

  test('the same AD object synced with another source anchor stays an error: InvalidSoftMatch, no write', async () => {
    const { exported, staged, world } = await stagedAndExported(alice, ({ sid }) => ({
      users: [{ id: 'old-anchor', userPrincipalName: 'alice.wu@contoso.com', displayName: 'Alice Wu', mailNickname: 'alice.wu', accountEnabled: true, onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: sid, onPremisesImmutableId: 'b2xkLWZvcmVzdC1hbmNob3I=' }],
    }));
    assert.deepEqual([status(exported), code(exported)], ['failure', 'InvalidSoftMatch']);
    assert.equal(step(exported, 10).status, 'failure', 'reported at export, as Entra ID reports it');
    assert.match(step(exported, 8).details.Candidate ?? '', /old-anchor/, 'step 8 shows the candidate');
    assert.equal(world.emulator.writes().length, 0);
    assert.deepEqual([status(staged), code(staged)], ['failure', 'InvalidSoftMatch'], 'staging predicts it');
  });
});

describe('hard match and the tenant features', () => {
  test('BlockCloudObjectTakeoverThroughHardMatchEnabled: a cloud object with the anchor is not taken over (InvalidHardMatch)', async () => {
    const seed = ({ anchor }: { anchor: string }, block: boolean): SeedDocument => ({
      syncFeatures: { blockCloudObjectTakeoverThroughHardMatchEnabled: block },
      users: [{ id: 'restored', userPrincipalName: 'alice.wu@contoso.com', displayName: 'Alice (restored)', mailNickname: 'alice.wu', accountEnabled: true, onPremisesImmutableId: anchor, onPremisesSyncEnabled: false }],
    });
    const blocked = await stagedAndExported(alice, (ids) => seed(ids, true));
    assert.deepEqual([status(blocked.exported), code(blocked.exported)], ['failure', 'InvalidHardMatch']);
    assert.equal(step(blocked.exported, 2).details.BlockCloudObjectTakeoverThroughHardMatchEnabled, 'true');
    assert.equal(blocked.world.emulator.writes().length, 0);
    assert.equal(code(blocked.staged), 'InvalidHardMatch');
    const allowed = await stagedAndExported(alice, (ids) => seed(ids, false));
    assert.equal(allowed.exported.targetIdentity.id, 'restored');
    assert.equal(allowed.exported.provisioningAction, 'update');
    assert.notEqual(status(allowed.exported), 'failure');
  });

  test('the features cannot be read without OnPremDirectorySynchronization.Read.All: step 2 says so, matching assumes the defaults', async () => {
    const world = await openWorld();
    try {
      const { emulator } = world;
      await emulator.seed({ apps: [{ clientId: emulator.clientId, secrets: [emulator.clientSecret], roles: ['User.ReadWrite.All', 'Group.ReadWrite.All', 'Domain.Read.All'] }] });
      const { summary } = await world.session.sync(Dn.parse(alice), { stagingMode: true, noHtmlReport: true });
      assert.notEqual(status(summary), 'failure', `an unreadable feature set does not fail the sync: ${JSON.stringify(summary.provisioningStatusInfo)}`);
      assert.match(step(summary, 2).details.SyncFeaturesSource ?? '', /Assumed defaults: AuthorizationDenied/);
      assert.match(step(summary, 2).details.SyncFeaturesSource ?? '', /OnPremDirectorySynchronization\.Read\.All/);
      assert.match(step(summary, 8).details.SyncFeatures ?? '', /documented defaults, assumed/);
      // Nor can it read contacts: the duplicate check says what it could not see instead of failing.
      assert.match(step(summary, 8).details.NotChecked ?? '', /OrgContact\.Read\.All/);
    } finally {
      await world.close();
    }
  });
});

describe('soft match', () => {
  const cloudAlice = (extra: Record<string, unknown> = {}) => ({ id: 'cloud-alice', userPrincipalName: 'alice.wu@contoso.com', displayName: 'Alice (cloud)', mailNickname: 'alice.wu', accountEnabled: true, ...extra });

  test('BlockSoftMatchEnabled: no takeover; the UPN is a duplicate, quarantined to a placeholder, and a new user created', async () => {
    const { exported, staged, world } = await stagedAndExported(alice, () => ({ syncFeatures: { blockSoftMatchEnabled: true }, users: [cloudAlice()] }));
    assert.notEqual(exported.targetIdentity.id, 'cloud-alice');
    assert.equal(exported.provisioningAction, 'create');
    assert.deepEqual([status(exported), code(exported)], ['warning', 'DuplicateAttributeQuarantined']);
    assert.ok(exported.provisioningStatusInfo.errorInformation!.reason.includes('cloud-alice'), 'names the conflicting object');
    // ... and carries it as data for the report: its name, UPN and the clashing value.
    assert.deepEqual(exported.provisioningStatusInfo.errorInformation!.conflictingObjects, [
      { kind: 'user', id: 'cloud-alice', displayName: 'Alice (cloud)', userPrincipalName: 'alice.wu@contoso.com', attribute: 'userPrincipalName', value: 'alice.wu@contoso.com' },
    ]);
    const created = users(world).find((u) => u.id === exported.targetIdentity.id);
    assert.match(String(created?.userPrincipalName), /^alice\.wu\d{4}@contoso\.onmicrosoft\.com$/);
    assert.equal(users(world).find((u) => u.id === 'cloud-alice')?.onPremisesImmutableId, undefined, 'the cloud user is untouched');
    assert.deepEqual([status(staged), code(staged)], ['warning', 'DuplicateAttributeQuarantined']);
  });

  test('SoftMatchOnUpnEnabled false: a UPN-only match is not taken; the primary SMTP address still matches', async () => {
    const byUpnOnly = await stagedAndExported(alice, () => ({ syncFeatures: { softMatchOnUpnEnabled: false }, users: [cloudAlice()] }));
    assert.notEqual(byUpnOnly.exported.targetIdentity.details.match, 'soft');
    assert.equal(code(byUpnOnly.exported), 'DuplicateAttributeQuarantined');
    const bySmtp = await stagedAndExported(alice, () => ({
      syncFeatures: { softMatchOnUpnEnabled: false },
      users: [cloudAlice({ userPrincipalName: 'alice.cloud@contoso.com', mail: 'alice.wu@contoso.com', proxyAddresses: ['SMTP:alice.wu@contoso.com'] })],
    }));
    assert.equal(bySmtp.exported.targetIdentity.details.match, 'soft');
    assert.equal(bySmtp.exported.targetIdentity.id, 'cloud-alice');
    assert.match(step(bySmtp.exported, 8).details.Match ?? '', /primary SMTP address/);
  });

  test('only the primary SMTP address soft-matches: the address as a secondary smtp: of a cloud user is a duplicate, not a match', async () => {
    const { exported } = await stagedAndExported(alice, () => ({
      users: [{ id: 'secondary', userPrincipalName: 'someone@contoso.com', displayName: 'Someone', mailNickname: 'someone', accountEnabled: true, mail: 'someone@contoso.com', proxyAddresses: ['SMTP:someone@contoso.com', 'smtp:alice.wu@contoso.com'] }],
    }));
    assert.notEqual(exported.targetIdentity.id, 'secondary');
    assert.equal(code(exported), 'DuplicateAttributeQuarantined');
    assert.match(exported.provisioningStatusInfo.errorInformation!.reason, /smtp:alice\.wu@contoso\.com/i);
  });

  // tshoot-connect-sync-errors, Existing Admin Role Conflict: "Microsoft Entra Connect isn't allowed
  // to soft match a user object from on-premises AD with a user object in Microsoft Entra ID that
  // has an administrative role assigned to it"; how-to-connect-install-existing-tenant: "If there
  // was a failed user sync attempt, hard delete the Quarantined object in the cloud."
  test('a cloud user holding an admin role is never soft-matched: Existing Admin Role Conflict, no write; the result names the quarantined object a sync attempt leaves', async () => {
    const { exported, staged, world } = await stagedAndExported(alice, () => ({
      users: [cloudAlice()],
      roleAssignments: [{ principalId: 'cloud-alice', roleName: 'Global Administrator' }],
    }));
    assert.deepEqual([status(exported), code(exported)], ['failure', 'ExistingAdminRoleConflict']);
    assert.match(exported.provisioningStatusInfo.errorInformation!.reason, /Global Administrator/);
    assert.match(exported.provisioningStatusInfo.errorInformation!.reason, /a quarantined user beside the admin, the value it shares quarantined \(userPrincipalName alice\.wu@contoso\.com is held by user Alice \(cloud\) \(cloud-alice\); the object gets the placeholder alice\.wu\d{4}@contoso\.onmicrosoft\.com\)/);
    assert.match(exported.provisioningStatusInfo.errorInformation!.recommendedAction ?? '', /if a sync attempt already created the quarantined user, hard-delete it/);
    assert.equal(world.emulator.writes().length, 0);
    assert.equal(code(staged), 'ExistingAdminRoleConflict');
  });

  test('a value held by a cloud object of another type is ObjectTypeMismatch', async () => {
    const { exported, staged } = await stagedAndExported(alice, () => ({
      groups: [{ id: 'cloud-list', displayName: 'Alice list', mailEnabled: true, securityEnabled: false, mailNickname: 'alicelist', groupTypes: ['Unified'], mail: 'alice.wu@contoso.com', proxyAddresses: ['SMTP:alice.wu@contoso.com'] }],
    }));
    assert.deepEqual([status(exported), code(exported)], ['failure', 'ObjectTypeMismatch']);
    assert.match(exported.provisioningStatusInfo.errorInformation!.reason, /group/);
    assert.doesNotMatch(exported.provisioningStatusInfo.errorInformation!.reason, /\{\w+\}/, 'no unfilled placeholder');
    assert.equal(code(staged), 'ObjectTypeMismatch');
  });

  test('known issue: a user whose UPN is an SMTP address a synced group holds gets AttributeValueMustBeUnique', async () => {
    const { exported, world } = await stagedAndExported(alice, () => ({
      groups: [{ id: 'synced-list', displayName: 'Alice list', mailEnabled: true, securityEnabled: false, mailNickname: 'alicelist', onPremisesSyncEnabled: true, mail: 'alice.wu@contoso.com', proxyAddresses: ['SMTP:alice.wu@contoso.com'] }],
    }));
    assert.deepEqual([status(exported), code(exported)], ['failure', 'AttributeValueMustBeUnique']);
    assert.equal(world.emulator.writes().length, 0);
  });

  test('a non-mail-enabled group never soft-matches: a cloud security group with the same name is not taken over', async () => {
    const { exported } = await stagedAndExported(ou('CN=Sales Team,OU=Groups'), () => ({
      groups: [{ id: 'cloud-sales', displayName: 'Sales Team', mailEnabled: false, securityEnabled: true, mailNickname: 'SalesTeam' }],
    }));
    assert.notEqual(exported.targetIdentity.id, 'cloud-sales');
    assert.equal(exported.provisioningAction, 'create');
  });

  test('matching uses the exported UPN: an unverified suffix becomes the initial domain, and that is what soft-matches', async () => {
    // Fab Rikam's AD UPN is fab.rikam@fabrikam.example (not verified): Entra ID holds
    // fab.rikam@contoso.onmicrosoft.com, so a cloud user with that UPN is the soft-match candidate.
    const { exported } = await stagedAndExported(ou('CN=Fab Rikam,OU=Sales'), () => ({
      users: [{ id: 'cloud-fab', userPrincipalName: 'fab.rikam@contoso.onmicrosoft.com', displayName: 'Fab (cloud)', mailNickname: 'fab.rikam', accountEnabled: true }],
    }));
    assert.equal(exported.targetIdentity.details.match, 'soft');
    assert.equal(exported.targetIdentity.id, 'cloud-fab');
    assert.equal(step(exported, 8).details.ExportedUserPrincipalName, 'fab.rikam@contoso.onmicrosoft.com');
  });
});

describe("the tenant's own record", () => {
  test('onPremisesProvisioningErrors of the matched object appear in the JSON and in Troubleshooting & Recommendation', async () => {
    const recorded = { category: 'PropertyConflict', propertyCausingError: 'ProxyAddresses', value: 'smtp:alice.wu@contoso.com', occurredDateTime: '2026-11-30T08:15:00Z' };
    const { exported, reportPath } = await stagedAndExported(alice, ({ anchor }) => ({
      users: [{ id: 'synced-alice', userPrincipalName: 'alice.wu@contoso.com', displayName: 'Alice Wu', mailNickname: 'alice.wu', accountEnabled: true, onPremisesSyncEnabled: true, onPremisesImmutableId: anchor, onPremisesProvisioningErrors: [recorded] }],
    }));
    assert.deepEqual(exported.tenantProvisioningErrors, [{ source: 'onPremisesProvisioningErrors', ...recorded }]);
    assert.match(step(exported, 8).details.TenantProvisioningErrors ?? '', /PropertyConflict ProxyAddresses/);
    const html = readFileSync(reportPath!, 'utf8');
    const troubleshooting = html.slice(html.indexOf('Recorded by Microsoft Entra ID on this object'));
    assert.ok(html.includes('Recorded by Microsoft Entra ID on this object'), 'the Troubleshooting tab has the section');
    assert.ok(troubleshooting.includes('PropertyConflict') && troubleshooting.includes('smtp:alice.wu@contoso.com'));
  });
});

describe('sourceAnchor per object type', () => {
  test('a group uses objectGUID even when it carries mS-DS-ConsistencyGuid (that anchor is for users only)', async () => {
    const dn = ou('CN=Sales Team,OU=Groups');
    const ad = adEnv();
    const client = new Client({ url: ad.url, tlsOptions: { ca: [readFileSync(ad.caFile)], servername: ad.serverName } });
    await client.bind(ad.bindDn, ad.password);
    const consistency = randomBytes(16);
    const world = await openWorld();
    try {
      await client.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'mS-DS-ConsistencyGuid', values: [consistency] }) }));
      const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] });
      const objectGuid = searchEntries[0]!.objectGUID as Buffer;
      const { summary } = await world.session.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true });
      assert.equal(summary.sourceIdentity.details.sourceAnchor, objectGuid.toString('base64'));
      assert.notEqual(summary.sourceIdentity.details.sourceAnchor, consistency.toString('base64'));
    } finally {
      await client.modify(dn, new Change({ operation: 'delete', modification: new Attribute({ type: 'mS-DS-ConsistencyGuid', values: [] }) })).catch(() => undefined);
      await client.unbind();
      await world.close();
    }
  });
});
