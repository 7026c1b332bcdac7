// The shipped CLI (dist/cli.js) run as a shell runs it: a process of its own whose environment
// is PATH and the variables a test gives (no secret inherited from the test runner), with its
// output collected.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const cli = path.resolve(__dirname, '../../dist/cli.js');

export interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export interface RunOptions {
  cwd?: string;
  /** Beside PATH, the only variable inherited. */
  env?: Record<string, string | undefined>;
  /** Killed after this long: a hung CLI fails its test, not the whole suite. */
  timeout?: number;
  /** Sees stdout as it grows, to interrupt or kill the CLI at a chosen point. */
  onStdout?(stdout: string, child: ChildProcess): void;
  /** Sees stderr as it grows (progress, the export plan), to interrupt the CLI at a chosen point. */
  onStderr?(stderr: string, child: ChildProcess): void;
  /** Gets the process as soon as it starts, to kill it when something outside it happens. */
  onSpawn?(child: ChildProcess): void;
}

export function runCli(args: string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { PATH: process.env.PATH, ...options.env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.timeout ? { timeout: options.timeout } : {}),
    });
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      options.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      options.onStderr?.(stderr, child);
    });
    // 'close', not 'exit': everything the CLI wrote before it ended has been read.
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The JSON lines on stdout, complete lines only (a killed CLI can leave its last one cut short). */
export function jsonLines<T>(stdout: string): T[] {
  return stdout.slice(0, stdout.lastIndexOf('\n') + 1).split('\n').filter(Boolean).map((line) => JSON.parse(line) as T);
}
