// Preview Sync of Container and What If…, in real VS Code, driven by the keyboard as a person
// without a mouse would: the tree (arrows), its context menu (Shift+F10), the results view
// (Tab, typing, Enter). Screenshots in the dark theme, in high contrast and at 900 px wide.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { UiStep } from '../ui-steps';
import { checkpoint, type SuiteConfig } from './support';
import { startTraps } from './traps';

type Observed = Record<string, any>;

export interface ContainerSuiteContext {
  config: SuiteConfig;
  page: (title: string, fn: () => Promise<void>) => void;
  logText: () => string;
  logMark: () => number;
  logLine: (what: string, pattern: RegExp, since?: number) => Promise<string>;
}

const previewItem = 'Preview Sync of Container (Staging Mode)';

export function defineContainerPreviewTests({ config, page, logText, logMark, logLine }: ContainerSuiteContext): void {
  let n = 0;
  async function ui(name: string, steps: UiStep[]): Promise<Observed[]> {
    const answer = await checkpoint(`container-${name}-${++n}`, { ui: steps });
    assert.deepEqual(answer.problems, [], `the workbench did what was asked (${name})`);
    return (answer.observed.steps as Observed[]) ?? [];
  }
  const partitionLabel = () => config.dns.partition.split(',').map((p) => p.replace(/^DC=/i, '')).join('.');
  const countOf = (view: Observed, id: string) => Number(/([\d,.\s]+)$/.exec(String((view.counts as Observed[]).find((c) => c.id === `count-${id}`)?.text ?? ''))?.[1]?.replace(/\D/g, '') ?? NaN);
  const setTheme = (theme: string | undefined) => vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);

  page('Preview Sync of Container by keyboard only: arrows to OU=Sales, Shift+F10, the results view counts, filters, sorts and Enter opens a row\'s report', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.singleObjectSync');
    const mark = logMark();
    const alice = config.dns.previewUser;
    const steps = await ui('keyboard', [
      { do: 'keyTree', path: [{ label: partitionLabel(), level: 2 }, { label: 'Contoso', level: 3 }, { label: 'Sales', level: 4 }] },
      { do: 'keyMenu', item: previewItem },
      { do: 'batchWait', phases: ['finished'], minRows: 5, title: 'Preview Sync of Container', scope: 'OU=Sales,', timeoutMs: 100_000 },
    ]);
    const menu = steps[1]!.items as string[];
    assert.ok(menu.includes(previewItem), `the OU's menu offers the container preview (${menu.join(', ')})`);
    assert.ok(!menu.includes('Sync Object'), 'no export on an OU');
    const done = steps[2]!;
    assert.match(String(done.title), /Preview Sync of Container/);
    assert.match(String(done.mode), /nothing is written/i, 'the view says it is staging');
    assert.match(String(done.scope), /OU=Sales/);
    const rows = done.rows as string[][];
    const total = countOf(done, 'all');
    assert.equal(total, rows.length, 'All counts every row');
    assert.equal(['success', 'warning', 'failure', 'skipped'].reduce((s, k) => s + countOf(done, k), 0), total, 'the status counts add up');
    assert.ok(rows.some((r) => r[1] === 'Alice Wu'), 'Alice Wu is in the OU\'s results');
    assert.ok(rows.some((r) => r[2]!.includes('OU=Paris,OU=EMEA,OU=Sales')), 'the subtree is included (three deep)');
    assert.match(String(done.progressText), new RegExp(`${total} of ${total} objects.*Finished`), 'the progress line ends finished');
    await logLine('the batch was logged', /Container preview of OU=Sales,.*: \d+ object\(s\)/, mark);

    // Keyboard in the view: Tab reaches the count buttons, the filter, the column headers, then the table.
    const [walk] = await ui('keyboard-view', [{ do: 'batchKeys', keys: ['Tab'], until: 'row', max: 20 }]);
    const order = (walk!.focus as ({ testid: string; tag: string } | null)[]).map((f) => f?.testid || f?.tag || '');
    const at = (id: string) => order.indexOf(id);
    assert.ok(at('count-all') >= 0 && at('count-failure') > at('count-all') && at('filter') > at('count-failure') && at('sort-status') > at('filter') && at('sort-errorCode') > at('sort-status') && at('row') > at('sort-errorCode'), `focus order: counts, filter, headers, table (${order.join(' > ')})`);

    // Back to the filter (through the headers), type, sort by the first column with Enter, Tab to the row, Enter opens its report panel.
    const opened = logMark();
    const open = await ui('keyboard-open', [
      { do: 'batchKeys', keys: ['Shift+Tab'], until: 'filter', max: 10 },
      { do: 'batchKeys', keys: ['type:alice wu', 'Tab', 'Enter'] },
      { do: 'batchKeys', keys: ['Tab'], until: 'row', max: 10 },
      { do: 'batchKeys', keys: ['Enter'] },
      // A new panel: the suite previewed Alice Wu before, and that panel must not pass for this one.
      { do: 'panelWait', mode: 'staging', dn: alice, fresh: true, timeoutMs: 60_000 },
    ]);
    const back = (open[0]!.focus as { testid: string }[]).map((f) => f.testid);
    assert.ok(back.includes('sort-status') && back.at(-1) === 'filter', `Shift+Tab from the table leads back through the headers to the filter (${back.join(' > ')})`);
    const sorted = open[1]!;
    assert.equal((sorted.focused as { testid: string }).testid, 'sort-status', 'Enter sorted and the header kept the focus');
    assert.equal((sorted.headers as Observed[])[0]!.sort, 'ascending', 'Enter on the first header sorts by it');
    const filtered = open[2]!;
    assert.deepEqual((filtered.rows as string[][]).map((r) => r[1]), ['Alice Wu'], 'typing in the filter leaves the one matching row');
    assert.match(String(open[4]!.dn), /^CN=Alice Wu,OU=Sales/i, 'Enter on the row opened Alice Wu\'s report panel');
    await logLine('Enter on the row previewed that object', new RegExp(`Preview sync \\(staging mode\\) of ${alice.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} finished`, 'i'), opened);
  });

  page('the results view in high contrast and at 900 px: nothing scrolls sideways, every control stays reachable', async () => {
    try {
      // One editor group, the results view in front: what a person at 900 px would arrange.
      await vscode.commands.executeCommand('workbench.action.joinAllGroups');
      const index = vscode.window.tabGroups.activeTabGroup.tabs.findIndex((t) => t.label.startsWith('Preview: Sales'));
      if (index >= 0) await vscode.commands.executeCommand('workbench.action.openEditorAtIndex', index);
      await setTheme('Default High Contrast');
      const [wide, , narrow] = await ui('hc-900', [
        { do: 'batchRead' },
        { do: 'viewport', width: 900, height: 920 },
        { do: 'batchRead' },
      ]);
      assert.ok(wide);
      assert.ok(Number(narrow!.bodyScrollWidth) <= Number(narrow!.bodyClientWidth) + 1, `no horizontal scroll at 900 px (${narrow!.bodyScrollWidth} > ${narrow!.bodyClientWidth})`);
      await setTheme('Default Dark Modern');
      const [dark] = await ui('dark-900', [{ do: 'batchRead' }]);
      assert.ok(Number(dark!.bodyScrollWidth) <= Number(dark!.bodyClientWidth) + 1);
    } finally {
      await ui('viewport-back', [{ do: 'viewport', width: 1500, height: 920 }]);
      await setTheme(undefined);
    }
  });

  page('a preview of the 5,000-user OU shows rate and ETA, and Cancel (keyboard) stops cleanly, keeping what was done', async () => {
    const mark = logMark();
    const running = Promise.resolve(vscode.commands.executeCommand('singleObjectSync.previewContainer', config.dns.bulk));
    const steps = await ui('cancel', [
      { do: 'batchWait', phases: ['running'], minRows: 1, scope: 'OU=Bulk,', timeoutMs: 100_000 },
      // The view has the focus after it opens: Tab reaches Cancel first (it is the first control).
      { do: 'batchKeys', keys: ['Tab'] },
      { do: 'batchKeys', keys: ['Enter'] },
      { do: 'batchWait', phases: ['cancelled'], timeoutMs: 60_000 },
    ]);
    await running;
    const live = steps[0]!;
    assert.match(String(live.progressText), /of 5,?000 objects · \d[\d,]* objects\/s · about .+ left/, `rate and ETA while running (${String(live.progressText)})`);
    assert.equal(live.cancelVisible, true);
    assert.equal((steps[1]!.focused as { testid: string }).testid, 'cancel', 'Tab reached Cancel');
    const end = steps[3]!;
    const kept = countOf(end, 'all'); // the table draws at most 1,000 rows; All counts every one
    assert.ok(kept > 0 && kept < 5000, `some objects done, not all (${kept})`);
    assert.match(String(end.progressText), new RegExp(`Cancelled: ${kept.toLocaleString('en-US')} done, ${(5000 - kept).toLocaleString('en-US')} not started\\. Nothing was written\\.`));
    assert.equal(end.cancelVisible, false, 'no Cancel once stopped');
    const line = await logLine('the cancelled batch', /Container preview of OU=Bulk,.*cancelled with (\d+) not started/, mark);
    assert.equal(Number(/cancelled with (\d+) not started/.exec(line)![1]), 5000 - kept, 'the log and the view agree on what was not done');
  });

  page('What If… with a proposed configuration that excludes OU=Sales lists the DELETE of the exported user and checks the deletion threshold; the state folder is untouched', async () => {
    // The exported user: in this window VS Code refuses the modal that confirms an export
    // (extension tests), so the engineer exports Eva Green with the CLI on the same
    // configuration and state folder, as Entra Connect's cmdlet does without -StagingMode.
    const exported = await exportWithCli(config, config.dns.exportUser);
    assert.equal(exported.status, 0, `the CLI export ran: ${exported.stderr}`);
    const exportedSummary = JSON.parse(exported.stdout) as { provisioningStatusInfo: { status: string }; targetSystem: { details: { stagingMode: string } } };
    assert.match(exportedSummary.provisioningStatusInfo.status, /^(success|warning)$/, exported.stdout.slice(0, 2000));
    assert.equal(exportedSummary.targetSystem.details.stagingMode, 'False', 'the CLI exported');
    const current = JSON.parse(readFileSync(config.configFile, 'utf8')) as { activeDirectory: { partitions: { exclusions: string[] }[] }[] };
    current.activeDirectory[0]!.partitions[0]!.exclusions.push(config.dns.sales);
    const proposed = path.join(config.workspace, 'proposed', 'proposed.single-object-sync.json');
    mkdirSync(path.dirname(proposed), { recursive: true });
    writeFileSync(proposed, JSON.stringify(current, null, 2));
    const stateDir = path.join(config.workspace, '.single-object-sync', 'state');
    const snapshot = () => listing(stateDir);
    const before = snapshot();
    const mark = logMark();
    const running = Promise.resolve(vscode.commands.executeCommand('singleObjectSync.whatIfConfiguration', config.dns.sales));
    const answer = await checkpoint(`container-what-if-${++n}`, {
      ui: [
        { do: 'openFile', path: proposed, title: 'Choose the proposed configuration file' },
        { do: 'batchWait', phases: ['finished'], minRows: 5, title: 'What If', scope: 'OU=Sales,', timeoutMs: 100_000 },
      ] satisfies UiStep[],
    });
    // A file dialog left open would hold the command, and sit over every later test's screen.
    if (answer.problems.length) await checkpoint(`container-what-if-cleanup-${++n}`, { ui: [{ do: 'dismissPrompts', ms: 1000 }] satisfies UiStep[] });
    assert.deepEqual(answer.problems, [], 'the workbench did what was asked (what-if)');
    const steps = (answer.observed.steps as Observed[]) ?? [];
    await running;
    const view = steps[1]!;
    assert.match(String(view.title), /What If/);
    assert.match(String(view.scope), /proposed\.single-object-sync\.json/);
    const rows = view.rows as string[][];
    const eva = rows.find((r) => r[1] === 'Eva Green');
    assert.ok(eva, 'Eva Green (exported above) is compared');
    assert.equal(eva[0], 'DELETE', 'leaving scope with a cloud object: Entra Connect deletes it');
    const alice = rows.find((r) => r[1] === 'Alice Wu');
    assert.equal(alice?.[0], 'No longer created', 'leaving scope without a cloud object: simply not created');
    const deletes = countOf(view, 'delete');
    assert.ok(deletes >= 1);
    assert.match(String(view.deletion), new RegExp(`${deletes} delete\\(s\\): within the export deletion threshold of 500`), `the threshold is checked (${String(view.deletion)})`);
    assert.match(String(view.deletion), /check each one listed as DELETE/);
    // Where the threshold comes from: the tenant's accidental deletion prevention (the emulator's is Graph's default).
    assert.ok((view.notes as string[]).some((n) => /^Deletion threshold checked: 500, from the tenant's accidental deletion prevention \(GET \/directory\/onPremisesSynchronization: enabledForCount\)\.$/.test(n)), `the notes name the threshold's source (${JSON.stringify(view.notes)})`);
    assert.ok(rows.every((r) => r[0] !== 'Create'), 'nothing newly in scope when an OU is excluded');
    await logLine('the what-if was logged', /What-if of OU=Sales,.*\d+ DELETE/, mark);
    assert.deepEqual(snapshot(), before, 'the state folder is exactly as before (both runs used copies)');
    assert.doesNotMatch(logText().slice(mark), /Sync of .* started/, 'no single sync, no export ran');
  });

  page('What If… with a proposed file that sends the credentials elsewhere (same tenant, another authority, CA and LDAP server) is refused before any prompt or connection, in a trusted workspace too', async () => {
    const traps = await startTraps(path.join(config.workspace, '.traps-what-if'));
    try {
      const hostile = JSON.parse(readFileSync(config.configFile, 'utf8')) as { activeDirectory: Record<string, unknown>[]; entra: Record<string, unknown> };
      hostile.activeDirectory[0] = { ...hostile.activeDirectory[0], url: traps.ldapUrl, allowInsecure: true, tls: undefined };
      hostile.entra = { ...hostile.entra, authorityHost: traps.authorityHost, caFile: traps.caFile };
      const proposed = path.join(config.workspace, 'proposed', 'redirecting.single-object-sync.json');
      mkdirSync(path.dirname(proposed), { recursive: true });
      writeFileSync(proposed, JSON.stringify(hostile, null, 2));
      const running = Promise.resolve(vscode.commands.executeCommand('singleObjectSync.whatIfConfiguration', config.dns.sales));
      const steps = await ui('what-if-redirect', [
        { do: 'openFile', path: proposed, title: 'Choose the proposed configuration file' },
        // The scope line names the proposed file: the previous test's What If view may still be open.
        { do: 'batchWait', phases: ['failed'], title: 'What If', scope: 'redirecting.single-object-sync.json', timeoutMs: 60_000 },
        { do: 'expectNothing', ms: 1500 },
      ]);
      await running;
      const view = steps[1]!;
      assert.match(String(view.error), /WhatIfConfigurationInvalid/, `the view names the refusal (${String(view.error)})`);
      assert.match(String(view.error), /entra\.authorityHost is "https:\/\/(127\.0\.0\.1|localhost):\d+"/);
      assert.match(String(view.error), /activeDirectory "[^"]+"\.url is "ldap:\/\/(127\.0\.0\.1|localhost):\d+"/);
      assert.deepEqual(traps.requests, [], 'no request reached the proposed authority');
      assert.deepEqual(traps.ldapConnections, [], 'no connection reached the proposed LDAP server');
    } finally {
      await traps.close();
    }
  });
}

/**
 * Single Object Sync's CLI exporting one object with the suite's configuration and the
 * extension's state folder; the secrets go through environment variables, never argv.
 */
export function exportWithCli(config: SuiteConfig, dn: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const extension = vscode.extensions.getExtension('single-object-sync.single-object-sync');
  assert.ok(extension, 'the extension under test');
  const loaded = JSON.parse(readFileSync(config.configFile, 'utf8')) as { activeDirectory: Record<string, unknown>[]; entra: Record<string, unknown> };
  loaded.activeDirectory = loaded.activeDirectory.map((c) => ({ ...c, passwordEnv: 'SOS_SUITE_AD_PASSWORD' }));
  loaded.entra = { ...loaded.entra, clientSecretEnv: 'SOS_SUITE_ENTRA_CLIENT_SECRET' };
  const cliConfig = path.join(config.workspace, 'cli', 'single-object-sync.json');
  mkdirSync(path.dirname(cliConfig), { recursive: true });
  writeFileSync(cliConfig, JSON.stringify(loaded, null, 2));
  const args = [
    path.join(extension.extensionPath, 'dist', 'cli.js'),
    '--config', cliConfig,
    '--state-dir', path.join(config.workspace, '.single-object-sync', 'state'),
    '--no-html-report',
    '--distinguished-name', dn,
  ];
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1', SOS_SUITE_AD_PASSWORD: config.adPassword, SOS_SUITE_ENTRA_CLIENT_SECRET: config.entraClientSecret };
  return new Promise((resolve) => {
    execFile(process.execPath, args, { encoding: 'utf8', timeout: 120_000, env }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ status, stdout, stderr: `${stderr}${error && status === null ? ` ${error.message}` : ''}` });
    });
  });
}

/** Every file under a folder with its size and modification time. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (!e.name.endsWith('.lock')) {
        const s = statSync(full);
        out.push(`${path.relative(dir, full)} ${s.size} ${s.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out.sort();
}
