// The DirectorySource port over an LDIF snapshot (offline troubleshooting and the demo).
// Same answers as the LDAP source for the objects the file holds: base reads, containers-
// first paged listings with a continuation, direct membership, RootDSE and partitions
// (from a RootDSE record `dn:` and crossRef records when present, else derived from the DNs).
// Each record's DN is parsed once, when the snapshot is indexed.
import { describeReadError, READ_LIMITS, readFileBounded } from '../../io/read-bounded';
import { directoryErrors } from '../../../engine/errors/catalog/directory';
import { SyncError } from '../../../engine/errors/sync-error';
import { getFirst, getValues } from '../../../engine/model/attributes';
import type { DirectoryObject } from '../../../engine/model/directory-object';
import { Dn } from '../../../engine/model/dn';
import type { ChildPage, DirectoryPartition, DirectorySource, FoundObject, ReadResult, RootDse, ScopeSearch } from '../../../engine/ports/directory-source';
import { findInSnapshot } from './find';
import { entryMatches, scopeFilter } from '../ldap/filters';
import { isContainerClass, toDirectoryChild } from '../ldap/children';
import { decodeContinuation, encodeContinuation } from '../ldap/continuation';
import { LdifSyntaxError, parseLdif, type LdifRecord } from './ldif';

/** A record of the snapshot with its DN parsed. */
interface Indexed {
  object: DirectoryObject;
  dn: Dn;
}

interface Snapshot {
  /** Dn key -> record, in file order. */
  byDn: Map<string, Indexed>;
  /** Dn key of the parent -> children in file order, containers first. */
  children: Map<string, Indexed[]>;
  rootDse: DirectoryObject | undefined;
  /** The most RDNs any object of the snapshot has: no deeper ancestor can exist. */
  maxDepth: number;
}

export class LdifDirectorySource implements DirectorySource {
  readonly kind = 'ldif' as const;
  private snapshot: Promise<Snapshot> | undefined;
  private operations = 0;

  /** `file` is read on first use; `text` (tests) is used as is. */
  constructor(private readonly input: { file: string } | { text: string; name?: string }) {}

  private load(): Promise<Snapshot> {
    this.snapshot ??= (async () => {
      const name = 'file' in this.input ? this.input.file : (this.input.name ?? '(text)');
      let text: string;
      try {
        text = 'file' in this.input ? decodeLdifFile(await readFileBounded(this.input.file, READ_LIMITS.ldif)) : this.input.text;
      } catch (err) {
        throw new SyncError(directoryErrors.LdifUnreadable, { file: name, line: 0, problem: describeReadError(err) }, { cause: err });
      }
      try {
        return index(parseLdif(text));
      } catch (err) {
        if (err instanceof LdifSyntaxError) throw new SyncError(directoryErrors.LdifUnreadable, { file: name, line: err.line, problem: err.problem }, { cause: err });
        if (err instanceof SyncError) throw new SyncError(directoryErrors.LdifUnreadable, { file: name, line: '?', problem: err.reason }, { cause: err });
        throw err;
      }
    })();
    return this.snapshot;
  }

  operationCount(): number {
    return this.operations;
  }

  async close(): Promise<void> {
    this.snapshot = undefined;
  }

  async rootDse(): Promise<RootDse> {
    const snap = await this.load();
    this.operations++;
    const text = (name: string): string | undefined => {
      const v = snap.rootDse ? getFirst(snap.rootDse.attributes, name) : undefined;
      return typeof v === 'string' ? v : undefined;
    };
    const defaultNamingContext = text('defaultNamingContext') ?? deriveDomain(snap)?.toString() ?? '';
    const configurationNamingContext = text('configurationNamingContext') ?? (defaultNamingContext ? `CN=Configuration,${defaultNamingContext}` : '');
    const namingContexts = snap.rootDse ? (getValues(snap.rootDse.attributes, 'namingContexts') ?? []).map(String) : [defaultNamingContext, configurationNamingContext].filter(Boolean);
    const dnsHostName = text('dnsHostName');
    return { defaultNamingContext, namingContexts, configurationNamingContext, ...(dnsHostName ? { dnsHostName } : {}) };
  }

  async partitions(): Promise<DirectoryPartition[]> {
    const snap = await this.load();
    this.operations++;
    const out: DirectoryPartition[] = [];
    for (const { object } of snap.byDn.values()) {
      const classes = (getValues(object.attributes, 'objectClass') ?? []).map((c) => String(c).toLowerCase());
      if (!classes.includes('crossref')) continue;
      if ((Number(getFirst(object.attributes, 'systemFlags') ?? 0) & 2) === 0) continue;
      const dn = getFirst(object.attributes, 'nCName');
      const dnsRoot = getFirst(object.attributes, 'dnsRoot');
      const netbios = getFirst(object.attributes, 'nETBIOSName');
      if (typeof dn === 'string' && typeof dnsRoot === 'string') out.push({ dn: Dn.parse(dn), dnsRoot, ...(typeof netbios === 'string' ? { netbiosName: netbios } : {}) });
    }
    if (out.length > 0) return out;
    // No crossRef in the snapshot: the domain its DNs belong to.
    const domain = deriveDomain(snap);
    if (!domain) return [];
    const dnsRoot = domain.rdns.map((rdn) => rdn.avas[0]?.value ?? '').join('.');
    return [{ dn: domain, dnsRoot }];
  }

  async readObject(dn: Dn): Promise<ReadResult> {
    const snap = await this.load();
    this.operations++;
    const found = snap.byDn.get(dn.key);
    if (found) return { status: 'found', object: structuredClone(found.object) };
    // The closest existing ancestor, as LDAP's matchedDN: only ancestors no deeper than the
    // snapshot's deepest object (a 5,000-RDN DN must not cost 5,000 lookups).
    for (let depth = Math.min(dn.depth - 1, snap.maxDepth); depth >= 1; depth--) {
      const ancestor = snap.byDn.get(dn.ancestorAtDepth(depth).key);
      if (ancestor) return { status: 'notFound', matchedDn: ancestor.object.dn };
    }
    return { status: 'notFound' };
  }

  async listChildren(dn: Dn, options: { pageSize: number; continuation?: string }): Promise<ChildPage> {
    const snap = await this.load();
    this.operations++;
    const all = snap.children.get(dn.key) ?? [];
    let offset = 0;
    if (options.continuation) {
      const token = decodeContinuation(options.continuation, dn.toString());
      const tokenDn = Dn.tryParse(token.dn);
      if (!tokenDn.ok || !tokenDn.dn.equals(dn)) throw new SyncError(directoryErrors.ContinuationExpired, { dn: dn.toString() });
      offset = token.returned;
    }
    const pageSize = Math.max(1, options.pageSize);
    const slice = all.slice(offset, offset + pageSize);
    const children = slice.map(({ object }) => toDirectoryChild(object.dn, object.attributes));
    const next = offset + slice.length;
    return next < all.length ? { children, continuation: encodeContinuation({ key: 'ldif', phase: 0, returned: next, dn: dn.toString() }) } : { children };
  }

  /** The snapshot's objects of a scope, in file order, filtered as the LDAP search would be. */
  async *searchObjects(search: ScopeSearch): AsyncGenerator<DirectoryObject> {
    const filter = scopeFilter(search.objectClasses, search.ldapFilter);
    const snap = await this.load();
    this.operations++;
    if (!snap.byDn.has(search.base.key)) throw new SyncError(directoryErrors.NoSuchObject, { dn: search.base.toString(), matchedDn: '(none)', didYouMean: '' });
    for (const { object, dn } of snap.byDn.values()) {
      const inScope = search.scope === 'one' ? dn.parent()?.equals(search.base) === true : dn.isWithin(search.base);
      if (!inScope) continue;
      if (!entryMatches(filter, asFilterInput(object))) continue;
      yield structuredClone(object);
    }
  }

  async countChildren(dn: Dn): Promise<number> {
    const snap = await this.load();
    return (snap.children.get(dn.key) ?? []).length;
  }

  /** Find Object, over the snapshot in memory (find.ts). */
  async findObjects(text: string, options: { base: Dn; limit: number }): Promise<FoundObject[]> {
    const snap = await this.load();
    this.operations++;
    return findInSnapshot(snap.byDn.values(), text, options);
  }

  async isDirectMember(groupDn: Dn, memberDn: Dn): Promise<boolean> {
    const snap = await this.load();
    this.operations++;
    const group = snap.byDn.get(groupDn.key);
    if (!group) throw new SyncError(directoryErrors.NoSuchObject, { dn: groupDn.toString(), matchedDn: '(none)', didYouMean: '' });
    return (getValues(group.object.attributes, 'member') ?? []).some((v) => typeof v === 'string' && memberDn.isNamedBy(v));
  }
}

/** Attribute values as ldapts filters compare them (text; bytes as latin1, as on the wire). */
function asFilterInput(object: DirectoryObject): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(object.attributes)) {
    out[name] = (values ?? []).map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : String(v)));
  }
  return out;
}

/** UTF-8, or UTF-16 with a byte-order mark (what `ldifde -u` writes). */
export function decodeLdifFile(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes);
}

function index(objects: LdifRecord[]): Snapshot {
  const byDn = new Map<string, Indexed>();
  const children = new Map<string, Indexed[]>();
  let rootDse: DirectoryObject | undefined;
  let maxDepth = 0;
  for (const object of objects) {
    if (object.dn.trim() === '') {
      rootDse = object;
      continue;
    }
    const parsed = Dn.tryParse(object.dn);
    if (!parsed.ok) throw new LdifSyntaxError(object.line, `the distinguished name is malformed: ${parsed.error.reason.replace(/^The distinguished name is malformed /, '').replace(/\.$/, '')}`);
    const record = { object, dn: parsed.dn };
    maxDepth = Math.max(maxDepth, record.dn.depth);
    byDn.set(record.dn.key, record);
    const parent = record.dn.parent();
    if (parent === undefined) continue;
    const list = children.get(parent.key) ?? [];
    list.push(record);
    children.set(parent.key, list);
  }
  for (const [key, list] of children) {
    const isContainer = (r: Indexed) => isContainerClass((getValues(r.object.attributes, 'objectClass') ?? []).map(String));
    children.set(key, [...list.filter(isContainer), ...list.filter((r) => !isContainer(r))]);
  }
  return { byDn, children, rootDse, maxDepth };
}

/** The domain object (a DN made of DC= RDNs only), else the DC= suffix of the first object. */
function deriveDomain(snap: Snapshot): Dn | undefined {
  let best: Indexed | undefined;
  for (const record of snap.byDn.values()) {
    const dcOnly = record.dn.rdns.every((rdn) => rdn.avas.length === 1 && rdn.avas[0]!.type.toLowerCase() === 'dc');
    if (dcOnly && (!best || record.dn.depth < best.dn.depth)) best = record;
  }
  if (best) return best.dn;
  const first = snap.byDn.values().next().value as Indexed | undefined;
  if (!first) return undefined;
  let suffix: Dn | undefined = first.dn;
  while (suffix && suffix.rdns[0]?.avas[0]?.type.toLowerCase() !== 'dc') suffix = suffix.parent();
  return suffix;
}
