// The sync rule model (Entra Connect declarative provisioning), in the project's own format.
// A RuleDefinition is plain JSON (built-in rules, rules read from a server export); a
// SyncRule is a definition whose expressions are compiled (checked at load time).
import type { CompiledExpression } from '../expressions';

export type RuleDirection = 'inbound' | 'outbound';
export type LinkType = 'Join' | 'Provision';
export type MappingType = 'Direct' | 'Constant' | 'Expression';
/**
 * How a flow's values combine with other rules' flows to the same attribute (declarative
 * provisioning, Merging attribute values). Update: the rule of highest precedence wins. Merge /
 * MergeCaseInsensitive: the values of every rule are unioned (duplicates dropped exactly, or
 * regardless of case). Replace: "the same as Update, but it isn't used". mergeKindOf tells them apart.
 */
export type MergeType = 'Update' | 'Merge' | 'MergeCaseInsensitive' | 'Replace';

/**
 * The merge type as the rules engine treats it: Replace and a missing merge type are Update
 * ("The option Replace is the same as Update"); Merge and MergeCaseInsensitive stay themselves.
 */
export function mergeKindOf(mergeType: MergeType | undefined): 'Update' | 'Merge' | 'MergeCaseInsensitive' {
  return mergeType === 'Merge' || mergeType === 'MergeCaseInsensitive' ? mergeType : 'Update';
}
/** Which side of the sync a rule's connector is: an Active Directory forest or Entra ID. */
export type ConnectorKind = 'activeDirectory' | 'entra';

export const scopeOperators = [
  'EQUAL', 'NOTEQUAL', 'LESSTHAN', 'LESSTHAN_OR_EQUAL', 'GREATERTHAN', 'GREATERTHAN_OR_EQUAL',
  'CONTAINS', 'NOTCONTAINS', 'STARTSWITH', 'NOTSTARTSWITH', 'ENDSWITH', 'NOTENDSWITH',
  'ISNULL', 'ISNOTNULL', 'ISIN', 'ISNOTIN', 'ISBITSET', 'ISNOTBITSET', 'ISMEMBEROF', 'ISNOTMEMBEROF',
  // Spelling found in real exports ("In from AD - User AccountEnabled"): same as ISNOTBITSET.
  'ISBITNOTSET',
] as const;
export type ScopeOperator = (typeof scopeOperators)[number];

export interface ScopeClause {
  attribute: string;
  operator: ScopeOperator;
  /** Comparison value as written in the rule ("" for ISNULL/ISNOTNULL); may hold %Parameters%. */
  value: string;
}

export interface JoinCondition {
  /** Attribute of the connector-space object. */
  source: string;
  /** Attribute of the object joined to (metaverse for inbound, connector space for outbound). */
  target: string;
  caseSensitive?: boolean;
}

export interface FlowDefinition {
  target: string;
  type: MappingType;
  /** Direct: the one source attribute; Expression: attributes it reads (informational). */
  source?: string[];
  /** Constant: the value. */
  value?: string;
  /** Expression: the text. */
  expression?: string;
  mergeType?: MergeType;
  /**
   * Apply once: "the attribute should only be set when the object is initially created"
   * (declarative provisioning, Transformations): the flow runs only while the target object is
   * being created (EvaluationContext.creatingTarget), never on an object that exists.
   */
  applyOnce?: boolean;
}

export interface RuleDefinition {
  name: string;
  /** Identifier from the export ({guid}) or the built-in set. */
  id?: string;
  description?: string;
  immutableTag?: string;
  direction: RuleDirection;
  /** Connector name as in the configuration, or "*" for every connector of connectorKind. */
  connector: string;
  connectorKind: ConnectorKind;
  /**
   * Object type the rule reads: the connector space's for inbound, the metaverse's for outbound.
   * "*" (the metaverse side of a Join rule: "Only Join or StickyJoin rules can use MV object
   * type *") matches every object type.
   */
  sourceObjectType: string;
  /** Object type the rule writes: the metaverse's for inbound ("*" on a Join rule: any), the connector space's for outbound. */
  targetObjectType: string;
  linkType: LinkType;
  /**
   * The export's link type is StickyJoin: evaluated as a Join (linkType 'Join'). Entra Connect
   * keeps a StickyJoin's join after the object leaves the rule's scope; an evaluation of one
   * object's current state cannot tell that it was joined before.
   */
  stickyJoin?: boolean;
  precedence: number;
  disabled?: boolean;
  enablePasswordSync?: boolean;
  /** Scope groups: clauses inside a group are AND, groups are OR. No group = every object. */
  scope: ScopeClause[][];
  /** Join groups, tried in order; the first with exactly one match wins. */
  join: JoinCondition[][];
  flows: FlowDefinition[];
}

export interface CompiledFlow extends FlowDefinition {
  compiled?: CompiledExpression;
  /** What the report shows as the data source: the source attribute(s), the constant or the expression. */
  dataSource: string;
}

export interface SyncRule extends Omit<RuleDefinition, 'flows'> {
  flows: CompiledFlow[];
}
