// What a batch keeps of one object's result: its row in the batch report and, when asked, its
// own four-tab report written beside the batch report. Shared by the pass on one thread and
// its worker threads, so both write the same files and rows.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { plannedAction } from '../../engine/batch/tally';
import { isSyncError, SyncError } from '../../engine/errors/sync-error';
import type { ProvisioningObjectSummary } from '../../engine/summary/types';
import { redactSummary, renderReport } from '../../report';
import type { BatchReportRow } from '../../report/batch/batch-report';
import { clipped, showAtMost } from '../../report/values';
import { OWNER_ONLY_FILE } from '../../adapters/io/owner-only';
import { appErrors } from '../errors';

export interface ObjectResultOptions {
  toolVersion: string;
  /** Folder for the per-object reports (made by the pass); none: no reports. */
  objectReportDir?: string;
  /** Attributes redacted in the rows and reports (--redact); the configuration's are redacted in the reports too. */
  redactAttributes?: string[];
  configuredRedactions: string[];
}

const pad = (n: number) => String(n).padStart(5, '0');

export async function objectResult(index: number, dn: string, summary: ProvisioningObjectSummary, options: ObjectResultOptions): Promise<{ row: BatchReportRow; reportFailure?: SyncError }> {
  const shown = options.redactAttributes?.length ? redactSummary(summary, options.redactAttributes) : summary;
  let reportHref: string | undefined;
  let reportFailure: SyncError | undefined;
  if (options.objectReportDir) {
    const name = `${pad(index)}.htm`;
    try {
      const html = renderReport(summary, { toolVersion: options.toolVersion, redactAttributes: [...options.configuredRedactions, ...(options.redactAttributes ?? [])] });
      // 'wx': never through a file or symbolic link already there (each object's report is written once, into a new folder).
      await writeFile(path.join(options.objectReportDir, name), html, { encoding: 'utf8', mode: OWNER_ONLY_FILE, flag: 'wx' });
      reportHref = `objects/${name}`;
    } catch (err) {
      reportFailure = isSyncError(err) ? err : new SyncError(appErrors.ReportFolderNotWritable, { reportDir: options.objectReportDir, cause: (err as Error).message }, { cause: err });
    }
  }
  const info = shown.provisioningStatusInfo;
  const row: BatchReportRow = {
    index,
    dn,
    // Shown in a table cell (the batch report, the VS Code view): a display name of megabytes
    // (damaged or hostile data) is cut as the object's own report cuts its title; the DN stays
    // whole (it names the object to open), the JSON result keeps every value.
    displayName: clipped(shown.sourceIdentity.displayName),
    objectClass: shown.sourceIdentity.identityType,
    status: info.status,
    action: plannedAction(shown),
    ...(info.errorInformation ? { errorCode: info.errorInformation.errorCode, reason: clipped(info.errorInformation.reason, showAtMost) } : {}),
    modified: shown.modifiedProperties.length,
    durationInMilliseconds: shown.durationInMilliseconds,
    ...(reportHref ? { reportHref } : {}),
  };
  return { row, ...(reportFailure ? { reportFailure } : {}) };
}
