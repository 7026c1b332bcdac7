// The expression language against a table of expressions and expected values: literals,
// operators and their evaluation order, NULL handling, multi-valued semantics and every function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpression, functionNames, AuthoritativeNull, IgnoreThisFlow, type Value } from '../../../../src/engine/expressions';
import type { AttributeValue } from '../../../../src/engine/model/attributes';
import { getValues } from '../../../../src/engine/model/attributes';
import { syncErrorOf } from '../../../support/sync-error-of';

const guidBytes = Uint8Array.from(Buffer.from('78563412bc9af0de1234567890abcdef', 'hex'));
// S-1-5-21-1004336348-1177238915-682003330-512
const sidBytes = Uint8Array.from([1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xdc, 0xf4, 0xdc, 0x3b, 0x83, 0x3d, 0x2b, 0x46, 0x82, 0x8b, 0xa6, 0x28, 0x00, 0x02, 0x00, 0x00]);

const attributes: Record<string, AttributeValue[]> = {
  sAMAccountName: ['jdoe'],
  cn: ['Jane Doe'],
  displayName: ['  Jane Doe  '],
  userAccountControl: ['514'],
  groupType: ['-2147483646'],
  msExchRecipientTypeDetails: ['2147483648'],
  objectGUID: [guidBytes],
  objectSid: [sidBytes],
  pwdLastSet: ['133500000000000000'],
  proxyAddresses: ['smtp:jd@contoso.com', 'SMTP:Jane.Doe@contoso.com', ' x500:/o=Contoso '],
  otherTelephone: ['1', '2', '1'],
  description: ['First line'],
  mailNickname: ['CAS_{abc}'],
  emptyValue: [''],
  dn: ['CN=Jane\\0ACNF:5b0c,OU=Users,DC=corp,DC=contoso,DC=com'],
  whenCreated: ['20240115093000.0Z'],
  isEnabled: ['TRUE'],
};
const parameters: Record<string, string> = { 'Domain.FQDN': 'corp.contoso.com', 'Domain.Netbios': 'CORP', 'Forest.LDAP': 'DC=contoso,DC=com', 'Connector.ID': '{AE4DB4CC}' };
const now = new Date('2025-03-01T12:00:00Z');
const context = { attribute: (name: string) => getValues(attributes, name), parameter: (name: string) => parameters[name], now };
const run = (text: string): Value => compileExpression(text).evaluate(context);

const table: [string, Value][] = [
  // literals and references
  ['"text"', 'text'],
  ['"say \\"hi\\""', 'say "hi"'],
  ['42', 42],
  ['-7', -7],
  ['&H21C07000', 0x21c07000],
  ['&HFF', 255],
  ['True', true],
  ['False', false],
  ['NULL', null],
  ['[sAMAccountName]', 'jdoe'],
  ['[missing]', null],
  ['[proxyAddresses]', ['smtp:jd@contoso.com', 'SMTP:Jane.Doe@contoso.com', ' x500:/o=Contoso ']],
  ['%Domain.FQDN%', 'corp.contoso.com'],
  ['%Unknown.Parameter%', null],
  // operators and evaluation order
  ['[sAMAccountName] & "@" & %Domain.FQDN%', 'jdoe@corp.contoso.com'],
  ['"a" & NULL', 'a'],
  ['1 + 2', 3],
  ['2*5+3', 13],
  ['2*(5+3)', 16],
  ['10 - 2 - 3', 5],
  ['"1" + "2"', 3],
  ['[userAccountControl] = 514', true],
  ['[userAccountControl] <> 514', false],
  ['[userAccountControl] > 500', true],
  ['[userAccountControl] <= 513', false],
  ['[userAccountControl] >= 514', true],
  ['[userAccountControl] < 600', true],
  ['[missing] = "x"', false],
  ['[missing] <> "x"', true],
  ['[sAMAccountName] = "JDOE"', false],
  ['[isEnabled] = True', true],
  // Expressions doc, "Multi-valued attributes": "For multi-valued attributes, the function operates over every value
  // and applies the same function to every value", with IIF(InStr([proxyAddresses],"SIP:")=1,NULL,[proxyAddresses])
  // "Look for the SIP-address and remove it from the values": the comparison is made per value, so over a
  // multi-valued attribute it gives a result per value (it gave true, "any value matches", before).
  ['[proxyAddresses] = "SMTP:Jane.Doe@contoso.com"', [false, true, false]],
  // Values that are not one attribute's (a function's list) keep the operators' own rule: "=" holds when any value matches.
  ['Split("a,b", ",") = "b"', true],
  ['True && False', false],
  ['True || False', true],
  ['!True', false],
  ['!IsPresent([missing])', true],
  ['IsPresent([missing]) = False || [sAMAccountName] = "jdoe"', true],
  ['False || True && False', false],
  ['False || (True && False)', false],
  ['NULL || True', true],
  ['IIF(True, "yes", Error("never raised"))', 'yes'],
  // conversion
  ['CBool("true")', true],
  ['CBool(0)', false],
  ['CBool(BitAnd([groupType],-2147483648))', true],
  ['CBool(NULL)', null],
  ['CNum("12")', 12],
  ['CStr(12)', '12'],
  ['CStr(True)', 'True'],
  ['CRef("CN=x,DC=y")', 'CN=x,DC=y'],
  ['StringFromGuid([objectGUID])', '12345678-9abc-def0-1234-567890abcdef'],
  ['StringFromGuid(CGuid("{12345678-9abc-def0-1234-567890abcdef}"))', '12345678-9abc-def0-1234-567890abcdef'],
  ['StringFromSid([objectSid])', 'S-1-5-21-1004336348-1177238915-682003330-512'],
  ['ConvertToBase64([objectGUID])', 'eFY0Erya8N4SNFZ4kKvN7w=='],
  ['ConvertToBase64("Hello world!")', 'SABlAGwAbABvACAAdwBvAHIAbABkACEA'],
  ['ConvertToBase64("Hello world!", "UTF8")', 'SGVsbG8gd29ybGQh'],
  ['ConvertFromBase64("SABlAGwAbABvACAAdwBvAHIAbABkACEA")', 'Hello world!'],
  ['ConvertFromBase64("SGVsbG8gd29ybGQh", "UTF8")', 'Hello world!'],
  ['ConvertToUTF8Hex("Hello world!")', '48656C6C6F20776F726C6421'],
  ['ConvertFromUTF8Hex("48656C6C6F20776F726C6421")', 'Hello world!'],
  ['IIF(IsString([objectGUID]),CStr([objectGUID]),ConvertToBase64([objectGUID]))', 'eFY0Erya8N4SNFZ4kKvN7w=='],
  ['Len(CBin(2,1))', 1],
  ['Len(Thumbprint("abc"))', 20],
  ['Len(GUID())', 36],
  ['Len(Guid())', 36],
  // dates
  ['FormatDateTime(DateFromNum([pwdLastSet]),"yyyyMMddHHmmss.0Z")', '20240117212000.0Z'],
  ['CStr(FormatDateTime(DateFromNum(0),"yyyy-MM-dd"))', '1601-01-01'],
  ['NumFromDate(CDate("2024-01-17T21:20:00Z"))', 133500000000000000],
  ['FormatDateTime(CDate([whenCreated]),"dd/MM/yyyy HH:mm")', '15/01/2024 09:30'],
  ['FormatDateTime(DateAdd("d", 3, CDate("2024-01-30T00:00:00Z")),"yyyy-MM-dd")', '2024-02-02'],
  ['FormatDateTime(DateAdd("m", 1, CDate("2024-01-15T00:00:00Z")),"yyyy-MM-dd")', '2024-02-15'],
  ['FormatDateTime(Now(),"yyyy-MM-dd HH:mm:ss")', '2025-03-01 12:00:00'],
  ['IsDate("2024-01-01")', true],
  ['IsDate("not a date")', false],
  // directory
  ['DNComponent(CRef([dn]),1)', 'Jane\\0ACNF:5b0c'],
  ['DNComponent(CRef([dn]),2)', 'Users'],
  ['CBool(InStr(DNComponent(CRef([dn]),1),"\\\\0ACNF:")>0)', true],
  ['DNComponentRev(CRef([dn]),1)', 'com'],
  ['DNComponentRev(CRef([dn]),1,"DC")', 'Users'],
  ['EscapeDNComponent("Doe, Jane")', 'Doe\\, Jane'],
  // evaluation
  ['IsBitSet(&HF,4)', true],
  ['IsBitSet([userAccountControl],2)', true],
  ['IsEmpty([emptyValue])', true],
  ['IsEmpty([missing])', false],
  ['IsGuid("{12345678-9abc-def0-1234-567890abcdef}")', true],
  ['IsGuid("nope")', false],
  ['IsNull([missing])', true],
  ['IsNull([cn])', false],
  ['IsNullOrEmpty([emptyValue])', true],
  ['IsNullOrEmpty([cn])', false],
  ['IsNumeric("12.5")', true],
  ['IsNumeric("abc")', false],
  ['IsPresent([cn])', true],
  ['IsPresent([emptyValue])', false],
  ['IsString([cn])', true],
  ['IsString([objectGUID])', false],
  // math
  ['BitAnd([userAccountControl],2)', 2],
  ['BitAnd([msExchRecipientTypeDetails],&H21C07000) > 0', false],
  ['BitOr(1,4)', 5],
  ['RandomNum(5,5)', 5],
  // multi-valued
  ['Contains([proxyAddresses], "SMTP:")', 2],
  ['Contains([proxyAddresses], "smtp:jd")', 1],
  ['Contains([proxyAddresses], "SMTP:JD", "CaseInsensitive")', 1],
  ['Contains([proxyAddresses], "sip:")', 0],
  ['Item([proxyAddresses], Contains([proxyAddresses], "SMTP:"))', 'SMTP:Jane.Doe@contoso.com'],
  ['ItemOrNull([proxyAddresses], 9)', null],
  ['Count([proxyAddresses])', 3],
  ['Count([missing])', 0],
  ['ValueCount("proxyAddresses")', 3],
  ['Join([otherTelephone], ";")', '1;2;1'],
  ['RemoveDuplicates([otherTelephone])', ['1', '2']],
  ['Split("a,b,c", ",")', ['a', 'b', 'c']],
  ['Split("a,b,c", ",", 2)', ['a', 'b,c']],
  ['Trim([proxyAddresses])', ['smtp:jd@contoso.com', 'SMTP:Jane.Doe@contoso.com', 'x500:/o=Contoso']],
  ['RemoveDuplicates(Trim(ImportedValue("proxyAddresses")))', ['smtp:jd@contoso.com', 'SMTP:Jane.Doe@contoso.com', 'x500:/o=Contoso']],
  ['LCase([proxyAddresses])', ['smtp:jd@contoso.com', 'smtp:jane.doe@contoso.com', ' x500:/o=contoso ']],
  ['"x:" & [otherTelephone]', ['x:1', 'x:2', 'x:1']],
  ['Select($item, [otherTelephone], "+" & $item)', ['+1', '+2', '+1']],
  ['Where($item, [proxyAddresses], Left($item, 5) = "SMTP:")', ['SMTP:Jane.Doe@contoso.com']],
  ['With($n, Count([proxyAddresses]), $n * 2)', 6],
  // a lambda inside a lambda sees the outer variable; the inner one shadows a same-named outer one
  ['Select($item, [otherTelephone], With($p, "+", $p & $item))', ['+1', '+2', '+1']],
  ['With($n, 2, With($n, 3, $n) * $n)', 6],
  // program flow
  ['IIF([userAccountControl] = 514, "disabled", "enabled")', 'disabled'],
  ['Switch(False, "a", True, "b")', 'b'],
  ['Switch(False, "a")', null],
  ['AuthoritativeNull', AuthoritativeNull],
  ['IgnoreThisFlow', IgnoreThisFlow],
  ['IIF(IsNullOrEmpty([missing]),IgnoreThisFlow,[missing])', IgnoreThisFlow],
  // text
  ['InStr("The quick fox", "quick")', 5],
  ['InStr("The quick fox", "Quick")', 0],
  ['InStr("The quick fox", "Quick", 1, "CaseInsensitive")', 5],
  ['InStrRev("a.b.c", ".")', 4],
  ['LCase("ABC")', 'abc'],
  ['UCase("abc")', 'ABC'],
  ['Left("John Doe", 3)', 'Joh'],
  // Functions reference, Left: "If string is null, return empty string." (it gave NULL before)
  ['Left([missing], 3)', ''],
  ['Right("John Doe", 3)', 'Doe'],
  ['Mid("John Doe", 3, 5)', 'hn Do'],
  ['Len("John")', 4],
  ['LTrim("  a ")', 'a '],
  ['RTrim("  a ")', '  a'],
  ['Trim([displayName])', 'Jane Doe'],
  ['PadLeft("7", 3, "0")', '007'],
  ['PadRight("7", 3)', '7  '],
  // Functions reference, PCase: "This function does not currently provide proper casing to convert a word that is
  // entirely uppercase, such as an acronym" (hence its example PCase(LCase("TEST")) = "Test"): "TEST" stays (it gave
  // "Test String" before).
  ['PCase("TEST sTrInG")', 'TEST String'],
  ['Replace("a-b-c", "-", "+")', 'a+b+c'],
  ['ReplaceChars("München", "ü:ue")', 'Muenchen'],
  ['Word("The quick brown fox", 3, " ")', 'brown'],
  ['Word("User_1234", 1, "_")', 'User'],
  ['Word("a b", 5, " ")', ''],
  ['Left(Trim(Item([description],1)),448)', 'First line'],
  ['IIF(IsPresent([isCriticalSystemObject]) || IsPresent([sAMAccountName]) = False || [sAMAccountName] = "SUPPORT_388945a0" || (Left([mailNickname], 4) = "CAS_" && (InStr([mailNickname], "}") > 0)), True, NULL)', true],
];

for (const [expression, expected] of table) {
  test(`evaluates ${expression}`, () => {
    assert.deepEqual(run(expression), expected);
  });
}

test('every function of the library is exercised by the table', () => {
  const used = new Set<string>();
  for (const [expression] of table) for (const m of expression.matchAll(/([A-Za-z][A-Za-z0-9]*)\(/g)) used.add(m[1]!);
  // Cert* and IsCert are exercised with real certificates in cert-functions.test.ts.
  const missing = functionNames.filter((name) => !used.has(name) && !name.startsWith('Cert') && name !== 'IsCert');
  assert.deepEqual(missing, []);
});

test('the reference function list is implemented', () => {
  const reference = 'CBool CDate CGuid ConvertFromBase64 ConvertToBase64 ConvertFromUTF8Hex ConvertToUTF8Hex CNum CRef CStr StringFromGuid StringFromSid DateAdd DateFromNum FormatDateTime Now NumFromDate DNComponent DNComponentRev EscapeDNComponent IsBitSet IsDate IsEmpty IsGuid IsNull IsNullOrEmpty IsNumeric IsPresent IsString BitAnd BitOr RandomNum Contains Count Item ItemOrNull Join RemoveDuplicates Split Error IIF Select Switch Where With ImportedValue InStr InStrRev LCase Left Len LTrim Mid PadLeft PadRight PCase Replace ReplaceChars Right RTrim Trim UCase Word ValueCount'.split(' ');
  assert.deepEqual(reference.filter((name) => !functionNames.includes(name)), []);
});

test('a syntax error names the column', () => {
  const err = syncErrorOf(() => compileExpression('IIF([a] = 1, "x" "y")'));
  assert.equal(err.code, 'ExpressionSyntaxError');
  assert.equal(err.details.column, 18);
  assert.match(err.reason, /column 18/);
});

test('unterminated strings and attribute references are syntax errors with their column', () => {
  assert.equal(syncErrorOf(() => compileExpression('Trim("abc)')).details.column, 6);
  assert.equal(syncErrorOf(() => compileExpression('Trim([abc)')).details.column, 6);
  assert.equal(syncErrorOf(() => compileExpression('')).code, 'ExpressionSyntaxError');
  assert.equal(syncErrorOf(() => compileExpression('1 +')).code, 'ExpressionSyntaxError');
});

test('function names are case-sensitive and unknown functions fail at compile time', () => {
  const err = syncErrorOf(() => compileExpression('IIF(True, trim([cn]), "x")'));
  assert.equal(err.code, 'UnknownFunction');
  assert.equal(err.details.name, 'trim');
  assert.equal(err.details.column, 11);
  // A name that is a function's but for its case says which one.
  assert.match(err.reason, /unknown function trim at column 11 \(did you mean Trim\?\)/);
  assert.doesNotMatch(syncErrorOf(() => compileExpression('Trimm([cn])')).reason, /did you mean/);
});

test('a wrong argument count fails at compile time', () => {
  const err = syncErrorOf(() => compileExpression('Left([cn])'));
  assert.equal(err.code, 'WrongArgumentCount');
  assert.equal(err.details.expected, '2');
  assert.equal(err.details.actual, 1);
  assert.equal(syncErrorOf(() => compileExpression('Switch(True, "a", False)')).code, 'WrongArgumentCount');
  assert.equal(syncErrorOf(() => compileExpression('IIF(True, 1)')).code, 'WrongArgumentCount');
});

test('Error("...") becomes a SyncError ExpressionError whose reason is the text', () => {
  const err = syncErrorOf(() => compileExpression('IIF(IsPresent([missing]), [missing], Error("AccountName is not present"))').evaluate(context, { syncRule: 'R', attribute: 'userPrincipalName' }));
  assert.equal(err.code, 'ExpressionError');
  assert.equal(err.reason, 'AccountName is not present');
  assert.match(err.recommendedAction, /R/);
});

test('a bad input value is an ExpressionEvaluationFailed SyncError naming the function', () => {
  const err = syncErrorOf(() => run('CNum([sAMAccountName])'));
  assert.equal(err.code, 'ExpressionEvaluationFailed');
  assert.match(err.reason, /CNum/);
  assert.equal(syncErrorOf(() => run('Item([proxyAddresses], 7)')).code, 'ExpressionEvaluationFailed');
});

test('compiled expressions list the attributes they read', () => {
  const compiled = compileExpression('IIF(IsPresent([a]), ImportedValue("b") & [c], ValueCount("d"))');
  assert.deepEqual([...compiled.attributes].sort(), ['a', 'b', 'c', 'd']);
});

// One codec for the whole engine (issue 11): the language and the AD model agree on GUIDs,
// SIDs and generalized time, offsets and fractions included.
test('expressions and the AD codecs decode GUIDs, SIDs and generalized time the same way', async () => {
  const codecs = await import('../../../../src/engine/model/ad-codecs');
  assert.equal(run('StringFromGuid([objectGUID])'), codecs.guidBytesToString(guidBytes));
  assert.equal(run('StringFromSid([objectSid])'), codecs.sidBytesToString(sidBytes));
  assert.deepEqual(run(`CGuid("${codecs.guidBytesToString(guidBytes)}")`), guidBytes);
  const withOffset = '20240115093000.5+0130';
  const fromLanguage = run(`FormatDateTime(CDate("${withOffset}"),"yyyy-MM-ddTHH:mm:ss")`);
  assert.equal(fromLanguage, codecs.generalizedTimeToIso(withOffset).slice(0, 19));
  assert.throws(() => run('StringFromSid(CGuid("00000000-0000-0000-0000-000000000000"))'), /SID/);
  // A variable is bound only inside its lambda's body.
  assert.throws(() => run('With($n, 1, $n) & $n'), /\$n is not bound/);
});

test('the functions reference\'s own examples: unquoted enumerations and FormatDateTime\'s "yyyy-mm-dd"', () => {
  // Each example as the reference writes it, with the result it states.
  const run = (text: string) => compileExpression(text).evaluate({ attribute: () => undefined, parameter: () => undefined, now: new Date() });
  assert.equal(run('ConvertFromBase64("SGVsbG8gd29ybGQh", UTF8)'), 'Hello world!');
  assert.equal(run('ConvertFromBase64("SABlAGwAbABvACAAdwBvAHIAbABkACEA")'), 'Hello world!');
  assert.equal(run('InStr("repEated","e",3,vbBinaryCompare)'), 7);
  assert.equal(run('InStr("repEated","e",3,vbTextCompare)'), 4, 'text compare finds the capital E');
  assert.equal(run('InStrRev("abbcdbbbef","bb")'), 7);
  assert.equal(run('Contains(Split("smtp:a@contoso.com,SMTP:b@contoso.com", ","), "smtp:b", CaseInsensitive)'), 2);
  assert.equal(run('Contains(Split("smtp:a@contoso.com,SMTP:b@contoso.com", ","), "smtp:b", CaseSensitive)'), 0);
  assert.equal(run('FormatDateTime(CDate("12/25/2007"),"yyyy-mm-dd")'), '2007-12-25');
  assert.equal(run('FormatDateTime(DateFromNum(130543784930000000),"yyyyMMddHHmmss.0Z")'), '20140905081453.0Z');
  assert.equal(run('FormatDateTime(CDate("2014-09-05 08:14:53"),"HH:mm:ss")'), '08:14:53', 'm after an hour is the minute');
  assert.equal(run('FormatDateTime(CDate("2014-09-05 08:14:53"),"mm:ss")'), '14:53', 'm before a second is the minute');
  assert.equal(run('FormatDateTime(CDate("2014-09-05 08:14:53"),"dd/mm/yyyy")'), '05/09/2014');
  assert.equal(run('DateAdd("m", 3, CDate("2001-01-01"))')?.valueOf(), new Date('2001-04-01T00:00:00Z').valueOf());
  assert.equal(run('NumFromDate(CDate("2012-01-01 23:00:00"))'), 129699324000000000);
});

test('Left, Right and Mid follow the reference\'s remarks on their edges, and Mid takes the example\'s two arguments', () => {
  const proxies = ['smtp:jd@contoso.com', 'SMTP:john.doe@contoso.com'];
  const run = (text: string) => compileExpression(text).evaluate({ attribute: (n) => (n === 'proxyAddresses' ? proxies : undefined), parameter: () => undefined, now: new Date() });
  assert.equal(run('Left("John Doe", -1)'), 'John Doe', 'numChars < 0: the input string');
  assert.equal(run('Left("John Doe", 0)'), '');
  assert.equal(run('Left("Jo", 5)'), 'Jo');
  assert.equal(run('Right("John Doe", -1)'), 'John Doe');
  assert.equal(run('Right("John Doe", 0)'), '');
  assert.equal(run('Mid("John Doe", 3, 5)'), 'hn Do');
  assert.equal(run('Mid("John Doe", 6, 999)'), 'Doe');
  assert.equal(run('Mid("John Doe", 2, -1)'), 'John Doe', 'numChars < 0');
  assert.equal(run('Mid("John Doe", 0, 2)'), 'John Doe', 'start <= 0');
  assert.equal(run('Mid("John Doe", 20, 2)'), 'John Doe', 'start past the end');
  assert.equal(run('Mid("John Doe", 2, 0)'), '');
  // "Returns the primary email address."
  assert.equal(run('Mid(Item([proxyAddresses],Contains([proxyAddresses], "SMTP:")),6)'), 'john.doe@contoso.com');
});

// Functions reference, Replace: "The function recognizes the following special monikers: \n – New Line,
// \r – Carriage Return, \t – Tab".
test('Replace([address],"\\r\\n",", ") "Replaces CRLF with a comma and space, and could lead to "One Microsoft Way, Redmond, WA, USA""', () => {
  const values: Record<string, AttributeValue[]> = {
    address: ['One Microsoft Way\r\nRedmond, WA\r\nUSA'],
    addresses: ['One Microsoft Way\r\nRedmond', 'Main St\r\nSeattle'],
    path: ['dir\\new\nline'],
  };
  const run = (text: string) => compileExpression(text).evaluate({ attribute: (n) => getValues(values, n), parameter: () => undefined, now });
  assert.equal(run('Replace([address],"\\r\\n",", ")'), 'One Microsoft Way, Redmond, WA, USA');
  // Text functions apply per value.
  assert.deepEqual(run('Replace([addresses],"\\r\\n",", ")'), ['One Microsoft Way, Redmond', 'Main St, Seattle']);
  // The monikers work in NewValue too, and \t is a tab.
  assert.equal(run('Replace("a-b", "-", "\\t")'), 'a\tb');
  assert.equal(run('Replace([address], "\\r\\n", "\\n")'), 'One Microsoft Way\nRedmond, WA\nUSA');
  // An escaped backslash is a backslash: "\\n" finds backslash + n, not the new line.
  assert.equal(run('Replace([path],"\\\\n","|")'), 'dir|ew\nline');
  assert.equal(run('Replace([path],"\\n","|")'), 'dir\\new|line');
});

test('the monikers are Replace\'s: other functions, and a computed Replace argument, see backslash + letter as written', () => {
  // The reference states the monikers for Replace only (ReplaceChars' remarks list none).
  assert.equal(run('Len("\\r\\n")'), 4);
  assert.equal(run('"a\\tb"'), 'a\\tb');
  assert.equal(run('ReplaceChars("a\\tb", "t:T")'), 'a\\Tb');
  // A computed value is data, not expression text: "\\" & "n" is backslash + n.
  assert.equal(run('Replace("x\\\\ny", "\\\\" & "n", "+")'), 'x+y');
});

// Functions reference, EscapeDNComponent: "takes one component of a DN and escapes it so it can be represented
// in LDAP", example EscapeDNComponent("cn=" & [displayName]) & "," & %ForestLDAP%.
test('EscapeDNComponent("cn=" & [displayName]) keeps the "cn=" and escapes the value (RFC 4514)', () => {
  const values: Record<string, AttributeValue[]> = { displayName: ['Doe, Jane <HR>'], rdns: ['cn=Smith, John+Jr', 'ou=R&D; Labs'] };
  const run = (text: string) => compileExpression(text).evaluate({ attribute: (n) => getValues(values, n), parameter: (n) => parameters[n], now });
  const dn = run('EscapeDNComponent("cn=" & [displayName]) & "," & %Forest.LDAP%');
  assert.equal(dn, 'cn=Doe\\, Jane \\<HR\\>,DC=contoso,DC=com');
  // "Makes sure the object can be created in an LDAP directory": the result is a DN whose first RDN is the name.
  assert.equal(run(`DNComponent("${String(dn).replace(/\\/g, '\\\\')}", 1)`), 'Doe\\, Jane \\<HR\\>');
  assert.equal(run('EscapeDNComponent("cn=Smith, John+Jr")'), 'cn=Smith\\, John\\+Jr');
  // RFC 4514 2.4: " + , ; < > \ anywhere, a leading space or #, a trailing space, NUL; a later "=" is value.
  assert.equal(run('EscapeDNComponent("CN=# a\\"b;c\\\\d ")'), 'CN=\\# a\\"b\\;c\\\\d\\ ');
  assert.equal(run('EscapeDNComponent("cn= x")'), 'cn=\\ x');
  assert.equal(run('EscapeDNComponent("cn=a=b")'), 'cn=a\\=b');
  assert.equal(run('EscapeDNComponent("2.5.4.3=a,b")'), '2.5.4.3=a\\,b');
  assert.equal(run('EscapeDNComponent("cn=a" & ConvertFromUTF8Hex("00"))'), 'cn=a\\00');
  // Per value on a multi-valued input.
  assert.deepEqual(run('EscapeDNComponent([rdns])'), ['cn=Smith\\, John\\+Jr', 'ou=R&D\\; Labs']);
  // Without an attribute type before the "=", the whole text is the value.
  assert.equal(run('EscapeDNComponent("Doe, Jane")'), 'Doe\\, Jane');
  assert.equal(run('EscapeDNComponent("Doe, Jane=x")'), 'Doe\\, Jane\\=x');
  assert.equal(run('EscapeDNComponent("=x")'), '\\=x');
});
