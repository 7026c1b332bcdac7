// The VS Code suite, in real VS Code: markers uses-code-server, uses-samba, uses-chromium
// make scripts/test.mjs start code-server's install, the Samba AD DC and Chromium. Run alone:
//   node --import tsx --test test/vscode/extension.test.ts
// Each mocha test inside VS Code is re-reported here as a node:test subtest, so the CI count
// includes them. Screenshots go to test/artifacts/vscode/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from '../graph-emulator';
import { buildSuite } from './build-suite.mjs';
import { installVsix, runSuiteInCodeServer, type HarnessResult } from './run-in-code-server';
import { ensureServices, need, writeWorkspace, type Services } from './workspace';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const stateRoot = path.join(process.env.SOS_TEST_STATE_DIR ?? path.join(root, 'test', '.state'), 'vscode');
const artifactsDir = path.join(root, 'test', 'artifacts', 'vscode');

function report(t: import('node:test').TestContext, result: HarnessResult, label: string) {
  return async () => {
    for (const r of result.results) {
      await t.test(`${label}: ${r.title}`, { skip: r.state === 'pending' }, () => {
        if (r.state === 'failed') assert.fail(r.error ?? 'failed in VS Code');
      });
    }
  };
}

let services: Services;
let emulator: Emulator;

before(async () => {
  services = await ensureServices(root, path.dirname(stateRoot));
  if (!process.env.SOS_VSCODE_EXTENSION_DIR && (!existsSync(path.join(root, 'dist', 'extension.js')) || !existsSync(path.join(root, 'dist', 'webview.js')))) {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
    assert.equal(build.status, 0, 'the extension builds');
  }
  emulator = await startEmulator({ stateDir: path.join(stateRoot, 'graph-emulator') });
});

after(async () => {
  await emulator?.close();
  for (const stop of services?.stops ?? []) await stop();
});

function printFigures(result: HarnessResult, extensionDir: string): void {
  const size = (file: string) => (existsSync(file) ? statSync(file).size : Number.NaN);
  const bundle = size(path.join(extensionDir, 'dist', 'extension.js'));
  const webview = size(path.join(extensionDir, 'dist', 'webview.js'));
  const f = (n: number | undefined) => (n === undefined ? 'n/a' : `${n.toFixed(1)} ms`);
  console.log(
    `[vscode] activate() ${f(result.metrics.activationMs)} (bundle load time: npm run bench:vscode); extension bundle ${(bundle / 1024).toFixed(0)} KiB, webview bundle ${(webview / 1024).toFixed(0)} KiB (as built, see bench for production); ` +
      `first page of the 5,000-child OU ${f(result.metrics.firstPageOf5000Ms)}; command -> first step ${f(result.metrics.commandToFirstStepMs)}`,
  );
}

test('the extension in real VS Code (code-server) against Samba and the Graph emulator', { timeout: 20 * 60 * 1000 }, async (t) => {
  const suiteDir = path.join(stateRoot, 'suite');
  const userDataDir = path.join(stateRoot, 'user-data');
  rmSync(userDataDir, { recursive: true, force: true }); // fresh SecretStorage, settings and logs
  await buildSuite(suiteDir);
  const config = writeWorkspace(services.env, emulator, path.join(stateRoot, 'workspace'), suiteDir, userDataDir, 'full');
  const extensionDir = process.env.SOS_VSCODE_EXTENSION_DIR ?? root; // override: test another build
  const result = await runSuiteInCodeServer({
    extensionDevelopmentPath: extensionDir,
    suiteDir,
    workspace: config.workspace,
    stateDir: stateRoot,
    codeServer: need(services.env, 'SOS_CODE_SERVER'),
    node24: need(services.env, 'SOS_NODE24'),
    chromiumPath: services.env.SOS_CHROMIUM ?? '/usr/bin/chromium',
    artifactsDir,
    extensionsDir: path.join(stateRoot, 'extensions-dev'),
    userDataDir,
    checkRestoreAfterReload: true,
    // The suite asks for a slow Graph call to watch steps stream in and to cancel a sync.
    onCheckpoint: (_name, request) => {
      const fault = request.graphLatency as { path: string; method: string; latencyMs: number } | undefined;
      if (fault) emulator.faults({ kind: 'latency', path: fault.path, method: fault.method, latencyMs: fault.latencyMs, count: 1 });
    },
  });
  printFigures(result, extensionDir);
  await report(t, result, 'vscode')();
  // Issue 7: after the suite, the harness reloads the workbench (no test payload) and looks
  // at the report panel VS Code restored through the extension's WebviewPanelSerializer.
  await t.test('vscode: after a window reload the report panel comes back with the last result (tabs, DN, steps)', () => {
    const restore = result.restore;
    assert.ok(restore, 'the reload phase ran');
    assert.deepEqual(restore.problems, []);
    const before = restore.observed.before as { dn: string; stepRows: string[] };
    const after = restore.observed.after as { tabTitles: string[]; dn: string; stepRows: string[] };
    assert.equal(before.dn.toLowerCase(), config.dns.previewUser.toLowerCase(), 'the suite ended on the preview of its preview user');
    assert.deepEqual(after.tabTitles.map((title) => title.replace(/\s*(\d+|!)$/, '')), ['Steps', 'Troubleshooting & Recommendation', 'Modified Properties', 'Summary']);
    assert.equal(after.dn, before.dn);
    assert.equal(after.stepRows.length, 10, 'the ten steps');
    assert.deepEqual(after.stepRows, before.stepRows);
    assert.ok(restore.ok);
    console.log(`[vscode] window reload -> report panel restored in ${String(restore.observed.phaseMs)} ms`);
  });
  // Modal dialogs show only without the test payload: the harness ran this after the reload.
  await t.test('vscode: exports from the panel ask in a modal dialog: Cancel runs nothing, Sync and Export exports, Run Again of an export asks again', () => {
    const flow = result.restore?.observed.exportFlow as { steps: Record<string, unknown>[]; problems: string[]; notConfirmed: number } | undefined;
    assert.ok(flow, 'the harness ran the export flow after the reload');
    assert.deepEqual(flow.problems, []);
    const dialogs = flow.steps.filter((s) => s.do === 'dialog');
    assert.equal(dialogs.length, 3, 'three modal confirmations');
    for (const dialog of dialogs) {
      assert.match(String(dialog.message), /^Export .+ to Microsoft Entra ID tenant [0-9a-f-]{36}\?$/, 'the dialog names the object and the tenant');
      assert.match(String(dialog.detail), /^(Create|Update|Change): \d+ attributes? \(|^No attribute changes/, `the dialog says what the export changes (${String(dialog.detail)})`);
      assert.deepEqual([...(dialog.buttons as string[])].sort(), ['Cancel', 'Sync and Export'], 'confirm or cancel, nothing else');
    }
    for (const quiet of flow.steps.filter((s) => s.do === 'expectNothing')) assert.deepEqual(quiet.seen, [], 'Cancel opened nothing more');
    const waits = flow.steps.filter((s) => s.do === 'panelWait');
    assert.match(String(waits[1]!.mode), /^staging/, 'after Cancel the panel still shows the preview: nothing ran');
    assert.match(String(waits[2]!.mode), /^export$/, 'after Sync and Export the panel shows the export');
    assert.ok(['success', 'warning'].includes(String(waits[2]!.status)), `the export finished (${String(waits[2]!.status)})`);
    assert.ok(!(waits[2]!.buttons as string[]).includes('Run With Export'), 'no Run With Export on an export result');
    assert.match(String(waits[3]!.mode), /^staging/, 'Run Again of an export previewed again first; after Cancel that preview is shown and nothing was exported');
    assert.equal(flow.notConfirmed, 2, 'the host logged both declined exports and ran nothing');
  });
  await t.test('vscode: Recent Results survives a window reload, newest first: the preview of Run Again, then the export confirmed before it', () => {
    const recent = result.restore?.observed.recentAfterReload as { rows: { label: string; description: string; icon: string }[]; problems: string[] } | undefined;
    assert.ok(recent, 'the harness read Recent Results after the reload');
    assert.deepEqual(recent.problems, []);
    assert.ok(recent.rows.length >= 3, `the runs of the suite are listed after the reload (${recent.rows.length})`);
    assert.match(recent.rows[0]!.description, /^Preview · \d{2}:\d{2}:\d{2}$/, `Run Again's preview is the newest (${JSON.stringify(recent.rows[0])})`);
    assert.match(recent.rows[1]!.description, /^Export · \d{2}:\d{2}:\d{2}$/, `then the confirmed export (${JSON.stringify(recent.rows[1])})`);
    assert.match(recent.rows[1]!.icon, /codicon-(pass|warning)/, 'its status icon');
  });
  if (result.results.length === 0 || result.exitCode !== 0) console.log(result.logs.slice(-60).join('\n'));
  assert.ok(result.results.length >= 10, `the suite reported its tests (${result.results.length})`);
  exitedAsReported(result);
  // Screenshots stay in test/artifacts/vscode/ (ignored); `npm run screenshots` copies them
  // into media/screenshots/ when a person wants to refresh the README's pictures.
});

/** A failing mocha test is already a failing subtest: only a failure of the harness itself counts here. */
function exitedAsReported(result: HarnessResult): void {
  const failedInside = result.results.filter((r) => r.state === 'failed').length;
  if (failedInside === 0) assert.equal(result.exitCode, 0, 'VS Code exited with a failure although every reported test passed');
}

test('the packaged .vsix installs into code-server and passes a smoke test in an untrusted workspace', { timeout: 12 * 60 * 1000 }, async (t) => {
  const vsix = path.join(stateRoot, 'single-object-sync.vsix');
  rmSync(vsix, { force: true });
  // The same flags as `npm run package`: relative README links stay relative (no repository
  // URL is published yet), and the LICENSE file is packaged.
  const vsce = spawnSync(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix], { cwd: root, encoding: 'utf8' });
  assert.equal(vsce.status, 0, `vsce package: ${vsce.stdout}\n${vsce.stderr}`);
  console.log(`[vscode] .vsix ${(statSync(vsix).size / 1024).toFixed(0)} KiB`);
  const extensionsDir = path.join(stateRoot, 'extensions-vsix');
  const userDataDir = path.join(stateRoot, 'user-data-vsix');
  rmSync(extensionsDir, { recursive: true, force: true });
  rmSync(userDataDir, { recursive: true, force: true });
  const codeServer = need(services.env, 'SOS_CODE_SERVER');
  const node24 = need(services.env, 'SOS_NODE24');
  await installVsix({ codeServer, node24, vsix, extensionsDir, userDataDir });
  const suiteDir = path.join(stateRoot, 'suite-vsix');
  await buildSuite(suiteDir);
  // The workbench runs extension tests only in extension-development mode, so an empty host
  // extension is the development extension; the extension under test is the installed .vsix
  // (the suite checks that it was loaded from the extensions folder).
  const host = path.join(stateRoot, 'test-host');
  mkdirSync(host, { recursive: true });
  writeFileSync(path.join(host, 'package.json'), JSON.stringify({ name: 'sos-test-host', publisher: 'sos-test', version: '0.0.0', engines: { vscode: '*' } }));
  const config = writeWorkspace(services.env, emulator, path.join(stateRoot, 'workspace-vsix'), suiteDir, userDataDir, 'smoke', extensionsDir);
  const result = await runSuiteInCodeServer({
    extensionDevelopmentPath: host,
    suiteDir,
    workspace: config.workspace,
    stateDir: stateRoot,
    codeServer,
    node24,
    chromiumPath: services.env.SOS_CHROMIUM ?? '/usr/bin/chromium',
    artifactsDir: path.join(artifactsDir, 'vsix'),
    extensionsDir,
    userDataDir,
    trustWorkspace: false, // restricted mode: only preview sync is offered
  });
  await report(t, result, 'vsix')();
  if (result.exitCode !== 0) console.log(result.logs.slice(-60).join('\n'));
  assert.ok(result.results.length >= 3, `the smoke suite reported its tests (${result.results.length})`);
  exitedAsReported(result);
});
