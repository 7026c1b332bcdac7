// Display text for numbers, times and enum values. Pure; no markup here.

export function formatDuration(ms: number | null | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** ISO 8601 timestamps shown as "2025-03-01 14:05:09 UTC"; anything else is shown as given. */
export function formatTimestamp(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "nonServiceFailure" -> "Non service failure"; "stagedDelete" -> "Staged delete". */
export function humanize(camel: string | null | undefined): string {
  if (!camel) return '';
  const words = camel.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Known result values get their own colour; anything else is shown neutrally. */
export function statusClass(status: string): string {
  return ['success', 'warning', 'failure', 'skipped'].includes(status) ? status : 'unknown';
}
