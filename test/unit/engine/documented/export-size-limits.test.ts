// LargeObject at its documented boundaries (reference: entra-connect-single-object-sync.md §4,
// "LargeObject / ExceededAllowedLength: 15 userCertificate; roughly 300–332 proxyAddresses";
// entra-docs tshoot-connect-sync-errors, "LargeObject": "When an attribute exceeds the allowed
// size limit, length limit, or count limit set by Microsoft Entra schema"). Over a limit the
// export of the whole object fails, so the Sync step predicts the failure and nothing is written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dn } from '../../../../src/engine/model/dn';
import type { SyncFacts } from '../../../../src/engine/pipeline/context';
import { applySizeLimits, type DesiredExport } from '../../../../src/engine/pipeline/entra-data-rules';

const facts = (): SyncFacts => ({ dn: Dn.parse('CN=Mailbox User,OU=Sales,DC=contoso,DC=com'), kind: 'user' });
const certificates = (n: number) => Array.from({ length: n }, (_, i) => Uint8Array.from([0x30, 0x82, i, i + 1]));
const addresses = (n: number) => Array.from({ length: n }, (_, i) => `${i === 0 ? 'SMTP' : 'smtp'}:user${i}@contoso.com`);

for (const attribute of ['userCertificate', 'userSMIMECertificate']) {
  test(`${attribute}: 15 certificates are exported; a 16th is LargeObject, named on the attribute's row`, () => {
    const within = facts();
    const withinNotes: Record<string, string> = {};
    applySizeLimits(within, { [attribute]: certificates(15) } as DesiredExport, withinNotes);
    assert.equal(within.predictedExportError, undefined);
    assert.equal(withinNotes[attribute], undefined);

    const over = facts();
    const overNotes: Record<string, string> = {};
    applySizeLimits(over, { [attribute]: certificates(16) } as DesiredExport, overNotes);
    assert.equal(over.predictedExportError?.code, 'LargeObject');
    assert.match(over.predictedExportError?.reason ?? '', new RegExp(`${attribute} holds 16 certificates; the hard limit is 15`));
    assert.match(overNotes[attribute] ?? '', /16 certificates.*limit of 15 \(LargeObject\)/);
  });
}

test('proxyAddresses: up to about 300 is safe; 301–332 is exported with a warning on the row; 333 is LargeObject', () => {
  const safe = facts();
  const safeNotes: Record<string, string> = {};
  applySizeLimits(safe, { proxyAddresses: addresses(300) }, safeNotes);
  assert.equal(safe.predictedExportError, undefined);
  assert.equal(safeNotes.proxyAddresses, undefined);

  for (const n of [301, 332]) {
    const near = facts();
    const notes: Record<string, string> = {};
    applySizeLimits(near, { proxyAddresses: addresses(n) }, notes);
    assert.equal(near.predictedExportError, undefined, `${n} addresses are not refused outright`);
    assert.match(notes.proxyAddresses ?? '', new RegExp(`${n} addresses: near the object size limit.*may fail with LargeObject`));
  }

  const over = facts();
  const overNotes: Record<string, string> = {};
  applySizeLimits(over, { proxyAddresses: addresses(333) }, overNotes);
  assert.equal(over.predictedExportError?.code, 'LargeObject');
  assert.match(overNotes.proxyAddresses ?? '', /333 addresses: over the 332/);
});

test('a limit decides alone: certificates within the limit do not hide too many addresses, and the first error found is kept', () => {
  const f = facts();
  applySizeLimits(f, { userCertificate: certificates(15), proxyAddresses: addresses(333) }, {});
  assert.match(f.predictedExportError?.reason ?? '', /proxyAddresses holds 333/);
  const both = facts();
  applySizeLimits(both, { userCertificate: certificates(20), proxyAddresses: addresses(400) }, {});
  assert.match(both.predictedExportError?.reason ?? '', /userCertificate holds 20 certificates/);
});
