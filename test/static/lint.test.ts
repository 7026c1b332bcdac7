// The engine boundary is a lint rule, and the whole tree passes lint and the type checker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ESLint } from 'eslint';

test('the lint rule rejects adapter imports inside src/engine/', async () => {
  const eslint = new ESLint();
  for (const pkg of ['vscode', 'ldapts', '@azure/msal-node', '@microsoft/microsoft-graph-client']) {
    const [result] = await eslint.lintText(`import * as x from '${pkg}';\nexport const y = x;\n`, { filePath: 'src/engine/probe.ts' });
    const messages = result!.messages.filter((m) => m.ruleId === 'no-restricted-imports');
    assert.equal(messages.length, 1, `importing ${pkg} in the engine must be a lint error`);
  }
  const [outside] = await eslint.lintText(`import * as x from 'ldapts';\nexport const y = x;\n`, { filePath: 'src/adapters/ad/probe.ts' });
  assert.equal(outside!.messages.filter((m) => m.ruleId === 'no-restricted-imports').length, 0);
});

test('the whole tree passes ESLint', async () => {
  const eslint = new ESLint();
  const results = await eslint.lintFiles(['.']);
  const errors = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath}:${m.line}:${m.column} ${m.ruleId} ${m.message}`));
  assert.deepEqual(errors, []);
});

test('the whole tree type-checks (tsc --noEmit, strict)', () => {
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit'], { encoding: 'utf8', stdio: 'pipe' });
  } catch (err: any) {
    assert.fail(`tsc reported errors:\n${err.stdout}`);
  }
});

// The layers (eslint/layers.mjs): each zone rejects an import of a layer above it, resolved
// from the file's own path (a relative import cannot slip past), and accepts the layers below.
test('the layer rule rejects, in each zone, an import of a layer it may not use', async () => {
  const eslint = new ESLint();
  const cases: [file: string, forbidden: string, allowed: string][] = [
    ['src/engine/pipeline/probe.ts', '../../adapters/ad/ldap/ldap-source', '../model/dn'],
    ['src/engine/probe.ts', '../app/config/index', './model/config'],
    ['src/adapters/ad/probe.ts', '../entra/graph/graph-target', '../../engine/model/dn'],
    ['src/adapters/entra/probe.ts', '../../app/session', '../io/read-bounded'],
    ['src/adapters/state/probe.ts', '../../report/index', '../../engine/spaces/state-store'],
    ['src/report/probe.ts', '../adapters/io/owner-only', '../engine/summary/types'],
    ['src/adapters/io/probe.ts', '../ad/index', '../../engine/errors/index'],
    ['src/app/probe.ts', '../surfaces/cli/main', './config/index'],
    ['src/surfaces/cli/probe.ts', '../../adapters/ad/index', '../../app/session'],
    ['src/surfaces/vscode/probe.ts', '../../adapters/entra/index', '../../../webview/protocol'],
    ['webview/probe.ts', '../src/surfaces/vscode/extension', './protocol'],
    // The panel renders the report with the report's browser parts, never the Node-side renderer.
    ['webview/probe.ts', '../src/report/document', '../src/report/browser/view'],
    ['src/report/browser/probe.ts', '../body', './view'],
  ];
  for (const [filePath, forbidden, allowed] of cases) {
    const lint = async (source: string) => {
      const [result] = await eslint.lintText(`import * as x from '${source}';\nexport const y = x;\n`, { filePath });
      return result!.messages.filter((m) => m.ruleId === 'layers/imports');
    };
    assert.equal((await lint(forbidden)).length, 1, `${filePath} importing ${forbidden} must be a lint error`);
    assert.deepEqual(await lint(allowed), [], `${filePath} may import ${allowed}`);
  }
});
