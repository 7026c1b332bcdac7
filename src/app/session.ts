// The composition root (ARCHITECTURE section 2): a loaded configuration and a secrets
// provider in, adapters and the pipeline wired together out. The CLI and the extension both
// call openSession, so neither surface assembles adapters itself.
import { createDirectorySource } from '../adapters/ad';
import { loadConfiguration } from './config';
import { entraAuthMode, type ActiveDirectoryConnectorConfig, type SecretsProvider, type SingleObjectSyncConfig } from './config/model';
import { utf16Mark } from '../adapters/io/decode-text';
import { describeReadError, READ_LIMITS, readFileBounded } from '../adapters/io/read-bounded';
import { readConfiguredPem } from './config/endpoints';
import { createEntraTarget, holdSecret, stoppingWaitsOn } from '../adapters/entra';
import { configErrors, entraErrors, SyncError, syncErrors } from '../engine/errors';
import { systemClock } from '../engine/pipeline/clock';
import type { SyncDependencies } from '../engine/pipeline/context';
import { runSync } from '../engine/pipeline/run-sync';
import type { DirectorySource } from '../engine/ports/directory-source';
import type { EntraObject, EntraObjectKind, EntraTarget } from '../engine/ports/entra-target';
import type { RuleSet } from '../engine/rules';
import type { ProvisioningObjectSummary, SyncEvent } from '../engine/summary/types';
import { writeReport } from './report-file';
import { appErrors } from './errors';
import { FileStateStore } from '../adapters/state/file-state-store';
import { checkWritableOwnerOnlyDirectory, makeWritableOwnerOnlyDirectory, removeCreatedFolders } from '../adapters/io/owner-only';
import { toolVersion } from './version';
import { prepareBatch, runBatchPass, type BatchPassOptions, type BatchPassResult, type PreparedBatch } from './batch/session-batch';
import type { BatchTarget } from './batch/targets';
import type { Dn } from '../engine/model/dn';

/** For a surface's signal handler: release the state locks this process holds. */
export { releaseHeldLocksSync } from '../adapters/state/file-state-store';

export interface SyncRunOptions {
  stagingMode: boolean;
  noHtmlReport?: boolean;
  redactAttributes?: string[];
  onEvent?: (event: SyncEvent) => void;
  signal?: AbortSignal;
}

export interface SyncOutcome {
  summary: ProvisioningObjectSummary;
  reportPath?: string;
}

export interface Session {
  readonly config: SingleObjectSyncConfig;
  readonly configPath: string;
  readonly ruleSet: RuleSet;
  /**
   * Checks, before anything is written, every input a sync reads: the files the configuration
   * names (LDIF snapshot parsed, CA and certificate files, with size limits), the secrets, and
   * the state (and report) folders. Throws SyncError; a surface that calls it first turns bad
   * input into a usage error that changed nothing.
   */
  prepare(options?: { noHtmlReport?: boolean }): Promise<void>;
  /**
   * Runs the ten steps and writes the report. When the report cannot be written after the sync
   * ran, the SyncError thrown carries the result: see resultOfFailure().
   */
  sync(distinguishedName: Dn, options: SyncRunOptions): Promise<SyncOutcome>;
  /** The state and report folders in use (overrides applied). */
  readonly stateDir: string;
  readonly reportDir: string;
  /** Batch: resolves and reads the scope or the input file; SyncError before anything is written. */
  prepareBatch(target: BatchTarget, options?: { bulkReadThreshold?: number }): Promise<PreparedBatch>;
  /** Batch: the ten steps for every prepared object over this session's connections and tenant reads. */
  runBatch(prepared: PreparedBatch, options: BatchPassOptions): Promise<BatchPassResult>;
  /** The object in the tenant now (Compare with Microsoft Entra ID); null when it does not exist. */
  entraObject(kind: EntraObjectKind, id: string): Promise<EntraObject | null>;
  /** The directory of a connector: opened lazily, kept for the session, closed by close(). */
  directory(connectorName: string): Promise<DirectorySource>;
  /** The tenant (token source and Graph client): opened lazily, kept for the session. */
  tenant(): Promise<EntraTarget>;
  close(): Promise<void>;
}

export interface OpenSessionOptions {
  configPath: string;
  secrets: SecretsProvider;
  /** Override the configuration's stateDir / reportDir (CLI flags, extension storage). */
  stateDir?: string;
  reportDir?: string;
  initiator?: { id: string; displayName: string };
}

const resultsOfFailures = new WeakMap<object, ProvisioningObjectSummary>();

/** The sync result a failure after the sync (writing the report) carries, if any. */
export function resultOfFailure(error: unknown): ProvisioningObjectSummary | undefined {
  return error && typeof error === 'object' ? resultsOfFailures.get(error) : undefined;
}

async function checkConfiguredFile(file: string | null | undefined, setting: string, limit: number): Promise<Buffer | undefined> {
  if (!file) return undefined;
  try {
    return await readFileBounded(file, limit);
  } catch (err) {
    throw new SyncError(configErrors.ConfiguredFileUnreadable, { file, setting, cause: describeReadError(err) }, { cause: err });
  }
}

async function checkPem(file: string | null | undefined, setting: string): Promise<void> {
  if (!file) return;
  // As the adapters and the secret keys read it: a regular file or a link to one, never a pipe.
  const bytes = readConfiguredPem(file, setting);
  if (!bytes.toString('latin1').includes('-----BEGIN ')) {
    // Windows PowerShell's Out-File and `>` write UTF-16, which no TLS library reads as PEM.
    const cause = utf16Mark(bytes)
      ? 'it is UTF-16 text (as Windows PowerShell\'s Out-File writes it), and PEM is ASCII: save it again as ASCII (Out-File -Encoding ascii, or Set-Content)'
      : 'it holds no PEM block (-----BEGIN ...)';
    throw new SyncError(configErrors.ConfiguredFileUnreadable, { file, setting, cause });
  }
}

export async function openSession(options: OpenSessionOptions): Promise<Session> {
  const loaded = await loadConfiguration(options.configPath);
  const config = loaded.config;
  const stateDir = options.stateDir ?? config.stateDir;
  const reportDir = options.reportDir ?? config.reportDir;
  const directories = new Map<string, Promise<DirectorySource>>();
  let entraTarget: Promise<EntraTarget> | undefined;

  const openDirectory = (connector: ActiveDirectoryConnectorConfig): Promise<DirectorySource> => {
    let pending = directories.get(connector.name);
    if (!pending) {
      pending = (async () => {
        let password: string | undefined;
        if (!connector.ldifFile && connector.bindDn) {
          password = await options.secrets.directoryPassword(connector);
          if (password === undefined) {
            if (!connector.passwordEnv) throw new SyncError(syncErrors.SecretSourceNotConfigured, { secret: `password for ${connector.bindDn}`, setting: 'passwordEnv' });
            throw new SyncError(syncErrors.MissingSecret, { secret: `password for ${connector.bindDn}`, variable: connector.passwordEnv });
          }
          // A proxy or a hostile answer echoing it: removed from the Entra adapter's error texts too.
          holdSecret(password);
        }
        return createDirectorySource(connector, password);
      })();
      directories.set(connector.name, pending);
      // A failed open is not cached: the next sync tries again (the DC may be back).
      pending.catch(() => directories.delete(connector.name));
    }
    return pending;
  };

  const openEntra = (): Promise<EntraTarget> => {
    if (!entraTarget) {
      entraTarget = (async () => {
        const mode = entraAuthMode(config.entra);
        if (mode === 'deviceCode') {
          if (!options.secrets.delegatedSignIn) throw new SyncError(entraErrors.EntraCredentialMissing, { clientId: config.entra.clientId });
          return createEntraTarget(config.entra, undefined, undefined, options.secrets.delegatedSignIn(config.entra, stateDir));
        }
        let secret: string | undefined;
        if (mode === 'clientSecret') {
          secret = await options.secrets.entraClientSecret(config.entra);
          if (secret === undefined) {
            if (!config.entra.clientSecretEnv) throw new SyncError(syncErrors.SecretSourceNotConfigured, { secret: 'client secret', setting: 'entra.clientSecretEnv' });
            throw new SyncError(syncErrors.MissingSecret, { secret: 'client secret', variable: config.entra.clientSecretEnv });
          }
        }
        return createEntraTarget(config.entra, secret);
      })();
      entraTarget.catch(() => { entraTarget = undefined; });
    }
    return entraTarget;
  };

  const deps: SyncDependencies = {
    config,
    ruleSet: loaded.ruleSet,
    directory: openDirectory,
    entra: openEntra,
    stateStore: new FileStateStore(stateDir),
    clock: systemClock,
    toolVersion,
    ...(options.initiator ? { initiator: options.initiator } : {}),
  };

  const batchContext = { config, configPath: loaded.configPath, deps, openDirectory, openEntra, toolVersion, stateDir, ...(options.initiator ? { initiator: options.initiator } : {}) };

  return {
    config,
    configPath: loaded.configPath,
    ruleSet: loaded.ruleSet,
    stateDir,
    reportDir,
    prepareBatch: (target, prepareOptions) => prepareBatch(batchContext, target, prepareOptions),
    runBatch: (prepared, runOptions) => runBatchPass(batchContext, prepared, runOptions),
    entraObject: async (kind, id) => (await openEntra()).getById(kind, id),
    async prepare(prepareOptions = {}) {
      for (const [i, connector] of config.activeDirectory.entries()) {
        await checkPem(connector.tls?.caFile, `activeDirectory[${i}].tls.caFile`);
        if (connector.ldifFile) {
          await checkConfiguredFile(connector.ldifFile, `activeDirectory[${i}].ldifFile`, READ_LIMITS.ldif);
          // Read and parsed once here (LdifUnreadable names the line); the sync reuses it.
          await (await openDirectory(connector)).rootDse();
        } else if (connector.bindDn) {
          await openDirectory(connector); // the bind password: MissingSecret when there is none
        }
      }
      await checkPem(config.entra.caFile, 'entra.caFile');
      await checkPem(config.entra.certificateFile, 'entra.certificateFile');
      await openEntra(); // the client secret or certificate: MissingSecret, EntraCertificateUnreadable
      const folders: [string, string][] = [[stateDir, 'stateDir']];
      if (!prepareOptions.noHtmlReport) folders.push([reportDir, 'reportDir']);
      const refused = (folder: string, setting: string, err: unknown): SyncError => setting === 'stateDir'
        ? new SyncError(configErrors.StateFolderNotWritable, { stateDir: folder, cause: (err as Error).message }, { cause: err })
        : new SyncError(appErrors.ReportFolderNotWritable, { reportDir: folder, cause: (err as Error).message }, { cause: err });
      // Every folder is checked before any is created: a refused report folder must not leave a
      // new, empty state folder behind (a refusal changes nothing).
      for (const [folder, setting] of folders) {
        try {
          await checkWritableOwnerOnlyDirectory(folder);
        } catch (err) {
          throw refused(folder, setting, err);
        }
      }
      const created: string[] = [];
      for (const [folder, setting] of folders) {
        try {
          await makeWritableOwnerOnlyDirectory(folder, created);
        } catch (err) {
          // Refused after all (the file system changed since the check): what was made goes again.
          await removeCreatedFolders(created);
          throw refused(folder, setting, err);
        }
      }
    },
    async sync(distinguishedName, runOptions) {
      // Once stopped, no Graph request of this run waits for Retry-After (run-stop.ts).
      const summary = await stoppingWaitsOn(runOptions.signal, () => runSync(deps, {
        distinguishedName,
        stagingMode: runOptions.stagingMode,
        ...(runOptions.onEvent ? { onEvent: runOptions.onEvent } : {}),
        ...(runOptions.signal ? { signal: runOptions.signal } : {}),
      }));
      if (runOptions.noHtmlReport) return { summary };
      try {
        const reportPath = await writeReport(summary, reportDir, {
          toolVersion,
          // Redaction only grows: the run's names add to the configuration's.
          redactAttributes: [...(config.redactAttributes ?? []), ...(runOptions.redactAttributes ?? [])],
        });
        return { summary, reportPath };
      } catch (err) {
        // The sync ran (and may have written the tenant): the result must not be lost.
        if (err && typeof err === 'object') resultsOfFailures.set(err, summary);
        throw err;
      }
    },
    async directory(connectorName) {
      const connector = config.activeDirectory.find((c) => c.name === connectorName);
      if (!connector) throw new RangeError(`No connector named ${connectorName}`);
      return openDirectory(connector);
    },
    tenant: openEntra,
    async close() {
      const all = [...directories.values()].map((p) => p.then((d) => d.close(), () => undefined));
      if (entraTarget) all.push(entraTarget.then((e) => e.close(), () => undefined));
      await Promise.all(all);
      directories.clear();
      entraTarget = undefined;
    },
  };
}
