// Writes l10n/bundle.l10n.json (English) from every vscode.l10n.t('literal', ...) call under
// src/, as @vscode/l10n-dev's export does: key and value are the message. A call whose
// message is not a string literal cannot be translated and is reported as an error.
//   node scripts/l10n-export.mjs          write the bundle
//   node scripts/l10n-export.mjs --check  exit 1 when the bundle is not up to date
//   node scripts/l10n-export.mjs --manifest  move English strings of package.json into package.nls.json
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundleFile = path.join(root, 'l10n', 'bundle.l10n.json');

function sourceFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, out);
    else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Every l10n.t message under src/ in order of appearance, and the calls that are not literals. */
export function collectMessages(dir = path.join(root, 'src')) {
  const messages = [];
  const problems = [];
  for (const file of sourceFiles(dir).sort()) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('l10n.t(')) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const visit = (node) => {
      if (ts.isCallExpression(node) && /(^|\.)l10n\.t$/.test(node.expression.getText(source))) {
        const first = node.arguments[0];
        if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) messages.push(first.text);
        else {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
          problems.push(`${path.relative(root, file)}:${line + 1}: l10n.t needs a string literal message`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { messages, problems };
}

export function bundleText(messages) {
  const bundle = {};
  for (const m of messages) bundle[m] = m;
  return `${JSON.stringify(bundle, null, 2)}\n`;
}

/**
 * The manifest's user-facing strings that are still English (not %key%): moved into
 * package.nls.json under a key named after where they are (for merging new commands).
 */
export function externalizeManifest(manifest, nls) {
  const moved = [];
  const ref = (key, value) => {
    if (typeof value !== 'string' || /^%[^%\s]+%$/.test(value)) return value;
    if (nls[key] !== undefined && nls[key] !== value) throw new Error(`package.nls.json already has ${key} with another text`);
    if (nls[key] === undefined) moved.push(key);
    nls[key] = value;
    return `%${key}%`;
  };
  const c = manifest.contributes ?? {};
  manifest.displayName = ref('displayName', manifest.displayName);
  manifest.description = ref('description', manifest.description);
  for (const v of c.viewsContainers?.activitybar ?? []) v.title = ref(`viewsContainers.${v.id}.title`, v.title);
  for (const views of Object.values(c.views ?? {})) {
    for (const v of views) {
      v.name = ref(`views.${v.id}.name`, v.name);
      if (v.contextualTitle !== undefined) v.contextualTitle = ref(`views.${v.id}.contextualTitle`, v.contextualTitle);
    }
  }
  for (const cmd of c.commands ?? []) {
    const id = cmd.command.split('.').at(-1);
    cmd.title = ref(`command.${id}.title`, cmd.title);
    if (cmd.category !== undefined) cmd.category = ref('command.category', cmd.category);
    if (cmd.shortTitle !== undefined) cmd.shortTitle = ref(`command.${id}.shortTitle`, cmd.shortTitle);
  }
  for (const w of c.viewsWelcome ?? []) w.contents = ref(`viewsWelcome.${w.view.split('.').at(-1)}.${(w.when ?? 'always').replace(/[^A-Za-z]+/g, '.').replace(/^\.|\.$/g, '')}`, w.contents);
  if (c.configuration) {
    c.configuration.title = ref('configuration.title', c.configuration.title);
    for (const [name, prop] of Object.entries(c.configuration.properties ?? {})) {
      const key = `configuration.${name.replace(/^singleObjectSync\./, '')}`;
      if (prop.markdownDescription !== undefined) prop.markdownDescription = ref(`${key}.description`, prop.markdownDescription);
      if (prop.description !== undefined) prop.description = ref(`${key}.description`, prop.description);
    }
  }
  for (const w of c.walkthroughs ?? []) {
    const id = w.id.split('.').at(-1);
    w.title = ref(`walkthrough.${id}.title`, w.title);
    w.description = ref(`walkthrough.${id}.description`, w.description);
    for (const st of w.steps ?? []) {
      st.title = ref(`walkthrough.step.${st.id}.title`, st.title);
      st.description = ref(`walkthrough.step.${st.id}.description`, st.description);
    }
  }
  const untrusted = manifest.capabilities?.untrustedWorkspaces;
  if (untrusted?.description !== undefined) untrusted.description = ref('capabilities.untrustedWorkspaces.description', untrusted.description);
  return moved;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]) && process.argv.includes('--manifest')) {
  // node scripts/l10n-export.mjs --manifest: move new English manifest strings into package.nls.json.
  const manifestFile = path.join(root, 'package.json');
  const nlsFile = path.join(root, 'package.nls.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const nls = JSON.parse(readFileSync(nlsFile, 'utf8'));
  const moved = externalizeManifest(manifest, nls);
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(nlsFile, `${JSON.stringify(nls, null, 2)}\n`);
  console.log(`package.nls.json: ${moved.length} string(s) moved from package.json${moved.length ? `: ${moved.join(', ')}` : ''}`);
  process.exit(0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { messages, problems } = collectMessages();
  for (const p of problems) console.error(p);
  const text = bundleText(messages);
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(bundleFile, 'utf8');
    } catch {
      // missing: out of date
    }
    if (current !== text) {
      console.error('l10n/bundle.l10n.json is out of date: run node scripts/l10n-export.mjs');
      process.exit(1);
    }
  } else {
    mkdirSync(path.dirname(bundleFile), { recursive: true });
    writeFileSync(bundleFile, text);
    console.log(`l10n/bundle.l10n.json: ${Object.keys(JSON.parse(text)).length} messages`);
  }
  if (problems.length) process.exit(1);
}
