// `npm run screenshots`: refreshes the README's pictures (media/screenshots/) from a run of the
// VS Code suite in real VS Code. Tests never write tracked files; this script is the one
// place that does, when a person asks for it.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = path.join(root, 'test', 'artifacts', 'vscode');
const target = path.join(root, 'media', 'screenshots');
const pictures = ['tree.png', 'panel.png'];

const startedAt = Date.now();
const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'test.mjs'), 'test/vscode/extension.test.ts'], { cwd: root, stdio: 'inherit' });
if (run.status !== 0) {
  console.error('screenshots: the VS Code suite failed; media/screenshots/ is left as it was');
  process.exit(1);
}
mkdirSync(target, { recursive: true });
for (const name of pictures) {
  const from = path.join(artifacts, name);
  if (!existsSync(from) || statSync(from).mtimeMs < startedAt) {
    console.error(`screenshots: ${from} was not taken by this run; media/screenshots/ is left as it was`);
    process.exit(1);
  }
}
for (const name of pictures) copyFileSync(path.join(artifacts, name), path.join(target, name));
console.log(`screenshots: ${pictures.map((n) => path.join('media', 'screenshots', n)).join(', ')} refreshed`);
