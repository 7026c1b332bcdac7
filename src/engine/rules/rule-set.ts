// A loaded rule set: the built-in out-of-box rules or the rules of a server configuration export.
import { compileRule, type RuleProblem } from './compile';
import type { RuleDefinition, SyncRule } from './model';

export interface RuleSet {
  source: 'builtin' | 'serverConfiguration';
  rules: SyncRule[];
  /** Name of the Entra connector: evaluateInbound(ruleSet, ruleSet.entraConnector, ...) runs "In from AAD" rules. */
  entraConnector: string;
  /** Global settings of the export (Microsoft.OptionalFeature.GroupFiltering, ...); empty for builtin. */
  globalSettings: Record<string, string>;
  /**
   * Each connector's attribute inclusion list (the attributes it synchronizes), by connector name
   * in lower case, names in lower case. A connector absent here (every connector of the built-in
   * rules) synchronizes every attribute.
   */
  selectedAttributes: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The attributes `connector` synchronizes, or undefined when it has no inclusion list (all of them). */
export function selectedAttributesOf(ruleSet: RuleSet, connector: string): ReadonlySet<string> | undefined {
  return ruleSet.selectedAttributes.get(connector.toLowerCase());
}

/** Name the built-in rule set uses for the Entra connector. */
export const BUILTIN_ENTRA_CONNECTOR = 'Microsoft Entra ID';

export function createRuleSet(
  source: RuleSet['source'],
  definitions: RuleDefinition[],
  options: { entraConnector: string; globalSettings?: Record<string, string>; selectedAttributes?: Record<string, readonly string[]>; onProblem?: (problem: RuleProblem) => void },
): RuleSet {
  const rules = definitions.map((d) => compileRule(d, options.onProblem)).sort((a, b) => a.precedence - b.precedence);
  const selectedAttributes = new Map<string, ReadonlySet<string>>();
  for (const [connector, names] of Object.entries(options.selectedAttributes ?? {})) {
    if (names.length) selectedAttributes.set(connector.toLowerCase(), new Set(names.map((n) => n.toLowerCase())));
  }
  return { source, rules, entraConnector: options.entraConnector, globalSettings: options.globalSettings ?? {}, selectedAttributes };
}

/** Counts per direction and source object type, e.g. { inbound: { user: 6 }, outbound: { person: 12 } }. */
export function countRules(ruleSet: RuleSet): Record<'inbound' | 'outbound', Record<string, number>> {
  const counts: Record<'inbound' | 'outbound', Record<string, number>> = { inbound: {}, outbound: {} };
  for (const rule of ruleSet.rules) {
    const bucket = counts[rule.direction];
    bucket[rule.sourceObjectType] = (bucket[rule.sourceObjectType] ?? 0) + 1;
  }
  return counts;
}
