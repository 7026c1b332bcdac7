// Batch options driven the way a careless or hostile user drives them, through the CLI (from
// source, against the bundled LDIF snapshot and the Graph emulator): an empty --search-base (an
// unset variable) is a malformed name, not "(empty) does not exist in (none)"; an --input line
// ending in tabs (a spreadsheet's copy) runs its object, one holding a tab (a table's columns) is
// refused; a --what-if-config that points at another Graph host, or that is an export folder, is
// refused before anything reaches that host. Each refusal: exit 2, a named error with its
// recommended action, no result, no state or report folder.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../../graph-emulator';
import { writeSnapshotConfiguration } from '../../e2e/harness';
import { runCliFromSource } from '../../support/cli-from-source';

const alice = 'CN=Alice Wu,OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com';
const sales = 'OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com';

describe('batch options, adversarially, through the CLI', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  /** Another Graph host: a proposed configuration must not send the credential there. */
  let elsewhere: Awaited<ReturnType<typeof startEmulator>>;
  let root: string;

  before(async () => {
    emulator = await startEmulator();
    elsewhere = await startEmulator();
    root = await mkdtemp(path.join(tmpdir(), 'sos-batch-adversarial-'));
  });
  after(async () => {
    await emulator?.close();
    await elsewhere?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** A fresh folder with the snapshot configuration (stateDir "state", reportDir "reports"). */
  const world = async () => {
    const dir = await mkdtemp(path.join(root, 'case-'));
    const file = await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET');
    return { dir, file };
  };

  const run = (dir: string, args: string[]) => runCliFromSource(dir, args, emulator.clientSecret);

  const expectRefused = async (w: { dir: string; file: string }, args: string[], error: RegExp) => {
    const r = await run(w.dir, ['--config', w.file, ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, error);
    assert.match(r.stderr, /^Recommended action: \S/m);
    assert.doesNotMatch(r.stderr, /unexpected error/i);
    assert.equal(r.stdout, '', 'no result: nothing ran');
    for (const folder of ['state', 'reports']) assert.equal(existsSync(path.join(w.dir, folder)), false, `no ${folder} folder: ${readdirSync(w.dir).join(', ')}`);
    return r;
  };

  test('an empty --search-base (an unset variable): MalformedDistinguishedName, exit 2, nothing written', async () => {
    const r = await expectRefused(await world(), ['--search-base', ''], /^MalformedDistinguishedName: The distinguished name is malformed at character 1: the distinguished name is empty/m);
    assert.doesNotMatch(r.stderr, /\(none\)/);
  });

  test('--search-base naming a user with --scope one: BatchScopeEmpty says the base is itself a user, exit 2; with a subtree it is a batch of that user', async () => {
    const w = await world();
    await expectRefused(w, ['--search-base', alice, '--scope', 'one'], /^BatchScopeEmpty: The batch has no objects: no object of the types .* matches .*; the search base is itself a user, and --scope one lists only what is under it: give its container, or --distinguished-name for this object alone\./m);
    // A subtree search (the base itself included) that matches nothing says nothing of the kind.
    const r = await run(w.dir, ['--config', w.file, '--search-base', alice, '--ldap-filter', '(cn=nobody)', '--no-html-report']);
    assert.equal(r.code, 2, r.stderr);
    assert.doesNotMatch(r.stderr, /itself a user/);
  });

  test('--scope one over an OU whose matching objects are all in its sub-OUs: BatchScopeEmpty names one and says --scope subtree takes them; with nothing deeper it says nothing of the kind', async () => {
    const w = await world();
    await expectRefused(w, ['--search-base', sales, '--scope', 'one', '--ldap-filter', '(cn=Jack Hill)'], /^BatchScopeEmpty: .*matches OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com \(one level, filter \(cn=Jack Hill\)\); there are such objects deeper, in its sub-OUs \(OU=Paris,OU=EMEA,OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com holds one\): --scope subtree takes them too\./m);
    const none = await expectRefused(w, ['--search-base', sales, '--scope', 'one', '--ldap-filter', '(cn=Nobody At All)'], /^BatchScopeEmpty: /m);
    assert.doesNotMatch(none.stderr, /deeper/);
  });

  test('--input lines ending in tabs and spaces (a spreadsheet\'s copy) run their object: exit 0', async () => {
    const w = await world();
    await writeFile(path.join(w.dir, 'dns.txt'), `${alice}\t\t\r\n${alice} \t\n`);
    const r = await run(w.dir, ['--config', w.file, '--input', 'dns.txt', '--no-html-report', '--workers', '1']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1);
    assert.equal((JSON.parse(lines[0]!) as { provisioningStatusInfo: { status: string } }).provisioningStatusInfo.status, 'success');
    assert.match(r.stderr, /synced once: line\(s\) 2\)/);
  });

  test('--input holding a tab inside a line (a table\'s columns): BatchInputUnreadable, exit 2, nothing written', async () => {
    const w = await world();
    await writeFile(path.join(w.dir, 'users.tsv'), `${alice}\tEnabled\n`);
    await expectRefused(w, ['--input', 'users.tsv'], /^BatchInputUnreadable: .*users\.tsv cannot be used: line 1 holds a tab at character 58 .*write the names alone/m);
  });

  test('--what-if-config sending the credential to another Graph host: refused, that host hears nothing, nothing written', async () => {
    const w = await world();
    const config = JSON.parse(await readFile(w.file, 'utf8')) as { entra: Record<string, string> };
    for (const [name, change] of [['graph', { graphEndpoint: elsewhere.graphEndpoint }], ['authority', { authorityHost: elsewhere.authorityHost }]] as const) {
      const proposed = path.join(w.dir, `${name}.json`);
      await writeFile(proposed, JSON.stringify({ ...config, entra: { ...config.entra, ...change } }));
      const field = Object.keys(change)[0]!;
      const r = await expectRefused(w, ['--search-base', sales, '--what-if-config', proposed], new RegExp(`^WhatIfConfigurationInvalid: .*it would connect or sign in differently.*entra\\.${field} is "https://127\\.0\\.0\\.1:\\d+"`, 'm'));
      assert.doesNotMatch(r.stderr, /^Batch: /m, 'refused before the scope was searched');
    }
    assert.deepEqual(elsewhere.requestLog(), [], 'the other host received no request (no token request, no Graph call)');
  });

  test('--what-if-config naming a server-configuration export folder: WhatIfConfigurationInvalid saying how to name it, nothing written', async () => {
    const w = await world();
    const exportFolder = path.join(w.dir, 'export');
    await mkdir(path.join(exportFolder, 'Connectors'), { recursive: true });
    await expectRefused(w, ['--search-base', sales, '--what-if-config', exportFolder], /^WhatIfConfigurationInvalid: .*export cannot be compared with the current one: it is the folder of a Get-ADSyncServerConfiguration export, not a configuration file; copy the current configuration, set "rules": \{"serverConfiguration": /m);
  });

  test('another name of the object where a DN goes (a UPN, a canonical name, DOMAIN\\name on an --input line): said as what it is with the way to its DN, exit 2, nothing written', async () => {
    const w = await world();
    const upn = await expectRefused(w, ['--distinguished-name', 'alice.wu@contoso.com'], /^MalformedDistinguishedName: .*it is a userPrincipalName or a mail address; Get-ADUser -Filter "UserPrincipalName -eq 'alice\.wu@contoso\.com'" \| Select-Object DistinguishedName gives its object's distinguished name\.$/m);
    assert.doesNotMatch(upn.stderr, /expected '='/, 'not the parser\'s character-level complaint');
    await expectRefused(w, ['--search-base', 'corp.contoso.com/Contoso/Sales'], /^MalformedDistinguishedName: .*it is a canonical name .* for example CN=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com /m);
    const input = path.join(w.dir, 'names.txt');
    await writeFile(input, `${alice}\nCORP\\bob.stone\n`);
    await expectRefused(w, ['--input', input], /^BatchInputUnreadable: .*line 2 is not a distinguished name \(.*it is a logon name \(DOMAIN\\sAMAccountName\); Get-ADUser -Identity 'bob\.stone' -Server <a domain controller of CORP>/m);
  });
});
