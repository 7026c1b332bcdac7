// The least-privileged Microsoft Graph permission each call of this tool needs (Microsoft
// Graph permissions reference and each API's "Permissions" table). A 403 names the one to
// grant; the README's preview and export lists are these.

export interface GraphPermissionNeed {
  /** The least-privileged permission that allows the call. */
  permission: string;
  /** Broader permissions that also allow it. */
  alternatives: string[];
  /** What a preview needs (read), or only an export (write). */
  use: 'preview' | 'export';
}

const need = (permission: string, use: GraphPermissionNeed['use'], ...alternatives: string[]): GraphPermissionNeed => ({ permission, alternatives, use });

/** The permission a Graph call needs, from its method and path (after /v1.0). */
export function permissionFor(method: string, path: string): GraphPermissionNeed | undefined {
  const p = path.split('?')[0]!.replace(/^\/v1\.0(?=\/)/, '');
  const m = method.toUpperCase();
  const read = m === 'GET';
  if (/^\/users(\/|$)/i.test(p)) return read ? need('User.Read.All', 'preview', 'Directory.Read.All') : need('User.ReadWrite.All', 'export', 'Directory.ReadWrite.All');
  if (/^\/groups[^/]*\/[^/]+\/members(\/|$)/i.test(p)) {
    return read ? need('GroupMember.Read.All', 'preview', 'Group.Read.All', 'Directory.Read.All') : need('GroupMember.ReadWrite.All', 'export', 'Group.ReadWrite.All', 'Directory.ReadWrite.All');
  }
  if (/^\/groups/i.test(p)) {
    if (read) return need('Group.Read.All', 'preview', 'Directory.Read.All');
    if (m === 'POST' && /^\/groups\/?$/i.test(p)) return need('Group.Create', 'export', 'Group.ReadWrite.All', 'Directory.ReadWrite.All');
    return need('Group.ReadWrite.All', 'export', 'Directory.ReadWrite.All');
  }
  if (/^\/contacts(\/|$)/i.test(p)) return need('OrgContact.Read.All', 'preview', 'Directory.Read.All');
  if (/^\/domains(\/|$)/i.test(p)) return need('Domain.Read.All', 'preview', 'Directory.Read.All');
  if (/^\/organization(\/|$)/i.test(p)) return need('Organization.Read.All', 'preview', 'Directory.Read.All');
  if (/^\/directory\/onPremisesSynchronization/i.test(p)) return need('OnPremDirectorySynchronization.Read.All', 'preview');
  if (/^\/roleManagement\/directory\//i.test(p)) return need('RoleManagement.Read.Directory', 'preview', 'Directory.Read.All');
  return undefined;
}

/** The permissions a preview (staging mode) needs: every call is a read. */
export const PREVIEW_PERMISSIONS = ['User.Read.All', 'Group.Read.All', 'OrgContact.Read.All', 'Domain.Read.All', 'OnPremDirectorySynchronization.Read.All', 'RoleManagement.Read.Directory'] as const;
/** What an export adds to the preview's. */
export const EXPORT_PERMISSIONS = ['User.ReadWrite.All', 'Group.ReadWrite.All', 'GroupMember.ReadWrite.All'] as const;
