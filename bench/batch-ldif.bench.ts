// npm run bench:batch-ldif: a staging batch over a generated LDIF snapshot of N users (default
// 50,000) against an emulator tenant that holds half of them (matched by
// anchor, so step 8 joins; the rest are new), in process and through the CLI. Prints objects/s, resident
// memory and the Graph requests of the run; asserts nothing. `-- --count 5000` for a quick run.
import { randomBytes } from 'node:crypto';
import { Dn } from '../src/engine/model/dn';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cpuReference, metadataLatency, parallelCapacity, phaseTimes, runCli } from './support/cli-run';
import { openSession } from '../src/app/session';
import { startEmulator } from '../test/graph-emulator';

const root = path.resolve(__dirname, '..');
const contoso = 'OU=Contoso,DC=corp,DC=contoso,DC=com';
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

/**
 * N users under OU=Scale (an LDIF fragment); for every second one the tenant's twin, and as many
 * cloud-only users again, so the tenant holds N users as issue 14's figure says (half the scope
 * matches one of them, half is new).
 */
function generate(count: number): { ldif: string; tenantUsers: Record<string, unknown>[] } {
  const parts: string[] = [`dn: OU=Scale,${contoso}\nchangetype: add\nobjectClass: top\nobjectClass: organizationalUnit\nou: Scale\nobjectGUID:: ${randomBytes(16).toString('base64')}\n`];
  const tenantUsers: Record<string, unknown>[] = [];
  for (let i = 1; i <= count; i++) {
    const n = String(i).padStart(6, '0');
    const guid = randomBytes(16);
    const sid = Buffer.concat([Buffer.from('010500000000000515000000f0e0f20d29f3cc3ae021c3a4', 'hex'), Buffer.from(Uint32Array.of(100000 + i).buffer)]);
    parts.push([
      `dn: CN=scale${n},OU=Scale,${contoso}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user',
      `cn: scale${n}`, 'givenName: Scale', `sn: ${n}`, `displayName: Scale User ${n}`, `sAMAccountName: scale${n}`, `userPrincipalName: scale${n}@contoso.com`,
      `mail: scale${n}@contoso.com`, `proxyAddresses: SMTP:scale${n}@contoso.com`, 'department: Scale', 'userAccountControl: 512',
      `objectGUID:: ${guid.toString('base64')}`, `objectSid:: ${sid.toString('base64')}`, '',
    ].join('\n'));
    if (i % 2 === 0) {
      tenantUsers.push({
        displayName: `Scale User ${n}`, userPrincipalName: `scale${n}@contoso.com`, mailNickname: `scale${n}`, accountEnabled: true,
        mail: `scale${n}@contoso.com`, onPremisesImmutableId: guid.toString('base64'), department: 'Scale',
      });
    }
  }
  for (let i = 1; tenantUsers.length < count; i++) {
    const n = String(i).padStart(6, '0');
    tenantUsers.push({ displayName: `Cloud User ${n}`, userPrincipalName: `cloud${n}@contoso.com`, mailNickname: `cloud${n}`, accountEnabled: true, mail: `cloud${n}@contoso.com`, department: 'Cloud' });
  }
  return { ldif: parts.join('\n'), tenantUsers };
}

async function main(): Promise<void> {
  const count = arg('count', 50_000);
  const concurrency = arg('concurrency', 8);
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-bench-ldif-'));
  const { ldif, tenantUsers } = generate(count);
  const snapshot = await readFile(path.join(root, 'test/fixtures/contoso-snapshot.ldif'), 'utf8');
  await writeFile(path.join(dir, 'snapshot.ldif'), `${snapshot}\n${ldif}`);
  const emulator = await startEmulator({ seed: { users: tenantUsers } });
  const config = {
    activeDirectory: [{
      name: 'corp.contoso.com', ldifFile: 'snapshot.ldif',
      partitions: [{ dn: 'DC=corp,DC=contoso,DC=com', selected: true, inclusions: ['DC=corp,DC=contoso,DC=com'], exclusions: [] }],
      objectTypes: ['user', 'inetOrgPerson', 'group', 'contact'], groupFilteringGroupDn: null,
    }],
    entra: { tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_BENCH_SECRET', authorityHost: emulator.authorityHost, graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile },
    sourceAnchor: 'objectGUID', rules: 'builtin', stateDir: 'state', reportDir: 'reports',
  };
  const configPath = path.join(dir, 'single-object-sync.json');
  await writeFile(configPath, JSON.stringify(config));
  const session = await openSession({ configPath, secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret } });
  try {
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 100);
    const inProcess = !process.argv.includes('--cli-only');
    const requests0 = emulator.requestLog().length;
    const t0 = performance.now();
    if (inProcess) {
    const prepared = await session.prepareBatch({ kind: 'search', base: Dn.parse(`OU=Scale,${contoso}`), scope: 'one' });
    const t1 = performance.now();
    const pass = await session.runBatch(prepared, { stagingMode: true, ...(process.argv.includes('--concurrency') ? { concurrency } : {}), releaseScope: true });
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    console.log(`LDIF scope of ${prepared.dns.length} users, ${tenantUsers.length} of them in the tenant: ${seconds.toFixed(1)} s = ${(prepared.dns.length / seconds).toFixed(0)} objects/s ` +
      `(read + search ${((t1 - t0) / 1000).toFixed(1)} s; ${JSON.stringify(pass.tally.byAction)}; failed ${pass.tally.byStatus.failure}; tenant ${pass.tenantRead}; ` +
      `Graph requests ${emulator.requestLog().length - requests0}; peak resident memory ${Math.round(peakRss / 1048576)} MB incl. the emulator and its tenant)`);
    }
    // The CLI end to end (the bundle in dist/, as shipped), no HTML reports; with --compare-workers
    // also on one and on two worker threads, in this run (a ratio, not two figures from two runs).
    const variants: Array<{ label: string; args: string[] }> = [{ label: 'the same scope through the CLI, one process', args: [] }];
    if (process.argv.includes('--compare-workers')) variants.push({ label: '  --workers 1', args: ['--workers', '1'] }, { label: '  --workers 2', args: ['--workers', '2'] });
    const rates = new Map<string, number>();
    console.log(`  before the CLI runs, ${metadataLatency(path.join(dir, 'latency'))}; ${cpuReference()}; ${await parallelCapacity()}`);
    for (const [i, variant] of variants.entries()) {
      const c0 = performance.now();
      const cli = await runCli(['--search-base', `OU=Scale,${contoso}`, '--scope', 'one', '--no-html-report', '--config', configPath, '--state-dir', path.join(dir, `state-cli-${i}`), ...variant.args, ...(process.env.BENCH_CLI_ARGS?.split(' ').filter(Boolean) ?? [])], { ...process.env, SOS_BENCH_SECRET: emulator.clientSecret });
      const cliSeconds = (performance.now() - c0) / 1000;
      rates.set(variant.label, cli.lines / cliSeconds);
      console.log(`${variant.label}: ${cli.lines} objects in ${cliSeconds.toFixed(1)} s = ${(cli.lines / cliSeconds).toFixed(0)} objects/s end to end, peak resident memory ${cli.peakMb} MB, CPU ${cli.cpuSeconds.toFixed(1)} s = ${(cli.lines / Math.max(0.01, cli.cpuSeconds)).toFixed(0)} objects per CPU second, main thread CPU ${cli.mainThreadCpuSeconds.toFixed(1)} s, JSON Lines ${(cli.bytes / 1048576).toFixed(0)} MB = ${(cli.bytes / Math.max(1, cli.lines) / 1024).toFixed(1)} KB per object (exit ${cli.status})`);
      const phases = phaseTimes(cli);
      if (phases) console.log(`    the CLI's own ${phases}`);
    }
    console.log(`  after them, ${metadataLatency(path.join(dir, 'latency'))}; ${cpuReference()}; ${await parallelCapacity()}`);
    if (rates.size === 3) console.log(`  two worker threads / the main thread alone: ${(rates.get('  --workers 2')! / rates.get('  --workers 1')!).toFixed(2)} x objects/s`);
  } finally {
    await session.close();
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  // The figures are printed; do not wait for idle keep-alive sockets of the emulator.
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
