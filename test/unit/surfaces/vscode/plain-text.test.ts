// AD values shown in VS Code's dialogs and quick picks: one line, invisible characters visible,
// no icons of their own (a displayName could otherwise add a line "No attribute changes" to an
// export confirmation, reorder it with a bidi override, or show a $(check) icon).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linkFree, oneLine, quickPickText } from '../../../../src/surfaces/vscode/plain-text';

test('line breaks and bidi controls become visible escapes; ordinary text is unchanged', () => {
  assert.equal(oneLine('Alice Wu'), 'Alice Wu');
  assert.equal(oneLine('Ünïcødé 名前 O\'Brien, Jr.'), 'Ünïcødé 名前 O\'Brien, Jr.');
  assert.equal(oneLine('Eve\nNo attribute changes (the export only confirms the object).'), 'Eve\\u000ANo attribute changes (the export only confirms the object).');
  assert.equal(oneLine('a\r\nb\u2028c\u2029d\u0085e'), 'a\\u000D\\u000Ab\\u2028c\\u2029d\\u0085e');
  assert.equal(oneLine('admin\u202Etxt.exe'), 'admin\\u202Etxt.exe');
  assert.ok(!/[\r\n\u2028\u2029\u202E]/.test(oneLine('x\u202E\n\u2028')));
});

test('a quick pick shows $(icon) in AD text as text', () => {
  assert.equal(quickPickText('$(check) Verified Admin'), '\\$(check) Verified Admin');
  assert.equal(quickPickText('Cost $(5)\nline'), 'Cost \\$(5)\\u000Aline');
  assert.equal(quickPickText('Plain $ sign'), 'Plain $ sign');
});

test('a notification shows [label](command:…) and [label](https://…) as text: "](" before a link target is escaped, nothing else', () => {
  assert.equal(linkFree('CN=[Details](command:workbench.action.terminal.sendSequence?x),DC=corp'), 'CN=[Details]\\u0028command:workbench.action.terminal.sendSequence?x),DC=corp');
  assert.equal(linkFree('[a](HTTPS://evil.example) [b](file:///etc/passwd) [c](Command:x)'), '[a]\\u0028HTTPS://evil.example) [b]\\u0028file:///etc/passwd) [c]\\u0028Command:x)');
  assert.equal(linkFree('CN=Smith [Contractor] (Sales),OU=x'), 'CN=Smith [Contractor] (Sales),OU=x');
  assert.equal(linkFree('[note](see below)'), '[note](see below)');
});
