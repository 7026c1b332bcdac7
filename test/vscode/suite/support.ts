// What the suite shares with the harness: the config file it writes before starting
// code-server, the results file, and checkpoints (the suite pauses; the harness looks at
// the page in Chromium - screenshots, the webview's DOM - and answers).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface SuiteConfig {
  /** full: every test; smoke: the installed .vsix's short run. */
  mode: 'full' | 'smoke';
  /** False when no harness watches the page (desktop Electron runs): page checks are skipped. */
  harness?: boolean;
  /** Set by the code-server harness: after mocha, wait for it to reload the window. */
  reloadAfterSuite?: boolean;
  /** Smoke mode: the extensions folder the .vsix was installed into. */
  installedUnder?: string;
  workspace: string;
  configFile: string;
  userDataDir: string;
  connectorName: string;
  adPassword: string;
  entraClientSecret: string;
  dns: {
    partition: string;
    contoso: string;
    sales: string;
    excluded: string;
    bulk: string;
    previewUser: string;
    exportUser: string;
  };
}

export interface MochaResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

/** Figures the harness prints (activation, first page, command -> first step). */
export type Metrics = Record<string, number>;

const here = (): string => __dirname;
export const suiteConfigFile = (): string => path.join(here(), 'suite-config.json');
export const resultsFile = (): string => path.join(here(), 'results.json');
export const metricsFile = (): string => path.join(here(), 'metrics.json');
export const checkpointDir = (): string => path.join(here(), 'checkpoints');

export function readSuiteConfig(): SuiteConfig {
  return JSON.parse(readFileSync(suiteConfigFile(), 'utf8')) as SuiteConfig;
}

const metrics: Metrics = {};
export function recordMetric(name: string, value: number): void {
  metrics[name] = value;
  writeFileSync(metricsFile(), JSON.stringify(metrics, null, 2));
}

export interface CheckpointAnswer {
  ok: boolean;
  /** What the harness saw, e.g. the webview's tab titles. */
  observed: Record<string, unknown>;
  problems: string[];
}

/** Asks the harness to look at the page; resolves with its answer. */
export async function checkpoint(name: string, request: Record<string, unknown> = {}): Promise<CheckpointAnswer> {
  mkdirSync(checkpointDir(), { recursive: true });
  const answerFile = path.join(checkpointDir(), `${name}.answer.json`);
  // Written whole, then renamed (the harness polls the folder): never half a request.
  const requestFile = path.join(checkpointDir(), `${name}.json`);
  writeFileSync(`${requestFile}.tmp`, JSON.stringify(request));
  renameSync(`${requestFile}.tmp`, requestFile);
  for (let i = 0; i < 1200; i++) {
    if (existsSync(answerFile)) return JSON.parse(readFileSync(answerFile, 'utf8')) as CheckpointAnswer;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the harness did not answer checkpoint ${name}`);
}

/** Polls until predicate returns a value (for UI state that settles asynchronously). */
export async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, attempts = 200): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}
