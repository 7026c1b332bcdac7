// Bundles the mocha suite that runs inside VS Code's extension host (test/vscode/suite) into
// one CommonJS file. vscode and mocha stay external: the extension host provides vscode and
// mocha is required from the repository's node_modules.
//   node test/vscode/build-suite.mjs <outdir>
import * as esbuild from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function buildSuite(outdir) {
  await esbuild.build({
    entryPoints: [path.join(root, 'test', 'vscode', 'suite', 'index.ts')],
    outfile: path.join(outdir, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
    nodePaths: [path.join(root, 'node_modules')],
  });
  return path.join(outdir, 'index.js');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // No top-level await: the test file loads this module through tsx's CommonJS transform.
  buildSuite(path.resolve(process.argv[2] ?? path.join(root, 'test', '.state', 'vscode', 'suite'))).then(
    (out) => console.log(out),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
