import type { CatalogEntry } from '../sync-error';

/** Errors raised by the scoping steps 1-6 and the pipeline. */
export const scopeErrors = {
} satisfies Record<string, CatalogEntry>;
