// End to end: the ten steps against the live Samba AD (uses-samba) and the Graph emulator,
// for each fixture kind of issue 5. Asserts what an engineer reads: status, error code, the
// step that decided, what Graph received.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ProvisioningObjectSummary } from '../../src/engine/summary/types';
import { anchorOf, base, modifyAd, openWorld, ou, type World } from './harness';
import { Dn } from '../../src/engine/model/dn';
import { compareRuns } from '../../src/engine/batch/what-if';
import { raw, tokenFor } from '../graph-emulator/helpers';

const step = (s: ProvisioningObjectSummary, n: number) => s.provisioningSteps.find((x) => x.stepNumber === n)!;
const code = (s: ProvisioningObjectSummary) => s.provisioningStatusInfo.errorInformation?.errorCode;
/** Keeps a real sync's result for the report's browser tests (SOS_REPORT_SUMMARIES). */
function keep(name: string, summary: ProvisioningObjectSummary): void {
  const dir = path.join(process.env.SOS_TEST_STATE_DIR ?? path.resolve(__dirname, '../.state'), 'real-summaries');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `real-${name}.json`), JSON.stringify(summary, null, 1));
}
/**
 * Exported: success, or a warning that lists only what Graph v1.0 cannot write (proxyAddresses,
 * ...); for a group with `membersPending`, a warning that names the members not in Microsoft
 * Entra ID yet (they are added when they are synchronized, by a re-run).
 */
function assertExported(summary: ProvisioningObjectSummary, options: { membersPending?: boolean } = {}): void {
  const info = summary.provisioningStatusInfo;
  if (options.membersPending) {
    assert.equal(info.errorInformation?.errorCode, 'MembershipNotComplete', JSON.stringify(info));
    assert.match(info.errorInformation?.reason ?? '', /not yet in Microsoft Entra ID/);
    assert.ok(step(summary, 10).details.MembersNotResolved, 'the members are named');
    return;
  }
  if (info.status === 'warning') {
    assert.equal(info.errorInformation?.errorCode, 'ExportNotComplete');
    const blocked = (step(summary, 10).attributes ?? []).filter((r) => r.exportable === false && r.operation !== 'none');
    assert.ok(blocked.length > 0 && blocked.every((r) => r.note?.includes('Not exportable through Microsoft Graph')));
  } else {
    assert.equal(info.status, 'success', JSON.stringify(info));
  }
}
const writesOf = (world: World) => world.emulator.writes().filter((w) => w.status < 400);

describe('sync against live AD and the emulator', () => {
  let world: World;
  before(async () => {
    world = await openWorld();
  });
  after(async () => {
    await world?.close();
  });

  test('create: a new user is created with its sourceAnchor as onPremisesImmutableId', async () => {
    const dn = ou('CN=Alice Wu,OU=Sales');
    const { summary, reportPath } = await world.session.sync(Dn.parse(dn), { stagingMode: false });
    assertExported(summary);
    assert.equal(summary.provisioningAction, 'create');
    assert.equal(summary.provisioningSteps.length, 10);
    assert.equal(step(summary, 10).attributes?.find((r) => r.name === 'proxyAddresses')?.exportable, false, 'proxyAddresses is listed, not dropped');
    assert.deepEqual(summary.provisioningSteps.map((s) => s.stepNumber), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const anchor = await anchorOf(dn);
    const user = (world.emulator.state().users as Record<string, unknown>[]).find((u) => u.onPremisesImmutableId === anchor);
    assert.ok(user, 'the emulator holds a user with the anchor');
    assert.equal(user.userPrincipalName, 'alice.wu@contoso.com');
    assert.equal(summary.targetIdentity.id, user.id);
    assert.ok(summary.modifiedProperties.some((p) => p.displayName === 'userPrincipalName' && p.newValue === 'alice.wu@contoso.com'));
    const exportRows = step(summary, 10).attributes ?? [];
    assert.ok(exportRows.some((r) => r.name === 'userPrincipalName' && r.syncRule && r.mappingType), 'export rows carry lineage');
    // The plain Graph shape carries the same rows in details (string to string).
    assert.match(step(summary, 10).details['Attribute:userPrincipalName'] ?? '', /^operation=add \| value=alice\.wu@contoso\.com \|.*syncRule=Out to AAD/);
    assert.ok(reportPath && /ADSyncSingleObjectSyncResult-\d{8}-\d{6}.*\.htm$/.test(reportPath));
    keep('create', summary);
  });

  test('re-run with nothing changed exports nothing and says so', async () => {
    const before = writesOf(world).length;
    const { summary } = await world.session.sync(Dn.parse(ou('CN=Alice Wu,OU=Sales')), { stagingMode: false, noHtmlReport: true });
    assert.equal(step(summary, 10).status, 'skipped');
    assert.equal(step(summary, 10).details.SkipReason, 'RedundantExport');
    assert.equal(step(summary, 7).details.Operation, 'None');
    assert.equal(writesOf(world).length, before, 'no Graph write');
  });

  test('update: a changed AD attribute is imported, synced and exported as one PATCH', async () => {
    const dn = ou('CN=Alice Wu,OU=Sales');
    await modifyAd(dn, 'department', ['Sales Operations']);
    try {
      const before = writesOf(world).length;
      const { summary } = await world.session.sync(Dn.parse(dn), { stagingMode: false, noHtmlReport: true });
      assertExported(summary);
      assert.equal(summary.provisioningAction, 'update');
      const row = step(summary, 7).attributes?.find((r) => r.name === 'department');
      assert.deepEqual([row?.operation, row?.valueAdd, row?.valueDelete], ['update', ['Sales Operations'], ['Sales']]);
      assert.deepEqual(summary.modifiedProperties.find((p) => p.displayName === 'department'), { displayName: 'department', oldValue: 'Sales', newValue: 'Sales Operations', applied: true });
      const writes = writesOf(world).slice(before);
      assert.equal(writes.length, 1);
      assert.equal(writes[0]!.method, 'PATCH');
      keep('update', summary);
    } finally {
      await modifyAd(dn, 'department', ['Sales']);
    }
  });

  test('update of an already-synced user: at most 3 Graph requests with a cached token (domains, one $batch of lookups, the PATCH)', async () => {
    const dn = ou('CN=Alice Wu,OU=Sales');
    await world.session.sync(Dn.parse(dn), { stagingMode: false, noHtmlReport: true }); // token cached, features read
    await modifyAd(dn, 'department', ['Sales Planning']);
    try {
      const since = world.emulator.requestLog().length;
      const { summary } = await world.session.sync(Dn.parse(dn), { stagingMode: false, noHtmlReport: true });
      assert.equal(summary.provisioningAction, 'update');
      const graph = world.emulator.requestLog().slice(since).filter((r) => r.path.startsWith('/v1.0/'));
      const shown = graph.map((r) => `${r.method} ${r.path.split('?')[0]}${r.innerRequests ? ` (${r.innerRequests} inside)` : ''}`).join(', ');
      assert.ok(graph.length <= 3, `${graph.length} Graph requests: ${shown}`);
      // Alice carries smtp:alice.wu@contoso.mail.onmicrosoft.com, which Graph cannot write to the
      // cloud user: it is still looked up (another object may hold it), in the same $batch.
      const lookups = graph.filter((r) => r.path === '/v1.0/$batch');
      assert.equal(lookups.length, 1, shown);
      assert.ok(lookups[0]!.innerRequests! >= 4, `the anchor and the holders of the UPN and addresses in one $batch: ${shown}`);
      assert.equal(graph.filter((r) => r.method === 'PATCH').length, 1, shown);
    } finally {
      await modifyAd(dn, 'department', ['Sales']);
    }
  });

  test('update: an address the cloud object cannot hold (its mail.onmicrosoft.com proxy address), held by another object, is still found and quarantined', async () => {
    const dn = ou('CN=Alice Wu,OU=Sales');
    world.emulator.seed({ users: [{ id: 'onms-holder', userPrincipalName: 'holder.onms@contoso.com', displayName: 'Routing Address Holder', proxyAddresses: ['SMTP:holder.onms@contoso.com', 'smtp:alice.wu@contoso.mail.onmicrosoft.com'] }] });
    try {
      const { summary } = await world.session.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true });
      assert.match(step(summary, 8).details.Match ?? '', /Hard match on onPremisesImmutableId/);
      const duplicates = step(summary, 8).details.DuplicateValues ?? '';
      assert.match(duplicates, /smtp:alice\.wu@contoso\.mail\.onmicrosoft\.com is held by user Routing Address Holder \(onms-holder\)/, JSON.stringify(step(summary, 8).details));
      assert.equal(step(summary, 8).details.ValueHolders, '1', 'the matched user itself is not counted as a holder');
    } finally {
      const token = await tokenFor(world.emulator);
      assert.equal((await raw(world.emulator, 'DELETE', '/v1.0/users/onms-holder', { token })).status, 204);
    }
  });

  test('disabled user: exported with accountEnabled false', async () => {
    const { summary } = await world.session.sync(Dn.parse(ou('CN=Bob Stone,OU=Sales')), { stagingMode: false, noHtmlReport: true });
    assertExported(summary);
    assert.equal(summary.modifiedProperties.find((p) => p.displayName === 'accountEnabled')?.newValue, 'false');
  });

  test('OU-excluded: step 3 decides, nothing after it runs', async () => {
    const { summary } = await world.session.sync(Dn.parse(ou('CN=Excluded Person,OU=Excluded')), { stagingMode: false, noHtmlReport: true });
    assert.equal(summary.provisioningStatusInfo.status, 'skipped');
    assert.equal(code(summary), 'ContainerExcluded');
    assert.equal(step(summary, 3).details.DecidingContainer, ou('OU=Excluded'));
    assert.equal(step(summary, 10).status, 'skipped');
  });

  test('object type not in scope: a computer', async () => {
    const { summary } = await world.session.sync(Dn.parse(ou('CN=WS001,OU=Computers')), { stagingMode: false, noHtmlReport: true });
    assert.equal(code(summary), 'ObjectTypeNotInScope');
    assert.equal(step(summary, 5).details.ObjectClass, 'computer');
  });

  test('critical system object: the built-in Administrator is cloud-filtered by the rules', async () => {
    const { summary } = await world.session.sync(Dn.parse(`CN=Administrator,CN=Users,${base}`), { stagingMode: false, noHtmlReport: true });
    assert.equal(summary.provisioningStatusInfo.status, 'skipped');
    assert.match(code(summary) ?? '', /CloudFiltered|NotProjectedToMetaverse/);
    const out = step(summary, 9).outOfScopeRules ?? [];
    assert.ok(out.some((r) => r.failedClauses.some((c) => /isCriticalSystemObject/i.test(c.attribute))) || code(summary) === 'CloudFiltered');
  });

  test('adminDescription filter: the failing clause is named', async () => {
    const { summary } = await world.session.sync(Dn.parse(ou('CN=Dave Kim,OU=Engineering')), { stagingMode: false, noHtmlReport: true });
    assert.equal(summary.provisioningStatusInfo.status, 'skipped');
    const clauses = (step(summary, 9).outOfScopeRules ?? []).flatMap((r) => r.failedClauses);
    assert.ok(clauses.some((c) => c.attribute.toLowerCase() === 'admindescription' && c.actual === 'User_excluded'), JSON.stringify(clauses));
    keep('filtered', summary);
  });

  test('duplicate address already in the tenant: resiliency quarantines it, the user is still created (a warning naming the holder)', async () => {
    // Other User (cloud, another anchor) holds smtp:dup.user@contoso.com: Entra ID quarantines
    // the duplicate SMTP address and provisions Dup User anyway (duplicate attribute resiliency).
    const before = writesOf(world).length;
    const { summary } = await world.session.sync(Dn.parse(ou('CN=Dup User,OU=Sales')), { stagingMode: false, noHtmlReport: true });
    assert.equal(summary.provisioningStatusInfo.status, 'warning');
    assert.equal(code(summary), 'DuplicateAttributeQuarantined');
    assert.equal(summary.provisioningAction, 'create');
    const holder = (world.emulator.state().users as Record<string, unknown>[]).find((u) => u.userPrincipalName === 'other.user@contoso.com')!;
    const info = summary.provisioningStatusInfo.errorInformation!;
    assert.match(info.reason, /dup\.user@contoso\.com/i, 'names the quarantined value');
    assert.ok(info.reason.includes(String(holder.id)), 'names the conflicting object');
    const created = (world.emulator.state().users as Record<string, unknown>[]).find((u) => u.userPrincipalName === 'dup.user@contoso.com');
    assert.ok(created, 'the user exists in the tenant');
    assert.notEqual(created.mail, 'dup.user@contoso.com', 'the duplicate address is not written');
    const writes = writesOf(world).slice(before);
    assert.equal(writes.filter((w) => w.method === 'POST').length, 1, 'one create, accepted');
    assert.equal(world.emulator.writes().filter((w) => w.status >= 400).length, 0, 'no write refused by Graph');
    keep('conflict', summary);
  });

  test('soft match: the cloud-only user is taken over and gets the immutableId', async () => {
    const dn = ou('CN=Soft Match,OU=Engineering');
    const { summary } = await world.session.sync(Dn.parse(dn), { stagingMode: false, noHtmlReport: true });
    assertExported(summary);
    assert.equal(summary.targetIdentity.details.match, 'soft');
    assert.equal(summary.provisioningAction, 'update');
    const anchor = await anchorOf(dn);
    const user = (world.emulator.state().users as Record<string, unknown>[]).find((u) => u.userPrincipalName === 'soft.match@contoso.com');
    assert.equal(user?.onPremisesImmutableId, anchor);
  });

  test('UPN held by a cloud user with another anchor: no soft match; the UPN is quarantined to a placeholder at the initial domain', async () => {
    const { summary } = await world.session.sync(Dn.parse(ou('CN=Soft Conflict,OU=Engineering')), { stagingMode: false, noHtmlReport: true });
    assert.equal(code(summary), 'DuplicateAttributeQuarantined');
    assert.equal(summary.provisioningStatusInfo.status, 'warning');
    assert.equal(summary.provisioningAction, 'create');
    assert.notEqual(summary.targetIdentity.details.match, 'soft');
    const anchor = await anchorOf(ou('CN=Soft Conflict,OU=Engineering'));
    const created = (world.emulator.state().users as Record<string, unknown>[]).find((u) => u.onPremisesImmutableId === anchor);
    // <OriginalPrefix><4DigitNumber>@<InitialTenantDomain>.onmicrosoft.com (resiliency doc).
    assert.match(String(created?.userPrincipalName), /^soft\.conflict\d{4}@contoso\.onmicrosoft\.com$/);
    assert.match(step(summary, 8).details.DuplicateValues ?? '', /soft\.conflict@contoso\.com/);
  });

  test('unverified UPN suffix: the initial domain is used and the report says why', async () => {
    const { summary } = await world.session.sync(Dn.parse(ou('CN=Fab Rikam,OU=Sales')), { stagingMode: false, noHtmlReport: true });
    assertExported(summary);
    const row = step(summary, 10).attributes?.find((r) => r.name === 'userPrincipalName');
    assert.match(row?.value[0] ?? '', /@contoso\.onmicrosoft\.com$/);
    assert.match(row?.note ?? '', /not a verified domain/);
  });

  test('group with members: created, then members added in Graph', async () => {
    const { summary } = await world.session.sync(Dn.parse(ou('CN=Sales Team,OU=Groups')), { stagingMode: false, noHtmlReport: true });
    assertExported(summary, { membersPending: true });
    assert.equal(summary.provisioningAction, 'create');
    const details = step(summary, 10).details;
    // Alice, Bob and Dup User were synced above; the others are reported, not dropped.
    assert.equal(details.MembersAdded, '3');
    assert.match(details.MembersNotResolved ?? '', /Eva Green/);
    const members = world.emulator.state().members[summary.targetIdentity.id] ?? [];
    assert.equal(members.length, 3);
  });

  test('group re-run: joined by the stored cloud anchor, never created twice', async () => {
    const before = writesOf(world).length;
    const { summary } = await world.session.sync(Dn.parse(ou('CN=Sales Team,OU=Groups')), { stagingMode: false, noHtmlReport: true });
    assert.equal(summary.targetIdentity.details.match, 'hard');
    assert.notEqual(summary.provisioningAction, 'create');
    assert.equal(writesOf(world).slice(before).filter((w) => w.method === 'POST' && w.path.endsWith('/groups')).length, 0);
  });

  test('nested group: a member group synced earlier is resolved by its stored cloud anchor', async () => {
    const nested = await world.session.sync(Dn.parse(ou('CN=Nested Group,OU=Groups')), { stagingMode: false, noHtmlReport: true });
    assertExported(nested.summary, { membersPending: true });
    await world.session.sync(Dn.parse(ou('CN=Pilot Direct,OU=Engineering')), { stagingMode: false, noHtmlReport: true });
    const { summary } = await world.session.sync(Dn.parse(ou('CN=Pilot Group,OU=Groups')), { stagingMode: false, noHtmlReport: true });
    assertExported(summary);
    assert.equal(step(summary, 10).details.MembersAdded, '2');
    const members = world.emulator.state().members[summary.targetIdentity.id] ?? [];
    assert.ok(members.includes(nested.summary.targetIdentity.id), 'the nested group is a member in Graph');
  });

  test('contact: the export is computed but reported as not possible through Graph', async () => {
    const before = world.emulator.writes().length;
    const { summary } = await world.session.sync(Dn.parse(ou('CN=Ext Partner,OU=Contacts')), { stagingMode: false, noHtmlReport: true });
    assert.equal(code(summary), 'ObjectNotExportableThroughGraph');
    assert.ok((step(summary, 10).attributes ?? []).length > 0, 'the pending export is shown');
    assert.equal(world.emulator.writes().length, before);
  });

  test('hostile attribute values flow through as data, and the report keeps them literal', async () => {
    const { summary, reportPath } = await world.session.sync(Dn.parse(ou('CN=Hostile Values,OU=Engineering')), { stagingMode: true });
    const displayName = step(summary, 7).attributes?.find((r) => r.name === 'displayName')?.value[0] ?? '';
    assert.match(displayName, /<script>/, 'the value is kept as data');
    const html = readFileSync(reportPath!, 'utf8');
    assert.ok(!html.includes('<script>alert'), 'never raw markup in the report');
    keep('hostile', summary);
  });

  test('object already synchronized by Entra Connect: the pending update is listed with the PowerShell to run there; no write', async () => {
    const before = world.emulator.writes().length;
    const dn = ou('CN=Mastered User,OU=Sales');
    const { summary } = await world.session.sync(Dn.parse(dn), { stagingMode: false, noHtmlReport: true });
    assert.equal(summary.targetIdentity.details.match, 'hard');
    assert.equal(summary.provisioningStatusInfo.status, 'warning');
    assert.equal(code(summary), 'EntraConnectExportPending');
    const info = summary.provisioningStatusInfo.errorInformation!;
    assert.ok(String(info.recommendedAction).includes(`Invoke-ADSyncSingleObjectSync -DistinguishedName "${dn}"`), String(info.recommendedAction));
    assert.match(info.reason, /only the Entra Connect server can write this object/i);
    // Each pending attribute old -> new; the tenant's copy lacks the department AD has.
    const department = summary.modifiedProperties.find((p) => p.displayName === 'department');
    assert.ok(department && department.oldValue === null && department.newValue, JSON.stringify(summary.modifiedProperties));
    assert.match(info.reason, /department: \(none\) -> '/);
    assert.equal(world.emulator.writes().length, before, 'no Graph write');
  });
});

describe('group filtering', () => {
  let world: World;
  before(async () => {
    world = await openWorld({ connector: { groupFilteringGroupDn: ou('CN=Pilot Group,OU=Groups') } });
  });
  after(async () => {
    await world?.close();
  });

  test('a direct member is in scope', async () => {
    const { summary } = await world.session.sync(Dn.parse(ou('CN=Pilot Direct,OU=Engineering')), { stagingMode: true, noHtmlReport: true });
    assert.equal(step(summary, 6).status, 'success');
    assert.equal(step(summary, 6).details.DirectMember, 'true');
  });

  test('an object that does not exist names the closest existing parent and a near sibling (a typo)', async () => {
    const { summary } = await world.session.sync(Dn.parse(ou('CN=Alice Wo,OU=Sales')), { stagingMode: true, noHtmlReport: true });
    assert.equal(code(summary), 'NoSuchObject');
    const action = summary.provisioningStatusInfo.errorInformation!.recommendedAction ?? '';
    // AD answers noSuchObject; the parent that exists is OU=Sales, and CN=Alice Wu is one letter away.
    assert.ok(action.includes(`The closest existing parent is ${ou('OU=Sales')}.`), action);
    assert.ok(action.includes(`Did you mean ${ou('CN=Alice Wu,OU=Sales')}?`), action);
    const { summary: deeper } = await world.session.sync(Dn.parse(ou('CN=Nobody,OU=No Such OU,OU=Sales')), { stagingMode: true, noHtmlReport: true });
    const deeperAction = deeper.provisioningStatusInfo.errorInformation!.recommendedAction ?? '';
    assert.ok(deeperAction.includes(`The closest existing parent is ${ou('OU=Sales')}.`), deeperAction);
    assert.ok(!deeperAction.includes('Did you mean'), deeperAction);
  });

  test('a filtering group that does not exist is FilteringGroupNotFound at step 6, naming the group', async () => {
    const missing = ou('CN=No Such Pilot,OU=Groups');
    const other = await openWorld({ connector: { groupFilteringGroupDn: missing } });
    try {
      const { summary } = await other.session.sync(Dn.parse(ou('CN=Alice Wu,OU=Sales')), { stagingMode: true, noHtmlReport: true });
      assert.deepEqual([step(summary, 6).status, code(summary)], ['failure', 'FilteringGroupNotFound']);
      assert.ok(summary.provisioningStatusInfo.errorInformation!.reason.includes(missing), summary.provisioningStatusInfo.errorInformation!.reason);
    } finally {
      await other.close();
    }
  });

  test('a nested member and a non-member are not', async () => {
    for (const dn of [ou('CN=Pilot Nested,OU=Engineering'), ou('CN=Alice Wu,OU=Sales')]) {
      const { summary } = await world.session.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true });
      assert.equal(code(summary), 'NotMemberOfFilteringGroup', dn);
      assert.equal(step(summary, 7).status, 'skipped');
    }
  });
});

describe('staging mode', () => {
  test('runs every fixture kind with zero writes in the emulator, and commits the sync state', async () => {
    const world = await openWorld();
    try {
      const dns = [
        ou('CN=Alice Wu,OU=Sales'), ou('CN=Bob Stone,OU=Sales'), ou('CN=Dup User,OU=Sales'), ou('CN=Soft Match,OU=Engineering'),
        ou('CN=Soft Conflict,OU=Engineering'), ou('CN=Fab Rikam,OU=Sales'), ou('CN=Sales Team,OU=Groups'), ou('CN=Ext Partner,OU=Contacts'),
        ou('CN=Mastered User,OU=Sales'), ou('CN=Excluded Person,OU=Excluded'), ou('CN=Dave Kim,OU=Engineering'), ou('CN=WS001,OU=Computers'),
      ];
      const exporting = await openWorld();
      try {
        for (const dn of dns) {
          const { summary } = await world.session.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true });
          assert.equal(summary.targetSystem.details.stagingMode, 'True');
          if (step(summary, 9).status === 'success' && summary.provisioningStatusInfo.status !== 'skipped') {
            assert.equal(step(summary, 10).details.SkipReason, 'StagingMode', dn);
          }
          // A staging run predicts every conflict the export would meet.
          const { summary: exported } = await exporting.session.sync(Dn.parse(dn), { stagingMode: false, noHtmlReport: true });
          const outcome = exported.provisioningStatusInfo;
          if (outcome.status === 'failure' || /Quarantined|ExportPending/.test(outcome.errorInformation?.errorCode ?? '')) {
            assert.deepEqual([summary.provisioningStatusInfo.status, code(summary)], [outcome.status, outcome.errorInformation?.errorCode], dn);
          } else if (outcome.status !== 'skipped') {
            assert.notEqual(summary.provisioningStatusInfo.status, 'failure', dn);
          }
        }
      } finally {
        await exporting.close();
      }
      assert.deepEqual(world.emulator.writes(), []);
      // The sync was committed: a second staging run sees no AD change.
      const { summary: again } = await world.session.sync(Dn.parse(ou('CN=Alice Wu,OU=Sales')), { stagingMode: true, noHtmlReport: true });
      assert.equal(step(again, 7).details.Operation, 'None');
    } finally {
      await world.close();
    }
  });
});

describe('rules from a real Entra Connect server configuration export', () => {
  test('the sample export syncs a user with its own rule names in the lineage', async () => {
    const sample = path.resolve(__dirname, '../fixtures/entra-connect-server-config-contoso');
    // The sample's AD connector is "contoso.com"; its rules bind to that name, our partition is the test domain's.
    const world = await openWorld({ config: { rules: { serverConfiguration: sample } }, connector: { name: 'contoso.com' } });
    try {
      const { summary } = await world.session.sync(Dn.parse(ou('CN=Alice Wu,OU=Sales')), { stagingMode: true, noHtmlReport: true });
      assert.equal(step(summary, 9).status, 'success', JSON.stringify(step(summary, 9)));
      assert.equal(step(summary, 9).details.RuleSet, 'serverConfiguration');
      assert.match(step(summary, 9).details.InboundRulesApplied ?? '', /In from AD - User Common/);
      const upn = step(summary, 10).attributes?.find((r) => r.name === 'userPrincipalName');
      assert.ok(upn?.syncRule?.startsWith('Out to AAD - User'), JSON.stringify(upn));
      assert.deepEqual(world.emulator.writes(), []);
    } finally {
      await world.close();
    }
  });

  test('each connector synchronizes only the attributes of its inclusion list, and the result names what a rule would have flowed', async () => {
    // A customer's export: the AD connector does not select department; the Microsoft Entra
    // connector does not select title (Microsoft Entra app and attribute filtering).
    const dir = await mkdtemp(path.join(tmpdir(), 'sos-inclusion-'));
    const sample = path.resolve(__dirname, '../fixtures/entra-connect-server-config-contoso');
    await cp(sample, dir, { recursive: true });
    const connectors = path.join(dir, 'Connectors');
    for (const file of await readdir(connectors)) {
      const text = await readFile(path.join(connectors, file), 'utf8');
      const edited = text.replace(/<attribute-inclusion>[\s\S]*?<\/attribute-inclusion>/, (list) => list.replace(/\s*<attribute>(department|title)<\/attribute>/g, (line, name: string) => (
        (name === 'department') === /<name>contoso\.com<\/name>/.test(text) ? '' : line)));
      assert.notEqual(edited, text, `${file} lost an attribute`);
      await writeFile(path.join(connectors, file), edited);
    }
    const world = await openWorld({ config: { rules: { serverConfiguration: dir } }, connector: { name: 'contoso.com' } });
    try {
      const { summary } = await world.session.sync(Dn.parse(ou('CN=Alice Wu,OU=Sales')), { stagingMode: true, noHtmlReport: true });
      const imported = step(summary, 7);
      assert.equal(imported.status, 'success', JSON.stringify(imported));
      assert.ok(!imported.attributes?.some((r) => r.name.toLowerCase() === 'department'), 'department is not in the AD connector space');
      assert.ok(imported.attributes?.some((r) => r.name === 'title'), 'title is');
      assert.match(imported.details.NotSelectedInConnector ?? '', /^department \(read by [^)]*"In from AD - User Common"[^)]*\): .*Select Attributes/);
      assert.match(imported.details.AttributeInclusion ?? '', /synchronizes 131 attribute/);
      const exported = step(summary, 10).attributes ?? [];
      assert.ok(!exported.some((r) => r.name === 'department'), 'no department to export: the rules saw it empty');
      assert.ok(!exported.some((r) => r.name === 'title'), 'title is not exported: the Entra connector does not select it');
      assert.ok(exported.some((r) => r.name === 'displayName'), 'the rest is exported');
      assert.match(step(summary, 9).details.NotSelectedInEntraConnector ?? '', /^title \(from "Out to AAD - User [^"]+"\): .*not export it/);

      // As a what-if against the unmodified export: department is removed from the cloud object
      // (the AD connector no longer imports it, so nothing contributes it), title is only no
      // longer synchronized (the Entra connector stops exporting it; the cloud value stays).
      const current = await openWorld({ config: { rules: { serverConfiguration: sample } }, connector: { name: 'contoso.com' } });
      try {
        const before = (await current.session.sync(Dn.parse(ou('CN=Alice Wu,OU=Sales')), { stagingMode: true, noHtmlReport: true })).summary;
        const entry = compareRuns(ou('CN=Alice Wu,OU=Sales'), before, summary);
        assert.equal(entry.outcome, 'attribute-changes', entry.explanation);
        assert.deepEqual(entry.changes.find((c) => c.attribute === 'department'), { attribute: 'department', current: 'Sales', proposed: null });
        assert.deepEqual(entry.changes.find((c) => c.attribute === 'title'), { attribute: 'title', current: 'Account Manager', proposed: null, noLongerSynchronized: true });
        assert.match(entry.explanation, /No longer synchronized .*leaves their cloud values as they are\): title\.$/);
      } finally {
        await current.close();
      }
    } finally {
      await world.close();
    }
  });
});

describe('a failure after the object was written', () => {
  test('is reported as a partial export, and the next run joins the created group instead of creating another', async () => {
    const world = await openWorld();
    try {
      await world.session.sync(Dn.parse(ou('CN=Alice Wu,OU=Sales')), { stagingMode: false, noHtmlReport: true });
      // Membership goes in a PATCH with members@odata.bind; the group's create is a POST.
      world.emulator.faults({ kind: 'status', status: 503, count: -1, path: '/v1.0/groups/', method: 'PATCH' });
      const { summary } = await world.session.sync(Dn.parse(ou('CN=Sales Team,OU=Groups')), { stagingMode: false, noHtmlReport: true });
      world.emulator.clearFaults();
      assert.equal(summary.provisioningStatusInfo.status, 'failure');
      assert.match(step(summary, 10).details.PartialExport ?? '', /created/);
      assert.ok(summary.modifiedProperties.length > 0, 'what was written stays reported');
      const groups = () => world.emulator.state().groups.filter((g) => g.displayName === 'Sales Team');
      assert.equal(groups().length, 1);
      const again = await world.session.sync(Dn.parse(ou('CN=Sales Team,OU=Groups')), { stagingMode: false, noHtmlReport: true });
      assert.equal(again.summary.targetIdentity.details.match, 'hard');
      assert.equal(step(again.summary, 10).details.MembersAdded, '1');
      assert.equal(groups().length, 1, 'never created twice');
    } finally {
      await world.close();
    }
  });
});

describe('the JSON contract: staging reads as a preview, Modified Properties list every change', () => {
  test('a staging run that would create: provisioningAction other, exported false, plannedProvisioningAction create; the export then creates', async () => {
    const dn = ou('CN=Alice Wu,OU=Sales');
    const staging = await openWorld();
    const exporting = await openWorld();
    try {
      const { summary: staged } = await staging.session.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true });
      assert.notEqual(staged.provisioningStatusInfo.status, 'failure', JSON.stringify(staged.provisioningStatusInfo));
      assert.deepEqual(
        [staged.stagingMode, staged.exported, staged.provisioningAction, staged.plannedProvisioningAction],
        [true, false, 'other', 'create'],
        'a script reading status and provisioningAction does not see a completed create',
      );
      assert.deepEqual(staging.emulator.writes(), []);
      const { summary: exported } = await exporting.session.sync(Dn.parse(dn), { stagingMode: false, noHtmlReport: true });
      assert.deepEqual([exported.stagingMode, exported.exported, exported.provisioningAction, exported.plannedProvisioningAction], [false, true, 'create', 'create']);
      // Graph's shape: errorInformation is null on success; step 8 finds the target (matching).
      if (exported.provisioningStatusInfo.status === 'success') assert.equal(exported.provisioningStatusInfo.errorInformation, null);
      assert.equal(step(exported, 8).provisioningStepType, 'matching');
      // The preview listed the same changes the export made.
      assert.deepEqual(staged.modifiedProperties.map((p) => [p.displayName, p.applied]), exported.modifiedProperties.map((p) => [p.displayName, p.applied]));
      // A rerun with nothing to change performs nothing and writes nothing.
      const { summary: again } = await exporting.session.sync(Dn.parse(dn), { stagingMode: false, noHtmlReport: true });
      assert.deepEqual([again.exported, again.provisioningAction, again.provisioningStatusInfo.errorInformation], [false, 'other', null]);
    } finally {
      await staging.close();
      await exporting.close();
    }
  });

  test('Modified Properties list every attribute the Export step changes; those Graph cannot apply are marked with the reason, and only Graph-exposed ones make a warning', async () => {
    const world = await openWorld();
    try {
      const { summary } = await world.session.sync(Dn.parse(ou('CN=Alice Wu,OU=Sales')), { stagingMode: false, noHtmlReport: true });
      const changed = (step(summary, 10).attributes ?? []).filter((r) => r.operation !== 'none');
      assert.deepEqual(summary.modifiedProperties.map((p) => p.displayName).sort(), changed.map((r) => r.name).sort(), 'every changed export row is a modified property');
      const proxy = summary.modifiedProperties.find((p) => p.displayName === 'proxyAddresses');
      assert.ok(proxy && proxy.applied === false && proxy.notAppliedKind === 'readOnlyInGraph' && proxy.informational === false && /proxyAddresses/.test(proxy.notAppliedReason ?? ''), JSON.stringify(proxy));
      for (const p of summary.modifiedProperties) {
        const row = changed.find((r) => r.name === p.displayName)!;
        assert.equal(p.applied, row.exportable !== false, p.displayName);
        if (!p.applied) assert.equal(p.informational, row.notExportableKind === 'noGraphProperty', p.displayName);
      }
      // Attributes kept only inside the sync service (commonName, countryCode, ...) are listed as information.
      assert.ok(summary.modifiedProperties.some((p) => p.informational === true && p.displayName === 'commonName'), 'commonName is listed as information');
      const warned = summary.modifiedProperties.filter((p) => !p.applied && !p.informational).map((p) => p.displayName);
      assert.equal(summary.provisioningStatusInfo.status, warned.length ? 'warning' : 'success');
      if (warned.length) {
        const info = summary.provisioningStatusInfo.errorInformation!;
        assert.equal(info.errorCode, 'ExportNotComplete');
        assert.ok(info.reason.endsWith(`: ${warned.join(', ')}.`), `${info.reason} names exactly ${warned.join(', ')}`);
      }
    } finally {
      await world.close();
    }
  });
});
