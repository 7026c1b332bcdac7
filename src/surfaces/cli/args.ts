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
                           Not with --export or --what-if-config: they run on the main thread.
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

/** The largest --deletion-threshold, --bulk-read-threshold or --workers count that parses (nine digits). */
const MAX_COUNT = 999_999_999;

/** The options that take a value, by name (for the messages below). */
const VALUE_OPTIONS = new Set(['distinguished-name', 'config', 'state-dir', 'report-dir', 'output', 'redact', 'search-base', 'scope', 'ldap-filter', 'input', 'what-if-config', 'deletion-threshold', 'bulk-read-threshold', 'workers']);
const SWITCHES = new Set(['staging-mode', 'no-html-report', 'validate-config', 'export', 'help', 'version']);

/**
 * parseArgs's message in one line with the fix: its own spans lines (which the terminal output
 * escapes into \u000a) and, for -SearchBase (a PowerShell spelling this tool does not map), names
 * the short option -S.
 */
function parseErrorMessage(err: Error & { code?: string }, argv: readonly string[]): string {
  const message = err.message.split('\n')[0]!.trim();
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const single = argv.find((a) => /^-[^-]{2,}/.test(a) && !/^-h+$/.test(a));
    if (single !== undefined) {
      const squeezed = single.slice(1).split('=')[0]!.replace(/-/g, '').toLowerCase();
      const unix = [...VALUE_OPTIONS, ...SWITCHES].find((name) => name.replace(/-/g, '') === squeezed);
      const hint = unix ? ` (did you mean --${unix}?)` : '';
      return `Unknown option ${JSON.stringify(single)}${hint}: options take two dashes (--search-base); of the PowerShell spellings only -DistinguishedName, -StagingMode and -NoHtmlReport are taken.`;
    }
  }
  const option = /^Option '(--[a-z-]+)/.exec(message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    if (/argument is ambiguous/.test(message)) {
      const next = argv[argv.indexOf(option) + 1] ?? '';
      return `${option} needs a value, but the next argument ${JSON.stringify(next)} starts with a dash: give the value after ${option}, or write ${option}=${next} if that is the value.`;
    }
    if (/argument missing/.test(message)) return `${option} needs a value (${option} ${option === '--workers' || option.endsWith('-threshold') ? 'N' : 'VALUE'}).`;
    if (/does not take an argument/.test(message)) return `${option} is a switch and takes no value: give ${option} alone, or leave it out.`;
  }
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const stray = /^Unexpected argument '(.*)'\. /s.exec(err.message)?.[1];
    // Most often a value with spaces that was not quoted (--search-base OU=Sales, OU=Contoso,...).
    if (stray !== undefined) return `Unexpected argument ${JSON.stringify(stray)}: every value follows its option, and a value that holds spaces must be quoted (--search-base "OU=Sales Team,DC=contoso,DC=com").`;
  }
  return /[.!?]$/.test(message) ? message : `${message}.`;
}

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
    throw new UsageError(parseErrorMessage(err as Error & { code?: string }, normalized));
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
    if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${name} must be a whole number of at least ${min}, not ${JSON.stringify(value)}.`);
    // A number of ten digits and more is a typo or an overflow probe, not a count: said as such.
    if (!/^\d{1,9}$/.test(value.replace(/^0+(?=\d)/, ''))) throw new UsageError(`--${name} must be at most ${MAX_COUNT}, not ${JSON.stringify(value)}.`);
    return Number(value);
  };
  const deletionThreshold = count('deletion-threshold', v['deletion-threshold'], 1);
  if (deletionThreshold !== undefined) args.deletionThreshold = deletionThreshold;
  const bulkReadThreshold = count('bulk-read-threshold', v['bulk-read-threshold'], 1);
  if (bulkReadThreshold !== undefined) args.bulkReadThreshold = bulkReadThreshold;
  const workers = count('workers', v.workers, 1);
  if (workers !== undefined && workers > 16) throw new UsageError(`--workers must be at most 16, not ${workers}.`);
  if (workers !== undefined) args.workers = workers;
  if (args.help || args.version) return args;
  if (args.validateConfig) {
    // --validate-config only loads the configuration: a DN or a batch given with it would not be
    // synced, and exit 0 would read as "synced" in a script.
    const runs = [['--distinguished-name', args.distinguishedName], ['--search-base', args.searchBase], ['--input', args.input], ['--what-if-config', args.whatIfConfig], ['--export', args.export || undefined], ['--output', args.output]]
      .filter(([, value]) => value !== undefined).map(([name]) => name);
    if (runs.length) throw new UsageError(`--validate-config only checks the configuration and runs nothing; run it without ${runs.join(', ')}, then run the sync on its own.`);
    return args;
  }

  const batch = args.searchBase !== undefined || args.input !== undefined;
  if (args.searchBase !== undefined && args.input !== undefined) throw new UsageError('Give --search-base or --input, not both.');
  if (batch && args.distinguishedName !== undefined) throw new UsageError('--distinguished-name is for one object; a batch takes --search-base or --input.');
  if (!batch) {
    const batchOnly = [['--scope', args.scope], ['--ldap-filter', args.ldapFilter], ['--export', args.export || undefined], ['--what-if-config', args.whatIfConfig], ['--deletion-threshold', args.deletionThreshold], ['--bulk-read-threshold', args.bulkReadThreshold], ['--workers', args.workers]]
      .filter(([, value]) => value !== undefined).map(([name]) => name);
    if (batchOnly.length) throw new UsageError(`${batchOnly.join(', ')} need --search-base or --input.`);
    // Only a missing option is a usage error here: an empty value (an unset variable, "$DN") is
    // a DN, refused where the DN is parsed as MalformedDistinguishedName, as --search-base "" is.
    if (args.distinguishedName === undefined) throw new UsageError('--distinguished-name is required (or use --search-base, --input or --validate-config).');
    return args;
  }
  if ((args.scope !== undefined || args.ldapFilter !== undefined) && args.searchBase === undefined) throw new UsageError('--scope and --ldap-filter narrow --search-base; they do not apply to --input.');
  if (args.export && args.stagingMode) throw new UsageError('--export and --staging-mode contradict each other (a batch stages unless --export is given).');
  if (args.whatIfConfig !== undefined && args.export) throw new UsageError('--what-if-config only compares (staging mode); it cannot be combined with --export.');
  if (args.deletionThreshold !== undefined && args.whatIfConfig === undefined) throw new UsageError('--deletion-threshold applies to --what-if-config.');
  // Worker threads take a staging pass only (session-batch.ts): the export's passes and the
  // what-if's (which keep every result to compare) run on the main thread, and --workers would be
  // ignored without a word.
  if (args.workers !== undefined && (args.export || args.whatIfConfig !== undefined)) {
    throw new UsageError(`--workers applies to a staging batch only; ${args.export ? '--export' : '--what-if-config'} runs every object on the main thread: leave --workers out.`);
  }
  if (args.output !== undefined) throw new UsageError('--output is for one object; a batch writes one JSON result a line on stdout (redirect it).');
  return args;
}
