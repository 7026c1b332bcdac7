// The rows of the batch results view, from the batch engine's report rows (preview) or its
// what-if comparison. Pure (no vscode): unit-tested.
import type { WhatIfEntry } from '../../../engine/batch/what-if';
import type { BatchReportRow } from '../../../report/batch/batch-report';
import { clipped, showAtMost } from '../../../report/values';
import type { BatchRowView, RowStatus } from '../../../../webview/batch/protocol';

export function toRowView(row: BatchReportRow): BatchRowView {
  return {
    index: row.index,
    dn: row.dn,
    displayName: row.displayName || row.dn,
    status: row.status as RowStatus,
    action: row.action,
    ...(row.errorCode ? { errorCode: row.errorCode } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
  };
}

/** A compared object: a delete shows the current side (what is deleted), others the proposed side. */
export function whatIfRowView(index: number, entry: WhatIfEntry): BatchRowView {
  const side = entry.outcome === 'delete' || entry.outcome === 'no-longer-created' ? entry.current : entry.proposed;
  const errorCode = entry.proposed.errorCode ?? entry.current.errorCode;
  return {
    index,
    dn: entry.dn,
    // Cut as the batch report cuts them (a name of megabytes is damaged or hostile data); the
    // DN stays whole: it names the object to open.
    displayName: clipped(entry.displayName),
    status: (entry.proposed.status as RowStatus) ?? 'success',
    action: entry.outcome === 'delete' ? 'delete' : side.action,
    ...(errorCode ? { errorCode } : {}),
    outcome: entry.outcome,
    explanation: clipped(entry.explanation, showAtMost),
  };
}

