// A batch inside one session: the scope read in one paged search, the tenant read once (above
// a threshold, staging only), then the ten steps per object over those shared reads, each
// object's report written beside the batch report. Everything that can be refused (the search
// base, the filter, the input file) is refused in prepareBatch, before any write.
import type { ActiveDirectoryConnectorConfig, SingleObjectSyncConfig } from '../config/model';
import { BatchDirectory } from '../../engine/batch/batch-directory';
import { BatchTenant, packTenantIndex, readTenantIndex, type PackedTenantIndex, type TenantIndex } from '../../engine/batch/batch-tenant';
import { failedSummary, metThrottling, runBatch } from '../../engine/batch/run-batch';
import { addToTally, emptyTally, tallyFacts, type BatchTally } from '../../engine/batch/tally';
import { describeConflict, exportClaims, InBatchClaims, type InBatchConflict } from '../../engine/batch/in-batch-conflicts';
import { batchErrors } from '../../engine/errors/catalog/batch';
import { directoryErrors } from '../../engine/errors/catalog/directory';
import { appErrors } from '../errors';
import { isSyncError, SyncError } from '../../engine/errors/sync-error';
import { getValues } from '../../engine/model/attributes';
import { Dn } from '../../engine/model/dn';
import type { DirectoryObject } from '../../engine/model/directory-object';
import type { SyncDependencies } from '../../engine/pipeline/context';
import type { DirectorySource } from '../../engine/ports/directory-source';
import type { EntraTarget } from '../../engine/ports/entra-target';
import type { ProvisioningObjectSummary } from '../../engine/summary/types';
import type { BatchReportRow } from '../../report/batch/batch-report';
import { makeOwnerOnlyDirectory } from '../../adapters/io/owner-only';
import { stoppingWaitsOn } from '../../adapters/entra/graph/run-stop';
import { objectResult } from './object-result';
import { reviveError, serializeError } from './parallel/errors';
import { runParallelPass } from './parallel/parallel-pass';
import type { WorkItem, WorkResult } from './parallel/protocol';
import { connectorForBase, describeInputFile, readInputFile, type BatchTarget } from './targets';
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
/** Values claimed by more than one object that the notes name one by one (all are in `conflicts`). */
const CONFLICTS_LISTED = 20;

export interface BatchContext {
  config: SingleObjectSyncConfig;
  /** The configuration file (worker threads load the same rules from it). */
  configPath: string;
  stateDir: string;
  initiator?: { id: string; displayName: string };
  deps: SyncDependencies;
  openDirectory(connector: ActiveDirectoryConnectorConfig): Promise<DirectorySource>;
  openEntra(): Promise<EntraTarget>;
  toolVersion: string;
}

export interface PreparedBatch {
  target: BatchTarget;
  /** In words, for messages and the report. */
  scope: string;
  /** Parsed where they entered: the input file's lines or the scope search's entries. */
  dns: Dn[];
  /**
   * Objects read by the scope search (with their parsed DNs), per connector name. No object: the
   * source holds it in memory (an LDIF snapshot keeps its text) and it is parsed again when
   * synced, so a 50,000-object scope is not held twice.
   */
  prefetched: Map<string, Array<{ object?: DirectoryObject; dn: Dn }>>;
  /**
   * The tenant read, started while the scope was still being read once it held enough objects
   * for one (the first staging pass takes it); with the Graph request count when it started.
   */
  tenantRead?: Promise<{ outcome: TenantReadOutcome; httpRequestsBefore: number } | undefined>;
}

/** What one tenant read gave a pass: the index (none: per-object lookups), how, the notes, how long. */
interface TenantReadOutcome {
  index?: TenantIndex;
  how: BatchPassResult['tenantRead'];
  notes: string[];
  milliseconds: number;
}

const httpRequestCount = (entra: EntraTarget) => entra.requests().filter((r) => !r.inBatch).length;

/**
 * Reads the tenant's users, groups and contacts once (or brings the kept read up to date with its
 * delta links) and keeps it in the state folder. Never throws: a failure is a note, and the
 * pass looks each object up on its own.
 */
async function readTenantOnce(ctx: BatchContext, inner: EntraTarget): Promise<TenantReadOutcome> {
  const started = performance.now();
  const notes: string[] = [];
  const cacheKey = { tenantId: ctx.config.entra.tenantId, graphEndpoint: ctx.config.entra.graphEndpoint ?? 'https://graph.microsoft.com', toolVersion: ctx.toolVersion };
  try {
    const kept = ctx.stateDir ? await loadTenantSnapshot(ctx.stateDir, cacheKey) : undefined;
    const read = await readTenantIndex(inner, kept);
    if (read.how === 'delta') notes.push(`Tenant read from the state folder and brought up to date with Graph's delta links: ${read.changed} changed, ${read.removed} deleted since the last batch.`);
    if (read.restarted) notes.push('The kept delta link was refused by Microsoft Graph (expired): the tenant was read in full again.');
    if (read.snapshot && ctx.stateDir) {
      try {
        await saveTenantSnapshot(ctx.stateDir, cacheKey, read.snapshot);
      } catch (err) {
        notes.push(`The tenant read could not be kept in the state folder (${(err as Error).message}); the next batch reads it in full.`);
      }
    }
    return { index: read.index, how: read.how === 'delta' ? 'delta' : 'bulk', notes, milliseconds: performance.now() - started };
  } catch (err) {
    notes.push(`The tenant could not be read at once (${isSyncError(err) ? `${err.code}: ${err.reason}` : String(err)}); each object was looked up on its own.`);
    return { how: 'per-object', notes, milliseconds: 0 };
  }
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
   * Worker threads for a staging pass served from memory (the scope search and the one tenant
   * read answer every read): the objects are shared out among them. 1 or none: this thread.
   */
  workers?: number;
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
  onResult?(item: PassItem, row: BatchReportRow, tally: BatchTally): Promise<void> | void;
}

/** One object's result as a pass delivers it. */
export interface PassItem {
  /** 1-based position in the batch. */
  index: number;
  dn: string;
  /** The provisioningObjectSummary as one JSON line (without the newline). */
  json(): string;
  /** The summary itself, when it is at hand (always with keepSummaries; not from worker threads). */
  summary?: ProvisioningObjectSummary;
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
  /** How long the one tenant read took (0 without one). */
  tenantReadInMilliseconds: number;
  notes: string[];
  /** Per-object report files that could not be written. */
  reportFailures: SyncError[];
  /** Worker threads the objects were shared among (1: this thread). */
  workers: number;
  /**
   * Staging: values (a UPN, an SMTP address) that more than one object of the batch would add in
   * Entra ID, none of them there yet: exported, all but the first are quarantined.
   */
  conflicts: InBatchConflict[];
}

/** Resolves and reads the scope. Throws SyncError (a usage error) before anything is written. */
export async function prepareBatch(ctx: BatchContext, target: BatchTarget, options: { bulkReadThreshold?: number } = {}): Promise<PreparedBatch> {
  const threshold = options.bulkReadThreshold ?? DEFAULT_BULK_READ_THRESHOLD;
  // The tenant read starts as soon as the batch is known to need it, while the directory is
  // still being read (a tenant read over the internet can take longer than the scope search).
  let tenantRead: PreparedBatch['tenantRead'];
  const startTenantRead = () => {
    tenantRead ??= ctx.openEntra().then(async (inner) => {
      const httpRequestsBefore = httpRequestCount(inner);
      return { outcome: await readTenantOnce(ctx, inner), httpRequestsBefore };
    }, () => undefined); // the pass opens the tenant again and reports why it cannot
  };
  // A refused batch does not leave a read running behind it.
  const refuse = async (err: unknown): Promise<never> => {
    await tenantRead;
    throw err;
  };
  if (target.kind === 'file') {
    const input = target.input ?? await readInputFile(target.file);
    if (input.dns.length >= threshold) startTenantRead();
    return { target, scope: describeInputFile(target.file, input), dns: input.dns, prefetched: new Map(), ...(tenantRead ? { tenantRead } : {}) };
  }
  const connector = connectorForBase(ctx.config, target.base);
  const directory = await ctx.openDirectory(connector);
  const scope = `${target.base} (${target.scope === 'one' ? 'one level' : 'subtree'}${target.ldapFilter !== undefined ? `, filter ${target.ldapFilter}` : ''})`;
  const objects: Array<{ object?: DirectoryObject; dn: Dn }> = [];
  const keepObjects = directory.kind !== 'ldif';
  if (!directory.searchObjects) throw new SyncError(batchErrors.SearchBaseNotFound, { base: target.base.toString(), connector: connector.name });
  try {
    for await (const object of directory.searchObjects({
      base: target.base,
      scope: target.scope,
      objectClasses: connector.objectTypes ?? ['user', 'inetOrgPerson', 'group', 'contact'],
      ...(target.ldapFilter !== undefined ? { ldapFilter: target.ldapFilter } : {}),
    })) {
      objects.push(keepObjects ? { object, dn: Dn.parse(object.dn) } : { dn: Dn.parse(object.dn) });
      if (objects.length === threshold) startTenantRead();
    }
  } catch (err) {
    if (isSyncError(err) && err.code === directoryErrors.NoSuchObject.code) return refuse(new SyncError(batchErrors.SearchBaseNotFound, { base: target.base.toString(), connector: connector.name }, { cause: err }));
    return refuse(err);
  }
  if (objects.length === 0) {
    const objectClasses = connector.objectTypes ?? ['user', 'inetOrgPerson', 'group', 'contact'];
    const why = target.scope === 'one' ? (await baseIsAnObject(directory, target.base)) || (await deeperObjects(directory, { ...target, objectClasses })) : '';
    throw new SyncError(batchErrors.BatchScopeEmpty, { what: `no object of the types ${(connector.objectTypes ?? []).join(', ')} matches ${scope}${why}` });
  }
  return { target, scope, dns: objects.map((o) => o.dn), prefetched: new Map([[connector.name, objects]]), ...(tenantRead ? { tenantRead } : {}) };
}

/**
 * When an empty one-level scope has objects deeper down (in its sub-OUs), says so: the engineer
 * meant the subtree. One entry is asked for, and only on this error path.
 */
async function deeperObjects(directory: DirectorySource, search: { base: Dn; objectClasses: string[]; ldapFilter?: string }): Promise<string> {
  try {
    for await (const object of directory.searchObjects!({ base: search.base, scope: 'subtree', objectClasses: search.objectClasses, pageSize: 1, ...(search.ldapFilter !== undefined ? { ldapFilter: search.ldapFilter } : {}) })) {
      return `; there are such objects deeper, in its sub-OUs (${Dn.parse(object.dn).parent()?.toString() ?? object.dn} holds one): --scope subtree takes them too`;
    }
  } catch {
    // The hint is only a hint: the scope stays empty, as said.
  }
  return '';
}

/**
 * When an empty one-level scope's base is itself an object of a synchronized kind (a user's DN
 * given as --search-base), says so: one level lists what is under it, and a user has nothing.
 */
async function baseIsAnObject(directory: DirectorySource, base: Dn): Promise<string> {
  const read = await directory.readObject(base).catch(() => undefined);
  if (read?.status !== 'found') return '';
  const classes = (getValues(read.object.attributes, 'objectClass') ?? []).map((c) => String(c).toLowerCase());
  const kind = ['user', 'inetorgperson', 'group', 'contact', 'computer'].find((k) => classes.includes(k));
  return kind ? `; the search base is itself a ${kind === 'inetorgperson' ? 'inetOrgPerson' : kind}, and --scope one lists only what is under it: give its container, or --distinguished-name for this object alone` : '';
}

/** Runs the ten steps for every object of a prepared batch, once. */
export function runBatchPass(ctx: BatchContext, prepared: PreparedBatch, options: BatchPassOptions): Promise<BatchPassResult> {
  // Once stopped, no Graph request of the pass waits for Retry-After or the write pace: the
  // objects in flight end at once and the summary of what was done is written.
  return stoppingWaitsOn(options.signal, () => runPass(ctx, prepared, options));
}

async function runPass(ctx: BatchContext, prepared: PreparedBatch, options: BatchPassOptions): Promise<BatchPassResult> {
  const notes: string[] = [];
  const inner = await ctx.openEntra();
  const httpRequests = () => httpRequestCount(inner);
  const threshold = options.bulkReadThreshold ?? DEFAULT_BULK_READ_THRESHOLD;
  let index: PackedTenantIndex | undefined;
  let tenantRead: BatchPassResult['tenantRead'] = 'per-object';
  let tenantReadInMilliseconds = 0;
  let requestsBefore = httpRequests();
  if (options.stagingMode && prepared.dns.length >= threshold && inner.listAll) {
    const read = await takeTenantRead(ctx, inner, prepared);
    if (read.httpRequestsBefore !== undefined) requestsBefore = Math.min(requestsBefore, read.httpRequestsBefore);
    index = read.index;
    tenantRead = read.how;
    tenantReadInMilliseconds = read.milliseconds;
    notes.push(...read.notes);
  }
  let tenant = new BatchTenant(inner, index);
  if (index) notes.push(`Tenant read once: ${index.users.count} users, ${index.groups.count} groups${index.contacts ? `, ${index.contacts.count} contacts` : ' (contacts not readable)'}${index.deletedUsers ? `, ${index.deletedUsers.count} soft-deleted users` : ' (deleted users not readable)'}; objects matched in memory.`);
  else if (!options.stagingMode) notes.push('Export: every object is looked up in Microsoft Entra ID just before it is written.');

  const directories = new Map<string, Promise<BatchDirectory>>();
  const ldapBefore = new Map<BatchDirectory, number>();
  // On worker threads the scope's objects go to the workers; this thread's directory only answers their other reads.
  let scopeToWorkers = false;
  const directoryFor = (connector: ActiveDirectoryConnectorConfig) => {
    let pending = directories.get(connector.name);
    if (!pending) {
      pending = ctx.openDirectory(connector).then((source) => {
        const wrapped = new BatchDirectory(source);
        ldapBefore.set(wrapped, source.operationCount());
        // Objects the workers are sent are theirs; those the source holds (no object) are read here for them.
        for (const { object, dn } of prepared.prefetched.get(connector.name) ?? []) if (!scopeToWorkers || !object) wrapped.add(object, dn, options.releaseScope === true);
        if (options.releaseScope) prepared.prefetched.delete(connector.name);
        return wrapped;
      });
      directories.set(connector.name, pending);
      pending.catch(() => directories.delete(connector.name));
    }
    return pending;
  };

  const deps: SyncDependencies = { ...ctx.deps, directory: directoryFor, entra: async () => tenant };
  const prefetchedCount = countPrefetched(prepared);
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
  const resultOptions = {
    toolVersion: ctx.toolVersion, configuredRedactions: ctx.config.redactAttributes ?? [],
    ...(options.objectReportDir ? { objectReportDir: options.objectReportDir } : {}),
    ...(options.redactAttributes?.length ? { redactAttributes: options.redactAttributes } : {}),
  };
  // In batch order (record is called in input order); only staging results claim (exportClaims).
  const claims = new InBatchClaims();
  const record = async (item: PassItem, tallied: Parameters<typeof addToTally>[1], row: BatchReportRow, reportFailure?: SyncError, claimed?: readonly (readonly [string, string])[]) => {
    addToTally(tally, tallied);
    if (claimed?.length) claims.add(item.dn, claimed);
    if (reportFailure) reportFailures.push(reportFailure);
    rows.push(row);
    await options.onResult?.(item, row, tally);
  };

  const workers = Math.max(1, Math.floor(options.workers ?? 1));
  // Every object from the scope search, the tenant read once, nothing kept: the steps are CPU alone.
  const candidate = options.stagingMode && index !== undefined && workers > 1 && !options.keepSummaries && prepared.dns.length > 1;
  const scope = candidate ? scopeByKey(prepared) : new Map<string, { connector: string; object?: DirectoryObject }>();
  const parallel = candidate && prepared.dns.every((dn) => scope.has(dn.key));
  let result: { done: number; cancelled: boolean; durationInMilliseconds: number; concurrency?: BatchPassResult['concurrency'] };
  let lookupsInWorkers = 0;
  if (parallel) {
    scopeToWorkers = true;
    const connectorNames = [...new Set([...scope.values()].map((v) => v.connector))];
    // Open now: objects the source holds are read by this thread's directory as the workers need
    // them. One that cannot open now is opened again when asked, and each object says why it failed.
    await Promise.all(connectorNames.map((name) => directoryFor(ctx.config.activeDirectory.find((c) => c.name === name)!).catch(() => undefined)));
    if (options.releaseScope) prepared.prefetched.clear();
    const started = performance.now();
    const items = (function* (): Generator<WorkItem> {
      for (const [i, dn] of prepared.dns.entries()) {
        const kept = scope.get(dn.key)!;
        // Handed over (copied by the message): this thread keeps the object only for a later pass.
        if (options.releaseScope) scope.delete(dn.key);
        yield { index: i + 1, dn: dn.toString(), connector: kept.connector, ...(kept.object ? { object: kept.object } : {}) };
      }
    })();
    // The lookups run in the workers, over the packed tenant read they share: this thread's
    // tenant answers only their other calls.
    await tenant.close();
    tenant = new BatchTenant(inner);
    const workerIndex = index!;
    index = undefined;
    const passed = await runParallelPass({
      workers,
      total: prepared.dns.length,
      items,
      init: {
        configPath: ctx.configPath, configText: JSON.stringify(ctx.config), stateDir: ctx.stateDir, toolVersion: ctx.toolVersion, index: workerIndex,
        connectors: connectorNames.map((name) => ({ name, kind: ctx.config.activeDirectory.find((c) => c.name === name)?.ldifFile ? 'ldif' as const : 'ldap' as const })),
        ...(ctx.initiator ? { initiator: ctx.initiator } : {}),
        ...(options.objectReportDir ? { objectReportDir: options.objectReportDir } : {}),
        ...(options.redactAttributes?.length ? { redactAttributes: options.redactAttributes } : {}),
      },
      directory: (name) => {
        const connector = ctx.config.activeDirectory.find((c) => c.name === name);
        if (!connector) return Promise.reject(new TypeError(`no connector named ${name}`));
        return directoryFor(connector);
      },
      tenant,
      inner,
      ...(options.signal ? { signal: options.signal } : {}),
      failed: async (item, error) => {
        const summary = failedSummary(deps, item.dn, error, true);
        const { row, reportFailure } = await objectResult(item.index, item.dn, summary, resultOptions);
        return { index: item.index, dn: item.dn, json: JSON.stringify(summary), row, tally: tallyFacts(summary), ...(reportFailure ? { reportFailure: serializeError(reportFailure) } : {}) };
      },
      onResult: (done: WorkResult) => record(
        { index: done.index, dn: done.dn, json: () => done.json }, done.tally, done.row,
        done.reportFailure ? reviveError(done.reportFailure) as SyncError : undefined, done.claims,
      ),
    });
    for (const err of passed.stateNotSaved) notes.push(`${err.code}: ${err.reason} ${err.recommendedAction}`);
    lookupsInWorkers = passed.answeredLocally;
    result = { done: passed.done, cancelled: passed.cancelled, durationInMilliseconds: performance.now() - started };
  } else {
    scope.clear();
    // A staging batch's state files are written behind it, on another thread (nothing reads them
    // back before the batch ends but peek(), which the store answers from its queue).
    const endBatch = deps.stateStore.beginBatch?.({ deferWrites: options.stagingMode });
    result = await runBatch(deps, {
      targets: prepared.dns,
      stagingMode: options.stagingMode,
      concurrency: options.concurrency ?? (!options.stagingMode ? MAX_EXPORT_CONCURRENCY : tenant.indexed && prefetchedCount > 0 ? STAGING_CONCURRENCY_FROM_MEMORY : DEFAULT_STAGING_CONCURRENCY),
      ...(options.stagingMode ? {} : { adaptive: { start: EXPORT_CONCURRENCY_FLOOR, floor: EXPORT_CONCURRENCY_FLOOR, throttled: metThrottling } }),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onStart ? { onStart: options.onStart } : {}),
      onResult: async (item) => {
        if (options.keepSummaries) summaries.set(item.dn, item.summary);
        const { row, reportFailure } = await objectResult(item.index, item.dn, item.summary, resultOptions);
        await record({ index: item.index, dn: item.dn, json: () => JSON.stringify(item.summary), summary: item.summary }, item.summary, row, reportFailure, options.stagingMode ? exportClaims(item.summary) : undefined);
      },
    }).finally(async () => {
      try {
        await endBatch?.();
      } catch (err) {
        if (!isSyncError(err)) throw err;
        notes.push(`${err.code}: ${err.reason} ${err.recommendedAction}`);
      }
    });
  }
  let readsFromSearch = 0;
  let ldapOperations = 0;
  for (const pending of directories.values()) {
    const used = await pending.catch(() => undefined);
    if (!used) continue;
    readsFromSearch += used.servedFromSearch();
    ldapOperations += used.operationCount() - (ldapBefore.get(used) ?? 0);
  }
  rows.sort((a, b) => a.index - b.index);
  const conflicts = claims.conflicts();
  if (conflicts.length) {
    const e = new SyncError(batchErrors.DuplicateValuesInBatch, { count: conflicts.length });
    notes.push(`${e.code}: ${e.reason} ${e.recommendedAction}`, ...conflicts.slice(0, CONFLICTS_LISTED).map(describeConflict));
    if (conflicts.length > CONFLICTS_LISTED) notes.push(`... and ${conflicts.length - CONFLICTS_LISTED} more value(s) claimed by more than one object.`);
  }
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
    lookupsFromTenantRead: tenant.answeredLocally() + lookupsInWorkers,
    tenantRead,
    tenantReadInMilliseconds,
    ...(result.concurrency ? { concurrency: result.concurrency } : {}),
    notes,
    reportFailures,
    workers: parallel ? workers : 1,
    conflicts,
  };
}

/**
 * The read the scope search started, taken once (a later pass reads again, from the kept delta
 * links), packed for the pass: a function of its own, so the objects as read are not held by
 * runBatchPass's suspended frame once packed.
 */
async function takeTenantRead(ctx: BatchContext, inner: EntraTarget, prepared: PreparedBatch): Promise<Omit<TenantReadOutcome, 'index'> & { index?: PackedTenantIndex; httpRequestsBefore?: number }> {
  const started = await prepared.tenantRead;
  delete prepared.tenantRead;
  const { index, ...read } = started?.outcome ?? await readTenantOnce(ctx, inner);
  return { ...read, ...(index ? { index: packTenantIndex(index) } : {}), ...(started ? { httpRequestsBefore: started.httpRequestsBefore } : {}) };
}

// The two walks over the scope's objects are functions of their own, not loops in the async
// runBatchPass: its suspended frame would keep the last array walked (a connector's whole scope)
// alive for the whole pass, and releaseScope would free nothing (found in a heap snapshot).
function countPrefetched(prepared: PreparedBatch): number {
  let n = 0;
  for (const objects of prepared.prefetched.values()) n += objects.length;
  return n;
}

function scopeByKey(prepared: PreparedBatch): Map<string, { connector: string; object?: DirectoryObject }> {
  const scope = new Map<string, { connector: string; object?: DirectoryObject }>();
  for (const [connector, objects] of prepared.prefetched) for (const { object, dn } of objects) scope.set(dn.key, { connector, object });
  return scope;
}
