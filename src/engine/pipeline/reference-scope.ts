// Entra Connect exports a reference (a group's member, a user's manager) only to an object it
// synchronizes: the metaverse reference resolves to the object's Microsoft Entra connector
// space object, and a referenced object outside the sync scope has none, so the reference is
// left out of the export. Domain and OU filtering decide that from the configuration alone
// (how-to-connect-sync-configure-filtering: filtered objects are not synchronized; "OU
// filtering is evaluated before group filtering").
import type { ActiveDirectoryConnectorConfig } from '../model/config';
import { Dn } from '../model/dn';
import { containerScope } from '../scope/container-scope';
import { findPartition } from '../scope/partition-scope';
import { lowerCaseName, type AttributeValue } from '../model/attributes';

/** The DN-valued attributes whose values Entra Connect resolves to connector space objects. */
const REFERENCES = new Set(['member', 'manager']);

/**
 * Why Entra Connect does not synchronize the object at `dn` (its domain or container is filtered
 * out), or undefined when domain and OU filtering keep it. A value that is not a DN is left to
 * the caller (undefined).
 */
export function referenceOutOfScope(connectors: readonly ActiveDirectoryConnectorConfig[], dn: string): string | undefined {
  let parsed: Dn;
  try {
    parsed = Dn.parse(dn);
  } catch {
    return undefined;
  }
  const match = findPartition(connectors, parsed);
  if (!match) return 'not in a domain this configuration synchronizes';
  const scope = containerScope(match.connector, parsed);
  return scope.inScope ? undefined : scope.reason;
}

/**
 * Leaves out of the export the references to objects outside the sync scope, with a note per
 * attribute naming them (at most three) and why. A reference attribute left with no value is
 * exported as none, as Entra Connect's unresolved reference is.
 */
export function applyReferenceScope(
  connectors: readonly ActiveDirectoryConnectorConfig[],
  desired: Record<string, AttributeValue[] | null | undefined>,
  notes: Record<string, string>,
): void {
  // One pass over the names (a user's record holds about a hundred, and no member).
  for (const name of Object.keys(desired)) {
    if (!REFERENCES.has(lowerCaseName(name))) continue;
    const values = desired[name];
    if (!values?.length) continue;
    const dropped: string[] = [];
    const kept = values.filter((value) => {
      const why = typeof value === 'string' ? referenceOutOfScope(connectors, value) : undefined;
      if (why) dropped.push(`${value} (${why})`);
      return !why;
    });
    if (!dropped.length) continue;
    desired[name] = kept.length ? kept : null;
    const shown = dropped.slice(0, 3).join('; ') + (dropped.length > 3 ? `; and ${dropped.length - 3} more` : '');
    notes[name] = `${notes[name] ? `${notes[name]} ` : ''}${dropped.length} reference(s) not exported: the object is outside the sync scope, and Entra Connect exports a reference only to an object it synchronizes: ${shown}.`;
  }
}
