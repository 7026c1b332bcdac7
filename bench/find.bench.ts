// npm run bench:find - Find Object against the local Samba AD DC: a prefix typed into the quick
// pick, searched below the 5,000-user OU (anr plus exact UPN / mail / sAMAccountName, first page
// of 50), and the same over the LDIF snapshot in memory. Prints medians; no assertions.
// Target (issue 15): results for a prefix in the 5,000-user OU <= 300 ms.
import { LdapDirectorySource } from '../src/adapters/ad';
import { findInSnapshot } from '../src/adapters/ad/ldif/find';
import type { DirectoryObject } from '../src/engine/model/directory-object';
import { Dn } from '../src/engine/model/dn';
import { fx, ldapsOptions, releaseSamba } from '../test/integration/adapters/ad/samba-env';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (n: number): string => `${n.toFixed(1)} ms`;

async function main(): Promise<void> {
  const options = await ldapsOptions();
  const bulk = Dn.parse(fx('OU=Bulk'));
  const source = new LdapDirectorySource(options);
  await source.connect();
  const rows: [string, string][] = [];
  for (const prefix of ['bulk04', 'bulk049', 'bulk04999@contoso.com']) {
    const times: number[] = [];
    let count = 0;
    for (let k = 0; k < 15; k++) {
      const t0 = performance.now();
      count = (await source.findObjects(prefix, { base: bulk, limit: 50 })).length;
      times.push(performance.now() - t0);
    }
    rows.push([`LDAP find "${prefix}" below OU=Bulk (15 runs, ${count} results)`, `median ${ms(median(times))} (target <= 300 ms)`]);
  }
  // The same search over 5,000 objects held in memory (an LDIF source).
  const objects: DirectoryObject[] = [];
  for await (const object of source.searchObjects({ base: bulk, scope: 'one', objectClasses: ['user'] })) objects.push(object);
  const indexed = objects.map((object) => ({ object, dn: Dn.parse(object.dn) }));
  const times: number[] = [];
  let count = 0;
  for (let k = 0; k < 15; k++) {
    const t0 = performance.now();
    count = findInSnapshot(indexed, 'bulk04', { base: bulk, limit: 50 }).length;
    times.push(performance.now() - t0);
  }
  rows.push([`snapshot find "bulk04" over ${objects.length} objects (15 runs, ${count} results)`, `median ${ms(median(times))}`]);
  await source.close();
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`Find Object benchmark - ${options.url} (Samba), Node ${process.version}`);
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
}

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
