// single-object-sync --search-base DN | --input FILE: many objects in one process. JSON Lines
// on stdout (one provisioningObjectSummary per object, or one comparison per object for
// --what-if-config), progress and the batch summary on stderr, one HTML batch report.
import { mkdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { isatty } from 'node:tty';
import type { BatchPassOptions, BatchPassResult, PreparedBatch } from '../../app/batch/session-batch';
import { readInputFile, STANDARD_INPUT, type BatchTarget } from '../../app/batch/targets';
import { planWrites } from '../../engine/batch/tally';
import { describeConflict } from '../../engine/batch/in-batch-conflicts';
import { configurationChanges, howToApply } from '../../engine/batch/applying-a-change';
import { compareRuns, deletionVerdict, whatIfTotals, type WhatIfEntry } from '../../engine/batch/what-if';
import { whatIfDeletionThreshold } from '../../app/batch/deletion-threshold';
import { copyOfStateFolder } from '../../app/batch/state-copy';
import { batchErrors } from '../../engine/errors/catalog/batch';
import { directoryErrors } from '../../engine/errors/catalog/directory';
import { appErrors } from '../../app/errors';
import { isSyncError, SyncError } from '../../engine/errors/sync-error';
import { renderBatchReport, type BatchReportData } from '../../report/batch/batch-report';
import { clipped, showAtMost } from '../../report/values';
import { openSession, type Session } from '../../app/session';
import { proposedConfigurationProblem, proposedConnectionProblem } from '../../app/batch/proposed-configuration';
import { makeOwnerOnlyDirectory, OWNER_ONLY_FILE, OWNER_ONLY_FOLDER } from '../../adapters/io/owner-only';
import { toolVersion } from '../../app/version';
import type { CliArguments } from './args';
import { batchProgress } from './batch-progress';
import { boundHeapGrowth } from './heap-growth';
import { interruptOnSignals, type StopCause } from './interrupt';
import { describeError, terminalText } from './progress';
import { environmentSecrets } from './secrets';
import { describeFailure, jsonWithoutControls, onStdoutFailure, readerLeft, stdoutDrained, stdoutFailure, writeStdout } from './stdout';
import { parseDnArgument } from './dn-argument';

const USAGE = 2;
const AFTER_RUN_FAILURE = 3;

/** Why the batch stopped early, as its closing lines say it. */
function stoppedBy(cause: StopCause): string {
  if (cause === 'EPIPE') return 'standard output was closed by its reader (EPIPE)';
  if (cause === 'output') return `standard output could not be written (${terminalText(describeFailure(stdoutFailure()!))})`;
  return `interrupted by ${cause}`;
}

/**
 * JSON lines on stdout, gathered and written once per turn of the event loop (or per 64 KiB)
 * rather than one write per object: a write to a pipe is a system call, and one per object
 * cost a tenth of a batch's CPU. Waits when stdout is full (a slow reader must not grow memory).
 * Once stdout has failed (stdout.ts) the lines are dropped: the batch is stopping.
 */
const FLUSH_BYTES = 64 * 1024;
let pendingLines: string[] = [];
let pendingBytes = 0;
let flushScheduled = false;
let drained: Promise<void> = Promise.resolve();

function flushLines(): Promise<void> {
  if (pendingLines.length) {
    const chunks = pendingLines;
    pendingLines = [];
    pendingBytes = 0;
    // Corked, the lines go out in one writev, each encoded where it lies: joined, every line
    // (~35 KB) was copied once more first.
    if (!writeStdout(...chunks)) drained = stdoutDrained();
  }
  return drained;
}

function writeLine(value: unknown, raw = JSON.stringify(value)): Promise<void> {
  // C1 controls escaped too: the lines may go to a terminal.
  const json = jsonWithoutControls(raw);
  pendingLines.push(json, '\n');
  pendingBytes += json.length + 1;
  if (pendingBytes >= FLUSH_BYTES) return flushLines();
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(() => {
      flushScheduled = false;
      void flushLines();
    });
  }
  return drained;
}

/**
 * Worker threads for a staging batch read from memory: one per core but one (the main thread
 * writes the JSON lines and answers the workers), at most four. On two cores, measured on LDIF
 * scopes: two when each object's report is written (1.23-1.30 x at the same memory) or for 10,000
 * objects and more (50,000: 1.58-1.78 x, 1.3 GB instead of 0.9 GB peak), else none (5,000 without
 * reports: 1.18-1.20 x for 18% more CPU and 150 MB more memory).
 */
function defaultWorkers(writesReports: boolean, objects: number): number {
  const cores = availableParallelism();
  if (cores <= 2) return cores === 2 && (writesReports || objects >= 10_000) ? 2 : 1;
  return Math.min(4, cores - 1);
}

const pad2 = (n: number) => String(n).padStart(2, '0');
function stamp(d: Date): string {
  return `${d.getFullYear()}${pad2(d.getMonth() + 1)}${pad2(d.getDate())}-${pad2(d.getHours())}${pad2(d.getMinutes())}${pad2(d.getSeconds())}`;
}

/** ADSyncBatchSyncResult-<yyyyMMdd-HHmmss>[-n]/ under the report folder, created 0700, never reused. */
async function newBatchFolder(reportDir: string): Promise<string> {
  await makeOwnerOnlyDirectory(reportDir);
  const base = path.join(reportDir, `ADSyncBatchSyncResult-${stamp(new Date())}`);
  for (let n = 0; n < 1000; n++) {
    const dir = n === 0 ? base : `${base}-${n}`;
    try {
      await mkdir(dir, { mode: OWNER_ONLY_FOLDER });
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`${base} and 999 numbered variants already exist`);
}

/**
 * The batch's target; the search base is parsed here, where it enters (MalformedDistinguishedName),
 * and an input file is read here, before anything connects or a folder is made.
 */
async function targetOf(args: CliArguments): Promise<BatchTarget> {
  if (args.input !== undefined) {
    // `--input -` reads standard input, as Unix tools do (`Get-Content dns.txt | ... --input -`).
    const file = args.input === STANDARD_INPUT ? STANDARD_INPUT : path.resolve(args.input);
    // On a terminal the read waits for typing: say so, or it looks like a hang.
    if (file === STANDARD_INPUT && isatty(0)) process.stderr.write('Reading distinguished names from the terminal, one a line; end with Ctrl+D.\n');
    return { kind: 'file', file, input: await readInputFile(file) };
  }
  return { kind: 'search', base: parseDnArgument(args.searchBase!), scope: args.scope ?? 'subtree', ...(args.ldapFilter !== undefined ? { ldapFilter: args.ldapFilter } : {}) };
}

interface OpenOptions {
  /** The state folder instead of the configuration's (a what-if's temporary copy). */
  stateDir?: string;
  /** Sees the loaded configuration before anything connects with it. */
  vet?: (session: Session) => SyncError | undefined;
  /** The report folder is neither made nor probed (a what-if's sessions write no report of their own). */
  noReportFolder?: boolean;
  /** Gets each folder the checks are about to make (they did not exist), for removeMadeFolders. */
  made?: string[];
}

/**
 * Opens a session and checks it can run (binds, gets a token, makes its folders). `vet` sees the
 * loaded configuration before anything connects with it.
 */
async function open(args: CliArguments, configPath: string, options: OpenOptions = {}): Promise<Session> {
  const session = await openSession({
    configPath: path.resolve(configPath),
    secrets: environmentSecrets,
    ...(options.stateDir ? { stateDir: options.stateDir } : args.stateDir ? { stateDir: path.resolve(args.stateDir) } : {}),
    ...(args.reportDir ? { reportDir: path.resolve(args.reportDir) } : {}),
    initiator: { id: process.env.USER ?? '', displayName: process.env.USER ?? 'single-object-sync' },
  });
  const noHtmlReport = args.noHtmlReport || options.noReportFolder === true;
  try {
    const refused = options.vet?.(session);
    if (refused) throw refused;
    options.made?.push(...await missingFolders([session.stateDir, ...(noHtmlReport ? [] : [session.reportDir])]));
    await session.prepare({ noHtmlReport });
  } catch (err) {
    await session.close();
    throw err;
  }
  return session;
}

/**
 * The folders that do not exist among `dirs` and their parents (up to the first that exists),
 * deepest first: what making `dirs` creates. session.prepare() makes and probes the state and
 * report folders before the batch's search base, filter and proposed configuration are known to
 * be usable; a batch refused after it removes them again (removeMadeFolders), so that bad input
 * leaves no folder it did not find.
 */
async function missingFolders(dirs: string[]): Promise<string[]> {
  const missing = new Set<string>();
  for (const dir of dirs) {
    for (let current = path.resolve(dir); ;) {
      const exists = await stat(current).then(() => true, (err: NodeJS.ErrnoException) => err.code !== 'ENOENT');
      if (exists) break;
      missing.add(current);
      const parent = path.dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  // A folder's path is longer than its parent's: children are removed first.
  return [...missing].sort((a, b) => b.length - a.length);
}

/** Removes the folders `missingFolders` listed, each only while it is empty (rmdir): a file written into one keeps it. */
async function removeMadeFolders(folders: string[]): Promise<void> {
  for (const folder of folders) await rmdir(folder).catch(() => undefined);
}

/**
 * WhatIfConfigurationInvalid for an error met while opening the proposed configuration (its LDIF
 * snapshot read, its CA files checked). The proposed file often comes from someone else and its
 * ldifFile may name any file on this machine: an LDIF syntax error, which quotes the line it
 * stopped at, is said without the file's content.
 */
function proposedOpenProblem(file: string, err: SyncError): SyncError {
  if (err.code === batchErrors.WhatIfConfigurationInvalid.code) return err;
  let problem = `${err.code}: ${err.reason}`;
  if (err.code === directoryErrors.LdifUnreadable.code) {
    const { file: ldif, line, problem: why } = err.details;
    // Line 0 is a read error (missing, a folder, too large), an empty file holds no entry: no content in either.
    const quotesContent = !(line === 0 || (typeof why === 'string' && why.startsWith('it holds no entry')));
    if (quotesContent) problem = `${err.code}: its LDIF snapshot ${String(ldif)} is not an LDIF export this tool can read (stopped at line ${String(line)}; the line is not repeated here, as a proposed configuration may name any file)`;
  }
  return new SyncError(batchErrors.WhatIfConfigurationInvalid, { file, problem }, { cause: err });
}

function summaryLines(label: string, pass: BatchPassResult, scopeReadInMilliseconds?: number): string {
  const t = pass.tally;
  const seconds = pass.durationInMilliseconds / 1000;
  const list = (counts: Record<string, number>) => Object.entries(counts).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  return [
    `${label}: ${pass.done} object(s) done${pass.notDone ? `, ${pass.notDone} NOT done${pass.cancelled ? ' (cancelled)' : ''}` : ''} in ${seconds.toFixed(1)} s (${seconds > 0 ? (pass.done / seconds).toFixed(1) : '-'} objects/s)`,
    `  by status: ${list(t.byStatus)}`,
    `  by action (planned: what the export does or would do): ${list(t.byAction)}`,
    `  by error code: ${list(t.byErrorCode)}`,
    `  Graph requests: ${pass.graphRequests} (tenant: ${pass.tenantRead === 'bulk' ? `read once, ${pass.lookupsFromTenantRead} lookups answered from it` : pass.tenantRead === 'delta' ? `kept read updated with delta links, ${pass.lookupsFromTenantRead} lookups answered from it` : 'looked up per object'}); LDAP operations: ${pass.ldapOperations} (${pass.readsFromSearch} reads answered by the scope search)`,
    `  time: ${scopeReadInMilliseconds !== undefined ? `scope read ${(scopeReadInMilliseconds / 1000).toFixed(1)} s, ` : ''}${pass.tenantReadInMilliseconds ? `tenant read ${(pass.tenantReadInMilliseconds / 1000).toFixed(1)} s, ` : ''}the ten steps ${(pass.durationInMilliseconds / 1000).toFixed(1)} s${pass.workers > 1 ? ` on ${pass.workers} worker threads` : ''}`,
    ...(pass.concurrency ? [`  Export concurrency (adaptive): up to ${pass.concurrency.peak} object(s) in flight, ${pass.concurrency.final} at the end; ${pass.concurrency.throttledObjects} object(s) met a 429`] : []),
    ...pass.notes.map((n) => `  ${n}`),
  ].map(terminalText).join('\n') + '\n';
}

function reportData(mode: BatchReportData['mode'], prepared: PreparedBatch, pass: BatchPassResult, extra: Partial<BatchReportData> = {}): BatchReportData {
  const data: BatchReportData = {
    toolVersion, generatedAt: new Date(), mode, scope: prepared.scope, tally: pass.tally, done: pass.done, notDone: pass.notDone,
    cancelled: pass.cancelled, durationInMilliseconds: pass.durationInMilliseconds, graphRequests: pass.graphRequests, rows: pass.rows, notes: pass.notes, ...extra,
  };
  return shownInReport(data);
}

/**
 * The batch report's data with each name and value cut as the object's own report cuts them: a
 * display name or DN at 1,024 characters (a table cell, as a title), a value, reason or
 * explanation at 64 Ki. AD data of megabytes (damaged or hostile) would otherwise be copied
 * whole into index.htm once per cell; the JSON lines keep every value.
 */
function shownInReport(data: BatchReportData): BatchReportData {
  const name = (text: string) => clipped(text);
  const value = (text: string) => clipped(text, showAtMost);
  const orNull = (text: string | null) => (text === null ? null : value(text));
  return {
    ...data,
    // A row's display name and reason are cut where the row is made (object-result.ts); its DN
    // stays whole there, as it names the object to open.
    rows: data.rows.map((r) => ({ ...r, dn: name(r.dn) })),
    ...(data.whatIf ? {
      whatIf: {
        ...data.whatIf,
        entries: data.whatIf.entries.map((e) => ({
          ...e, dn: name(e.dn), displayName: name(e.displayName), explanation: value(e.explanation),
          changes: e.changes.map((c) => ({ ...c, current: orNull(c.current), proposed: orNull(c.proposed) })),
        })),
      },
    } : {}),
  };
}

export async function runBatchCli(args: CliArguments): Promise<number> {
  boundHeapGrowth();
  // A malformed search base or input file is a usage error found before any connection.
  let target: BatchTarget;
  try {
    target = await targetOf(args);
    // An empty base (an unset variable: --search-base "$OU") is a malformed name, as an empty
    // --distinguished-name is; the directory is not asked.
    if (target.kind === 'search' && target.base.isRoot) {
      throw new SyncError(directoryErrors.MalformedDistinguishedName, { position: 1, problem: 'the distinguished name is empty (give the OU or container to search, for example OU=Sales,DC=contoso,DC=com)', dn: args.searchBase });
    }
  } catch (err) {
    if (!isSyncError(err)) throw err;
    process.stderr.write(describeError(err));
    return USAGE;
  }
  let session: Session;
  let prepared: PreparedBatch;
  // The state and report folders the checks make: a refusal (exit 2) removes them again.
  const made: string[] = [];
  try {
    session = await open(args, args.config, { made });
  } catch (err) {
    if (!isSyncError(err)) throw err;
    process.stderr.write(describeError(err));
    await removeMadeFolders(made);
    return USAGE;
  }
  let refused = false;
  /** Exit 2: says why; the folders made for the batch are removed once the sessions are closed. */
  const refuse = (err: SyncError): number => {
    process.stderr.write(describeError(err));
    refused = true;
    return USAGE;
  };
  const cleanups: (() => Promise<void>)[] = [() => session.close()];
  const progressRef: { stop: () => void } = { stop: () => undefined };
  // Where the results that are not printed are kept: no batch report with --no-html-report, and a
  // what-if commits no state (it runs on copies).
  const keptIn = args.whatIfConfig !== undefined
    ? (args.noHtmlReport ? 'no report was asked for: run the comparison again' : 'the batch report has them')
    : (args.noHtmlReport ? 'the state has them' : 'the batch report and the state have them');
  const interrupt = interruptOnSignals({
    first: (cause) => cause === 'EPIPE' || cause === 'output'
      ? `\nsingle-object-sync: ${stoppedBy(cause)}: stopping after the objects in flight; their results are not printed (${keptIn}).\n`
      : `\nsingle-object-sync: ${cause} received: stopping after the objects in flight (send it again to stop at once).\n`,
    stopNow: (cause, released) => `single-object-sync: stopped (${stoppedBy(cause)}) before the batch finished; the results printed so far are complete, the batch summary and report were not written.${released ? ' The state lock was released.' : ''} Run the batch again: finished objects are in the stored state.\n`,
  }, () => progressRef.stop());
  // The reader leaving (`| head`) or the output failing (a full disk) stops the batch as Ctrl+C does.
  onStdoutFailure((err) => interrupt.stop(readerLeft(err) ? 'EPIPE' : 'output'));
  try {
    // A proposed configuration that cannot be used, its LDIF snapshot included, is found before
    // the directory is searched.
    let whatIf: WhatIfSessions | undefined;
    if (args.whatIfConfig !== undefined) {
      const opened = await openWhatIf(args, session, cleanups);
      if (isSyncError(opened)) return refuse(opened);
      whatIf = opened;
    }
    const scopeReadStarted = performance.now();
    try {
      prepared = await session.prepareBatch(target, args.bulkReadThreshold !== undefined ? { bulkReadThreshold: args.bulkReadThreshold } : {});
    } catch (err) {
      if (!isSyncError(err)) throw err;
      return refuse(err);
    }
    const scopeReadInMilliseconds = performance.now() - scopeReadStarted;
    process.stderr.write(`${terminalText(`Batch: ${prepared.dns.length} object(s) from ${prepared.scope}.`)}\n`);
    let batchDir: string | undefined;
    if (!args.noHtmlReport) {
      try {
        batchDir = await newBatchFolder(session.reportDir);
      } catch (err) {
        return refuse(new SyncError(appErrors.ReportFolderNotWritable, { reportDir: session.reportDir, cause: (err as Error).message }, { cause: err }));
      }
    }
    /** Options of one pass: progress on stderr, JSON lines on stdout when `json`. */
    const passOptions = (label: string, stagingMode: boolean, json: boolean, reports: boolean) => {
      const progress = batchProgress(process.stderr, prepared.dns.length, label);
      progressRef.stop = () => progress.stop();
      let done = 0;
      const options: BatchPassOptions = {
        stagingMode,
        signal: interrupt.signal,
        ...(reports && batchDir ? { objectReportDir: path.join(batchDir, 'objects') } : {}),
        ...(args.redact.length ? { redactAttributes: args.redact } : {}),
        ...(args.bulkReadThreshold !== undefined ? { bulkReadThreshold: args.bulkReadThreshold } : {}),
        workers: args.workers ?? defaultWorkers(reports && batchDir !== undefined, prepared.dns.length),
        onResult: async (item, _row, tally) => {
          if (json && process.stdout.isTTY) {
            // Results and progress on one terminal: the progress line is cleared and the result
            // printed at once, so the next progress line is drawn below it, not on the result.
            progress.stop();
            await writeLine(undefined, item.json());
            await flushLines();
          } else if (json) await writeLine(undefined, item.json());
          progress.update(++done, tally);
        },
      };
      return { options, progress };
    };

    if (whatIf) return await runWhatIf(args, whatIf, prepared, batchDir, interrupt, progressRef);

    let exportPlanNote: string | undefined;
    if (args.export) {
      // What the export will write, from a staging pass over the same objects (nothing is written).
      const plan = passOptions('planning', true, false, false);
      const planned = await session.runBatch(prepared, { ...plan.options, keepSummaries: true });
      plan.progress.stop();
      const writes = planWrites(planned.summaries.values());
      const failing = planned.tally.byStatus.failure;
      const duplicates = planned.conflicts.length
        ? `; ${planned.conflicts.length} value(s) would be added by more than one of these objects (DuplicateValuesInBatch: Entra ID quarantines each on all but the object exported first): ${planned.conflicts.slice(0, 3).map(describeConflict).join(' ')}${planned.conflicts.length > 3 ? ` ... and ${planned.conflicts.length - 3} more` : ''}`
        : '';
      exportPlanNote = `Export plan (from a staging pass): ${writes.creates} create(s) and ${writes.updates} update(s) = ${writes.creates + writes.updates} object write(s) to Microsoft Entra ID, plus group membership changes; ${writes.unchanged} object(s) have nothing to write or are out of scope${writes.forEntraConnect ? `; ${writes.forEntraConnect} object(s) have changes only Entra Connect exports (objects it synchronizes, soft-deleted users it restores): not written here` : ''}${failing ? `; ${failing} fail already in staging` : ''}${duplicates}.`;
      process.stderr.write(`${terminalText(`Exporting ${prepared.dns.length} object(s). ${exportPlanNote}`)}\n`);
      if (interrupt.signal.aborted) {
        process.stderr.write('single-object-sync: interrupted during the planning pass: nothing was exported.\n');
        return interrupt.exitCode() ?? 1;
      }
    }
    const label = args.export ? 'export' : 'staging';
    const run = passOptions(label, !args.export, true, true);
    // The last pass: the scope's objects are released as they are synced.
    const pass = await session.runBatch(prepared, { ...run.options, releaseScope: true });
    await flushLines();
    run.progress.stop();
    process.stderr.write(summaryLines(args.export ? 'Export batch' : 'Staging batch', pass, scopeReadInMilliseconds));
    for (const failure of pass.reportFailures.slice(0, 1)) process.stderr.write(`Some object reports were not written: ${describeError(failure)}`);
    let reportFailed = pass.reportFailures.length > 0;
    if (batchDir) {
      const file = path.join(batchDir, 'index.htm');
      try {
        await writeFile(file, renderBatchReport(reportData(args.export ? 'export' : 'staging', prepared, pass, exportPlanNote ? { notes: [exportPlanNote, ...pass.notes] } : {})), { encoding: 'utf8', mode: OWNER_ONLY_FILE, flag: 'wx' });
        process.stderr.write(`Batch report: ${terminalText(file)}\n`);
      } catch (err) {
        reportFailed = true;
        process.stderr.write(describeError(new SyncError(appErrors.ReportFolderNotWritable, { reportDir: batchDir, cause: (err as Error).message }, { cause: err })));
      }
    }
    const interrupted = interrupt.exitCode();
    if (interrupted !== undefined) {
      process.stderr.write(`single-object-sync: ${stoppedBy(interrupt.received()!)}: ${pass.done} object(s) done, ${pass.notDone} not done (not started). Run the batch again to finish.\n`);
      return interrupted;
    }
    if (pass.tally.byStatus.failure > 0) return 1;
    return reportFailed ? AFTER_RUN_FAILURE : 0;
  } finally {
    await flushLines();
    interrupt.dispose();
    progressRef.stop();
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    // A what-if runs on copies of the state folder: one it had to make stays empty and goes
    // (a report folder holding the batch report stays, as rmdir leaves a folder with a file).
    if (refused || args.whatIfConfig !== undefined) await removeMadeFolders(made);
  }
}


interface WhatIfSessions {
  /** The proposed configuration's path, as the report names it. */
  proposedPath: string;
  /** The current and the proposed configuration, each on its own temporary copy of the state folder. */
  current: Session;
  proposed: Session;
}

/**
 * Checks the proposed configuration and opens both what-if sessions, before the directory is
 * searched: the proposed file loads (schema, rules, server-configuration export), would connect
 * and sign in as the current one does, and its files (LDIF snapshot, CA files) are read. A
 * problem is WhatIfConfigurationInvalid, returned; the caller refuses the batch.
 */
async function openWhatIf(args: CliArguments, session: Session, cleanups: (() => Promise<void>)[]): Promise<WhatIfSessions | SyncError> {
  const proposedPath = path.resolve(args.whatIfConfig!);
  const refused = await proposedConfigurationProblem(proposedPath, session.config);
  if (refused) return refused;
  const copies: string[] = [];
  cleanups.push(async () => { for (const c of copies) await rm(c, { recursive: true, force: true }); });
  copies.push(await copyOfStateFolder(session.stateDir, 'current'));
  copies.push(await copyOfStateFolder(session.stateDir, 'proposed'));
  let current: Session;
  try {
    current = await open(args, args.config, { stateDir: copies[0]!, noReportFolder: true });
    cleanups.push(() => current.close());
  } catch (err) {
    if (!isSyncError(err)) throw err;
    return err;
  }
  // Checked again on the file as opened (it may have changed since the first check), before it connects.
  const vet = (s: Session) => proposedConnectionProblem(proposedPath, current.config, s.config);
  try {
    const proposed = await open(args, proposedPath, { stateDir: copies[1]!, vet, noReportFolder: true });
    cleanups.push(() => proposed.close());
    return { proposedPath, current, proposed };
  } catch (err) {
    if (!isSyncError(err)) throw err;
    return proposedOpenProblem(proposedPath, err);
  }
}

async function runWhatIf(
  args: CliArguments,
  { proposedPath, current, proposed }: WhatIfSessions,
  prepared: PreparedBatch,
  batchDir: string | undefined,
  interrupt: ReturnType<typeof interruptOnSignals>,
  progressRef: { stop: () => void },
): Promise<number> {
  const pass = async (s: Session, label: string, reports: boolean) => {
    const progress = batchProgress(process.stderr, prepared.dns.length, label);
    progressRef.stop = () => progress.stop();
    let done = 0;
    const result = await s.runBatch(prepared, {
      stagingMode: true,
      keepSummaries: true,
      signal: interrupt.signal,
      ...(reports && batchDir ? { objectReportDir: path.join(batchDir, 'objects') } : {}),
      ...(args.redact.length ? { redactAttributes: args.redact } : {}),
      ...(args.bulkReadThreshold !== undefined ? { bulkReadThreshold: args.bulkReadThreshold } : {}),
      onResult: (_item, _row, tally) => progress.update(++done, tally),
    });
    progress.stop();
    return result;
  };
  const before = await pass(current, 'current configuration', false);
  process.stderr.write(summaryLines('Current configuration (staging)', before));
  const after = interrupt.signal.aborted ? undefined : await pass(proposed, 'proposed configuration', true);
  if (!after) {
    process.stderr.write(`single-object-sync: ${stoppedBy(interrupt.received()!)}: the proposed configuration was not run; nothing to compare. Nothing was written.\n`);
    return interrupt.exitCode() ?? 1;
  }
  process.stderr.write(summaryLines('Proposed configuration (staging)', after));
  const entries: WhatIfEntry[] = [];
  for (const name of prepared.dns) {
    const dn = name.toString();
    const a = before.summaries.get(dn);
    const b = after.summaries.get(dn);
    if (!a || !b) continue; // not run (interrupted)
    const entry = compareRuns(dn, a, b);
    entries.push(entry);
    await writeLine(entry);
  }
  await flushLines();
  // Unless one is given: the tenant's setting and the server's own (its configuration export).
  const checked = await whatIfDeletionThreshold(current, args.deletionThreshold);
  const totals = whatIfTotals(entries, checked);
  const o = totals.byOutcome;
  const lines = [
    `What-if: ${entries.length} object(s) compared: ${o.create} newly in scope (create), ${o.join} newly in scope (join an existing cloud object), ${o.delete} leaving scope with a cloud object (DELETED by Entra Connect), ${o['no-longer-created']} leaving scope not synchronized yet (no cloud object, or one a soft match would take over, which stays), ${o['attribute-changes']} with attribute changes, ${o.unchanged} unchanged, ${o.undetermined} undetermined.`,
    ...entries.filter((e) => e.outcome === 'delete').slice(0, 50).map((e) => `  DELETE ${e.dn}: ${e.explanation}`),
    ...(o.delete > 50 ? [`  ... and ${o.delete - 50} more deletes (all are in the JSON lines and the report)`] : []),
  ];
  process.stderr.write(`${lines.map(terminalText).join('\n')}\n`);
  process.stderr.write(`${terminalText(`Deletion threshold checked: ${checked.disabled ? 'disabled' : checked.threshold}, from ${checked.source}.${checked.note ? ` ${checked.note}` : ''}`)}\n`);
  if (totals.exceedsThreshold) {
    process.stderr.write(describeError(new SyncError(batchErrors.DeletionThresholdExceeded, { deletes: totals.deletes, threshold: totals.threshold })));
    // Microsoft (prevent accidental deletes): "the export stops before deleting any object", and
    // the alert says "As a result, no objects were exported.": the creates and updates wait too.
    const waiting = o.create + o.join + o['attribute-changes'];
    if (waiting) process.stderr.write(`${terminalText(`While the export is stopped Entra Connect exports nothing to Microsoft Entra ID, not only the deletes: the ${waiting} object(s) listed as newly in scope or with attribute changes wait too.`)}\n`);
  } else {
    process.stderr.write(`${deletionVerdict(totals)}\n`);
  }
  const applying = howToApply(configurationChanges(
    { connectors: current.config.activeDirectory, ruleSet: current.ruleSet },
    { connectors: proposed.config.activeDirectory, ruleSet: proposed.ruleSet },
  ));
  if (applying.length) process.stderr.write(`Applying the proposed configuration on the Entra Connect server:\n${applying.map((l) => `  ${terminalText(l)}`).join('\n')}\n`);
  if (batchDir) {
    const file = path.join(batchDir, 'index.htm');
    try {
      await writeFile(file, renderBatchReport(reportData('what-if', prepared, after, { whatIf: { proposedConfiguration: proposedPath, entries, totals, applying } })), { encoding: 'utf8', mode: OWNER_ONLY_FILE, flag: 'wx' });
      process.stderr.write(`Batch report: ${terminalText(file)}\n`);
    } catch (err) {
      process.stderr.write(describeError(new SyncError(appErrors.ReportFolderNotWritable, { reportDir: batchDir, cause: (err as Error).message }, { cause: err })));
    }
  }
  const interrupted = interrupt.exitCode();
  if (interrupted !== undefined) {
    process.stderr.write(`single-object-sync: ${stoppedBy(interrupt.received()!)}: ${entries.length} object(s) compared, ${prepared.dns.length - entries.length} not.\n`);
    return interrupted;
  }
  return totals.exceedsThreshold || o.undetermined > 0 ? 1 : 0;
}
