// Flows and scopes of the out-of-box rules, checked against the rule text Microsoft exports
// (reference: entra-connect-single-object-sync.md §3 "Out-of-box sync rules") on objects none of
// the fixtures hold.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinRuleSet, evaluateInbound, evaluateOutbound } from '../../../../src/engine/rules';
import { entraKindOf, objectTypeInScope, structuralClass } from '../../../../src/engine/scope/object-type-scope';
import { context, group, toMetaverse, user } from '../rules/objects';

const rules = builtinRuleSet();
const inbound = (cs: ReturnType<typeof user>) => evaluateInbound(rules, 'corp.contoso.com', cs, context);
const flowed = (cs: ReturnType<typeof user>, name: string) => inbound(cs).attributes[name]?.values;

test('description: "IIF(IsNullOrEmpty([description]),NULL,Left(Trim(Item([description],1)),448))": the first value, trimmed, at most 448 characters; blank is none', () => {
  assert.deepEqual(flowed(user({ description: ['  Sales lead, EMEA  ', 'second value'] }), 'description'), ['Sales lead, EMEA']);
  assert.deepEqual(flowed(user({ description: [`  ${'d'.repeat(500)}`] }), 'description'), ['d'.repeat(448)]);
  assert.deepEqual(flowed(user({ description: ['d'.repeat(448)] }), 'description'), ['d'.repeat(448)]);
  assert.equal(flowed(user({ description: ['   '] }), 'description') ?? null, null);
});

test('info: "Left(Trim([info]),448)"', () => {
  assert.deepEqual(flowed(user({ info: [`${'n'.repeat(449)} `] }), 'info'), ['n'.repeat(448)]);
});

test('proxyAddresses: "RemoveDuplicates(Trim(ImportedValue("proxyAddresses")))": a value repeated with spaces around it flows once', () => {
  assert.deepEqual(flowed(user({ proxyAddresses: ['SMTP:pat@contoso.com', ' SMTP:pat@contoso.com ', 'smtp:p.lee@contoso.com '] }), 'proxyAddresses'), ['SMTP:pat@contoso.com', 'smtp:p.lee@contoso.com']);
});

test('accountEnabled: "IIF(BitAnd([userAccountControl],2)=0,True,False)" whatever the other bits (DONT_EXPIRE_PASSWORD 65536, PASSWD_NOTREQD 32)', () => {
  assert.deepEqual(flowed(user({ userAccountControl: ['66048'] }), 'accountEnabled'), [true]);
  assert.deepEqual(flowed(user({ userAccountControl: ['66050'] }), 'accountEnabled'), [false]);
  assert.deepEqual(flowed(user({ userAccountControl: ['546'] }), 'accountEnabled'), [false]);
  assert.deepEqual(flowed(user({ userAccountControl: ['544'] }), 'accountEnabled'), [true]);
});

test('cloudFiltered: "BitAnd([msExchRecipientTypeDetails],&H21C07000)>0" tests the bits of the mask only, on values wider than 32 bits too', () => {
  // 2^32 + &H1000 (a mask bit): filtered. 2^31 (RemoteUserMailbox), 2^35 (RemoteSharedMailbox): no mask bit.
  assert.deepEqual(flowed(user({ msExchRecipientTypeDetails: ['4294971392'] }), 'cloudFiltered'), [true]);
  for (const remote of ['2147483648', '34359738368']) {
    const result = inbound(user({ msExchRecipientTypeDetails: [remote] }));
    assert.equal(result.attributes.cloudFiltered?.values ?? null, null, remote);
    assert.ok(result.attributes.sourceAnchor?.values?.length, `${remote}: only 2 (a linked mailbox) clears the sourceAnchor`);
  }
});

test('Out to AAD scope "sourceObjectType EQUAL User AND cloudMastered NOTEQUAL True": a cloud-mastered metaverse person is not provisioned', () => {
  const mv = toMetaverse(inbound(user()).attributes);
  assert.equal(evaluateOutbound(rules, { objectType: 'person', attributes: mv }, context).provision, true);
  const mastered = evaluateOutbound(rules, { objectType: 'person', attributes: { ...mv, cloudMastered: [true] } }, context);
  assert.equal(mastered.provision, false);
  assert.deepEqual(mastered.outOfScopeRules.find((r) => r.ruleName === 'Out to AAD - User Join')?.failedClauses.map((c) => [c.attribute, c.operator]), [['cloudMastered', 'NOTEQUAL']]);
});

test('Out to AAD - Group Join: "sourceAnchor ISNOTNULL" in every scope group, and "dn"="CN={"&ConvertToUTF8Hex([sourceAnchor])&"}"', () => {
  const mv = toMetaverse(inbound(group()).attributes);
  const provisioned = evaluateOutbound(rules, { objectType: 'group', attributes: mv }, context);
  assert.equal(provisioned.provision, true);
  const anchor = String(mv.sourceAnchor![0]);
  assert.deepEqual(provisioned.attributes.dn?.values, [`CN={${Buffer.from(anchor, 'utf8').toString('hex').toUpperCase()}}`]);
  const { sourceAnchor: _dropped, ...withoutAnchor } = mv;
  const unanchored = evaluateOutbound(rules, { objectType: 'group', attributes: withoutAnchor }, context);
  assert.equal(unanchored.provision, false);
  const failed = unanchored.outOfScopeRules.find((r) => r.ruleName === 'Out to AAD - Group Join')?.failedClauses ?? [];
  assert.ok(failed.length > 0 && failed.every((c) => c.attribute === 'sourceAnchor' && c.operator === 'ISNOTNULL'), JSON.stringify(failed));
});

test('Object type (troubleshooter): "the *last* objectClass value must be in connector.ObjectInclusionList": an inetOrgPerson is not a user for that check', () => {
  const classes = { objectClass: ['top', 'person', 'organizationalPerson', 'user', 'inetOrgPerson'] };
  assert.equal(structuralClass(classes), 'inetOrgPerson');
  assert.equal(objectTypeInScope(['user', 'group', 'contact'], 'inetOrgPerson'), false);
  assert.equal(objectTypeInScope(['user', 'inetOrgPerson'], 'InetOrgPerson'), true);
  // Once in scope it is synchronized as a user ("users need sourceAnchor + accountEnabled (inetOrgPerson too)").
  assert.equal(entraKindOf('inetOrgPerson'), 'user');
  // A computer derives from user; its last class decides.
  assert.equal(structuralClass({ objectClass: ['top', 'person', 'organizationalPerson', 'user', 'computer'] }), 'computer');
  assert.equal(objectTypeInScope(['user', 'group'], 'computer'), false);
});
