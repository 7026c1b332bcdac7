// Steps 7 and 8: import the object from AD into the AD connector space, and its counterpart
// from Microsoft Entra ID into the Entra connector space (hard match, then soft match).
import { entraErrors, SyncError } from '../errors';
import type { Attributes } from '../model/attributes';
import { getFirst, getValues } from '../model/attributes';
import { bytesToBase64, guidFromBytes } from '../model/ad-codecs';
import type { EntraObject, EntraObjectKind } from '../ports/entra-target';
import { changeToRow, diffAttributes } from '../spaces/attribute-diff';
import type { SyncDependencies, SyncFacts } from './context';
import type { StepOutcome } from './step-runner';

/** Operational attributes that change on every read or say nothing about the object. */
const NOT_IMPORTED = new Set(['dscorepropagationdata', 'usncreated', 'instancetype', 'objectcategory', 'replpropertymetadata']);

export function connectorSpaceAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [name, values] of Object.entries(attributes)) if (!NOT_IMPORTED.has(name.toLowerCase())) out[name] = values;
  return out;
}

/** The sourceAnchor as Entra Connect computes it: ms-DS-ConsistencyGuid when chosen and present, else objectGUID, in base64. */
export function computeSourceAnchor(attributes: Attributes, choice: string): string | undefined {
  const preferred = getFirst(attributes, choice);
  const value = preferred instanceof Uint8Array ? preferred : getFirst(attributes, 'objectGUID');
  return value instanceof Uint8Array ? bytesToBase64(value) : typeof value === 'string' ? value : undefined;
}

export async function importFromActiveDirectoryStep(deps: SyncDependencies, facts: SyncFacts): Promise<StepOutcome> {
  const attributes = connectorSpaceAttributes(facts.adAttributes!);
  const guidBytes = getFirst(attributes, 'objectGUID');
  facts.objectGuid = guidBytes instanceof Uint8Array ? guidFromBytes(guidBytes) : facts.dn;
  facts.sourceAnchor = computeSourceAnchor(attributes, deps.config.sourceAnchor);
  facts.lock = await deps.stateStore.lock(facts.objectGuid);
  facts.stored = await facts.lock.load();
  const previous = facts.stored?.adConnectorSpace;
  const changes = diffAttributes(previous?.attributes, attributes);
  const changed = changes.filter((c) => c.operation !== 'none');
  const renamed = previous && previous.dn !== facts.dn;
  facts.next = {
    ...(facts.stored ?? {}),
    key: facts.objectGuid,
    adConnectorSpace: {
      connector: facts.connector!.name,
      dn: facts.dn,
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
    },
    attributes: changes.map((c) => changeToRow(c)),
  };
}

function primarySmtp(attributes: Attributes): string | undefined {
  const primary = (getValues(attributes, 'proxyAddresses') ?? []).map(String).find((p) => p.startsWith('SMTP:'));
  return primary?.slice(5);
}

function isSoftMatch(candidate: EntraObject, upn: unknown, smtp: string | undefined): boolean {
  const candidateUpn = candidate.properties.userPrincipalName;
  if (typeof upn === 'string' && typeof candidateUpn === 'string' && candidateUpn.toLowerCase() === upn.toLowerCase()) return true;
  const proxies = Array.isArray(candidate.properties.proxyAddresses) ? candidate.properties.proxyAddresses.map(String) : [];
  const candidateMail = candidate.properties.mail;
  if (smtp && proxies.some((p) => p.startsWith('SMTP:') && p.slice(5).toLowerCase() === smtp.toLowerCase())) return true;
  // Groups (and objects without proxyAddresses) soft-match on mail.
  return candidate.kind === 'group' && !!smtp && typeof candidateMail === 'string' && candidateMail.toLowerCase() === smtp.toLowerCase();
}

function immutableIdOf(object: EntraObject): string | undefined {
  const value = object.properties.onPremisesImmutableId;
  return typeof value === 'string' && value ? value : undefined;
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
  let target = await entra.findByImmutableId(graphKind, facts.sourceAnchor);
  // Graph v1.0 groups and contacts carry no onPremisesImmutableId: the connector space keeps
  // the cloud anchor (object id) of what this tool exported, as Entra Connect's does.
  const storedId = facts.stored?.entraConnectorSpace?.id;
  if (!target && storedId) {
    target = await entra.getById(graphKind, storedId);
    if (target) details.Match = `Joined by the cloud anchor kept in the connector space (${storedId})`;
  }
  if (target) {
    facts.match = 'hard';
    details.Match ??= `Hard match on onPremisesImmutableId = ${facts.sourceAnchor}`;
  } else if (graphKind !== 'contact') {
    const ad = facts.adAttributes!;
    const upn = graphKind === 'user' ? getFirst(ad, 'userPrincipalName') : undefined;
    const smtp = primarySmtp(ad);
    const mail = getFirst(ad, 'mail');
    const candidates = await entra.findSoftMatchCandidates({
      ...(typeof upn === 'string' ? { userPrincipalName: upn } : {}),
      ...(smtp ? { proxyAddresses: [`SMTP:${smtp}`] } : {}),
      ...(typeof mail === 'string' && graphKind === 'group' ? { mail } : {}),
    });
    // Entra soft-matches UPN to UPN and the primary SMTP address to a primary SMTP address;
    // a value held elsewhere (a secondary smtp:, another attribute) is a duplicate, not a match.
    const unique = [...new Map(candidates.map((c) => [c.id, c])).values()].filter((c) => isSoftMatch(c, upn, smtp));
    details.SoftMatchCandidates = String(unique.length);
    if (unique.length > 0) {
      const wrongType = unique.find((c) => c.kind !== graphKind);
      if (wrongType) {
        return finish({
          status: 'failure',
          details,
          error: new SyncError(entraErrors.ObjectTypeMismatch, {
            id: wrongType.id, kind: wrongType.kind, expected: graphKind, value: String(upn ?? smtp ?? ''),
          }),
        });
      }
      const anchored = unique.find((c) => immutableIdOf(c) && immutableIdOf(c) !== facts.sourceAnchor);
      if (anchored || unique.length > 1) {
        const other = anchored ?? unique[1]!;
        return finish({
          status: 'failure',
          details,
          error: new SyncError(entraErrors.InvalidSoftMatch, {
            id: other.id,
            value: String(upn ?? smtp ?? ''),
            existingImmutableId: immutableIdOf(other) ?? '',
            sourceAnchor: facts.sourceAnchor,
          }),
        });
      }
      target = unique[0]!;
      facts.match = 'soft';
      details.Match = `Soft match on ${String(target.properties.userPrincipalName ?? '') === upn ? `userPrincipalName = ${String(upn)}` : `proxyAddresses = SMTP:${smtp}`}; the export sets onPremisesImmutableId`;
    } else {
      facts.match = 'none';
    }
  } else facts.match = 'none';
  if (!target) details.Match = 'No object found by hard or soft match: the export creates one.';
  facts.target = target ?? undefined;
  const imported = target ? entra.toConnectorSpace(target) : {};
  facts.entraImported = imported;
  const previous = facts.stored?.entraConnectorSpace;
  const changes = diffAttributes(previous?.attributes, imported);
  facts.next!.entraConnectorSpace = {
    kind: graphKind,
    ...(target ? { id: target.id } : {}),
    attributes: imported,
    ...(previous?.exportedMemberIds && target ? { exportedMemberIds: previous.exportedMemberIds } : {}),
    importedAt: deps.clock.now().toISOString(),
  };
  if (target) {
    details.ObjectId = target.id;
    if (target.properties.onPremisesSyncEnabled === true) details.OnPremisesSyncEnabled = 'True';
  }
  return finish({ status: 'success', details, attributes: changes.map((c) => changeToRow(c)) });
}
