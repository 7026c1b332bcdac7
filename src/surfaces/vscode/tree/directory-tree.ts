// The "Active Directory" tree: connectors (from the configuration) -> partitions -> OUs and
// containers -> objects. Each level is one paged one-level search when expanded; a
// "Load more..." node fetches the next page. Failures become an error node with an action.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ActiveDirectoryConnectorConfig } from '../../../app/config/model';
import { Dn } from '../../../engine/model/dn';
import type { DirectoryChild } from '../../../engine/ports/directory-source';
import { partitionNames } from '../../../engine/scope/partition-names';
import { configurationPath } from '../config-file';
import { asSyncError, remedyFor } from '../errors';
import { log } from '../log';
import type { SessionHost } from '../session-host';
import { readSettings } from '../settings';
import { classify, toTreeItem, type ErrorNode, type ListableNode, type PartitionNode, type TreeNode } from './nodes';
import { configuredPartition, scopeOf } from './scope';

interface Listing {
  nodes: TreeNode[];
  continuation?: string;
  /** Children counted on the server (countChildren), for "200 of 5,000". */
  total?: number;
}

/** Containers first, then by name (LDAP returns them in no useful order). */
export function compareNodes(a: TreeNode, b: TreeNode): number {
  const rank = (n: TreeNode) => (n.kind === 'container' ? 0 : n.kind === 'object' ? 1 : 2);
  const name = (n: TreeNode) => (n.kind === 'container' || n.kind === 'object' ? n.entry.name : '');
  return rank(a) - rank(b) || name(a).localeCompare(name(b), undefined, { sensitivity: 'base', numeric: true });
}

function sortedUnique(nodes: TreeNode[]): TreeNode[] {
  const seen = new Set<string>();
  return nodes.filter((n) => !seen.has(n.id) && seen.add(n.id)).sort(compareNodes);
}

export class DirectoryTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly listings = new Map<string, Listing>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Every node this tree handed to VS Code: commands accept only these as arguments. */
  private readonly issued = new WeakSet<object>();

  constructor(private readonly sessions: SessionHost) {
    this.subscriptions.push(sessions.onDidReset(() => this.refresh()));
  }

  refresh(node?: TreeNode): void {
    if (!node) this.listings.clear();
    else for (const key of [...this.listings.keys()]) if (key === node.id || key.startsWith(`${node.id}/`)) this.listings.delete(key);
    this.changed.fire(node);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /** True for a node this tree created (menus pass those); false for anything made up. */
  owns(value: unknown): value is TreeNode {
    return typeof value === 'object' && value !== null && this.issued.has(value);
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    const children = await this.children(node);
    for (const child of children) this.issued.add(child);
    return children;
  }

  private async children(node?: TreeNode): Promise<TreeNode[]> {
    try {
      if (!node) return await this.roots();
      switch (node.kind) {
        case 'connector':
          return await this.partitions(node.connector, node);
        case 'partition':
        case 'container': {
          const listing = this.listings.get(node.id) ?? (await this.firstPage(node));
          return this.withLoadMore(node, listing);
        }
        default:
          return [];
      }
    } catch (error) {
      return [this.errorNode(error, node)];
    }
  }

  /** Fetches the next page below the "Load more..." node's parent. */
  async loadMore(parent: ListableNode): Promise<void> {
    const listing = this.listings.get(parent.id);
    if (!listing?.continuation) return;
    try {
      const next = await this.page(parent, listing.continuation);
      this.listings.set(parent.id, { nodes: sortedUnique([...listing.nodes, ...next.nodes]), continuation: next.continuation, total: listing.total });
    } catch (error) {
      this.listings.set(parent.id, { nodes: [...listing.nodes, this.errorNode(error, parent)] });
    }
    this.changed.fire(parent);
  }

  private async roots(): Promise<TreeNode[]> {
    // Untrusted workspace without a configuration the user chose, or no file yet: an empty
    // tree shows the view's welcome content, which says why and what to do.
    let file: string;
    try {
      file = configurationPath();
    } catch (error) {
      if (asSyncError(error).code !== 'UntrustedWorkspaceConfiguration') throw error;
      void vscode.commands.executeCommand('setContext', 'singleObjectSync.untrustedWithoutConfiguration', true);
      void vscode.commands.executeCommand('setContext', 'singleObjectSync.noConfiguration', false);
      return [];
    }
    void vscode.commands.executeCommand('setContext', 'singleObjectSync.untrustedWithoutConfiguration', false);
    const missing = !existsSync(file);
    void vscode.commands.executeCommand('setContext', 'singleObjectSync.noConfiguration', missing);
    if (missing) return [];
    const session = await this.sessions.session();
    const connectors: TreeNode[] = session.config.activeDirectory.map((connector) => ({ kind: 'connector', id: `c:${connector.name}`, connector }));
    if (vscode.workspace.isTrusted) return connectors;
    // Restricted Mode hides Sync Object: say so where the user looks for it.
    const notice: TreeNode = {
      kind: 'notice',
      id: 'notice:restricted',
      message: vscode.l10n.t('Restricted Mode: only Preview Sync runs'),
      detail: vscode.l10n.t('Sync Object exports to Microsoft Entra ID and is unavailable until you trust this workspace. Preview Sync (Staging Mode) runs every step and exports nothing.'),
      action: { command: 'workbench.trust.manage', title: vscode.l10n.t('Manage Workspace Trust') },
    };
    return [notice, ...connectors];
  }

  /** The connector and partition nodes as roots() and partitions() make them (ids match), for reveal. */
  async pathTo(connectorName: string, dn: Dn, found: DirectoryChild): Promise<TreeNode | undefined> {
    const session = await this.sessions.session();
    const connector = session.config.activeDirectory.find((c) => c.name === connectorName);
    if (!connector) return undefined;
    const connectorNode: TreeNode = { kind: 'connector', id: `c:${connector.name}`, connector };
    const partitionNodes = await this.partitions(connector, connectorNode);
    const partition = partitionNodes
      .filter((p): p is PartitionNode => p.kind === 'partition' && dn.isWithin(p.dn))
      .sort((a, b) => b.dn.depth - a.dn.depth)[0];
    if (!partition) return undefined;
    // The containers between the partition and the object, outermost first.
    let parent: ListableNode = partition;
    for (let depth = partition.dn.depth + 1; depth <= dn.depth; depth++) {
      const childDn = dn.ancestorAtDepth(depth);
      const isTarget = depth === dn.depth;
      const type = childDn.rdns[0]?.avas[0]?.type ?? '';
      const entry: DirectoryChild = isTarget ? found : { dn: childDn, name: childDn.rdnValue, objectClass: [/^ou$/i.test(type) ? 'organizationalUnit' : 'container'], isContainer: true };
      const node = this.childNode(parent, entry);
      await this.ensureListed(parent, node);
      if (isTarget) return node;
      if (node.kind !== 'container') return undefined;
      parent = node;
    }
    return undefined;
  }

  /** Makes sure the parent's listing holds the node, so TreeView.reveal finds it past the loaded pages. */
  private async ensureListed(parent: ListableNode, node: TreeNode): Promise<void> {
    const listing = this.listings.get(parent.id) ?? (await this.firstPage(parent));
    if (listing.nodes.some((n) => n.id === node.id)) return;
    this.listings.set(parent.id, { ...listing, nodes: sortedUnique([...listing.nodes, node]) });
    this.changed.fire(parent);
  }

  private async partitions(connector: ActiveDirectoryConnectorConfig, parent: TreeNode): Promise<TreeNode[]> {
    const directory = await (await this.sessions.session()).directory(connector.name);
    const found = await directory.partitions();
    const seen = new Set(found.map((p) => p.dn.key));
    // Configured partitions the directory did not report still show (they fail on expand).
    const configured = connector.partitions.map((p) => ({ dn: partitionNames(p).dn, dnsRoot: '' }));
    const all = [...found, ...configured.filter((p) => !seen.has(p.dn.key))];
    return all.map((p) => ({
      kind: 'partition',
      id: `${parent.id}/${p.dn.key}`,
      parent,
      connector,
      dn: p.dn,
      dnsRoot: p.dnsRoot || undefined,
      configured: configuredPartition(connector, p.dn),
      scope: scopeOf(connector, p.dn),
    }));
  }

  private async firstPage(node: ListableNode): Promise<Listing> {
    const listing = await this.page(node, undefined);
    listing.nodes = sortedUnique(listing.nodes);
    this.listings.set(node.id, listing);
    if (listing.continuation) void this.count(node);
    return listing;
  }

  /** Counts a large container's children in the background; the Load more item then reads "200 of 5,000". */
  private async count(node: ListableNode): Promise<void> {
    try {
      const directory = await (await this.sessions.session()).directory(node.connector.name);
      if (!directory.countChildren) return;
      const total = await directory.countChildren(node.kind === 'partition' ? node.dn : node.entry.dn);
      const listing = this.listings.get(node.id);
      if (!listing) return;
      this.listings.set(node.id, { ...listing, total });
      this.changed.fire(node);
    } catch (error) {
      log().debug(`Children of ${node.id} not counted: ${asSyncError(error).reason}`);
    }
  }

  private async page(parent: ListableNode, continuation: string | undefined): Promise<Listing> {
    const dn = parent.kind === 'partition' ? parent.dn : parent.entry.dn;
    const started = performance.now();
    const directory = await (await this.sessions.session()).directory(parent.connector.name);
    const page = await directory.listChildren(dn, { pageSize: readSettings().treePageSize, continuation });
    const milliseconds = performance.now() - started;
    log().debug(`Listed ${page.children.length} entries below ${dn} in ${milliseconds.toFixed(0)} ms${page.continuation ? ' (more to load)' : ''}`);
    return { nodes: page.children.map((child) => this.childNode(parent, child)), continuation: page.continuation };
  }

  private childNode(parent: ListableNode, entry: DirectoryChild): TreeNode {
    const connector = parent.connector;
    const id = `${parent.id}/${entry.dn.key}`;
    const scope = scopeOf(connector, entry.dn);
    const kind = classify(entry);
    return kind.node === 'container'
      ? { kind: 'container', id, parent, connector, entry, containerKind: kind.kind, scope }
      : { kind: 'object', id, parent, connector, entry, objectKind: kind.kind, scope };
  }

  private withLoadMore(parent: ListableNode, listing: Listing): TreeNode[] {
    if (!listing.continuation) return listing.nodes;
    return [...listing.nodes, { kind: 'loadMore', id: `${parent.id}/#more-${listing.nodes.length}`, parent, shown: listing.nodes.length, ...(listing.total !== undefined ? { total: listing.total } : {}) }];
  }

  private errorNode(error: unknown, parent: TreeNode | undefined): ErrorNode {
    const syncError = asSyncError(error);
    log().error(`${syncError.code}: ${syncError.reason}`);
    const remedy = remedyFor(syncError);
    const action: vscode.Command = remedy
      ? { command: remedy.command, title: remedy.title }
      : { command: 'singleObjectSync.refresh', title: 'Retry', arguments: parent ? [parent] : [] };
    return {
      kind: 'error',
      id: `${parent?.id ?? 'root'}/#error`,
      parent,
      message: syncError.reason,
      code: syncError.code,
      recommendedAction: syncError.recommendedAction,
      action,
    };
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
