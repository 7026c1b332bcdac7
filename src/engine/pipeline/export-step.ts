// Step 10: export the pending changes through the EntraTarget port - create or update, then
// membership - and list every attribute Microsoft Graph cannot write. Staging mode writes
// nothing. A re-run with nothing changed exports nothing and says so (RedundantExport).
import { SyncError, syncErrors } from '../errors';
import type { AttributeValue } from '../model/attributes';
import { attributeLookup, getValues } from '../model/attributes';
import type { EntraObjectKind, ExportPlan } from '../ports/entra-target';
import { attributeType, isMultiValued } from '../spaces/attribute-syntax';
import { valuesText } from '../spaces/value-text';
import type { AttributeRow, ConflictingObject, ModifiedProperty, NotAppliedKind, NotExportableKind } from '../summary/types';
import type { SyncDependencies, SyncFacts } from './context';
import { firstSyncMailNickname } from './entra-data-rules';
import { describeQuarantine } from './matching';
import { MEMBER_RESOLUTION_LIMIT, membershipNotComplete, planMembership } from './group-membership';
import { cloudMemberText, compareSyncedMembership, membershipChangeText, membershipGaps, reportSyncedMembership } from './synced-membership';
import { asSyncError, type StepOutcome } from './step-runner';
import { attributeRecord, entriesOf } from '../model/records';

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
  const desiredValues = facts.desired ?? {};
  for (const name of Object.keys(desiredValues)) {
    const desired = desiredValues[name];
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

/** The attributes that have values, in order (no [name, values] pair per attribute). */
function valuesOnly(desired: Record<string, AttributeValue[] | null>): Record<string, AttributeValue[] | null> {
  const out = attributeRecord<AttributeValue[] | null>();
  for (const name of Object.keys(desired)) {
    const values = desired[name]!;
    if (values !== null) out[name] = values;
  }
  return out;
}

export async function exportStep(deps: SyncDependencies, facts: SyncFacts, stagingMode: boolean): Promise<StepOutcome> {
  const entra = facts.entra!;
  const before = entra.requests().length;
  const kind = facts.kind;
  const pending = facts.pendingExport ?? {};
  const details: Record<string, string> = {};
  const graphKind: EntraObjectKind | undefined = kind === 'device' ? undefined : kind;
  // A new object has nothing to clear: only values go into a create.
  const toWrite = facts.target ? pending : valuesOnly(facts.desired ?? {});
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
  if (facts.restoring && facts.target && graphKind === 'user') {
    facts.notPerformed = true;
    return finish(restoredByEntraId(facts, rows, notExportable, details, stagingMode));
  }
  if (facts.alreadySynced && facts.target && graphKind) {
    facts.notPerformed = true;
    return finish(await alreadySynced(deps, facts, graphKind, rows, plan.notExportable, details, stagingMode));
  }
  if (!graphKind || graphKind === 'contact' || refusal) {
    // The object keeps the action Entra Connect would take (plannedProvisioningAction: it
    // synchronizes mail-enabled contacts and devices with a userCertificate as it does groups);
    // this run performs none.
    facts.notPerformed = true;
    const why = graphKind === 'contact' ? { kind: 'contact', detail: 'organizational contacts (orgContact) are read-only in Microsoft Graph v1.0', documentationUrl: syncErrors.ObjectNotExportableThroughGraph.documentationUrl } : refusal!;
    if (stagingMode) details.SkipReason = 'StagingMode';
    details.Result = `${stagingMode ? 'Staging mode: nothing was exported. ' : 'Nothing was exported: '}Microsoft Graph v1.0 cannot write this object.`;
    return finish({ status: 'failure', details, error: new SyncError({ ...syncErrors.ObjectNotExportableThroughGraph, documentationUrl: why.documentationUrl }, why) });
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
/** The page that says why Graph v1.0 cannot write the object: each kind its own (the catalog's is orgContact's). */
const CREATE_GROUP_DOCS = 'https://learn.microsoft.com/graph/api/group-post-groups';
const DEVICE_DOCS = 'https://learn.microsoft.com/graph/api/resources/device';

function objectRefusal(facts: SyncFacts, graphKind: EntraObjectKind | undefined): { kind: string; detail: string; documentationUrl: string } | undefined {
  if (!graphKind) return { kind: facts.objectClass ?? 'directory', detail: `object class '${facts.objectClass}' has no writable Microsoft Graph counterpart`, documentationUrl: DEVICE_DOCS };
  // Entra Connect's object: compared, never written here (alreadySynced).
  if (graphKind !== 'group' || facts.alreadySynced) return undefined;
  const manage = 'Entra Connect or Exchange Online manages it';
  if (facts.target) {
    const p = facts.target.properties;
    const unified = Array.isArray(p.groupTypes) && p.groupTypes.includes('Unified');
    if (!unified && (p.mailEnabled === true || p.securityEnabled === false)) {
      const kind = p.securityEnabled === false ? 'distribution list' : 'mail-enabled security group';
      return { kind, detail: `the matched group ${facts.target.id} is a ${kind} in Microsoft Entra ID; ${manage}`, documentationUrl: CREATE_GROUP_DOCS };
    }
    // An existing security group keeps being updated: its mail attributes are refused one by one.
    return undefined;
  }
  const desired = facts.desired ?? {};
  const securityEnabled = desired.securityEnabled?.[0];
  if (securityEnabled !== undefined && String(securityEnabled).toLowerCase() !== 'true') {
    return { kind: 'distribution group', detail: `securityEnabled is false: Graph creates only security groups and Microsoft 365 groups; ${manage}`, documentationUrl: CREATE_GROUP_DOCS };
  }
  // mailEnabled as "In from AD - Group Join" computes it: an SMTP proxy address or a mail with an @.
  const mailEnabled = getValues(facts.next?.metaverse?.attributes ?? {}, 'mailEnabled')?.[0];
  const mail = desired.mail?.[0];
  if (String(mailEnabled).toLowerCase() === 'true' || (mail !== undefined && String(mail).includes('@'))) {
    return { kind: 'mail-enabled security group', detail: `the group is mail-enabled (a mail or SMTP address): Graph creates security groups only with mailEnabled false; ${manage}`, documentationUrl: CREATE_GROUP_DOCS };
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
  facts.next!.entraConnectorSpace = { ...facts.next!.entraConnectorSpace!, ...(id ? { id, exported: true } : {}), attributes: written };
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

/** How long Microsoft Entra ID keeps a deleted user before it is permanently deleted. */
const SOFT_DELETE_DAYS = 30;

/**
 * A soft-deleted user holds the anchor: Entra Connect's export adds the object, and Microsoft
 * Entra ID restores that user (how-to-connect-sync-recycle-bin) and applies the export to it. The
 * changes are shown against the deleted user's values; nothing is written here (Graph's restore
 * is not what the sync service does, and the user would be Entra Connect's again).
 */
function restoredByEntraId(facts: SyncFacts, rows: AttributeRow[], notExportable: Map<string, Refusal>, details: Record<string, string>, stagingMode: boolean): StepOutcome {
  if (stagingMode) details.SkipReason = 'StagingMode';
  // Entra Connect's export is an add: the connector space object left when the user was deleted.
  facts.provisioningAction = 'create';
  const target = facts.target!;
  const deletedDateTime = facts.restoring?.deletedDateTime;
  const pending = { kind: 'ownedByEntraConnect' as const, reason: 'Pending for Entra Connect: its export makes Microsoft Entra ID restore the soft-deleted user, then apply this value.' };
  const imported = attributeLookup(facts.entraImported ?? {});
  facts.modified = rows
    .filter((r) => r.operation !== 'none')
    .map((r) => {
      const refused = notExportable.get(r.name.toLowerCase());
      return modifiedProperty(facts, imported, r, refused && informational(refused.kind) ? refused : pending);
    });
  const changes = facts.modified.filter((m) => !m.informational).map((m) => `${m.displayName}: ${quote(m.oldValue)} -> ${quote(m.newValue)}`);
  // A date from Graph's answer: one past what a Date holds (a hostile answer) gives no purge date, never a throw.
  const purge = deletedDateTime ? new Date(Date.parse(deletedDateTime) + SOFT_DELETE_DAYS * 86_400_000) : undefined;
  const purgeAt = purge && !Number.isNaN(purge.getTime()) ? purge.toISOString().slice(0, 10) : undefined;
  const powerShell = `Invoke-ADSyncSingleObjectSync -DistinguishedName "${powerShellDoubleQuoted(facts.dn.toString())}"`;
  details.RestoresDeletedUser = target.id;
  details.PowerShell = powerShell;
  details.Result = `Not written: Microsoft Entra ID restores the soft-deleted user ${target.id} when Entra Connect exports this object, then applies ${changes.length} attribute change(s).`;
  return {
    status: 'warning',
    details,
    error: new SyncError(syncErrors.SoftDeletedUserRestored, {
      sourceAnchor: facts.sourceAnchor ?? '', id: target.id, userPrincipalName: String(target.properties.userPrincipalName ?? 'no userPrincipalName'),
      deletedDateTime: deletedDateTime ?? 'at an unknown time', count: changes.length, changes: changes.join('; ') || 'none', powerShell,
      purge: purgeAt ? ` (this one until about ${purgeAt})` : '',
    }),
  };
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

function notComplete(attributes: string[]): SyncError {
  return new SyncError(syncErrors.ExportNotComplete, { count: attributes.length, attributes: attributes.join(', ') });
}

