// Distinguished names with many RDNs (issue 12: a DN of 5,000 RDNs took 29 s). Prints the
// median time of Dn.parse, the ancestor walk of a not-found read (LdifDirectorySource, which
// looks for the closest existing ancestor as LDAP's matchedDN) and the container test, for
// 1,000 / 2,000 / 5,000 RDNs, and the 5,000/1,000 ratio (5 = linear, 25 = quadratic).
//   npx tsx bench/dn.bench.ts
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LdifDirectorySource } from '../src/adapters/ad/ldif/ldif-source';
import { Dn } from '../src/engine/model/dn';

const base = 'DC=corp,DC=contoso,DC=com';
const deepDn = (rdns: number) => `${Array.from({ length: rdns - 3 }, (_, k) => `OU=Level ${k}`).join(',')},${base}`;
const snapshot = readFileSync(path.resolve(__dirname, '../test/fixtures/contoso-snapshot.ldif'), 'utf8');

async function median(fn: () => unknown, runs: number): Promise<number> {
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function main(): Promise<void> {
  const source = new LdifDirectorySource({ text: snapshot, name: 'contoso-snapshot.ldif' });
  await source.rootDse();
  const sizes = [1_000, 2_000, 5_000];
  const rows: Record<string, number[]> = { 'Dn.parse': [], 'Dn.key': [], 'isWithin (container)': [], 'readObject not found (ancestor walk)': [] };
  const container = Dn.parse(`OU=Sales,${base}`);
  for (const n of sizes) {
    const dn = deepDn(n);
    const runs = n >= 5_000 ? 3 : 5;
    const parsed = Dn.parse(dn);
    rows['Dn.parse']!.push(await median(() => Dn.parse(dn), runs));
    rows['Dn.key']!.push(await median(() => Dn.parse(dn).key, runs));
    rows['isWithin (container)']!.push(await median(() => parsed.isWithin(container), runs));
    rows['readObject not found (ancestor walk)']!.push(await median(() => source.readObject(parsed), runs));
  }
  console.log(`DN operations, median ms (node ${process.version})`);
  console.log(['operation'.padEnd(40), ...sizes.map((n) => `${n} RDNs`.padStart(12)), 'ratio 5000/1000'.padStart(17)].join(''));
  for (const [name, values] of Object.entries(rows)) {
    console.log([name.padEnd(40), ...values.map((v) => v.toFixed(1).padStart(12)), (values[2]! / values[0]!).toFixed(1).padStart(17)].join(''));
  }
}

void main();
