// src/adapters/ad/ldap/split-search.ts: where a scope is split in two (only on one domain
// controller), and firstThenSecond: the two halves come out as one sequence, the first half's
// objects then the second's, whichever the server finishes first; stopping early or a failure
// in either half stops both.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { firstThenSecond, splitPoint } from '../../../../src/adapters/ad/ldap/split-search';

/** A half that yields its items after the given delays (ms), recording whether it was stopped. */
function half(items: Array<[string, number]>, log: string[], name: string, failAfter?: number): AsyncGenerator<string> {
  return (async function* () {
    try {
      for (const [i, [item, delay]] of items.entries()) {
        await sleep(delay);
        if (failAfter === i) throw new Error(`${name} failed`);
        log.push(`${name} read ${item}`);
        yield item;
      }
      log.push(`${name} ended`);
    } finally {
      log.push(`${name} closed`);
    }
  })();
}

async function all(source: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe('firstThenSecond', () => {
  it('gives the first half, then the second, when the second ends first', async () => {
    const log: string[] = [];
    // The first half's first object comes only once the second half has ended (or after 5 s, when
    // the halves are read one after the other): no race between timers on a loaded machine.
    let secondEnded!: () => void;
    const ended = new Promise<void>((resolve) => { secondEnded = resolve; });
    const giveUp = new AbortController();
    const first = (async function* () {
      await Promise.race([ended, sleep(5_000, undefined, { signal: giveUp.signal }).catch(() => undefined)]);
      giveUp.abort();
      log.push('A read a1');
      yield 'a1';
      yield 'a2';
    })();
    const second = (async function* () {
      yield* half([['b1', 0], ['b2', 0], ['b3', 0]], log, 'B');
      secondEnded();
    })();
    const out = await all(firstThenSecond(first, second));
    assert.deepEqual(out, ['a1', 'a2', 'b1', 'b2', 'b3']);
    // The second half was read while the first was still coming: at the same time, not after it.
    assert.ok(log.indexOf('B ended') >= 0 && log.indexOf('B ended') < log.indexOf('A read a1'), log.join(', '));
  });

  it('waits for the second half when the first ends first', async () => {
    const log: string[] = [];
    const out = await all(firstThenSecond(half([['a1', 0]], log, 'A'), half([['b1', 10], ['b2', 30]], log, 'B')));
    assert.deepEqual(out, ['a1', 'b1', 'b2']);
  });

  it('gives the same sequence for empty halves', async () => {
    const log: string[] = [];
    assert.deepEqual(await all(firstThenSecond(half([], log, 'A'), half([['b1', 5]], log, 'B'))), ['b1']);
    assert.deepEqual(await all(firstThenSecond(half([['a1', 5]], log, 'A'), half([], log, 'B'))), ['a1']);
    assert.deepEqual(await all(firstThenSecond(half([], log, 'A'), half([], log, 'B'))), []);
  });

  it('stops both halves when the reader stops early', async () => {
    const log: string[] = [];
    const out: string[] = [];
    for await (const item of firstThenSecond(half([['a1', 0], ['a2', 0], ['a3', 0]], log, 'A'), half([['b1', 5], ['b2', 5], ['b3', 5], ['b4', 5]], log, 'B'))) {
      out.push(item);
      if (out.length === 2) break;
    }
    assert.deepEqual(out, ['a1', 'a2']);
    assert.ok(log.includes('A closed') && log.includes('B closed'), log.join(', '));
    assert.ok(!log.includes('B read b4'), `the second half went on after the stop: ${log.join(', ')}`);
  });

  it('fails with the second half\'s failure, even while the first is still being read', async () => {
    const log: string[] = [];
    const out: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const item of firstThenSecond(half([['a1', 0], ['a2', 30], ['a3', 30]], log, 'A'), half([['b1', 0], ['b2', 5]], log, 'B', 1))) out.push(item);
      })(),
      /B failed/,
    );
    assert.ok(out.length < 3, `every item of the first half was given before the failure: ${out.join(', ')}`);
    assert.ok(log.includes('A closed'), log.join(', '));
  });

  it('fails with the first half\'s failure and stops the second', async () => {
    const log: string[] = [];
    await assert.rejects(all(firstThenSecond(half([['a1', 0], ['a2', 5]], log, 'A', 1), half([['b1', 0], ['b2', 50], ['b3', 50]], log, 'B'))), /A failed/);
    assert.ok(log.includes('B closed'), log.join(', '));
    assert.ok(!log.includes('B read b3'), log.join(', '));
  });
});

describe('splitPoint', () => {
  const dc1 = 'CN=NTDS Settings,CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites,CN=Configuration,DC=corp,DC=contoso,DC=com';
  const dc2 = dc1.replace('CN=DC1', 'CN=DC2');

  it('is midway between the base\'s uSNCreated and highestCommittedUSN, both read on one domain controller', () => {
    assert.equal(splitPoint({ baseCreated: 4031, highestCommittedUSN: 9074, firstServer: dc1, secondServer: dc1 }), 6552);
    assert.equal(splitPoint({ baseCreated: 4031, highestCommittedUSN: 9074, firstServer: dc1, secondServer: dc1.toUpperCase() }), 6552);
  });

  it('is none when the second connection reached another domain controller (each numbers its own updates)', () => {
    assert.equal(splitPoint({ baseCreated: 4031, highestCommittedUSN: 9074, firstServer: dc1, secondServer: dc2 }), undefined);
    assert.equal(splitPoint({ baseCreated: 4031, highestCommittedUSN: 9074, firstServer: dc1, secondServer: undefined }), undefined);
    assert.equal(splitPoint({ baseCreated: 4031, highestCommittedUSN: 9074, firstServer: undefined, secondServer: undefined }), undefined);
  });

  it('is none when a number cannot be read or leaves nothing to split', () => {
    assert.equal(splitPoint({ baseCreated: undefined, highestCommittedUSN: 9074, firstServer: dc1, secondServer: dc1 }), undefined);
    assert.equal(splitPoint({ baseCreated: 4031, highestCommittedUSN: undefined, firstServer: dc1, secondServer: dc1 }), undefined);
    assert.equal(splitPoint({ baseCreated: 9073, highestCommittedUSN: 9074, firstServer: dc1, secondServer: dc1 }), undefined);
    assert.equal(splitPoint({ baseCreated: 9080, highestCommittedUSN: 9074, firstServer: dc1, secondServer: dc1 }), undefined);
  });
});
