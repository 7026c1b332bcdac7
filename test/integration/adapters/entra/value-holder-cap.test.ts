// One user with 20,000 proxyAddresses (red-team finding 6) made one staging run send 444 $batch
// POSTs (8,743 inner GETs: 3 per 7 addresses) and wait out the tenant's resource-unit throttling
// (3,500 units per 10 s for a small tenant: past the burst, every $batch met inner 429s), 15-19 s
// in step 8 for an object certain to fail with LargeObject (more than 332 addresses). Now at most
// 332 addresses are looked up (MAX_LOOKED_UP_ADDRESSES, the most an object can hold), the UPN's
// first, and the result says how many holders were not looked up (ValueHolders.unchecked, which
// step 8 shows as NotChecked). The real adapter against the emulator, requests counted in its log.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EntraTarget } from '../../../../src/engine/ports/entra-target';
import { clearTokenCache, createEntraTarget } from '../../../../src/adapters/entra/index';
import { MAX_LOOKED_UP_ADDRESSES } from '../../../../src/adapters/entra/graph/graph-target';
import { startEmulator, type Emulator } from '../../../graph-emulator/index';

let emu: Emulator;
const targets: EntraTarget[] = [];

before(async () => {
  emu = await startEmulator();
});
after(async () => {
  for (const t of targets) await t.close();
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  clearTokenCache();
});

function target(): EntraTarget {
  const t = createEntraTarget({
    tenantId: emu.tenantId, clientId: emu.clientId, authorityHost: emu.authorityHost, graphEndpoint: emu.graphEndpoint, caFile: emu.caFile,
  }, emu.clientSecret);
  targets.push(t);
  return t;
}

const addresses = (n: number) => Array.from({ length: n }, (_, i) => `a${i}@contoso.com`);
const batchPosts = () => emu.requestLog().filter((r) => r.method === 'POST' && r.path === '/v1.0/$batch');
const innerRequests = () => batchPosts().reduce((sum, r) => sum + (r.innerRequests ?? 0), 0);
/** 3 lookups (users, groups, contacts) per 7 addresses, plus the UPN's. */
const lookups = (n: number) => Math.ceil(n / 7) * 3 + 1;

describe('the holders of an object\'s SMTP addresses', () => {
  test('20,000 addresses: only the first 332 are looked up (8 $batch POSTs, not 429), and the result says the others were not', async () => {
    emu.seed({
      users: [
        { id: 'u-early', userPrincipalName: 'early@contoso.com', displayName: 'Holds a5', proxyAddresses: ['SMTP:early@contoso.com', 'smtp:a5@contoso.com'] },
        { id: 'u-late', userPrincipalName: 'late@contoso.com', displayName: 'Holds a15000', proxyAddresses: ['SMTP:late@contoso.com', 'smtp:a15000@contoso.com'] },
      ],
      // The object's UPN as an address, last of 20,000: looked up first, as it is most often the primary one.
      groups: [{ id: 'g-upn', displayName: 'Holds the UPN', mailEnabled: true, securityEnabled: false, mailNickname: 'mv', mail: 'mv@contoso.com', proxyAddresses: ['SMTP:mv@contoso.com'] }],
    });
    const t = target();
    const { holders, unchecked } = await t.findValueHolders({ userPrincipalName: 'mv@contoso.com', smtpAddresses: [...addresses(19_999), 'MV@contoso.com'] });
    assert.deepEqual(holders.map((h) => h.id).sort(), ['g-upn', 'u-early']);
    assert.equal(innerRequests(), lookups(MAX_LOOKED_UP_ADDRESSES));
    assert.equal(batchPosts().length, Math.ceil(lookups(MAX_LOOKED_UP_ADDRESSES) / 20));
    assert.equal(batchPosts().length, 8);
    assert.deepEqual(unchecked, [
      "the holders of 19,668 of the object's 20,000 SMTP addresses (only the first 332 were looked up: Microsoft Entra ID lets one object hold at most 332 proxy addresses, so its export fails with LargeObject whoever holds the others)",
    ]);
  });

  test('332 addresses, the most an object can hold: every one is looked up, nothing is said to be unchecked', async () => {
    emu.seed({ users: [{ id: 'u-last', userPrincipalName: 'last@contoso.com', displayName: 'Holds a331', proxyAddresses: ['SMTP:last@contoso.com', 'smtp:a331@contoso.com'] }] });
    const { holders, unchecked } = await target().findValueHolders({ userPrincipalName: 'mv@contoso.com', smtpAddresses: addresses(MAX_LOOKED_UP_ADDRESSES) });
    assert.deepEqual(holders.map((h) => h.id), ['u-last']);
    assert.deepEqual(unchecked, []);
    assert.equal(innerRequests(), lookups(MAX_LOOKED_UP_ADDRESSES));
  });

  test('the combined lookup (anchor and holders in one round trip) is capped the same way and says so', async () => {
    const { byAnchor, valueHolders } = await target().findByImmutableIdWithValueHolders!('user', 'QUJD', { userPrincipalName: 'mv@contoso.com', smtpAddresses: addresses(1_000) });
    assert.equal(byAnchor, null);
    assert.equal(innerRequests(), lookups(MAX_LOOKED_UP_ADDRESSES) + 1, 'the anchor lookup besides');
    assert.match(valueHolders.unchecked.join(' '), /^the holders of 668 of the object's 1,000 SMTP addresses/);
  });

  test('the lookups grow with the addresses up to the cap, then stay: 2,000 and 200,000 addresses cost the same', { timeout: 120_000 }, async () => {
    await target().findValueHolders({ smtpAddresses: addresses(2_000) });
    const for2000 = innerRequests();
    emu.reset();
    clearTokenCache();
    await target().findValueHolders({ smtpAddresses: addresses(200_000) });
    assert.equal(innerRequests(), for2000);
  });
});
