// uses-samba
// A refused bind says which account problem it is (the AD data code), live against Samba: a
// test account created under OU=Contoso for this file and deleted after it, put in each state
// Samba can produce (wrong password, disabled, must change password, account expired). The
// codes Samba cannot produce here (locked out, password expired, logon hours) are unit-tested
// from Microsoft's documented messages (test/unit/adapters/ad/bind-data-codes.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { Attribute, Change, Client } from 'ldapts';
import { LdapDirectorySource } from '../../../../src/adapters/ad';
import { SyncError } from '../../../../src/engine/errors/sync-error';
import { fx, ldapsOptions, sambaEnv } from './samba-env';

const account = fx('CN=sos-bind-states');
const password = 'Bind-States-Pa55word!';

describe('a refused bind names the account state (live Samba)', () => {
  let admin: Client;

  const set = (type: string, value: string) => admin.modify(account, new Change({ operation: 'replace', modification: new Attribute({ type, values: [value] }) }));
  const bindError = async (pw = password): Promise<SyncError | undefined> => {
    const source = new LdapDirectorySource(await ldapsOptions({ bindDn: account, password: pw }));
    try {
      await source.rootDse();
      return undefined;
    } catch (err) {
      assert.ok(err instanceof SyncError, String(err));
      return err;
    } finally {
      await source.close();
    }
  };

  before(async () => {
    const env = await sambaEnv();
    admin = new Client({ url: env.SOS_AD_URL, tlsOptions: { ca: [readFileSync(env.SOS_AD_CA_FILE)], servername: env.SOS_AD_SERVER_NAME } });
    await admin.bind(env.SOS_AD_BIND_DN, env.SOS_AD_PASSWORD);
    await admin.del(account).catch(() => undefined);
    await admin.add(account, [
      new Attribute({ type: 'objectClass', values: ['user'] }),
      new Attribute({ type: 'sAMAccountName', values: ['sos-bind-states'] }),
      new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${password}"`, 'utf16le')] }),
      new Attribute({ type: 'userAccountControl', values: ['512'] }),
    ]);
  });
  after(async () => {
    await admin.del(account).catch(() => undefined);
    await admin.unbind();
  });

  it('binds with the right password (the account is usable)', async () => {
    assert.equal(await bindError(), undefined);
  });

  it('a wrong password is InvalidCredentials, "the password is wrong" (52e)', async () => {
    const err = await bindError('not-the-password');
    assert.equal(err?.code, 'InvalidCredentials', err?.message);
    assert.match(err!.reason, /password is wrong \(AD data code 52e\)/);
    assert.ok(!err!.message.includes('not-the-password'));
  });

  it('a disabled account is AccountDisabled (533)', async () => {
    await set('userAccountControl', '514');
    try {
      const err = await bindError();
      assert.equal(err?.code, 'AccountDisabled', err?.message);
    } finally {
      await set('userAccountControl', '512');
    }
  });

  it('"must change password at next logon" is PasswordMustChange (773)', async () => {
    await set('pwdLastSet', '0');
    try {
      const err = await bindError();
      assert.equal(err?.code, 'PasswordMustChange', err?.message);
    } finally {
      await set('pwdLastSet', '-1');
    }
  });

  it('an account past its expiration date is AccountExpired (701)', async () => {
    await set('accountExpires', '116444736000000000'); // 1970-01-01 as a FILETIME
    try {
      const err = await bindError();
      assert.equal(err?.code, 'AccountExpired', err?.message);
    } finally {
      await set('accountExpires', '9223372036854775807');
    }
  });
});
