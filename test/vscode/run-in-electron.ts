// The same suite in desktop VS Code, for engineers whose machines can download it
// (@vscode/test-electron 2.5.2, the last line that runs on Node 20). CI uses code-server
// instead (run-in-code-server.ts), because these machines cannot reach Microsoft's CDN.
//
//   npx tsx test/vscode/run-in-electron.ts            downloads VS Code stable on first use
//   SOS_VSCODE_EXECUTABLE=/path/to/code npx tsx ...   uses an installed VS Code
//
// Needs the Samba AD DC (node test/setup/samba.mjs start); starts the Graph emulator itself.
// Tests that look at the page (webview DOM, clicks, screenshots) are reported pending here.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { startEmulator } from '../graph-emulator';
import { buildSuite } from './build-suite.mjs';
import { ensureServices, writeWorkspace } from './workspace';

const root = path.resolve(__dirname, '..', '..');
const stateRoot = path.join(root, 'test', '.state', 'vscode-electron');

async function main(): Promise<void> {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed');
  const services = await ensureServices(root, path.join(root, 'test', '.state'));
  const emulator = await startEmulator({ stateDir: path.join(stateRoot, 'graph-emulator') });
  try {
    const suiteDir = path.join(stateRoot, 'suite');
    await buildSuite(suiteDir);
    const userDataDir = path.join(stateRoot, 'user-data');
    const config = writeWorkspace(services.env, emulator, path.join(stateRoot, 'workspace'), suiteDir, userDataDir, 'full', undefined, false);
    await runTests({
      ...(process.env.SOS_VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.SOS_VSCODE_EXECUTABLE } : { version: 'stable' }),
      extensionDevelopmentPath: root,
      extensionTestsPath: suiteDir,
      launchArgs: [config.workspace, '--user-data-dir', userDataDir, '--disable-extensions'],
    });
  } finally {
    await emulator.close();
    for (const stop of services.stops) await stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
