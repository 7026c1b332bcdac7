// Step 1: which configured connector and partition hold a DN (the longest matching
// partition DN, so child domains win over their parents).
import type { ActiveDirectoryConnectorConfig, PartitionConfig } from '../model/config';
import { dnDepth, isWithin } from './dn-match';

export interface PartitionMatch {
  connector: ActiveDirectoryConnectorConfig;
  partition: PartitionConfig;
}

export function findPartition(connectors: readonly ActiveDirectoryConnectorConfig[], dn: string): PartitionMatch | undefined {
  let best: PartitionMatch | undefined;
  for (const connector of connectors) {
    for (const partition of connector.partitions) {
      if (!isWithin(dn, partition.dn)) continue;
      if (!best || dnDepth(partition.dn) > dnDepth(best.partition.dn)) best = { connector, partition };
    }
  }
  return best;
}
