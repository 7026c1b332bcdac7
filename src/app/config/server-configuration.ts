// Reads a Get-ADSyncServerConfiguration export folder: Connectors/*.xml (connectors with their
// partitions, object-class filter, container inclusions/exclusions, run profiles and global
// parameters), SynchronizationRules/*.xml and GlobalSettings/MV.xml (global settings). Where a
// rule's expressions and scope operators are comes from the parser (each element's start in
// the file), for problems that name a line and column.
import { readdir } from 'node:fs/promises';
import { decodeText } from '../../adapters/io/decode-text';
import { READ_LIMITS, readFileBounded } from '../../adapters/io/read-bounded';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { PartitionConfig } from './model';
import type { ConfigProblem } from './problems';
import { SyncError } from '../../engine/errors/sync-error';
import { configErrors } from '../../engine/errors/catalog/config';
import type { FlowDefinition, JoinCondition, MergeType, RuleDefinition, ScopeClause, ScopeOperator } from '../../engine/rules/model';

export interface ExportedPartition extends PartitionConfig {
  id: string;
  isDomain: boolean;
  /** Partition parameters: Domain.FQDN, Domain.Netbios, Domain.LDAP. */
  parameters: Record<string, string>;
}

export interface ExportedRunProfile {
  name: string;
  steps: { type: string; partitionId: string }[];
}

export interface ExportedConnector {
  id: string;
  name: string;
  kind: 'activeDirectory' | 'entra' | 'other';
  category: string;
  subtype: string;
  file: string;
  partitions: ExportedPartition[];
  /** Object-class filter of the selected partitions (the connector's object type inclusion list). */
  objectTypes: string[];
  groupFilteringGroupDn: string | null;
  /** Attributes the connector imports (its attribute inclusion list). */
  attributeInclusion: string[];
  /** Global parameters (Forest.FQDN, Connector.GroupFilteringGroupDn, ...) and Connector.ID. */
  parameters: Record<string, string>;
  runProfiles: ExportedRunProfile[];
}

export interface Position {
  line: number;
  column: number;
}

/** Where a rule's parts are in its file (from the parser), for problem positions. */
export interface RulePositions {
  /** Target attribute of a mapping -> where the text of its <expression> starts. */
  expressions: Map<string, Position>;
  /** [condition group][scope clause] -> its <csOperator> element. */
  operators: Array<Array<Position | undefined>>;
}

export interface ServerConfiguration {
  folder: string;
  connectors: ExportedConnector[];
  rules: RuleDefinition[];
  /** Where each rule came from, for problem positions: rule name -> file. */
  ruleFiles: Map<string, string>;
  /** Where each rule's expressions and scope operators are in its file: rule name -> positions. */
  rulePositions: Map<string, RulePositions>;
  globalSettings: Record<string, string>;
  problems: ConfigProblem[];
}

const arrays = new Set(['attribute', 'mapping', 'attr', 'conditions', 'condition', 'scope', 'partition', 'object-class', 'inclusion', 'exclusion', 'parameter', 'run-configuration', 'step']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => arrays.has(name),
  // Each element object carries its start and end in the text (XMLParser.getMetaDataSymbol()).
  captureMetaData: true,
});
const metaData = XMLParser.getMetaDataSymbol() as unknown as string;

/** Where a child element starts inside an element the parser located (its text start with `inside`). */
function positionIn(xml: string, element: Node, tag: string, inside = false): Position | undefined {
  const range = element[metaData] as { startIndex?: number; endIndex?: number } | undefined;
  if (range?.startIndex === undefined) return undefined;
  const at = xml.slice(range.startIndex, range.endIndex).indexOf(`<${tag}>`);
  return at < 0 ? undefined : lineOf(xml, range.startIndex + at + (inside ? tag.length + 2 : 0));
}

type Node = Record<string, any>;
const str = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return str((v as Node)['#text']);
  return String(v);
};
const list = (v: unknown): Node[] => (Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v]);
const normalizeId = (id: string) => id.trim().replace(/^\{|\}$/g, '').toLowerCase();

function lineOf(text: string, index: number): Position {
  let line = 1;
  let last = -1;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: index - last };
}

/** Drop the DSML schema (most of a connector file) before parsing: nothing here needs it. */
function withoutSchema(xml: string): string {
  const start = xml.indexOf('<schema>');
  const end = xml.lastIndexOf('</schema>');
  return start >= 0 && end > start ? xml.slice(0, start) + xml.slice(end + '</schema>'.length) : xml;
}

function parameterMap(nodes: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list(nodes)) {
    const name = str(p['@name']);
    if (name && p['@encrypted'] !== '1') out[name] = str(p['#text'] ?? '');
  }
  return out;
}

export function parseConnector(xml: string, file: string): ExportedConnector {
  const doc = parser.parse(withoutSchema(xml)) as Node;
  const ma = doc['ma-data'] as Node | undefined;
  if (!ma) throw new Error('no <ma-data> element');
  const id = normalizeId(str(ma.id));
  const category = str(ma.category);
  const subtype = str(ma.subtype);
  const kind = category.toUpperCase() === 'AD' ? 'activeDirectory' : /azure active directory|entra/i.test(subtype) || /azure active directory|entra/i.test(str(ma['ma-listname'])) ? 'entra' : 'other';
  const adma = ma['private-configuration']?.['adma-configuration'] as Node | undefined;
  const globals = parameterMap(adma?.['parameter-values']?.parameter);
  const parameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(globals)) if (/^[A-Z][A-Za-z]*\./.test(name) || /^ADS_/.test(name)) parameters[name] = value;
  parameters['Connector.ID'] = `{${id.toUpperCase()}}`;

  const partitions: ExportedPartition[] = list(ma['ma-partition-data']?.partition).map((p) => {
    const custom = p['custom-data']?.['adma-partition-data'] as Node | undefined;
    const filter = p.filter as Node | undefined;
    const partitionParameters = parameterMap(p['parameter-values']?.parameter);
    const keep: Record<string, string> = {};
    for (const [name, value] of Object.entries(partitionParameters)) if (/^Domain\./.test(name)) keep[name] = value;
    return {
      id: normalizeId(str(p.id)),
      dn: str(custom?.dn) || str(p.name),
      selected: str(p.selected) === '1' || str(p.selected).toLowerCase() === 'true',
      inclusions: list(filter?.containers?.inclusions?.inclusion).map(str).filter(Boolean),
      exclusions: list(filter?.containers?.exclusions?.exclusion).map(str).filter(Boolean),
      isDomain: str(custom?.['is-domain']) === '1',
      parameters: keep,
      objectClasses: list(filter?.['object-classes']?.['object-class']).map(str).filter(Boolean),
    } as ExportedPartition & { objectClasses: string[] };
  });
  const objectTypes = [...new Set(partitions.filter((p) => p.selected).flatMap((p) => (p as ExportedPartition & { objectClasses: string[] }).objectClasses))];
  for (const p of partitions) delete (p as Partial<ExportedPartition & { objectClasses: string[] }>).objectClasses;

  const runProfiles: ExportedRunProfile[] = list(ma['ma-run-data']?.['run-configuration']).map((rc) => ({
    name: str(rc.name),
    steps: list(rc.configuration?.step).map((s) => ({ type: str(s['step-type']?.['@type']), partitionId: normalizeId(str(list(s.partition)[0])) })),
  }));

  const groupFilteringGroupDn = globals['Connector.GroupFilteringGroupDn']?.trim() || null;
  const attributeInclusion = list(ma['attribute-inclusion']?.attribute).map(str).filter(Boolean);
  return { id, name: str(ma.name), kind, category, subtype, file, partitions, objectTypes, groupFilteringGroupDn, attributeInclusion, parameters, runProfiles };
}

const mergeTypes: Record<string, MergeType> = { update: 'Update', merge: 'Merge', mergecaseinsensitive: 'MergeCaseInsensitive' };

/** A rule as the project's RuleDefinition (connector stays the export's connector id until resolved), and where its parts are. */
export function parseSyncRule(xml: string, file: string, problems: ConfigProblem[]): { rule: RuleDefinition; positions: RulePositions } | null {
  const doc = parser.parse(xml) as Node;
  const r = doc.synchronizationRule as Node | undefined;
  if (!r) {
    problems.push({ file, message: 'no <synchronizationRule> element', severity: 'error' });
    return null;
  }
  const name = str(r.name);
  const problem = (pathText: string, message: string, severity: 'error' | 'warning' = 'error', tag?: string) => {
    const at = tag ? positionIn(xml, r, tag) : undefined;
    problems.push({ file, path: pathText, message, severity, ...(at ?? {}) });
  };
  const direction = str(r.direction).toLowerCase();
  if (direction !== 'inbound' && direction !== 'outbound') problem('direction', `rule "${name}": direction "${str(r.direction)}" is neither Inbound nor Outbound`, 'error', 'direction');
  const linkType = str(r.linkType);
  // StickyJoin (the Synchronization Rules Editor's third link type) joins as Join does; what it
  // changes is that a joined object stays joined when it leaves the rule's scope. [inferred]
  if (linkType !== 'Join' && linkType !== 'Provision' && linkType !== 'StickyJoin') problem('linkType', `rule "${name}": link type "${linkType}" is neither Join, StickyJoin nor Provision`, 'error', 'linkType');

  const positions: RulePositions = { expressions: new Map(), operators: [] };
  const scope: ScopeClause[][] = list(r.synchronizationCriteria?.conditions).map((group) => {
    positions.operators.push(list(group.scope).map((s) => positionIn(xml, s, 'csOperator')));
    return list(group.scope).map((s) => ({ attribute: str(s.csAttribute), operator: str(s.csOperator).toUpperCase() as ScopeOperator, value: str(s.csValue) }));
  });
  const join: JoinCondition[][] = list(r.relationshipCriteria?.conditions).map((group) =>
    list(group.condition).map((c) => ({
      source: str(c.csAttribute),
      target: str(c.ilmAttribute),
      ...(str(c.caseSensitive) ? { caseSensitive: str(c.caseSensitive).toLowerCase() === 'true' } : {}),
    })),
  );
  const flows: FlowDefinition[] = list(r['attribute-mappings']?.mapping).map((m) => {
    const target = str(m.dest);
    const mergeType = mergeTypes[str(m.valueMergeType).toLowerCase()] ?? 'Update';
    const attrs = typeof m.src === 'object' && m.src !== null ? list(m.src.attr).map(str) : [];
    const applyOnce = ['true', '1'].includes(str(m['@execute-once'] ?? m.executeOnce).toLowerCase());
    const base = { target, mergeType, ...(applyOnce ? { applyOnce } : {}) };
    if (m.expression !== undefined && str(m.expression) !== '') {
      const at = positionIn(xml, m, 'expression', true);
      if (at && !positions.expressions.has(target)) positions.expressions.set(target, at);
      return { ...base, type: 'Expression', expression: str(m.expression), source: attrs };
    }
    if (attrs.length > 0) return { ...base, type: 'Direct', source: attrs };
    return { ...base, type: 'Constant', value: str(m.src) };
  });
  const precedence = Number(str(r.precedence));
  if (!Number.isFinite(precedence)) problem('precedence', `rule "${name}": precedence "${str(r.precedence)}" is not a number`, 'error', 'precedence');
  const rule: RuleDefinition = {
    name,
    id: normalizeId(str(r.id)),
    ...(str(r.description) ? { description: str(r.description) } : {}),
    ...(str(r['immutable-tag']) ? { immutableTag: str(r['immutable-tag']) } : {}),
    direction: direction === 'outbound' ? 'outbound' : 'inbound',
    connector: normalizeId(str(r.connector)),
    connectorKind: 'activeDirectory',
    sourceObjectType: str(r.sourceObjectType),
    targetObjectType: str(r.targetObjectType),
    linkType: linkType === 'Provision' ? 'Provision' : 'Join',
    precedence,
    disabled: str(r.disabled).toLowerCase() === 'true',
    enablePasswordSync: str(r.EnablePasswordSync).toLowerCase() === 'true',
    scope,
    join,
    flows,
  };
  return { rule, positions };
}

export function parseGlobalSettings(xml: string): Record<string, string> {
  const doc = parser.parse(xml) as Node;
  const settings: Record<string, string> = {};
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Node)) {
      if (key === 'parameter') Object.assign(settings, parameterMap(value));
      else if (key !== 'schema') for (const child of Array.isArray(value) ? value : [value]) walk(child);
    }
  };
  walk(doc);
  return settings;
}

async function xmlFiles(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).filter((f) => f.toLowerCase().endsWith('.xml')).sort().map((f) => path.join(folder, f));
  } catch {
    return [];
  }
}

/** One file of the export: bounded (a folder may hold anything), UTF-8 or UTF-16 with its byte-order mark. */
async function readExportFile(file: string): Promise<string> {
  return decodeText(await readFileBounded(file, READ_LIMITS.serverConfigurationFile));
}

export async function loadServerConfiguration(folder: string): Promise<ServerConfiguration> {
  try {
    await readdir(folder);
  } catch (err) {
    throw new SyncError(configErrors.ServerConfigurationNotFound, { folder, cause: (err as Error).message });
  }
  const problems: ConfigProblem[] = [];
  const connectors: ExportedConnector[] = [];
  for (const file of await xmlFiles(path.join(folder, 'Connectors'))) {
    try {
      connectors.push(parseConnector(await readExportFile(file), file));
    } catch (err) {
      problems.push({ file, message: `connector cannot be read: ${(err as Error).message}`, severity: 'error' });
    }
  }
  if (connectors.length === 0) problems.push({ file: path.join(folder, 'Connectors'), message: 'no connector (Connectors/*.xml) found in the export', severity: 'error' });

  const byId = new Map(connectors.map((c) => [c.id, c]));
  const rules: RuleDefinition[] = [];
  const ruleFiles = new Map<string, string>();
  const rulePositions = new Map<string, RulePositions>();
  const ruleFileList = await xmlFiles(path.join(folder, 'SynchronizationRules'));
  if (ruleFileList.length === 0) problems.push({ file: path.join(folder, 'SynchronizationRules'), message: 'no synchronization rule (SynchronizationRules/*.xml) found in the export', severity: 'error' });
  for (const file of ruleFileList) {
    let parsed: ReturnType<typeof parseSyncRule>;
    try {
      parsed = parseSyncRule(await readExportFile(file), file, problems);
    } catch (err) {
      problems.push({ file, message: `rule cannot be read: ${(err as Error).message}`, severity: 'error' });
      continue;
    }
    if (!parsed) continue;
    const { rule } = parsed;
    rulePositions.set(rule.name, parsed.positions);
    const connector = byId.get(rule.connector);
    if (connector) {
      rule.connector = connector.name;
      rule.connectorKind = connector.kind === 'entra' ? 'entra' : 'activeDirectory';
    } else {
      problems.push({ file, path: 'connector', message: `rule "${rule.name}" names connector {${rule.connector}}, which is not in the export; the rule never applies`, severity: 'warning' });
    }
    rules.push(rule);
    ruleFiles.set(rule.name, file);
  }

  let globalSettings: Record<string, string> = {};
  const mvFile = path.join(folder, 'GlobalSettings', 'MV.xml');
  try {
    globalSettings = parseGlobalSettings(await readExportFile(mvFile));
  } catch (err) {
    problems.push({ file: mvFile, message: `global settings cannot be read: ${(err as Error).message}`, severity: 'warning' });
  }
  return { folder, connectors, rules, ruleFiles, rulePositions, globalSettings, problems };
}
