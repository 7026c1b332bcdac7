// One user through every inbound and outbound built-in user rule, timed: the median of 1,000
// evaluations after 200 to warm up. Run bundled as shipped (bench:rules bundles this file with
// esbuild): under tsx every function is wrapped to keep its name, which made the same code 2 to
// 4 times slower and the figure meaningless.
import { builtinRuleDefinitions, createRuleSet, evaluateInbound, evaluateOutbound, BUILTIN_ENTRA_CONNECTOR, type EvaluationContext } from '../../src/engine/rules';
import type { Attributes } from '../../src/engine/model/attributes';
import { entriesOf } from '../../src/engine/model/records';

const ruleSet = createRuleSet('builtin', builtinRuleDefinitions(), { entraConnector: BUILTIN_ENTRA_CONNECTOR });
const context: EvaluationContext = { parameters: { 'Domain.FQDN': 'corp.contoso.com', 'Domain.Netbios': 'CORP', 'Forest.FQDN': 'corp.contoso.com', 'Forest.Netbios': 'CORP', 'Connector.ID': '{AE4DB4CC}' } };
const attributes: Attributes = {
  objectClass: ['top', 'person', 'organizationalPerson', 'user'], cn: ['Jane Doe'], sAMAccountName: ['jdoe'], userPrincipalName: ['jane.doe@contoso.com'],
  userAccountControl: ['512'], objectGUID: [Uint8Array.from(Buffer.from('00112233445566778899aabbccddeeff', 'hex'))], 'mS-DS-ConsistencyGuid': [Uint8Array.from(Buffer.from('ffeeddccbbaa99887766554433221100', 'hex'))],
  objectSid: [Uint8Array.from([1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xe8, 3, 0, 0])], givenName: ['Jane'], sn: ['Doe'], displayName: ['Jane Doe'],
  mail: ['jane.doe@contoso.com'], mailNickname: ['jane.doe'], proxyAddresses: ['SMTP:jane.doe@contoso.com', 'smtp:jdoe@contoso.com'], pwdLastSet: ['133500000000000000'],
  department: ['Sales'], title: ['Rep'], telephoneNumber: ['+1 555 0100'], msExchRecipientTypeDetails: ['1'], legacyExchangeDN: ['/o=Contoso/ou=Exchange/cn=Recipients/cn=jdoe'],
};
const cs = { dn: 'CN=Jane Doe,OU=Users,DC=corp,DC=contoso,DC=com', objectType: 'user', attributes };

/** Inbound to the metaverse, then outbound to Entra ID, as step 9 does. */
function once() {
  const inbound = evaluateInbound(ruleSet, 'corp.contoso.com', cs, context);
  const mv: Attributes = {};
  for (const [name, flow] of entriesOf(inbound.attributes)) if (flow.values?.length) mv[name] = flow.values;
  return { inbound, outbound: evaluateOutbound(ruleSet, { objectType: 'person', attributes: mv }, context) };
}

for (let i = 0; i < 200; i++) once();
const runs: number[] = [];
for (let i = 0; i < 1000; i++) {
  const t = performance.now();
  once();
  runs.push(performance.now() - t);
}
runs.sort((a, b) => a - b);
const m = (runs[499]! + runs[500]!) / 2;
const sample = once();
console.log(
  `user inbound+outbound (bundled, as shipped): ${sample.inbound.appliedRules.length} inbound + ${sample.outbound.appliedRules.length} outbound rules applied, ` +
    `${Object.keys(sample.inbound.attributes).length} MV + ${Object.keys(sample.outbound.attributes).length} AAD attributes: median per object ${m.toFixed(3)} ms (target <= 2 ms: ${m <= 2 ? 'met' : 'NOT met'})`,
);
