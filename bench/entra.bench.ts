// `npm run bench:entra`: token acquisition (first, cached), hard-match lookup, user update,
// the Graph requests each path makes, and the update path under 50 ms injected latency
// (bound: 1.2 x unavoidable requests x 50 ms). Prints figures; asserts nothing.
import type { EntraConfig } from '../src/app/config/model';
import { createEntraTarget, clearTokenCache } from '../src/adapters/entra/index';
import { loadCredential, tokenSourceFor } from '../src/adapters/entra/token-source';
import { startEmulator } from '../test/graph-emulator/index';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

async function main(): Promise<void> {
  const emu = await startEmulator();
  const config: EntraConfig = { tenantId: emu.tenantId, clientId: emu.clientId, authorityHost: emu.authorityHost, graphEndpoint: emu.graphEndpoint, caFile: emu.caFile };
  const runs = 30;
  const rows: [string, string, string][] = [];

  // Token: first acquisition (new application, TLS handshake, token call) and cached.
  const first: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < 10; i++) {
    clearTokenCache();
    const source = tokenSourceFor(config, loadCredential(config, emu.clientSecret));
    first.push(await time(() => source.token()));
    for (let j = 0; j < 3; j++) cached.push(await time(() => source.token()));
  }
  rows.push(['token, first acquisition', fmt(median(first)), '1 token request']);
  rows.push(['token, cached', fmt(median(cached)), '0 requests']);

  const anchor = Buffer.from('bench-anchor-000').toString('base64');
  emu.seed({ users: [{ id: 'bench-user', userPrincipalName: 'bench@contoso.com', displayName: 'Bench', onPremisesImmutableId: anchor }] });
  const target = createEntraTarget(config, emu.clientSecret);
  await target.connect();

  const count = async (fn: () => Promise<unknown>) => {
    const before = target.requests().length;
    await fn();
    return target.requests().length - before;
  };
  const measure = async (label: string, fn: () => Promise<unknown>) => {
    const samples: number[] = [];
    let requests = 0;
    for (let i = 0; i < runs; i++) {
      const before = target.requests().length;
      samples.push(await time(fn));
      requests = target.requests().length - before;
    }
    rows.push([label, fmt(median(samples)), `${requests} Graph request(s)`]);
    return median(samples);
  };
  await measure('connect (read verified domains)', () => target.connect());
  await measure('hard-match lookup (findByImmutableId)', () => target.findByImmutableId('user', anchor));
  let n = 0;
  await measure('user update (PATCH)', () => target.update('user', 'bench-user', { department: `D${n++}` }));
  await measure('value holders (UPN + 2 SMTP addresses)', () =>
    target.findValueHolders({ userPrincipalName: 'bench@contoso.com', smtpAddresses: ['a@contoso.com', 'b@contoso.com'] }));
  const updatePath = async () => {
    const found = await target.findByImmutableId('user', anchor);
    await target.update('user', found!.id, { jobTitle: `T${n++}` });
  };
  const unavoidable = await count(updatePath);
  await measure('update path (hard match + PATCH)', updatePath);

  // Same path with 50 ms added to every request.
  const latency = 50;
  emu.faults({ kind: 'latency', latencyMs: latency, count: -1 });
  const slow: number[] = [];
  for (let i = 0; i < 15; i++) slow.push(await time(updatePath));
  emu.clearFaults();
  const bound = 1.2 * unavoidable * latency;
  rows.push([`update path with ${latency} ms latency per request`, fmt(median(slow)), `${unavoidable} requests; bound ${fmt(bound)}`]);

  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`Entra adapter against the Graph emulator (${runs} runs, medians)`);
  for (const [label, value, note] of rows) console.log(`${label.padEnd(width)}  ${value.padStart(10)}  ${note}`);
  const ratio = median(slow) / (unavoidable * latency);
  console.log(`latency ratio: ${ratio.toFixed(3)} x (${unavoidable} x ${latency} ms) -> ${median(slow) <= bound ? 'within' : 'OVER'} the 1.2 x bound`);
  await target.close();
  await emu.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
