// single-object-sync: the CLI surface. Thin: parse arguments, open a session, run, print.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isSyncError, SyncError } from '../engine/errors';
import { parseDn } from '../engine/model/dn';
import { openSession } from '../session';
import { toolVersion } from '../version';
import { HELP, parseCliArguments, UsageError, type CliArguments } from './args';
import { progressPrinter, terminalText } from './progress';
import { environmentSecrets } from './secrets';
import { runValidateConfig } from './validate-config';

function describe(error: SyncError): string {
  return terminalText(`${error.code}: ${error.reason}`) + `\nRecommended action: ${terminalText(error.recommendedAction)}${error.documentationUrl ? `\nMore: ${error.documentationUrl}` : ''}\n`;
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: CliArguments;
  try {
    args = parseCliArguments(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`single-object-sync: ${err.message}\nRun single-object-sync --help for usage.\n`);
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

  // A malformed DN is a usage error, found before any connection is made.
  try {
    parseDn(args.distinguishedName!);
  } catch (err) {
    if (isSyncError(err)) {
      process.stderr.write(describe(err));
      return 2;
    }
    throw err;
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
      process.stderr.write(describe(err));
      return 2;
    }
    throw err;
  }
  const progress = progressPrinter(process.stderr);
  try {
    const outcome = await session.sync(args.distinguishedName!, {
      stagingMode: args.stagingMode,
      noHtmlReport: args.noHtmlReport,
      ...(args.redact.length ? { redactAttributes: args.redact } : {}),
      onEvent: progress.onEvent,
    });
    progress.stop();
    const json = `${JSON.stringify(outcome.summary, null, 2)}\n`;
    process.stdout.write(json);
    if (args.output) await writeFile(args.output, json);
    const status = outcome.summary.provisioningStatusInfo;
    process.stderr.write(`Result: ${status.status}${status.errorInformation ? terminalText(` - ${status.errorInformation.errorCode}: ${status.errorInformation.reason}`) : ''}\n`);
    if (outcome.reportPath) process.stderr.write(`HTML report: ${outcome.reportPath}\n`);
    return status.status === 'failure' ? 1 : 0;
  } finally {
    progress.stop();
    await session.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      process.stderr.write(`single-object-sync: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
