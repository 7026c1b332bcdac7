// The report panel's message protocol, shared by the extension host (src/extension/panel)
// and the webview (webview/main.ts). Both sides import these types; the host also checks
// every incoming message with isWebviewMessage, since a webview is a separate (browser)
// context and its messages are data, not trusted calls.
import type { ProvisioningObjectSummary, ProvisioningResult } from '../src/engine/summary/types';

/** The panel's report view type (registered with a WebviewPanelSerializer). */
export const reportViewType = 'singleObjectSync.report';

export interface RunInfo {
  distinguishedName: string;
  stagingMode: boolean;
  startDateTime: string;
  /** False in an untrusted workspace: the panel then never offers an export. */
  exportAllowed: boolean;
}

export type StepState = ProvisioningResult | 'running' | 'pending';

export interface StepView {
  stepNumber: number;
  name: string;
  status: StepState;
  durationInMilliseconds?: number;
}

export interface ErrorView {
  code: string;
  reason: string;
  recommendedAction: string;
  documentationUrl?: string;
}

/** The report, as built (and escaped) by the shared renderer in src/report. */
export interface RenderedReport {
  /** renderReportBody's markup; the webview moves each tab's panel into a vscode-tab-panel. */
  bodyHtml: string;
  /** In order: Steps, Troubleshooting & Recommendation, Modified Properties, Summary. */
  tabs: { id: string; title: string; panelId: string }[];
}

/** Everything the panel shows; also what the webview persists with setState. */
export interface PanelState {
  run?: RunInfo;
  steps: StepView[];
  phase: 'idle' | 'running' | 'finished' | 'failed';
  summary?: ProvisioningObjectSummary;
  report?: RenderedReport;
  error?: ErrorView;
  selectedTab: number;
  savedReportPath?: string;
}

export const emptyPanelState: PanelState = { steps: [], phase: 'idle', selectedTab: 0 };

/** Host -> webview. */
export type HostMessage =
  | { type: 'runStarted'; run: RunInfo; steps: StepView[] }
  | { type: 'stepStarted'; stepNumber: number; name: string }
  | { type: 'stepFinished'; step: StepView }
  | { type: 'runFinished'; summary: ProvisioningObjectSummary; report: RenderedReport }
  | { type: 'runFailed'; error: ErrorView }
  | { type: 'reportSaved'; path: string }
  | { type: 'restore'; state: PanelState };

/** Webview -> host. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'openJson' }
  | { type: 'saveHtmlReport' }
  | { type: 'runAgain' }
  | { type: 'runWithExport' }
  | { type: 'tabSelected'; index: number };

const webviewMessageTypes = new Set<WebviewMessage['type']>(['ready', 'openJson', 'saveHtmlReport', 'runAgain', 'runWithExport', 'tabSelected']);

export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !webviewMessageTypes.has(type as WebviewMessage['type'])) return false;
  if (type === 'tabSelected') {
    const index = (value as { index?: unknown }).index;
    return typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < 16;
  }
  return true;
}

/** Applies a host message to the panel state (pure; the webview renders the result). */
export function reduce(state: PanelState, message: HostMessage): PanelState {
  switch (message.type) {
    case 'restore':
      return message.state;
    case 'runStarted':
      return { ...emptyPanelState, run: message.run, steps: message.steps, phase: 'running' };
    case 'stepStarted':
      return {
        ...state,
        steps: upsertStep(state.steps, { stepNumber: message.stepNumber, name: message.name, status: 'running' }),
      };
    case 'stepFinished':
      return { ...state, steps: upsertStep(state.steps, message.step) };
    case 'runFinished':
      return {
        ...state,
        phase: 'finished',
        summary: message.summary,
        report: message.report,
        steps: message.summary.provisioningSteps.map((s) => ({
          stepNumber: s.stepNumber,
          name: s.name,
          status: s.status,
          durationInMilliseconds: s.durationInMilliseconds,
        })),
      };
    case 'runFailed':
      return {
        ...state,
        phase: 'failed',
        error: message.error,
        steps: state.steps.map((s) => (s.status === 'running' ? { ...s, status: 'failure' } : s)),
      };
    case 'reportSaved':
      return { ...state, savedReportPath: message.path };
  }
}

function upsertStep(steps: StepView[], step: StepView): StepView[] {
  const others = steps.filter((s) => s.stepNumber !== step.stepNumber);
  return [...others, step].sort((a, b) => a.stepNumber - b.stepNumber);
}
