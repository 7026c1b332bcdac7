// `npm run emulator`: the standalone process prints one JSON line a client can use as is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Agent, fetch } from 'undici';

test('main.ts prints graphEndpoint, authorityHost, tenantId, clientId, clientSecret, caFile and serves HTTPS with that CA', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'emu-main-'));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'main.ts'), '--port', '0', '--state', path.join(dir, 'tenant.json')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SOS_TEST_STATE_DIR: dir },
  });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
    });
    const info = JSON.parse(line);
    assert.deepEqual(Object.keys(info).sort(), ['authorityHost', 'caFile', 'clientId', 'clientSecret', 'graphEndpoint', 'tenantId']);
    assert.match(info.graphEndpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(info.caFile.startsWith(dir), 'the CA lives in the state folder');
    const dispatcher = new Agent({ connect: { ca: readFileSync(info.caFile, 'utf8') } });
    const token = await fetch(`${info.authorityHost}/${info.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: info.clientId, client_secret: info.clientSecret, scope: 'https://graph.microsoft.com/.default' }).toString(),
      dispatcher,
    });
    assert.equal(token.status, 200);
    const { access_token } = (await token.json()) as { access_token: string };
    const domains = await fetch(`${info.graphEndpoint}/v1.0/domains`, { headers: { Authorization: `Bearer ${access_token}` }, dispatcher });
    assert.equal(domains.status, 200);
    await dispatcher.close();
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
