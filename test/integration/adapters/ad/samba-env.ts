// The live Samba for src/adapters/ad integration tests: the env scripts/test.mjs exported, or (when a
// file is run directly with node --test) test/setup/samba.mjs start(), which reuses a
// running Samba; releaseSamba() stops it again only if this process started it.
import type { LdapSourceOptions } from '../../../../src/adapters/ad';
import type { SambaEnv } from '../../../setup/samba.mjs';

export const base = 'DC=corp,DC=contoso,DC=com';
export const contoso = `OU=Contoso,${base}`;
export const fx = (relative: string): string => `${relative},${contoso}`;

let cached: Promise<SambaEnv> | undefined;
let stopStarted: (() => unknown) | undefined;

export function sambaEnv(): Promise<SambaEnv> {
  cached ??= (async () => {
    if (process.env.SOS_AD_URL && process.env.SOS_AD_CA_FILE) return process.env as unknown as SambaEnv;
    const samba = await import('../../../setup/samba.mjs');
    const handle = await samba.start();
    stopStarted = handle.stop;
    return handle.env;
  })();
  return cached;
}

/**
 * Leaves services as found: stops the Samba that sambaEnv() started itself (a reused one, or
 * the one scripts/test.mjs manages, is left running).
 */
export async function releaseSamba(): Promise<void> {
  const stop = stopStarted;
  stopStarted = undefined;
  cached = undefined;
  await stop?.();
}

/** LDAPS with verification on: the CA of the test domain and the DC's certificate name. */
export async function ldapsOptions(overrides: Partial<LdapSourceOptions> = {}): Promise<LdapSourceOptions> {
  const env = await sambaEnv();
  return {
    url: env.SOS_AD_URL,
    caFile: env.SOS_AD_CA_FILE,
    serverName: env.SOS_AD_SERVER_NAME,
    bindDn: env.SOS_AD_BIND_DN,
    password: env.SOS_AD_PASSWORD,
    ...overrides,
  };
}
