// "Test Connection" and the status bar: one item for the directory, one for the tenant. The
// test binds to every directory connector (a fresh session, so a fresh bind), gets a token
// for the tenant and makes one Graph read (GET /domains, through the adapter's connect()).
// Each item shows the last result (state and tooltip); clicking either runs the test again
// (the command is registered with the others, commands/configuration.ts).
import * as vscode from 'vscode';
import { entraAuthMode } from '../../app/config/model';
import { asSyncError } from './errors';
import { log } from './log';
import { linkFree } from './plain-text';
import type { SessionHost } from './session-host';

type State = { kind: 'unknown' } | { kind: 'checking' } | { kind: 'ok'; detail: string; at: Date } | { kind: 'failed'; detail: string; at: Date };

export const testConnectionCommand = 'singleObjectSync.testConnection';

export class ConnectionStatus implements vscode.Disposable {
  private readonly directoryItem = vscode.window.createStatusBarItem('singleObjectSync.directoryStatus', vscode.StatusBarAlignment.Left, 50);
  private readonly tenantItem = vscode.window.createStatusBarItem('singleObjectSync.tenantStatus', vscode.StatusBarAlignment.Left, 49);
  private readonly disposables: vscode.Disposable[] = [];
  private testing = false;

  constructor(private readonly sessions: SessionHost) {
    this.directoryItem.name = vscode.l10n.t('Single Object Sync: Active Directory');
    this.tenantItem.name = vscode.l10n.t('Single Object Sync: Microsoft Entra ID');
    for (const item of [this.directoryItem, this.tenantItem]) item.command = testConnectionCommand;
    this.show(this.directoryItem, 'directory', { kind: 'unknown' });
    this.show(this.tenantItem, 'tenant', { kind: 'unknown' });
    this.disposables.push(this.directoryItem, this.tenantItem);
  }

  private show(item: vscode.StatusBarItem, side: 'directory' | 'tenant', state: State): void {
    const name = side === 'directory' ? vscode.l10n.t('Active Directory') : vscode.l10n.t('Entra ID');
    const icon = { unknown: '$(circle-large-outline)', checking: '$(sync~spin)', ok: '$(pass-filled)', failed: '$(error)' }[state.kind];
    item.text = `${icon} ${name}`;
    const headline = {
      unknown: vscode.l10n.t('{0}: not tested yet.', name),
      checking: vscode.l10n.t('{0}: testing the connection...', name),
      ok: vscode.l10n.t('{0}: connected.', name),
      failed: vscode.l10n.t('{0}: the connection failed.', name),
    }[state.kind];
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendText(headline);
    if ('detail' in state) {
      tooltip.appendMarkdown('\n\n');
      tooltip.appendText(state.detail);
      tooltip.appendMarkdown('\n\n');
      tooltip.appendText(vscode.l10n.t('Tested at {0}.', state.at.toLocaleTimeString()));
    }
    tooltip.appendMarkdown('\n\n');
    tooltip.appendText(vscode.l10n.t('Click to test the connection again.'));
    item.tooltip = tooltip;
    item.backgroundColor = state.kind === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    item.accessibilityInformation = { label: `${headline} ${'detail' in state ? state.detail : ''}`.trim() };
    item.show();
  }

  /** Directory bind (every LDAP connector), tenant token and one Graph read. */
  async test(): Promise<void> {
    if (this.testing) return;
    this.testing = true;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing the connections...') }, () => this.run());
    } finally {
      this.testing = false;
    }
  }

  private async run(): Promise<void> {
    this.show(this.directoryItem, 'directory', { kind: 'checking' });
    this.show(this.tenantItem, 'tenant', { kind: 'checking' });
    let directory: State;
    let tenant: State;
    try {
      // A fresh session: a new bind and a new look at the stored secrets.
      await this.sessions.reset();
      await this.sessions.ensureCredentials();
    } catch (error) {
      const e = asSyncError(error);
      const failed: State = { kind: 'failed', detail: `${e.reason} ${e.recommendedAction}`, at: new Date() };
      this.show(this.directoryItem, 'directory', failed);
      this.show(this.tenantItem, 'tenant', failed);
      void vscode.window.showErrorMessage(linkFree(vscode.l10n.t('Test Connection: {0}', `${e.reason} ${e.recommendedAction}`)));
      return;
    }
    const session = await this.sessions.session();
    const lines: string[] = [];
    try {
      const parts: string[] = [];
      for (const connector of session.config.activeDirectory) {
        const dse = await (await session.directory(connector.name)).rootDse();
        parts.push(connector.ldifFile
          ? vscode.l10n.t('{0}: LDIF file {1} read (offline source).', connector.name, connector.ldifFile)
          : vscode.l10n.t('{0}: bound to {1} as {2}.', connector.name, dse.dnsHostName ?? connector.url ?? '', connector.bindDn ?? ''));
      }
      directory = { kind: 'ok', detail: parts.join(' '), at: new Date() };
    } catch (error) {
      const e = asSyncError(error);
      directory = { kind: 'failed', detail: `${e.code}: ${e.reason} ${e.recommendedAction}`, at: new Date() };
    }
    this.show(this.directoryItem, 'directory', directory);
    lines.push(directory.kind === 'ok' || directory.kind === 'failed' ? directory.detail : '');
    try {
      const info = await (await session.tenant()).connect();
      const how = { clientSecret: vscode.l10n.t('client secret'), certificate: vscode.l10n.t('certificate'), deviceCode: vscode.l10n.t('your account (device code sign-in)') }[entraAuthMode(session.config.entra)];
      tenant = { kind: 'ok', detail: vscode.l10n.t('Tenant {0}: token issued for app {1} ({2}); Microsoft Graph answered ({3} domains).', info.tenantId, session.config.entra.clientId, how, info.domains.length), at: new Date() };
    } catch (error) {
      const e = asSyncError(error);
      tenant = { kind: 'failed', detail: `${e.code}: ${e.reason} ${e.recommendedAction}`, at: new Date() };
    }
    this.show(this.tenantItem, 'tenant', tenant);
    lines.push(tenant.detail);
    log().info(`Test Connection: ${lines.join(' | ')}`);
    // The lines quote the directory (its dnsHostName) and error texts: shown as text, never as links.
    if (directory.kind === 'ok' && tenant.kind === 'ok') void vscode.window.showInformationMessage(linkFree(vscode.l10n.t('Connection test passed. {0}', lines.join(' '))));
    else void vscode.window.showErrorMessage(linkFree(vscode.l10n.t('Connection test failed. {0}', lines.join(' '))));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
