// --input files as careless hands make them, and a --what-if-config that is an export folder:
// trailing tabs (a spreadsheet's copy) and a byte-order mark in mid-file (`cat a.txt b.txt`) are
// read as the names they are; a tab inside a line (a table's columns) is refused with how to write
// the names alone, not looked up as another object; an empty file, a file of comments only and a
// named pipe nobody wrote to are each said as such.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { readInputFile } from '../../../../src/app/batch/targets';
import { proposedConfigurationProblem } from '../../../../src/app/batch/proposed-configuration';
import type { SingleObjectSyncConfig } from '../../../../src/app/config/model';
import { isSyncError } from '../../../../src/engine/errors/sync-error';

const alice = 'CN=Alice Wu,OU=Sales,DC=contoso,DC=com';
let dir: string;
before(async () => { dir = await mkdtemp(path.join(tmpdir(), 'sos-targets-')); });
after(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

let n = 0;
async function file(content: string | Buffer): Promise<string> {
  const at = path.join(dir, `input-${++n}.txt`);
  await writeFile(at, content);
  return at;
}

async function refusal(at: string): Promise<{ code: string; reason: string }> {
  try {
    await readInputFile(at);
  } catch (err) {
    assert.ok(isSyncError(err), String(err));
    return { code: err.code, reason: err.reason };
  }
  assert.fail(`${at} was accepted`);
}

test('trailing spaces and tabs are cut off; an escaped trailing space stays', async () => {
  const input = await readInputFile(await file(`${alice}\t\r\n${alice.toUpperCase()} \t \nCN=Bob\\ \t\n`));
  assert.deepEqual(input.dns.map(String), [alice, 'CN=Bob\\ ']);
  assert.deepEqual(input.repeatedLines, [2]);
});

test('a byte-order mark at the start of any line (files joined with cat) is not part of the name', async () => {
  const input = await readInputFile(await file(`\uFEFF${alice}\n\uFEFFCN=Bob,DC=contoso,DC=com\n`));
  assert.deepEqual(input.dns.map(String), [alice, 'CN=Bob,DC=contoso,DC=com']);
});

test('a tab inside a line (columns of a table) is BatchInputUnreadable naming the line and how to write the names', async () => {
  const r = await refusal(await file(`# users\n${alice}\tEnabled\tSales\n`));
  assert.equal(r.code, 'BatchInputUnreadable');
  assert.match(r.reason, /line 2 holds a tab at character 39 \(a column of a table or spreadsheet\?\); write the names alone, .*and write a tab inside a name as \\09/);
});

test("a line that is not a DN names the line and the parser's reason, one sentence (no full stop inside the parentheses)", async () => {
  const r = await refusal(await file(`${alice}\nCN=a,,DC=x\n`));
  assert.equal(r.code, 'BatchInputUnreadable');
  assert.match(r.reason, /line 2 is not a distinguished name \(The distinguished name is malformed at character 6: [^)]*found ','\)\.$/);
});

test('a line that is another name of an object (a UPN from a ticket) says what it is; a table header stays a table, not a sAMAccountName', async () => {
  const upn = await refusal(await file(`${alice}\njane.doe@contoso.com\n`));
  assert.match(upn.reason, /line 2 is not a distinguished name \(.*it is a userPrincipalName or a mail address; Get-ADUser -Filter "UserPrincipalName -eq 'jane\.doe@contoso\.com'"/);
  const header = await refusal(await file(`DistinguishedName\n${alice}\n`));
  assert.match(header.reason, /line 1 is not a distinguished name \(.*\); it looks like a CSV or a table; write the names alone/);
  assert.doesNotMatch(header.reason, /sAMAccountName/, 'a column header is no account name');
});

test('an empty file, a file of comments, and a named pipe nobody wrote to: BatchScopeEmpty, each said as what it is', async () => {
  assert.match((await refusal(await file(''))).reason, /input-\d+\.txt is empty\.$/);
  assert.match((await refusal(await file('\uFEFF\r\n'))).reason, /is empty\.$/);
  const comments = await refusal(await file('# none yet\n\n   \n'));
  assert.equal(comments.code, 'BatchScopeEmpty');
  assert.match(comments.reason, /holds no distinguished name \(only blank lines and # comments\)\.$/);
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  assert.match((await refusal(fifo)).reason, /fifo is empty \(a named pipe nothing was written to\)\.$/);
});

test('--what-if-config naming a server-configuration export folder says to name it in a configuration', async () => {
  const exportFolder = path.join(dir, 'export');
  await mkdir(path.join(exportFolder, 'SynchronizationRules'), { recursive: true });
  const problem = await proposedConfigurationProblem(exportFolder, {} as SingleObjectSyncConfig);
  assert.equal(problem?.code, 'WhatIfConfigurationInvalid');
  assert.match(problem!.reason, /it is the folder of a Get-ADSyncServerConfiguration export, not a configuration file; copy the current configuration, set "rules": \{"serverConfiguration": ".*export"\} in the copy/);
  // Any other folder is the loader's "a folder, not a file".
  const plain = path.join(dir, 'plain');
  await mkdir(plain);
  assert.match((await proposedConfigurationProblem(plain, {} as SingleObjectSyncConfig))!.reason, /ConfigurationIsFolder: .*it is a folder, not a file/);
});
