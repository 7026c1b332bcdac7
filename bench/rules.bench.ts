// npm run bench:rules - prints medians:
//   1. parse (cold) all rules of the sample export (../shared/samples/...) or, when absent, of
//      the built-in set: XML read + compile of every expression, in a fresh process state;
//   2. compile the built-in rule set (62 rules, 393 expressions);
//   3. evaluate the full inbound + outbound user rule set for one object (target <= 2 ms).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { loadServerConfiguration, parseSyncRule } from '../src/app/config/server-configuration';
import type { ConfigProblem } from '../src/app/config/problems';
import { builtinRuleDefinitions, createRuleSet, BUILTIN_ENTRA_CONNECTOR } from '../src/engine/rules';

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

  // 3. One user through every inbound and outbound user rule, in a node process of its own
  // running the code bundled as shipped (see bench/support/rules-user.ts).
  const dir = mkdtempSync(path.join(tmpdir(), 'sos-bench-rules-'));
  try {
    const bundle = path.join(dir, 'rules-user.js');
    buildSync({ entryPoints: [path.join(__dirname, 'support/rules-user.ts')], bundle: true, platform: 'node', target: 'node20', outfile: bundle, logLevel: 'warning' });
    process.stdout.write(execFileSync(process.execPath, [bundle], { encoding: 'utf8' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
