// Graph's error envelope (reference section 4) and the exact messages the real service
// returns. Messages marked [inferred] in the reference are kept apart so tests can tell.
import { randomUUID } from 'node:crypto';

export interface GraphErrorDetail {
  code: string;
  message?: string;
  target?: string;
}

export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: GraphErrorDetail[],
    readonly headers: Record<string, string> = {},
    readonly innerExtra: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** innerError.date: YYYY-MM-DDTHH:MM:SS, no fraction, no Z. */
export function graphDate(now = new Date()): string {
  return now.toISOString().slice(0, 19);
}

export function errorBody(err: GraphHttpError, requestId: string, clientRequestId: string): Record<string, unknown> {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details ? { details: err.details } : {}),
      innerError: { ...err.innerExtra, date: graphDate(), 'request-id': requestId, 'client-request-id': clientRequestId },
    },
  };
}

export const newRequestId = (): string => randomUUID();

const bad = (message: string, details?: GraphErrorDetail[]) => new GraphHttpError(400, 'Request_BadRequest', message, details);

export const errors = {
  invalidProperty: (name: string) => bad(`Invalid property '${name}'.`),
  /** A write naming a directory extension no app in the tenant registered for the object's type. */
  unknownExtension: (name: string) => bad(`Property '${name}' does not exist as a declared property or extension property.`),
  readOnly: (name: string) => bad(`Property '${name}' is read-only and cannot be set.`),
  required: (name: string) => bad(`Property ${name} value is required but is empty or missing.`),
  invalidValue: (name: string, resource: string) => bad(`Invalid value specified for property '${name}' of resource '${resource}'.`),
  unverifiedDomain: () =>
    bad('The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.'),
  federatedNeedsAnchor: () => bad('SourceAnchor is a required property for creation of a federated user.'),
  // [inferred] The reference records a 400 for changing onPremisesImmutableId of a federated user, not its text.
  federatedAnchorChange: () =>
    bad("Property 'onPremisesImmutableId' cannot be changed for a user whose userPrincipalName is in a federated domain. Move the user to a managed domain first."),
  weakPassword: () =>
    bad('The specified password does not comply with password complexity requirements. Please provide a different password.'),
  conflict: (property: string, conflictingObject?: string) =>
    bad(`Another object with the same value for property ${property} already exists.`, [
      { code: 'ObjectConflict', message: `Another object with the same value for property ${property} already exists.`, target: property },
      ...(conflictingObject ? [{ code: 'ConflictingObjects', message: `Conflicting object: ${conflictingObject}.`, target: conflictingObject }] : []),
    ]),
  onPremisesMastered: () =>
    bad('Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.'),
  notFound: (id: string) =>
    new GraphHttpError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`),
  memberExists: () => bad("One or more added object references already exist for the following modified properties: 'members'."),
  memberMissing: () => bad("One or more removed object references do not exist for the following modified properties: 'members'."),
  duplicateReference: () => bad("One or more added object references can only be present once as an add/remove change for the following modified properties: 'members'."),
  // [inferred] The exact text for more than 20 bindings was not found.
  tooManyReferences: () => bad('The number of object references in a single request exceeds the limit of 20.'),
  mailEnabledGroup: () =>
    bad('The service does not currently support writes of mail-enabled groups. Please ensure that the mail-enablement property is unset and the security-enablement property is set.'),
  methodNotAllowed: () => new GraphHttpError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.'),
  unsupportedFilterProperty: (property: string, resource: string) =>
    new GraphHttpError(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${property}' of resource '${resource}'.`),
  advancedQueryRequired: (operator: string) =>
    new GraphHttpError(
      400,
      'Request_UnsupportedQuery',
      `Operator '${operator}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`,
    ),
  unknownQueryProperty: (name: string) =>
    new GraphHttpError(400, 'Request_UnsupportedQuery', `Property '${name}' does not exist as a declared property or extension property.`),
  // [inferred] The directory's message for a filter with more than 15 clauses joined by 'or'.
  tooManyOrClauses: (count: number) =>
    new GraphHttpError(400, 'Request_UnsupportedQuery', `Too many child clauses specified in search filter expression containing 'OR' operators: ${count}. Max allowed: 15.`),
  badFilter: (detail: string) => new GraphHttpError(400, 'BadRequest', `Invalid filter clause: ${detail}`),
  badPageSize: (value: string) => new GraphHttpError(400, 'Request_BadRequest', `Invalid page size specified: '${value}'. Must be between 1 and 999 inclusive.`),
  countNotSupported: () => new GraphHttpError(400, 'Request_BadRequest', '$count is not currently supported.'),
  searchNeedsHeader: () =>
    new GraphHttpError(400, 'Request_UnsupportedQuery', "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'"),
  badSkipToken: () => new GraphHttpError(400, 'Request_BadRequest', 'Invalid $skiptoken value.'),
  denied: () => new GraphHttpError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
  unauthenticated: (message: string) =>
    new GraphHttpError(401, 'InvalidAuthenticationToken', message, undefined, {
      'WWW-Authenticate':
        'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
    }),
  throttled: (retryAfterSeconds: number, headers: Record<string, string>) =>
    new GraphHttpError(429, 'TooManyRequests', 'Please retry again later.', undefined, { 'Retry-After': String(retryAfterSeconds), ...headers }, {
      code: '429',
      status: '429',
      message: 'Please retry after',
    }),
  unavailable: (retryAfterSeconds?: number) =>
    new GraphHttpError(
      503,
      'serviceNotAvailable',
      'You may repeat the request after a delay, the length of which may be specified in a Retry-After header.',
      undefined,
      retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
    ),
  /** Legacy Azure AD Graph's throttling answer (reference section 4), a fault option. */
  throttledTemporarily: (seconds: number) =>
    new GraphHttpError(503, 'Request_ThrottledTemporarily', `Your request is throttled temporarily. Please try after ${seconds} seconds.`, undefined, { 'Retry-After': String(seconds) }),
  noRoute: (path: string) => new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${path}'.`),
  badJson: () => new GraphHttpError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.'),
};
