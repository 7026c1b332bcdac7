// The customizations Microsoft documents for a customer's Entra Connect rules, applied to the
// sample server-configuration export the way the Synchronization Rules Editor writes them, and
// the verdict each documented step promises:
// - how-to-connect-sync-configure-filtering, attribute-based filtering: negative filtering
//   ("In from AD – User DoNotSyncFilter": precedence 50, extensionAttribute15 EQUAL NoSync,
//   Constant True → cloudFiltered), positive filtering ("In from AD – User Sales sync":
//   precedence 51, department EQUAL Sales, Constant False → cloudFiltered, plus "In from AD –
//   User Catch-all filter": precedence 99, empty scope, Constant True), and outbound filtering
//   (a copy of "Out to AAD - User Join" at precedence 50 that also requires mail and
//   userPrincipalName to end in @contoso.com).
// - how-to-connect-fix-default-rules: a modified default rule is a copy with the same name
//   next to the disabled original; the copy is what applies.
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSession, type Session } from '../../../src/app/session';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { startEmulator } from '../../graph-emulator';
import { inboundFilterRule } from '../../support/sync-rule-xml';

const fixtures = path.resolve(__dirname, '../../fixtures');
const domain = 'DC=corp,DC=contoso,DC=com';
const alice = `CN=Alice Wu,OU=Sales,OU=Contoso,${domain}`; // department Sales
const hugo = `CN=Hugo Berg,OU=EMEA,OU=Sales,OU=Contoso,${domain}`; // department "Sales EMEA"
const mia = `CN=Mia Rossi,OU=Engineering,OU=Contoso,${domain}`; // department Engineering; extensionAttribute15 NoSync here
const fab = `CN=Fab Rikam,OU=Sales,OU=Contoso,${domain}`; // department Sales, mail and UPN @fabrikam.example

type Edit = (rules: Map<string, string>) => Map<string, string>;

/** A rule file of the sample export, found by rule name (several may share it: the first). */
function ruleNamed(rules: Map<string, string>, name: string): [string, string] {
  for (const entry of rules) if (entry[1].includes(`<name>${name}</name>`)) return entry;
  throw new Error(`no rule ${name}`);
}

/** "Edit" on a default rule: the original is disabled, a copy with the same name (and a new id, no immutable tag) is changed. */
function editedCopy(rules: Map<string, string>, name: string, copyId: string, change: (xml: string) => string): Map<string, string> {
  const [file, xml] = ruleNamed(rules, name);
  const originalId = /<id>\{([^}]+)\}<\/id>/.exec(xml)![1]!;
  const copy = change(xml.split(originalId).join(copyId).replace(/<immutable-tag>[^<]*<\/immutable-tag>/, '<immutable-tag />'));
  assert.notEqual(copy, xml.split(originalId).join(copyId).replace(/<immutable-tag>[^<]*<\/immutable-tag>/, '<immutable-tag />'), 'the copy is changed');
  const disabled = xml.replace('<disabled>False</disabled>', '<disabled>True</disabled>');
  assert.notEqual(disabled, xml);
  return new Map([...rules, [file, disabled], [`SynchronizationRule_{${copyId}}.xml`, copy]]);
}

describe('customizations of the rules that Microsoft documents, in a server-configuration export', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let sampleRules: Map<string, string>;
  const sessions: Session[] = [];
  let n = 0;

  /** Stages each object under the sample export with its rules edited, over the LDIF snapshot. */
  const stage = async (edit: Edit, dns: string[]): Promise<Map<string, ProvisioningObjectSummary>> => {
    const folder = path.join(dir, `export-${++n}`);
    await cp(path.join(fixtures, 'entra-connect-server-config-contoso'), folder, { recursive: true });
    const rulesDir = path.join(folder, 'SynchronizationRules');
    await rm(rulesDir, { recursive: true });
    await mkdir(rulesDir);
    for (const [file, xml] of edit(sampleRules)) await writeFile(path.join(rulesDir, file), xml);
    const configPath = path.join(dir, `config-${n}.json`);
    await writeFile(configPath, JSON.stringify({
      activeDirectory: [{ name: 'contoso.com', ldifFile: 'snapshot.ldif', partitions: [{ dn: domain, selected: true, inclusions: [domain], exclusions: [] }], objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'], groupFilteringGroupDn: null }],
      entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_TEST_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      sourceAnchor: 'objectGUID', rules: { serverConfiguration: folder }, stateDir: `state-${n}`, reportDir: 'reports',
    }));
    const session = await openSession({ configPath, secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret } });
    sessions.push(session);
    const out = new Map<string, ProvisioningObjectSummary>();
    for (const dn of dns) out.set(dn, (await session.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true })).summary);
    return out;
  };
  const step = (summary: ProvisioningObjectSummary | undefined, n: number) => summary!.provisioningSteps[n - 1]!;
  const verdict = (summary: ProvisioningObjectSummary | undefined) => `${summary!.provisioningStatusInfo.status} ${summary!.provisioningStatusInfo.errorInformation?.errorCode ?? ''} ${summary!.plannedProvisioningAction ?? ''}`.trim();
  const exported = (summary: ProvisioningObjectSummary | undefined, attribute: string) => step(summary, 10).attributes?.find((r) => r.name === attribute);

  before(async () => {
    emulator = await startEmulator({ seed: { users: [] } });
    dir = await mkdtemp(path.join(tmpdir(), 'sos-documented-rules-'));
    const ldif = await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8');
    const marked = ldif.replace(`dn: ${mia}\n`, `dn: ${mia}\nextensionAttribute15: NoSync\n`);
    assert.notEqual(marked, ldif);
    await writeFile(path.join(dir, 'snapshot.ldif'), marked);
    const rulesDir = path.join(fixtures, 'entra-connect-server-config-contoso', 'SynchronizationRules');
    sampleRules = new Map();
    for (const file of await readdir(rulesDir)) sampleRules.set(file, await readFile(path.join(rulesDir, file), 'utf8'));
  });
  after(async () => {
    for (const s of sessions) await s.close();
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('as exported, the three users are provisioned (the baseline the customizations change)', async () => {
    const runs = await stage((rules) => rules, [alice, mia, fab]);
    for (const dn of [alice, mia, fab]) assert.equal(verdict(runs.get(dn)), 'success  create', `${dn}: ${JSON.stringify(runs.get(dn)!.provisioningStatusInfo)}`);
  });

  test('negative filtering: extensionAttribute15 = NoSync is filtered by the DoNotSyncFilter rule; the others still sync', async () => {
    const runs = await stage((rules) => new Map([...rules, ['SynchronizationRule_{5e1f0000-0000-4000-8000-000000000050}.xml',
      inboundFilterRule('5e1f0000-0000-4000-8000-000000000050', 'In from AD – User DoNotSyncFilter', 50, [['extensionAttribute15', 'EQUAL', 'NoSync']], [['cloudFiltered', 'True']])]]), [mia, alice]);
    const filtered = runs.get(mia)!;
    assert.equal(filtered.provisioningStatusInfo.errorInformation?.errorCode, 'CloudFiltered', JSON.stringify(filtered.provisioningStatusInfo));
    assert.match(filtered.provisioningStatusInfo.errorInformation?.reason ?? '', /In from AD – User DoNotSyncFilter/);
    assert.match(step(filtered, 9).details.InboundRulesApplied ?? '', /In from AD – User DoNotSyncFilter/);
    assert.equal(filtered.plannedProvisioningAction, 'other', 'nothing is created for a filtered object');
    // The recommended action speaks of the rule that filtered, not of the built-in filters.
    assert.match(filtered.provisioningStatusInfo.errorInformation?.recommendedAction ?? '', /In from AD – User DoNotSyncFilter/);
    assert.equal(verdict(runs.get(alice)), 'success  create');
  });

  test('positive filtering: only department = Sales syncs; the catch-all rule filters everyone else', async () => {
    const runs = await stage((rules) => new Map([...rules,
      ['SynchronizationRule_{5e1f0000-0000-4000-8000-000000000051}.xml', inboundFilterRule('5e1f0000-0000-4000-8000-000000000051', 'In from AD – User Sales sync', 51, [['department', 'EQUAL', 'Sales']], [['cloudFiltered', 'False']])],
      ['SynchronizationRule_{5e1f0000-0000-4000-8000-000000000099}.xml', inboundFilterRule('5e1f0000-0000-4000-8000-000000000099', 'In from AD – User Catch-all filter', 99, [], [['cloudFiltered', 'True']])],
    ]), [alice, mia, hugo]);
    assert.equal(verdict(runs.get(alice)), 'success  create', JSON.stringify(runs.get(alice)!.provisioningStatusInfo));
    for (const dn of [mia, hugo]) {
      const filtered = runs.get(dn)!;
      assert.equal(filtered.provisioningStatusInfo.errorInformation?.errorCode, 'CloudFiltered', `${dn}: ${JSON.stringify(filtered.provisioningStatusInfo)}`);
      assert.match(filtered.provisioningStatusInfo.errorInformation?.reason ?? '', /In from AD – User Catch-all filter/);
    }
    // Alice's metaverse cloudFiltered is the explicit False of the higher-precedence rule.
    const flowed = step(runs.get(alice), 9).attributes?.find((r) => r.name === 'cloudFiltered');
    assert.equal(flowed?.syncRule, 'In from AD – User Sales sync', JSON.stringify(flowed));
  });

  test('outbound filtering: the edited copy of Out to AAD - User Join provisions only users whose mail and UPN end in @contoso.com', async () => {
    const runs = await stage((rules) => editedCopy(rules, 'Out to AAD - User Join', '5e1f0000-0000-4000-8000-0000000000a0', (xml) => xml
      .replace(/<precedence>\d+<\/precedence>/, '<precedence>50</precedence>')
      .replace(/(<synchronizationCriteria>[\s\S]*?)<\/conditions>/, `$1  <scope>\n        <csAttribute>mail</csAttribute>\n        <csOperator>ENDSWITH</csOperator>\n        <csValue>@contoso.com</csValue>\n      </scope>\n      <scope>\n        <csAttribute>userPrincipalName</csAttribute>\n        <csOperator>ENDSWITH</csOperator>\n        <csValue>@contoso.com</csValue>\n      </scope>\n    </conditions>`)), [alice, fab]);
    assert.equal(verdict(runs.get(alice)), 'success  create', JSON.stringify(runs.get(alice)!.provisioningStatusInfo));
    assert.match(step(runs.get(alice), 9).details.OutboundRulesApplied ?? '', /Out to AAD - User Join/);
    const filtered = runs.get(fab)!;
    assert.equal(filtered.provisioningStatusInfo.errorInformation?.errorCode, 'NoOutboundRuleInScope', JSON.stringify(filtered.provisioningStatusInfo));
    assert.equal(filtered.plannedProvisioningAction, 'other');
    // The reason names the clause that failed: the original disabled, the copy's mail clause.
    const reason = filtered.provisioningStatusInfo.errorInformation?.reason ?? '';
    assert.match(reason, /Out to AAD - User Join: mail ENDSWITH @contoso\.com \(actual: fab\.rikam@fabrikam\.example\)/);
    assert.match(reason, /Out to AAD - User Join: disabled/);
    const outOfScope = step(filtered, 9).outOfScopeRules ?? [];
    assert.ok(outOfScope.some((r) => r.ruleName === 'Out to AAD - User Join' && !r.disabled && r.failedClauses.some((c) => c.attribute === 'mail')), JSON.stringify(outOfScope));
  });

  test('a modified default rule (a same-name copy beside the disabled original) is the one that applies', async () => {
    const runs = await stage((rules) => editedCopy(rules, 'In from AD - User Common', '5e1f0000-0000-4000-8000-0000000000c0', (xml) => xml
      .replace(/(<dest>displayName<\/dest>[\s\S]*?<expression>)[^<]*(<\/expression>)/, '$1UCase([displayName])$2')), [alice]);
    const summary = runs.get(alice);
    assert.equal(verdict(summary), 'success  create');
    assert.deepEqual(exported(summary, 'displayName')?.value, ['ALICE WU']);
    assert.match(step(summary, 9).details.InboundRulesApplied ?? '', /In from AD - User Common/);
  });
});
