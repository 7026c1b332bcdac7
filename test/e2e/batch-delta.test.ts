// The batch's tenant read is kept in the state folder with Graph's delta links: the next batch
// reads only the changes (/users/delta, /groups/delta from the kept links), and sees a user
// deleted and a user added in between (Microsoft's "Use delta query to track changes"). The AD
// side is the bundled LDIF snapshot, so no live directory is needed.
import assert from 'node:assert/strict';
import { Dn } from '../../src/engine/model/dn';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSession, type Session } from '../../src/app/session';
import { startEmulator } from '../graph-emulator';
import { writeSnapshotConfiguration } from './harness';

const sales = 'OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com';
const alice = `CN=Alice Wu,${sales}`;
const bob = `CN=Bob Stone,${sales}`;
const cloudAlice = { id: '0f3b6c1e-7a52-4c1d-9e8f-1a2b3c4d5e60', displayName: 'Alice Wu (cloud)', userPrincipalName: 'alice.wu@contoso.com', mailNickname: 'alice.wu', accountEnabled: true };
const cloudBob = { id: '5d2a9e47-3c18-4b6f-8d0e-6f7a8b9c0d11', displayName: 'Bob Stone (cloud)', userPrincipalName: 'bob.stone@contoso.com', mailNickname: 'bob.stone', accountEnabled: true };

describe('batch tenant read kept with delta links', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let session: Session;

  before(async () => {
    emulator = await startEmulator({ seed: { users: [cloudAlice] } });
    dir = await mkdtemp(path.join(tmpdir(), 'sos-batch-delta-'));
    await writeSnapshotConfiguration(dir, emulator, 'SOS_E2E_CLIENT_SECRET');
    session = await openSession({ configPath: path.join(dir, 'single-object-sync.json'), secrets: { directoryPassword: async () => '', entraClientSecret: async () => emulator.clientSecret } });
  });
  after(async () => {
    await session?.close();
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const run = async () => {
    const since = emulator.requestLog().length;
    const prepared = await session.prepareBatch({ kind: 'search', base: Dn.parse(sales), scope: 'one' });
    const pass = await session.runBatch(prepared, { stagingMode: true, bulkReadThreshold: 1, keepSummaries: true });
    const requests = emulator.requestLog().slice(since).filter((r) => !r.path.includes('oauth2'));
    return { pass, requests, planned: (dn: string) => pass.summaries.get(dn)?.plannedProvisioningAction };
  };
  const tenantReads = (requests: { path: string }[]) => requests.filter((r) => /^\/v1\.0\/(users|groups|contacts)(\/delta)?(\?|$)/.test(r.path) && !/\$filter/.test(r.path));

  test('the first batch takes the delta links, lists everything and keeps it; the next reads only the changes', async () => {
    const first = await run();
    assert.equal(first.pass.tenantRead, 'bulk');
    assert.equal(first.planned(alice), 'update', 'Alice soft-matches the cloud user by UPN');
    assert.equal(first.planned(bob), 'create');
    const reads1 = tenantReads(first.requests).map((r) => r.path.split('?')[0]);
    assert.ok(reads1.includes('/v1.0/users/delta') && reads1.includes('/v1.0/groups/delta'), `the first read uses delta: ${reads1.join(', ')}`);
    // The first read takes the delta links as of now ($deltatoken=latest: no objects), then lists
    // each collection in pages of up to 999 (a delta page holds at most 200).
    for (const set of ['users', 'groups']) {
      const reads = tenantReads(first.requests).filter((r) => r.path.startsWith(`/v1.0/${set}`));
      assert.match(reads[0]!.path, new RegExp(`^/v1\\.0/${set}/delta\\?.*\\$deltatoken=latest`), reads.map((r) => r.path).join(', '));
      assert.match(reads[1]!.path, new RegExp(`^/v1\\.0/${set}\\?.*\\$top=999`));
    }
    const kept = path.join(dir, 'state', 'tenant-read.json');
    assert.equal((await stat(kept)).mode & 0o777, 0o600, 'the kept tenant read is owner-only');
    assert.match(await readFile(kept, 'utf8'), /\$deltatoken=/);

    // Between the batches: the cloud Alice is deleted and a cloud Bob appears.
    await emulator.seed({ replaceObjects: true, users: [cloudBob] });

    const second = await run();
    assert.equal(second.pass.tenantRead, 'delta');
    const reads2 = tenantReads(second.requests);
    const users = reads2.filter((r) => r.path.startsWith('/v1.0/users'));
    const groups = reads2.filter((r) => r.path.startsWith('/v1.0/groups'));
    assert.equal(users.length, 1, `one users request, from the kept delta link: ${users.map((r) => r.path).join(', ')}`);
    assert.match(users[0]!.path, /^\/v1\.0\/users\/delta\?\$deltatoken=/);
    assert.equal(groups.length, 1);
    assert.match(groups[0]!.path, /^\/v1\.0\/groups\/delta\?\$deltatoken=/);
    assert.equal(second.planned(alice), 'create', 'the deleted cloud user is no longer a match');
    assert.equal(second.planned(bob), 'update', 'the new cloud user is matched');
    assert.ok(second.pass.notes.some((n) => /1 changed, 1 deleted/.test(n)), second.pass.notes.join(' | '));
  });

  test('a delta link the tenant no longer knows is answered 410 and the tenant is read in full again', async () => {
    emulator.reset(); // forgets every state token, as an expired link
    await emulator.seed({ users: [cloudAlice] });
    const third = await run();
    assert.equal(third.pass.tenantRead, 'bulk');
    assert.ok(third.requests.some((r) => r.status === 410 && r.path.includes('$deltatoken=')), 'the kept link was refused with 410');
    assert.ok(third.requests.some((r) => r.status === 200 && /^\/v1\.0\/users\/delta\?.*\$deltatoken=latest/.test(r.path)), 'then a new link is taken before the full read');
    assert.ok(third.pass.notes.some((n) => /read in full again/.test(n)), third.pass.notes.join(' | '));
    assert.equal(third.planned(alice), 'update');
    assert.equal(third.planned(bob), 'create');
  });

  test('a batch that needs the tenant read starts it while the scope is read; its pass takes it and counts its requests, a later pass reads again', async () => {
    const since = emulator.requestLog().length;
    const prepared = await session.prepareBatch({ kind: 'search', base: Dn.parse(sales), scope: 'one' }, { bulkReadThreshold: 1 });
    assert.ok(prepared.tenantRead, 'the read was started by the scope search');
    await prepared.tenantRead;
    const beforePass = tenantReads(emulator.requestLog().slice(since));
    assert.ok(beforePass.length >= 2, `the tenant was read before the pass began: ${beforePass.map((r) => r.path).join(', ')}`);
    const first = await session.runBatch(prepared, { stagingMode: true, bulkReadThreshold: 1, keepSummaries: true });
    assert.equal(first.tenantRead, 'delta');
    assert.equal(tenantReads(emulator.requestLog().slice(since)).length, beforePass.length, 'the pass read nothing more');
    assert.ok(first.graphRequests >= beforePass.length, `the pass counts the read's ${beforePass.length} requests (${first.graphRequests})`);
    assert.equal(first.summaries.get(alice)?.plannedProvisioningAction, 'update');
    const again = emulator.requestLog().length;
    const second = await session.runBatch(prepared, { stagingMode: true, bulkReadThreshold: 1, keepSummaries: true });
    assert.equal(second.tenantRead, 'delta');
    assert.ok(tenantReads(emulator.requestLog().slice(again)).length >= 2, 'the second pass read the tenant again');
    // Below the threshold nothing is started.
    assert.equal((await session.prepareBatch({ kind: 'search', base: Dn.parse(sales), scope: 'one' })).tenantRead, undefined);
  });
});
