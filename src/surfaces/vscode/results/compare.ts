// Compare with Microsoft Entra ID: VS Code's diff editor between the object in the tenant now
// (read from Microsoft Graph when the diff opens) and the object after this export (the same
// properties with the run's applied changes). Both sides are read-only documents of
// result-documents.ts. A change Graph cannot apply stays as it is on the right: the diff
// shows what the export writes, not what the rules wanted.
import * as vscode from 'vscode';
import type { EntraObjectKind } from '../../../engine/ports/entra-target';
import type { ModifiedProperty, ProvisioningObjectSummary } from '../../../engine/summary/types';
import { redactSummary } from '../../../report/redact';
import type { SessionHost } from '../session-host';
import { readSettings } from '../settings';
import { resultDocumentUri } from './result-documents';

const kinds: Record<string, EntraObjectKind> = { user: 'user', inetorgperson: 'user', group: 'group', contact: 'contact' };

function entraKind(summary: ProvisioningObjectSummary): EntraObjectKind | undefined {
  return kinds[summary.sourceIdentity.identityType.toLowerCase()];
}

function valueOf(text: string | null): unknown {
  if (text === null) return null;
  return text.includes('\n') ? text.split('\n') : text;
}

function sorted(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** The key of an attribute among the object's properties (Graph names differ in case only for most). */
function keyFor(properties: Record<string, unknown>, name: string): string {
  return Object.keys(properties).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
}

export function afterExport(now: Record<string, unknown>, modified: readonly ModifiedProperty[]): Record<string, unknown> {
  const after = { ...now };
  for (const change of modified) if (change.applied) after[keyFor(after, change.displayName)] = valueOf(change.newValue);
  return sorted(after);
}

export class EntraComparison {
  constructor(private readonly sessions: SessionHost) {}

  /** The tenant's object now: its Graph properties, and the run's old value of changed attributes Graph names differently. */
  async tenantNow(summary: ProvisioningObjectSummary): Promise<Record<string, unknown>> {
    const kind = entraKind(summary);
    const id = summary.targetIdentity.id;
    let properties: Record<string, unknown> = {};
    if (kind && id) {
      const object = await (await this.sessions.session()).entraObject(kind, id);
      if (object) properties = { id: object.id, ...object.properties };
    }
    for (const change of summary.modifiedProperties) {
      const key = keyFor(properties, change.displayName);
      if (!(key in properties)) properties[key] = valueOf(change.oldValue);
    }
    // The tenant's values go through the same redaction as the result.
    const names = readSettings().redactAttributes.map((n) => n.toLowerCase());
    for (const key of Object.keys(properties)) if (names.includes(key.toLowerCase())) properties[key] = '[redacted]';
    return sorted(properties);
  }

  async content(kind: 'tenant' | 'after', summary: ProvisioningObjectSummary): Promise<unknown> {
    const now = await this.tenantNow(summary);
    return kind === 'tenant' ? now : afterExport(now, summary.modifiedProperties);
  }

  async open(summary: ProvisioningObjectSummary): Promise<void> {
    const shown = redactSummary(summary, readSettings().redactAttributes);
    const left = resultDocumentUri('tenant', shown, ` (${vscode.l10n.t('Microsoft Entra ID now')})`);
    const right = resultDocumentUri('after', shown, ` (${vscode.l10n.t('after this export')})`);
    const title = vscode.l10n.t('{0}: Microsoft Entra ID now ↔ after this export', shown.sourceIdentity.displayName || shown.id);
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: false });
  }
}
