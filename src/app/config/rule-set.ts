// The rule set a configuration names: the built-in rules, or a Get-ADSyncServerConfiguration
// export's, compiled; a rule that does not compile is a problem that names its file, element,
// line and column (positions from the export's parser).
import type { SingleObjectSyncConfig } from './model';
import type { PositionedJson } from './json-positions';
import type { ConfigProblem } from './problems';
import { loadServerConfiguration, type ServerConfiguration } from './server-configuration';
import { SyncError } from '../../engine/errors/sync-error';
import { builtinRuleSet, createRuleSet, BUILTIN_ENTRA_CONNECTOR, type RuleSet, type RuleProblem } from '../../engine/rules';

function ruleProblem(exported: ServerConfiguration | undefined, problem: RuleProblem): ConfigProblem {
  const file = exported?.ruleFiles.get(problem.rule) ?? '(built-in rules)';
  return { file, path: `${problem.rule}: ${problem.location}`, message: problem.error.reason, severity: 'error' };
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
    const entraConnector = exported.connectors.find((c) => c.kind === 'entra')?.name ?? BUILTIN_ENTRA_CONNECTOR;
    const ruleSet = createRuleSet('serverConfiguration', exported.rules, {
      entraConnector,
      globalSettings: exported.globalSettings,
      selectedAttributes: Object.fromEntries(exported.connectors.map((c) => [c.name, c.attributeInclusion])),
      onProblem: (p) => {
        const problem = ruleProblem(exported, p);
        problems.push(problem);
        const positions = exported.rulePositions.get(p.rule);
        // Point at the text of the mapping's <expression>, and the column inside it.
        const target = /^flows\[(.+)\]\.expression$/.exec(p.location)?.[1];
        if (target && problem.file.toLowerCase().endsWith('.xml')) {
          problem.path = `${p.rule}: mapping[${target}]/expression`;
          const at = positions?.expressions.get(target);
          if (at) Object.assign(problem, { line: at.line, column: at.column + (p.column ?? 1) - 1 });
        }
        const scope = /^scope\[(\d+)\]\[(\d+)\]$/.exec(p.location);
        if (scope && problem.file.toLowerCase().endsWith('.xml')) {
          problem.path = `${p.rule}: synchronizationCriteria/conditions[${Number(scope[1]) + 1}]/scope[${Number(scope[2]) + 1}]/csOperator`;
          const at = positions?.operators[Number(scope[1])]?.[Number(scope[2])];
          if (at) Object.assign(problem, { line: at.line, column: at.column });
        }
      },
    });
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
