// Step 3, OU filtering as Entra Connect applies it: the most specific (longest) matching
// container of the inclusion and exclusion lists decides; an exclusion wins a tie. Pure and
// configuration-only, so the VS Code tree can mark excluded OUs without any LDAP call.
import type { ActiveDirectoryConnectorConfig, PartitionConfig } from '../model/config';
import { dnDepth, isWithin } from './dn-match';
import { findPartition } from './partition-scope';

export interface ContainerScope {
  inScope: boolean;
  reason: string;
  /** The container that decided, when one did. */
  container?: string;
  decidedBy: 'inclusion' | 'exclusion' | 'noInclusion' | 'noPartition' | 'partitionNotSelected';
  partition?: PartitionConfig;
}

function mostSpecific(dn: string, containers: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const container of containers) {
    if (isWithin(dn, container) && (best === undefined || dnDepth(container) > dnDepth(best))) best = container;
  }
  return best;
}

export function containerScopeInPartition(partition: PartitionConfig, dn: string): ContainerScope {
  const inclusions = partition.inclusions.length ? partition.inclusions : [partition.dn];
  const included = mostSpecific(dn, inclusions);
  const excluded = mostSpecific(dn, partition.exclusions);
  if (excluded !== undefined && (included === undefined || dnDepth(excluded) >= dnDepth(included))) {
    return { inScope: false, decidedBy: 'exclusion', container: excluded, partition, reason: `Excluded by container ${excluded}` };
  }
  if (included === undefined) {
    return { inScope: false, decidedBy: 'noInclusion', partition, reason: `Not under any included container of ${partition.dn}` };
  }
  return { inScope: true, decidedBy: 'inclusion', container: included, partition, reason: `Included by container ${included}` };
}

export function containerScope(connector: ActiveDirectoryConnectorConfig, dn: string): ContainerScope {
  const match = findPartition([connector], dn);
  if (!match) return { inScope: false, decidedBy: 'noPartition', reason: 'Not in a configured partition of this connector' };
  if (!match.partition.selected) {
    return { inScope: false, decidedBy: 'partitionNotSelected', partition: match.partition, reason: `Partition ${match.partition.dn} is not selected` };
  }
  return containerScopeInPartition(match.partition, dn);
}
