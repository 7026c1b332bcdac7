// Credentials live in VS Code's SecretStorage only (never settings, the configuration file,
// logs or reports). Each secret is bound to the exact endpoint it was entered for: the
// client secret to (authority host, tenant id, client id, Graph endpoint), the bind password
// to (LDAP URL with its transport, bind DN). A configuration that names another endpoint
// finds no stored secret and the user is asked again, so a changed (or hostile) configuration
// never receives a secret entered for somewhere else.
import * as vscode from 'vscode';
import type { ActiveDirectoryConnectorConfig, EntraConfig, SecretsProvider } from '../../app/config/model';
import { Dn } from '../../engine/model/dn';

type DirectoryEndpoint = Pick<ActiveDirectoryConnectorConfig, 'url' | 'bindDn' | 'startTls' | 'allowInsecure'>;
type EntraEndpoint = Pick<EntraConfig, 'authorityHost' | 'tenantId' | 'clientId' | 'graphEndpoint'>;

/** scheme://host:port with the default port written out, or the text as given when it does not parse. */
function origin(url: string | null | undefined, defaults: Record<string, string>): string {
  const text = (url ?? '').trim();
  try {
    const parsed = new URL(text);
    const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
    return `${scheme}://${parsed.hostname.toLowerCase()}:${parsed.port || defaults[scheme] || ''}`;
  } catch {
    return text.toLowerCase();
  }
}

/** How the password crosses the network: ldaps, StartTLS, or in clear (allowInsecure). */
function transport(connector: DirectoryEndpoint): string {
  if (/^ldaps:/i.test(connector.url ?? '')) return 'tls';
  return connector.startTls ? 'starttls' : connector.allowInsecure ? 'plaintext' : 'none';
}

/** What a bind password is bound to; shown to the user when it is asked for. */
export function directoryEndpoint(connector: DirectoryEndpoint): string {
  return `${origin(connector.url, { ldap: '389', ldaps: '636' })} (${transport(connector)}) as ${connector.bindDn ?? ''}`;
}

export function entraEndpoint(entra: EntraEndpoint): string {
  return `${origin(entra.authorityHost, { https: '443' })}/${entra.tenantId.trim().toLowerCase()} app ${entra.clientId.trim().toLowerCase()} for ${origin(entra.graphEndpoint, { https: '443' })}`;
}

/**
 * The bind DN in a secret's key, compared as AD compares DNs (the same key as the tree's DN
 * key of earlier versions for ordinary DNs, so stored passwords stay found). A bind DN that
 * does not parse keeps its lower-cased text.
 */
function bindDnKey(bindDn: string): string {
  const parsed = Dn.tryParse(bindDn.trim());
  return parsed.ok ? parsed.dn.key : bindDn.trim().toLowerCase();
}

export function directorySecretKey(connector: DirectoryEndpoint): string {
  return `singleObjectSync.ad.v2|${origin(connector.url, { ldap: '389', ldaps: '636' })}|${transport(connector)}|${bindDnKey(connector.bindDn ?? '')}`;
}

export function entraSecretKey(entra: EntraEndpoint): string {
  return `singleObjectSync.entra.v2|${origin(entra.authorityHost, { https: '443' })}|${entra.tenantId.trim().toLowerCase()}|${entra.clientId.trim().toLowerCase()}|${origin(entra.graphEndpoint, { https: '443' })}`;
}

export interface SecretPrompt {
  /** Asks for a secret that is not stored for this endpoint; undefined when dismissed. */
  (options: { title: string; prompt: string }): Thenable<string | undefined>;
}

export const inputBoxPrompt: SecretPrompt = ({ title, prompt }) => vscode.window.showInputBox({ title, prompt, password: true, ignoreFocusOut: true });

/** One per session: asks at most once per endpoint (concurrent asks share the prompt; a dismissed one is not repeated until the session reopens). */
export class SecretStorageSecrets implements SecretsProvider {
  private readonly asked = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly ask: SecretPrompt = inputBoxPrompt,
  ) {}

  async directoryPassword(connector: ActiveDirectoryConnectorConfig): Promise<string | undefined> {
    const key = directorySecretKey(connector);
    const stored = await this.storage.get(key);
    if (stored) return stored;
    const inClear = transport(connector) === 'plaintext' ? ' WARNING: this connection is not encrypted (allowInsecure); the password would cross the network in clear.' : '';
    return this.askAndStore(key, {
      title: `Password of ${connector.bindDn ?? ''}`,
      prompt: `No password is stored for ${directoryEndpoint(connector)}. Stored passwords are only sent to the server and account they were entered for.${inClear} Press Escape to cancel.`,
    });
  }

  async entraClientSecret(entra: EntraConfig): Promise<string | undefined> {
    const key = entraSecretKey(entra);
    const stored = await this.storage.get(key);
    if (stored) return stored;
    return this.askAndStore(key, {
      title: `Client secret of app ${entra.clientId}`,
      prompt: `No client secret is stored for ${entraEndpoint(entra)}. Stored secrets are only sent to the authority, tenant and app they were entered for. Press Escape to cancel.`,
    });
  }

  private askAndStore(key: string, options: { title: string; prompt: string }): Promise<string | undefined> {
    let pending = this.asked.get(key);
    if (!pending) {
      pending = (async () => {
        const entered = await this.ask(options);
        if (!entered) return undefined;
        await this.storage.store(key, entered);
        this.asked.delete(key); // stored: later reads find it
        return entered;
      })();
      this.asked.set(key, pending);
    }
    return pending;
  }
}
