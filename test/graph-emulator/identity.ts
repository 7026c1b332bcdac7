// The identity platform side: token endpoint (client secret or certificate assertion),
// OpenID configuration, instance discovery, and validation of the access tokens it issues.
import { createPublicKey, generateKeyPairSync, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, jwtVerify, errors as joseErrors } from 'jose';
import { thumbprints } from './pki';
import type { SeedApp, Store } from './store';

export const assertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const graphResourceHosts = ['graph.microsoft.com', 'graph.microsoft.us', 'dod-graph.microsoft.us', 'microsoftgraph.chinacloudapi.cn'];

export interface TokenFailure {
  status: number;
  body: Record<string, unknown>;
}

export interface AccessTokenClaims {
  appid: string;
  tid: string;
  roles: string[];
}

function aadError(status: number, error: string, code: number, message: string): TokenFailure {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z';
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class IdentityPlatform {
  private signingKey!: KeyObject;
  publicKey!: KeyObject;
  keyId = randomUUID();
  /** Every call to the identity endpoints, so tests can prove no discovery went out. */
  readonly calls: { method: string; path: string }[] = [];

  constructor(private readonly store: Store, private readonly origin: () => string, private readonly tokenLifetimeSeconds: () => number) {
    this.rotateSigningKey();
  }

  /** A new token-signing key: every token issued before fails validation (401). */
  rotateSigningKey(): void {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.signingKey = privateKey;
    this.publicKey = publicKey;
    this.keyId = randomUUID();
  }

  private tenantMatches(segment: string): boolean {
    const s = this.store.state;
    return segment.toLowerCase() === s.tenantId.toLowerCase() || s.domains.some((d) => d.isVerified && d.name.toLowerCase() === segment.toLowerCase());
  }

  openIdConfiguration(tenant: string): Record<string, unknown> | undefined {
    if (!this.tenantMatches(tenant) && tenant !== 'common' && tenant !== 'organizations') return undefined;
    const tid = this.store.state.tenantId;
    const base = `${this.origin()}/${tid}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${this.origin()}/${tid}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${this.origin()}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid', 'roles'],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    };
  }

  instanceDiscovery(): Record<string, unknown> {
    const host = new URL(this.origin()).host;
    return {
      tenant_discovery_endpoint: `${this.origin()}/{tenantid}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    };
  }

  async token(tenant: string, form: URLSearchParams): Promise<{ status: number; body: Record<string, unknown> }> {
    if (!this.tenantMatches(tenant)) {
      return aadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    }
    const grant = form.get('grant_type');
    if (grant !== 'client_credentials') {
      return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant ?? ''}'.`);
    }
    const clientId = form.get('client_id') ?? '';
    const scope = form.get('scope') ?? '';
    const scopeOk = scope.split(' ').some((s) => {
      if (!s.endsWith('/.default')) return false;
      const resource = s.slice(0, -'/.default'.length);
      try {
        const url = new URL(resource);
        return graphResourceHosts.includes(url.hostname) || url.origin === this.origin();
      } catch {
        return resource === '00000003-0000-0000-c000-000000000000';
      }
    });
    if (!scopeOk) {
      return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
    const app = this.store.state.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
    if (!app) {
      return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${this.store.state.tenantDisplayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    let credentialKind: '1' | '2';
    if (secret !== null) {
      if (!(app.secrets ?? []).some((s) => sameSecret(s, secret))) {
        return aadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`);
      }
      credentialKind = '1';
    } else if (assertion !== null) {
      if (form.get('client_assertion_type') !== assertionType) {
        return aadError(400, 'invalid_request', 90015, `Requested client assertion type is invalid. Expected '${assertionType}'.`);
      }
      const failure = await this.verifyAssertion(app, assertion, `${this.origin()}/${tenant}/oauth2/v2.0/token`);
      if (failure) return failure;
      credentialKind = '2';
    } else {
      return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    const lifetime = this.tokenLifetimeSeconds();
    const accessToken = await this.issue(app, credentialKind, lifetime);
    return { status: 200, body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken } };
  }

  private async verifyAssertion(app: SeedApp, assertion: string, tokenEndpoint: string): Promise<TokenFailure | undefined> {
    let header: Record<string, unknown>;
    try {
      header = decodeProtectedHeader(assertion) as Record<string, unknown>;
    } catch {
      return aadError(400, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
    }
    const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');
    const x5t = typeof header.x5t === 'string' ? header.x5t : undefined;
    const x5tS256 = typeof header['x5t#S256'] === 'string' ? (header['x5t#S256'] as string) : undefined;
    const cert = (app.certificates ?? []).find((pem) => {
      const t = thumbprints(pem);
      return (x5t !== undefined && b64(t.thumbprint) === x5t) || (x5tS256 !== undefined && b64(t.thumbprintSha256) === x5tS256);
    });
    const presented = x5tS256 ?? x5t ?? '';
    if (!cert) {
      return aadError(401, 'invalid_client', 700027, `Client assertion failed signature validation. Trace ID: none [Reason - The key was not found., Thumbprint of key used by client: '${Buffer.from(presented, 'base64url').toString('hex').toUpperCase()}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'.]`);
    }
    try {
      const { payload } = await jwtVerify(assertion, createPublicKey(cert), { audience: tokenEndpoint, clockTolerance: 300 });
      if (payload.iss !== app.clientId || payload.sub !== app.clientId) {
        return aadError(401, 'invalid_client', 700021, 'Client assertion application identifier doesn\'t match \'client_id\' parameter.');
      }
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) return aadError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
      if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'aud') {
        return aadError(401, 'invalid_client', 700212, `No matching federated identity record found for presented assertion audience '${String(err.payload.aud)}'.`);
      }
      return aadError(401, 'invalid_client', 700027, 'Client assertion contains an invalid signature.');
    }
    return undefined;
  }

  private async issue(app: SeedApp, appidacr: '1' | '2', lifetime: number): Promise<string> {
    const tid = this.store.state.tenantId;
    return new SignJWT({
      appid: app.clientId,
      app_displayname: app.displayName ?? app.clientId,
      appidacr,
      idp: `https://sts.windows.net/${tid}/`,
      oid: randomUUID(),
      roles: app.roles,
      tid,
      uti: randomUUID(),
      ver: '1.0',
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.keyId })
      .setIssuer(`https://sts.windows.net/${tid}/`)
      .setAudience('https://graph.microsoft.com')
      .setSubject(randomUUID())
      .setIssuedAt()
      .setNotBefore(Math.floor(Date.now() / 1000) - 5)
      .setExpirationTime(Math.floor(Date.now() / 1000) + lifetime)
      .sign(this.signingKey);
  }

  /** Graph's side: the bearer token's claims, or the 401 message Graph would give. */
  async validate(authorization: string | undefined): Promise<AccessTokenClaims | { error: string }> {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    if (!token) return { error: 'Access token is empty.' };
    try {
      const { payload } = await jwtVerify(token, this.publicKey, { audience: 'https://graph.microsoft.com' });
      if (payload.tid !== this.store.state.tenantId) return { error: 'Access token validation failure. Invalid audience.' };
      return { appid: String(payload.appid), tid: String(payload.tid), roles: Array.isArray(payload.roles) ? payload.roles.map(String) : [] };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired || (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'nbf')) {
        return { error: 'Access token has expired or is not yet valid.' };
      }
      return { error: 'Access token validation failure.' };
    }
  }
}
