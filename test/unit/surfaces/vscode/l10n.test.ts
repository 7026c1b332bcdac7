// Localizable: every user-facing string of package.json is a %key% of package.nls.json, and
// l10n/bundle.l10n.json holds every vscode.l10n.t message under src/ (whoever wrote it), so a
// translation (package.nls.<lang>.json, bundle.l10n.<lang>.json) can cover the whole extension.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { collectMessages, externalizeManifest } from '../../../../scripts/l10n-export.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const read = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;

/** Every string value in the manifest, with its JSON path. */
function strings(value: unknown, at = '', out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') out.push([at, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${at}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, at ? `${at}.${k}` : k, out);
  return out;
}

const manifest = read('package.json');
const nls = read('package.nls.json');

test('package.json: every %key% exists in package.nls.json, and every nls entry is used', () => {
  const used = strings(manifest).flatMap(([, v]) => [...v.matchAll(/^%([^%\s]+)%$/g)].map((m) => m[1]!));
  assert.ok(used.length >= 40, `the manifest's strings are references (${used.length})`);
  for (const key of used) assert.equal(typeof nls[key], 'string', `package.nls.json has ${key}`);
  assert.deepEqual(Object.keys(nls).filter((k) => !used.includes(k)), [], 'no unused nls entries');
  assert.equal(manifest.l10n, './l10n', 'the extension names its l10n bundle folder');
});

test('package.json: the words a person reads are references, not English', () => {
  const c = manifest.contributes as Record<string, any>;
  const shown: [string, unknown][] = [
    ['displayName', manifest.displayName],
    ['description', manifest.description],
    ...(c.commands as { command: string; title: string; category?: string }[]).flatMap((cmd) => [[`${cmd.command}.title`, cmd.title], [`${cmd.command}.category`, cmd.category ?? '%%']] as [string, unknown][]),
    ...(c.viewsWelcome as { contents: string }[]).map((w, i) => [`viewsWelcome[${i}]`, w.contents] as [string, unknown]),
    ...Object.entries(c.configuration.properties as Record<string, { markdownDescription?: string; description?: string }>).map(([k, p]) => [k, p.markdownDescription ?? p.description] as [string, unknown]),
    ...(c.walkthroughs as { title: string; description: string; steps: { title: string; description: string }[] }[]).flatMap((w) => [w.title, w.description, ...w.steps.flatMap((s) => [s.title, s.description])].map((t) => ['walkthrough', t] as [string, unknown])),
    ...(c.views.singleObjectSync as { name: string }[]).map((v) => ['view', v.name] as [string, unknown]),
    ['untrustedWorkspaces', (manifest.capabilities as any).untrustedWorkspaces.description],
  ];
  for (const [where, value] of shown) assert.match(String(value), /^%[^%\s]+%$/, `${where} is a %key% reference`);
});

test('l10n/bundle.l10n.json holds every vscode.l10n.t message under src/, each a literal', () => {
  const { messages, problems } = collectMessages(path.join(root, 'src'));
  assert.deepEqual(problems, [], 'every l10n.t call has a literal message');
  assert.ok(messages.length > 0);
  const bundle = read('l10n/bundle.l10n.json');
  const missing = [...new Set(messages)].filter((m) => typeof bundle[m] !== 'string');
  assert.deepEqual(missing, [], 'run node scripts/l10n-export.mjs to add them');
  // Placeholders survive translation only if the English value keeps them.
  for (const m of messages) {
    const want = [...m.matchAll(/\{(\d+)\}/g)].map((x) => x[0]).sort();
    const have = [...String(bundle[m]).matchAll(/\{(\d+)\}/g)].map((x) => x[0]).sort();
    assert.deepEqual(have, want, `placeholders of "${m}"`);
  }
});

test('the packaged .vsix keeps the localization files', () => {
  const ignore = readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n');
  for (const kept of ['!package.nls.json', '!l10n/**', '!dist/batch-webview.js']) assert.ok(ignore.includes(kept), `.vscodeignore keeps ${kept}`);
});

test('l10n-export --manifest moves a newly merged English command title into package.nls.json, and nothing else', () => {
  const copy = structuredClone(manifest) as Record<string, any>;
  const strings = structuredClone(nls) as Record<string, string>;
  assert.deepEqual(externalizeManifest(copy, strings), [], 'the manifest as shipped has nothing left to move');
  copy.contributes.commands.push({ command: 'singleObjectSync.exampleMerged', title: 'Example Merged…', category: 'Single Object Sync' });
  assert.deepEqual(externalizeManifest(copy, strings), ['command.exampleMerged.title']);
  assert.equal(copy.contributes.commands.at(-1).title, '%command.exampleMerged.title%');
  assert.equal(copy.contributes.commands.at(-1).category, '%command.category%');
  assert.equal(strings['command.exampleMerged.title'], 'Example Merged…');
});
