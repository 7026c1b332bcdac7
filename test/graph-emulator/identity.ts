// The identity platform side: token endpoint (client secret or certificate assertion, and
// for public clients the device code flow with refresh tokens), OpenID configuration,
// instance discovery, the sign-in page where a user enters a device code, and validation of
// the access tokens it issues (app tokens carry `roles`, delegated tokens `scp`).
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
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
  /** The permissions Graph checks: the app roles (application) or the scp scopes (delegated). */
  roles: string[];
  /** Delegated tokens: the signed-in user's UPN. */
  upn?: string;
}

export const deviceCodeGrant = 'urn:ietf:params:oauth:grant-type:device_code';
/** The user who approves a device code when the sign-in page is given no user name. */
export const DEFAULT_ENGINEER = 'engineer@contoso.onmicrosoft.com';
const oidcScopes = new Set(['openid', 'profile', 'email', 'offline_access']);

interface SignedInUser {
  username: string;
  oid: string;
}

interface DeviceCodeGrant {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scopes: string[];
  offlineAccess: boolean;
  expiresAt: number;
  intervalSeconds: number;
  lastPollAt?: number;
  state: 'pending' | 'approved' | 'declined' | 'redeemed';
  user?: SignedInUser;
}

interface RefreshGrant {
  clientId: string;
  user: SignedInUser;
}

/** Device code timing; Microsoft's documented defaults are 900 s and a 5 s polling interval. */
export interface DeviceCodeTiming {
  lifetimeSeconds: number;
  intervalSeconds: number;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

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
  readonly deviceCodeTiming: DeviceCodeTiming = { lifetimeSeconds: 900, intervalSeconds: 5 };
  private readonly deviceCodes = new Map<string, DeviceCodeGrant>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();

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

  /**
   * GET /common/discovery/instance?api-version=1.1&authorization_endpoint=<authority>/oauth2/v2.0/authorize.
   * Reference section 7: "An unknown host gets {"error":"invalid_instance",…}": an
   * authorization_endpoint on another host than this one (or no URL at all) is refused
   * [inferred: the status, AADSTS50049 and its text]; without the parameter, the metadata.
   */
  instanceDiscovery(query: URLSearchParams = new URLSearchParams()): { status: number; body: Record<string, unknown> } {
    const host = new URL(this.origin()).host;
    const endpoint = query.get('authorization_endpoint');
    if (endpoint !== null) {
      let asked: string | undefined;
      try {
        asked = new URL(endpoint).host;
      } catch {
        asked = undefined;
      }
      if (asked?.toLowerCase() !== host.toLowerCase()) return aadError(400, 'invalid_instance', 50049, 'Unknown or invalid instance.');
    }
    return {
      status: 200,
      body: {
        tenant_discovery_endpoint: `${this.origin()}/{tenantid}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      },
    };
  }

  async token(tenant: string, form: URLSearchParams): Promise<{ status: number; body: Record<string, unknown> }> {
    if (!this.tenantMatches(tenant)) {
      return aadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    }
    const grant = form.get('grant_type');
    // The documented grant type, and the short form msal-node sends (accepted by the service too).
    if (grant === deviceCodeGrant || grant === 'device_code') return this.redeemDeviceCode(form);
    if (grant === 'refresh_token') return this.redeemRefreshToken(form);
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
      // Reference section 7: "Error (400): {"error":"invalid_scope","error_description":"AADSTS70011: …","error_codes":[70011],…}".
      return aadError(400, 'invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`);
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

  /**
   * The Graph permissions a delegated request asks for: `{resource}/.default` is every
   * delegated permission consented for the app; `{resource}/Name` asks for Name, which must be
   * consented (AADSTS65001 otherwise). OIDC scopes are not Graph permissions.
   */
  private delegatedScopes(app: SeedApp, scope: string): { scopes: string[]; offlineAccess: boolean } | TokenFailure {
    const consented = app.delegatedPermissions ?? [];
    const asked = scope.split(' ').filter(Boolean);
    const out = new Set<string>();
    for (const s of asked) {
      if (oidcScopes.has(s)) continue;
      const slash = s.lastIndexOf('/');
      const resource = slash > 0 ? s.slice(0, slash) : 'https://graph.microsoft.com';
      const name = slash > 0 ? s.slice(slash + 1) : s;
      let known = resource === '00000003-0000-0000-c000-000000000000';
      try {
        const url = new URL(resource);
        known ||= graphResourceHosts.includes(url.hostname) || url.origin === this.origin();
      } catch {
        // not a URL: only Graph's application id is known
      }
      if (!known) return aadError(400, 'invalid_resource', 500011, `The resource principal named ${resource} was not found in the tenant named ${this.store.state.tenantDisplayName}.`);
      if (name === '.default') {
        for (const p of consented) out.add(p);
      } else if (consented.includes(name)) {
        out.add(name);
      } else {
        return aadError(400, 'invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${app.clientId}' named '${app.displayName ?? app.clientId}'. Send an interactive authorization request for this user and resource.`);
      }
    }
    return { scopes: [...out], offlineAccess: asked.includes('offline_access') };
  }

  private publicClient(clientId: string): SeedApp | TokenFailure {
    const app = this.store.state.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
    if (!app) {
      return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${this.store.state.tenantDisplayName}'.`);
    }
    if (!app.publicClient) {
      // An app registration without "Allow public client flows" is a confidential client.
      return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    return app;
  }

  /** POST /{tenant}/oauth2/v2.0/devicecode: a device code and the user code to enter at the verification URL. */
  deviceAuthorization(tenant: string, form: URLSearchParams): TokenFailure {
    if (!this.tenantMatches(tenant)) {
      return aadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    }
    const app = this.publicClient(form.get('client_id') ?? '');
    if ('status' in app) return app;
    const scopes = this.delegatedScopes(app, form.get('scope') ?? '');
    if ('status' in scopes) return scopes;
    const userCode = Array.from(randomBytes(9), (b) => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[b % 32]).join('');
    const deviceCode = randomBytes(48).toString('base64url');
    const { lifetimeSeconds, intervalSeconds } = this.deviceCodeTiming;
    this.deviceCodes.set(deviceCode, {
      deviceCode, userCode, clientId: app.clientId, scopes: scopes.scopes, offlineAccess: scopes.offlineAccess,
      expiresAt: Date.now() + lifetimeSeconds * 1000, intervalSeconds, state: 'pending',
    });
    const verificationUri = `${this.origin()}/devicelogin`;
    return {
      status: 200,
      body: {
        user_code: userCode,
        device_code: deviceCode,
        verification_uri: verificationUri,
        expires_in: lifetimeSeconds,
        interval: intervalSeconds,
        message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
      },
    };
  }

  /** Token polling with a device code (RFC 8628 as Microsoft documents it). */
  private async redeemDeviceCode(form: URLSearchParams): Promise<TokenFailure> {
    const grant = this.deviceCodes.get(form.get('device_code') ?? '');
    if (!grant || grant.clientId.toLowerCase() !== (form.get('client_id') ?? '').toLowerCase() || grant.state === 'redeemed') {
      return aadError(400, 'bad_verification_code', 70019, 'The device_code is not recognized: it was never issued, was already used, or belongs to another client.');
    }
    const now = Date.now();
    if (now > grant.expiresAt) {
      this.deviceCodes.delete(grant.deviceCode);
      return aadError(400, 'expired_token', 70020, 'The provided authorization code or refresh token has expired due to it being past its expiration date. Send a new interactive authorization request for this user and resource.');
    }
    const last = grant.lastPollAt;
    grant.lastPollAt = now;
    if (grant.state === 'declined') {
      this.deviceCodes.delete(grant.deviceCode);
      return aadError(400, 'authorization_declined', 70000, 'The user declined the sign-in request.');
    }
    // Polling faster than the interval: RFC 8628 section 3.5, the client adds 5 s.
    if (last !== undefined && now - last < grant.intervalSeconds * 1000 - 250) {
      grant.intervalSeconds += 5;
      return aadError(400, 'slow_down', 70016, `The client is polling too quickly; wait at least ${grant.intervalSeconds} seconds between requests.`);
    }
    if (grant.state === 'pending') {
      return aadError(400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.');
    }
    grant.state = 'redeemed';
    this.deviceCodes.delete(grant.deviceCode);
    const app = this.publicClient(grant.clientId);
    if ('status' in app) return app;
    return this.issueDelegated(app, grant.user!, grant.scopes, grant.offlineAccess);
  }

  private async redeemRefreshToken(form: URLSearchParams): Promise<TokenFailure> {
    const grant = this.refreshTokens.get(form.get('refresh_token') ?? '');
    const app = this.publicClient(form.get('client_id') ?? '');
    if ('status' in app) return app;
    if (!grant || grant.clientId !== app.clientId) {
      return aadError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
    }
    const scopes = this.delegatedScopes(app, form.get('scope') ?? '');
    if ('status' in scopes) return scopes;
    return this.issueDelegated(app, grant.user, scopes.scopes, true);
  }

  private async issueDelegated(app: SeedApp, user: SignedInUser, scopes: string[], offlineAccess: boolean): Promise<TokenFailure> {
    const tid = this.store.state.tenantId;
    const lifetime = this.tokenLifetimeSeconds();
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await new SignJWT({
      appid: app.clientId, app_displayname: app.displayName ?? app.clientId, appidacr: '0', idtyp: 'user',
      idp: `https://sts.windows.net/${tid}/`, oid: user.oid, scp: scopes.join(' '), tid, upn: user.username, name: user.username.split('@')[0], uti: randomUUID(), ver: '1.0',
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.keyId })
      .setIssuer(`https://sts.windows.net/${tid}/`)
      .setAudience('https://graph.microsoft.com')
      .setSubject(user.oid)
      .setIssuedAt()
      .setNotBefore(now - 5)
      .setExpirationTime(now + lifetime)
      .sign(this.signingKey);
    const idToken = await new SignJWT({ oid: user.oid, tid, preferred_username: user.username, name: user.username.split('@')[0], ver: '2.0' })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.keyId })
      .setIssuer(`${this.origin()}/${tid}/v2.0`)
      .setAudience(app.clientId)
      .setSubject(user.oid)
      .setIssuedAt()
      .setNotBefore(now - 5)
      .setExpirationTime(now + 3600)
      .sign(this.signingKey);
    const body: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: [...scopes.map((s) => `https://graph.microsoft.com/${s}`), 'openid', 'profile', ...(offlineAccess ? ['offline_access'] : [])].join(' '),
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: accessToken,
      id_token: idToken,
      client_info: Buffer.from(JSON.stringify({ uid: user.oid, utid: tid })).toString('base64url'),
    };
    if (offlineAccess) {
      const refreshToken = randomBytes(64).toString('base64url');
      this.refreshTokens.set(refreshToken, { clientId: app.clientId, user });
      body.refresh_token = refreshToken;
    }
    return { status: 200, body };
  }

  /**
   * The verification page (https://microsoft.com/devicelogin): GET shows the form, POST is the
   * user entering the code and signing in (decision=approve) or refusing (decision=decline).
   * The emulator checks no password: the user is whoever the form names.
   */
  deviceLogin(method: string, form: URLSearchParams): { status: number; html: string } {
    const page = (title: string, body: string) => `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
    if (method === 'GET') {
      return {
        status: 200,
        html: page('Enter code', '<form method="post"><label>Code <input name="otc" autocomplete="off"></label> <label>Account <input name="username"></label> <button name="decision" value="approve">Sign in</button> <button name="decision" value="decline">Cancel</button></form>'),
      };
    }
    const code = (form.get('otc') ?? '').trim().toUpperCase();
    const grant = [...this.deviceCodes.values()].find((g) => g.userCode === code && g.state === 'pending');
    if (!grant || Date.now() > grant.expiresAt) {
      return { status: 400, html: page('Code expired or not recognized', '<p>That code didn\'t work. Check the code and try again, or ask the application for a new one.</p>') };
    }
    if (form.get('decision') === 'decline') {
      grant.state = 'declined';
      return { status: 200, html: page('Sign-in cancelled', '<p>You cancelled the sign-in on the other device.</p>') };
    }
    const username = (form.get('username') ?? '').trim() || DEFAULT_ENGINEER;
    grant.user = { username, oid: uuidFromName(username) };
    grant.state = 'approved';
    const app = this.store.state.apps.find((a) => a.clientId === grant.clientId);
    return { status: 200, html: page(`Signed in to ${app?.displayName ?? grant.clientId}`, `<p>${escapeHtml(username)} signed in to ${escapeHtml(app?.displayName ?? grant.clientId)} on your device. You may now close this window.</p>`) };
  }

  /** Graph's side: the bearer token's claims, or the 401 message Graph would give. */
  async validate(authorization: string | undefined): Promise<AccessTokenClaims | { error: string }> {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    if (!token) return { error: 'Access token is empty.' };
    try {
      const { payload } = await jwtVerify(token, this.publicKey, { audience: 'https://graph.microsoft.com' });
      if (payload.tid !== this.store.state.tenantId) return { error: 'Access token validation failure. Invalid audience.' };
      const roles = Array.isArray(payload.roles) ? payload.roles.map(String) : [];
      const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ').filter(Boolean) : [];
      return { appid: String(payload.appid), tid: String(payload.tid), roles: [...roles, ...scopes], ...(typeof payload.upn === 'string' ? { upn: payload.upn } : {}) };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired || (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'nbf')) {
        return { error: 'Access token has expired or is not yet valid.' };
      }
      return { error: 'Access token validation failure.' };
    }
  }
}

/** A stable object id for a user name (the same user signs in as the same oid). */
function uuidFromName(name: string): string {
  const h = createHash('sha256').update(name.toLowerCase()).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
