import { Client } from 'ldapts';
import { readFileSync } from 'node:fs';
import { ldapsOptions, releaseSamba } from '/work/wt-h4/test/integration/adapters/ad/samba-env';
import { findFilter } from '/work/wt-h4/src/adapters/ad/ldap/find';
import { readFindQuery } from '/work/wt-h4/src/adapters/ad/find-query';
const o = await ldapsOptions();
const c = new Client({ url: o.url, tlsOptions: { ca: [readFileSync(o.caFile!)], servername: o.serverName } as any });
await c.bind(o.bindDn!, o.password!);
const base = 'OU=Bulk,OU=Contoso,DC=corp,DC=contoso,DC=com';
for (const variant of ['sizeLimit', 'paged']) {
  const t: number[] = [];
  for (let k = 0; k < 7; k++) {
    const t0 = performance.now();
    try {
      if (variant === 'sizeLimit') await c.search(base, { scope: 'sub', filter: findFilter(readFindQuery('bulk04')!), attributes: ['displayName'], sizeLimit: 50 });
      else { const it = c.searchPaginated(base, { scope: 'sub', filter: findFilter(readFindQuery('bulk04')!), attributes: ['displayName'], paged: { pageSize: 50 } }); await it.next(); await it.return(undefined); }
    } catch (e) { if (k === 0) console.log(variant, (e as Error).constructor.name); }
    t.push(performance.now() - t0);
  }
  console.log(variant, t.map((x) => x.toFixed(0)).join(' '));
}
await c.unbind(); await releaseSamba(); process.exit(0);
