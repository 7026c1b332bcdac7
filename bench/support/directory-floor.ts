// What the directory alone takes to serve a batch's scope: the same one-level search, filter and
// attributes as the CLI, read by ldapsearch (a C client that only writes the entries out), on one
// connection and in two even halves at once (as the CLI splits it). The time the DC needs on this
// machine's cores whatever the client does: the floor of an end-to-end figure.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { scopeFilter } from '../../src/adapters/ad/ldap/filters';
import { READ_ATTRIBUTES } from '../../src/adapters/ad/ldap/reads';

const run = promisify(execFile);

export interface DirectoryEnv {
  SOS_AD_URL: string;
  SOS_AD_CA_FILE: string;
  SOS_AD_BIND_DN: string;
  SOS_AD_PASSWORD: string;
}

/** `objectClasses`: the connector's object types, which the CLI's scope filter is made of. */
export async function directoryFloor(env: DirectoryEnv, base: string, objectClasses: readonly string[]): Promise<string> {
  // The password goes to ldapsearch in a file (-y), never on its command line.
  const dir = mkdtempSync(path.join(tmpdir(), 'sos-floor-'));
  const passwordFile = path.join(dir, 'password');
  writeFileSync(passwordFile, env.SOS_AD_PASSWORD, { mode: 0o600 });
  // The test DC's certificate names DC1.corp.contoso.com and is reached at 127.0.0.1: ldapsearch has
  // no way to check it under that name, so it does not check it (the local throw-away domain only).
  const childEnv = { ...process.env, LDAPTLS_CACERT: env.SOS_AD_CA_FILE, LDAPTLS_REQCERT: 'allow' };
  const search = async (filter: string, attributes: string[]): Promise<{ seconds: number; entries: number; text: string }> => {
    const t0 = performance.now();
    const { stdout } = await run('ldapsearch', ['-LLL', '-o', 'ldif-wrap=no', '-H', env.SOS_AD_URL, '-D', env.SOS_AD_BIND_DN, '-y', passwordFile, '-b', base, '-s', 'one', '-E', 'pr=1000/noprompt', filter, ...attributes], { env: childEnv, maxBuffer: 1 << 30 });
    // "dn:: " is a DN that is not ASCII, in base64.
    return { seconds: (performance.now() - t0) / 1000, entries: stdout.match(/^dn::? /gm)?.length ?? 0, text: stdout };
  };
  try {
    const classes = scopeFilter(objectClasses).toString();
    const usns = (await search(classes, ['uSNCreated'])).text.match(/^uSNCreated: (\d+)$/gm)?.map((line) => Number(line.slice(12))).sort((a, b) => a - b) ?? [];
    const mid = usns[Math.floor(usns.length / 2) - 1] ?? 0;
    const whole: number[] = [];
    const halves: number[] = [];
    let entries = 0;
    for (let i = 0; i < 3; i++) {
      const one = await search(classes, READ_ATTRIBUTES);
      whole.push(one.seconds);
      entries = one.entries;
      const t0 = performance.now();
      const both = await Promise.all([search(`(&(uSNCreated<=${mid})${classes})`, READ_ATTRIBUTES), search(`(&(!(uSNCreated<=${mid}))${classes})`, READ_ATTRIBUTES)]);
      halves.push((performance.now() - t0) / 1000);
      if (both[0].entries + both[1].entries !== entries) throw new Error(`the halves gave ${both[0].entries} + ${both[1].entries} entries, the whole ${entries}`);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!.toFixed(2);
    return `the directory alone (ldapsearch, the CLI's filter and attributes, ${entries} entries): ${median(whole)} s on one connection, ${median(halves)} s in two halves at once (medians of 3)`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
