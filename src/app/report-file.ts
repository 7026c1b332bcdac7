// Writing the report file. The name follows the cmdlet: ADSyncSingleObjectSyncResult-
// yyyyMMdd-HHmmss.htm, in LOCAL time, as Get-Date gives it on the Entra Connect server, so
// the name matches the clock of the engineer who ran the sync (the report itself shows
// UTC times). An existing file is never overwritten: -1, -2, ... are appended instead.
import { randomBytes } from 'node:crypto';
import { link, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { appErrors } from './errors';
import { SyncError } from '../engine/errors/sync-error';
import type { ProvisioningObjectSummary } from '../engine/summary/types';
import type { ReportOptions } from '../report/body';
import { makeOwnerOnlyDirectory, OWNER_ONLY_FILE } from '../adapters/io/owner-only';
import { renderReport } from '../report/document';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function reportFileName(date: Date): string {
  const stamp = `${pad(date.getFullYear(), 4)}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
  return `ADSyncSingleObjectSyncResult-${stamp}.htm`;
}

const maxSuffix = 999;

/**
 * Renders the report and writes it into reportDir (created when missing). The file is
 * named after the sync's activityDateTime (else generatedAt, else now) and returned as an
 * absolute path. The content is written to a temporary file first and then hard-linked to
 * its name, so a reader never sees half a report and an existing file is never replaced.
 * The report holds directory data: the file is 0600, folders created for it 0700.
 */
export async function writeReport(summary: ProvisioningObjectSummary, reportDir: string, options: ReportOptions): Promise<string> {
  const generatedAt = options.generatedAt ?? new Date();
  const content = renderReport(summary, { ...options, generatedAt });
  const activity = new Date(summary.activityDateTime);
  const base = reportFileName(Number.isNaN(activity.getTime()) ? generatedAt : activity).replace(/\.htm$/, '');
  const dir = path.resolve(reportDir);
  const fail = (cause: unknown) =>
    new SyncError(appErrors.ReportFolderNotWritable, { reportDir: dir, cause: (cause as NodeJS.ErrnoException)?.code ?? String(cause) }, { cause });

  try {
    await makeOwnerOnlyDirectory(dir);
  } catch (err) {
    throw fail(err);
  }
  const temp = path.join(dir, `.${base}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, content, { encoding: 'utf8', flag: 'wx', mode: OWNER_ONLY_FILE });
  } catch (err) {
    throw fail(err);
  }
  try {
    for (let n = 0; n <= maxSuffix; n++) {
      const target = path.join(dir, `${base}${n === 0 ? '' : `-${n}`}.htm`);
      try {
        await link(temp, target);
        return target;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        // File systems without hard links: fall back to an exclusive create.
        if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
          try {
            await writeFile(target, content, { encoding: 'utf8', flag: 'wx', mode: OWNER_ONLY_FILE });
            return target;
          } catch (inner) {
            if ((inner as NodeJS.ErrnoException).code === 'EEXIST') continue;
            throw fail(inner);
          }
        }
        throw fail(err);
      }
    }
    throw fail(new Error(`${base}.htm and ${maxSuffix} numbered variants already exist`));
  } finally {
    await rm(temp, { force: true });
  }
}
