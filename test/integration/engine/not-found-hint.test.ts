// Step 3's "Did you mean" for an object not found: the nearest sibling by edit distance, within a
// quarter of the name's length. A name longer than any RDN Active Directory allows ([MS-ADTS]
// 3.1.1.5.1.2: 255 characters) has no near sibling and is not compared (the distance costs the
// product of the two lengths: a name of megabytes, from the VS Code by-DN box, took minutes).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Dn } from '../../../src/engine/model/dn';
import { CONTOSO_DOMAIN as domain, openLdifTenant, type LdifTenant } from '../../support/ldif-tenant';

const fixtures = path.resolve(__dirname, '../../fixtures');
let world: LdifTenant;
const notFound = async (rdn: string) => {
  const { summary } = await world.session.sync(Dn.parse(`CN=${rdn},OU=Sales,OU=Contoso,${domain}`), { stagingMode: true, noHtmlReport: true });
  const error = summary.provisioningStatusInfo.errorInformation;
  assert.equal(error?.errorCode, 'NoSuchObject', JSON.stringify(summary.provisioningStatusInfo));
  return error!;
};

before(async () => {
  world = await openLdifTenant(await readFile(path.join(fixtures, 'contoso-snapshot.ldif'), 'utf8'), {});
});
after(() => world?.close());

test('a typo of an existing name: NoSuchObject naming the sibling it is near', async () => {
  const error = await notFound('Alice Wo');
  assert.match(error.recommendedAction ?? '', /Did you mean CN=Alice Wu,OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com\?/);
});

test('a name far from every sibling (length alone tells): no hint', async () => {
  const error = await notFound('Alice Wu the Second of the Sales Department');
  assert.doesNotMatch(error.recommendedAction ?? '', /Did you mean/);
});

test('a name longer than any RDN of Active Directory, starting like a sibling: NoSuchObject, no hint', { timeout: 120_000 }, async () => {
  const error = await notFound(`Alice Wu${'u'.repeat(300_000)}`);
  assert.doesNotMatch(error.recommendedAction ?? '', /Did you mean/);
  assert.doesNotMatch(error.reason ?? '', /Did you mean/);
});
