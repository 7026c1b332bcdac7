// The state folder is untrusted input: the starter configuration puts it in the workspace, so a
// repository can bring one (red team: "none may ... make it use a tampered state file"). The
// batch's kept tenant read (state/tenant-read.json) answers step 8's lookups from memory: a
// forged one that adds a cloud-only user carrying an AD object's source anchor would hard-match
// that object to the victim, and the export would PATCH the victim with the AD object's values.
// The file the tool keeps is sealed (an HMAC with a key of this user's, kept outside the state
// folder): one it did not write, or changed since, is no kept read, and the tenant is read in full.
// Through the CLI from source, against the bundled LDIF snapshot and the Graph emulator.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { startEmulator } from '../../graph-emulator';
import { writeSnapshotConfiguration } from '../../e2e/harness';

const sales = 'OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com';
/** Alice Wu's objectGUID in the snapshot, base64: her source anchor. */
const aliceAnchor = 'Z3wIyXS3sUODmBYs7gq5pA==';
const victimId = '5d4c3b2a-1908-4f7e-8d6c-5b4a39281706';
const victim = { id: victimId, displayName: 'Cloud Global Admin', userPrincipalName: 'cloud.admin@contoso.com', mailNickname: 'cloud.admin', accountEnabled: true, department: 'IT Security' };

const mainTs = path.resolve(__dirname, '../../../src/surfaces/cli/main.ts');
const tsx = pathToFileURL(require.resolve('tsx')).href;

interface Run { code: number | null; stdout: string; stderr: string }

function cli(cwd: string, args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, ['--import', tsx, mainTs, ...args], {
    cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000, killSignal: 'SIGKILL',
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('a tampered kept tenant read (state/tenant-read.json)', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let root: string;
  let env: Record<string, string>;

  before(async () => {
    emulator = await startEmulator();
    root = await mkdtemp(path.join(tmpdir(), 'sos-state-tamper-'));
    // This user's key lives outside the state folder; a home of the test's own keeps the machine's untouched.
    env = { SOS_CLIENT_SECRET: emulator.clientSecret, HOME: path.join(root, 'home'), XDG_STATE_HOME: path.join(root, 'home', '.local', 'state') };
  });
  after(async () => {
    await emulator?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  const world = async () => {
    emulator.reset();
    emulator.seed({ users: [victim] });
    const dir = await mkdtemp(path.join(root, 'case-'));
    const file = await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET');
    await mkdir(path.join(dir, 'state'), { mode: 0o700 });
    const run = (args: string[]) => cli(dir, ['--config', file, '--search-base', sales, '--no-html-report', '--bulk-read-threshold', '1', ...args], env);
    return { dir, run, kept: path.join(dir, 'state', 'tenant-read.json') };
  };

  type Kept = { snapshot: { users: { deltaLink: string; objects: { kind: string; id: string; properties: Record<string, unknown> }[] } } } & Record<string, unknown>;
  const victimUnchanged = () => {
    const now = emulator.state().users.find((u) => u.id === victimId)!;
    assert.equal(now.displayName, victim.displayName, 'the victim keeps its name');
    assert.equal(now.department, victim.department);
    assert.equal(now.userPrincipalName, victim.userPrincipalName);
    assert.deepEqual(emulator.writes().filter((w) => JSON.stringify(w).includes(victimId)), [], 'no write names the victim');
  };

  /** Alice's summary plans no update of the victim, and the tenant was read in full (not from the forged file). */
  const assertNotMatched = (r: Run) => {
    const alice = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { sourceIdentity: { details?: Record<string, string> }; targetIdentity: { id?: string }; plannedProvisioningAction?: string; provisioningStatusInfo: unknown })
      .find((s) => JSON.stringify(s.sourceIdentity).includes('Alice Wu'));
    assert.ok(alice, 'Alice was synced');
    assert.notEqual(alice.targetIdentity.id, victimId, 'Alice is not matched to the cloud-only user');
    assert.equal(alice.plannedProvisioningAction, 'create', JSON.stringify(alice.provisioningStatusInfo));
    assert.doesNotMatch(r.stderr, /Tenant read from the state folder/, 'the forged read was not used');
    assert.doesNotMatch(r.stderr, /1 update\(s\)/, 'no update planned');
  };

  test('a cloud-only user added with an AD object\'s anchor: not matched, nothing written to it; the tenant is read in full', async () => {
    const w = await world();
    const first = await w.run([]);
    assert.equal(first.code, 0, first.stderr);
    const kept = JSON.parse(await readFile(w.kept, 'utf8')) as Kept;
    kept.snapshot.users.objects.push({ kind: 'user', id: victimId, properties: { ...victim, onPremisesImmutableId: aliceAnchor } });
    await writeFile(w.kept, JSON.stringify(kept));
    const staged = await w.run([]);
    assert.equal(staged.code, 0, staged.stderr);
    assertNotMatched(staged);
    const r = await w.run(['--export']);
    assertNotMatched(r);
    victimUnchanged();
  });

  test('the same forgery with the file\'s seal kept as written: refused all the same (the seal covers the content)', async () => {
    const w = await world();
    assert.equal((await w.run([])).code, 0);
    const text = await readFile(w.kept, 'utf8');
    // One property added to the victim's own entry, in place: the rest of the file, its seal included, as written.
    const upn = `"userPrincipalName":${JSON.stringify(victim.userPrincipalName)}`;
    const forged = text.replace(upn, `${upn},"onPremisesImmutableId":${JSON.stringify(aliceAnchor)}`);
    assert.notEqual(forged, text);
    await writeFile(w.kept, forged);
    assertNotMatched(await w.run([]));
    victimUnchanged();
  });

  test('a forged read sealed as the tool seals, but with a key of the forger\'s own, world-writable: no kept read', async () => {
    const w = await world();
    assert.equal((await w.run([])).code, 0);
    const kept = JSON.parse(await readFile(w.kept, 'utf8')) as Kept;
    kept.snapshot.users.objects.push({ kind: 'user', id: victimId, properties: { ...victim, onPremisesImmutableId: aliceAnchor } });
    // The format is public: the seal first, as zeros, then HMAC-SHA256 over the bytes; only the key is the user's.
    const zeros = '0'.repeat(64);
    const bytes = Buffer.from(JSON.stringify(Object.assign({ seal: zeros }, kept, { seal: zeros })));
    const seal = createHmac('sha256', randomBytes(32)).update('single-object-sync tenant-read.json v1\n').update(bytes).digest('hex');
    bytes.write(seal, 9, 'latin1');
    await writeFile(w.kept, bytes);
    await chmod(w.kept, 0o666);
    assertNotMatched(await w.run([]));
    victimUnchanged();
  });
});
