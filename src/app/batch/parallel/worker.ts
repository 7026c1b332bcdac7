// A worker thread of a parallel batch pass (parallel-pass.ts): it runs the ten steps for the
// objects it is given, over the scope search's objects and the one tenant read it received, and
// sends back each result as its JSON line, its batch report row and its tally facts. What it
// cannot answer from memory (a read outside the scope, the tenant's domains) it asks the pass,
// whose connections answer it. It opens no connection and holds no secret.
import { parentPort, workerData } from 'node:worker_threads';
import { loadConfiguration } from '../../config';
import { FileStateStore } from '../../../adapters/state/file-state-store';
import { planExport, readableAttributes, toConnectorSpace } from '../../../adapters/entra/graph/attribute-map';
import { BatchDirectory } from '../../../engine/batch/batch-directory';
import { BatchTenant } from '../../../engine/batch/batch-tenant';
import { failedSummary } from '../../../engine/batch/run-batch';
import { tallyFacts } from '../../../engine/batch/tally';
import { exportClaims } from '../../../engine/batch/in-batch-conflicts';
import { configErrors } from '../../../engine/errors/catalog/config';
import { SyncError } from '../../../engine/errors/sync-error';
import { Dn } from '../../../engine/model/dn';
import type { ActiveDirectoryConnectorConfig } from '../../../engine/model/config';
import { systemClock } from '../../../engine/pipeline/clock';
import type { SyncDependencies } from '../../../engine/pipeline/context';
import { runSync } from '../../../engine/pipeline/run-sync';
import type { ChildPage, DirectoryPartition, DirectorySource, ReadResult, RootDse } from '../../../engine/ports/directory-source';
import type { EntraTarget } from '../../../engine/ports/entra-target';
import type { GraphRequestRecord } from '../../../engine/summary/types';
import { objectResult } from '../object-result';
import { reviveError, serializeError } from './errors';
import type { FromWorker, ToWorker, WorkerInit, WorkItem, WorkResult } from './protocol';

const port = parentPort!;
const init = workerData as WorkerInit;
const send = (message: FromWorker) => port.postMessage(message);

let nextCall = 0;
const calls = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
/** Graph requests the pass made for this worker's calls (per object: see requests()). */
const graphRequests: GraphRequestRecord[] = [];

function call<T>(portName: 'directory' | 'entra', method: string, args: unknown[], connector?: string): Promise<T> {
  const id = ++nextCall;
  return new Promise<T>((resolve, reject) => {
    calls.set(id, { resolve: resolve as (value: unknown) => void, reject });
    send({ type: 'call', id, port: portName, method, args, ...(connector !== undefined ? { connector } : {}) });
  });
}

/** The connector's directory as the pass serves it: names cross as text and are parsed here again. */
function directoryProxy(name: string, kind: DirectorySource['kind']): DirectorySource {
  const ask = <T>(method: string, ...args: unknown[]) => call<T>('directory', method, args, name);
  return {
    kind,
    rootDse: () => ask<RootDse>('rootDse'),
    partitions: async () => (await ask<Array<Omit<DirectoryPartition, 'dn'> & { dn: string }>>('partitions')).map((p) => ({ ...p, dn: Dn.parse(p.dn) })),
    readObject: (dn) => ask<ReadResult>('readObject', dn.toString()),
    listChildren: async (dn, options) => {
      const page = await ask<Omit<ChildPage, 'children'> & { children: Array<Omit<ChildPage['children'][number], 'dn'> & { dn: string }> }>('listChildren', dn.toString(), options);
      return { ...page, children: page.children.map((c) => ({ ...c, dn: Dn.parse(c.dn) })) };
    },
    isDirectMember: (groupDn, memberDn) => ask<boolean>('isDirectMember', groupDn.toString(), memberDn.toString()),
    operationCount: () => 0,
    close: async () => undefined,
  };
}

/** The tenant as the pass serves it: the attribute map here, every Graph call in the pass. */
function tenantProxy(): EntraTarget {
  const ask = <T>(method: string, ...args: unknown[]) => call<T>('entra', method, args);
  return {
    planExport, toConnectorSpace, readableAttributes,
    connect: () => ask('connect'),
    findByImmutableId: (kind, immutableId) => ask('findByImmutableId', kind, immutableId),
    getById: (kind, id) => ask('getById', kind, id),
    findBySecurityIdentifier: (kind, sid) => ask('findBySecurityIdentifier', kind, sid),
    findDeletedUser: (immutableId) => ask('findDeletedUser', immutableId),
    findValueHolders: (query) => ask('findValueHolders', query),
    findByImmutableIdWithValueHolders: (kind, immutableId, query) => ask('findByImmutableIdWithValueHolders', kind, immutableId, query),
    adminRoles: (userId) => ask('adminRoles', userId),
    // A group Entra Connect synchronizes has its cloud members compared (step 10), as on the main thread.
    listMembers: (groupId, limit) => ask('listMembers', groupId, limit),
    // A staging pass writes nothing: a write reaching here is a fault of the pass, said loudly.
    create: () => Promise.reject(new TypeError('a staging batch worker does not write to Microsoft Entra ID')),
    update: () => Promise.reject(new TypeError('a staging batch worker does not write to Microsoft Entra ID')),
    addMembers: () => Promise.reject(new TypeError('a staging batch worker does not write to Microsoft Entra ID')),
    removeMembers: () => Promise.reject(new TypeError('a staging batch worker does not write to Microsoft Entra ID')),
    requests: () => graphRequests,
    close: async () => undefined,
  };
}

let cancelled = false;
const queue: WorkItem[][] = [];
let wake: (() => void) | undefined;
let ending = false;

port.on('message', (message: ToWorker) => {
  if (message.type === 'reply') {
    const pending = calls.get(message.id);
    if (!pending) return;
    calls.delete(message.id);
    graphRequests.push(...message.requests);
    if (message.error) pending.reject(reviveError(message.error));
    else pending.resolve(message.value);
  } else if (message.type === 'run') {
    queue.push(message.items);
  } else if (message.type === 'cancel') {
    cancelled = true;
  } else {
    ending = true;
  }
  wake?.();
});

async function main(): Promise<void> {
  const loaded = await loadConfiguration(init.configPath);
  if (JSON.stringify(loaded.config) !== init.configText) {
    throw new SyncError(configErrors.ConfigurationInvalid, { file: loaded.configPath, count: 1, summary: 'the file changed while the batch ran; run the batch again' });
  }
  const connectors = new Map(init.connectors.map((c) => [c.name, new BatchDirectory(directoryProxy(c.name, c.kind), { keepSearchObjects: true })]));
  const tenant = new BatchTenant(tenantProxy(), init.index);
  const stateStore = new FileStateStore(init.stateDir);
  const deps: SyncDependencies = {
    config: loaded.config,
    ruleSet: loaded.ruleSet,
    directory: async (connector: ActiveDirectoryConnectorConfig) => {
      const directory = connectors.get(connector.name);
      if (directory) return directory;
      const own = new BatchDirectory(directoryProxy(connector.name, connector.ldifFile ? 'ldif' : 'ldap'));
      connectors.set(connector.name, own);
      return own;
    },
    entra: async () => tenant,
    stateStore,
    clock: systemClock,
    toolVersion: init.toolVersion,
    ...(init.initiator ? { initiator: init.initiator } : {}),
  };
  const endBatch = stateStore.beginBatch({ deferWrites: true });
  send({ type: 'ready' });
  let lastTurn = performance.now();
  for (;;) {
    const items = queue.shift();
    if (!items) {
      if (ending) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      continue;
    }
    const results: WorkResult[] = [];
    const skipped: number[] = [];
    for (const item of items) {
      // Objects served from memory finish in microtasks alone: a turn now and then lets a cancel in.
      if (performance.now() - lastTurn > 50) {
        await new Promise((resolve) => setImmediate(resolve));
        lastTurn = performance.now();
      }
      if (cancelled) {
        skipped.push(item.index);
        continue;
      }
      const dn = Dn.parse(item.dn);
      if (item.object) connectors.get(item.connector)?.add(item.object, dn, true);
      let summary;
      try {
        summary = await runSync(deps, { distinguishedName: dn, stagingMode: true });
      } catch (err) {
        summary = failedSummary(deps, item.dn, err, true);
      }
      const { row, reportFailure } = await objectResult(item.index, item.dn, summary, {
        toolVersion: init.toolVersion, configuredRedactions: loaded.config.redactAttributes ?? [],
        ...(init.redactAttributes ? { redactAttributes: init.redactAttributes } : {}),
        ...(init.objectReportDir ? { objectReportDir: init.objectReportDir } : {}),
      });
      const claims = exportClaims(summary);
      results.push({ index: item.index, dn: item.dn, json: JSON.stringify(summary), row, tally: tallyFacts(summary), ...(claims.length ? { claims } : {}), ...(reportFailure ? { reportFailure: serializeError(reportFailure) } : {}) });
    }
    send({ type: 'results', results, skipped });
  }
  let stateNotSaved;
  try {
    await endBatch();
  } catch (err) {
    stateNotSaved = serializeError(err);
  }
  send({ type: 'ended', answeredLocally: tenant.answeredLocally(), ...(stateNotSaved ? { stateNotSaved } : {}) });
}

main().catch((err: unknown) => send({ type: 'fatal', error: serializeError(err) }));
