// Past results, kept in the state folder of the configuration in use (<stateDir>/results,
// one owner-only JSON file per run), so they survive a window reload and the CLI's state
// folder holds them too. Bounded: the newest maxKept files stay; older ones are deleted.
// A new configuration is another state folder: other results (a change, for the view).
import { readdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { makeOwnerOnlyDirectory, OWNER_ONLY_FILE } from '../../../adapters/io/owner-only';
import { readRegularFile } from '../../../adapters/io/read-bounded';
import type { ProvisioningObjectSummary } from '../../../engine/summary/types';
import { log } from '../log';
import type { SessionHost } from '../session-host';

/** Runs kept on disk; the oldest beyond this are deleted when a new one is saved. */
export const maxKeptResults = 100;
/** Summaries kept in memory for the open documents and the panel (least recently used out). */
const maxCachedSummaries = 20;
/** A result file larger than this is not read (a result is tens of KiB). */
const maxResultFileBytes = 20 * 1024 * 1024;

export interface ResultEntry {
  id: string;
  distinguishedName: string;
  displayName: string;
  stagingMode: boolean;
  status: string;
  activityDateTime: string;
  file: string;
}

const idPattern = /^[0-9a-f-]{8,64}$/i;

export class ResultStore implements vscode.Disposable {
  private readonly cache = new Map<string, ProvisioningObjectSummary>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly sessionReset: vscode.Disposable;

  constructor(private readonly sessions: SessionHost) {
    this.sessionReset = sessions.onDidReset(() => this.changed.fire());
  }

  private async folder(): Promise<string> {
    const session = await this.sessions.session();
    return path.join(path.resolve(path.dirname(session.configPath), session.stateDir), 'results');
  }

  /** Keeps the summary: in memory at once, on disk when the state folder is writable. */
  async save(summary: ProvisioningObjectSummary): Promise<void> {
    this.remember(summary);
    try {
      const folder = await this.folder();
      await makeOwnerOnlyDirectory(folder);
      await writeFile(path.join(folder, `${safeId(summary.id)}.json`), `${JSON.stringify(summary, null, 2)}\n`, { mode: OWNER_ONLY_FILE });
      await this.prune(folder);
    } catch (error) {
      log().warn(`The result ${summary.id} could not be kept in the state folder: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.changed.fire();
  }

  /** The summary of a result, from memory or its file; undefined when it is gone. */
  async get(id: string): Promise<ProvisioningObjectSummary | undefined> {
    const cached = this.cache.get(id);
    if (cached) {
      this.remember(cached);
      return cached;
    }
    if (!idPattern.test(id)) return undefined;
    try {
      const summary = await readSummary(path.join(await this.folder(), `${id}.json`));
      if (summary) this.remember(summary);
      return summary;
    } catch {
      return undefined;
    }
  }

  /** The results on disk, newest first. */
  async list(): Promise<ResultEntry[]> {
    let folder: string;
    try {
      folder = await this.folder();
    } catch {
      return [];
    }
    const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.json') && idPattern.test(n.slice(0, -5)));
    const entries: ResultEntry[] = [];
    for (const name of names) {
      const file = path.join(folder, name);
      const summary = await readSummary(file).catch(() => undefined);
      if (summary) entries.push(entryOf(summary, file));
    }
    return entries.sort((a, b) => b.activityDateTime.localeCompare(a.activityDateTime));
  }

  async delete(ids: readonly string[]): Promise<void> {
    const folder = await this.folder();
    for (const id of ids) {
      this.cache.delete(id);
      if (idPattern.test(id)) await rm(path.join(folder, `${id}.json`), { force: true });
    }
    this.changed.fire();
  }

  private remember(summary: ProvisioningObjectSummary): void {
    this.cache.delete(summary.id);
    this.cache.set(summary.id, summary);
    for (const id of this.cache.keys()) {
      if (this.cache.size <= maxCachedSummaries) break;
      this.cache.delete(id);
    }
  }

  private async prune(folder: string): Promise<void> {
    const entries = await this.list();
    for (const old of entries.slice(maxKeptResults)) await rm(path.join(folder, path.basename(old.file)), { force: true });
    void folder;
  }

  dispose(): void {
    this.sessionReset.dispose();
    this.changed.dispose();
  }
}

function safeId(id: string): string {
  if (!idPattern.test(id)) throw new Error(`unexpected result id ${JSON.stringify(id)}`);
  return id;
}

async function readSummary(file: string): Promise<ProvisioningObjectSummary | undefined> {
  // The state folder may come with a workspace: a named pipe, a device or a link planted at a
  // result's name is refused unread (never a wait, never a read without end).
  const bytes = await readRegularFile(file, maxResultFileBytes);
  if (!bytes) return undefined;
  const summary = JSON.parse(bytes.toString('utf8')) as ProvisioningObjectSummary;
  return typeof summary?.id === 'string' && Array.isArray(summary.provisioningSteps) ? summary : undefined;
}

export function entryOf(summary: ProvisioningObjectSummary, file = ''): ResultEntry {
  return {
    id: summary.id,
    distinguishedName: summary.sourceIdentity?.details?.distinguishedName ?? '',
    displayName: summary.sourceIdentity?.displayName || summary.sourceIdentity?.details?.distinguishedName || summary.id,
    stagingMode: summary.stagingMode,
    status: summary.provisioningStatusInfo?.status ?? 'unknown',
    activityDateTime: summary.activityDateTime ?? '',
    file,
  };
}

/** "Alice Wu · Preview · Failure": how a result is titled in the panel, its JSON and the list. */
export function resultTitle(summary: ProvisioningObjectSummary): string {
  const entry = entryOf(summary);
  const mode = entry.stagingMode ? vscode.l10n.t('Preview') : vscode.l10n.t('Export');
  const status = entry.status.charAt(0).toUpperCase() + entry.status.slice(1);
  return `${entry.displayName} · ${mode} · ${status}`;
}
