// The composition root (ARCHITECTURE section 2): a loaded configuration and a secrets
// provider in, adapters and the pipeline wired together out. The CLI and the extension both
// call openSession, so neither surface assembles adapters itself.
import { createDirectorySource } from './ad';
import { loadConfiguration } from './config';
import type { ActiveDirectoryConnectorConfig, SecretsProvider, SingleObjectSyncConfig } from './config/model';
import { createEntraTarget } from './entra';
import { SyncError, syncErrors } from './engine/errors';
import { systemClock } from './engine/pipeline/clock';
import type { SyncDependencies } from './engine/pipeline/context';
import { runSync } from './engine/pipeline/run-sync';
import type { DirectorySource } from './engine/ports/directory-source';
import type { EntraTarget } from './engine/ports/entra-target';
import type { RuleSet } from './engine/rules';
import type { ProvisioningObjectSummary, SyncEvent } from './engine/summary/types';
import { writeReport } from './report';
import { FileStateStore } from './state/file-state-store';
import { toolVersion } from './version';

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
  sync(distinguishedName: string, options: SyncRunOptions): Promise<SyncOutcome>;
  /** The directory of a connector: opened lazily, kept for the session, closed by close(). */
  directory(connectorName: string): Promise<DirectorySource>;
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
            throw new SyncError(syncErrors.MissingSecret, { secret: `password for ${connector.bindDn}`, variable: connector.passwordEnv ?? '(passwordEnv not set)' });
          }
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
        let secret: string | undefined;
        if (!config.entra.certificateFile) {
          secret = await options.secrets.entraClientSecret(config.entra);
          if (secret === undefined) {
            throw new SyncError(syncErrors.MissingSecret, { secret: 'client secret', variable: config.entra.clientSecretEnv ?? '(clientSecretEnv not set)' });
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

  return {
    config,
    configPath: loaded.configPath,
    ruleSet: loaded.ruleSet,
    async sync(distinguishedName, runOptions) {
      const summary = await runSync(deps, {
        distinguishedName,
        stagingMode: runOptions.stagingMode,
        ...(runOptions.onEvent ? { onEvent: runOptions.onEvent } : {}),
        ...(runOptions.signal ? { signal: runOptions.signal } : {}),
      });
      if (runOptions.noHtmlReport) return { summary };
      const reportPath = await writeReport(summary, reportDir, {
        toolVersion,
        redactAttributes: runOptions.redactAttributes ?? config.redactAttributes ?? [],
      });
      return { summary, reportPath };
    },
    async directory(connectorName) {
      const connector = config.activeDirectory.find((c) => c.name === connectorName);
      if (!connector) throw new RangeError(`No connector named ${connectorName}`);
      return openDirectory(connector);
    },
    async close() {
      const all = [...directories.values()].map((p) => p.then((d) => d.close(), () => undefined));
      if (entraTarget) all.push(entraTarget.then((e) => e.close(), () => undefined));
      await Promise.all(all);
      directories.clear();
      entraTarget = undefined;
    },
  };
}
