// The extension, tested inside a real VS Code (the code-server build of VS Code 1.139)
// against the live Samba AD DC and the Graph emulator. Mocha BDD; run by ./index.ts.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SingleObjectSyncApi } from '../../../src/extension/extension';
import type { RunRecord } from '../../../src/extension/sync-runner';
import type { ContainerNode, ObjectNode, TreeNode } from '../../../src/extension/tree/nodes';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { checkpoint, eventually, readSuiteConfig, recordMetric } from './support';

const extensionId = 'single-object-sync.single-object-sync';
const itemCommands = ['singleObjectSync.syncObject', 'singleObjectSync.previewSync', 'singleObjectSync.copyDistinguishedName', 'singleObjectSync.loadMore'];
const paletteCommands = [
  'singleObjectSync.syncByDistinguishedName',
  'singleObjectSync.setCredentials',
  'singleObjectSync.openConfiguration',
  'singleObjectSync.showLog',
  'singleObjectSync.refresh',
];

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

export function defineSuite(): void {
  const config = readSuiteConfig();
  // The .vsix smoke run keeps activation, credentials, the tree and one preview with its panel.
  const smoke = config.mode === 'smoke';
  const full: (title: string, fn: () => Promise<void>) => void = (title, fn) => {
    if (!smoke) it(title, fn);
  };
  // Tests that need the page (webview DOM, clicks) are pending when no harness watches it.
  const harness = config.harness !== false;
  const page: (title: string, fn: () => Promise<void>) => void = (title, fn) => (harness ? it : it.skip)(title, fn);
  const fullPage: typeof page = (title, fn) => {
    if (!smoke) page(title, fn);
  };
  let api: SingleObjectSyncApi;

  async function children(node?: TreeNode): Promise<TreeNode[]> {
    return api.tree.getChildren(node);
  }
  async function childByDn(parent: TreeNode, dn: string): Promise<TreeNode> {
    const list = await children(parent);
    const found = list.find((n) => (n.kind === 'container' || n.kind === 'object' ? lower(n.entry.dn) === lower(dn) : n.kind === 'partition' && lower(n.dn) === lower(dn)));
    assert.ok(found, `${dn} not among ${list.map((n) => (n.kind === 'error' ? `error: ${n.message}` : n.id)).join(', ')}`);
    return found;
  }
  async function nodeFor(dn: string, ...path: string[]): Promise<TreeNode> {
    const [connector] = await children();
    assert.ok(connector && connector.kind === 'connector', 'the connector root');
    let node = await childByDn(connector, config.dns.partition);
    for (const step of path) node = await childByDn(node, step);
    return childByDn(node, dn);
  }
  /** Step statuses and the error, for assertion messages that explain a failure. */
  function outline(summary: ProvisioningObjectSummary | undefined): string {
    if (!summary) return 'no summary';
    const steps = summary.provisioningSteps.map((s) => `${s.stepNumber}:${s.status}${s.errorInformation ? `(${s.errorInformation.errorCode}: ${s.errorInformation.reason})` : ''}`);
    const error = summary.provisioningStatusInfo.errorInformation;
    return `${summary.provisioningStatusInfo.status} [${steps.join(' ')}]${error ? ` ${error.errorCode}: ${error.reason}` : ''}`;
  }
  function lastRun(): RunRecord {
    const run = api.runner.runs.at(-1);
    assert.ok(run, 'a run was recorded');
    return run;
  }
  function assertSummaryShape(summary: ProvisioningObjectSummary): void {
    for (const key of ['id', 'activityDateTime', 'changeId', 'cycleId', 'durationInMilliseconds', 'initiatedBy', 'jobId', 'modifiedProperties', 'provisioningAction', 'provisioningStatusInfo', 'provisioningSteps', 'servicePrincipal', 'sourceIdentity', 'sourceSystem', 'targetIdentity', 'targetSystem', 'tenantId']) {
      assert.ok(key in summary, `provisioningObjectSummary has ${key}`);
    }
    assert.equal(summary.provisioningSteps.length, 10);
  }
  async function jsonDocumentOf(run: RunRecord): Promise<ProvisioningObjectSummary> {
    const document = run.jsonDocument;
    assert.ok(document, 'the JSON document was opened');
    assert.equal(document.languageId, 'json');
    assert.equal(document.isUntitled, true, 'an untitled document, not a file');
    const parsed = JSON.parse(document.getText()) as ProvisioningObjectSummary;
    assertSummaryShape(parsed);
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === document.uri.toString());
    assert.ok(tab, 'the JSON document has an editor tab');
    assert.equal(tab.isPreview, false, 'not a preview tab');
    return parsed;
  }

  describe('Single Object Sync in VS Code', () => {
    before(async () => {
      const extension = vscode.extensions.getExtension<SingleObjectSyncApi>(extensionId);
      assert.ok(extension, `extension ${extensionId} is installed`);
      api = await extension.activate();
      if (config.installedUnder) {
        assert.ok(extension.extensionPath.startsWith(config.installedUnder), `the extension runs from the installed .vsix (${extension.extensionPath})`);
      }
    });

    it('activates without any LDAP, Graph or configuration work and registers its commands', async () => {
      recordMetric('activationMs', api.activationMs);
      assert.equal(api.sessions.isOpen, false, 'activation opened no session');
      const commands = await vscode.commands.getCommands(true);
      for (const id of [...itemCommands, ...paletteCommands]) assert.ok(commands.includes(id), `${id} is registered`);
      const manifest = vscode.extensions.getExtension(extensionId)!.packageJSON as {
        contributes: { menus: { commandPalette: { command: string; when: string }[] }; jsonValidation: { url: string }[] };
        capabilities: { untrustedWorkspaces: { supported: string } };
      };
      const hidden = manifest.contributes.menus.commandPalette.filter((m) => m.when === 'false').map((m) => m.command);
      assert.deepEqual([...hidden].sort(), [...itemCommands].sort(), 'item-only commands are hidden from the palette');
      assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
      assert.ok(manifest.contributes.jsonValidation.some((j) => j.url.endsWith('single-object-sync.schema.json')));
    });

    full('shows an error node with Set Credentials when the directory password is wrong', async () => {
      await vscode.commands.executeCommand('singleObjectSync.setCredentials', { target: 'activeDirectory', connectorName: config.connectorName, secret: 'Wrong-Password-1!' });
      const [connector] = await children();
      assert.ok(connector?.kind === 'connector');
      const below = await children(connector);
      assert.equal(below.length, 1, 'one error node instead of a silently empty tree');
      const node = below[0]!;
      assert.equal(node.kind, 'error');
      assert.equal(node.kind === 'error' && node.action.command, 'singleObjectSync.setCredentials');
      const item = api.tree.getTreeItem(node);
      assert.ok(String(item.label).length > 10, 'the error node carries the message');
    });

    it('stores credentials in SecretStorage only: never in settings, the configuration or the log', async () => {
      const adOk = await vscode.commands.executeCommand('singleObjectSync.setCredentials', { target: 'activeDirectory', connectorName: config.connectorName, secret: config.adPassword });
      const entraOk = await vscode.commands.executeCommand('singleObjectSync.setCredentials', { target: 'entra', secret: config.entraClientSecret });
      assert.equal(adOk, true);
      assert.equal(entraOk, true);
      const settings = JSON.stringify(vscode.workspace.getConfiguration('singleObjectSync'));
      // The log is a real file written by the LogOutputChannel; wait until our line is in it.
      const logsRoot = path.join(config.userDataDir, 'logs');
      const logFile = await eventually('the extension log file to record the stored credential', () =>
        filesUnder(logsRoot).find((f) => f.endsWith('.log') && readFileSync(f, 'utf8').includes('Credential stored in Secret Storage')),
      );
      const places = [
        ['settings', settings],
        ['the configuration file', readFileSync(config.configFile, 'utf8')],
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

    it('shows the connector, the seeded domain and its OUs, with icons and context values', async () => {
      const roots = await children();
      assert.equal(roots.length, 1);
      const connector = roots[0]!;
      assert.equal(connector.kind, 'connector');
      assert.equal(api.tree.getTreeItem(connector).label, config.connectorName);
      const partition = await childByDn(connector, config.dns.partition);
      const partitionItem = api.tree.getTreeItem(partition);
      assert.equal((partitionItem.iconPath as vscode.ThemeIcon).id, 'globe');
      const contoso = (await childByDn(partition, config.dns.contoso)) as ContainerNode;
      const ous = (await children(contoso)).filter((n): n is ContainerNode => n.kind === 'container');
      const names = ous.map((n) => n.entry.name);
      for (const ou of ['Sales', 'Engineering', 'Excluded', 'Bulk', 'Groups', 'Contacts', 'Computers']) assert.ok(names.includes(ou), `OU ${ou} is listed (${names.join(', ')})`);
      const sales = ous.find((n) => n.entry.name === 'Sales')!;
      const salesItem = api.tree.getTreeItem(sales);
      assert.equal((salesItem.iconPath as vscode.ThemeIcon).id, 'folder');
      assert.match(String(salesItem.contextValue), /\borganizationalUnit\b/);
      const user = (await childByDn(sales, config.dns.previewUser)) as ObjectNode;
      const userItem = api.tree.getTreeItem(user);
      assert.equal((userItem.iconPath as vscode.ThemeIcon).id, 'person');
      assert.match(String(userItem.contextValue), /\bsyncable\b/);
      assert.ok(typeof userItem.description === 'string' && userItem.description.length > 0, 'sAMAccountName or UPN as description');
      const tooltip = (userItem.tooltip as vscode.MarkdownString).value;
      assert.ok(tooltip.includes('objectGUID'), 'tooltip shows the objectGUID');
      const groups = (await childByDn(contoso, `OU=Groups,${config.dns.contoso}`)) as ContainerNode;
      const group = (await children(groups)).find((n) => n.kind === 'object')!;
      assert.equal((api.tree.getTreeItem(group).iconPath as vscode.ThemeIcon).id, 'organization');

      // Show it as a person would see it, for the screenshot.
      await vscode.commands.executeCommand('workbench.view.extension.singleObjectSync');
      await api.treeView.reveal(user, { select: true, focus: true, expand: true });
      if (harness) assert.deepEqual((await checkpoint('tree')).problems, []);
    });

    full('marks the excluded OU and what is under it as out of sync scope, from the configuration alone', async () => {
      const excluded = (await nodeFor(config.dns.excluded, config.dns.contoso)) as ContainerNode;
      assert.equal(excluded.scope.inScope, false);
      const item = api.tree.getTreeItem(excluded);
      assert.match(String(item.description), /out of sync scope/);
      assert.equal(((item.iconPath as vscode.ThemeIcon).color as vscode.ThemeColor).id, 'disabledForeground');
      assert.match(String(item.contextValue), /\boutOfScope\b/);
      const person = (await children(excluded)).find((n) => n.kind === 'object')!;
      assert.match(String(api.tree.getTreeItem(person).description), /out of sync scope/);
      const sales = (await nodeFor(config.dns.sales, config.dns.contoso)) as ContainerNode;
      assert.equal(sales.scope.inScope, true);
      assert.doesNotMatch(String(api.tree.getTreeItem(sales).description ?? ''), /out of sync scope/);
    });

    full('pages the 5,000-child OU with "Load more..."', async () => {
      const bulk = (await nodeFor(config.dns.bulk, config.dns.contoso)) as ContainerNode;
      api.tree.refresh(bulk);
      const first = await children(bulk);
      const timing = api.tree.pageTimings.at(-1)!;
      recordMetric('firstPageOf5000Ms', timing.milliseconds);
      const pageSize = vscode.workspace.getConfiguration('singleObjectSync').get<number>('tree.pageSize')!;
      assert.equal(first.length, pageSize + 1, 'one page plus the Load more item');
      const more = first.at(-1)!;
      assert.equal(more.kind, 'loadMore');
      assert.equal(api.tree.getTreeItem(more).command?.command, 'singleObjectSync.loadMore');
      await vscode.commands.executeCommand('singleObjectSync.loadMore', more);
      const second = await children(bulk);
      assert.equal(second.length, 2 * pageSize + 1);
      const dns = new Set(second.filter((n) => n.kind === 'object').map((n) => (n as ObjectNode).entry.dn));
      assert.equal(dns.size, 2 * pageSize, 'the second page adds new entries, no duplicates');
    });

    full('validates the distinguished name as it is typed', async () => {
      const { validateDistinguishedName } = api;
      assert.equal(validateDistinguishedName(config.dns.previewUser), undefined);
      assert.equal(validateDistinguishedName('CN=Smith\\, John,OU=EMEA,DC=corp,DC=contoso,DC=com'), undefined);
      for (const bad of ['', 'CN=Jane Doe,,DC=corp', 'not a dn', '=Jane,DC=corp', 'CN=Jane\\']) {
        const message = validateDistinguishedName(bad);
        assert.ok(typeof message === 'string' && message.length > 0, `"${bad}" is refused`);
      }
    });

    it('Preview Sync (Staging Mode) on an object runs the ten steps, exports nothing and opens the JSON document', async () => {
      const user = await nodeFor(config.dns.previewUser, config.dns.contoso, config.dns.sales);
      const run = (await vscode.commands.executeCommand('singleObjectSync.previewSync', user)) as RunRecord;
      assert.ok(run, 'the command returned its run');
      assert.equal(run.error, undefined, run.error ? `${run.error.code}: ${run.error.reason}` : '');
      if (run.firstStepMs !== undefined) recordMetric('commandToFirstStepMs', run.firstStepMs);
      const summary = run.summary!;
      assertSummaryShape(summary);
      assert.equal(summary.targetSystem.details.stagingMode, 'True');
      const exportStep = summary.provisioningSteps[9]!;
      assert.equal(exportStep.status, 'skipped', `staging mode exports nothing: ${outline(summary)}`);
      const parsed = await jsonDocumentOf(run);
      assert.equal(parsed.id, summary.id);
      assert.equal(lower(parsed.sourceIdentity.details.distinguishedName ?? ''), lower(config.dns.previewUser));
      const panelTab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('singleObjectSync.report'));
      assert.ok(panelTab, 'the report panel is open');
    });

    if (smoke) {
      it('in an untrusted workspace only the preview runs: Sync Object is refused before any directory call', async () => {
        assert.equal(vscode.workspace.isTrusted, false, 'the smoke run opens the workspace untrusted');
        const user = await nodeFor(config.dns.exportUser, config.dns.contoso, config.dns.sales);
        const before = api.runner.runs.length;
        const run = (await vscode.commands.executeCommand('singleObjectSync.syncObject', user)) as RunRecord;
        assert.equal(run.error?.code, 'ExportNotAllowedInUntrustedWorkspace');
        assert.equal(run.summary, undefined, 'nothing ran');
        assert.equal(api.runner.runs.length, before + 1);
      });
    }

    page('the report panel shows the four tabs with the result, under a strict CSP', async () => {
      const answer = await checkpoint('panel', { distinguishedName: config.dns.previewUser, exportOffered: vscode.workspace.isTrusted });
      assert.deepEqual(answer.problems, []);
      assert.deepEqual(answer.observed.tabTitles, ['Steps', 'Troubleshooting & Recommendation', 'Modified Properties', 'Summary']);
      assert.equal(answer.ok, true);
    });

    fullPage('the panel buttons reach the extension: Open JSON reopens the result, Save HTML Report writes the standalone report', async () => {
      const staged = lastRun();
      const id = staged.summary!.id;
      // Close the JSON document, then click "Open JSON" in the webview (a real click in Chromium).
      await vscode.window.showTextDocument(staged.jsonDocument!, { viewColumn: vscode.ViewColumn.One });
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      const answer = await checkpoint('panel-open-json', { click: 'Open JSON' });
      assert.deepEqual(answer.problems, []);
      const reopened = await eventually('a JSON editor with the result after the click', () =>
        vscode.window.visibleTextEditors.find((e) => e.document.languageId === 'json' && e.document.getText().includes(id))?.document,
      );
      assert.equal((JSON.parse(reopened.getText()) as ProvisioningObjectSummary).id, id);

      const reportDir = path.join(path.dirname(config.configFile), '.single-object-sync', 'reports');
      rmSync(reportDir, { recursive: true, force: true });
      const originalInfo = api.ui.info;
      api.ui.info = async () => undefined; // the "saved" notification is not clicked
      try {
        await checkpoint('panel-save-html', { click: 'Save HTML Report' });
        const file = await eventually('the saved HTML report', () => {
          const found = existsSync(reportDir) ? readdirSync(reportDir).find((f) => /^ADSyncSingleObjectSyncResult-\d{8}-\d{6}\.htm$/.test(f)) : undefined;
          return found ? path.join(reportDir, found) : undefined;
        });
        const html = readFileSync(file, 'utf8');
        assert.ok(html.includes(id), 'the report is the one shown');
        assert.ok(html.includes('Troubleshooting &amp; Recommendation'), 'the standalone report has its tabs');
      } finally {
        api.ui.info = originalInfo;
      }
    });

    fullPage('steps stream into the panel while the sync runs, and Cancel on the progress notification stops it', async () => {
      // One slow Graph lookup (step 8) holds the sync mid-way: long enough to look and cancel.
      await checkpoint('arm-slow-graph', { graphLatency: { path: '/v1.0/users', method: 'GET', latencyMs: 8000 } });
      const user = await nodeFor(`CN=Frank Moss,${config.dns.sales}`, config.dns.contoso, config.dns.sales);
      const running = vscode.commands.executeCommand('singleObjectSync.previewSync', user) as Thenable<RunRecord>;
      const answer = await checkpoint('live-steps', { cancelRunningSync: true });
      const run = await running;
      assert.deepEqual(answer.problems, []);
      assert.equal(run.error?.code, 'SyncCancelled', run.error ? `${run.error.code}: ${run.error.reason}` : `not cancelled: ${outline(run.summary)}`);
      assert.equal(run.summary, undefined, 'a cancelled sync opens no JSON document');
    });

    full('Run With Export asks for confirmation first, then exports', async () => {
      const staged = api.runner.runs.findLast((r) => r.stagingMode && r.summary !== undefined);
      assert.ok(staged, 'a finished preview run');
      const state = { run: { distinguishedName: staged.distinguishedName, stagingMode: true, startDateTime: '', exportAllowed: true }, steps: [], phase: 'finished' as const, selectedTab: 0, summary: staged.summary };
      const originalConfirm = api.ui.confirm;
      const asked: string[] = [];
      try {
        api.ui.confirm = async (message) => {
          asked.push(message);
          return undefined; // declined
        };
        const before = api.runner.runs.length;
        await api.runner.runWithExport(state);
        assert.equal(asked.length, 1, 'a modal confirmation was shown');
        assert.equal(api.runner.runs.length, before, 'declining runs nothing');
        api.ui.confirm = async (message, _detail, action) => {
          asked.push(message);
          return action;
        };
        await api.runner.runWithExport(state);
      } finally {
        api.ui.confirm = originalConfirm;
      }
      const run = lastRun();
      assert.equal(run.stagingMode, false);
      assert.equal(run.error, undefined, run.error ? `${run.error.code}: ${run.error.reason}` : '');
      assert.equal(run.summary!.targetSystem.details.stagingMode, 'False');
      assert.notEqual(run.summary!.provisioningSteps[9]!.status, 'skipped', `the export step ran: ${outline(run.summary)}`);
      await jsonDocumentOf(run);
    });

    full('Sync Object on an object runs a real sync with export', async () => {
      const user = await nodeFor(config.dns.exportUser, config.dns.contoso, config.dns.sales);
      const run = (await vscode.commands.executeCommand('singleObjectSync.syncObject', user)) as RunRecord;
      assert.equal(run.error, undefined, run.error ? `${run.error.code}: ${run.error.reason}` : '');
      const summary = await jsonDocumentOf(run);
      assert.equal(summary.targetSystem.details.stagingMode, 'False');
      const exportStep = summary.provisioningSteps[9]!;
      assert.ok(['success', 'warning'].includes(exportStep.status), `export step: ${outline(summary)}`);
      assert.ok(summary.targetIdentity.id, 'the object exists in Entra ID now');
      if (harness) assert.deepEqual((await checkpoint('panel-export', { distinguishedName: config.dns.exportUser, exportOffered: false })).problems, []);
    });

    full('Sync Object by Distinguished Name... takes a typed DN and the chosen mode', async () => {
      const original = { input: api.ui.input, pick: api.ui.pick };
      const prompts: string[] = [];
      try {
        api.ui.input = async (options) => {
          prompts.push('input');
          assert.equal(options.validateInput?.('CN=x,,DC=y') !== undefined, true, 'the input box validates');
          return `  ${config.dns.previewUser}  `;
        };
        api.ui.pick = async (items) => {
          prompts.push('pick');
          return items.find((i) => i.label.startsWith('Preview'));
        };
        const run = (await vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName')) as RunRecord;
        assert.deepEqual(prompts, ['input', 'pick']);
        assert.equal(run.stagingMode, true);
        assert.equal(run.distinguishedName, config.dns.previewUser);
        assert.equal(run.error, undefined, run.error ? `${run.error.code}: ${run.error.reason}` : '');
      } finally {
        Object.assign(api.ui, original);
      }
    });

    full('a malformed DN never reaches the directory: the command reports the parse error', async () => {
      const before = api.runner.runs.length;
      await vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName', 'CN=broken,,DC=corp', { stagingMode: true });
      await vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName', '   ', { stagingMode: true });
      assert.equal(api.runner.runs.length, before, 'no run started');
    });

    full('Copy Distinguished Name puts the DN on the clipboard', async () => {
      const user = await nodeFor(config.dns.previewUser, config.dns.contoso, config.dns.sales);
      await vscode.commands.executeCommand('singleObjectSync.copyDistinguishedName', user);
      assert.equal(await vscode.env.clipboard.readText(), (user as ObjectNode).entry.dn);
    });

    full('Open Configuration creates a starter file with $schema when there is none', async () => {
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
  });
}
