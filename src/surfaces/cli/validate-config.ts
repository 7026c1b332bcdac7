// single-object-sync --validate-config: load the configuration and everything it names (a
// server configuration export included), compile every rule and expression, print the rule
// counts and every problem with its file and position. Exit 0, or 2 when something does not load.
import path from 'node:path';
import { inspectConfiguration, formatProblem } from '../../app/config';
import { isSyncError } from '../../engine/errors/sync-error';
import { countRules } from '../../engine/rules';
import { terminalText } from './progress';

interface Writable {
  write(text: string): unknown;
}

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const field = (value: unknown, key: string): unknown => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined);

export async function runValidateConfig(argv: { config: string }, io: { stdout: Writable; stderr: Writable }): Promise<number> {
  const configPath = path.resolve(argv.config);
  let loaded;
  try {
    loaded = await inspectConfiguration(configPath);
  } catch (err) {
    if (isSyncError(err)) {
      io.stderr.write(`${terminalText(`${err.code}: ${err.reason}`)}\nRecommended action: ${terminalText(err.recommendedAction)}\n`);
      return 2;
    }
    throw err;
  }
  const { config, ruleSet, problems } = loaded;
  const out: string[] = [];
  out.push(`Configuration: ${loaded.configPath}`);
  out.push(`Rules: ${ruleSet.source === 'builtin' ? 'builtin (Entra Connect out-of-box rules)' : `server configuration ${typeof config.rules === 'object' ? config.rules.serverConfiguration : ''}`}`);
  if (loaded.serverConfiguration) {
    for (const c of loaded.serverConfiguration.connectors) {
      const partitions = c.partitions.map((p) => `${p.dn}${p.selected ? '' : ' (not selected)'}`).join(', ');
      out.push(`  connector ${c.name} (${c.kind}): ${c.partitions.length} partition(s)${partitions ? ` [${partitions}]` : ''}, ${c.runProfiles.length} run profile(s)`);
    }
  }
  // The summary reads the file as it is: with schema errors (listed below) any field may be of another type.
  for (const c of listOf(config.activeDirectory)) {
    const partitions = listOf(field(c, 'partitions')).map((p) => `${String(field(p, 'dn'))}${field(p, 'selected') ? '' : ' (not selected)'} +${listOf(field(p, 'inclusions')).length}/-${listOf(field(p, 'exclusions')).length}`).join(', ');
    const groupFilter = field(c, 'groupFilteringGroupDn');
    out.push(`AD connector ${String(field(c, 'name') ?? '(unnamed)')}: ${String(field(c, 'url') ?? field(c, 'ldifFile') ?? '(no source)')}; partitions: ${partitions || 'none'}; object types: ${listOf(field(c, 'objectTypes')).map(String).join(', ')}${groupFilter ? `; group filtering: ${String(groupFilter)}` : ''}`);
  }
  const counts = countRules(ruleSet);
  out.push(`Sync rules: ${ruleSet.rules.length} (${ruleSet.rules.filter((r) => r.disabled).length} disabled)`);
  for (const direction of ['inbound', 'outbound'] as const) {
    const entries = Object.entries(counts[direction]).sort(([a], [b]) => a.localeCompare(b));
    const total = entries.reduce((n, [, c]) => n + c, 0);
    out.push(`  ${direction}: ${total}${entries.length ? ` (${entries.map(([type, n]) => `${type} ${n}`).join(', ')})` : ''}`);
  }
  const expressions = ruleSet.rules.reduce((n, r) => n + r.flows.filter((f) => f.type === 'Expression').length, 0);
  out.push(`Expressions parsed: ${expressions}`);
  // Names come from the file and the export (a repository may hold either): never terminal controls.
  io.stdout.write(`${out.map(terminalText).join('\n')}\n`);

  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.filter((p) => p.severity === 'warning');
  for (const p of problems) io.stderr.write(`${terminalText(formatProblem(p))}\n`);
  io.stdout.write(errors.length ? `Configuration does not load: ${errors.length} error(s), ${warnings.length} warning(s).\n` : `Configuration is valid${warnings.length ? ` (${warnings.length} warning(s))` : ''}.\n`);
  return errors.length ? 2 : 0;
}
