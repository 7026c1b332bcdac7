// Behind a corporate proxy, as an engineer's workstation is: HTTPS_PROXY in the environment sends
// the sign-in and every Graph call through the proxy as CONNECT tunnels (TLS end to end with the
// endpoint, its pinned CA still the only trust), with the proxy's own credentials from its URL in
// Proxy-Authorization and never in the output; NO_PROXY reaches a host directly; a proxy that
// refuses the tunnel is TenantUnreachable naming the proxy. A real proxy (node:http CONNECT)
// in front of the Graph emulator, the shipped CLI over the bundled LDIF snapshot.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../graph-emulator';
import { runCli } from './cli-process';
import { writeSnapshotConfiguration } from './harness';

const alice = 'CN=Alice Wu,OU=Sales,OU=Contoso,DC=corp,DC=contoso,DC=com';
const proxyPassword = 'pr0xy p@ss';

interface Tunnel { target: string; authorization: string | undefined }

describe('HTTPS_PROXY: the sign-in and Graph through a corporate proxy', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let proxy: Server;
  let tunnels: Tunnel[] = [];
  let refuse = false;

  before(async () => {
    emulator = await startEmulator();
    dir = await mkdtemp(path.join(tmpdir(), 'sos-proxy-'));
    await writeSnapshotConfiguration(dir, emulator, 'SOS_CLIENT_SECRET');
    proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      tunnels.push({ target: req.url ?? '', authorization: req.headers['proxy-authorization'] });
      if (refuse) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    proxy?.closeAllConnections();
    await new Promise<void>((resolve) => proxy?.close(() => resolve()));
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const proxyUrl = () => `http://engineer:${encodeURIComponent(proxyPassword)}@127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const endpoint = () => new URL(emulator.graphEndpoint).host;
  const sync = (env: Record<string, string>, state: string) =>
    runCli(['--distinguished-name', alice, '--staging-mode', '--no-html-report', '--state-dir', state], { cwd: dir, env: { SOS_CLIENT_SECRET: emulator.clientSecret, ...env }, timeout: 60_000 });

  test('every call goes through the proxy as a tunnel, with the proxy credentials from its URL, and the sync runs as it does direct', async () => {
    tunnels = [];
    const run = await sync({ HTTPS_PROXY: proxyUrl() }, 'state-proxied');
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { provisioningStatusInfo: { status: string } };
    assert.notEqual(result.provisioningStatusInfo.status, 'failure', run.stderr);
    assert.ok(tunnels.length >= 1, 'the proxy carried the calls');
    assert.deepEqual([...new Set(tunnels.map((t) => t.target))], [endpoint()], 'tunnels to the sign-in and Graph endpoint only');
    for (const t of tunnels) assert.equal(t.authorization, `Basic ${Buffer.from(`engineer:${proxyPassword}`).toString('base64')}`);
    for (const text of [run.stdout, run.stderr]) {
      assert.ok(!text.includes(proxyPassword) && !text.includes(encodeURIComponent(proxyPassword)), 'the proxy password is never shown');
    }
  });

  test('NO_PROXY naming the host (or with its port) reaches it directly', async () => {
    for (const [k, noProxy] of ['127.0.0.1', `localhost,127.0.0.1:${new URL(emulator.graphEndpoint).port}`, '*'].entries()) {
      tunnels = [];
      const run = await sync({ HTTPS_PROXY: proxyUrl(), NO_PROXY: noProxy }, `state-direct-${k}`);
      assert.equal(run.code, 0, `${noProxy}: ${run.stderr}`);
      assert.deepEqual(tunnels, [], `${noProxy}: the proxy saw nothing`);
    }
  });

  test('a proxy that refuses the tunnel: TenantUnreachable naming the proxy without its password; nothing is synced', async () => {
    refuse = true;
    tunnels = [];
    try {
      const run = await sync({ HTTPS_PROXY: proxyUrl() }, 'state-refused');
      assert.notEqual(run.code, 0, run.stdout);
      assert.match(run.stderr, /TenantUnreachable/);
      assert.match(run.stderr, new RegExp(`proxy http://127\\.0\\.0\\.1:${(proxy.address() as AddressInfo).port}`), run.stderr);
      assert.ok(!run.stderr.includes(proxyPassword) && !run.stderr.includes(encodeURIComponent(proxyPassword)) && !run.stderr.includes('engineer:'), 'no proxy credentials');
      assert.ok(tunnels.length >= 1);
    } finally {
      refuse = false;
    }
  });

  test('an HTTPS_PROXY that is not a URL: TenantUnreachable saying so, nothing sent', async () => {
    tunnels = [];
    const run = await sync({ HTTPS_PROXY: 'ftp://proxy.contoso.com:21' }, 'state-bad-proxy');
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /HTTPS_PROXY must be an http:\/\/ or https:\/\/ URL/);
    assert.deepEqual(tunnels, []);
  });
});
