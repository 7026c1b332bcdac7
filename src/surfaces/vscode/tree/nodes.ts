// The Active Directory tree's node kinds and how each looks: icon (codicon), description,
// tooltip and contextValue. Pure: no LDAP here; scope marking is computed from the
// configuration alone (scope.ts).
import * as vscode from 'vscode';
import type { ActiveDirectoryConnectorConfig, PartitionConfig } from '../../../app/config/model';
import type { Dn } from '../../../engine/model/dn';
import type { DirectoryChild } from '../../../engine/ports/directory-source';
import type { ScopeMark } from './scope';

export type ObjectKind = 'user' | 'inetOrgPerson' | 'group' | 'contact' | 'computer' | 'other';
export type ContainerKind = 'organizationalUnit' | 'container' | 'builtinDomain' | 'other';

interface NodeBase {
  /** Stable across refreshes, so expansion state survives. */
  id: string;
  connector?: ActiveDirectoryConnectorConfig;
  parent?: TreeNode;
}

export interface ConnectorNode extends NodeBase {
  kind: 'connector';
  connector: ActiveDirectoryConnectorConfig;
}
export interface PartitionNode extends NodeBase {
  kind: 'partition';
  connector: ActiveDirectoryConnectorConfig;
  dn: Dn;
  dnsRoot?: string;
  configured?: PartitionConfig;
  scope: ScopeMark;
}
export interface ContainerNode extends NodeBase {
  kind: 'container';
  connector: ActiveDirectoryConnectorConfig;
  entry: DirectoryChild;
  containerKind: ContainerKind;
  scope: ScopeMark;
}
export interface ObjectNode extends NodeBase {
  kind: 'object';
  connector: ActiveDirectoryConnectorConfig;
  entry: DirectoryChild;
  objectKind: ObjectKind;
  scope: ScopeMark;
}
export interface LoadMoreNode extends NodeBase {
  kind: 'loadMore';
  parent: ListableNode;
  shown: number;
  /** How many children the container has, when counted. */
  total?: number;
}
/** A line that explains (restricted mode: why Sync is unavailable), with an action. */
export interface NoticeNode extends NodeBase {
  kind: 'notice';
  message: string;
  detail: string;
  action: vscode.Command;
}
export interface ErrorNode extends NodeBase {
  kind: 'error';
  message: string;
  code: string;
  recommendedAction?: string;
  action: vscode.Command;
}

export type ListableNode = PartitionNode | ContainerNode;
export type TreeNode = ConnectorNode | PartitionNode | ContainerNode | ObjectNode | LoadMoreNode | ErrorNode | NoticeNode;

const containerClasses: Record<string, ContainerKind> = {
  organizationalunit: 'organizationalUnit',
  container: 'container',
  builtindomain: 'builtinDomain',
};

/** The kind of a listed entry, from its object classes (the most specific class wins). */
export function classify(entry: DirectoryChild): { node: 'container'; kind: ContainerKind } | { node: 'object'; kind: ObjectKind } {
  const classes = new Set(entry.objectClass.map((c) => c.toLowerCase()));
  if (classes.has('computer')) return { node: 'object', kind: 'computer' };
  if (classes.has('group')) return { node: 'object', kind: 'group' };
  if (classes.has('contact')) return { node: 'object', kind: 'contact' };
  if (classes.has('inetorgperson')) return { node: 'object', kind: 'inetOrgPerson' };
  if (classes.has('user')) return { node: 'object', kind: 'user' };
  for (const [cls, kind] of Object.entries(containerClasses)) if (classes.has(cls)) return { node: 'container', kind };
  if (entry.isContainer) return { node: 'container', kind: 'other' };
  return { node: 'object', kind: 'other' };
}

const objectIcons: Record<ObjectKind, string> = {
  user: 'person',
  inetOrgPerson: 'person',
  group: 'organization',
  contact: 'mention',
  computer: 'vm',
  other: 'symbol-misc',
};
const containerIcons: Record<ContainerKind, string> = {
  organizationalUnit: 'folder',
  container: 'folder-library',
  builtinDomain: 'folder-library',
  other: 'folder',
};

/** contextValue: space-separated tags, matched in package.json menus with regexes. */
export function contextValue(node: TreeNode): string {
  switch (node.kind) {
    case 'connector':
      return 'connector refreshable';
    case 'partition':
      return `partition refreshable hasDn ${node.scope.inScope ? 'inScope' : 'outOfScope'}`;
    case 'container':
      return `container ${node.containerKind} refreshable hasDn ${node.scope.inScope ? 'inScope' : 'outOfScope'}`;
    case 'object':
      return `object ${node.objectKind} syncable hasDn ${node.scope.inScope ? 'inScope' : 'outOfScope'}`;
    case 'loadMore':
      return 'loadMore';
    case 'error':
      return 'error';
    case 'notice':
      return 'notice';
  }
}

function icon(id: string, outOfScope: boolean): vscode.ThemeIcon {
  return new vscode.ThemeIcon(id, outOfScope ? new vscode.ThemeColor('disabledForeground') : undefined);
}

function tooltip(lines: [string, string | undefined][], scope?: ScopeMark): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  for (const [label, value] of lines) {
    if (value === undefined || value === '') continue;
    md.appendMarkdown(`**${label}:** `);
    md.appendText(value); // untrusted directory data: appendText escapes Markdown
    md.appendMarkdown('  \n');
  }
  if (scope && !scope.inScope) {
    md.appendMarkdown('**Out of sync scope:** ');
    md.appendText(scope.reason);
  }
  return md;
}

const outOfScopeLabel = 'out of sync scope';

function withScope(description: string | undefined, scope: ScopeMark): string | undefined {
  if (scope.inScope) return description;
  return description ? `${description} · ${outOfScopeLabel}` : outOfScopeLabel;
}

export function toTreeItem(node: TreeNode): vscode.TreeItem {
  switch (node.kind) {
    case 'connector': {
      const item = new vscode.TreeItem(node.connector.name, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon(node.connector.ldifFile ? 'file-binary' : 'server');
      // "connector · ldaps://dc1..." so a connector named like its domain reads apart from the partition.
      item.description = `${vscode.l10n.t('connector')} · ${node.connector.url ?? node.connector.ldifFile ?? ''}`;
      item.tooltip = tooltip([
        ['Connector', node.connector.name],
        ['Source', node.connector.url ?? node.connector.ldifFile ?? undefined],
        ['Bind account', node.connector.bindDn ?? undefined],
        ['Object types', node.connector.objectTypes.join(', ')],
      ]);
      return finish(item, node);
    }
    case 'partition': {
      const item = new vscode.TreeItem(node.dnsRoot || node.dn.toString(), vscode.TreeItemCollapsibleState.Collapsed);
      item.iconPath = icon('globe', !node.scope.inScope);
      item.description = withScope(`${vscode.l10n.t('partition')}${node.dnsRoot ? ` · ${node.dn.toString()}` : ''}`, node.scope);
      item.tooltip = tooltip([['Partition', node.dn.toString()], ['DNS root', node.dnsRoot]], node.scope);
      return finish(item, node);
    }
    case 'container': {
      const item = new vscode.TreeItem(node.entry.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.iconPath = icon(containerIcons[node.containerKind], !node.scope.inScope);
      item.description = withScope(undefined, node.scope);
      item.tooltip = tooltip(
        [['Distinguished name', node.entry.dn.toString()], ['objectGUID', node.entry.objectGuid], ['Object class', node.entry.objectClass.at(-1)]],
        node.scope,
      );
      return finish(item, node);
    }
    case 'object': {
      const item = new vscode.TreeItem(node.entry.name, vscode.TreeItemCollapsibleState.None);
      const disabled = node.entry.disabled === true;
      item.iconPath = disabled ? new vscode.ThemeIcon(node.objectKind === 'computer' ? 'vm-outline' : 'circle-slash', new vscode.ThemeColor('disabledForeground')) : icon(objectIcons[node.objectKind], !node.scope.inScope);
      const account = node.entry.sAMAccountName ?? node.entry.userPrincipalName;
      item.description = withScope(disabled ? [account, vscode.l10n.t('disabled')].filter(Boolean).join(' · ') : account, node.scope);
      item.tooltip = tooltip(
        [
          ['Distinguished name', node.entry.dn.toString()],
          ['objectGUID', node.entry.objectGuid],
          ['Object class', node.entry.objectClass.at(-1)],
          ['sAMAccountName', node.entry.sAMAccountName],
          ['userPrincipalName', node.entry.userPrincipalName],
          ['Account', node.entry.disabled === undefined ? undefined : node.entry.disabled ? vscode.l10n.t('disabled') : vscode.l10n.t('enabled')],
        ],
        node.scope,
      );
      return finish(item, node);
    }
    case 'loadMore': {
      const item = new vscode.TreeItem(vscode.l10n.t('Load more...'), vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.description = node.total !== undefined ? vscode.l10n.t('{0} of {1}', node.shown.toLocaleString('en-US'), node.total.toLocaleString('en-US')) : vscode.l10n.t('{0} shown, more to load', node.shown.toLocaleString('en-US'));
      item.command = { command: 'singleObjectSync.loadMore', title: 'Load more...', arguments: [node] };
      return finish(item, node);
    }
    case 'notice': {
      const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('shield');
      item.description = node.action.title;
      item.tooltip = tooltip([[vscode.l10n.t('Restricted Mode'), node.detail]]);
      item.command = node.action;
      return finish(item, node);
    }
    case 'error': {
      const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      item.description = node.action.title;
      item.tooltip = tooltip([['Error', node.code], ['Reason', node.message], ['Recommended action', node.recommendedAction]]);
      item.command = node.action;
      return finish(item, node);
    }
  }
}

function finish(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
  item.id = node.id;
  item.contextValue = contextValue(node);
  return item;
}

/** The distinguished name a node stands for, if any. */
export function nodeDn(node: TreeNode): Dn | undefined {
  switch (node.kind) {
    case 'partition':
      return node.dn;
    case 'container':
    case 'object':
      return node.entry.dn;
    default:
      return undefined;
  }
}
