// attributeLookup answers as getValues does (AD names are case-insensitive; the stored spelling
// is kept), for every name, while indexing the record once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attributeLookup, getValues, lowerCaseName, type Attributes } from '../../../../src/engine/model/attributes';

test('attributeLookup gives getValues\' answer for exact, other-case and absent names, and the first of two spellings', () => {
  const attributes: Attributes = { displayName: ['Eva'], Mail: ['eva@contoso.com'], mail: ['second spelling'], proxyAddresses: ['SMTP:eva@contoso.com', 'smtp:e@contoso.com'] };
  const lookup = attributeLookup(attributes);
  for (const name of ['displayName', 'DISPLAYNAME', 'mail', 'MAIL', 'Mail', 'proxyaddresses', 'department', 'constructor', '__proto__', 'toString', '']) {
    assert.deepEqual(lookup(name), getValues(attributes, name), name);
  }
  assert.deepEqual(lookup('MAIL'), ['eva@contoso.com'], 'the first key in the record\'s order wins, as a scan finds it');
  assert.equal(lookup('toString'), undefined, 'an inherited property is not an attribute');
});

test('lowerCaseName lower-cases any name, remembered or not', () => {
  for (const name of ['Mail', 'mS-DS-ConsistencyGuid', 'İstanbul', 'ß', '']) assert.equal(lowerCaseName(name), name.toLowerCase());
  for (let i = 0; i < 10_050; i++) assert.equal(lowerCaseName(`Name${i}`), `name${i}`);
});
