// One kind of the tenant read (users, groups or contacts) packed for a batch: each object as
// its JSON text in one buffer, and per key (id, anchor, SID, uniqueName, UPN, SMTP address) an
// open-addressing hash table of positions. The buffers are shared memory, so the worker threads
// of a pass read the one copy the pass made (a 50,000-user tenant is ~20 MB, not ~70 MB of
// objects and maps per thread); an object is parsed when a lookup finds it, a new object each
// time, as each Graph answer is.
import type { EntraObject } from '../ports/entra-target';

export type KeyName = 'id' | 'immutableId' | 'sid' | 'uniqueName' | 'upn' | 'address';

/** Plain data and shared memory: crosses to a worker thread as is (postMessage shares the buffers). */
export interface PackedObjects {
  count: number;
  /** UTF-8 JSON of each object, one after another. */
  text: Uint8Array;
  /** Object i is text[offsets[i], offsets[i + 1]). */
  offsets: Int32Array;
  /** Per key: slots hold position + 1 (0: empty), hashes the key's hash at that slot. */
  tables: Record<KeyName, { slots: Int32Array; hashes: Int32Array }>;
}

const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : undefined);

/**
 * The keys an object is found by, with Graph's comparison rules: the anchor, uniqueName and id
 * exactly; SID, UPN, mail and proxy addresses ignoring case (SMTP proxies without the prefix).
 */
function keysOf(object: EntraObject, name: KeyName): string[] {
  const p = object.properties;
  switch (name) {
    case 'id': return [object.id];
    case 'immutableId': return typeof p.onPremisesImmutableId === 'string' ? [p.onPremisesImmutableId] : [];
    case 'uniqueName': return typeof p.uniqueName === 'string' ? [p.uniqueName] : [];
    case 'sid': { const sid = lower(p.onPremisesSecurityIdentifier); return sid === undefined ? [] : [sid]; }
    case 'upn': { const upn = lower(p.userPrincipalName); return upn === undefined ? [] : [upn]; }
    case 'address': {
      const out: string[] = [];
      const mail = lower(p.mail);
      if (mail !== undefined) out.push(mail);
      for (const proxy of Array.isArray(p.proxyAddresses) ? p.proxyAddresses : []) {
        const text = lower(proxy);
        if (text?.startsWith('smtp:')) out.push(text.slice(5));
      }
      return out;
    }
  }
}

const KEYS: KeyName[] = ['id', 'immutableId', 'sid', 'uniqueName', 'upn', 'address'];

/** FNV-1a over the UTF-16 code units, its bits mixed (murmur3's finalizer) so the low bits that pick a slot spread. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** Shared memory where the runtime has it (Node.js), ordinary memory otherwise. */
function buffer(bytes: number): ArrayBufferLike {
  return typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

function table(entries: Array<[string, number]>): { slots: Int32Array; hashes: Int32Array } {
  let size = 16;
  while (size < entries.length * 2) size *= 2;
  const slots = new Int32Array(buffer(size * 4));
  const hashes = new Int32Array(buffer(size * 4));
  const mask = size - 1;
  // In position order: along a probe sequence an object comes after every earlier one with its key.
  for (const [key, position] of entries) {
    const h = hash(key);
    let slot = h & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = position + 1;
    hashes[slot] = h;
  }
  return { slots, hashes };
}

/** Packs the objects of one kind, in the order Graph listed them. */
export function packObjects(objects: readonly EntraObject[]): PackedObjects {
  const encoder = new TextEncoder();
  const texts = objects.map((o) => JSON.stringify({ kind: o.kind, id: o.id, properties: o.properties }));
  const offsets = new Int32Array(buffer((objects.length + 1) * 4));
  // Encoded into an upper bound first (3 bytes per UTF-16 unit), then copied at its exact length.
  const scratch = new Uint8Array(texts.reduce((sum, t) => sum + t.length * 3, 0));
  let at = 0;
  for (const [i, t] of texts.entries()) {
    offsets[i] = at;
    at += encoder.encodeInto(t, scratch.subarray(at)).written;
  }
  offsets[objects.length] = at;
  const text = new Uint8Array(buffer(at));
  text.set(scratch.subarray(0, at));
  const tables = {} as PackedObjects['tables'];
  for (const name of KEYS) {
    const entries: Array<[string, number]> = [];
    objects.forEach((o, position) => { for (const key of new Set(keysOf(o, name))) entries.push([key, position]); });
    tables[name] = table(entries);
  }
  return { count: objects.length, text, offsets, tables };
}

/** Lookups over one packed kind. */
export class PackedLookup {
  private readonly decoder = new TextDecoder();

  constructor(private readonly packed: PackedObjects) {}

  get count(): number {
    return this.packed.count;
  }

  /** Object at a position in Graph's listing, parsed: the caller owns it. */
  objectAt(position: number): EntraObject {
    const { text, offsets } = this.packed;
    return JSON.parse(this.decoder.decode(text.subarray(offsets[position]!, offsets[position + 1]!))) as EntraObject;
  }

  /** The first object (in Graph's order) with this key, parsed. */
  first(name: KeyName, key: string): EntraObject | null {
    for (const [, object] of this.matches(name, key, true)) return object;
    return null;
  }

  /** Positions and objects holding the key, in Graph's order. */
  all(name: KeyName, key: string): Array<[number, EntraObject]> {
    return [...this.matches(name, key, false)];
  }

  private *matches(name: KeyName, key: string, firstOnly: boolean): Generator<[number, EntraObject]> {
    const { slots, hashes } = this.packed.tables[name];
    const mask = slots.length - 1;
    const h = hash(key);
    for (let slot = h & mask; slots[slot] !== 0; slot = (slot + 1) & mask) {
      if (hashes[slot] !== h) continue;
      const position = slots[slot]! - 1;
      const object = this.objectAt(position);
      if (!keysOf(object, name).includes(key)) continue;
      yield [position, object];
      if (firstOnly) return;
    }
  }

  /** Objects holding any of these (lowercased) addresses, each once, in the order Graph lists them. */
  holding(addresses: readonly string[]): EntraObject[] {
    const hit = new Map<number, EntraObject>();
    for (const a of addresses) for (const [position, object] of this.matches('address', a, false)) if (!hit.has(position)) hit.set(position, object);
    return [...hit.entries()].sort((a, b) => a[0] - b[0]).map(([, object]) => object);
  }
}
