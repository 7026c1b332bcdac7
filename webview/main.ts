// The report panel (runs in the webview, a browser context). It knows the extension only
// through the typed messages of ./protocol. Directory data is never turned into markup
// here: text goes through textContent; the report's HTML comes from the shared renderer
// (src/report), which escapes every value, and is only moved into the tab panels.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import { emptyPanelState, reduce, type HostMessage, type PanelAction, type PanelState, type StepView, type WebviewMessage } from './protocol';

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

const statusText: Record<StepView['status'], string> = {
  pending: 'Pending',
  running: 'Running',
  success: 'Success',
  warning: 'Warning',
  failure: 'Failure',
  skipped: 'Skipped',
};

function button(label: string, message: WebviewMessage, testId: string, secondary = false): HTMLElement {
  const b = el('vscode-button', { 'data-testid': testId, ...(secondary ? { secondary: '' } : {}) }, label);
  b.addEventListener('click', () => post(message));
  return b;
}

function header(s: PanelState): HTMLElement {
  const run = s.run;
  const status = s.phase === 'finished' ? s.summary?.provisioningStatusInfo.status ?? 'success' : s.phase;
  return el(
    'header',
    { class: 'sos-panel-header' },
    el('h1', {}, run?.stagingMode ? 'Preview Sync (Staging Mode)' : 'Single Object Sync'),
    el('div', { class: 'sos-panel-dn', 'data-testid': 'dn' }, run?.distinguishedName ?? 'No sync has run yet.'),
    run
      ? el(
          'div',
          { class: 'sos-panel-meta' },
          el('vscode-badge', { variant: 'default', 'data-testid': 'mode' }, run.stagingMode ? 'staging mode: nothing exported' : 'export'),
          ' ',
          el('span', { class: `sos-panel-status sos-panel-status-${status}`, 'data-testid': 'status' }, status),
        )
      : null,
  );
}

const actionLabels: Record<PanelAction, { label: string; testId: string; secondary: boolean }> = {
  openJson: { label: 'Open JSON', testId: 'open-json', secondary: false },
  saveHtmlReport: { label: 'Save HTML Report', testId: 'save-html', secondary: true },
  runAgain: { label: 'Run Again', testId: 'run-again', secondary: true },
  runWithExport: { label: 'Run With Export', testId: 'run-with-export', secondary: false },
};

/** The buttons are exactly the host's offer for the result shown; each click names the offer. */
function toolbar(s: PanelState): HTMLElement {
  const bar = el('div', { class: 'sos-panel-toolbar', role: 'toolbar' });
  for (const action of s.offer?.actions ?? []) {
    const { label, testId, secondary } = actionLabels[action];
    bar.append(button(label, { type: action, offer: s.offer!.id }, testId, secondary));
  }
  if (s.restored && (s.phase === 'finished' || s.phase === 'failed')) {
    bar.append(el('span', { class: 'sos-panel-saved', 'data-testid': 'restored-note' }, 'Restored after a window reload: read-only. Run the sync again from the Active Directory tree to act on it.'));
  }
  if (s.savedReportPath) bar.append(el('span', { class: 'sos-panel-saved', 'data-testid': 'saved-path' }, `Saved: ${s.savedReportPath}`));
  return bar;
}

function liveSteps(s: PanelState): HTMLElement {
  const list = el('ol', { class: 'sos-live-steps', 'aria-live': 'polite', 'data-testid': 'live-steps' });
  for (const step of s.steps) {
    const duration = step.durationInMilliseconds === undefined ? '' : ` (${Math.round(step.durationInMilliseconds)} ms)`;
    list.append(
      el(
        'li',
        { class: `sos-live-step sos-live-step-${step.status}`, 'data-step': String(step.stepNumber) },
        step.status === 'running' ? el('vscode-progress-ring', { class: 'sos-live-ring' }) : null,
        el('span', { class: 'sos-live-step-status' }, statusText[step.status]),
        ' ',
        el('span', { class: 'sos-live-step-name' }, step.name),
        duration,
      ),
    );
  }
  return list;
}

function errorBox(s: PanelState): HTMLElement | null {
  if (!s.error) return null;
  const box = el(
    'section',
    { class: 'sos-panel-error', role: 'alert', 'data-testid': 'error' },
    el('h2', {}, s.error.code),
    el('p', {}, s.error.reason),
    el('p', {}, el('strong', {}, 'Recommended action: '), s.error.recommendedAction),
  );
  if (s.error.documentationUrl && /^https:\/\//.test(s.error.documentationUrl)) {
    box.append(el('p', {}, el('a', { href: s.error.documentationUrl }, 'Documentation')));
  }
  return box;
}

/** The four report tabs: panels taken from the renderer's body, by their ids. */
function reportTabs(s: PanelState): HTMLElement | null {
  if (!s.report) return null;
  const template = document.createElement('template');
  template.innerHTML = s.report.bodyHtml; // built and escaped by src/report
  const tabs = el('vscode-tabs', { 'selected-index': String(s.selectedTab), 'data-testid': 'report-tabs' });
  for (const tab of s.report.tabs) {
    const source = template.content.getElementById(tab.panelId);
    const panel = el('vscode-tab-panel', { 'data-tab': tab.id });
    const body = el('div', { class: 'sos-report sos-tab-body', id: `panel-${tab.id}` });
    if (source) {
      source.removeAttribute('hidden');
      body.append(...Array.from(source.childNodes));
    }
    panel.append(body);
    tabs.append(el('vscode-tab-header', { slot: 'header', 'data-tab': tab.id }, tab.title), panel);
  }
  tabs.addEventListener('vsc-tabs-select', (event) => {
    const index = (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
    state = { ...state, selectedTab: index };
    vscode.setState(state);
    post({ type: 'tabSelected', index });
  });
  // In-report links (a modified property -> its export row): select that tab, then scroll.
  tabs.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest?.('a[href^="#"]');
    if (!link) return;
    event.preventDefault();
    const target = tabs.querySelector(`[id="${CSS.escape(link.getAttribute('href')!.slice(1))}"]`);
    const panel = target?.closest('vscode-tab-panel');
    const index = panel ? Array.from(tabs.querySelectorAll('vscode-tab-panel')).indexOf(panel) : -1;
    if (index >= 0) (tabs as HTMLElement & { selectedIndex: number }).selectedIndex = index;
    requestAnimationFrame(() => target?.scrollIntoView({ block: 'center' }));
  });
  return tabs;
}

function render(): void {
  const children: (HTMLElement | null)[] = [header(state), toolbar(state), errorBox(state)];
  children.push(state.report ? reportTabs(state) : liveSteps(state));
  app.replaceChildren(...children.filter((c): c is HTMLElement => c !== null));
  app.dataset.phase = state.phase;
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
  state = reduce(state, message);
  vscode.setState(state);
  render();
});

render();
post({ type: 'ready' });
