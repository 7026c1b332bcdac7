// The batch results view's message protocol, shared by the extension host
// (src/surfaces/vscode/container-preview) and its webview (webview/batch/main.ts). The host
// checks every incoming message with isBatchWebviewMessage: a webview's messages are data.
// Every word the webview shows comes from the host (BatchStrings, localized with vscode.l10n),
// so the webview bundle holds no English of its own.
import type { WhatIfOutcome } from '../../src/engine/batch/what-if';

export const batchViewType = 'singleObjectSync.batchResults';

export type RowStatus = 'success' | 'warning' | 'failure' | 'skipped';
export const rowStatuses: readonly RowStatus[] = ['success', 'warning', 'failure', 'skipped'];

/** One object of the batch (what-if: one compared object). Directory text: shown as text only. */
export interface BatchRowView {
  /** 1-based position in the batch; the only thing the webview sends back (openRow). */
  index: number;
  dn: string;
  displayName: string;
  status: RowStatus;
  /** What the export would do (create, update, delete, other). */
  action: string;
  errorCode?: string;
  reason?: string;
  /** What-if only: the compared outcome and its sentence. */
  outcome?: WhatIfOutcome;
  explanation?: string;
}

export type BatchKind = 'preview' | 'whatIf';

export interface BatchRunView {
  kind: BatchKind;
  /** The scope in words (search base and depth). */
  scope: string;
  /** What-if: the proposed configuration file. */
  proposedFile?: string;
  startDateTime: string;
}

export interface DeletionCheck {
  deletes: number;
  threshold: number;
  exceedsThreshold: boolean;
  /** What the engineer must do, in words (localized by the host). */
  advice: string;
}

export type BatchPhase = 'idle' | 'preparing' | 'running' | 'cancelling' | 'finished' | 'cancelled' | 'failed';

export interface BatchProgress {
  done: number;
  total: number;
  elapsedMs: number;
  /** What-if runs two passes: which one is running ("current configuration", ...). */
  pass?: string;
  /** Pass number (1-based) and the number of passes, for the overall fraction. */
  passIndex?: number;
  passes?: number;
}

export type HostMessage =
  | { type: 'init'; strings: BatchStrings; run: BatchRunView }
  | { type: 'progress'; progress: BatchProgress; rows: BatchRowView[] }
  | { type: 'finished'; cancelled: boolean; notDone: number; elapsedMs: number; notes: string[]; deletion?: DeletionCheck }
  | { type: 'failed'; error: { code: string; reason: string; recommendedAction: string } }
  | { type: 'restore'; state: BatchViewState };

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'cancel' }
  /** Open that object's report panel (a staging preview of the object). */
  | { type: 'openRow'; index: number };

export function isBatchWebviewMessage(value: unknown): value is WebviewMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  if (m.type === 'ready' || m.type === 'cancel') return true;
  return m.type === 'openRow' && typeof m.index === 'number' && Number.isInteger(m.index) && m.index >= 1;
}

/** The words of the view, keyed; the host fills them with vscode.l10n.t. */
export interface BatchStrings {
  titlePreview: string;
  titleWhatIf: string;
  stagingBadge: string;
  scope: string;
  proposed: string;
  preparing: string;
  /** "{0} of {1}" */
  progressCount: string;
  /** "{0} objects/s" */
  rate: string;
  /** "about {0} left" */
  eta: string;
  cancel: string;
  cancelling: string;
  finished: string;
  /** "Cancelled: {0} done, {1} not started. Nothing was written." */
  cancelledSummary: string;
  failed: string;
  filterLabel: string;
  filterPlaceholder: string;
  all: string;
  statusSuccess: string;
  statusWarning: string;
  statusFailure: string;
  statusSkipped: string;
  columnStatus: string;
  columnName: string;
  columnDn: string;
  columnAction: string;
  columnError: string;
  columnOutcome: string;
  sortAscending: string;
  sortDescending: string;
  /** "Showing {0} of {1} matching rows; filter to narrow." */
  truncated: string;
  noRows: string;
  openHint: string;
  tableLabel: string;
  countsLabel: string;
  outcomeCreate: string;
  outcomeJoin: string;
  outcomeDelete: string;
  outcomeNoLongerCreated: string;
  outcomeAttributeChanges: string;
  outcomeUnchanged: string;
  outcomeUndetermined: string;
  deletionWithin: string;
  deletionExceeds: string;
  notes: string;
  /** Durations: "{0} s", "{0} min {1} s", "{0} h {1} min". */
  durationSeconds: string;
  durationMinutes: string;
  durationHours: string;
}

export interface BatchViewState {
  phase: BatchPhase;
  strings?: BatchStrings;
  run?: BatchRunView;
  rows: BatchRowView[];
  progress?: BatchProgress;
  cancelled?: boolean;
  notDone?: number;
  notes: string[];
  deletion?: DeletionCheck;
  error?: { code: string; reason: string; recommendedAction: string };
}

export const emptyBatchViewState: BatchViewState = { phase: 'idle', rows: [], notes: [] };

/** The one state both sides keep (the host for restore, the webview for display). */
export function reduceBatch(state: BatchViewState, message: HostMessage): BatchViewState {
  switch (message.type) {
    case 'init':
      return { ...emptyBatchViewState, phase: 'preparing', strings: message.strings, run: message.run };
    case 'progress': {
      const phase = state.phase === 'cancelling' ? 'cancelling' : 'running';
      // A what-if's second pass replaces the rows of the first (rows carry the comparison only at the end).
      return { ...state, phase, progress: message.progress, rows: message.rows.length ? mergeRows(state.rows, message.rows) : state.rows };
    }
    case 'finished':
      return {
        ...state,
        phase: message.cancelled ? 'cancelled' : 'finished',
        cancelled: message.cancelled,
        notDone: message.notDone,
        notes: message.notes,
        ...(message.deletion ? { deletion: message.deletion } : {}),
        progress: state.progress ? { ...state.progress, elapsedMs: message.elapsedMs } : undefined,
      };
    case 'failed':
      return { ...state, phase: 'failed', error: message.error };
    case 'restore':
      return message.state;
  }
}

/** Rows by index: a later row with the same index replaces the earlier one. */
export function mergeRows(existing: BatchRowView[], incoming: BatchRowView[]): BatchRowView[] {
  if (existing.length === 0) return [...incoming];
  const byIndex = new Map(existing.map((r) => [r.index, r]));
  for (const r of incoming) byIndex.set(r.index, r);
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

/** Marks a cancel asked for (the host confirms with 'finished'). */
export function cancelling(state: BatchViewState): BatchViewState {
  return state.phase === 'running' || state.phase === 'preparing' ? { ...state, phase: 'cancelling' } : state;
}
