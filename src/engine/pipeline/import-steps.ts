// Steps 7 and 8: import the object from AD into the AD connector space, and its counterpart
// from Microsoft Entra ID into the Entra connector space (hard match, then soft match).
import { directoryErrors, entraErrors, isSyncError, rulesErrors, SyncError, syncErrors } from '../errors';
import type { Attributes } from '../model/attributes';
import { getFirst, getValues, lowerCaseName } from '../model/attributes';
import { bytesToBase64, guidBytesToString, sidBytesToString } from '../model/ad-codecs';
import { carriesSourceAnchor, defaultSyncFeatures, type EntraObject, type EntraObjectKind, type SyncFeatures } from '../ports/entra-target';
import type { TenantProvisioningError } from '../summary/types';
import { changeToRow, diffAttributes } from '../spaces/attribute-diff';
import { exportedCloudId } from '../spaces/state-store';
import type { SyncDependencies, SyncFacts } from './context';
import { decideMatch, describeQuarantine, duplicateValues, type ExportIdentity, type MatchInput } from './matching';
import type { StepOutcome } from './step-runner';
import { projectExportIdentity } from './sync-step';
import { ruleMatchesConnector, selectedAttributesOf, type RuleSet } from '../rules';

/** Operational attributes that change on every read or say nothing about the object. */
const NOT_IMPORTED = new Set(['dscorepropagationdata', 'usncreated', 'instancetype', 'objectcategory', 'replpropertymetadata']);

/** On every connector space object whatever the connector selects: its anchor, type and name. */
const ALWAYS_IMPORTED = new Set(['objectguid', 'objectclass', 'distinguishedname']);

/**
 * The attributes the connector space holds: the connector's attribute inclusion list when it has
 * one ("select the attributes to synchronize", from the server-configuration export), the
 * configured sourceAnchor attribute always.
 */
export function connectorSpaceAttributes(attributes: Attributes, selected?: ReadonlySet<string>, sourceAnchor?: string): Attributes {
  const out: Attributes = {};
  const anchor = sourceAnchor?.toLowerCase();
  for (const name of Object.keys(attributes)) {
    const values = attributes[name]!;
    const lower = lowerCaseName(name);
    if (NOT_IMPORTED.has(lower)) continue;
    if (selected && !selected.has(lower) && !ALWAYS_IMPORTED.has(lower) && lower !== anchor) continue;
    out[name] = values;
  }
  return out;
}

/** What the connector's inbound rules for an object type read (flow sources, scope and join attributes), lower case; per rule set. */
const readByRules = new WeakMap<RuleSet, Map<string, Map<string, string[]>>>();
function attributesReadByRules(ruleSet: RuleSet, connector: string, objectType: string): Map<string, string[]> {
  let byConnector = readByRules.get(ruleSet);
  if (!byConnector) readByRules.set(ruleSet, (byConnector = new Map()));
  const key = `${connector}\n${objectType}`.toLowerCase();
  let read = byConnector.get(key);
  if (!read) {
    read = new Map();
    for (const rule of ruleSet.rules) {
      if (rule.direction !== 'inbound' || rule.disabled || !ruleMatchesConnector(ruleSet, rule, connector)) continue;
      if (rule.sourceObjectType !== '*' && rule.sourceObjectType.toLowerCase() !== objectType.toLowerCase()) continue;
      const names = [...rule.flows.flatMap((f) => f.source ?? []), ...rule.scope.flat().map((c) => c.attribute), ...rule.join.flat().map((c) => c.source)];
      for (const name of new Set(names.map((n) => n.toLowerCase()))) read.set(name, [...(read.get(name) ?? []), rule.name]);
    }
    byConnector.set(key, read);
  }
  return read;
}

/** The object's attributes a sync rule reads that the connector does not select: Entra Connect's rules see them empty. */
function readButNotSelected(ruleSet: RuleSet, connector: string, objectType: string, attributes: Attributes, imported: Attributes): string[] {
  const read = attributesReadByRules(ruleSet, connector, objectType);
  const out: string[] = [];
  for (const name of Object.keys(attributes)) {
    if (Object.prototype.hasOwnProperty.call(imported, name)) continue;
    const rules = read.get(name.toLowerCase());
    if (rules) out.push(`${name} (read by ${rules.slice(0, 3).map((r) => `"${r}"`).join(', ')}${rules.length > 3 ? ` and ${rules.length - 3} more` : ''})`);
  }
  return out;
}

/**
 * The sourceAnchor as Entra Connect computes it: base64 of a binary value, a text value as it
 * stands. The configured attribute applies to users only: groups and contacts always use
 * objectGUID (the out-of-box "In from AD - Group Join" / contact rules flow objectGUID). Only
 * mS-DS-ConsistencyGuid falls back to objectGUID when empty; any other attribute without a value
 * gives no anchor (the out-of-box rule's template:
 * IIF("<attribute>"="mS-DS-ConsistencyGuid", <fallback>, ConvertToBase64 or CStr of <attribute>)),
 * and the object does not reach Microsoft Entra ID.
 */
export function computeSourceAnchor(attributes: Attributes, choice: string, kind: string | undefined = 'user'): string | undefined {
  if (kind !== 'user' || /^objectguid$/i.test(choice)) return anchorText(getFirst(attributes, 'objectGUID'));
  const preferred = getFirst(attributes, choice);
  if (!isTextAnchor(choice)) return anchorText(preferred instanceof Uint8Array ? preferred : getFirst(attributes, 'objectGUID'));
  // A text attribute (employeeID, say) is the anchor as it stands: only a value that "isn't of
  // type string" is base64-encoded (plan-connect-design-concepts, sourceAnchor).
  return preferred === '' ? undefined : anchorText(preferred);
}

const anchorText = (value: unknown): string | undefined => (value instanceof Uint8Array ? bytesToBase64(value) : typeof value === 'string' ? value : undefined);

/** The binary anchors (16-byte GUIDs): a text value there is damaged data, never the anchor. */
const isTextAnchor = (choice: string): boolean => !/^(ms-ds-consistencyguid|objectguid)$/i.test(choice);

/** Characters a text sourceAnchor must not contain (plan-connect-design-concepts, sourceAnchor). */
const ANCHOR_FORBIDDEN = /[\\!#$%&*+/=?^`{}|~<>()';:,[\]"@_]/;

/**
 * Microsoft's rules for a text sourceAnchor value: "fewer than 60 characters in length"
 * (characters outside a-z, A-Z, 0-9 "are encoded and counted as 3 characters") and none of the
 * special characters. Binary values are base64-encoded by Entra Connect and need no check.
 */
export function sourceAnchorRuleBroken(value: string): string | undefined {
  const special = ANCHOR_FORBIDDEN.exec(value);
  if (special) return `it contains the special character ${special[0]}`;
  let length = 0;
  for (const ch of value) length += /[a-zA-Z0-9]/.test(ch) ? 1 : 3;
  return length >= 60 ? `it counts ${length} characters (each outside a-z, A-Z and 0-9 as 3), not fewer than 60` : undefined;
}

export async function importFromActiveDirectoryStep(deps: SyncDependencies, facts: SyncFacts): Promise<StepOutcome> {
  const selected = selectedAttributesOf(deps.ruleSet, facts.connector!.name);
  const attributes = connectorSpaceAttributes(facts.adAttributes!, selected, deps.config.sourceAnchor);
  const notSelected = selected ? readButNotSelected(deps.ruleSet, facts.connector!.name, facts.objectClass!, facts.adAttributes!, attributes) : [];
  const guidBytes = getFirst(attributes, 'objectGUID');
  const dn = facts.dn.toString();
  // objectGUID keys the connector space and anchors the object: 16 bytes in every directory
  // Entra Connect reads. Anything else (damaged data, text in a snapshot) is refused by name.
  // The anchor attributes are single-valued in AD's schema: more values (a damaged snapshot or
  // directory) would make the object's immutable anchor a guess between them.
  for (const name of new Set(['objectGUID', deps.config.sourceAnchor])) {
    const count = getValues(attributes, name)?.length ?? 0;
    if (count > 1) throw new SyncError(directoryErrors.MalformedDirectoryValue, { attribute: name, problem: `${count} values; the attribute is single-valued and anchors the object` });
  }
  if (guidBytes !== undefined && !(guidBytes instanceof Uint8Array && guidBytes.length === 16)) {
    const problem = guidBytes instanceof Uint8Array ? `${guidBytes.length} bytes, not the 16 of a GUID` : 'text, not the 16 bytes of a GUID';
    throw new SyncError(directoryErrors.MalformedDirectoryValue, { attribute: 'objectGUID', problem });
  }
  facts.objectGuid = guidBytes instanceof Uint8Array ? guidBytesToString(guidBytes) : dn;
  facts.sourceAnchor = computeSourceAnchor(attributes, deps.config.sourceAnchor, facts.kind);
  const textAnchor = facts.kind === 'user' && isTextAnchor(deps.config.sourceAnchor) ? getFirst(attributes, deps.config.sourceAnchor) : undefined;
  const broken = typeof textAnchor === 'string' && textAnchor !== '' ? sourceAnchorRuleBroken(textAnchor) : undefined;
  if (broken) throw new SyncError(syncErrors.SourceAnchorValueInvalid, { attribute: String(deps.config.sourceAnchor), value: String(textAnchor), rule: broken });
  facts.lock = await deps.stateStore.lock(facts.objectGuid);
  facts.stored = await facts.lock.load();
  const previous = facts.stored?.adConnectorSpace;
  const changes = diffAttributes(previous?.attributes, attributes);
  const changed = changes.filter((c) => c.operation !== 'none');
  const renamed = previous && previous.dn !== dn;
  facts.next = {
    ...(facts.stored ?? {}),
    key: facts.objectGuid,
    adConnectorSpace: {
      connector: facts.connector!.name,
      dn,
      objectType: facts.objectClass!,
      attributes,
      importedAt: deps.clock.now().toISOString(),
    },
  };
  return {
    status: 'success',
    details: {
      Connector: facts.connector!.name,
      ObjectGUID: facts.objectGuid,
      Operation: !previous ? 'Add' : renamed ? 'Rename' : changed.length ? 'Update' : 'None',
      ...(renamed ? { PreviousDistinguishedName: previous.dn } : {}),
      AttributesChanged: String(changed.length),
      ...(facts.sourceAnchor ? { SourceAnchor: facts.sourceAnchor } : {}),
      ...(selected ? { AttributeInclusion: `The connector synchronizes ${selected.size} attribute(s) (its attribute inclusion list); the connector space holds only those.` } : {}),
      ...(notSelected.length ? { NotSelectedInConnector: `${notSelected.join('; ')}: the object has a value, a sync rule reads it, but the connector does not select it, so Entra Connect's rules see it empty. Select it in the connector's attributes (Synchronization Service Manager, connector Properties, Select Attributes) if it should flow.` } : {}),
    },
    attributes: changes.map((c) => changeToRow(c)),
  };
}

function describeFeatures(f: SyncFeatures): string {
  const flags = `BlockSoftMatchEnabled=${f.blockSoftMatchEnabled}, BlockCloudObjectTakeoverThroughHardMatchEnabled=${f.blockCloudObjectTakeoverThroughHardMatchEnabled}, SoftMatchOnUpnEnabled=${f.softMatchOnUpnEnabled}, SynchronizeUpnForManagedUsersEnabled=${f.synchronizeUpnForManagedUsersEnabled}`;
  return f.source === 'tenant' ? `${flags} (read from the tenant)` : `${flags} (the documented defaults, assumed: ${f.unreadableReason ?? 'not read'})`;
}

function describeObject(o: EntraObject): string {
  const p = o.properties;
  const name = String(p.userPrincipalName ?? p.mail ?? p.displayName ?? '');
  const anchor = typeof p.onPremisesImmutableId === 'string' ? `, onPremisesImmutableId ${p.onPremisesImmutableId}` : '';
  return `${o.kind} ${o.id} (${name}${anchor}, ${p.onPremisesSyncEnabled === true ? 'synchronized by Entra Connect' : 'cloud-managed'})`;
}

/** The UPN and SMTP addresses an object holds, lower case (SMTP without its prefix). */
function heldBy(object: EntraObject): Set<string> {
  const p = object.properties;
  const out = new Set<string>();
  if (typeof p.userPrincipalName === 'string') out.add(p.userPrincipalName.toLowerCase());
  if (typeof p.mail === 'string') out.add(p.mail.toLowerCase());
  for (const proxy of Array.isArray(p.proxyAddresses) ? p.proxyAddresses : []) {
    if (typeof proxy === 'string' && /^smtp:/i.test(proxy)) out.add(proxy.slice(5).toLowerCase());
  }
  return out;
}

/** The tenant's own record: onPremisesProvisioningErrors and serviceProvisioningErrors of the object. */
export function tenantProvisioningErrors(object: EntraObject): TenantProvisioningError[] {
  const out: TenantProvisioningError[] = [];
  const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((e): e is Record<string, unknown> => !!e && typeof e === 'object') : []);
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
  for (const e of list(object.properties.onPremisesProvisioningErrors)) {
    out.push({
      source: 'onPremisesProvisioningErrors', category: str(e.category) ?? 'Unknown',
      ...(str(e.propertyCausingError) ? { propertyCausingError: str(e.propertyCausingError)! } : {}),
      ...(str(e.value) ? { value: str(e.value)! } : {}),
      ...(str(e.occurredDateTime) ? { occurredDateTime: str(e.occurredDateTime)! } : {}),
    });
  }
  for (const e of list(object.properties.serviceProvisioningErrors)) {
    out.push({
      source: 'serviceProvisioningErrors', category: str(e.serviceInstance) ?? 'Unknown',
      ...(str(e.createdDateTime) ? { occurredDateTime: str(e.createdDateTime)! } : {}),
      ...(typeof e.isResolved === 'boolean' ? { isResolved: e.isResolved } : {}),
    });
  }
  return out;
}

/**
 * The Microsoft Entra connector's cloudMastered, which the "In from AAD" rules' scope reads: False
 * for an object mastered on premises (synchronized by Entra Connect, or the one this tool's own
 * earlier export joined, kept in its connector space), True for a cloud object.
 */
function withCloudMastered(attributes: Attributes, target: EntraObject, exportedId: string | undefined): Attributes {
  if (getValues(attributes, 'cloudMastered') !== undefined) return attributes;
  const onPremises = target.properties.onPremisesSyncEnabled === true || (exportedId !== undefined && exportedId === target.id);
  return { ...attributes, cloudMastered: [!onPremises] };
}

/** Rule errors raised while evaluating the rules (Error(), a failing function): the Sync step's to report. */
const RULE_EVALUATION_ERRORS: ReadonlySet<string> = new Set([rulesErrors.ExpressionError.code, rulesErrors.ExpressionEvaluationFailed.code, rulesErrors.JoinRulesConflict.code, rulesErrors.MergeTypeConflict.code]);

/**
 * The values the rules would export, for matching. A sync rule that fails here (an Error() such as
 * "AccountName is not present") fails step 9, which evaluates the same rules, as in Entra Connect,
 * where sync rules run in the synchronization, not in the import: step 8 matches on the anchor alone.
 */
function exportIdentityOrNone(deps: SyncDependencies, facts: SyncFacts, details: Record<string, string>): ExportIdentity {
  try {
    return projectExportIdentity(deps, facts);
  } catch (err) {
    if (!isSyncError(err) || !RULE_EVALUATION_ERRORS.has(err.code)) throw err;
    details.ExportIdentity = `Not projected: a sync rule failed (${err.reason}); step 9 reports it.`;
    return { smtpAddresses: [] };
  }
}

export async function importFromEntraStep(deps: SyncDependencies, facts: SyncFacts): Promise<StepOutcome> {
  const entra = facts.entra!;
  const before = entra.requests().length;
  const kind = facts.kind;
  const details: Record<string, string> = { SourceAnchor: facts.sourceAnchor ?? '(none)' };
  const finish = (outcome: StepOutcome): StepOutcome => ({ ...outcome, graphRequests: entra.requests().slice(before) });
  if (kind === undefined || kind === 'device' || !facts.sourceAnchor) {
    details.Result = kind === 'device' || kind === undefined
      ? `No Microsoft Entra object kind is exported for object class '${facts.objectClass}' through Microsoft Graph; nothing imported.`
      : 'The object has no sourceAnchor; nothing to match.';
    facts.match = 'none';
    return finish({ status: 'success', details });
  }
  const graphKind: EntraObjectKind = kind;
  const features: SyncFeatures = facts.tenant?.syncFeatures ?? { ...defaultSyncFeatures, source: 'defaults', unreadableReason: 'not read' };
  details.SyncFeatures = describeFeatures(features);
  const identity = exportIdentityOrNone(deps, facts, details);
  facts.exportIdentity = identity;
  if (identity.userPrincipalName) details.ExportedUserPrincipalName = identity.userPrincipalName;
  if (identity.primarySmtp) details.ExportedPrimarySmtpAddress = identity.primarySmtp;

  // Hard match: onPremisesImmutableId (users); groups and contacts carry no anchor in Graph
  // v1.0, so the cloud anchor this tool stored after its own export joins them.
  // The holders of the exported UPN and addresses are looked up in the same round trip (one
  // $batch) when the adapter can: an address the cloud object can never hold (its
  // smtp:…@<tenant>.mail.onmicrosoft.com proxy address, which Graph cannot write) must still
  // be checked against every other object, and a separate lookup would cost an update a
  // fourth Graph request.
  const storedId = facts.stored?.entraConnectorSpace?.id;
  let hardMatched: MatchInput['hardMatched'];
  // Contacts too: they match on their SMTP address, and their addresses are unique in Entra ID.
  const exportedValues = identity.userPrincipalName || identity.smtpAddresses.length
    ? { ...(graphKind === 'user' && identity.userPrincipalName ? { userPrincipalName: identity.userPrincipalName } : {}), smtpAddresses: identity.smtpAddresses }
    : undefined;
  const together = exportedValues && entra.findByImmutableIdWithValueHolders
    ? await entra.findByImmutableIdWithValueHolders(graphKind, facts.sourceAnchor, exportedValues)
    : undefined;
  const byAnchor = together ? together.byAnchor : await entra.findByImmutableId(graphKind, facts.sourceAnchor);
  if (byAnchor) hardMatched = { object: byAnchor, via: 'onPremisesImmutableId' };
  else if (storedId) {
    const stored = await entra.getById(graphKind, storedId);
    // The state folder is trusted no further than the tenant confirms it: it may be a
    // repository's, and a forged link would otherwise hand this object a cloud-managed one
    // (skipping the takeover and admin checks a match by anchor or by value gets). A link to
    // an object that does not carry this object's anchor is left to the matching below. A user
    // may carry the anchor it had when it was imported last (the AD anchor changed since: step
    // 9's guard, "SourceAnchor attribute has changed.", then stops the sync, as in Entra Connect).
    const lastAnchor = getFirst(facts.stored?.entraConnectorSpace?.attributes ?? {}, 'sourceAnchor');
    const anchors = [facts.sourceAnchor, ...(graphKind === 'user' && typeof lastAnchor === 'string' ? [lastAnchor] : [])];
    if (stored && anchors.some((anchor) => carriesSourceAnchor(stored, anchor))) hardMatched = { object: stored, via: 'cloudAnchor' };
    else if (stored) {
      details.StoredLinkNotUsed = `The state folder links this object to ${stored.kind} ${stored.id} (${String(stored.properties.displayName ?? '')}), which does not carry its source anchor ${facts.sourceAnchor}; the link is not used, and the object is matched as Microsoft Entra ID would match it.`;
    }
  }
  // No live user holds the anchor: a soft-deleted one may (deleted items, kept 30 days), which
  // Microsoft Entra ID restores when Entra Connect exports this object.
  let softDeleted: EntraObject | undefined;
  if (!hardMatched && graphKind === 'user') {
    const answer = entra.findDeletedUser ? await entra.findDeletedUser(facts.sourceAnchor) : { unreadableReason: 'the Microsoft Entra target cannot read deleted items' };
    if ('user' in answer) softDeleted = answer.user ?? undefined;
    else details.DeletedUsersNotChecked = `Soft-deleted users were not read (${answer.unreadableReason}): a deleted user holding this source anchor, which Microsoft Entra ID would restore instead of creating a new user, is not looked for.`;
  }
  // An object Entra Connect synchronized carries this object's SID (groups have nothing else).
  const sidBytes = getFirst(facts.adAttributes ?? {}, 'objectSid');
  const objectSid = sidBytes instanceof Uint8Array ? sidBytesToString(sidBytes) : undefined;
  const bySecurityIdentifier = !hardMatched && objectSid && graphKind !== 'contact' ? (await entra.findBySecurityIdentifier(graphKind, objectSid)) ?? undefined : undefined;
  // Without the combined lookup: values the matched object already holds cannot be held by
  // another (Entra ID keeps them unique), so only new values are looked up.
  const already = hardMatched ? heldBy(hardMatched.object) : new Set<string>();
  const upnToCheck = graphKind === 'user' && identity.userPrincipalName && !already.has(identity.userPrincipalName.toLowerCase()) ? identity.userPrincipalName : undefined;
  const smtpToCheck = identity.smtpAddresses.filter((a) => !already.has(a));
  // Looked up together: the matched object itself holds its own values, and is not a holder.
  const lookup = together
    ? { ...together.valueHolders, holders: together.valueHolders.holders.filter((h) => !hardMatched || h.id !== hardMatched.object.id) }
    : upnToCheck || smtpToCheck.length
      ? await entra.findValueHolders({ ...(upnToCheck ? { userPrincipalName: upnToCheck } : {}), smtpAddresses: smtpToCheck })
      : { holders: [], unchecked: [] };
  const holders = lookup.holders;
  details.ValueHolders = String(holders.length);
  if (lookup.unchecked.length) details.NotChecked = `Not checked for duplicate values: ${lookup.unchecked.join('; ')}.`;
  const roleNotes: string[] = [];
  const decision = await decideMatch(
    {
      kind: graphKind, sourceAnchor: facts.sourceAnchor, identity, features, holders,
      ...(objectSid ? { objectSid } : {}),
      ...(hardMatched ? { hardMatched } : {}),
      ...(storedId ? { storedCloudId: storedId } : {}),
      ...(bySecurityIdentifier ? { bySecurityIdentifier } : {}),
      ...(softDeleted ? { softDeleted } : {}),
    },
    async (candidate) => {
      const answer = await entra.adminRoles(candidate.id);
      if ('roles' in answer) return answer.roles;
      roleNotes.push(`Directory roles of ${candidate.id} could not be read (${answer.unreadableReason}); matching assumes it holds none.`);
      return [];
    },
  );
  if (roleNotes.length) details.AdminRoleCheck = roleNotes.join(' ');
  let target: EntraObject | undefined;
  switch (decision.kind) {
    case 'hard':
      target = decision.target;
      facts.match = 'hard';
      details.Match = decision.via === 'onPremisesImmutableId'
        ? `Hard match on onPremisesImmutableId = ${facts.sourceAnchor}`
        : decision.via === 'cloudAnchor'
          ? `Joined by the cloud anchor kept in the connector space (${decision.target.id})`
          : decision.via === 'syncedContactAddress'
            ? `Joined by the primary SMTP address SMTP:${identity.primarySmtp ?? identity.mail} (the contact Entra Connect synchronized; contacts carry no anchor in Microsoft Graph)`
            : `Joined by onPremisesSecurityIdentifier = ${objectSid} (the object Entra Connect synchronized)`;
      break;
    case 'soft':
      target = decision.target;
      facts.match = 'soft';
      details.Match = `Soft match on ${decision.via === 'userPrincipalName' ? `userPrincipalName = ${identity.userPrincipalName}` : `the primary SMTP address = SMTP:${identity.primarySmtp}`}; the export sets onPremisesImmutableId`;
      break;
    case 'restore': {
      target = decision.target;
      facts.match = 'restore';
      const deletedDateTime = typeof target.properties.deletedDateTime === 'string' ? target.properties.deletedDateTime : undefined;
      facts.restoring = { id: target.id, ...(deletedDateTime ? { deletedDateTime } : {}) };
      details.Match = `Restore: no user holds onPremisesImmutableId = ${facts.sourceAnchor}, but the soft-deleted user ${target.id} (deleted ${deletedDateTime ?? 'at an unknown time'}) does; Microsoft Entra ID restores it when this object is exported, instead of creating a new user`;
      if (deletedDateTime) details.DeletedDateTime = deletedDateTime;
      break;
    }
    case 'conflict':
      facts.match = 'none';
      facts.predictedExportError = decision.error;
      details.Candidate = describeObject(decision.candidate);
      details.Match = `Not matched: Microsoft Entra ID would refuse the export with ${decision.error.code} (step 10).`;
      break;
    default:
      facts.match = 'none';
      if (decision.adminRoleConflict) {
        const c = decision.adminRoleConflict;
        details.Candidate = describeObject(c.candidate);
        details.Match = `Not matched: the cloud user ${c.candidate.id} holds ${c.attribute} = ${c.value} but also the directory role(s) ${c.roles.join(', ')}, and Microsoft Entra ID does not soft-match an admin (Existing Admin Role Conflict, step 10).`;
      }
  }
  if (target) {
    details.Candidate = describeObject(target);
    facts.alreadySynced = target.properties.onPremisesSyncEnabled === true;
    facts.tenantProvisioningErrors = tenantProvisioningErrors(target);
    if (facts.tenantProvisioningErrors.length) {
      details.TenantProvisioningErrors = facts.tenantProvisioningErrors.map((e) => [e.category, e.propertyCausingError, e.value].filter(Boolean).join(' ')).join('; ');
    }
  }
  const initialDomain = facts.tenant?.domains.find((d) => d.isInitial)?.name;
  const duplicates = duplicateValues({ kind: graphKind, identity, holders, sourceAnchor: facts.sourceAnchor, ...(target ? { self: target } : {}), ...(initialDomain ? { initialDomain } : {}) });
  facts.quarantine = duplicates.quarantined;
  if (decision.kind === 'none' && decision.adminRoleConflict && !facts.predictedExportError) {
    const c = decision.adminRoleConflict;
    facts.predictedExportError = new SyncError(entraErrors.ExistingAdminRoleConflict, {
      id: c.candidate.id, attribute: c.attribute, value: c.value, roles: c.roles.join(', '), kind: graphKind,
      quarantined: duplicates.quarantined.map(describeQuarantine).join('; ') || `${c.attribute} ${c.value}`,
    });
  }
  if (duplicates.error && !facts.predictedExportError) facts.predictedExportError = duplicates.error;
  if (duplicates.quarantined.length) details.DuplicateValues = duplicates.quarantined.map(describeQuarantine).join('; ');
  facts.target = target ?? undefined;
  const imported = target ? withCloudMastered(entra.toConnectorSpace(target), target, exportedCloudId(facts.stored?.entraConnectorSpace)) : {};
  facts.entraImported = imported;
  const previous = facts.stored?.entraConnectorSpace;
  const changes = diffAttributes(previous?.attributes, imported);
  facts.next!.entraConnectorSpace = {
    kind: graphKind,
    // Exported only once a run wrote to this very object (export-step.ts); matching it is not.
    ...(target ? { id: target.id, exported: exportedCloudId(previous) === target.id } : {}),
    attributes: imported,
    // The members exported before belong to the cloud object they were exported to, not to another one matched now.
    ...(previous?.exportedMemberIds && target && previous.id === target.id ? { exportedMemberIds: previous.exportedMemberIds, ...(previous.exportedMemberDns ? { exportedMemberDns: previous.exportedMemberDns } : {}) } : {}),
    importedAt: deps.clock.now().toISOString(),
  };
  if (target) {
    details.ObjectId = target.id;
    if (facts.alreadySynced) details.OnPremisesSyncEnabled = 'True';
  }
  return finish({ status: 'success', details, attributes: changes.map((c) => changeToRow(c)) });
}
