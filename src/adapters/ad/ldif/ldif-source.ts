// The DirectorySource port over an LDIF snapshot (offline troubleshooting and the demo).
// Same answers as the LDAP source for the objects the file holds: base reads, containers-
// first paged listings with a continuation, direct membership, RootDSE and partitions
// (from a RootDSE record `dn:` and crossRef records when present, else derived from the DNs).
// The snapshot is checked whole when it is loaded (an error names its line), but what is kept
// is the text and where each record is in it: a record is parsed again each time it is read,
// so a 50,000-object snapshot holds its text and an index, not 50,000 parsed objects.
import { describeReadError, READ_LIMITS, readFileBounded } from '../../io/read-bounded';
import { decodeText, undecodableAt } from '../../io/decode-text';
import { directoryErrors } from '../../../engine/errors/catalog/directory';
import { SyncError } from '../../../engine/errors/sync-error';
import { getFirst, getValues } from '../../../engine/model/attributes';
import type { DirectoryObject } from '../../../engine/model/directory-object';
import { Dn } from '../../../engine/model/dn';
import type { ChildPage, DirectoryPartition, DirectorySource, FoundObject, ReadResult, RootDse, ScopeSearch } from '../../../engine/ports/directory-source';
import { findInSnapshot } from './find';
import { ANR_ATTRIBUTES, readFindQuery } from '../find-query';
import { scopeFilter } from '../ldap/filters';
import { adFilterMatches, checkAdFilter, type LinkResolver } from './ad-filter';
import { isContainerClass, toDirectoryChild } from '../ldap/children';
import { decodeContinuation, encodeContinuation } from '../ldap/continuation';
import { ldifSpans, LdifSyntaxError, parseLdifSpan } from './ldif';

/**
 * The snapshot's text. A plain value ("name: value") must be UTF-8 (LDIF gives any other bytes
 * base64-encoded, "name:: ..."): a value written in another encoding (a Latin-1 "Caf\xe9" typed
 * or pasted into the file) would otherwise become U+FFFD and be synced, so it is refused at its line.
 */
function decodeSnapshot(bytes: Buffer, name: string): string {
  try {
    return decodeText(bytes, { fatal: true });
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    const at = undecodableAt(bytes);
    const where = at ? `at character ${at.column} ` : '';
    const problem = at && at.encoding !== 'utf-8'
      ? `the text ${where}is not ${at.encoding === 'utf-16le' ? 'UTF-16 LE' : 'UTF-16 BE'} (half of a surrogate pair, or a last character cut in two), which would be synced as U+FFFD; export the snapshot again`
      : `the text ${where}is not UTF-8: bytes in another encoding, such as Latin-1 or a Windows code page, which would be synced as U+FFFD; write the value as UTF-8, or base64-encoded after "::" as ldifde and ldapsearch do`;
    throw new SyncError(directoryErrors.LdifUnreadable, { file: name, line: at?.line ?? '?', problem }, { cause: err });
  }
}

/** Record flags, one byte per record. */
const CONTAINER = 1;
const CROSS_REF = 2;

/**
 * The index of a snapshot: records are numbered in file order and known by where they are in
 * the text; nothing parsed is kept but the RootDSE and a few DNs.
 */
interface Snapshot {
  text: string;
  /** Record number -> start, end and first line of its span in the text (3 numbers a record). */
  spans: Uint32Array;
  flags: Uint8Array;
  /** Dn key -> record number, in file order (a DN given twice is refused: LdifUnreadable naming both lines). */
  byDn: Map<string, number>;
  /** Dn key of the parent -> children record numbers in file order, containers first. */
  children: Map<string, number[]>;
  /** Record number -> the number of its parent's DN in `containers` (the parent need not be in the file). */
  parentOf: Int32Array;
  /** The DNs records have as parent or ancestor: Dn key -> number; number -> its own parent's number (-1: none). */
  containers: { ids: Map<string, number>; parents: number[] };
  /** Records whose DN is made of DC= RDNs only, with their DN (deriveDomain). */
  dcOnly: Map<number, Dn>;
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
      if ('file' in this.input) {
        let bytes: Buffer;
        try {
          bytes = await readFileBounded(this.input.file, READ_LIMITS.ldif);
        } catch (err) {
          throw new SyncError(directoryErrors.LdifUnreadable, { file: name, line: 0, problem: describeReadError(err) }, { cause: err });
        }
        text = decodeSnapshot(bytes, name);
      } else text = this.input.text;
      let snapshot: Snapshot;
      try {
        snapshot = index(text);
      } catch (err) {
        if (err instanceof LdifSyntaxError) throw new SyncError(directoryErrors.LdifUnreadable, { file: name, line: err.line, problem: err.problem }, { cause: err });
        if (err instanceof SyncError) throw new SyncError(directoryErrors.LdifUnreadable, { file: name, line: '?', problem: err.reason }, { cause: err });
        throw err;
      }
      // No entry at all (an empty file, a named pipe nobody wrote to) is no directory: said here,
      // not later as a partition the directory does not list.
      if (snapshot.byDn.size === 0 && !snapshot.rootDse) throw new SyncError(directoryErrors.LdifUnreadable, { file: name, line: 1, problem: 'it holds no entry (an empty file, or a pipe nothing was written to)' });
      return snapshot;
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
    for (const record of snap.byDn.values()) {
      if ((snap.flags[record]! & CROSS_REF) === 0) continue;
      const { attributes } = objectAt(snap, record);
      if ((Number(getFirst(attributes, 'systemFlags') ?? 0) & 2) === 0) continue;
      const dn = getFirst(attributes, 'nCName');
      const dnsRoot = getFirst(attributes, 'dnsRoot');
      const netbios = getFirst(attributes, 'nETBIOSName');
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
    // Parsed from the text for this read: the caller owns the object.
    if (found !== undefined) return { status: 'found', object: objectAt(snap, found) };
    // The closest existing ancestor, as LDAP's matchedDN: only ancestors no deeper than the
    // snapshot's deepest object (a 5,000-RDN DN must not cost 5,000 lookups).
    for (let depth = Math.min(dn.depth - 1, snap.maxDepth); depth >= 1; depth--) {
      const ancestor = snap.byDn.get(dn.ancestorAtDepth(depth).key);
      if (ancestor !== undefined) return { status: 'notFound', matchedDn: objectAt(snap, ancestor).dn };
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
    const children = slice.map((record) => {
      const object = objectAt(snap, record);
      return toDirectoryChild(object.dn, object.attributes);
    });
    const next = offset + slice.length;
    return next < all.length ? { children, continuation: encodeContinuation({ key: 'ldif', phase: 0, returned: next, dn: dn.toString() }) } : { children };
  }

  /** The snapshot's objects of a scope, in file order, filtered as the LDAP search would be. */
  async *searchObjects(search: ScopeSearch): AsyncGenerator<DirectoryObject> {
    const filter = scopeFilter(search.objectClasses, search.ldapFilter);
    checkAdFilter(filter);
    const snap = await this.load();
    this.operations++;
    if (!snap.byDn.has(search.base.key)) throw new SyncError(directoryErrors.NoSuchObject, { dn: search.base.toString(), matchedDn: '(none)', didYouMean: '' });
    // Which records are in scope is known from the index; only those are parsed.
    const inScope = scopeTest(snap, search.base, search.scope);
    const links = linkResolver(snap);
    for (const [key, record] of snap.byDn) {
      if (!inScope(key, record)) continue;
      const object = objectAt(snap, record);
      if (!adFilterMatches(filter, object, links)) continue;
      yield object;
    }
  }

  async countChildren(dn: Dn): Promise<number> {
    const snap = await this.load();
    return (snap.children.get(dn.key) ?? []).length;
  }

  /** Find Object, over the snapshot's records, each parsed as it is compared (find.ts). */
  async findObjects(text: string, options: { base: Dn; limit: number }): Promise<FoundObject[]> {
    const snap = await this.load();
    this.operations++;
    return findInSnapshot(records(snap, findCandidates(snap, text)), text, options);
  }

  async isDirectMember(groupDn: Dn, memberDn: Dn): Promise<boolean> {
    const snap = await this.load();
    this.operations++;
    const group = snap.byDn.get(groupDn.key);
    if (group === undefined) throw new SyncError(directoryErrors.NoSuchObject, { dn: groupDn.toString(), matchedDn: '(none)', didYouMean: '' });
    return (getValues(objectAt(snap, group).attributes, 'member') ?? []).some((v) => typeof v === 'string' && memberDn.isNamedBy(v));
  }
}

/** A record parsed from its span (it parsed when the snapshot was loaded, so it parses again). */
/** memberOf of each member, from the groups' member values: built once per snapshot, when a filter first needs it. */
const backLinks = new WeakMap<Snapshot, Map<string, string[]>>();

function memberOfIndex(snap: Snapshot): Map<string, string[]> {
  let index = backLinks.get(snap);
  if (!index) {
    index = new Map();
    for (const record of snap.byDn.values()) {
      const group = objectAt(snap, record);
      const members = getValues(group.attributes, 'member');
      if (!members) continue;
      for (const member of members) {
        const parsed = typeof member === 'string' ? Dn.tryParse(member) : undefined;
        if (!parsed?.ok) continue;
        const list = index.get(parsed.dn.key);
        if (list) list.push(group.dn);
        else index.set(parsed.dn.key, [group.dn]);
      }
    }
    backLinks.set(snap, index);
  }
  return index;
}

/** The links a filter follows (ad-filter.ts): an object's DN values, memberOf completed from the groups' member. */
function linkResolver(snap: Snapshot): LinkResolver {
  const backLinks = (key: string): readonly string[] => memberOfIndex(snap).get(key) ?? [];
  return {
    backLinks,
    linked: (key, attribute) => {
      const record = snap.byDn.get(key);
      const stored = record === undefined ? [] : (getValues(objectAt(snap, record).attributes, attribute) ?? []).map(String);
      if (attribute.toLowerCase() !== 'memberof') return stored;
      const derived = backLinks(key);
      return derived.length ? [...new Set([...stored, ...derived])] : stored;
    },
  };
}

function objectAt(snap: Snapshot, record: number): DirectoryObject {
  const k = record * 3;
  return parseLdifSpan(snap.text, { start: snap.spans[k]!, end: snap.spans[k + 1]!, line: snap.spans[k + 2]! })!.object;
}

/** The snapshot's objects in file order, each parsed when it is reached (its DN when asked); `candidate` skips records unparsed. */
function* records(snap: Snapshot, candidate: (record: number) => boolean = () => true): Generator<{ object: DirectoryObject; readonly dn: Dn }> {
  for (const record of snap.byDn.values()) {
    if (!candidate(record)) continue;
    const object = objectAt(snap, record);
    let dn: Dn | undefined;
    yield {
      object,
      get dn() {
        return (dn ??= Dn.parse(object.dn));
      },
    };
  }
}

/** Attributes whose text Find Object compares (find.ts), lower-case. */
const FIND_TEXT_ATTRIBUTES = new Set(['userprincipalname', 'mail', 'samaccountname', ...ANR_ATTRIBUTES.map((a) => a.toLowerCase())]);

/**
 * Records that can match a Find Object text without parsing them all: every value compared
 * holds each word of the text (prefix, equality, "given sn"), so a record whose text does not
 * hold every word (ignoring case) cannot match, unless a compared value is hidden from a plain
 * look: base64 ("name::") or folded over lines. A DN is looked up; GUIDs and SIDs (bytes) are
 * compared on every record.
 */
function findCandidates(snap: Snapshot, text: string): (record: number) => boolean {
  const query = readFindQuery(text);
  if (!query) return () => false;
  if (query.kind === 'dn') {
    const wanted = snap.byDn.get(query.dn.key);
    return (record) => record === wanted;
  }
  if (query.kind !== 'text') return () => true;
  const words = query.text.toLowerCase().split(/\s+/).filter(Boolean);
  return (record) => {
    const k = record * 3;
    const span = snap.text.slice(snap.spans[k]!, snap.spans[k + 1]!);
    if (span.includes('\n ')) return true;
    for (let at = span.indexOf('::'); at >= 0; at = span.indexOf('::', at + 2)) {
      const name = span.slice(span.lastIndexOf('\n', at) + 1, at).replace(/;.*$/, '').toLowerCase();
      if (FIND_TEXT_ATTRIBUTES.has(name)) return true;
    }
    const lower = span.toLowerCase();
    return words.every((w) => lower.includes(w));
  };
}

/** Is the record with this Dn key in the scope (the base itself included in a subtree)? */
function scopeTest(snap: Snapshot, base: Dn, scope: ScopeSearch['scope']): (key: string, record: number) => boolean {
  const baseId = snap.containers.ids.get(base.key);
  if (scope === 'one') return (_key, record) => baseId !== undefined && snap.parentOf[record] === baseId;
  // Per container: 1 below the base (or the base), 2 not, 0 not known yet.
  const below = new Uint8Array(snap.containers.parents.length);
  const isBelow = (id: number): boolean => {
    const path: number[] = [];
    let at = id;
    while (at >= 0 && below[at] === 0 && at !== baseId) {
      path.push(at);
      at = snap.containers.parents[at]!;
    }
    const answer = at === baseId || (at >= 0 && below[at] === 1) ? 1 : 2;
    for (const p of path) below[p] = answer;
    return answer === 1;
  };
  return (key, record) => key === base.key || (baseId !== undefined && isBelow(snap.parentOf[record]!));
}

/** Parses every record once (any error names its line) and keeps where each one is. */
function index(text: string): Snapshot {
  const spans: number[] = [];
  const flags: number[] = [];
  const parentOf: number[] = [];
  const byDn = new Map<string, number>();
  const children = new Map<string, number[]>();
  const containers = { ids: new Map<string, number>(), parents: [] as number[] };
  const dcOnly = new Map<number, Dn>();
  let rootDse: DirectoryObject | undefined;
  let rootDseLine = 0;
  let maxDepth = 0;
  /** The container number of a DN, its ancestors numbered too (walking up only to one already known). */
  const containerId = (dn: Dn): number => {
    const unknown: Dn[] = [];
    let id = -1;
    for (let at: Dn | undefined = dn; at !== undefined; at = at.parent()) {
      const known = containers.ids.get(at.key);
      if (known !== undefined) {
        id = known;
        break;
      }
      unknown.push(at);
    }
    for (let k = unknown.length - 1; k >= 0; k--) {
      const next = containers.parents.length;
      containers.ids.set(unknown[k]!.key, next);
      containers.parents.push(id);
      id = next;
    }
    return id;
  };
  for (const span of ldifSpans(text)) {
    const parsedRecord = parseLdifSpan(text, span);
    if (!parsedRecord) continue;
    const { object, line } = parsedRecord;
    if (object.dn.trim() === '') {
      if (rootDse) throw new LdifSyntaxError(line, `a second RootDSE entry (an empty "dn:"), after the one of line ${rootDseLine}; a snapshot holds one, so remove one of the two`);
      rootDse = object;
      rootDseLine = line;
      continue;
    }
    const parsed = Dn.tryParse(object.dn);
    if (!parsed.ok) throw new LdifSyntaxError(line, `the distinguished name is malformed: ${parsed.error.reason.replace(/^The distinguished name is malformed /, '').replace(/\.$/, '')}`);
    const dn = parsed.dn;
    // Every record is an entry (only "changetype: add" is read): a directory export holds each
    // object once, so a second entry of the same DN (compared as DNs: case, spacing and escapes
    // aside) leaves the snapshot ambiguous, and taking either one would be a silent guess.
    const earlier = byDn.get(dn.key);
    if (earlier !== undefined) {
      const first = parseLdifSpan(text, { start: spans[earlier * 3]!, end: spans[earlier * 3 + 1]!, line: spans[earlier * 3 + 2]! })!.line;
      const shown = object.dn.length > 200 ? `${object.dn.slice(0, 200)}...` : object.dn;
      throw new LdifSyntaxError(line, `the entry ${shown} is there twice, at line ${first} and at line ${line}; a directory export holds each object once, so it is not known which one the directory holds: remove one of the two, or export the snapshot again`);
    }
    const record = flags.length;
    spans.push(span.start, span.end, span.line);
    const classes = (getValues(object.attributes, 'objectClass') ?? []).map(String);
    flags.push((isContainerClass(classes) ? CONTAINER : 0) | (classes.some((c) => c.toLowerCase() === 'crossref') ? CROSS_REF : 0));
    if (dn.rdns.every((rdn) => rdn.avas.length === 1 && rdn.avas[0]!.type.toLowerCase() === 'dc')) dcOnly.set(record, dn);
    maxDepth = Math.max(maxDepth, dn.depth);
    byDn.set(dn.key, record);
    const parent = dn.parent();
    parentOf.push(parent === undefined ? -1 : containerId(parent));
    if (parent === undefined) continue;
    const list = children.get(parent.key);
    if (list) list.push(record);
    else children.set(parent.key, [record]);
  }
  for (const [key, list] of children) {
    const isContainer = (r: number) => (flags[r]! & CONTAINER) !== 0;
    children.set(key, [...list.filter(isContainer), ...list.filter((r) => !isContainer(r))]);
  }
  return { text, spans: Uint32Array.from(spans), flags: Uint8Array.from(flags), byDn, children, parentOf: Int32Array.from(parentOf), containers, dcOnly, rootDse, maxDepth };
}

/** The domain object (a DN made of DC= RDNs only), else the DC= suffix of the first object. */
function deriveDomain(snap: Snapshot): Dn | undefined {
  let best: Dn | undefined;
  for (const record of snap.byDn.values()) {
    const dn = snap.dcOnly.get(record);
    if (dn && (!best || dn.depth < best.depth)) best = dn;
  }
  if (best) return best;
  const first = snap.byDn.values().next().value as number | undefined;
  if (first === undefined) return undefined;
  let suffix: Dn | undefined = Dn.parse(objectAt(snap, first).dn);
  while (suffix && suffix.rdns[0]?.avas[0]?.type.toLowerCase() !== 'dc') suffix = suffix.parent();
  return suffix;
}
