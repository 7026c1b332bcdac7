// The sync results the report tests render: the hand-made fixtures, plus any JSON files or
// folders listed in SOS_REPORT_SUMMARIES (separated by the platform's path delimiter or
// commas), for example summaries written by real syncs of the Samba fixture objects.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProvisioningObjectSummary } from '../../src/engine/summary/types';

export const fixtureDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/summaries');
export const artifactDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts/report');

export interface NamedSummary { name: string; file: string; summary: ProvisioningObjectSummary }

function jsonFiles(entry: string): string[] {
  const full = path.resolve(entry);
  // Real-sync summaries exist only when the end-to-end suite ran first (npm test orders it so).
  if (!existsSync(full)) return [];
  if (statSync(full).isDirectory()) return readdirSync(full).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(full, f));
  return [full];
}

export function loadSummaries(): NamedSummary[] {
  const extra = (process.env.SOS_REPORT_SUMMARIES ?? '').split(new RegExp(`[,${path.delimiter}]`)).map((s) => s.trim()).filter(Boolean);
  const files = [...jsonFiles(fixtureDir), ...extra.flatMap(jsonFiles)];
  const seen = new Set<string>();
  return files.map((file) => {
    let name = path.basename(file, '.json').replace(/[^\w.-]+/g, '_');
    while (seen.has(name)) name += '_';
    seen.add(name);
    return { name, file, summary: JSON.parse(readFileSync(file, 'utf8')) as ProvisioningObjectSummary };
  });
}

export function loadFixture(name: string): ProvisioningObjectSummary {
  return JSON.parse(readFileSync(path.join(fixtureDir, `${name}.json`), 'utf8')) as ProvisioningObjectSummary;
}

/** Every string in the value (keys of details maps included) passed through fn. */
export function mapStrings<T>(value: T, fn: (text: string, path: string) => string, at = ''): T {
  if (typeof value === 'string') return fn(value, at) as T;
  if (Array.isArray(value)) return value.map((v, i) => mapStrings(v, fn, `${at}[${i}]`)) as T;
  if (value && typeof value === 'object') {
    const freeKeys = at.endsWith('details');
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [freeKeys ? fn(k, `${at}{key}`) : k, mapStrings(v, fn, `${at}.${k}`)])) as T;
  }
  return value;
}

/** The same summary with every markup-significant character replaced: the structure it renders to must not change. */
export function defang<T>(value: T): T {
  return mapStrings(value, (text) => text.replace(/[<>"'&]/g, '_').replace(/javascript:/gi, 'javascripx:'));
}
