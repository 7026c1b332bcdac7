// Turning rule definitions into SyncRules: every expression compiled (syntax, functions and
// arity checked now, at load time, not during a sync).
import { compileExpression } from '../expressions';
import { SyncError, isSyncError } from '../errors/sync-error';
import { rulesErrors } from '../errors/catalog/rules';
import { scopeOperators, type CompiledFlow, type RuleDefinition, type SyncRule } from './model';

export interface RuleProblem {
  rule: string;
  /** Where in the rule: e.g. flows[cloudFiltered].expression or scope[0][1]. */
  location: string;
  /** Column inside the expression, for expression errors. */
  column?: number;
  error: SyncError;
}

/** Compile one rule; problems go to onProblem (the rule is still returned, minus broken flows). */
export function compileRule(definition: RuleDefinition, onProblem?: (problem: RuleProblem) => void): SyncRule {
  const report = (location: string, error: SyncError) => {
    if (!onProblem) throw error;
    const column = typeof error.details.column === 'number' ? error.details.column : undefined;
    onProblem({ rule: definition.name, location, error, ...(column !== undefined ? { column } : {}) });
  };
  const invalid = (problem: string) => new SyncError(rulesErrors.InvalidSyncRule, { syncRule: definition.name, problem });

  if (definition.direction !== 'inbound' && definition.direction !== 'outbound') report('direction', invalid(`direction "${String(definition.direction)}" is neither inbound nor outbound`));
  if (definition.linkType !== 'Join' && definition.linkType !== 'Provision') report('linkType', invalid(`link type "${String(definition.linkType)}" is neither Join nor Provision`));
  if (!Number.isFinite(definition.precedence)) report('precedence', invalid('precedence is not a number'));
  definition.scope.forEach((group, g) =>
    group.forEach((clause, c) => {
      if (!(scopeOperators as readonly string[]).includes(clause.operator)) report(`scope[${g}][${c}]`, invalid(`unknown scope operator "${clause.operator}" on ${clause.attribute}`));
    }),
  );

  const flows: CompiledFlow[] = [];
  for (const flow of definition.flows) {
    const location = `flows[${flow.target}]`;
    if (flow.type === 'Expression') {
      try {
        const compiled = compileExpression(flow.expression ?? '');
        flows.push({ ...flow, compiled, dataSource: compiled.text });
      } catch (err) {
        if (isSyncError(err)) report(`${location}.expression`, err);
        else throw err;
      }
    } else if (flow.type === 'Direct') {
      if (!flow.source?.[0]) {
        report(location, invalid(`the direct flow to ${flow.target} has no source attribute`));
        continue;
      }
      flows.push({ ...flow, dataSource: flow.source.join(', ') });
    } else if (flow.type === 'Constant') {
      flows.push({ ...flow, dataSource: flow.value ?? '' });
    } else {
      report(location, invalid(`unknown flow type "${String(flow.type)}"`));
    }
  }
  return { ...definition, flows };
}
