// A refused bind (LDAP result 49) read by its AD data code, from the diagnostic messages
// Active Directory documents ("AcceptSecurityContext error, data 52e, v4563") and the ones
// Samba sends; each code says which account problem it is and what to do.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidCredentialsError } from 'ldapts';
import { bindDataCode, toSyncError } from '../../../../src/adapters/ad/ldap/errors';

const ctx = { url: 'ldaps://dc1.corp.contoso.com', server: 'dc1.corp.contoso.com', bindDn: 'CN=svc-sync,OU=Service,DC=corp,DC=contoso,DC=com', operation: 'bind' };
const adMessage = (code: string) => `80090308: LdapErr: DSID-0C09042F, comment: AcceptSecurityContext error, data ${code}, v4563\u0000`;

describe('AD data code of a refused bind', () => {
  test('read from Active Directory and Samba messages, absent when the server gives none', () => {
    assert.equal(bindDataCode(adMessage('52e')), '52e');
    assert.equal(bindDataCode('80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 775, v1db1'), '775');
    assert.equal(bindDataCode('80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 533, v1db1 Code: 0x31'), '533');
    assert.equal(bindDataCode('Invalid Credentials'), undefined);
  });

  const cases: [string, string, RegExp][] = [
    ['52e', 'InvalidCredentials', /password is wrong/],
    ['525', 'BindAccountNotFound', /no account/],
    ['530', 'LogonRestricted', /logon hours/],
    ['531', 'LogonRestricted', /workstations/],
    ['532', 'PasswordExpired', /has expired/],
    ['533', 'AccountDisabled', /is disabled/],
    ['701', 'AccountExpired', /account expiration date/],
    ['773', 'PasswordMustChange', /must change its password/],
    ['775', 'AccountLockedOut', /locked out/],
  ];
  for (const [code, name, reason] of cases) {
    test(`data ${code} is ${name}`, () => {
      const err = toSyncError(new InvalidCredentialsError(adMessage(code)), ctx);
      assert.equal(err.code, name);
      assert.match(err.reason, reason);
      assert.ok(err.reason.includes(ctx.bindDn), 'names the account');
      assert.ok(err.recommendedAction.length > 20);
      assert.doesNotMatch(`${err.reason} ${err.recommendedAction}`, /\{\w+\}/, 'no unfilled placeholder');
    });
  }

  test('no data code: the old, honest "one of these" with a note that the server did not say', () => {
    const err = toSyncError(new InvalidCredentialsError('Invalid Credentials'), ctx);
    assert.equal(err.code, 'InvalidCredentials');
    assert.match(err.reason, /gave no AD data code/);
  });
});
