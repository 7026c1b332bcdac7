// An AD value that would drive a terminal, through the CLI (from source, against the bundled
// LDIF snapshot and the Graph emulator): Alice's title holds C1 controls (U+009B CSI, U+009D
// OSC), ESC, a bidi override and a closing </script>. JSON.stringify escapes U+0000-U+001F
// only; the result on stdout, which is often a terminal, must carry no raw control either, and
// still mean the exact value. The reports show it as escaped text.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../../graph-emulator';
import { writeSnapshotConfiguration } from '../../e2e/harness';
import { runCliFromSource } from '../../support/cli-from-source';

const alice = 'CN=Alice Wu,OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com';
const hostile = 'Mgr\u009b31m\u009d0;owned\u0007\u001b[2J</script><script>alert(1)</script>\u202Eexe';
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('a hostile AD value through the CLI', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let config: string;

  before(async () => {
    emulator = await startEmulator();
    dir = await mkdtemp(path.join(tmpdir(), 'sos-hostile-values-'));
    config = await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET');
    const ldif = path.join(dir, 'snapshot.ldif');
    const text = await readFile(ldif, 'utf8');
    assert.ok(text.includes('title: Account Manager'));
    await writeFile(ldif, text.replace('title: Account Manager', `title:: ${Buffer.from(hostile).toString('base64')}`));
    await writeFile(path.join(dir, 'dns.txt'), `${alice}\n`);
  });
  after(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const run = (args: string[]) => runCliFromSource(dir, ['--config', config, ...args], emulator.clientSecret, 120_000);

  const titleIn = (summary: { provisioningSteps: { attributes?: { name: string; value?: string[] }[] }[] }) =>
    summary.provisioningSteps.flatMap((s) => s.attributes ?? []).find((a) => a.name === 'title')?.value?.[0];

  test('one object: the JSON on stdout has no raw control character and parses back to the exact value', async () => {
    const r = await run(['--distinguished-name', alice, '--staging-mode']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, RAW_CONTROL, 'a raw U+009B on a terminal is CSI');
    assert.match(r.stdout, /Mgr\\u009b31m\\u009d0;owned/);
    assert.equal(titleIn(JSON.parse(r.stdout)), hostile);
    assert.doesNotMatch(r.stderr, RAW_CONTROL);
    const reports = readdirSync(path.join(dir, 'reports')).filter((n) => n.endsWith('.htm'));
    const report = await readFile(path.join(dir, 'reports', reports[0]!), 'utf8');
    assert.doesNotMatch(report, /<script>alert/);
    assert.equal(report.match(/<script\b/g)?.length, 1, 'only the report\'s own script');
    assert.match(report, /Mgr\\u009B31m\\u009D0;owned\\u0007\\u001B\[2J&lt;\/script&gt;/);
  });

  test('a batch: the JSON line on stdout has no raw control character and parses back to the exact value', async () => {
    const r = await run(['--input', 'dns.txt', '--workers', '1']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1);
    assert.doesNotMatch(r.stdout, RAW_CONTROL);
    assert.equal(titleIn(JSON.parse(lines[0]!)), hostile);
    assert.doesNotMatch(r.stderr, RAW_CONTROL);
    const batch = readdirSync(path.join(dir, 'reports')).find((n) => n.startsWith('ADSyncBatchSyncResult-'))!;
    for (const file of ['index.htm', 'objects/00001.htm']) {
      const html = await readFile(path.join(dir, 'reports', batch, file), 'utf8');
      assert.doesNotMatch(html, /<script>alert/, file);
      assert.equal(html.match(/<script\b/g)?.length, 1, `${file}: only its own script`);
    }
  });
});
