// Hostile identity and Graph answers through the CLI (from source, over the bundled LDIF snapshot
// and the Graph emulator behind a hostile HTTPS front; red-team findings 2, 6 and 8):
// - a token endpoint echoing the client secret: AuthenticationFailed, and the secret is nowhere
//   on stdout, stderr or in the HTML report;
// - a proxy's login page instead of the token endpoint: TokenEndpointAnswerInvalid, not advice to
//   check the tenant id, client id and secret;
// - a user with 20,000 proxyAddresses: step 8 looks up the holders of 332 addresses in 8 $batch
//   POSTs, says the others were not looked up, and the object fails with LargeObject.
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../../graph-emulator';
import { writeSnapshotConfiguration } from '../../e2e/harness';
import { runCliFromSource } from '../../support/cli-from-source';
import { startHostileFront, type HostileFront } from '../../support/hostile-front';

const alice = 'CN=Alice Wu,OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com';
const flood = 'CN=Many Addresses,OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com';

describe('hostile identity and Graph answers through the CLI', () => {
  let emulator: Emulator;
  let front: HostileFront;
  let dir: string;

  before(async () => {
    emulator = await startEmulator();
    front = await startHostileFront(emulator, emulator.clientSecret);
    dir = await mkdtemp(path.join(tmpdir(), 'sos-entra-hostile-'));
    const config = await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET');
    const json = JSON.parse(await readFile(config, 'utf8')) as { entra: Record<string, unknown> };
    // Sign-in goes through the front; Graph stays the emulator's.
    json.entra.authorityHost = front.origin;
    await writeFile(config, JSON.stringify(json));
    const user = [
      `dn: ${flood}`, 'changetype: add', 'objectClass: top', 'objectClass: person', 'objectClass: organizationalPerson', 'objectClass: user',
      'cn: Many Addresses', 'sAMAccountName: manyaddresses', 'userPrincipalName: many.addresses@contoso.com', 'userAccountControl: 512',
      `objectGUID:: ${randomBytes(16).toString('base64')}`, 'proxyAddresses: SMTP:many.addresses@contoso.com',
      ...Array.from({ length: 19_999 }, (_, i) => `proxyAddresses: smtp:alias${i}@contoso.com`),
    ];
    await appendFile(path.join(dir, 'snapshot.ldif'), `\n${user.join('\n')}\n`);
  });
  after(async () => {
    await front?.close();
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const run = (args: string[]) => runCliFromSource(dir, args, emulator.clientSecret, 120_000);

  async function reportsHolding(text: string): Promise<string[]> {
    const folder = path.join(dir, 'reports');
    const names = await readdir(folder).catch(() => [] as string[]);
    const holding: string[] = [];
    for (const name of names.filter((n) => n.endsWith('.htm'))) if ((await readFile(path.join(folder, name), 'utf8')).includes(text)) holding.push(name);
    return holding;
  }

  test('a token endpoint echoing the client secret: AuthenticationFailed, and the secret is on no output and in no report', async () => {
    front.mode = 'echo-secret';
    const r = await run(['--distinguished-name', alice, '--staging-mode']);
    front.mode = 'pass';
    assert.equal(r.code, 1, r.stderr);
    const info = (JSON.parse(r.stdout) as { provisioningStatusInfo: { errorInformation: { errorCode: string; reason: string } } }).provisioningStatusInfo.errorInformation;
    assert.equal(info.errorCode, 'AuthenticationFailed');
    assert.match(info.reason, /Invalid client secret provided: '\[secret removed\]'/);
    const secret = emulator.clientSecret;
    assert.ok(!r.stdout.includes(secret), 'stdout');
    assert.ok(!r.stderr.includes(secret), 'stderr');
    assert.match(r.stderr, /HTML report: /);
    assert.deepEqual(await reportsHolding(secret), []);
    assert.ok((await reportsHolding('[secret removed]')).length > 0, 'the report was written, with the secret removed');
  });

  test('a proxy\'s login page instead of the token endpoint: TokenEndpointAnswerInvalid, advising the authority host and the proxy', async () => {
    front.mode = 'login-page';
    const r = await run(['--distinguished-name', alice, '--staging-mode', '--no-html-report']);
    front.mode = 'pass';
    assert.equal(r.code, 1, r.stderr);
    const info = (JSON.parse(r.stdout) as { provisioningStatusInfo: { errorInformation: { errorCode: string; recommendedAction: string } } }).provisioningStatusInfo.errorInformation;
    assert.equal(info.errorCode, 'TokenEndpointAnswerInvalid');
    assert.match(info.recommendedAction, /^Check entra\.authorityHost/);
    assert.doesNotMatch(info.recommendedAction, /Check the tenant id, the client id and the client secret/);
    assert.ok(!r.stdout.includes(emulator.clientSecret) && !r.stderr.includes(emulator.clientSecret));
  });

  test('20,000 proxyAddresses: step 8 makes 8 $batch POSTs, says the holders of the rest were not looked up, and the object fails with LargeObject', async () => {
    const before = emulator.requestLog().length;
    const started = Date.now();
    const r = await run(['--distinguished-name', flood, '--staging-mode', '--no-html-report']);
    const elapsed = Date.now() - started;
    assert.equal(r.code, 1, r.stderr);
    const summary = JSON.parse(r.stdout) as {
      provisioningStatusInfo: { errorInformation: { errorCode: string } };
      provisioningSteps: { stepNumber: number; details: Record<string, string>; graphRequests?: { method: string; path: string }[] }[];
    };
    assert.equal(summary.provisioningStatusInfo.errorInformation.errorCode, 'LargeObject');
    const step8 = summary.provisioningSteps.find((s) => s.stepNumber === 8)!;
    assert.match(step8.details.NotChecked ?? '', /^Not checked for duplicate values: the holders of 19,668 of the object's 20,000 SMTP addresses \(only the first 332 were looked up/);
    assert.equal(step8.graphRequests?.filter((g) => g.path === '/v1.0/$batch').length, 8);
    const batches = emulator.requestLog().slice(before).filter((q) => q.path === '/v1.0/$batch');
    assert.equal(batches.length, 8);
    assert.ok(elapsed < 60_000, `${elapsed} ms`);
  });
});
