// The distinguished names of a partition's configuration, parsed once per loaded
// configuration (memoized on the partition object), so a scope check compares parsed names
// (RDN by RDN, as AD compares them) and never parses per comparison.
import type { PartitionConfig } from '../model/config';
import { Dn } from '../model/dn';

export interface PartitionNames {
  dn: Dn;
  inclusions: readonly Dn[];
  exclusions: readonly Dn[];
}

const parsed = new WeakMap<PartitionConfig, PartitionNames>();

/** The partition's DN and container lists as Dn values. Throws MalformedDistinguishedName. */
export function partitionNames(partition: PartitionConfig): PartitionNames {
  let names = parsed.get(partition);
  if (!names) {
    names = { dn: Dn.parse(partition.dn), inclusions: partition.inclusions.map((c) => Dn.parse(c)), exclusions: partition.exclusions.map((c) => Dn.parse(c)) };
    parsed.set(partition, names);
  }
  return names;
}
