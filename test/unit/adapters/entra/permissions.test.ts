// A Graph 403 names the permission to grant: the least-privileged one of Microsoft Graph's
// permissions reference for that call (Graph's own message never says which).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mapGraphError, parseGraphError } from '../../../../src/adapters/entra/graph/errors';
import { EXPORT_PERMISSIONS, permissionFor, PREVIEW_PERMISSIONS } from '../../../../src/adapters/entra/permissions';

const denied = parseGraphError(403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } });

describe('the permission a Graph call needs', () => {
  test('reads need the read permissions of the preview list', () => {
    for (const [path, permission] of [
      ['/users?$filter=onPremisesImmutableId eq \'x\'', 'User.Read.All'],
      ['/users/0f1e', 'User.Read.All'],
      ["/groups(uniqueName='abc')", 'Group.Read.All'],
      ['/groups/1/members', 'GroupMember.Read.All'],
      ['/contacts', 'OrgContact.Read.All'],
      ['/domains', 'Domain.Read.All'],
      ['/directory/onPremisesSynchronization', 'OnPremDirectorySynchronization.Read.All'],
      ['/roleManagement/directory/roleAssignments', 'RoleManagement.Read.Directory'],
    ] as const) {
      const need = permissionFor('GET', path);
      assert.equal(need?.permission, permission, path);
      assert.equal(need?.use, 'preview');
      if (permission !== 'GroupMember.Read.All') assert.ok((PREVIEW_PERMISSIONS as readonly string[]).includes(permission), `${permission} is in the preview list`);
    }
  });

  test('writes need the export permissions', () => {
    assert.equal(permissionFor('POST', '/users')?.permission, 'User.ReadWrite.All');
    assert.equal(permissionFor('PATCH', '/v1.0/users/1')?.permission, 'User.ReadWrite.All');
    assert.equal(permissionFor('POST', '/groups')?.permission, 'Group.Create');
    assert.equal(permissionFor('PATCH', "/groups(uniqueName='a')")?.permission, 'Group.ReadWrite.All');
    assert.equal(permissionFor('POST', '/groups/1/members/$ref')?.permission, 'GroupMember.ReadWrite.All');
    assert.equal(permissionFor('DELETE', '/groups/1/members/2/$ref')?.permission, 'GroupMember.ReadWrite.All');
    for (const p of ['User.ReadWrite.All', 'Group.ReadWrite.All', 'GroupMember.ReadWrite.All']) assert.ok((EXPORT_PERMISSIONS as readonly string[]).includes(p));
  });

  test('a 403 says which permission to grant, to which app', () => {
    const err = mapGraphError(denied, { method: 'POST', path: '/users', clientId: 'app-1', maxRetryWaitSeconds: 5 });
    assert.equal(err.code, 'AuthorizationDenied');
    assert.match(err.reason, /lacks the Microsoft Graph permission User\.ReadWrite\.All/);
    assert.match(err.recommendedAction, /Grant User\.ReadWrite\.All \(or Directory\.ReadWrite\.All\) to the app registration app-1/);
    const read = mapGraphError(denied, { method: 'GET', path: '/directory/onPremisesSynchronization', maxRetryWaitSeconds: 5 });
    assert.match(read.recommendedAction, /Grant OnPremDirectorySynchronization\.Read\.All to/);
  });
});
