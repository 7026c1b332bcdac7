// What an engineer must run on the Entra Connect server for a configuration change to take
// effect, as Microsoft documents it ("Configure filtering", Apply and verify changes): "If you
// changed the configuration by using domain or organizational-unit filtering, then you need to do
// a Full Import, followed by Delta Synchronization. If you changed the configuration by using
// attribute filtering, then you need to do a Full Synchronization." As a best practice, on a
// staging server, an Initial cycle (`Start-ADSyncSyncCycle -PolicyType Initial`) runs a full import
// and a full synchronization on all connectors. Group-based filtering "can only be configured on
// initial installation by using the installation wizard"; "when you disable group-based
// filtering, it can't be enabled again".
import type { ActiveDirectoryConnectorConfig, PartitionConfig } from '../model/config';
import { Dn } from '../model/dn';
import type { RuleSet } from '../rules';

/** One side of the comparison: the AD connectors (filtering) and the rules of a configuration. */
export interface ConfigurationSide {
  connectors: readonly ActiveDirectoryConnectorConfig[];
  ruleSet: RuleSet;
}

export interface ConfigurationChanges {
  /** AD connectors whose domain (partition) or OU filtering differs. */
  domainOrOuFiltering: string[];
  /** AD connectors whose object types differ. */
  objectTypes: string[];
  /** Sync rules added, removed or changed (attribute-based filtering is done with rules). */
  rules: boolean;
  /** Connectors whose attribute inclusion list (the attributes they synchronize) differs. */
  attributeSelection: string[];
  /** Group-based filtering turned on, off, or to another group, by connector. */
  groupFiltering: { connector: string; change: 'enabled' | 'disabled' | 'changed' }[];
}

const dnKey = (dn: string): string => {
  const parsed = Dn.tryParse(dn);
  return parsed.ok ? parsed.dn.key : dn.trim().toLowerCase();
};

function partitionKey(p: PartitionConfig): string {
  return JSON.stringify([dnKey(p.dn), p.selected, p.inclusions.map(dnKey).sort(), p.exclusions.map(dnKey).sort()]);
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => {
  const x = new Set(a);
  return x.size === new Set(b).size && b.every((v) => x.has(v));
};

/** A rule as Entra Connect evaluates it (name, scope, join, flows, precedence...), without its compiled form. */
function ruleKey(rule: RuleSet['rules'][number]): string {
  const { name, direction, connector, connectorKind, sourceObjectType, targetObjectType, linkType, precedence, disabled, scope, join, flows } = rule;
  return JSON.stringify([
    name, direction, connector.toLowerCase(), connectorKind, sourceObjectType, targetObjectType, linkType, precedence, disabled === true, scope, join,
    flows.map((f) => [f.target, f.type, f.source ?? null, f.value ?? null, f.expression ?? null, f.mergeType ?? 'Update', f.applyOnce === true]),
  ]);
}

export function configurationChanges(current: ConfigurationSide, proposed: ConfigurationSide): ConfigurationChanges {
  const byName = (side: ConfigurationSide) => new Map(side.connectors.map((c) => [c.name.toLowerCase(), c]));
  const before = byName(current);
  const after = byName(proposed);
  const names = [...new Set([...before.keys(), ...after.keys()])];
  const changes: ConfigurationChanges = { domainOrOuFiltering: [], objectTypes: [], rules: false, attributeSelection: [], groupFiltering: [] };
  for (const key of names) {
    const a = before.get(key);
    const b = after.get(key);
    const name = (b ?? a)!.name;
    if (!a || !b || !sameSet(a.partitions.map(partitionKey), b.partitions.map(partitionKey))) changes.domainOrOuFiltering.push(name);
    if (a && b && !sameSet(a.objectTypes.map((t) => t.toLowerCase()), b.objectTypes.map((t) => t.toLowerCase()))) changes.objectTypes.push(name);
    const groupBefore = a?.groupFilteringGroupDn ? dnKey(a.groupFilteringGroupDn) : undefined;
    const groupAfter = b?.groupFilteringGroupDn ? dnKey(b.groupFilteringGroupDn) : undefined;
    if (groupBefore !== groupAfter) changes.groupFiltering.push({ connector: name, change: !groupBefore ? 'enabled' : !groupAfter ? 'disabled' : 'changed' });
  }
  changes.rules = !sameSet(current.ruleSet.rules.map(ruleKey), proposed.ruleSet.rules.map(ruleKey));
  const selected = (side: ConfigurationSide) => side.ruleSet.selectedAttributes;
  for (const connector of new Set([...selected(current).keys(), ...selected(proposed).keys()])) {
    const a = selected(current).get(connector);
    const b = selected(proposed).get(connector);
    if (!a || !b || !sameSet([...a], [...b])) changes.attributeSelection.push(connector);
  }
  return changes;
}

/** What to run on the Entra Connect server to apply the change, in sentences; none when nothing that matters changed. */
export function howToApply(changes: ConfigurationChanges): string[] {
  const out: string[] = [];
  const fullImport = changes.domainOrOuFiltering.length > 0 || changes.objectTypes.length > 0 || changes.attributeSelection.length > 0;
  const fullSync = changes.rules || changes.attributeSelection.length > 0 || changes.objectTypes.length > 0;
  if (changes.domainOrOuFiltering.length) {
    out.push(`Domain or OU filtering changes (${changes.domainOrOuFiltering.join(', ')}): Entra Connect applies them with a Full Import of the connector followed by a Delta Synchronization; change them with the installation wizard (Customize synchronization options, Domain and OU filtering).`);
  }
  if (changes.objectTypes.length) out.push(`The object types a connector synchronizes change (${changes.objectTypes.join(', ')}): a Full Import and a Full Synchronization apply it.`);
  if (changes.attributeSelection.length) out.push(`The attributes a connector synchronizes change (${changes.attributeSelection.join(', ')}): a Full Import reads them and a Full Synchronization applies them.`);
  if (changes.rules) out.push('Sync rules change (attribute-based filtering or flows): Entra Connect applies them with a Full Synchronization.');
  for (const g of changes.groupFiltering) {
    out.push(g.change === 'disabled'
      ? `Group-based filtering is turned off for ${g.connector}: once disabled it can't be enabled again (Microsoft, Configure filtering).`
      : `Group-based filtering is ${g.change === 'enabled' ? 'turned on' : 'given another group'} for ${g.connector}: it can only be configured on initial installation with the installation wizard, and is not supported in a custom configuration (Microsoft, Configure filtering).`);
  }
  if (fullImport || fullSync) {
    out.push('On a server in staging mode, Start-ADSyncSyncCycle -PolicyType Initial runs a full import and a full synchronization on all connectors; check what would be exported (csexport) before the server exports, and mind the deletion threshold.');
  }
  return out;
}
