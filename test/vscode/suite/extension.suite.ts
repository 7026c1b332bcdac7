// The extension, tested inside a real VS Code (the code-server build of VS Code 1.139)
// against the live Samba AD DC and the Graph emulator. Mocha BDD; run by ./index.ts.
//
// The suite never reaches into the extension (it exports no API): it runs commands, asks the
// harness to act in the workbench as a person would (ui-steps.ts: the tree, context menus,
// quick picks, input boxes, modal dialogs, the report webview), and reads what a person can
// read: the editors, the panel, the clipboard, the log file and the files written.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import type { TreeRow, UiStep } from '../ui-steps';
import { checkpoint, eventually, readSuiteConfig, recordMetric } from './support';
import { defineContainerPreviewTests, exportWithCli } from './container-preview.suite';
import { Tenant } from './tenant';
import { secretSeen, startTraps, type Traps } from './traps';

const extensionId = 'single-object-sync.single-object-sync';
const itemCommands = [
  'singleObjectSync.syncObject',
  'singleObjectSync.previewSync',
  'singleObjectSync.copyDistinguishedName',
  'singleObjectSync.loadMore',
  'singleObjectSync.activateTreeItem',
  'singleObjectSync.openResult',
  'singleObjectSync.deleteResult',
  'singleObjectSync.refreshResults',
];
const paletteCommands = [
  'singleObjectSync.syncByDistinguishedName',
  'singleObjectSync.setCredentials',
  'singleObjectSync.testConnection',
  'singleObjectSync.openConfiguration',
  'singleObjectSync.chooseConfigurationFile',
  'singleObjectSync.showLog',
  'singleObjectSync.refresh',
  'singleObjectSync.findObject',
  'singleObjectSync.deleteOldResults',
  'singleObjectSync.compareWithEntra',
  'singleObjectSync.openResultJson',
  'singleObjectSync.saveSupportBundle',
];
/** The read-only result documents' scheme (a content provider: never an untitled, dirty tab). */
const resultScheme = 'single-object-sync';
const preview = 'Preview Sync (Staging Mode)';

const lower = (s: string) => s.toLowerCase();

function filesUnder(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(full, out);
    else if (entry.isFile() && statSync(full).size < 20_000_000) out.push(full);
  }
  return out;
}

type StepResult = Record<string, unknown> & { rows?: TreeRow[]; items?: string[]; prompts?: Record<string, unknown>[]; seen?: string[] };

export function defineSuite(): void {
  const config = readSuiteConfig();
  // The .vsix smoke run (untrusted workspace) keeps activation, the untrusted-workspace
  // checks, credentials, the tree and one preview with its panel.
  const smoke = config.mode === 'smoke';
  // Everything below drives the page: without a harness (desktop Electron runs) it is pending.
  const harness = config.harness !== false;
  const page: (title: string, fn: () => Promise<void>) => void = (title, fn) => (harness ? it : it.skip)(title, fn);
  const fullPage: typeof page = (title, fn) => {
    if (!smoke) page(title, fn);
  };
  const smokePage: typeof page = (title, fn) => {
    if (smoke) page(title, fn);
  };
  const logsRoot = path.join(config.userDataDir, 'logs');
  let checkpoints = 0;

  /** The extension's log (a real file written by its LogOutputChannel). */
  function logText(): string {
    return filesUnder(logsRoot)
      .filter((f) => /Single Object Sync.*\.log$/.test(path.basename(f)))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
  }
  async function logLine(what: string, pattern: RegExp, since = 0): Promise<string> {
    return eventually(`the log to say ${what}`, () => logText().slice(since).split('\n').find((l) => pattern.test(l)), 100);
  }
  const logMark = () => logText().length;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  /** Asks the harness to act in the workbench; returns each step's observation. */
  async function ui(name: string, steps: UiStep[], extra: Record<string, unknown> = {}): Promise<StepResult[]> {
    const answer = await checkpoint(`${name}-${++checkpoints}`, { ui: steps, ...extra });
    assert.deepEqual(answer.problems, [], `the workbench did what was asked (${name})`);
    return (answer.observed.steps as StepResult[]) ?? [];
  }
  /** Starts a command that waits for the user, and answers it in the workbench. */
  async function commandWithUi(name: string, command: () => Thenable<unknown>, steps: UiStep[]): Promise<StepResult[]> {
    const running = Promise.resolve(command());
    const results = await ui(name, steps);
    await running;
    return results;
  }
  async function setCredential(target: 'ad' | 'entra', secret: string): Promise<StepResult[]> {
    return commandWithUi(`set-credentials-${target}`, () => vscode.commands.executeCommand('singleObjectSync.setCredentials'), [
      { do: 'pick', label: target === 'ad' ? `Active Directory: ${config.connectorName}` : 'Microsoft Entra ID: client secret' },
      { do: 'type', text: secret },
    ]);
  }

  /** Untitled JSON documents already seen: a new result is a new one. */
  const seenDocuments = new Set<string>();
  function jsonResults(): { document: vscode.TextDocument; summary: ProvisioningObjectSummary }[] {
    const out: { document: vscode.TextDocument; summary: ProvisioningObjectSummary }[] = [];
    for (const document of vscode.workspace.textDocuments) {
      if (document.uri.scheme !== resultScheme || !document.uri.path.startsWith('/result/') || document.isClosed) continue;
      try {
        const summary = JSON.parse(document.getText()) as ProvisioningObjectSummary;
        if (summary.provisioningSteps) out.push({ document, summary });
      } catch {
        // not a result
      }
    }
    return out;
  }
  /** The editor tabs of result documents. */
  function resultTabs(): vscode.Tab[] {
    return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.scheme === resultScheme);
  }
  function markResults(): void {
    for (const r of jsonResults()) seenDocuments.add(r.document.uri.toString());
  }
  /** The next result opened as a JSON document for this DN. */
  async function nextResult(dn: string): Promise<{ document: vscode.TextDocument; summary: ProvisioningObjectSummary }> {
    const found = await eventually(
      `a new JSON result for ${dn}`,
      () => jsonResults().find((r) => !seenDocuments.has(r.document.uri.toString()) && lower(r.summary.sourceIdentity.details.distinguishedName ?? '') === lower(dn)),
      600,
    );
    seenDocuments.add(found.document.uri.toString());
    return found;
  }
  function newResults(): ProvisioningObjectSummary[] {
    return jsonResults().filter((r) => !seenDocuments.has(r.document.uri.toString())).map((r) => r.summary);
  }

  /** Step statuses and the error, for assertion messages that explain a failure. */
  function outline(summary: ProvisioningObjectSummary | undefined): string {
    if (!summary) return 'no summary';
    const steps = summary.provisioningSteps.map((s) => `${s.stepNumber}:${s.status}${s.errorInformation ? `(${s.errorInformation.errorCode}: ${s.errorInformation.reason})` : ''}`);
    const error = summary.provisioningStatusInfo.errorInformation;
    return `${summary.provisioningStatusInfo.status} [${steps.join(' ')}]${error ? ` ${error.errorCode}: ${error.reason}` : ''}`;
  }
  function assertSummaryShape(summary: ProvisioningObjectSummary): void {
    for (const key of ['id', 'activityDateTime', 'changeId', 'cycleId', 'durationInMilliseconds', 'initiatedBy', 'jobId', 'modifiedProperties', 'provisioningAction', 'provisioningStatusInfo', 'provisioningSteps', 'servicePrincipal', 'sourceIdentity', 'sourceSystem', 'targetIdentity', 'targetSystem', 'tenantId']) {
      assert.ok(key in summary, `provisioningObjectSummary has ${key}`);
    }
    assert.equal(summary.provisioningSteps.length, 10);
  }
  function assertJsonDocument(document: vscode.TextDocument): void {
    assert.equal(document.languageId, 'json');
    assert.equal(document.isUntitled, false, 'not an Untitled-N document');
    assert.equal(document.uri.scheme, resultScheme, 'served read-only by the extension');
    assert.equal(document.isDirty, false, 'nothing to save: closing it asks nothing');
    const summary = JSON.parse(document.getText()) as ProvisioningObjectSummary;
    assertSummaryShape(summary);
    const mode = summary.stagingMode ? 'Preview' : 'Export';
    const status = summary.provisioningStatusInfo.status;
    assert.equal(path.posix.basename(document.uri.path), `${summary.sourceIdentity.displayName} · ${mode} · ${status[0]!.toUpperCase()}${status.slice(1)}.json`, 'titled by the object');
  }
  /** The result's editor tab: shown right after the document opens (not a preview tab). */
  async function assertJsonTab(document: vscode.TextDocument): Promise<void> {
    const tab = await eventually('the JSON document\'s editor tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === document.uri.toString()),
    );
    assert.equal(tab.isPreview, false, 'not a preview tab');
  }
  const rdn = (dn: string) => dn.split(',')[0]!.replace(/^[^=]+=/, '');
  /** The tree path to an object: partition (level 2), OU=Contoso (3), its OU (4), the object (5). */
  const partitionLabel = () => config.dns.partition.split(',').map((p) => p.replace(/^DC=/i, '')).join('.');
  async function showTree(): Promise<void> {
    await vscode.commands.executeCommand('workbench.view.extension.singleObjectSync');
  }
  const openSales: UiStep[] = [
    { do: 'expand', label: partitionLabel(), level: 2 },
    { do: 'expand', label: 'Contoso', level: 3 },
    { do: 'expand', label: 'Sales', level: 4 },
  ];
  async function contextAction(name: string, dn: string, item: string): Promise<StepResult[]> {
    await showTree();
    return ui(name, [...openSales, { do: 'scrollTo', label: rdn(dn), level: 5 }, { do: 'context', label: rdn(dn), level: 5, item }]);
  }

  /** The user's own configuration file (outside the workspace) for the untrusted run. */
  const userConfigFile = path.join(path.dirname(config.workspace), `${path.basename(config.workspace)}-user-config`, 'single-object-sync.json');
  const legitimate = JSON.parse(readFileSync(config.configFile, 'utf8')) as {
    activeDirectory: Record<string, unknown>[];
    entra: Record<string, unknown>;
  } & Record<string, unknown>;
  function hostileConfiguration(traps: Traps, change: { ad?: Record<string, unknown>; entra?: Record<string, unknown> }): string {
    return JSON.stringify(
      {
        ...legitimate,
        activeDirectory: [{ ...legitimate.activeDirectory[0], ...change.ad }],
        entra: { ...legitimate.entra, ...change.entra },
      },
      null,
      2,
    );
  }
  let traps: Traps | undefined;

  describe('Single Object Sync in VS Code', () => {
    before(async () => {
      const extension = vscode.extensions.getExtension(extensionId);
      assert.ok(extension, `extension ${extensionId} is installed`);
      await extension.activate();
      // The JSON opens on request by default; the suite reads each result from its document.
      await vscode.workspace.getConfiguration('singleObjectSync').update('openJsonAfterRun', true, vscode.ConfigurationTarget.Global);
      if (config.installedUnder) {
        assert.ok(extension.extensionPath.startsWith(config.installedUnder), `the extension runs from the installed .vsix (${extension.extensionPath})`);
      }
      markResults();
    });
    after(async () => {
      await traps?.close();
    });

    it('activates without any LDAP, Graph or configuration work, exports no API and registers its commands', async () => {
      const extension = vscode.extensions.getExtension(extensionId)!;
      assert.equal(extension.exports, undefined, 'activate() returns nothing another extension could call');
      const activated = await logLine('it activated', /Activated in [\d.]+ ms/);
      recordMetric('activationMs', Number(/Activated in ([\d.]+) ms/.exec(activated)![1]));
      assert.doesNotMatch(logText(), /Configuration loaded|Configuration .* could not be loaded/, 'activation opened no session');
      const commands = await vscode.commands.getCommands(true);
      for (const id of [...itemCommands, ...paletteCommands]) assert.ok(commands.includes(id), `${id} is registered`);
      const manifest = extension.packageJSON as {
        contributes: { menus: { commandPalette: { command: string; when: string }[] }; jsonValidation: { url: string }[] };
        capabilities: { untrustedWorkspaces: { supported: string } };
      };
      const hidden = manifest.contributes.menus.commandPalette.filter((m) => m.when === 'false').map((m) => m.command);
      assert.deepEqual([...hidden].sort(), [...itemCommands].sort(), 'item-only commands are hidden from the palette');
      assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
      assert.ok(manifest.contributes.jsonValidation.some((j) => j.url.endsWith('single-object-sync.schema.json')));
    });

    smokePage('in an untrusted workspace its configuration is not read: the view says why, and a Preview Sync sends no secret to the servers it names', async () => {
      assert.equal(vscode.workspace.isTrusted, false, 'the smoke run opens the workspace untrusted');
      traps = await startTraps(path.join(path.dirname(userConfigFile), 'traps'));
      // The user's own configuration, chosen in user settings, and the credentials for it.
      mkdirSync(path.dirname(userConfigFile), { recursive: true });
      writeFileSync(userConfigFile, JSON.stringify(legitimate, null, 2));
      const settings = vscode.workspace.getConfiguration('singleObjectSync');
      await settings.update('configurationFile', userConfigFile, vscode.ConfigurationTarget.Global);
      await setCredential('ad', config.adPassword);
      await setCredential('entra', config.entraClientSecret);
      // The repository's own file now names the test's servers: an HTTPS authority whose CA it
      // supplies, and a plain ldap:// connector with allowInsecure.
      writeFileSync(config.configFile, hostileConfiguration(traps, { ad: { url: traps.ldapUrl, allowInsecure: true, tls: undefined }, entra: { authorityHost: traps.authorityHost, caFile: traps.caFile } }));
      await settings.update('configurationFile', undefined, vscode.ConfigurationTarget.Global);
      try {
        await showTree();
        const [welcome] = await ui('untrusted-welcome', [{ do: 'welcome' }]);
        assert.match(String(welcome!.text), /not trusted/i, 'the view says why nothing is shown');
        assert.ok((welcome!.buttons as string[]).includes('Choose Configuration File...'), `the view offers a way out: ${JSON.stringify(welcome!.buttons)}`);
        const mark = logMark();
        const running = Promise.resolve(vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName', config.dns.previewUser, { stagingMode: true }));
        const [nothing] = await ui('untrusted-preview', [{ do: 'expectNothing', ms: 3000 }]);
        await running;
        assert.deepEqual(nothing!.seen, [], 'no prompt and no dialog');
        await logLine('the preview was refused for the untrusted configuration', /UntrustedWorkspaceConfiguration/, mark);
        assert.deepEqual(traps.requests.map((r) => `${r.method} ${r.url}`), [], 'the workspace\'s authority received no request at all');
        assert.equal(traps.ldapConnections.length, 0, 'the workspace\'s ldap:// server received no connection');
        assert.deepEqual(secretSeen(traps, config.entraClientSecret), [], 'no token request carries the client secret');
        assert.deepEqual(secretSeen(traps, config.adPassword), [], 'no bind carries the password');
      } finally {
        // From here on the run uses the file the user chose.
        await settings.update('configurationFile', userConfigFile, vscode.ConfigurationTarget.Global);
      }
    });

    fullPage('Set Credentials ignores arguments: a secret passed through executeCommand is never stored', async () => {
      const mark = logMark();
      const [shown] = await commandWithUi('forged-credentials', () =>
        vscode.commands.executeCommand('singleObjectSync.setCredentials', { target: 'activeDirectory', connectorName: config.connectorName, secret: 'Forged-Password-1!' }),
        [{ do: 'escape' }],
      );
      assert.match(String(shown!.title), /Set Credentials/, 'the command asked the user instead of taking the argument');
      await new Promise((r) => setTimeout(r, 500));
      assert.doesNotMatch(logText().slice(mark), /Credential stored/, 'nothing was stored');
    });

    fullPage('shows an error node with Set Credentials when the directory password is wrong', async () => {
      const [picked, typed] = await setCredential('ad', 'Wrong-Password-1!');
      assert.ok((picked!.items as string[]).some((i) => i.includes('Microsoft Entra ID')), 'both credentials are offered');
      assert.equal(typed!.password, true, 'a password box');
      await showTree();
      let rows: TreeRow[] = [];
      // A refused bind can take a while on a busy (shared) domain controller.
      for (let i = 0; i < 60 && !rows.some((r) => r.level === 2 && r.icon.includes('codicon-error')); i++) {
        // The session is reset when a secret changes; if the reload left the view showing
        // nothing after 15 s, do what a person would: Refresh once (the error must then show).
        if (i === 30 && !rows.some((r) => r.level === 2)) await vscode.commands.executeCommand('singleObjectSync.refresh');
        rows = (await ui(`wrong-password-${i}`, [{ do: 'wait', ms: 500 }, { do: 'readTree' }]))[1]!.rows ?? [];
      }
      const below = rows.filter((r) => r.level === 2);
      assert.equal(below.length, 1, `one error node instead of a silently empty tree: ${JSON.stringify(below)}`);
      assert.equal(below[0]!.description, 'Set Credentials...', 'the error node offers Set Credentials');
      assert.ok(below[0]!.label.length > 10, 'the error node carries the message');
    });

    page('stores credentials in SecretStorage only: never in settings, the configuration or the log', async () => {
      if (!smoke) {
        await setCredential('ad', config.adPassword);
        await setCredential('entra', config.entraClientSecret);
      }
      const settings = JSON.stringify(vscode.workspace.getConfiguration('singleObjectSync'));
      const logFile = await eventually('the extension log file to record the stored credential', () =>
        filesUnder(logsRoot).find((f) => f.endsWith('.log') && readFileSync(f, 'utf8').includes('Credential stored in Secret Storage')),
      );
      const places = [
        ['settings', settings],
        ['the configuration file', readFileSync(config.configFile, 'utf8')],
        ...(existsSync(userConfigFile) ? [['the user configuration file', readFileSync(userConfigFile, 'utf8')]] : []),
        ...filesUnder(path.join(config.userDataDir, 'User')).filter((f) => f.endsWith('.json')).map((f) => [f, readFileSync(f, 'utf8')]),
        ...filesUnder(path.join(config.workspace, '.vscode')).map((f) => [f, readFileSync(f, 'utf8')]),
        ...filesUnder(logsRoot).filter((f) => f.endsWith('.log')).map((f) => [f, readFileSync(f, 'utf8')]),
      ];
      assert.ok(places.length > 3, 'settings, configuration and log files were checked');
      for (const [where, text] of places) {
        assert.ok(!text!.includes(config.adPassword), `the AD password is not in ${where}`);
        assert.ok(!text!.includes(config.entraClientSecret), `the client secret is not in ${where}`);
      }
      assert.ok(readFileSync(logFile, 'utf8').includes('Active Directory'), 'the log says which credential, not its value');
    });

    page('shows the connector, the seeded domain and its OUs, with icons and context menus', async () => {
      await showTree();
      const steps = await ui('tree', [
        { do: 'expand', label: partitionLabel(), level: 2 },
        { do: 'expand', label: 'Contoso', level: 3 },
        { do: 'expand', label: 'Sales', level: 4 },
        { do: 'expand', label: 'Groups', level: 4 },
        { do: 'readTree' },
        { do: 'context', label: rdn(config.dns.previewUser), level: 5 },
        { do: 'context', label: 'Sales', level: 4 },
        { do: 'hover', label: rdn(config.dns.previewUser), level: 5 },
        { do: 'collapse', label: 'Groups', level: 4 },
      ]);
      const rows = steps[4]!.rows!;
      const connector = rows.filter((r) => r.level === 1 && !r.label.startsWith('Restricted Mode'));
      assert.equal(connector.length, 1);
      // Restricted Mode says why Sync Object is missing, where the user looks for it.
      const notice = rows.find((r) => r.level === 1 && r.label.startsWith('Restricted Mode'));
      if (smoke) assert.ok(notice && /Manage Workspace Trust/.test(notice.description), `restricted mode explains itself (${JSON.stringify(rows.filter((r) => r.level === 1))})`);
      else assert.equal(notice, undefined, 'no restricted-mode notice in a trusted workspace');
      assert.equal(connector[0]!.label, config.connectorName);
      const partition = rows.find((r) => r.level === 2)!;
      assert.match(partition.icon, /codicon-globe/);
      const ous = rows.filter((r) => r.level === 4).map((r) => r.label);
      for (const ou of ['Sales', 'Engineering', 'Excluded', 'Bulk', 'Groups', 'Contacts', 'Computers']) assert.ok(ous.includes(ou), `OU ${ou} is listed (${ous.join(', ')})`);
      assert.match(rows.find((r) => r.label === 'Sales')!.icon, /codicon-folder\b/);
      const user = rows.find((r) => r.label === rdn(config.dns.previewUser) && r.level === 5)!;
      assert.match(user.icon, /codicon-person/);
      assert.ok(user.description.length > 0, 'sAMAccountName or UPN as description');
      const groupIndex = rows.findIndex((r) => r.label === 'Groups');
      assert.match(rows[groupIndex + 1]!.icon, /codicon-organization/, 'a group below OU=Groups');
      // contextValue drives the menus: an object is syncable, an OU is not.
      const userMenu = steps[5]!.items!;
      for (const item of [preview, ...(smoke ? [] : ['Sync Object...']), 'Copy Distinguished Name']) assert.ok(userMenu.includes(item), `${item} on a user (${userMenu.join(', ')})`);
      // Shift+F10, Enter takes the first item: the preview, never the export.
      assert.equal(userMenu[0], preview, `Preview comes first (${userMenu.join(', ')})`);
      if (!smoke) assert.ok(userMenu.indexOf('Sync Object...') > userMenu.indexOf(preview), 'Sync Object... after the preview');
      assert.ok(!steps[6]!.items!.includes('Sync Object...'), 'no Sync Object on an OU');
      assert.match(String(steps[7]!.text), /objectGUID/, 'tooltip shows the objectGUID');
      if (smoke) assert.ok(!userMenu.includes('Sync Object...'), 'untrusted: no Sync Object in the menu');
      // Children sorted: OUs first, then by name; connector and partition rows read apart.
      const contosoChildren = rows.filter((r) => r.level === 4).map((r) => r.label);
      assert.deepEqual(contosoChildren, [...contosoChildren].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true })), 'OUs by name');
      assert.match(connector[0]!.description, /^connector · /, `the connector says it is one (${connector[0]!.description})`);
      assert.match(partition.description, /^partition/, `the partition says it is one (${partition.description})`);
      const salesIndex = rows.findIndex((r) => r.label === 'Sales' && r.level === 4);
      const salesChildren: TreeRow[] = [];
      for (const r of rows.slice(salesIndex + 1)) {
        if (r.level <= 4) break;
        if (r.level === 5) salesChildren.push(r);
      }
      // OUs (expandable rows) first, then the objects, each by name.
      const firstObject = salesChildren.findIndex((r) => r.expanded === null);
      assert.ok(firstObject > 0 && salesChildren.slice(firstObject).every((r) => r.expanded === null), `the OU EMEA comes before the objects (${salesChildren.map((r) => r.label).join(', ')})`);
      const salesObjects = salesChildren.slice(firstObject).map((r) => r.label);
      assert.deepEqual(salesObjects, [...salesObjects].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true })), `objects by name (${salesObjects.join(', ')})`);
      // Bob Stone's account is disabled (userAccountControl 514): it looks and says so.
      const bob = rows.find((r) => r.label === 'Bob Stone' && r.level === 5);
      assert.ok(bob, 'the disabled user is listed');
      assert.match(bob.description, /disabled/, `described as disabled (${bob.description})`);
      assert.match(bob.icon, /codicon-circle-slash/, 'a disabled icon');
      assert.notEqual(bob.iconColor, user.iconColor, 'dimmed');
    });

    fullPage('marks the excluded OU and what is under it as out of sync scope, from the configuration alone', async () => {
      await showTree();
      const steps = await ui('excluded', [{ do: 'expand', label: 'Excluded', level: 4 }, { do: 'readTree' }, { do: 'collapse', label: 'Excluded', level: 4 }]);
      const rows = steps[1]!.rows!;
      const index = rows.findIndex((r) => r.label === 'Excluded' && r.level === 4);
      const excluded = rows[index]!;
      assert.match(excluded.description, /out of sync scope/);
      const sales = rows.find((r) => r.label === 'Sales' && r.level === 4)!;
      assert.ok(excluded.iconColor && sales.iconColor, 'icon colours were read');
      assert.notEqual(excluded.iconColor, sales.iconColor, `a dimmed icon (${excluded.iconColor} vs ${sales.iconColor})`);
      const person = rows.slice(index + 1).find((r) => r.level === 5)!;
      assert.match(person.description, /out of sync scope/);
      assert.doesNotMatch(sales.description, /out of sync scope/);
    });

    fullPage('pages the 5,000-child OU with "Load more..."', async () => {
      await showTree();
      const pageSize = vscode.workspace.getConfiguration('singleObjectSync').get<number>('tree.pageSize')!;
      await ui('bulk-collapse-sales', [{ do: 'collapse', label: 'Sales', level: 4 }]);
      const first = await ui('bulk', [{ do: 'expand', label: 'Bulk', level: 4 }, { do: 'scrollTo', label: 'Load more...', level: 5 }, { do: 'readTree' }]);
      recordMetric('firstPageOf5000Ms', first[0]!.ms as number);
      const more = first[2]!.rows!.find((r) => r.label === 'Load more...')!;
      assert.equal(more.setsize, pageSize + 1, 'one page plus the Load more item');
      assert.equal(more.posinset, pageSize + 1, 'Load more... comes last');
      assert.match(more.description, new RegExp(`^${pageSize} (of 5,\\d{3}|shown, more to load)$`), `the count of the container (${more.description})`);
      const second = await ui('bulk-more', [{ do: 'click', label: 'Load more...', level: 5 }, { do: 'wait', ms: 300 }, { do: 'scrollTo', label: 'Load more...', level: 5 }, { do: 'readTree' }]);
      const again = second[3]!.rows!.find((r) => r.label === 'Load more...')!;
      assert.equal(again.setsize, 2 * pageSize + 1, 'the second page adds a page of entries');
      assert.match(again.description, new RegExp(`^${2 * pageSize} of 5,\\d{3}$`), `"400 of 5,000" once counted (${again.description})`);
      // Tree item ids are the DNs: a duplicate would have been refused by VS Code.
      await ui('bulk-collapse', [{ do: 'collapse', label: 'Bulk', level: 4 }]);
    });

    page('Preview Sync (Staging Mode) on an object runs the ten steps, exports nothing and opens the JSON document', async () => {
      const mark = logMark();
      await contextAction('preview', config.dns.previewUser, preview);
      const { document, summary } = await nextResult(config.dns.previewUser);
      const finished = await logLine('the preview finished', /finished: \w+ in \d+ ms \(first step shown after (\d+) ms\)/, mark);
      recordMetric('commandToFirstStepMs', Number(/first step shown after (\d+) ms/.exec(finished)![1]));
      assertSummaryShape(summary);
      assert.equal(summary.targetSystem.details.stagingMode, 'True');
      assert.equal(summary.provisioningSteps[9]!.status, 'skipped', `staging mode exports nothing: ${outline(summary)}`);
      assertJsonDocument(document);
      await assertJsonTab(document);
      const panelTab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('singleObjectSync.report'));
      assert.ok(panelTab, 'the report panel is open');
      // One state folder per configuration: the extension keeps the object's connector spaces
      // in the configuration's stateDir, where the CLI run with that file finds them.
      const loaded = [...logText().matchAll(/Configuration loaded from (.+)$/gm)].pop()?.[1]?.trim() ?? config.configFile;
      const stateDirSetting = (JSON.parse(readFileSync(loaded, 'utf8')) as { stateDir?: string }).stateDir ?? '.single-object-sync/state';
      const stateFile = path.resolve(path.dirname(loaded), stateDirSetting, `${summary.sourceIdentity.details.objectGUID!.toLowerCase()}.json`);
      assert.ok(existsSync(stateFile), `the state is in the stateDir of the configuration in use (${stateFile})`);
    });

    smokePage('in an untrusted workspace only the preview runs: Sync Object is refused before any directory call', async () => {
      const mark = logMark();
      markResults();
      await vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName', config.dns.exportUser, { stagingMode: false });
      await logLine('the export was refused', new RegExp(`Sync of ${escape(config.dns.exportUser)} refused: ExportNotAllowedInUntrustedWorkspace`), mark);
      assert.doesNotMatch(logText().slice(mark), /started/, 'nothing ran');
      assert.deepEqual(newResults(), [], 'no result');
    });

    page('the report panel shows the four tabs with the result, under a strict CSP', async () => {
      const answer = await checkpoint('panel', { distinguishedName: config.dns.previewUser, exportOffered: vscode.workspace.isTrusted });
      assert.deepEqual(answer.problems, []);
      assert.deepEqual(answer.observed.tabTitles, ['Steps', 'Troubleshooting & Recommendation', 'Modified Properties', 'Summary']);
      assert.equal(answer.ok, true);
    });

    fullPage('the panel buttons reach the extension: Open JSON reopens the result, Save HTML Report writes the standalone report', async () => {
      const staged = jsonResults().filter((r) => lower(r.summary.sourceIdentity.details.distinguishedName ?? '') === lower(config.dns.previewUser)).at(-1)!;
      const id = staged.summary.id;
      // Close the JSON document, then click "Open JSON" in the webview (a real click in Chromium).
      await vscode.window.tabGroups.close(resultTabs().filter((t) => (t.input as vscode.TabInputText).uri.toString() === staged.document.uri.toString()));
      const answer = await checkpoint('panel-open-json', { click: 'Open JSON' });
      assert.deepEqual(answer.problems, []);
      const reopened = await eventually('a JSON editor with the result after the click', () =>
        vscode.window.visibleTextEditors.find((e) => e.document.languageId === 'json' && e.document.getText().includes(id))?.document,
      );
      assert.equal((JSON.parse(reopened.getText()) as ProvisioningObjectSummary).id, id);
      markResults();

      const reportDir = path.join(path.dirname(config.configFile), '.single-object-sync', 'reports');
      rmSync(reportDir, { recursive: true, force: true });
      await checkpoint('panel-save-html', { click: 'Save HTML Report' });
      const file = await eventually('the saved HTML report', () => {
        const found = existsSync(reportDir) ? readdirSync(reportDir).find((f) => /^ADSyncSingleObjectSyncResult-\d{8}-\d{6}\.htm$/.test(f)) : undefined;
        return found ? path.join(reportDir, found) : undefined;
      });
      const html = readFileSync(file, 'utf8');
      assert.ok(html.includes(id), 'the report is the one shown');
      assert.ok(html.includes('Troubleshooting &amp; Recommendation'), 'the standalone report has its tabs');
    });

    fullPage('Run With Export asks in a modal dialog: nothing is exported without it', async () => {
      markResults();
      const mark = logMark();
      const [, quiet] = await ui('run-with-export', [{ do: 'panelClick', button: 'Run With Export' }, { do: 'expectNothing', ms: 1500 }]);
      // While extension tests run, VS Code refuses modal dialogs (DialogService.skipDialogs) and
      // names the one asked for; the confirmed path runs after the reload, where dialogs show
      // (extension.test.ts: "exports from the panel ask in a modal dialog").
      await logLine('the modal confirmation asked for', /refused to show dialog in tests\. Contents: Export .+ to Microsoft Entra ID tenant \S+\?/, mark);
      assert.deepEqual(quiet!.seen, []);
      assert.doesNotMatch(logText().slice(mark), /started/, 'no export ran without the confirmation');
      assert.deepEqual(newResults(), [], 'no result');
    });

    fullPage('the panel acts only on what the host offered: forged webview messages export nothing', async () => {
      // The panel shows the preview: its four buttons are the host's offer.
      const [buttons] = await ui('offered', [{ do: 'panelButtons' }]);
      assert.deepEqual(buttons!.buttons, ['Open JSON', 'Save HTML Report', 'Compare with Microsoft Entra ID', 'Run Again', 'Run With Export']);
      markResults();
      const mark = logMark();
      const [, , , nothing] = await ui('forged', [
        { do: 'forge', message: { type: 'runWithExport', offer: 'forged-offer' } },
        { do: 'forge', message: { type: 'runAgain' } },
        { do: 'forge', message: { type: 'runAgain', offer: '00000000-0000-4000-8000-000000000000' } },
        { do: 'expectNothing', ms: 3000 },
      ]);
      assert.deepEqual(nothing!.seen, [], 'no confirmation and no prompt opened');
      await logLine('the forged runWithExport was ignored', /ignored runWithExport: not offered/, mark);
      await logLine('the forged runAgain was ignored', /ignored runAgain: not offered/, mark);
      await logLine('the message without an offer was refused', /ignored a malformed message/, mark);
      assert.doesNotMatch(logText().slice(mark), /started|refused to show dialog/, 'no sync ran and no export was even asked for');
      assert.deepEqual(newResults(), [], 'no result');
    });

    fullPage('steps stream into the panel while the sync runs, and Cancel on the progress notification stops it', async () => {
      // One slow Graph lookup (step 8) holds the sync mid-way: long enough to look and cancel.
      await checkpoint('arm-slow-graph', { graphLatency: { path: '/v1.0/users', method: 'GET', latencyMs: 8000 } });
      const frank = `CN=Frank Moss,${config.dns.sales}`;
      markResults();
      const mark = logMark();
      await showTree();
      const answer = await checkpoint('live-steps', {
        ui: [...openSales, { do: 'scrollTo', label: 'Frank Moss', level: 5 }, { do: 'context', label: 'Frank Moss', level: 5, item: preview }],
        cancelRunningSync: true,
      });
      assert.deepEqual(answer.problems, []);
      await logLine('the sync was cancelled', new RegExp(`${escape(frank)} failed: SyncCancelled`), mark);
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(newResults(), [], 'a cancelled sync opens no JSON document');
    });

    fullPage('Sync Object... previews first and asks in a modal naming the tenant and the changes: without the answer nothing is exported', async () => {
      markResults();
      const mark = logMark();
      await contextAction('sync-object', config.dns.exportUser, 'Sync Object...');
      const { document, summary } = await nextResult(config.dns.exportUser);
      assertJsonDocument(document);
      await assertJsonTab(document);
      assert.equal(summary.targetSystem.details.stagingMode, 'True', 'the preview ran first');
      // While extension tests run VS Code refuses modal dialogs and logs the one asked for (the
      // confirmed path runs after the reload: extension.test.ts).
      const asked = await logLine('the modal confirmation', /refused to show dialog in tests\. Contents: Export .+ to Microsoft Entra ID tenant \S+\?/, mark);
      assert.ok(asked.includes(summary.tenantId), `the dialog names the tenant (${asked})`);
      await logLine('the declined export', new RegExp(`Export of ${escape(config.dns.exportUser)} from the tree was not confirmed; nothing ran`), mark);
      await new Promise((r) => setTimeout(r, 1000));
      assert.doesNotMatch(logText().slice(mark), /\bSync of .* started/, 'no export started');
      assert.deepEqual(newResults(), [], 'no export result');
      assert.deepEqual((await checkpoint('panel-export', { distinguishedName: config.dns.exportUser, exportOffered: true })).problems, []);
    });

    fullPage('a configuration that changes an endpoint, or the CA trusted for it, gets no stored secret: the user is asked, and the servers it names receive nothing', async () => {
      traps ??= await startTraps(path.join(config.workspace, '.traps'));
      const t = traps;
      const settings = vscode.workspace.getConfiguration('singleObjectSync');
      const variants: { name: string; change: { ad?: Record<string, unknown>; entra?: Record<string, unknown> }; asks: RegExp }[] = [
        { name: 'ldap-url', change: { ad: { url: t.ldapUrl, allowInsecure: true, tls: undefined } }, asks: new RegExp(`Password of .*${escape(t.ldapUrl.replace('ldap://', ''))}.*not encrypted`, 's') },
        { name: 'bind-dn', change: { ad: { bindDn: `CN=Someone Else,${config.dns.contoso}` } }, asks: /Password of CN=Someone Else/ },
        { name: 'authority', change: { entra: { authorityHost: t.authorityHost, caFile: t.caFile } }, asks: new RegExp(`Client secret of app.*${escape(t.authorityHost.replace('https://', ''))}`, 's') },
        { name: 'tenant', change: { entra: { tenantId: '11111111-2222-4333-8444-555555555555' } }, asks: /Client secret of app.*11111111-2222-4333-8444-555555555555/s },
        { name: 'client', change: { entra: { clientId: '66666666-7777-4888-9999-000000000000' } }, asks: /Client secret of app 66666666-7777-4888-9999-000000000000/ },
        // The same servers, another CA: whoever holds that CA's key could stand in for them.
        { name: 'ad-ca', change: { ad: { tls: { ...(legitimate.activeDirectory[0]!.tls as Record<string, unknown>), caFile: t.caFile } } }, asks: /Password of .*CA file .*hostile-ca\.pem/s },
        { name: 'entra-ca', change: { entra: { caFile: t.caFile } }, asks: /Client secret of app.*CA file .*hostile-ca\.pem/s },
      ];
      // The tree stays closed: only the sync asks for the secret.
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      try {
        for (const variant of variants) {
          const file = path.join(config.workspace, 'changed', `${variant.name}.single-object-sync.json`);
          mkdirSync(path.dirname(file), { recursive: true });
          writeFileSync(file, hostileConfiguration(t, variant.change));
          await settings.update('configurationFile', file, vscode.ConfigurationTarget.Workspace);
          markResults();
          const mark = logMark();
          const [dismissed] = await commandWithUi(`endpoint-${variant.name}`, () => vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName', config.dns.previewUser, { stagingMode: true }), [
            { do: 'dismissPrompts', ms: 3000 },
          ]);
          const prompts = dismissed!.prompts ?? [];
          assert.ok(prompts.length >= 1, `${variant.name}: the user is asked for the secret`);
          const texts = prompts.map((p) => `${String(p.title)} ${String(p.message)} ${String(p.placeholder)}`);
          const asked = prompts.find((_p, i) => variant.asks.test(texts[i]!));
          assert.ok(asked, `${variant.name}: a prompt names the new endpoint (${texts.join(' | ')})`);
          assert.equal(asked.password, true, `${variant.name}: a password box`);
          // Asked before the run: a dismissed prompt means the run does not start, and says so.
          await logLine(`${variant.name}: the run did not start`, /not started: CredentialNotEntered/, mark);
          assert.deepEqual(newResults().map(outline), [], `${variant.name}: no run started, so no result`);
        }
      } finally {
        await settings.update('configurationFile', undefined, vscode.ConfigurationTarget.Workspace);
      }
      assert.deepEqual(secretSeen(t, config.entraClientSecret), [], 'no token request carries the client secret');
      assert.deepEqual(secretSeen(t, config.adPassword), [], 'the ldap:// server with allowInsecure receives no bind password');
      assert.equal(t.requests.filter((r) => r.method === 'POST').length, 0, 'no token request reached the changed authority');
    });

    fullPage('a CA file that is no file (a named pipe) is refused by name before any secret is asked for, without waiting on it; the notification shows the hostile name as text, not as a link', async () => {
      const settings = vscode.workspace.getConfiguration('singleObjectSync');
      const dir = path.join(config.workspace, 'changed', 'pipe');
      mkdirSync(dir, { recursive: true });
      // A name VS Code would render as a command link in a notification, were it not escaped,
      // and that would add a forged entry to the log, were its line break not shown as \u000A.
      const forged = '2026-01-01 00:00:00.000 [info] Credential stored in Secret Storage (forged)';
      const fifo = path.join(dir, `[Open](command:workbench.action.files.newUntitledFile)\n${forged}`);
      if (!existsSync(fifo)) execFileSync('mkfifo', [fifo]);
      const file = path.join(dir, 'single-object-sync.json');
      const tls = legitimate.activeDirectory[0]!.tls as Record<string, unknown>;
      writeFileSync(file, JSON.stringify({ ...legitimate, activeDirectory: [{ ...legitimate.activeDirectory[0], tls: { ...tls, caFile: fifo } }] }, null, 2));
      await settings.update('configurationFile', file, vscode.ConfigurationTarget.Workspace);
      try {
        markResults();
        const mark = logMark();
        const untitled = vscode.workspace.textDocuments.filter((d) => d.isUntitled).length;
        const [shown] = await commandWithUi('ca-named-pipe', () => vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName', config.dns.previewUser, { stagingMode: true }), [
          { do: 'notification', text: 'named pipe (FIFO)', timeoutMs: 30_000 },
        ]).catch(async (error: unknown) => {
          throw new Error(`${String(error)}; log: ${logText().slice(mark)}`);
        });
        const refusal = await logLine('the refusal, on one line', /not started: ConfiguredFileUnreadable: .*\\u000A2026-01-01 .*named pipe/, mark);
        assert.ok(refusal.includes('(forged)'), `the whole name is in the one line (${refusal})`);
        assert.doesNotMatch(logText().slice(mark), /^2026-01-01 00:00:00\.000 \[info\]/m, 'no log entry forged by the file name');
        assert.ok(String(shown!.message).includes('[Open]'), `the file is named in the notification (${String(shown!.message)})`);
        assert.ok(String(shown!.message).includes('tls.caFile'), `the setting is named (${String(shown!.message)})`);
        assert.deepEqual(shown!.links, [], 'nothing in the message is a link');
        assert.deepEqual(newResults().map(outline), [], 'no run started, so no result');
        assert.equal(vscode.workspace.textDocuments.filter((d) => d.isUntitled).length, untitled, 'the command in the name did not run');
      } finally {
        await settings.update('configurationFile', undefined, vscode.ConfigurationTarget.Workspace);
        // The error stays until dismissed: clear it, so the next tests' prompts are not behind it.
        await vscode.commands.executeCommand('notifications.clearAll');
      }
    });

    // Before the by-DN preview below: the suite must end on that preview (the reload check).
    defineContainerPreviewTests({ config, page: fullPage, logText, logMark, logLine });

    fullPage('Sync Object by Distinguished Name... validates the DN as it is typed and takes the chosen mode', async () => {
      markResults();
      const bad = ['CN=Jane Doe,,DC=corp', 'not a dn', '=Jane,DC=corp', 'CN=Jane\\'];
      const good = ['CN=Smith\\, John,OU=EMEA,DC=corp,DC=contoso,DC=com'];
      const steps = await commandWithUi('by-dn', () => vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName'), [
        ...[...bad, ...good].map((text): UiStep => ({ do: 'type', text, enter: false })),
        { do: 'type', text: `  ${config.dns.previewUser}  ` },
        { do: 'pick', label: preview },
      ]);
      const prompt = 'The distinguished name of the Active Directory object to sync';
      bad.forEach((text, i) => {
        const message = String(steps[i]!.message);
        assert.ok(message.length > 0 && !message.includes(prompt), `"${text}" is refused with a reason (${message})`);
      });
      assert.ok(String(steps[bad.length]!.message).includes(prompt), `an escaped comma is valid (${String(steps[bad.length]!.message)})`);
      assert.match(String(steps.at(-1)!.title), /How to sync/);
      const { summary } = await nextResult(config.dns.previewUser);
      assert.equal(summary.targetSystem.details.stagingMode, 'True');
      assert.equal(lower(summary.sourceIdentity.details.distinguishedName ?? ''), lower(config.dns.previewUser), 'the DN was trimmed');
    });

    fullPage('a malformed DN never reaches the directory: the command reports the parse error', async () => {
      const mark = logMark();
      await vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName', 'CN=broken,,DC=corp', { stagingMode: true });
      await vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName', '   ', { stagingMode: true });
      await logLine('the refused DN', /syncByDistinguishedName: \w+/, mark);
      assert.doesNotMatch(logText().slice(mark), /started/, 'no run started');
    });

    fullPage('item commands act only on the tree\'s own nodes: a made-up node passed through executeCommand syncs and copies nothing', async () => {
      // Shaped exactly like the tree's object node, but not one the tree created.
      const madeUp = { kind: 'object', connectorName: config.connectorName, entry: { dn: config.dns.previewUser, name: 'made up', objectClass: 'user' } };
      const mark = logMark();
      for (const command of ['singleObjectSync.syncObject', 'singleObjectSync.previewSync']) {
        const [shown] = await commandWithUi(`made-up-node-${command}`, () => vscode.commands.executeCommand(command, madeUp), [{ do: 'escape' }]);
        assert.match(String(shown!.title), /Sync Object by Distinguished Name/, `${command} asked for a DN instead of taking the node`);
      }
      await vscode.env.clipboard.writeText('');
      await vscode.commands.executeCommand('singleObjectSync.copyDistinguishedName', madeUp);
      assert.equal(await vscode.env.clipboard.readText(), '', 'Copy Distinguished Name copied nothing');
      assert.doesNotMatch(logText().slice(mark), /started/, 'no run started');
    });

    fullPage('Copy Distinguished Name puts the DN on the clipboard', async () => {
      await vscode.env.clipboard.writeText('');
      await contextAction('copy-dn', config.dns.previewUser, 'Copy Distinguished Name');
      const copied = await eventually('the DN on the clipboard', async () => (await vscode.env.clipboard.readText()) || undefined);
      assert.equal(lower(copied), lower(config.dns.previewUser));
    });

    // ---- Issue 15: the workflow of an engineer (Find Object, Recent Results, Compare, JSON on request) ----

    /** Alice's last preview, from her JSON document (opened by the suite's setting). */
    function lastPreviewOf(dn: string): ProvisioningObjectSummary {
      const found = jsonResults().filter((r) => lower(r.summary.sourceIdentity.details.distinguishedName ?? '') === lower(dn) && r.summary.stagingMode).at(-1);
      assert.ok(found, `a preview of ${dn} was shown earlier`);
      return found.summary;
    }
    const parentOf = (dn: string) => dn.split(/(?<!\\),/).slice(1).join(',');

    fullPage('Find Object... finds by a name prefix as you type, reveals the object in the tree and offers Preview, Sync and Copy DN', async () => {
      await showTree();
      await ui('find-collapse', [{ do: 'collapse', label: 'Contoso', level: 3 }]);
      await vscode.env.clipboard.writeText('');
      const name = rdn(config.dns.previewUser);
      const steps = await ui('find-object', [
        { do: 'command', title: 'Single Object Sync: Find Object...' },
        { do: 'type', text: name.slice(0, 4), enter: false },
        { do: 'pick', label: name },
        { do: 'pick', label: 'Copy Distinguished Name' },
        { do: 'readTree' },
      ]);
      const found = steps[2]!;
      assert.equal(found.title, 'Find Object');
      const items = (found.items as string[]) ?? [];
      assert.ok(items.some((i) => i.includes(name)), `the prefix found ${name} (${items.join(' | ')})`);
      assert.ok(items.some((i) => lower(i).includes(lower(parentOf(config.dns.previewUser)))), `each result shows its container (${items.join(' | ')})`);
      const offered = (steps[3]!.items as string[]) ?? [];
      for (const action of ['Preview Sync (Staging Mode)', 'Sync Object...', 'Copy Distinguished Name']) assert.ok(offered.some((i) => i.includes(action)), `${action} offered (${offered.join(' | ')})`);
      assert.equal(offered.findIndex((i) => i.includes('Preview Sync')), 0, 'Preview first');
      const copied = await eventually('the DN on the clipboard', async () => (await vscode.env.clipboard.readText()) || undefined);
      assert.equal(lower(copied), lower(config.dns.previewUser));
      const rows = steps[4]!.rows!;
      assert.ok(rows.some((r) => r.label === name && r.level === 5), `the tree was expanded down to the object (${rows.map((r) => `${r.level}:${r.label}`).join(', ')})`);
    });

    fullPage('the by-DN box takes an objectGUID, and Enter on an object in the tree previews it', async () => {
      const guid = lastPreviewOf(config.dns.previewUser).sourceIdentity.details.objectGUID!;
      markResults();
      await commandWithUi('by-guid', () => vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName'), [
        { do: 'type', text: guid },
        { do: 'pick', label: preview },
      ]);
      const byGuid = await nextResult(config.dns.previewUser);
      assert.equal(byGuid.summary.stagingMode, true);
      await showTree();
      const steps = await ui('enter-previews', [...openSales, { do: 'scrollTo', label: rdn(config.dns.previewUser), level: 5 }, { do: 'focusRow', label: rdn(config.dns.previewUser), level: 5 }, { do: 'key', key: 'Enter' }]);
      assert.equal(steps.length, 6);
      const byEnter = await nextResult(config.dns.previewUser);
      assert.equal(byEnter.summary.stagingMode, true, 'Enter previews, never exports');
      // Ctrl+Alt+F in the view opens Find Object.
      const [, , shown] = await ui('find-shortcut', [{ do: 'focusRow', label: rdn(config.dns.previewUser), level: 5 }, { do: 'key', key: 'Control+Alt+F' }, { do: 'escape' }]);
      assert.equal(shown!.title, 'Find Object', 'Ctrl+Alt+F in the tree opens Find Object');
    });

    fullPage('Recent Results lists past runs from the state folder: status, mode, time; a click reopens the report, Delete removes the file', async () => {
      await vscode.commands.executeCommand('singleObjectSync.recentResults.focus');
      const alice = lastPreviewOf(config.dns.previewUser);
      const loaded = [...logText().matchAll(/Configuration loaded from (.+)$/gm)].pop()?.[1]?.trim() ?? config.configFile;
      const stateDirSetting = (JSON.parse(readFileSync(loaded, 'utf8')) as { stateDir?: string }).stateDir ?? '.single-object-sync/state';
      const resultsDir = path.resolve(path.dirname(loaded), stateDirSetting, 'results');
      assert.ok(existsSync(path.join(resultsDir, `${alice.id}.json`)), `the result is kept in the state folder (${resultsDir})`);
      // The Active Directory view is collapsed for this test, so Recent Results has the room.
      await ui('recent-room', [{ do: 'togglePane', title: 'Active Directory' }]);
      try {
        await recentResultsChecks(alice, resultsDir);
      } finally {
        await ui('recent-room-back', [{ do: 'togglePane', title: 'Active Directory' }]);
      }
    });

    async function recentResultsChecks(alice: ProvisioningObjectSummary, resultsDir: string): Promise<void> {
      let rows: TreeRow[] = [];
      for (let i = 0; i < 20 && rows.length === 0; i++) rows = (await ui(`recent-${i}`, [{ do: 'wait', ms: 300 }, { do: 'readTree', view: 'Recent Results' }]))[1]!.rows ?? [];
      assert.ok(rows.length >= 3 && rows.length <= 100, `the runs are listed, bounded (${rows.length})`);
      const aliceRow = rows.find((r) => r.label === alice.sourceIdentity.displayName);
      assert.ok(aliceRow, `Alice's run is listed (${rows.map((r) => r.label).join(', ')})`);
      assert.match(aliceRow.description, /^Preview · \d{2}:\d{2}:\d{2}$/, 'mode and time');
      assert.match(aliceRow.icon, /codicon-(pass|warning|error|circle-slash)/, 'a status icon');
      // Delete the export user's preview: its file goes, its row goes.
      const eva = jsonResults().filter((r) => lower(r.summary.sourceIdentity.details.distinguishedName ?? '') === lower(config.dns.exportUser)).at(-1)!.summary;
      const evaFiles = readdirSync(resultsDir).filter((f) => JSON.parse(readFileSync(path.join(resultsDir, f), 'utf8')).sourceIdentity?.displayName === eva.sourceIdentity.displayName);
      assert.ok(evaFiles.length >= 1);
      for (let i = 0; i < evaFiles.length; i++) await ui(`recent-delete-${i}`, [{ do: 'context', label: eva.sourceIdentity.displayName, level: 1, item: 'Delete Result' }, { do: 'wait', ms: 300 }]);
      await eventually('the deleted results gone from the state folder', () => (readdirSync(resultsDir).some((f) => evaFiles.includes(f)) ? undefined : true));
      const [after] = await ui('recent-after', [{ do: 'readTree', view: 'Recent Results' }]);
      assert.ok(!after!.rows!.some((r) => r.label === eva.sourceIdentity.displayName), 'the row is gone');
      // Save Support Bundle... from the row's menu, through VS Code's save dialog, as a person does:
      // one zip named like the report, with the JSON, the HTML report and the configuration, no secret.
      const bundle = path.join(path.dirname(resultsDir), `support-${Date.now()}.zip`);
      const bundleMark = logMark();
      const [, saved] = await ui('recent-support-bundle', [
        { do: 'context', label: alice.sourceIdentity.displayName, level: 1, item: 'Save Support Bundle...' },
        { do: 'saveFile', title: 'Save Support Bundle', path: bundle },
      ]);
      assert.match(String(saved!.suggested), /ADSyncSingleObjectSyncResult-\d{8}-\d{6}(-\d+)?\.zip$/, `the suggested name is the report's, as a zip (${String(saved!.suggested)})`);
      await eventually('the bundle written', () => (existsSync(bundle) ? true : undefined));
      const entries = execFileSync('unzip', ['-Z1', bundle], { encoding: 'utf8' }).split('\n').filter(Boolean);
      assert.ok(entries.some((e) => /^ADSyncSingleObjectSyncResult-.*\.json$/.test(e)) && entries.some((e) => /^ADSyncSingleObjectSyncResult-.*\.htm$/.test(e)) && entries.includes('single-object-sync.redacted.json'), entries.join(', '));
      const contents = execFileSync('unzip', ['-p', bundle], { maxBuffer: 64 * 1024 * 1024 }).toString('latin1');
      assert.ok(contents.includes(alice.sourceIdentity.details.distinguishedName ?? '\u0000'), 'the bundle holds the result');
      for (const secret of [config.adPassword, config.entraClientSecret]) assert.ok(!contents.includes(secret), 'no secret in the bundle');
      await logLine('the bundle in the log', /Support bundle saved to /, bundleMark);
      // A click shows that run in the report panel again, but never offers to export from it: the
      // state folder may be a repository's, so a kept result is not what an export is confirmed with.
      await ui('recent-open', [{ do: 'click', label: alice.sourceIdentity.displayName, level: 1 }]);
      assert.deepEqual((await checkpoint('panel-recent', { distinguishedName: config.dns.previewUser, exportOffered: false })).problems, []);
    }

    fullPage('Compare with Microsoft Entra ID opens the diff editor: the tenant now against the object after this export, both read-only', async () => {
      const alice = lastPreviewOf(config.dns.previewUser);
      await vscode.commands.executeCommand('singleObjectSync.compareWithEntra', alice.id);
      const tab = await eventually('a diff editor of the result', () =>
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.original.scheme === resultScheme && t.input.original.path.includes(alice.id)),
      );
      const input = tab.input as vscode.TabInputTextDiff;
      assert.match(tab.label, /Microsoft Entra ID now/);
      const left = JSON.parse((await vscode.workspace.openTextDocument(input.original)).getText()) as Record<string, unknown>;
      const right = JSON.parse((await vscode.workspace.openTextDocument(input.modified)).getText()) as Record<string, unknown>;
      const applied = alice.modifiedProperties.filter((p) => p.applied);
      for (const change of applied) {
        const key = Object.keys(right).find((k) => lower(k) === lower(change.displayName));
        assert.ok(key, `after the export ${change.displayName} is set`);
        const expected = change.newValue === null ? null : change.newValue.includes('\n') ? change.newValue.split('\n') : change.newValue;
        assert.deepEqual(right[key], expected, `${change.displayName} after the export`);
      }
      if (applied.length) assert.notDeepEqual(left, right, 'the diff shows the changes');
      if (alice.targetIdentity.id) assert.equal(left.id, alice.targetIdentity.id, 'the left side is the tenant object, read now');
      const doc = await vscode.workspace.openTextDocument(input.modified);
      assert.equal(doc.isUntitled, false);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });

    fullPage('Compare with Microsoft Entra ID in the panel: after a cloud edit of an exported user, the diff editor shows the tenant now against the object after this export, both read-only', async () => {
      // Eva Green is in the tenant (the What If test exported her with the CLI; exported here if not).
      const tenant = new Tenant({ ...(legitimate.entra as { authorityHost: string; graphEndpoint: string; tenantId: string; clientId: string; caFile: string }), clientSecret: config.entraClientSecret });
      const upn = 'eva.green@contoso.com';
      if (!(await tenant.userByUpn(upn, []))) assert.equal((await exportWithCli(config, config.dns.exportUser)).status, 0, 'Eva Green exported with the CLI');
      const cloud = await tenant.userByUpn(upn, ['department']);
      assert.ok(cloud, `${upn} is in the tenant`);
      // An administrator changes her department in the cloud; Active Directory still says Sales.
      const edited = 'Marketing (edited in the cloud)';
      await tenant.graph('PATCH', `/users/${String(cloud.id)}`, { department: edited });
      let diff: vscode.Tab | undefined;
      try {
        markResults();
        await vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName', config.dns.exportUser, { stagingMode: true });
        const { summary } = await nextResult(config.dns.exportUser);
        const department = summary.modifiedProperties.find((p) => lower(p.displayName) === 'department');
        assert.ok(department, `the preview plans to write department back: ${JSON.stringify(summary.modifiedProperties.map((p) => p.displayName))}`);
        assert.equal(department.oldValue, edited, 'the old value is the tenant\'s');
        assert.equal(department.newValue, 'Sales', 'the new value is Active Directory\'s');
        // The click, in the panel of this preview (a real click in Chromium).
        const [, clicked] = await ui('compare-click', [
          { do: 'panelWait', mode: 'staging', dn: config.dns.exportUser, button: 'Compare with Microsoft Entra ID', timeoutMs: 60_000 },
          { do: 'panelClick', button: 'Compare with Microsoft Entra ID' },
        ]);
        assert.ok(clicked);
        diff = await eventually('the diff editor of this result', () =>
          vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.original.scheme === resultScheme && t.input.original.path.includes(summary.id)),
        );
        const input = diff.input as vscode.TabInputTextDiff;
        assert.match(diff.label, /Eva Green: Microsoft Entra ID now ↔ after this export/);
        assert.equal(input.modified.scheme, resultScheme);
        const [left, right] = await Promise.all([vscode.workspace.openTextDocument(input.original), vscode.workspace.openTextDocument(input.modified)]);
        const tenantNow = JSON.parse(left.getText()) as Record<string, unknown>;
        const afterExport = JSON.parse(right.getText()) as Record<string, unknown>;
        assert.equal(tenantNow.id, cloud.id, 'the left side is the tenant object');
        assert.equal(tenantNow.department, edited, 'left: the tenant now, with the cloud edit');
        assert.equal(afterExport.department, 'Sales', 'right: after this export, Active Directory\'s value');
        assert.equal(afterExport.displayName, tenantNow.displayName, 'what does not change reads the same on both sides');
        for (const document of [left, right]) {
          assert.equal(document.isUntitled, false, 'not an Untitled-N document');
          assert.equal(document.languageId, 'json');
        }
        // Both sides are read-only: typing into the diff editor (its right side has the focus) changes nothing.
        const texts = [left.getText(), right.getText()];
        // The click came from the webview: the keyboard focus may still be in its frame, or reach
        // the diff editor a moment later. Focus the diff's own group, and type again if no
        // message showed (a key that went elsewhere changes nothing either: the texts are compared below).
        const focusGroup = ['workbench.action.focusFirstEditorGroup', 'workbench.action.focusSecondEditorGroup', 'workbench.action.focusThirdEditorGroup'];
        let refused: StepResult | undefined;
        for (let attempt = 1; attempt <= 3 && !/read-only/i.test(String(refused?.text ?? '')); attempt++) {
          await vscode.commands.executeCommand(focusGroup[Math.min(diff.group.viewColumn, 3) - 1]!);
          await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
          [, refused] = await ui(`compare-diff-${attempt}`, [{ do: 'key', key: 'x' }, { do: 'editorMessage' }]);
        }
        assert.match(String(refused!.text), /read-only/i, `the editor refused the key (${String(refused!.text)})`);
        assert.deepEqual([left.getText(), right.getText()], texts, 'typing changed neither side');
        assert.ok(!left.isDirty && !right.isDirty, 'nothing to save');
      } finally {
        // Close the diff editor again: later tests read the editor layout (the panel beside the JSON).
        if (diff) await vscode.window.tabGroups.close(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.original.scheme === resultScheme));
        await tenant.graph('PATCH', `/users/${String(cloud.id)}`, { department: cloud.department ?? 'Sales' });
      }
    });

    fullPage('the JSON opens on request by default: no document after a run, Open JSON in the panel opens the read-only one', async () => {
      const settings = vscode.workspace.getConfiguration('singleObjectSync');
      await settings.update('openJsonAfterRun', undefined, vscode.ConfigurationTarget.Global);
      try {
        await vscode.window.tabGroups.close(resultTabs());
        assert.deepEqual(resultTabs(), [], 'no result document is open before the run');
        markResults();
        const mark = logMark();
        await vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName', config.dns.previewUser, { stagingMode: true });
        await logLine('the preview finished', new RegExp(`${escape(config.dns.previewUser)} finished`), mark);
        await new Promise((r) => setTimeout(r, 1000));
        assert.deepEqual(resultTabs().map((t) => (t.input as vscode.TabInputText).uri.toString()), [], 'no JSON editor opened by itself');
        assert.ok(!vscode.workspace.textDocuments.some((d) => d.isUntitled), 'no Untitled-N document');
        assert.deepEqual((await checkpoint('panel-open-json-on-request', { distinguishedName: config.dns.previewUser, click: 'Open JSON' })).problems, []);
        const { document } = await nextResult(config.dns.previewUser);
        assertJsonDocument(document);
      } finally {
        await settings.update('openJsonAfterRun', true, vscode.ConfigurationTarget.Global);
      }
    });

    fullPage('Open Configuration creates a starter file with $schema when there is none', async () => {
      const starter = path.join(config.workspace, 'starter', 'single-object-sync.json');
      rmSync(path.dirname(starter), { recursive: true, force: true });
      const settings = vscode.workspace.getConfiguration('singleObjectSync');
      await settings.update('configurationFile', 'starter/single-object-sync.json', vscode.ConfigurationTarget.Workspace);
      try {
        const created = await vscode.commands.executeCommand<string>('singleObjectSync.openConfiguration');
        assert.equal(created, starter);
        const parsed = JSON.parse(readFileSync(starter, 'utf8')) as { $schema: string; activeDirectory: unknown[] };
        assert.match(parsed.$schema, /single-object-sync\.schema\.json$/);
        assert.equal(parsed.activeDirectory.length, 1);
        assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, starter);
        assert.doesNotMatch(readFileSync(starter, 'utf8'), /password|secret"\s*:/i, 'no secret fields in the starter');
      } finally {
        await settings.update('configurationFile', undefined, vscode.ConfigurationTarget.Workspace);
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      }
    });

    fullPage('Test Connection from the status bar: directory bind, tenant token and a Graph read, each shown in its status bar entry', async () => {
      const mark = logMark();
      const [before, passed, directory, tenant] = await ui('test-connection', [
        { do: 'statusBar', label: 'Active Directory', click: true },
        { do: 'notification', text: 'Connection test passed', timeoutMs: 60_000 },
        { do: 'statusBar', label: 'Active Directory: connected' },
        { do: 'statusBar', label: 'Entra ID: connected' },
      ]);
      assert.ok(before, 'the directory entry is in the status bar');
      assert.match(String(passed!.message), /Connection test passed/, String(passed!.message));
      assert.match(String(passed!.message), new RegExp(`bound to .* as ${escape(String(legitimate.activeDirectory[0]!.bindDn))}`, 'i'));
      assert.match(String(passed!.message), /Microsoft Graph answered \(\d+ domains\)/);
      assert.match(String(directory!.label), /connected/);
      assert.match(String(tenant!.label), /connected/);
      await logLine('the test in the log', /Test Connection: /, mark);
      assert.ok(!logText().slice(mark).includes(config.adPassword) && !logText().slice(mark).includes(config.entraClientSecret), 'no secret in the log');
    });

    fullPage('device code sign-in: the notification shows the code; Cancel Sign-In ends the run at once; Copy & Open copies it, the user signs in, the preview runs; the next run signs in silently', async () => {
      const signInConfig = path.join(path.dirname(config.workspace), `${path.basename(config.workspace)}-device-code`, 'single-object-sync.json');
      mkdirSync(path.dirname(signInConfig), { recursive: true });
      writeFileSync(signInConfig, JSON.stringify({ ...legitimate, entra: { ...legitimate.entra, authMode: 'deviceCode', clientSecretEnv: undefined } }, null, 2));
      const settings = vscode.workspace.getConfiguration('singleObjectSync');
      await settings.update('configurationFile', signInConfig, vscode.ConfigurationTarget.Global);
      let running: Promise<void> | undefined;
      let runEnded = false;
      let signIn: { url: string; code: string } | undefined;
      try {
        // First the engineer changes their mind: Cancel Sign-In in the notification ends the wait
        // at once (it would otherwise hold the run for the code's lifetime) and the run with it.
        markResults();
        const cancelled = Promise.resolve(vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName', config.dns.previewUser, { stagingMode: true }));
        running = cancelled.then(() => undefined, () => undefined).then(() => { runEnded = true; });
        const [offered] = await ui('device-code-cancel', [{ do: 'notification', text: 'Sign in to Microsoft Entra ID', button: 'Cancel Sign-In', timeoutMs: 60_000 }]);
        assert.ok((offered!.buttons as string[]).includes('Cancel Sign-In'), JSON.stringify(offered!.buttons));
        await cancelled.catch(() => undefined);
        const { summary: declined } = await nextResult(config.dns.previewUser);
        assert.equal(declined.provisioningStatusInfo.errorInformation?.errorCode, 'SignInNotCompleted', outline(declined));
        assert.match(declined.provisioningStatusInfo.errorInformation?.reason ?? '', /cancelled before the code was entered/);
        running = undefined;
        runEnded = false;

        markResults();
        await vscode.env.clipboard.writeText('');
        const mark = logMark();
        const command = Promise.resolve(vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName', config.dns.previewUser, { stagingMode: true }));
        running = command.then(() => undefined, () => undefined).then(() => { runEnded = true; });
        const [shown] = await ui('device-code-notification', [{ do: 'notification', text: 'Sign in to Microsoft Entra ID', button: 'Copy & Open', dialogButton: 'Open', timeoutMs: 60_000 }]);
        const message = String(shown!.message);
        const found = /open (https:\/\/\S+) and enter the code (\w+)/.exec(message);
        assert.ok(found, `the notification names the page and the code: ${message}`);
        const [, url, code] = found;
        signIn = { url: url!, code: code! };
        assert.ok((shown!.buttons as string[]).includes('Copy & Open'), JSON.stringify(shown!.buttons));
        const copied = await eventually('the code on the clipboard', async () => (await vscode.env.clipboard.readText()) || undefined);
        assert.equal(copied, code, 'Copy & Open copied the code');
        // The engineer signs in at the page (the emulator's verification page, over HTTPS).
        await visitVerificationPage(url!, code!, String(legitimate.entra.caFile));
        await command;
        const { summary } = await nextResult(config.dns.previewUser);
        assert.match(summary.provisioningStatusInfo.status, /^(success|warning)$/, outline(summary));
        await logLine('the sign-in', /Signed in to tenant/, mark);

        const again = logMark();
        // Test Connection opens a new session (a new msal application): only the token cache
        // kept in Secret Storage can make its sign-in silent.
        await vscode.commands.executeCommand('singleObjectSync.testConnection');
        await logLine('the connection test', /Test Connection: .*Tenant .*Microsoft Graph answered/, again);
        const second = Promise.resolve(vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName', config.dns.previewUser, { stagingMode: true }));
        await second;
        const { summary: silent } = await nextResult(config.dns.previewUser);
        assert.match(silent.provisioningStatusInfo.status, /^(success|warning)$/, outline(silent));
        assert.doesNotMatch(logText().slice(again), /Device code sign-in/, 'no second sign-in: the token cache in Secret Storage was used');
      } finally {
        // A failed step must not leave the preview waiting for a sign-in (it would hold the
        // later tests' runs): decline at the verification page, as the user would, and let it end.
        if (running && !runEnded) {
          if (!signIn) {
            const [late] = await ui('device-code-cleanup', [{ do: 'notification', text: 'Sign in to Microsoft Entra ID', timeoutMs: 10_000 }]).catch(() => []);
            const found = /open (https:\/\/\S+) and enter the code (\w+)/.exec(String(late?.message ?? ''));
            if (found) signIn = { url: found[1]!, code: found[2]! };
          }
          if (signIn) await visitVerificationPage(signIn.url, signIn.code, String(legitimate.entra.caFile), 'decline').catch(() => undefined);
          await Promise.race([running, new Promise((r) => setTimeout(r, 30_000))]);
        }
        await settings.update('configurationFile', undefined, vscode.ConfigurationTarget.Global);
      }
    });
  });
}

/** What a user does at the verification page: enter the code and sign in (or cancel). */
function visitVerificationPage(url: string, code: string, caFile: string, decision: 'approve' | 'decline' = 'approve'): Promise<void> {
  const body = new URLSearchParams({ otc: code, username: 'engineer@contoso.onmicrosoft.com', decision }).toString();
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: 'POST', ca: readFileSync(caFile), headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`the verification page answered ${response.statusCode}`))));
    });
    request.on('error', reject);
    request.end(body);
  });
}
