// Test helpers: raw HTTPS calls to the emulator, trusting its CA (no global trust changes).
import { Agent, fetch } from 'undici';
import type { Emulator } from './index';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: any;
}

const agents = new WeakMap<Emulator, Agent>();
function agentFor(emu: Emulator): Agent {
  let a = agents.get(emu);
  if (!a) {
    a = new Agent({ connect: { ca: emu.caPem } });
    agents.set(emu, a);
  }
  return a;
}

export async function raw(
  emu: Emulator,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; form?: Record<string, string> } = {},
): Promise<RawAnswer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetch(`${emu.graphEndpoint}${path}`, { method, headers, body, dispatcher: agentFor(emu) });
  const text = await res.text();
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    out[k] = v;
  });
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // plain text ($count)
  }
  return { status: res.status, headers: out, body: parsed };
}

export async function tokenFor(emu: Emulator, clientId = emu.clientId, secret = emu.clientSecret): Promise<string> {
  const answer = await raw(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/token`, {
    form: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'https://graph.microsoft.com/.default' },
  });
  if (answer.status !== 200) throw new Error(`token: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.access_token as string;
}

export function newUser(upn: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    accountEnabled: true,
    displayName: upn.split('@')[0],
    mailNickname: upn.split('@')[0]!.replace(/[^A-Za-z0-9]/g, ''),
    userPrincipalName: upn,
    passwordProfile: { password: 'Str0ng!Passw0rd', forceChangePasswordNextSignIn: false },
    ...extra,
  };
}

export async function closeAgents(emu: Emulator): Promise<void> {
  await agents.get(emu)?.close();
  agents.delete(emu);
}
