// Writes l10n/bundle.l10n.json (English) from every vscode.l10n.t('literal', ...) call under
// src/, as @vscode/l10n-dev's export does: key and value are the message. A call whose
// message is not a string literal cannot be translated and is reported as an error.
//   node scripts/l10n-export.mjs          write the bundle
//   node scripts/l10n-export.mjs --check  exit 1 when the bundle is not up to date
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
