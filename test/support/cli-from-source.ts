// The CLI run from its TypeScript source (no build needed), as a user runs it: a clean
// environment holding PATH and the client secret only, output collected whole.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const mainTs = path.resolve(__dirname, '../../src/surfaces/cli/main.ts');
const tsx = pathToFileURL(require.resolve('tsx')).href;

export interface CliRun { code: number | null; stdout: string; stderr: string }

/** Runs `single-object-sync args` in `cwd` with SOS_CLIENT_SECRET set to `clientSecret`. */
export function runCliFromSource(cwd: string, args: string[], clientSecret: string, timeout = 60_000): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', tsx, mainTs, ...args], {
    cwd, env: { PATH: process.env.PATH, SOS_CLIENT_SECRET: clientSecret }, stdio: ['ignore', 'pipe', 'pipe'], timeout,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
