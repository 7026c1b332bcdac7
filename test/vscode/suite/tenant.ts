// The tenant as someone else changes it: Microsoft Graph calls the suite makes itself (client
// credentials of the suite's app registration, over HTTPS to the emulator), e.g. an
// administrator editing a synced user's department in the Entra admin center. Never through
// the extension: the extension only sees the tenant's new state when it reads it.
import { readFileSync } from 'node:fs';
import * as https from 'node:https';

export interface TenantAccess {
  authorityHost: string;
  graphEndpoint: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  caFile: string;
}

function call(url: string, method: string, caFile: string, headers: Record<string, string>, body?: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method, ca: readFileSync(caFile), headers: { ...headers, ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (d: string) => (text += d));
      response.on('end', () => {
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = text;
        }
        resolve({ status: response.statusCode ?? 0, json });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

export class Tenant {
  private token: string | undefined;

  constructor(private readonly access: TenantAccess) {}

  private async bearer(): Promise<string> {
    if (this.token) return this.token;
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.access.clientId, client_secret: this.access.clientSecret, scope: 'https://graph.microsoft.com/.default' }).toString();
    const answer = await call(`${this.access.authorityHost}/${this.access.tenantId}/oauth2/v2.0/token`, 'POST', this.access.caFile, { 'Content-Type': 'application/x-www-form-urlencoded' }, body);
    const token = (answer.json as { access_token?: string } | undefined)?.access_token;
    if (answer.status !== 200 || !token) throw new Error(`the token endpoint answered ${answer.status}: ${JSON.stringify(answer.json)}`);
    return (this.token = token);
  }

  async graph(method: 'GET' | 'PATCH', path: string, body?: Record<string, unknown>): Promise<unknown> {
    const answer = await call(`${this.access.graphEndpoint}/v1.0${path}`, method, this.access.caFile, {
      Authorization: `Bearer ${await this.bearer()}`,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    }, body ? JSON.stringify(body) : undefined);
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.json)}`);
    return answer.json;
  }

  /** The cloud user with this userPrincipalName, if there is one. */
  async userByUpn(upn: string, select: string[]): Promise<Record<string, unknown> | undefined> {
    const filter = encodeURIComponent(`userPrincipalName eq '${upn.replace(/'/g, "''")}'`);
    const found = (await this.graph('GET', `/users?$filter=${filter}&$select=${['id', ...select].join(',')}`)) as { value: Record<string, unknown>[] };
    return found.value[0];
  }
}
