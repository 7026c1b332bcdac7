// Text as Windows tools write it: UTF-8 with or without a byte-order mark, UTF-16 with one, and
// UTF-16 without one (some .NET writers), told apart from UTF-8 by its NUL bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeText, utf16WithoutMark } from '../../../../src/adapters/io/decode-text';

const xml = '<?xml version="1.0" encoding="utf-16"?>\r\n<ma-data><name>Zoë Ñúñez · 名前</name></ma-data>\r\n';

test('UTF-16 LE and BE without a byte-order mark decode as with one', () => {
  const le = Buffer.from(xml, 'utf16le');
  assert.equal(utf16WithoutMark(le), 'utf-16le');
  assert.equal(decodeText(le), xml);
  const be = Buffer.from(xml, 'utf16le').swap16();
  assert.equal(utf16WithoutMark(be), 'utf-16be');
  assert.equal(decodeText(be), xml);
});

test('UTF-8 is not taken for UTF-16, whatever its script', () => {
  for (const text of [xml, 'dn: CN=名前,OU=東京,DC=corp,DC=contoso,DC=com\ncn: 名前\n', 'ab', '{}']) {
    const bytes = Buffer.from(text, 'utf8');
    assert.equal(utf16WithoutMark(bytes), undefined, text);
    assert.equal(decodeText(bytes), text);
  }
});
