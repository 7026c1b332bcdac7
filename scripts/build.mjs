// Bundles the extension (CommonJS, vscode external), the CLI and the webview with esbuild.
import * as esbuild from 'esbuild';
import { chmod, readFile } from 'node:fs/promises';

const production = process.argv.includes('--production');
const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  define: { __SOS_VERSION__: JSON.stringify(version) },
  // jsonc-parser's "main" is a UMD build whose require('./impl/...') calls a bundler cannot
  // follow; its ES module build bundles (microsoft/node-jsonc-parser#57).
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
};

// The engine (src/app/session.ts and all it pulls in) goes in dist/session.js, loaded on first
// use: activation then parses ~100 KiB instead of ~1.3 MB.
const splitSession = {
  name: 'split-session',
  setup(build) {
    build.onResolve({ filter: /^(\.\.\/)+app\/session$/ }, () => ({ path: './session.js', external: true }));
  },
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['src/surfaces/vscode/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], plugins: [splitSession] }),
  esbuild.build({ ...common, entryPoints: ['src/app/session.ts'], outfile: 'dist/session.js', platform: 'node', format: 'cjs', target: 'node20' }),
  esbuild.build({ ...common, entryPoints: ['src/surfaces/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' } }),
  esbuild.build({ ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' }),
  esbuild.build({ ...common, entryPoints: ['webview/batch/main.ts'], outfile: 'dist/batch-webview.js', platform: 'browser', format: 'iife', target: 'es2022' }),
]);
await chmod('dist/cli.js', 0o755);
