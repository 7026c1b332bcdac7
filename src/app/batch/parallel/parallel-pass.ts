// A staging pass on worker threads: when the scope search and the one tenant read answer every
// read, the ten steps of each object are CPU alone, so the objects are shared out among worker
// threads (one per core) in small chunks. This thread keeps the connections: it answers the few
// reads the workers cannot serve from memory, and delivers the results in input order.
// Cancelling stops handing out objects; the workers skip what they have not started.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BatchDirectory } from '../../../engine/batch/batch-directory';
import type { BatchTenant } from '../../../engine/batch/batch-tenant';
import type { SyncError } from '../../../engine/errors/sync-error';
import type { ChildPage, DirectoryPartition } from '../../../engine/ports/directory-source';
import type { EntraTarget } from '../../../engine/ports/entra-target';
import { Dn } from '../../../engine/model/dn';
import { reviveError, serializeError } from './errors';
import type { FromWorker, PortCall, ToWorker, WorkerInit, WorkItem, WorkResult } from './protocol';

/**
 * Objects per message: small enough that a cancel is seen soon and a small batch is still
 * shared out, large enough that messages cost little.
 */
const MAX_CHUNK = 25;
/** Chunks handed to a worker ahead of its results (it never waits for the next one). */
const AHEAD = 2;

export interface ParallelPassRequest {
  workers: number;
  init: WorkerInit;
  /** In input order; each item's position (index) counts from 1. */
  items: Iterator<WorkItem>;
  total: number;
  /** The pass's own directory per connector and tenant, answering what a worker cannot. */
  directory(connector: string): Promise<BatchDirectory>;
  tenant: BatchTenant;
  inner: EntraTarget;
  signal?: AbortSignal;
  /** A result the workers could not produce (a worker that failed): the object's failure. */
  failed(item: { index: number; dn: string }, error: Error): Promise<WorkResult>;
  /** In input order, awaited before the next. */
  onResult(result: WorkResult): Promise<void>;
}

export interface ParallelPassResult {
  done: number;
  cancelled: boolean;
  /** StateNotSaved from the workers' state stores. */
  stateNotSaved: SyncError[];
  /** Lookups the workers answered from their copy of the tenant read. */
  answeredLocally: number;
}

/**
 * The worker thread: the bundled script beside dist/cli.js and dist/session.js, or, when run
 * from source (the tests, tsx), the TypeScript source through tsx's CommonJS hook.
 */
function startWorker(init: WorkerInit): Worker {
  const built = path.join(__dirname, 'batch-worker.js');
  if (existsSync(built)) return new Worker(built, { workerData: init });
  const source = path.join(__dirname, 'worker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { eval: true, workerData: init });
}

function plainPartitions(partitions: DirectoryPartition[]) {
  return partitions.map((p) => ({ ...p, dn: p.dn.toString() }));
}

function plainPage(page: ChildPage) {
  return { ...page, children: page.children.map((c) => ({ ...c, dn: c.dn.toString() })) };
}

async function answer(request: ParallelPassRequest, call: PortCall): Promise<unknown> {
  if (call.port === 'directory') {
    const directory = await request.directory(call.connector ?? '');
    const [first, second] = call.args as [string, unknown];
    switch (call.method) {
      case 'rootDse': return directory.rootDse();
      case 'partitions': return plainPartitions(await directory.partitions());
      case 'readObject': return directory.readObject(Dn.parse(first));
      case 'listChildren': return plainPage(await directory.listChildren(Dn.parse(first), second as { pageSize: number; continuation?: string }));
      case 'isDirectMember': return directory.isDirectMember(Dn.parse(first), Dn.parse(second as string));
      default: throw new TypeError(`a batch worker asked the directory for ${call.method}`);
    }
  }
  const allowed = ['connect', 'findByImmutableId', 'getById', 'findBySecurityIdentifier', 'findDeletedUser', 'findValueHolders', 'findByImmutableIdWithValueHolders', 'adminRoles', 'listMembers'];
  if (!allowed.includes(call.method)) throw new TypeError(`a batch worker asked the tenant for ${call.method}`);
  const method = (request.tenant as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[call.method]!;
  return method.apply(request.tenant, call.args);
}

/**
 * Reads the objects a chunk was not given (the source holds them: an LDIF snapshot parses a
 * record when it is read), so this thread never holds the whole scope parsed. A read that
 * fails leaves the object out: the worker's sync reads it through the pass and reports why.
 */
async function withObjects(request: ParallelPassRequest, chunk: WorkItem[]): Promise<void> {
  for (const item of chunk) {
    if (item.object) continue;
    try {
      const read = await (await request.directory(item.connector)).readObject(Dn.parse(item.dn));
      if (read.status === 'found') item.object = read.object;
    } catch {
      // the sync meets the same failure and says so in its own result
    }
  }
}

export async function runParallelPass(request: ParallelPassRequest): Promise<ParallelPassResult> {
  const chunkSize = Math.max(1, Math.min(MAX_CHUNK, Math.ceil(request.total / (request.workers * AHEAD * 2))));
  const finished = new Map<number, WorkResult | 'skipped'>();
  let nextOut = 1;
  let done = 0;
  let exhausted = false;
  const stateNotSaved: SyncError[] = [];
  let answeredLocally = 0;
  let delivering: Promise<void> = Promise.resolve();
  // A result the caller could not take (stdout closed, a report folder gone): nothing more is
  // handed out, the workers skip the rest, and the pass ends with that error, as on one thread.
  let deliveryFailed: { error: unknown } | undefined;
  const stopped = () => request.signal?.aborted === true || deliveryFailed !== undefined;
  const deliver = () => {
    delivering = delivering.then(async () => {
      for (let out = finished.get(nextOut); out && !deliveryFailed; out = finished.get(nextOut)) {
        finished.delete(nextOut);
        nextOut++;
        if (out === 'skipped') continue;
        done++;
        await request.onResult(out);
      }
    }).catch((error: unknown) => {
      deliveryFailed ??= { error };
      for (const lane of lanes) if (lane.alive) lane.worker.postMessage({ type: 'cancel' } satisfies ToWorker);
    });
    return delivering;
  };

  const take = (): WorkItem[] => {
    const chunk: WorkItem[] = [];
    while (!exhausted && chunk.length < chunkSize && !stopped()) {
      const next = request.items.next();
      if (next.done) exhausted = true;
      else chunk.push(next.value);
    }
    return chunk;
  };

  interface Lane { worker: Worker; outstanding: WorkItem[][]; alive: boolean; ended: Promise<void>; posting: Promise<void> }
  const lanes: Lane[] = [];
  let settle!: () => void;
  const allDone = new Promise<void>((resolve) => (settle = resolve));
  const checkDone = () => {
    if (lanes.every((l) => !l.alive || l.outstanding.length === 0) && (exhausted || stopped() || lanes.every((l) => !l.alive))) settle();
  };
  const feed = (lane: Lane) => {
    while (lane.alive && lane.outstanding.length < AHEAD) {
      const chunk = take();
      if (!chunk.length) break;
      lane.outstanding.push(chunk);
      // Chunks reach a worker in the order they were taken (its results are matched in that order).
      lane.posting = lane.posting.then(async () => {
        await withObjects(request, chunk);
        if (lane.alive) lane.worker.postMessage({ type: 'run', items: chunk } satisfies ToWorker);
      });
    }
  };
  const failChunk = async (chunk: WorkItem[], error: Error) => {
    for (const item of chunk) finished.set(item.index, await request.failed(item, error));
  };
  const onAbort = () => {
    for (const lane of lanes) if (lane.alive) lane.worker.postMessage({ type: 'cancel' } satisfies ToWorker);
    checkDone();
  };
  request.signal?.addEventListener('abort', onAbort, { once: true });

  for (let i = 0; i < request.workers; i++) {
    const worker = startWorker(request.init);
    let endedResolve!: () => void;
    const lane: Lane = { worker, outstanding: [], alive: true, ended: new Promise<void>((resolve) => (endedResolve = resolve)), posting: Promise.resolve() };
    lanes.push(lane);
    const die = async (error: Error) => {
      if (!lane.alive) return;
      lane.alive = false;
      const lost = lane.outstanding.splice(0);
      for (const chunk of lost) await failChunk(chunk, error);
      // No worker left: what was not handed out fails with the same error, each object on its own line.
      if (lanes.every((l) => !l.alive)) {
        for (let chunk = take(); chunk.length; chunk = take()) await failChunk(chunk, error);
      }
      endedResolve();
      await deliver();
      checkDone();
    };
    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'ready':
          feed(lane);
          checkDone();
          break;
        case 'call': {
          const before = request.inner.requests().length;
          answer(request, message).then(
            (value) => worker.postMessage({ type: 'reply', id: message.id, value, requests: request.inner.requests().slice(before) } satisfies ToWorker),
            (err: unknown) => worker.postMessage({ type: 'reply', id: message.id, error: serializeError(err), requests: request.inner.requests().slice(before) } satisfies ToWorker),
          );
          break;
        }
        case 'results':
          lane.outstanding.shift();
          for (const result of message.results) finished.set(result.index, result);
          for (const index of message.skipped) finished.set(index, 'skipped');
          feed(lane);
          void deliver().then(checkDone);
          break;
        case 'ended':
          if (message.stateNotSaved) stateNotSaved.push(reviveError(message.stateNotSaved) as SyncError);
          answeredLocally += message.answeredLocally;
          lane.alive = false;
          endedResolve();
          break;
        case 'fatal':
          void die(reviveError(message.error));
          break;
      }
    });
    worker.on('error', (err) => void die(err));
    worker.on('exit', (code) => void die(new Error(`the batch worker thread stopped (exit code ${code})`)));
  }

  // The workers hold the packed tenant read (shared memory): this thread's reference goes.
  (request as { init?: WorkerInit }).init = undefined;
  try {
    await allDone;
    await deliver();
    for (const lane of lanes) if (lane.alive) lane.worker.postMessage({ type: 'end' } satisfies ToWorker);
    await Promise.all(lanes.map((l) => l.ended));
  } finally {
    request.signal?.removeEventListener('abort', onAbort);
    await Promise.all(lanes.map((l) => l.worker.terminate()));
  }
  if (deliveryFailed) throw deliveryFailed.error;
  return { done, cancelled: request.signal?.aborted === true && done < request.total, stateNotSaved, answeredLocally };
}
