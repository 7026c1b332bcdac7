// Types for test/setup/samba.mjs (so TypeScript tests and benches can import it).
export interface SambaEnv {
  SOS_AD_URL: string;
  SOS_AD_LDAP_URL: string;
  SOS_AD_CA_FILE: string;
  SOS_AD_SERVER_NAME: string;
  SOS_AD_BIND_DN: string;
  SOS_AD_PASSWORD: string;
  SOS_AD_USER_PASSWORD: string;
  SOS_AD_BASE_DN: string;
  SOS_SAMBA_DIR: string;
}
export const realm: string;
export const netbiosDomain: string;
export const baseDn: string;
export const serverName: string;
export const adminDn: string;
export const adminPassword: string;
export const userPassword: string;
export const ldapsUrl: string;
export const ldapUrl: string;
export function envFor(dir: string): SambaEnv;
export function start(options?: { root?: string; stateDir?: string }): Promise<{ env: SambaEnv; stop(): void | Promise<void> }>;
export function stopRecorded(options?: { stateDir?: string }): Promise<void>;
