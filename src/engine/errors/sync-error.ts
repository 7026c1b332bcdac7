// The project's error type. Every failure a user can meet is a SyncError with a catalog
// code, a reason and a recommended action (ARCHITECTURE section 4, "Errors").

export type ErrorCategory = 'failure' | 'nonServiceFailure';

/**
 * What the user changes to fix an error, for a surface to offer as one action: the secrets
 * (bind password, client secret), the configuration file's content, or which configuration
 * file is used; 'none' when the recommended action is not a change of those (retry, the data,
 * the tenant). Declared by each catalog entry, never guessed from its code.
 */
export type Remedy = 'credentials' | 'configuration' | 'configurationFile' | 'none';

export interface CatalogEntry {
  /** Short, stable name, e.g. "InvalidCredentials" or "AttributeValueMustBeUnique". */
  code: string;
  /** What went wrong, in the user's terms. May contain {placeholders} filled from details. */
  reason: string;
  /** What to do about it. May contain {placeholders}. */
  recommendedAction: string;
  /** A documentation link (Microsoft Learn or aka.ms) for the error. */
  documentationUrl?: string;
  /** failure: the service or tool failed; nonServiceFailure: the data or configuration is the cause. */
  category: ErrorCategory;
  /** What the user changes to fix it (a surface offers the matching action). */
  remedy: Remedy;
}

export interface SyncErrorInfo {
  errorCode: string;
  reason: string;
  recommendedAction: string;
  additionalDetails: string | null;
  errorCategory: ErrorCategory;
  documentationUrl?: string;
}

/**
 * The {placeholder} names of a template, at type level, as fill() finds them at run time
 * (`{word}`). A template typed plain `string` yields `string` (nothing can be checked).
 */
export type PlaceholdersOf<T extends string> = string extends T
  ? string
  : T extends `${string}{${infer Name}}${infer Rest}`
    ? (Name extends '' | `${string}${NonWord}${string}` ? never : Name) | PlaceholdersOf<Rest>
    : never;
type NonWord = ' ' | '"' | "'" | ':' | ',' | '.' | '-' | '(' | ')' | '{' | '[' | ']' | '/' | '&' | '=' | '<' | '>' | '@' | '%' | '!' | '?' | ';' | '\n';

/** A value that fills a placeholder: text or a number, never undefined, null or an object. */
export type PlaceholderValue = string | number | boolean | bigint;

/** The placeholders of an entry's reason and recommended action. */
export type EntryPlaceholders<E extends CatalogEntry> = PlaceholdersOf<E['reason']> | PlaceholdersOf<E['recommendedAction']>;

/**
 * The details an entry needs: every placeholder of its templates with a value (a missing key
 * is a compile error at the raise site), plus any further structured facts.
 */
export type DetailsFor<E extends CatalogEntry> = string extends EntryPlaceholders<E>
  ? Record<string, unknown>
  : { [K in EntryPlaceholders<E>]: PlaceholderValue } & Record<string, unknown>;

type SyncErrorArguments<E extends CatalogEntry> = [EntryPlaceholders<E>] extends [never]
  ? [details?: Record<string, unknown>, options?: { cause?: unknown }]
  : [details: DetailsFor<E>, options?: { cause?: unknown }];

/** The {placeholder} names a template holds, as fill() sees them. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

/**
 * Bidi overrides and isolates, zero-width and other invisible format characters: in a message
 * they could reorder or hide what a reader sees (an AD value is untrusted), so messages show
 * them as \\u escapes. The values themselves stay exact in the details and attribute rows.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const invisible = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
export function visibleText(text: string): string {
  return text.replace(invisible, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function fill(template: string, details: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (whole: string, key: string, at: number) => {
    if (!(key in details) || details[key] === undefined) return whole;
    const value = visibleText(String(details[key]));
    // A value that is a sentence ("... with a backslash.") before the template's own full stop: one stop, not two.
    return template[at + whole.length] === '.' && /[^.]\.$/.test(value) ? value.slice(0, -1) : value;
  });
}

// E is the catalog entry a SyncError is raised with; it only types the constructor's details.
export class SyncError<E extends CatalogEntry = CatalogEntry> extends Error {
  readonly code: string;
  readonly reason: string;
  readonly recommendedAction: string;
  readonly documentationUrl?: string;
  readonly category: ErrorCategory;
  readonly remedy: Remedy;
  /** Structured facts for the report (request ids, Retry-After, the failing clause, ...). */
  readonly details: Record<string, unknown>;

  constructor(entry: E, ...[details = {}, options]: SyncErrorArguments<E>) {
    const reason = fill(entry.reason, details);
    super(`${entry.code}: ${reason}`, options);
    this.name = 'SyncError';
    this.code = entry.code;
    this.reason = reason;
    this.recommendedAction = fill(entry.recommendedAction, details);
    this.documentationUrl = entry.documentationUrl;
    this.category = entry.category;
    this.remedy = entry.remedy;
    this.details = details;
  }

  /**
   * A SyncError raised elsewhere (another thread), rebuilt from its fields as they were: its
   * texts are already filled, so nothing is filled again (a value holding "{reason}" stays so).
   */
  static revive(fields: Omit<CatalogEntry, 'documentationUrl'> & { documentationUrl?: string | undefined; details: Record<string, unknown> }): SyncError {
    const error = new Error(`${fields.code}: ${fields.reason}`);
    Object.setPrototypeOf(error, SyncError.prototype);
    const { code, reason, recommendedAction, documentationUrl, category, remedy, details } = fields;
    return Object.assign(error, { name: 'SyncError', code, reason, recommendedAction, documentationUrl, category, remedy, details }) as unknown as SyncError;
  }

  toInfo(): SyncErrorInfo {
    const extra = Object.entries(this.details)
      .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
      .map(([k, v]) => `${k}=${String(v)}`)
      .join('; ');
    return {
      errorCode: this.code,
      reason: this.reason,
      recommendedAction: this.recommendedAction,
      additionalDetails: extra || null,
      errorCategory: this.category,
      ...(this.documentationUrl ? { documentationUrl: this.documentationUrl } : {}),
    };
  }
}

export function isSyncError(value: unknown): value is SyncError {
  return value instanceof SyncError;
}
