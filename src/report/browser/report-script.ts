// The report's behaviour in the browser, shared by the standalone .htm file (bundled by
// esbuild and inlined, allowed by its CSP hash) and the VS Code panel (part of the webview
// bundle). It upgrades the markup of reportView: tab bar -> ARIA tabs (arrows, Home, End),
// attribute tables -> filter box and sortable columns, in-page links -> show the target's
// tab, open it, highlight it. Without it the page still shows every panel. No eval, no
// innerHTML: it only moves and hides elements built from escaped text.

export interface ReportHandle {
  /** Selects a tab by id (steps, troubleshooting, modified, summary). */
  selectTab(id: string, focus?: boolean): void;
  /** Shows the element with this id: its tab, its collapsed parents, scrolled into view. */
  reveal(id: string): void;
}

export interface ReportOptions {
  /** Called when the user selects a tab (the panel remembers it). */
  onTabSelected?(id: string): void;
  /** Follow and react to location.hash (the standalone file; not the panel). */
  useHash?: boolean;
}

export function initReport(root: HTMLElement, options: ReportOptions = {}): ReportHandle | undefined {
  if (root.getAttribute('data-sos-ready') === '1') return undefined;
  root.setAttribute('data-sos-ready', '1');
  root.classList.add('sos-js');
  const doc = root.ownerDocument;
  const win = doc.defaultView!;
  const nav = root.querySelector<HTMLElement>('.sos-tabs');
  const tabs = Array.from(root.querySelectorAll<HTMLAnchorElement>('.sos-tab'));
  const panels = tabs.map((tab) => doc.getElementById(tab.getAttribute('href')!.slice(1)));

  function select(index: number, focus: boolean, notify = false): void {
    tabs.forEach((tab, i) => {
      const on = i === index;
      tab.setAttribute('aria-selected', on ? 'true' : 'false');
      tab.setAttribute('tabindex', on ? '0' : '-1');
      const panel = panels[i];
      if (panel) panel.hidden = !on;
    });
    if (focus) tabs[index]!.focus();
    if (notify) options.onTabSelected?.(tabs[index]!.getAttribute('data-tab') ?? '');
  }

  if (nav && tabs.length) {
    nav.setAttribute('role', 'tablist');
    tabs.forEach((tab, i) => {
      tab.setAttribute('role', 'tab');
      tab.setAttribute('aria-controls', panels[i]?.id ?? '');
      tab.addEventListener('click', (event) => {
        event.preventDefault();
        select(i, true, true);
      });
    });
    for (const panel of panels) {
      if (!panel) continue;
      panel.setAttribute('role', 'tabpanel');
      panel.setAttribute('tabindex', '0');
    }
    nav.addEventListener('keydown', (event) => {
      const current = tabs.indexOf(doc.activeElement as HTMLAnchorElement);
      if (current < 0) return;
      let next: number | null = null;
      if (event.key === 'ArrowRight' || event.key === 'ArrowDown') next = (current + 1) % tabs.length;
      else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') next = (current - 1 + tabs.length) % tabs.length;
      else if (event.key === 'Home') next = 0;
      else if (event.key === 'End') next = tabs.length - 1;
      else if (event.key === ' ' || event.key === 'Spacebar') next = current;
      if (next === null) return;
      event.preventDefault();
      select(next, true, true);
    });
    const initial = root.getAttribute('data-initial-tab');
    const start = Math.max(0, tabs.findIndex((tab) => tab.getAttribute('data-tab') === initial));
    select(start, false);
  }

  root.querySelectorAll<HTMLElement>('.sos-attrs').forEach(setUpTable);

  function reveal(target: HTMLElement): void {
    const panel = target.closest<HTMLElement>('.sos-panel');
    const index = panel ? panels.indexOf(panel) : -1;
    if (index >= 0 && tabs.length) select(index, false, true);
    for (let node = target.parentElement; node && node !== root; node = node.parentElement) {
      if (node instanceof win.HTMLDetailsElement) node.open = true;
    }
    if (target.tagName === 'TR') {
      if (target.hidden) {
        const block = target.closest('.sos-attrs');
        const input = block?.querySelector<HTMLInputElement>('.sos-filter');
        const changedOnly = block?.querySelector<HTMLInputElement>('.sos-changed-only');
        if (changedOnly) changedOnly.checked = false;
        if (input) {
          input.value = '';
          input.dispatchEvent(new win.Event('input'));
        }
      }
      root.querySelectorAll('.sos-highlight').forEach((el) => el.classList.remove('sos-highlight'));
      target.classList.add('sos-highlight');
    }
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    // Steps render lazily (content-visibility: auto) with an estimated height, so a target
    // below them would land hundreds of pixels off once they render: lay them all out first.
    root.classList.add('sos-laid-out');
    // The sticky header and tab bar cover the top of the view: the target goes to the centre
    // (rows) or just below them (steps and headings), never under them.
    target.scrollIntoView({ block: target.tagName === 'TR' ? 'center' : 'start' });
    target.focus({ preventScroll: true });
  }

  root.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest?.<HTMLAnchorElement>('a[href^="#"]');
    if (!link || !root.contains(link) || link.classList.contains('sos-tab')) return;
    const target = doc.getElementById(link.getAttribute('href')!.slice(1));
    if (!target || !root.contains(target)) return;
    event.preventDefault();
    reveal(target);
  });

  if (options.useHash) {
    const fromHash = () => {
      let id = '';
      try {
        id = decodeURIComponent((win.location.hash || '').slice(1));
      } catch {
        return;
      }
      const target = id ? doc.getElementById(id) : null;
      if (!target || !root.contains(target)) return;
      const tabIndex = panels.indexOf(target);
      if (tabIndex >= 0) select(tabIndex, false);
      else reveal(target);
    };
    fromHash();
    win.addEventListener('hashchange', fromHash);
  }

  // Printing shows everything: open every collapsed list, close them again afterwards.
  let openedForPrint: HTMLDetailsElement[] = [];
  win.addEventListener('beforeprint', () => {
    root.querySelectorAll<HTMLDetailsElement>('details:not([open])').forEach((d) => {
      d.open = true;
      openedForPrint.push(d);
    });
  });
  win.addEventListener('afterprint', () => {
    for (const d of openedForPrint) d.open = false;
    openedForPrint = [];
  });

  return {
    selectTab(id, focus = false) {
      const index = tabs.findIndex((tab) => tab.getAttribute('data-tab') === id);
      if (index >= 0) select(index, focus);
    },
    reveal(id) {
      const target = doc.getElementById(id);
      if (target && root.contains(target)) reveal(target);
    },
  };
}

/** A table with a filter box (.sos-filter, optional "Changed only") and sortable columns (.sos-sort buttons). */
function setUpTable(block: HTMLElement): void {
  const table = block.querySelector('table');
  const body = table?.tBodies[0];
  if (!table || !body) return;
  let rows = Array.from(body.rows);
  const tools = block.querySelector<HTMLElement>('.sos-tools');
  const input = block.querySelector<HTMLInputElement>('.sos-filter');
  const count = block.querySelector<HTMLElement>('.sos-filter-count');
  const changedOnly = block.querySelector<HTMLInputElement>('.sos-changed-only');
  if (tools) tools.hidden = false;
  // The filter's accessible name says which table it filters (the caption).
  const caption = table.caption?.textContent?.trim();
  if (input && caption && !input.hasAttribute('aria-label')) input.setAttribute('aria-label', `Filter: ${caption}`);
  let texts: string[] | null = null;
  function applyFilter(): void {
    texts ??= rows.map((row) => (row.textContent ?? '').toLowerCase());
    const query = input ? input.value.trim().toLowerCase() : '';
    const onlyChanged = !!changedOnly?.checked;
    let shown = 0;
    rows.forEach((row, i) => {
      const match = (!query || texts![i]!.includes(query)) && (!onlyChanged || !row.classList.contains('sos-op-none'));
      row.hidden = !match;
      if (match) shown++;
    });
    if (count) count.textContent = query || onlyChanged ? `${shown} of ${rows.length} shown` : '';
  }
  input?.addEventListener('input', applyFilter);
  changedOnly?.addEventListener('change', applyFilter);
  const headers = Array.from(table.tHead?.rows[0]?.cells ?? []);
  headers.forEach((th, column) => {
    const button = th.querySelector<HTMLButtonElement>('.sos-sort');
    if (!button) return;
    button.addEventListener('click', () => {
      const ascending = th.getAttribute('aria-sort') !== 'ascending';
      for (const other of headers) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      const keyed = rows.map((row, i) => {
        const cell = row.cells[column];
        const key = cell ? (cell.getAttribute('data-sort') ?? cell.textContent ?? '') : '';
        return { row, key: key.trim(), i };
      });
      keyed.sort((a, b) => {
        const c = a.key.localeCompare(b.key, undefined, { numeric: true, sensitivity: 'base' });
        return (ascending ? c : -c) || a.i - b.i;
      });
      for (const k of keyed) body.appendChild(k.row);
      rows = keyed.map((k) => k.row);
      texts = null;
    });
  });
}
