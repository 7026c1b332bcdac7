// npm run bench:ad - the Active Directory layer against the local Samba AD DC (started or
// reused through test/setup/samba.mjs). Prints medians over repeated runs; no assertions.
// Targets (issue 2): base read <= 5 ms, 5,000-child enumeration <= 1.5 s and <= 50 MB RSS growth.
import { LdapDirectorySource } from '../src/adapters/ad';
import { fx, ldapsOptions, releaseSamba } from '../test/integration/adapters/ad/samba-env';
import { Dn } from '../src/engine/model/dn';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const p95 = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.95))]!;
const ms = (n: number): string => `${n.toFixed(2)} ms`;
const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;
const now = (): number => performance.now();
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

async function timed(runs: number, action: () => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = now();
    await action();
    out.push(now() - t0);
  }
  return out;
}

async function main(): Promise<void> {
  const options = await ldapsOptions();
  const alice = fx('CN=Alice Wu,OU=Sales');
  const bulk = fx('OU=Bulk');
  const rows: Array<[string, string]> = [];

  // Warm-up: TLS session, Samba caches.
  {
    const warm = new LdapDirectorySource(options);
    await warm.readObject(Dn.parse(alice));
    await warm.close();
  }

  const connect = await timed(20, async () => {
    const source = new LdapDirectorySource(options);
    await source.connect();
    await source.close();
  });
  rows.push(['connect + TLS + bind (20 runs)', `median ${ms(median(connect))}, p95 ${ms(p95(connect))}`]);

  const source = new LdapDirectorySource(options);
  await source.connect();
  const reads = await timed(200, async () => {
    const r = await source.readObject(Dn.parse(alice));
    if (r.status !== 'found') throw new Error('Alice Wu not found: seed the fixtures');
  });
  rows.push(['base read, all attributes (200 runs)', `median ${ms(median(reads))}, p95 ${ms(p95(reads))} (target <= 5 ms)`]);

  const big = await timed(20, async () => {
    await source.readObject(Dn.parse(fx('CN=Big Group,OU=Groups')));
  });
  rows.push(['base read of a 2,000-member group (20 runs)', `median ${ms(median(big))}`]);

  const member = await timed(20, async () => {
    await source.isDirectMember(Dn.parse(fx('CN=Big Group,OU=Groups')), Dn.parse(fx('CN=bulk04999,OU=Bulk')));
  });
  rows.push(['isDirectMember, non-member of 2,000 (2 ranged reads, 20 runs)', `median ${ms(median(member))}`]);

  const firstPage = await timed(10, async () => {
    const page = await source.listChildren(Dn.parse(bulk), { pageSize: 500 });
    if (page.children.length !== 500) throw new Error(`page of ${page.children.length}`);
  });
  rows.push(['one page of 500 children (10 runs)', `median ${ms(median(firstPage))}`]);
  await source.close();

  const enumTimes: number[] = [];
  const rssGrowth: number[] = [];
  for (let run = 0; run < 5; run++) {
    gc();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const fresh = new LdapDirectorySource(options);
    await fresh.connect();
    const t0 = now();
    let count = 0;
    let continuation: string | undefined;
    do {
      const page = await fresh.listChildren(Dn.parse(bulk), { pageSize: 500, ...(continuation ? { continuation } : {}) });
      count += page.children.length;
      continuation = page.continuation;
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    } while (continuation);
    enumTimes.push(now() - t0);
    rssGrowth.push(rssPeak - rssBefore);
    await fresh.close();
    if (count !== 5000) throw new Error(`enumerated ${count} children, expected 5,000`);
  }
  rows.push(['enumerate OU=Bulk, 5,000 children in pages of 500 (5 runs)', `median ${ms(median(enumTimes))} (target <= 1,500 ms)`]);
  rows.push(['  RSS growth during enumeration', `median ${mb(median(rssGrowth))}, max ${mb(Math.max(...rssGrowth))} (target <= 50 MB)`]);

  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`AD layer benchmark - ${options.url} (Samba), Node ${process.version}`);
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
}

// Services are left as found: a Samba this benchmark started is stopped again.
main().then(
  async () => {
    await releaseSamba();
    process.exit(0);
  },
  async (err: unknown) => {
    console.error(err);
    await releaseSamba();
    process.exit(1);
  },
);
