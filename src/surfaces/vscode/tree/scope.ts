// Scope marking for the tree, from the configuration only (no LDAP): a partition that is
// not configured or not selected, and a container excluded by OU filtering, are out of
// sync scope. The OU rule itself is the engine's (containerScope), so the tree and step 3
// of a sync always agree.
import type { ActiveDirectoryConnectorConfig, PartitionConfig } from '../../../app/config/model';
import type { Dn } from '../../../engine/model/dn';
import { containerScope } from '../../../engine/scope/container-scope';
import { findPartition } from '../../../engine/scope/partition-scope';

export interface ScopeMark {
  inScope: boolean;
  reason: string;
}

/** The configured partition holding dn: the engine's matcher, as step 1 of a sync uses it. */
export function configuredPartition(connector: ActiveDirectoryConnectorConfig, dn: Dn): PartitionConfig | undefined {
  return findPartition([connector], dn)?.partition;
}

/** Partition selection and OU filtering, exactly as steps 1 and 3 of a sync decide them. */
export function scopeOf(connector: ActiveDirectoryConnectorConfig, dn: Dn): ScopeMark {
  const { inScope, reason } = containerScope(connector, dn);
  return { inScope, reason };
}
