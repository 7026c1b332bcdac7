// The DirectorySource port over an LDIF snapshot (offline troubleshooting and the demo).
// Same answers as the LDAP source for the objects the file holds: base reads, containers-
// first paged listings with a continuation, direct membership, RootDSE and partitions
// (from a RootDSE record `dn:` and crossRef records when present, else derived from the DNs).
import { describeReadError, READ_LIMITS, readFileBounded } from '../../io/read-bounded';
import { directoryErrors } from '../../../engine/errors/catalog/directory';
import { SyncError } from '../../../engine/errors/sync-error';
import { getFirst, getValues } from '../../../engine/model/attributes';
import type { DirectoryObject } from '../../../engine/model/directory-object';
import { dnEquals, normalizeDn, normalizedRdns, parentDn, parseDn } from '../../../engine/model/dn';
import type { ChildPage, DirectoryPartition, DirectorySource, FoundObject, ReadResult, RootDse, ScopeSearch } from '../../../engine/ports/directory-source';
import { findInSnapshot } from './find';
import { entryMatches, scopeFilter } from '../ldap/filters';
import { isContainerClass, toDirectoryChild } from '../ldap/children';
import { decodeContinuation, encodeContinuation } from '../ldap/continuation';
import { LdifSyntaxError, parseLdif } from './ldif';

interface Snapshot {
  byDn: Map<string, DirectoryObject>;
  /** normalized parent DN -> children in file order, containers first. */
  children: Map<string, DirectoryObject[]>;
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
    const defaultNamingContext = text('defaultNamingContext') ?? deriveDomainDn(snap);
    const configurationNamingContext = text('configurationNamingContext') ?? (defaultNamingContext ? `CN=Configuration,${defaultNamingContext}` : '');
    const namingContexts = snap.rootDse ? (getValues(snap.rootDse.attributes, 'namingContexts') ?? []).map(String) : [defaultNamingContext, configurationNamingContext].filter(Boolean);
    const dnsHostName = text('dnsHostName');
    return { defaultNamingContext, namingContexts, configurationNamingContext, ...(dnsHostName ? { dnsHostName } : {}) };
  }

  async partitions(): Promise<DirectoryPartition[]> {
    const snap = await this.load();
    this.operations++;
    const out: DirectoryPartition[] = [];
    for (const object of snap.byDn.values()) {
      const classes = (getValues(object.attributes, 'objectClass') ?? []).map((c) => String(c).toLowerCase());
      if (!classes.includes('crossref')) continue;
      if ((Number(getFirst(object.attributes, 'systemFlags') ?? 0) & 2) === 0) continue;
      const dn = getFirst(object.attributes, 'nCName');
      const dnsRoot = getFirst(object.attributes, 'dnsRoot');
      const netbios = getFirst(object.attributes, 'nETBIOSName');
      if (typeof dn === 'string' && typeof dnsRoot === 'string') out.push({ dn, dnsRoot, ...(typeof netbios === 'string' ? { netbiosName: netbios } : {}) });
    }
    if (out.length > 0) return out;
    // No crossRef in the snapshot: the domain its DNs belong to.
    const domain = deriveDomainDn(snap);
    if (!domain) return [];
    const dnsRoot = parseDn(domain).map((rdn) => rdn.avas[0]?.value ?? '').join('.');
    return [{ dn: domain, dnsRoot }];
  }

  async readObject(dn: string): Promise<ReadResult> {
    parseDn(dn);
    const snap = await this.load();
    this.operations++;
    const object = snap.byDn.get(normalizeDn(dn));
    if (object) return { status: 'found', object: structuredClone(object) };
    // The closest existing ancestor, as LDAP's matchedDN: one parse, and only ancestors no
    // deeper than the snapshot's deepest object (a 5,000-RDN DN was quadratic with parentDn).
    const rdns = normalizedRdns(dn);
    for (let k = Math.max(1, rdns.length - snap.maxDepth); k < rdns.length; k++) {
      const ancestor = snap.byDn.get(rdns.slice(k).join(','));
      if (ancestor) return { status: 'notFound', matchedDn: ancestor.dn };
    }
    return { status: 'notFound' };
  }

  async listChildren(dn: string, options: { pageSize: number; continuation?: string }): Promise<ChildPage> {
    parseDn(dn);
    const snap = await this.load();
    this.operations++;
    const all = snap.children.get(normalizeDn(dn)) ?? [];
    let offset = 0;
    if (options.continuation) {
      const token = decodeContinuation(options.continuation, dn);
      if (!dnEquals(token.dn, dn)) throw new SyncError(directoryErrors.ContinuationExpired, { dn });
      offset = token.returned;
    }
    const pageSize = Math.max(1, options.pageSize);
    const slice = all.slice(offset, offset + pageSize);
    const children = slice.map((o) => toDirectoryChild(o.dn, o.attributes));
    const next = offset + slice.length;
    return next < all.length ? { children, continuation: encodeContinuation({ key: 'ldif', phase: 0, returned: next, dn }) } : { children };
  }

  /** The snapshot's objects of a scope, in file order, filtered as the LDAP search would be. */
  async *searchObjects(search: ScopeSearch): AsyncGenerator<DirectoryObject> {
    parseDn(search.base);
    const filter = scopeFilter(search.objectClasses, search.ldapFilter);
    const snap = await this.load();
    this.operations++;
    const base = normalizeDn(search.base);
    if (!snap.byDn.has(base)) throw new SyncError(directoryErrors.NoSuchObject, { dn: search.base, matchedDn: '(none)' });
    for (const object of snap.byDn.values()) {
      const rdns = normalizedRdns(object.dn);
      const parent = rdns.slice(1).join(',');
      const inScope = search.scope === 'one' ? parent === base : rdns.join(',') === base || rdns.join(',').endsWith(`,${base}`);
      if (!inScope) continue;
      if (!entryMatches(filter, asFilterInput(object))) continue;
      yield structuredClone(object);
    }
  }

  async countChildren(dn: string): Promise<number> {
    parseDn(dn);
    const snap = await this.load();
    return (snap.children.get(normalizeDn(dn)) ?? []).length;
  }

  /** Find Object, over the snapshot in memory (find.ts). */
  async findObjects(text: string, options: { base: string; limit: number }): Promise<FoundObject[]> {
    const snap = await this.load();
    this.operations++;
    return findInSnapshot(snap.byDn.values(), text, options);
  }

  async isDirectMember(groupDn: string, memberDn: string): Promise<boolean> {
    parseDn(groupDn);
    parseDn(memberDn);
    const snap = await this.load();
    this.operations++;
    const group = snap.byDn.get(normalizeDn(groupDn));
    if (!group) throw new SyncError(directoryErrors.NoSuchObject, { dn: groupDn, matchedDn: '(none)' });
    return (getValues(group.attributes, 'member') ?? []).some((v) => typeof v === 'string' && dnEquals(v, memberDn));
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

function index(objects: DirectoryObject[]): Snapshot {
  const byDn = new Map<string, DirectoryObject>();
  const children = new Map<string, DirectoryObject[]>();
  let rootDse: DirectoryObject | undefined;
  let maxDepth = 0;
  for (const object of objects) {
    if (object.dn.trim() === '') {
      rootDse = object;
      continue;
    }
    const rdns = normalizedRdns(object.dn);
    maxDepth = Math.max(maxDepth, rdns.length);
    byDn.set(rdns.join(','), object);
    const parent = parentDn(object.dn);
    if (parent === undefined) continue;
    const key = normalizeDn(parent);
    const list = children.get(key) ?? [];
    list.push(object);
    children.set(key, list);
  }
  for (const [key, list] of children) {
    const isContainer = (o: DirectoryObject) => isContainerClass((getValues(o.attributes, 'objectClass') ?? []).map(String));
    children.set(key, [...list.filter(isContainer), ...list.filter((o) => !isContainer(o))]);
  }
  return { byDn, children, rootDse, maxDepth };
}

/** The domain object (a DN made of DC= RDNs only), else the DC= suffix of the first object. */
function deriveDomainDn(snap: Snapshot): string {
  let best = '';
  for (const object of snap.byDn.values()) {
    const rdns = parseDn(object.dn);
    const dcOnly = rdns.every((rdn) => rdn.avas.length === 1 && rdn.avas[0]!.type.toLowerCase() === 'dc');
    if (dcOnly && (best === '' || rdns.length < parseDn(best).length)) best = object.dn;
  }
  if (best) return best;
  const first = snap.byDn.values().next().value as DirectoryObject | undefined;
  if (!first) return '';
  const rdns = parseDn(first.dn);
  const k = rdns.findIndex((rdn) => rdn.avas[0]?.type.toLowerCase() === 'dc');
  return k < 0 ? '' : rdns.slice(k).map((rdn) => rdn.source).join(',');
}
