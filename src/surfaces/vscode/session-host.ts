// Owns the one open Session (src/app/session.ts): opened on first use, reused by the tree and
// the commands, closed when the configuration file, the settings, the workspace's trust or the
// credentials change (it watches for those itself).
// The engine is loaded with a dynamic import so activation does no LDAP, Graph or rules work.
import * as vscode from 'vscode';
import type { Session } from '../../app/session';
import { configurationPath } from './config-file';
import { log } from './log';
import { SecretStorageSecrets, TOKEN_CACHE_KEY_PREFIX } from './secrets';
import { setConfiguredRedactions, settingsSection } from './settings';

export class SessionHost implements vscode.Disposable {
  private current?: { path: string; session: Promise<Session>; secrets: SecretStorageSecrets };
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after the session was dropped (configuration or credentials changed). */
  readonly onDidReset = this.changed.event;
  private readonly watchers: vscode.Disposable[];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.watchers = [
      // The configuration file or a setting changed: drop the session (the tree redraws on the reset).
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(settingsSection)) void this.reset();
      }),
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (document.fileName.endsWith('.json') && /single-object-sync/i.test(document.fileName)) void this.reset();
      }),
      // Trust changes which configuration may be read: reopen from the right one.
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.reset()),
      // A changed credential reopens the session; a delegated token cache written mid-run does not.
      context.secrets.onDidChange((event) => {
        if (!event.key.startsWith(TOKEN_CACHE_KEY_PREFIX)) void this.reset();
      }),
    ];
  }

  /** True once a session was opened (or is opening); activation must leave this false. */
  get isOpen(): boolean {
    return this.current !== undefined;
  }

  /** The open session; throws SyncError when there is no valid configuration. */
  async session(): Promise<Session> {
    const path = configurationPath();
    if (this.current?.path !== path) {
      await this.reset(false);
      // The configuration's own stateDir, as the CLI uses it: one state folder per
      // configuration, so the extension and the CLI see the same connector spaces.
      const secrets = new SecretStorageSecrets(this.context.secrets);
      const opening = import('../../app/session').then(({ openSession }) => openSession({ configPath: path, secrets }));
      this.current = { path, session: opening, secrets };
      opening.then(
        (session) => {
          setConfiguredRedactions(session.config.redactAttributes);
          log().info(`Configuration loaded from ${path}`);
        },
        (error: unknown) => {
          log().warn(`Configuration ${path} could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
          // A failed open is not cached: the next call retries (after the user fixed the file).
          if (this.current?.session === opening) this.current = undefined;
        },
      );
    }
    return this.current!.session;
  }

  /** Asks for the secrets the configuration needs that are not stored; CredentialNotEntered when one is dismissed. */
  async ensureCredentials(): Promise<void> {
    const session = await this.session();
    await this.current!.secrets.ensureStored(session.config);
  }

  /** Closes the session (directory connections included); the next use reopens it. */
  async reset(notify = true): Promise<void> {
    const previous = this.current;
    this.current = undefined;
    if (previous) {
      try {
        await (await previous.session).close();
      } catch {
        // A session that failed to open has nothing to close.
      }
    }
    if (notify) this.changed.fire();
  }

  dispose(): void {
    for (const watcher of this.watchers) watcher.dispose();
    void this.reset(false);
    this.changed.dispose();
  }
}
