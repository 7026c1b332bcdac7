// Reads a Get-ADSyncServerConfiguration export folder: Connectors/*.xml (connectors with their
// partitions, object-class filter, container inclusions/exclusions, run profiles and global
// parameters), SynchronizationRules/*.xml and GlobalSettings/MV.xml (global settings). Where a
// rule's expressions and scope operators are comes from the parser (each element's start in
// the file), for problems that name a line and column. Every file is checked to be well-formed
// XML first: fast-xml-parser's parse is lenient (a cut-short file parses as a smaller rule).
import { readdir } from 'node:fs/promises';
import { READ_LIMITS, readFileBounded } from '../../adapters/io/read-bounded';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { PartitionConfig } from './model';
import type { ConfigProblem } from './problems';
import { SyncError } from '../../engine/errors/sync-error';
import { Dn } from '../../engine/model/dn';
import { configErrors } from '../../engine/errors/catalog/config';
import { exportAbove, exportsBelow, whyNotAnExportFolder } from './export-folder';
import { decodeExportFile, ExportFileNotText, NOT_UNICODE } from './export-text';
import { lazyLineIndex, type Position } from './line-index';
import { withDocumentedGroupMailEnabled } from '../../engine/rules/builtin';
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
  /**
   * Whether the file has <ma-run-data> at all. Without it (a connector file cut down, or written
   * by another tool) the run profiles are unknown, not none: the check that every run profile
   * covers the object's partition is not made. Present and empty: the connector has none.
   */
  runProfilesExported: boolean;
}

export type { Position } from './line-index';

/** Where a rule's parts are in its file (from the parser), for problem positions. */
export interface RulePositions {
  /** Target attribute of a mapping -> where the text of its <expression> starts. */
  expressions: Map<string, Position>;
  /** [condition group][scope clause] -> its <csOperator> element. */
  operators: Array<Array<Position | undefined>>;
  /** The <linkType> element. */
  linkType?: Position;
}

export interface ServerConfiguration {
  folder: string;
  connectors: ExportedConnector[];
  rules: RuleDefinition[];
  /**
   * Where each rule came from, for problem positions: rule (an object of `rules`) -> file. Keyed
   * by the rule, not its name: a multi-forest server has the out-of-box rules once per AD
   * connector, with the same names.
   */
  ruleFiles: Map<RuleDefinition, string>;
  /** Where each rule's expressions and scope operators are in its file: rule (an object of `rules`) -> positions. */
  rulePositions: Map<RuleDefinition, RulePositions>;
  globalSettings: Record<string, string>;
  /** GlobalSettings/MV.xml as the folder spells it (MV.XML on some servers), for problems that name it. */
  globalSettingsFile?: string;
  problems: ConfigProblem[];
}

/** The problem code of an export file that is not well-formed XML (ConfigProblem.code). */
export const NOT_WELL_FORMED = 'ServerConfigurationFileNotWellFormed';
/**
 * The problem code of an export file with a document type declaration (<!DOCTYPE ...>).
 * Get-ADSyncServerConfiguration writes none; its entities could name other files (an external
 * entity: /etc/passwd) or expand without bound (nested entities), so such a file is refused
 * before parsing, whatever its entities are, and nothing of it is read.
 */
export const HAS_DTD = 'ServerConfigurationFileHasDtd';
/** The problem code of two rule files with the same rule id (a file copied beside its original). */
export const DUPLICATE_RULE_ID = 'ServerConfigurationDuplicateRuleId';
/**
 * The problem code of two connector files with one connector name (compared without case, as the
 * sync engine compares them): rules bind to a connector by name here, so both connectors' rules
 * and attribute lists would apply to the objects of each.
 */
export const DUPLICATE_CONNECTOR_NAME = 'ServerConfigurationDuplicateConnectorName';
/** The problem code of two connector files with one connector id: rules name their connector by id. */
export const DUPLICATE_CONNECTOR_ID = 'ServerConfigurationDuplicateConnectorId';
/** The problem code of a partition or container of a connector that is not a distinguished name. */
export const CONTAINER_NOT_DN = 'ServerConfigurationContainerNotDn';
/** The problem code of an export file whose bytes are not text in its encoding (a file saved again as Windows-1252). */
export { NOT_UNICODE } from './export-text';
/**
 * The problem code (a warning) of a connector that is neither Active Directory nor Microsoft
 * Entra (Generic SQL, Generic LDAP, ...): this tool reads only those two, so its rules are left
 * out, named with their count.
 */
export const CONNECTOR_NOT_SUPPORTED = 'ServerConfigurationConnectorNotSupported';
/** The problem code (a warning) of an enabled rule whose link type is StickyJoin, evaluated as a Join. */
export const STICKY_JOIN = 'ServerConfigurationStickyJoin';
/** The problem code of a Provision rule whose metaverse object type is "*" (Entra Connect allows it on Join rules only). */
export const PROVISION_ANY_TYPE = 'ServerConfigurationProvisionAnyObjectType';
/** The problem code of an outbound rule whose metaverse object type is "*" ("MV object type * cannot be used for outbound rules."). */
export const OUTBOUND_ANY_TYPE = 'ServerConfigurationOutboundAnyObjectType';
/** The problem code of a rule with metaverse object type "*" and attribute flows ("Rules using MV object type * must not contain attribute flows."). */
export const ANY_TYPE_FLOWS = 'ServerConfigurationAnyObjectTypeFlows';
/**
 * The problem code (a warning) of a GlobalSettings/MV.xml that holds no Microsoft.* global
 * setting (a file of another tool, or cut down): the settings it would hold keep their defaults.
 */
export const NO_GLOBAL_SETTINGS = 'ServerConfigurationNoGlobalSettings';

/**
 * The problem code of a rule without a part every rule of Entra Connect has: its source or target
 * object type, a mapping's target attribute (<dest>), a scoping clause's attribute, a join
 * condition's attributes. Such a rule (an export edited by hand, or cut down) would never apply,
 * or apply to what no server holds, without a word: it is said, and the configuration does not load.
 */
export const RULE_INCOMPLETE = 'ServerConfigurationRuleIncomplete';

/** An export file that is not well-formed XML (or has a DTD: `code`), with where (1-based line and column). */
export class NotWellFormedXml extends Error {
  constructor(readonly reason: string, readonly line?: number, readonly column?: number, readonly code: string = NOT_WELL_FORMED) {
    super(`${code === HAS_DTD ? 'XML with a document type declaration' : 'not well-formed XML'}${line !== undefined ? ` (line ${line}${column !== undefined ? `, column ${column}` : ''})` : ''}: ${reason}`);
  }
}

const xmlEntities = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
/** XML 1.0's Char production: what a character reference may name. */
const xmlChar = (cp: number) => cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);

/**
 * Why the text is not well-formed XML, or undefined when it is. XMLValidator checks the tags,
 * attributes and the syntax of references; what it lets through and XML forbids is checked
 * here: a named entity XML does not predefine (&nbsp; is HTML; a file cannot declare one, as a
 * DTD is refused: HAS_DTD), and a character reference to a character XML 1.0 does not allow (&#0;).
 */
export function notWellFormed(xml: string): NotWellFormedXml | undefined {
  // Positions are only asked for the problem found: a reference that is XML costs no line count.
  const lineOf = lazyLineIndex(xml);
  const result = XMLValidator.validate(xml);
  if (result !== true) {
    const { msg, line, col } = result.err;
    if (/^Start tag expected/.test(msg)) return new NotWellFormedXml('the file holds no XML element (it is empty or not XML)', 1, 1);
    // Elements still open at the end: the validator lists them; the position is the file's end.
    const open = /^Invalid '(\[.*\])' found\.$/s.exec(msg)?.[1];
    if (open) {
      const names = (JSON.parse(open) as string[]).reverse().map((n) => `</${n}>`).join(', ');
      const end = lineOf(xml.trimEnd().length);
      return new NotWellFormedXml(`the file ends before ${names}: it is cut short or an element is not closed`, end.line, end.column);
    }
    return new NotWellFormedXml(msg.replace(/\.$/, ''), line, col);
  }
  // A DTD, outside comments and CDATA: refused (see HAS_DTD), entities unread and unexpanded.
  for (const m of xml.matchAll(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<!DOCTYPE\b/gi)) {
    if (!/^<!DOCTYPE/i.test(m[0])) continue;
    const at = lineOf(m.index);
    return new NotWellFormedXml('the file declares a DTD (<!DOCTYPE ...>), which Get-ADSyncServerConfiguration never writes; its entities are not read or expanded', at.line, at.column, HAS_DTD);
  }
  for (const m of xml.matchAll(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|&(#[xX][0-9a-fA-F]+|#[0-9]+|[^\s&;<]+);/g)) {
    const ref = m[1];
    if (ref === undefined) continue; // a comment or CDATA section: its text is not markup
    if (ref.startsWith('#')) {
      const cp = /^#[xX]/.test(ref) ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!xmlChar(cp)) {
        const at = lineOf(m.index);
        return new NotWellFormedXml(`&${ref}; refers to a character XML does not allow`, at.line, at.column);
      }
    } else if (!xmlEntities.has(ref)) {
      const at = lineOf(m.index);
      return new NotWellFormedXml(`&${ref}; is not an XML entity (XML has &amp; &lt; &gt; &quot; &apos; and character references such as &#233;)`, at.line, at.column);
    }
  }
  return undefined;
}

/** Parse an export file, refusing one that is not well-formed XML. */
function parseXml(xml: string): Node {
  const problem = notWellFormed(xml);
  if (problem) throw problem;
  return parser.parse(xml) as Node;
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
  // Character references (&#xD;&#xA;, &#233;) are XML and decode; the option's name says HTML
  // because it also knows HTML's names (&nbsp;), which notWellFormed refuses before parsing.
  htmlEntities: true,
});
const metaData = XMLParser.getMetaDataSymbol() as unknown as string;

/**
 * Where a child element starts inside an element the parser located (its text start with
 * `inside`), as a line and column of the file (`lineOf`: one LineIndex per file, never a count
 * from the file's start per position). Searched between the element's start and end only.
 */
function positionIn(xml: string, lineOf: (index: number) => Position, element: Node, tag: string, inside = false): Position | undefined {
  const range = element[metaData] as { startIndex?: number; endIndex?: number } | undefined;
  if (range?.startIndex === undefined) return undefined;
  // The element's own text: a child it lacks is not found in the elements after it, and the
  // search costs the element's length (the mappings of a rule: the rule's length in all). Without
  // its end (a parser that does not say it), from its start, never a copy of the rest of the file.
  const needle = `<${tag}>`;
  const at = range.endIndex === undefined ? xml.indexOf(needle, range.startIndex) : xml.slice(range.startIndex, range.endIndex).indexOf(needle) + range.startIndex;
  return at < range.startIndex ? undefined : lineOf(at + (inside ? needle.length : 0));
}

type Node = Record<string, any>;
const str = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return str((v as Node)['#text']);
  return String(v);
};
const list = (v: unknown): Node[] => (Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v]);
const ordinal = (n: number) => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
const normalizeId = (id: string) => id.trim().replace(/^\{|\}$/g, '').toLowerCase();

/** Drop the DSML schema (most of a connector file) before parsing: nothing here needs it. */
function withoutSchema(xml: string, instead: (schema: string) => string = () => ''): string {
  const start = xml.indexOf('<schema>');
  const end = xml.lastIndexOf('</schema>');
  if (start < 0 || end <= start) return xml;
  const after = end + '</schema>'.length;
  return xml.slice(0, start) + instead(xml.slice(start, after)) + xml.slice(after);
}

function parameterMap(nodes: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list(nodes)) {
    const name = str(p['@name']);
    if (name && p['@encrypted'] !== '1') out[name] = str(p['#text'] ?? '');
  }
  return out;
}

/**
 * The connector type of Entra Connect's Microsoft Entra connector, as exports write it: the
 * category Extensible2 (an ECMA2 connector) and the subtype "Windows Azure Active Directory
 * (Microsoft)", the ADSync object model's name for it, kept through the product's renames (a later
 * build may write "Azure Active Directory" or "Microsoft Entra ID"): those words, as whole words.
 */
const ENTRA_SUBTYPE = /(?:^|[^A-Za-z0-9])(?:(?:Windows )?Azure Active Directory|Microsoft Entra(?: ID)?|Entra ID)(?![A-Za-z0-9])/i;
/** The extension of the Microsoft Entra connector (<extension-config><filename>), for a file without a subtype. */
const ENTRA_CONNECTOR_EXTENSION = 'microsoft.azure.activedirectory.connector.dll';

/**
 * Active Directory (category AD), Microsoft Entra (category Extensible2 and the Entra connector's
 * extension, or without an extension its subtype), or another connector. Told by the connector's
 * type only: its name and its list name (<ma-listname>, "Centralized HR (Contoso)" on a Generic
 * SQL connector) are not what it is, and a connector taken for Entra by a word in them would have
 * its rules used in place of the real Entra connector's.
 */
function connectorKind(ma: Node, category: string, subtype: string): ExportedConnector['kind'] {
  if (category.toUpperCase() === 'AD') return 'activeDirectory';
  if (category.toLowerCase() !== 'extensible2') return 'other';
  // The connector's code says what it is; its subtype, a display text, only when no code is named.
  const extension = str(ma['private-configuration']?.MAConfig?.['extension-config']?.filename).trim().toLowerCase();
  if (extension !== '') return extension === ENTRA_CONNECTOR_EXTENSION ? 'entra' : 'other';
  return ENTRA_SUBTYPE.test(subtype) ? 'entra' : 'other';
}

export function parseConnector(xml: string, file: string): ExportedConnector {
  // The DSML schema (most of a connector file, and never read) is checked as blank space: the
  // check of the rest keeps its lines and columns, at a tenth of the cost.
  const problem = notWellFormed(withoutSchema(xml, (schema) => schema.split('\n').map((line) => ' '.repeat(line.length)).join('\n')));
  if (problem) throw problem;
  const doc = parser.parse(withoutSchema(xml)) as Node;
  // Get-ADSyncServerConfiguration writes <ma-data> as the root; the Synchronization Service
  // Manager's "Export Connector" (and MIM's svrexport, MA-{id}.XML) wraps the same element in
  // <saved-ma-configuration>: a connector file an engineer exported alone and put in Connectors/.
  const ma = (doc['ma-data'] ?? (doc['saved-ma-configuration'] as Node | undefined)?.['ma-data']) as Node | undefined;
  if (!ma || typeof ma !== 'object') throw new Error('no <ma-data> element (a connector file holds <ma-data>, alone or inside <saved-ma-configuration>)');
  const id = normalizeId(str(ma.id));
  const category = str(ma.category);
  const subtype = str(ma.subtype);
  const kind = connectorKind(ma, category, subtype);
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
  const runProfilesExported = ma['ma-run-data'] !== undefined;
  return { id, name: str(ma.name), kind, category, subtype, file, partitions, objectTypes, groupFilteringGroupDn, attributeInclusion, parameters, runProfiles, runProfilesExported };
}

/**
 * A partition or container filter entry that is not a distinguished name (e.g. a GUID) cannot be
 * compared with an object's DN: every object's partition and OU checks would fail on it. Said
 * at load, naming the connector file and the partition.
 */
function containerProblems(connector: ExportedConnector): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const partition of connector.partitions) {
    const entries: Array<[string, string]> = [['partition', partition.dn], ...partition.inclusions.map((c): [string, string] => ['inclusion', c]), ...partition.exclusions.map((c): [string, string] => ['exclusion', c])];
    for (const [what, text] of entries) {
      const parsed = Dn.tryParse(text);
      if (parsed.ok) continue;
      problems.push({
        file: connector.file, path: `ma-partition-data/partition[${partition.dn || partition.id}]/${what}`, severity: 'error', code: CONTAINER_NOT_DN,
        message: `${CONTAINER_NOT_DN}: connector "${connector.name}": the ${what} "${text}" is not a distinguished name (${parsed.error.reason}); Entra Connect's partitions and OU filters name containers by DN. Correct it or export the configuration again`,
      });
    }
  }
  return problems;
}

/**
 * A connector neither AD nor Entra (Generic SQL, Generic LDAP, ...) whose rules are left out: which,
 * how many and why, as one warning at the connector's file.
 */
function notSupportedConnectorProblem(connector: ExportedConnector, rules: RuleDefinition[]): ConfigProblem {
  const names = rules.slice(0, 5).map((r) => `"${r.name}"`).join(', ') + (rules.length > 5 ? ` and ${rules.length - 5} more` : '');
  const flowed = [...new Set(rules.filter((r) => r.direction === 'inbound' && !r.disabled).flatMap((r) => r.flows.map((f) => f.target)))];
  const kind = [connector.subtype, connector.category].filter(Boolean).join(', ') || 'of an unknown kind';
  return {
    file: connector.file, path: 'ma-data', severity: 'warning', code: CONNECTOR_NOT_SUPPORTED,
    message: `${CONNECTOR_NOT_SUPPORTED}: connector "${connector.name}" (${kind}) is neither an Active Directory nor a Microsoft Entra connector, and this tool reads only Active Directory and Entra ID: its ${rules.length} sync rule(s) (${names}) are left out and never apply here${flowed.length ? `, so what they flow into the metaverse (${flowed.slice(0, 10).join(', ')}${flowed.length > 10 ? ', ...' : ''}) is not in the results` : ''}. Where a result depends on that connector, compare it with the server`,
  };
}

/**
 * The value merge types, by their name in lower case. "The option Replace is the same as Update,
 * but it is not used" (Microsoft Entra Connect Sync: Understanding Declarative Provisioning,
 * Merging attribute values): Replace is Update, and nothing is said of it.
 */
const mergeTypes: Record<string, MergeType> = { update: 'Update', replace: 'Update', merge: 'Merge', mergecaseinsensitive: 'MergeCaseInsensitive' };

/** A rule as the project's RuleDefinition (connector stays the export's connector id until resolved), and where its parts are. */
export function parseSyncRule(xml: string, file: string, problems: ConfigProblem[]): { rule: RuleDefinition; positions: RulePositions } | null {
  const doc = parseXml(xml);
  const r = doc.synchronizationRule as Node | undefined;
  if (!r) {
    problems.push({ file, message: 'no <synchronizationRule> element', severity: 'error' });
    return null;
  }
  const name = str(r.name);
  // One line index for the file: every position below is a binary search, not a count of lines.
  const lineOf = lazyLineIndex(xml);
  const at = (element: Node, tag: string, inside = false) => positionIn(xml, lineOf, element, tag, inside);
  /** A problem at the element `tag` of `element` (the rule unless named: a mapping's own element is in that mapping). */
  const problem = (pathText: string, message: string, severity: 'error' | 'warning' = 'error', tag?: string, element: Node = r) => {
    const where = tag ? at(element, tag) : undefined;
    problems.push({ file, path: pathText, message, severity, ...(where ?? {}) });
  };
  const direction = str(r.direction).toLowerCase();
  if (direction !== 'inbound' && direction !== 'outbound') problem('direction', `rule "${name}": direction "${str(r.direction)}" is neither Inbound nor Outbound`, 'error', 'direction');
  const linkType = str(r.linkType);
  // StickyJoin (the Synchronization Rules Editor's third link type) joins as Join does; what it
  // changes is that a joined object stays joined when it leaves the rule's scope. Evaluated here
  // as a Join and marked (stickyJoin), said at load (STICKY_JOIN).
  if (linkType !== 'Join' && linkType !== 'Provision' && linkType !== 'StickyJoin') problem('linkType', `rule "${name}": link type "${linkType}" is neither Join, StickyJoin nor Provision`, 'error', 'linkType');

  const linkTypeAt = at(r, 'linkType');
  const positions: RulePositions = { expressions: new Map(), operators: [], ...(linkTypeAt ? { linkType: linkTypeAt } : {}) };
  const scope: ScopeClause[][] = list(r.synchronizationCriteria?.conditions).map((group) => {
    positions.operators.push(list(group.scope).map((s) => at(s, 'csOperator')));
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
    const mergeText = str(m.valueMergeType).trim();
    const mergeType = mergeTypes[mergeText.toLowerCase()] ?? 'Update';
    // An unknown merge type is evaluated as Update, and said (at this mapping's element): never
    // silently another meaning.
    if (mergeText !== '' && !mergeTypes[mergeText.toLowerCase()]) {
      problem('attribute-mappings', `rule "${name}": the flow to ${target} has the value merge type "${mergeText}", which this tool does not model (Update, Replace, Merge or MergeCaseInsensitive); it is evaluated as Update. Compare that flow's result with the server`, 'warning', 'valueMergeType', m);
    }
    const attrs = typeof m.src === 'object' && m.src !== null ? list(m.src.attr).map(str) : [];
    const applyOnce = ['true', '1'].includes(str(m['@execute-once'] ?? m.executeOnce).toLowerCase());
    const base = { target, mergeType, ...(applyOnce ? { applyOnce } : {}) };
    if (m.expression !== undefined && str(m.expression) !== '') {
      const where = at(m, 'expression', true);
      if (where && !positions.expressions.has(target)) positions.expressions.set(target, where);
      return { ...base, type: 'Expression', expression: str(m.expression), source: attrs };
    }
    if (attrs.length > 0) return { ...base, type: 'Direct', source: attrs };
    return { ...base, type: 'Constant', value: str(m.src) };
  });
  // What every rule of the ADSync object model has; without it the rule would silently never apply
  // (no object type, a clause or join on no attribute) or flow into nothing (no <dest>).
  // A disabled rule is never evaluated (as in Entra Connect): its gap is said, and stops nothing.
  const ruleDisabled = str(r.disabled).toLowerCase() === 'true';
  const incomplete = (pathText: string, what: string, tag: string, element: Node) => problems.push({
    file, path: pathText, severity: ruleDisabled ? 'warning' : 'error', code: RULE_INCOMPLETE, ...(at(element, tag) ?? at(r, 'name') ?? {}),
    message: ruleDisabled
      ? `${RULE_INCOMPLETE}: rule "${name}" has ${what} (the rule is disabled, so it is not evaluated)`
      : `${RULE_INCOMPLETE}: rule "${name}" has ${what}; every rule Entra Connect holds has it, so this file was edited or cut short, and the rule cannot be evaluated as the server does. Correct the file, or export the configuration again with Get-ADSyncServerConfiguration`,
  });
  for (const element of ['sourceObjectType', 'targetObjectType'] as const) {
    if (str(r[element]).trim() === '') incomplete(element, `no ${element} (the ${element === 'sourceObjectType' ? 'object type it reads' : 'object type it writes'})`, element, r);
  }
  list(r['attribute-mappings']?.mapping).forEach((m, i) => {
    if (str(m.dest).trim() === '') incomplete(`attribute-mappings/mapping[${i + 1}]/dest`, `a mapping (the ${ordinal(i + 1)}) without a target attribute (<dest>)`, 'dest', m);
  });
  list(r.synchronizationCriteria?.conditions).forEach((group, g) => list(group.scope).forEach((clause, c) => {
    if (str(clause.csAttribute).trim() === '') incomplete(`synchronizationCriteria/conditions[${g + 1}]/scope[${c + 1}]/csAttribute`, `a scoping clause (group ${g + 1}, clause ${c + 1}, operator ${str(clause.csOperator) || '(none)'}) without an attribute (<csAttribute>)`, 'csAttribute', clause);
  }));
  list(r.relationshipCriteria?.conditions).forEach((group, g) => list(group.condition).forEach((condition, c) => {
    for (const side of ['csAttribute', 'ilmAttribute'] as const) {
      if (str(condition[side]).trim() === '') incomplete(`relationshipCriteria/conditions[${g + 1}]/condition[${c + 1}]/${side}`, `a join condition (group ${g + 1}, condition ${c + 1}) without its ${side === 'csAttribute' ? 'connector space' : 'metaverse'} attribute (<${side}>)`, side, condition);
    }
  }));
  // Metaverse object type "*" (any type): the ADSync object model refuses a rule that uses it
  // other than to join. The metaverse side is the target of an inbound rule and the source of an
  // outbound one. Each refusal is said; the configuration does not load.
  const mvElement = direction === 'outbound' ? 'sourceObjectType' : 'targetObjectType';
  if (str(r[mvElement]).trim() === '*') {
    // "Only Join or StickyJoin rules can use MV object type *."
    if (linkType === 'Provision') {
      problems.push({
        file, path: mvElement, severity: 'error', code: PROVISION_ANY_TYPE, ...(at(r, mvElement) ?? {}),
        message: `${PROVISION_ANY_TYPE}: rule "${name}" is a Provision rule with metaverse object type "*"; Entra Connect allows "*" on Join and StickyJoin rules only ("Only Join or StickyJoin rules can use MV object type *.": a Provision rule creates an object of one type). Name the object type or make the rule a Join rule, or export the configuration again`,
      });
    }
    // "MV object type * cannot be used for outbound rules."
    if (direction === 'outbound') {
      problems.push({
        file, path: mvElement, severity: 'error', code: OUTBOUND_ANY_TYPE, ...(at(r, mvElement) ?? {}),
        message: `${OUTBOUND_ANY_TYPE}: rule "${name}" is an outbound rule with metaverse object type "*"; Entra Connect refuses it ("MV object type * cannot be used for outbound rules."): an outbound rule reads one metaverse object type. Name the metaverse object type (person, group, contact, device), or export the configuration again`,
      });
    }
    // "Rules using MV object type * must not contain attribute flows."
    if (flows.length > 0) {
      const targets = flows.slice(0, 5).map((f) => f.target).join(', ') + (flows.length > 5 ? `, and ${flows.length - 5} more` : '');
      problems.push({
        file, path: 'attribute-mappings', severity: 'error', code: ANY_TYPE_FLOWS, ...(at(r, 'attribute-mappings') ?? {}),
        message: `${ANY_TYPE_FLOWS}: rule "${name}" has metaverse object type "*" and ${flows.length} attribute flow(s) (${targets}); Entra Connect refuses it ("Rules using MV object type * must not contain attribute flows."): a "*" rule only joins. Move the flows to a rule for one metaverse object type, or export the configuration again`,
      });
    }
  }
  // Empty is not 0 (Number('') is): a rule without a precedence would otherwise win every flow.
  const precedenceText = str(r.precedence).trim();
  const precedence = precedenceText === '' ? NaN : Number(precedenceText);
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
    ...(linkType === 'StickyJoin' ? { stickyJoin: true } : {}),
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
  const doc = parseXml(xml);
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

/** What a server configuration without its global settings (GlobalSettings/MV.xml) is evaluated with. */
const GLOBAL_DEFAULTS = 'Their defaults are assumed: the anchor attribute (Microsoft.SynchronizationOption.AnchorAttribute) is the configuration\'s "sourceAnchor", else mS-DS-ConsistencyGuid; group filtering (Microsoft.OptionalFeature.GroupFiltering) applies wherever a connector names a filtering group (Connector.GroupFilteringGroupDn); the deletion threshold (Microsoft.OptionalFeature.ExportDeletionThreshold) is Entra Connect\'s default of 500 objects. Copy GlobalSettings/MV.xml from the export Get-ADSyncServerConfiguration wrote, or set "sourceAnchor" and "groupFilteringGroupDn" in the configuration file';

async function xmlFiles(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).filter((f) => f.toLowerCase().endsWith('.xml')).sort().map((f) => path.join(folder, f));
  } catch {
    return [];
  }
}

/**
 * `name` inside `folder` as the folder spells it. Windows compares file names without case, and
 * the export is written and copied there: the same sync engine writes MV.xml or MV.XML (MIM's
 * svrexport does the latter), and a folder may come back as "connectors" from an archive. Read
 * here on a case-sensitive file system, the name as written would not be found, and the export's
 * global settings (group filtering, anchor) would be silently lost. The exact spelling wins.
 */
async function entryIn(folder: string, name: string): Promise<string> {
  const names = await readdir(folder).catch(() => [] as string[]);
  if (names.includes(name)) return path.join(folder, name);
  const match = names.find((n) => n.toLowerCase() === name.toLowerCase());
  return path.join(folder, match ?? name);
}

/**
 * One file of the export: bounded (a folder may hold anything), UTF-8 or UTF-16 (or the encoding
 * its XML declaration names); bytes that do not decode are ExportFileNotText, not U+FFFD.
 */
async function readExportFile(file: string): Promise<string> {
  return decodeExportFile(await readFileBounded(file, READ_LIMITS.serverConfigurationFile));
}

/** A file of the export whose bytes are not text: a named error at its byte offset, and what is not used because of it. */
function notTextProblem(folder: string, file: string, err: ExportFileNotText, unused: string): ConfigProblem {
  return {
    file,
    code: NOT_UNICODE,
    severity: 'error',
    ...(err.line !== undefined ? { line: err.line } : {}),
    ...(err.column !== undefined ? { column: err.column } : {}),
    message: `${NOT_UNICODE}: ${path.relative(folder, file)} cannot be read as text: ${err.reason}. ${unused} is not used, and the configuration does not load. Entra Connect writes its export as UTF-8 or UTF-16; a file saved again by Windows PowerShell 5.1 (Set-Content, or Out-File -Encoding Default) is in the ANSI code page (Windows-1252: "ü" is the byte 0xFC). Export the configuration again with Get-ADSyncServerConfiguration and copy the whole folder, or save the file as UTF-8 or UTF-16 (Set-Content -Encoding UTF8 or -Encoding Unicode)`,
  };
}

/** The problem of a file of the export that cannot be used: not text, not well-formed XML, or else (`fallback`). */
function unusableFileProblem(folder: string, file: string, err: unknown, unused: string, fallback: (message: string) => ConfigProblem): ConfigProblem {
  if (err instanceof ExportFileNotText) return notTextProblem(folder, file, err, unused);
  if (err instanceof NotWellFormedXml) return notWellFormedProblem(file, err, unused);
  return fallback((err as Error).message);
}

/** A file of the export that is not well-formed XML: a named error, and what is not used because of it. */
function notWellFormedProblem(file: string, err: NotWellFormedXml, unused: string): ConfigProblem {
  return {
    file,
    code: err.code,
    severity: 'error',
    ...(err.line !== undefined ? { line: err.line } : {}),
    ...(err.column !== undefined ? { column: err.column } : {}),
    message: `${err.code}: ${err.message}. ${unused} is not used, and the configuration does not load: correct the file, or export the configuration again with Get-ADSyncServerConfiguration and copy the whole folder`,
  };
}

export async function loadServerConfiguration(folder: string): Promise<ServerConfiguration> {
  try {
    await readdir(folder);
  } catch (err) {
    throw new SyncError(configErrors.ServerConfigurationNotFound, { folder, cause: await whyNotAnExportFolder(folder, err) }, { cause: err });
  }
  const above = await exportAbove(folder);
  if (above) {
    throw new SyncError(configErrors.ServerConfigurationNotFound, { folder, cause: `it is the ${path.basename(path.resolve(folder))} folder of the export in ${above}; name that folder, the whole export` });
  }
  // The folder an archive was unzipped into (parent/SERVER01/Connectors...): the export is below it.
  const below = await exportsBelow(folder);
  if (below.length === 1) {
    throw new SyncError(configErrors.ServerConfigurationNotFound, { folder, cause: `it is not an export, but the export is in its sub-folder ${below[0]} (${path.join(path.resolve(folder), below[0]!)}); name that folder, the whole export` });
  }
  if (below.length > 1) {
    throw new SyncError(configErrors.ServerConfigurationNotFound, { folder, cause: `it is not an export, but holds ${below.length} exports in its sub-folders (${below.join(', ')}); name the sub-folder of the server whose rules to replay` });
  }
  const problems: ConfigProblem[] = [];
  const connectors: ExportedConnector[] = [];
  // Connectors whose file cannot be used, by the id in the file's name (Connector_{id}.xml): their
  // rules are not also told to name a connector the export lacks.
  const unusable = new Set<string>();
  const connectorsFolder = await entryIn(folder, 'Connectors');
  for (const file of await xmlFiles(connectorsFolder)) {
    try {
      connectors.push(parseConnector(await readExportFile(file), file));
    } catch (err) {
      const id = /\{([0-9a-f-]{36})\}\.xml$/i.exec(file)?.[1];
      if (id) unusable.add(normalizeId(id));
      problems.push(unusableFileProblem(folder, file, err, 'The connector (and its scope, attributes and rules)', (message) => ({ file, message: `connector cannot be read: ${message}`, severity: 'error' })));
    }
  }
  for (const connector of connectors) if (connector.kind === 'activeDirectory') problems.push(...containerProblems(connector));
  // The sync engine names each connector once (Synchronization Service Manager refuses a second
  // connector of the same name); two files with one name are a copy edited by hand. Bound by
  // name, each one's rules, scope and attribute list would apply to the other's objects.
  const connectorsByName = new Map<string, ExportedConnector[]>();
  for (const connector of connectors) connectorsByName.set(connector.name.toLowerCase(), [...(connectorsByName.get(connector.name.toLowerCase()) ?? []), connector]);
  // A rule names its connector by id: of two files with one id (a copy beside its original, its
  // name edited), the later would silently take every rule of the other.
  const connectorsById = new Map<string, ExportedConnector[]>();
  for (const connector of connectors) if (connector.id) connectorsById.set(connector.id, [...(connectorsById.get(connector.id) ?? []), connector]);
  for (const same of connectorsById.values()) {
    if (same.length < 2) continue;
    problems.push({
      file: same[1]!.file, path: 'ma-data/id', severity: 'error', code: DUPLICATE_CONNECTOR_ID,
      message: `${DUPLICATE_CONNECTOR_ID}: connector id ${same[0]!.id} is in ${same.length} files (${same.map((c) => `${path.basename(c.file)} ("${c.name}")`).join(', ')}); Entra Connect holds one connector per id, and rules name their connector by it. Remove the file that is not the server's, or export the configuration again`,
    });
  }
  for (const same of connectorsByName.values()) {
    if (same.length < 2) continue;
    problems.push({
      file: same[1]!.file, path: 'ma-data/name', severity: 'error', code: DUPLICATE_CONNECTOR_NAME,
      message: `${DUPLICATE_CONNECTOR_NAME}: ${same.length} connectors are named "${same[0]!.name}" (${same.map((c) => `${path.basename(c.file)}${c.name === same[0]!.name ? '' : ` as "${c.name}"`}`).join(', ')}); the sync engine names each connector once, without case, and rules, scope and attribute lists are bound here by the connector's name, so each connector's rules would apply to the other's objects. Remove the file that is not the server's, or export the configuration again`,
    });
  }
  if (connectors.length === 0 && unusable.size === 0) problems.push({ file: connectorsFolder, message: 'no connector (Connectors/*.xml) found in the export', severity: 'error' });

  const byId = new Map(connectors.map((c) => [c.id, c]));
  const rules: RuleDefinition[] = [];
  const ruleFiles = new Map<RuleDefinition, string>();
  const rulePositions = new Map<RuleDefinition, RulePositions>();
  const leftOut = new Map<ExportedConnector, RuleDefinition[]>();
  const rulesFolder = await entryIn(folder, 'SynchronizationRules');
  const ruleFileList = await xmlFiles(rulesFolder);
  if (ruleFileList.length === 0) problems.push({ file: rulesFolder, message: 'no synchronization rule (SynchronizationRules/*.xml) found in the export', severity: 'error' });
  for (const file of ruleFileList) {
    let parsed: ReturnType<typeof parseSyncRule>;
    const ruleProblems: ConfigProblem[] = [];
    try {
      parsed = parseSyncRule(await readExportFile(file), file, ruleProblems);
    } catch (err) {
      problems.push(...ruleProblems);
      problems.push(unusableFileProblem(folder, file, err, 'The rule in this file', (message) => ({ file, message: `rule cannot be read: ${message}`, severity: 'error' })));
      continue;
    }
    if (!parsed) {
      problems.push(...ruleProblems);
      continue;
    }
    // The out-of-box group rule as Microsoft wrote it: its groups mail-enabled as documented (see GROUP_MAIL_ENABLED_EXPRESSION).
    const rule = withDocumentedGroupMailEnabled(parsed.rule);
    const connector = byId.get(rule.connector);
    if (connector?.kind === 'other') {
      // Not an AD or Entra connector: its rules are for objects this tool never reads. Left out
      // (what is wrong in them too: they are never evaluated), and said below, once per
      // connector; never applied to AD objects.
      leftOut.set(connector, [...(leftOut.get(connector) ?? []), rule]);
      continue;
    }
    problems.push(...ruleProblems);
    rulePositions.set(rule, parsed.positions);
    if (connector) {
      rule.connector = connector.name;
      rule.connectorKind = connector.kind === 'entra' ? 'entra' : 'activeDirectory';
    } else if (!unusable.has(rule.connector)) {
      problems.push({ file, path: 'connector', message: `rule "${rule.name}" names connector {${rule.connector}}, which is not in the export; the rule never applies`, severity: 'warning' });
    }
    rules.push(rule);
    ruleFiles.set(rule, file);
  }

  for (const [connector, left] of leftOut) problems.push(notSupportedConnectorProblem(connector, left));
  for (const rule of rules) {
    if (!rule.stickyJoin || rule.disabled) continue;
    problems.push({
      file: ruleFiles.get(rule) ?? folder, path: 'linkType', severity: 'warning', code: STICKY_JOIN, ...(rulePositions.get(rule)?.linkType ?? {}),
      message: `${STICKY_JOIN}: rule "${rule.name}" has the link type StickyJoin, which is evaluated here as a Join. Entra Connect keeps a StickyJoin's join after the object leaves the rule's scope; this tool evaluates one object's current state, so for an object out of the rule's scope now it shows no join by this rule, where the server may keep one. Check such an object's connectors on the server`,
    });
  }

  // Entra Connect holds one rule per id, and the export names each file by it: two files with one
  // id are a copy beside its original (Explorer's "... - Copy.xml"), and which of them the server
  // holds cannot be told. Both would apply here, so the configuration does not load.
  const rulesById = new Map<string, RuleDefinition[]>();
  for (const rule of rules) if (rule.id) rulesById.set(rule.id, [...(rulesById.get(rule.id) ?? []), rule]);
  for (const [id, same] of rulesById) {
    if (same.length < 2) continue;
    problems.push({
      file: ruleFiles.get(same[1]!) ?? folder, path: 'id', severity: 'error', code: DUPLICATE_RULE_ID,
      message: `${DUPLICATE_RULE_ID}: rule id {${id}} is in ${same.length} files (${same.map((r) => `"${path.basename(ruleFiles.get(r) ?? '')}" ("${r.name}")`).join(', ')}); Entra Connect holds one rule per id. Remove the file that is not the server's, or export the configuration again`,
    });
  }

  // Entra Connect gives every rule its own precedence; an export where two enabled rules share
  // one was edited by hand, and which wins here (rule order) may not be what was meant.
  const byPrecedence = new Map<number, RuleDefinition[]>();
  for (const rule of rules) if (!rule.disabled) byPrecedence.set(rule.precedence, [...(byPrecedence.get(rule.precedence) ?? []), rule]);
  for (const [precedence, same] of byPrecedence) {
    if (same.length < 2) continue;
    problems.push({ file: ruleFiles.get(same[1]!) ?? folder, path: 'precedence', severity: 'warning', message: `rules ${same.map((r) => `"${r.name}"`).join(', ')} share precedence ${precedence}; Entra Connect gives each rule its own. Where their flows meet, the first listed wins here. Give each its own precedence` });
  }

  let globalSettings: Record<string, string> = {};
  const mvFile = await entryIn(await entryIn(folder, 'GlobalSettings'), 'MV.xml');
  let mvText: string | undefined;
  try {
    mvText = await readExportFile(mvFile);
  } catch (err) {
    // Older exports may lack it: the settings it holds then keep their defaults. A file there
    // that is not text is damaged, not missing.
    problems.push(err instanceof ExportFileNotText
      ? notTextProblem(folder, mvFile, err, 'The global settings (group filtering, anchor attribute)')
      : { file: mvFile, message: `global settings cannot be read: ${(err as Error).message}. ${GLOBAL_DEFAULTS}`, severity: 'warning' });
  }
  if (mvText !== undefined) {
    try {
      globalSettings = parseGlobalSettings(mvText);
      // Read, but without one of Entra Connect's settings (a file of another tool, or cut down):
      // said as a missing file is, not left to defaults in silence.
      if (!Object.keys(globalSettings).some((key) => key.startsWith('Microsoft.'))) {
        problems.push({
          file: mvFile, path: 'parameter-values', severity: 'warning', code: NO_GLOBAL_SETTINGS,
          message: `${NO_GLOBAL_SETTINGS}: ${path.relative(folder, mvFile)} holds no Microsoft.* global setting (Get-ADSyncServerConfiguration writes them in its <parameter-values>; ${Object.keys(globalSettings).length === 0 ? 'it has none' : `it has only ${Object.keys(globalSettings).slice(0, 5).join(', ')}`}). ${GLOBAL_DEFAULTS}`,
        });
      }
    } catch (err) {
      // A damaged file is not a missing one: group filtering and the anchor attribute come from it.
      problems.push(err instanceof NotWellFormedXml ? notWellFormedProblem(mvFile, err, 'The global settings (group filtering, anchor attribute)') : { file: mvFile, message: `global settings cannot be read: ${(err as Error).message}`, severity: 'error' });
    }
  }
  return { folder, connectors, rules, ruleFiles, rulePositions, globalSettings, globalSettingsFile: mvFile, problems };
}

