// The messages between a batch pass and its worker threads (parallel-pass.ts, worker.ts).
// Everything crosses as structured clones: plain data, no classes (a Dn travels as its text,
// an error as its fields).
import type { DirectoryObject } from '../../../engine/model/directory-object';
import type { PackedTenantIndex } from '../../../engine/batch/batch-tenant';
import type { BatchReportRow } from '../../../report/batch/batch-report';
import type { TallyFacts } from '../../../engine/batch/tally';
import type { GraphRequestRecord } from '../../../engine/summary/types';
import type { SerializedError } from './errors';

export interface WorkerInit {
  configPath: string;
  /** The configuration the pass runs under, to refuse a file that changed since (JSON text). */
  configText: string;
  stateDir: string;
  toolVersion: string;
  initiator?: { id: string; displayName: string };
  /** The tenant read, packed in shared memory: every worker reads the pass's one copy. */
  index: PackedTenantIndex;
  /** The connectors whose objects the pass serves, with their source kind. */
  connectors: Array<{ name: string; kind: 'ldap' | 'ldif' }>;
  objectReportDir?: string;
  /** --redact: rows and reports; absent, reports redact the configuration's attributes. */
  redactAttributes?: string[];
}

export interface WorkItem {
  index: number;
  /** The DN as text (Dn.toString()). */
  dn: string;
  /**
   * The scope search's object and its connector, served to the sync that reads it. Objects the
   * source holds in memory (an LDIF snapshot) are read by the pass as their chunk is handed out;
   * none: the source no longer has it, and the sync reads (and reports) that itself.
   */
  connector: string;
  object?: DirectoryObject;
}

export interface WorkResult {
  index: number;
  dn: string;
  /** The provisioningObjectSummary as one JSON line (no newline). */
  json: string;
  row: BatchReportRow;
  tally: TallyFacts;
  /** The unique values a staged object would add in Entra ID (exportClaims), for the batch's conflict check. */
  claims?: [string, string][];
  reportFailure?: SerializedError;
}

/** A port call the worker cannot answer from memory: the pass's own directory or tenant answers it. */
export interface PortCall {
  type: 'call';
  id: number;
  port: 'directory' | 'entra';
  connector?: string;
  method: string;
  args: unknown[];
}

export type ToWorker =
  | { type: 'run'; items: WorkItem[] }
  | { type: 'reply'; id: number; value?: unknown; error?: SerializedError; requests: GraphRequestRecord[] }
  | { type: 'cancel' }
  | { type: 'end' };

export type FromWorker =
  | { type: 'ready' }
  | PortCall
  | { type: 'results'; results: WorkResult[]; skipped: number[] }
  | { type: 'ended'; stateNotSaved?: SerializedError; answeredLocally: number }
  | { type: 'fatal'; error: SerializedError };
