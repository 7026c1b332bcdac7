// What the harness does in the workbench for the suite (a checkpoint's `ui` list): the
// suite never reaches into the extension; it asks the harness to act as a person would -
// expand the tree, right-click, answer quick picks and input boxes, click modal dialogs,
// read hovers and the view's welcome text - and reads what the person would see.
import type { Frame, Locator, Page } from 'playwright-core';

export type UiStep =
  /** Click the quick pick item whose label starts with `label`; records the pick's title and items. */
  | { do: 'pick'; label: string }
  /** Fill the quick input (once its title contains `title`, if given); Enter unless enter is false. Records title, prompt/validation message, password. */
  | { do: 'type'; text: string; enter?: boolean; title?: string }
  /**
   * VS Code's own file dialog (a quick input): type the file's full path, move down to the file
   * (typing leaves ".." the active entry, and Enter on a folder opens that folder instead), Enter,
   * and check the dialog closed. Records the title and the items.
   */
  | { do: 'openFile'; path: string; title?: string }
  /** VS Code's own save dialog: record the suggested path, type `path`, press Enter; it must close. */
  | { do: 'saveFile'; path: string; title?: string }
  /** Run a command from the Command Palette (F1) by its title. */
  | { do: 'command'; title: string }
  /**
   * Wait until a report panel shows a finished result whose mode badge contains `mode`, that offers
   * `button` and names `dn`; with `fresh`, only a panel opened after this checkpoint began counts
   * (each result has its own panel: an older one of the same object must not pass for it).
   */
  | { do: 'panelWait'; mode?: string; button?: string; dn?: string; fresh?: boolean; timeoutMs?: number }
  /** Record the open quick input (title, message, items, password) and press Escape. */
  | { do: 'escape' }
  /** Record and dismiss (Escape) every quick input that opens, until none has opened for `ms`. */
  | { do: 'dismissPrompts'; ms: number }
  /** Wait `ms`: no quick input and no modal dialog may open (a problem if one does; it is dismissed). */
  | { do: 'expectNothing'; ms: number }
  /** A modal dialog: record its text and click the button. */
  | { do: 'dialog'; button: string }
  /** Tree rows (label at an aria-level): expand, collapse, click, right-click a menu item, hover. */
  | { do: 'expand'; label: string; level?: number }
  | { do: 'collapse'; label: string; level?: number }
  | { do: 'click'; label: string; level?: number }
  | { do: 'context'; label: string; level?: number; item?: string }
  | { do: 'hover'; label: string; level?: number }
  /** Scroll the tree until a row is rendered (virtualized lists render only what is visible). */
  | { do: 'scrollTo'; label: string; level?: number }
  /** The rows of the Active Directory tree, or of the view titled `view` (Recent Results). */
  | { do: 'readTree'; view?: string }
  /** Press a key (Playwright names: 'Enter', 'Control+Alt+F', 'Shift+F10') where the focus is. */
  | { do: 'key'; key: string }
  /** The message a text editor shows over its text (e.g. "Cannot edit in read-only editor"), if one shows within `timeoutMs`. */
  | { do: 'editorMessage'; timeoutMs?: number }
  /** Click a view's section header (collapses or expands that view, as a person does). */
  | { do: 'togglePane'; title: string }
  /** Focus a tree row (click its label, as a person selects it) without opening anything else. */
  | { do: 'focusRow'; label: string; level?: number }
  | { do: 'welcome' }
  /** The report webview: click a button, or post a message as the webview's own script could. */
  | { do: 'panelClick'; button: string }
  | { do: 'forge'; message: unknown }
  | { do: 'panelButtons' }
  | { do: 'wait'; ms: number }
  /** Keyboard only: focus the tree, walk down to each label in turn (ArrowDown), expanding all but the last (ArrowRight). */
  | { do: 'keyTree'; path: { label: string; level: number }[] }
  /** Keyboard only: open the focused row's context menu (Shift+F10), move to the item (ArrowDown), Enter. Records the items. */
  | { do: 'keyMenu'; item: string }
  /**
   * The batch results webview: wait until its phase is one of `phases` (records what it shows).
   * With `title` / `scope`, only a view whose title / scope line contains them counts (the newest
   * such); the view found is the one later batch steps act on while it exists, so an older view
   * (hidden, its context retained) is never read instead.
   */
  | { do: 'batchWait'; phases: string[]; minRows?: number; title?: string; scope?: string; timeoutMs?: number }
  /** The batch results webview: record what it shows (title, progress, counts, rows, focus). */
  | { do: 'batchRead' }
  /** The batch results webview, keyboard only: press each key ("type:text" types) and record the focused element after each; with `until`, repeat the keys until the focused element's data-testid is `until` (at most `max` rounds). */
  | { do: 'batchKeys'; keys: string[]; until?: string; max?: number }
  /** Resize the browser window (the workbench re-lays out), e.g. 900 px wide. */
  | { do: 'viewport'; width: number; height: number }
  /** A notification toast containing `text`: record its message and buttons, click `button`; then answer a modal dialog (`dialogButton`) if one opens within 3 s. */
  | { do: 'notification'; text: string; button?: string; dialogButton?: string; timeoutMs?: number }
  /** A status bar entry whose accessible label contains `label`: record its text and label; click it if asked. */
  | { do: 'statusBar'; label: string; click?: boolean; timeoutMs?: number };

export interface TreeRow {
  label: string;
  description: string;
  level: number;
  expanded: string | null;
  posinset: number;
  setsize: number;
  icon: string;
  /** The icon's computed colour (a dimmed, out-of-scope icon differs from an in-scope one). */
  iconColor: string;
}

const quickInput = (page: Page) => page.locator('.quick-input-widget');
const treeRows = (page: Page) => page.locator('.customview-tree .monaco-list-row');
const dialogBox = (page: Page) => page.locator('.monaco-dialog-box');

async function waitVisible(locator: Locator, timeout = 15_000): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout });
}

async function readQuickInput(page: Page): Promise<Record<string, unknown>> {
  const widget = quickInput(page);
  return {
    title: ((await widget.locator('.quick-input-title').textContent().catch(() => '')) ?? '').trim(),
    message: ((await widget.locator('.quick-input-message').textContent().catch(() => '')) ?? '').trim(),
    placeholder: (await widget.locator('.quick-input-box input').getAttribute('placeholder').catch(() => '')) ?? '',
    password: ((await widget.locator('.quick-input-box input').getAttribute('type').catch(() => '')) ?? '') === 'password',
    items: await widget.locator('.quick-input-list .monaco-list-row').evaluateAll((rows) => rows.map((r) => (r.getAttribute('aria-label') ?? r.textContent ?? '').trim())),
  };
}

async function readRows(page: Page, view?: string): Promise<TreeRow[]> {
  const rows = view
    ? page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: view }) }).locator('.customview-tree .monaco-list-row')
    : page.locator('.pane').filter({ hasNot: page.locator('.pane-header', { hasText: 'Recent Results' }) }).locator('.customview-tree .monaco-list-row');
  return rows.evaluateAll((rows) =>
    rows.map((r) => {
      const icon = r.querySelector('.custom-view-tree-node-item-icon');
      return {
        label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
        description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
        level: Number(r.getAttribute('aria-level') ?? 0),
        expanded: r.getAttribute('aria-expanded'),
        posinset: Number(r.getAttribute('aria-posinset') ?? 0),
        setsize: Number(r.getAttribute('aria-setsize') ?? 0),
        icon: (icon?.className ?? '').split(/\s+/).filter((c) => c.startsWith('codicon-')).join(' '),
        iconColor: icon ? getComputedStyle(icon).color : '',
      };
    }),
  );
}

function rowLocator(page: Page, label: string, level?: number): Locator {
  const rows = treeRows(page).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }) });
  return level === undefined ? rows.first() : rows.and(page.locator(`[aria-level="${level}"]`)).first();
}

/** Scrolls the (virtualized) tree from the top until the row is rendered. */
async function scrollToRow(page: Page, target: Locator): Promise<void> {
  // Focus the list itself: clicking a row would toggle its expansion.
  await page.locator('.customview-tree .monaco-list').first().focus();
  await page.keyboard.press('Home');
  for (let i = 0; i < 80 && !(await target.isVisible().catch(() => false)); i++) {
    await page.keyboard.press('PageDown');
    await page.waitForTimeout(60);
  }
}

async function row(page: Page, label: string, level?: number): Promise<Locator> {
  const found = rowLocator(page, label, level);
  const shown = await found.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
  if (!shown) await scrollToRow(page, found);
  await waitVisible(found, 20_000);
  return found;
}

/** Waits until a row's children are rendered (or it shows it has none). */
async function waitForChildren(page: Page, label: string, level: number | undefined): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const rows = await readRows(page);
    const index = rows.findIndex((r) => r.label === label && (level === undefined || r.level === level));
    const parent = rows[index];
    if (parent?.expanded === 'true' && rows[index + 1] && rows[index + 1]!.level > parent.level) return;
    await page.waitForTimeout(100);
  }
}

/** The panel a panelWait step found; later panel steps act on it while it is still there. */
let lastPanelFrame: Frame | undefined;
/** The batch results view a batchWait step found; later batch steps act on it while it is still there. */
let lastBatchFrame: Frame | undefined;
/** The page's frames when the current checkpoint's steps began: a `fresh` wait skips them. */
let framesAtStart = new Set<Frame>();

/** Is a webview's content frame on screen? It sits inside VS Code's host frame: every frame up to the page must be. */
export async function frameOnScreen(page: Page, frame: Frame): Promise<boolean> {
  for (let f: Frame | null = frame; f && f !== page.mainFrame(); f = f.parentFrame()) {
    const element = await f.frameElement();
    const box = await element.boundingBox();
    if (!box || box.width === 0 || box.height === 0 || !(await element.isVisible())) return false;
  }
  return true;
}

/** Every report webview in the page, those on screen first, newest first. */
export async function reportFramesOf(page: Page): Promise<Frame[]> {
  const on: Frame[] = [];
  const off: Frame[] = [];
  for (const frame of [...page.frames()].reverse()) {
    try {
      if (!(await frame.$('#sos-app'))) continue;
      ((await frameOnScreen(page, frame)) ? on : off).push(frame);
    } catch {
      // frames come and go
    }
  }
  return [...on, ...off];
}

/**
 * The report webview to act on: the one the last panelWait found, else the newest on screen
 * (each result has its own panel; a hidden or older one may still be in the page).
 */
async function reportFrameOf(page: Page): Promise<Frame | undefined> {
  if (lastPanelFrame && !lastPanelFrame.isDetached() && (await lastPanelFrame.$('#sos-app').catch(() => null))) return lastPanelFrame;
  let fallback: Frame | undefined;
  for (const frame of [...page.frames()].reverse()) {
    try {
      if (!(await frame.$('#sos-app'))) continue;
      fallback ??= frame;
      let visible = true;
      for (let f: Frame | null = frame; f && f !== page.mainFrame(); f = f.parentFrame()) {
        const element = await f.frameElement();
        const box = await element.boundingBox();
        if (!box || box.width === 0 || box.height === 0 || !(await element.isVisible())) visible = false;
      }
      if (visible) return frame;
    } catch {
      // frames come and go
    }
  }
  return fallback;
}

/** The batch results view on screen: several may exist (hidden ones keep their context), the visible, newest one counts. */
async function batchFrameOf(page: Page): Promise<Frame | undefined> {
  if (lastBatchFrame && !lastBatchFrame.isDetached() && (await lastBatchFrame.$('#sos-batch').catch(() => null))) return lastBatchFrame;
  let fallback: Frame | undefined;
  let visible: Frame | undefined;
  for (const frame of page.frames()) {
    try {
      if (!(await frame.$('#sos-batch'))) continue;
      fallback = frame;
      // The content frame sits in VS Code's webview host frame, which sits in the workbench.
      const host = frame.parentFrame();
      const element = host ? await host.frameElement() : undefined;
      if (element && (await element.isVisible())) visible = frame;
    } catch {
      // frames come and go
    }
  }
  return visible ?? fallback;
}

/** The batch view's title and scope line (a string: see readBatchScript). */
const batchHeadingScript = `(() => {
  const app = document.getElementById('sos-batch');
  if (!app) return null;
  const of = (id) => ((app.querySelector('[data-testid="' + id + '"]') || {}).textContent || '').trim();
  return { title: of('title'), scope: of('scope') };
})()`;

/** The newest batch results view whose title and scope line contain the given text. */
async function batchFrameMatching(page: Page, title: string | undefined, scope: string | undefined): Promise<Frame | undefined> {
  let found: Frame | undefined;
  for (const frame of page.frames()) {
    try {
      const text = (await frame.evaluate(batchHeadingScript)) as { title: string; scope: string } | null;
      if (text && (!title || text.title.includes(title)) && (!scope || text.scope.includes(scope))) found = frame;
    } catch {
      // frames come and go
    }
  }
  return found;
}

/**
 * What a person sees in the batch results view (text only) and where the focus is. A string,
 * not a function: tsx would wrap the inner helpers in __name(), which the page does not have.
 */
const readBatchScript = `(() => {
  const app = document.getElementById('sos-batch');
  const text = (id) => ((app.querySelector('[data-testid="' + id + '"]') || {}).textContent || '').trim();
  const box = (id) => app.querySelector('[data-testid="' + id + '"]');
  const active = document.activeElement;
  return {
    phase: app.dataset.phase || '',
    title: text('title'),
    mode: text('mode'),
    scope: text('scope'),
    progressText: text('progress-text'),
    cancelVisible: !!box('cancel') && !box('cancel').hidden,
    deletion: box('deletion').hidden ? '' : text('deletion'),
    error: box('error').hidden ? '' : text('error'),
    footer: text('footer'),
    notes: Array.from(app.querySelectorAll('[data-testid="notes"] li')).map((li) => (li.textContent || '').trim()),
    counts: Array.from(app.querySelectorAll('[data-testid^="count-"]')).map((b) => ({ id: b.dataset.testid, text: (b.textContent || '').trim(), pressed: b.getAttribute('aria-pressed') })),
    headers: Array.from(app.querySelectorAll('th')).map((th) => ({ text: (th.textContent || '').trim(), sort: th.getAttribute('aria-sort') })),
    rows: Array.from(app.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.children).map((td) => ((td.classList.contains('name') ? td.firstElementChild : td).textContent || '').trim())),
    focused: active ? { tag: active.tagName.toLowerCase(), testid: (active.dataset && active.dataset.testid) || '', text: (active.textContent || '').trim().slice(0, 200), label: active.getAttribute('aria-label') || '' } : null,
    bodyScrollWidth: document.documentElement.scrollWidth,
    bodyClientWidth: document.documentElement.clientWidth,
  };
})()`;

async function readBatch(frame: Frame): Promise<Record<string, unknown>> {
  return (await frame.evaluate(readBatchScript)) as Record<string, unknown>;
}

async function focusedTreeRow(page: Page): Promise<{ label: string; level: number } | undefined> {
  return page
    .locator('.customview-tree .monaco-list-row.focused')
    .first()
    .evaluate((r) => ({ label: (r.querySelector('.label-name')?.textContent ?? '').trim(), level: Number(r.getAttribute('aria-level') ?? 0) }))
    .catch(() => undefined);
}

async function dismissDialogIfAny(page: Page): Promise<string | undefined> {
  if (!(await dialogBox(page).isVisible().catch(() => false))) return undefined;
  const text = ((await dialogBox(page).textContent()) ?? '').trim();
  await dialogBox(page).locator('.dialog-buttons .monaco-button', { hasText: 'Cancel' }).first().click({ timeout: 5000 }).catch(() => page.keyboard.press('Escape'));
  return text;
}

/** Tree steps are retried: a refresh (a changed setting, new credentials) re-renders the rows under them. */
const treeSteps = new Set<UiStep['do']>(['expand', 'collapse', 'click', 'context', 'hover', 'scrollTo']);

export async function runUiSteps(page: Page, steps: UiStep[], problems: string[]): Promise<Record<string, unknown>[]> {
  const results: Record<string, unknown>[] = [];
  framesAtStart = new Set(page.frames());
  for (const step of steps) {
    const result: Record<string, unknown> = { do: step.do };
    results.push(result);
    const attempts = treeSteps.has(step.do) ? 3 : 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await runStep(page, step, result);
        break;
      } catch (error) {
        if (attempt < attempts) {
          await page.keyboard.press('Escape').catch(() => undefined);
          await page.waitForTimeout(1000);
          continue;
        }
        problems.push(`ui step ${JSON.stringify(step)}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
        return results;
      }
    }
  }
  return results;
}

async function runStep(page: Page, step: UiStep, result: Record<string, unknown>): Promise<void> {
  switch (step.do) {
    case 'pick': {
      await waitVisible(quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: step.label }));
      Object.assign(result, await readQuickInput(page));
      // As a person picks with the keyboard: filter by the label, then Enter.
      const filter = quickInput(page).locator('.quick-input-box input');
      await filter.fill(step.label);
      await page.waitForTimeout(200);
      await filter.press('Enter');
      break;
    }
    case 'command': {
      await page.keyboard.press('F1');
      const input = quickInput(page).locator('.quick-input-box input');
      await waitVisible(input);
      await input.fill(`>${step.title}`);
      await waitVisible(quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: step.title }));
      await input.press('Enter');
      await page.waitForTimeout(300);
      break;
    }
    case 'panelWait': {
      const until = Date.now() + (step.timeoutMs ?? 60_000);
      let seen: Record<string, unknown> = {};
      const wanted = () =>
        seen.phase === 'finished' &&
        (!step.mode || String(seen.mode).startsWith(step.mode)) &&
        (!step.button || ((seen.buttons as string[] | undefined) ?? []).includes(step.button)) &&
        (!step.dn || String(seen.dn).toLowerCase() === step.dn.toLowerCase());
      // Each result has its own panel: any report webview may be the one showing the result.
      search: while (Date.now() < until) {
        for (const frame of await reportFramesOf(page)) {
          if (step.fresh && framesAtStart.has(frame)) continue;
          seen = await frame
            .evaluate(() => {
              const app = document.getElementById('sos-app')!;
              return {
                phase: app.dataset.phase ?? '',
                mode: (app.querySelector('[data-testid="mode"]')?.textContent ?? '').trim(),
                status: app.querySelector('[data-testid="status"]')?.getAttribute('data-status') ?? '',
                dn: (app.querySelector('[data-testid="dn"]')?.textContent ?? '').trim(),
                buttons: Array.from(app.querySelectorAll('vscode-button')).map((b) => (b.textContent ?? '').trim()),
              };
            })
            .catch(() => ({}));
          if (wanted()) {
            lastPanelFrame = frame;
            break search;
          }
        }
        await page.waitForTimeout(200);
      }
      Object.assign(result, seen);
      if (!wanted()) {
        throw new Error(`no ${step.fresh ? 'new ' : ''}panel showed a finished ${step.mode ?? ''} result${step.dn ? ` of ${step.dn}` : ''} offering ${step.button ?? 'its actions'}: ${JSON.stringify(seen)}`);
      }
      break;
    }
    case 'type': {
      const input = quickInput(page).locator('.quick-input-box input');
      if (step.title) await waitVisible(quickInput(page).locator('.quick-input-title', { hasText: step.title }));
      await waitVisible(input);
      await input.fill(step.text);
      await page.waitForTimeout(250); // validation runs after input
      Object.assign(result, await readQuickInput(page));
      if (step.enter !== false) await input.press('Enter');
      break;
    }
    case 'saveFile': {
      const input = quickInput(page).locator('.quick-input-box input');
      if (step.title) await waitVisible(quickInput(page).locator('.quick-input-title', { hasText: step.title }));
      await waitVisible(input);
      // The dialog fills in its folder first and the suggested file name after it (seen: a run
      // read the folder alone): wait for a name with an extension.
      for (let i = 0; i < 100 && !/\.[a-z0-9]+$/i.test(await input.inputValue()); i++) await page.waitForTimeout(100);
      result.suggested = await input.inputValue();
      await input.fill(step.path);
      await page.waitForTimeout(300);
      await input.press('Enter');
      await quickInput(page).waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {
        throw new Error(`the save dialog stayed open after Enter on ${step.path}`);
      });
      break;
    }
    case 'openFile': {
      const input = quickInput(page).locator('.quick-input-box input');
      if (step.title) await waitVisible(quickInput(page).locator('.quick-input-title', { hasText: step.title }));
      await waitVisible(input);
      // The dialog first fills in its start folder and lists it; a path typed before that is
      // not listed (seen under load): wait for the start folder, and nudge the input if the
      // typed path's folder is not listed (a space and Backspace, as a person would retype).
      for (let i = 0; i < 100 && (await input.inputValue()) === ''; i++) await page.waitForTimeout(100);
      await page.waitForTimeout(300);
      await input.fill(step.path);
      const name = step.path.split(/[\\/]/).pop()!;
      const fileRow = quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: name });
      for (let attempt = 0; attempt < 4 && !(await fileRow.first().waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false)); attempt++) {
        await input.press('End');
        await input.press('Space');
        await input.press('Backspace');
      }
      await waitVisible(fileRow, 3000).catch(() => {
        throw new Error(`the file dialog never listed ${name} (value ${step.path})`);
      });
      // Typing the path lists the folder but leaves ".." the active entry: move down to the file, as a person would.
      // (Only rows on screen, by their label: a row's text may hold a hidden detail of an earlier quick input.)
      const focusedNames = async () =>
        quickInput(page)
          .locator('.quick-input-list .monaco-list-row.focused')
          .evaluateAll((rows) => rows.filter((r) => r.getClientRects().length > 0).map((r) => (r.querySelector('.label-name')?.textContent ?? r.getAttribute('aria-label') ?? '').trim()));
      const onFile = async () => (await focusedNames()).some((t) => t.includes(name));
      for (let n = 0; n < 30 && !(await onFile()); n++) {
        await input.press('ArrowDown');
        await page.waitForTimeout(100);
      }
      if (!(await onFile())) throw new Error(`the file dialog never highlighted ${name} (at ${JSON.stringify(await focusedNames())})`);
      Object.assign(result, await readQuickInput(page));
      await input.press('Enter');
      await quickInput(page).waitFor({ state: 'hidden', timeout: 10_000 }).catch(async () => {
        throw new Error(`the file dialog stayed open after Enter on ${step.path}: ${JSON.stringify(await readQuickInput(page))}`);
      });
      break;
    }
    case 'escape': {
      await waitVisible(quickInput(page));
      Object.assign(result, await readQuickInput(page));
      await page.keyboard.press('Escape');
      await quickInput(page).waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
      break;
    }
    case 'dismissPrompts': {
      const seen: Record<string, unknown>[] = [];
      let until = Date.now() + step.ms;
      while (Date.now() < until) {
        if (await quickInput(page).isVisible().catch(() => false)) {
          seen.push(await readQuickInput(page));
          await page.keyboard.press('Escape');
          await quickInput(page).waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
          until = Date.now() + step.ms;
        }
        await page.waitForTimeout(100);
      }
      result.prompts = seen;
      break;
    }
    case 'expectNothing': {
      const until = Date.now() + step.ms;
      const seen: string[] = [];
      while (Date.now() < until) {
        const dialog = await dismissDialogIfAny(page);
        if (dialog) seen.push(`dialog: ${dialog}`);
        if (await quickInput(page).isVisible().catch(() => false)) {
          seen.push(`quick input: ${JSON.stringify(await readQuickInput(page))}`);
          await page.keyboard.press('Escape');
        }
        await page.waitForTimeout(100);
      }
      result.seen = seen;
      break;
    }
    case 'notification': {
      // A toast, or (when toasts are hidden, e.g. Do Not Disturb) the notification center.
      const inToasts = page.locator('.notifications-toasts .notification-list-item', { hasText: step.text }).first();
      const inCenter = page.locator('.notifications-center .notification-list-item', { hasText: step.text }).first();
      const until = Date.now() + (step.timeoutMs ?? 30_000);
      const center = page.locator('.notifications-center');
      const toggleCenter = () => page.locator('[id="status.notifications"] a, [id="status.notifications"]').first().click({ timeout: 5000 }).catch(() => undefined);
      let toast: Locator | undefined;
      while (!toast) {
        if (await inToasts.isVisible()) toast = inToasts;
        else if (await inCenter.isVisible()) toast = inCenter;
        else {
          if (Date.now() > until) throw new Error(`no notification containing "${step.text}"`);
          // While the center is open, VS Code keeps the focused entry where it is and a new
          // notification goes in above it, scrolled out of the (virtual) list: reopening the
          // center shows the newest first. (Toasts do not show while the center is open.)
          if (await center.isVisible()) await toggleCenter();
          await toggleCenter();
          await page.waitForTimeout(500);
        }
      }
      result.message = ((await toast.locator('.notification-list-item-message').first().textContent().catch(() => '')) ?? '').trim();
      // What VS Code made a link of in the message (it runs command: links when clicked).
      result.links = await toast.locator('.notification-list-item-message a').evaluateAll((as) => as.map((a) => `${(a.textContent ?? '').trim()} -> ${a.getAttribute('href') ?? a.getAttribute('data-href') ?? a.getAttribute('title') ?? ''}`));
      result.buttons = await toast.locator('.monaco-button').evaluateAll((bs) => bs.map((b) => (b.textContent ?? '').trim()));
      if (step.button) {
        await toast.locator('.monaco-button', { hasText: step.button }).first().click({ timeout: 10_000 });
        if (step.dialogButton) {
          const opened = await dialogBox(page).waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
          if (opened) {
            result.dialog = ((await dialogBox(page).locator('.dialog-message-text').textContent().catch(() => '')) ?? '').trim();
            await dialogBox(page).locator('.dialog-buttons .monaco-button', { hasText: step.dialogButton }).first().click({ timeout: 10_000 });
          }
        }
      }
      // Leave the center closed, so the next notification shows as a toast.
      if (await center.isVisible()) await toggleCenter();
      break;
    }
    case 'statusBar': {
      const entry = page.locator(`#workbench\\.parts\\.statusbar [aria-label*="${step.label.replace(/"/g, '\\"')}"]`).first();
      await waitVisible(entry, step.timeoutMs ?? 15_000);
      result.text = ((await entry.textContent().catch(() => '')) ?? '').trim();
      result.label = (await entry.getAttribute('aria-label')) ?? '';
      if (step.click) await entry.click();
      break;
    }
    case 'dialog': {
      await waitVisible(dialogBox(page));
      result.message = ((await dialogBox(page).locator('.dialog-message-text').textContent().catch(() => '')) ?? '').trim();
      result.detail = ((await dialogBox(page).locator('.dialog-message-detail').textContent().catch(() => '')) ?? '').trim();
      result.buttons = await dialogBox(page).locator('.dialog-buttons .monaco-button').evaluateAll((bs) => bs.map((b) => (b.textContent ?? '').trim()));
      await dialogBox(page).locator('.dialog-buttons .monaco-button', { hasText: step.button }).first().click({ timeout: 10_000 });
      await dialogBox(page).waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
      break;
    }
    case 'expand':
    case 'collapse': {
      const target = await row(page, step.label, step.level);
      const expanded = await target.getAttribute('aria-expanded', { timeout: 5000 });
      const want = step.do === 'expand' ? 'true' : 'false';
      const started = Date.now();
      if (expanded !== want) await target.locator('.monaco-tl-twistie').click();
      if (step.do === 'expand') await waitForChildren(page, step.label, step.level);
      result.ms = Date.now() - started;
      break;
    }
    case 'click': {
      await (await row(page, step.label, step.level)).click();
      break;
    }
    case 'context': {
      await (await row(page, step.label, step.level)).click({ button: 'right' });
      const menu = page.locator('.context-view .monaco-menu, .monaco-menu-container .monaco-menu').first();
      await waitVisible(menu, 10_000);
      result.items = await menu.locator('.action-item .action-label').evaluateAll((as) => as.map((a) => (a.getAttribute('aria-label') ?? a.textContent ?? '').trim()).filter((t) => t !== ''));
      if (step.item) {
        const item = menu.locator('.action-item .action-label', { hasText: step.item }).first();
        await item.click({ timeout: 10_000 });
        // A click while the menu is still opening can be swallowed (seen under load): when the
        // menu is still open half a second later, choose the item with the keyboard instead.
        await page.waitForTimeout(500);
        if (await menu.isVisible().catch(() => false)) {
          await item.hover();
          await page.keyboard.press('Enter');
        }
      } else await page.keyboard.press('Escape');
      break;
    }
    case 'hover': {
      const target = await row(page, step.label, step.level);
      await target.locator('.label-name').hover();
      const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: /\S/ }).first();
      await waitVisible(hover, 10_000);
      result.text = ((await hover.textContent()) ?? '').trim();
      await page.mouse.move(5, 5);
      break;
    }
    case 'scrollTo': {
      const target = rowLocator(page, step.label, step.level);
      await scrollToRow(page, target);
      await waitVisible(target, 5000);
      break;
    }
    case 'readTree':
      result.rows = await readRows(page, step.view);
      break;
    case 'key':
      await page.keyboard.press(step.key);
      await page.waitForTimeout(300);
      break;
    case 'editorMessage': {
      const message = page.locator('.monaco-editor-overlaymessage').filter({ hasText: /\S/ }).first();
      const shown = await message.waitFor({ state: 'visible', timeout: step.timeoutMs ?? 3000 }).then(() => true, () => false);
      result.text = shown ? ((await message.textContent().catch(() => '')) ?? '').trim() : '';
      break;
    }
    case 'togglePane': {
      // The title itself: the header's middle may be one of the view's action buttons.
      await page.locator('.pane-header', { hasText: step.title }).first().locator('.title').first().click();
      await page.waitForTimeout(400);
      break;
    }
    case 'focusRow': {
      await (await row(page, step.label, step.level)).locator('.label-name').click();
      await page.waitForTimeout(200);
      break;
    }
    case 'welcome': {
      const welcome = page.locator('.welcome-view-content').first();
      await waitVisible(welcome, 15_000);
      result.text = ((await welcome.textContent()) ?? '').trim();
      result.buttons = await welcome.locator('.monaco-button, a').evaluateAll((bs) => bs.map((b) => (b.textContent ?? '').trim()).filter((t) => t !== ''));
      break;
    }
    case 'panelClick': {
      const frame = await reportFrameOf(page);
      if (!frame) throw new Error('no report webview');
      await frame.locator('vscode-button', { hasText: step.button }).first().click({ timeout: 10_000 });
      break;
    }
    case 'panelButtons': {
      const frame = await reportFrameOf(page);
      if (!frame) throw new Error('no report webview');
      result.buttons = await frame.locator('vscode-button').evaluateAll((bs) => bs.map((b) => (b.textContent ?? '').trim()));
      break;
    }
    case 'forge': {
      // Exactly what a script inside the webview can do (acquireVsCodeApi's own channel).
      const frame = await reportFrameOf(page);
      if (!frame) throw new Error('no report webview');
      // The content frame's acquireVsCodeApi posts through its host frame's function (the
      // content frame itself sees window.parent === window).
      const host = frame.parentFrame();
      if (!host) throw new Error('the report webview has no host frame');
      await host.evaluate((message) => {
        (window as unknown as Record<string, (channel: string, data: unknown) => void>)['__vscode_post_message__']!('onmessage', { message });
      }, step.message);
      break;
    }
    case 'wait':
      await page.waitForTimeout(step.ms);
      break;
    case 'keyTree': {
      // As the view's focus command leaves it: keyboard focus in the list, on its first row.
      await page.locator('.customview-tree .monaco-list').first().focus();
      await page.keyboard.press('Home');
      const walked: string[] = [];
      for (const [i, target] of step.path.entries()) {
        let at = await focusedTreeRow(page);
        for (let n = 0; n < 400 && !(at?.label === target.label && at.level === target.level); n++) {
          await page.keyboard.press('ArrowDown');
          await page.waitForTimeout(40);
          at = await focusedTreeRow(page);
          if (n > 0 && n % 50 === 0) await page.waitForTimeout(500); // children still loading
        }
        if (!(at?.label === target.label && at.level === target.level)) throw new Error(`keyboard focus never reached ${target.label} (level ${target.level}); at ${JSON.stringify(at)}`);
        walked.push(target.label);
        if (i < step.path.length - 1) {
          const row = page.locator('.customview-tree .monaco-list-row.focused').first();
          if ((await row.getAttribute('aria-expanded')) !== 'true') await page.keyboard.press('ArrowRight');
          await waitForChildren(page, target.label, target.level);
        }
      }
      result.walked = walked;
      break;
    }
    case 'keyMenu': {
      await page.keyboard.press('Shift+F10');
      const menu = page.locator('.context-view .monaco-menu, .monaco-menu-container .monaco-menu').first();
      await waitVisible(menu, 10_000);
      result.items = await menu.locator('.action-item .action-label').evaluateAll((as) => as.map((a) => (a.getAttribute('aria-label') ?? a.textContent ?? '').trim()).filter((t) => t !== ''));
      const focusedItem = async () => ((await menu.locator('.action-item.focused .action-label').first().textContent().catch(() => '')) ?? '').trim();
      let seen = await focusedItem();
      for (let n = 0; n < 30 && seen !== step.item; n++) {
        await page.keyboard.press('ArrowDown');
        await page.waitForTimeout(60);
        seen = await focusedItem();
      }
      if (seen !== step.item) throw new Error(`the context menu has no ${step.item}: ${JSON.stringify(result.items)}`);
      await page.keyboard.press('Enter');
      break;
    }
    case 'batchWait': {
      const until = Date.now() + (step.timeoutMs ?? 120_000);
      let seen: Record<string, unknown> = {};
      const done = () => step.phases.includes(String(seen.phase)) && ((seen.rows as unknown[] | undefined)?.length ?? 0) >= (step.minRows ?? 0);
      // A matched view is polled alone once found (one frame keeps up with a fast run).
      const matched = step.title !== undefined || step.scope !== undefined;
      let frame: Frame | undefined;
      while (Date.now() < until) {
        if (matched) frame = frame && !frame.isDetached() ? frame : await batchFrameMatching(page, step.title, step.scope);
        else frame = await batchFrameOf(page);
        seen = frame ? await readBatch(frame).catch(() => ({})) : {};
        if (done()) break;
        await page.waitForTimeout(100);
      }
      if (frame && done()) lastBatchFrame = frame;
      Object.assign(result, seen);
      if (!done()) throw new Error(`the batch view did not reach ${step.phases.join('/')}: ${JSON.stringify({ ...seen, rows: (seen.rows as unknown[] | undefined)?.length })}`);
      break;
    }
    case 'batchRead': {
      const frame = await batchFrameOf(page);
      if (!frame) throw new Error('no batch results webview');
      Object.assign(result, await readBatch(frame));
      break;
    }
    case 'batchKeys': {
      const frame = await batchFrameOf(page);
      if (!frame) throw new Error('no batch results webview');
      const focus: { testid?: string }[] = [];
      const rounds = step.until ? step.max ?? 20 : 1;
      for (let round = 0; round < rounds && !(step.until && focus.at(-1)?.testid === step.until); round++) {
        for (const key of step.keys) {
          if (key.startsWith('type:')) await page.keyboard.type(key.slice(5), { delay: 20 });
          else await page.keyboard.press(key);
          await page.waitForTimeout(150);
          focus.push((await readBatch(frame)).focused as { testid?: string });
        }
      }
      result.focus = focus;
      if (step.until && focus.at(-1)?.testid !== step.until) throw new Error(`the keyboard focus never reached ${step.until}: ${JSON.stringify(focus)}`);
      Object.assign(result, await readBatch(frame));
      break;
    }
    case 'viewport':
      await page.setViewportSize({ width: step.width, height: step.height });
      await page.waitForTimeout(800);
      break;
  }
}
