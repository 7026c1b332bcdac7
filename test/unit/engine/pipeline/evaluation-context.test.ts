// The context a sync rule is evaluated in: ISMEMBEROF compares the group DN of a rule's clause
// with the object's memberOf as distinguished names (RFC 4514: case, spaces around the RDN
// separators and escaping do not make another DN), as the group-filtering step does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluationContext } from '../../../../src/engine/pipeline/sync-step';
import type { SyncFacts } from '../../../../src/engine/pipeline/context';

const facts = (memberOf: string[]) => ({
  connector: { name: 'corp.contoso.com' },
  partition: { dn: 'DC=corp,DC=contoso,DC=com' },
  adAttributes: { memberOf },
}) as unknown as SyncFacts;

test('ISMEMBEROF: the same DN spelled with other case, spaces after commas or hex escapes is the same group', () => {
  const ctx = evaluationContext(facts(['CN=All Staff,OU=Groups,DC=corp,DC=contoso,DC=com', 'CN=Smith\\, John,OU=Groups,DC=corp,DC=contoso,DC=com']), new Date());
  assert.equal(ctx.isMemberOf?.('CN=All Staff,OU=Groups,DC=corp,DC=contoso,DC=com'), true);
  assert.equal(ctx.isMemberOf?.('cn=all staff, ou=Groups, dc=corp, dc=contoso, dc=com'), true);
  assert.equal(ctx.isMemberOf?.('CN=Smith\\2C John,OU=Groups,DC=corp,DC=contoso,DC=com'), true);
  assert.equal(ctx.isMemberOf?.('CN=All Staff,OU=Other,DC=corp,DC=contoso,DC=com'), false);
  assert.equal(ctx.isMemberOf?.('CN=All Staff'), false);
});

test('ISMEMBEROF: a clause value that is not a DN is compared as text and matches nothing else', () => {
  const ctx = evaluationContext(facts(['CN=All Staff,OU=Groups,DC=corp,DC=contoso,DC=com']), new Date());
  assert.equal(ctx.isMemberOf?.('not a dn'), false);
  assert.equal(evaluationContext(facts([]), new Date()).isMemberOf?.('CN=All Staff,OU=Groups,DC=corp,DC=contoso,DC=com'), false);
});
