// Property-based fuzz (fast-check) of the parsers that take untrusted text: distinguished
// names, the expression language, LDIF snapshots and the configuration file. For any input:
// no crash (only SyncError with a catalog code, or a result), no hang (each test has a
// time-out; deep nesting included), and a named error with a reason and a recommended action.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { LdifDirectorySource } from '../../../src/adapters/ad/ldif/ldif-source';
import { loadConfiguration, parseConfiguration } from '../../../src/app/config';
import { JsonSyntaxError, parseJsonWithPositions } from '../../../src/app/config/json-positions';
import { isSyncError } from '../../../src/engine/errors';
import { compileExpression } from '../../../src/engine/expressions';
import { Dn, escapeDnValue } from '../../../src/engine/model/dn';

const runs = { numRuns: 400 };
const limits = { timeout: 120_000 };

/** Runs fn; a thrown error must be a SyncError with one of the codes, a reason and an action. */
function namedOrResult<T>(fn: () => T, codes: string[]): T | undefined {
  try {
    return fn();
  } catch (err) {
    assert.ok(isSyncError(err), `not a SyncError: ${(err as Error)?.name}: ${(err as Error)?.message}`);
    assert.ok(codes.includes(err.code), `unexpected code ${err.code}`);
    assert.ok(err.reason.length > 0 && err.recommendedAction.length > 0);
    return undefined;
  }
}
async function namedOrResultAsync<T>(fn: () => Promise<T>, codes: string[]): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    assert.ok(isSyncError(err), `not a SyncError: ${(err as Error)?.name}: ${(err as Error)?.message}`);
    assert.ok(codes.includes(err.code), `unexpected code ${err.code}`);
    assert.ok(err.reason.length > 0 && err.recommendedAction.length > 0);
    return undefined;
  }
}

/** Text from an alphabet that hits the grammar often, mixed with any Unicode. */
const grammarText = (alphabet: string[], maxLength = 200) =>
  fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...alphabet) }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) }), { maxLength }).map((parts) => parts.join(''));

/** Deep nesting: open^n body close^n, for the parsers that recurse. */
const nested = (open: string, body: string, close: string) => fc.integer({ min: 1, max: 20_000 }).map((n) => open.repeat(n) + body + close.repeat(n));

const dnAlphabet = ['CN', 'OU', 'DC', 'cn', '2.5.4.3', 'OID.', '=', ',', ';', '+', ' ', '\\', '\\2C', '\\ZZ', '#', '#0403616263', '"', '<', '>', 'a', 'Smith', '\u0000', '\u202e', 'é', '\ud800'];

test('fuzz: Dn.parse either answers or throws MalformedDistinguishedName, and what it answers round-trips', limits, () => {
  const container = Dn.parse('DC=x');
  fc.assert(fc.property(fc.oneof(grammarText(dnAlphabet), fc.string(), nested('CN=a,', 'DC=x', '')), (text) => {
    const dn = namedOrResult(() => Dn.parse(text), ['MalformedDistinguishedName']);
    if (dn) {
      assert.equal(typeof dn.isWithin(container), 'boolean');
      const again = Dn.parse(dn.toString());
      assert.ok(again.equals(dn), `${JSON.stringify(text)} -> ${dn.toString()}`);
      assert.equal(again.key, dn.key);
    }
  }), runs);
});

test('fuzz: any value survives escapeDnValue -> Dn.parse unchanged (round trip)', limits, () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), (value) => {
    const dn = Dn.parse(`CN=${escapeDnValue(value)},OU=Sales,DC=contoso,DC=com`);
    assert.equal(dn.rdnValue, value, `${JSON.stringify(value)} -> ${dn.toString()} (${escapeDnValue(value)})`);
    assert.equal(Dn.parse(dn.toString()).rdnValue, value, 'written back and parsed again');
  }), runs);
});

const expressionAlphabet = ['IIF(', 'Trim(', 'Left(', 'Join(', 'Unknown(', '(', ')', ',', '[mail]', '[', ']', '%Domain.Netbios%', '"x"', '"', '\\"', '&', '+', '-', '!', '=', '<>', '<=', '&&', '||', '1', '2.5', 'true', 'NULL', 'AuthoritativeNull', ' ', '$var', 'word'];

test('fuzz: compileExpression either compiles or throws a named expression error', limits, () => {
  fc.assert(fc.property(fc.oneof(grammarText(expressionAlphabet), fc.string(), nested('(', '1', ')'), nested('Trim(', '"a"', ')'), nested('-', '1', ''), nested('"a" & ', '"b"', '')), (text) => {
    namedOrResult(() => compileExpression(text), ['ExpressionSyntaxError', 'UnknownFunction', 'WrongArgumentCount']);
  }), runs);
});

const ldifLines = fc.constantFrom(
  'version: 1', '', 'dn: CN=A,DC=corp,DC=contoso,DC=com', 'dn:: Q049QSxEQz1jb3Jw', 'dn:: ////', 'dn: ', 'objectClass: user', 'objectClass: crossRef',
  'member: CN=A,DC=corp,DC=contoso,DC=com', 'member;range=0-1: x', 'objectGUID:: AAECAwQFBgcICQoLDA0ODw==', 'objectGUID:: ==', 'description:< file:///etc/passwd',
  'changetype: add', 'changetype: modify', ' folded', '# comment', 'no colon here', 'cn:: 4pyT', 'nCName: DC=corp,DC=contoso,DC=com', 'systemFlags: 3', 'dnsRoot: corp.contoso.com',
  'dn: CN=\\,bad', 'dn: ,,,', '\uFEFFdn: CN=B,DC=x',
);

test('fuzz: an LDIF snapshot loads or is LdifUnreadable (never a crash), reads answer or name the error', limits, async () => {
  await fc.assert(fc.asyncProperty(fc.array(fc.oneof({ weight: 5, arbitrary: ldifLines }, { weight: 1, arbitrary: fc.string() }), { maxLength: 40 }), fc.boolean(), async (lines, crlf) => {
    const source = new LdifDirectorySource({ text: lines.join(crlf ? '\r\n' : '\n'), name: 'fuzz.ldif' });
    const loaded = await namedOrResultAsync(() => source.rootDse(), ['LdifUnreadable']);
    if (loaded) {
      await namedOrResultAsync(() => source.readObject(Dn.parse('CN=A,DC=corp,DC=contoso,DC=com')), ['MalformedDistinguishedName']);
      await namedOrResultAsync(() => source.partitions(), ['MalformedDistinguishedName', 'LdifUnreadable']);
    }
  }), { numRuns: 300 });
});

/** JSON text: valid documents shaped like a configuration, damaged at a random place, or deeply nested. */
const configJson = fc.oneof(
  fc.record({
    activeDirectory: fc.oneof(fc.constant([{ name: 'corp', ldifFile: 'x.ldif', partitions: [{ dn: 'DC=corp,DC=com' }] }]), fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 })),
    entra: fc.oneof(fc.constant({ tenantId: 't', clientId: 'c', clientSecretEnv: 'S' }), fc.jsonValue({ maxDepth: 3 })),
    rules: fc.oneof(fc.constant('builtin'), fc.jsonValue({ maxDepth: 2 })),
    stateDir: fc.jsonValue({ maxDepth: 1 }),
  }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.tuple(fc.json({ maxDepth: 4 }), fc.nat(), fc.string({ maxLength: 3 })).map(([text, at, junk]) => text.slice(0, at % (text.length + 1)) + junk + text.slice(at % (text.length + 1))),
  nested('{"a":[', '1', ']}'),
  nested('[', '', ']'),
);

test('fuzz: the configuration loader gives a configuration or a named Configuration* error', limits, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sos-fuzz-config-'));
  const file = path.join(dir, 'single-object-sync.json');
  await fc.assert(fc.asyncProperty(configJson, async (text) => {
    // In memory: positions parser, then validation (never throws; problems are listed).
    let value: unknown;
    try {
      value = parseJsonWithPositions(text).value;
    } catch (err) {
      assert.ok(err instanceof JsonSyntaxError, `not a JsonSyntaxError: ${(err as Error)?.message}`);
    }
    if (value !== undefined) assert.ok(Array.isArray(parseConfiguration(value, file).problems));
    // From a file, as the CLI loads it.
    writeFileSync(file, text);
    await namedOrResultAsync(() => loadConfiguration(file), ['ConfigurationNotJson', 'ConfigurationInvalid', 'ConfigurationNotFound']);
  }), { numRuns: 300 });
});
