// The membership of a group Entra Connect synchronizes, compared (never written): its cloud
// members read through the port against its AD members mapped as for this tool's own groups;
// the difference is Entra Connect's pending update, and what could not be compared is named.
import type { AttributeRow } from '../summary/types';
import type { SyncDependencies, SyncFacts } from './context';
import { lookUpMembers, MEMBER_RESOLUTION_LIMIT, outOfScopeText } from './group-membership';

/** Members of a group Entra Connect synchronizes read from Microsoft Entra ID at most (the first ones when it holds more). */
const CLOUD_MEMBER_READ_LIMIT = 50_000;
/** Members named in one result line at most; the rest are counted. */
const NAMED_MEMBERS = 100;

export type SyncedMembership =
  | {
    /** AD members whose cloud object is not a member of the cloud group. */
    add: { dn: string; id: string }[];
    /** Cloud members no AD member maps to; decided only when every AD member was accounted for. */
    remove: { id: string; displayName?: string }[];
    /** Cloud members that match no AD member looked up, while some AD members were not accounted for. */
    removalsUndecided: number;
    /** AD members found in Microsoft Entra ID but not among the cloud members read, when not all were read. */
    addsUndecided: number;
    /** AD members looked up and not found in Microsoft Entra ID, or not read in Active Directory, and why. */
    notResolved: string[];
    /** AD members not looked up in this run (over MEMBER_RESOLUTION_LIMIT). */
    notProcessed: number;
    /** AD members that could not be read (they may be any of the unmatched cloud members). */
    unreadable: number;
    adCount: number;
    cloudCount: number;
    truncated: boolean;
  }
  | { notCompared: string };

/**
 * The membership Entra Connect would export for a group it synchronizes, against the cloud
 * group's direct members: the AD members are mapped to cloud ids as for this tool's own groups
 * (lookUpMembers, at most MEMBER_RESOLUTION_LIMIT per run), the cloud members read through
 * the port (at most CLOUD_MEMBER_READ_LIMIT). Nothing is written.
 */
export async function compareSyncedMembership(facts: SyncFacts, deps: SyncDependencies, groupId: string): Promise<SyncedMembership> {
  const entra = facts.entra!;
  if (!entra.listMembers) return { notCompared: 'this tenant adapter cannot list the members of a group' };
  const cloud = await entra.listMembers(groupId, CLOUD_MEMBER_READ_LIMIT);
  const { members, looked } = await lookUpMembers(facts, deps, new Map());
  const adIds = new Map<string, string>();
  const notResolved: string[] = [];
  let notProcessed = 0;
  let unreadable = 0;
  for (const [key, dn] of members) {
    const lookup = looked.get(key);
    if (!lookup) notProcessed++;
    else if (lookup.status === 'found') {
      if (!adIds.has(lookup.id.toLowerCase())) adIds.set(lookup.id.toLowerCase(), dn);
    } else if (lookup.status === 'notInEntra') notResolved.push(`${dn} (not in Microsoft Entra ID)`);
    else if (lookup.status === 'outOfScope') notResolved.push(outOfScopeText(dn, lookup.why));
    else {
      notResolved.push(`${dn} (${lookup.why})`);
      unreadable++;
    }
  }
  const inCloud = new Set(cloud.members.map((m) => m.id.toLowerCase()));
  const add: { dn: string; id: string }[] = [];
  let addsUndecided = 0;
  for (const [memberId, dn] of adIds) {
    if (inCloud.has(memberId)) continue;
    // Beyond the members read, the group may hold it.
    if (cloud.truncated) addsUndecided++;
    else add.push({ dn, id: memberId });
  }
  const unmatched = cloud.members.filter((m) => !adIds.has(m.id.toLowerCase()));
  // A member not read or not looked up may be any of the unmatched cloud members.
  const decided = unreadable + notProcessed === 0;
  return {
    add,
    remove: decided ? unmatched : [],
    removalsUndecided: decided ? 0 : unmatched.length,
    addsUndecided,
    notResolved,
    notProcessed,
    unreadable,
    adCount: members.size,
    cloudCount: cloud.members.length,
    truncated: cloud.truncated,
  };
}

const named = (items: string[]): string =>
  items.length > NAMED_MEMBERS ? `${items.slice(0, NAMED_MEMBERS).join('; ')}; and ${items.length - NAMED_MEMBERS} more` : items.join('; ');

export const cloudMemberText = (m: { id: string; displayName?: string }): string => (m.displayName ? `${m.id} (${m.displayName})` : m.id);

/** The membership part of the EntraConnectExportPending changes. */
export function membershipChangeText(m: Extract<SyncedMembership, { add: unknown }>): string {
  const parts = [
    m.add.length ? `${m.add.length} to add (${named(m.add.map((a) => a.dn))})` : '',
    m.remove.length ? `${m.remove.length} to remove (${named(m.remove.map(cloudMemberText))})` : '',
    ...membershipGaps(m),
  ].filter(Boolean);
  return `member: ${parts.join('; ')}`;
}

/** What keeps the membership from being fully compared, each with its members named. */
export function membershipGaps(m: SyncedMembership): string[] {
  if ('notCompared' in m) return [`membership not compared: ${m.notCompared}`];
  return [
    m.notResolved.length ? `${m.notResolved.length} of ${m.adCount} Active Directory member(s) not resolved (${named(m.notResolved)})` : '',
    m.notProcessed ? `${m.notProcessed} Active Directory member(s) not looked up in this run (at most ${MEMBER_RESOLUTION_LIMIT} per run)` : '',
    m.removalsUndecided ? `whether ${m.removalsUndecided} cloud member(s) matching no Active Directory member looked up are to be removed cannot be decided in this run` : '',
    m.truncated ? `only the first ${CLOUD_MEMBER_READ_LIMIT} cloud members were read${m.addsUndecided ? `: whether ${m.addsUndecided} Active Directory member(s) beyond them are members cannot be decided` : ''}` : '',
  ].filter(Boolean);
}

/** The comparison in the Export step's details, and on the member row. */
export function reportSyncedMembership(m: SyncedMembership, rows: AttributeRow[], details: Record<string, string>): void {
  const row = rows.find((r) => r.name.toLowerCase() === 'member');
  if ('notCompared' in m) {
    details.MembershipNotCompared = m.notCompared;
    if (row && row.operation !== 'none') row.note = [row.note, `Membership not compared: ${m.notCompared}.`].filter(Boolean).join(' ');
    return;
  }
  details.CloudMembers = m.truncated ? `${m.cloudCount} read (the group holds more; at most ${CLOUD_MEMBER_READ_LIMIT} are read)` : String(m.cloudCount);
  details.MembersToAdd = String(m.add.length);
  details.MembersToRemove = String(m.remove.length);
  if (m.add.length) details.MembersToAddList = named(m.add.map((a) => a.dn));
  if (m.remove.length) details.MembersToRemoveList = named(m.remove.map(cloudMemberText));
  if (m.notResolved.length) details.MembersNotResolved = m.notResolved.join('; ');
  if (m.notProcessed) details.MembersNotProcessed = `${m.notProcessed} member(s) were not looked up in this run (at most ${MEMBER_RESOLUTION_LIMIT} per run): they are not compared.`;
  if (m.removalsUndecided) details.MembersRemovalUndecided = `${m.removalsUndecided} cloud member(s) match no Active Directory member looked up; whether Entra Connect removes them is known only once every member has been looked up and read.`;
  if (m.addsUndecided) details.MembersAddUndecided = `${m.addsUndecided} Active Directory member(s) are not among the first ${CLOUD_MEMBER_READ_LIMIT} cloud members read: whether the group holds them cannot be decided in this run.`;
  if (!row) return;
  // Not fully compared and no decided change: the row keeps the export's own values and operation.
  if (m.add.length || m.remove.length || !membershipGaps(m).length) {
    row.valueAdd = m.add.map((a) => a.dn);
    row.valueDelete = m.remove.map(cloudMemberText);
    row.operation = !m.add.length && !m.remove.length ? 'none' : m.cloudCount === 0 ? 'add' : 'update';
  }
  const verdict = m.add.length || m.remove.length ? 'the difference is pending for Entra Connect, not written' : membershipGaps(m).length ? 'no difference among the members compared (see the Export step details)' : 'the same';
  row.note = [row.note, `Compared with the ${m.cloudCount} member(s) of the group in Microsoft Entra ID: ${verdict}.`].filter(Boolean).join(' ');
}
