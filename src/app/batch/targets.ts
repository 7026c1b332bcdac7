// What a batch runs over: a scope (search base, one level or subtree, an optional LDAP filter)
// or a file of distinguished names. Both are checked before anything is read or written.
import { stat } from 'node:fs/promises';
import { isatty } from 'node:tty';
import type { ActiveDirectoryConnectorConfig, SingleObjectSyncConfig } from '../config/model';
import { decodeText } from '../../adapters/io/decode-text';
import { describeReadError, readFileBounded, readStreamBounded } from '../../adapters/io/read-bounded';
import { batchErrors } from '../../engine/errors/catalog/batch';
import { SyncError } from '../../engine/errors/sync-error';
import { partitionNames } from '../../engine/scope/partition-names';
import { Dn, MAX_RDN_VALUE_LENGTH } from '../../engine/model/dn';
import { explainNotADn } from '../../engine/model/other-object-names';

export type BatchTarget =
  | { kind: 'search'; base: Dn; scope: 'one' | 'subtree'; ldapFilter?: string }
  /** `input`: the file already read (the CLI reads it before it connects, so bad input changes nothing). */
  | { kind: 'file'; file: string; input?: InputFile };

/** The input file name that means standard input (`--input -`, as Unix tools take it). */
export const STANDARD_INPUT = '-';

/** How the input file is named in messages. */
export function inputFileName(file: string): string {
  return file === STANDARD_INPUT ? '(standard input)' : file;
}

/** A line of a CSV (Export-Csv quotes each value) or of a table (Format-Table's header and rule), not a bare name. */
const TABLE_LINE = /^("|distinguishedName\b|-{3,})/i;
/** A line of control, format (invisible) and space characters only. */
const CONTROLS_ONLY = /^[\p{Cc}\p{Cf}\s]+$/u;
const NAMES_ALONE = 'write the names alone, for example (Import-Csv users.csv).DistinguishedName | Out-File -Encoding utf8 dns.txt';
const TABLE_HINT = `it looks like a CSV or a table; ${NAMES_ALONE}`;

/** The most an --input file may hold (about 100,000 long DNs). */
export const INPUT_FILE_LIMIT = 32 * 1024 * 1024;

export interface InputFile {
  /** Each object once, in the order of its first line. */
  dns: Dn[];
  /** Lines (1-based) that name an object an earlier line names (the same DN in another case or spelling). */
  repeatedLines: number[];
}

/**
 * One DN a line; empty lines and lines starting with # are ignored; every line must parse. An
 * object named twice is synced once: twice would write it twice and count it twice.
 */
export async function readInputFile(source: string): Promise<InputFile> {
  const file = inputFileName(source);
  let text: string;
  try {
    const bytes = source !== STANDARD_INPUT
      ? await readFileBounded(source, INPUT_FILE_LIMIT)
      // A terminal is read through its own descriptor until Ctrl+D, which leaves process.stdin
      // untouched for a hidden secret prompt after it (an ended stream cannot prompt).
      : isatty(0)
        ? await readFileBounded('/dev/stdin', INPUT_FILE_LIMIT)
        : await readStreamBounded(process.stdin, 'standard input', INPUT_FILE_LIMIT);
    // UTF-16 with a byte-order mark too: Windows PowerShell's `>` and Out-File write it.
    text = decodeText(bytes, { fatal: true });
  } catch (err) {
    const problem = err instanceof TypeError
      ? 'it is neither UTF-8 text nor UTF-16 text with a byte-order mark (Windows PowerShell\'s Set-Content writes the ANSI code page: use Out-File -Encoding utf8)'
      : describeReadError(err);
    throw new SyncError(batchErrors.BatchInputUnreadable, { file, problem }, { cause: err });
  }
  const dns: Dn[] = [];
  const seen = new Set<string>();
  const repeatedLines: number[] = [];
  const lines = text.split('\n');
  for (const [k, raw] of lines.entries()) {
    // A byte-order mark starts each file that `cat a.txt b.txt` joined (Windows PowerShell writes one).
    const line = trimLine(raw.replace(/\r$/, '').replace(/^\uFEFF/, ''));
    if (line.trim() === '' || line.startsWith('#')) continue;
    // A tab is a column of a table (a copy from a spreadsheet, a tab-separated export): the DN
    // would take the next column into its last value and be looked up as another object.
    const tab = line.indexOf('\t');
    if (tab >= 0) {
      throw new SyncError(batchErrors.BatchInputUnreadable, { file, problem: `line ${k + 1} holds a tab at character ${tab + 1} (a column of a table or spreadsheet?); ${NAMES_ALONE}, and write a tab inside a name as \\09` });
    }
    const parsed = Dn.tryParse(line);
    if (!parsed.ok || parsed.dn.isRoot) {
      // The parser's reason is a sentence; inside the parentheses it loses its full stop.
      const tableLine = TABLE_LINE.test(line);
      // A line of control or invisible characters alone (DOS's end-of-file Ctrl+Z, a NUL) is no
      // sAMAccountName either: said as what it is.
      if (!parsed.ok && CONTROLS_ONLY.test(line)) {
        throw new SyncError(batchErrors.BatchInputUnreadable, { file, problem: `line ${k + 1} holds only control or invisible characters (${[...line].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).slice(0, 8).join(' ')}), not a distinguished name; remove the line${line.includes('\u001a') ? ' (U+001A, Ctrl+Z, is the end-of-file mark that old DOS and Windows tools such as copy /a append)' : ''}` }, { cause: parsed.error });
      }
      // A table's header or quoted cell is said as a table; another name of an object as what it is.
      const why = parsed.ok ? 'the distinguished name is empty' : (tableLine ? parsed.error : explainNotADn(line, parsed.error)).reason.replace(/\.$/, '');
      const table = tableLine ? `; ${TABLE_HINT}` : '';
      throw new SyncError(batchErrors.BatchInputUnreadable, { file, problem: `line ${k + 1} is not a distinguished name (${why})${table}` }, parsed.ok ? undefined : { cause: parsed.error });
    }
    const long = overlongRdn(parsed.dn, line);
    if (long) throw new SyncError(batchErrors.BatchInputUnreadable, { file, problem: `line ${k + 1} is not a distinguished name of Active Directory (${long.problem})` });
    if (seen.has(parsed.dn.key)) {
      repeatedLines.push(k + 1);
      continue;
    }
    seen.add(parsed.dn.key);
    dns.push(parsed.dn);
  }
  if (dns.length === 0) {
    const what = text.trim() === '' ? `${file} is empty${source === STANDARD_INPUT ? ' (nothing was piped in)' : await isPipe(source) ? ' (a named pipe nothing was written to)' : ''}` : `${file} holds no distinguished name (only blank lines and # comments)`;
    throw new SyncError(batchErrors.BatchScopeEmpty, { what });
  }
  return { dns, repeatedLines };
}

/**
 * An RDN longer than Active Directory allows, with its position in `text` (1-based) and why: no
 * object has such a name, and looking for one would only be slow (a name of megabytes is
 * compared with its would-be siblings for a "did you mean").
 */
export function overlongRdn(dn: Dn, text: string): { position: number; problem: string } | undefined {
  for (const [k, rdn] of dn.rdns.entries()) {
    const length = rdn.avas.reduce((sum, ava) => sum + ava.value.length, 0);
    if (length <= MAX_RDN_VALUE_LENGTH) continue;
    const at = text.indexOf(rdn.source);
    return {
      position: at >= 0 ? at + 1 : 1,
      problem: `its RDN ${k + 1} holds a value of ${length} characters, and Active Directory names no object with an RDN of more than ${MAX_RDN_VALUE_LENGTH} ([MS-ADTS] 3.1.1.5.1.2 Naming Constraints)`,
    };
  }
  return undefined;
}

/**
 * A line without its leading blanks and its trailing spaces and tabs (a spreadsheet's copy ends
 * lines in tabs); a DN may end in an escaped space (CN=Name\ ), which stays.
 */
function trimLine(line: string): string {
  const start = line.replace(/^[ \t]+/, '');
  const end = start.replace(/[ \t]+$/, '');
  if (end.length === start.length) return start;
  const escapes = /\\*$/.exec(end)![0].length;
  return escapes % 2 === 1 && start[end.length] === ' ' ? `${end} ` : end;
}

async function isPipe(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFIFO() ?? false;
}

/** The input file in words: its path, and the lines skipped because they repeat an object. */
export function describeInputFile(file: string, input: InputFile): string {
  const { repeatedLines: repeated } = input;
  const name = inputFileName(file);
  if (!repeated.length) return `input file ${name}`;
  const shown = repeated.length > 10 ? `${repeated.slice(0, 10).join(', ')} and ${repeated.length - 10} more` : repeated.join(', ');
  return `input file ${name} (${repeated.length} line(s) name an object an earlier line names, synced once: line(s) ${shown})`;
}

/** The connector whose configured partition holds the search base. */
export function connectorForBase(config: SingleObjectSyncConfig, base: Dn): ActiveDirectoryConnectorConfig {
  for (const connector of config.activeDirectory) {
    if ((connector.partitions ?? []).some((p) => base.isWithin(partitionNames(p).dn))) return connector;
  }
  const partitions = config.activeDirectory.flatMap((c) => (c.partitions ?? []).map((p) => p.dn)).join('; ') || 'none configured';
  throw new SyncError(batchErrors.SearchBaseOutsideConnectors, { base: base.toString(), partitions });
}
