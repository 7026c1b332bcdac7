// National clouds: the token scope follows the configured Graph endpoint, and the
// authority must be https (msal refuses anything else; the adapter says so first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSyncError } from '../../../../src/engine/errors';
import { createEntraTarget } from '../../../../src/adapters/entra/index';
import { graphScope } from '../../../../src/adapters/entra/token-source';

test('the Graph scope is the /.default of the configured Graph endpoint for each cloud', () => {
  assert.equal(graphScope('https://graph.microsoft.com'), 'https://graph.microsoft.com/.default');
  assert.equal(graphScope('https://graph.microsoft.us/'), 'https://graph.microsoft.us/.default');
  assert.equal(graphScope('https://microsoftgraph.chinacloudapi.cn'), 'https://microsoftgraph.chinacloudapi.cn/.default');
  assert.equal(graphScope('https://127.0.0.1:8443'), 'https://127.0.0.1:8443/.default');
});

test('an http authority host is refused with AuthenticationFailed before any network call', () => {
  assert.throws(
    () => createEntraTarget({ tenantId: 't', clientId: 'c', authorityHost: 'http://login.example', graphEndpoint: 'https://graph.microsoft.com' }, 'secret'),
    (err: unknown) => isSyncError(err) && err.code === 'AuthenticationFailed' && /must use https/.test(err.reason),
  );
});
