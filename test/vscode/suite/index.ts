// The mocha suite's entry, loaded by VS Code's extension host (extensionTestsPath), exactly
// as under @vscode/test-electron: it exports run(). Each test's outcome is also written to
// results.json beside this bundle, so the harness (run-in-code-server.ts) can re-report
// every mocha test as a node:test subtest.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { defineSuite } from './extension.suite';
import { definePanelSuite } from './panel.suite';
import { checkpoint, readSuiteConfig, resultsFile, type MochaResult } from './support';

export function run(): Promise<void> {
  // SOS_VSCODE_GREP=<regex> runs only the matching tests (while working on a few; the later
  // ones may need what earlier ones set up, e.g. "stores credentials" for the secrets).
  const grep = process.env.SOS_VSCODE_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 180_000, color: false, reporter: 'spec', ...(grep ? { grep: new RegExp(grep) } : {}) });
  mocha.suite.emit('pre-require', globalThis, path.join(__dirname, 'extension.suite.js'), mocha);
  defineSuite();
  definePanelSuite();
  const results: MochaResult[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      writeFileSync(resultsFile(), JSON.stringify(results, null, 2));
      const settle = () => (failures > 0 ? reject(new Error(`${failures} VS Code test(s) failed`)) : resolve());
      // The harness may now reload the window with this extension host still alive, as a
      // person would (issue 7: the report panel must come back). The reload ends this host,
      // so the harness takes the outcome from the checkpoint's request.
      if (readSuiteConfig().reloadAfterSuite) checkpoint('reload-window', { failures }).then(settle, settle);
      else settle();
    });
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }));
    runner.on('fail', (t, err: Error) =>
      results.push({ title: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error: `${err?.message ?? err}\n${err?.stack ?? ''}`.slice(0, 4000) }),
    );
    runner.on('pending', (t) => results.push({ title: t.fullTitle(), state: 'pending', durationMs: 0 }));
  });
}
