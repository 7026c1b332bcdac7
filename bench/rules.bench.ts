// npm run bench:rules - prints medians:
//   1. parse (cold) all rules of the sample export (../shared/samples/...) or, when absent, of
//      the built-in set: XML read + compile of every expression, in a fresh process state;
//   2. compile the built-in rule set (62 rules, 393 expressions);
//   3. evaluate the full inbound + outbound user rule set for one object (target <= 2 ms).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { loadServerConfiguration, parseSyncRule } from '../src/app/config/server-configuration';
import type { ConfigProblem } from '../src/app/config/problems';
import { builtinRuleDefinitions, createRuleSet, evaluateInbound, evaluateOutbound, BUILTIN_ENTRA_CONNECTOR, type EvaluationContext } from '../src/engine/rules';
import type { Attributes } from '../src/engine/model/attributes';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

async function main(): Promise<void> {
  const sample = process.env.SOS_SAMPLE_SERVER_CONFIG ?? [path.resolve(__dirname, '../test/fixtures/entra-connect-server-config-contoso'), path.resolve(__dirname, '../../shared/samples/entra-connect-server-config-contoso')].find((p) => existsSync(p)) ?? 'test/fixtures/entra-connect-server-config-contoso';
  const hasSample = existsSync(sample);

  // 1. Cold parse of the 62 rules: XML text already in memory -> rule definitions -> compiled rules.
  if (hasSample) {
    const folder = path.join(sample, 'SynchronizationRules');
    const texts = readdirSync(folder).map((f) => [f, readFileSync(path.join(folder, f), 'utf8')] as const);
    const parseAll = () => {
      const problems: ConfigProblem[] = [];
      const defs = texts.map(([f, xml]) => parseSyncRule(xml, f, problems)!.rule);
      return createRuleSet('serverConfiguration', defs, { entraConnector: 'AAD' });
    };
    let t1 = performance.now();
    const parsed = parseAll();
    const coldRules = performance.now() - t1;
    const ruleRuns: number[] = [];
    for (let i = 0; i < 20; i++) {
      t1 = performance.now();
      parseAll();
      ruleRuns.push(performance.now() - t1);
    }
    console.log(`sample rules: parse ${parsed.rules.length} rule XML files + compile every expression: cold ${fmt(coldRules)}, median of 20 ${fmt(median(ruleRuns))}`);
  }

  // 2. The whole export (connectors of 1.9 MB included): the first load in this process, then the median of later loads.
  if (hasSample) {
    const t0 = performance.now();
    const first = await loadServerConfiguration(sample);
    createRuleSet('serverConfiguration', first.rules, { entraConnector: 'AAD' });
    const cold = performance.now() - t0;
    const runs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      const exported = await loadServerConfiguration(sample);
      createRuleSet('serverConfiguration', exported.rules, { entraConnector: 'AAD' });
      runs.push(performance.now() - t);
    }
    console.log(`sample export: load XML + parse ${first.rules.length} rules: cold ${fmt(cold)}, median of 10 ${fmt(median(runs))}`);
  } else {
    console.log(`sample export not found at ${sample}; skipping the XML figure`);
  }

  const compileRuns: number[] = [];
  let t = performance.now();
  createRuleSet('builtin', builtinRuleDefinitions(), { entraConnector: BUILTIN_ENTRA_CONNECTOR });
  const coldCompile = performance.now() - t;
  for (let i = 0; i < 20; i++) {
    t = performance.now();
    createRuleSet('builtin', builtinRuleDefinitions(), { entraConnector: BUILTIN_ENTRA_CONNECTOR });
    compileRuns.push(performance.now() - t);
  }
  console.log(`built-in rules: compile 62 rules: cold ${fmt(coldCompile)}, median of 20 ${fmt(median(compileRuns))}`);

  // 3. One user through every inbound and outbound user rule.
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
  const once = () => {
    const inbound = evaluateInbound(ruleSet, 'corp.contoso.com', cs, context);
    const mv: Attributes = {};
    for (const [name, flow] of Object.entries(inbound.attributes)) if (flow.values?.length) mv[name] = flow.values;
    return { inbound, outbound: evaluateOutbound(ruleSet, { objectType: 'person', attributes: mv }, context) };
  };
  for (let i = 0; i < 200; i++) once(); // warm-up
  const evalRuns: number[] = [];
  for (let i = 0; i < 1000; i++) {
    t = performance.now();
    once();
    evalRuns.push(performance.now() - t);
  }
  const sampleRun = once();
  const m = median(evalRuns);
  console.log(
    `user inbound+outbound: ${sampleRun.inbound.appliedRules.length} inbound + ${sampleRun.outbound.appliedRules.length} outbound rules applied, ` +
      `${Object.keys(sampleRun.inbound.attributes).length} MV + ${Object.keys(sampleRun.outbound.attributes).length} AAD attributes: median per object ${fmt(m)} (target <= 2 ms: ${m <= 2 ? 'met' : 'NOT met'})`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
