// The rule set a configuration names: the built-in rules, or a Get-ADSyncServerConfiguration
// export's, compiled; a rule that does not compile is a problem that names its file, element,
// line and column (positions from the export's parser).
import type { SingleObjectSyncConfig } from './model';
import type { PositionedJson } from './json-positions';
import type { ConfigProblem } from './problems';
import { loadServerConfiguration, type ServerConfiguration } from './server-configuration';
import { SyncError } from '../../engine/errors/sync-error';
import { builtinRuleSet, compileRule, createRuleSet, BUILTIN_ENTRA_CONNECTOR, type RuleSet, type RuleProblem } from '../../engine/rules';
import type { RuleDefinition } from '../../engine/rules/model';

/** A rule's compile problem at its own file, element, line and column. */
function ruleProblem(exported: ServerConfiguration, rule: RuleDefinition, p: RuleProblem): ConfigProblem {
  const file = exported.ruleFiles.get(rule) ?? '(built-in rules)';
  // Named (the error's code, first), at its rule, with what to do: a customer's export is read
  // where Entra Connect's own editor is not at hand.
  const code = p.error.code;
  const action = p.error.recommendedAction ? ` ${p.error.recommendedAction}` : '';
  // A disabled rule is never evaluated (as in Entra Connect): its problem must not stop the others.
  const problem: ConfigProblem = rule.disabled
    ? { file, path: `${p.rule}: ${p.location}`, code, message: `${code}: rule "${p.rule}": ${p.error.reason} (the rule is disabled, so it is not evaluated)`, severity: 'warning' }
    : { file, path: `${p.rule}: ${p.location}`, code, message: `${code}: rule "${p.rule}": ${p.error.reason}${action}`, severity: 'error' };
  if (!file.toLowerCase().endsWith('.xml')) return problem;
  const positions = exported.rulePositions.get(rule);
  // Point at the text of the mapping's <expression>, and the column inside it.
  const target = /^flows\[(.+)\]\.expression$/.exec(p.location)?.[1];
  if (target) {
    problem.path = `${p.rule}: mapping[${target}]/expression`;
    const at = positions?.expressions.get(target);
    if (at) Object.assign(problem, { line: at.line, column: at.column + (p.column ?? 1) - 1 });
  }
  const scope = /^scope\[(\d+)\]\[(\d+)\]$/.exec(p.location);
  if (scope) {
    problem.path = `${p.rule}: synchronizationCriteria/conditions[${Number(scope[1]) + 1}]/scope[${Number(scope[2]) + 1}]/csOperator`;
    const at = positions?.operators[Number(scope[1])]?.[Number(scope[2])];
    if (at) Object.assign(problem, { line: at.line, column: at.column });
  }
  return problem;
}

/**
 * Rules bind to a connector by name. When the export has one AD connector and the configuration
 * one, named differently (the export's is the forest's name, ours the engineer's choice), the
 * export's rules, scope and attribute list are for ours: binding them by name alone would leave
 * every object with no inbound rule. Said as a warning, with how to make it explicit.
 */
function bindSingleConnector(config: SingleObjectSyncConfig, exported: ServerConfiguration, file: string, problems: ConfigProblem[], positions?: PositionedJson): void {
  const exportedAd = exported.connectors.filter((c) => c.kind === 'activeDirectory');
  const configured = config.activeDirectory;
  if (exportedAd.length !== 1 || configured.length !== 1) return;
  const from = exportedAd[0]!.name;
  const to = String(configured[0]!.name ?? '');
  if (!to || from.toLowerCase() === to.toLowerCase()) return;
  exportedAd[0]!.name = to;
  for (const rule of exported.rules) if (rule.connector === from) rule.connector = to;
  problems.push({
    file, path: '$.activeDirectory[0].name', severity: 'warning', ...(positions?.values.get('/activeDirectory/0/name') ?? {}),
    message: `the server configuration's only AD connector is "${from}": its rules, scope and attribute list apply to "${to}", the only AD connector here (name it "${from}" to make that explicit)`,
  });
}

export async function buildRuleSet(config: SingleObjectSyncConfig, file: string, problems: ConfigProblem[], positions?: PositionedJson): Promise<{ ruleSet: RuleSet; exported?: ServerConfiguration }> {
  if (typeof config.rules === 'object' && config.rules) {
    let exported: ServerConfiguration;
    try {
      exported = await loadServerConfiguration(config.rules.serverConfiguration);
    } catch (err) {
      if (err instanceof SyncError) {
        problems.push({ file, path: '$.rules.serverConfiguration', message: err.reason, severity: 'error', ...(positions?.values.get('/rules/serverConfiguration') ?? {}) });
        return { ruleSet: createRuleSet('serverConfiguration', [], { entraConnector: BUILTIN_ENTRA_CONNECTOR }) };
      }
      throw err;
    }
    problems.push(...exported.problems);
    bindSingleConnector(config, exported, file, problems, positions);
    const entraConnectors = exported.connectors.filter((c) => c.kind === 'entra').map((c) => c.name);
    const entraConnector = entraConnectors[0] ?? BUILTIN_ENTRA_CONNECTOR;
    if (entraConnectors.length > 1) {
      problems.push({
        file, path: '$.rules.serverConfiguration', severity: 'warning', ...(positions?.values.get('/rules/serverConfiguration') ?? {}),
        message: `the server configuration has ${entraConnectors.length} Microsoft Entra connectors (${entraConnectors.join(', ')}); Entra Connect synchronizes one tenant per server, and only the rules of "${entraConnector}" are used here. Export the configuration of the server that synchronizes this tenant`,
      });
    }
    // A problem names its rule only by name, and a multi-forest export has the same names once per
    // AD connector: when the set has problems, each rule is compiled again alone, so each problem
    // is told at its own rule's file (a second compile only on this failing path).
    let broken = false;
    const ruleSet = createRuleSet('serverConfiguration', exported.rules, {
      entraConnector,
      globalSettings: exported.globalSettings,
      selectedAttributes: Object.fromEntries(exported.connectors.map((c) => [c.name, c.attributeInclusion])),
      onProblem: () => {
        broken = true;
      },
    });
    if (broken) for (const rule of exported.rules) compileRule(rule, (p) => problems.push(ruleProblem(exported, rule, p)));
    return { ruleSet, exported };
  }
  try {
    return { ruleSet: builtinRuleSet({ sourceAnchor: config.sourceAnchor }) };
  } catch (err) {
    if (err instanceof SyncError) {
      problems.push({ file, path: '$.sourceAnchor', message: err.reason, severity: 'error' });
      return { ruleSet: createRuleSet('builtin', [], { entraConnector: BUILTIN_ENTRA_CONNECTOR }) };
    }
    throw err;
  }
}
