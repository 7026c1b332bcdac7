// The README's first command: `npm run demo` needs nothing but npm ci. Runs it as a user
// would and checks each object's result line and that every report exists.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '../..');

test('npm run demo: create, update, soft match, conflict and filtered objects, each with a report', () => {
  const run = spawnSync('npm', ['run', '--silent', 'demo'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  const blocks = run.stdout.split('\n\n').filter((b) => b.startsWith('CN='));
  assert.equal(blocks.length, 6, run.stdout);
  const result = (name: string) => blocks.find((b) => b.startsWith(`CN=${name},`))?.match(/result: +(.+)/)?.[1] ?? '';
  assert.match(result('Alice Wu'), /^(success|warning) \(create\)/);
  assert.match(result('Carol Diaz'), /^(success|warning) \(update\)/);
  assert.match(result('Soft Match'), /^(success|warning) \(update\)/);
  assert.match(result('Dup User'), /^failure .*AttributeValueMustBeUnique/);
  assert.match(result('Excluded Person'), /^skipped .*ContainerExcluded/);
  assert.match(result('Dave Kim'), /^skipped .*NotProjectedToMetaverse/);
  for (const block of blocks) {
    const report = block.match(/report: +(.+)/)?.[1];
    assert.ok(report && existsSync(path.join(root, report)), `report of ${block.split('\n')[0]}`);
  }
  assert.match(run.stdout, /Graph writes accepted: 3, refused: 1/);
});
