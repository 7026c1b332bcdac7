// Loading the project's configuration file (single-object-sync.json): JSON schema validation
// with JSON paths and positions, defaults, paths resolved against the file's folder, and the
// rule set ("builtin" or a Get-ADSyncServerConfiguration export).
//
// With "rules": {"serverConfiguration": ...}, each AD connector whose name matches a connector
// of the export takes partitions, objectTypes and groupFilteringGroupDn from the export unless
// the JSON sets them (the JSON wins, field by field); parameters are merged key by key (the
// JSON wins). See README.md in this folder.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import schema from '../../../schemas/single-object-sync.schema.json';
import type { ActiveDirectoryConnectorConfig, SingleObjectSyncConfig } from './model';
import { formatProblem, type ConfigProblem } from './problems';
import { describeReadError, READ_LIMITS, readFileBounded } from '../../adapters/io/read-bounded';
import { parseJsonWithPositions, pointerToPath, JsonSyntaxError, type PositionedJson } from './json-positions';
import { elementPosition, expressionPosition, loadServerConfiguration, type ServerConfiguration } from './server-configuration';
import { SyncError } from '../../engine/errors/sync-error';
import { configErrors } from '../../engine/errors/catalog/config';
import { builtinRuleSet, createRuleSet, BUILTIN_ENTRA_CONNECTOR, type RuleSet, type RuleProblem } from '../../engine/rules';

export type { ConfigProblem } from './problems';
export { formatProblem } from './problems';
export type { ServerConfiguration, ExportedConnector, ExportedPartition } from './server-configuration';
export { loadServerConfiguration } from './server-configuration';

export interface LoadedConfiguration {
  config: SingleObjectSyncConfig;
  ruleSet: RuleSet;
  configPath: string;
  problems: ConfigProblem[];
  /** The export, when rules come from a server configuration. */
  serverConfiguration?: ServerConfiguration;
}

export interface ParsedConfiguration {
  /** The configuration with defaults applied and paths resolved (best effort when there are errors). */
  config: SingleObjectSyncConfig;
  problems: ConfigProblem[];
}

export const defaultObjectTypes = ['user', 'inetOrgPerson', 'group', 'contact', 'computer'];

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

function schemaProblems(errors: ErrorObject[], file: string, positions?: PositionedJson): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  const add = (pointer: string, message: string, atKey = false) => {
    const key = `${pointer}|${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    const position = (atKey ? positions?.keys.get(pointer) : undefined) ?? positions?.values.get(pointer);
    problems.push({ file, path: pointerToPath(pointer), message, severity: 'error', ...(position ?? {}) });
  };
  // oneOf on "rules" yields one error per branch; say it once, plainly.
  const rulesBranches = errors.some((e) => e.instancePath === '/rules' && e.keyword === 'oneOf');
  for (const e of errors) {
    if (rulesBranches && e.instancePath.startsWith('/rules') && !(e.keyword === 'additionalProperties' && e.instancePath === '/rules')) {
      if (e.keyword === 'oneOf') add('/rules', 'must be "builtin" or { "serverConfiguration": "<folder of a Get-ADSyncServerConfiguration export>" }');
      continue;
    }
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    switch (e.keyword) {
      case 'additionalProperties': {
        const name = String((e.params as { additionalProperty: string }).additionalProperty);
        add(`${e.instancePath}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, `unknown property "${name}"`, true);
        break;
      }
      case 'required':
        add(e.instancePath, `missing required property "${(e.params as { missingProperty: string }).missingProperty}"`);
        break;
      case 'type':
        add(e.instancePath, `must be of type ${String((e.params as { type: string | string[] }).type).replace(',', ' or ')}`);
        break;
      case 'pattern': {
        const hints: Record<string, string> = {
          '^ldaps?://': 'must start with ldaps:// or ldap://',
          '^https://': 'must be an https:// URL',
          '^[A-Za-z_][A-Za-z0-9_]*$': 'must be the NAME of an environment variable (letters, digits, _), never the secret itself',
          '=': 'must be a distinguished name (e.g. DC=corp,DC=contoso,DC=com)',
          '^[0-9A-Fa-f]{40}$': 'must be a SHA-1 thumbprint (40 hex digits)',
        };
        add(e.instancePath, hints[(e.params as { pattern: string }).pattern] ?? `must match ${(e.params as { pattern: string }).pattern}`);
        break;
      }
      default:
        add(e.instancePath, e.message ?? 'is invalid');
    }
  }
  return problems;
}

const resolvePath = (base: string, value: string | null | undefined) => (value ? path.resolve(base, value) : value);

/** Validate a parsed JSON configuration, apply defaults and resolve relative paths. */
export function parseConfiguration(json: unknown, configPath: string, positions?: PositionedJson): ParsedConfiguration {
  const file = path.resolve(configPath);
  const base = path.dirname(file);
  const problems: ConfigProblem[] = [];
  if (!validate(json)) problems.push(...schemaProblems(validate.errors ?? [], file, positions));
  const raw = (json && typeof json === 'object' ? json : {}) as Partial<SingleObjectSyncConfig> & Record<string, any>;
  const at = (pointer: string) => positions?.values.get(pointer) ?? {};

  const connectors: ActiveDirectoryConnectorConfig[] = (Array.isArray(raw.activeDirectory) ? raw.activeDirectory : []).map((c, i) => {
    const connector = { ...(c as ActiveDirectoryConnectorConfig) };
    if (connector && typeof connector === 'object') {
      if (!connector.url && !connector.ldifFile) {
        problems.push({ file, path: `$.activeDirectory[${i}]`, message: 'needs "url" (ldaps://...) or "ldifFile" (an LDIF snapshot)', severity: 'error', ...at(`/activeDirectory/${i}`) });
      }
      if (connector.url && connector.ldifFile) {
        problems.push({ file, path: `$.activeDirectory[${i}].ldifFile`, message: 'give either "url" or "ldifFile", not both', severity: 'error', ...at(`/activeDirectory/${i}/ldifFile`) });
      }
      if (typeof connector.ldifFile === 'string') connector.ldifFile = resolvePath(base, connector.ldifFile);
      if (typeof connector.tls?.caFile === 'string') connector.tls = { ...connector.tls, caFile: resolvePath(base, connector.tls.caFile) };
      if (Array.isArray(connector.partitions)) {
        connector.partitions = connector.partitions.filter((p) => p && typeof p === 'object').map((p) => ({ dn: p.dn, selected: p.selected ?? true, inclusions: p.inclusions ?? [], exclusions: p.exclusions ?? [] }));
      }
    }
    return connector;
  });
  const names = new Map<string, number>();
  connectors.forEach((c, i) => {
    const key = String(c?.name ?? '').toLowerCase();
    if (names.has(key)) problems.push({ file, path: `$.activeDirectory[${i}].name`, message: `duplicate connector name "${c.name}"`, severity: 'error', ...at(`/activeDirectory/${i}/name`) });
    names.set(key, i);
  });

  const entra = { authorityHost: 'https://login.microsoftonline.com', graphEndpoint: 'https://graph.microsoft.com', ...(raw.entra ?? {}) } as SingleObjectSyncConfig['entra'];
  if (typeof entra.certificateFile === 'string') entra.certificateFile = resolvePath(base, entra.certificateFile);
  if (typeof entra.caFile === 'string') entra.caFile = resolvePath(base, entra.caFile);
  if (raw.entra && entra.authMode === 'certificate' && !entra.certificateFile) {
    problems.push({ file, path: '$.entra.authMode', message: 'is "certificate" but no "certificateFile" is set', severity: 'error', ...at('/entra/authMode') });
  }
  if (raw.entra && !entra.authMode && !entra.clientSecretEnv && !entra.certificateFile) {
    problems.push({ file, path: '$.entra', message: 'names no credential: set "clientSecretEnv" (environment variable name) or "certificateFile", or "authMode": "deviceCode" to sign in as yourself', severity: 'warning', ...at('/entra') });
  }

  const rules = raw.rules ?? 'builtin';
  const config: SingleObjectSyncConfig = {
    ...(raw as SingleObjectSyncConfig),
    activeDirectory: connectors,
    entra,
    sourceAnchor: raw.sourceAnchor ?? 'mS-DS-ConsistencyGuid',
    rules: typeof rules === 'object' && rules && typeof rules.serverConfiguration === 'string' ? { serverConfiguration: path.resolve(base, rules.serverConfiguration) } : rules,
    stateDir: typeof raw.stateDir === 'string' || raw.stateDir === undefined ? path.resolve(base, raw.stateDir ?? '.single-object-sync/state') : raw.stateDir,
    reportDir: typeof raw.reportDir === 'string' || raw.reportDir === undefined ? path.resolve(base, raw.reportDir ?? '.single-object-sync/reports') : raw.reportDir,
  };
  delete (config as unknown as Record<string, unknown>).$schema;
  return { config, problems };
}

/** Fill connector scope from the export (JSON wins field by field) and check what is still missing. */
function applyServerConfiguration(config: SingleObjectSyncConfig, exported: ServerConfiguration | undefined, file: string, problems: ConfigProblem[], positions?: PositionedJson): void {
  config.activeDirectory.forEach((connector, i) => {
    const match = exported?.connectors.find((c) => c.kind === 'activeDirectory' && c.name.toLowerCase() === String(connector.name).toLowerCase());
    if (exported && !match) {
      const names = exported.connectors.filter((c) => c.kind === 'activeDirectory').map((c) => c.name);
      problems.push({ file, path: `$.activeDirectory[${i}].name`, message: `no AD connector named "${connector.name}" in the server configuration (it has: ${names.join(', ') || 'none'}); the connector's scope comes from this file only`, severity: 'warning', ...(positions?.values.get(`/activeDirectory/${i}/name`) ?? {}) });
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

function ruleProblem(exported: ServerConfiguration | undefined, problem: RuleProblem): ConfigProblem {
  const file = exported?.ruleFiles.get(problem.rule) ?? '(built-in rules)';
  return { file, path: `${problem.rule}: ${problem.location}`, message: problem.error.reason, severity: 'error' };
}

async function buildRuleSet(config: SingleObjectSyncConfig, file: string, problems: ConfigProblem[], positions?: PositionedJson): Promise<{ ruleSet: RuleSet; exported?: ServerConfiguration }> {
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
    const entraConnector = exported.connectors.find((c) => c.kind === 'entra')?.name ?? BUILTIN_ENTRA_CONNECTOR;
    const pending: { problem: ConfigProblem; target?: string; column?: number; operator?: string }[] = [];
    const definitions = new Map(exported.rules.map((r) => [r.name, r]));
    const ruleSet = createRuleSet('serverConfiguration', exported.rules, {
      entraConnector,
      globalSettings: exported.globalSettings,
      onProblem: (p) => {
        const problem = ruleProblem(exported, p);
        problems.push(problem);
        // Point at the <expression> element of the mapping, and the column inside it.
        const target = /^flows\[(.+)\]\.expression$/.exec(p.location)?.[1];
        if (target && problem.file.toLowerCase().endsWith('.xml')) {
          problem.path = `${p.rule}: mapping[${target}]/expression`;
          pending.push({ problem, target, ...(p.column !== undefined ? { column: p.column } : {}) });
        }
        const scope = /^scope\[(\d+)\]\[(\d+)\]$/.exec(p.location);
        if (scope && problem.file.toLowerCase().endsWith('.xml')) {
          const operator = definitions.get(p.rule)?.scope[Number(scope[1])]?.[Number(scope[2])]?.operator;
          problem.path = `${p.rule}: synchronizationCriteria/conditions[${Number(scope[1]) + 1}]/scope[${Number(scope[2]) + 1}]/csOperator`;
          if (operator) pending.push({ problem, operator });
        }
      },
    });
    for (const { problem, target, column, operator } of pending) {
      try {
        const xml = await readFile(problem.file, 'utf8');
        const at = target !== undefined ? expressionPosition(xml, target) : elementPosition(xml, 'csOperator', operator ?? '');
        if (at) Object.assign(problem, { line: at.line, column: at.column + (column ?? 1) - 1 });
      } catch {
        // the position stays unknown
      }
    }
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

/** Read, validate and resolve everything; throws SyncError (ConfigurationInvalid ...) when there are errors. */
export async function loadConfiguration(configPath: string): Promise<LoadedConfiguration> {
  const result = await inspectConfiguration(configPath);
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    throw new SyncError(configErrors.ConfigurationInvalid, {
      file: result.configPath,
      count: errors.length,
      summary: errors.slice(0, 5).map(formatProblem).join('; ') + (errors.length > 5 ? '; ...' : ''),
      problems: errors,
    });
  }
  return result;
}

/**
 * Like loadConfiguration but never throws for problems in the files: returns them all (for
 * --validate-config and the editor). Throws SyncError when the file cannot be read or is not JSON.
 */
export async function inspectConfiguration(configPath: string): Promise<LoadedConfiguration> {
  const file = path.resolve(configPath);
  let text: string;
  try {
    text = (await readFileBounded(file, READ_LIMITS.configuration)).toString('utf8');
  } catch (err) {
    throw new SyncError(configErrors.ConfigurationNotFound, { file, cause: describeReadError(err) });
  }
  let positioned: PositionedJson;
  try {
    positioned = parseJsonWithPositions(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new SyncError(configErrors.ConfigurationNotJson, { file, line: err.position.line, column: err.position.column, problem: err.message });
    throw err;
  }
  const { config, problems } = parseConfiguration(positioned.value, file, positioned);
  const { ruleSet, exported } = await buildRuleSet(config, file, problems, positioned);
  applyServerConfiguration(config, exported, file, problems, positioned);
  return { config, ruleSet, configPath: file, problems, ...(exported ? { serverConfiguration: exported } : {}) };
}
