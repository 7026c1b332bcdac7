// Credentials live in VS Code's SecretStorage only (never settings, the configuration file,
// logs or reports). Each secret is bound to the exact endpoint it was entered for: the
// client secret to (authority host, tenant id, client id, Graph endpoint, the CA trusted for
// them), the bind password to (LDAP URL with its transport, bind DN, the CA and server name
// its certificate is checked against). A configuration that names another endpoint, or trusts
// another CA (which could vouch for a server standing in for the real one),
// finds no stored secret and the user is asked again, so a changed (or hostile) configuration
// never receives a secret entered for somewhere else. Delegated sign-in (device code) keeps
// msal's token cache in SecretStorage too, under a key of its own (a cache write is not a
// credential change: extension.ts does not reset the session for it).
import * as vscode from 'vscode';
import type { ActiveDirectoryConnectorConfig, DelegatedSignIn, EntraConfig, SecretsProvider, SingleObjectSyncConfig } from '../../app/config/model';
import { entraAuthMode } from '../../app/config/model';
import { extensionErrors } from './error-catalog';
import { SyncError } from '../../engine/errors/sync-error';
import { bindDnKey, deviceCodePage, directoryEndpoint, directoryServer, directoryTransport, entraEndpoint, httpsOrigin, ldapOrigin, trustAnchorKey, type DirectoryEndpoint, type EntraEndpoint } from '../../app/config/endpoints';

/** Device code sign-ins waiting for the user; cancelling a run stops them (they can wait ~15 minutes). */
const pendingSignIns = new Set<() => void>();
export function cancelPendingSignIns(): void {
  for (const cancel of [...pendingSignIns]) cancel();
}
import { log } from './log';
import { linkFree } from './plain-text';

// v3: the trusted CA joined the keys; a secret stored under v2 is asked for once more. The CA
// file is read bounded (trustAnchorKey): one it cannot be is ConfiguredFileUnreadable, before
// any secret is looked up or asked for.
export async function directorySecretKey(connector: DirectoryEndpoint & Pick<ActiveDirectoryConnectorConfig, 'name'>): Promise<string> {
  const trust = await trustAnchorKey(connector.tls?.caFile, `tls.caFile of activeDirectory "${connector.name}"`);
  return `singleObjectSync.ad.v3|${ldapOrigin(connector.url)}|${directoryTransport(connector)}|${bindDnKey(connector.bindDn ?? '')}|${trust}|${(connector.tls?.serverName ?? '').trim().toLowerCase()}`;
}

export async function entraSecretKey(entra: EntraEndpoint): Promise<string> {
  return `singleObjectSync.entra.v3|${httpsOrigin(entra.authorityHost)}|${entra.tenantId.trim().toLowerCase()}|${entra.clientId.trim().toLowerCase()}|${httpsOrigin(entra.graphEndpoint)}|${await trustAnchorKey(entra.caFile, 'entra.caFile')}`;
}

/** Keys of delegated token caches start with this (not credentials the user typed). */
export const TOKEN_CACHE_KEY_PREFIX = 'singleObjectSync.entraTokenCache.v2|';

/** A delegated token is sent to the Graph endpoint, so its cache is bound to it and to the CA too. */
export async function entraTokenCacheKey(entra: EntraEndpoint): Promise<string> {
  return `${TOKEN_CACHE_KEY_PREFIX}${httpsOrigin(entra.authorityHost)}|${entra.tenantId.trim().toLowerCase()}|${entra.clientId.trim().toLowerCase()}|${httpsOrigin(entra.graphEndpoint)}|${await trustAnchorKey(entra.caFile, 'entra.caFile')}`;
}

export interface SecretPrompt {
  /** Asks for a secret that is not stored for this endpoint; undefined when dismissed. */
  (options: { title: string; prompt: string }): Thenable<string | undefined>;
}

// The prompt names the endpoint from the configuration (bind DN, CA path): text, never a link.
export const inputBoxPrompt: SecretPrompt = ({ title, prompt }) => vscode.window.showInputBox({ title, prompt: linkFree(prompt), password: true, ignoreFocusOut: true });

/** A credential the configuration in use needs, and whether it is stored. */
export interface CredentialNeed {
  key: string;
  kind: 'directoryPassword' | 'clientSecret';
  label: string;
  detail: string;
  stored: boolean;
}

/** The secrets the configuration needs typed in (LDIF sources, certificates and device code need none). */
export async function credentialNeeds(config: SingleObjectSyncConfig, storage: vscode.SecretStorage): Promise<CredentialNeed[]> {
  const needs: Omit<CredentialNeed, 'stored'>[] = [
    ...(await Promise.all(config.activeDirectory
      .filter((c) => c.bindDn && !c.ldifFile)
      .map(async (c) => ({
        key: await directorySecretKey(c), kind: 'directoryPassword' as const,
        label: vscode.l10n.t('Active Directory: {0}', c.name), detail: vscode.l10n.t('Password of {0}', directoryEndpoint(c)),
      })))),
    ...(entraAuthMode(config.entra) === 'clientSecret'
      ? [{ key: await entraSecretKey(config.entra), kind: 'clientSecret' as const, label: vscode.l10n.t('Microsoft Entra ID: client secret'), detail: vscode.l10n.t('Client secret of {0}', entraEndpoint(config.entra)) }]
      : []),
  ];
  return Promise.all(needs.map(async (n) => ({ ...n, stored: Boolean(await storage.get(n.key)) })));
}

/** One per session: asks at most once at a time per endpoint (concurrent asks share the prompt). */
export class SecretStorageSecrets implements SecretsProvider {
  private readonly asked = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly ask: SecretPrompt = inputBoxPrompt,
  ) {}

  async directoryPassword(connector: ActiveDirectoryConnectorConfig): Promise<string | undefined> {
    const key = await directorySecretKey(connector);
    const stored = await this.storage.get(key);
    if (stored) return stored;
    const inClear = directoryTransport(connector) === 'plaintext' ? ` ${vscode.l10n.t('Warning: this connection is not encrypted (allowInsecure), so the password would cross the network in clear.')}` : '';
    const entered = await this.askAndStore(key, {
      title: vscode.l10n.t('Password of {0}', connector.bindDn ?? ''),
      prompt: vscode.l10n.t('Enter the password of {0} on {1}. It is kept in VS Code Secret Storage and sent only to this server and account.', connector.bindDn ?? '', directoryServer(connector)) + inClear,
    }, vscode.l10n.t('Password of {0} stored.', connector.bindDn ?? ''));
    if (entered === undefined) {
      throw new SyncError(extensionErrors.CredentialNotEntered, { secret: vscode.l10n.t('password of {0}', connector.bindDn ?? connector.name), endpoint: directoryEndpoint(connector) });
    }
    return entered;
  }

  async entraClientSecret(entra: EntraConfig): Promise<string | undefined> {
    const key = await entraSecretKey(entra);
    const stored = await this.storage.get(key);
    if (stored) return stored;
    const entered = await this.askAndStore(key, {
      title: vscode.l10n.t('Client secret of app {0}', entra.clientId),
      prompt: vscode.l10n.t('Enter the client secret (its value, not its ID) of app {0} in tenant {1} ({2}). It is kept in VS Code Secret Storage and sent only to this tenant and app.', entra.clientId, entra.tenantId, entraEndpoint(entra)),
    }, vscode.l10n.t('Client secret of app {0} stored.', entra.clientId));
    if (entered === undefined) {
      throw new SyncError(extensionErrors.CredentialNotEntered, { secret: vscode.l10n.t('client secret of app {0}', entra.clientId), endpoint: entraEndpoint(entra) });
    }
    return entered;
  }

  /** Device code sign-in: the token cache in SecretStorage, the code in a notification with "Copy & Open" and "Cancel Sign-In". */
  delegatedSignIn(entra: EntraConfig): DelegatedSignIn {
    // Computed when the cache is first read (the CA file is read bounded, asynchronously).
    let key: Promise<string> | undefined;
    const cacheKey = () => (key ??= entraTokenCacheKey(entra));
    return {
      loadTokenCache: async () => (await this.storage.get(await cacheKey())) ?? undefined,
      saveTokenCache: async (serialized) => {
        await this.storage.store(await cacheKey(), serialized);
      },
      showDeviceCode: (code) => {
        const copyAndOpen = vscode.l10n.t('Copy & Open');
        const cancelSignIn = vscode.l10n.t('Cancel Sign-In');
        log().info(`Device code sign-in to tenant ${entra.tenantId}: waiting for the user at ${code.verificationUri}`);
        const cancel = () => {
          log().info(`Device code sign-in to tenant ${entra.tenantId} cancelled`);
          code.cancel();
        };
        // The authority (named by the configuration) chose the page: never open one it has no business naming.
        const page = deviceCodePage(code.verificationUri, entra.authorityHost);
        if (!page.ok) {
          log().warn(`Device code sign-in to tenant ${entra.tenantId} refused: ${page.reason}`);
          code.cancel();
          // The reason quotes the authority's answer: text, never a link.
          void vscode.window.showErrorMessage(linkFree(vscode.l10n.t('Sign-in to Microsoft Entra ID refused: {0}. Nothing was opened. Check entra.authorityHost in the configuration file.', page.reason)));
          return;
        }
        pendingSignIns.add(cancel);
        const whose = page.microsoft ? '' : ` ${vscode.l10n.t('The page is at {0}, the authority host the configuration names, not a Microsoft address: sign in only if you trust this configuration.', page.host)}`;
        void vscode.window
          .showInformationMessage(
            linkFree(vscode.l10n.t('Sign in to Microsoft Entra ID (tenant {0}): open {1} and enter the code {2}. The code expires in {3} minutes.', entra.tenantId, page.url, code.userCode, Math.round(code.expiresInSeconds / 60)) + whose),
            copyAndOpen,
            cancelSignIn,
          )
          .then(async (choice) => {
            if (choice === cancelSignIn) return cancel();
            if (choice !== copyAndOpen) return;
            await vscode.env.clipboard.writeText(code.userCode);
            await vscode.env.openExternal(vscode.Uri.parse(page.url));
          });
        code.onDone((signedIn) => {
          pendingSignIns.delete(cancel);
          if (signedIn) {
            log().info(`Signed in to tenant ${entra.tenantId}; the token is kept in Secret Storage`);
            vscode.window.setStatusBarMessage(vscode.l10n.t('Signed in to Microsoft Entra ID'), 5000);
          }
        });
      },
    };
  }

  /**
   * Asks for every secret the configuration needs that is not stored, before a run starts:
   * a dismissed prompt is CredentialNotEntered and the run does not start.
   */
  async ensureStored(config: SingleObjectSyncConfig): Promise<void> {
    for (const connector of config.activeDirectory) {
      if (connector.bindDn && !connector.ldifFile) await this.directoryPassword(connector);
    }
    if (entraAuthMode(config.entra) === 'clientSecret') await this.entraClientSecret(config.entra);
  }

  private askAndStore(key: string, options: { title: string; prompt: string }, confirmation: string): Promise<string | undefined> {
    let pending = this.asked.get(key);
    if (!pending) {
      pending = (async () => {
        try {
          const entered = await this.ask(options);
          if (!entered) return undefined;
          await this.storage.store(key, entered);
          vscode.window.setStatusBarMessage(`$(check) ${confirmation}`, 5000);
          return entered;
        } finally {
          // Stored: later reads find it. Dismissed: the next run asks again.
          this.asked.delete(key);
        }
      })();
      this.asked.set(key, pending);
    }
    return pending;
  }
}
