// Scope marking for the tree, from the configuration only (no LDAP): a partition that is
// not configured or not selected, and a container excluded by OU filtering, are out of
// sync scope. The OU rule itself is the engine's (containerScope), so the tree and step 3
// of a sync always agree.
import type { ActiveDirectoryConnectorConfig, PartitionConfig } from '../../../app/config/model';
import { containerScope } from '../../../engine/scope/container-scope';

export interface ScopeMark {
  inScope: boolean;
  reason: string;
}

/** Case- and space-insensitive comparison key for DNs written by people or returned by AD. */
export function dnKey(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) => rdn.trim().toLowerCase())
    .join(',');
}

export function configuredPartition(connector: ActiveDirectoryConnectorConfig, dn: string): PartitionConfig | undefined {
  const key = dnKey(dn);
  let best: PartitionConfig | undefined;
  for (const partition of connector.partitions) {
    const pkey = dnKey(partition.dn);
    if ((key === pkey || key.endsWith(`,${pkey}`)) && (!best || pkey.length > dnKey(best.dn).length)) best = partition;
  }
  return best;
}

/** Partition selection and OU filtering, exactly as steps 1 and 3 of a sync decide them. */
export function scopeOf(connector: ActiveDirectoryConnectorConfig, dn: string): ScopeMark {
  const { inScope, reason } = containerScope(connector, dn);
  return { inScope, reason };
}
