// The report panel (runs in the webview, a browser context). It knows the extension only
// through the typed messages of ./protocol. Directory data is never turned into markup
// here: text goes through text nodes. The report arrives as data (src/report's model); it is
// rendered by the same view tree and the same report script as the standalone file, so the
// panel has the file's tabs, filters, sorting, links and initial tab.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { reportView } from '../src/report/browser/model';
import { initReport } from '../src/report/browser/report-script';
import { toDom } from '../src/report/browser/view';
import { emptyPanelState, reduce, type HostMessage, type PanelAction, type PanelState, type PanelStrings, type WebviewMessage } from './protocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('sos-app')!;
// Saved state shows the last result at once after a reload; its offer is stale (the host
// makes offers, and a restored panel gets none), so no button comes back from it.
let state: PanelState = isPanelState(vscode.getState()) ? { ...(vscode.getState() as PanelState), offer: undefined } : emptyPanelState;

function isPanelState(value: unknown): value is PanelState {
  return typeof value === 'object' && value !== null && Array.isArray((value as PanelState).steps) && typeof (value as PanelState).phase === 'string';
}

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string>, ...children: (Node | string | null)[]): HTMLElementTagNameMap[K];
function el(tag: string, attrs?: Record<string, string>, ...children: (Node | string | null)[]): HTMLElement;
function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string | null)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child !== null) node.append(child); // strings become text nodes
  return node;
}

// The host's localized words ('strings', sent first on every 'ready'); nothing is drawn before.
let words: PanelStrings | undefined;

function fill(template: string, ...values: string[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => values[Number(i)] ?? whole);
}

function button(label: string, message: WebviewMessage, testId: string, secondary = false): HTMLElement {
  const b = el('vscode-button', { 'data-testid': testId, ...(secondary ? { secondary: '' } : {}) }, label);
  b.addEventListener('click', () => post(message));
  return b;
}

/** The RDN value of a DN ("Alice Wu" of CN=Alice Wu,OU=Sales,...), for the title while a run has no result yet. */
function leafName(dn: string): string {
  const match = /^[^=]+=((?:\\.|[^,\\])*)/.exec(dn);
  return match ? match[1]!.replace(/\\(.)/g, '$1') : dn;
}

function header(s: PanelState, w: PanelStrings): HTMLElement {
  const run = s.run;
  const status = s.phase === 'finished' ? s.summary?.provisioningStatusInfo.status ?? 'success' : s.phase;
  return el(
    'header',
    { class: 'sos-panel-header' },
    // "Alice Wu · Preview · Failure" once the result is in; while it runs, the object and the mode.
    el('h1', { 'data-testid': 'title' }, s.report?.title ?? (run ? fill(w.runningTitle, leafName(run.distinguishedName), run.stagingMode ? w.preview : w.sync, s.phase === 'failed' ? w.failed : w.running) : w.appTitle)),
    el('div', { class: 'sos-panel-dn', 'data-testid': 'dn' }, run?.distinguishedName ?? w.noRunYet),
    run
      ? el(
          'div',
          { class: 'sos-panel-meta' },
          el('vscode-badge', { variant: 'default', 'data-testid': 'mode' }, run.stagingMode ? w.stagingBadge : w.exportBadge),
          ' ',
          el('span', { class: `sos-panel-status sos-panel-status-${status}`, 'data-testid': 'status', 'data-status': status }, status in w.status ? w.status[status as keyof PanelStrings['status']] : status),
        )
      : null,
  );
}

const actionButtons: Record<PanelAction, { testId: string; secondary: boolean }> = {
  openJson: { testId: 'open-json', secondary: false },
  saveHtmlReport: { testId: 'save-html', secondary: true },
  compareWithEntra: { testId: 'compare-with-entra', secondary: true },
  runAgain: { testId: 'run-again', secondary: true },
  runWithExport: { testId: 'run-with-export', secondary: false },
};

/** The buttons are exactly the host's offer for the result shown; each click names the offer. */
function toolbar(s: PanelState, w: PanelStrings): HTMLElement {
  const bar = el('div', { class: 'sos-panel-toolbar', role: 'toolbar' });
  for (const action of s.offer?.actions ?? []) {
    const { testId, secondary } = actionButtons[action];
    bar.append(button(w.actions[action], { type: action, offer: s.offer!.id }, testId, secondary));
  }
  if (s.restored && (s.phase === 'finished' || s.phase === 'failed')) {
    bar.append(el('span', { class: 'sos-panel-saved', 'data-testid': 'restored-note' }, w.restoredNote));
  }
  if (s.savedReportPath) bar.append(el('span', { class: 'sos-panel-saved', 'data-testid': 'saved-path' }, fill(w.saved, s.savedReportPath)));
  return bar;
}

function liveSteps(s: PanelState, w: PanelStrings): HTMLElement {
  const list = el('ol', { class: 'sos-live-steps', 'aria-live': 'polite', 'data-testid': 'live-steps' });
  for (const step of s.steps) {
    const duration = step.durationInMilliseconds === undefined ? '' : ` (${Math.round(step.durationInMilliseconds)} ms)`;
    list.append(
      el(
        'li',
        { class: `sos-live-step sos-live-step-${step.status}`, 'data-step': String(step.stepNumber) },
        step.status === 'running' ? el('vscode-progress-ring', { class: 'sos-live-ring' }) : null,
        // After a run that stopped, a step that never started did not run; it is not still pending.
        el('span', { class: 'sos-live-step-status' }, s.phase === 'failed' && step.status === 'pending' ? w.notRun : w.status[step.status]),
        ' ',
        el('span', { class: 'sos-live-step-name' }, step.name),
        duration,
      ),
    );
  }
  return list;
}

function errorBox(s: PanelState, w: PanelStrings): HTMLElement | null {
  if (!s.error) return null;
  const box = el(
    'section',
    { class: 'sos-panel-error', role: 'alert', 'data-testid': 'error' },
    el('h2', {}, s.error.code),
    el('p', {}, s.error.reason),
    el('p', {}, el('strong', {}, w.recommendedAction), s.error.recommendedAction),
  );
  if (s.error.documentationUrl && /^https:\/\//.test(s.error.documentationUrl)) {
    box.append(el('p', {}, el('a', { href: s.error.documentationUrl }, w.documentation)));
  }
  return box;
}

/** The report: the model rendered as the file renders it; initReport adds tabs, filters and sorting. */
function reportTabs(s: PanelState): HTMLElement | null {
  if (!s.report) return null;
  const host = el('div', { class: 'sos-report-host', 'data-testid': 'report' });
  host.append(...toDom(reportView(s.report, { header: false }).nodes, document));
  // After a reload the tab the user had chosen; otherwise the report's own (Troubleshooting after a failure).
  const chosen = s.selectedTab === undefined ? undefined : s.report.tabs[s.selectedTab]?.id;
  if (chosen) host.querySelector('.sos-report')?.setAttribute('data-initial-tab', chosen);
  return host;
}

// The report's DOM is kept while the result shown stays the same (a saved-report note must
// not reset the tab, the filters or the sort order).
let shown: { model: PanelState['report']; node: HTMLElement } | undefined;

function render(): void {
  const w = words;
  if (!w) return;
  const reused = state.report && shown?.model === state.report ? shown.node : undefined;
  const report = reused ?? (state.report ? reportTabs(state) : null);
  shown = report ? { model: state.report, node: report } : undefined;
  const children: (HTMLElement | null)[] = [el('div', { class: 'sos-panel-top' }, header(state, w), toolbar(state, w)), errorBox(state, w), report ?? liveSteps(state, w)];
  app.replaceChildren(...children.filter((c): c is HTMLElement => c !== null));
  app.dataset.phase = state.phase;
  if (reused) return;
  const root = report?.querySelector<HTMLElement>('.sos-report');
  // "Preview this object" (a conflicting object synced from AD) asks the host, under the current offer.
  const offer = state.offer?.id;
  report?.querySelectorAll<HTMLButtonElement>('.sos-preview-object').forEach((b) => {
    if (!offer) b.hidden = true;
    else b.addEventListener('click', () => post({ type: 'previewObject', offer, distinguishedName: b.dataset.dn ?? '' }));
  });
  const tabs = state.report?.tabs ?? [];
  if (root) {
    initReport(root, {
      onTabSelected: (id) => {
        const index = tabs.findIndex((t) => t.id === id);
        if (index < 0) return;
        state = { ...state, selectedTab: index };
        vscode.setState(state);
        post({ type: 'tabSelected', index });
      },
    });
  }
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
  if (message.type === 'strings') {
    words = message.strings;
    render();
    return;
  }
  state = reduce(state, message);
  vscode.setState(state);
  render();
});

render();
post({ type: 'ready' });
