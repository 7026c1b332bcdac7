// The cloud mailNickname at first sync and the MOERA UPN (plan-connect-userprincipalname).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cloudMailNickname, moeraUserPrincipalName } from '../../../../src/engine/rules';

test('cloud mailNickname: first present of alias, primary SMTP, mail, UPN, secondary smtp prefix', () => {
  const all = { alias: ['jd'], proxyAddresses: ['smtp:second@x.com', 'SMTP:primary@x.com'], mail: ['mail@x.com'], userPrincipalName: ['upn@x.com'] };
  assert.equal(cloudMailNickname(all), 'jd');
  assert.equal(cloudMailNickname({ ...all, alias: null }), 'primary');
  assert.equal(cloudMailNickname({ ...all, alias: null, proxyAddresses: ['smtp:second@x.com'] }), 'mail');
  assert.equal(cloudMailNickname({ userPrincipalName: ['upn@x.com'], proxyAddresses: ['smtp:second@x.com'] }), 'upn');
  assert.equal(cloudMailNickname({ proxyAddresses: ['smtp:second@x.com'] }), 'second');
  assert.equal(cloudMailNickname({ mailNickname: ['mv-name'] }), 'mv-name');
  assert.equal(cloudMailNickname({}), undefined);
});

test('MOERA UPN uses the initial domain', () => {
  assert.equal(moeraUserPrincipalName('jdoe', 'contoso.onmicrosoft.com'), 'jdoe@contoso.onmicrosoft.com');
});
