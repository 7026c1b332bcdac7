// Step 1: which configured connector and partition hold a DN (the longest matching
// partition DN, so child domains win over their parents).
import type { ActiveDirectoryConnectorConfig, PartitionConfig } from '../model/config';
import type { Dn } from '../model/dn';
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
