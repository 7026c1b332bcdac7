// A batch inside one session: the scope read in one paged search, the tenant read once (above
// a threshold, staging only), then the ten steps per object over those shared reads, each
// object's report written beside the batch report. Everything that can be refused (the search
// base, the filter, the input file) is refused in prepareBatch, before any write.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ActiveDirectoryConnectorConfig, SingleObjectSyncConfig } from '../config/model';
import { BatchDirectory } from '../../engine/batch/batch-directory';
import { BatchTenant, readTenantIndex, type TenantIndex } from '../../engine/batch/batch-tenant';
import { metThrottling, runBatch, type BatchItem } from '../../engine/batch/run-batch';
import { addToTally, emptyTally, plannedAction, type BatchTally } from '../../engine/batch/tally';
import { batchErrors } from '../../engine/errors/catalog/batch';
import { directoryErrors } from '../../engine/errors/catalog/directory';
import { appErrors } from '../errors';
import { isSyncError, SyncError } from '../../engine/errors/sync-error';
import { Dn } from '../../engine/model/dn';
import type { DirectoryObject } from '../../engine/model/directory-object';
import type { SyncDependencies } from '../../engine/pipeline/context';
import type { DirectorySource } from '../../engine/ports/directory-source';
import type { EntraTarget } from '../../engine/ports/entra-target';
import type { ProvisioningObjectSummary } from '../../engine/summary/types';
import { redactSummary, renderReport } from '../../report';
import type { BatchReportRow } from '../../report/batch/batch-report';
import { makeOwnerOnlyDirectory, OWNER_ONLY_FILE } from '../../adapters/io/owner-only';
import { connectorForBase, readInputFile, type BatchTarget } from './targets';
import { loadTenantSnapshot, saveTenantSnapshot } from './tenant-cache';

/**
 * Objects in flight at once in a staging batch: while one waits for a directory read or a Graph
 * lookup, the others use the CPU. Staging writes nothing, so order does not matter. When the
 * scope search and the one tenant read answer every read, nothing waits (the state files are
 * synchronous calls), so the objects run one at a time: objects in flight would only keep each
 * other's garbage alive past the young generation (more GC, a larger heap).
 */
export const DEFAULT_STAGING_CONCURRENCY = 8;
export const STAGING_CONCURRENCY_FROM_MEMORY = 1;

/**
 * An export starts with one JSON batch of objects in flight (20, EXPORT_CONCURRENCY_FLOOR) and
 * adapts (AIMD) up to this many: one more after each round without a 429, half as many after a
 * throttling event, never below one full $batch of writes. The adapter coalesces the writes of
 * objects in flight into $batch requests and waits out every Retry-After before the next one,
 * which keeps the export inside the tenant's write budget (3,000 writes per 150 s per app and
 * tenant) however much else writes to it.
 */
export const MAX_EXPORT_CONCURRENCY = 40;
export const EXPORT_CONCURRENCY_FLOOR = 20;

/** Above this many objects a staging batch reads the tenant once instead of looking up each object. */
export const DEFAULT_BULK_READ_THRESHOLD = 200;

export interface BatchContext {
  config: SingleObjectSyncConfig;
  deps: SyncDependencies;
  openDirectory(connector: ActiveDirectoryConnectorConfig): Promise<DirectorySource>;
  openEntra(): Promise<EntraTarget>;
  toolVersion: string;
  /** Where the tenant read is kept between batches (tenant-cache.ts); none: read in full each time. */
  stateDir?: string;
}

export interface PreparedBatch {
  target: BatchTarget;
  /** In words, for messages and the report. */
  scope: string;
  /** Parsed where they entered: the input file's lines or the scope search's entries. */
  dns: Dn[];
  /** Objects read by the scope search (with their parsed DNs), per connector name. */
  prefetched: Map<string, Array<{ object: DirectoryObject; dn: Dn }>>;
}

export interface BatchPassOptions {
  stagingMode: boolean;
  signal?: AbortSignal;
  /** Folder for the per-object reports (created); none: no reports. */
  objectReportDir?: string;
  redactAttributes?: string[];
  bulkReadThreshold?: number;
  concurrency?: number;
  /**
   * This is the last pass over the prepared batch: its scope-search objects are handed to the
   * pass and released as each object is synced (memory falls as the batch goes). A later pass
   * over the same prepared batch reads each object from the directory again.
   */
  releaseScope?: boolean;
  /** Keep every result in `summaries` (what-if, export plans, tests); otherwise only the rows are kept. */
  keepSummaries?: boolean;
  onStart?(dn: string, index: number): void;
  /** After each object, with the counts so far. */
  onResult?(item: BatchItem, row: BatchReportRow, tally: BatchTally): Promise<void> | void;
}

export interface BatchPassResult {
  tally: BatchTally;
  rows: BatchReportRow[];
  /** Every result by DN, when keepSummaries was set. */
  summaries: Map<string, ProvisioningObjectSummary>;
  done: number;
  notDone: number;
  cancelled: boolean;
  durationInMilliseconds: number;
  graphRequests: number;
  ldapOperations: number;
  /** Base reads answered by the scope search. */
  readsFromSearch: number;
  /** Step 8 lookups answered from the one tenant read (0 when per-object lookups were used). */
  lookupsFromTenantRead: number;
  /** Export: the adaptive in-flight limit (peak, last) and the objects that met a 429. */
  concurrency?: { peak: number; final: number; throttledObjects: number };
  /** bulk: read in full once; delta: the kept read brought up to date; per-object: a lookup per object. */
  tenantRead: 'bulk' | 'delta' | 'per-object';
  notes: string[];
  /** Per-object report files that could not be written. */
  reportFailures: SyncError[];
}

/** Resolves and reads the scope. Throws SyncError (a usage error) before anything is written. */
export async function prepareBatch(ctx: BatchContext, target: BatchTarget): Promise<PreparedBatch> {
  if (target.kind === 'file') {
    const dns = await readInputFile(target.file);
    return { target, scope: `input file ${target.file}`, dns, prefetched: new Map() };
  }
  const connector = connectorForBase(ctx.config, target.base);
  const directory = await ctx.openDirectory(connector);
  const scope = `${target.base} (${target.scope === 'one' ? 'one level' : 'subtree'}${target.ldapFilter !== undefined ? `, filter ${target.ldapFilter}` : ''})`;
  const objects: Array<{ object: DirectoryObject; dn: Dn }> = [];
  if (!directory.searchObjects) throw new SyncError(batchErrors.SearchBaseNotFound, { base: target.base.toString(), connector: connector.name });
  try {
    for await (const object of directory.searchObjects({
      base: target.base,
      scope: target.scope,
      objectClasses: connector.objectTypes ?? ['user', 'inetOrgPerson', 'group', 'contact'],
      ...(target.ldapFilter !== undefined ? { ldapFilter: target.ldapFilter } : {}),
    })) objects.push({ object, dn: Dn.parse(object.dn) });
  } catch (err) {
    if (isSyncError(err) && err.code === directoryErrors.NoSuchObject.code) throw new SyncError(batchErrors.SearchBaseNotFound, { base: target.base.toString(), connector: connector.name }, { cause: err });
    throw err;
  }
  if (objects.length === 0) throw new SyncError(batchErrors.BatchScopeEmpty, { what: `no object of the types ${(connector.objectTypes ?? []).join(', ')} matches ${scope}` });
  return { target, scope, dns: objects.map((o) => o.dn), prefetched: new Map([[connector.name, objects]]) };
}

const pad = (n: number) => String(n).padStart(5, '0');

/** Runs the ten steps for every object of a prepared batch, once. */
export async function runBatchPass(ctx: BatchContext, prepared: PreparedBatch, options: BatchPassOptions): Promise<BatchPassResult> {
  const notes: string[] = [];
  const inner = await ctx.openEntra();
  const httpRequests = () => inner.requests().filter((r) => !r.inBatch).length;
  const requestsBefore = httpRequests();
  const threshold = options.bulkReadThreshold ?? DEFAULT_BULK_READ_THRESHOLD;
  let index: TenantIndex | undefined;
  let tenantRead: BatchPassResult['tenantRead'] = 'per-object';
  if (options.stagingMode && prepared.dns.length >= threshold && inner.listAll) {
    const cacheKey = { tenantId: ctx.config.entra.tenantId, graphEndpoint: ctx.config.entra.graphEndpoint ?? 'https://graph.microsoft.com', toolVersion: ctx.toolVersion };
    try {
      const kept = ctx.stateDir ? await loadTenantSnapshot(ctx.stateDir, cacheKey) : undefined;
      const read = await readTenantIndex(inner, kept);
      index = read.index;
      tenantRead = read.how === 'delta' ? 'delta' : 'bulk';
      if (read.how === 'delta') notes.push(`Tenant read from the state folder and brought up to date with Graph's delta links: ${read.changed} changed, ${read.removed} deleted since the last batch.`);
      if (read.restarted) notes.push('The kept delta link was refused by Microsoft Graph (expired): the tenant was read in full again.');
      if (read.snapshot && ctx.stateDir) {
        try {
          await saveTenantSnapshot(ctx.stateDir, cacheKey, read.snapshot);
        } catch (err) {
          notes.push(`The tenant read could not be kept in the state folder (${(err as Error).message}); the next batch reads it in full.`);
        }
      }
    } catch (err) {
      notes.push(`The tenant could not be read at once (${isSyncError(err) ? `${err.code}: ${err.reason}` : String(err)}); each object was looked up on its own.`);
    }
  }
  const tenant = new BatchTenant(inner, index);
  if (index) notes.push(`Tenant read once: ${index.users.length} users, ${index.groups.length} groups${index.contacts ? `, ${index.contacts.length} contacts` : ' (contacts not readable)'}; objects matched in memory.`);
  else if (!options.stagingMode) notes.push('Export: every object is looked up in Microsoft Entra ID just before it is written.');

  const directories = new Map<string, Promise<BatchDirectory>>();
  const ldapBefore = new Map<BatchDirectory, number>();
  const directoryFor = (connector: ActiveDirectoryConnectorConfig) => {
    let pending = directories.get(connector.name);
    if (!pending) {
      pending = ctx.openDirectory(connector).then((source) => {
        const wrapped = new BatchDirectory(source);
        ldapBefore.set(wrapped, source.operationCount());
        for (const { object, dn } of prepared.prefetched.get(connector.name) ?? []) wrapped.add(object, dn, options.releaseScope === true);
        if (options.releaseScope) prepared.prefetched.delete(connector.name);
        return wrapped;
      });
      directories.set(connector.name, pending);
      pending.catch(() => directories.delete(connector.name));
    }
    return pending;
  };

  const deps: SyncDependencies = { ...ctx.deps, directory: directoryFor, entra: async () => tenant };
  let prefetchedCount = 0;
  for (const objects of prepared.prefetched.values()) prefetchedCount += objects.length;
  if (options.objectReportDir) {
    try {
      await makeOwnerOnlyDirectory(options.objectReportDir);
    } catch (err) {
      throw new SyncError(appErrors.ReportFolderNotWritable, { reportDir: options.objectReportDir, cause: (err as Error).message }, { cause: err });
    }
  }
  const tally = emptyTally();
  const rows: BatchReportRow[] = [];
  const summaries = new Map<string, ProvisioningObjectSummary>();
  const reportFailures: SyncError[] = [];
  // A staging batch's state files are written behind it, on another thread (nothing reads them
  // back before the batch ends but peek(), which the store answers from its queue).
  const endBatch = deps.stateStore.beginBatch?.({ deferWrites: options.stagingMode });
  const result = await runBatch(deps, {
    targets: prepared.dns,
    stagingMode: options.stagingMode,
    concurrency: options.concurrency ?? (!options.stagingMode ? MAX_EXPORT_CONCURRENCY : index && prefetchedCount > 0 ? STAGING_CONCURRENCY_FROM_MEMORY : DEFAULT_STAGING_CONCURRENCY),
    ...(options.stagingMode ? {} : { adaptive: { start: EXPORT_CONCURRENCY_FLOOR, floor: EXPORT_CONCURRENCY_FLOOR, throttled: metThrottling } }),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onStart ? { onStart: options.onStart } : {}),
    onResult: async (item) => {
      addToTally(tally, item.summary);
      if (options.keepSummaries) summaries.set(item.dn, item.summary);
      const shown = options.redactAttributes?.length ? redactSummary(item.summary, options.redactAttributes) : item.summary;
      let reportHref: string | undefined;
      if (options.objectReportDir) {
        const name = `${pad(item.index)}.htm`;
        try {
          const html = renderReport(item.summary, { toolVersion: ctx.toolVersion, redactAttributes: options.redactAttributes ?? ctx.config.redactAttributes ?? [] });
          await writeFile(path.join(options.objectReportDir, name), html, { encoding: 'utf8', mode: OWNER_ONLY_FILE });
          reportHref = `objects/${name}`;
        } catch (err) {
          reportFailures.push(isSyncError(err) ? err : new SyncError(appErrors.ReportFolderNotWritable, { reportDir: options.objectReportDir, cause: (err as Error).message }, { cause: err }));
        }
      }
      const info = shown.provisioningStatusInfo;
      const row: BatchReportRow = {
        index: item.index,
        dn: item.dn,
        displayName: shown.sourceIdentity.displayName,
        objectClass: shown.sourceIdentity.identityType,
        status: info.status,
        action: plannedAction(shown),
        ...(info.errorInformation ? { errorCode: info.errorInformation.errorCode, reason: info.errorInformation.reason } : {}),
        modified: shown.modifiedProperties.length,
        durationInMilliseconds: shown.durationInMilliseconds,
        ...(reportHref ? { reportHref } : {}),
      };
      rows.push(row);
      await options.onResult?.(item, row, tally);
    },
  }).finally(async () => {
    try {
      await endBatch?.();
    } catch (err) {
      if (!isSyncError(err)) throw err;
      notes.push(`${err.code}: ${err.reason} ${err.recommendedAction}`);
    }
  });
  let readsFromSearch = 0;
  let ldapOperations = 0;
  for (const pending of directories.values()) {
    const used = await pending.catch(() => undefined);
    if (!used) continue;
    readsFromSearch += used.servedFromSearch();
    ldapOperations += used.operationCount() - (ldapBefore.get(used) ?? 0);
  }
  rows.sort((a, b) => a.index - b.index);
  return {
    tally,
    rows,
    summaries,
    done: result.done,
    notDone: prepared.dns.length - result.done,
    cancelled: result.cancelled,
    durationInMilliseconds: result.durationInMilliseconds,
    graphRequests: httpRequests() - requestsBefore,
    ldapOperations,
    readsFromSearch,
    lookupsFromTenantRead: tenant.answeredLocally(),
    tenantRead,
    ...(result.concurrency ? { concurrency: result.concurrency } : {}),
    notes,
    reportFailures,
  };
}
