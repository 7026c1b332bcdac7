// The StateStore port: where the connector spaces and the metaverse of each synced object
// persist between runs (ARCHITECTURE section 6). The file-backed adapter is src/adapters/state/.
import type { Attributes } from '../model/attributes';

export interface AdConnectorSpaceObject {
  connector: string;
  dn: string;
  objectType: string;
  attributes: Attributes;
  importedAt: string;
}

export interface MetaverseObject {
  objectType: string;
  attributes: Attributes;
  syncedAt: string;
}

export interface EntraConnectorSpaceObject {
  kind: string;
  /** The Entra object id once the object exists in the tenant. */
  id?: string;
  /**
   * Whether a run exported to `id` (created, took over or updated it), not only matched it: a
   * staging run imports and links the object, and Entra Connect's join happens on export (the
   * service matches it then), so until one a matched cloud-managed object stays cloud-managed
   * and this object still to be provisioned. Absent in a state an older version wrote: its link
   * is taken as exported, as it was then.
   */
  exported?: boolean;
  /** What the tenant holds, in AAD connector attribute names. */
  attributes: Attributes;
  /** Entra object ids of the members this tool exported (groups), for membership deltas. */
  exportedMemberIds?: string[];
  /** Their AD DNs, at the same positions (ids beyond are of members an older state kept no DN of). */
  exportedMemberDns?: string[];
  importedAt: string;
}

/** The cloud object a run of this tool exported to (not one a staging run only matched). */
export function exportedCloudId(stored: EntraConnectorSpaceObject | undefined): string | undefined {
  return stored?.id !== undefined && stored.exported !== false ? stored.id : undefined;
}

/** Everything stored for one object, keyed by its objectGUID. */
export interface ObjectState {
  key: string;
  adConnectorSpace?: AdConnectorSpaceObject;
  metaverse?: MetaverseObject;
  entraConnectorSpace?: EntraConnectorSpaceObject;
}

export interface StateLock {
  load(): Promise<ObjectState | undefined>;
  /** Atomic: a reader sees the old state or the new one, never a mix. */
  save(state: ObjectState): Promise<void>;
  release(): Promise<void>;
}

export interface StateStore {
  /** Exclusive access to one object's state; waits a bounded time, then fails with StateLocked. */
  lock(key: string): Promise<StateLock>;
  /** Reads another object's state without locking it (writes are atomic, so it is never torn). */
  peek(key: string): Promise<ObjectState | undefined>;
  /**
   * Optional: many objects follow (a batch); the store may prepare cheaper locks with the same
   * guarantees. With `deferWrites` (a staging batch) saves may complete after save() returns,
   * in order, each lock released after its state is written. Returns the function that ends the
   * batch (called once, in a finally): it waits for the deferred writes and throws StateNotSaved
   * when any failed.
   */
  beginBatch?(options?: { deferWrites?: boolean }): () => Promise<void> | void;
}
