// single-object-sync: the CLI surface. Thin: parse arguments, open a session, run, print.
import { access, constants, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { directoryErrors, isSyncError, SyncError, syncErrors } from '../../engine/errors';
import { appErrors } from '../../app/errors';
import { Dn } from '../../engine/model/dn';
import type { ProvisioningObjectSummary } from '../../engine/summary/types';
import { redactSummary } from '../../report/redact';
import { openSession, resultOfFailure, type SyncOutcome } from '../../app/session';
import { OWNER_ONLY_FILE } from '../../adapters/io/owner-only';
import { toolVersion } from '../../app/version';
import { HELP, parseCliArguments, UsageError, type CliArguments } from './args';
import { runBatchCli } from './batch';
import { interruptOnSignals } from './interrupt';
import { describeError, progressPrinter, terminalText } from './progress';
import { environmentSecrets } from './secrets';
import { describeFailure, guardStdout, jsonWithoutControls, readerLeft, stdoutFailure, writeStdoutAndWait } from './stdout';
import { runValidateConfig } from './validate-config';
import { parseDnArgument } from './dn-argument';

export async function main(argv: readonly string[]): Promise<number> {
  // A reader that leaves (`| head`) or a full disk must not crash the run with a stack trace.
  guardStdout();
  let args: CliArguments;
  try {
    args = parseCliArguments(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      // The message may quote an argument (a DN from a script's data, split by an unquoted variable).
      process.stderr.write(`single-object-sync: ${terminalText(err.message)}\nRun single-object-sync --help for usage.\n`);
      return 2;
    }
    throw err;
  }
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (args.version) {
    process.stdout.write(`${toolVersion}\n`);
    return 0;
  }
  if (args.validateConfig) return runValidateConfig({ config: args.config }, { stdout: process.stdout, stderr: process.stderr });
  if (args.searchBase !== undefined || args.input !== undefined) return runBatchCli(args);

  // The DN is parsed here, where it enters: a malformed (or empty) DN is a usage error, found
  // before any connection is made.
  let distinguishedName: Dn;
  try {
    distinguishedName = parseDnArgument(args.distinguishedName!);
    if (distinguishedName.isRoot) {
      throw new SyncError(directoryErrors.MalformedDistinguishedName, { position: 1, problem: 'the distinguished name is empty', dn: args.distinguishedName });
    }
  } catch (err) {
    if (isSyncError(err)) {
      process.stderr.write(describeError(err));
      return 2;
    }
    throw err;
  }

  // --output is checked before anything runs: a folder or an unwritable place would otherwise be
  // found only after an export was made.
  const outputProblem = args.output ? await unusableOutput(args.output) : undefined;
  if (outputProblem) {
    process.stderr.write(describeError(outputProblem));
    return 2;
  }

  let session;
  try {
    session = await openSession({
      configPath: path.resolve(args.config),
      secrets: environmentSecrets,
      ...(args.stateDir ? { stateDir: path.resolve(args.stateDir) } : {}),
      ...(args.reportDir ? { reportDir: path.resolve(args.reportDir) } : {}),
      initiator: { id: process.env.USER ?? '', displayName: process.env.USER ?? 'single-object-sync' },
    });
  } catch (err) {
    if (isSyncError(err)) {
      process.stderr.write(describeError(err));
      return 2;
    }
    throw err;
  }
  // Bad input (files the configuration names, secrets, the state folder) ends here, before
  // any write: exit 2, no report, no state.
  try {
    await session.prepare({ noHtmlReport: args.noHtmlReport });
  } catch (err) {
    await session.close();
    if (isSyncError(err)) {
      process.stderr.write(describeError(err));
      return 2;
    }
    throw err;
  }

  const redacting = args.redact.length > 0;
  // With --redact, nothing on stderr may carry a value: step lines go out without their reasons.
  const progress = progressPrinter(process.stderr, { reasons: !redacting });
  const interrupt = interruptHandler(progress);
  try {
    let outcome: SyncOutcome;
    try {
      outcome = await session.sync(distinguishedName, {
        stagingMode: args.stagingMode,
        noHtmlReport: args.noHtmlReport,
        ...(redacting ? { redactAttributes: args.redact } : {}),
        onEvent: (event) => {
          if (event.type === 'stepStarted') interrupt.onStep(event.stepNumber, event.name);
          progress.onEvent(event);
        },
        signal: interrupt.signal,
      });
    } catch (err) {
      // The sync ran but writing the report failed: print the result, then name what failed.
      const summary = resultOfFailure(err);
      if (!summary || !isSyncError(err)) throw err;
      progress.stop();
      const printed = await printResult(summary, args, undefined);
      if (printed.tooLarge) {
        process.stderr.write(`The sync finished, but ${describeError(printed.tooLarge)}and ${describeError(err)}`);
        return interrupt.exitCode() ?? EXIT_AFTER_SYNC_FAILURE;
      }
      const output = args.output ? await writeOutput(args.output, summary) : undefined;
      process.stderr.write(`The sync finished (result on stdout), but then ${describeError(err)}`);
      if (output) process.stderr.write(`and ${describeError(output)}`);
      return interrupt.exitCode() ?? EXIT_AFTER_SYNC_FAILURE;
    }
    progress.stop();
    const written = await printResult(outcome.summary, args, outcome.reportPath);
    if (written.tooLarge) {
      process.stderr.write(`The sync finished, but ${describeError(written.tooLarge)}`);
      return interrupt.exitCode() ?? EXIT_AFTER_SYNC_FAILURE;
    }
    const afterwards = args.output ? await writeOutput(args.output, outcome.summary) : undefined;
    const interrupted = interrupt.exitCode();
    if (interrupted !== undefined) {
      process.stderr.write(interrupt.describe(outcome.summary));
      return interrupted;
    }
    if (afterwards) {
      process.stderr.write(`The sync finished (result on stdout), but then ${describeError(afterwards)}`);
      return EXIT_AFTER_SYNC_FAILURE;
    }
    // A reader that left early chose to; a failing output (a full disk) lost the result: say so.
    const notPrinted = stdoutFailure();
    if (notPrinted && !readerLeft(notPrinted)) {
      process.stderr.write(`The sync finished, but its result could not be written to standard output (${terminalText(describeFailure(notPrinted))}).` +
        `${args.output ? ' The --output file has it.' : ' Run it again with --output FILE to keep the result in a file.'}\n`);
      return EXIT_AFTER_SYNC_FAILURE;
    }
    return written.status === 'failure' ? 1 : 0;
  } finally {
    interrupt.dispose();
    progress.stop();
    await session.close();
  }
}

/** Exit code when the sync ran but writing its report or --output file failed afterwards. */
export const EXIT_AFTER_SYNC_FAILURE = 3;

/**
 * Why --output cannot take the result (a folder, a missing or unwritable folder), or undefined. A
 * device or a pipe (/dev/null, /dev/stdout, a shell's >(jq ...)) takes it as a file does.
 */
async function unusableOutput(file: string): Promise<SyncError | undefined> {
  const target = path.resolve(file);
  const problem = (cause: string) => new SyncError(appErrors.OutputPathUnusable, { file: target, cause });
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) return problem('it is a folder');
  const folder = path.dirname(target);
  const parent = await stat(folder).catch(() => undefined);
  if (!parent?.isDirectory()) return problem(`the folder ${folder} does not exist`);
  const writable = await access(existing ? target : folder, constants.W_OK).then(() => true, () => false);
  return writable ? undefined : problem(`this account may not write ${existing ? 'the file' : `in ${folder}`}`);
}

/** The result as JSON, or ResultTooLarge when it holds more text than a string can (a hostile value of megabytes). */
function resultJson(summary: ProvisioningObjectSummary): string | SyncError {
  try {
    // C1 controls escaped too (AD values; stdout is often a terminal): the same JSON.
    return jsonWithoutControls(JSON.stringify(summary, null, 2));
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    const largest = largestValue(summary);
    return new SyncError(appErrors.ResultTooLarge, { cause: err.message, attribute: largest.attribute, length: String(largest.length), count: String(largest.count) }, { cause: err });
  }
}

/** The attribute whose values hold the most text in the result's steps (one huge value, or a million members), for the error to name. */
function largestValue(summary: ProvisioningObjectSummary): { attribute: string; length: number; count: number } {
  let largest = { attribute: 'an attribute', length: 0, count: 0 };
  for (const step of summary.provisioningSteps) {
    for (const row of step.attributes ?? []) {
      let length = 0;
      for (const value of row.value ?? []) length += typeof value === 'string' ? value.length : 0;
      if (length > largest.length) largest = { attribute: row.name, length, count: row.value?.length ?? 0 };
    }
  }
  return largest;
}

async function printResult(summary: ProvisioningObjectSummary, args: CliArguments, reportPath: string | undefined): Promise<{ status: string; tooLarge?: SyncError }> {
  const json = resultJson(summary);
  if (json instanceof SyncError) {
    if (reportPath) process.stderr.write(`HTML report: ${terminalText(reportPath)}\n`);
    return { status: 'failure', tooLarge: json };
  }
  await writeStdoutAndWait(`${json}\n`);
  // The closing line is written from the redacted copy when --redact is given.
  const shown = args.redact.length ? redactSummary(summary, args.redact) : summary;
  const status = shown.provisioningStatusInfo;
  process.stderr.write(`Result: ${status.status}${status.errorInformation ? terminalText(` - ${status.errorInformation.errorCode}: ${status.errorInformation.reason}`) : ''}\n`);
  if (reportPath) process.stderr.write(`HTML report: ${terminalText(reportPath)}\n`);
  return { status: summary.provisioningStatusInfo.status };
}

async function writeOutput(file: string, summary: ProvisioningObjectSummary): Promise<SyncError | undefined> {
  const json = resultJson(summary);
  if (json instanceof SyncError) return json;
  try {
    await writeFile(file, `${json}\n`, { mode: OWNER_ONLY_FILE });
    return undefined;
  } catch (err) {
    return new SyncError(appErrors.OutputNotWritable, { file: path.resolve(file), cause: (err as Error).message }, { cause: err });
  }
}

/**
 * SIGINT/SIGTERM: the first stops the sync after the current step (no new step starts); a
 * second one, or the grace period running out, releases the state lock and exits at once.
 * Either way the exit code is 130 (SIGINT) or 143 (SIGTERM) and one line says what was done.
 */
function interruptHandler(progress: { stop: () => void }) {
  let current: { number: number; name: string } | undefined;
  const base = interruptOnSignals({
    first: (signal) => `single-object-sync: ${signal} received: stopping after the current step (send it again to stop at once).\n`,
    stopNow: (signal, released) => {
      const during = current ? ` during step ${current.number} (${current.name})` : '';
      return `single-object-sync: stopped by ${signal}${during} before the sync finished; no result was produced.${released ? ' The state lock was released.' : ''}` +
        `${current?.number === 10 ? ' A Graph write in flight may have reached Microsoft Entra ID.' : ''} Run the sync again: it continues from the stored state.\n`;
    },
  }, () => progress.stop());
  return {
    signal: base.signal,
    onStep(number: number, name: string) {
      current = { number, name };
    },
    exitCode: base.exitCode,
    /** What the interrupted run actually did, from its result. */
    describe(summary: ProvisioningObjectSummary): string {
      const cancelled = summary.provisioningSteps.filter((s) => s.errorInformation?.errorCode === syncErrors.Cancelled.code).map((s) => s.stepNumber);
      const exported = summary.provisioningSteps.find((s) => s.stepNumber === 10);
      const done = cancelled.length === 0
        ? `every step had run (the export step ended ${exported?.status ?? 'not run'}); the result above is complete`
        : `the sync stopped before step ${Math.min(...cancelled)}; the steps before it ran and are reported above${exported && exported.status !== 'skipped' && !cancelled.includes(10) ? '' : ', nothing was exported'}`;
      return `single-object-sync: interrupted by ${base.received()}: ${done}.\n`;
    },
    dispose: base.dispose,
  };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      process.stderr.write(`single-object-sync: unexpected error: ${terminalText(err instanceof Error ? err.message : String(err))}\n`);
      process.exitCode = 1;
    },
  );
}
