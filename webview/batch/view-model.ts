// What the batch results table shows, computed from the state alone (pure, unit-tested):
// counts by status or what-if outcome, the filter (text and one status/outcome), the sort,
// the rate and the estimated time left.
import type { WhatIfOutcome } from '../../src/engine/batch/what-if';
import { rowStatuses, type BatchProgress, type BatchRowView, type BatchStrings, type BatchViewState, type RowStatus } from './protocol';

export type SortKey = 'index' | 'status' | 'displayName' | 'dn' | 'action' | 'errorCode' | 'outcome';
export type SortDirection = 'ascending' | 'descending';

export interface TableView {
  sortKey: SortKey;
  direction: SortDirection;
  /** Case-insensitive; matches DN, name, action, error code, reason and outcome. */
  text: string;
  /** A status ('failure') or a what-if outcome ('delete'); undefined: all. */
  only?: RowStatus | WhatIfOutcome;
}

export const defaultTableView: TableView = { sortKey: 'index', direction: 'ascending', text: '' };

/** The most rows drawn at once; the view says how many more match (no silent gap). */
export const maxDrawnRows = 1000;

export const whatIfOutcomes: readonly WhatIfOutcome[] = ['delete', 'create', 'join', 'attribute-changes', 'no-longer-created', 'undetermined', 'unchanged'];

// Failures first when sorting by status: they are what an engineer looks for.
const statusRank: Record<RowStatus, number> = { failure: 0, warning: 1, skipped: 2, success: 3 };
const outcomeRank = new Map(whatIfOutcomes.map((o, i) => [o, i]));

function sortValue(row: BatchRowView, key: SortKey): string | number {
  switch (key) {
    case 'index':
      return row.index;
    case 'status':
      return statusRank[row.status];
    case 'outcome':
      return row.outcome ? outcomeRank.get(row.outcome) ?? 99 : 99;
    case 'displayName':
      return row.displayName.toLocaleLowerCase();
    case 'dn':
      return row.dn.toLocaleLowerCase();
    case 'action':
      return row.action;
    case 'errorCode':
      // Rows without an error sort after those with one.
      return row.errorCode ? row.errorCode : '\uffff';
  }
}

export function matches(row: BatchRowView, view: Pick<TableView, 'text' | 'only'>): boolean {
  if (view.only !== undefined && row.status !== view.only && row.outcome !== view.only) return false;
  const needle = view.text.trim().toLocaleLowerCase();
  if (needle === '') return true;
  return [row.dn, row.displayName, row.action, row.errorCode ?? '', row.reason ?? '', row.outcome ?? '', row.explanation ?? ''].some((v) => v.toLocaleLowerCase().includes(needle));
}

/** The matching rows in the chosen order (ties keep batch order), and how many match. */
export function visibleRows(rows: readonly BatchRowView[], view: TableView): { rows: BatchRowView[]; matching: number } {
  const kept = rows.filter((r) => matches(r, view));
  const sign = view.direction === 'ascending' ? 1 : -1;
  kept.sort((a, b) => {
    const x = sortValue(a, view.sortKey);
    const y = sortValue(b, view.sortKey);
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return order !== 0 ? sign * order : a.index - b.index;
  });
  return { rows: kept.slice(0, maxDrawnRows), matching: kept.length };
}

/** Clicking a column: a new column sorts ascending; the same column flips. */
export function toggleSort(view: TableView, key: SortKey): TableView {
  if (view.sortKey === key) return { ...view, direction: view.direction === 'ascending' ? 'descending' : 'ascending' };
  return { ...view, sortKey: key, direction: 'ascending' };
}

export interface Count {
  key: RowStatus | WhatIfOutcome;
  count: number;
}

/** Counts by status (preview) or by outcome (what-if, once compared). */
export function counts(state: Pick<BatchViewState, 'rows' | 'run'>): Count[] {
  const whatIf = state.run?.kind === 'whatIf' && state.rows.some((r) => r.outcome);
  const keys: readonly (RowStatus | WhatIfOutcome)[] = whatIf ? whatIfOutcomes : rowStatuses;
  const tally = new Map<string, number>(keys.map((k) => [k, 0]));
  for (const r of state.rows) {
    const k = whatIf ? r.outcome : r.status;
    if (k !== undefined) tally.set(k, (tally.get(k) ?? 0) + 1);
  }
  return keys.map((key) => ({ key, count: tally.get(key) ?? 0 }));
}

/** Objects per second so far; undefined until there is something to measure. */
export function rate(progress: BatchProgress): number | undefined {
  if (progress.done === 0 || progress.elapsedMs <= 0) return undefined;
  return (progress.done * 1000) / progress.elapsedMs;
}

/** Milliseconds left at the rate so far (all passes of a what-if); undefined before the first object. */
export function etaMs(progress: BatchProgress): number | undefined {
  const r = rate(progress);
  if (r === undefined) return undefined;
  const passesLeft = Math.max(0, (progress.passes ?? 1) - (progress.passIndex ?? 1));
  const left = Math.max(0, progress.total - progress.done) + passesLeft * progress.total;
  return (left / r) * 1000;
}

/** Overall fraction 0..1 (what-if: both passes). */
export function fraction(progress: BatchProgress): number {
  if (progress.total <= 0) return 0;
  const passes = progress.passes ?? 1;
  const before = (progress.passIndex ?? 1) - 1;
  return Math.min(1, (before * progress.total + progress.done) / (passes * progress.total));
}

export interface DurationUnits {
  /** "{0} s" */
  seconds: string;
  /** "{0} min {1} s" */
  minutes: string;
  /** "{0} h {1} min" */
  hours: string;
}
const englishUnits: DurationUnits = { seconds: '{0} s', minutes: '{0} min {1} s', hours: '{0} h {1} min' };

/** 42 s, 3 min 5 s, 1 h 2 min (the host's localized templates). */
export function formatDuration(ms: number, units: DurationUnits = englishUnits): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return format(units.seconds, s);
  const m = Math.floor(s / 60);
  if (m < 60) return format(units.minutes, m, s % 60);
  return format(units.hours, Math.floor(m / 60), m % 60);
}

/** "{0} of {1}" with the arguments put in (the host's localized templates). */
export function format(template: string, ...args: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => {
    const v = args[Number(i)];
    return v === undefined ? whole : typeof v === 'number' ? v.toLocaleString() : v;
  });
}

export function labelOf(strings: BatchStrings, key: RowStatus | WhatIfOutcome): string {
  const labels: Record<RowStatus | WhatIfOutcome, string> = {
    success: strings.statusSuccess,
    warning: strings.statusWarning,
    failure: strings.statusFailure,
    skipped: strings.statusSkipped,
    create: strings.outcomeCreate,
    join: strings.outcomeJoin,
    delete: strings.outcomeDelete,
    'no-longer-created': strings.outcomeNoLongerCreated,
    'attribute-changes': strings.outcomeAttributeChanges,
    unchanged: strings.outcomeUnchanged,
    undetermined: strings.outcomeUndetermined,
  };
  return labels[key];
}

/** The row to focus after a key in the table (roving focus), or undefined to keep it. */
export function nextFocus(key: string, current: number, count: number, page = 10): number | undefined {
  if (count === 0) return undefined;
  switch (key) {
    case 'ArrowDown':
      return Math.min(count - 1, current + 1);
    case 'ArrowUp':
      return Math.max(0, current - 1);
    case 'PageDown':
      return Math.min(count - 1, current + page);
    case 'PageUp':
      return Math.max(0, current - page);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}
