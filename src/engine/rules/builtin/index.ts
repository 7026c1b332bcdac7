// The built-in rule set: Entra Connect's out-of-box rules (generated from a default install's
// export, see out-of-box-rules.ts), brought to the current build's source anchor handling:
// users and inetOrgPersons anchor on mS-DS-ConsistencyGuid when present, else objectGUID
// (base64; another configured attribute has no fallback), join on sourceAnchorBinary, and keep NULL for linked mailboxes
// (msExchRecipientTypeDetails = 2). Other object types anchor on objectGUID. A group's SMTP
// address counts in either case (GROUP_MAIL_ENABLED_EXPRESSION). Groups sync up to 250,000
// members (GROUP_MEMBER_LIMIT), not the 50,000 of the build the export came from. Users flow
// employeeID and (not inetOrgPersons) employeeType, photo flows for none, and every attribute
// Microsoft's attribute list names goes all the way (withCurrentBuildFlows); computers that are domain
// controllers or down-level Windows are filtered (withComputerFilter).
import type { FlowDefinition, RuleDefinition } from '../model';
import { outOfBoxRules } from './out-of-box-rules';

export interface BuiltinOptions {
  /** The source anchor attribute for users: mS-DS-ConsistencyGuid (default), objectGUID or another attribute. */
  sourceAnchor?: string;
}

const asText = (attr: string) => `IIF(IsString([${attr}]),CStr([${attr}]),ConvertToBase64([${attr}]))`;

/** The sourceAnchor expression of the user rules ("In from AD - User AccountEnabled" / "Common"). */
export function userSourceAnchorExpression(anchor: string): string {
  // Only mS-DS-ConsistencyGuid falls back to objectGUID: the out-of-box template is
  // IIF("<attribute>"="mS-DS-ConsistencyGuid", <fallback>, <the attribute as text>), so another
  // attribute without a value gives the user no sourceAnchor.
  const value = anchor.toLowerCase() === 'objectguid' ? asText('objectGUID') : isConsistencyGuid(anchor) ? `IIF(IsPresent([${anchor}]),${asText(anchor)},${asText('objectGUID')})` : asText(anchor);
  return `IIF(IsPresent([msExchRecipientTypeDetails]),IIF([msExchRecipientTypeDetails]=2,NULL,${value}),${value})`;
}

export function userSourceAnchorBinaryFlow(anchor: string): FlowDefinition {
  return anchor.toLowerCase() === 'objectguid'
    ? { target: 'sourceAnchorBinary', type: 'Direct', source: ['objectGUID'], mergeType: 'Update' }
    : isConsistencyGuid(anchor)
      ? { target: 'sourceAnchorBinary', type: 'Expression', expression: `IIF(IsPresent([${anchor}]),[${anchor}],[objectGUID])`, mergeType: 'Update' }
      : { target: 'sourceAnchorBinary', type: 'Direct', source: [anchor], mergeType: 'Update' };
}

const isConsistencyGuid = (anchor: string): boolean => anchor.toLowerCase() === 'ms-ds-consistencyguid';

/**
 * Whether a group is mail-enabled: the exported rule's expression (an SMTP address with an @ in
 * proxyAddresses, or a mail value with an @), with the SMTP address found in either case. Microsoft's
 * groups page (concept-azure-ad-connect-sync-user-and-contacts) says {X500:…, smtp:…} is
 * mail-enabled; the exported expression finds "SMTP:" with Contains, whose default the functions
 * reference says is case-sensitive. A customer's export gets the same where its rule is the
 * out-of-box one with Microsoft's expression (withDocumentedGroupMailEnabled); an expression the
 * customer changed stays as written.
 */
export const GROUP_MAIL_ENABLED_EXPRESSION =
  'IIF(( (IsPresent([proxyAddresses]) = True) && (Contains([proxyAddresses], "SMTP:", CaseInsensitive) > 0) && (InStr(Item([proxyAddresses], Contains([proxyAddresses], "SMTP:", CaseInsensitive)), "@") > 0)) ||  (IsPresent([mail]) = True && (InStr([mail], "@") > 0)), True, False)';

/** The immutable tag of the out-of-box "In from AD - Group Join" rule, of any version (Microsoft.InfromADGroupJoin.003). */
export const GROUP_JOIN_IMMUTABLE_TAG = /^Microsoft\.InfromADGroupJoin\./i;

/** The out-of-box "In from AD - Group Join" rule's mailEnabled expression, as Microsoft wrote it (out-of-box-rules.ts). */
export const OUT_OF_BOX_GROUP_MAIL_ENABLED_EXPRESSION: string = outOfBoxRules
  .find((r) => r.name === 'In from AD - Group Join')!
  .flows.find((f) => f.target === 'mailEnabled')!.expression!;

/** An expression's text without the white space outside its string literals ("..." with \" and \\ escapes). */
const withoutSpace = (expression: string): string => expression.replace(/"(?:\\.|[^"\\])*"|\s+/g, (m) => (m.startsWith('"') ? m : ''));

/**
 * The rule with GROUP_MAIL_ENABLED_EXPRESSION in place of its mailEnabled expression when it is
 * the out-of-box "In from AD - Group Join" (its immutable tag, whatever its name) and that
 * expression is Microsoft's text (white space aside); else the rule itself. A customer's export
 * keeps a rule it has not changed as Microsoft wrote it, so its groups are told mail-enabled as
 * the documentation says; an expression the customer changed stays as written.
 */
export function withDocumentedGroupMailEnabled<R extends RuleDefinition>(rule: R): R {
  if (!rule.immutableTag || !GROUP_JOIN_IMMUTABLE_TAG.test(rule.immutableTag)) return rule;
  const original = withoutSpace(OUT_OF_BOX_GROUP_MAIL_ENABLED_EXPRESSION);
  const replace = (f: FlowDefinition) => f.target.toLowerCase() === 'mailenabled' && f.type === 'Expression' && withoutSpace(f.expression ?? '') === original;
  if (!rule.flows.some(replace)) return rule;
  return { ...rule, flows: rule.flows.map((f) => (replace(f) ? { ...f, expression: GROUP_MAIL_ENABLED_EXPRESSION } : f)) };
}

/**
 * "Groups need fewer than 250k members": the limit since Entra Connect moved to the V2 endpoint
 * (how-to-connect-sync-endpoint-api-v2). The exported rule set predates it and says 50,000 in
 * the scope of "Out to AAD - Group Join" and in its member flow's Error(); a customer's export
 * keeps its own numbers.
 */
export const GROUP_MEMBER_LIMIT = 250_000;
const OLD_GROUP_MEMBER_LIMIT = '50000';

function withGroupMemberLimit(rule: RuleDefinition): RuleDefinition {
  return {
    ...rule,
    scope: rule.scope.map((group) => group.map((clause) => (clause.attribute === 'memberCount' && clause.value === OLD_GROUP_MEMBER_LIMIT ? { ...clause, value: String(GROUP_MEMBER_LIMIT) } : clause))),
    flows: rule.flows.map((f) => (f.target === 'member' && f.expression?.includes(OLD_GROUP_MEMBER_LIMIT) ? { ...f, expression: f.expression.replace(`> ${OLD_GROUP_MEMBER_LIMIT}`, `> ${GROUP_MEMBER_LIMIT}`) } : f)),
  };
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
    if (rule.name === 'In from AD - Group Join') return withDocumentedGroupMailEnabled(rule);
    if (rule.name === 'Out to AAD - Group Join') return withGroupMemberLimit(rule);
    const current = withCurrentBuildFlows(rule);
    if (userAnchorRules.has(rule.name)) {
      return {
        ...current,
        flows: current.flows.map((f) => (f.target === 'sourceAnchor' ? { target: 'sourceAnchor', type: 'Expression', expression: userSourceAnchorExpression(anchor), mergeType: 'Update' } : f)),
      };
    }
    if (rule.name === 'In from AD - Computer Join') return withComputerFilter(current);
    return current;
  });
}

const direct = (target: string, source = target): FlowDefinition => ({ target, type: 'Direct', source: [source], mergeType: 'Update' });
const commonRules = new Set(['In from AD - User Common from Exchange', 'In from AD - InetOrgPerson Common from Exchange', 'In from AD - User Common', 'In from AD - InetOrgPerson Common']);
// employeeType: "'In from AD – User Common'" alone, as 2.2.1.0 says (the attribute list does not
// name it, so its "User also applies to iNetOrgPerson" does not extend it). employeeID flows in
// all four, as that list has it for users and inetOrgPersons (a later build's own InetOrgPerson
// Common .007 lacked it; the documentation wins).
const employeeTypeRules = new Set(['In from AD - User Common']);

const exchangeOnlineFlows: [string, string?][] = [1, 2, 3, 4, 5].map((n): [string] => [`msExchExtensionCustomAttribute${n}`])
  .concat([['msExchLitigationHoldDate'], ['msExchLitigationHoldOwner']]);
const mailboxFlows: [string, string?][] = [
  ['msExchAuditAdmin'], ['msExchAuditDelegate'], ['msExchAuditDelegateAdmin'], ['msExchAuditOwner'], ['msExchBypassAudit'],
  ...exchangeOnlineFlows, ['msExchMailboxAuditEnable'], ['msExchMailboxAuditLogAgeLimit'], ['msExchRemoteRecipientType'],
  ['msExchTeamMailboxExpiration'], ['msExchTeamMailboxOwners'], ['msExchTeamMailboxSharePointLinkedBy'], ['msExchTeamMailboxSharePointUrl'],
  ['usageLocation', 'msExchUsageLocation'],
];

/**
 * The attributes reference-connect-sync-attributes-synchronized lists as synchronized to
 * Microsoft Entra ID that the export's build did not carry all the way. Inbound, those its own
 * outbound rules ("Out to AAD - User ExchangeOnline", "... SharePointOnline", "... Contact/Group
 * ExchangeOnline") already send (msExchExtensionCustomAttribute1-5, msExchLitigationHold*,
 * msExchAudit*, msExchTeamMailbox*, msOrg-IsOrganizational; usageLocation, "used for license
 * assignment"), as a later build's own rules (User Exchange .004, Group Exchange, Group Common,
 * Contact Common .005) flow them, each Direct, usageLocation from msExchUsageLocation; and
 * altRecipient ("Requires ... build 1.1.552.0"). Outbound (the "Out to AAD" entries), those read
 * in but sent by no rule: altRecipient, a group's msExchBypassModerationLink ("Available in ...
 * 1.1.524.0") and a contact's msRTCSIP-* (the Teams and Skype for Business table).
 */
const directs = (pairs: [string, string?][]): FlowDefinition[] => pairs.map(([target, source]) => direct(target, source));
const flowsAdded = new Map<string, FlowDefinition[]>([
  ['In from AD - User Exchange', directs([['altRecipient'], ...mailboxFlows])],
  ['In from AD - InetOrgPerson Exchange', directs(mailboxFlows)],
  ['In from AD - Group Exchange', directs([...exchangeOnlineFlows, ['msOrg-IsOrganizational']])],
  ['In from AD - Group Common', directs([['msDS-HABSeniorityIndex']])],
  ['In from AD - Contact Common', directs(exchangeOnlineFlows)],
  // A non-Exchange inetOrgPerson's addresses: User Common's flow, which InetOrgPerson Common
  // lacked until the later build (.007) and the list names for users and inetOrgPersons.
  ['In from AD - InetOrgPerson Common', [{ target: 'proxyAddresses', type: 'Expression', source: ['proxyAddresses'], mergeType: 'Update', expression: 'RemoveDuplicates(Trim(ImportedValue("proxyAddresses")))' }]],
  ['Out to AAD - User ExchangeOnline', directs([['altRecipient']])],
  ['Out to AAD - Group ExchangeOnline', directs([['msExchBypassModerationLink']])],
  ['Out to AAD - Contact LyncOnline', directs(['DeploymentLocator', 'Line', 'OptionFlags', 'PrimaryUserAddress', 'UserEnabled'].map((n): [string, string] => [`msRtcSip${n}`, `msRTCSIP-${n}`]))],
]);

/**
 * tshoot-connect-largeobjecterror-usercertificate: "In Microsoft Entra Connect build 1.1.524.0,
 * the out-of-box synchronization rules have been updated to not export attributes userCertificate
 * and userSMIMECertificate if the attributes have more than 15 values", with the page's own
 * expression: more than 15 exports AuthoritativeNull (Microsoft Entra ID's limit is 15; the object
 * is exported without them instead of failing with LargeObject). The export's build sent them Direct.
 */
const certificateCapRules = new Set(['Out to AAD - User ExchangeOnline', 'Out to AAD - Contact ExchangeOnline']);
const CERTIFICATE_ATTRIBUTES = new Set(['usercertificate', 'usersmimecertificate']);
function withCertificateCap(flow: FlowDefinition): FlowDefinition {
  const source = flow.source?.[0];
  if (flow.type !== 'Direct' || !source || !CERTIFICATE_ATTRIBUTES.has(flow.target.toLowerCase())) return flow;
  return { target: flow.target, type: 'Expression', source: [source], mergeType: flow.mergeType, expression: `IIF(IsNullOrEmpty([${source}]), NULL, IIF((Count([${source}])> 15),AuthoritativeNull,[${source}]))` };
}

/**
 * The user attribute flows changed since the export's build, as the version history says:
 * 1.1.524.0 "AD attributes employeeID and msExchBypassModerationLink are now included in the
 * default sync rule set. AD attribute photo has been removed from default sync rule set."; 2.2.1.0
 * "Default sync rule 'In from AD – User Common' was updated to flow the employeeType attribute"
 * (2.0.3.0 added employeeType to the properties synced to Microsoft Entra ID). Out to Microsoft
 * Entra ID they are the user's employeeId and employeeType.
 */
function withCurrentBuildFlows(exported: RuleDefinition): RuleDefinition {
  const added = (flowsAdded.get(exported.name) ?? []).filter((a) => !exported.flows.some((f) => f.target === a.target));
  const extended = added.length ? { ...exported, flows: [...exported.flows, ...added] } : exported;
  const rule = certificateCapRules.has(extended.name) ? { ...extended, flows: extended.flows.map(withCertificateCap) } : extended;
  if (commonRules.has(rule.name)) {
    const flows = rule.flows.filter((f) => f.target !== 'photo');
    flows.push(direct('employeeID'));
    if (employeeTypeRules.has(rule.name)) flows.push(direct('employeeType'));
    return { ...rule, flows };
  }
  if (rule.name === 'Out to AAD - User Identity') return { ...rule, flows: [...rule.flows, direct('employeeId', 'employeeID'), direct('employeeType')] };
  return rule;
}

/**
 * Computers Entra Connect never synchronizes, beyond those without a certificate: "Microsoft Entra
 * Connect should never synchronize down-level Windows devices" (Windows 7 and 8.1, version 6.x;
 * reference-connect-device-disappearance) and "Microsoft Entra Connect Sync filter out any Active
 * Directory objects where the isCriticalSystemObject attribute is set to True" (domain controllers;
 * how-to-connect-sync-configure-filtering). Both set cloudFiltered, as the certificate test does.
 */
export const COMPUTER_CLOUD_FILTERED_EXPRESSION =
  'IIF(IsNullOrEmpty([userCertificate]) || (UCase(CStr([isCriticalSystemObject])) = "TRUE") || ((InStr(UCase([operatingSystem]),"WINDOWS") > 0) && (Left([operatingSystemVersion],2) = "6.")),True,NULL)';

function withComputerFilter(rule: RuleDefinition): RuleDefinition {
  return { ...rule, flows: rule.flows.map((f) => (f.target === 'cloudFiltered' ? { target: 'cloudFiltered', type: 'Expression', expression: COMPUTER_CLOUD_FILTERED_EXPRESSION, mergeType: 'Update' } : f)) };
}
