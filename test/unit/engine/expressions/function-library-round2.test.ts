// The function library against the functions reference ("Microsoft Entra Connect Sync: Functions
// Reference"), round 2: what a customer's own expressions meet that the out-of-box rules do not.
// - $variables: "Select(var item, mvattr attribute, func function)", "Where(var item, mvattr
//   attribute, exp condition)", "With(var variable, exp subExpression, exp complexExpression)" bind
//   their first argument in their last. A $variable used anywhere else (misspelt, or outside them)
//   would fail every object at sync time: it is refused at load, as a syntax error is, at its column.
// - Enumerations: Contains' CaseType, InStr's compare and DNComponentRev's Options ("DC – Ignore all
//   components with dc") are read as written or refused; never silently another option.
// - The reference's own examples for the functions a custom rule uses most.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpression, type Value } from '../../../../src/engine/expressions';
import type { AttributeValue } from '../../../../src/engine/model/attributes';
import { getValues } from '../../../../src/engine/model/attributes';
import { syncErrorOf } from '../../../support/sync-error-of';

const attributes: Record<string, AttributeValue[]> = {
  dn: ['cn=Joe,ou=Atlanta,ou=GA,ou=US, dc=contoso,dc=com'],
  otherPhone: ['555-1234', '555-9999', '+1 425 555 0100'],
  proxyAddresses: ['smtp:joe@fabrikam.com', 'SMTP:Joe@contoso.com'],
};
const parameters: Record<string, string> = { Compare: 'CaseInsensitve', Option: 'OU', Good: 'vbTextCompare' };
const run = (text: string): Value =>
  compileExpression(text).evaluate({ attribute: (n) => getValues(attributes, n), parameter: (n) => parameters[n], now: new Date('2025-03-01T12:00:00Z') }, { syncRule: 'Custom', attribute: 'info' });

test('a $variable is bound by Select, Where and With in their last argument, nested too', () => {
  assert.deepEqual(run('Select($item,[otherPhone],Replace($item,"-",""))'), ['5551234', '5559999', '+1 425 555 0100']);
  assert.deepEqual(run('Where($item,[otherPhone],Left($item,3)="555")'), ['555-1234', '555-9999']);
  // The reference's With example, its certificates replaced by phone numbers.
  assert.deepEqual(run('With($local,Where($item,[otherPhone],Left($item,3)="555"),IIF(Count($local)>0,$local,NULL))'), ['555-1234', '555-9999']);
  assert.equal(run('With($local,Where($item,[otherPhone],Left($item,3)="999"),IIF(Count($local)>0,$local,NULL))'), null);
  // An outer variable is seen inside an inner binder.
  assert.deepEqual(run('Select($p,Where($item,[otherPhone],Left($item,1)="+"),Select($q,[otherPhone],IIF($q=$p,"self","other")))'), ['other', 'other', 'self']);
});

test('a $variable nothing binds is an ExpressionSyntaxError at its column, at load time', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['UCase($item)', 7, /the variable \$item is not bound/],
    ['Select($item,[otherPhone],Replace($itme,"-",""))', 35, /the variable \$itme is not bound.*\(bound here: \$item\)/],
    // Bound in the last argument only: not in the attribute it reads, not after the call.
    ['Where($item,$item,True)', 13, /\$item is not bound/],
    ['Count(Where($item,[otherPhone],True)) & $item', 41, /\$item is not bound/],
    // Names are case-sensitive, as function names are.
    ['Select($Item,[otherPhone],$item)', 27, /\$item is not bound.*\$Item/],
  ];
  for (const [expression, column, reason] of cases) {
    const err = syncErrorOf(() => compileExpression(expression));
    assert.equal(err.code, 'ExpressionSyntaxError', expression);
    assert.equal(err.details.column, column, expression);
    assert.match(err.reason, reason, expression);
  }
});

test('Select, Where and With take a $variable (or, as the evaluator reads it, a name in brackets) first; anything else is refused at load', () => {
  for (const [expression, column] of [['Select("item",[otherPhone],1)', 8], ['Where(1,[otherPhone],True)', 7], ['With(UCase("x"),1,2)', 6]] as const) {
    const err = syncErrorOf(() => compileExpression(expression));
    assert.equal(err.code, 'ExpressionSyntaxError', expression);
    assert.equal(err.details.column, column, expression);
    assert.match(err.reason, /takes a \$variable as its first argument/);
  }
  assert.deepEqual(run('Select([item],[otherPhone],Left([item],3))'), ['555', '555', '+1 ']);
});

test('Contains and InStr compare as their option says; an option they do not know is refused, at load when written, when evaluated when computed', () => {
  assert.equal(run('Contains([proxyAddresses],"smtp:joe@contoso")'), 0);
  assert.equal(run('Contains([proxyAddresses],"smtp:joe@contoso",CaseInsensitive)'), 2);
  assert.equal(run('Contains([proxyAddresses],"smtp:joe@contoso","caseinsensitive")'), 2);
  assert.equal(run('Contains([proxyAddresses],"smtp:joe@contoso",%Good%)'), 2);
  assert.equal(run('InStr("repEated","E",1,vbTextCompare)'), 2);
  assert.equal(run('InStr("repEated","E",1,vbBinaryCompare)'), 4);
  assert.equal(run('InStr("repEated","e",3,vbBinaryCompare)'), 7, 'the reference\'s example');
  assert.equal(run('InStr("repEated","E",1,1)'), 2);
  assert.equal(run('InStr("repEated","E",1,0)'), 4);
  for (const expression of ['Contains([proxyAddresses],"smtp:","CaseInsensitve")', 'InStr("abc","B",1,"TextCompare")', 'InStrRev("abc","B",3,"ignorecase")']) {
    const err = syncErrorOf(() => compileExpression(expression));
    assert.equal(err.code, 'ExpressionSyntaxError', expression);
    assert.match(err.reason, /does not know the option/);
  }
  const computed = syncErrorOf(() => run('Contains([proxyAddresses],"smtp:",%Compare%)'));
  assert.equal(computed.code, 'ExpressionEvaluationFailed');
  assert.match(computed.reason, /"CaseInsensitve" is not a comparison/);
});

test('DNComponentRev: the reference\'s example, and "DC" its one option; another is refused, not ignored', () => {
  // "If dn is "cn=Joe,ou=Atlanta,ou=GA,ou=US, dc=contoso,dc=com" then DNComponentRev(CRef([dn]),3) and
  // DNComponentRev(CRef([dn]),1,"DC") both return US."
  assert.equal(run('DNComponentRev(CRef([dn]),3)'), 'US');
  assert.equal(run('DNComponentRev(CRef([dn]),1,"DC")'), 'US');
  assert.equal(run('DNComponentRev(CRef([dn]),1,"dc")'), 'US');
  assert.equal(run('DNComponentRev(CRef([dn]),1)'), 'com');
  assert.equal(run('DNComponent(CRef([dn]),1)'), 'Joe');
  const literal = syncErrorOf(() => compileExpression('DNComponentRev(CRef([dn]),1,"OU")'));
  assert.equal(literal.code, 'ExpressionSyntaxError');
  assert.equal(literal.details.column, 29);
  const computed = syncErrorOf(() => run('DNComponentRev(CRef([dn]),1,%Option%)'));
  assert.equal(computed.code, 'ExpressionEvaluationFailed');
  assert.match(computed.reason, /"OU" is not an option of DNComponentRev/);
});

test('the reference\'s examples of the functions custom rules use most', () => {
  const examples: Array<[string, Value]> = [
    ['BitAnd(&HF, &HF7)', 7],
    ['IsBitSet(&HF,4)', true],
    ['InStr("The quick brown fox","quick")', 5],
    ['InStrRev("abbcdbbbef","bb")', 7],
    ['Left("John Doe", 3)', 'Joh'],
    ['Right("John Doe", 3)', 'Doe'],
    ['Mid("John Doe", 3, 5)', 'hn Do'],
    ['Mid("John Doe", 6, 3)', 'Doe'],
    ['ConvertToUTF8Hex("Hello world!")', '48656C6C6F20776F726C6421'],
    ['ConvertToBase64("Hello world!")', 'SABlAGwAbABvACAAdwBvAHIAbABkACEA'],
    ['NumFromDate(CDate("2012-01-01 23:00:00"))', 129699324000000000],
    ['FormatDateTime(CDate("12/25/2007"),"yyyy-mm-dd")', '2007-12-25'],
    ['Word("The quick brown fox",3," ")', 'brown'],
    ['Word("This,string!has&many separators",3,",!&#")', 'has'],
    ['PCase("TEsT")', 'Test'],
    ['Split("a,b,c",",")', ['a', 'b', 'c']],
    ['Join(Split("a,b,c",","),";")', 'a;b;c'],
    ['Item([proxyAddresses],Contains([proxyAddresses],"SMTP:"))', 'SMTP:Joe@contoso.com'],
    ['ItemOrNull([otherPhone],4)', null],
    ['Count([otherPhone])', 3],
    ['Switch(1=2,"a",2=2,"b")', 'b'],
    ['Switch(1=2,"a")', null],
  ];
  for (const [expression, expected] of examples) assert.deepEqual(run(expression), expected, expression);
});
