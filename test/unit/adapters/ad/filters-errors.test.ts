import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InsufficientAccessError, InvalidCredentialsError, NoSuchObjectError, StrongAuthRequiredError, TimeLimitExceededError, UnavailableError } from 'ldapts';
import { equalityFilter, escapeFilter, escapeFilterValue } from '../../../../src/adapters/ad';
import { containerFilter, nonContainerFilter, scopeFilter } from '../../../../src/adapters/ad/ldap/filters';
import { toSyncError } from '../../../../src/adapters/ad/ldap/errors';
import { directoryErrors } from '../../../../src/engine/errors/catalog/directory';
import { SyncError } from '../../../../src/engine/errors/sync-error';

describe('LDAP filters (RFC 4515)', () => {
  it('escapes every special character of an assertion value', () => {
    assert.equal(escapeFilterValue('a*b(c)d\\e\u0000'), 'a\\2ab\\28c\\29d\\5ce\\00');
    assert.equal(equalityFilter('cn', '*)(objectClass=*').toString(), '(cn=\\2a\\29\\28objectClass=\\2a)');
  });

  it('escapes interpolations in the escapeFilter template', () => {
    const hostile = 'x)(|(cn=*';
    assert.equal(escapeFilter`(&(objectClass=user)(sAMAccountName=${hostile}))`, '(&(objectClass=user)(sAMAccountName=x\\29\\28|\\28cn=\\2a))');
  });

  it('matches binary values (objectGUID) byte by byte', () => {
    const guid = Uint8Array.from([0x33, 0x22, 0x11, 0x00, 0x28, 0x2a]);
    assert.equal(equalityFilter('objectGUID', guid).toString(), '(objectGUID=\\33\\22\\11\\00\\28\\2a)');
  });

  it('builds the containers / other objects split of a listing', () => {
    assert.equal(containerFilter(['organizationalUnit', 'container']).toString(), '(|(objectClass=organizationalUnit)(objectClass=container))');
    assert.equal(nonContainerFilter(['organizationalUnit']).toString(), '(!(|(objectClass=organizationalUnit)))');
  });
});

describe('LDAP errors become catalog errors', () => {
  const ctx = { url: 'ldaps://dc1:636', server: 'dc1', bindDn: 'CN=svc,DC=x', operation: 'read', dn: 'CN=a,DC=x', timeoutMs: 3000 };
  const cases: Array<[unknown, string]> = [
    [new InvalidCredentialsError('80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e'), 'InvalidCredentials'],
    [new StrongAuthRequiredError('BindSimple: Transport encryption required.'), 'StrongAuthenticationRequired'],
    [new NoSuchObjectError('no such'), 'NoSuchObject'],
    [new InsufficientAccessError('denied'), 'InsufficientAccess'],
    [new TimeLimitExceededError('slow'), 'TimeLimitExceeded'],
    // Result 52 (unavailable) is an answer: the server is reachable, busy or shutting down.
    [new UnavailableError('down'), 'ServerBusy'],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'ServerUnavailable'],
    [Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'CertificateVerificationFailed'],
    [Object.assign(new Error("Hostname/IP does not match certificate's altnames"), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), 'CertificateVerificationFailed'],
    [new Error('Connection timeout'), 'TimeLimitExceeded'],
    [new Error('SearchRequest: Operation timed out'), 'TimeLimitExceeded'],
    [new Error('something odd'), 'LdapOperationFailed'],
  ];
  for (const [err, code] of cases) {
    it(`${(err as Error).constructor.name}: ${(err as Error).message.slice(0, 30)} -> ${code}`, () => {
      const mapped = toSyncError(err, ctx);
      assert.ok(mapped instanceof SyncError);
      assert.equal(mapped.code, code);
      assert.ok(mapped.reason.length > 0 && !/\{\w+\}/.test(mapped.reason), `placeholders filled: ${mapped.reason}`);
      assert.ok(mapped.recommendedAction.length > 0);
      assert.equal(mapped.cause, err);
    });
  }

  it('names the bind account and server in an invalid-credentials reason', () => {
    const mapped = toSyncError(new InvalidCredentialsError('x'), ctx);
    assert.match(mapped.reason, /dc1 rejected the bind of CN=svc,DC=x/);
  });

  it('every directory catalog entry has a reason, an action, a documentation link and a category', () => {
    for (const [key, entry] of Object.entries(directoryErrors)) {
      assert.equal(entry.code, key);
      assert.ok(entry.reason && entry.recommendedAction, key);
      assert.match(entry.documentationUrl ?? '', /^https:\/\/learn\.microsoft\.com\//, key);
      assert.ok(['failure', 'nonServiceFailure'].includes(entry.category), key);
    }
  });
});

describe('the --ldap-filter of a batch (RFC 4515, parsed whole)', () => {
  const classes = ['user', 'group'];
  it('refuses a composite filter left open, which ldapts alone would close silently', () => {
    for (const open of ['(&(objectClass=user)', '(&(a=b)(|(c=d)', '(|(cn=a)(cn=b)']) {
      assert.throws(() => scopeFilter(classes, open), (err: unknown) => err instanceof SyncError && err.code === 'InvalidLdapFilter' && /never closed/.test(err.reason), open);
    }
    assert.throws(() => scopeFilter(classes, '(cn=a))(|(cn=*)'), (err: unknown) => err instanceof SyncError && err.code === 'InvalidLdapFilter');
  });
  it('accepts escaped parentheses in values and ANDs the filter with the object classes', () => {
    assert.equal(scopeFilter(classes, '(cn=a\\28b\\29)').toString(), '(&(|(objectClass=user)(objectClass=group))(cn=a\\28b\\29))');
    assert.equal(scopeFilter(classes, ' (&(department=Sales)(l=Paris)) ').toString(), '(&(|(objectClass=user)(objectClass=group))(&(department=Sales)(l=Paris)))');
  });
});

describe('a URL whose scheme and port do not go together is said as that mix-up', () => {
  const ctx = (url: string) => ({ url, server: 'dc1', operation: 'bind', timeoutMs: 3000 });
  const reset = Object.assign(new Error('Client network socket disconnected before secure TLS connection was established'), { code: 'ECONNRESET' });
  it('ldaps:// on 389 or 3268, or answered in plain text on any port: the LDAPS port, or ldap:// with startTls', () => {
    for (const [url, err] of [['ldaps://dc1:389', reset], ['ldaps://dc1:3268', reset], ['ldaps://dc1:1636', Object.assign(new Error('ssl3_get_record:wrong version number'), { code: 'EPROTO' })]] as const) {
      const mapped = toSyncError(err, ctx(url));
      assert.equal(mapped.code, 'ServerUnavailable', url);
      assert.match(mapped.reason, /an ldaps:\/\/ URL needs the LDAPS port \(636, or 3269 for a global catalog\)/, url);
    }
  });
  it('ldap:// on 636 or 3269, whether it resets or waits: the ldaps:// URL', () => {
    for (const [url, err] of [['ldap://dc1:636', reset], ['ldap://dc1:3269', new Error('Connection timeout')]] as const) {
      const mapped = toSyncError(err, ctx(url));
      assert.equal(mapped.code, 'ServerUnavailable', url);
      assert.ok(mapped.reason.includes(`use ldaps://dc1:${new URL(url).port}`), mapped.reason);
    }
  });
  it('a matching scheme and port keep the plain network error', () => {
    const mapped = toSyncError(reset, ctx('ldaps://dc1:636'));
    assert.equal(mapped.code, 'ServerUnavailable');
    assert.doesNotMatch(mapped.reason, /LDAPS port|ldap:\/\/ with/);
    assert.equal(toSyncError(new Error('Connection timeout'), ctx('ldap://dc1:389')).code, 'TimeLimitExceeded');
  });
});
