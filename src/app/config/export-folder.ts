// Telling a Get-ADSyncServerConfiguration export folder from what is given in its place: the
// wizard's JSON settings file, one file or one sub-folder of an export, a path that is not there.
// Each mistake is said with what to give instead.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { decodeText } from '../../adapters/io/decode-text';
import { readFileBounded } from '../../adapters/io/read-bounded';

/** The sub-folders a Get-ADSyncServerConfiguration export holds (lower case). */
const EXPORT_FOLDERS = new Set(['connectors', 'synchronizationrules', 'globalsettings']);

/**
 * The wizard's settings files ("Import and export Microsoft Entra Connect configuration
 * settings"): Applied-SynchronizationPolicy-*.json, written at each change made in the wizard,
 * and the on-demand export of "View or Export Current Configuration" (Exported-ServerConfiguration-*.json [inferred]).
 */
const WIZARD_SETTINGS_NAME = /^(Applied-SynchronizationPolicy|Exported-ServerConfiguration)-.*\.json$/i;
/** Top-level keys of those files, renamed or not [inferred from a copy quoted in a community answer]. */
const WIZARD_SETTINGS_KEYS = ['standardSynchronizationRules', 'customSynchronizationRules', 'onlineConfiguration', 'policyMetadata', 'deploymentMetadata'];
/** A settings file is a few hundred KB; no more than this is read to recognise one. */
const SETTINGS_SNIFF_LIMIT = 8 * 1024 * 1024;

const TELL_EXPORT = 'on the Entra Connect server run Get-ADSyncServerConfiguration -Path <folder> and name that folder';

/** Is `file` the folder of a Get-ADSyncServerConfiguration export (it holds one of its sub-folders)? */
export async function isServerConfigurationFolder(file: string): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isDirectory()) return false;
  const names = await readdir(file).catch(() => [] as string[]);
  return names.some((name) => EXPORT_FOLDERS.has(name.toLowerCase()));
}

/** Does this parsed JSON look like the wizard's settings file? */
export function isWizardSettings(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && WIZARD_SETTINGS_KEYS.some((key) => Object.prototype.hasOwnProperty.call(value, key));
}

async function isWizardSettingsFile(file: string): Promise<boolean> {
  if (WIZARD_SETTINGS_NAME.test(path.basename(file))) return true;
  try {
    return isWizardSettings(JSON.parse(decodeText(await readFileBounded(file, SETTINGS_SNIFF_LIMIT))));
  } catch {
    return false;
  }
}

/** What to say of the wizard's settings file, where it stands for the export or for the tool's configuration. */
export const WIZARD_SETTINGS_TEXT =
  "the Entra Connect wizard's settings file (Applied-SynchronizationPolicy-*.json or the export of \"View or Export Current Configuration\"), made for importing into a new Entra Connect server; it names the out-of-box sync rules without writing out their scope, join and attribute flows, so the rules cannot be evaluated from it";

/** Why `given`, named as the export folder, cannot be read as one (`err`: the error of reading it as a folder). */
export async function whyNotAnExportFolder(given: string, err: unknown): Promise<string> {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `it does not exist; ${TELL_EXPORT}`;
  if (code === 'EACCES' || code === 'EPERM') return 'this account may not read it (permission denied)';
  if (code === 'ENOTDIR') {
    if (await isWizardSettingsFile(given)) return `it is ${WIZARD_SETTINGS_TEXT}; ${TELL_EXPORT}`;
    const parent = path.dirname(path.dirname(given));
    if (EXPORT_FOLDERS.has(path.basename(path.dirname(given)).toLowerCase()) && await isServerConfigurationFolder(parent)) {
      return `it is one file of the export in ${parent}; name that folder, the whole export`;
    }
    return `it is a file, not the folder Get-ADSyncServerConfiguration writes (Connectors, GlobalSettings, SynchronizationRules); ${TELL_EXPORT}`;
  }
  return (err as Error).message;
}

/**
 * A sub-folder of an export (its Connectors, SynchronizationRules or GlobalSettings) named in
 * place of the export: the export's folder, to be named instead. Undefined for any other folder.
 */
export async function exportAbove(folder: string): Promise<string | undefined> {
  if (!EXPORT_FOLDERS.has(path.basename(path.resolve(folder)).toLowerCase())) return undefined;
  if (await isServerConfigurationFolder(folder)) return undefined;
  const parent = path.dirname(path.resolve(folder));
  return (await isServerConfigurationFolder(parent)) ? parent : undefined;
}

/**
 * The folder above an export named in its place (an archive unzipped to parent/SERVER01/Connectors...):
 * the names of its sub-folders that are exports. None when the folder is an export itself.
 */
export async function exportsBelow(folder: string): Promise<string[]> {
  if (await isServerConfigurationFolder(folder)) return [];
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
    if (await isServerConfigurationFolder(path.join(folder, entry.name))) found.push(entry.name);
  }
  return found.sort();
}
