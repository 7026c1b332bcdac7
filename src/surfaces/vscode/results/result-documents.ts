// Read-only JSON documents for results, served by a TextDocumentContentProvider under the
// extension's own scheme: no dirty Untitled-N tab, no "Save changes?", titled by the object
// ("Alice Wu · Preview · Success.json"). Three kinds share the scheme:
//   /result/<id>/<title>.json   the provisioningObjectSummary
//   /tenant/<id>/<title>.json   the object in Microsoft Entra ID now (Compare, left)
//   /after/<id>/<title>.json    the object after this export (Compare, right)
import * as vscode from 'vscode';
import type { ProvisioningObjectSummary } from '../../../engine/summary/types';
import { redactSummary } from '../../../report/redact';
import { readSettings } from '../settings';
import { resultTitle, type ResultStore } from './result-store';

export const resultScheme = 'single-object-sync';
export type ResultDocumentKind = 'result' | 'tenant' | 'after';

/** A file name from untrusted text: no path separators or control characters. */
function fileNameOf(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').slice(0, 150);
}

export function resultDocumentUri(kind: ResultDocumentKind, summary: ProvisioningObjectSummary, suffix = ''): vscode.Uri {
  return vscode.Uri.from({ scheme: resultScheme, path: `/${kind}/${summary.id}/${fileNameOf(resultTitle(summary) + suffix)}.json` });
}

export function parseResultDocumentUri(uri: vscode.Uri): { kind: ResultDocumentKind; id: string } | undefined {
  const [, kind, id] = uri.path.split('/');
  if ((kind === 'result' || kind === 'tenant' || kind === 'after') && id) return { kind, id };
  return undefined;
}

/** What the tenant and after documents show, computed by compare.ts. */
export type ComparisonSource = (kind: 'tenant' | 'after', summary: ProvisioningObjectSummary) => Promise<unknown>;

export class ResultDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly store: ResultStore,
    private readonly comparison: ComparisonSource,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const parsed = parseResultDocumentUri(uri);
    if (!parsed) return '';
    const summary = await this.store.get(parsed.id);
    if (!summary) return `${JSON.stringify({ error: vscode.l10n.t('This result is no longer kept (deleted from Recent Results or the state folder).') }, null, 2)}\n`;
    // The document shows what the panel shows: the redaction setting applies.
    const redacted = redactSummary(summary, readSettings().redactAttributes);
    const content = parsed.kind === 'result' ? redacted : await this.comparison(parsed.kind, redacted);
    return `${JSON.stringify(content, null, 2)}\n`;
  }

  /** Opens a result's JSON (read-only) beside the panel; an open one is shown again. */
  async open(summary: ProvisioningObjectSummary, viewColumn: vscode.ViewColumn, preserveFocus = false): Promise<vscode.TextEditor> {
    // Titled from the redacted copy: a redacted display name does not reach the tab either.
    const document = await vscode.workspace.openTextDocument(resultDocumentUri('result', redactSummary(summary, readSettings().redactAttributes)));
    if (document.languageId !== 'json') await vscode.languages.setTextDocumentLanguage(document, 'json');
    return vscode.window.showTextDocument(document, { preview: false, viewColumn, preserveFocus });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
