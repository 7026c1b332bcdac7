// uses-samba
// The URL's scheme and port that do not go together, against the live domain controller as an
// engineer mistypes them: ldaps:// on the LDAP port 389 (a TLS handshake to a plain port) and
// ldap:// with StartTLS on the LDAPS port 636 (a plain request to a TLS port). Each is ServerUnavailable that
// says which URL was meant, instead of only the socket's complaint; the right URL still binds.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { LdapDirectorySource } from '../../../../src/adapters/ad';
import { SyncError } from '../../../../src/engine/errors/sync-error';
import { ldapsOptions, releaseSamba } from './samba-env';

async function failure(url: string, startTls = false): Promise<SyncError> {
  const source = new LdapDirectorySource(await ldapsOptions({ url, startTls, connectTimeoutMs: 5_000, operationTimeoutMs: 5_000 }));
  try {
    await source.rootDse();
  } catch (err) {
    assert.ok(err instanceof SyncError, String(err));
    return err;
  } finally {
    await source.close();
  }
  assert.fail(`${url} answered`);
}

describe('ldaps:// and ldap:// on each other\'s port (live Samba)', () => {
  after(releaseSamba);

  it('ldaps:// on port 389 says the port answers plain LDAP and what to write instead', async () => {
    const { url } = await ldapsOptions();
    const host = new URL(url).hostname;
    const err = await failure(`ldaps://${host}:389`);
    assert.equal(err.code, 'ServerUnavailable', err.reason);
    assert.match(err.reason, /an ldaps:\/\/ URL needs the LDAPS port \(636, or 3269 for a global catalog\); port 389 takes ldap:\/\/ with "startTls": true/);
  });

  it('ldap:// with StartTLS on port 636 says it is the LDAPS port and gives the ldaps:// URL', async () => {
    // (Without StartTLS a plain simple bind is refused before connecting: InsecureBindRefused.)
    const { url } = await ldapsOptions();
    const host = new URL(url).hostname;
    const err = await failure(`ldap://${host}:636`, true);
    assert.equal(err.code, 'ServerUnavailable', err.reason);
    assert.ok(err.reason.includes(`port 636 is an LDAPS port (it expects a TLS handshake first): use ldaps://${host}:636`), err.reason);
  });

  it('the configured ldaps:// URL on 636 still binds', async () => {
    const source = new LdapDirectorySource(await ldapsOptions());
    try {
      assert.ok((await source.rootDse()).defaultNamingContext);
    } finally {
      await source.close();
    }
  });
});
