// With "rules": {"serverConfiguration": ...}, each AD connector whose name matches a connector
// of the export takes partitions, objectTypes and groupFilteringGroupDn from the export unless
// the JSON sets them (the JSON wins, field by field); parameters are merged key by key (the
// JSON wins), and the export's run profiles come along. Then what is still missing is a
// problem, and the defaults fill the rest.
// sourceAnchor likewise comes from the export's global setting
// Microsoft.SynchronizationOption.AnchorAttribute unless the JSON sets it; set and different,
// the JSON's stays and a warning names both.
import path from 'node:path';
import type { SingleObjectSyncConfig } from './model';
import type { PositionedJson } from './json-positions';
import type { ConfigProblem } from './problems';
import type { ServerConfiguration } from './server-configuration';
import { Dn } from '../../engine/model/dn';

export const defaultObjectTypes = ['user', 'inetOrgPerson', 'group', 'contact', 'computer'];

/** The global setting (GlobalSettings/MV.xml) that names the server's source anchor attribute. */
export const ANCHOR_SETTING = 'Microsoft.SynchronizationOption.AnchorAttribute';
/** The attribute names LDAP compares without case, as the schema spells them. */
const canonicalAnchors = new Map(['mS-DS-ConsistencyGuid', 'objectGUID'].map((n) => [n.toLowerCase(), n]));

/**
 * The export's anchor attribute becomes sourceAnchor when the JSON does not set it (parsing has
 * filled the default by then, so whether the JSON set it is read from the JSON text's
 * positions). Without positions there is no telling, and the configuration's value stays.
 */
function applyAnchor(config: SingleObjectSyncConfig, exported: ServerConfiguration, file: string, problems: ConfigProblem[], positions?: PositionedJson): void {
  const raw = exported.globalSettings[ANCHOR_SETTING]?.trim();
  if (!raw) return; // older servers do not have it: the JSON's value or the default stands
  const mvFile = exported.globalSettingsFile ?? path.join(exported.folder, 'GlobalSettings', 'MV.xml');
  // The same shape the schema asks of the JSON's sourceAnchor: it names an attribute in a search.
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(raw)) {
    problems.push({ file: mvFile, path: ANCHOR_SETTING, severity: 'error', message: `the anchor attribute "${raw}" is not the LDAP name of an attribute: correct the global setting in the export, or set "sourceAnchor" in ${path.basename(file)}` });
    return;
  }
  const anchor = canonicalAnchors.get(raw.toLowerCase()) ?? raw;
  if (!positions) return;
  const setInJson = positions.values.has('/sourceAnchor');
  if (!setInJson) {
    config.sourceAnchor = anchor;
    return;
  }
  if (String(config.sourceAnchor).toLowerCase() !== anchor.toLowerCase()) {
    problems.push({
      file, path: '$.sourceAnchor', severity: 'warning', ...(positions.values.get('/sourceAnchor') ?? {}),
      message: `"sourceAnchor" is "${config.sourceAnchor}" but the server configuration's anchor attribute (${ANCHOR_SETTING} in ${mvFile}) is "${anchor}": this run matches and creates cloud objects by ${config.sourceAnchor}, the server by ${anchor}. Remove "sourceAnchor" to use the server's, or keep it to try the change of anchor`,
    });
  }
}

/** Fill connector scope from the export (JSON wins field by field) and check what is still missing. */
export function applyServerConfiguration(config: SingleObjectSyncConfig, exported: ServerConfiguration | undefined, file: string, problems: ConfigProblem[], positions?: PositionedJson): void {
  if (exported) applyAnchor(config, exported, file, problems, positions);
  // Not one connector named as the export's: no rule would apply to any object, and each would
  // be reported as having no inbound rule, which points at the object instead of the names.
  const exportedAd = exported?.connectors.filter((c) => c.kind === 'activeDirectory').map((c) => c.name) ?? [];
  const named = (name: unknown) => exportedAd.some((n) => n.toLowerCase() === String(name).toLowerCase());
  if (exportedAd.length > 0 && config.activeDirectory.length > 0 && !config.activeDirectory.some((c) => named(c.name))) {
    problems.push({
      file, path: '$.activeDirectory[0].name', severity: 'error', ...(positions?.values.get('/activeDirectory/0/name') ?? {}),
      message: `no AD connector here is named as one of the server configuration's (it has: ${exportedAd.join(', ')}; here: ${config.activeDirectory.map((c) => c.name).join(', ')}): none of its rules would apply, so every object would be out of scope. Name each connector as in the export`,
    });
    return;
  }
  // The export named could not be read (its error is said at $.rules.serverConfiguration): the
  // partitions it would have given are not also said to be missing from the JSON.
  const exportUnread = !exported && typeof config.rules === 'object' && config.rules !== null;
  config.activeDirectory.forEach((connector, i) => {
    const match = exported?.connectors.find((c) => c.kind === 'activeDirectory' && c.name.toLowerCase() === String(connector.name).toLowerCase());
    if (exported && !match) {
      const names = exported.connectors.filter((c) => c.kind === 'activeDirectory').map((c) => c.name);
      problems.push({ file, path: `$.activeDirectory[${i}].name`, message: `no AD connector named "${connector.name}" in the server configuration (it has: ${names.join(', ') || 'none'}): none of its rules apply to this connector, and its scope comes from this file only. Name the connector as in the export`, severity: 'warning', ...(positions?.values.get(`/activeDirectory/${i}/name`) ?? {}) });
    }
    if (match) {
      if (connector.partitions === undefined) connector.partitions = match.partitions.map(({ dn, selected, inclusions, exclusions }) => ({ dn, selected, inclusions, exclusions }));
      if (connector.objectTypes === undefined) connector.objectTypes = [...match.objectTypes];
      if (connector.groupFilteringGroupDn === undefined) {
        const groupFiltering = (exported?.globalSettings['Microsoft.OptionalFeature.GroupFiltering'] ?? '').toLowerCase() === 'true';
        connector.groupFilteringGroupDn = groupFiltering || !exported?.globalSettings['Microsoft.OptionalFeature.GroupFiltering'] ? match.groupFilteringGroupDn : null;
      }
      connector.parameters = { ...match.parameters, ...(connector.parameters ?? {}) };
      // Run steps name partitions by the export's ids: resolved to DNs here, for step 1's check
      // that every run profile covers the object's partition. Absent (JSON only, or a connector
      // file without <ma-run-data>: unknown, not none): not checked.
      const dnById = new Map(match.partitions.map((p) => [p.id, p.dn]));
      if (!match.runProfilesExported) {
        problems.push({ file: match.file, path: 'ma-run-data', severity: 'warning', message: `connector "${match.name}" has no <ma-run-data> in the server configuration, so its run profiles are unknown: whether they cover the object's partition is not checked. Export the configuration again to check it` });
      } else connector.runProfiles = {
        partitions: match.partitions.map((p) => p.dn),
        profiles: match.runProfiles.map((profile) => ({
          name: profile.name,
          partitions: profile.steps.flatMap((step) => dnById.get(step.partitionId) ?? []),
        })),
      };
    }
    if (connector.partitions === undefined) {
      connector.partitions = [];
      if (!exportUnread) problems.push({ file, path: `$.activeDirectory[${i}]`, message: 'missing "partitions": list the domain partitions to sync (e.g. [{ "dn": "DC=corp,DC=contoso,DC=com" }])', severity: 'error', ...(positions?.values.get(`/activeDirectory/${i}`) ?? {}) });
    }
    connector.objectTypes ??= [...defaultObjectTypes];
    connector.groupFilteringGroupDn ??= null;
  });
  problems.push(...sharedPartitionProblems(config, file, positions));
}

/**
 * A domain partition named by two AD connectors (from the JSON or the export): Entra Connect
 * connects a forest once, with one connector, so an object of that domain has one connector, its
 * rules and its scope. Here the first connector would take it in silence, and the other's rules
 * and scope never apply: the configuration does not load. Partitions that only nest (a parent
 * domain on one connector, a child domain on another) are not this: the longest one decides.
 */
function sharedPartitionProblems(config: SingleObjectSyncConfig, file: string, positions?: PositionedJson): ConfigProblem[] {
  const seen = new Map<string, { connector: string; index: number }>();
  const out: ConfigProblem[] = [];
  config.activeDirectory.forEach((connector, i) => {
    const own = new Set<string>();
    for (const partition of connector.partitions ?? []) {
      const parsed = typeof partition?.dn === 'string' ? Dn.tryParse(partition.dn) : undefined;
      if (!parsed?.ok) continue; // said where the DN is read
      const key = parsed.dn.key;
      if (own.has(key)) continue;
      own.add(key);
      const first = seen.get(key);
      if (!first) {
        seen.set(key, { connector: String(connector.name), index: i });
        continue;
      }
      out.push({
        file, path: `$.activeDirectory[${i}].partitions`, severity: 'error', ...(positions?.values.get(`/activeDirectory/${i}/partitions`) ?? positions?.values.get(`/activeDirectory/${i}/name`) ?? {}),
        message: `the partition ${partition.dn} is a partition of two AD connectors, "${first.connector}" ($.activeDirectory[${first.index}]) and "${connector.name}"${typeof config.rules === 'object' && config.rules ? ' (in this file or in the server configuration)' : ''}; Entra Connect connects each forest once, so an object of that domain has one connector, and here which connector's rules and scope apply to it could not be told. Keep the partition on the connector of its forest only`,
      });
    }
  });
  return out;
}
