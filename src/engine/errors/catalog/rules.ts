import type { CatalogEntry } from '../sync-error';

const expressionDocs = 'https://learn.microsoft.com/entra/identity/hybrid/connect/concept-azure-ad-connect-sync-declarative-provisioning-expressions';
const functionDocs = 'https://learn.microsoft.com/entra/identity/hybrid/connect/reference-connect-sync-functions-reference';
const rulesDocs = 'https://learn.microsoft.com/entra/identity/hybrid/connect/concept-azure-ad-connect-sync-declarative-provisioning';

/** Errors raised by sync rules and expressions. */
export const rulesErrors = {
  ExpressionSyntaxError: {
    code: 'ExpressionSyntaxError',
    reason: 'The expression has a syntax error at column {column}: {problem}. Expression: {expression}',
    recommendedAction: 'Correct the expression in the sync rule (Synchronization Rules Editor or the exported rule file) and load the configuration again.',
    documentationUrl: expressionDocs,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  UnknownFunction: {
    code: 'UnknownFunction',
    reason: 'The expression calls an unknown function {name} at column {column}{suggestion}. Function names are case-sensitive. Expression: {expression}',
    recommendedAction: 'Use a function from the Entra Connect functions reference with its exact spelling.',
    documentationUrl: functionDocs,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  WrongArgumentCount: {
    code: 'WrongArgumentCount',
    reason: 'The function {name} at column {column} takes {expected} argument(s) but is given {actual}. Expression: {expression}',
    recommendedAction: 'Call the function with the arguments the Entra Connect functions reference documents.',
    documentationUrl: functionDocs,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  ReplaceCharsPatternInvalid: {
    code: 'ReplaceCharsPatternInvalid',
    reason: 'ReplaceChars cannot parse its ReplacePattern "{pattern}": {problem}. Expression: {expression}',
    recommendedAction: 'Write the ReplacePattern as source:target pairs separated by commas, each source exactly one character (the comma and the colon cannot be replaced; spaces are ignored).',
    documentationUrl: functionDocs,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  ExpressionError: {
    code: 'ExpressionError',
    reason: '{message}',
    recommendedAction: 'The sync rule {syncRule} raised this error for attribute {attribute}. Correct the source object (or the rule) so the expression no longer reaches Error().',
    documentationUrl: expressionDocs,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  ExpressionEvaluationFailed: {
    code: 'ExpressionEvaluationFailed',
    reason: 'The expression of sync rule {syncRule} for attribute {attribute} could not be evaluated: {problem}.',
    recommendedAction: 'Check the source values the expression uses (type and format) and the expression itself.',
    documentationUrl: functionDocs,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  // Declarative provisioning, Join: "An object should only have one single sync rule with join
  // rules in scope. If there are multiple sync rules where join is defined, an error occurs.
  // Precedence isn't used to resolve join conflicts."
  JoinRulesConflict: {
    code: 'JoinRulesConflict',
    reason:
      'More than one sync rule with join rules is in scope for this object ({direction}, connector {connector}), and their join rules differ: {syncRules}. An object may have only one sync rule with join rules in scope; precedence is not used to resolve a join conflict, so the object is not synchronized.',
    recommendedAction:
      'Disable one of these rules, or make their scoping filters exclusive so that only one of them is in scope for an object (or give them the same join rules), in the Synchronization Rules Editor, then load the configuration again.',
    documentationUrl: `${rulesDocs}#join`,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  // Declarative provisioning, Merging attribute values: "all sync rules in scope for an object
  // must use the same merge type. You can't define Update from one Connector and Merge from
  // another. If you try, you receive an error."
  MergeTypeConflict: {
    code: 'MergeTypeConflict',
    reason:
      'The sync rules in scope for this object ({direction}) flow the attribute {attribute} with different merge types: {syncRules}. All sync rules in scope for an object must use the same merge type for an attribute, so the object is not synchronized.',
    recommendedAction:
      'Give every flow to {attribute} in these rules the same merge type (all Update, all Merge or all MergeCaseInsensitive), or make the rules\' scoping filters exclusive so that they are not in scope for the same object, in the Synchronization Rules Editor, then load the configuration again.',
    documentationUrl: `${rulesDocs}#merging-attribute-values`,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  InvalidSyncRule: {
    code: 'InvalidSyncRule',
    reason: 'The sync rule {syncRule} is invalid: {problem}.',
    recommendedAction: 'Correct the rule definition (direction, link type, scope operator, attribute flow) and load the configuration again.',
    documentationUrl: rulesDocs,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
} as const satisfies Record<string, CatalogEntry>;
