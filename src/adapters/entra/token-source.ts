// Access tokens for Microsoft Graph through msal-node: as an application
// (ConfidentialClientApplication, client secret or certificate), or as the engineer
// (PublicClientApplication, device code flow, delegated permissions; the token cache is
// kept by the surface, so the next run signs in silently). Authority metadata is given to msal up front,
// so it makes no discovery call for any cloud (public, US Government, China, emulator).
// One application object per credential and process: msal's in-memory cache then
// serves every later request until the token nears expiry.
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import {
  ConfidentialClientApplication, InteractionRequiredAuthError, PublicClientApplication,
  type DeviceCodeRequest, type ICachePlugin, type INetworkModule, type NetworkRequestOptions, type NetworkResponse, type TokenCacheContext,
} from '@azure/msal-node';
import { fetch as undiciFetch, type Dispatcher, type Response as UndiciResponse } from 'undici';
import { entraAuthMode, type DelegatedSignIn, type EntraConfig } from '../../engine/model/config';
import { SyncError, entraErrors } from '../../engine/errors';
import { createAgent, describeNetworkError, readCa } from './tls';
import { readPemFileSync } from '../io/read-bounded';
import { retryBudgetSeconds, sleepMs, throttledWait } from './graph/retry';
import { holdSecret, holdToken, secretFree, withoutSecrets } from './redact';
import { redirectTarget } from './redirect-target';
import { readBodyUpTo } from './bounded-body';

/** Default time-out of one token-endpoint or Graph call (entra.requestTimeoutSeconds). */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;

/** The identity platform gave no usable answer, still after the retries: 429/5xx, a reset or a time-out. */
export class TransientTokenFailure extends Error {
  override name = 'TransientTokenFailure';
  constructor(
    readonly status: number,
    readonly retryAfterSeconds: number | undefined,
    readonly detail: string,
    readonly attempts: number,
    readonly elapsedMs: number,
    readonly url: string,
  ) {
    super(detail);
  }
}

/**
 * The token endpoint answered, but not as the identity platform answers: no JSON object (an HTML
 * sign-in or block page of a proxy or captive portal), an error without an OAuth `error`, or a
 * token answer without an access token. Not a refused credential, and not transient.
 */
export class NotAnOAuthAnswer extends Error {
  override name = 'NotAnOAuthAnswer';
  constructor(readonly status: number, readonly url: string, readonly detail: string) {
    super(detail);
  }
}

/** The most of a body quoted in an error: enough to recognize a login page, no more. */
const QUOTED_BODY_LIMIT = 200;

/** A short, single-line, secret-free excerpt of a body to quote (control characters escaped). */
function excerpt(text: string): string {
  // eslint-disable-next-line no-control-regex
  const line = withoutSecrets(text).replace(/\s+/g, ' ').trim().replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return line.length <= QUOTED_BODY_LIMIT ? line : `${line.slice(0, QUOTED_BODY_LIMIT)}… (${line.length - QUOTED_BODY_LIMIT} more characters)`;
}

/**
 * Why an answer of the token or device code endpoint is not an OAuth answer (RFC 6749 5.1 and
 * 5.2), or undefined when it is one: a JSON object; an error (4xx/5xx) carries a string `error`;
 * a successful token answer carries a string `access_token`.
 */
export function notOAuthAnswer(url: string, status: number, contentType: string | null, text: string): string | undefined {
  let body: unknown;
  try {
    body = text.trim() ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const type = excerpt(contentType?.split(';')[0]?.trim() ?? '');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const what = type ? `a body (Content-Type ${type})` : 'a body without a Content-Type';
    return text.trim() ? `HTTP ${status} with ${what} that is no JSON object: "${excerpt(text)}"` : `HTTP ${status} with an empty body`;
  }
  const fields = Object.keys(body);
  const named = fields.length ? `its fields: ${excerpt(fields.slice(0, 10).join(', '))}${fields.length > 10 ? ', …' : ''}` : 'no fields';
  if (status >= 400) return typeof (body as { error?: unknown }).error === 'string' ? undefined : `HTTP ${status} with a JSON body that is no OAuth error (${named})`;
  const isToken = /\/oauth2\/v2\.0\/token$/.test(new URL(url).pathname);
  const token = (body as { access_token?: unknown }).access_token;
  if (isToken && status >= 200 && status < 300 && (typeof token !== 'string' || token === '')) return `HTTP ${status} with a JSON body that holds no access token (${named})`;
  if (isToken && status >= 200 && status < 300) {
    const flaw = tokenAnswerFlaw(body as Record<string, unknown>);
    if (flaw) return `HTTP ${status} with a token answer whose ${flaw}`;
  }
  return undefined;
}

/**
 * The longest access token taken (characters). The identity platform's are JWTs of 1-4 KB (a group
 * overage claim keeps them small); every Graph request carries it in its Authorization header,
 * and Graph's front doors refuse headers of more than a few tens of KB.
 */
export const MAX_ACCESS_TOKEN_LENGTH = 32 * 1024;

/**
 * The longest lifetime taken (expires_in, seconds): two days. The identity platform issues
 * access tokens for 60 to 90 minutes, at most a day under a token lifetime policy and 28 hours
 * for a session with continuous access evaluation. msal caches a token until expires_in has
 * passed, so a larger value would keep one token (and a revoked grant) for good.
 */
export const MAX_TOKEN_LIFETIME_SECONDS = 2 * 24 * 3600;

/** RFC 6750 2.1 b64token: the only characters a bearer token has, and none that ends a header line. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Why an access token cannot be sent as `Authorization: Bearer <token>`, or undefined. */
export function bearerFlaw(token: string): string | undefined {
  if (token.length > MAX_ACCESS_TOKEN_LENGTH) return `access_token is ${token.length.toLocaleString('en-US')} characters long, more than the ${MAX_ACCESS_TOKEN_LENGTH.toLocaleString('en-US')} a bearer token may have`;
  if (!B64TOKEN.test(token)) {
    const bad = [...new Set(token.replace(/[A-Za-z0-9\-._~+/=]/g, ''))].slice(0, 5).map((c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
    return `access_token holds characters no bearer token has (${bad.join(', ') || 'padding "=" before its end'}), which could end or change the Authorization header`;
  }
  return undefined;
}

/**
 * Why a successful token answer (RFC 6749 5.1) cannot be used, or undefined: an access token
 * that is no bearer token (bearerFlaw), a token_type other than Bearer (RFC 6749 7.1: a client
 * must not use a token of a type it does not understand, and the tool sends only Bearer), or
 * an expires_in that is no lifetime (missing, zero, negative, not a number, or beyond
 * MAX_TOKEN_LIFETIME_SECONDS: msal would renew the token before every call, or keep it for good).
 */
function tokenAnswerFlaw(body: Record<string, unknown>): string | undefined {
  const bearer = bearerFlaw(body.access_token as string);
  if (bearer) return bearer;
  const type = body.token_type;
  if (typeof type !== 'string' || type.toLowerCase() !== 'bearer') {
    return `token_type is ${type === undefined ? 'missing' : `${excerpt(JSON.stringify(type) ?? String(type))}`}, not Bearer (the only type the tool sends)`;
  }
  const lifetime = body.expires_in;
  const seconds = typeof lifetime === 'number' ? lifetime : typeof lifetime === 'string' && /^\d{1,15}$/.test(lifetime) ? Number(lifetime) : NaN;
  if (!(Number.isFinite(seconds) && seconds > 0 && seconds <= MAX_TOKEN_LIFETIME_SECONDS)) {
    const shown = lifetime === undefined ? 'missing' : excerpt(JSON.stringify(lifetime) ?? String(lifetime));
    return `expires_in is ${shown}, not a lifetime in seconds between 1 and ${MAX_TOKEN_LIFETIME_SECONDS} (the identity platform issues access tokens for at most 28 hours)`;
  }
  return undefined;
}

/** The most of a token or device code endpoint's answer read: its answers are a few KB; a larger body is not read into memory. */
export const TOKEN_ANSWER_LIMIT_BYTES = 1024 * 1024;

/** The body as text, read up to `limit` bytes; undefined past it (the rest is not read). */
async function boundedText(response: UndiciResponse, limit: number): Promise<string | undefined> {
  return (await readBodyUpTo(response, limit))?.toString('utf8');
}

/**
 * The words for a redirect the identity platform never answers a token or device code request
 * with (a proxy, a captive portal or a hostile front does): where it pointed, resolved against
 * the request (secret-free, shortened), and that it was not followed.
 */
export function redirectRefused(status: number, location: string | null, url: string): string {
  return `HTTP ${status}, a redirect to ${redirectTarget(location, url)}; redirects are not followed, so no credential is sent anywhere but ${new URL(url).origin}`;
}

/** Failures of the connection itself that a later attempt may not meet (not TLS, DNS or a refused port). */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

export function isTimeout(err: unknown): boolean {
  for (let e = err as { name?: string; code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.name === 'TimeoutError' || e.code === 'UND_ERR_CONNECT_TIMEOUT' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') return true;
  }
  return false;
}

function isTransientNetworkError(err: unknown): boolean {
  if (isTimeout(err)) return true;
  for (let e = err as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code && TRANSIENT_NETWORK_CODES.has(e.code)) return true;
  }
  return false;
}

export interface TokenNetworkPolicy {
  /** Time-out of one call, in ms. */
  timeoutMs: number;
  /** Total seconds this source may wait between attempts (entra.maxRetryWaitSeconds). */
  budgetSeconds: number;
  /** Attempts for one request, the first included. */
  maxAttempts: number;
}

/**
 * msal's HTTP through undici with the configured CA. Every call has a time-out; 429, 5xx,
 * resets and time-outs are retried here, below msal (Retry-After when given, else 1, 2, 4 s),
 * so msal never caches a transient answer as a throttle. A failure that persists is thrown
 * as TransientTokenFailure; the last network failure is remembered for the error mapping.
 */
class PinnedNetworkClient implements INetworkModule {
  lastFailure: unknown;
  calls: { method: string; url: string; status: number; retryAfter?: string; error?: string }[] = [];
  constructor(private readonly agent: Dispatcher, private readonly policy: TokenNetworkPolicy) {}

  async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options);
  }
  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const started = performance.now();
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      let failure: { status: number; retryAfter?: number; detail: string };
      try {
        const response = await undiciFetch(url, {
          method,
          headers: options?.headers ?? {},
          ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
          dispatcher: this.agent,
          signal: AbortSignal.timeout(this.policy.timeoutMs),
          // Never followed: fetch would post a 307/308's form (the client secret, the client
          // assertion, a refresh token) again to wherever Location points, another host or http:.
          redirect: 'manual',
        });
        // Read the whole body here: a connection dropped mid-body is a network failure too.
        // Bounded: a token answer of megabytes (an endless body, a forged 10 MB token) is not read on.
        const text = await boundedText(response, TOKEN_ANSWER_LIMIT_BYTES);
        if (text === undefined) {
          const error = new NotAnOAuthAnswer(response.status, url, `HTTP ${response.status} with a body larger than ${TOKEN_ANSWER_LIMIT_BYTES / 1024 / 1024} MiB, far more than any answer of the identity platform; it was not read further`);
          this.calls.push({ method, url, status: response.status });
          this.lastFailure = error;
          throw error;
        }
        if (response.status >= 300 && response.status < 400) {
          const error = new NotAnOAuthAnswer(response.status, url, redirectRefused(response.status, response.headers.get('location'), url));
          this.calls.push({ method, url, status: response.status });
          this.lastFailure = error;
          throw error;
        }
        const retryAfterHeader = response.headers.get('retry-after');
        this.calls.push({
          method, url, status: response.status, ...(retryAfterHeader ? { retryAfter: retryAfterHeader } : {}),
          // msal does not check the device code answer: a refusal is read from here.
          ...(response.status >= 400 ? { error: oauthError(text) } : {}),
        });
        if (response.status !== 429 && response.status < 500) {
          // Not the identity platform's answer (a proxy's login page): said as such, never
          // handed to msal, which would make it a refused credential.
          const invalid = notOAuthAnswer(url, response.status, response.headers.get('content-type'), text);
          if (invalid) {
            const error = new NotAnOAuthAnswer(response.status, url, invalid);
            this.lastFailure = error;
            throw error;
          }
          return toNetworkResponse<T>(response, text);
        }
        const retryAfter = parseRetryAfterSeconds(retryAfterHeader);
        failure = { status: response.status, ...(retryAfter !== undefined ? { retryAfter } : {}), detail: `HTTP ${response.status}${oauthError(text)}` };
      } catch (err) {
        if (err instanceof NotAnOAuthAnswer) throw err;
        this.calls.push({ method, url, status: 0 });
        if (!isTransientNetworkError(err)) {
          this.lastFailure = err;
          throw err;
        }
        failure = {
          status: 0,
          detail: isTimeout(err) ? `no answer within ${this.policy.timeoutMs / 1000} s (entra.requestTimeoutSeconds)` : describeNetworkError(err, url),
        };
      }
      const wait = failure.retryAfter ?? 2 ** (attempt - 1);
      if (attempt >= this.policy.maxAttempts || waited + wait > this.policy.budgetSeconds) {
        const error = new TransientTokenFailure(failure.status, failure.retryAfter ?? (failure.status === 429 ? wait : undefined), failure.detail, attempt, performance.now() - started, url);
        this.lastFailure = error;
        throw error;
      }
      await sleepMs(wait * 1000);
      waited += wait;
    }
  }
}

function toNetworkResponse<T>(response: { status: number; headers: { forEach(cb: (value: string, key: string) => void): void } }, text: string): NetworkResponse<T> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  let body: unknown = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    // notOAuthAnswer refused such bodies before; kept secret-free should one get here.
    body = { error: 'invalid_response', error_description: excerpt(text) };
  }
  return { headers, body: body as T, status: response.status };
}

/** ": temporarily_unavailable (AADSTS90033)" from an OAuth error body, when there is one. */
function oauthError(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; error_codes?: unknown };
    const codes = Array.isArray(body.error_codes) ? ` (AADSTS${body.error_codes.join(', AADSTS')})` : '';
    return typeof body.error === 'string' ? `: ${body.error}${codes}` : '';
  } catch {
    return '';
  }
}

function parseRetryAfterSeconds(value: string | null): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (Number.isFinite(n)) return Math.max(0, n);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

export interface Credential {
  kind: 'secret' | 'certificate' | 'deviceCode';
  secret?: string;
  certificate?: { privateKey: string; thumbprint?: string; thumbprintSha256?: string; x5c?: string };
  /** deviceCode: the surface's token cache and code display. */
  signIn?: DelegatedSignIn;
  fingerprint: string;
}

export function loadCredential(entra: EntraConfig, secret: string | undefined, signIn?: DelegatedSignIn): Credential {
  const mode = entraAuthMode(entra);
  if (mode === 'deviceCode') {
    if (!signIn) throw new SyncError(entraErrors.EntraCredentialMissing, { clientId: entra.clientId });
    return { kind: 'deviceCode', signIn, fingerprint: 'deviceCode' };
  }
  if (mode === 'certificate') {
    if (!entra.certificateFile) throw new SyncError(entraErrors.EntraCredentialMissing, { clientId: entra.clientId });
    let pem: string;
    try {
      pem = readPemFileSync(entra.certificateFile).toString('utf8');
    } catch (err) {
      throw new SyncError(entraErrors.EntraCertificateUnreadable, { file: entra.certificateFile, detail: (err as Error).message }, { cause: err });
    }
    const certBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
    const keyBlock = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(pem)?.[0];
    if (!certBlock || !keyBlock) {
      throw new SyncError(entraErrors.EntraCertificateUnreadable, { file: entra.certificateFile, detail: 'the file must hold a CERTIFICATE block and an unencrypted PRIVATE KEY block' });
    }
    let privateKey: string;
    let cert: X509Certificate;
    try {
      privateKey = createPrivateKey(keyBlock).export({ type: 'pkcs8', format: 'pem' }).toString();
      cert = new X509Certificate(certBlock);
    } catch (err) {
      throw new SyncError(entraErrors.EntraCertificateUnreadable, { file: entra.certificateFile, detail: (err as Error).message }, { cause: err });
    }
    const configured = entra.certificateThumbprint?.replace(/[^0-9a-f]/gi, '').toUpperCase();
    const thumbprint =
      configured && configured.length === 40 ? { thumbprint: configured }
      : configured && configured.length === 64 ? { thumbprintSha256: configured }
      : { thumbprintSha256: createHash('sha256').update(cert.raw).digest('hex').toUpperCase() };
    return {
      kind: 'certificate',
      certificate: { privateKey, ...thumbprint },
      fingerprint: `cert:${thumbprint.thumbprint ?? thumbprint.thumbprintSha256}`,
    };
  }
  if (!secret) throw new SyncError(entraErrors.EntraCredentialMissing, { clientId: entra.clientId });
  // An answer that echoes it (a token endpoint's "Invalid client secret provided: '...'") never shows it.
  holdSecret(secret);
  return { kind: 'secret', secret, fingerprint: `secret:${createHash('sha256').update(secret).digest('hex')}` };
}

/** The tokens of a serialized msal cache (refresh, access and id tokens), held for scrubbing (redact.ts). */
function holdCachedTokens(serialized: string): void {
  try {
    const cache = JSON.parse(serialized) as Record<string, unknown>;
    for (const kind of ['RefreshToken', 'AccessToken', 'IdToken']) {
      const entries = cache[kind];
      if (typeof entries !== 'object' || entries === null) continue;
      for (const entry of Object.values(entries as Record<string, { secret?: unknown }>)) if (typeof entry?.secret === 'string') holdToken(entry.secret);
    }
  } catch {
    // not msal's JSON: nothing to hold
  }
}

/** The msal cache plugin over the surface's store: read before each token lookup, written after each change. */
function cachePlugin(signIn: DelegatedSignIn): ICachePlugin {
  return {
    async beforeCacheAccess(context: TokenCacheContext) {
      const stored = await signIn.loadTokenCache();
      if (stored) {
        context.tokenCache.deserialize(stored);
        holdCachedTokens(stored);
      }
    },
    async afterCacheAccess(context: TokenCacheContext) {
      if (!context.cacheHasChanged) return;
      const serialized = context.tokenCache.serialize();
      holdCachedTokens(serialized);
      await signIn.saveTokenCache(serialized);
    },
  };
}

/** The Graph resource's /.default scope for the cloud the Graph endpoint belongs to. */
export function graphScope(graphEndpoint: string): string {
  return `${new URL(graphEndpoint).origin}/.default`;
}

function authorityMetadata(authority: string): string {
  return JSON.stringify({
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${authority}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${authority}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${authority}/openid/userinfo`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid'],
  });
}

export class TokenSource {
  private readonly app: ConfidentialClientApplication | PublicClientApplication;
  private readonly signIn: DelegatedSignIn | undefined;
  private readonly network: PinnedNetworkClient;
  private readonly authority: string;
  private readonly scope: string;

  constructor(private readonly entra: EntraConfig, credential: Credential) {
    const host = new URL(entra.authorityHost);
    if (host.protocol !== 'https:') {
      throw new SyncError(entraErrors.AuthenticationFailed, { clientId: entra.clientId, detail: `the authority host must use https (got ${entra.authorityHost})` });
    }
    this.authority = `${host.origin}/${entra.tenantId}`;
    this.scope = graphScope(entra.graphEndpoint);
    this.network = new PinnedNetworkClient(createAgent(readCa(entra.caFile, host.origin), host.origin), {
      timeoutMs: (entra.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS) * 1000,
      budgetSeconds: retryBudgetSeconds(entra.maxRetryWaitSeconds),
      maxAttempts: 4,
    });
    const auth = {
      clientId: entra.clientId,
      authority: this.authority,
      knownAuthorities: [host.host],
      authorityMetadata: authorityMetadata(this.authority),
      cloudDiscoveryMetadata: JSON.stringify({
        tenant_discovery_endpoint: `${this.authority}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host.host, preferred_cache: host.host, aliases: [host.host] }],
      }),
    };
    this.signIn = credential.signIn;
    this.app = credential.kind === 'deviceCode'
      ? new PublicClientApplication({ auth, cache: { cachePlugin: cachePlugin(credential.signIn!) }, system: { networkClient: this.network } })
      : new ConfidentialClientApplication({
        auth: { ...auth, ...(credential.kind === 'secret' ? { clientSecret: credential.secret! } : { clientCertificate: credential.certificate! }) },
        system: { networkClient: this.network },
      });
  }

  /**
   * Delegated: the signed-in account's token from the cache (refreshed silently when it
   * expired); else the device code flow, which shows the code and waits for the user.
   */
  private async delegatedToken(app: PublicClientApplication, options: { skipCache?: boolean }): Promise<string | undefined> {
    const scopes = [this.scope];
    const [account] = await app.getTokenCache().getAllAccounts();
    if (account) {
      try {
        const result = await app.acquireTokenSilent({ account, scopes, ...(options.skipCache ? { forceRefresh: true } : {}) });
        if (result?.accessToken) return result.accessToken;
      } catch (err) {
        if (!(err instanceof InteractionRequiredAuthError)) throw err;
        // The refresh token expired or was revoked: sign in again below.
      }
    }
    const listeners: ((signedIn: boolean) => void)[] = [];
    let signedIn = false;
    // msal polls while request.cancel is false and reads it before every poll.
    const request: DeviceCodeRequest = {
      scopes,
      cancel: false,
      deviceCodeCallback: (response) => {
        if (!response.userCode) return; // the device code endpoint refused (read below)
        this.signIn!.showDeviceCode({
          userCode: response.userCode,
          verificationUri: response.verificationUri,
          message: response.message,
          expiresInSeconds: response.expiresIn,
          onDone: (listener) => listeners.push(listener),
          cancel: () => { request.cancel = true; },
        });
      },
    };
    try {
      const result = await app.acquireTokenByDeviceCode(request);
      signedIn = Boolean(result?.accessToken);
      return result?.accessToken;
    } catch (err) {
      const e = err as { errorCode?: unknown; errorMessage?: string; message?: string };
      const lastDeviceCode = [...this.network.calls].reverse().find((c) => c.url.endsWith('/oauth2/v2.0/devicecode'));
      const text = `${lastDeviceCode?.error ?? ''} ${String(e.errorCode ?? '')} ${e.errorMessage ?? e.message ?? ''}`;
      const detail = /7000218/.test(text) ? 'the app registration does not allow public client flows (AADSTS7000218): turn on "Allow public client flows" under Authentication, or use a client secret or certificate.'
        : /65001/.test(text) ? 'no one has consented to the app\'s delegated Microsoft Graph permissions (AADSTS65001): an administrator grants admin consent under API permissions.'
        : /authorization_declined/.test(text) ? 'the sign-in was declined on the verification page.'
        : /device_code_polling_cancelled/.test(text) ? 'the sign-in was cancelled before the code was entered.'
        : /expired_token|device_code_expired|expired/i.test(text) ? 'the code expired before anyone signed in with it.'
        : /bad_verification_code/.test(text) ? 'the identity platform no longer recognizes the code.'
        : undefined;
      if (detail) throw new SyncError(entraErrors.SignInNotCompleted, { tenantId: this.entra.tenantId, clientId: this.entra.clientId, detail }, { cause: err });
      throw err;
    } finally {
      for (const listener of listeners) listener(signedIn);
    }
  }

  /** Calls msal made over the network (token and, if any, discovery). */
  networkCalls(): { method: string; url: string; status: number }[] {
    return [...this.network.calls];
  }

  /**
   * A token for Graph. Transient answers (429, 5xx, a reset, a time-out) are retried by the
   * network client within entra.maxRetryWaitSeconds; one that persists is Throttled (429) or
   * IdentityPlatformUnavailable, never AuthenticationFailed, which is kept for refusals.
   */
  async token(options: { skipCache?: boolean } = {}): Promise<string> {
    this.network.lastFailure = undefined;
    try {
      const accessToken = this.app instanceof PublicClientApplication
        ? await this.delegatedToken(this.app, options)
        : (await this.app.acquireTokenByClientCredential({ scopes: [this.scope], ...(options.skipCache ? { skipCache: true } : {}) }))?.accessToken;
      if (!accessToken) throw new Error('the token response had no access token');
      // A token read back from a delegated sign-in's kept cache never passed the answer check above.
      const flaw = bearerFlaw(accessToken);
      if (flaw) {
        throw new SyncError(entraErrors.TokenEndpointAnswerInvalid, {
          clientId: this.entra.clientId, endpoint: new URL(this.authority).origin, detail: `the access token msal returned is unusable: its ${flaw}`, status: 200,
        });
      }
      // A body that echoes the Authorization header never shows the token (redact.ts).
      holdToken(accessToken);
      return accessToken;
    } catch (err) {
      throw secretFree(this.tokenError(err));
    }
  }

  /** A failure of token() as a catalog SyncError (its texts are made secret-free by the caller). */
  private tokenError(err: unknown): SyncError {
    if (err instanceof SyncError) return err;
    const failure = this.network.lastFailure;
    if (failure instanceof TransientTokenFailure) {
      const path = new URL(failure.url).pathname;
      if (failure.status === 429) {
        return new SyncError(entraErrors.Throttled, {
          service: 'The Microsoft identity platform', method: 'POST', path, ...throttledWait(failure.retryAfterSeconds), maxRetryWaitSeconds: retryBudgetSeconds(this.entra.maxRetryWaitSeconds),
        }, { cause: err });
      }
      return new SyncError(entraErrors.IdentityPlatformUnavailable, {
        clientId: this.entra.clientId, detail: `${failure.detail} from POST ${path}`, attempts: failure.attempts,
        elapsedSeconds: Math.round(failure.elapsedMs / 100) / 10, endpoint: this.authority, ...(failure.status ? { status: failure.status } : {}),
      }, { cause: err });
    }
    if (failure instanceof NotAnOAuthAnswer) {
      return new SyncError(entraErrors.TokenEndpointAnswerInvalid, {
        clientId: this.entra.clientId, endpoint: new URL(failure.url).origin, detail: `POST ${new URL(failure.url).pathname} answered ${failure.detail}`, status: failure.status,
      }, { cause: err });
    }
    if (failure !== undefined) {
      return new SyncError(entraErrors.TenantUnreachable, { endpoint: this.authority, detail: describeNetworkError(failure, this.authority) }, { cause: err });
    }
    // The tenant refused: msal's text is the identity platform's error_description, which may
    // echo what was sent (the secret is removed from it, as from every text: redact.ts).
    const e = err as { errorCode?: unknown; errorMessage?: string; message?: string };
    const code = typeof e.errorCode === 'string' ? e.errorCode : undefined;
    const detail = [code, withoutSecrets(e.errorMessage ?? e.message ?? '').split(/ Trace ID:/)[0]?.trim()].filter(Boolean).join(': ');
    return new SyncError(entraErrors.AuthenticationFailed, { clientId: this.entra.clientId, detail: detail || 'no reason given' }, { cause: err });
  }
}

const sources = new Map<string, TokenSource>();

/** The process-wide token source for this tenant, app and credential. */
export function tokenSourceFor(entra: EntraConfig, credential: Credential): TokenSource {
  // A delegated source belongs to its session: its cache lives in the surface's store.
  if (credential.kind === 'deviceCode') return new TokenSource(entra, credential);
  const key = [entra.authorityHost, entra.tenantId, entra.clientId, entra.graphEndpoint, entra.caFile ?? '', entra.requestTimeoutSeconds ?? '', entra.maxRetryWaitSeconds ?? '', credential.fingerprint].join('|');
  let source = sources.get(key);
  if (!source) {
    source = new TokenSource(entra, credential);
    sources.set(key, source);
  }
  return source;
}

/** Forget cached applications and tokens (tests). */
export function clearTokenCache(): void {
  sources.clear();
}
