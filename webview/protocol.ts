// The report panel's message protocol, shared by the extension host (src/surfaces/vscode/panel)
// and the webview (webview/main.ts). Both sides import these types; the host also checks
// every incoming message with isWebviewMessage, since a webview is a separate (browser)
// context and its messages are data, not trusted calls.
import type { ProvisioningObjectSummary, ProvisioningResult } from '../src/engine/summary/types';
import type { ReportModel } from '../src/report/browser/model';

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

/** The report as data (src/report buildReportModel): the webview renders the same tree as the file. */
export type RenderedReport = ReportModel;

/** The panel's buttons; each works only when the host offered it for the result shown. */
export type PanelAction = 'openJson' | 'saveHtmlReport' | 'compareWithEntra' | 'runAgain' | 'runWithExport';

/**
 * What the host offers for the result shown: the actions, under a one-time random id that
 * every action message must carry. The host keeps its own copy and checks against it (never
 * against the webview's state); a panel restored after a window reload has no offer.
 */
export interface PanelOffer {
  id: string;
  actions: PanelAction[];
}

/** Everything the panel shows; also what the webview persists with setState. */
export interface PanelState {
  run?: RunInfo;
  steps: StepView[];
  phase: 'idle' | 'running' | 'finished' | 'failed';
  summary?: ProvisioningObjectSummary;
  report?: RenderedReport;
  error?: ErrorView;
  /** The tab the user chose (an index into report.tabs); absent: the report's own initial tab. */
  selectedTab?: number;
  savedReportPath?: string;
  /** Absent: no actions (nothing finished yet, or restored after a window reload). */
  offer?: PanelOffer;
  /** True when the panel was restored after a reload: it shows the result, read-only. */
  restored?: boolean;
}

export const emptyPanelState: PanelState = { steps: [], phase: 'idle' };

/**
 * The panel's own words, localized in the host (vscode.l10n, the extension's l10n bundle) and
 * sent first on every 'ready'; the report inside the panel is the report's (as the HTML file).
 */
export interface PanelStrings {
  appTitle: string;
  noRunYet: string;
  /** {0} the object, {1} Preview or Sync, {2} Running or Failed. */
  runningTitle: string;
  preview: string;
  sync: string;
  running: string;
  failed: string;
  stagingBadge: string;
  exportBadge: string;
  status: Record<StepView['status'], string>;
  notRun: string;
  recommendedAction: string;
  documentation: string;
  actions: Record<PanelAction, string>;
  restoredNote: string;
  /** {0} the path. */
  saved: string;
}

/** Host -> webview. */
export type HostMessage =
  | { type: 'runStarted'; run: RunInfo; steps: StepView[] }
  | { type: 'stepStarted'; stepNumber: number; name: string }
  | { type: 'stepFinished'; step: StepView }
  | { type: 'runFinished'; summary: ProvisioningObjectSummary; report: RenderedReport; offer: PanelOffer }
  | { type: 'runFailed'; error: ErrorView; offer: PanelOffer }
  | { type: 'reportSaved'; path: string }
  | { type: 'restore'; state: PanelState }
  | { type: 'strings'; strings: PanelStrings };

/** Webview -> host. An action names the offer it answers. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: PanelAction; offer: string }
  | { type: 'tabSelected'; index: number }
  /** "Preview this object" on a conflicting object; the host previews it only if its own result names that DN. */
  | { type: 'previewObject'; offer: string; distinguishedName: string };

export const panelActions: readonly PanelAction[] = ['openJson', 'saveHtmlReport', 'compareWithEntra', 'runAgain', 'runWithExport'];

export function isPanelAction(type: string): type is PanelAction {
  return (panelActions as readonly string[]).includes(type);
}

export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return false;
  if (type === 'ready') return true;
  if (type === 'previewObject') {
    const { offer, distinguishedName } = value as { offer?: unknown; distinguishedName?: unknown };
    return typeof offer === 'string' && offer.length > 0 && offer.length <= 100 && typeof distinguishedName === 'string' && distinguishedName.length > 0 && distinguishedName.length <= 4096;
  }
  if (type === 'tabSelected') {
    const index = (value as { index?: unknown }).index;
    return typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < 16;
  }
  if (!isPanelAction(type)) return false;
  const offer = (value as { offer?: unknown }).offer;
  return typeof offer === 'string' && offer.length > 0 && offer.length <= 100;
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
        offer: message.offer,
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
        offer: message.offer,
        steps: state.steps.map((s) => (s.status === 'running' ? { ...s, status: 'failure' } : s)),
      };
    case 'reportSaved':
      return { ...state, savedReportPath: message.path };
    case 'strings':
      return state; // the words are not state: the host sends them again after a reload
  }
}

function upsertStep(steps: StepView[], step: StepView): StepView[] {
  const others = steps.filter((s) => s.stepNumber !== step.stepNumber);
  return [...others, step].sort((a, b) => a.stepNumber - b.stepNumber);
}
