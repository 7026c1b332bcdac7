// Batch refusals on the CLI (dist/cli.js against the bundled LDIF snapshot and the Graph
// emulator): bad input in a batch is exit 2 with a named error and changes nothing. A filter the
// tool cannot evaluate, a search base the directory does not have, a proposed what-if
// configuration that cannot be used (another tenant, a server-configuration export that is not
// one, an LDIF snapshot that is missing or is not LDIF) leave no state folder and no report
// folder they did not find; the proposed configuration, its files read, is refused before the
// directory is searched, and a file it names is not quoted back.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../graph-emulator';
import { writeSnapshotConfiguration } from './harness';
import { runCli } from './cli-process';

const sales = 'OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com';

describe('batch refusals on the CLI: exit 2, nothing written', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let root: string;

  before(async () => {
    emulator = await startEmulator();
    root = await mkdtemp(path.join(tmpdir(), 'sos-batch-refusals-'));
  });
  after(async () => {
    await emulator?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** A fresh folder with the snapshot configuration (stateDir "state", reportDir "reports"), optionally changed. */
  const world = async (patch: (c: Record<string, any>) => void = () => {}) => {
    const dir = await mkdtemp(path.join(root, 'case-'));
    const file = await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET');
    const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, any>;
    patch(config);
    await writeFile(file, JSON.stringify(config, null, 2));
    /** A proposed configuration next to it: the current one, changed. */
    const proposed = async (name: string, change: (c: Record<string, any>) => void) => {
      const copy = structuredClone(config);
      change(copy);
      const at = path.join(dir, name);
      await writeFile(at, JSON.stringify(copy, null, 2));
      return at;
    };
    return { dir, file, proposed };
  };

  const run = (dir: string, args: string[]) => runCli(args, { cwd: dir, env: { SOS_CLIENT_SECRET: emulator.clientSecret }, timeout: 60_000 });

  /** Runs the batch and checks the refusal: exit 2, the named error, no result, no state or report folder. */
  const expectRefused = async (w: { dir: string; file: string }, args: string[], error: RegExp, folders = ['state', 'reports']) => {
    const r = await run(w.dir, ['--config', w.file, ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, error);
    assert.match(r.stderr, /Recommended action: \S/);
    assert.doesNotMatch(r.stderr, /unexpected error/i);
    assert.equal(r.stdout, '', 'no result: nothing ran');
    for (const folder of folders) assert.equal(existsSync(path.join(w.dir, folder)), false, `no ${folder} folder was left: ${readdirSync(w.dir).join(', ')}`);
    return r;
  };

  test('an LDAP filter the tool cannot evaluate: InvalidLdapFilter, exit 2, no state or report folder', async () => {
    await expectRefused(await world(), ['--search-base', sales, '--ldap-filter', '(|(cn=a)(foo:1.2.3:=x))'], /^InvalidLdapFilter: /m);
  });

  test('a search base the directory does not have: SearchBaseNotFound, exit 2, no state or report folder', async () => {
    await expectRefused(await world(), ['--search-base', 'OU=Nope,DC=corp,DC=contoso,DC=com'], /^SearchBaseNotFound: .*OU=Nope/m);
  });

  test('folders made for a refused batch are removed with their missing parents; folders that were there stay', async () => {
    const nested = await world((c) => { c.stateDir = 'out/state'; c.reportDir = 'out/reports'; });
    await expectRefused(nested, ['--search-base', 'OU=Nope,DC=corp,DC=contoso,DC=com'], /^SearchBaseNotFound: /m, ['out']);
    // A state folder that holds the state of earlier runs and an empty report folder were found: both stay, untouched.
    const found = await world();
    await mkdir(path.join(found.dir, 'state'));
    await writeFile(path.join(found.dir, 'state', 'kept.json'), '{}');
    await mkdir(path.join(found.dir, 'reports'));
    await expectRefused(found, ['--search-base', 'OU=Nope,DC=corp,DC=contoso,DC=com'], /^SearchBaseNotFound: /m, []);
    assert.deepEqual(readdirSync(path.join(found.dir, 'state')), ['kept.json']);
    assert.deepEqual(readdirSync(path.join(found.dir, 'reports')), []);
  });

  test('an input file that does not exist: BatchInputUnreadable, exit 2, no state or report folder', async () => {
    await expectRefused(await world(), ['--input', 'nonexistent.txt'], /^BatchInputUnreadable: /m);
  });

  test('--what-if-config that would connect elsewhere: WhatIfConfigurationInvalid before the search, no state or report folder', async () => {
    const w = await world();
    const proposed = await w.proposed('other-tenant.json', (c) => { c.entra.tenantId = '11111111-2222-3333-4444-555555555555'; });
    const r = await expectRefused(w, ['--search-base', sales, '--what-if-config', proposed], /^WhatIfConfigurationInvalid: .*tenantId/m);
    assert.doesNotMatch(r.stderr, /^Batch: /m, 'refused before the scope was searched');
  });

  test('--what-if-config whose server-configuration export is not one: WhatIfConfigurationInvalid before the search, nothing written', async () => {
    const w = await world();
    await mkdir(path.join(w.dir, 'not-an-export'));
    const proposed = await w.proposed('bad-export.json', (c) => { c.rules = { serverConfiguration: 'not-an-export' }; });
    const r = await expectRefused(w, ['--search-base', sales, '--what-if-config', proposed], /^WhatIfConfigurationInvalid: .*bad-export\.json/m);
    assert.doesNotMatch(r.stderr, /^Batch: /m, 'refused before the scope was searched');
  });

  test('--what-if-config whose LDIF snapshot is missing: WhatIfConfigurationInvalid before the search, nothing written', async () => {
    const w = await world();
    const proposed = await w.proposed('missing-ldif.json', (c) => { c.activeDirectory[0].ldifFile = 'missing.ldif'; });
    const r = await expectRefused(w, ['--search-base', sales, '--what-if-config', proposed], /^WhatIfConfigurationInvalid: .*missing\.ldif/m);
    assert.doesNotMatch(r.stderr, /^Batch: /m, 'refused before the scope was searched');
  });

  test('--what-if-config whose LDIF snapshot is another file: refused before the search, without quoting the file', async () => {
    const w = await world();
    // Any file on the machine, as /etc/passwd would be: its first line must not come back on stderr.
    await writeFile(path.join(w.dir, 'private.txt'), 'sekrit-name:x:0:0:the-private-value:/root:/bin/bash\n');
    const proposed = await w.proposed('other-file.json', (c) => { c.activeDirectory[0].ldifFile = 'private.txt'; });
    // Another snapshot is another directory: refused as such, its content not echoed.
    const r = await expectRefused(w, ['--search-base', sales, '--what-if-config', proposed], /^WhatIfConfigurationInvalid: .*reads another directory: the LDIF snapshot .*private\.txt/m);
    assert.doesNotMatch(r.stderr, /object\(s\) from/, 'refused before the scope was searched');
    assert.doesNotMatch(r.stderr, /sekrit|the-private-value|bin\/bash/, 'the file\'s content is not echoed');
  });

  test('--what-if-config that can be used: compared, one report in the report folder, the proposed file\'s report folder untouched', async () => {
    const w = await world();
    const proposed = await w.proposed('exclude-sales.json', (c) => {
      c.activeDirectory[0].partitions[0].exclusions = [sales];
      c.reportDir = 'proposed-reports';
    });
    const r = await run(w.dir, ['--config', w.file, '--search-base', sales, '--what-if-config', proposed]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.match(r.stderr, /^Batch: \d+ object\(s\) from /m);
    assert.match(r.stderr, /^What-if: \d+ object\(s\) compared/m);
    const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { dn: string; outcome: string });
    assert.ok(lines.length > 0 && lines.every((l) => l.dn.endsWith(sales)), r.stdout);
    const batches = readdirSync(path.join(w.dir, 'reports')).filter((n) => n.startsWith('ADSyncBatchSyncResult-'));
    assert.equal(batches.length, 1);
    assert.ok(existsSync(path.join(w.dir, 'reports', batches[0]!, 'index.htm')));
    assert.equal(existsSync(path.join(w.dir, 'proposed-reports')), false, 'the proposed configuration\'s reportDir is not made');
  });
});
