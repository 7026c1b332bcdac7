// A batch export of tens of new users and two groups (an LDIF snapshot as AD, the Graph emulator
// as the tenant) against the faults a JSON batch can meet (the reference's section 6: Graph's
// $batch is not atomic, each inner request is committed or refused on its own): a $batch answer
// that is itself malformed or partial, the whole $batch answered 5xx, the connection dropped
// after Graph applied the writes, a uniqueness conflict on one inner request among 20, member
// references Graph says already exist or are already gone, and SIGKILLs at several points. Each
// ends with every user created once, group memberships complete, and a re-run that writes
// nothing again.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type FaultSpec } from '../graph-emulator';
import { jsonLines, runCli, type Run, type RunOptions } from './cli-process';

const contoso = 'OU=Contoso,DC=corp,DC=contoso,DC=com';
const faultsOu = `OU=Faults,${contoso}`;
const count = 30;

type Line = {
  sourceIdentity: { details: { distinguishedName: string } };
  provisioningAction: string;
  provisioningStatusInfo: { status: string; errorInformation: { errorCode: string; reason: string } | null };
};

const name = (i: number) => `fault${String(i).padStart(3, '0')}`;

/** The OU: `count` users (`upn` may give one another's UPN) and two groups, G1 of users 1-25, G2 of users 10-30. */
function ouLdif(upn: (i: number) => string = (i) => `${name(i)}@contoso.com`): string {
  const parts = [`dn: ${faultsOu}\nchangetype: add\nobjectClass: top\nobjectClass: organizationalUnit\nou: Faults\nobjectGUID:: ${randomBytes(16).toString('base64')}\n`];
  for (let i = 1; i <= count; i++) {
    parts.push([
      `dn: CN=${name(i)},${faultsOu}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user',
      `cn: ${name(i)}`, `displayName: Fault User ${i}`, `sAMAccountName: ${name(i)}`, `userPrincipalName: ${upn(i)}`, 'userAccountControl: 512',
      `objectGUID:: ${randomBytes(16).toString('base64')}`, '',
    ].join('\n'));
  }
  for (const [g, from, to] of [['G1', 1, 25], ['G2', 10, 30]] as const) {
    const sid = Buffer.from('AQUAAAAAAAUVAAAA8ODyDSnzzDrgIcOkbSEAAA==', 'base64');
    sid.writeUInt32LE(7000 + from, 24);
    parts.push([
      `dn: CN=Fault ${g},${faultsOu}`, 'changetype: add', 'objectClass: top', 'objectClass: group', `cn: Fault ${g}`, `sAMAccountName: Fault${g}`,
      'groupType: -2147483646', `objectGUID:: ${randomBytes(16).toString('base64')}`, `objectSid:: ${sid.toString('base64')}`,
      ...Array.from({ length: to - from + 1 }, (_, k) => `member: CN=${name(from + k)},${faultsOu}`), '',
    ].join('\n'));
  }
  return parts.join('\n');
}

describe('batch export through JSON batching meets faulty answers', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let root: string;

  before(async () => {
    emulator = await startEmulator();
    root = await mkdtemp(path.join(tmpdir(), 'sos-batch-faults-'));
  });
  after(async () => {
    await emulator?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** A fresh folder with the snapshot plus the OU, the emulator's tenant reset. */
  const world = async (upn?: (i: number) => string) => {
    emulator.reset();
    const dir = await mkdtemp(path.join(root, 'case-'));
    const snapshot = await readFile(path.join(__dirname, '../fixtures/contoso-snapshot.ldif'), 'utf8');
    await writeFile(path.join(dir, 'snapshot.ldif'), `${snapshot}\n${ouLdif(upn)}`);
    await writeFile(path.join(dir, 'single-object-sync.json'), JSON.stringify({
      activeDirectory: [{
        name: 'corp.contoso.com', ldifFile: 'snapshot.ldif',
        partitions: [{ dn: 'DC=corp,DC=contoso,DC=com', selected: true, inclusions: ['DC=corp,DC=contoso,DC=com'], exclusions: [] }],
        objectTypes: ['user', 'group'], groupFilteringGroupDn: null,
      }],
      entra: {
        tenantId: emulator.tenantId, clientId: emulator.clientId, clientSecretEnv: 'SOS_CLIENT_SECRET', authorityHost: emulator.authorityHost,
        graphEndpoint: emulator.graphEndpoint, caFile: emulator.caFile, maxRetryWaitSeconds: 4, requestTimeoutSeconds: 5,
      },
      sourceAnchor: 'objectGUID', rules: 'builtin', stateDir: 'state', reportDir: 'reports',
    }));
    return dir;
  };
  const exportOu = (dir: string) => runCli(['--search-base', faultsOu, '--scope', 'one', '--export', '--no-html-report'], {
    cwd: dir, env: { SOS_CLIENT_SECRET: emulator.clientSecret }, timeout: 120_000,
  });
  const results = (run: Run) => jsonLines<Line>(run.stdout);
  const failures = (run: Run) => results(run).filter((r) => r.provisioningStatusInfo.status === 'failure')
    .map((r) => `${r.sourceIdentity.details.distinguishedName}: ${r.provisioningStatusInfo.errorInformation?.errorCode} ${r.provisioningStatusInfo.errorInformation?.reason}`);

  const ouUsers = () => emulator.state().users.filter((u) => /^fault\d{3}@/.test(String(u.userPrincipalName)) || /^Fault User /.test(String(u.displayName)));
  const ouGroups = () => emulator.state().groups.filter((g) => /^Fault G[12]$/.test(String(g.displayName)));
  const userCreates = () => emulator.writes().filter((w) => w.method === 'POST' && w.path === '/v1.0/users' && w.status === 201);

  /** The tenant a clean run leaves: each user once, each group once with its members. */
  const assertConverged = (label: string) => {
    const users = ouUsers();
    assert.equal(users.length, count, `${label}: every user of the OU exists`);
    assert.equal(new Set(users.map((u) => u.onPremisesImmutableId)).size, count, `${label}: one user per anchor`);
    assert.equal(userCreates().length, count, `${label}: each user was created once`);
    const groups = ouGroups();
    assert.equal(groups.length, 2, `${label}: each group once: ${groups.map((g) => g.displayName).join(', ')}`);
    const memberIds = emulator.state().members;
    const upnOf = new Map(users.map((u) => [u.id, String(u.userPrincipalName)]));
    for (const [g, from, to] of [['G1', 1, 25], ['G2', 10, 30]] as const) {
      const group = groups.find((x) => x.displayName === `Fault ${g}`)!;
      const members = (memberIds[group.id] ?? []).map((id) => upnOf.get(id)?.split('@')[0]).sort();
      const expected = Array.from({ length: to - from + 1 }, (_, k) => name(from + k)).sort();
      assert.deepEqual(members, expected, `${label}: ${g} has its members`);
    }
  };
  /** A re-run finds everything done: it writes nothing. */
  const assertRerunWritesNothing = async (dir: string, label: string) => {
    const before = emulator.writes().length;
    const again = await exportOu(dir);
    assert.equal(again.code, 0, `${label}: ${again.stderr}`);
    assert.deepEqual(emulator.writes().slice(before).map((w) => `${w.method} ${w.path} ${w.status}`), [], `${label}: the re-run wrote nothing`);
  };

  test('a clean run: the baseline (two groups, 30 users), and a re-run that writes nothing', async () => {
    const dir = await world();
    const r = await exportOu(dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(failures(r), []);
    assertConverged('clean');
    assert.ok(emulator.writes().some((x) => x.inBatch && x.method === 'POST' && x.path === '/v1.0/users'), 'the creates went in $batch requests');
    await assertRerunWritesNothing(dir, 'clean');
  });

  // The batch of creates (not a batch of lookups) meets the fault; Graph has applied what is
  // inside unless the fault says it answered before running anything.
  const creates = { path: '/v1.0/$batch', method: 'POST', holding: 'POST /users' } as const;
  const answerFaults: [string, FaultSpec][] = [
    ['the whole $batch answered 503 once, nothing applied', { ...creates, kind: 'status', status: 503 }],
    ['the whole $batch answered 500 after Graph applied it', { ...creates, kind: 'status', status: 500, afterCommit: true }],
    ['the whole $batch answered 504 after Graph applied it, three batches in a row', { ...creates, kind: 'status', status: 504, afterCommit: true, count: 3 }],
    ['the connection dropped after Graph applied the $batch', { ...creates, kind: 'reset', afterCommit: true }],
    ['the connection dropped after Graph applied the $batch, twice', { ...creates, kind: 'reset', afterCommit: true, count: 2 }],
    ['a 200 $batch answer without "responses", nothing applied', { ...creates, kind: 'body', body: { value: [] } }],
    ['a 200 $batch answer that is no JSON after Graph applied it', { ...creates, kind: 'mangle', mangle: 'noJson' }],
    ['fewer responses than requests', { ...creates, kind: 'mangle', mangle: 'drop' }],
    ['a response for an id not asked for', { ...creates, kind: 'mangle', mangle: 'foreign' }],
    ['an id answered twice (201, then 429)', { ...creates, kind: 'mangle', mangle: 'duplicate' }],
    ['inner 201s without the new user\'s id', { ...creates, kind: 'mangle', mangle: 'noId' }],
    ['inner 200s for the creates', { ...creates, kind: 'mangle', mangle: 'ok' }],
  ];
  for (const [label, spec] of answerFaults) {
    test(`${label}: no user is created twice, no object fails, the re-run writes nothing`, async () => {
      const dir = await world();
      emulator.faults(spec);
      const r = await exportOu(dir);
      emulator.clearFaults();
      assert.deepEqual(failures(r), [], `${label}:\n${r.stderr}`);
      assert.equal(r.code, 0, r.stderr);
      const posts = emulator.writes().filter((x) => x.method === 'POST' && x.path === '/v1.0/users');
      assert.deepEqual(posts.filter((x) => x.status !== 201).map((x) => `${x.status} ${x.errorMessage}`), [], 'no create was sent again after Graph had applied it');
      assertConverged(label);
      await assertRerunWritesNothing(dir, label);
    });
  }

  test('the whole $batch answered 503 six times in a row: the creates are not sent blindly, the objects past the retries fail by name, a re-run converges', async () => {
    const dir = await world();
    emulator.faults({ ...creates, kind: 'status', status: 503, count: 6 });
    const r = await exportOu(dir);
    emulator.clearFaults();
    const failed = results(r).filter((x) => x.provisioningStatusInfo.status === 'failure');
    assert.ok(failed.every((x) => x.provisioningStatusInfo.errorInformation?.errorCode === 'ServiceUnavailable'), failures(r).join('\n'));
    assert.equal(new Set(ouUsers().map((u) => u.onPremisesImmutableId)).size, ouUsers().length, 'no duplicate');
    const again = await exportOu(dir);
    assert.equal(again.code, 0, again.stderr);
    assertConverged('after 503s');
    await assertRerunWritesNothing(dir, 'after 503s');
  });

  test('two users of one batch with the same UPN (one inner 400 among the creates): the others go through, Entra ID quarantines the UPN on the second, a re-run says the same without writing', async () => {
    const dir = await world((i) => `${name(i === 7 ? 5 : i)}@contoso.com`);
    const r = await exportOu(dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(failures(r), []);
    const refused = emulator.writes().filter((x) => x.status >= 400);
    assert.deepEqual(refused.map((x) => `${x.method} ${x.path} ${x.status} ${x.errorMessage}`), ['POST /v1.0/users 400 Another object with the same value for property userPrincipalName already exists.']);
    // Both are created in flight, in one batch or two: whichever Graph wrote first keeps the UPN,
    // the other is the one quarantined (either may be first).
    const codeOf = (run: Run, i: number) => results(run).find((x) => x.sourceIdentity.details.distinguishedName.startsWith(`CN=${name(i)},`))!.provisioningStatusInfo.errorInformation?.errorCode;
    const users = ouUsers();
    assert.equal(users.length, count, 'every user was created, the second with its UPN quarantined');
    assert.equal(new Set(users.map((u) => u.onPremisesImmutableId)).size, count);
    const holder = users.find((u) => u.userPrincipalName === `${name(5)}@contoso.com`);
    assert.ok(holder && ['Fault User 5', 'Fault User 7'].includes(String(holder.displayName)), 'one of the two holds the UPN');
    const [kept, quarantined] = holder.displayName === 'Fault User 5' ? [5, 7] : [7, 5];
    assert.equal(codeOf(r, quarantined), 'DuplicateAttributeQuarantined', `user ${quarantined}, written second`);
    assert.notEqual(codeOf(r, kept), 'DuplicateAttributeQuarantined', `user ${kept}, written first`);
    const before = emulator.writes().length;
    const again = await exportOu(dir);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(codeOf(again, quarantined), 'DuplicateAttributeQuarantined', 'the re-run says the same');
    assert.notEqual(codeOf(again, kept), 'DuplicateAttributeQuarantined');
    assert.deepEqual(emulator.writes().slice(before), [], 'and writes nothing');
  });

  test('a member reference Graph says already exists (the answer to the bind was lost): done, not a failure', async () => {
    const dir = await world();
    emulator.faults({ kind: 'reset', method: 'PATCH', path: '/v1.0/groups/', afterCommit: true });
    const r = await exportOu(dir);
    emulator.clearFaults();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(failures(r), []);
    const refused = emulator.writes().filter((x) => x.status >= 400);
    assert.ok(refused.some((x) => x.inBatch && x.path.endsWith('/members/$ref') && /already exist/.test(x.errorMessage ?? '')), 'the member adds met Graph\'s "already exist"');
    assertConverged('already exist');
    await assertRerunWritesNothing(dir, 'already exist');
  });

  test('member removals answered 404 or "do not exist" after Graph removed them: done, not a failure', async () => {
    const dir = await world();
    assert.equal((await exportOu(dir)).code, 0);
    const snapshot = path.join(dir, 'snapshot.ldif');
    const ldif = await readFile(snapshot, 'utf8');
    await writeFile(snapshot, ldif.replace(`member: CN=${name(1)},${faultsOu}\n`, '').replace(`member: CN=${name(2)},${faultsOu}\n`, ''));
    emulator.faults([
      { kind: 'body', method: 'DELETE', path: '/members/', afterCommit: true, bodyStatus: 404, body: { error: { code: 'Request_ResourceNotFound', message: 'Resource does not exist or one of its queried reference-property objects are not present.' } } },
      { kind: 'body', method: 'DELETE', path: '/members/', afterCommit: true, bodyStatus: 400, body: { error: { code: 'Request_BadRequest', message: "One or more removed object references do not exist for the following modified properties: 'members'." } } },
    ]);
    const r = await exportOu(dir);
    emulator.clearFaults();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(failures(r), []);
    assert.deepEqual(emulator.writes().filter((x) => x.method === 'DELETE').map((x) => x.status).sort(), [400, 404]);
    const g1 = ouGroups().find((g) => g.displayName === 'Fault G1')!;
    assert.equal(emulator.state().members[g1.id]!.length, 23, 'both members are out of G1');
    await assertRerunWritesNothing(dir, 'removals');
  });

  test('SIGKILL at several points of the export, then a re-run: the tenant a clean run leaves', { timeout: 300_000 }, async () => {
    // Each point is one the CLI cannot have passed when the kill lands: a request of the export
    // that Graph holds without an answer (run first or not), or a result line while a later
    // request is held. No timer decides, so a fast machine kills at the same point as a slow one.
    const killWhenHeld = (hold: FaultSpec): RunOptions & { hold: FaultSpec } => ({
      hold, onSpawn: (child) => void emulator.whenHeld().then(() => child.kill('SIGKILL')),
    });
    const firstMemberWrite = { kind: 'hold', method: 'PATCH', path: '/v1.0/groups/', afterCommit: true } as const;
    // Every member write held: the users' results come out, the groups' cannot end.
    const killAfterResults = (n: number): RunOptions & { hold: FaultSpec } => ({
      hold: { ...firstMemberWrite, count: -1 },
      onStdout: (stdout, child) => {
        if (stdout.split('\n').length > n) child.kill('SIGKILL');
      },
    });
    const points: [string, RunOptions & { hold: FaultSpec }][] = [
      ['while the first batch of creates waits, Graph has run none of it', killWhenHeld({ ...creates, kind: 'hold' })],
      ['after Graph ran the first batch of creates, before its answer', killWhenHeld({ ...creates, kind: 'hold', afterCommit: true })],
      ['after Graph ran the second batch of creates, before its answer', killWhenHeld({ ...creates, kind: 'hold', afterCommit: true, skip: 1 })],
      ['after Graph added the first members of a group, before its answer', killWhenHeld(firstMemberWrite)],
      ['after Graph added the last members of a group, before its answer', killWhenHeld({ ...firstMemberWrite, skip: 3 })],
      ...[1, 12, 27, 30].map((n): [string, RunOptions & { hold: FaultSpec }] => [`after ${n} results, the members still to add`, killAfterResults(n)]),
    ];
    for (const [killAfter, { hold, ...at }] of points) {
      const dir = await world();
      emulator.faults(hold);
      const killed = await runCli(['--search-base', faultsOu, '--scope', 'one', '--export', '--no-html-report'], { cwd: dir, env: { SOS_CLIENT_SECRET: emulator.clientSecret }, timeout: 120_000, ...at });
      emulator.clearFaults();
      assert.equal(killed.signal, 'SIGKILL', `killed ${killAfter}: ${killed.stderr}`);
      const rerun = await exportOu(dir);
      assert.deepEqual(failures(rerun), [], `after a kill ${killAfter}`);
      assert.equal(rerun.code, 0, `after a kill at ${killAfter} results: ${rerun.stderr}`);
      assertConverged(`kill at ${killAfter}`);
      await assertRerunWritesNothing(dir, `kill at ${killAfter}`);
    }
  });
});
