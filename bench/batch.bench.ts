// npm run bench:batch: a staging batch over OU=Bulk (5,000 users) in the live Samba AD against
// the Graph emulator, in one process, versus one CLI process per object (`-- --cli-only`: the
// CLI runs alone). Prints figures (objects/s, resident memory, Graph and LDAP requests);
// asserts nothing.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Dn } from '../src/engine/model/dn';
import { cpuBreakdown, cpuReference, metadataLatency, pacing, parallelCapacity, phaseTimes, runCli } from './support/cli-run';
import { directoryFloor } from './support/directory-floor';

const root = path.resolve(__dirname, '..');

async function main(): Promise<void> {
  const samba = await import(pathToFileURL(path.join(root, 'test/setup/samba.mjs')).href);
  const handle = await samba.start({ root, stateDir: path.join(root, 'test/.state') });
  Object.assign(process.env, handle.env);
  const { openWorld, ou, connectorConfig } = await import('../test/e2e/harness');
  const world = await openWorld();
  try {
    const base = ou('OU=Bulk');
    const env = { ...process.env, SOS_E2E_CLIENT_SECRET: world.emulator.clientSecret };
    const configPath = path.join(world.dir, 'single-object-sync.json');

    // --cli-only: the CLI runs alone (one process, then two worker threads), for quick A/B runs.
    const cliOnly = process.argv.includes('--cli-only');
    // In process: the session API (prepare = one paged search; run = ten steps per object).
    const requests0 = world.emulator.requestLog().length;
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const prepared = await world.session.prepareBatch({ kind: 'search', base: Dn.parse(base), scope: 'one' });
    const searched = performance.now();
    const pass = cliOnly ? undefined : await world.session.runBatch(prepared, { stagingMode: true, releaseScope: true });
    const seconds = (performance.now() - t0) / 1000;
    if (pass) console.log(`batch staging over OU=Bulk, in process: ${prepared.dns.length} objects in ${seconds.toFixed(1)} s = ${(prepared.dns.length / seconds).toFixed(1)} objects/s ` +
      `(search ${((searched - t0) / 1000).toFixed(2)} s; ${pass.tally.byStatus.failure} failed; tenant ${pass.tenantRead}; Graph requests ${world.emulator.requestLog().length - requests0}; ` +
      `LDAP operations ${pass.ldapOperations}; resident memory +${Math.round((process.memoryUsage().rss - rss0) / 1048576)} MB, ${Math.round(process.memoryUsage().rss / 1048576)} MB total incl. emulator)`);

    // The CLI end to end, one process for the whole OU (no HTML reports: 5,000 files measure the disk).
    console.log(`  before the CLI runs, ${metadataLatency(path.join(world.dir, 'latency'))}; ${cpuReference()}; ${await parallelCapacity()}`);
    const c0 = performance.now();
    const cliRun = await runCli(['--search-base', base, '--scope', 'one', '--no-html-report', '--config', configPath, '--state-dir', path.join(world.dir, 'state-cli')], env);
    const cliSeconds = (performance.now() - c0) / 1000;
    console.log(`batch CLI over OU=Bulk, one process: ${cliRun.lines} objects in ${cliSeconds.toFixed(1)} s = ${(cliRun.lines / cliSeconds).toFixed(1)} objects/s end to end, ` +
      `peak resident memory ${cliRun.peakMb} MB, CPU ${cliRun.cpuSeconds.toFixed(1)} s, main thread ${cliRun.mainThreadCpuSeconds.toFixed(1)} s (exit ${cliRun.status})`);
    console.log(`  the CLI's own ${phaseTimes(cliRun) ?? 'time: (not printed)'}; ${cpuBreakdown(cliRun, cliSeconds)}`);
    console.log(`  ${pacing(cliRun)}`);
    // The same on two worker threads, in this run (the default on two cores is none).
    const w0 = performance.now();
    const workersRun = await runCli(['--search-base', base, '--scope', 'one', '--no-html-report', '--workers', '2', '--config', configPath, '--state-dir', path.join(world.dir, 'state-cli-workers')], env);
    const workersSeconds = (performance.now() - w0) / 1000;
    console.log(`  --workers 2: ${(workersRun.lines / workersSeconds).toFixed(1)} objects/s (${workersSeconds.toFixed(1)} s, ${(cliSeconds / workersSeconds).toFixed(2)} x), peak resident memory ${workersRun.peakMb} MB, CPU ${workersRun.cpuSeconds.toFixed(1)} s; ${phaseTimes(workersRun) ?? ''}; ${cpuBreakdown(workersRun, workersSeconds)}; ${pacing(workersRun)}`);
    // The floor under both: what Samba alone takes to serve the scope on this machine's cores.
    console.log(`  ${await directoryFloor(handle.env, base, connectorConfig().objectTypes ?? []).catch((err: Error) => `the directory alone: not measured (${err.message.split('\n')[0]})`)}`);
    if (cliOnly) return;
    const r0 = performance.now();
    const withReports = await runCli(['--search-base', base, '--scope', 'one', '--config', configPath, '--state-dir', path.join(world.dir, 'state-cli-reports')], env);
    const reportSeconds = (performance.now() - r0) / 1000;
    console.log(`batch CLI over OU=Bulk with the 5,000 object reports and the batch report: ${(withReports.lines / reportSeconds).toFixed(1)} objects/s (${reportSeconds.toFixed(1)} s)`);

    console.log(`  after them, ${metadataLatency(path.join(world.dir, 'latency'))}; ${cpuReference()}; ${await parallelCapacity()}`);
    // Today's way: one CLI process per object, over the first 30 objects.
    const sample = prepared.dns.slice(0, 30).map(String);
    const p0 = performance.now();
    for (const dn of sample) {
      const one = await runCli(['--distinguished-name', dn, '--staging-mode', '--no-html-report', '--config', configPath, '--state-dir', path.join(world.dir, 'state-single')], env);
      if (one.status !== 0) throw new Error(`CLI failed: ${one.stderr}`);
    }
    const perProcess = sample.length / ((performance.now() - p0) / 1000);
    console.log(`one CLI process per object: ${perProcess.toFixed(1)} objects/s (n=${sample.length}); batch CLI is ${(cliRun.lines / cliSeconds / perProcess).toFixed(1)} x faster`);
    await writeFile(path.join(root, 'test/.state/bench-batch.txt'), `${new Date().toISOString()}\n`);
  } finally {
    await world.close();
    if (!process.env.SOS_KEEP_SERVICES) await handle.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
