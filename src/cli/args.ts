// The CLI's arguments: the cmdlet's parameters in Unix form, plus the PowerShell spellings
// (-DistinguishedName, -StagingMode, -NoHtmlReport) so runbooks translate one to one.
import { parseArgs } from 'node:util';

export interface CliArguments {
  distinguishedName?: string;
  stagingMode: boolean;
  noHtmlReport: boolean;
  config: string;
  stateDir?: string;
  reportDir?: string;
  output?: string;
  redact: string[];
  validateConfig: boolean;
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

const POWERSHELL_SPELLINGS: Record<string, string> = {
  '-distinguishedname': '--distinguished-name',
  '-stagingmode': '--staging-mode',
  '-nohtmlreport': '--no-html-report',
};

export const HELP = `Usage: single-object-sync --distinguished-name DN [options]
       single-object-sync --validate-config [--config FILE]

Runs the ten steps of Entra Connect's Single Object Sync for one Active Directory object
and prints the result (a provisioningObjectSummary) as JSON on stdout.

Options:
  --distinguished-name DN  The object to sync (also -DistinguishedName DN).
  --staging-mode           Run every step but export nothing to Microsoft Entra ID; the
                           import and sync state is committed (also -StagingMode).
  --no-html-report         Do not write the HTML report (also -NoHtmlReport).
  --config FILE            Configuration file (default ./single-object-sync.json).
  --state-dir DIR          Where connector spaces and the metaverse are kept.
  --report-dir DIR         Where the HTML report is written.
  --output FILE            Also write the JSON result to FILE.
  --redact ATTR[,ATTR]     Mask these attributes' values in the HTML report and on stderr
                           (step reasons are left out); the JSON on stdout stays exact.
  --validate-config        Load the configuration and every rule, print counts and problems.
  --version                Print the version.
  --help                   Print this help.

Secrets are never arguments: the AD password and the client secret come from the
environment variables the configuration names (passwordEnv, clientSecretEnv), or from a
hidden prompt when a terminal is attached.

Exit codes: 0 success, skipped or warning; 1 the sync failed; 2 bad usage, configuration
or input (nothing was written); 3 the sync ran (JSON on stdout) but writing the report or
--output file failed; 130/143 interrupted by SIGINT/SIGTERM (the state lock is released).`;

export function parseCliArguments(argv: readonly string[]): CliArguments {
  const normalized = argv.map((a) => POWERSHELL_SPELLINGS[a.toLowerCase()] ?? a);
  let parsed;
  try {
    parsed = parseArgs({
      args: normalized,
      allowPositionals: false,
      options: {
        'distinguished-name': { type: 'string' },
        'staging-mode': { type: 'boolean', default: false },
        'no-html-report': { type: 'boolean', default: false },
        config: { type: 'string', default: 'single-object-sync.json' },
        'state-dir': { type: 'string' },
        'report-dir': { type: 'string' },
        output: { type: 'string' },
        redact: { type: 'string', multiple: true, default: [] },
        'validate-config': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  const args: CliArguments = {
    stagingMode: v['staging-mode'] ?? false,
    noHtmlReport: v['no-html-report'] ?? false,
    config: v.config ?? 'single-object-sync.json',
    redact: (v.redact ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter(Boolean),
    validateConfig: v['validate-config'] ?? false,
    help: v.help ?? false,
    version: v.version ?? false,
    ...(v['distinguished-name'] !== undefined ? { distinguishedName: v['distinguished-name'] } : {}),
    ...(v['state-dir'] !== undefined ? { stateDir: v['state-dir'] } : {}),
    ...(v['report-dir'] !== undefined ? { reportDir: v['report-dir'] } : {}),
    ...(v.output !== undefined ? { output: v.output } : {}),
  };
  if (!args.help && !args.version && !args.validateConfig && !args.distinguishedName) {
    throw new UsageError('--distinguished-name is required (or use --validate-config).');
  }
  return args;
}
