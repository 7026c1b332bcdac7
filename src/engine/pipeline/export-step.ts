// Step 10: export the pending changes through the EntraTarget port - create or update, then
// membership - and list every attribute Microsoft Graph cannot write. Staging mode writes
// nothing. A re-run with nothing changed exports nothing and says so (RedundantExport).
import { SyncError, syncErrors } from '../errors';
import type { AttributeValue } from '../model/attributes';
import { attributeLookup, getValues } from '../model/attributes';
import { Dn } from '../model/dn';
import { guidBytesToString, sidBytesToString } from '../model/ad-codecs';
import type { EntraObjectKind, ExportPlan } from '../ports/entra-target';
import { attributeType, isMultiValued } from '../spaces/attribute-syntax';
import { valuesText } from '../spaces/value-text';
import type { AttributeRow, ConflictingObject, ModifiedProperty, NotAppliedKind, NotExportableKind } from '../summary/types';
import type { SyncDependencies, SyncFacts } from './context';
import { computeSourceAnchor } from './import-steps';
import { firstSyncMailNickname } from './entra-data-rules';
import { describeQuarantine } from './matching';
import { asSyncError, type StepOutcome } from './step-runner';
import { entriesOf } from '../model/records';

/**
 * Members looked up per run: each costs a directory read and a Graph request, and Microsoft's
 * limit (the rule's memberCount, 250,000) is far beyond what one interactive run should spend.
 * The members not yet exported go first, so a re-run continues where this one stopped.
 */
const MEMBER_RESOLUTION_LIMIT = 250;

function text(attribute: string, values: readonly AttributeValue[] | null | undefined): string | null {
  if (!values || values.length === 0) return null;
  const items = valuesText(attribute, values);
  return items.length > 1 ? `${items.join('\n')}` : items[0]!;
}

type Refusal = { reason: string; kind: NotExportableKind };

/** Attributes kept inside the sync service: Microsoft Graph has no property for them at all. */
const informational = (kind: NotAppliedKind | undefined): boolean => kind === 'noGraphProperty';

const NO_VALUES: readonly AttributeValue[] = [];

function exportRows(facts: SyncFacts, notExportable: Map<string, Refusal>, empty: string[] = []): AttributeRow[] {
  const imported = attributeLookup(facts.entraImported ?? {});
  const notes = new Map(entriesOf(facts.exportNotes ?? {}));
  const pendingExport = facts.pendingExport ?? {};
  const rows: AttributeRow[] = [];
  for (const [name, desired] of entriesOf(facts.desired ?? {})) {
    const current = imported(name) ?? NO_VALUES;
    const target = desired ?? NO_VALUES;
    const pending = Object.prototype.hasOwnProperty.call(pendingExport, name);
    const operation = !pending ? 'none' : current.length === 0 ? 'add' : target.length === 0 ? 'delete' : 'update';
    const known = notes.get(name);
    // An attribute the rules flow no value to and the tenant holds none of is in no export: it
    // is counted, not listed (a user has ~100 such Exchange attributes; they were most of a result).
    if (operation === 'none' && target.length === 0 && current.length === 0 && !known) {
      empty.push(name);
      continue;
    }
    // Compared as text once per value (300 proxyAddresses must not cost 90,000 conversions).
    const targetText = valuesText(name, target);
    let valueAdd: string[];
    let valueDelete: string[];
    if (current.length === 0) {
      valueAdd = [...targetText];
      valueDelete = [];
    } else {
      const currentText = valuesText(name, current);
      if (target.length === 0) {
        valueAdd = [];
        valueDelete = currentText;
      } else {
        const inCurrent = new Set(currentText);
        const inTarget = new Set(targetText);
        valueAdd = targetText.filter((t) => !inCurrent.has(t));
        valueDelete = currentText.filter((t) => !inTarget.has(t));
      }
    }
    // Only a change Graph cannot make is a gap; an unchanged attribute is not.
    const why = operation === 'none' ? undefined : notExportable.get(name.toLowerCase());
    const refusal = why ? `Not exportable through Microsoft Graph: ${why.reason}` : undefined;
    const note = known && refusal ? `${known} ${refusal}` : known || refusal;
    rows.push({
      name,
      isMultiValued: isMultiValued(name, target.length ? target : current),
      type: attributeType(name, target.length ? target : current),
      value: targetText,
      valueAdd,
      valueDelete,
      operation,
      ...(facts.outboundLineage?.[name] ?? {}),
      exportable: !why,
      ...(why ? { notExportableKind: why.kind } : {}),
      ...(note ? { note } : {}),
    });
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}

type MemberLookup = { status: 'found'; id: string } | { status: 'notInEntra' } | { status: 'unknown'; why: string };

async function lookUpMember(dn: string, facts: SyncFacts, deps: SyncDependencies): Promise<MemberLookup> {
  const read = await facts.directory!.readObject(Dn.parse(dn));
  if (read.status !== 'found') return { status: 'unknown', why: read.status === 'notFound' ? 'not found' : 'not readable' };
  const classes = (getValues(read.object.attributes, 'objectClass') ?? []).map((c) => String(c).toLowerCase());
  const kind: EntraObjectKind = classes.includes('group') ? 'group' : classes.includes('contact') ? 'contact' : 'user';
  const anchor = computeSourceAnchor(read.object.attributes, deps.config.sourceAnchor, kind);
  let found = anchor ? await facts.entra!.findByImmutableId(kind, anchor) : null;
  if (!found) {
    // Groups have no onPremisesImmutableId in Graph: a member group synced earlier is found
    // by the cloud anchor its own connector space keeps.
    const guid = getValues(read.object.attributes, 'objectGUID')?.[0];
    const stored = guid instanceof Uint8Array ? await deps.stateStore.peek(guidBytesToString(guid)) : undefined;
    const storedId = stored?.entraConnectorSpace?.id;
    if (storedId) found = await facts.entra!.getById(kind, storedId);
  }
  if (!found && kind === 'group') {
    // A member group Entra Connect synchronized: found, like the group itself in step 8, by its SID.
    const sid = getValues(read.object.attributes, 'objectSid')?.[0];
    if (sid instanceof Uint8Array) found = await facts.entra!.findBySecurityIdentifier('group', sidBytesToString(sid));
  }
  return found ? { status: 'found', id: found.id } : { status: 'notInEntra' };
}

const dnKey = (dn: string): string => {
  const parsed = Dn.tryParse(dn);
  return parsed.ok ? parsed.dn.key : dn.toLowerCase();
};

/**
 * The group's AD members (by DN key, each once) and the lookups of this run: at most
 * MEMBER_RESOLUTION_LIMIT, those not in `known` (exported before) first.
 */
async function lookUpMembers(facts: SyncFacts, deps: SyncDependencies, known: ReadonlyMap<string, string>): Promise<{ members: Map<string, string>; looked: Map<string, MemberLookup> }> {
  const members = new Map<string, string>();
  for (const dn of (getValues(facts.adAttributes!, 'member') ?? []).map(String)) {
    const key = dnKey(dn);
    if (!members.has(key)) members.set(key, dn);
  }
  const order = [...members.keys()].sort((a, b) => Number(known.has(a)) - Number(known.has(b)));
  const looked = new Map<string, MemberLookup>();
  for (const key of order.slice(0, MEMBER_RESOLUTION_LIMIT)) looked.set(key, await lookUpMember(members.get(key)!, facts, deps));
  return { members, looked };
}

interface MembershipPlan {
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
async function planMembership(facts: SyncFacts, deps: SyncDependencies, groupId: string): Promise<MembershipPlan> {
  const stored = facts.stored?.entraConnectorSpace;
  // Another cloud group (deleted, then created again) holds none of the members recorded for the old one.
  const sameGroup = stored?.id === groupId;
  const previousIds = sameGroup ? stored?.exportedMemberIds ?? [] : [];
  const previousDns = sameGroup ? stored?.exportedMemberDns ?? [] : [];
  const paired = previousDns.length <= previousIds.length ? previousDns.length : 0;
  const known = new Map<string, string>();
  for (let i = 0; i < paired; i++) known.set(dnKey(previousDns[i]!), previousIds[i]!);
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

export async function exportStep(deps: SyncDependencies, facts: SyncFacts, stagingMode: boolean): Promise<StepOutcome> {
  const entra = facts.entra!;
  const before = entra.requests().length;
  const kind = facts.kind;
  const pending = facts.pendingExport ?? {};
  const details: Record<string, string> = {};
  const graphKind: EntraObjectKind | undefined = kind === 'device' ? undefined : kind;
  // A new object has nothing to clear: only values go into a create.
  const toWrite = facts.target ? pending : Object.fromEntries(entriesOf(facts.desired ?? {}).filter(([, v]) => v !== null));
  if (!facts.target && kind === 'user' && !toWrite.alias?.length) {
    // Graph requires mailNickname on create: write the one Microsoft Entra ID would set at first
    // sync, and report it like every written value (a row, a modified property, its source).
    const alias = firstSyncMailNickname(facts, facts.desired ?? {});
    if (alias) {
      toWrite.alias = [alias.value];
      facts.desired = { ...facts.desired, alias: [alias.value] };
      facts.pendingExport = { ...facts.pendingExport, alias: [alias.value] };
      facts.exportNotes = {
        ...facts.exportNotes,
        alias: `No mailNickname on-premises: Microsoft Entra ID sets the MailNickName at first sync from the first present of mailNickname, primary SMTP prefix, mail prefix, UPN prefix, secondary smtp prefix; here ${alias.source}. Microsoft Graph requires it to create a user, so Single Object Sync writes it.`,
      };
      facts.outboundLineage = { ...facts.outboundLineage, alias: { dataSource: alias.source } };
    }
  }
  const refusal = objectRefusal(facts, graphKind);
  // An object Graph cannot write at all: every attribute is refused with the reason, none looks exportable.
  const plan = refusal
    ? { properties: {}, notExportable: Object.keys(toWrite).map((attribute) => ({ attribute, reason: `Microsoft Graph v1.0 cannot write ${refusal.kind} objects: ${refusal.detail}.`, kind: 'readOnlyObject' as const })) }
    : entra.planExport(graphKind!, toWrite);
  const notExportable = new Map<string, Refusal>(plan.notExportable.map((n) => [n.attribute.toLowerCase(), { reason: n.reason, kind: n.kind ?? 'readOnlyInGraph' }]));
  const empty: string[] = [];
  const rows = exportRows(facts, notExportable, empty);
  if (empty.length) details.AttributesWithoutValue = `${empty.length} attribute(s) the outbound rules flow no value to, and that Microsoft Entra ID holds no value of: not listed (for example ${empty.slice(0, 3).join(', ')}).`;
  facts.provisioningAction = facts.target ? 'update' : 'create';
  // Modified properties: every attribute the export changes. Those Microsoft Graph cannot
  // apply are listed too, marked applied: false with the reason (never left out).
  const imported = attributeLookup(facts.entraImported ?? {});
  facts.modified = rows
    .filter((r) => r.operation !== 'none')
    .map((r) => modifiedProperty(facts, imported, r, notExportable.get(r.name.toLowerCase())));
  const finish = (outcome: StepOutcome): StepOutcome => ({ ...outcome, attributes: rows, graphRequests: entra.requests().slice(before) });
  const changedButRefused = rows.filter((r) => r.operation !== 'none' && r.exportable === false);
  // Attributes Graph exposes but cannot write make the export incomplete (a warning);
  // attributes with no Graph property at all live only inside the sync service: information.
  const blocked = changedButRefused.filter((r) => !informational(r.notExportableKind)).map((r) => r.name);
  const internalOnly = changedButRefused.filter((r) => informational(r.notExportableKind)).map((r) => r.name);
  if (blocked.length) details.NotExportableThroughGraph = blocked.join(', ');
  if (internalOnly.length) details.NoMicrosoftGraphProperty = internalOnly.join(', ');

  // A conflict Microsoft Entra ID reports at export: predicted, so nothing is written (and a
  // staging run shows the failure the export would meet).
  if (facts.predictedExportError) {
    facts.modified = [];
    if (stagingMode) details.SkipReason = 'StagingMode';
    details.Result = `${stagingMode ? 'Staging mode: nothing was exported. ' : 'Nothing was exported: '}Microsoft Entra ID refuses this export with ${facts.predictedExportError.code}.`;
    return finish({ status: 'failure', details, error: facts.predictedExportError });
  }
  if (facts.alreadySynced && facts.target && graphKind) {
    facts.notPerformed = true;
    return finish(await alreadySynced(deps, facts, graphKind, rows, plan.notExportable, details, stagingMode));
  }
  if (!graphKind || graphKind === 'contact' || refusal) {
    // A group keeps the action Entra Connect would take (plannedProvisioningAction); this run performs none.
    if (graphKind === 'group') facts.notPerformed = true;
    else facts.provisioningAction = 'other';
    const why = graphKind === 'contact' ? { kind: 'contact', detail: 'organizational contacts (orgContact) are read-only in Microsoft Graph v1.0' } : refusal!;
    if (stagingMode) details.SkipReason = 'StagingMode';
    details.Result = `${stagingMode ? 'Staging mode: nothing was exported. ' : 'Nothing was exported: '}Microsoft Graph v1.0 cannot write this object.`;
    return finish({ status: 'failure', details, error: new SyncError(syncErrors.ObjectNotExportableThroughGraph, why) });
  }
  const quarantined = facts.quarantine?.length ? quarantineWarning(facts, graphKind ?? 'user') : undefined;
  if (stagingMode) {
    details.SkipReason = 'StagingMode';
    details.Result = `Staging mode: nothing was exported. ${facts.modified.length} attribute change(s) would be exported (${facts.provisioningAction}).`;
    return finish(quarantined ? { status: 'warning', details, error: quarantined, conflicts: quarantineConflicts(facts) } : { status: 'skipped', details });
  }
  try {
    const written = await write(deps, facts, graphKind, plan.properties, notExportable, blocked, details, finish);
    if (quarantined && written.status !== 'failure') {
      if (written.error) details.AlsoReported = `${written.error.code}: ${written.error.reason}`;
      return { ...written, status: 'warning', error: quarantined, conflicts: quarantineConflicts(facts) };
    }
    return written;
  } catch (err) {
    if (facts.objectWritten) {
      // The object was written before the failure (a membership change failed): say so.
      details.PartialExport = `The ${graphKind} was ${facts.target ? 'updated' : 'created'} (${facts.next?.entraConnectorSpace?.id ?? ''}); the membership change that followed failed.`;
    } else {
      // Nothing was modified; the rows still show the export that was attempted.
      facts.modified = [];
    }
    return finish({ status: 'failure', details, error: asSyncError(err) });
  }
}

/**
 * Why Microsoft Graph v1.0 cannot write this object at all, or undefined. Graph creates only
 * security groups (mailEnabled false, securityEnabled true) and Microsoft 365 groups, and
 * refuses every write to a mail-enabled security group or distribution list. A contact is
 * refused by planExport itself (orgContact is read-only).
 */
function objectRefusal(facts: SyncFacts, graphKind: EntraObjectKind | undefined): { kind: string; detail: string } | undefined {
  if (!graphKind) return { kind: facts.objectClass ?? 'directory', detail: `object class '${facts.objectClass}' has no writable Microsoft Graph counterpart` };
  // Entra Connect's object: compared, never written here (alreadySynced).
  if (graphKind !== 'group' || facts.alreadySynced) return undefined;
  const manage = 'Entra Connect or Exchange Online manages it';
  if (facts.target) {
    const p = facts.target.properties;
    const unified = Array.isArray(p.groupTypes) && p.groupTypes.includes('Unified');
    if (!unified && (p.mailEnabled === true || p.securityEnabled === false)) {
      const kind = p.securityEnabled === false ? 'distribution list' : 'mail-enabled security group';
      return { kind, detail: `the matched group ${facts.target.id} is a ${kind} in Microsoft Entra ID; ${manage}` };
    }
    // An existing security group keeps being updated: its mail attributes are refused one by one.
    return undefined;
  }
  const desired = facts.desired ?? {};
  const securityEnabled = desired.securityEnabled?.[0];
  if (securityEnabled !== undefined && String(securityEnabled).toLowerCase() !== 'true') {
    return { kind: 'distribution group', detail: `securityEnabled is false: Graph creates only security groups and Microsoft 365 groups; ${manage}` };
  }
  // mailEnabled as "In from AD - Group Join" computes it: an SMTP proxy address or a mail with an @.
  const mailEnabled = getValues(facts.next?.metaverse?.attributes ?? {}, 'mailEnabled')?.[0];
  const mail = desired.mail?.[0];
  if (String(mailEnabled).toLowerCase() === 'true' || (mail !== undefined && String(mail).includes('@'))) {
    return { kind: 'mail-enabled security group', detail: `the group is mail-enabled (a mail or SMTP address): Graph creates security groups only with mailEnabled false; ${manage}` };
  }
  return undefined;
}

async function write(
  deps: SyncDependencies,
  facts: SyncFacts,
  graphKind: 'user' | 'group',
  properties: Record<string, unknown>,
  notExportable: Map<string, Refusal>,
  blocked: string[],
  details: Record<string, string>,
  finish: (outcome: StepOutcome) => StepOutcome,
): Promise<StepOutcome> {
  const entra = facts.entra!;
  const pending = facts.pendingExport ?? {};
  let id = facts.target?.id;
  const writable = Object.keys(properties).length;
  if (!facts.target) {
    const created = await entra.create(graphKind, properties, facts.sourceAnchor);
    facts.exported = true;
    id = created.id;
    details.Result = `Created ${graphKind} ${created.id}.`;
  } else if (writable) {
    await entra.update(graphKind, facts.target.id, properties);
    facts.exported = true;
    details.Result = `Updated ${writable} propert${writable === 1 ? 'y' : 'ies'} of ${graphKind} ${facts.target.id}.`;
  }
  // From here on the object exists in the tenant: record it first, so a failure in the
  // membership writes is reported as a partial export and the next run joins this object.
  const written = { ...(facts.entraImported ?? {}) };
  for (const [name, values] of entriesOf(facts.target ? pending : (facts.desired ?? {}))) {
    if (notExportable.has(name.toLowerCase())) continue;
    if (values && values.length) written[name] = values;
    else delete written[name];
  }
  facts.next!.entraConnectorSpace = { ...facts.next!.entraConnectorSpace!, ...(id ? { id } : {}), attributes: written };
  facts.objectWritten = !facts.target || writable > 0;
  let membershipWrites = 0;
  let membership: SyncError | undefined;
  if (graphKind === 'group' && id) {
    const members = await planMembership(facts, deps, id);
    if (members.add.length) {
      await entra.addMembers(id, members.add);
      facts.exported = true;
    }
    if (members.remove.length) {
      await entra.removeMembers(id, members.remove);
      facts.exported = true;
    }
    membershipWrites = members.add.length + members.remove.length;
    details.MembersAdded = String(members.add.length);
    details.MembersRemoved = String(members.remove.length);
    if (members.notResolved.length) details.MembersNotResolved = members.notResolved.join('; ');
    if (members.missing.notProcessed) details.MembersNotProcessed = `${members.missing.notProcessed} member(s) were not looked up in this run (at most ${MEMBER_RESOLUTION_LIMIT} per run, those not yet exported first); a re-run continues with them.`;
    if (members.removalsDeferred) details.MembersRemovalDeferred = `${members.removalsDeferred} member(s) exported earlier were kept: whether they are still members in Active Directory is known only once every member has been looked up.`;
    const connectorSpace = facts.next!.entraConnectorSpace!;
    connectorSpace.exportedMemberDns = members.exported.dns;
    connectorSpace.exportedMemberIds = members.exported.ids;
    membership = membershipNotComplete(members);
  }

  if (facts.target && !writable && !membershipWrites) {
    facts.provisioningAction = 'other';
    details.SkipReason = 'RedundantExport';
    details.Result = blocked.length
      ? 'Nothing that Microsoft Graph can write has changed; the attributes listed as not exportable remain different.'
      : 'The state of the object in both the source and target systems already match.';
    // Skipped, not a warning: the first export already warned, and the rows still list them.
    // Members still missing are not: a re-run or a sync of the member can add them.
    return finish(membership ? { status: 'warning', details, error: membership } : { status: 'skipped', details });
  }
  if (membership) {
    if (blocked.length) details.AlsoReported = `${syncErrors.ExportNotComplete.code}: ${notComplete(blocked).reason}`;
    return finish({ status: 'warning', details, error: membership });
  }
  if (blocked.length) return finish({ status: 'warning', details, error: notComplete(blocked) });
  return finish({ status: 'success', details });
}

/** The object is Entra Connect's: compare, report the pending update, write nothing. */
async function alreadySynced(
  deps: SyncDependencies,
  facts: SyncFacts,
  kind: EntraObjectKind,
  rows: AttributeRow[],
  notExportable: ExportPlan['notExportable'],
  details: Record<string, string>,
  stagingMode: boolean,
): Promise<StepOutcome> {
  // Only what Graph v1.0 shows can be compared; attributes kept inside the sync service (or
  // not readable through Graph) are shown for information and never make this a warning.
  const readable = new Set(facts.entra!.readableAttributes(kind).map((a) => a.toLowerCase()));
  const internal = new Set(notExportable.filter((n) => n.kind === 'noGraphProperty').map((n) => n.attribute.toLowerCase()));
  // A required property the rules leave empty (mailNickname): Entra ID keeps or derives its own value.
  const kept = new Set(notExportable.filter((n) => n.kind === 'notClearable').map((n) => n.attribute.toLowerCase()));
  // A group's membership is compared on its own (GET /groups/{id}/members), not as a property.
  const compared = (name: string) => readable.has(name.toLowerCase()) || (kind === 'group' && name.toLowerCase() === 'member');
  const pendingRows = rows.filter((r) => r.operation !== 'none' && readable.has(r.name.toLowerCase()) && !kept.has(r.name.toLowerCase()));
  for (const r of rows) {
    if (kept.has(r.name.toLowerCase()) && r.operation !== 'none') {
      r.note = [r.note, 'Empty on-premises; Microsoft Entra ID keeps its own value (a required property): not a pending change.'].filter(Boolean).join(' ');
      continue;
    }
    if (r.operation === 'none' || compared(r.name)) continue;
    r.note = [r.note, internal.has(r.name.toLowerCase())
      ? 'Kept inside the sync service (no Microsoft Graph property): shown for information, not compared.'
      : 'Not readable through Microsoft Graph v1.0: shown for information, not compared.'].filter(Boolean).join(' ');
  }
  if (stagingMode) details.SkipReason = 'StagingMode';
  details.SyncedByEntraConnect = 'True';
  const id = facts.target!.id;
  const powerShell = `Invoke-ADSyncSingleObjectSync -DistinguishedName "${powerShellDoubleQuoted(facts.dn.toString())}"`;
  const membership = kind === 'group' ? await compareSyncedMembership(facts, deps, id) : undefined;
  if (membership) reportSyncedMembership(membership, rows, details);
  const memberPending = membership && 'add' in membership && membership.add.length + membership.remove.length > 0 ? membership : undefined;
  if (pendingRows.length === 0 && !memberPending) {
    facts.provisioningAction = 'other';
    facts.modified = [];
    const gaps = membership ? membershipGaps(membership) : [];
    if (gaps.length) {
      details.PowerShell = powerShell;
      details.Result = 'Not written: the attributes match what Entra Connect would export; the membership could not be fully compared.';
      return {
        status: 'warning',
        details,
        error: new SyncError(syncErrors.EntraConnectMembershipNotCompared, { id, why: gaps.join('; '), powerShell, limit: MEMBER_RESOLUTION_LIMIT }),
      };
    }
    details.Result = 'Microsoft Entra ID already matches what Entra Connect would export; nothing to write.';
    return { status: 'success', details };
  }
  facts.provisioningAction = 'update';
  // Nothing here is applied through Microsoft Graph: the update is Entra Connect's to make.
  const ownedByEntraConnect = {
    kind: 'ownedByEntraConnect' as const,
    reason: 'Pending for Entra Connect: only the Entra Connect server can write this object (onPremisesSyncEnabled is true).',
  };
  const imported = attributeLookup(facts.entraImported ?? {});
  facts.modified = pendingRows.map((r) => modifiedProperty(facts, imported, r, ownedByEntraConnect));
  const changes = facts.modified.map((m) => `${m.displayName}: ${quote(m.oldValue)} -> ${quote(m.newValue)}`);
  if (memberPending) {
    // Old value: the cloud members Entra Connect would remove; new value: the AD members it would add.
    facts.modified.push({
      displayName: 'member',
      oldValue: memberPending.remove.length ? memberPending.remove.map(cloudMemberText).join('\n') : null,
      newValue: memberPending.add.length ? memberPending.add.map((a) => a.dn).join('\n') : null,
      applied: false,
      notAppliedKind: ownedByEntraConnect.kind,
      notAppliedReason: ownedByEntraConnect.reason,
      informational: false,
    });
    changes.push(membershipChangeText(memberPending));
  } else if (membership && membershipGaps(membership).length) {
    // No decided membership change, but the members were not all compared: said beside the attributes.
    changes.push(`member (not counted): ${membershipGaps(membership).join('; ')}`);
  }
  details.PowerShell = powerShell;
  details.Result = `Not written: ${facts.modified.length} attribute(s) are pending for Entra Connect, which owns this object.`;
  return {
    status: 'warning',
    details,
    error: new SyncError(syncErrors.EntraConnectExportPending, { kind, id, count: facts.modified.length, changes: changes.join('; '), powerShell }),
  };
}

/** Members of a group Entra Connect synchronizes read from Microsoft Entra ID at most (the first ones when it holds more). */
const CLOUD_MEMBER_READ_LIMIT = 50_000;
/** Members named in one result line at most; the rest are counted. */
const NAMED_MEMBERS = 100;

type SyncedMembership =
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
async function compareSyncedMembership(facts: SyncFacts, deps: SyncDependencies, groupId: string): Promise<SyncedMembership> {
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

const cloudMemberText = (m: { id: string; displayName?: string }): string => (m.displayName ? `${m.id} (${m.displayName})` : m.id);

/** The membership part of the EntraConnectExportPending changes. */
function membershipChangeText(m: Extract<SyncedMembership, { add: unknown }>): string {
  const parts = [
    m.add.length ? `${m.add.length} to add (${named(m.add.map((a) => a.dn))})` : '',
    m.remove.length ? `${m.remove.length} to remove (${named(m.remove.map(cloudMemberText))})` : '',
    ...membershipGaps(m),
  ].filter(Boolean);
  return `member: ${parts.join('; ')}`;
}

/** What keeps the membership from being fully compared, each with its members named. */
function membershipGaps(m: SyncedMembership): string[] {
  if ('notCompared' in m) return [`membership not compared: ${m.notCompared}`];
  return [
    m.notResolved.length ? `${m.notResolved.length} of ${m.adCount} Active Directory member(s) not resolved (${named(m.notResolved)})` : '',
    m.notProcessed ? `${m.notProcessed} Active Directory member(s) not looked up in this run (at most ${MEMBER_RESOLUTION_LIMIT} per run)` : '',
    m.removalsUndecided ? `whether ${m.removalsUndecided} cloud member(s) matching no Active Directory member looked up are to be removed cannot be decided in this run` : '',
    m.truncated ? `only the first ${CLOUD_MEMBER_READ_LIMIT} cloud members were read${m.addsUndecided ? `: whether ${m.addsUndecided} Active Directory member(s) beyond them are members cannot be decided` : ''}` : '',
  ].filter(Boolean);
}

/** The comparison in the Export step's details, and on the member row. */
function reportSyncedMembership(m: SyncedMembership, rows: AttributeRow[], details: Record<string, string>): void {
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

/** One Modified Properties entry for an export row: old -> new, and whether Graph applies it. */
/** A row's modified property; `imported` reads the cloud object's values (one lookup for all rows). */
function modifiedProperty(facts: SyncFacts, imported: (name: string) => AttributeValue[] | undefined, row: AttributeRow, refused: { reason: string; kind: NotAppliedKind } | undefined): ModifiedProperty {
  const displayName = row.name;
  const oldValue = text(row.name, imported(row.name));
  const newValue = text(row.name, facts.desired?.[row.name]);
  if (!refused) return { displayName, oldValue, newValue, applied: true };
  return { displayName, oldValue, newValue, applied: false, notAppliedKind: refused.kind, notAppliedReason: refused.reason, informational: informational(refused.kind) };
}

const quote = (value: string | null): string => (value === null ? '(none)' : `'${value.replace(/\n/g, ', ')}'`);

/** Inside PowerShell double quotes the backtick escapes `, " and $ (and newlines must not pass raw). */
export function powerShellDoubleQuoted(value: string): string {
  return value.replace(/[`"$]/g, (c) => `\`${c}`).replace(/\r/g, '`r').replace(/\n/g, '`n');
}

/** The objects holding the quarantined values, as data for the report (name, UPN, the clashing value). */
function quarantineConflicts(facts: SyncFacts): ConflictingObject[] {
  return (facts.quarantine ?? []).map((q) => ({
    kind: q.holder.kind,
    id: q.holder.id,
    displayName: q.holder.displayName,
    ...(q.holder.userPrincipalName ? { userPrincipalName: q.holder.userPrincipalName } : {}),
    ...(q.holder.onPremisesDistinguishedName ? { onPremisesDistinguishedName: q.holder.onPremisesDistinguishedName } : {}),
    attribute: q.attribute,
    value: q.value,
  }));
}

function quarantineWarning(facts: SyncFacts, kind: EntraObjectKind): SyncError {
  const list = facts.quarantine ?? [];
  return new SyncError(syncErrors.DuplicateAttributeQuarantined, {
    kind,
    quarantined: list.map(describeQuarantine).join('; '),
    valueCountSuffix: list.length > 1 ? `s (${list.length})` : '',
    conflictingObjects: list.map((q) => `${q.holder.kind === 'user' ? 'User' : q.holder.kind === 'group' ? 'Group' : 'Contact'}_${q.holder.id}`).join(', '),
  });
}

/** Members that are in the group in Active Directory but not in Microsoft Entra ID after this run: a warning naming why. */
function membershipNotComplete(members: MembershipPlan): SyncError | undefined {
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

function notComplete(attributes: string[]): SyncError {
  return new SyncError(syncErrors.ExportNotComplete, { count: attributes.length, attributes: attributes.join(', ') });
}

