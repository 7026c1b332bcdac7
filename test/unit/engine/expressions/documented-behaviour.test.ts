// The expression language against the text of Microsoft's documentation: "Microsoft Entra Connect Sync:
// Understanding Declarative Provisioning Expressions" (the expressions doc) and "Microsoft Entra Connect
// Sync: Functions Reference" (the reference). Each test quotes the sentence or example it checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpression, type Value } from '../../../../src/engine/expressions';
import type { AttributeValue } from '../../../../src/engine/model/attributes';
import { getValues } from '../../../../src/engine/model/attributes';
import { syncErrorOf } from '../../../support/sync-error-of';

const now = new Date('2025-03-01T12:00:00Z');
// The reference's ReplaceChars example pattern, ’:,Å:A,Ä:A,Ö:O,å:a,ä:a,ö,o, with its last pair written as the
// format it documents ("{source1}:{target1},{source2}:{target2}"): ö:o.
const parameters: Record<string, string> = { ReplaceString: '’:,Å:A,Ä:A,Ö:O,å:a,ä:a,ö:o', BadPattern: 'ä:a,ab:x', 'Forest.LDAP': 'DC=contoso,DC=com' };

function runner(values: Record<string, AttributeValue[]>) {
  return (text: string): Value => compileExpression(text).evaluate({ attribute: (n) => getValues(values, n), parameter: (n) => parameters[n], now }, { syncRule: 'R', attribute: 'a' });
}
const run = runner({});

// 1. Expressions doc: "Built-in constants and literals are expressed with only their name: NULL, CRLF, IgnoreThisFlow"
test('"Built-in constants and literals are expressed with only their name: NULL, CRLF, IgnoreThisFlow": CRLF is "\\r\\n"', () => {
  assert.equal(run('"a" & CRLF & "b"'), 'a\r\nb');
  assert.equal(run('Len(CRLF)'), 2);
  // Reference, Replace: Replace([address],"\r\n",", ") "Replaces CRLF with a comma and space".
  assert.equal(runner({ address: ['One Microsoft Way\r\nRedmond'] })('Replace([address],CRLF,", ")'), 'One Microsoft Way, Redmond');
  // A name, as NULL is: CRLF() would be a function, and there is none.
  assert.equal(syncErrorOf(() => compileExpression('CRLF()')).code, 'UnknownFunction');
});

// 2. Expressions doc, "Multi-valued attributes": "The functions can operate on both single-valued and multi-valued
// attributes. For multi-valued attributes, the function operates over every value and applies the same function to
// every value."
const proxies = ['SMTP:john.doe@fabrikam.com', 'SIP:jd@fabrikam.com', ' smtp:jd@fabrikam.com '];
const mv = runner({ proxyAddresses: proxies, otherPhone: ['555-1234', '555-9999'], cn: ['John'], listed: ['a,b', 'c'] });

test('Trim([proxyAddresses]) "Do a Trim of every value in the proxyAddress attribute."', () => {
  assert.deepEqual(mv('Trim([proxyAddresses])'), ['SMTP:john.doe@fabrikam.com', 'SIP:jd@fabrikam.com', 'smtp:jd@fabrikam.com']);
});

test('Word([proxyAddresses],1,"@") & "@contoso.com" "For every value with an @-sign, replace the domain with @contoso.com."', () => {
  assert.deepEqual(mv('Word([proxyAddresses],1,"@") & "@contoso.com"'), ['SMTP:john.doe@contoso.com', 'SIP:jd@contoso.com', ' smtp:jd@contoso.com']);
});

test('IIF(InStr([proxyAddresses],"SIP:")=1,NULL,[proxyAddresses]) "Look for the SIP-address and remove it from the values."', () => {
  assert.deepEqual(mv('IIF(InStr([proxyAddresses],"SIP:")=1,NULL,[proxyAddresses])'), ['SMTP:john.doe@fabrikam.com', ' smtp:jd@fabrikam.com ']);
  // Every value NULL: no value at all.
  assert.equal(mv('IIF(InStr([proxyAddresses],"@")>0,NULL,[proxyAddresses])'), null);
  // One value left: a single value.
  assert.equal(mv('IIF(InStr([proxyAddresses],"SIP:")=1,[proxyAddresses],NULL)'), 'SIP:jd@fabrikam.com');
  // A single-valued attribute beside the multi-valued one is the same for every value.
  assert.deepEqual(mv('[cn] & ":" & [otherPhone]'), ['John:555-1234', 'John:555-9999']);
});

// Reference: "The functions with the types mvbin, mvstr, and mvref can only work on multi-valued attributes" — they
// see every value at once, wherever they are in a per-value expression.
test('functions that take a multi-valued attribute (mvstr, mvattr, var) see all its values', () => {
  // Reference, Contains: IIF(Contains([proxyAddresses],"SMTP:")>0,[proxyAddresses],Error("No primary SMTP address found."))
  // "If the proxyAddresses attribute has a primary email address ..., then return the proxyAddress attribute, else return an error."
  assert.deepEqual(mv('IIF(Contains([proxyAddresses],"SMTP:")>0,[proxyAddresses],Error("No primary SMTP address found."))'), proxies);
  const err = syncErrorOf(() => runner({ proxyAddresses: ['smtp:a@x.com', 'smtp:b@x.com'] })('IIF(Contains([proxyAddresses],"SMTP:")>0,[proxyAddresses],Error("No primary SMTP address found."))'));
  assert.equal(err.reason, 'No primary SMTP address found.');
  // Reference, Item: Mid(Item([proxyAddresses],Contains([proxyAddresses], "SMTP:")),6) "Returns the primary email address."
  assert.equal(mv('Mid(Item([proxyAddresses],Contains([proxyAddresses], "SMTP:")),6)'), 'john.doe@fabrikam.com');
  assert.equal(mv('Count([proxyAddresses])'), 3);
  assert.equal(mv('IIF(Count([proxyAddresses]) > 2, "many", "few")'), 'many');
  assert.equal(mv('Join([otherPhone],",")'), '555-1234,555-9999');
  assert.equal(mv('IsPresent([proxyAddresses])'), true);
  assert.equal(mv('IsNullOrEmpty([proxyAddresses])'), false);
  assert.deepEqual(mv('RemoveDuplicates(Trim([otherPhone]))'), ['555-1234', '555-9999']);
  // Reference, Select: Select($item,[otherPhone],Replace($item,"-","")) "Return all the values in the multi-valued
  // attribute otherPhone after hyphens (-) have been removed."
  assert.deepEqual(mv('Select($item,[otherPhone],Replace($item,"-",""))'), ['5551234', '5559999']);
  assert.deepEqual(mv('Where($item,[proxyAddresses],Left($item,4)<>"SIP:")'), ['SMTP:john.doe@fabrikam.com', ' smtp:jd@fabrikam.com ']);
  // A function's multi-valued argument is itself applied per value: Split of every value, then counted.
  assert.equal(mv('Count(Split([listed],","))'), 3);
});

// 3. Reference, Guid: "The function Guid generates a new random GUID", syntax "str Guid()"; expressions doc: "Both
// function names and attribute names must have proper casing or an error is thrown."
test('"str Guid()" generates a random GUID; a name right but for its case is an error that names the function', () => {
  const guid = run('Guid()');
  assert.match(String(guid), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.notEqual(run('Guid()'), guid);
  assert.equal(run('IsGuid(Guid())'), true);
  assert.equal(run('Len(GUID())'), 36, 'the spelling of the reference\'s function list');
  const err = syncErrorOf(() => compileExpression('guid()'));
  assert.equal(err.code, 'UnknownFunction');
  assert.match(err.reason, /unknown function guid at column 1 \(did you mean Guid\?\)/);
  assert.match(syncErrorOf(() => compileExpression('Iif(True, 1, 2)')).reason, /did you mean IIF\?/);
});

// 4. Reference, ReplaceChars remarks.
test('ReplaceChars("Räksmörgås",%ReplaceString%) "Returns Raksmorgas"; ReplaceChars("O’Neil",%ReplaceString%) "Returns "ONeil""', () => {
  assert.equal(run('ReplaceChars("Räksmörgås",%ReplaceString%)'), 'Raksmorgas');
  assert.equal(run('ReplaceChars("O’Neil",%ReplaceString%)'), 'ONeil', '"the single tick is defined to be removed"');
  // "The target can have multiple characters, for example ö:oe, β:ss."
  assert.equal(run('ReplaceChars("Jößen","ö:oe, ß:ss")'), 'Joessen');
  // "The source is case-sensitive and must be an exact match."
  assert.equal(run('ReplaceChars("Ää","ä:a")'), 'Äa');
});

test('ReplaceChars: "Spaces and other white characters in the ReplacePattern string are ignored."', () => {
  assert.equal(run('ReplaceChars("Räksmörgås","ä:a, ö:o, å:a")'), 'Raksmorgas');
  assert.equal(run('ReplaceChars("Räksmörgås"," ä : a ,\tö:o ,å: a ")'), 'Raksmorgas');
  assert.equal(run('ReplaceChars("a b", "b:c")'), 'a c', 'only the pattern\'s white space is ignored, not the string\'s');
});

test('ReplaceChars: "The source cannot be empty or longer than one character (parsing error)." is ReplaceCharsPatternInvalid', () => {
  // A literal pattern: at load time, as a syntax error is.
  const long = syncErrorOf(() => compileExpression('ReplaceChars([cn], "ä:a,ab:x")'));
  assert.equal(long.code, 'ReplaceCharsPatternInvalid');
  assert.equal(long.details.pattern, 'ä:a,ab:x');
  assert.match(long.reason, /"ab" is longer than one character/);
  assert.equal(syncErrorOf(() => compileExpression('ReplaceChars([cn], ":x")')).code, 'ReplaceCharsPatternInvalid');
  assert.equal(syncErrorOf(() => compileExpression('ReplaceChars([cn], " :x")')).code, 'ReplaceCharsPatternInvalid', 'a space is no source: it is ignored');
  // A pattern read at run time (a parameter): when the flow runs, naming the rule.
  const late = syncErrorOf(() => runner({ cn: ['Jäne'] })('Trim(ReplaceChars([cn], %BadPattern%))'));
  assert.equal(late.code, 'ReplaceCharsPatternInvalid');
  assert.equal(late.details.syncRule, 'R');
  // "The source must be exactly one (Unicode) character": one code point, even outside the BMP.
  assert.equal(run('ReplaceChars("a😀b", "😀:-")'), 'a-b');
});

// 5. Reference, ConvertFromBase64: "str ConvertFromBase64(str source, enum Encoding)", "Encoding: Unicode, ASCII, UTF8".
test('ConvertFromBase64(source, ASCII) reads ASCII, not UTF-16; ConvertToBase64 writes it', () => {
  assert.equal(run('ConvertFromBase64("SGVsbG8gd29ybGQh", ASCII)'), 'Hello world!');
  assert.equal(run('ConvertFromBase64("SGVsbG8gd29ybGQh", UTF8)'), 'Hello world!');
  assert.equal(run('ConvertFromBase64("SABlAGwAbABvACAAdwBvAHIAbABkACEA")'), 'Hello world!', '"assumes Unicode for encoding"');
  assert.equal(run('ConvertFromBase64("SABlAGwAbABvACAAdwBvAHIAbABkACEA", Unicode)'), 'Hello world!');
  // .NET's ASCIIEncoding: "any element in bytes greater than hexadecimal 0x7F is converted to the Unicode question mark ('?')".
  assert.equal(run(`ConvertFromBase64("${Buffer.from([0x48, 0xe9, 0x21]).toString('base64')}", ASCII)`), 'H?!');
  assert.equal(run('ConvertToBase64("Hello world!", ASCII)'), 'SGVsbG8gd29ybGQh');
  assert.equal(run('ConvertToBase64("Hé", ASCII)'), Buffer.from('H?', 'ascii').toString('base64'));
  assert.equal(run('ConvertToBase64("Hello world!")'), 'SABlAGwAbABvACAAdwBvAHIAbABkACEA', '"converts a string to a Unicode base64 string"');
  assert.equal(syncErrorOf(() => run('ConvertFromBase64("SGk=", "Latin1")')).code, 'ExpressionEvaluationFailed');
});

// 6. Reference, FormatDateTime: "The possible values for the format can be found here: Custom date and time formats for
// the FORMAT function" (ddd "Displays the day as an abbreviation (for example, Sun)", dddd "as a full name (for example,
// Sunday)", mmm "Displays the month as an abbreviation (for example, Jan)", mmmm "as a full month name"), and .NET's
// custom format strings ("MMM", "MMMM", "ddd", "dddd").
test('FormatDateTime writes day and month names: ddd, dddd, MMM, MMMM (and the FORMAT function\'s mmm, mmmm)', () => {
  assert.equal(run('FormatDateTime(CDate("2007-12-05"),"ddd dd MMM yyyy")'), 'Wed 05 Dec 2007');
  assert.equal(run('FormatDateTime(CDate("2007-12-05"),"dddd, MMMM d, yyyy")'), 'Wednesday, December 5, 2007');
  assert.equal(run('FormatDateTime(CDate("2007-12-05"),"dd-mmm-yyyy")'), '05-Dec-2007');
  assert.equal(run('FormatDateTime(CDate("2007-09-05"),"mmmm yyyy")'), 'September 2007');
  // The existing specifiers are unchanged: "yyyy-mm-dd" is the month, "HH:mm" the minute.
  assert.equal(run('FormatDateTime(CDate("12/25/2007"),"yyyy-mm-dd")'), '2007-12-25');
  assert.equal(run('FormatDateTime(CDate("2014-09-05 08:14:53"),"ddd HH:mm")'), 'Fri 08:14');
});

// The reference's DateAdd is VBA's (same intervals, yyyy q m y d w ww h n s). VBA: "The DateAdd function won't return an
// invalid date. The following example adds one month to January 31: DateAdd("m", 1, "31-Jan-95") In this case, DateAdd
// returns 28-Feb-95, not 31-Feb-95. If date is 31-Jan-96, it returns 29-Feb-96 because 1996 is a leap year."
test('DateAdd("m", 1, "31-Jan-95") "returns 28-Feb-95, not 31-Feb-95"; 31-Jan-96 "returns 29-Feb-96"', () => {
  const day = (text: string) => run(`FormatDateTime(${text},"yyyy-MM-dd")`);
  assert.equal(day('DateAdd("m", 1, CDate("1995-01-31"))'), '1995-02-28');
  assert.equal(day('DateAdd("m", 1, CDate("1996-01-31"))'), '1996-02-29');
  assert.equal(run('FormatDateTime(DateAdd("m", 1, CDate("1996-01-31T13:45:00Z")),"yyyy-MM-dd HH:mm")'), '1996-02-29 13:45', 'the time of day is kept');
  assert.equal(day('DateAdd("m", -1, CDate("2001-03-31"))'), '2001-02-28');
  assert.equal(day('DateAdd("m", 13, CDate("2001-01-31"))'), '2002-02-28');
  assert.equal(day('DateAdd("q", 1, CDate("2001-11-30"))'), '2002-02-28');
  assert.equal(day('DateAdd("yyyy", 1, CDate("2024-02-29"))'), '2025-02-28');
  assert.equal(day('DateAdd("yyyy", 4, CDate("2024-02-29"))'), '2028-02-29');
  // The reference's own example: DateAdd("m", 3, CDate("2001-01-01")) "returns a DateTime representing "2001-04-01"".
  assert.equal(day('DateAdd("m", 3, CDate("2001-01-01"))'), '2001-04-01');
});

// 7. Reference remarks: Left, Right, Mid "If string is null, return empty string."; Word "If string is null, returns
// empty string."; PadLeft, PadRight "If string is null, the function returns an empty string."
test('Left, Right, Mid, Word, PadLeft and PadRight of a NULL string return the empty string', () => {
  assert.equal(run('Left([missing], 3)'), '');
  assert.equal(run('Right([missing], 3)'), '');
  assert.equal(run('Mid([missing], 2, 3)'), '');
  assert.equal(run('Mid(NULL, 2)'), '');
  assert.equal(run('Word([missing], 1, " ")'), '');
  assert.equal(run('PadLeft([missing], 5, "0")'), '');
  assert.equal(run('PadRight(NULL, 5, "0")'), '');
  // An empty string stays empty (and is not padded: "If string is null, the function returns an empty string" is
  // about NULL; an empty string is padded as any shorter string is).
  assert.equal(run('Left("", 3)'), '');
  assert.equal(run('PadLeft("", 3, "0")'), '000');
  // The examples still hold.
  assert.equal(run('PadLeft("User", 10, "0")'), '000000User');
  assert.equal(run('PadRight("User", 10, "0")'), 'User000000');
  assert.equal(run('Word("This,string!has&many separators",3,",!&#")'), 'has');
});

// 8. Reference, PCase: "converts the first character of each space delimited word in a string to upper case, and all
// other characters are converted to lower case", remark "This function does not currently provide proper casing to
// convert a word that is entirely uppercase, such as an acronym." (the remark of .NET's TextInfo.ToTitleCase, which
// converts "except for words that are entirely in uppercase, which are considered to be acronyms").
test('PCase("TEsT") "Returns "Test""; PCase(LCase("TEST")) "Returns "Test""; a word entirely in upper case is kept', () => {
  assert.equal(run('PCase("TEsT")'), 'Test');
  assert.equal(run('PCase(LCase("TEST"))'), 'Test');
  assert.equal(run('PCase("TEST")'), 'TEST');
  assert.equal(run('PCase("JOHN SMITH")'), 'JOHN SMITH');
  assert.equal(run('PCase("john SMITH of IBM")'), 'John SMITH Of IBM');
  // "space delimited word": a hyphen or an apostrophe does not start a word.
  assert.equal(run('PCase("hello WORLD-wide o\'neil")'), 'Hello World-wide O\'neil');
});

// Per-value application, checked for what it must not do: change whole-value functions' answers
// or cost exponentially more with nesting.
test('per value: Where keeps an item when its condition holds for any value of a multi-valued attribute it reads', () => {
  const mv = runner({ memberOf: ['CN=A,DC=x', 'CN=B,DC=x'], proxyAddresses: ['smtp:a@x', 'SIP:a@x', 'X500:/o=x'] });
  assert.deepEqual(mv('Where($g,[memberOf],InStr([proxyAddresses],"SIP:")>0)'), ['CN=A,DC=x', 'CN=B,DC=x']);
  assert.equal(mv('Where($g,[memberOf],InStr([proxyAddresses],"EUM:")>0)'), null);
});

test('per value: IsGuid, like IsDate and IsNumeric ("var" in the reference), tests the whole attribute', () => {
  assert.equal(runner({ proxyAddresses: ['smtp:a@x', 'SIP:a@x'] })('IsGuid([proxyAddresses])'), false);
});

test('per value: nested regions are not evaluated again for every value of every enclosing region (the work grows with depth, not exponentially)', () => {
  let reads = 0;
  const values: Record<string, AttributeValue[]> = { a: ['x1', 'x2'], objectClass: ['top', 'person', 'organizationalPerson', 'user'] };
  const count = (text: string) => {
    reads = 0;
    const result = compileExpression(text).evaluate({ attribute: (n) => { reads++; return getValues(values, n); }, parameter: () => undefined, now }, {});
    return { result, reads };
  };
  for (const [attribute, depth] of [['a', 14], ['objectClass', 10]] as const) {
    let text = `[${attribute}]`;
    for (let i = 0; i < depth; i++) text = `IIF(Len([${attribute}])>0, Count(${text}), NULL)`;
    const { result, reads: n } = count(text);
    const width = values[attribute]!.length;
    assert.deepEqual(result, Array(width).fill(width));
    // Each level reads its attribute once whole and once per value of it (plus its Count): linear in depth.
    assert.ok(n <= depth * (width + 2) * 8, `${attribute} at depth ${depth}: ${n} attribute reads`);
  }
});

// Reference, Contains: "For multi-valued string attributes, the search finds substrings in the values. For reference
// attributes, the searched string must exactly match the value to be considered a match."
test('Contains finds substrings in string values and only exact values in a reference attribute', () => {
  const members = ['CN=Ann Lee,OU=Staff,DC=contoso,DC=com', 'CN=Bob Ray,OU=Staff,DC=contoso,DC=com'];
  const groups = runner({ member: members, proxyAddresses: proxies });
  // A part of a DN is not a match on a reference attribute...
  assert.equal(groups('Contains([member],"CN=Bob Ray")'), 0);
  assert.equal(groups('Contains([member],"OU=Staff,DC=contoso,DC=com")'), 0);
  // ...the whole value is, at its index.
  assert.equal(groups('Contains([member],"CN=Bob Ray,OU=Staff,DC=contoso,DC=com")'), 2);
  // The same text in a string attribute is a substring match.
  assert.equal(groups('Contains([proxyAddresses],"SIP:")'), 2);
  assert.equal(runner({ description: members })('Contains([description],"CN=Bob Ray")'), 2);
});
