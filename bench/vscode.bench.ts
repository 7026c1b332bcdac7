// VS Code extension figures (issue 7, "Performance"): prints medians, asserts nothing.
//   npx tsx bench/vscode.bench.ts            (Samba running: node test/setup/samba.mjs start)
//
// 1. Bundle size: the production (minified) extension and webview bundles, built to a
//    temporary folder exactly as `node scripts/build.mjs --production` builds them.
// 2. Activation: load the bundle and call activate() in a fresh Node process each time,
//    with a no-op stand-in for the `vscode` module (only the API surface activate touches;
//    the real extension host's activation figure is printed by test/vscode/extension.test.ts).
// 3. First page of the 5,000-child OU: the tree's one-level paged search (page size 200) on
//    a fresh LDAP connection, bind included, against the live Samba.
// The real-VS-Code run prints "command -> first step" (it needs the whole workbench).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { createDirectorySource } from '../src/adapters/ad';
import type { ActiveDirectoryConnectorConfig } from '../src/app/config/model';
import { Dn } from '../src/engine/model/dn';

const root = path.resolve(__dirname, '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

const common = { bundle: true, minify: true, legalComments: 'none' as const, logLevel: 'error' as const };

async function bundleSizes(dir: string): Promise<{ extension: number; webview: number }> {
  await esbuild.build({ ...common, entryPoints: [path.join(root, 'src/surfaces/vscode/extension.ts')], outfile: path.join(dir, 'extension.js'), platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] });
  await esbuild.build({ ...common, entryPoints: [path.join(root, 'webview/main.ts')], outfile: path.join(dir, 'webview.js'), platform: 'browser', format: 'iife', target: 'es2022' });
  return { extension: statSync(path.join(dir, 'extension.js')).size, webview: statSync(path.join(dir, 'webview.js')).size };
}

/**
 * The split layout proposed for scripts/build.mjs: the engine (src/app/session.ts and all it
 * pulls in) in dist/session.js, loaded by the extension's dynamic import on first use.
 */
async function splitBundle(dir: string): Promise<{ extension: number; session: number }> {
  const splitSession: esbuild.Plugin = {
    name: 'split-session',
    setup(build) {
      build.onResolve({ filter: /^(\.\.\/)+app\/session$/ }, () => ({ path: './session.js', external: true }));
    },
  };
  await esbuild.build({ ...common, entryPoints: [path.join(root, 'src/surfaces/vscode/extension.ts')], outfile: path.join(dir, 'extension.js'), platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], plugins: [splitSession] });
  await esbuild.build({ ...common, entryPoints: [path.join(root, 'src/app/session.ts')], outfile: path.join(dir, 'session.js'), platform: 'node', format: 'cjs', target: 'node20' });
  return { extension: statSync(path.join(dir, 'extension.js')).size, session: statSync(path.join(dir, 'session.js')).size };
}

// A fresh process per sample: module loading is the cost that matters, and it is cached.
const activationProbe = `
const Module = require('node:module');
const stub = () => new Proxy(function () {}, {
  get: (_t, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => '' : stub()),
  apply: () => stub(),
  construct: () => stub(),
  // Activation sets properties on what it creates (a status bar item's text, name, command).
  set: () => true,
});
// Named keys: the bundle copies the module's own properties (esbuild's __toESM).
const vscode = {};
for (const key of ['EventEmitter', 'Uri', 'window', 'workspace', 'commands', 'env', 'extensions', 'ThemeIcon', 'ThemeColor', 'TreeItem', 'TreeItemCollapsibleState', 'MarkdownString', 'ViewColumn', 'ProgressLocation', 'ConfigurationTarget', 'Disposable', 'l10n']) vscode[key] = stub();
vscode.StatusBarAlignment = { Left: 1, Right: 2 };
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
const t0 = performance.now();
const ext = require(process.argv[1]);
const t1 = performance.now();
const context = { subscriptions: [], secrets: stub(), extensionUri: stub(), globalStorageUri: stub(), logUri: stub(), extension: stub() };
ext.activate(context);
const t2 = performance.now();
process.stdout.write(JSON.stringify({ load: t1 - t0, activate: t2 - t1 }));
`;

function activationSamples(bundle: string, runs: number): { load: number[]; activate: number[] } {
  const load: number[] = [];
  const activate: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = JSON.parse(execFileSync(process.execPath, ['-e', activationProbe, bundle], { encoding: 'utf8' })) as { load: number; activate: number };
    load.push(out.load);
    activate.push(out.activate);
  }
  return { load, activate };
}

async function firstPageSamples(runs: number): Promise<number[] | undefined> {
  const env = process.env.SOS_AD_URL ? process.env : (JSON.parse(execFileSync(process.execPath, [path.join(root, 'test/setup/samba.mjs'), 'env'], { encoding: 'utf8' })) as NodeJS.ProcessEnv);
  if (!env.SOS_AD_URL) return undefined;
  const base = env.SOS_AD_BASE_DN!;
  const connector: ActiveDirectoryConnectorConfig = {
    name: 'corp.contoso.com',
    url: env.SOS_AD_URL,
    bindDn: env.SOS_AD_BIND_DN!,
    tls: { caFile: env.SOS_AD_CA_FILE!, serverName: env.SOS_AD_SERVER_NAME! },
    partitions: [{ dn: base, selected: true, inclusions: [base], exclusions: [] }],
    objectTypes: ['user'],
  };
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const directory = createDirectorySource(connector, env.SOS_AD_PASSWORD);
    const t0 = performance.now();
    const page = await directory.listChildren(Dn.parse(`OU=Bulk,OU=Contoso,${base}`), { pageSize: 200 });
    samples.push(performance.now() - t0);
    if (page.children.length !== 200 || !page.continuation) throw new Error(`unexpected first page: ${page.children.length} entries`);
    await directory.close();
  }
  return samples;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sos-vscode-bench-'));
  try {
    const sizes = await bundleSizes(dir);
    console.log(`bundle (production): extension ${kib(sizes.extension)} (target <= 2048 KiB), webview ${kib(sizes.webview)}`);
    const probe = path.join(dir, 'extension.js');
    writeFileSync(path.join(dir, 'package.json'), '{}');
    const runs = 9;
    const activation = activationSamples(probe, runs);
    console.log(`activation (median of ${runs} fresh processes): load bundle ${median(activation.load).toFixed(1)} ms + activate() ${median(activation.activate).toFixed(2)} ms = ${(median(activation.load) + median(activation.activate)).toFixed(1)} ms (target <= 50 ms)`);
    const splitDir = path.join(dir, 'split');
    const split = await splitBundle(splitDir);
    writeFileSync(path.join(splitDir, 'package.json'), '{}');
    const splitActivation = activationSamples(path.join(splitDir, 'extension.js'), runs);
    console.log(`split build (extension ${kib(split.extension)} + engine loaded on first use ${kib(split.session)}): load bundle ${median(splitActivation.load).toFixed(1)} ms + activate() ${median(splitActivation.activate).toFixed(2)} ms`);
    const pages = await firstPageSamples(5);
    if (pages) console.log(`first page of the 5,000-child OU (200 entries, fresh connection incl. bind), median of ${pages.length}: ${median(pages).toFixed(1)} ms (target <= 500 ms)`);
    else console.log('first page of the 5,000-child OU: skipped (no Samba; start it with node test/setup/samba.mjs start)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
