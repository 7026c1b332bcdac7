// The batch results view: one webview panel per batch run (preview of a container, or a
// what-if). Strict CSP like the report panel (default-src 'none', nonce script, styles from
// media/). The host keeps the rows it sent, by index: a row the webview asks to open is
// looked up there, so the webview never names a DN the host then acts on.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import {
  batchViewType,
  emptyBatchViewState,
  isBatchWebviewMessage,
  reduceBatch,
  type BatchRowView,
  type BatchViewState,
  type HostMessage,
  type WebviewMessage,
} from '../../../../webview/batch/protocol';
import { log } from '../log';

export interface BatchPanelActions {
  /** The user asked to stop: no new object starts; what was done is kept. */
  cancel(): void;
  /** Opens the report panel of this row's object. */
  openRow(row: BatchRowView): Promise<void>;
}

/** Rows are sent at most this often while a batch runs (thousands of objects a minute). */
const flushEveryMs = 250;

export class BatchResultsPanel implements vscode.Disposable {
  private state: BatchViewState = emptyBatchViewState;
  private ready = false;
  private readonly rowsByIndex = new Map<number, BatchRowView>();
  private pendingRows: BatchRowView[] = [];
  private pendingProgress: Extract<HostMessage, { type: 'progress' }>['progress'] | undefined;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly closed = new vscode.EventEmitter<void>();
  /** Fires when the user closes the view (the run is then cancelled). */
  readonly onDidClose = this.closed.event;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly actions: BatchPanelActions,
  ) {
    panel.webview.html = batchHtml(panel.webview, extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity-bar.svg');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
    );
  }

  static open(extensionUri: vscode.Uri, title: string, actions: BatchPanelActions): BatchResultsPanel {
    const panel = vscode.window.createWebviewPanel(batchViewType, title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, {
      enableScripts: true,
      enableCommandUris: false,
      // The table, its filter and its focus survive when the report panel covers this one.
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist')],
    });
    return new BatchResultsPanel(panel, extensionUri, actions);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  get currentState(): BatchViewState {
    return this.state;
  }

  post(message: HostMessage): void {
    if (this.disposed) return;
    if (message.type !== 'progress') this.flush();
    if (message.type === 'progress') for (const r of message.rows) this.rowsByIndex.set(r.index, r);
    this.state = reduceBatch(this.state, message);
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  /** Queues rows and progress; sent together at most every 250 ms. */
  progress(progress: Extract<HostMessage, { type: 'progress' }>['progress'], rows: BatchRowView[] = []): void {
    this.pendingRows.push(...rows);
    this.pendingProgress = progress;
    this.timer ??= setTimeout(() => this.flush(), flushEveryMs);
  }

  /** Sends what is queued now (before 'finished', so the last rows come first). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pendingProgress) return;
    const message: HostMessage = { type: 'progress', progress: this.pendingProgress, rows: this.pendingRows };
    this.pendingRows = [];
    this.pendingProgress = undefined;
    this.post(message);
  }

  private receive(message: unknown): void {
    if (!isBatchWebviewMessage(message)) {
      log().warn('Batch results: ignored a malformed message from the webview.');
      return;
    }
    void this.handle(message).catch((error: unknown) => log().error(`Batch results: ${message.type} failed: ${String(error)}`));
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        void this.panel.webview.postMessage({ type: 'restore', state: this.state } satisfies HostMessage);
        return;
      case 'cancel':
        this.actions.cancel();
        return;
      case 'openRow': {
        const row = this.rowsByIndex.get(message.index);
        if (!row) return;
        await this.actions.openRow(row);
        return;
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.closed.fire();
    this.closed.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function batchHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'batch-webview.js'));
  const styles = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'batch.css'));
  const csp = ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src ${webview.cspSource}`, `font-src ${webview.cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="${vscode.env.language.replace(/[^A-Za-z0-9-]/g, "")}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Single Object Sync</title>
<link rel="stylesheet" href="${styles.toString()}">
</head>
<body>
<main id="sos-batch" data-phase="idle"></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
