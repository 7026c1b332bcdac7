// HTTPS_PROXY and NO_PROXY read as curl reads them: which endpoints go through the proxy, how the
// proxy is named in messages (never with its credentials), and what is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bypassesProxy, proxyFor } from '../../../../src/adapters/entra/proxy';

test('NO_PROXY: a host, a domain with or without its leading dot, host:port, *, spaces and case', () => {
  const cases: [string, string, string, boolean][] = [
    ['graph.microsoft.com', 'graph.microsoft.com', '443', true],
    ['.microsoft.com', 'graph.microsoft.com', '443', true],
    ['microsoft.com', 'graph.microsoft.com', '443', true],
    ['*.microsoft.com', 'graph.microsoft.com', '443', true],
    ['microsoft.com', 'notmicrosoft.com', '443', false],
    ['login.microsoftonline.com', 'graph.microsoft.com', '443', false],
    ['graph.microsoft.com:8443', 'graph.microsoft.com', '443', false],
    ['graph.microsoft.com:443', 'graph.microsoft.com', '443', true],
    ['localhost, 127.0.0.1 ,GRAPH.Microsoft.com', 'graph.microsoft.com', '443', true],
    ['*', 'anything.example', '443', true],
    ['[::1]:8443', '[::1]', '8443', true],
    ['::1', '[::1]', '443', true],
    ['localhost,127.0.0.1,::1', '127.0.0.1', '44737', true],
    ['', 'graph.microsoft.com', '443', false],
  ];
  for (const [noProxy, host, port, bypass] of cases) assert.equal(bypassesProxy(noProxy, host, port), bypass, `${noProxy} / ${host}:${port}`);
});

test('HTTPS_PROXY: used unless NO_PROXY names the host; shown without credentials; a bare host:port is http; other schemes refused', () => {
  const env = { HTTPS_PROXY: 'http://svc:S3cret%21@proxy.contoso.com:8080', NO_PROXY: '.internal.contoso.com' };
  const chosen = proxyFor('https://graph.microsoft.com', env);
  assert.equal(chosen?.shown, 'http://proxy.contoso.com:8080');
  assert.ok(chosen?.uri.includes('svc:S3cret%21@'), 'the credentials stay in the URI the agent authenticates with');
  assert.equal(proxyFor('https://graph.internal.contoso.com', env), undefined);
  assert.equal(proxyFor('https://graph.microsoft.com', {}), undefined, 'no proxy set: direct');
  assert.equal(proxyFor('https://graph.microsoft.com', { https_proxy: 'proxy.contoso.com:3128' })?.shown, 'http://proxy.contoso.com:3128');
  assert.throws(() => proxyFor('https://graph.microsoft.com', { HTTPS_PROXY: 'socks5://proxy:1080' }), /must be an http:\/\/ or https:\/\/ URL/);
});
