// Running the shipped CLI (dist/cli.js) from a benchmark: its JSON lines counted, its resident
// peak and CPU time (the whole process and the main thread alone) sampled from Linux /proc.
// BENCH_CLI picks another bundle (an A/B against a build of another commit); BENCH_CLI_NODE_ARGS
// passes flags to its node (--cpu-prof ...); BENCH_CLI_STDOUT keeps its JSON Lines in that file.
import { spawn } from 'node:child_process';
import { createWriteStream, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

export interface CliRun {
  status: number | null;
  stderr: string;
  lines: number;
  bytes: number;
  peakMb: number;
  cpuSeconds: number;
  mainThreadCpuSeconds: number;
  /** CPU seconds of the CLI's busiest threads, highest first (main thread, workers, V8's helpers). */
  threadCpuSeconds: number[];
  /** CPU seconds the whole machine spent while the CLI ran (the CLI, the directory, the emulator). */
  machineCpuSeconds: number;
  /** Seconds from the start to the first JSON line, and to the line halfway through (`halfwayLine`). */
  firstLineSeconds: number;
  halfwayLine: number;
  halfwaySeconds: number;
  seconds: number;
}

/** The machine's busy CPU time so far, in ticks of 1/100 s (/proc/stat: all but idle and iowait). */
function machineBusyTicks(): number {
  try {
    const fields = /^cpu\s+(.*)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1]!.split(/\s+/).map(Number);
    return fields.reduce((sum, value, i) => (i === 3 || i === 4 ? sum : sum + (value || 0)), 0);
  } catch {
    return 0;
  }
}

/** Runs dist/cli.js; counts its JSON lines and samples its resident memory (Linux /proc). */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(process.env.BENCH_CLI_NODE_ARGS ?? '').split(' ').filter(Boolean), process.env.BENCH_CLI ?? path.join(root, 'dist/cli.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let lines = 0;
    let bytes = 0;
    let peakKb = 0;
    let cpuTicks = 0;
    let mainTicks = 0;
    const threadTicks = new Map<string, number>();
    const machineBefore = machineBusyTicks();
    // The last sample before exit: resident peak (VmHWM) and CPU time (utime + stime, in ticks of 1/100 s).
    const sample = setInterval(() => {
      readFile(`/proc/${child.pid}/status`, 'utf8').then((s) => { peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0)); }, () => undefined);
      readFile(`/proc/${child.pid}/stat`, 'utf8').then((s) => {
        const fields = s.slice(s.lastIndexOf(')') + 2).split(' ');
        cpuTicks = Math.max(cpuTicks, Number(fields[11]) + Number(fields[12]));
      }, () => undefined);
      // The main thread alone (its task id is the process id): what a machine shared with other work slows least.
      readFile(`/proc/${child.pid}/task/${child.pid}/stat`, 'utf8').then((s) => {
        const fields = s.slice(s.lastIndexOf(')') + 2).split(' ');
        mainTicks = Math.max(mainTicks, Number(fields[11]) + Number(fields[12]));
      }, () => undefined);
      try {
        for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
          const s = readFileSync(`/proc/${child.pid}/task/${tid}/stat`, 'utf8');
          const fields = s.slice(s.lastIndexOf(')') + 2).split(' ');
          threadTicks.set(tid, Math.max(threadTicks.get(tid) ?? 0, Number(fields[11]) + Number(fields[12])));
        }
      } catch {
        // the process or a thread ended between the listing and the read
      }
    }, 100);
    // Newlines counted with indexOf (memchr), not byte by byte: each JSON line is ~80 KB, and a
    // reader slower than the CLI would block its synchronous pipe writes and be measured instead.
    const keep = process.env.BENCH_CLI_STDOUT ? createWriteStream(process.env.BENCH_CLI_STDOUT) : undefined;
    // When the lines arrive (every 100th): the time before the first object and the rate once warm.
    const t0 = performance.now();
    const arrivals: number[] = [];
    child.stdout.on('data', (d: Buffer) => {
      keep?.write(d);
      bytes += d.length;
      for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) if (lines++ % 100 === 0) arrivals.push(performance.now() - t0);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (status) => {
      clearInterval(sample);
      keep?.end();
      const seconds = (performance.now() - t0) / 1000;
      resolve({
        // arrivals[k] is when line 100 k + 1 came.
        firstLineSeconds: (arrivals[0] ?? 0) / 1000, halfwayLine: Math.floor(arrivals.length / 2) * 100 + 1, halfwaySeconds: (arrivals[Math.floor(arrivals.length / 2)] ?? 0) / 1000, seconds,
        status, stderr, lines, bytes, peakMb: Math.round(peakKb / 1024), cpuSeconds: cpuTicks / 100, mainThreadCpuSeconds: mainTicks / 100,
        threadCpuSeconds: [...threadTicks.values()].sort((a, b) => b - a).map((t) => t / 100),
        machineCpuSeconds: (machineBusyTicks() - machineBefore) / 100,
      });
    });
  });
}


/**
 * When the objects came: the first line's delay (start, directory and tenant reads), the rate
 * over the first and the second half of the lines (the second half is the warm rate: the JIT has
 * compiled the hot paths by then).
 */
export function pacing(run: CliRun): string {
  if (run.lines < 200) return `first line after ${run.firstLineSeconds.toFixed(2)} s`;
  const firstHalf = (run.halfwayLine - 1) / (run.halfwaySeconds - run.firstLineSeconds);
  const secondHalf = (run.lines - run.halfwayLine) / (run.seconds - run.halfwaySeconds);
  return `first line after ${run.firstLineSeconds.toFixed(2)} s, then ${firstHalf.toFixed(0)} objects/s up to line ${run.halfwayLine} and ${secondHalf.toFixed(0)} objects/s after it`;
}

/** The CLI's own phase times from its batch summary ("time: scope read ..."), if printed. */
export function phaseTimes(run: CliRun): string | undefined {
  return /^ {2}time: .*$/m.exec(run.stderr)?.[0].trim();
}

/**
 * The file system's metadata latency where a run writes its state: the median of 500 link()
 * calls (a batch takes each object's lock with one). This machine's disk varies about tenfold
 * (0.04 to 0.4 ms), and a batch makes a few such calls per object, so the figure goes beside
 * the throughput it explains.
 */
export function metadataLatency(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const source = path.join(dir, '.bench-link-source');
  writeFileSync(source, 'x');
  const times: number[] = [];
  for (let i = 0; i < 500; i++) {
    const target = path.join(dir, `.bench-link-${i}`);
    const t0 = performance.now();
    linkSync(source, target);
    times.push(performance.now() - t0);
  }
  for (let i = 0; i < 500; i++) rmSync(path.join(dir, `.bench-link-${i}`), { force: true });
  rmSync(source, { force: true });
  times.sort((a, b) => a - b);
  return `file-system metadata: link() median ${times[250]!.toFixed(3)} ms, p90 ${times[450]!.toFixed(3)} ms`;
}

/**
 * The machine's speed for this process's kind of work right now: the median of 7 timings of a
 * fixed JSON round trip (a 32 KB document, 300 times). Two-core cloud machines vary by half
 * within an hour, so a figure is read beside it, and A/B runs interleaved.
 */
export function cpuReference(): string {
  const rows = Array.from({ length: 120 }, (_, i) => ({ name: `attribute${i}`, oldValue: `old value ${i}`, newValue: `new value ${i}`, syncRule: 'In from AD - User Common', mappingType: 'Direct' }));
  const document = JSON.stringify({ steps: Array.from({ length: 2 }, () => ({ rows })) });
  const times: number[] = [];
  for (let run = 0; run < 7; run++) {
    const t0 = performance.now();
    for (let i = 0; i < 300; i++) JSON.stringify(JSON.parse(document));
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return `CPU reference (JSON round trip of ${Math.round(document.length / 1024)} KB x 300): median ${times[3]!.toFixed(0)} ms`;
}

/**
 * What two threads get from this machine's cores: the same fixed JSON round trip on one thread,
 * then on two at once, as the work two threads do together over one thread's (2.00 x: two real
 * cores). The worker figures (--workers 2) are read beside it: a two-vCPU cloud machine may
 * give two busy threads far less than two cores.
 */
export async function parallelCapacity(): Promise<string> {
  const { Worker } = await import('node:worker_threads');
  const code = `
    const { parentPort } = require('node:worker_threads');
    const rows = Array.from({ length: 120 }, (_, i) => ({ name: 'attribute' + i, oldValue: 'old value ' + i, newValue: 'new value ' + i }));
    const document = JSON.stringify({ steps: [{ rows }, { rows }] });
    const t0 = performance.now();
    for (let i = 0; i < 600; i++) JSON.stringify(JSON.parse(document));
    parentPort.postMessage(performance.now() - t0);`;
  const timed = (threads: number) => Promise.all(Array.from({ length: threads }, () => new Promise<number>((resolve, reject) => {
    const worker = new Worker(code, { eval: true });
    worker.once('message', (ms: number) => { resolve(ms); void worker.terminate(); });
    worker.once('error', reject);
  })));
  const ratios: number[] = [];
  for (let run = 0; run < 3; run++) {
    const [one] = await timed(1);
    const two = await timed(2);
    ratios.push((2 * one!) / Math.max(...two));
  }
  ratios.sort((a, b) => a - b);
  return `two threads at once do ${ratios[1]!.toFixed(2)} x the work of one (2.00 x: two free cores)`;
}

/** Where a run's CPU went: the CLI's busiest threads and the machine as a whole (Samba, the emulator). */
export function cpuBreakdown(run: CliRun, wallSeconds: number): string {
  const threads = run.threadCpuSeconds.filter((t) => t >= 0.1).map((t) => t.toFixed(1)).join(', ');
  return `CPU by thread ${threads} s; the machine was busy ${run.machineCpuSeconds.toFixed(1)} of ${(availableParallelism() * wallSeconds).toFixed(1)} core-seconds (the CLI ${run.cpuSeconds.toFixed(1)})`;
}
