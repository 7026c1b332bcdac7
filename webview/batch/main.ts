// The batch results view (runs in the webview). It knows the host only through ./protocol.
// Directory data is only ever set as textContent. Keyboard: Tab reaches Cancel, the filter,
// the count buttons (each filters), the column headers (Enter/Space sorts) and the table,
// where one row holds the focus (arrows, Page Up/Down, Home/End move it; Enter opens the
// object's report panel).
import { cancelling, emptyBatchViewState, reduceBatch, type BatchRowView, type BatchViewState, type HostMessage, type WebviewMessage } from './protocol';
import { counts, defaultTableView, etaMs, format, formatDuration, fraction, labelOf, maxDrawnRows, nextFocus, rate, toggleSort, visibleRows, type SortKey, type TableView } from './view-model';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('sos-batch')!;
let state: BatchViewState = emptyBatchViewState;
let table: TableView = defaultTableView;
let focusedRow = 0;
let drawn: BatchRowView[] = [];

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child !== null) node.append(child);
  return node;
}

// The skeleton is built once, so the filter box keeps its focus and caret while rows stream in.
const title = el('h1', { 'data-testid': 'title' });
const badge = el('span', { class: 'badge', 'data-testid': 'mode' });
const scopeLine = el('p', { class: 'scope', 'data-testid': 'scope' });
const progressBar = el('progress', { max: '1', value: '0', 'data-testid': 'progress' });
const progressText = el('span', { class: 'progress-text', 'data-testid': 'progress-text' });
// Announced to screen readers only when the phase changes (the progress line changes 4 times a second).
const announcer = el('span', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'data-testid': 'announcer' });
let announcedPhase = '';
const cancelButton = el('button', { type: 'button', 'data-testid': 'cancel' });
const deletionBox = el('div', { class: 'deletion', 'data-testid': 'deletion', role: 'alert', hidden: '' });
const errorBox = el('div', { class: 'error', 'data-testid': 'error', role: 'alert', hidden: '' });
const countsBar = el('div', { class: 'counts', role: 'toolbar', 'data-testid': 'counts' });
const filterLabel = el('label', { for: 'sos-filter' });
const filterInput = el('input', { id: 'sos-filter', type: 'search', 'data-testid': 'filter', autocomplete: 'off', spellcheck: 'false' });
const tableElement = el('table', { 'data-testid': 'table' });
const head = el('thead');
const body = el('tbody');
const footer = el('p', { class: 'footer', 'data-testid': 'footer' });
const notesBox = el('ul', { class: 'notes', 'data-testid': 'notes' });
tableElement.append(head, body);
app.append(
  el('header', {}, el('div', { class: 'title-row' }, title, badge), scopeLine),
  el('div', { class: 'progress-row' }, progressBar, progressText, cancelButton, announcer),
  deletionBox,
  errorBox,
  countsBar,
  el('div', { class: 'filter-row' }, filterLabel, filterInput),
  el('div', { class: 'table-wrap' }, tableElement),
  footer,
  notesBox,
);

cancelButton.addEventListener('click', () => {
  state = cancelling(state);
  vscode.postMessage({ type: 'cancel' });
  render();
});
filterInput.addEventListener('input', () => {
  table = { ...table, text: filterInput.value };
  focusedRow = 0;
  renderTable();
});

function columns(): { key: SortKey; label: string }[] {
  const s = state.strings!;
  const whatIf = state.run?.kind === 'whatIf';
  return [
    whatIf ? { key: 'outcome', label: s.columnOutcome } : { key: 'status', label: s.columnStatus },
    { key: 'displayName', label: s.columnName },
    { key: 'dn', label: s.columnDn },
    { key: 'action', label: s.columnAction },
    { key: 'errorCode', label: s.columnError },
  ];
}

let headKey = '';
/** Rebuilt only when the columns or the sort change, so a focused header keeps its focus while rows stream in. */
function renderHead(): void {
  const s = state.strings!;
  const key = `${state.run?.kind}|${table.sortKey}|${table.direction}`;
  if (key === headKey) return;
  headKey = key;
  const focused = (document.activeElement as HTMLElement | null)?.dataset.testid;
  const row = el('tr');
  for (const c of columns()) {
    const sorted = table.sortKey === c.key;
    const th = el('th', { scope: 'col', class: `col-${c.key}`, 'aria-sort': sorted ? table.direction : 'none' });
    const b = el('button', { type: 'button', class: 'sort', 'data-testid': `sort-${c.key}`, title: sorted && table.direction === 'ascending' ? s.sortDescending : s.sortAscending }, c.label, sorted ? (table.direction === 'ascending' ? ' ▲' : ' ▼') : '');
    b.addEventListener('click', () => {
      table = toggleSort(table, c.key);
      renderTable();
      head.querySelector<HTMLButtonElement>(`[data-testid="sort-${c.key}"]`)?.focus();
    });
    th.append(b);
    row.append(th);
  }
  head.replaceChildren(row);
  if (focused?.startsWith('sort-')) head.querySelector<HTMLButtonElement>(`[data-testid="${focused}"]`)?.focus();
}

function renderCounts(): void {
  const s = state.strings!;
  const all = counts(state);
  // Same buttons as drawn: update their numbers in place (a focused button keeps its focus).
  const drawnIds = Array.from(countsBar.children, (b) => (b as HTMLElement).dataset.testid);
  if (drawnIds.length === all.length + 1 && all.every((c, i) => drawnIds[i + 1] === `count-${c.key}`)) {
    const numbers = [state.rows.length, ...all.map((c) => c.count)];
    Array.from(countsBar.children).forEach((b, i) => {
      b.querySelector('b')!.textContent = numbers[i]!.toLocaleString();
      const id = (b as HTMLElement).dataset.testid!;
      b.setAttribute('aria-pressed', String(id === 'count-all' ? table.only === undefined : table.only === id.slice('count-'.length)));
    });
    return;
  }
  const buttons: HTMLButtonElement[] = [];
  const allButton = el('button', { type: 'button', class: 'count', 'aria-pressed': String(table.only === undefined), 'data-testid': 'count-all' }, `${s.all} `, el('b', {}, state.rows.length.toLocaleString()));
  allButton.addEventListener('click', () => setOnly(undefined, 'count-all'));
  buttons.push(allButton);
  for (const c of all) {
    const b = el('button', { type: 'button', class: `count ${c.key}`, 'aria-pressed': String(table.only === c.key), 'data-testid': `count-${c.key}` }, `${labelOf(s, c.key)} `, el('b', {}, c.count.toLocaleString()));
    b.addEventListener('click', () => setOnly(table.only === c.key ? undefined : c.key, `count-${c.key}`));
    buttons.push(b);
  }
  countsBar.replaceChildren(...buttons);
}

function setOnly(only: TableView['only'], focusId: string): void {
  table = { ...table, only };
  focusedRow = 0;
  renderCounts();
  renderTable();
  countsBar.querySelector<HTMLButtonElement>(`[data-testid="${focusId}"]`)?.focus();
}

function statusCell(row: BatchRowView): HTMLTableCellElement {
  const s = state.strings!;
  if (state.run?.kind === 'whatIf' && row.outcome) return el('td', { class: `outcome ${row.outcome}` }, labelOf(s, row.outcome));
  return el('td', { class: `status ${row.status}` }, labelOf(s, row.status));
}

function renderTable(): void {
  if (!state.strings) return;
  renderHead();
  const { rows, matching } = visibleRows(state.rows, table);
  drawn = rows;
  focusedRow = Math.min(focusedRow, Math.max(0, rows.length - 1));
  const hadFocus = body.contains(document.activeElement);
  const trs = rows.map((r, i) => {
    const tr = el(
      'tr',
      { tabindex: i === focusedRow ? '0' : '-1', 'data-index': String(r.index), 'data-testid': 'row', title: state.strings!.openHint },
      statusCell(r),
      // Narrow views show the DN under the name (media/batch.css hides the DN column).
      el('td', { class: 'name' }, el('span', {}, r.displayName), el('span', { class: 'dn-under' }, ...breakable(r.dn))),
      el('td', { class: 'dn' }, ...breakable(r.dn)),
      el('td', { class: 'action' }, r.action),
      el('td', { class: 'code', ...(r.reason || r.explanation ? { title: r.explanation ?? r.reason ?? '' } : {}) }, r.errorCode ?? ''),
    );
    tr.addEventListener('click', () => {
      focusedRow = i;
      open(r);
    });
    return tr;
  });
  body.replaceChildren(...trs);
  if (hadFocus) trs[focusedRow]?.focus();
  const s = state.strings;
  footer.textContent = rows.length === 0 ? (state.rows.length ? s.noRows : '') : matching > maxDrawnRows ? format(s.truncated, rows.length, matching) : '';
}

tableElement.addEventListener('keydown', (event) => {
  const target = event.target as HTMLElement;
  if (target.tagName !== 'TR') return;
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    const row = drawn[focusedRow];
    if (row) open(row);
    return;
  }
  const next = nextFocus(event.key, focusedRow, drawn.length);
  if (next === undefined) return;
  event.preventDefault();
  const rows = body.querySelectorAll<HTMLTableRowElement>('tr');
  rows[focusedRow]?.setAttribute('tabindex', '-1');
  focusedRow = next;
  rows[focusedRow]?.setAttribute('tabindex', '0');
  rows[focusedRow]?.focus();
  rows[focusedRow]?.scrollIntoView({ block: 'nearest' });
});
body.addEventListener('focusin', (event) => {
  const tr = (event.target as HTMLElement).closest('tr');
  const i = tr ? Array.prototype.indexOf.call(body.children, tr) : -1;
  if (i >= 0 && i !== focusedRow) {
    body.children[focusedRow]?.setAttribute('tabindex', '-1');
    focusedRow = i;
    tr!.setAttribute('tabindex', '0');
  }
});

/** A DN as text with line-break opportunities after its commas (no markup from the data). */
function breakable(dn: string): Node[] {
  const out: Node[] = [];
  for (const part of dn.split(/(?<=,)/)) out.push(document.createTextNode(part), document.createElement('wbr'));
  return out;
}

function open(row: BatchRowView): void {
  vscode.postMessage({ type: 'openRow', index: row.index });
}

function renderProgress(): void {
  const s = state.strings!;
  const p = state.progress;
  const running = state.phase === 'running' || state.phase === 'preparing' || state.phase === 'cancelling';
  cancelButton.hidden = !running;
  cancelButton.disabled = state.phase === 'cancelling';
  cancelButton.textContent = state.phase === 'cancelling' ? s.cancelling : s.cancel;
  if (!p) {
    progressBar.removeAttribute('value'); // indeterminate while the scope is read
    progressText.textContent = state.phase === 'failed' ? s.failed : s.preparing;
    return;
  }
  progressBar.value = state.phase === 'finished' ? 1 : fraction(p);
  const parts = [p.pass ? `${p.pass}: ` : '', format(s.progressCount, p.done, p.total)];
  const r = rate(p);
  // A finished what-if ran two passes: one rate over both would mislead, so none is shown.
  if (r !== undefined && (running || state.run?.kind !== 'whatIf')) parts.push(` · ${format(s.rate, Math.round(r))}`);
  const eta = etaMs(p);
  const units = { seconds: s.durationSeconds, minutes: s.durationMinutes, hours: s.durationHours };
  if (running && eta !== undefined) parts.push(` · ${format(s.eta, formatDuration(eta, units))}`);
  if (state.phase === 'finished') parts.push(` · ${s.finished} (${formatDuration(p.elapsedMs, units)})`);
  if (state.phase === 'cancelled') parts.push(` · ${format(s.cancelledSummary, state.rows.length, state.notDone ?? 0)}`);
  progressText.textContent = parts.join('');
  progressBar.setAttribute('aria-label', progressText.textContent);
  if (state.phase !== announcedPhase && (state.phase === 'finished' || state.phase === 'cancelled' || state.phase === 'failed')) announcer.textContent = progressText.textContent;
  announcedPhase = state.phase;
}

function render(): void {
  document.body.dataset.phase = state.phase;
  app.dataset.phase = state.phase;
  if (!state.strings || !state.run) return;
  const s = state.strings;
  title.textContent = state.run.kind === 'whatIf' ? s.titleWhatIf : s.titlePreview;
  badge.textContent = s.stagingBadge;
  scopeLine.textContent = `${s.scope} ${state.run.scope}${state.run.proposedFile ? ` · ${s.proposed} ${state.run.proposedFile}` : ''}`;
  filterLabel.textContent = s.filterLabel;
  filterInput.placeholder = s.filterPlaceholder;
  countsBar.setAttribute('aria-label', s.countsLabel);
  tableElement.setAttribute('aria-label', s.tableLabel);
  renderProgress();
  if (state.deletion) {
    deletionBox.hidden = false;
    deletionBox.className = `deletion ${state.deletion.exceedsThreshold ? 'exceeds' : 'within'}`;
    deletionBox.replaceChildren(
      el('strong', {}, format(state.deletion.exceedsThreshold ? s.deletionExceeds : s.deletionWithin, state.deletion.deletes, state.deletion.threshold)),
      el('p', {}, state.deletion.advice),
    );
  } else deletionBox.hidden = true;
  if (state.error) {
    errorBox.hidden = false;
    errorBox.replaceChildren(el('strong', {}, `${state.error.code}: ${state.error.reason}`), el('p', {}, state.error.recommendedAction));
  } else errorBox.hidden = true;
  renderCounts();
  renderTable();
  notesBox.replaceChildren(...state.notes.map((n) => el('li', {}, n)));
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (!message || typeof message !== 'object' || typeof message.type !== 'string') return;
  state = reduceBatch(state, message);
  if (message.type === 'init' || message.type === 'restore') {
    headKey = '';
  }
  if (message.type === 'init') {
    table = defaultTableView;
    filterInput.value = '';
  }
  render();
});

vscode.postMessage({ type: 'ready' });
