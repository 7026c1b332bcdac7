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
  /** Batch: the objects of a scope, or of a file of DNs. */
  searchBase?: string;
  scope?: 'one' | 'subtree';
  ldapFilter?: string;
  input?: string;
  /** Batch: write to Microsoft Entra ID (a batch stages by default). */
  export: boolean;
  whatIfConfig?: string;
  deletionThreshold?: number;
  bulkReadThreshold?: number;
  workers?: number;
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
       single-object-sync --search-base DN [--scope one|subtree] [--ldap-filter FILTER] [batch options]
       single-object-sync --input FILE [batch options]
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

Many objects (one process, one connection, one token, shared tenant reads):
  --search-base DN         Every user, inetOrgPerson, group and contact (the connector's
                           object types) under DN, read in one paged search.
  --scope one|subtree      one: direct children only; subtree (default): the whole tree.
  --ldap-filter FILTER     An RFC 4515 filter that narrows the search, e.g. (department=Sales).
  --input FILE             One distinguished name a line instead (# comments allowed; -
                           reads them from standard input).
  --export                 Export the batch to Microsoft Entra ID. Without it a batch runs in
                           staging mode. Before writing, a staging pass says how many objects
                           and writes the export will make.
  --what-if-config FILE    Stage the scope under the current and under this proposed
                           configuration and list per object what changes: newly in scope
                           (create or join), leaving scope (Entra Connect DELETES the cloud
                           object), attribute changes; and whether the deletes exceed the
                           export deletion threshold. Writes nothing (state copies are used).
  --deletion-threshold N   The threshold to check (default 500, Entra Connect's default).
  --bulk-read-threshold N  From this many objects a staging batch reads the tenant's users and
                           groups once (pages of 999) instead of looking up each (default 200).
  --workers N              Threads that share a staging batch read from memory (the scope
                           search and the one tenant read): default one per CPU core but one,
                           at most 4; on two cores two when object reports are written or for
                           10,000 objects and more, else none. 1: every object on the main thread.
  A batch prints one JSON result (a provisioningObjectSummary) per line on stdout, progress
  and a summary on stderr, and writes one HTML batch report linking each object's report.
  --version                Print the version.
  --help                   Print this help.

Secrets are never arguments: the AD password and the client secret come from the
environment variables the configuration names (passwordEnv, clientSecretEnv), or from a
hidden prompt when a terminal is attached.

Exit codes: 0 success, skipped or warning (a batch: no object failed); 1 the sync failed (a
batch: at least one object failed; --what-if-config: an object could not be evaluated or the
deletes exceed the threshold); 2 bad usage, configuration
or input (nothing was written); 3 the sync ran but writing the report, the --output file or
standard output failed; 130/143 interrupted by SIGINT/SIGTERM (the state lock is released);
141 a batch's reader left (| head): it stopped after the objects in flight.`;

export function parseCliArguments(argv: readonly string[]): CliArguments {
  const normalized = argv.map((a) => POWERSHELL_SPELLINGS[a.toLowerCase()] ?? a);
  let parsed;
  try {
    parsed = parseArgs({
      args: normalized,
      allowPositionals: false,
      tokens: true,
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
        'search-base': { type: 'string' },
        scope: { type: 'string' },
        'ldap-filter': { type: 'string' },
        input: { type: 'string' },
        export: { type: 'boolean', default: false },
        'what-if-config': { type: 'string' },
        'deletion-threshold': { type: 'string' },
        'bulk-read-threshold': { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  // parseArgs keeps the last of a repeated option: two DNs or two configurations would run
  // one of them silently (PowerShell refuses a parameter given twice, so does this).
  const given = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option' || token.name === 'redact' || token.value === undefined) continue;
    if (given.has(token.name)) throw new UsageError(`--${token.name} is given more than once; give it once.`);
    given.add(token.name);
  }
  const v = parsed.values;
  // An empty --redact (an unset variable) would mask nothing and say nothing: refused.
  if ((v.redact ?? []).some((r) => !r.split(',').some((name) => name.trim()))) {
    throw new UsageError('--redact needs attribute names (--redact mail,telephoneNumber): an empty value would mask nothing.');
  }
  const args: CliArguments = {
    stagingMode: v['staging-mode'] ?? false,
    noHtmlReport: v['no-html-report'] ?? false,
    config: v.config ?? 'single-object-sync.json',
    redact: (v.redact ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter(Boolean),
    validateConfig: v['validate-config'] ?? false,
    export: v.export ?? false,
    help: v.help ?? false,
    version: v.version ?? false,
    ...(v['distinguished-name'] !== undefined ? { distinguishedName: v['distinguished-name'] } : {}),
    ...(v['state-dir'] !== undefined ? { stateDir: v['state-dir'] } : {}),
    ...(v['report-dir'] !== undefined ? { reportDir: v['report-dir'] } : {}),
    ...(v.output !== undefined ? { output: v.output } : {}),
  };
  if (v['search-base'] !== undefined) args.searchBase = v['search-base'];
  if (v['ldap-filter'] !== undefined) args.ldapFilter = v['ldap-filter'];
  if (v.input !== undefined) args.input = v.input;
  if (v['what-if-config'] !== undefined) args.whatIfConfig = v['what-if-config'];
  if (v.scope !== undefined) {
    const scope = v.scope.toLowerCase();
    if (scope !== 'one' && scope !== 'subtree') throw new UsageError(`--scope must be one or subtree, not ${JSON.stringify(v.scope)}.`);
    args.scope = scope;
  }
  const count = (name: string, value: string | undefined, min: number): number | undefined => {
    if (value === undefined) return undefined;
    if (!/^\d{1,9}$/.test(value) || Number(value) < min) throw new UsageError(`--${name} must be a whole number of at least ${min}, not ${JSON.stringify(value)}.`);
    return Number(value);
  };
  const deletionThreshold = count('deletion-threshold', v['deletion-threshold'], 1);
  if (deletionThreshold !== undefined) args.deletionThreshold = deletionThreshold;
  const bulkReadThreshold = count('bulk-read-threshold', v['bulk-read-threshold'], 1);
  if (bulkReadThreshold !== undefined) args.bulkReadThreshold = bulkReadThreshold;
  const workers = count('workers', v.workers, 1);
  if (workers !== undefined && workers > 16) throw new UsageError(`--workers must be at most 16, not ${workers}.`);
  if (workers !== undefined) args.workers = workers;
  if (args.help || args.version || args.validateConfig) return args;

  const batch = args.searchBase !== undefined || args.input !== undefined;
  if (args.searchBase !== undefined && args.input !== undefined) throw new UsageError('Give --search-base or --input, not both.');
  if (batch && args.distinguishedName !== undefined) throw new UsageError('--distinguished-name is for one object; a batch takes --search-base or --input.');
  if (!batch) {
    const batchOnly = [['--scope', args.scope], ['--ldap-filter', args.ldapFilter], ['--export', args.export || undefined], ['--what-if-config', args.whatIfConfig], ['--deletion-threshold', args.deletionThreshold], ['--bulk-read-threshold', args.bulkReadThreshold], ['--workers', args.workers]]
      .filter(([, value]) => value !== undefined).map(([name]) => name);
    if (batchOnly.length) throw new UsageError(`${batchOnly.join(', ')} need --search-base or --input.`);
    if (!args.distinguishedName) throw new UsageError('--distinguished-name is required (or use --search-base, --input or --validate-config).');
    return args;
  }
  if ((args.scope !== undefined || args.ldapFilter !== undefined) && args.searchBase === undefined) throw new UsageError('--scope and --ldap-filter narrow --search-base; they do not apply to --input.');
  if (args.export && args.stagingMode) throw new UsageError('--export and --staging-mode contradict each other (a batch stages unless --export is given).');
  if (args.whatIfConfig !== undefined && args.export) throw new UsageError('--what-if-config only compares (staging mode); it cannot be combined with --export.');
  if (args.deletionThreshold !== undefined && args.whatIfConfig === undefined) throw new UsageError('--deletion-threshold applies to --what-if-config.');
  if (args.output !== undefined) throw new UsageError('--output is for one object; a batch writes one JSON result a line on stdout (redirect it).');
  return args;
}
