// A group's membership as this tool exports it: the AD members mapped to cloud objects (users by
// anchor, member groups by the anchor this tool gives them, their stored cloud anchor or, for
// a group Entra Connect synchronized, their SID; contacts by their primary SMTP address), at most MEMBER_RESOLUTION_LIMIT a run, and
// the delta against what was exported before, decided from the whole AD member set.
import { SyncError, syncErrors } from '../errors';
import { getValues } from '../model/attributes';
import { Dn } from '../model/dn';
import { guidBytesToString, sidBytesToString } from '../model/ad-codecs';
import { carriesSourceAnchor, type EntraObjectKind } from '../ports/entra-target';
import type { SyncDependencies, SyncFacts } from './context';
import { computeSourceAnchor } from './import-steps';
import { contactByPrimarySmtp } from './matching';
import { referenceScopeOf, type ReferenceScope } from './reference-scope';
import { exportedCloudId } from '../spaces/state-store';

/**
 * Members looked up per run: each costs a directory read and a Graph request, and Microsoft's
 * limit (the rule's memberCount, 250,000) is far beyond what one interactive run should spend.
 * The members not yet exported go first, so a re-run continues where this one stopped.
 */
export const MEMBER_RESOLUTION_LIMIT = 250;

/** Members looked up at once: as many as the Graph client keeps connections (8). */
const MEMBER_LOOKUP_LANES = 8;

type MemberLookup = { status: 'found'; id: string } | { status: 'notInEntra' } | { status: 'outOfScope'; why: string } | { status: 'unknown'; why: string };

async function lookUpMember(dn: string, facts: SyncFacts, deps: SyncDependencies, scope: ReferenceScope): Promise<MemberLookup> {
  // A member Entra Connect does not synchronize (its domain or OU filtered out, or not a direct
  // member of the filtering group) is never exported as a member, whatever the tenant holds.
  const outOfScope = scope(dn);
  if (outOfScope) return { status: 'outOfScope', why: outOfScope };
  const read = await facts.directory!.readObject(Dn.parse(dn));
  if (read.status !== 'found') return { status: 'unknown', why: read.status === 'notFound' ? 'not found' : 'not readable' };
  const classes = (getValues(read.object.attributes, 'objectClass') ?? []).map((c) => String(c).toLowerCase());
  const kind: EntraObjectKind = classes.includes('group') ? 'group' : classes.includes('contact') ? 'contact' : 'user';
  const anchor = computeSourceAnchor(read.object.attributes, deps.config.sourceAnchor, kind);
  let found = anchor ? await facts.entra!.findByImmutableId(kind, anchor) : null;
  if (!found) {
    // A member exported earlier (in this batch, say: the tenant read predates it) is found by
    // the cloud anchor its own connector space keeps, once a run exported to it. A staging
    // run's link to an object it only matched is no join (the member is still to be provisioned),
    // and reading it made the answer depend on which member a batch happened to stage first.
    // The link is used only when the cloud object carries the member's anchor: the state folder
    // may be a repository's, and a forged link would add any cloud object to this group.
    const guid = getValues(read.object.attributes, 'objectGUID')?.[0];
    const stored = guid instanceof Uint8Array ? await deps.stateStore.peek(guidBytesToString(guid)) : undefined;
    const storedId = exportedCloudId(stored?.entraConnectorSpace);
    const linked = storedId && anchor ? await facts.entra!.getById(kind, storedId) : null;
    if (linked && carriesSourceAnchor(linked, anchor!)) found = linked;
  }
  if (!found && kind === 'group') {
    // A member group Entra Connect synchronized: found, like the group itself in step 8, by its SID.
    const sid = getValues(read.object.attributes, 'objectSid')?.[0];
    if (sid instanceof Uint8Array) found = await facts.entra!.findBySecurityIdentifier('group', sidBytesToString(sid));
  }
  if (!found && kind === 'contact') {
    // orgContact has no anchor in Graph: a member contact is found, like a contact in step 8, by
    // its primary SMTP address (what "In from AD - Contact Join" joins on).
    const primary = contactPrimarySmtp(read.object.attributes);
    if (!primary) return { status: 'notInEntra' };
    const answer = await facts.entra!.findValueHolders({ smtpAddresses: [primary] });
    found = contactByPrimarySmtp(answer.holders, primary, facts.tenant?.syncFeatures?.blockSoftMatchEnabled === true)?.contact ?? null;
    if (!found && answer.unchecked.length) return { status: 'unknown', why: `not looked up: ${answer.unchecked.join('; ')}` };
  }
  return found ? { status: 'found', id: found.id } : { status: 'notInEntra' };
}

/** How a member outside the sync scope is named among the members not resolved. */
export function outOfScopeText(dn: string, why: string): string {
  return `${dn} (outside the sync scope: ${why}; Entra Connect does not export it as a member)`;
}

/** An AD contact's primary SMTP address: its SMTP: proxy address, else mail. */
function contactPrimarySmtp(attributes: Parameters<typeof getValues>[0]): string | undefined {
  const primary = (getValues(attributes, 'proxyAddresses') ?? []).map(String).find((p) => p.startsWith('SMTP:'))?.slice(5);
  const mail = getValues(attributes, 'mail')?.[0];
  return primary || (typeof mail === 'string' && mail.includes('@') ? mail : undefined);
}

/**
 * The group's AD members (by DN key, each once) and the lookups of this run: at most
 * MEMBER_RESOLUTION_LIMIT, those not in `known` (exported before) first.
 */
export async function lookUpMembers(facts: SyncFacts, deps: SyncDependencies, known: ReadonlyMap<string, string>): Promise<{ members: Map<string, string>; looked: Map<string, MemberLookup> }> {
  const members = new Map<string, string>();
  for (const dn of (getValues(facts.adAttributes!, 'member') ?? []).map(String)) {
    const key = Dn.keyOf(dn);
    if (!members.has(key)) members.set(key, dn);
  }
  const order = [...members.keys()].sort((a, b) => Number(known.has(a)) - Number(known.has(b)));
  const looked = new Map<string, MemberLookup>();
  const scope = members.size ? await referenceScopeOf(deps, facts) : () => undefined;
  const keys = order.slice(0, MEMBER_RESOLUTION_LIMIT);
  // A few at a time: each is an LDAP read and one or two Graph lookups, a round trip each, and
  // one after the other a group of 250 members waited 250 of them. Each lookup stands alone, so
  // the answers do not depend on the order they come in.
  // The first failure ends the lookups as it did one at a time: no lane takes another member,
  // and the step fails once those under way have ended (none left running behind it).
  const answers: MemberLookup[] = new Array(keys.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (!failure && next < keys.length) {
      const at = next++;
      try {
        answers[at] = await lookUpMember(members.get(keys[at]!)!, facts, deps, scope);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(MEMBER_LOOKUP_LANES, keys.length) }, lane));
  if (failure) throw failure.error;
  keys.forEach((key, at) => looked.set(key, answers[at]!));
  return { members, looked };
}

export interface MembershipPlan {
  add: string[];
  remove: string[];
  /** What the group holds after the writes: exported DNs, their ids in the same order, then ids whose member is not known. */
  exported: { dns: string[]; ids: string[] };
  total: number;
  /** Each member looked up and not found in Microsoft Entra ID or not read in Active Directory, and why. */
  notResolved: string[];
  /** Members of the group in AD that it does not have in Microsoft Entra ID after this run, by cause. */
  missing: { notInEntra: number; unreadable: number; notProcessed: number };
  removalsDeferred: number;
}

/**
 * The membership delta against the full AD member set. The Entra connector space keeps the
 * exported members' DNs (exportedMemberDns), their ids at the same positions of
 * exportedMemberIds (ids beyond are of members whose DN an older state did not keep). A member exported before is
 * removed only when no current AD member maps to its id, which is known only when every
 * current member is accounted for: looked up now, or exported before under the same DN.
 */
export async function planMembership(facts: SyncFacts, deps: SyncDependencies, groupId: string): Promise<MembershipPlan> {
  const stored = facts.stored?.entraConnectorSpace;
  // Another cloud group (deleted, then created again) holds none of the members recorded for the old one.
  const sameGroup = stored?.id === groupId;
  const previousIds = sameGroup ? stored?.exportedMemberIds ?? [] : [];
  const previousDns = sameGroup ? stored?.exportedMemberDns ?? [] : [];
  const paired = previousDns.length <= previousIds.length ? previousDns.length : 0;
  const known = new Map<string, string>();
  for (let i = 0; i < paired; i++) known.set(Dn.keyOf(previousDns[i]!), previousIds[i]!);
  const { members, looked } = await lookUpMembers(facts, deps, known);

  const dns: string[] = [];
  const ids: string[] = [];
  const notResolved: string[] = [];
  const missing = { notInEntra: 0, unreadable: 0, notProcessed: 0 };
  for (const [key, dn] of members) {
    const lookup = looked.get(key);
    const before = known.get(key);
    if (lookup?.status === 'found') {
      dns.push(dn);
      ids.push(lookup.id);
      continue;
    }
    if (lookup?.status === 'notInEntra') {
      notResolved.push(`${dn} (not yet in Microsoft Entra ID)`);
      missing.notInEntra++;
      continue;
    }
    if (lookup?.status === 'outOfScope') {
      // Not a member Entra Connect exports (one exported before is removed): not missing either.
      notResolved.push(outOfScopeText(dn, lookup.why));
      continue;
    }
    if (lookup) notResolved.push(`${dn} (${lookup.why})`);
    if (before) {
      // Exported before and still a member: kept as it is (not looked up, or unreadable now).
      dns.push(dn);
      ids.push(before);
    } else if (lookup) missing.unreadable++;
    else missing.notProcessed++;
  }
  const current = new Set(ids);
  const previous = new Set(previousIds);
  const candidates = [...previous].filter((id) => !current.has(id));
  // A member neither looked up nor exported before may be one of these under a new DN.
  const accountedForAll = missing.unreadable + missing.notProcessed === 0;
  const remove = accountedForAll ? candidates : [];
  const kept = accountedForAll ? [] : candidates;
  return {
    add: [...current].filter((id) => !previous.has(id)),
    remove,
    exported: { dns, ids: [...ids, ...kept] },
    total: members.size,
    notResolved,
    missing,
    removalsDeferred: kept.length,
  };
}

/** Members that are in the group in Active Directory but not in Microsoft Entra ID after this run: a warning naming why. */
export function membershipNotComplete(members: MembershipPlan): SyncError | undefined {
  const { notInEntra, unreadable, notProcessed } = members.missing;
  const count = notInEntra + unreadable + notProcessed;
  if (count === 0) return undefined;
  const why = [
    notInEntra ? `${notInEntra} not yet in Microsoft Entra ID` : '',
    unreadable ? `${unreadable} could not be read in Active Directory` : '',
    notProcessed ? `${notProcessed} not looked up in this run (at most ${MEMBER_RESOLUTION_LIMIT} per run)` : '',
  ].filter(Boolean).join('; ');
  return new SyncError(syncErrors.MembershipNotComplete, { count, total: members.total, why, limit: MEMBER_RESOLUTION_LIMIT });
}
