// Entra Connect exports a reference (a group's member, a user's manager) only to an object it
// synchronizes: the metaverse reference resolves to the object's Microsoft Entra connector
// space object, and a referenced object outside the sync scope has none, so the reference is
// left out of the export. Domain and OU filtering decide that from the configuration; group-based
// filtering from the filtering group's direct members ("All objects ... must be direct members.
// Nested group membership isn't resolved. When you add a group as a member, only the group
// itself is added." how-to-connect-sync-configure-filtering).
import type { ActiveDirectoryConnectorConfig } from '../model/config';
import { Dn } from '../model/dn';
import { memberKeys } from '../model/member-keys';
import { lowerCaseName, type AttributeValue } from '../model/attributes';
import { containerScope } from '../scope/container-scope';
import { findPartition } from '../scope/partition-scope';
import type { SyncDependencies, SyncFacts } from './context';

/** Why Entra Connect does not synchronize the object a reference names, or undefined when it may. */
export type ReferenceScope = (dn: string) => string | undefined;

/** The DN-valued attributes whose values Entra Connect resolves to connector space objects. */
const REFERENCES = new Set(['member', 'manager']);

/**
 * Why Entra Connect does not synchronize the object at `dn` (its domain or container is filtered
 * out), or undefined when domain and OU filtering keep it. A value that is not a DN is left to
 * the caller (undefined).
 */
export function referenceOutOfScope(connectors: readonly ActiveDirectoryConnectorConfig[], dn: string): string | undefined {
  const parsed = Dn.tryParse(dn);
  if (!parsed.ok) return undefined;
  return containerReason(connectors, parsed.dn)?.reason;
}

function containerReason(connectors: readonly ActiveDirectoryConnectorConfig[], dn: Dn): { reason?: string; connector?: ActiveDirectoryConnectorConfig } | undefined {
  const match = findPartition(connectors, dn);
  if (!match) return { reason: 'not in a domain this configuration synchronizes' };
  const scope = containerScope(match.connector, dn);
  return scope.inScope ? { connector: match.connector } : { reason: scope.reason };
}

const scopes = new WeakMap<SyncFacts, Promise<ReferenceScope>>();

/**
 * The reference scope of one sync: domain and OU filtering, and, for a connector with group-based
 * filtering, membership of its filtering group, read once per sync (a batch's directory keeps it
 * for the batch). A filtering group that cannot be read decides nothing (step 6 names that
 * problem for the object itself).
 */
export function referenceScopeOf(deps: SyncDependencies, facts: SyncFacts): Promise<ReferenceScope> {
  let scope = scopes.get(facts);
  if (!scope) {
    scope = buildScope(deps);
    scopes.set(facts, scope);
  }
  return scope;
}

async function buildScope(deps: SyncDependencies): Promise<ReferenceScope> {
  const connectors = deps.config.activeDirectory;
  const filtering = new Map<ActiveDirectoryConnectorConfig, { group: string; members: ReadonlySet<string> }>();
  for (const connector of connectors) {
    const group = connector.groupFilteringGroupDn ? Dn.tryParse(connector.groupFilteringGroupDn) : undefined;
    if (!group?.ok) continue;
    const members = await filteringGroupMembers(deps, connector, group.dn);
    if (members) filtering.set(connector, { group: connector.groupFilteringGroupDn!, members });
  }
  return (dn) => {
    const parsed = Dn.tryParse(dn);
    if (!parsed.ok) return undefined;
    const decided = containerReason(connectors, parsed.dn)!;
    if (decided.reason) return decided.reason;
    const f = filtering.get(decided.connector!);
    return f && !f.members.has(parsed.dn.key) ? `not a direct member of the filtering group ${f.group} (group-based filtering)` : undefined;
  };
}

async function filteringGroupMembers(deps: SyncDependencies, connector: ActiveDirectoryConnectorConfig, group: Dn): Promise<ReadonlySet<string> | undefined> {
  try {
    const directory = await deps.directory(connector);
    if (directory.directMembers) return await directory.directMembers(group);
    const read = await directory.readObject(group);
    return read.status === 'found' ? memberKeys(read.object.attributes) : undefined;
  } catch {
    return undefined;
  }
}

/** The reference attributes of an export that hold values (usually none: a user has no member). */
export function referenceNames(desired: Record<string, AttributeValue[] | null | undefined>): string[] {
  const names: string[] = [];
  // One pass over the names (a user's record holds about a hundred).
  for (const name of Object.keys(desired)) {
    if (REFERENCES.has(lowerCaseName(name)) && desired[name]?.length) names.push(name);
  }
  return names;
}

/**
 * Leaves out of the export the references to objects outside the sync scope, with a note per
 * attribute naming them (at most three) and why. A reference attribute left with no value is
 * exported as none, as Entra Connect's unresolved reference is.
 */
export function applyReferenceScope(
  desired: Record<string, AttributeValue[] | null | undefined>,
  notes: Record<string, string>,
  names: readonly string[],
  outOfScope: ReferenceScope,
): void {
  for (const name of names) {
    const values = desired[name] ?? [];
    const dropped: string[] = [];
    const kept = values.filter((value) => {
      const why = typeof value === 'string' ? outOfScope(value) : undefined;
      if (why) dropped.push(`${value} (${why})`);
      return !why;
    });
    if (!dropped.length) continue;
    desired[name] = kept.length ? kept : null;
    const shown = dropped.slice(0, 3).join('; ') + (dropped.length > 3 ? `; and ${dropped.length - 3} more` : '');
    notes[name] = `${notes[name] ? `${notes[name]} ` : ''}${dropped.length} reference(s) not exported: the object is outside the sync scope, and Entra Connect exports a reference only to an object it synchronizes: ${shown}.`;
  }
}
