// Exports the named fixtures of the live Samba test domain to test/fixtures/contoso-snapshot.ldif
// (the LDIF snapshot used by the demo and by the LDIF source tests):
//   npx tsx test/ad/export-snapshot.ts        (Samba running: node test/setup/samba.mjs start)
// Holds: a RootDSE record (dn: ""), the domain's crossRef, the domain object, CN=Users with
// Administrator, and the whole OU=Contoso tree except the 5,000 users under OU=Bulk.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { LdapDirectorySource, rootDseEntry, toLdif } from '../../src/adapters/ad';
import type { DirectoryObject } from '../../src/engine/model/directory-object';
import { ldapsOptions, releaseSamba } from '../integration/adapters/ad/samba-env';
import { Dn } from '../../src/engine/model/dn';

const base = 'DC=corp,DC=contoso,DC=com';

async function main(): Promise<void> {
  const source = new LdapDirectorySource(await ldapsOptions());
  const objects: DirectoryObject[] = [];
  const read = async (dn: string): Promise<void> => {
    const r = await source.readObject(Dn.parse(dn));
    if (r.status !== 'found') throw new Error(`${dn}: ${r.status}`);
    objects.push(r.object);
  };
  const walk = async (dn: string): Promise<void> => {
    await read(dn);
    if (/^OU=Bulk,/i.test(dn)) return;
    let continuation: string | undefined;
    do {
      const page = await source.listChildren(Dn.parse(dn), { pageSize: 200, ...(continuation ? { continuation } : {}) });
      for (const child of page.children) {
        if (child.isContainer) await walk(child.dn.toString());
        else await read(child.dn.toString());
      }
      continuation = page.continuation;
    } while (continuation);
  };
  try {
    const dse = await source.rootDse();
    const rootDse = rootDseEntry(dse);
    await read(`CN=CORP,CN=Partitions,${dse.configurationNamingContext}`);
    await read(base);
    await read(`CN=Users,${base}`);
    await read(`CN=Administrator,CN=Users,${base}`);
    await walk(`OU=Contoso,${base}`);
    const out = path.join(__dirname, '..', 'fixtures', 'contoso-snapshot.ldif');
    writeFileSync(out, toLdif([rootDse, ...objects], [
      'Snapshot of the Samba test domain CORP.CONTOSO.COM (test/ad/FIXTURES.md), for the demo and',
      'the LDIF source tests. Written by test/ad/export-snapshot.ts; objectGUID/objectSid are the',
      'values of the Samba the snapshot was taken from.',
    ]));
    console.log(`wrote ${objects.length + 1} records to ${out}`);
  } finally {
    await source.close();
  }
}

main().then(
  () => releaseSamba(),
  async (err: unknown) => {
    console.error(err);
    await releaseSamba();
    process.exit(1);
  },
);
