// With "rules": {"serverConfiguration": ...}, each AD connector whose name matches a connector
// of the export takes partitions, objectTypes and groupFilteringGroupDn from the export unless
// the JSON sets them (the JSON wins, field by field); parameters are merged key by key (the
// JSON wins). Then what is still missing is a problem, and the defaults fill the rest.
import type { SingleObjectSyncConfig } from './model';
import type { PositionedJson } from './json-positions';
import type { ConfigProblem } from './problems';
import type { ServerConfiguration } from './server-configuration';

export const defaultObjectTypes = ['user', 'inetOrgPerson', 'group', 'contact', 'computer'];

/** Fill connector scope from the export (JSON wins field by field) and check what is still missing. */
export function applyServerConfiguration(config: SingleObjectSyncConfig, exported: ServerConfiguration | undefined, file: string, problems: ConfigProblem[], positions?: PositionedJson): void {
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
    }
    if (connector.partitions === undefined) {
      connector.partitions = [];
      problems.push({ file, path: `$.activeDirectory[${i}]`, message: 'missing "partitions": list the domain partitions to sync (e.g. [{ "dn": "DC=corp,DC=contoso,DC=com" }])', severity: 'error', ...(positions?.values.get(`/activeDirectory/${i}`) ?? {}) });
    }
    connector.objectTypes ??= [...defaultObjectTypes];
    connector.groupFilteringGroupDn ??= null;
  });
}
