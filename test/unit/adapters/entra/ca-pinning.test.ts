// A configured CA pins (README, issue 12): it replaces the trusted roots for the authority and
// Graph, it is not added to them. Checked on the options the agent gets and on a real TLS
// handshake against a local HTTPS server.
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { rootCertificates } from 'node:tls';
import { test } from 'node:test';
import { request } from 'undici';
import { createAgent, trustOptions } from '../../../../src/adapters/entra/tls';
import { createCa, createServerCertificate } from '../../../graph-emulator/pki';

test('a configured CA replaces the system roots (pinning), none configured keeps the defaults', () => {
  const ca = createCa('Pinning Test CA').certPem;
  const pinned = trustOptions(ca);
  assert.deepEqual(pinned.ca, [ca], 'exactly the configured CA is trusted');
  assert.ok(!(pinned.ca as string[]).some((pem) => rootCertificates.includes(pem)), 'no system root is trusted beside it');
  assert.equal(pinned.rejectUnauthorized, true);
  const defaults = trustOptions(undefined);
  assert.equal(defaults.ca, undefined, 'no CA configured: Node default trust');
  assert.equal(defaults.rejectUnauthorized, true);
});

test('with a pinned CA only servers of that CA are accepted', async (t) => {
  const caA = createCa('Pinning Test CA A');
  const caB = createCa('Pinning Test CA B');
  const cert = createServerCertificate(caA, { dns: ['localhost'], ips: ['127.0.0.1'] });
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const good = createAgent(caA.certPem, url);
  const response = await request(url, { dispatcher: good });
  assert.equal(await response.body.text(), 'ok');
  await good.close();

  const other = createAgent(caB.certPem, url);
  await assert.rejects(request(url, { dispatcher: other }), (error: Error & { code?: string; cause?: { code?: string } }) => {
    const code = error.code ?? error.cause?.code ?? '';
    assert.match(String(code), /UNABLE_TO_VERIFY|SELF_SIGNED|CERT/, `a certificate error, got ${code} ${error.message}`);
    return true;
  });
  await other.close();
});
