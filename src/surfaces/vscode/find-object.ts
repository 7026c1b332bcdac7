// Find Object…: a quick pick that searches the directories as you type (debounced), shows
// each match's display name, UPN and container, and on accept reveals it in the tree and
// offers Preview, Sync and Copy DN. The search itself is the source's findObjects (LDAP:
// anr plus exact attributes; LDIF: the snapshot in memory).
import * as vscode from 'vscode';
import { partitionNames } from '../../engine/scope/partition-names';
import type { FoundObject } from '../../engine/ports/directory-source';
import { asSyncError } from './errors';
import { log } from './log';
import { quickPickText } from './plain-text';
import type { SessionHost } from './session-host';

export const findDebounceMs = 250;
const resultsPerConnector = 50;

export interface FoundItem extends vscode.QuickPickItem {
  connectorName: string;
  found: FoundObject;
}

/** Searches every configured connector's partitions; a failing connector becomes one line, not an exception. */
export async function findAcrossConnectors(sessions: SessionHost, text: string): Promise<{ items: FoundItem[]; problems: string[] }> {
  const session = await sessions.session();
  const items: FoundItem[] = [];
  const problems: string[] = [];
  for (const connector of session.config.activeDirectory) {
    try {
      const directory = await session.directory(connector.name);
      if (!directory.findObjects) continue;
      const bases = connector.partitions.length ? connector.partitions.map((p) => partitionNames(p).dn) : (await directory.partitions()).map((p) => p.dn);
      for (const base of bases) {
        for (const found of await directory.findObjects(text, { base, limit: resultsPerConnector })) items.push(toItem(connector.name, found));
      }
    } catch (error) {
      const e = asSyncError(error);
      problems.push(`${connector.name}: ${e.reason}`);
      log().warn(`Find Object in ${connector.name}: ${e.code}: ${e.reason}`);
    }
  }
  return { items, problems };
}

function toItem(connectorName: string, found: FoundObject): FoundItem {
  const container = found.dn.parent()?.toString() ?? '';
  const kind = found.objectClass.map((c) => c.toLowerCase());
  const icon = kind.includes('computer') ? 'vm' : kind.includes('group') ? 'organization' : kind.includes('contact') ? 'mention' : 'person';
  return {
    // The icon is ours; the AD text is shown as text (no $(icon) of its own, no line breaks).
    label: `$(${found.disabled ? 'circle-slash' : icon}) ${quickPickText(found.displayName || found.name)}`,
    description: quickPickText([found.userPrincipalName ?? found.mail ?? found.sAMAccountName, found.disabled ? vscode.l10n.t('disabled') : undefined].filter(Boolean).join(' · ')),
    detail: quickPickText(container),
    // The DN and account names are matched by the quick pick's own filter as well.
    alwaysShow: true,
    connectorName,
    found,
  };
}

/** Shows the quick pick; resolves to the accepted item or undefined. */
export function pickObject(sessions: SessionHost): Promise<FoundItem | undefined> {
  const quickPick = vscode.window.createQuickPick<FoundItem>();
  quickPick.title = vscode.l10n.t('Find Object');
  quickPick.placeholder = vscode.l10n.t('Name, UPN, mail, sAMAccountName, objectGUID, objectSid or distinguished name');
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  quickPick.ignoreFocusOut = true;
  let timer: NodeJS.Timeout | undefined;
  let generation = 0;
  const search = (text: string) => {
    const mine = ++generation;
    if (text.trim() === '') {
      quickPick.items = [];
      quickPick.busy = false;
      return;
    }
    quickPick.busy = true;
    const started = performance.now();
    findAcrossConnectors(sessions, text).then(
      ({ items, problems }) => {
        if (mine !== generation) return; // a newer search is under way: drop this answer
        quickPick.items = items;
        quickPick.busy = false;
        const none = items.length === 0 ? vscode.l10n.t('No object matches "{0}".', text.trim()) : '';
        quickPick.placeholder = [none, ...problems].filter(Boolean).join(' ') || vscode.l10n.t('Name, UPN, mail, sAMAccountName, objectGUID, objectSid or distinguished name');
        log().debug(`Find Object "${text}": ${items.length} found in ${(performance.now() - started).toFixed(0)} ms`);
      },
      (error: unknown) => {
        if (mine !== generation) return;
        quickPick.busy = false;
        quickPick.items = [];
        quickPick.placeholder = asSyncError(error).reason;
      },
    );
  };
  return new Promise((resolve) => {
    let accepted: FoundItem | undefined;
    quickPick.onDidChangeValue((text) => {
      clearTimeout(timer);
      timer = setTimeout(() => search(text), findDebounceMs);
    });
    quickPick.onDidAccept(() => {
      accepted = quickPick.selectedItems[0] ?? quickPick.activeItems[0];
      if (accepted) quickPick.hide();
    });
    quickPick.onDidHide(() => {
      clearTimeout(timer);
      quickPick.dispose();
      resolve(accepted);
    });
    quickPick.show();
  });
}
