// A group's direct members as Dn keys (case, spacing and escapes do not matter), from its
// `member` values: what a membership check compares against.
import { getValues, type Attributes } from './attributes';
import { Dn } from './dn';

export function memberKeys(group: Attributes): Set<string> {
  const set = new Set<string>();
  for (const value of getValues(group, 'member') ?? []) {
    if (typeof value !== 'string') continue;
    const parsed = Dn.tryParse(value);
    // A malformed value names nothing, as in the source's own check.
    if (parsed.ok) set.add(parsed.dn.key);
  }
  return set;
}
