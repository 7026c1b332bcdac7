// The report panel's host: a webview beside the editor showing the steps live while a sync runs,
// then the report's four tabs. Strict CSP (default-src 'none', nonce scripts and styles,
// no 'unsafe-inline'); resources only from the extension's media/ and dist/. The host keeps
// the same PanelState as the webview (both apply protocol.reduce) for display.
//
// Actions are not trusted to the webview: for each result the host makes an offer (a random
// id and the buttons it allows) and keeps the result the actions act on. A message from the
// webview runs only when it names the current offer and an action in it; the DN, the mode
// and the summary come from the host's record, never from the message or the webview's
// saved state. After a window reload the panel is restored for reading only: no offer.
import { randomBytes, randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { ProvisioningObjectSummary } from '../../../engine/summary/types';
import { reportStyles } from '../../../report';
import { conflictingObjects } from '../../../report/tabs/troubleshooting';
import {
  emptyPanelState,
  isPanelAction,
  isWebviewMessage,
  reduce,
  reportViewType,
  type ErrorView,
  type HostMessage,
  type PanelAction,
  type PanelState,
  type RenderedReport,
  type WebviewMessage,
} from '../../../../webview/protocol';
import { panelStrings } from './strings';
import { log } from '../log';

/** The result a panel action acts on: the host's own record of the run it showed. */
export interface OfferedResult {
  distinguishedName: string;
  stagingMode: boolean;
  summary?: ProvisioningObjectSummary;
}

export interface PanelActions {
  openJson(result: OfferedResult): Promise<void>;
  saveHtmlReport(result: OfferedResult): Promise<void>;
  compareWithEntra(result: OfferedResult): Promise<void>;
  runAgain(result: OfferedResult): Promise<void>;
  runWithExport(result: OfferedResult): Promise<void>;
}

interface Offer {
  id: string;
  actions: ReadonlySet<PanelAction>;
  result: OfferedResult;
}

export class ReportPanel implements vscode.Disposable {
  private static current: ReportPanel | undefined;
  private state: PanelState;
  private offer: Offer | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly readyWaiters: (() => void)[] = [];

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly actions: PanelActions,
    restored?: PanelState,
  ) {
    this.state = restored ?? emptyPanelState;
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = panelHtml(panel.webview, extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity-bar.svg');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
    );
    if (restored) this.post({ type: 'restore', state: restored });
  }

  /**
   * The panel for a new run: each result keeps its own panel (titled by the object, the mode
   * and the result), so a new run opens a new one beside it; only an empty panel is reused.
   */
  static show(extensionUri: vscode.Uri, actions: PanelActions): ReportPanel {
    const existing = ReportPanel.current;
    if (existing && existing.state.phase === 'idle') {
      existing.panel.reveal(existing.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
      return existing;
    }
    const column = existing?.panel.viewColumn ?? vscode.ViewColumn.Beside;
    const panel = vscode.window.createWebviewPanel(reportViewType, vscode.l10n.t('Single Object Sync'), { viewColumn: column, preserveFocus: true }, webviewOptions(extensionUri));
    ReportPanel.current = new ReportPanel(panel, extensionUri, actions);
    return ReportPanel.current;
  }

  static active(): ReportPanel | undefined {
    return ReportPanel.current;
  }

  /** After a window reload: the serializer gives back the panel and the webview's state, shown read-only. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, actions: PanelActions, saved: unknown): ReportPanel {
    // The saved state is the webview's: it may be shown, never acted on.
    const state: PanelState = isPanelState(saved) ? { ...saved, offer: undefined, restored: true } : emptyPanelState;
    // Every result had its own panel: each comes back (the last one revived is the current one).
    ReportPanel.current = new ReportPanel(panel, extensionUri, actions, state);
    return ReportPanel.current;
  }

  get currentState(): PanelState {
    return this.state;
  }

  /** Applies the message to the host's state and forwards it; before 'ready' the webview gets the whole state then. */
  post(message: HostMessage): void {
    if (message.type === 'runStarted') this.offer = undefined; // a running sync offers nothing
    this.state = reduce(this.state, message);
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  /** Shows a finished result with the actions offered for it. */
  finished(result: OfferedResult & { summary: ProvisioningObjectSummary }, report: RenderedReport, actions: PanelAction[]): void {
    this.panel.title = report.title;
    this.post({ type: 'runFinished', summary: result.summary, report, offer: this.makeOffer(result, actions) });
  }

  /** Shows a failed run with the actions offered for it. */
  failed(result: OfferedResult, error: ErrorView, actions: PanelAction[]): void {
    const name = /^[^=]+=((?:\\.|[^,\\])*)/.exec(result.distinguishedName)?.[1]?.replace(/\\(.)/g, '$1') ?? result.distinguishedName;
    this.panel.title = vscode.l10n.t('{0} · {1} · Failed', name, result.stagingMode ? vscode.l10n.t('Preview') : vscode.l10n.t('Sync'));
    this.post({ type: 'runFailed', error, offer: this.makeOffer(result, actions) });
  }

  private makeOffer(result: OfferedResult, actions: PanelAction[]): { id: string; actions: PanelAction[] } {
    this.offer = { id: randomUUID(), actions: new Set(actions), result };
    return { id: this.offer.id, actions: [...actions] };
  }

  /** Resolves once the webview script has loaded and asked for messages. */
  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  private receive(message: unknown): void {
    if (!isWebviewMessage(message)) {
      log().warn('Report panel: ignored a malformed message from the webview.');
      return;
    }
    void this.handle(message).catch((error: unknown) => log().error(`Report panel action ${message.type} failed: ${String(error)}`));
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        // A fresh webview (or one restored from its own state) gets its words, then the host's full state.
        void this.panel.webview.postMessage({ type: 'strings', strings: panelStrings() } satisfies HostMessage);
        void this.panel.webview.postMessage({ type: 'restore', state: this.state } satisfies HostMessage);
        for (const resolve of this.readyWaiters.splice(0)) resolve();
        return;
      case 'tabSelected':
        this.state = { ...this.state, selectedTab: message.index };
        return;
      case 'previewObject': {
        // Only a DN that the host's own result names as a conflicting object, for the current offer.
        const offer = this.offer;
        const known = (offer?.result.summary ? conflictingObjects(offer.result.summary) : []).map((c) => c.onPremisesDistinguishedName).filter((dn): dn is string => !!dn);
        if (!offer || message.offer !== offer.id || !known.includes(message.distinguishedName)) {
          log().warn('Report panel: ignored previewObject: not a conflicting object of the result shown.');
          return;
        }
        await vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName', message.distinguishedName, { stagingMode: true });
        return;
      }
      default: {
        if (!isPanelAction(message.type) || !('offer' in message)) return;
        const offer = this.offer;
        if (!offer || message.offer !== offer.id || !offer.actions.has(message.type)) {
          log().warn(`Report panel: ignored ${message.type}: not offered for the result shown${this.state.restored ? ' (restored after a window reload)' : ''}.`);
          return;
        }
        return this.actions[message.type](offer.result);
      }
    }
  }

  dispose(): void {
    if (ReportPanel.current === this) ReportPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/** The column for a result's JSON: not the panel's. */
export function jsonColumn(): vscode.ViewColumn {
  const panelColumn = ReportPanel.active()?.panel.viewColumn;
  return panelColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
}

function isPanelState(value: unknown): value is PanelState {
  return typeof value === 'object' && value !== null && Array.isArray((value as PanelState).steps) && typeof (value as PanelState).phase === 'string';
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist')],
  };
}

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const styles = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css'));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  // reportStyles is constant CSS from src/report (no data), so it may sit in a nonce'd <style>.
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Single Object Sync</title>
<style nonce="${nonce}">${reportStyles.replace(/<\/style/gi, '<\\/style')}</style>
<link rel="stylesheet" href="${styles.toString()}">
</head>
<body>
<main id="sos-app" class="sos-palette" data-phase="idle"></main>
<script nonce="${nonce}">window.litNonce = ${JSON.stringify(nonce)};</script>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
