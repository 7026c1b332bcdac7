// A batch writes each object's report into objects/ of a new batch folder. A file or symbolic
// link already standing at a report's name (planted, or left there) is never written through:
// the report is not written (a named report failure), and the file it points at is unchanged.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { objectResult } from '../../../../src/app/batch/object-result';
import type { ProvisioningObjectSummary } from '../../../../src/engine/summary/types';

const summary = JSON.parse(readFileSync(path.resolve(__dirname, '../../../fixtures/summaries/create-success.json'), 'utf8')) as ProvisioningObjectSummary;

test('an object report never follows a symbolic link planted at its name', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sos-object-report-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const objects = path.join(dir, 'objects');
  await mkdir(objects);
  const victim = path.join(dir, 'victim.txt');
  await writeFile(victim, 'precious');
  await symlink(victim, path.join(objects, '00007.htm'));
  const options = { toolVersion: 'test', objectReportDir: objects, configuredRedactions: [] };
  const planted = await objectResult(7, 'CN=A,DC=corp', summary, options);
  assert.equal(await readFile(victim, 'utf8'), 'precious', 'the file the link points at is unchanged');
  assert.equal(planted.reportFailure?.code, 'ReportFolderNotWritable');
  assert.equal(planted.row.reportHref, undefined, 'no link to a report that was not written');
  // Another object's report is written as usual.
  const written = await objectResult(8, 'CN=B,DC=corp', summary, options);
  assert.equal(written.reportFailure, undefined);
  assert.equal(written.row.reportHref, 'objects/00008.htm');
  assert.match(await readFile(path.join(objects, '00008.htm'), 'utf8'), /^<!DOCTYPE html>/);
});
