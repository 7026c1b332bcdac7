// ProxyCalc, from Microsoft's "Microsoft Entra Connect Sync service shadow attributes" page
// (how-to-connect-syncservice-shadow-attributes): "The check for verified domains only happens for
// mailbox users. A mail-enabled user or contact represent a user in another Exchange organization
// and you can add any values in proxyAddresses to these objects. For a mailbox user, either
// on-premises or in Exchange Online, only values for verified domains appear." Its example:
// on-premises SMTP:abbie.spencer@fabrikamonline.com, smtp:abbie.spencer@fabrikam.com,
// smtp:abbie@fabrikamonline.com; "smtp:abbie.spencer@fabrikam.com was removed since that domain
// isn't verified". ProxyCalc sanitizes when the user "has MSExchRemoteRecipientType set (not null)".
// The emulator's tenant has contoso.com verified and fabrikam.example added but not verified;
// partner.example is not added at all. LDIF snapshot and the Graph emulator, staging mode.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Dn } from '../../../src/engine/model/dn';
import type { ProvisioningObjectSummary } from '../../../src/engine/summary/types';
import { CONTOSO_DOMAIN as domain, openLdifTenant, type LdifTenant } from '../../support/ldif-tenant';

const ou = `OU=Engineering,OU=Contoso,${domain}`;
const addresses = (nick: string) => [`proxyAddresses: SMTP:${nick}@contoso.com`, `proxyAddresses: smtp:${nick}@fabrikam.example`, `proxyAddresses: smtp:${nick}@partner.example`, `proxyAddresses: X500:/o=Contoso/ou=Exchange/cn=Recipients/cn=${nick}`];

function user(cn: string, lines: string[]): string {
  const nick = cn.toLowerCase().replace(/\W+/g, '.');
  return [
    `dn: CN=${cn},${ou}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user',
    `cn: ${cn}`, `sAMAccountName: ${nick.slice(0, 20)}`, `userPrincipalName: ${nick}@contoso.com`, 'userAccountControl: 512', `mailNickname: ${nick}`, `mail: ${nick}@contoso.com`,
    ...lines, ...addresses(nick), `objectGUID:: ${randomBytes(16).toString('base64')}`, `distinguishedName: CN=${cn},${ou}`, '',
  ].join('\n');
}

describe('ProxyCalc: a mailbox user shows only the addresses of verified domains', () => {
  let world: LdifTenant;
  const sync = async (cn: string) => (await world.session.sync(Dn.parse(`CN=${cn},${ou}`), { stagingMode: true, noHtmlReport: true })).summary;
  const proxies = (s: ProvisioningObjectSummary) => s.modifiedProperties.find((p) => p.displayName === 'proxyAddresses');
  const exportRow = (s: ProvisioningObjectSummary) => s.provisioningSteps.find((x) => x.stepNumber === 10)!.attributes?.find((a) => a.name === 'proxyAddresses');

  before(async () => {
    const base = await readFile(path.resolve(__dirname, '../../fixtures/contoso-snapshot.ldif'), 'utf8');
    const entries = [
      user('Remote Mailbox', ['msExchRecipientTypeDetails: 2147483648', 'msExchRemoteRecipientType: 4']),
      user('Onprem Mailbox', ['msExchRecipientTypeDetails: 1']),
      user('Mail User', ['msExchRecipientTypeDetails: 128']),
      [`dn: CN=Fab Primary,${ou}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user', 'cn: Fab Primary',
        'sAMAccountName: fab.primary', 'userPrincipalName: fab.primary@contoso.com', 'userAccountControl: 512', 'mailNickname: fab.primary', 'msExchRecipientTypeDetails: 1',
        'proxyAddresses: SMTP:fab.primary@fabrikam.example', 'proxyAddresses: smtp:fab.primary@contoso.com', 'proxyAddresses: smtp:fab@partner.example',
        `objectGUID:: ${randomBytes(16).toString('base64')}`, `distinguishedName: CN=Fab Primary,${ou}`, ''].join('\n'),
    ];
    world = await openLdifTenant(`${base.trimEnd()}\n\n${entries.join('\n')}`, {});
  });
  after(() => world?.close());

  test('a remote mailbox (msExchRemoteRecipientType set) and an on-premises mailbox lose their smtp addresses on domains not verified', async () => {
    for (const [cn, why] of [['Remote Mailbox', /msExchRemoteRecipientType/], ['Onprem Mailbox', /msExchRecipientTypeDetails 1 is a mailbox/]] as const) {
      const s = await sync(cn);
      const nick = cn.toLowerCase().replace(/\W+/g, '.');
      const values = proxies(s)?.newValue?.split('\n');
      assert.deepEqual(values, [`SMTP:${nick}@contoso.com`, `X500:/o=Contoso/ou=Exchange/cn=Recipients/cn=${nick}`], `${cn}: ${JSON.stringify(proxies(s))}`);
      const note = exportRow(s)?.note ?? '';
      assert.match(note, /ProxyCalc/, cn);
      assert.match(note, new RegExp(`smtp:${nick}@fabrikam\\.example, smtp:${nick}@partner\\.example`), cn);
      assert.match(note, why, cn);
    }
  });

  test('the primary SMTP: address is kept even on a domain not verified (the page removes a secondary one; what would become primary is not documented)', async () => {
    const s = await sync('Fab Primary');
    assert.deepEqual(proxies(s)?.newValue?.split('\n'), ['SMTP:fab.primary@fabrikam.example', 'smtp:fab.primary@contoso.com'], JSON.stringify(proxies(s)));
    assert.match(exportRow(s)?.note ?? '', /ProxyCalc: smtp:fab@partner\.example is/);
  });

  test('a mail user (another Exchange organization) keeps every address', async () => {
    const s = await sync('Mail User');
    assert.deepEqual(proxies(s)?.newValue?.split('\n').sort(), addresses('mail.user').map((l) => l.slice('proxyAddresses: '.length)).sort(), JSON.stringify(proxies(s)));
    assert.doesNotMatch(exportRow(s)?.note ?? '', /ProxyCalc/);
  });
});
