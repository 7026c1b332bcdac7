// A problem found while loading configuration, with where it is.
export interface ConfigProblem {
  file: string;
  /** JSON path ($.activeDirectory[0].url) or XML element (mapping[cloudFiltered]/expression). */
  path?: string;
  line?: number;
  column?: number;
  message: string;
  /** The problem's name, for problems that have one (e.g. ServerConfigurationFileNotWellFormed); the message starts with it. */
  code?: string;
  severity: 'error' | 'warning';
}

export function formatProblem(problem: ConfigProblem): string {
  const position = problem.line !== undefined ? `:${problem.line}${problem.column !== undefined ? `:${problem.column}` : ''}` : '';
  const where = problem.path ? ` ${problem.path}` : '';
  return `${problem.file}${position}${where}: ${problem.severity}: ${problem.message}`;
}
