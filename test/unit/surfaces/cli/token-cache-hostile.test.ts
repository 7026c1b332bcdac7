// The delegated sign-in's token cache lives in the state folder, which may come with a repository
// (README, state folder): a named pipe, a link to a device or a folder planted at its name is no
// cache (a new sign-in), never a wait that Ctrl+C cannot end or a read without end.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileTokenCache, tokenCacheFile } from '../../../../src/surfaces/cli/secrets';
import type { EntraConfig } from '../../../../src/app/config/model';

const entra = { tenantId: '00000000-0000-4000-8000-000000000001', clientId: '00000000-0000-4000-8000-000000000002', authorityHost: 'https://login.microsoftonline.com', graphEndpoint: 'https://graph.microsoft.com' } as EntraConfig;
let dir: string;
before(async () => { dir = await mkdtemp(path.join(tmpdir(), 'sos-token-cache-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('a token cache saved is read back whole', async () => {
  const cache = fileTokenCache(entra, path.join(dir, 'plain'));
  await cache.saveTokenCache('{"AccessToken":{}}');
  assert.equal(await cache.loadTokenCache(), '{"AccessToken":{}}');
});

test('a named pipe, a link to /dev/zero or a folder at the cache\'s name is no cache, read at once', { timeout: 10_000 }, async () => {
  for (const [what, plant] of [
    ['a named pipe', (file: string) => execFileSync('mkfifo', [file])],
    ['a link to /dev/zero', (file: string) => symlink('/dev/zero', file)],
    ['a folder', (file: string) => mkdir(file)],
  ] as const) {
    const stateDir = path.join(dir, what.replace(/\W+/g, '-'));
    await mkdir(stateDir, { recursive: true });
    await plant(tokenCacheFile(entra, stateDir));
    assert.equal(await fileTokenCache(entra, stateDir).loadTokenCache(), undefined, what);
  }
});
