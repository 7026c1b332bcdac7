// LDAP and socket failures -> catalog SyncErrors (src/engine/errors/catalog/directory.ts).
// ldapts raises ResultCodeError subclasses with a numeric `code` (RFC 4511 result codes);
// sockets raise Node errors with string codes; timeouts are plain Errors.
import { ResultCodeError } from 'ldapts';
import { directoryErrors } from '../../../engine/errors/catalog/directory';
import { SyncError } from '../../../engine/errors/sync-error';
import { WIRE_REFUSAL } from './wire-guard';

export interface LdapErrorContext {
  url: string;
  server: string;
  bindDn?: string;
  operation: string;
  dn?: string;
  /** The operation time-out (ms). */
  timeoutMs?: number;
  /** The connect time-out (ms), reported when the connection itself timed out. */
  connectTimeoutMs?: number;
}

const CERT_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
]);

const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
  'EADDRNOTAVAIL',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** First line of an LDAP server message, without ldapts's " Code: 0x.." suffix. */
function serverDetail(err: Error): string {
  return err.message.replace(/\s*Code: 0x[0-9a-f]+$/i, '').split('\n')[0]?.trim() || err.name;
}

/**
 * The AD data code of a refused bind: Active Directory and Samba put the Win32 error in the
 * diagnostic message ("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext
 * error, data 52e, v4563"). Undefined when the server gave none.
 */
export function bindDataCode(message: string): string | undefined {
  return /\bdata\s+([0-9a-f]{3,8})\b/i.exec(message)?.[1]?.toLowerCase();
}

type BindBase = { url: string; server: string; bindDn: string; operation: string; dn: string };

/** Result 49 read by its AD data code: which of wrong password, disabled, locked out, expired... */
function bindRefused(err: Error, base: BindBase, detail: string): SyncError {
  const dataCode = bindDataCode(err.message);
  const details = { ...base, resultCode: 49, detail, dataCode: dataCode ?? 'none' };
  switch (dataCode) {
    case '525':
      return new SyncError(directoryErrors.BindAccountNotFound, details, { cause: err });
    case '52e':
      return new SyncError(directoryErrors.InvalidCredentials, { ...details, why: 'the password is wrong (AD data code 52e).' }, { cause: err });
    case '530':
      return new SyncError(directoryErrors.LogonRestricted, { ...details, dataCode: '530', restriction: 'at this time of day (logon hours)' }, { cause: err });
    case '531':
      return new SyncError(directoryErrors.LogonRestricted, { ...details, dataCode: '531', restriction: 'from this computer (allowed workstations)' }, { cause: err });
    case '532':
      return new SyncError(directoryErrors.PasswordExpired, details, { cause: err });
    case '533':
      return new SyncError(directoryErrors.AccountDisabled, details, { cause: err });
    case '701':
      return new SyncError(directoryErrors.AccountExpired, details, { cause: err });
    case '773':
      return new SyncError(directoryErrors.PasswordMustChange, details, { cause: err });
    case '775':
      return new SyncError(directoryErrors.AccountLockedOut, details, { cause: err });
    default:
      return new SyncError(directoryErrors.InvalidCredentials, {
        ...details,
        why: dataCode
          ? `the user name or password is wrong, or the account cannot sign in (AD data code ${dataCode}).`
          : 'the user name or password is wrong, or the account is disabled, locked out or expired (the server gave no AD data code to tell which).',
      }, { cause: err });
  }
}

/** "read CN=x,..." : the operation and what it was on, for a message that has no {dn} of its own. */
function operationOn(ctx: LdapErrorContext): string {
  return ctx.dn ? `${ctx.operation} ${ctx.dn}` : ctx.operation;
}

export function toSyncError(err: unknown, ctx: LdapErrorContext): SyncError {
  if (err instanceof SyncError) return err;
  const base = { url: ctx.url, server: ctx.server, bindDn: ctx.bindDn ?? '(anonymous)', operation: ctx.operation, dn: ctx.dn ?? '' };
  if (err instanceof ResultCodeError) {
    const detail = serverDetail(err);
    switch (err.code) {
      case 49:
        return bindRefused(err, base, detail);
      case 8:
      case 13:
        return new SyncError(directoryErrors.StrongAuthenticationRequired, { ...base, resultCode: err.code, detail }, { cause: err });
      case 32:
        return new SyncError(directoryErrors.NoSuchObject, { ...base, matchedDn: '(none)', didYouMean: '', resultCode: 32 }, { cause: err });
      case 50:
        return new SyncError(directoryErrors.InsufficientAccess, { ...base, resultCode: 50, detail }, { cause: err });
      case 3:
        return new SyncError(directoryErrors.TimeLimitExceeded, { ...base, operation: operationOn(ctx), timeoutMs: ctx.timeoutMs ?? 'the server time limit', resultCode: 3 }, { cause: err });
      case 4:
        return new SyncError(directoryErrors.SizeLimitExceeded, { ...base, resultCode: 4 }, { cause: err });
      case 10:
        // ldapts follows no referral (nor search reference): said, and never chased with the bind.
        return new SyncError(directoryErrors.ReferralNotFollowed, { ...base, dn: base.dn || '(the RootDSE)', detail: detail || 'no detail' }, { cause: err });
      case 51:
      case 52:
      case 53:
        // The server answered: busy, shutting down or unwilling, not out of reach (ServerUnavailable).
        return new SyncError(directoryErrors.ServerBusy, { ...base, resultCode: err.code, detail }, { cause: err });
      default:
        return new SyncError(directoryErrors.LdapOperationFailed, { ...base, resultCode: err.code, detail }, { cause: err });
    }
  }
  const nodeCode = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  // The wire guard ended the connection (wire-guard.ts); ldapts passes its text on.
  const refused = message.indexOf(WIRE_REFUSAL);
  if (refused >= 0) {
    const problem = message.slice(refused + WIRE_REFUSAL.length).split('\n')[0]!.trim();
    return new SyncError(directoryErrors.DirectoryAnswerInvalid, { url: base.url, server: base.server, operation: base.operation, dn: base.dn || '(the RootDSE)', problem }, { cause: err });
  }
  if (typeof nodeCode === 'string' && CERT_ERRORS.has(nodeCode)) {
    return new SyncError(directoryErrors.CertificateVerificationFailed, { ...base, detail: `${nodeCode}: ${message}` }, { cause: err });
  }
  // A scheme on the other kind of port fails as a reset, a protocol error or a silence (the TLS
  // port waits for a handshake that never comes): said as the URL mix-up it is, whichever.
  const mismatch = schemeMismatch(ctx.url, nodeCode, message);
  if (mismatch) {
    return new SyncError(directoryErrors.ServerUnavailable, { ...base, detail: `${typeof nodeCode === 'string' ? `${nodeCode}: ` : ''}${message}; ${mismatch}` }, { cause: err });
  }
  if (/Connection timeout/i.test(message)) {
    return new SyncError(directoryErrors.TimeLimitExceeded, { ...base, operation: 'the connection (TCP and TLS handshake)', timeoutMs: ctx.connectTimeoutMs ?? ctx.timeoutMs ?? 'the configured' }, { cause: err });
  }
  if (/Operation timed out/i.test(message)) {
    return new SyncError(directoryErrors.TimeLimitExceeded, { ...base, operation: operationOn(ctx), timeoutMs: ctx.timeoutMs ?? 'the configured' }, { cause: err });
  }
  if ((typeof nodeCode === 'string' && NETWORK_ERRORS.has(nodeCode)) || /Socket error|Connection closed|socket hang up|ECONNRESET/i.test(message)) {
    return new SyncError(directoryErrors.ServerUnavailable, { ...base, detail: typeof nodeCode === 'string' ? `${nodeCode}: ${message}` : message }, { cause: err });
  }
  return new SyncError(directoryErrors.LdapOperationFailed, { ...base, resultCode: 'none', detail: message }, { cause: err });
}

/** The LDAPS ports: a domain controller's (636) and a global catalog's (3269); and the plain ones. */
const TLS_PORTS = new Set(['636', '3269']);
const PLAIN_PORTS = new Set(['389', '3268']);

/**
 * The URL's scheme and port that do not go together, when the failure says so: an ldaps:// URL
 * whose server answered in plain text (the LDAP port 389 given as LDAPS), or an ldap:// URL on an
 * LDAPS port (the server waits for a TLS handshake and drops the plain request).
 */
function schemeMismatch(url: string, nodeCode: unknown, message: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const tlsAnsweredInPlain = nodeCode === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long|unknown protocol/i.test(message);
  if (parsed.protocol === 'ldaps:' && (tlsAnsweredInPlain || PLAIN_PORTS.has(parsed.port))) {
    return `the server at port ${parsed.port || '636'} answered in plain text, not TLS: an ldaps:// URL needs the LDAPS port (636, or 3269 for a global catalog); port ${parsed.port || '389'} takes ldap:// with "startTls": true`;
  }
  if (parsed.protocol === 'ldap:' && TLS_PORTS.has(parsed.port)) {
    return `port ${parsed.port} is an LDAPS port (it expects a TLS handshake first): use ldaps://${parsed.hostname}:${parsed.port}`;
  }
  return undefined;
}
