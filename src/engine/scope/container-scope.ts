// Step 3, OU filtering as Entra Connect applies it: the most specific (longest) matching
// container of the inclusion and exclusion lists decides; an exclusion wins a tie. Pure and
// configuration-only, so the VS Code tree can mark excluded OUs without any LDAP call.
import type { ActiveDirectoryConnectorConfig, PartitionConfig } from '../model/config';
import type { Dn } from '../model/dn';
import { partitionNames } from './partition-names';
import { findPartition } from './partition-scope';

export interface ContainerScope {
  inScope: boolean;
  reason: string;
  /** The container that decided, when one did. */
  container?: string;
  decidedBy: 'inclusion' | 'exclusion' | 'noInclusion' | 'noPartition' | 'partitionNotSelected';
  partition?: PartitionConfig;
}

/** The index of the most specific container holding dn (the first of equals), or -1. */
function mostSpecific(dn: Dn, containers: readonly Dn[]): number {
  let best = -1;
  containers.forEach((container, k) => {
    if (dn.isWithin(container) && (best < 0 || container.depth > containers[best]!.depth)) best = k;
  });
  return best;
}

export function containerScopeInPartition(partition: PartitionConfig, dn: Dn): ContainerScope {
  const names = partitionNames(partition);
  // The configured spelling is what the user reads in the reason.
  const [inclusions, inclusionText] = partition.inclusions.length ? [names.inclusions, partition.inclusions] : [[names.dn], [partition.dn]];
  const included = mostSpecific(dn, inclusions);
  const excluded = mostSpecific(dn, names.exclusions);
  if (excluded >= 0 && (included < 0 || names.exclusions[excluded]!.depth >= inclusions[included]!.depth)) {
    const container = partition.exclusions[excluded]!;
    return { inScope: false, decidedBy: 'exclusion', container, partition, reason: `Excluded by container ${container}` };
  }
  if (included < 0) {
    return { inScope: false, decidedBy: 'noInclusion', partition, reason: `Not under any included container of ${partition.dn}` };
  }
  const container = inclusionText[included]!;
  return { inScope: true, decidedBy: 'inclusion', container, partition, reason: `Included by container ${container}` };
}

export function containerScope(connector: ActiveDirectoryConnectorConfig, dn: Dn): ContainerScope {
  const match = findPartition([connector], dn);
  if (!match) return { inScope: false, decidedBy: 'noPartition', reason: 'Not in a configured partition of this connector' };
  if (!match.partition.selected) {
    return { inScope: false, decidedBy: 'partitionNotSelected', partition: match.partition, reason: `Partition ${match.partition.dn} is not selected` };
  }
  return containerScopeInPartition(match.partition, dn);
}
