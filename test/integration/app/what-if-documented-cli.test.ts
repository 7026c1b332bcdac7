// The what-if for a configuration change (--what-if-config), through the CLI (from source, over
// the bundled LDIF snapshot and the Graph emulator, no Samba), checked against Microsoft's
// documentation in cases the other what-if tests lack. The tenant is seeded with the objects
// Entra Connect synchronized (onPremisesSyncEnabled, the anchor, the SID), so "already
// synchronized" is the tenant's word, not this tool's earlier export.
//
// Documentation quoted (MicrosoftDocs/entra-docs, docs/identity/hybrid/connect/):
// - how-to-connect-sync-configure-filtering.md: "any objects in Microsoft Entra ID that were
//   previously synchronized but were then filtered are deleted in Microsoft Entra ID." and
//   "Microsoft Entra Connect only deletes objects that it has once considered to be in scope."
// - how-to-connect-install-custom.md (group filtering): "All objects that you want to synchronize
//   must be direct members of the group. Users, groups, contacts, and computers or devices must
//   all be direct members. Nested group membership isn't resolved. When you add a group as a
//   member, only the group itself is added. Its members aren't added."
// - how-to-connect-sync-feature-prevent-accidental-deletes.md: "configured to not allow an export
//   with more than 500 deletes"; common scenarios: "Changes to filtering where an entire OU or
//   domain is unselected."; "An OU is renamed so all its child objects become out of scope".
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { WhatIfEntry } from '../../../src/engine/batch/what-if';
import { sidBytesToString } from '../../../src/engine/model/ad-codecs';
import { startEmulator } from '../../graph-emulator';
import { runCliFromSource } from '../../support/cli-from-source';

const fixtures = path.resolve(__dirname, '../../fixtures');
const domain = 'DC=corp,DC=contoso,DC=com';
const contoso = `OU=Contoso,${domain}`;
const dn = {
  alice: `CN=Alice Wu,OU=Sales,${contoso}`,
  gina: `CN=Gina Park,OU=EMEA,OU=Sales,${contoso}`,
  pilotDirect: `CN=Pilot Direct,OU=Engineering,${contoso}`,
  pilotNested: `CN=Pilot Nested,OU=Engineering,${contoso}`,
  carol: `CN=Carol Diaz,OU=Engineering,${contoso}`, // never synchronized: no cloud object
  kara: `CN=Kara Lund,OU=Engineering,${contoso}`, // a cloud-managed user carries her anchor: a takeover not made yet
  nestedGroup: `CN=Nested Group,OU=Groups,${contoso}`,
  pilotGroup: `CN=Pilot Group,OU=Groups,${contoso}`,
  partner: `CN=Ext Partner,OU=Contacts,${contoso}`,
};

/** Each entry's attributes from the LDIF snapshot (folded lines joined; base64 values decoded). */
function ldifEntries(text: string): Map<string, Map<string, Buffer[]>> {
  const out = new Map<string, Map<string, Buffer[]>>();
  for (const block of text.replace(/\r?\n /g, '').split(/\n\s*\n/)) {
    const attrs = new Map<string, Buffer[]>();
    for (const line of block.split('\n')) {
      const m = /^([A-Za-z0-9-]+)(::?) ?(.*)$/.exec(line);
      if (!m) continue;
      const value = m[2] === '::' ? Buffer.from(m[3]!, 'base64') : Buffer.from(m[3]!, 'utf8');
      attrs.set(m[1]!.toLowerCase(), [...(attrs.get(m[1]!.toLowerCase()) ?? []), value]);
    }
    const name = attrs.get('dn')?.[0]?.toString('utf8');
    if (name) out.set(name, attrs);
  }
  return out;
}

interface Run { code: number | null; stdout: string; stderr: string }

describe('what-if for a configuration change, as Microsoft documents it, through the CLI', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let current: string;
  let input: string;
  const ids: Record<string, string> = {};

  const run = (args: string[]): Promise<Run> => runCliFromSource(dir, args, emulator.clientSecret, 120_000);

  /** A configuration as the current one, with the connector's fields changed. */
  const configuration = async (name: string, connector: Record<string, unknown> = {}, top: Record<string, unknown> = {}): Promise<string> => {
    const file = path.join(dir, name);
    await writeFile(file, JSON.stringify({
      activeDirectory: [{
        name: 'corp.contoso.com', ldifFile: 'snapshot.ldif',
        partitions: [{ dn: domain, selected: true, inclusions: [domain], exclusions: [] }],
        objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'], groupFilteringGroupDn: null,
        ...connector,
      }],
      entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_CLIENT_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      sourceAnchor: 'objectGUID', rules: 'builtin', stateDir: 'state', reportDir: 'reports',
      ...top,
    }));
    return file;
  };

  /** The what-if's entries by DN (its JSON lines on stdout). */
  const entriesOf = (r: Run): Map<string, WhatIfEntry> =>
    new Map(r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as WhatIfEntry).map((e) => [e.dn, e]));

  /** Every file of the state folder with its content hash: what "nothing written" compares. */
  const stateFolder = async (): Promise<Record<string, string>> => {
    const root = path.join(dir, 'state');
    const out: Record<string, string> = {};
    if (!existsSync(root)) return out;
    for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      out[path.relative(root, file)] = createHash('sha256').update(await readFile(file)).digest('hex');
    }
    return out;
  };

  /** Runs a what-if and checks it wrote nothing: no Graph write, the state folder as it was. */
  const whatIf = async (proposed: string, extra: string[] = []): Promise<Run & { entries: Map<string, WhatIfEntry> }> => {
    const writes = emulator.writes().length;
    const state = await stateFolder();
    const r = await run(['--input', input, '--what-if-config', proposed, '--no-html-report', '--config', current, ...extra]);
    assert.equal(emulator.writes().length, writes, 'a what-if writes nothing to Microsoft Entra ID');
    assert.deepEqual(await stateFolder(), state, 'a what-if leaves the real state folder as it was');
    return { ...r, entries: entriesOf(r) };
  };

  const outcome = (entries: Map<string, WhatIfEntry>, name: string): string => {
    const e = entries.get(name);
    assert.ok(e, `${name} compared`);
    return e.outcome;
  };

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sos-what-if-documented-'));
    const ldif = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    await writeFile(path.join(dir, 'snapshot.ldif'), ldif);
    const entries = ldifEntries(ldif);
    const anchor = (name: string) => entries.get(name)!.get('objectguid')![0]!.toString('base64');
    const sid = (name: string) => sidBytesToString(entries.get(name)!.get('objectsid')![0]!);
    const synced = (name: string, upn: string) => ({
      displayName: name.slice(3, name.indexOf(',')), userPrincipalName: upn, mailNickname: upn.split('@')[0], accountEnabled: true,
      onPremisesImmutableId: anchor(name), onPremisesSecurityIdentifier: sid(name), onPremisesSyncEnabled: true,
      onPremisesDistinguishedName: name, proxyAddresses: [`SMTP:${upn}`], mail: upn,
    });
    emulator = await startEmulator({
      seed: {
        users: [
          { id: 'u-alice', ...synced(dn.alice, 'alice.wu@contoso.com') },
          { id: 'u-gina', ...synced(dn.gina, 'gina.park@contoso.com') },
          { id: 'u-pilot-direct', ...synced(dn.pilotDirect, 'pilot.direct@contoso.com') },
          { id: 'u-pilot-nested', ...synced(dn.pilotNested, 'pilot.nested@contoso.com') },
          // Cloud-managed (created in the cloud, say for a migration), carrying Kara's anchor: Entra
          // Connect would take it over by hard match, and has not yet.
          { id: 'u-kara-cloud', displayName: 'Kara Lund', userPrincipalName: 'kara.cloud@contoso.com', mailNickname: 'kara.cloud', accountEnabled: true, onPremisesImmutableId: anchor(dn.kara) },
        ],
        groups: [
          { id: 'g-nested', displayName: 'Nested Group', mailEnabled: false, securityEnabled: true, mailNickname: 'NestedGroup', onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: sid(dn.nestedGroup) },
          { id: 'g-pilot', displayName: 'Pilot Group', mailEnabled: false, securityEnabled: true, mailNickname: 'PilotGroup', onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: sid(dn.pilotGroup) },
        ],
        contacts: [
          { id: 'c-partner', displayName: 'Ext Partner', mail: 'ext.partner@partner.example', mailNickname: 'ext.partner', proxyAddresses: ['SMTP:ext.partner@partner.example'], onPremisesSyncEnabled: true },
        ],
      },
    });
    Object.assign(ids, { alice: 'u-alice', gina: 'u-gina', pilotNested: 'u-pilot-nested', pilotGroup: 'g-pilot', partner: 'c-partner' });
    current = await configuration('current.json');
    input = path.join(dir, 'objects.txt');
    await writeFile(input, `${Object.values(dn).join('\n')}\n`);
    // The real state folder, as a staging run under the current configuration leaves it, Kara
    // included: the staging run links her to the cloud-managed user step 8 matched, and a link no
    // export followed is not Entra Connect's join (EntraConnectorSpaceObject.exported).
    const staged = await run(['--input', input, '--no-html-report', '--config', current]);
    assert.ok(staged.code === 0 || staged.code === 1, staged.stderr);
    assert.ok(existsSync(path.join(dir, 'state')), 'the staging run kept its state');
  });
  after(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the current configuration itself as the proposed one: every object unchanged, no delete', async () => {
    const r = await whatIf(current);
    assert.equal(r.code, 0, r.stderr);
    for (const [name, e] of r.entries) assert.equal(e.outcome, 'unchanged', `${name}: ${e.explanation}`);
  });

  // "Changes to filtering where an entire OU or domain is unselected" (prevent accidental deletes).
  test('an OU newly excluded: its synchronized objects are DELETES, a sub-OU included again (the most specific container wins) stays, the rest unchanged', async () => {
    const proposed = await configuration('exclude-sales.json', {
      partitions: [{ dn: domain, selected: true, inclusions: [domain, `OU=EMEA,OU=Sales,${contoso}`], exclusions: [`OU=Sales,${contoso}`] }],
    });
    const r = await whatIf(proposed);
    assert.equal(r.code, 0, r.stderr);
    const alice = r.entries.get(dn.alice)!;
    assert.equal(alice.outcome, 'delete', alice.explanation);
    assert.equal(alice.cloudObject?.id, ids.alice, 'the cloud object to be deleted is named');
    assert.equal(alice.proposed.errorCode, 'ContainerExcluded');
    assert.equal(outcome(r.entries, dn.gina), 'unchanged', 'OU=EMEA is included again under the excluded OU=Sales');
    assert.equal(outcome(r.entries, dn.pilotDirect), 'unchanged');
    assert.match(r.stderr, /^ {2}DELETE CN=Alice Wu,/m);
    assert.match(r.stderr, /Deletion threshold: 1 delete\(s\), within /);
  });

  test('the domain (partition) deselected: every synchronized object is a DELETE; the ones never synchronized are not; the count checked against the threshold', async () => {
    const proposed = await configuration('deselect-domain.json', { partitions: [{ dn: domain, selected: false, inclusions: [domain], exclusions: [] }] });
    const r = await whatIf(proposed);
    for (const name of [dn.alice, dn.gina, dn.pilotDirect, dn.pilotNested, dn.nestedGroup, dn.pilotGroup, dn.partner]) {
      assert.equal(outcome(r.entries, name), 'delete', `${name}: ${r.entries.get(name)?.explanation}`);
    }
    // "Microsoft Entra Connect only deletes objects that it has once considered to be in scope."
    assert.equal(outcome(r.entries, dn.carol), 'no-longer-created', 'never synchronized: nothing to delete');
    assert.equal(outcome(r.entries, dn.kara), 'no-longer-created', 'a cloud-managed object not taken over yet is not deleted');
    assert.match(r.stderr, /^What-if: 9 object\(s\) compared: .*7 leaving scope with a cloud object \(DELETED by Entra Connect\), 2 leaving scope not synchronized yet/m);
    assert.equal(r.code, 0, r.stderr);
  });

  // "not allow an export with more than 500 deletes": the threshold itself is allowed.
  test('exactly as many deletes as the threshold: not exceeded (exit 0); one more than the threshold: DeletionThresholdExceeded (exit 1) with the documented cmdlets', async () => {
    const proposed = await configuration('deselect-domain-2.json', { partitions: [{ dn: domain, selected: false, inclusions: [domain], exclusions: [] }] });
    const at = await whatIf(proposed, ['--deletion-threshold', '7']);
    assert.equal(at.code, 0, at.stderr);
    assert.match(at.stderr, /Deletion threshold: 7 delete\(s\), within Entra Connect's export deletion threshold of 7/);
    assert.doesNotMatch(at.stderr, /DeletionThresholdExceeded/);
    const over = await whatIf(proposed, ['--deletion-threshold', '6']);
    assert.equal(over.code, 1, over.stderr);
    assert.match(over.stderr, /^DeletionThresholdExceeded: The proposed configuration would delete 7 object\(s\) .*more than the export deletion threshold of 6/m);
    assert.match(over.stderr, /Disable-ADSyncExportDeletionThreshold/);
    assert.match(over.stderr, /Enable-ADSyncExportDeletionThreshold -DeletionThreshold 6/);
  });

  test("the tenant's threshold is the one checked when none is given; disabled, every delete is exported and nothing stops it", async () => {
    const proposed = await configuration('deselect-domain-3.json', { partitions: [{ dn: domain, selected: false, inclusions: [domain], exclusions: [] }] });
    emulator.seed({ accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 5 } });
    const tenant = await whatIf(proposed);
    assert.equal(tenant.code, 1, tenant.stderr);
    assert.match(tenant.stderr, /Deletion threshold checked: 5, from the tenant's accidental deletion prevention/);
    assert.match(tenant.stderr, /^DeletionThresholdExceeded: .*delete 7 object\(s\).*threshold of 5/m);
    emulator.seed({ accidentalDeletionPrevention: { synchronizationPreventionType: 'disabled', alertThreshold: 0 } });
    const off = await whatIf(proposed);
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stderr, /Deletion threshold: disabled .*export all 7 delete\(s\) without stopping/);
    emulator.seed({ accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 500 } });
  });

  test('group-based filtering turned on: direct members stay (a group too), a nested group\'s member leaves, and so do the filtering group itself, a contact not in it, and everyone else', async () => {
    const proposed = await configuration('group-filtering.json', { groupFilteringGroupDn: dn.pilotGroup });
    const r = await whatIf(proposed);
    assert.equal(outcome(r.entries, dn.pilotDirect), 'unchanged', 'a direct member');
    // "When you add a group as a member, only the group itself is added."
    const group = r.entries.get(dn.nestedGroup)!;
    assert.equal(group.proposed.scope, 'in', `a group that is a direct member is itself in scope: ${group.explanation}`);
    // "Its members aren't added.": its member Pilot Nested leaves its exported membership.
    assert.equal(group.outcome, 'attribute-changes', group.explanation);
    assert.deepEqual(group.changes.map((c) => [c.attribute, c.current, c.proposed]), [['member', dn.pilotNested, '']], JSON.stringify(group.changes));
    // "Nested group membership isn't resolved."
    const nested = r.entries.get(dn.pilotNested)!;
    assert.equal(nested.outcome, 'delete', nested.explanation);
    assert.equal(nested.proposed.errorCode, 'NotMemberOfFilteringGroup');
    assert.equal(nested.cloudObject?.id, ids.pilotNested);
    // The filtering group is not a member of itself.
    assert.equal(outcome(r.entries, dn.pilotGroup), 'delete');
    // "Users, groups, contacts, and computers or devices must all be direct members."
    assert.equal(outcome(r.entries, dn.partner), 'delete');
    assert.equal(outcome(r.entries, dn.alice), 'delete');
    assert.equal(outcome(r.entries, dn.carol), 'no-longer-created');
    // DELETES: "the export stops before deleting any object" ... "As a result, no objects were
    // exported.": over the threshold, the group's membership change waits too.
    const stopped = await whatIf(proposed, ['--deletion-threshold', '1']);
    assert.equal(stopped.code, 1, stopped.stderr);
    assert.match(stopped.stderr, /^While the export is stopped Entra Connect exports nothing to Microsoft Entra ID, not only the deletes: the 1 object\(s\) listed as newly in scope or with attribute changes wait too\.$/m);
  });

  test('the filtering group changed: the old group\'s members leave and the new group\'s join their cloud objects', async () => {
    const before = await configuration('pilot-group.json', { groupFilteringGroupDn: dn.pilotGroup });
    const after = await configuration('nested-group.json', { groupFilteringGroupDn: dn.nestedGroup });
    const writes = emulator.writes().length;
    const r = await run(['--input', input, '--what-if-config', after, '--no-html-report', '--config', before]);
    assert.equal(emulator.writes().length, writes);
    const entries = entriesOf(r);
    assert.equal(outcome(entries, dn.pilotDirect), 'delete', 'a member of the old group only');
    assert.equal(outcome(entries, dn.nestedGroup), 'delete', 'the new filtering group is not a member of itself');
    const joined = entries.get(dn.pilotNested)!;
    assert.equal(joined.outcome, 'join', joined.explanation);
    assert.equal(joined.cloudObject?.id, ids.pilotNested, 'joins the cloud object it had, not a new one');
  });

  // "An OU is renamed so all its child objects become out of scope": the inclusion still names the
  // old DN (current), the wizard re-selects the renamed OU (proposed). Its objects come back: they
  // join the cloud objects that are still there, none is created.
  test('an included OU renamed, then selected again: its objects re-enter scope and join their existing cloud objects', async () => {
    const stale = await configuration('stale-inclusion.json', {
      partitions: [{ dn: domain, selected: true, inclusions: [`OU=Sales Old,${contoso}`, `OU=Engineering,${contoso}`], exclusions: [] }],
    });
    const reselected = await configuration('reselected.json', {
      partitions: [{ dn: domain, selected: true, inclusions: [`OU=Sales,${contoso}`, `OU=Engineering,${contoso}`], exclusions: [] }],
    });
    const writes = emulator.writes().length;
    const back = entriesOf(await run(['--input', input, '--what-if-config', reselected, '--no-html-report', '--config', stale]));
    assert.equal(emulator.writes().length, writes);
    for (const [name, id] of [[dn.alice, ids.alice], [dn.gina, ids.gina]] as const) {
      const e = back.get(name)!;
      assert.equal(e.outcome, 'join', e.explanation);
      assert.equal(e.cloudObject?.id, id);
    }
    // And the other way round: the rename left as it is deletes them.
    const gone = await whatIf(stale);
    assert.equal(outcome(gone.entries, dn.alice), 'delete');
    assert.equal(outcome(gone.entries, dn.gina), 'delete');
    assert.equal(outcome(gone.entries, dn.pilotDirect), 'unchanged');
  });

  describe('a proposed configuration that cannot be used: WhatIfConfigurationInvalid, exit 2, nothing run or written', () => {
    const refused = async (proposed: string, why: RegExp) => {
      const writes = emulator.writes().length;
      const state = await stateFolder();
      const r = await run(['--input', input, '--what-if-config', proposed, '--no-html-report', '--config', current]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^WhatIfConfigurationInvalid: The proposed configuration .* cannot be compared with the current one: /m);
      assert.match(r.stderr, why);
      assert.equal(r.stdout, '', 'nothing compared');
      assert.equal(emulator.writes().length, writes);
      assert.deepEqual(await stateFolder(), state);
    };

    test('broken JSON', async () => {
      const file = path.join(dir, 'broken.json');
      await writeFile(file, '{"activeDirectory": [');
      await refused(file, /ConfigurationInvalid|JSON/);
    });

    test('a server-configuration export that is broken', async () => {
      const folder = path.join(dir, 'broken-export');
      await mkdir(path.join(folder, 'Connectors'), { recursive: true });
      await mkdir(path.join(folder, 'SynchronizationRules'), { recursive: true });
      await writeFile(path.join(folder, 'SynchronizationRules', 'SynchronizationRule_{00000000-0000-4000-8000-000000000001}.xml'), '<synchronizationRule><name>Broken');
      await refused(await configuration('broken-export.json', {}, { rules: { serverConfiguration: folder } }), /./);
    });

    test('another tenant', async () => {
      await refused(await configuration('other-tenant.json', {}, {
        entra: { tenantId: '0f0f0f0f-0000-4000-8000-000000000000', clientId: emulator.clientId, clientSecretEnv: 'SOS_CLIENT_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      }), /entra\.tenantId is "0f0f0f0f-0000-4000-8000-000000000000"/);
    });

    test('another directory: an LDIF snapshot other than the current one', async () => {
      const other = path.join(dir, 'other.ldif');
      await writeFile(other, (await readFile(path.join(dir, 'snapshot.ldif'), 'utf8')).replace(`dn: ${dn.alice}\n`, `dn: ${dn.alice}\ndepartment: Elsewhere\n`));
      await refused(await configuration('other-directory.json', { ldifFile: 'other.ldif' }), /reads another directory/);
    });

    test('the same snapshot copied elsewhere is the same directory: compared', async () => {
      const copyDir = path.join(dir, 'copy');
      await mkdir(copyDir, { recursive: true });
      await copyFile(path.join(dir, 'snapshot.ldif'), path.join(copyDir, 'snapshot.ldif'));
      const r = await whatIf(await configuration('same-directory.json', { ldifFile: path.join(copyDir, 'snapshot.ldif') }));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(outcome(r.entries, dn.alice), 'unchanged');
    });
  });
});
