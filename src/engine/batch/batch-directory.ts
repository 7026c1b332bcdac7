// A directory for one batch run: the objects of the scope were read by one paged search and
// are served from memory (each once, exactly as the search returned it: the same attributes a
// base read returns); the partitions are read once; a filtering group's members are read once.
// Anything else goes to the connector's own source, so an object the search did not return is
// read exactly as a single run reads it. Over an LDIF snapshot the search's objects are not
// kept: the snapshot parses a record when it is read, as fast as a copy is made, so the batch
// holds one object at a time instead of its whole scope.
import type { DirectoryObject } from '../model/directory-object';
import { Dn } from '../model/dn';
import { memberKeys } from '../model/member-keys';
import type { ChildPage, DirectoryPartition, DirectorySource, ReadResult, RootDse, ScopeSearch } from '../ports/directory-source';

const REREAD = 'reread' as const;

export class BatchDirectory implements DirectorySource {
  readonly kind: DirectorySource['kind'];
  /**
   * Dn key -> the object and whether this batch owns it (served as is) or shares it (served as a
   * copy); REREAD: found by the search, read from the snapshot when asked.
   */
  private readonly objects = new Map<string, { object: DirectoryObject; owned: boolean } | typeof REREAD>();
  /** Reads of search objects made again in the source: not counted as directory operations. */
  private rereads = 0;
  private partitionsRead: Promise<DirectoryPartition[]> | undefined;
  private readonly groupMembers = new Map<string, Promise<Set<string> | undefined>>();
  private served = 0;

  /** Search objects re-read from the source instead of kept (an LDIF snapshot, unless told otherwise). */
  private readonly rereadSearchObjects: boolean;

  /**
   * `keepSearchObjects`: keep the objects given to add() whatever the source (a batch worker
   * thread holds the objects it was sent; its source is the pass's, across threads).
   */
  constructor(private readonly inner: DirectorySource, options: { keepSearchObjects?: boolean } = {}) {
    this.kind = inner.kind;
    this.rereadSearchObjects = inner.kind === 'ldif' && options.keepSearchObjects !== true;
  }

  /**
   * Keeps an object found by the scope search, to be served to the sync that reads it. A shared
   * object (the prepared batch keeps it for another pass) is copied when served, so a batch holds
   * one copy of its scope, not two; an owned one is handed over as is and then forgotten. No
   * object: the search did not keep it (its source holds it), it is read again when asked.
   */
  add(object: DirectoryObject | undefined, dn: Dn, owned = false): void {
    this.objects.set(dn.key, this.rereadSearchObjects || !object ? REREAD : { object, owned });
  }

  /** Base reads answered from the scope search (for the batch summary). */
  servedFromSearch(): number {
    return this.served;
  }

  rootDse(): Promise<RootDse> {
    return this.inner.rootDse();
  }

  partitions(): Promise<DirectoryPartition[]> {
    if (!this.partitionsRead) {
      this.partitionsRead = this.inner.partitions();
      this.partitionsRead.catch(() => { this.partitionsRead = undefined; });
    }
    return this.partitionsRead;
  }

  async readObject(dn: Dn): Promise<ReadResult> {
    const key = dn.key;
    const kept = this.objects.get(key);
    if (!kept) return this.inner.readObject(dn);
    // Served once: a DN given twice is read again, as two single runs would.
    this.objects.delete(key);
    this.served++;
    if (kept === REREAD) {
      this.rereads++;
      return this.inner.readObject(dn);
    }
    return { status: 'found', object: kept.owned ? kept.object : structuredClone(kept.object) };
  }

  listChildren(dn: Dn, options: { pageSize: number; continuation?: string }): Promise<ChildPage> {
    return this.inner.listChildren(dn, options);
  }

  searchObjects(search: ScopeSearch): AsyncIterable<DirectoryObject> {
    if (!this.inner.searchObjects) throw new TypeError('this directory source cannot search a scope');
    return this.inner.searchObjects(search);
  }

  /** The group's direct members, read once per batch (a failed read is tried again next time). */
  directMembers(groupDn: Dn): Promise<Set<string> | undefined> {
    const key = groupDn.key;
    let members = this.groupMembers.get(key);
    if (!members) {
      members = this.readMembers(groupDn);
      this.groupMembers.set(key, members);
      members.catch(() => this.groupMembers.delete(key));
    }
    return members;
  }

  async isDirectMember(groupDn: Dn, memberDn: Dn): Promise<boolean> {
    const set = await this.directMembers(groupDn);
    // A group the batch could not read as a whole: ask the source, with its own errors.
    if (!set) return this.inner.isDirectMember(groupDn, memberDn);
    return set.has(memberDn.key);
  }

  /** The Dn keys of the group's members (parsed once per batch). */
  private async readMembers(groupDn: Dn): Promise<Set<string> | undefined> {
    const read = await this.inner.readObject(groupDn);
    return read.status === 'found' ? memberKeys(read.object.attributes) : undefined;
  }

  operationCount(): number {
    return this.inner.operationCount() - this.rereads;
  }

  /** The connector's source belongs to the session, which closes it. */
  async close(): Promise<void> {
    this.objects.clear();
  }
}
