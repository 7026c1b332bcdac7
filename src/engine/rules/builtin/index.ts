// The built-in rule set: Entra Connect's out-of-box rules (generated from a default install's
// export, see out-of-box-rules.ts), brought to the current build's source anchor handling:
// users and inetOrgPersons anchor on mS-DS-ConsistencyGuid when present, else objectGUID
// (base64), join on sourceAnchorBinary, and keep NULL for linked mailboxes
// (msExchRecipientTypeDetails = 2). Other object types anchor on objectGUID.
import type { FlowDefinition, RuleDefinition } from '../model';
import { outOfBoxRules } from './out-of-box-rules';

export interface BuiltinOptions {
  /** The source anchor attribute for users: mS-DS-ConsistencyGuid (default), objectGUID or another attribute. */
  sourceAnchor?: string;
}

const asText = (attr: string) => `IIF(IsString([${attr}]),CStr([${attr}]),ConvertToBase64([${attr}]))`;

/** The sourceAnchor expression of the user rules ("In from AD - User AccountEnabled" / "Common"). */
export function userSourceAnchorExpression(anchor: string): string {
  const value = anchor.toLowerCase() === 'objectguid' ? asText('objectGUID') : `IIF(IsPresent([${anchor}]),${asText(anchor)},${asText('objectGUID')})`;
  return `IIF(IsPresent([msExchRecipientTypeDetails]),IIF([msExchRecipientTypeDetails]=2,NULL,${value}),${value})`;
}

export function userSourceAnchorBinaryFlow(anchor: string): FlowDefinition {
  return anchor.toLowerCase() === 'objectguid'
    ? { target: 'sourceAnchorBinary', type: 'Direct', source: ['objectGUID'], mergeType: 'Update' }
    : { target: 'sourceAnchorBinary', type: 'Expression', expression: `IIF(IsPresent([${anchor}]),[${anchor}],[objectGUID])`, mergeType: 'Update' };
}

const userJoinRules = new Set(['In from AD - User Join', 'In from AD - InetOrgPerson Join']);
const userAnchorRules = new Set(['In from AD - User AccountEnabled', 'In from AD - InetOrgPerson AccountEnabled', 'In from AD - User Common', 'In from AD - InetOrgPerson Common']);

export function builtinRuleDefinitions(options: BuiltinOptions = {}): RuleDefinition[] {
  const anchor = options.sourceAnchor?.trim() || 'mS-DS-ConsistencyGuid';
  return outOfBoxRules.map((rule) => {
    if (userJoinRules.has(rule.name)) {
      const join = anchor.toLowerCase() === 'objectguid'
        ? [[{ source: 'objectGUID', target: 'sourceAnchorBinary' }]]
        : [[{ source: anchor, target: 'sourceAnchorBinary' }], [{ source: 'objectGUID', target: 'sourceAnchorBinary' }]];
      return { ...rule, join, flows: [...rule.flows.filter((f) => f.target !== 'sourceAnchorBinary'), userSourceAnchorBinaryFlow(anchor)] };
    }
    if (userAnchorRules.has(rule.name)) {
      return {
        ...rule,
        flows: rule.flows.map((f) => (f.target === 'sourceAnchor' ? { target: 'sourceAnchor', type: 'Expression', expression: userSourceAnchorExpression(anchor), mergeType: 'Update' } : f)),
      };
    }
    return rule;
  });
}
