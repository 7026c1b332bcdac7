// Access tokens for Microsoft Graph through msal-node: as an application
// (ConfidentialClientApplication, client secret or certificate), or as the engineer
// (PublicClientApplication, device code flow, delegated permissions; the token cache is
// kept by the surface, so the next run signs in silently). Authority metadata is given to msal up front,
// so it makes no discovery call for any cloud (public, US Government, China, emulator).
// One application object per credential and process: msal's in-memory cache then
// serves every later request until the token nears expiry.
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  ConfidentialClientApplication, InteractionRequiredAuthError, PublicClientApplication,
  type DeviceCodeRequest, type ICachePlugin, type INetworkModule, type NetworkRequestOptions, type NetworkResponse, type TokenCacheContext,
} from '@azure/msal-node';
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import { entraAuthMode, type DelegatedSignIn, type EntraConfig } from '../../engine/model/config';
import { SyncError, entraErrors } from '../../engine/errors';
import { createAgent, describeNetworkError, readCa } from './tls';
import { throttledWait } from './graph/retry';

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
        });
        // Read the whole body here: a connection dropped mid-body is a network failure too.
        const text = await response.text();
        const retryAfterHeader = response.headers.get('retry-after');
        this.calls.push({
          method, url, status: response.status, ...(retryAfterHeader ? { retryAfter: retryAfterHeader } : {}),
          // msal does not check the device code answer: a refusal is read from here.
          ...(response.status >= 400 ? { error: oauthError(text) } : {}),
        });
        if (response.status !== 429 && response.status < 500) return toNetworkResponse<T>(response, text);
        const retryAfter = parseRetryAfterSeconds(retryAfterHeader);
        failure = { status: response.status, ...(retryAfter !== undefined ? { retryAfter } : {}), detail: `HTTP ${response.status}${oauthError(text)}` };
      } catch (err) {
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
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
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
    body = { error: 'invalid_response', error_description: text.slice(0, 200) };
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
      pem = readFileSync(entra.certificateFile, 'utf8');
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
  return { kind: 'secret', secret, fingerprint: `secret:${createHash('sha256').update(secret).digest('hex')}` };
}

/** The msal cache plugin over the surface's store: read before each token lookup, written after each change. */
function cachePlugin(signIn: DelegatedSignIn): ICachePlugin {
  return {
    async beforeCacheAccess(context: TokenCacheContext) {
      const stored = await signIn.loadTokenCache();
      if (stored) context.tokenCache.deserialize(stored);
    },
    async afterCacheAccess(context: TokenCacheContext) {
      if (context.cacheHasChanged) await signIn.saveTokenCache(context.tokenCache.serialize());
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
      budgetSeconds: entra.maxRetryWaitSeconds ?? 60,
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
      return accessToken;
    } catch (err) {
      if (err instanceof SyncError) throw err;
      const failure = this.network.lastFailure;
      if (failure instanceof TransientTokenFailure) {
        const path = new URL(failure.url).pathname;
        if (failure.status === 429) {
          throw new SyncError(entraErrors.Throttled, {
            service: 'The Microsoft identity platform', method: 'POST', path, ...throttledWait(failure.retryAfterSeconds), maxRetryWaitSeconds: this.entra.maxRetryWaitSeconds ?? 60,
          }, { cause: err });
        }
        throw new SyncError(entraErrors.IdentityPlatformUnavailable, {
          clientId: this.entra.clientId, detail: `${failure.detail} from POST ${path}`, attempts: failure.attempts,
          elapsedSeconds: Math.round(failure.elapsedMs / 100) / 10, endpoint: this.authority, ...(failure.status ? { status: failure.status } : {}),
        }, { cause: err });
      }
      if (failure !== undefined) {
        throw new SyncError(entraErrors.TenantUnreachable, { endpoint: this.authority, detail: describeNetworkError(failure, this.authority) }, { cause: err });
      }
      const e = err as { errorCode?: unknown; errorMessage?: string; message?: string };
      const code = typeof e.errorCode === 'string' ? e.errorCode : undefined;
      const detail = [code, (e.errorMessage ?? e.message ?? '').split(/ Trace ID:/)[0]?.trim()].filter(Boolean).join(': ');
      throw new SyncError(entraErrors.AuthenticationFailed, { clientId: this.entra.clientId, detail }, { cause: err });
    }
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
