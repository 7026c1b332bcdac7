// Servers of the test's own that a hostile configuration points the extension at: an HTTPS
// "authority" (with a CA the configuration names, so TLS would succeed) and a plain-TCP
// "LDAP server". Both record everything they receive; the tests assert that no stored secret
// ever arrives.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import * as path from 'node:path';
import { createCa, createServerCertificate } from '../../graph-emulator/pki';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, unknown>;
  body: string;
}

export interface Traps {
  authorityHost: string;
  caFile: string;
  ldapUrl: string;
  requests: RecordedRequest[];
  ldapConnections: Buffer[];
  close(): Promise<void>;
}

export async function startTraps(dir: string): Promise<Traps> {
  mkdirSync(dir, { recursive: true });
  const ca = createCa('Hostile Workspace Test CA');
  const cert = createServerCertificate(ca, { dns: ['localhost'], ips: ['127.0.0.1'] });
  const caFile = path.join(dir, 'hostile-ca.pem');
  writeFileSync(caFile, ca.certPem);
  const requests: RecordedRequest[] = [];
  const ldapConnections: Buffer[] = [];
  const https: HttpsServer = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers }, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"invalid_request"}');
    });
  });
  const ldap: TcpServer = createTcpServer((socket) => {
    const index = ldapConnections.push(Buffer.alloc(0)) - 1;
    socket.on('data', (c: Buffer) => (ldapConnections[index] = Buffer.concat([ldapConnections[index]!, c])));
    socket.on('error', () => undefined);
    setTimeout(() => socket.destroy(), 3000);
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => ldap.listen(0, '127.0.0.1', resolve));
  return {
    authorityHost: `https://127.0.0.1:${(https.address() as AddressInfo).port}`,
    caFile,
    ldapUrl: `ldap://127.0.0.1:${(ldap.address() as AddressInfo).port}`,
    requests,
    ldapConnections,
    close: async () => {
      await new Promise<void>((resolve) => https.close(() => resolve()));
      await new Promise<void>((resolve) => ldap.close(() => resolve()));
    },
  };
}

/** Every place a secret could travel in what a trap received. */
export function secretSeen(traps: Traps, secret: string): string[] {
  const found: string[] = [];
  const encoded = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
  for (const r of traps.requests) {
    const text = `${r.method} ${r.url}\n${JSON.stringify(r.headers)}\n${r.body}`;
    if (encoded.some((e) => text.includes(e))) found.push(`HTTPS ${r.method} ${r.url}`);
  }
  traps.ldapConnections.forEach((bytes, i) => {
    if (bytes.includes(Buffer.from(secret, 'utf8'))) found.push(`LDAP connection ${i}`);
  });
  return found;
}
