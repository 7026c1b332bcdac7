import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  base64ToBytes,
  bytesToBase64,
  decodeUserAccountControl,
  fileTimeToIso,
  generalizedTimeToIso,
  guidBytesToImmutableId,
  guidBytesToString,
  guidStringToBytes,
  guidStringToImmutableId,
  hasUacFlag,
  immutableIdToGuidString,
  isAccountEnabled,
  isoToFileTime,
  sidBytesToString,
  sidStringToBytes,
} from '../../../../src/engine/model/ad-codecs';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s/g, ''), 'hex'));

describe('objectGUID', () => {
  // .NET: new Guid("00112233-4455-6677-8899-aabbccddeeff").ToByteArray() - AD's storage order.
  const bytes = hex('33 22 11 00 55 44 77 66 88 99 aa bb cc dd ee ff');

  it('decodes AD byte order into the GUID string', () => {
    assert.equal(guidBytesToString(bytes), '00112233-4455-6677-8899-aabbccddeeff');
  });

  it('encodes a GUID string (braces, upper case) back into AD byte order', () => {
    assert.deepEqual(guidStringToBytes('{00112233-4455-6677-8899-AABBCCDDEEFF}'), bytes);
  });

  it('gives the immutableId Entra Connect computes (base64 of the stored bytes)', () => {
    // [Convert]::ToBase64String(([Guid]"00112233-4455-6677-8899-aabbccddeeff").ToByteArray())
    assert.equal(guidBytesToImmutableId(bytes), 'MyIRAFVEd2aImaq7zN3u/w==');
    assert.equal(guidStringToImmutableId('00112233-4455-6677-8899-aabbccddeeff'), 'MyIRAFVEd2aImaq7zN3u/w==');
    assert.equal(immutableIdToGuidString('MyIRAFVEd2aImaq7zN3u/w=='), '00112233-4455-6677-8899-aabbccddeeff');
  });

  it('matches the fixture consistency GUIDs (test/ad/FIXTURES.md)', () => {
    assert.equal(guidStringToImmutableId('6f1a3c2e-9b4d-4e8f-a1b2-c3d4e5f60718'), 'Ljwab02bj06hssPU5fYHGA==');
  });

  it('rejects wrong lengths and non-GUIDs', () => {
    assert.throws(() => guidBytesToString(new Uint8Array(15)), /16 bytes/);
    assert.throws(() => guidStringToBytes('not-a-guid'), /not a GUID/);
    assert.equal(immutableIdToGuidString('AAAA'), undefined);
    assert.equal(immutableIdToGuidString('***'), undefined);
  });
});

describe('objectSid', () => {
  it('decodes a domain account SID', () => {
    // S-1-5-21-1004336348-1177238915-682003330-512 (Domain Admins of some domain)
    const bytes = hex('01 05 00 00 00 00 00 05 15 00 00 00 dc f4 dc 3b 83 3d 2b 46 82 8b a6 28 00 02 00 00');
    assert.equal(sidBytesToString(bytes), 'S-1-5-21-1004336348-1177238915-682003330-512');
    assert.deepEqual(sidStringToBytes('S-1-5-21-1004336348-1177238915-682003330-512'), bytes);
  });

  it('decodes well-known SIDs and rejects truncated ones', () => {
    assert.equal(sidBytesToString(hex('01 01 00 00 00 00 00 01 00 00 00 00')), 'S-1-1-0');
    assert.equal(sidBytesToString(sidStringToBytes('S-1-5-32-544')), 'S-1-5-32-544');
    assert.throws(() => sidBytesToString(hex('01 05 00 00 00 00 00 05 15 00 00 00')), /sub-authorities/);
  });
});

describe('userAccountControl', () => {
  it('names the flags', () => {
    assert.deepEqual(decodeUserAccountControl(514), ['ACCOUNTDISABLE', 'NORMAL_ACCOUNT']);
    assert.deepEqual(decodeUserAccountControl('66048'), ['NORMAL_ACCOUNT', 'DONT_EXPIRE_PASSWORD']);
    assert.deepEqual(decodeUserAccountControl(4096), ['WORKSTATION_TRUST_ACCOUNT']);
  });

  it('computes enabled the way Entra Connect does', () => {
    assert.equal(isAccountEnabled(512), true);
    assert.equal(isAccountEnabled('514'), false);
    assert.equal(hasUacFlag(-2147483646, 'ACCOUNTDISABLE'), true);
    assert.throws(() => isAccountEnabled('abc'), /not a userAccountControl/);
  });

  it('takes decimal text only, as AD writes an INTEGER: a hostile "0x2" is not read as disabled', () => {
    for (const text of ['0x2', '1e1', ' 2 ', '2.0', '', '99999999999']) assert.throws(() => hasUacFlag(text, 'ACCOUNTDISABLE'), /not a userAccountControl/, JSON.stringify(text));
    assert.equal(hasUacFlag('-2147483646', 'ACCOUNTDISABLE'), true, 'a signed 32-bit value as AD may write it');
  });
});

describe('times', () => {
  it('converts FILETIME to ISO 8601, "never" to undefined', () => {
    assert.equal(fileTimeToIso('116444736000000000'), '1970-01-01T00:00:00.000Z');
    assert.equal(fileTimeToIso('133485408000000000'), '2024-01-01T00:00:00.000Z');
    assert.equal(fileTimeToIso('0'), undefined);
    assert.equal(fileTimeToIso('9223372036854775807'), undefined);
    assert.equal(isoToFileTime('2024-01-01T00:00:00.000Z'), '133485408000000000');
    assert.throws(() => fileTimeToIso('12a'), /not a FILETIME/);
  });

  it('converts generalized time to ISO 8601 UTC', () => {
    assert.equal(generalizedTimeToIso('20240131120000.0Z'), '2024-01-31T12:00:00.000Z');
    assert.equal(generalizedTimeToIso('20240131120000Z'), '2024-01-31T12:00:00.000Z');
    assert.equal(generalizedTimeToIso('20240131120000.25Z'), '2024-01-31T12:00:00.250Z');
    assert.equal(generalizedTimeToIso('20240131140000+0200'), '2024-01-31T12:00:00.000Z');
    assert.equal(generalizedTimeToIso('2024013112Z'), '2024-01-31T12:00:00.000Z');
    assert.throws(() => generalizedTimeToIso('2024-01-31'), /not a generalized time/);
  });
});

describe('base64', () => {
  it('round-trips bytes and rejects junk', () => {
    const bytes = hex('00 ff 10 20 7f 80');
    assert.equal(bytesToBase64(bytes), Buffer.from(bytes).toString('base64'));
    assert.deepEqual(base64ToBytes(bytesToBase64(bytes)), bytes);
    assert.throws(() => base64ToBytes('a b'), /base64/);
  });
});
