// Steps 1-6: is the object in sync scope, decided as Entra Connect decides it.
import { directoryErrors, isSyncError, scopeErrors, SyncError } from '../errors';
import { getValues } from '../model/attributes';
import { containerScope, containerScopeInPartition, type ContainerScope } from '../scope/container-scope';
import { Dn, MAX_RDN_VALUE_LENGTH } from '../model/dn';
import { entraKindOf, isDynamicDistributionGroup, objectTypeInScope, structuralClass } from '../scope/object-type-scope';
import { findPartition, objectNamingContext, runProfileCoverage } from '../scope/partition-scope';
import { partitionNames } from '../scope/partition-names';
import type { DirectorySource } from '../ports/directory-source';
import type { SyncFeatures } from '../ports/entra-target';
import type { SyncDependencies, SyncFacts } from './context';
import type { StepOutcome } from './step-runner';

const outOfScope = (error: SyncError, details: Record<string, string>): StepOutcome => ({
  status: 'skipped',
  outOfScope: true,
  error,
  details: { Result: 'The object is not in sync scope.', ...details },
});

export async function sourceDomainStep(deps: SyncDependencies, facts: SyncFacts): Promise<StepOutcome> {
  const match = findPartition(deps.config.activeDirectory, facts.dn);
  if (!match) {
    const partitions = deps.config.activeDirectory.flatMap((c) => c.partitions.map((p) => p.dn)).join('; ') || 'none';
    // Most often a typo or the wrong forest: a failure to fix, not a scoping decision.
    return { status: 'failure', error: new SyncError(scopeErrors.ObjectOutsideConfiguredPartitions, { dn: facts.dn.toString(), partitions }), details: {} };
  }
  facts.connector = match.connector;
  facts.partition = match.partition;
  const details = { Connector: match.connector.name, Partition: match.partition.dn, Selected: String(match.partition.selected) };
  // Out of scope either way under an unselected partition: said without a directory call.
  if (!match.partition.selected) {
    return outOfScope(new SyncError(scopeErrors.PartitionNotSelected, { partition: match.partition.dn, connector: match.connector.name }), details);
  }
  // The directory decides the object's domain: a configured parent must not claim an object of
  // a child domain that no connector configures.
  facts.directory = await deps.directory(match.connector);
  const partitions = await facts.directory.partitions();
  const partitionDn = partitionNames(match.partition).dn;
  const own = objectNamingContext(partitions, facts.dn);
  if (own && own.dn.depth > partitionDn.depth) {
    facts.partition = undefined;
    return outOfScope(
      new SyncError(scopeErrors.DomainNotConfigured, {
        domain: own.dn.toString(), dnsRoot: own.dnsRoot, connector: match.connector.name, partitions: match.connector.partitions.map((p) => p.dn).join('; ') || 'none',
      }),
      { Connector: match.connector.name, Partition: own.dn.toString(), DomainDnsName: own.dnsRoot, ConfiguredPartitions: match.connector.partitions.map((p) => p.dn).join('; ') },
    );
  }
  const coverage = runProfileCoverage(match.connector, partitionDn);
  if (coverage.status === 'noRunProfiles') {
    return outOfScope(new SyncError(scopeErrors.NoRunProfiles, { connector: match.connector.name }), { ...details, RunProfiles: '(none)' });
  }
  if (coverage.status === 'missing') {
    return outOfScope(
      new SyncError(scopeErrors.PartitionNotInRunProfile, { partition: match.partition.dn, profile: coverage.profiles[0]!, connector: match.connector.name, profiles: coverage.profiles.join('; ') }),
      { ...details, RunProfilesWithoutPartition: coverage.profiles.join('; ') },
    );
  }
  facts.directoryPartition = partitions.find((p) => p.dn.equals(partitionDn));
  if (!facts.directoryPartition) {
    return {
      status: 'failure',
      error: new SyncError(scopeErrors.PartitionNotInDirectory, { partition: match.partition.dn, found: partitions.map((p) => p.dn).join('; ') || 'none' }),
      details,
    };
  }
  return {
    status: 'success',
    details: {
      ...details,
      DomainDnsName: facts.directoryPartition.dnsRoot,
      ...(facts.directoryPartition.netbiosName ? { DomainNetBiosName: facts.directoryPartition.netbiosName } : {}),
      ...(coverage.status === 'covered' ? { RunProfiles: 'Every run profile has a run step for the partition.' } : {}),
      Result: 'The domain is in sync scope.',
    },
  };
}

export async function targetDomainStep(deps: SyncDependencies, facts: SyncFacts): Promise<StepOutcome> {
  facts.entra = await deps.entra();
  // The adapter lives for the session: report only this step's requests.
  const before = facts.entra.requests().length;
  facts.tenant = await facts.entra.connect();
  const verified = facts.tenant.domains.filter((d) => d.isVerified);
  return {
    status: 'success',
    details: {
      TenantId: facts.tenant.tenantId,
      GraphEndpoint: deps.config.entra.graphEndpoint,
      VerifiedDomains: verified.map((d) => `${d.name} (${d.authenticationType}${d.isInitial ? ', initial' : ''})`).join('; '),
      ...syncFeatureDetails(facts.tenant.syncFeatures),
      Result: facts.tenant.syncFeatures.source === 'tenant'
        ? 'A token was obtained; the verified domains and the directory synchronization features were read.'
        : 'A token was obtained and the verified domains were read. The directory synchronization features could not be read: matching assumes their documented defaults.',
    },
    graphRequests: facts.entra.requests().slice(before),
  };
}

function syncFeatureDetails(f: SyncFeatures): Record<string, string> {
  return {
    BlockSoftMatchEnabled: String(f.blockSoftMatchEnabled),
    BlockCloudObjectTakeoverThroughHardMatchEnabled: String(f.blockCloudObjectTakeoverThroughHardMatchEnabled),
    SoftMatchOnUpnEnabled: String(f.softMatchOnUpnEnabled),
    SynchronizeUpnForManagedUsersEnabled: String(f.synchronizeUpnForManagedUsersEnabled),
    SyncFeaturesSource: f.source === 'tenant'
      ? 'GET /directory/onPremisesSynchronization'
      : `Assumed defaults: ${f.unreadableReason ?? 'not read'}. Grant OnPremDirectorySynchronization.Read.All to read the tenant's own values.`,
  };
}

export async function organizationalUnitStep(_deps: SyncDependencies, facts: SyncFacts): Promise<StepOutcome> {
  const partition = facts.partition!;
  const scope = containerScopeInPartition(partition, facts.dn);
  const details = {
    Inclusions: (partition.inclusions.length ? partition.inclusions : [partition.dn]).join('; '),
    Exclusions: partition.exclusions.join('; ') || '(none)',
    DecidingContainer: scope.container ?? '(none)',
  };
  if (!scope.inScope) {
    const error = scope.decidedBy === 'exclusion'
      ? new SyncError(scopeErrors.ContainerExcluded, { container: scope.container ?? '(none)' })
      : new SyncError(scopeErrors.ContainerNotIncluded, { partition: partition.dn });
    return outOfScope(error, details);
  }
  return { status: 'success', details: { ...details, Result: 'The organizational unit is in sync scope.' } };
}

export async function accessibilityStep(_deps: SyncDependencies, facts: SyncFacts): Promise<StepOutcome> {
  const result = await facts.directory!.readObject(facts.dn);
  if (result.status === 'notFound') {
    const parent = result.matchedDn || (await closestExistingParent(facts.directory!, facts.dn, facts.partition ? partitionNames(facts.partition).dn : undefined));
    const suggestion = parent ? await nearSibling(facts.directory!, parent, facts.dn) : undefined;
    return {
      status: 'failure',
      error: new SyncError(directoryErrors.NoSuchObject, {
        dn: facts.dn.toString(),
        matchedDn: parent ?? '(none: not even the partition exists)',
        didYouMean: suggestion ? ` Did you mean ${suggestion}?` : '',
      }),
      details: { ...(parent ? { ClosestExistingParent: parent } : {}), ...(suggestion ? { DidYouMean: suggestion } : {}) },
    };
  }
  if (result.status === 'notReadable') {
    return {
      status: 'failure',
      error: new SyncError(directoryErrors.InsufficientAccess, { dn: facts.dn.toString(), bindDn: facts.connector!.bindDn ?? '(anonymous)', operation: 'read', detail: result.reason }),
      details: { Detail: result.reason },
    };
  }
  // A deleted object is a Delete modification, which Single Object Sync does not synchronize; an
  // LDAP read without the Show Deleted control does not even find it (a snapshot may hold it).
  if ((getValues(result.object.attributes, 'isDeleted') ?? []).some((v) => String(v).trim().toUpperCase() === 'TRUE')) {
    return { status: 'failure', error: new SyncError(directoryErrors.ObjectDeleted, { dn: facts.dn.toString() }), details: { IsDeleted: 'TRUE' } };
  }
  facts.adAttributes = result.object.attributes;
  return {
    status: 'success',
    details: {
      Result: 'The object was read with the connector account.',
      AttributesRead: String(Object.keys(result.object.attributes).length),
    },
  };
}

export async function objectTypeStep(_deps: SyncDependencies, facts: SyncFacts): Promise<StepOutcome> {
  const attributes = facts.adAttributes!;
  const objectClass = structuralClass(attributes) ?? '(none)';
  facts.objectClass = objectClass;
  const objectTypes = facts.connector!.objectTypes;
  const details = { ObjectClass: objectClass, ObjectTypes: objectTypes.join(', ') };
  if (isDynamicDistributionGroup(attributes)) return outOfScope(new SyncError(scopeErrors.DynamicDistributionGroup), details);
  if (!objectTypeInScope(objectTypes, objectClass)) {
    return outOfScope(new SyncError(scopeErrors.ObjectTypeNotInScope, { objectClass, objectTypes: objectTypes.join(', ') }), details);
  }
  facts.kind = entraKindOf(objectClass);
  return { status: 'success', details: { ...details, Result: 'The object type is in sync scope.' } };
}

export async function groupFilteringStep(_deps: SyncDependencies, facts: SyncFacts): Promise<StepOutcome> {
  const connector = facts.connector!;
  const group = connector.groupFilteringGroupDn;
  if (!group) return { status: 'success', details: { GroupFiltering: 'Disabled', Result: 'Group filtering is not enabled.' } };
  const groupDn = Dn.parse(group);
  // OU filtering is evaluated before group filtering (Microsoft, "Configure filtering"): a group
  // that step 3 would filter is not in the connector space, so no object passes; same rules.
  const groupScope = containerScope(connector, groupDn);
  if (!groupScope.inScope) {
    return outOfScope(
      new SyncError(scopeErrors.FilteringGroupOutOfScope, { group, groupScope: groupScopeText(groupScope, connector.name), groupContainer: groupDn.parent()?.toString() ?? group }),
      { GroupFiltering: 'Enabled', FilteringGroup: group, FilteringGroupInScope: 'false', FilteringGroupDecidingContainer: groupScope.container ?? '(none)' },
    );
  }
  let direct: boolean;
  try {
    direct = await facts.directory!.isDirectMember(groupDn, facts.dn);
  } catch (err) {
    // The configured group itself is missing: a configuration problem, named as such.
    if (isSyncError(err) && err.code === directoryErrors.NoSuchObject.code) throw new SyncError(scopeErrors.FilteringGroupNotFound, { group }, { cause: err });
    throw err;
  }
  const details = { GroupFiltering: 'Enabled', FilteringGroup: group, DirectMember: String(direct) };
  if (!direct) {
    const memberOf = (getValues(facts.adAttributes!, 'memberOf') ?? []).map(String);
    const nested = memberOf.length ? ` (nested membership through another group does not count)` : '';
    return outOfScope(new SyncError(scopeErrors.NotMemberOfFilteringGroup, { group, nested }), details);
  }
  return { status: 'success', details: { ...details, Result: 'The object is a direct member of the filtering group.' } };
}

/** Why the filtering group is out of OU/partition scope, naming the container or partition that decides. */
function groupScopeText(scope: ContainerScope, connector: string): string {
  switch (scope.decidedBy) {
    case 'exclusion': return `it is in container '${scope.container}', which is excluded from syncing`;
    case 'noInclusion': return `it is not under any included container of partition '${scope.partition?.dn}'`;
    case 'partitionNotSelected': return `its partition '${scope.partition?.dn}' is not selected`;
    case 'noPartition': return `it is not in any partition of connector '${connector}'`;
    default: return scope.reason;
  }
}

/**
 * LDAP servers name the closest existing entry (matchedDN) with noSuchObject; when the source
 * did not, read the ancestors upwards, stopping at the partition (whose existence step 1 checked).
 */
async function closestExistingParent(directory: DirectorySource, dn: Dn, partition: Dn | undefined): Promise<string | undefined> {
  for (let candidate = dn.parent(); candidate; candidate = candidate.parent()) {
    if (partition && !candidate.isWithin(partition)) return undefined;
    if ((await directory.readObject(candidate)).status === 'found') return candidate.toString();
  }
  return undefined;
}

/** An existing sibling whose name is a near miss of the one asked for (a typo), or undefined. */
async function nearSibling(directory: DirectorySource, parent: string, dn: Dn): Promise<string | undefined> {
  const parsedParent = Dn.tryParse(parent);
  const wanted = dn.rdns[0]?.avas[0]?.value.toLowerCase();
  // No object of AD has a longer RDN, so no sibling is near it; and the
  // distance costs the product of the two lengths (a name of megabytes took minutes).
  if (!parsedParent.ok || wanted === undefined || wanted.length > MAX_RDN_VALUE_LENGTH) return undefined;
  // One page is enough for a hint; a container of thousands is not searched through for it.
  const { children } = await directory.listChildren(parsedParent.dn, { pageSize: 1000 });
  const allowed = Math.max(1, Math.floor(wanted.length / 4));
  let best: { dn: string; distance: number } | undefined;
  for (const child of children) {
    const name = child.name.toLowerCase();
    // The distance is at least the difference in length: a sibling beyond it is not compared.
    if (Math.abs(name.length - wanted.length) > allowed) continue;
    const distance = editDistance(wanted, name);
    if (!best || distance < best.distance) best = { dn: child.dn.toString(), distance };
  }
  return best && best.distance > 0 && best.distance <= allowed ? best.dn : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
