// Access tokens for Microsoft Graph through msal-node's ConfidentialClientApplication,
// with a client secret or a certificate. Authority metadata is given to msal up front,
// so it makes no discovery call for any cloud (public, US Government, China, emulator).
// One application object per credential and process: msal's in-memory cache then
// serves every later request until the token nears expiry.
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfidentialClientApplication, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { fetch as undiciFetch, type Agent } from 'undici';
import type { EntraConfig } from '../config/model';
import { SyncError, entraErrors } from '../engine/errors';
import { createAgent, describeNetworkError, readCa } from './tls';

/** msal's HTTP through undici with the configured CA; remembers the last network failure. */
class PinnedNetworkClient implements INetworkModule {
  lastFailure: unknown;
  calls: { method: string; url: string; status: number; retryAfter?: string }[] = [];
  constructor(private readonly agent: Agent) {}

  async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }
  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }
  private async send<T>(method: string, url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    let response;
    let text: string;
    try {
      response = await undiciFetch(url, {
        method,
        headers: options?.headers ?? {},
        ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
        dispatcher: this.agent,
        ...(timeout ? { signal: AbortSignal.timeout(timeout) } : {}),
      });
      // Read the whole body here: a connection dropped mid-body is a network failure too.
      text = await response.text();
    } catch (err) {
      this.lastFailure = err;
      this.calls.push({ method, url, status: 0 });
      throw err;
    }
    this.calls.push({ method, url, status: response.status, ...(response.headers.get('retry-after') ? { retryAfter: response.headers.get('retry-after')! } : {}) });
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
}

export interface Credential {
  kind: 'secret' | 'certificate';
  secret?: string;
  certificate?: { privateKey: string; thumbprint?: string; thumbprintSha256?: string; x5c?: string };
  fingerprint: string;
}

export function loadCredential(entra: EntraConfig, secret: string | undefined): Credential {
  if (entra.certificateFile) {
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
  private readonly app: ConfidentialClientApplication;
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
    this.network = new PinnedNetworkClient(createAgent(readCa(entra.caFile, host.origin)));
    this.app = new ConfidentialClientApplication({
      auth: {
        clientId: entra.clientId,
        authority: this.authority,
        knownAuthorities: [host.host],
        authorityMetadata: authorityMetadata(this.authority),
        cloudDiscoveryMetadata: JSON.stringify({
          tenant_discovery_endpoint: `${this.authority}/v2.0/.well-known/openid-configuration`,
          'api-version': '1.1',
          metadata: [{ preferred_network: host.host, preferred_cache: host.host, aliases: [host.host] }],
        }),
        ...(credential.kind === 'secret' ? { clientSecret: credential.secret! } : { clientCertificate: credential.certificate! }),
      },
      system: { networkClient: this.network },
    });
  }

  /** Calls msal made over the network (token and, if any, discovery). */
  networkCalls(): { method: string; url: string; status: number }[] {
    return [...this.network.calls];
  }

  /**
   * A token for Graph. A throttled or unavailable token endpoint is retried after its
   * Retry-After while the wait budget (maxRetryWaitSeconds) allows.
   */
  async token(options: { skipCache?: boolean } = {}): Promise<string> {
    const budget = this.entra.maxRetryWaitSeconds ?? 60;
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      this.network.lastFailure = undefined;
      const callsBefore = this.network.calls.length;
      try {
        const result = await this.app.acquireTokenByClientCredential({ scopes: [this.scope], ...(options.skipCache ? { skipCache: true } : {}) });
        if (!result?.accessToken) throw new Error('the token response had no access token');
        return result.accessToken;
      } catch (err) {
        if (err instanceof SyncError) throw err;
        if (this.network.lastFailure !== undefined) {
          throw new SyncError(entraErrors.TenantUnreachable, { endpoint: this.authority, detail: describeNetworkError(this.network.lastFailure) }, { cause: err });
        }
        const last = this.network.calls.length > callsBefore ? this.network.calls[this.network.calls.length - 1] : undefined;
        if (last && (last.status === 429 || last.status >= 500)) {
          const retryAfter = Number(last.retryAfter ?? 2 ** (attempt - 1));
          const wait = Number.isFinite(retryAfter) ? retryAfter : 1;
          if (attempt < 4 && waited + wait <= budget) {
            await new Promise((r) => setTimeout(r, wait * 1000));
            waited += wait;
            continue;
          }
          const path = new URL(last.url).pathname;
          throw last.status === 429
            ? new SyncError(entraErrors.Throttled, { service: 'The Microsoft identity platform', method: 'POST', path, retryAfterSeconds: wait, maxRetryWaitSeconds: budget }, { cause: err })
            : new SyncError(entraErrors.ServiceUnavailable, { service: 'The Microsoft identity platform', method: 'POST', path, status: last.status, retryAfterSeconds: wait }, { cause: err });
        }
        const e = err as { errorCode?: unknown; errorMessage?: string; message?: string };
        const code = typeof e.errorCode === 'string' ? e.errorCode : undefined;
        const detail = [code, (e.errorMessage ?? e.message ?? '').split(/ Trace ID:/)[0]?.trim()].filter(Boolean).join(': ');
        throw new SyncError(entraErrors.AuthenticationFailed, { clientId: this.entra.clientId, detail }, { cause: err });
      }
    }
  }
}

const sources = new Map<string, TokenSource>();

/** The process-wide token source for this tenant, app and credential. */
export function tokenSourceFor(entra: EntraConfig, credential: Credential): TokenSource {
  const key = [entra.authorityHost, entra.tenantId, entra.clientId, entra.graphEndpoint, entra.caFile ?? '', credential.fingerprint].join('|');
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
