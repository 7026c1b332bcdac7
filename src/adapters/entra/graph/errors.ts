// From Graph's error answers to the project's catalog (Entra Connect's export error names).
import { SyncError, entraErrors } from '../../../engine/errors';
import type { EntraObjectKind } from '../../../engine/ports/entra-target';
import { permissionFor } from '../permissions';
import { withoutSecrets } from '../redact';
import { throttledWait, type ThrottleFacts } from './retry';

export interface GraphErrorFacts extends ThrottleFacts {
  status: number;
  code: string;
  message: string;
  details: { code?: string; target?: string; message?: string }[];
  requestId?: string;
  clientRequestId?: string;
  retryAfterSeconds?: number;
}

export interface CallFacts {
  method: string;
  path: string;
  kind?: EntraObjectKind;
  id?: string;
  userPrincipalName?: string;
  clientId?: string;
  maxRetryWaitSeconds: number;
  /**
   * What a 404 is about when Graph's message names no object (a membership change: the group
   * or one of the members); the object the message names wins.
   */
  notFound?: string;
}

/** The object a 404 names: Graph's "Resource '<id>' does not exist or ..." (reference section 4). */
export function missingResource(message: string): string | undefined {
  return /Resource '([^']+)' does not exist/i.exec(message)?.[1];
}

/**
 * The most of one text of an error body kept (Graph's messages are a sentence or two): a hostile
 * or broken answer of megabytes must not become a reason of megabytes on the terminal and in the
 * report.
 */
export const GRAPH_TEXT_LIMIT = 2000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A text of Graph's error body as it may be shown: no secret this process holds (redact.ts),
 * control characters (a terminal escape in a hostile message) written out as \uXXXX, and at
 * most GRAPH_TEXT_LIMIT characters.
 */
export function graphText(value: unknown): string {
  if (typeof value !== 'string') return '';
  // A held secret echoed back is removed first, before the cut can leave half of it (redact.ts).
  // eslint-disable-next-line no-control-regex
  const visible = withoutSecrets(value).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return visible.length <= GRAPH_TEXT_LIMIT ? visible : `${visible.slice(0, GRAPH_TEXT_LIMIT)}… (${visible.length - GRAPH_TEXT_LIMIT} more characters)`;
}

/** Parse Graph's `{"error":{...}}` body (string or object). Any shape: fields of the wrong type are left out, never a TypeError. */
export function parseGraphError(status: number, body: unknown, headers?: { requestId?: string; retryAfterSeconds?: number } & ThrottleFacts): GraphErrorFacts {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = { error: { message: body } };
    }
  }
  const root = isRecord(parsed) ? (isRecord(parsed.error) ? parsed.error : parsed) : {};
  const innerRaw = root.innerError ?? root.innererror;
  const inner = isRecord(innerRaw) ? innerRaw : {};
  // Reference section 4: details are objects {code, target, message}; anything else is dropped.
  const details = (Array.isArray(root.details) ? root.details : []).filter(isRecord).map((d) => ({
    ...(typeof d.code === 'string' ? { code: graphText(d.code) } : {}),
    ...(typeof d.target === 'string' ? { target: graphText(d.target) } : {}),
    ...(typeof d.message === 'string' ? { message: graphText(d.message) } : {}),
  }));
  return {
    status,
    code: graphText(root.code),
    message: graphText(root.message),
    details,
    requestId: headers?.requestId ?? (typeof inner['request-id'] === 'string' ? graphText(inner['request-id']) : undefined),
    clientRequestId: typeof inner['client-request-id'] === 'string' ? graphText(inner['client-request-id']) : undefined,
    retryAfterSeconds: headers?.retryAfterSeconds,
    ...(headers?.throttleScope ? { throttleScope: headers.throttleScope } : {}),
    ...(headers?.throttleInformation ? { throttleInformation: headers.throttleInformation } : {}),
    ...(headers?.throttleLimitPercentage !== undefined ? { throttleLimitPercentage: headers.throttleLimitPercentage } : {}),
  };
}

/** The property a uniqueness conflict is about, and the conflicting object ("User_<id>") when given. */
export function conflictOf(facts: GraphErrorFacts): { attribute: string; conflictingObject?: string } | undefined {
  if (!/already exists/i.test(facts.message) && !facts.details.some((d) => d.code === 'ObjectConflict')) return undefined;
  const attribute = facts.details.find((d) => d.code === 'ObjectConflict')?.target ?? /property (\w+)/.exec(facts.message)?.[1] ?? 'unknown';
  const conflictingObject = facts.details.find((d) => d.code === 'ConflictingObjects')?.target;
  return { attribute, ...(conflictingObject ? { conflictingObject } : {}) };
}

export function mapGraphError(facts: GraphErrorFacts, call: CallFacts): SyncError {
  const base = {
    service: 'Microsoft Graph',
    method: call.method, path: call.path, status: facts.status, graphCode: facts.code, graphMessage: facts.message,
    requestId: facts.requestId, clientRequestId: facts.clientRequestId,
  };
  const m = facts.message;
  // The identity platform issued the token (a refused credential never gets this far): Graph
  // refusing it is about the token (audience, consent, Conditional Access), not the secret.
  if (facts.status === 401) {
    return new SyncError(entraErrors.AccessTokenRejected, { ...base, clientId: call.clientId ?? 'the configured application', detail: [facts.code, m].filter(Boolean).join(': ') || 'no reason given' });
  }
  if (facts.status === 403) {
    // Graph's message never names the permission; the call does (permissions.ts).
    const needed = permissionFor(call.method, call.path);
    return new SyncError(entraErrors.AuthorizationDenied, {
      ...base, clientId: call.clientId ?? 'the configured application',
      permission: needed?.permission ?? 'the permission this call needs',
      alternatives: needed?.alternatives.length ? ` (or ${needed.alternatives.join(' or ')})` : '',
    });
  }
  if (facts.status === 429) {
    return new SyncError(entraErrors.Throttled, { ...base, ...throttledWait(facts.retryAfterSeconds, facts), maxRetryWaitSeconds: call.maxRetryWaitSeconds });
  }
  if (facts.status >= 500) return new SyncError(entraErrors.ServiceUnavailable, { ...base, retryAfterSeconds: facts.retryAfterSeconds });
  if (facts.status === 413 || /too large|exceeds the maximum/i.test(m)) return new SyncError(entraErrors.LargeObject, base);
  if (/on-premises mastered|undergoing migration/i.test(m)) return new SyncError(entraErrors.DirSyncMastered, { ...base, id: call.id ?? 'unknown' });
  if (/domain portion of the userPrincipalName/i.test(m)) {
    return new SyncError(entraErrors.UnverifiedDomain, { ...base, userPrincipalName: call.userPrincipalName ?? '(the exported UPN)' });
  }
  // Only the sentence Graph documents: any other message that mentions "federated" (e.g. a
  // refused anchor change) maps by its kind below, not as a missing anchor on create.
  if (/SourceAnchor is a required property for creation of a federated user/i.test(m)) return new SyncError(entraErrors.FederatedDomainRequiresSourceAnchor, base);
  if (/is read-only and cannot be set/i.test(m)) {
    const property = /Property '([^']+)'/.exec(m)?.[1] ?? 'A property';
    return new SyncError(entraErrors.NotWritableThroughGraph, { ...base, what: `The property ${property}`, detail: m });
  }
  if (/writes of mail-enabled groups/i.test(m)) return new SyncError(entraErrors.NotWritableThroughGraph, { ...base, what: 'A mail-enabled group or distribution list', detail: m });
  if (facts.status === 405) return new SyncError(entraErrors.NotWritableThroughGraph, { ...base, what: `${call.method} ${call.path}`, detail: m });
  const conflict = conflictOf(facts);
  if (conflict) {
    // The holder travels as data (kind and id), never to be parsed back out of the message.
    const holder = /^(User|Group|Contact)_(.+)$/i.exec(conflict.conflictingObject ?? '');
    return new SyncError(entraErrors.AttributeValueMustBeUnique, {
      ...base, attribute: conflict.attribute, conflictingObject: conflict.conflictingObject ? ` (${conflict.conflictingObject})` : '',
      ...(holder ? { conflictingKind: holder[1]!.toLowerCase(), conflictingId: holder[2] } : {}),
    });
  }
  if (facts.status === 404) {
    // The object Graph names (a missing member, not the group the request was sent to).
    return new SyncError(entraErrors.ObjectNotFound, { ...base, id: missingResource(m) ?? call.notFound ?? call.id ?? call.path });
  }
  // A directory extension the tenant has not registered: named, so the engineer knows what to register.
  const extension = /Property '(extension_[0-9a-f]{32}_\w+)' does not exist as a declared property or extension property/i.exec(m)?.[1];
  if (facts.status === 400 && extension) return new SyncError(entraErrors.DirectoryExtensionNotRegistered, { ...base, property: extension });
  if (facts.status === 400 && (facts.code === 'Request_BadRequest' || /Invalid value|required but is empty|password complexity|Invalid property/i.test(m))) {
    return new SyncError(entraErrors.IdentityDataValidationFailed, base);
  }
  return new SyncError(entraErrors.GraphRequestFailed, base);
}
