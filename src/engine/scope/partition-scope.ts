// Step 1: which configured connector and partition hold a DN (the longest matching
// partition DN, so child domains win over their parents), which domain the object belongs to
// in the directory, and whether the connector's run profiles cover that partition.
import type { ActiveDirectoryConnectorConfig, PartitionConfig } from '../model/config';
import { Dn } from '../model/dn';
import { partitionNames } from './partition-names';

export interface PartitionMatch {
  connector: ActiveDirectoryConnectorConfig;
  partition: PartitionConfig;
}

export function findPartition(connectors: readonly ActiveDirectoryConnectorConfig[], dn: Dn): PartitionMatch | undefined {
  let best: { match: PartitionMatch; depth: number } | undefined;
  for (const connector of connectors) {
    for (const partition of connector.partitions) {
      const partitionDn = partitionNames(partition).dn;
      if (!dn.isWithin(partitionDn)) continue;
      if (!best || partitionDn.depth > best.depth) best = { match: { connector, partition }, depth: partitionDn.depth };
    }
  }
  return best?.match;
}

/**
 * The object's own domain: the longest naming context of the directory that holds the DN.
 * Undefined when the directory lists none that holds it (the caller then keeps the configured
 * partition, e.g. for an LDIF snapshot without crossRefs).
 */
export function objectNamingContext<P extends { dn: Dn }>(directoryPartitions: readonly P[], dn: Dn): P | undefined {
  let best: P | undefined;
  for (const partition of directoryPartitions) {
    if (dn.isWithin(partition.dn) && (!best || partition.dn.depth > best.dn.depth)) best = partition;
  }
  return best;
}

export type RunProfileCoverage =
  | { status: 'unknown' }
  | { status: 'covered' }
  | { status: 'noRunProfiles' }
  | { status: 'missing'; profiles: string[] };

/**
 * Does every run profile of the connector have a run step for the partition? The troubleshooting
 * task fails when the connector has no run profiles or when ANY run profile lacks a run step for
 * the partition; this follows it literally (all profiles, whatever their kind: import, sync or
 * export), as Entra Connect's wizard gives every profile a step per selected partition.
 */
export function runProfileCoverage(connector: ActiveDirectoryConnectorConfig, partitionDn: Dn): RunProfileCoverage {
  const known = connector.runProfiles;
  if (!known) return { status: 'unknown' };
  if (known.profiles.length === 0) return { status: 'noRunProfiles' };
  const same = (text: string) => {
    const parsed = Dn.tryParse(text);
    return parsed.ok && parsed.dn.equals(partitionDn);
  };
  if (!known.partitions.some(same)) return { status: 'unknown' };
  const missing = known.profiles.filter((p) => !p.partitions.some(same)).map((p) => p.name);
  return missing.length ? { status: 'missing', profiles: missing } : { status: 'covered' };
}
