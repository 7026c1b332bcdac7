// Customer exports shaped differently from the sample, built from it, each synced for real (LDIF
// snapshots as the forests, the Graph emulator as the tenant, staging mode):
// - Two forests: the sample's AD connector moved to corp.contoso.com, a second AD connector
//   (another Connector_{guid}.xml) for fabrikam.com with its own OU inclusions and object types,
//   the out-of-box inbound rules once per connector (as the wizard adds them, with their own
//   precedences), and a custom rule scoped to each connector by its GUID (<connector>). Each
//   forest's object gets its own connector's rules and scope; an object of a domain no connector
//   covers is ObjectOutsideConfiguredPartitions. The configuration names the connectors in
//   another case than the export: names compare without case.
// - An outbound custom rule to the Entra connector at a precedence below the out-of-box "Out to
//   AAD - User Identity" (116 in the sample): its userPrincipalName and alias (Graph mailNickname)
//   win ("Lowest precedence number wins", reference section 2).
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSession, type Session } from '../../../src/app/session';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { startEmulator } from '../../graph-emulator';
import { syncRuleXml } from '../../support/sync-rule-xml';

const fixtures = path.resolve(__dirname, '../../fixtures');
const contoso = 'DC=corp,DC=contoso,DC=com';
const fabrikam = 'DC=fabrikam,DC=com';
const AD = 'ae4db4cc-b16b-4eb2-acf5-837ca84e4d7d';
const AD2 = 'fab00000-0000-4000-8000-00000000fab0';
const AAD = 'b891884f-051e-4a83-95af-2544101c9083';
const adFile = `Connector_{${AD}}.xml`;

/** A rule as the Synchronization Rules Editor exports it (CRLF, as Windows writes it). */
const ruleXml = (o: Parameters<typeof syncRuleXml>[0]) => syncRuleXml(o).replace(/\n/g, '\r\n');
const expressionMapping = (dest: string, expression: string) =>
  `    <mapping>\n      <dest>${dest}</dest>\n      <expression>${expression}</expression>\n      <valueMergeType>Update</valueMergeType>\n    </mapping>`;

/** Entries of the contoso snapshot (folded lines joined), moved to fabrikam.com with their own objectGUIDs and domain SID. */
async function fabrikamSnapshot(): Promise<string> {
  const text = (await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8')).replace(/\r?\n /g, '');
  const entries = text.split(/\n\n+/);
  const wanted = [/^dn: $/m, /^dn: CN=CORP,CN=Partitions,/m, new RegExp(`^dn: ${contoso}$`, 'm'), /^dn: OU=Contoso,DC=corp/m, /^dn: OU=Sales,OU=Contoso,DC=corp/m,
    /^dn: OU=Groups,OU=Contoso,DC=corp/m, /^dn: CN=Alice Wu,/m, /^dn: CN=Sales Team,/m];
  return `version: 1\n\n${entries.filter((e) => wanted.some((w) => w.test(e))).map((e) => e
    .split(contoso).join(fabrikam).split('corp.contoso.com').join('fabrikam.com').replace(/^(cn|name|nETBIOSName): CORP$/gm, '$1: FABRIKAM')
    .split('CN=CORP,CN=Partitions').join('CN=FABRIKAM,CN=Partitions')
    .replace(/^objectGUID:: (.*)$/gm, (_, b64: string) => `objectGUID:: ${Buffer.from(b64, 'base64').reverse().toString('base64')}`)
    .replace(/^objectSid:: (.*)$/gm, (_, b64: string) => {
      const sid = Buffer.from(b64, 'base64');
      sid[12] = 0xfa; // another domain's SID
      return `objectSid:: ${sid.toString('base64')}`;
    })).join('\n\n')}\n`;
}

describe('customer exports shaped differently from the sample, synced', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  const sessions: Session[] = [];
  let n = 0;
  const code = (s: ProvisioningObjectSummary) => s.provisioningStatusInfo.errorInformation?.errorCode ?? s.provisioningStatusInfo.status;
  const row = (s: ProvisioningObjectSummary, k: number, name: string) => s.provisioningSteps[k - 1]!.attributes?.find((r) => r.name === name);

  /** The sample with its AD connector moved to corp.contoso.com (OU=Contoso included), edited by `edit`. */
  const exportFolder = async (edit: (folder: string) => Promise<void>): Promise<string> => {
    const folder = path.join(dir, `export-${++n}`);
    await cp(path.join(fixtures, 'entra-connect-server-config-contoso'), folder, { recursive: true });
    const file = path.join(folder, 'Connectors', adFile);
    await writeFile(file, (await readFile(file, 'utf8')).replace(/OU=CORP,DC=contoso,DC=com/g, `OU=Contoso,${contoso}`).replace(/>DC=contoso,DC=com</g, `>${contoso}<`));
    await edit(folder);
    return folder;
  };
  const open = async (folder: string, activeDirectory: unknown[]): Promise<Session> => {
    const configPath = path.join(dir, `config-${n}.json`);
    await writeFile(configPath, JSON.stringify({
      activeDirectory,
      entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_TEST_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
      rules: { serverConfiguration: folder }, stateDir: `state-${n}`, reportDir: 'reports',
    }));
    const session = await openSession({ configPath, secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret } });
    sessions.push(session);
    return session;
  };
  const sync = async (session: Session, dn: string) => (await session.sync(Dn.parse(dn), { stagingMode: true, noHtmlReport: true })).summary;

  before(async () => {
    emulator = await startEmulator({ seed: { users: [] } });
    dir = await mkdtemp(path.join(tmpdir(), 'sos-customer-round3-'));
    await writeFile(path.join(dir, 'fabrikam.ldif'), await fabrikamSnapshot());
  });
  after(async () => {
    for (const s of sessions) await s.close();
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('two forests: each object gets its own connector\'s rules and scope; a domain no connector covers is ObjectOutsideConfiguredPartitions', async () => {
    const folder = await exportFolder(async (folder) => {
      // The second forest's connector: its own id, name, partition, OU inclusion and object types (users only).
      const connector = await readFile(path.join(folder, 'Connectors', adFile), 'utf8');
      await writeFile(path.join(folder, 'Connectors', `Connector_{${AD2}}.xml`), connector
        .replace(/AE4DB4CC-B16B-4EB2-ACF5-837CA84E4D7D/gi, AD2.toUpperCase())
        .replace('<name>contoso.com</name>', '<name>fabrikam.com</name>')
        .split(contoso).join(fabrikam)
        .replace(/>contoso\.com</g, '>fabrikam.com<')
        .replace(/>CONTOSO</g, '>FABRIKAM<')
        .replace(`<inclusion>OU=Contoso,${fabrikam}</inclusion>`, `<inclusion>OU=Sales,OU=Contoso,${fabrikam}</inclusion>`)
        .replace(/<object-class>(computer|contact|foreignSecurityPrincipal|group|inetOrgPerson|msDS-Device)<\/object-class>/g, ''));
      // The wizard adds the out-of-box inbound rules once per AD connector, at precedences of their own.
      const rules = path.join(folder, 'SynchronizationRules');
      let k = 0;
      for (const file of (await readdir(rules)).sort()) {
        const xml = await readFile(path.join(rules, file), 'utf8');
        if (!xml.includes(`<connector>{${AD}}</connector>`) || !xml.includes('<direction>Inbound</direction>')) continue;
        const id = /<id>\{([^}]+)\}<\/id>/.exec(xml)![1]!;
        const copy = `fab${String(++k).padStart(5, '0')}-0000-4000-8000-000000000000`;
        await writeFile(path.join(rules, `SynchronizationRule_{${copy}}.xml`), xml.split(id).join(copy).replace(`{${AD}}`, `{${AD2}}`)
          .replace(/<precedence>(\d+)<\/precedence>/, (_, p: string) => `<precedence>${Number(p) + 1000}</precedence>`));
      }
      // A custom rule per forest, bound by the connector's GUID, winning department.
      await writeFile(path.join(rules, 'SynchronizationRule_{c3000000-0000-4000-8000-000000000001}.xml'), ruleXml({
        id: 'c3000000-0000-4000-8000-000000000001', name: 'Custom - In from Fabrikam - department', direction: 'Inbound', connector: AD2, source: 'user', target: 'person', precedence: 50,
        mappings: expressionMapping('department', '"Fabrikam " &amp; [department]'),
      }));
      await writeFile(path.join(rules, 'SynchronizationRule_{c3000000-0000-4000-8000-000000000002}.xml'), ruleXml({
        id: 'c3000000-0000-4000-8000-000000000002', name: 'Custom - In from Contoso - department', direction: 'Inbound', connector: AD, source: 'user', target: 'person', precedence: 51,
        mappings: expressionMapping('department', '"Contoso " &amp; [department]'),
      }));
    });
    // Named in another case than the export ("contoso.com", "fabrikam.com"): Entra Connect's connector names compare without case.
    const session = await open(folder, [
      { name: 'CONTOSO.com', ldifFile: path.join(fixtures, 'contoso-snapshot.ldif') },
      { name: 'Fabrikam.COM', ldifFile: path.join(dir, 'fabrikam.ldif') },
    ]);

    const aliceContoso = await sync(session, `CN=Alice Wu,OU=Sales,OU=Contoso,${contoso}`);
    assert.equal(code(aliceContoso), 'success', JSON.stringify(aliceContoso.provisioningStatusInfo));
    assert.equal(aliceContoso.provisioningSteps[0]!.details.Connector, 'CONTOSO.com');
    assert.deepEqual([row(aliceContoso, 9, 'department')?.value?.[0], row(aliceContoso, 9, 'department')?.syncRule], ['Contoso Sales', 'Custom - In from Contoso - department']);

    const aliceFabrikam = await sync(session, `CN=Alice Wu,OU=Sales,OU=Contoso,${fabrikam}`);
    assert.equal(code(aliceFabrikam), 'success', JSON.stringify(aliceFabrikam.provisioningStatusInfo));
    assert.equal(aliceFabrikam.provisioningSteps[0]!.details.Connector, 'Fabrikam.COM');
    assert.deepEqual([row(aliceFabrikam, 9, 'department')?.value?.[0], row(aliceFabrikam, 9, 'department')?.syncRule], ['Fabrikam Sales', 'Custom - In from Fabrikam - department']);
    // The fabrikam forest's copy of the out-of-box rules, not contoso's, flowed the rest.
    assert.equal(row(aliceFabrikam, 9, 'displayName')?.syncRule, 'In from AD - User Common');
    // %Connector.ID% and %Domain.FQDN% are the fabrikam connector's: its copies of the rules ran with its parameters.
    assert.deepEqual(row(aliceFabrikam, 9, 'contributingConnectorUser')?.value, [`{${AD2.toUpperCase()}}`]);
    assert.deepEqual(row(aliceFabrikam, 9, 'domainFQDN')?.value, ['fabrikam.com']);
    assert.deepEqual(row(aliceContoso, 9, 'contributingConnectorUser')?.value, [`{${AD.toUpperCase()}}`]);

    // Each connector's own scope: fabrikam includes OU=Sales only and selects users only.
    const groupFabrikam = await sync(session, `CN=Sales Team,OU=Groups,OU=Contoso,${fabrikam}`);
    assert.ok(['ContainerNotIncluded', 'ContainerExcluded', 'ObjectTypeNotInScope'].includes(code(groupFabrikam)), code(groupFabrikam));
    const groupContoso = await sync(session, `CN=Sales Team,OU=Groups,OU=Contoso,${contoso}`);
    assert.equal(code(groupContoso), 'success', JSON.stringify(groupContoso.provisioningStatusInfo));

    const elsewhere = await sync(session, 'CN=Alice Wu,OU=Sales,DC=northwind,DC=com');
    assert.equal(code(elsewhere), 'ObjectOutsideConfiguredPartitions');
    assert.match(elsewhere.provisioningStatusInfo.errorInformation?.reason ?? '', new RegExp(`${contoso}; ${fabrikam}`));
  });

  test('an outbound custom rule to the Entra connector at precedence 90 (below "Out to AAD - User Identity"): its userPrincipalName and alias (mailNickname) are exported', async () => {
    const folder = await exportFolder(async (folder) => {
      await writeFile(path.join(folder, 'SynchronizationRules', 'SynchronizationRule_{c3000000-0000-4000-8000-000000000003}.xml'), ruleXml({
        id: 'c3000000-0000-4000-8000-000000000003', name: 'Custom - Out to AAD - User UPN and alias', direction: 'Outbound', connector: AAD, source: 'person', target: 'user', precedence: 90,
        mappings: [
          expressionMapping('userPrincipalName', 'Replace([userPrincipalName],"@contoso.com","@contoso.onmicrosoft.com")'),
          expressionMapping('alias', 'LCase(Left([accountName],5)) &amp; "-x"'),
        ].join('\n'),
      }));
    });
    const session = await open(folder, [{ name: 'contoso.com', ldifFile: path.join(fixtures, 'contoso-snapshot.ldif') }]);
    const alice = await sync(session, `CN=Alice Wu,OU=Sales,OU=Contoso,${contoso}`);
    assert.equal(code(alice), 'success', JSON.stringify(alice.provisioningStatusInfo));
    const upn = row(alice, 10, 'userPrincipalName');
    const alias = row(alice, 10, 'alias') ?? row(alice, 10, 'mailNickname');
    assert.deepEqual([upn?.value, upn?.syncRule], [['alice.wu@contoso.onmicrosoft.com'], 'Custom - Out to AAD - User UPN and alias'], JSON.stringify(alice.provisioningSteps[9]));
    assert.deepEqual([alias?.value, alias?.syncRule], [['alice-x'], 'Custom - Out to AAD - User UPN and alias']);
  });
});
