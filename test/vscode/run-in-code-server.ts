// The real-VS-Code harness (TESTING.md, "VS Code: the real extension host, in a browser"):
// starts the VS Code server from the code-server npm package, opens the workbench in Debian
// Chromium through playwright-core with the extension-test payload, answers the suite's
// checkpoints (screenshots, the report webview's DOM), and returns the mocha results that
// the suite wrote, for extension.test.ts to re-report as node:test subtests.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import type { CheckpointAnswer, Metrics, MochaResult, SuiteConfig } from './suite/support';
import { frameOnScreen, reportFramesOf, runUiSteps, type UiStep } from './ui-steps';

export interface HarnessOptions {
  /** The extension folder (package.json + dist/), or undefined when a .vsix was installed. */
  extensionDevelopmentPath?: string;
  /** The bundled suite folder (index.js exporting run()). */
  suiteDir: string;
  workspace: string;
  stateDir: string;
  codeServer: string;
  node24: string;
  chromiumPath: string;
  artifactsDir: string;
  /** Extra code-server arguments, e.g. to install a .vsix first. */
  extensionsDir: string;
  userDataDir: string;
  env?: Record<string, string>;
  log?: (line: string) => void;
  /** False: leave workspace trust on, so the workspace opens untrusted (restricted mode). */
  trustWorkspace?: boolean;
  /** Called for every checkpoint before the page is looked at (e.g. to arm emulator faults). */
  onCheckpoint?: (name: string, request: Record<string, unknown>) => void | Promise<void>;
  /** Give up on a suite that has not finished after this long (default 8 minutes). */
  timeoutMs?: number;
  /** After the suite: reload the workbench without the test payload and check that the
   *  report panel it left open comes back (the WebviewPanelSerializer and the webview's state). */
  checkRestoreAfterReload?: boolean;
}

export interface HarnessResult {
  exitCode: number;
  results: MochaResult[];
  metrics: Metrics;
  logs: string[];
  screenshots: string[];
  /** The reload phase's outcome (checkRestoreAfterReload), if it ran. */
  restore?: CheckpointAnswer;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function codeServerEnv(node24: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra, PATH: `${path.dirname(node24)}:${process.env.PATH ?? ''}` };
  // Our own test runner's variables must not leak into the extension host's Node.
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return env;
}

/** Installs a .vsix into an extensions folder with code-server's CLI. */
export async function installVsix(options: { codeServer: string; node24: string; vsix: string; extensionsDir: string; userDataDir: string }): Promise<string> {
  const child = spawn(options.node24, [options.codeServer, '--extensions-dir', options.extensionsDir, '--user-data-dir', options.userDataDir, '--install-extension', options.vsix, '--force'], {
    env: codeServerEnv(options.node24),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  if (code !== 0) throw new Error(`code-server --install-extension failed (${code}):\n${output}`);
  return output;
}

async function startCodeServer(options: HarnessOptions, port: number, logs: string[]): Promise<ChildProcess> {
  const args = [
    options.codeServer,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', options.userDataDir,
    '--extensions-dir', options.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.trustWorkspace === false ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--vscode-option', 'enable-smoke-test-driver',
    options.workspace,
  ];
  const child = spawn(options.node24, args, { env: codeServerEnv(options.node24, options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      const text = d.toString();
      for (const line of text.split('\n')) if (line.trim()) logs.push(`[code-server] ${line}`);
      if (/HTTP server listening on/i.test(text)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`code-server exited (${code}) before listening:\n${logs.slice(-30).join('\n')}`)));
  });
  await ready;
  return child;
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * The report webview's frame. Each result has its own panel, so several may exist: the one
 * titled `title` (or showing `dn`) if asked, else the newest on screen (a hidden panel's
 * frame may linger; frames are listed in the order they were created).
 */
async function reportFrame(page: Page, title?: string, dn?: string): Promise<Frame | undefined> {
  const found: { frame: Frame; visible: boolean; title: string }[] = []; // newest first
  if (dn) title = `dn:${dn}`;
  for (const frame of page.frames()) {
    try {
      if (!(await frame.$('#sos-app'))) continue;
      const visible = await frameOnScreen(page, frame);
      const shown = await frame.evaluate(() => (document.querySelector('[data-testid="title"]')?.textContent ?? '').trim());
      const shownDn = await frame.evaluate(() => (document.querySelector('[data-testid="dn"]')?.textContent ?? '').trim());
      found.unshift({ frame, visible, title: dn && shownDn.toLowerCase() === dn.toLowerCase() ? `dn:${dn}` : shown });
    } catch {
      // Frames come and go while the workbench lays out.
    }
  }
  const pick = (title ? found.find((f) => f.title === title && f.visible) ?? found.find((f) => f.title === title) : undefined) ?? found.find((f) => f.visible) ?? found[0];
  return pick?.frame;
}

/** What the suite asks the harness to find in the report webview. */
interface PanelRequest {
  distinguishedName?: string;
  /** Whether the Run With Export button must be there. */
  exportOffered?: boolean;
  /** A button of the panel to click after the checks (exercises webview -> host messages). */
  click?: string;
  /** Live check: wait until the panel shows a running sync with finished steps, then click
   *  Cancel on the progress notification. */
  cancelRunningSync?: boolean;
  /** False: the panel must offer no action (a panel restored after a reload is read-only). */
  actionsOffered?: boolean;
  /** What to do in the workbench first, as a person would (ui-steps.ts). */
  ui?: UiStep[];
  /** The window's width for this checkpoint (restored afterwards). */
  viewportWidth?: number;
  /** The report panel's behaviour and accessibility (test/vscode/suite/panel.suite.ts); base button checks are skipped. */
  expect?: {
    selectedTab?: string;
    title?: string;
    alert?: string;
    text?: string[];
    /** Status badges at 4.5:1 against the panel background, no sideways scroll, tabs and buttons named. */
    accessible?: boolean;
  };
}

interface PanelObservation {
  tabTitles: string[];
  panelTexts: Record<string, number>;
  phase: string | undefined;
  status: string;
  dn: string;
  buttons: string[];
  csp: string;
  inlineScripts: number;
  scriptsWithoutNonce: number;
  scriptSnippets: string[];
  firstStepName: string;
  /** The Steps tab's overview rows: "number name [status]". */
  stepRows: string[];
  summaryText: string;
  liveSteps: { step: number; status: string }[];
  selectedTab: string;
  title: string;
  alert: string;
  text: string;
  sideways: number;
  background: string;
  badgeColours: { cls: string; color: string }[];
  unnamed: string[];
  filterVisible: boolean;
}

async function observePanel(frame: Frame): Promise<PanelObservation> {
  return frame.evaluate(() => {
    const app = document.getElementById('sos-app')!;
    // The report's own tabs (role=tab) and panels, as in the standalone file.
    const tabEls = Array.from(app.querySelectorAll('.sos-report [role="tab"]'));
    const headers = tabEls.map((h) => (h.querySelector('.sos-tab-title')?.textContent ?? h.textContent ?? '').trim());
    const selected = tabEls.find((h) => h.getAttribute('aria-selected') === 'true');
    const root = document.scrollingElement!;
    // Buttons, links and inputs without an accessible name (text, aria-label or a label).
    const unnamed = Array.from(app.querySelectorAll('button, vscode-button, a[href], input, [role="tab"]'))
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .filter((e) => !((e.getAttribute('aria-label') ?? '').trim() || (e.textContent ?? '').trim() || (e as HTMLInputElement).labels?.length))
      .map((e) => e.outerHTML.slice(0, 120));
    const panelTexts: Record<string, number> = {};
    for (const body of Array.from(app.querySelectorAll('.sos-report .sos-panel'))) panelTexts[body.getAttribute('data-tab') ?? '?'] = (body.textContent ?? '').trim().length;
    // VS Code itself prepends #_vscodeApiScript (acquireVsCodeApi) to every webview, ahead of
    // our CSP; every other script must carry the panel's nonce.
    const scripts = Array.from(document.querySelectorAll('script')).filter((s) => s.id !== '_vscodeApiScript');
    return {
      tabTitles: headers,
      panelTexts,
      phase: app.dataset.phase,
      status: app.querySelector('[data-testid="status"]')?.getAttribute('data-status') ?? '',
      dn: (app.querySelector('[data-testid="dn"]')?.textContent ?? '').trim(),
      buttons: Array.from(app.querySelectorAll('vscode-button')).map((b) => (b.textContent ?? '').trim()),
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
      inlineScripts: scripts.filter((s) => !s.src && !s.nonce && !s.getAttribute('nonce')).length,
      scriptsWithoutNonce: scripts.filter((s) => !s.nonce && !s.getAttribute('nonce')).length,
      scriptSnippets: scripts.filter((s) => !s.nonce && !s.getAttribute('nonce')).map((s) => s.outerHTML.slice(0, 300)),
      firstStepName: (app.querySelector('.sos-panel[data-tab="steps"]')?.textContent ?? '').includes("Determine if Object's (source) Domain") ? 'found' : 'missing',
      // No named helper functions in here: tsx would wrap them in a __name() the page lacks.
      stepRows: Array.from(app.querySelectorAll('.sos-panel[data-tab="steps"] .sos-overview-item')).map(
        (li) => `${(li.querySelector('.sos-step-no')?.textContent ?? '').trim()} ${(li.querySelector('.sos-step-name')?.textContent ?? '').trim()} [${li.className.match(/sos-status-(\w+)/)?.[1] ?? '?'}]`,
      ),
      summaryText: (app.querySelector('.sos-panel[data-tab="summary"]')?.textContent ?? '').slice(0, 4000),
      selectedTab: selected?.getAttribute('data-tab') ?? '',
      title: (app.querySelector('[data-testid="title"]')?.textContent ?? '').trim(),
      alert: app.querySelector('#sos-tab-troubleshooting .sos-tab-alert')?.getAttribute('aria-label') ?? '',
      text: (app.querySelector('.sos-report .sos-panel:not([hidden])')?.textContent ?? '').replace(/\s+/g, ' ').slice(0, 6000),
      sideways: root.scrollWidth - root.clientWidth,
      background: getComputedStyle(document.body).backgroundColor,
      badgeColours: Array.from(app.querySelectorAll('.sos-report .sos-panel:not([hidden]) .sos-badge, .sos-panel-status')).map((b) => ({ cls: b.className, color: getComputedStyle(b).color })),
      unnamed,
      filterVisible: Array.from(app.querySelectorAll('.sos-filter')).some((f) => (f as HTMLElement).offsetParent !== null),
      liveSteps: Array.from(app.querySelectorAll('.sos-live-step')).map((li) => ({
        step: Number(li.getAttribute('data-step')),
        status: (li.className.match(/sos-live-step-(\w+)/)?.[1]) ?? '?',
      })),
    };
  });
}

/** WCAG contrast of two computed rgb() colours. */
function contrastOf(a: string, b: string): number {
  const lum = (rgb: string) => {
    const [r, g, bl] = rgb.match(/[\d.]+/g)!.slice(0, 3).map((n) => Number(n) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

function checkExpectations(observed: PanelObservation, expect: NonNullable<PanelRequest['expect']>): string[] {
  const problems: string[] = [];
  if (expect.selectedTab && observed.selectedTab !== expect.selectedTab) problems.push(`opened on ${observed.selectedTab}, not ${expect.selectedTab}`);
  if (expect.title && observed.title !== expect.title) problems.push(`title ${JSON.stringify(observed.title)}, not ${JSON.stringify(expect.title)}`);
  if (expect.alert !== undefined && observed.alert !== expect.alert) problems.push(`Troubleshooting alert ${JSON.stringify(observed.alert)}, not ${JSON.stringify(expect.alert)}`);
  for (const t of expect.text ?? []) if (!observed.text.includes(t)) problems.push(`the tab shown does not say ${JSON.stringify(t)}`);
  if (expect.accessible) {
    if (observed.sideways > 0) problems.push(`the panel scrolls sideways by ${observed.sideways} px`);
    for (const b of observed.badgeColours) {
      const ratio = contrastOf(b.color, observed.background);
      if (ratio < 4.5) problems.push(`${b.cls} ${b.color} on ${observed.background}: ${ratio.toFixed(2)}:1`);
    }
    if (observed.unnamed.length) problems.push(`controls without a name: ${observed.unnamed.join(' | ')}`);
  }
  return problems;
}

function checkPanel(observed: PanelObservation, request: PanelRequest): string[] {
  const problems: string[] = [];
  const exportButton = (): string[] =>
    request.exportOffered !== undefined && observed.buttons.includes('Run With Export') !== request.exportOffered
      ? [`Run With Export ${request.exportOffered ? 'missing' : 'shown'} (offered only on a staging result in a trusted workspace)`]
      : [];
  if (request.expect) {
    if (observed.phase !== 'finished') problems.push(`phase ${observed.phase}`);
    return [...problems, ...checkExpectations(observed, request.expect), ...exportButton()];
  }
  const want = ['Steps', 'Troubleshooting & Recommendation', 'Modified Properties', 'Summary'];
  if (JSON.stringify(observed.tabTitles.map((t) => t.replace(/\s*\d+$/, '').replace(/\s*!$/, ''))) !== JSON.stringify(want)) problems.push(`tab titles ${JSON.stringify(observed.tabTitles)}`);
  for (const tab of ['steps', 'troubleshooting', 'modified', 'summary']) if (!(observed.panelTexts[tab]! > 0)) problems.push(`tab ${tab} is empty`);
  if (observed.phase !== 'finished') problems.push(`phase ${observed.phase}`);
  if (observed.firstStepName !== 'found') problems.push('the Steps tab does not list step 1 by its name');
  if (request.distinguishedName && observed.dn.toLowerCase() !== request.distinguishedName.toLowerCase()) problems.push(`DN shown ${observed.dn}`);
  if (request.distinguishedName && !observed.summaryText.toLowerCase().includes(request.distinguishedName.toLowerCase())) problems.push('the Summary tab does not show the DN');
  if (!/default-src 'none'/.test(observed.csp)) problems.push(`CSP ${observed.csp}`);
  if (/unsafe-inline|unsafe-eval/.test(observed.csp)) problems.push(`CSP allows unsafe sources: ${observed.csp}`);
  if (observed.scriptsWithoutNonce > 0) problems.push(`${observed.scriptsWithoutNonce} script(s) without nonce`);
  if (request.actionsOffered === false) {
    if (observed.buttons.length > 0) problems.push(`a read-only panel shows buttons ${JSON.stringify(observed.buttons)}`);
  } else for (const b of ['Open JSON', 'Save HTML Report', 'Run Again']) if (!observed.buttons.includes(b)) problems.push(`button ${b} missing`);
  return [...problems, ...exportButton()];
}

export async function runSuiteInCodeServer(options: HarnessOptions): Promise<HarnessResult> {
  const logs: string[] = [];
  const screenshots: string[] = [];
  const say = (line: string) => {
    logs.push(line);
    options.log?.(line);
  };
  mkdirSync(options.artifactsDir, { recursive: true });
  const checkpoints = path.join(options.suiteDir, 'checkpoints');
  rmSync(checkpoints, { recursive: true, force: true });
  rmSync(path.join(options.suiteDir, 'results.json'), { force: true });
  rmSync(path.join(options.suiteDir, 'metrics.json'), { force: true });
  // Tell the suite whether to wait, after mocha, for the window reload (issue 7's check).
  const suiteConfigFile = path.join(options.suiteDir, 'suite-config.json');
  const suiteConfig = JSON.parse(readFileSync(suiteConfigFile, 'utf8')) as SuiteConfig;
  writeFileSync(suiteConfigFile, JSON.stringify({ ...suiteConfig, reloadAfterSuite: options.checkRestoreAfterReload === true }, null, 2));

  // A quiet workbench for screenshots: no chat side bar, no welcome page.
  mkdirSync(path.join(options.userDataDir, 'User'), { recursive: true });
  const userSettings = path.join(options.userDataDir, 'User', 'settings.json');
  if (!existsSync(userSettings)) {
    writeFileSync(userSettings, JSON.stringify({
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'chat.disableAIFeatures': true,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
    }, null, 2));
  }

  const port = await freePort();
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer(options, port, logs);
    say(`code-server pid ${server.pid} on port ${port}`);
    browser = await chromium.launch({
      executablePath: options.chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1500, height: 920 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${port}` });
    const page = await context.newPage();
    let finish!: (code: number) => void;
    const exited = new Promise<number>((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(Number(code)));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => say(`[workbench ${type}] ${JSON.stringify(args).slice(0, 500)}`));
    page.on('console', (m) => {
      if (m.type() === 'error') logs.push(`[console] ${m.text().slice(0, 500)}`);
    });

    const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
    const workbenchUrl = (withTests: boolean) => {
      const payload: [string, string][] = [
        ...(withTests ? ([['extensionTestsPath', remote(options.suiteDir)]] as [string, string][]) : []),
        ['enableProposedApi', ''],
        ['skipWelcome', 'true'],
      ];
      if (options.extensionDevelopmentPath) payload.unshift(['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)]);
      return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    };
    await page.goto(workbenchUrl(true));

    // Answer checkpoints until the workbench reports the suite's exit.
    const answered = new Set<string>();
    let exitCode: number | undefined;
    let reloadRequested = false;
    void exited.then((code) => (exitCode ??= code));
    const deadline = Date.now() + (options.timeoutMs ?? 8 * 60 * 1000); // a hung suite must not hang CI
    while (exitCode === undefined && Date.now() < deadline) {
      for (const file of existsSync(checkpoints) ? readdirSync(checkpoints) : []) {
        if (!file.endsWith('.json') || file.endsWith('.answer.json')) continue;
        const name = file.slice(0, -'.json'.length);
        if (answered.has(name)) continue;
        answered.add(name);
        const request = JSON.parse(readFileSync(path.join(checkpoints, file), 'utf8')) as PanelRequest & Record<string, unknown>;
        if (name === 'reload-window') {
          // The suite has finished and waits with its extension host alive: the reload
          // phase below ends it, so its outcome comes from here, not from codeAutomationExit.
          exitCode = Number(request.failures) > 0 ? 1 : 0;
          reloadRequested = true;
          break;
        }
        await options.onCheckpoint?.(name, request);
        const answer = await answerCheckpoint(page, name, request, options.artifactsDir, screenshots);
        say(`checkpoint ${name}: ${answer.problems.length === 0 ? 'ok' : answer.problems.join('; ')}`);
        // Written whole, then renamed: the suite polls for the file and must never read half of it.
        const answerFile = path.join(checkpoints, `${name}.answer.json`);
        writeFileSync(`${answerFile}.tmp`, JSON.stringify(answer));
        renameSync(`${answerFile}.tmp`, answerFile);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    if (exitCode === undefined) say(`the suite did not finish within ${Math.round((options.timeoutMs ?? 480_000) / 60_000)} minutes`);
    const final = path.join(options.artifactsDir, 'final.png');
    await page.screenshot({ path: final }).then(() => screenshots.push(final), () => undefined);
    // The extension stays loaded (extension development mode) but no tests run this time.
    const restore = options.checkRestoreAfterReload
      ? reloadRequested
        ? await reloadAndCheckRestoredPanel(page, workbenchUrl(false), options.artifactsDir, screenshots, options.userDataDir)
        : { ok: false, observed: {}, problems: ['the suite did not wait for the window reload'] }
      : undefined;
    if (restore) say(`after the reload (${String(restore.observed.phaseMs ?? '?')} ms): ${restore.ok ? 'the report panel was restored' : restore.problems.join('; ')}`);

    const resultsFile = path.join(options.suiteDir, 'results.json');
    const metricsFile = path.join(options.suiteDir, 'metrics.json');
    return {
      exitCode: exitCode ?? -1,
      results: existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as MochaResult[]) : [],
      metrics: existsSync(metricsFile) ? (JSON.parse(readFileSync(metricsFile, 'utf8')) as Metrics) : {},
      logs,
      screenshots,
      ...(restore ? { restore } : {}),
    };
  } finally {
    await browser?.close().catch(() => undefined);
    await stopProcess(server);
  }
}

async function answerCheckpoint(page: Page, name: string, request: PanelRequest, artifactsDir: string, screenshots: string[]): Promise<CheckpointAnswer> {
  const problems: string[] = [];
  const observed: Record<string, unknown> = {};
  try {
    if (request.ui) observed.steps = await runUiSteps(page, request.ui, problems);
    if (request.cancelRunningSync) {
      // The steps stream in: wait for the panel to show a running sync with finished steps.
      let live: PanelObservation | undefined;
      for (let i = 0; i < 150 && !(live?.phase === 'running' && live.liveSteps.some((s) => s.status === 'success') && live.liveSteps.some((s) => s.status === 'running')); i++) {
        const frame = await reportFrame(page);
        live = frame ? await observePanel(frame).catch(() => undefined) : undefined;
        if (!live || live.phase !== 'running') await new Promise((r) => setTimeout(r, 100));
      }
      observed.live = live;
      if (!(live?.phase === 'running' && live.liveSteps.some((s) => s.status === 'running'))) problems.push(`no live steps seen: ${JSON.stringify(live?.liveSteps ?? null)}`);
      const shot = path.join(artifactsDir, `${name}.png`);
      await page.screenshot({ path: shot });
      screenshots.push(shot);
      // The progress notification's Cancel: on its toast, or in the notification center
      // (opened from the status bar bell) when the toast is not showing.
      const cancelIn = (scope: string) => page.locator(`${scope} .notification-list-item .monaco-button`, { hasText: 'Cancel' }).first();
      if (!(await cancelIn('.notifications-toasts').isVisible())) {
        await page.locator('[id="status.notifications"] a, [id="status.notifications"]').first().click({ timeout: 5000 });
      }
      const cancel = (await cancelIn('.notifications-toasts').isVisible()) ? cancelIn('.notifications-toasts') : cancelIn('.notifications-center');
      await cancel.click({ timeout: 10_000 });
      observed.cancelled = true;
      return { ok: problems.length === 0, observed, problems };
    }
    if (request.viewportWidth) await page.setViewportSize({ width: request.viewportWidth, height: 920 });
    if (name.startsWith('panel')) {
      // The webview renders after its script loads and gets the state: wait for that.
      let frame: Frame | undefined;
      let observation: PanelObservation | undefined;
      // Each result has its own panel: the one asked for (title or DN), finished.
      const wanted = (o: PanelObservation | undefined) =>
        o?.phase === 'finished' && o.tabTitles.length === 4 &&
        (!request.expect?.title || o.title === request.expect.title) &&
        (!request.distinguishedName || o.dn.toLowerCase() === request.distinguishedName.toLowerCase());
      search: for (let i = 0; i < 100; i++) {
        for (const candidate of await reportFramesOf(page)) {
          const seen = await observePanel(candidate).catch(() => undefined);
          if (!observation || wanted(seen)) {
            frame = candidate;
            observation = seen;
          }
          if (wanted(seen)) break search;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      if (!observation) problems.push('the report webview was not found in the page');
      else {
        Object.assign(observed, observation);
        problems.push(...checkPanel(observation, request));
      }
      if (frame && request.click) {
        await frame.locator('vscode-button', { hasText: request.click }).first().click();
        observed.clicked = request.click;
      }
    }
    const shot = path.join(artifactsDir, `${name}.png`);
    await page.screenshot({ path: shot });
    screenshots.push(shot);
    observed.screenshot = shot;
    if (request.viewportWidth) await page.setViewportSize({ width: 1500, height: 920 });
  } catch (error) {
    problems.push(`harness error: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { ok: problems.length === 0, observed, problems };
}

/**
 * Exports from the panel ask in a modal dialog. VS Code refuses modal dialogs while extension
 * tests run (DialogService.skipDialogs), so this part runs after the reload, in a window with
 * no test payload, all by hand as a person would: preview by DN from the Command Palette,
 * Run With Export -> Cancel (nothing runs), Run With Export -> Sync and Export (exported),
 * then Run Again of that export -> Cancel.
 */
async function confirmedExportFlow(page: Page, dn: string, userDataDir: string): Promise<{ steps: Record<string, unknown>[]; problems: string[]; notConfirmed: number }> {
  const problems: string[] = [];
  // Declines logged by the suite before the reload do not count here.
  const declined = () => (extensionLogText(userDataDir).match(/from the report panel was not confirmed; nothing ran/g) ?? []).length;
  const before = declined();
  const steps = await runUiSteps(page, [
    { do: 'command', title: 'Single Object Sync: Sync Object by Distinguished Name...' },
    { do: 'type', text: dn, title: 'Sync Object by Distinguished Name' },
    { do: 'pick', label: 'Preview Sync (Staging Mode)' },
    { do: 'panelWait', mode: 'staging', button: 'Run With Export' },
    { do: 'panelClick', button: 'Run With Export' },
    { do: 'dialog', button: 'Cancel' },
    { do: 'expectNothing', ms: 1500 },
    { do: 'panelWait', mode: 'staging', button: 'Run With Export' },
    { do: 'panelClick', button: 'Run With Export' },
    { do: 'dialog', button: 'Sync and Export' },
    { do: 'panelWait', mode: 'export', button: 'Run Again' },
    // Run Again of an export previews the object again and asks again, with the new changes.
    { do: 'panelClick', button: 'Run Again' },
    { do: 'dialog', button: 'Cancel' },
    { do: 'expectNothing', ms: 1500 },
    { do: 'panelWait', mode: 'staging', button: 'Run Again' },
  ], problems);
  let notConfirmed = 0;
  for (let i = 0; i < 30 && notConfirmed < 2; i++) {
    notConfirmed = declined() - before;
    if (notConfirmed < 2) await page.waitForTimeout(200);
  }
  return { steps, problems, notConfirmed };
}

/** Every "Single Object Sync" log file the extension wrote under the user-data folder, concatenated. */
export function extensionLogText(userDataDir: string): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && /Single Object Sync.*\.log$/.test(entry.name)) out.push(readFileSync(full, 'utf8'));
    }
  };
  walk(path.join(userDataDir, 'logs'));
  return out.join('\n');
}

/** Polls the page for a report webview that shows a finished result, for up to timeoutMs. */
async function finishedPanel(page: Page, timeoutMs: number, dn?: string): Promise<PanelObservation | undefined> {
  const deadline = Date.now() + timeoutMs;
  let observation: PanelObservation | undefined;
  while (Date.now() < deadline) {
    const frame = await reportFrame(page, undefined, dn);
    observation = frame ? await observePanel(frame).catch(() => undefined) : undefined;
    // With a DN, only that object's panel will do: after a reload another restored panel may
    // come up first, and reportFrame falls back to whichever is on screen.
    const wanted = !dn || observation?.dn.toLowerCase() === dn.toLowerCase();
    if (wanted && observation?.phase === 'finished' && observation.tabTitles.length === 4 && observation.stepRows.length > 0) return observation;
    await new Promise((r) => setTimeout(r, 200));
  }
  return observation;
}

/**
 * Issue 7: the panel's result survives a window reload. Reads the result the suite left in
 * the report panel, reloads the workbench in the same browser profile (VS Code web keeps
 * its editor layout in the browser's IndexedDB) and the same code-server, and checks that
 * VS Code brought the panel back through the extension's WebviewPanelSerializer with the
 * webview's saved state: same DN, same steps, the four tabs.
 */
async function reloadAndCheckRestoredPanel(page: Page, url: string, artifactsDir: string, screenshots: string[], userDataDir: string): Promise<CheckpointAnswer> {
  const problems: string[] = [];
  const observed: Record<string, unknown> = {};
  try {
    const before = await finishedPanel(page, 5000);
    if (!before || before.phase !== 'finished') return { ok: false, observed, problems: ['the suite left no finished report panel to restore'] };
    observed.before = { dn: before.dn, stepRows: before.stepRows };
    const started = Date.now();
    await page.evaluate(() => Object.assign(window, { sosBeforeReload: true })); // gone once the page has reloaded
    // VS Code's own Developer: Reload Window, as a person would run it: it flushes the
    // workbench state (editor layout, webview state) before reloading. (A bare browser
    // reload may lose the last few seconds: VS Code web writes its state every 5 s.) The
    // address loses the extension-test payload first, so the reloaded window runs no tests.
    await page.evaluate((next) => history.replaceState(history.state, '', next), url);
    const reloaded = page.waitForEvent('load', { timeout: 30_000 });
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('>Developer: Reload Window');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: /^Developer: Reload Window/ }).first().click({ timeout: 10_000 });
    await reloaded;
    if (await page.evaluate(() => 'sosBeforeReload' in window)) problems.push('the page did not reload');
    // The restored editor tab, then its webview: the webview renders from its saved state
    // and the revived host panel sends its own ('restore' after 'ready').
    // Each result's panel is titled by the object, the mode and the result ("Alice Wu · Preview · Success").
    const tab = page.locator('.tabs-container .tab', { hasText: / \u00b7 (Preview|Sync) \u00b7 |Single Object Sync/ }).first();
    const tabShown = await tab.waitFor({ state: 'visible', timeout: 30_000 }).then(() => true, () => false);
    observed.tabRestored = tabShown;
    if (!tabShown) problems.push('no "Single Object Sync" editor tab after the reload');
    // Every result's panel comes back; the one checked is the one seen before the reload.
    const after = tabShown ? await finishedPanel(page, 20_000, before.dn) : undefined;
    if (!after) problems.push('the report webview did not come back after the reload');
    else {
      observed.after = after;
      // Restored for reading: the host trusts nothing the webview saved, so it offers no action.
      problems.push(...checkPanel(after, { distinguishedName: before.dn, actionsOffered: false }));
      if (JSON.stringify(after.stepRows) !== JSON.stringify(before.stepRows)) problems.push(`steps after the reload ${JSON.stringify(after.stepRows)} differ from before ${JSON.stringify(before.stepRows)}`);
      // A message as the restored webview's script could send it (with an id from its saved
      // state) must start nothing: no confirmation, no run.
      const forged = await runUiSteps(page, [
        { do: 'forge', message: { type: 'runWithExport', offer: 'restored-offer-id' } },
        { do: 'forge', message: { type: 'runAgain', offer: 'restored-offer-id' } },
        { do: 'expectNothing', ms: 2500 },
      ], problems);
      const seen = (forged.at(-1)?.seen as string[] | undefined) ?? [];
      if (seen.length > 0) problems.push(`a forged action after the reload opened ${JSON.stringify(seen)}`);
      const logText = extensionLogText(userDataDir);
      observed.ignoredAfterReload = (logText.match(/ignored (runWithExport|runAgain): not offered for the result shown \(restored after a window reload\)/g) ?? []).length;
      if (observed.ignoredAfterReload !== 2) problems.push(`the host did not log both forged actions as ignored (${String(observed.ignoredAfterReload)})`);
      observed.exportFlow = await confirmedExportFlow(page, before.dn, userDataDir);
      // Recent Results after the reload: read from the state folder, the export just made on top.
      const recentProblems: string[] = [];
      const recent = await runUiSteps(page, [{ do: 'wait', ms: 1500 }, { do: 'readTree', view: 'Recent Results' }], recentProblems);
      observed.recentAfterReload = { rows: recent.at(-1)?.rows ?? [], problems: recentProblems };
    }
    observed.phaseMs = Date.now() - started;
    const shot = path.join(artifactsDir, 'panel-restored.png');
    await page.screenshot({ path: shot });
    screenshots.push(shot);
    observed.screenshot = shot;
  } catch (error) {
    problems.push(`harness error: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { ok: problems.length === 0, observed, problems };
}
